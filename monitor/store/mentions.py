"""Owns ``mentions`` (one row per story, with its grade and triage state), ``mention_sources`` (every
source that carried it) and ``mentions_fts`` (the full-text index, kept by triggers; a run's new
mentions are added in one pass at its end, ``index_pending``).

Reads for the rules (spike counts, replies due) and triage (inbox, search) live here too:
whoever changes a mention column finds every query that uses it in this file. So do the reads
that learn from directors' corrections (the name check's namesakes, `monitor train --db`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime
from typing import Iterable

from ..clock import iso
from ..levels import ROUTABLE, SEVERITIES, sql_rank
from ..urls import clean_link
from .common import marks, to_json

_JSON_COLUMNS = ("categories", "matched_terms", "reasons", "actions", "reach", "judgement")
MENTION_SQL = (
    "select m.*, (select group_concat(source, ', ') from mention_sources s where s.mention_id = m.id) as sources "
    "from mentions m"
)
_MENTION_SQL = MENTION_SQL  # the name other modules used before the store became a package


# --------------------------------------------------------------------------- the same story again


def purged_key(canonical_url: str) -> str:
    """What a purged mention keeps of its canonical URL: enough to recognise the story, not to read it."""
    return "purged:" + hashlib.sha256(canonical_url.encode()).hexdigest()[:32]


def known_mention(db, canonical_url: str, title_key: str | None = None) -> int | None:
    """The mention this story already is: same canonical URL, or same publisher and headline."""
    row = db.execute("select id from mentions where canonical_url = ?", [canonical_url]).fetchone()
    if row is None and title_key:
        row = db.execute("select id from mentions where title_key = ? limit 1", [title_key]).fetchone()
    if row is None and canonical_url:  # a story whose words were purged is still the same story
        row = db.execute("select id from mentions where canonical_url = ?", [purged_key(canonical_url)]).fetchone()
    return row[0] if row else None


def any_purged(db) -> bool:
    """Whether any mention was purged (its canonical URL replaced by ``purged_key``): one index probe."""
    return db.execute("select 1 from mentions where canonical_url >= 'purged:' and canonical_url < 'purged;' "
                      "limit 1").fetchone() is not None


class KnownStories:
    """``known_mention`` for a whole poll's items at once: one query per column instead of three per item.

    ``find`` answers exactly as ``known_mention`` would, including stories ``add``ed since (a poll that
    carries the same story twice links the second copy to the first).
    """

    CHUNK = 500  # parameters per query, well under SQLite's limit

    # Whether the store holds a purged mention, asked in the same statement as the first chunk of addresses
    # (a row with a null address): a run's main thread waits for the interpreter lock after every statement.
    _PURGED_TOO = (" union all select null, 1 from (select 1 from mentions where canonical_url >= 'purged:' "
                   "and canonical_url < 'purged;' limit 1)")

    def __init__(self, db, keys: Iterable[tuple[str, str | None]]):
        keys = list(keys)
        urls = {c for c, _t in keys if c}
        self.purged = False  # (only read for a key with an address: with none, never asked)
        self.by_url = self._lookup(db, "canonical_url", urls, purged_too=True)
        if self.purged:  # a purged story's key is a hash of its address: worked out only when the store holds one
            self.by_url.update(self._lookup(db, "canonical_url", {purged_key(c) for c in urls}))
        self.by_title = self._lookup(db, "title_key", {t for _c, t in keys if t})

    def _lookup(self, db, column: str, values: set[str], purged_too: bool = False) -> dict[str, int]:
        out: dict[str, int] = {}
        values = sorted(values)
        for i in range(0, len(values), self.CHUNK):
            chunk = values[i:i + self.CHUNK]
            extra = self._PURGED_TOO if purged_too and i == 0 else ""
            for value, mention_id in db.execute(f"select {column}, min(id) from mentions "
                                                f"where {column} in ({marks(chunk)}) group by {column}{extra}", chunk):
                if value is None:
                    self.purged = True
                else:
                    out[value] = mention_id
        return out

    def find(self, canonical_url: str, title_key: str | None = None) -> int | None:
        found = self.by_url.get(canonical_url)
        if found is None and title_key:
            found = self.by_title.get(title_key)
        if found is None and canonical_url and self.purged:
            found = self.by_url.get(purged_key(canonical_url))
        return found

    def add(self, mention_id: int, canonical_url: str, title_key: str | None = None) -> None:
        self.by_url.setdefault(canonical_url, mention_id)
        if title_key:
            self.by_title.setdefault(title_key, mention_id)


def link_source(db, mention_id: int, item, now: datetime) -> None:
    cur = db.execute("update mentions set last_seen = ? where id = ? and canonical_url not like 'purged:%'",
                     [iso(now), mention_id])
    if cur.rowcount:  # a purged mention takes no new links or names
        _add_source(db, mention_id, item, clean_link(item.url), iso(now))


def _add_source(db, mention_id: int, item, url: str, first_seen: str) -> None:
    """One more source that carried the mention (none twice)."""
    db.execute("insert or ignore into mention_sources (mention_id, source, item_id, url, first_seen) "
               "values (?, ?, ?, ?, ?)", [mention_id, item.source, item.item_id, url, first_seen])


def insert_mention(db, item, canonical_url: str, analysis, now: datetime, title_key: str | None = None,
                   index_later: bool = False) -> int:
    """A new mention and its first source. ``index_later``: left out of the full-text index until
    ``index_pending`` (a run indexes its new mentions in one pass at its end)."""
    row = {
        "canonical_url": canonical_url, "url": clean_link(item.url), "title": item.title, "text": item.text,
        "snippet": analysis.snippet, "author": item.author, "publisher": item.publisher, "source": item.source,
        "published": iso(item.published), "first_seen": iso(now), "last_seen": iso(now),
        "sentiment": analysis.sentiment, "targeted_sentiment": analysis.targeted_sentiment,
        "severity": analysis.severity, "score": analysis.score, "categories": to_json(analysis.categories),
        "matched_terms": to_json(analysis.matched_terms), "reasons": to_json(analysis.reasons),
        "actions": to_json(analysis.actions), "needs_reply": int(analysis.needs_reply),
        "reach": to_json(item.reach) if item.reach else None, "title_key": title_key,
        "judgement": to_json(analysis.judgement) if getattr(analysis, "judgement", None) else None,
        "fts_pending": int(index_later),
    }
    cols = list(row)
    cur = db.execute(f"insert into mentions ({', '.join(cols)}) values ({', '.join('?' for _ in cols)})",
                     [row[c] for c in cols])
    mention_id = cur.lastrowid
    _add_source(db, mention_id, item, row["url"], row["first_seen"])  # (not link_source: last_seen is already now)
    return mention_id


def index_pending(db) -> int:
    """Add the mentions stored with ``index_later`` to the full-text index (one pass); how many."""
    n = db.execute("insert into mentions_fts (rowid, title, text) select id, title, text from mentions "
                   "where fts_pending = 1").rowcount
    if n:
        db.execute("update mentions set fts_pending = 0 where fts_pending = 1")
    return n


# --------------------------------------------------------------------------- reading mentions


def decode_mention(row: dict) -> dict:
    for key in _JSON_COLUMNS:
        row[key] = json.loads(row[key] or "null")
    return row


def json_list(text: str | None) -> list:
    value = json.loads(text or "null")
    return list(value or [])


def mention(db, mention_id: int) -> dict | None:
    """One mention with its JSON columns decoded and ``sources`` listing every carrier."""
    rows = list(db.query(MENTION_SQL + " where m.id = ?", [mention_id]))
    return decode_mention(rows[0]) if rows else None


def mentions(db, *, since: datetime | None = None, until: datetime | None = None,
             severity: str | None = None, false_positives: bool = True, fts: str | None = None,
             limit: int | None = None, oldest_first: bool = False) -> list[dict]:
    """Stored mentions with their sources, newest first; ``severity`` means that level or worse."""
    where, args = [], []
    if since is not None:
        where.append("m.first_seen >= ?")
        args.append(iso(since))
    if until is not None:
        where.append("m.first_seen < ?")
        args.append(iso(until))
    if severity:
        levels = SEVERITIES[SEVERITIES.index(severity):]
        where.append(f"m.severity in ({marks(levels)})")
        args.extend(levels)
    if not false_positives:
        where.append("m.false_positive = 0")
    if fts:
        where.append("m.id in (select rowid from mentions_fts where mentions_fts match ?)")
        args.append(fts)
    order = "asc" if oldest_first else "desc"
    sql = (MENTION_SQL + (" where " + " and ".join(where) if where else "")
           + f" order by m.first_seen {order}, m.id {order}" + (f" limit {int(limit)}" if limit else ""))
    return [decode_mention(row) for row in db.query(sql, args)]


def first_seen(db, mention_id: int) -> str | None:
    row = db.execute("select first_seen from mentions where id = ?", [mention_id]).fetchone()
    return row[0] if row else None


def carriers(db, mention_id: int) -> list[dict]:
    """Every source that carried the mention, first first (``monitor show``)."""
    return list(db.query("select * from mention_sources where mention_id = ? order by first_seen", [mention_id]))


def inbox(db, limit: int = 50) -> list[dict]:
    """Open mentions that need attention, most urgent first: severity, then oldest first."""
    rows = db.query(
        "select * from mentions where false_positive = 0 and resolved_at is null and acked_at is null "
        f"and (severity in ({marks(ROUTABLE)}) or needs_reply = 1) "
        f"order by {sql_rank('severity')} desc, first_seen limit ?", [*ROUTABLE, limit])
    return [decode_mention(r) for r in rows]


def texts_for_excludes(db) -> list[dict]:
    """Every mention that still has words, with whether it was marked not about us (``suggest-excludes``)."""
    return list(db.query("select id, title, snippet, text, false_positive from mentions "
                         "where text is not null or title is not null order by id"))


def set_needs_reply(db, mention_id: int, needs_reply: bool) -> None:
    db.execute("update mentions set needs_reply = ? where id = ?", [int(needs_reply), mention_id])


# --------------------------------------------------------------------------- for the rules


def hourly_counts(db, start: datetime, extra: str = "", args: Iterable = ()) -> list[tuple[int, int]]:
    """(hour since ``start``, mentions first seen in it) from ``start`` on, false positives left out.

    ``extra`` narrows it (`` and targeted_sentiment <= ?`` with ``args``); counted in SQL: this runs every cycle.
    """
    return list(db.execute(
        "select cast((julianday(first_seen) - julianday(?)) * 24 as integer) as bucket, count(*) "
        f"from mentions where first_seen >= ? and false_positive = 0{extra} group by bucket",
        [iso(start), iso(start), *args]))


def count_since(db, since: datetime, extra: str = "", args: Iterable = ()) -> int:
    return db.execute(f"select count(*) from mentions where first_seen >= ? and false_positive = 0{extra}",
                      [iso(since), *args]).fetchone()[0]


def newest_since(db, since: datetime, extra: str = "", args: Iterable = ()) -> list[dict]:
    return list(db.query(f"select id, title, snippet, url, categories from mentions where first_seen >= ? "
                         f"and false_positive = 0{extra} order by first_seen", [iso(since), *args]))


def replies_due(db, cutoff: datetime) -> list[dict]:
    """Mentions needing a reply, unanswered and not yet reminded, first seen by ``cutoff``."""
    return [decode_mention(m) for m in db.query(
        "select * from mentions where needs_reply = 1 and acked_at is null and reply_reminded_at is null "
        "and first_seen <= ? order by first_seen", [iso(cutoff)])]


def mark_reminded(db, mention_id: int, now: datetime) -> None:
    db.execute("update mentions set reply_reminded_at = ? where id = ?", [iso(now), mention_id])


# --------------------------------------------------------------------------- what corrections teach


def marked_not_about_us(db, limit: int) -> list[dict]:
    """Mentions a director marked "not about us" (text kept), newest correction first: the
    namesakes the name check learns (``monitor.identity.learned``)."""
    if "mentions" not in db.table_names():
        return []
    return list(db.query(
        "select m.id, m.title, m.text, coalesce((select max(time) from mention_events e where e.mention_id = m.id "
        "and e.action = 'false_positive'), m.first_seen) as marked from mentions m "
        "where m.false_positive = 1 and (m.text is not null or m.title is not null) "
        "order by marked desc, m.id desc limit ?", [limit]))


def unmarked_texts(db, limit: int) -> list[dict]:
    """The newest stored mentions not marked "not about us", with their text (what a learned namesake would hide)."""
    return list(db.query("select id, title, text, severity, first_seen from mentions where false_positive = 0 "
                         "and (text is not null or title is not null) order by id desc limit ?", [limit]))


def totals(db) -> tuple[int, int]:
    """(mentions stored, copies of them seen in sources)."""
    return (db.execute("select count(*) from mentions").fetchone()[0],
            db.execute("select count(*) from mention_sources").fetchone()[0])


def corrected(db_path) -> list[tuple]:
    """Every mention a director corrected, read-only: (id, title, text, false_positive,
    corrected_severity, categories, judgement), oldest first; for ``monitor train --db``.
    Works on a database of any age (columns added by later migrations read as null)."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        cols = {r[1] for r in con.execute("pragma table_info(mentions)")}
        if not cols:
            return []
        has_fix = "corrected_severity" in cols
        has_fams = "judgement" in cols
        sql = ("select id, title, text, false_positive, "
               + ("corrected_severity" if has_fix else "null")
               + ", categories, " + ("judgement" if has_fams else "null")
               + " from mentions where false_positive = 1"
               + (" or corrected_severity is not null" if has_fix else "") + " order by id")
        return list(con.execute(sql))
    finally:
        con.close()

