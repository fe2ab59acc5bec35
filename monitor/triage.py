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
import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from . import store
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
    needs_reply = {"needs_reply": True, "no_reply": False}[what]
    with db.atomic():
        store.set_needs_reply(db, mention_id, needs_reply)
        record(db, mention_id, what, now, note, by=by)


def inbox(db, limit: int = 50) -> list[dict]:
    """Open mentions that need attention, most urgent first: severity, then oldest first."""
    return store.inbox(db, limit)


def history(db, mention_id: int) -> list[dict]:
    """Every action on the mention or its alerts, from any channel (see ``actions``)."""
    from .actions import history as _history

    return _history(db, mention_id=mention_id)


def mention_alerts(db, mention_id: int) -> list[dict]:
    return store.mention_alerts(db, mention_id)


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
    for m in store.texts_for_excludes(db):
        found = phrases(m["title"]) | phrases(m["text"])
        (bad if m["false_positive"] else good).update(found)
        if m["false_positive"]:
            for p in found:
                hidden.setdefault(p, []).append({"id": m["id"], "title": m["title"] or m["snippet"] or ""})
    existing = {fold(e) for e in config.organisation.exclude}
    ranked = [(p, n, hidden.get(p, [])) for p, n in bad.most_common() if n >= minimum and not good[p] and p not in existing]
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
    rows = store.retention.mentions_to_purge(db, before)
    with db.atomic():
        for r in rows:
            store.retention.purge_mention(db, r["id"], r["canonical_url"])
        _purge_alerts(db, config, before)
        store.retention.blank_old_text(db, before)
        store.retention.record_purge(db, now, before, len(rows))
    return len(rows)


# What an old alert keeps: figures, categories and which source, never a post's words or link.
_ALERT_KEEPS = {"count", "mean", "threshold", "summary", "categories", "source", "age_hours", "labels"}


def _purge_alerts(db, config: Config, before: datetime) -> None:
    """Alert titles quote posts (a self-harm post's first line); their details list post links: both go."""
    days = int(config.retention // 86400)
    for a in store.retention.alerts_to_purge(db, before):
        try:
            details = json.loads(a["details"] or "{}")
        except ValueError:
            details = {}
        keep = _ALERT_KEEPS | ({"url", "why"} if a["rule"].startswith("source_") else set())
        details = {k: v for k, v in (details if isinstance(details, dict) else {}).items() if k in keep}
        if isinstance(details.get("labels"), dict) and "story" in details["labels"]:
            details["labels"] = {k: v for k, v in details["labels"].items() if k != "story"}  # the post's link
        title = f"{a['rule'].replace('_', ' ')} {a['severity']} alert (text removed after {days} days)"
        store.retention.strip_alert(db, a["id"], title, details)


@dataclass
class FilesPurged:
    digests: int = 0
    log_lines: int = 0


_DIGEST_FILE = re.compile(r"^(\d{4})-W(\d{2})\.(html|txt|png)$")
_LOG_HEADER = re.compile(r"^--- (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z) monitor")


def purge_files(db, config: Config, db_path: Path, now: datetime, log_paths: list[Path] | None = None) -> FilesPurged:
    """Retention for what lives beside the database: digest files of old weeks and old runs' log lines.

    Digests quote safeguarding posts; the cron log can quote them too (warnings, acknowledged
    alert titles). A digest week is removed once it ended before the retention cut-off; the
    log keeps the runs (``--- TIME monitor ...`` blocks) that started after it.
    """
    before = now - timedelta(seconds=config.retention)
    out = FilesPurged()
    folders = {db_path.parent / "digests"}
    folders |= {Path(p).parent for p in store.retention.digest_paths(db)}
    old_weeks = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for f in folder.iterdir():
            m = _DIGEST_FILE.match(f.name)
            if not m:
                continue
            try:
                ends = datetime.combine(date.fromisocalendar(int(m[1]), int(m[2]), 7) + timedelta(days=1),
                                        datetime.min.time(), tzinfo=timezone.utc)
            except ValueError:
                continue
            if ends < before:
                f.unlink()
                out.digests += 1
                old_weeks.add(f"{m[1]}-W{m[2]}")
    if old_weeks:
        with db.atomic():
            for week in sorted(old_weeks):
                store.retention.forget_digest_file(db, week)
    if log_paths is None:
        log_paths = [db_path.parent / "monitor.log"]
        if os.environ.get("MONITOR_LOG"):
            log_paths.append(Path(os.environ["MONITOR_LOG"]))
    for log in dict.fromkeys(p.resolve() for p in log_paths):
        if log.is_file():
            out.log_lines += _trim_log(log, before)
    return out


def _trim_log(path: Path, before: datetime) -> int:
    """Drop the runs logged before ``before``; returns how many lines went. Lines before any run header stay."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    kept, dropping = [], False
    for line in lines:
        m = _LOG_HEADER.match(line)
        if m:
            dropping = datetime.fromisoformat(m[1].replace("Z", "+00:00")) < before
        if not dropping:
            kept.append(line)
    removed = len(lines) - len(kept)
    if removed:
        # Rewritten in place, not replaced: cron's wrapper holds the log open for appending right now.
        with open(path, "r+", encoding="utf-8") as f:
            f.writelines(kept)
            f.truncate()
        os.chmod(path, 0o600)
    return removed


def last_purge(db) -> dict | None:
    return store.retention.last_purge(db)
