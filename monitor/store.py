"""The SQLite database: schema, migrations and every query the pipeline makes.

Tables (pleasant to open in Datasette):

- ``sources``: one row per configured source, with its fetch state (ETag,
  Last-Modified, body hash, permanent new address, failures, next poll).
- ``fetches``: one row per poll attempt: time, outcome, HTTP status, bytes,
  duration, entries, error.
- ``mentions``: one row per story (canonical URL), with scores and reasons;
  ``mentions_fts`` indexes title and text.
- ``mention_sources``: every source that carried a mention.
- ``alerts`` and ``deliveries``: the outbox. An alert and one delivery row per
  channel are written in the same transaction as the mention that caused it;
  a delivery is ``pending`` until a channel accepts it (``sent``).
- ``runs``: one row per ``monitor run``.

All times are UTC text (``2026-11-24T09:30:00Z``). The file is created 0600:
mentions hold other people's words and the outbox holds message text.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable

from .clock import iso
from .urls import clean_link


def _import_sqlite_utils():
    """sqlite-utils imports numpy (a quarter of a second) only to map numpy types to columns, which
    we never store; keep numpy out of that import so every command that opens the store starts fast.
    numpy stays importable for whoever really uses it (the digest's chart)."""
    import sys

    hide = "numpy" not in sys.modules
    if hide:
        sys.modules["numpy"] = None  # type: ignore[assignment]  # "import numpy" raises ImportError
    try:
        from sqlite_utils import Database, Migrations
    finally:
        if hide:
            del sys.modules["numpy"]
    return Database, Migrations


Database, Migrations = _import_sqlite_utils()

migrations = Migrations("monitor")


@migrations()
def m001_initial(db: Database) -> None:
    db["sources"].create(
        {
            "name": str, "kind": str, "url": str, "enabled": int, "disabled_reason": str,
            "etag": str, "last_modified": str, "body_hash": str, "moved_to": str, "cursor": str,
            "last_polled": str, "last_success": str, "last_error": str,
            "consecutive_failures": int, "next_poll": str, "hold_until": str,
            "items_seen": int, "created": str,
        },
        pk="name",
        defaults={"enabled": 1, "consecutive_failures": 0, "items_seen": 0},
        not_null={"kind"},
    )
    db["fetches"].create(
        {
            "id": int, "source": str, "started": str, "outcome": str, "status": int, "bytes": int,
            "duration_ms": int, "entries": int, "new_mentions": int, "error": str, "warning": str,
        },
        pk="id",
        foreign_keys=[("source", "sources", "name")],
    )
    db["fetches"].create_index(["source", "started"])
    db["fetches"].create_index(["started"])
    db["mentions"].create(
        {
            "id": int, "canonical_url": str, "url": str, "title": str, "text": str, "snippet": str,
            "author": str, "publisher": str, "source": str, "published": str, "first_seen": str,
            "last_seen": str, "sentiment": float, "targeted_sentiment": float, "severity": str,
            "score": float, "categories": str, "matched_terms": str, "reasons": str,
            "actions": str, "needs_reply": int,
        },
        pk="id",
        not_null={"canonical_url", "first_seen", "severity"},
    )
    db["mentions"].create_index(["canonical_url"], unique=True)
    db["mentions"].create_index(["first_seen"])
    db["mentions"].create_index(["severity", "first_seen"])
    db["mentions"].create_index(["published"])
    db["mentions"].enable_fts(["title", "text"], create_triggers=True)
    db["mention_sources"].create(
        {"mention_id": int, "source": str, "item_id": str, "url": str, "first_seen": str},
        pk=("mention_id", "source"),
        foreign_keys=[("mention_id", "mentions", "id")],
    )
    db["mention_sources"].create_index(["source", "item_id"])
    db["alerts"].create(
        {
            "id": int, "created": str, "rule": str, "severity": str, "group_key": str,
            "mention_id": int, "title": str, "details": str, "status": str,
            "acked_at": str, "acked_by": str, "note": str,
        },
        pk="id",
        defaults={"status": "open"},
        foreign_keys=[("mention_id", "mentions", "id")],
    )
    db["alerts"].create_index(["created"])
    db["alerts"].create_index(["group_key"])
    db["deliveries"].create(
        {
            "id": int, "alert_id": int, "channel": str, "status": str, "attempts": int,
            "last_attempt": str, "sent_at": str, "error": str,
        },
        pk="id",
        defaults={"status": "pending", "attempts": 0},
        foreign_keys=[("alert_id", "alerts", "id")],
    )
    db["deliveries"].create_index(["alert_id", "channel"], unique=True)
    db["deliveries"].create_index(["status"])
    db["runs"].create(
        {
            "id": int, "started": str, "finished": str, "exit_code": int, "polled": int, "unchanged": int,
            "failed": int, "not_due": int, "entries": int, "new_mentions": int, "alerts_sent": int,
            "alerts_failed": int, "seconds": float,
        },
        pk="id",
    )
    db["runs"].create_index(["started"])


@migrations()
def m002_alert_groups(db: Database) -> None:
    """Alerts become groups (Alertmanager-style): many mentions per alert, delivery rounds, silences."""
    for name, kind in (("status_reason", str), ("updated", str), ("last_notified", str), ("round", int),
                       ("escalated_at", str), ("related_id", int), ("resolved_at", str)):
        db["alerts"].add_column(name, kind)
    db.execute("update alerts set updated = created, round = 0")
    db["alert_mentions"].create(
        {"alert_id": int, "mention_id": int, "added": str, "round": int},
        pk=("alert_id", "mention_id"),
        foreign_keys=[("alert_id", "alerts", "id"), ("mention_id", "mentions", "id")],
    )
    db.execute("insert into alert_mentions select id, mention_id, created, 0 from alerts where mention_id is not null")
    db["alert_mentions"].create_index(["mention_id"])
    db["alerts"].create_index(["status", "severity"])
    for name, kind in (("round", int), ("created", str), ("next_attempt", str), ("gave_up_at", str)):
        db["deliveries"].add_column(name, kind)
    db.execute("update deliveries set round = 0, created = (select created from alerts a where a.id = alert_id)")
    db.execute("drop index if exists idx_deliveries_alert_id_channel")
    db["deliveries"].create_index(["alert_id", "round", "channel"], unique=True)
    db["silences"].create(
        {"id": int, "created": str, "matchers": str, "starts": str, "ends": str, "reason": str, "expired_at": str},
        pk="id",
    )
    db["mentions"].add_column("acked_at", str)
    db["mentions"].add_column("reply_reminded_at", str)
    db["sources"].add_column("last_new_item", str)
    db["sources"].add_column("down_alert_id", int)


@migrations()
def m003_reach_and_headlines(db: Database) -> None:
    """Reach figures per mention, and publisher+headline keys for links that cannot be unwrapped."""
    db["mentions"].add_column("reach", str)
    db["mentions"].add_column("title_key", str)
    db["mentions"].create_index(["title_key"])
    db["mentions"].create_index(["needs_reply", "acked_at", "reply_reminded_at"])


@migrations()
def m004_triage_and_digests(db: Database) -> None:
    """Triage state per mention with its history, sent digests, retention purges."""
    db["mentions"].add_column("resolved_at", str)
    db["mentions"].add_column("false_positive", int, not_null_default=0)
    db["mention_events"].create(
        {"id": int, "mention_id": int, "time": str, "action": str, "note": str},
        pk="id", foreign_keys=[("mention_id", "mentions", "id")],
    )
    db["mention_events"].create_index(["mention_id", "time"])
    db["digests"].create({"week": str, "created": str, "sent_at": str, "path": str}, pk="week")
    db["purges"].create({"id": int, "time": str, "before": str, "mentions": int}, pk="id")


# How long a write waits for another connection's write transaction (a second terminal's
# `ack`, Datasette, a backup) before the command gives up and says the database is busy.
BUSY_TIMEOUT = 10.0
# Extra PRAGMAs run on every connection (tests use max_page_count to make SQLite meet a full disk).
EXTRA_PRAGMAS: list[str] = []


class Store(Database):
    """sqlite-utils' Database whose transactions start with BEGIN IMMEDIATE.

    A deferred transaction that reads and then writes cannot wait for another writer:
    SQLite refuses the upgrade at once ("database is locked") whatever the busy timeout.
    Taking the write lock at BEGIN makes the busy timeout apply, so commands wait their
    turn instead. sqlite-utils' own writes (insert, update, upsert) go through here too.
    """

    @contextlib.contextmanager
    def atomic(self):
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise


@migrations()
def m005_source_sessions(db: Database) -> None:
    """Login tokens leave the cursor (which `monitor sources` shows) for a column nothing prints."""
    db["sources"].add_column("session", str)
    for name, cursor in db.execute("select name, cursor from sources where cursor like '%session%'").fetchall():
        try:
            data = json.loads(cursor)
        except ValueError:
            continue
        if isinstance(data, dict) and "session" in data:
            session = data.pop("session")
            db.execute("update sources set cursor = ?, session = ? where name = ?",
                       [json.dumps(data), json.dumps(session), name])


@migrations()
def m006_actions_and_messages(db: Database) -> None:
    """Who did what to an alert or mention, from which channel; the model's corrections; sent messages."""
    db["actions"].create(
        {"id": int, "time": str, "alert_id": int, "mention_id": int, "action": str, "level": str,
         "by": str, "via": str, "note": str},
        pk="id",
    )
    db["actions"].create_index(["mention_id", "time"])
    db["actions"].create_index(["alert_id", "time"])
    db.execute("insert into actions (time, mention_id, action, via, note) "
               "select time, mention_id, action, 'cli', note from mention_events order by id")
    # A director's "this should have been LEVEL": a labelled example for `monitor train`.
    db["mentions"].add_column("corrected_severity", str)
    # One row per message that went out: a reply quoting its reference acts on all its alerts.
    db["messages"].create(
        {"id": int, "time": str, "channel": str, "severity": str, "alert_ids": str, "error": str},
        pk="id",
    )
    db["keys"].create({"name": str, "value": str}, pk="name")
    import secrets as _secrets

    db["keys"].insert({"name": "signing", "value": _secrets.token_hex(32)})
    db["replies"].create(
        {"id": int, "time": str, "message_id": str, "sender": str, "subject": str, "outcome": str},
        pk="id",
    )
    db["replies"].create_index(["message_id"], unique=True)


@migrations()
def m007_judgement(db: Database) -> None:
    """How each grade was made: families, the sentence that drove it, the example it reads like."""
    db["mentions"].add_column("judgement", str)


def open_db(path: str | os.PathLike) -> Database:
    """Open (creating with mode 0600 if needed) and migrate the database."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    if os.stat(path).st_mode & 0o077:
        os.chmod(path, 0o600)
    db = Store(path)
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    for pragma in EXTRA_PRAGMAS:
        db.execute(pragma)
    db.execute("PRAGMA foreign_keys = ON")
    db.enable_wal()
    # With WAL, NORMAL keeps every transaction atomic and survives a crash of this process;
    # only a power cut can lose the last few transactions, whole, and their feeds are then
    # simply fetched again. FULL would fsync on every source's commit.
    db.execute("PRAGMA synchronous = NORMAL")
    migrations.apply(db)
    return db


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------------- disk problems

EXIT_CANNOT_WRITE = 73  # a file or folder cannot be written (read-only, another owner, the lock file)
EXIT_DISK_FULL = 74  # the disk is full, or failed
EXIT_BUSY = 69  # another program kept the database locked for longer than BUSY_TIMEOUT


class StorageProblem(Exception):
    """A disk or database problem, said in one plain sentence, with the exit code that names it."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


_CANNOT_WRITE = {errno.EACCES, errno.EPERM, errno.EROFS}
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def storage_problem(exc: BaseException, db_path: str | os.PathLike | None = None) -> StorageProblem | None:
    """The plain sentence for a disk or database failure, or None when ``exc`` is something else."""
    if isinstance(exc, StorageProblem):
        return exc
    if isinstance(exc, OSError):
        where = exc.filename or db_path or "a file"
        if exc.errno in _FULL:
            return StorageProblem(f"The disk holding {where} is full: free some space (or move data/ to a bigger "
                                  "disk), then run again; nothing already stored is lost.", EXIT_DISK_FULL)
        if exc.errno in _CANNOT_WRITE:
            return StorageProblem(f"Cannot write {where}: it or its folder is read-only or belongs to another user. "
                                  "Run the monitor as the user that owns data/ (or fix its permissions), then run again.",
                                  EXIT_CANNOT_WRITE)
        if exc.errno == errno.EIO:
            return StorageProblem(f"The disk failed while writing {where} (I/O error): check the disk, then run "
                                  "again.", EXIT_DISK_FULL)
        return None
    if isinstance(exc, sqlite3.Error):
        text = str(exc).lower()
        where = db_path or "the database"
        if "locked" in text or "busy" in text:
            return StorageProblem(f"The database {where} is busy: another program (a second monitor command, "
                                  f"Datasette, a backup) kept it locked for more than {BUSY_TIMEOUT:g} s. Nothing "
                                  "was lost: try again when it has finished (cron simply tries again next time).",
                                  EXIT_BUSY)
        if "full" in text:
            return StorageProblem(f"The disk holding {where} is full: free some space (or move data/ to a bigger "
                                  "disk), then run again; nothing already stored is lost.", EXIT_DISK_FULL)
        if "readonly" in text or "read-only" in text or "unable to open" in text or "permission" in text:
            return StorageProblem(f"Cannot write the database {where}: it or its folder is read-only or belongs to "
                                  "another user. Run the monitor as the user that owns data/ (or fix its "
                                  "permissions), then run again.", EXIT_CANNOT_WRITE)
        if "disk i/o" in text:
            return StorageProblem(f"The disk failed while writing the database {where} (I/O error): check the disk, "
                                  "then run again.", EXIT_DISK_FULL)
    return None


# --------------------------------------------------------------------------- sources


def sync_sources(db: Database, sources: Iterable, now: datetime) -> None:
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


def source_row(db: Database, name: str) -> dict:
    return get_row(db, "sources", name) or {}


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


_PKS = {"sources": "name", "digests": "week", "mentions": "id", "alerts": "id"}


def get_row(db: Database, table: str, pk) -> dict | None:
    """One row by primary key (plain SQL: this is on the per-source hot path)."""
    cur = db.execute(f"select * from [{table}] where [{_PKS[table]}] = ?", [pk])
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row)) if row else None


def record_poll(db: Database, name: str, poll, now: datetime, every: float, new_mentions: int,
                row: dict | None = None) -> None:
    """Write the fetch log row and the source's new state for one poll (plain SQL: once per source per run)."""
    row = row if row is not None else source_row(db, name)
    failures = row.get("consecutive_failures") or 0
    update: dict[str, Any] = {"last_polled": iso(now)}
    if poll.outcome in ("new", "not_modified", "unchanged"):
        update.update(poll.remember)
        update.update(
            last_success=iso(now), last_error=None, consecutive_failures=0,
            next_poll=iso(now + timedelta(seconds=every)), hold_until=None,
            items_seen=(row.get("items_seen") or 0) + len(poll.items),
        )
        if poll.items:
            update["last_new_item"] = iso(now)
        if poll.retry_after is not None:  # a service's rate limit used up: ask again after its reset
            update["hold_until"] = iso(now + timedelta(seconds=min(poll.retry_after, 24 * 3600)))
    else:
        failures += 1
        # Exponential backoff for a source that keeps failing: every, 2x, 4x ... capped at 12 h.
        backoff = min(every * 2 ** (failures - 1), 12 * 3600)
        update.update(last_error=poll.error, consecutive_failures=failures,
                      next_poll=iso(now + timedelta(seconds=backoff)))
        if poll.retry_after is not None:
            update["hold_until"] = iso(now + timedelta(seconds=min(poll.retry_after, 24 * 3600)))
        if poll.outcome == "gone":
            update.update(enabled=0, disabled_reason=poll.error)
    cols = sorted(update)
    db.execute(f"update sources set {', '.join(f'[{c}] = ?' for c in cols)} where name = ?",
               [update[c] for c in cols] + [name])
    db.execute(
        "insert into fetches (source, started, outcome, status, bytes, duration_ms, entries, new_mentions, error, warning) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [name, iso(now), poll.outcome, poll.status, poll.bytes, int(poll.duration * 1000), len(poll.items),
         new_mentions, poll.error, poll.warning],
    )


# --------------------------------------------------------------------------- mentions


def known_mention(db: Database, canonical_url: str, title_key: str | None = None) -> int | None:
    """The mention this story already is: same canonical URL, or same publisher and headline."""
    row = db.execute("select id from mentions where canonical_url = ?", [canonical_url]).fetchone()
    if row is None and title_key:
        row = db.execute("select id from mentions where title_key = ? limit 1", [title_key]).fetchone()
    if row is None and canonical_url:  # a story whose words were purged is still the same story
        row = db.execute("select id from mentions where canonical_url = ?", [purged_key(canonical_url)]).fetchone()
    return row[0] if row else None


def purged_key(canonical_url: str) -> str:
    """What a purged mention keeps of its canonical URL: enough to recognise the story, not to read it."""
    import hashlib

    return "purged:" + hashlib.sha256(canonical_url.encode()).hexdigest()[:32]


def link_source(db: Database, mention_id: int, item, now: datetime) -> None:
    cur = db.execute("update mentions set last_seen = ? where id = ? and canonical_url not like 'purged:%'",
                     [iso(now), mention_id])
    if cur.rowcount:  # a purged mention takes no new links or names
        db.execute("insert or ignore into mention_sources (mention_id, source, item_id, url, first_seen) "
                   "values (?, ?, ?, ?, ?)", [mention_id, item.source, item.item_id, clean_link(item.url), iso(now)])


def insert_mention(db: Database, item, canonical_url: str, analysis, now: datetime, title_key: str | None = None) -> int:
    row = {
        "canonical_url": canonical_url, "url": clean_link(item.url), "title": item.title, "text": item.text,
        "snippet": analysis.snippet, "author": item.author, "publisher": item.publisher, "source": item.source,
        "published": iso(item.published), "first_seen": iso(now), "last_seen": iso(now),
        "sentiment": analysis.sentiment, "targeted_sentiment": analysis.targeted_sentiment,
        "severity": analysis.severity, "score": analysis.score, "categories": _json(analysis.categories),
        "matched_terms": _json(analysis.matched_terms), "reasons": _json(analysis.reasons),
        "actions": _json(analysis.actions), "needs_reply": int(analysis.needs_reply),
        "reach": _json(item.reach) if item.reach else None, "title_key": title_key,
        "judgement": _json(analysis.judgement) if getattr(analysis, "judgement", None) else None,
    }
    cols = list(row)
    cur = db.execute(f"insert into mentions ({', '.join(cols)}) values ({', '.join('?' for _ in cols)})",
                     [row[c] for c in cols])
    mention_id = cur.lastrowid
    link_source(db, mention_id, item, now)
    return mention_id


_JSON_COLUMNS = ("categories", "matched_terms", "reasons", "actions", "reach", "judgement")
_MENTION_SQL = (
    "select m.*, (select group_concat(source, ', ') from mention_sources s where s.mention_id = m.id) as sources "
    "from mentions m"
)


def decode_mention(row: dict) -> dict:
    for key in _JSON_COLUMNS:
        row[key] = json.loads(row[key] or "null")
    return row


def json_list(text: str | None) -> list:
    value = json.loads(text or "null")
    return list(value or [])


def mention(db: Database, mention_id: int) -> dict | None:
    """One mention with its JSON columns decoded and ``sources`` listing every carrier."""
    rows = list(db.query(_MENTION_SQL + " where m.id = ?", [mention_id]))
    return decode_mention(rows[0]) if rows else None


def mentions(db: Database, *, since: datetime | None = None, until: datetime | None = None,
             severity: str | None = None, false_positives: bool = True, fts: str | None = None,
             limit: int | None = None, oldest_first: bool = False) -> list[dict]:
    """Stored mentions with their sources, newest first; ``severity`` means that level or worse."""
    from .levels import SEVERITIES

    where, args = [], []
    if since is not None:
        where.append("m.first_seen >= ?")
        args.append(iso(since))
    if until is not None:
        where.append("m.first_seen < ?")
        args.append(iso(until))
    if severity:
        levels = SEVERITIES[SEVERITIES.index(severity):]
        where.append(f"m.severity in ({', '.join('?' for _ in levels)})")
        args.extend(levels)
    if not false_positives:
        where.append("m.false_positive = 0")
    if fts:
        where.append("m.id in (select rowid from mentions_fts where mentions_fts match ?)")
        args.append(fts)
    order = "asc" if oldest_first else "desc"
    sql = (_MENTION_SQL + (" where " + " and ".join(where) if where else "")
           + f" order by m.first_seen {order}, m.id {order}" + (f" limit {int(limit)}" if limit else ""))
    return [decode_mention(row) for row in db.query(sql, args)]


# --------------------------------------------------------------------------- alerts (outbox)


def alert(db: Database, alert_id: int) -> dict | None:
    rows = list(db.query("select * from alerts where id = ?", [alert_id]))
    if not rows:
        return None
    row = rows[0]
    row["details"] = json.loads(row["details"] or "{}")
    return row


def alert_mentions(db: Database, alert_id: int) -> list[dict]:
    """The mentions in an alert group, oldest first, each with the round it joined in."""
    sql = (_MENTION_SQL.replace("from mentions m", "from mentions m join alert_mentions am on am.mention_id = m.id")
           .replace("select m.*,", "select m.*, am.round as joined_round,")
           + " where am.alert_id = ? order by am.added, m.id")
    return [decode_mention(r) for r in db.query(sql, [alert_id])]


def alerts(db: Database, *, open_only: bool = False, limit: int = 100) -> list[dict]:
    where = "where a.status = 'open'" if open_only else ""
    sql = (
        "select a.*, (select count(*) from alert_mentions am where am.alert_id = a.id) as mentions, "
        "(select group_concat(d.channel || ':' || d.status, ' ') from deliveries d where d.alert_id = a.id "
        " and d.round = a.round) as deliveries "
        f"from alerts a {where} order by a.id desc limit ?"
    )
    return list(db.query(sql, [limit]))


def due_deliveries(db: Database, now: datetime) -> list[dict]:
    """Deliveries not yet accepted, due now (past any quiet-hours hold or retry backoff), crises first."""
    order = "case a.severity when 'crisis' then 0 when 'alert' then 1 when 'watch' then 2 else 3 end"
    sql = (
        "select d.*, a.rule, a.severity, a.title, a.details, a.mention_id, a.group_key, a.status as alert_status, "
        "a.created as alert_created, a.round as alert_round, a.escalated_at "
        "from deliveries d join alerts a on a.id = d.alert_id "
        "where d.status in ('pending', 'failed') and (d.next_attempt is null or d.next_attempt <= ?) "
        f"order by {order}, d.alert_id, d.round, d.id"
    )
    rows = list(db.query(sql, [iso(now)]))
    for row in rows:
        row["details"] = json.loads(row["details"] or "{}")
    return rows


def retry_delay(attempts: int) -> float:
    """After the 1st failure: the next run. Then 15 min, 30 min, 1 h ... at most 4 h."""
    return 0.0 if attempts <= 1 else min(900 * 2 ** (attempts - 2), 4 * 3600)


def record_delivery(db: Database, delivery: dict, error: str | None, now: datetime, give_up_after: float) -> str:
    """Store one attempt's outcome; returns the delivery's new status (sent, failed or gave_up)."""
    attempts = (delivery.get("attempts") or 0) + 1
    if error is None:
        status, update = "sent", {"sent_at": iso(now), "error": None, "next_attempt": None}
    else:
        created = datetime.fromisoformat((delivery.get("created") or iso(now)).replace("Z", "+00:00"))
        if (now - created).total_seconds() >= give_up_after:
            status, update = "gave_up", {"error": error, "gave_up_at": iso(now), "next_attempt": None}
        else:
            status = "failed"
            update = {"error": error, "next_attempt": iso(now + timedelta(seconds=retry_delay(attempts)))}
    db["deliveries"].update(delivery["id"], {**update, "status": status, "attempts": attempts, "last_attempt": iso(now)})
    return status


# --------------------------------------------------------------------------- runs


def record_run(db: Database, summary: dict) -> None:
    db["runs"].insert(summary)


# --------------------------------------------------------------------------- actions, messages, signing


def signing_key(db: Database) -> bytes:
    """The database's own random key for reply references and page links (made by migration m005)."""
    row = db.execute("select value from keys where name = 'signing'").fetchone()
    return bytes.fromhex(row[0])


def record_action(db: Database, *, time: datetime, action: str, alert_id: int | None = None,
                  mention_id: int | None = None, by: str | None = None, via: str = "cli",
                  note: str | None = None, level: str | None = None) -> int:
    cur = db.execute(
        "insert into actions (time, alert_id, mention_id, action, level, by, via, note) values (?, ?, ?, ?, ?, ?, ?, ?)",
        [iso(time), alert_id, mention_id, action, level, by, via, note])
    return cur.lastrowid


def record_message(db: Database, *, time: datetime, channel: str, severity: str, alert_ids: list[int]) -> int:
    cur = db.execute("insert into messages (time, channel, severity, alert_ids) values (?, ?, ?, ?)",
                     [iso(time), channel, severity, json.dumps(alert_ids)])
    return cur.lastrowid
