"""Owns ``purges`` (one row per retention purge) and holds the purge's writes across the other tables:
a mention's words, names and links go (its counts stay), and so do notes, reply subjects and fetch errors
that could quote a post. ``monitor.triage.purge`` decides what is old; this module removes it.
"""

from __future__ import annotations

import json
from datetime import datetime

from ..clock import iso
from .mentions import purged_key


def mentions_to_purge(db, before: datetime) -> list[dict]:
    return list(db.query("select id, canonical_url from mentions where first_seen < ? and text is not null",
                         [iso(before)]))


def purge_mention(db, mention_id: int, canonical_url: str) -> None:
    """Keep the story's hashed key (so it is recognised, not stored again) and its figures; drop its words."""
    hashed = purged_key(canonical_url)
    db.execute("update mentions set title = null, text = null, snippet = null, author = null, url = null, "
               "reach = null, title_key = null, reasons = null, judgement = null, canonical_url = ? where id = ?",
               [hashed, mention_id])
    db.execute("update mention_sources set url = null, item_id = ? where mention_id = ?", [hashed, mention_id])
    db.execute("update mention_events set note = null where mention_id = ?", [mention_id])
    db.execute("update actions set note = null where mention_id = ?", [mention_id])


def alerts_to_purge(db, before: datetime) -> list[dict]:
    """Alerts created before ``before`` or about a purged mention, not yet stripped."""
    return list(db.query(
        "select id, rule, severity, details from alerts where (created < ? or mention_id in "
        "(select id from mentions where canonical_url like 'purged:%')) and coalesce(title, '') not like '%(text removed%'",
        [iso(before)]))


def strip_alert(db, alert_id: int, title: str, details: dict) -> None:
    db.execute("update alerts set title = ?, details = ?, note = null where id = ?",
               [title, json.dumps(details, ensure_ascii=False), alert_id])


def blank_old_text(db, before: datetime) -> None:
    """Directors' notes and reply subjects can quote a post (a reply's first line, "Re: <title>"); a fetch's
    error or warning can quote an entry. Before ``before`` they go; the counts stay."""
    b = iso(before)
    db.execute("update actions set note = null where time < ? and note is not null", [b])
    db.execute("update replies set subject = null where time < ? and subject is not null", [b])
    db.execute("update fetches set error = null, warning = null where started < ? "
               "and (error is not null or warning is not null)", [b])


def record_purge(db, now: datetime, before: datetime, mentions: int) -> None:
    db.execute("insert into purges (time, [before], mentions) values (?, ?, ?)", [iso(now), iso(before), mentions])


def last_purge(db) -> dict | None:
    rows = list(db.query("select * from purges order by id desc limit 1"))
    return rows[0] if rows else None


def digest_paths(db) -> list[str]:
    return [r[0] for r in db.execute("select path from digests where path is not null")]


def forget_digest_file(db, week: str) -> None:
    db.execute("update digests set path = null where week = ?", [week])
