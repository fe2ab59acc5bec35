"""The SQLite database: the connection, and one module per table family owning that family's SQL.

Every query the monitor makes is in this package; the rest of the code calls these named
functions (``store.known_mention(db, ...)``, ``store.due_deliveries(db, now)``), all reachable
as ``monitor.store.NAME``. Who owns what:

| module | tables |
|---|---|
| ``schema`` | creates every table; the migrations, in order |
| ``sources`` | ``sources`` (fetch state per source), ``fetches`` (one row per poll) |
| ``mentions`` | ``mentions``, ``mention_sources``, ``mentions_fts``; the rules' and triage's reads of them |
| ``alerts`` | ``alerts``, ``alert_mentions``, ``deliveries``, ``messages``, ``silences`` (the outbox) |
| ``actions`` | ``actions``, ``replies``, ``keys`` (and the old ``mention_events``) |
| ``runs`` | ``runs`` |
| ``digest`` | ``digests``; every figure of the weekly digest |
| ``retention`` | ``purges``; the purge's writes across the other tables |

Severity order comes from ``monitor.levels`` (``sql_rank``), states from ``monitor.states``,
when a source is polled next from ``monitor.schedule``. ``monitor/identity/`` reads the
mentions marked not about us itself (its own learning); ``monitor/train.py`` reads corrections.

All times are UTC text (``2026-11-24T09:30:00Z``). The file is created 0600:
mentions hold other people's words and the outbox holds message text. (Pleasant to open in Datasette.)
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from pathlib import Path

from .schema import Database, Migrations, migrations  # noqa: F401  (Migrations: for whoever adds one)
from .common import get_row, to_json as _json  # noqa: F401
from .sources import (SECRET_KEYS, public_source, record_poll, set_down_alert, source_row,  # noqa: F401
                      source_rows, sync_sources)
from .mentions import (  # noqa: F401
    MENTION_SQL, _MENTION_SQL, KnownStories, carriers, count_since, decode_mention, first_seen, hourly_counts,
    inbox, index_pending, insert_mention, json_list, known_mention, link_source, mark_reminded, mention, mentions, newest_since,
    purged_key, replies_due, set_needs_reply, texts_for_excludes, marked_not_about_us, unmarked_texts, totals,
    corrected,
)
from .alerts import (  # noqa: F401
    add_mention, add_silence, alert, alert_mention_ids, alert_mentions, alerts, cancel_deliveries, channels_down,
    due_deliveries, expire_silence, firing_crises, firing_crisis_with, has_mention, insert_alert, last_alert_created,
    mention_alerts, message_alert_ids, message_error, open_alert_cards, open_group, queue_deliveries, record_delivery,
    record_message, resolve_alert, retry_delay, retry_next_run, silences, unsent_count, update_alert,
)
from .actions import (apply_action, history, record_action, record_reply, reply_cursor, reply_seen,  # noqa: F401
                      set_reply_cursor, signing_key)
from .runs import first_run_started, record_run, runs_between  # noqa: F401
from . import digest, retention  # noqa: F401  (the digest's reads; the purge's writes)


__all__ = [  # everything callers reach as monitor.store.NAME
    "Database", "Migrations", "migrations", "get_row", "_json", "SECRET_KEYS", "public_source",
    "record_poll", "set_down_alert", "source_row", "source_rows", "sync_sources", "MENTION_SQL", "_MENTION_SQL", "KnownStories",
    "carriers", "count_since", "decode_mention", "first_seen", "hourly_counts", "inbox", "index_pending", "insert_mention",
    "json_list", "known_mention", "link_source", "mark_reminded", "mention", "mentions", "newest_since",
    "purged_key", "replies_due", "set_needs_reply", "texts_for_excludes", "marked_not_about_us", "unmarked_texts",
    "totals", "corrected", "add_mention", "add_silence", "alert",
    "alert_mention_ids", "alert_mentions", "alerts", "cancel_deliveries", "channels_down", "due_deliveries",
    "expire_silence", "firing_crises", "firing_crisis_with", "has_mention", "insert_alert", "last_alert_created",
    "mention_alerts", "message_alert_ids", "message_error", "open_alert_cards", "open_group", "queue_deliveries",
    "record_delivery", "record_message", "resolve_alert", "retry_delay", "retry_next_run", "silences",
    "unsent_count", "update_alert", "apply_action", "history", "record_action", "record_reply", "reply_seen",
    "reply_cursor", "set_reply_cursor",
    "signing_key", "first_run_started", "record_run", "runs_between", "BUSY_TIMEOUT", "EXTRA_PRAGMAS", "Store",
    "open_db", "StorageProblem", "storage_problem", "EXIT_CANNOT_WRITE", "EXIT_DISK_FULL", "EXIT_BUSY", "digest",
    "retention",
]

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


def open_db(path: str | os.PathLike) -> Database:
    """Open (creating with mode 0600 if needed) and migrate the database."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    if os.stat(path).st_mode & 0o077:
        os.chmod(path, 0o600)
    db = Store(path, execute_plugins=False)  # no sqlite-utils plugins: loading them scanned every installed package
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

