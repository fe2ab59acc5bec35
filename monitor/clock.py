"""Time in one place: UTC for storage, the configured zone (Europe/London) for people.

Everything that depends on "now" takes it as an argument; this module's
``utcnow`` is the only call to the real clock, so tests can pass their own.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(dt: datetime | None) -> str | None:
    """Storage form: ``2026-11-24T09:30:00Z`` (sorts as text, reads well in Datasette)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def for_people(dt: datetime | str | None, tz: str = "Europe/London") -> str:
    """``Tue 24 Nov 2026 09:30 GMT``: what a director reads on a phone."""
    if isinstance(dt, str):
        dt = parse_iso(dt)
    if dt is None:
        return "-"
    local = dt.astimezone(ZoneInfo(tz))
    return local.strftime("%a %d %b %Y %H:%M %Z")
