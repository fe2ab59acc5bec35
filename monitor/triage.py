"""Triage: what needs attention, what happened to a mention, and keeping the store tidy.

Every change to a mention (acknowledged, resolved, marked as needing a reply or not,
marked not about us, a level corrected) is recorded in ``actions`` with who, when, how
and note (see ``monitor.actions``).
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

def record(db, mention_id: int, action: str, now: datetime, note: str | None = None,
           by: str | None = None, via: str = "cli") -> None:
    store.record_action(db, time=now, action=action, mention_id=mention_id, by=by, via=via, note=note)


def _require(db, mention_id: int) -> dict:
    m = store.mention(db, mention_id)
    if m is None:
        raise KeyError(f"no mention {mention_id}")
    return m


def ack_mention(db, mention_id: int, now: datetime, note: str | None = None, by: str | None = None) -> None:
    from .actions import act

    act(db, "ack", now, mention_id=mention_id, note=note, by=by)


def resolve(db, mention_id: int, now: datetime, note: str | None = None, by: str | None = None) -> None:
    from .actions import act

    act(db, "resolve", now, mention_id=mention_id, note=note, by=by)


def mark(db, mention_id: int, what: str, now: datetime, note: str | None = None, by: str | None = None,
         level: str | None = None) -> None:
    """``what``: needs_reply, no_reply, false_positive (not about us) or wrong_level (with ``level``)."""
    from .actions import act

    if what in ("false_positive", "not_us"):
        act(db, "not_us", now, mention_id=mention_id, note=note, by=by)
        return
    if what == "wrong_level":
        act(db, "wrong_level", now, mention_id=mention_id, note=note, by=by, level=level)
        return
    _require(db, mention_id)
    update = {"needs_reply": {"needs_reply": 1}, "no_reply": {"needs_reply": 0}}[what]
    with db.atomic():
        db["mentions"].update(mention_id, update)
        record(db, mention_id, what, now, note, by=by)


def inbox(db, limit: int = 50) -> list[dict]:
    """Open mentions that need attention, most urgent first: severity, then oldest first."""
    order = "case severity when 'crisis' then 0 when 'alert' then 1 when 'watch' then 2 else 3 end"
    rows = db.query(
        "select * from mentions where false_positive = 0 and resolved_at is null and acked_at is null "
        "and (severity in ('watch', 'alert', 'crisis') or needs_reply = 1) "
        f"order by {order}, first_seen limit ?", [limit])
    return [store.decode_mention(r) for r in rows]


def history(db, mention_id: int) -> list[dict]:
    """Every action on the mention or its alerts, from any channel (see ``actions``)."""
    from .actions import history as _history

    return _history(db, mention_id=mention_id)


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


EXPORT_FIELDS = ("id", "first_seen", "published", "severity", "corrected_severity", "score", "sentiment",
                 "targeted_sentiment", "title", "snippet", "text", "url", "sources", "publisher", "categories",
                 "needs_reply", "acked_at", "resolved_at", "false_positive")


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


# Words that say nothing about who is meant: "new baby network is" would hide every "... is a scam".
FUNCTION_WORDS = set("""a an the is are was were be been being am of to in on at by for from with and or but not no
it its it's this that these those as if so than then there their they them we our us you your he she his her i me my
has have had do does did will would can could should may might must shall just very really also too all any some
more most much many about into over after before up down out off again here what which who whom whose when where why how
s t don't didn't isn't wasn't""".split())


def _safe_phrase(name: str, extra: list[str], config: Config) -> bool:
    """Only a phrase that names someone else: our name as words plus a content word.

    Never our handle, hashtag, web address or run-together name (those are always us), never our
    full name, never our name plus only words like "is" or "a".
    """
    if not re.search(r"\s", name.strip()) or name.strip()[:1] in "@#" or "." in name:
        return False
    phrase = fold(" ".join([name] + extra))
    if fold(config.organisation.name) in phrase:
        return False
    return any(w not in FUNCTION_WORDS and not w.isdigit() for w in extra)


def suggest_excludes(db, config: Config, minimum: int = 1) -> list[tuple[str, int, list[dict]]]:
    """Phrases around our name that recur in mentions marked not about us but never in real ones.

    Each suggestion comes with the mentions it would have hidden, so a person can judge it.
    """
    from .matching import Matcher

    matcher = Matcher(config.organisation.terms, [])

    def phrases(text: str) -> set[str]:
        out = set()
        folded = fold(text or "")
        for m in matcher.find(text or ""):
            before = re.findall(r"[\w'&-]+", folded[max(0, m.start - 40):m.start])[-1:]
            after = re.findall(r"[\w'&-]+", folded[m.end:m.end + 40])[:2]
            name = folded[m.start:m.end]
            candidates = []
            if after:
                candidates.append((name, [after[0]], f"{name} {after[0]}"))
                if len(after) > 1:
                    candidates.append((name, after[:2], f"{name} {after[0]} {after[1]}"))
            if before:
                candidates.append((name, before, f"{before[0]} {name}"))
            out.update(p for n, extra, p in candidates if _safe_phrase(n, extra, config))
        return out

    bad, good = Counter(), Counter()
    hidden: dict[str, list[dict]] = {}
    for m in db.query("select id, title, snippet, text, false_positive from mentions "
                      "where text is not null or title is not null order by id"):
        found = phrases(m["title"]) | phrases(m["text"])
        (bad if m["false_positive"] else good).update(found)
        if m["false_positive"]:
            for p in found:
                hidden.setdefault(p, []).append({"id": m["id"], "title": m["title"] or m["snippet"] or ""})
    existing = {fold(e) for e in config.organisation.exclude}
    ranked = [(p, n, hidden.get(p, [])) for p, n in bad.most_common() if n >= minimum and not good[p] and p not in existing]
    return ranked[:10]


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
