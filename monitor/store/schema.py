"""The schema: every table's creation and every migration, in order (``migrations.apply`` runs the new ones).

Which module reads and writes each table is listed in ``monitor/store/__init__.py``.
"""

from __future__ import annotations

import json

def _import_sqlite_utils():
    """sqlite-utils imports numpy (a quarter of a second) only to map numpy types to columns, which
    we never store; keep numpy out of that import so every command that opens the store starts fast.
    numpy stays importable for whoever really uses it (the learned models)."""
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


@migrations()
def m008_unanswered_index(db: Database) -> None:
    """The digest counts and lists mentions still waiting for a reply, whatever their age: a partial index
    holds only the mentions that need a reply (a small share of the store), so that costs what they cost."""
    db.execute("create index if not exists idx_mentions_unanswered on mentions (first_seen, acked_at, resolved_at) "
               "where needs_reply = 1 and false_positive = 0")


@migrations()
def m009_not_us_index(db: Database) -> None:
    """Every run that meets a text naming us reads the mentions marked not about us (the learned namesakes,
    ``identity.learned_from_db``); without an index that read scanned the whole table (1.9-2.7 s at
    1,000,000 mentions). A partial index holds only the marked few."""
    db.execute("create index if not exists idx_mentions_not_us on mentions (id) where false_positive = 1")


@migrations()
def m010_fts_automerge(db: Database) -> None:
    """Each source's transaction adds its new mentions to the full-text index as a small segment; at FTS5's
    default ``automerge`` (4) those merges reached into the big segments of a long-grown index, and one new
    mention cost 3-6 ms at 1,000,000 mentions (0.5 ms with no index). At 8 it costs about 0.6 ms, and a
    search reads at most a few more small segments."""
    db.execute("insert into mentions_fts (mentions_fts, rank) values ('automerge', 8)")


@migrations()
def m011_fts_after_the_run(db: Database) -> None:
    """A run adds its new mentions to the full-text index in one pass at its end, not one small segment per
    source's transaction: at 1,000,000 mentions 1,000 such transactions cost about 3 s (0.5 s with no index),
    one pass 0.01 s. ``fts_pending`` marks a mention stored but not yet indexed (the run's pass, or the next
    run's after a crash, indexes it); the triggers skip those rows. The update trigger fires only when the
    indexed columns change (it fired on every ``last_seen`` update, deleting and re-adding the same words)."""
    db["mentions"].add_column("fts_pending", int, not_null_default=0)
    db.execute("create index if not exists idx_mentions_fts_pending on mentions (id) where fts_pending = 1")
    for name in ("mentions_ai", "mentions_ad", "mentions_au"):
        db.execute(f'drop trigger if exists "{name}"')
    db.execute('create trigger "mentions_ai" after insert on "mentions" when new.fts_pending = 0 begin '
               'insert into "mentions_fts" (rowid, "title", "text") values (new.rowid, new."title", new."text"); end')
    db.execute('create trigger "mentions_ad" after delete on "mentions" when old.fts_pending = 0 begin '
               'insert into "mentions_fts" ("mentions_fts", rowid, "title", "text") '
               "values ('delete', old.rowid, old.\"title\", old.\"text\"); end")
    db.execute('create trigger "mentions_au" after update of "title", "text" on "mentions" '
               "when old.fts_pending = 0 and new.fts_pending = 0 begin "
               'insert into "mentions_fts" ("mentions_fts", rowid, "title", "text") '
               "values ('delete', old.rowid, old.\"title\", old.\"text\"); "
               'insert into "mentions_fts" (rowid, "title", "text") values (new.rowid, new."title", new."text"); end')
