"""Owns ``runs``: one row per ``monitor run`` (when, how long, what it found, its exit code)."""

from __future__ import annotations

from datetime import datetime

from ..clock import iso


def record_run(db, summary: dict) -> None:
    cols = list(summary)
    db.execute(f"insert into runs ({', '.join(f'[{c}]' for c in cols)}) values ({', '.join('?' for _ in cols)})",
               [summary[c] for c in cols])


def first_run_started(db) -> str | None:
    """When the monitor first ran (the spike rules' warm-up counts from it)."""
    return db.execute("select min(started) from runs").fetchone()[0]


def runs_between(db, start: datetime, end: datetime) -> list[dict]:
    return list(db.query("select started, exit_code from runs where started >= ? and started < ? order by started",
                         [iso(start), iso(end)]))
