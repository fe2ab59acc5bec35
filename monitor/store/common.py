"""Small helpers every store module shares: one row by primary key, JSON text for columns."""

from __future__ import annotations

import json
from typing import Any

_PKS = {"sources": "name", "digests": "week", "mentions": "id", "alerts": "id"}


def get_row(db, table: str, pk) -> dict | None:
    """One row by primary key (plain SQL: this is on the per-source hot path)."""
    cur = db.execute(f"select * from [{table}] where [{_PKS[table]}] = ?", [pk])
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row)) if row else None


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def marks(values) -> str:
    """``?, ?, ?`` for an ``in (...)`` list of ``values``."""
    return ", ".join("?" for _ in values)
