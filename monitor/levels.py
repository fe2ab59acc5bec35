"""Severity levels: their names, their order, and the one place that order is written.

Everything that compares, sorts or filters by severity (analysis, alerting, notify, the
store's SQL, the digest, triage, evaluation) asks this module rather than spelling the
order out itself.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    INFO = "info"
    WATCH = "watch"
    ALERT = "alert"
    CRISIS = "crisis"


SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)  # lowest first
ROUTABLE: tuple[str, ...] = SEVERITIES[1:]  # levels a route can carry
ROUTE_NAMES: tuple[str, ...] = ROUTABLE + ("escalation", "digest")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def rank(level: str | None) -> int:
    """0 for info up to 3 for crisis; anything unknown counts as info."""
    return _RANK.get(level or "", 0)


def at_least(level: str | None, floor: str) -> bool:
    return rank(level) >= rank(floor)


def higher(a: str, b: str) -> str:
    """The more serious of two levels."""
    return a if rank(a) >= rank(b) else b


def from_rank(n: int) -> str:
    return SEVERITIES[max(0, min(n, len(SEVERITIES) - 1))]


def sql_rank(column: str = "severity") -> str:
    """An SQL expression giving `column`'s rank (crisis highest), for ORDER BY ... DESC."""
    whens = " ".join(f"when '{s}' then {i}" for i, s in enumerate(SEVERITIES))
    return f"(case {column} {whens} else 0 end)"
