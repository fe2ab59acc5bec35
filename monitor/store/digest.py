"""Owns ``digests`` (one row per week: when built, where written, when sent), and holds the digest's reads:
every figure of one week, counted in SQL over the mentions, alerts, deliveries and runs of that week.

The week is ``[start, end)`` in UTC text; false positives never count.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from ..clock import iso
from ..states import AlertStatus, DeliveryStatus, PollOutcome, sql_list
from .common import get_row
from .mentions import MENTION_SQL, decode_mention


def count_mentions(db, start: datetime, end: datetime, false_positives: bool = False) -> int:
    return db.execute("select count(*) from mentions where first_seen >= ? and first_seen < ? and false_positive = ?",
                      [iso(start), iso(end), int(false_positives)]).fetchone()[0]


def week_counts(db, start: datetime, end: datetime, negative: float) -> list[tuple[str, str, int, int, int]]:
    """(``YYYY-MM-DDTHH`` in UTC, severity, false positive 0/1, mentions, of which negative about us) for the
    week, in one pass over its rows: the total, the false positives, the levels and the daily chart all come
    from it (four passes over the same rows before, each reading every row of the week)."""
    return list(db.execute(
        "select substr(first_seen, 1, 13), severity, false_positive, count(*), "
        "sum(coalesce(targeted_sentiment, 0) <= ?) from mentions where first_seen >= ? and first_seen < ? "
        "group by 1, 2, 3", [negative, iso(start), iso(end)]))


def by_source(db, start: datetime, end: datetime) -> list[tuple[str, int]]:
    return [(r["source"], r["n"]) for r in db.query(
        "select ms.source, count(distinct m.id) as n from mentions m join mention_sources ms on ms.mention_id = m.id "
        "where m.first_seen >= ? and m.first_seen < ? and m.false_positive = 0 "
        "group by ms.source order by n desc, ms.source", [iso(start), iso(end)])]


def week_mentions(db, start: datetime, end: datetime, more: str, args: Iterable = ()) -> list[dict]:
    """The week's mentions (with sources, JSON decoded), narrowed and ordered by ``more`` (``and ... order by ...``)."""
    sql = f"{MENTION_SQL} where m.first_seen >= ? and m.first_seen < ? and m.false_positive = 0 {more}"
    return [decode_mention(r) for r in db.query(sql, [iso(start), iso(end), *args])]


def source_health(db, start: datetime, end: datetime) -> tuple[dict[str, dict], dict[str, tuple[int, int]]]:
    """Every source's row by name, and its (polls, failed polls) between ``start`` and ``end``: two queries
    for all sources (one pair per source was a quarter of the digest's build at 1,000 sources)."""
    rows = {r["name"]: r for r in db.query("select * from sources")}
    counts = {source: (n or 0, failed or 0) for source, n, failed in db.execute(
        f"select source, count(*), sum(outcome in ({sql_list(PollOutcome.FAILED, PollOutcome.GONE)})) "
        "from fetches where started >= ? and started < ? group by source", [iso(start), iso(end)])}
    return rows, counts


def week_alerts(db, start: datetime, end: datetime) -> list[dict]:
    """The week's alerts that were told (neither silenced nor inhibited), oldest first."""
    return list(db.query(
        "select * from alerts where created >= ? and created < ? "
        f"and status not in ({sql_list(AlertStatus.SILENCED, AlertStatus.INHIBITED)}) order by created",
        [iso(start), iso(end)]))


def undelivered(db, start: datetime, end: datetime) -> list[dict]:
    """Deliveries that failed (still retrying, from any week) or gave up this week."""
    return list(db.query(
        "select d.channel, d.status, d.attempts, d.error, a.id as alert_id, a.title, a.severity from deliveries d "
        f"join alerts a on a.id = d.alert_id where d.status in ({sql_list(DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP)}) "
        f"and d.created < ? and (d.created >= ? or d.status = '{DeliveryStatus.FAILED}') order by d.created",
        [iso(end), iso(start)]))


# --------------------------------------------------------------------------- replies

_ANSWERED = "coalesce(min(acked_at, resolved_at), acked_at, resolved_at)"
# Matches the partial index idx_mentions_unanswered (migration m008), which these queries name: without
# statistics SQLite would otherwise pick the (needs_reply, ...) index and read every such row from the table.
_OLDER = "needs_reply = 1 and false_positive = 0 and first_seen < ?"
_UNANSWERED = "mentions indexed by idx_mentions_unanswered"


# "+needs_reply": walk the week by first_seen, not every needs-reply mention ever stored
_WEEK_REPLIES = "from mentions where +needs_reply = 1 and false_positive = 0 and first_seen >= ? and first_seen < ?"


def week_reply_times(db, start: datetime, end: datetime) -> list[tuple[str, str | None, str | None]]:
    """(first_seen, acked_at, resolved_at) of every mention of the week needing a reply: enough to count them."""
    return list(db.execute(f"select first_seen, acked_at, resolved_at {_WEEK_REPLIES}", [iso(start), iso(end)]))


def week_replies(db, start: datetime, end: datetime, limit: int) -> list[dict]:
    """The week's first ``limit`` mentions needing a reply, oldest first, whole."""
    return [decode_mention(r) for r in db.query(f"select * {_WEEK_REPLIES} order by first_seen limit {int(limit)}",
                                                [iso(start), iso(end)])]


def older_answered(db, start: datetime, cutoff: datetime, aim_seconds: int) -> list[tuple[bool, int]]:
    """Mentions from before the week answered between ``start`` and ``cutoff``: (late, how many)."""
    a = iso(start)
    return [(bool(late), n) for late, n in db.execute(
        f"select (strftime('%s', {_ANSWERED}) - strftime('%s', first_seen)) > ? as late, count(*) from {_UNANSWERED} "
        f"where {_OLDER} and {_ANSWERED} >= ? and {_ANSWERED} < ? group by late", [aim_seconds, a, a, iso(cutoff)])]


def older_waiting(db, start: datetime, cutoff: datetime, oldest: int) -> tuple[int, list[dict]]:
    """Mentions from before the week still unanswered at ``cutoff``: how many, and the ``oldest`` first ones."""
    still = f"{_OLDER} and ({_ANSWERED} is null or {_ANSWERED} >= ?)"
    args = [iso(start), iso(cutoff)]
    waiting = db.execute(f"select count(*) from {_UNANSWERED} where {still}", args).fetchone()[0]
    rows = [decode_mention(r) for r in db.query(f"select * from {_UNANSWERED} where {still} "
                                                f"order by first_seen, id limit {int(oldest)}", args)]
    return waiting, rows


# --------------------------------------------------------------------------- digests


def digest_row(db, week: str) -> dict | None:
    return get_row(db, "digests", week)


def record_digest(db, week: str, **fields) -> None:
    """Upsert the week's row: ``created`` and ``path`` when written, ``sent_at`` when sent."""
    db["digests"].upsert({"week": week, **fields}, pk="week", alter=True)
