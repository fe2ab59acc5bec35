"""Owns ``actions`` (who did what to an alert or mention, when, how), ``replies`` (every reply email read,
by Message-ID) and ``keys`` (the database's own signing key, and where the reply mailbox was read up to). ``mention_events`` is the pre-m006 history,
kept for old databases and only blanked by retention.

``apply_action`` writes one director's action across mentions, alerts and deliveries in one go:
``monitor.actions`` decides what it means; this is where it lands.
"""

from __future__ import annotations

from datetime import datetime

from ..clock import iso
from ..states import AlertStatus
from .alerts import cancel_deliveries
from .common import marks


def signing_key(db) -> bytes:
    """The database's own random key for reply references and page links (made by migration m006)."""
    row = db.execute("select value from keys where name = 'signing'").fetchone()
    return bytes.fromhex(row[0])


def reply_cursor(db) -> tuple[str, int] | None:
    """(UIDVALIDITY, highest UID read) of the reply mailbox, or None before its first read."""
    row = db.execute("select value from keys where name = 'replies.cursor'").fetchone()
    if row is None:
        return None
    validity, _, uid = row[0].partition(":")
    return validity, int(uid or 0)


def set_reply_cursor(db, validity: str, uid: int) -> None:
    db.execute("insert or replace into keys (name, value) values ('replies.cursor', ?)", [f"{validity}:{uid}"])


def record_action(db, *, time: datetime, action: str, alert_id: int | None = None,
                  mention_id: int | None = None, by: str | None = None, via: str = "cli",
                  note: str | None = None, level: str | None = None) -> int:
    cur = db.execute(
        "insert into actions (time, alert_id, mention_id, action, level, by, via, note) values (?, ?, ?, ?, ?, ?, ?, ?)",
        [iso(time), alert_id, mention_id, action, level, by, via, note])
    return cur.lastrowid


def apply_action(db, action: str, now: datetime, *, alert_id: int | None, mention_ids: list[int],
                 by: str | None, note: str | None, level: str | None, cancelled: str) -> None:
    """The rows an action changes (call inside the transaction that records it).

    ``ack`` / ``wrong_level``: mentions acknowledged, the alert acked; ``resolve``: mentions and alert resolved;
    ``not_us``: mentions become false positives, the alert resolved as "not about us". Deliveries still
    waiting for the alert are cancelled with ``cancelled`` as their reason.
    """
    t = iso(now)
    if mention_ids:
        m = marks(mention_ids)
        if action in ("ack", "wrong_level"):
            db.execute(f"update mentions set acked_at = coalesce(acked_at, ?) where id in ({m})", [t, *mention_ids])
        if action == "resolve":
            db.execute(f"update mentions set resolved_at = coalesce(resolved_at, ?), acked_at = coalesce(acked_at, ?) "
                       f"where id in ({m})", [t, t, *mention_ids])
        if action == "not_us":
            db.execute(f"update mentions set false_positive = 1, needs_reply = 0, acked_at = coalesce(acked_at, ?) "
                       f"where id in ({m})", [t, *mention_ids])
        if action == "wrong_level":
            db.execute(f"update mentions set corrected_severity = ? where id in ({m})", [level, *mention_ids])
    if alert_id is None:
        return
    # The first acknowledgement's who and note stay on the alert; every later one is in `actions`.
    db.execute("update alerts set acked_at = coalesce(acked_at, ?), acked_by = coalesce(acked_by, ?), "
               "note = coalesce(note, ?) where id = ?", [t, by, note, alert_id])
    if action in ("ack", "wrong_level"):
        db.execute(f"update alerts set status = '{AlertStatus.ACKED}' where id = ? and status = '{AlertStatus.OPEN}'",
                   [alert_id])
    else:
        reason = "not about us" if action == "not_us" else None
        db.execute(f"update alerts set status = '{AlertStatus.RESOLVED}', resolved_at = coalesce(resolved_at, ?), "
                   "status_reason = coalesce(?, status_reason) where id = ?", [t, reason, alert_id])
    cancel_deliveries(db, alert_id, cancelled)


def history(db, *, mention_id: int | None = None, alert_id: int | None = None) -> list[dict]:
    """Every action on a mention (directly or through its alerts), or on an alert, oldest first."""
    if mention_id is not None:
        return list(db.query(
            "select * from actions where mention_id = ? or alert_id in "
            "(select alert_id from alert_mentions where mention_id = ?) order by time, id", [mention_id, mention_id]))
    return list(db.query("select * from actions where alert_id = ? order by time, id", [alert_id]))


def reply_seen(db, message_id: str) -> bool:
    """Whether the reply with this Message-ID was already read (it is never applied twice)."""
    return db.execute("select 1 from replies where message_id = ?", [message_id]).fetchone() is not None


def record_reply(db, *, time: datetime, message_id: str | None, sender: str, subject: str, outcome: str) -> None:
    db.execute("insert or ignore into replies (time, message_id, sender, subject, outcome) values (?, ?, ?, ?, ?)",
               [iso(time), message_id, sender, subject, outcome])
