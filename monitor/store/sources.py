"""Owns ``sources`` (one row per configured source, with its fetch state) and ``fetches`` (one row per poll).

When a source is polled next is decided by ``monitor.schedule``; this module writes it down.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable

from .. import schedule
from ..clock import iso
from ..states import PollOutcome
from .common import get_row


def sync_sources(db, sources: Iterable, now: datetime) -> None:
    """Make the ``sources`` table match the config; a changed URL or query starts the source afresh."""
    known = {r[0]: (r[1], r[2]) for r in db.execute("select name, url, kind from sources")}
    with db.atomic():
        for s in sources:
            url = s.target()
            if s.name not in known:
                db.execute("insert into sources (name, kind, url, created, enabled, consecutive_failures, items_seen) "
                           "values (?, ?, ?, ?, 1, 0, 0)", [s.name, s.kind, url, iso(now)])
            elif known[s.name] != (url, s.kind):
                db.execute(
                    "update sources set kind = ?, url = ?, etag = null, last_modified = null, body_hash = null, "
                    "moved_to = null, cursor = null, enabled = 1, disabled_reason = null, consecutive_failures = 0, "
                    "next_poll = null, hold_until = null where name = ?", [s.kind, url, s.name])


def source_row(db, name: str) -> dict:
    return get_row(db, "sources", name) or {}


def source_rows(db) -> dict[str, dict]:
    """Every source's row (as ``source_row`` gives it), by name: one query where a run read a thousand."""
    cur = db.execute("select * from sources")
    cols = [d[0] for d in cur.description]
    return {row["name"]: row for row in (dict(zip(cols, r)) for r in cur.fetchall())}


SECRET_KEYS = ("session", "token", "jwt", "access", "refresh", "password", "secret")


def public_source(row: dict) -> dict:
    """A source's state as every command shows it: never its login tokens (the session, or any left in a cursor)."""
    def private(key: str) -> bool:
        return any(word in key.lower() for word in SECRET_KEYS)

    out = {k: v for k, v in row.items() if k != "session"}
    cursor = out.get("cursor")
    if cursor:
        try:
            data = json.loads(cursor)
        except ValueError:
            data = None
        if isinstance(data, dict):
            out["cursor"] = json.dumps({k: v for k, v in data.items() if not private(k)})
    return out


def record_poll(db, name: str, poll, now: datetime, every: float, new_mentions: int,
                row: dict | None = None) -> None:
    """Write the fetch log row and the source's new state for one poll (plain SQL: once per source per run)."""
    row = row if row is not None else source_row(db, name)
    outcome = PollOutcome(poll.outcome)
    failures = 0 if outcome.succeeded else (row.get("consecutive_failures") or 0) + 1
    hold = schedule.hold_until(poll.retry_after, now)
    update: dict[str, Any] = dict(poll.remember) if outcome.succeeded else {}
    update.update(last_polled=iso(now), next_poll=iso(schedule.next_poll(outcome, every, failures, now)),
                  consecutive_failures=failures)
    if outcome.succeeded:
        update.update(last_success=iso(now), last_error=None, hold_until=iso(hold) if hold else None,
                      items_seen=(row.get("items_seen") or 0) + len(poll.items))
        if poll.items:
            update["last_new_item"] = iso(now)
    else:
        update["last_error"] = poll.error
        if hold is not None:
            update["hold_until"] = iso(hold)
        if outcome is PollOutcome.GONE:
            update.update(enabled=0, disabled_reason=poll.error)
    cols = sorted(update)
    db.execute(f"update sources set {', '.join(f'[{c}] = ?' for c in cols)} where name = ?",
               [update[c] for c in cols] + [name])
    db.execute(
        "insert into fetches (source, started, outcome, status, bytes, duration_ms, entries, new_mentions, error, warning) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [name, iso(now), outcome.value, poll.status, poll.bytes, int(poll.duration * 1000), len(poll.items),
         new_mentions, poll.error, poll.warning],
    )


def set_down_alert(db, name: str, alert_id: int | None) -> None:
    """The open "source down" alert of a source (-1: down, but nobody to tell; None: up again)."""
    db.execute("update sources set down_alert_id = ? where name = ?", [alert_id, name])
