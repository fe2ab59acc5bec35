"""Triage: what needs attention, what happened to a mention, and keeping the store tidy.

Every change to a mention (acknowledged, resolved, marked as needing a reply or not,
marked a false positive) is recorded in ``mention_events`` with its time and note.
False positives stay in the database but leave every count and the digest, and
``suggest_excludes`` turns them into ``exclude`` phrases for feeds.yaml.
``purge`` applies the retention period (UK GDPR: mentions hold other people's
words): text, names and links go, the counts behind trends stay.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from datetime import datetime, timedelta

from . import store
from .clock import iso
from .config import Config
from .text import fold

def record(db, mention_id: int, action: str, now: datetime, note: str | None = None) -> None:
    db["mention_events"].insert({"mention_id": mention_id, "time": iso(now), "action": action, "note": note})


def _require(db, mention_id: int) -> dict:
    m = store.mention(db, mention_id)
    if m is None:
        raise KeyError(f"no mention {mention_id}")
    return m


def ack_mention(db, mention_id: int, now: datetime, note: str | None = None) -> None:
    _require(db, mention_id)
    with db.atomic():
        db.execute("update mentions set acked_at = coalesce(acked_at, ?) where id = ?", [iso(now), mention_id])
        record(db, mention_id, "acked", now, note)


def resolve(db, mention_id: int, now: datetime, note: str | None = None) -> None:
    _require(db, mention_id)
    with db.atomic():
        db.execute("update mentions set resolved_at = ?, acked_at = coalesce(acked_at, ?) where id = ?",
                   [iso(now), iso(now), mention_id])
        record(db, mention_id, "resolved", now, note)


def mark(db, mention_id: int, what: str, now: datetime, note: str | None = None) -> None:
    """``what``: needs_reply, no_reply or false_positive."""
    _require(db, mention_id)
    update = {"needs_reply": {"needs_reply": 1}, "no_reply": {"needs_reply": 0},
              "false_positive": {"false_positive": 1, "needs_reply": 0}}[what]
    with db.atomic():
        db["mentions"].update(mention_id, update)
        record(db, mention_id, what, now, note)


def inbox(db, limit: int = 50) -> list[dict]:
    """Open mentions that need attention, most urgent first: severity, then oldest first."""
    order = "case severity when 'crisis' then 0 when 'alert' then 1 when 'watch' then 2 else 3 end"
    rows = db.query(
        "select * from mentions where false_positive = 0 and resolved_at is null and acked_at is null "
        "and (severity in ('watch', 'alert', 'crisis') or needs_reply = 1) "
        f"order by {order}, first_seen limit ?", [limit])
    return [store.decode_mention(r) for r in rows]


def history(db, mention_id: int) -> list[dict]:
    return list(db.query("select * from mention_events where mention_id = ? order by time, id", [mention_id]))


def mention_alerts(db, mention_id: int) -> list[dict]:
    return list(db.query(
        "select a.* from alerts a join alert_mentions am on am.alert_id = a.id where am.mention_id = ? order by a.id",
        [mention_id]))


def search(db, query: str, limit: int = 50) -> list[dict]:
    """Full-text search over mention titles and text (SQLite FTS syntax: words, "phrases", OR, NOT)."""
    try:
        return store.mentions(db, fts=query, limit=limit)
    except Exception:  # a stray quote or operator: search the words as a phrase instead
        return store.mentions(db, fts='"' + query.replace('"', " ") + '"', limit=limit)


EXPORT_FIELDS = ("id", "first_seen", "published", "severity", "score", "sentiment", "targeted_sentiment",
                 "title", "url", "sources", "publisher", "categories", "needs_reply", "acked_at", "resolved_at",
                 "false_positive")


def export(db, since: datetime | None, fmt: str) -> str:
    rows = store.mentions(db, since=since)
    if fmt == "json":
        return "\n".join(json.dumps({k: r.get(k) for k in EXPORT_FIELDS}, ensure_ascii=False) for r in rows) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({**r, "categories": ", ".join(r.get("categories") or {})})
    return out.getvalue()


def suggest_excludes(db, config: Config, minimum: int = 1) -> list[tuple[str, int]]:
    """Phrases around our name that recur in false positives but never in real mentions."""
    from .matching import Matcher

    matcher = Matcher(config.organisation.terms, [])

    def phrases(text: str) -> set[str]:
        out = set()
        folded = fold(text or "")
        for m in matcher.find(text or ""):
            before = re.findall(r"[\w'&-]+", folded[max(0, m.start - 40):m.start])[-1:]
            after = re.findall(r"[\w'&-]+", folded[m.end:m.end + 40])[:2]
            name = folded[m.start:m.end]
            if after:
                out.add(f"{name} {after[0]}")
                if len(after) > 1:
                    out.add(f"{name} {after[0]} {after[1]}")
            if before:
                out.add(f"{before[0]} {name}")
        return out

    bad, good = Counter(), Counter()
    for m in db.query("select title, text, false_positive from mentions where text is not null or title is not null"):
        found = phrases(m["title"]) | phrases(m["text"])
        (bad if m["false_positive"] else good).update(found)
    existing = {fold(e) for e in config.organisation.exclude}
    ranked = [(p, n) for p, n in bad.most_common() if n >= minimum and not good[p] and p not in existing]
    return ranked[:10]


def suggest_namesakes(db, config: Config) -> list[tuple]:
    """Namesakes learned from "not about us" corrections, each with the stored posts it would have kept out."""
    from . import identity

    learned = identity.learned_from_db(db, config)
    hidden = identity.would_hide(db, config, learned)
    return [(ln, hidden.get(ln.mention_id, [])) for ln in learned]


def purge(db, config: Config, now: datetime) -> int:
    """Remove the words, names and links of mentions older than ``retention``; keep what trends need."""
    before = now - timedelta(seconds=config.retention)
    rows = list(db.query("select id, canonical_url from mentions where first_seen < ? and text is not null", [iso(before)]))
    with db.atomic():
        for r in rows:
            hashed = "purged:" + hashlib.sha256(r["canonical_url"].encode()).hexdigest()[:32]
            db.execute("update mentions set title = null, text = null, snippet = null, author = null, url = null, "
                       "reach = null, title_key = null, reasons = null, canonical_url = ? where id = ?", [hashed, r["id"]])
            db.execute("update mention_sources set url = null, item_id = ? where mention_id = ?", [hashed, r["id"]])
            db.execute("update mention_events set note = null where mention_id = ?", [r["id"]])
        db["purges"].insert({"time": iso(now), "before": iso(before), "mentions": len(rows)})
    return len(rows)


def last_purge(db) -> dict | None:
    rows = list(db.query("select * from purges order by id desc limit 1"))
    return rows[0] if rows else None
