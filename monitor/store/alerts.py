"""Owns the outbox: ``alerts`` (one row per alert group), ``alert_mentions`` (the mentions in each group,
with the round they joined in), ``deliveries`` (one per channel and round), ``messages`` (one per message
that went out; a reply quotes its id) and ``silences``.

``monitor.alerting`` decides; this module reads and writes what it decided.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from ..clock import iso, parse_iso
from ..levels import Severity, sql_rank
from ..states import AlertStatus, DeliveryStatus, sql_list
from .mentions import MENTION_SQL, decode_mention


# --------------------------------------------------------------------------- reading alerts


def alert(db, alert_id: int) -> dict | None:
    rows = list(db.query("select * from alerts where id = ?", [alert_id]))
    if not rows:
        return None
    row = rows[0]
    row["details"] = json.loads(row["details"] or "{}")
    return row


def alert_mentions(db, alert_id: int) -> list[dict]:
    """The mentions in an alert group, oldest first, each with the round it joined in."""
    sql = (MENTION_SQL.replace("from mentions m", "from mentions m join alert_mentions am on am.mention_id = m.id")
           .replace("select m.*,", "select m.*, am.round as joined_round,")
           + " where am.alert_id = ? order by am.added, m.id")
    return [decode_mention(r) for r in db.query(sql, [alert_id])]


def alert_mention_ids(db, alert_id: int) -> list[int]:
    return [r[0] for r in db.execute("select mention_id from alert_mentions where alert_id = ?", [alert_id])]


def alerts(db, *, open_only: bool = False, limit: int = 100) -> list[dict]:
    where = f"where a.status = '{AlertStatus.OPEN}'" if open_only else ""
    sql = (
        "select a.*, (select count(*) from alert_mentions am where am.alert_id = a.id) as mentions, "
        "(select group_concat(d.channel || ':' || d.status, ' ') from deliveries d where d.alert_id = a.id "
        " and d.round = a.round) as deliveries "
        f"from alerts a {where} order by a.id desc limit ?"
    )
    return list(db.query(sql, [limit]))


def open_alert_cards(db, limit: int = 100) -> list[dict]:
    """Open and acknowledged alerts with their post's title and snippet, newest first (the triage page)."""
    return list(db.query(
        "select a.*, m.snippet, m.title as post_title from alerts a left join mentions m on m.id = a.mention_id "
        f"where a.status in ({sql_list(AlertStatus.OPEN, AlertStatus.ACKED)}) "
        "order by a.created desc, a.id desc limit ?", [limit]))


def mention_alerts(db, mention_id: int) -> list[dict]:
    return list(db.query(
        "select a.* from alerts a join alert_mentions am on am.alert_id = a.id where am.mention_id = ? order by a.id",
        [mention_id]))


def last_alert_created(db, rule: str) -> str | None:
    return db.execute("select max(created) from alerts where rule = ?", [rule]).fetchone()[0]


def firing_crises(db) -> list[dict]:
    """Open crisis alerts: the ones that repeat and escalate."""
    return list(db.query(f"select * from alerts where severity = '{Severity.CRISIS}' and status = '{AlertStatus.OPEN}'"))


# --------------------------------------------------------------------------- groups


def open_group(db, group_key: str, since: datetime) -> dict | None:
    """The newest open or acknowledged group with this key, active since ``since``."""
    rows = list(db.query(
        f"select * from alerts where group_key = ? and status in ({sql_list(AlertStatus.OPEN, AlertStatus.ACKED)}) "
        "and updated >= ? order by id desc limit 1", [group_key, iso(since)]))
    return rows[0] if rows else None


def firing_crisis_with(db, mention_id: int, since: datetime) -> dict | None:
    """An open, unacknowledged crisis group active since ``since`` that holds the mention."""
    rows = list(db.query(
        "select a.* from alerts a join alert_mentions am on am.alert_id = a.id "
        f"where am.mention_id = ? and a.severity = '{Severity.CRISIS}' and a.status = '{AlertStatus.OPEN}' "
        "and a.updated >= ? limit 1", [mention_id, iso(since)]))
    return rows[0] if rows else None


def insert_alert(db, cand, now: datetime, *, status: str, reason: str | None = None, related: int | None = None) -> int:
    """A new group for candidate ``cand`` (a ``rules.Candidate``), holding its mention if it has one."""
    alert_id = db["alerts"].insert({
        "created": iso(now), "updated": iso(now), "rule": cand.rule, "severity": cand.severity,
        "group_key": cand.group_key, "mention_id": cand.mention_id, "title": cand.title[:300],
        "details": json.dumps({**cand.details, "labels": cand.labels}, ensure_ascii=False),
        "status": AlertStatus(status).value, "status_reason": reason, "related_id": related, "round": 0,
    }).last_pk
    if cand.mention_id is not None:
        add_mention(db, alert_id, cand.mention_id, now, 0)
    return alert_id


def has_mention(db, alert_id: int, mention_id: int) -> bool:
    return db.execute("select 1 from alert_mentions where alert_id = ? and mention_id = ?",
                      [alert_id, mention_id]).fetchone() is not None


def add_mention(db, alert_id: int, mention_id: int, now: datetime, round_: int) -> None:
    db.execute("insert or ignore into alert_mentions (alert_id, mention_id, added, round) values (?, ?, ?, ?)",
               [alert_id, mention_id, iso(now), round_])


def update_alert(db, alert_id: int, **fields) -> None:
    if "status" in fields:
        fields["status"] = AlertStatus(fields["status"]).value
    cols = sorted(fields)
    db.execute(f"update alerts set {', '.join(f'[{c}] = ?' for c in cols)} where id = ?",
               [fields[c] for c in cols] + [alert_id])


def resolve_alert(db, alert_id: int, now: datetime) -> None:
    update_alert(db, alert_id, status=AlertStatus.RESOLVED, resolved_at=iso(now))


# --------------------------------------------------------------------------- deliveries


def unsent_count(db, alert_id: int, round_: int) -> int:
    return db.execute(f"select count(*) from deliveries where alert_id = ? and round = ? and status != '{DeliveryStatus.SENT}'",
                      [alert_id, round_]).fetchone()[0]


def queue_deliveries(db, alert_id: int, round_: int, channels: list[str], now: datetime,
                     hold: datetime | None = None) -> None:
    """One pending delivery per channel (not before ``hold``); the alert's last notification is now."""
    for name in channels:
        db.execute("insert or ignore into deliveries (alert_id, round, channel, created, next_attempt, status, attempts) "
                   f"values (?, ?, ?, ?, ?, '{DeliveryStatus.PENDING}', 0)",
                   [alert_id, round_, name, iso(now), iso(hold) if hold else None])
    update_alert(db, alert_id, last_notified=iso(now))


def due_deliveries(db, now: datetime) -> list[dict]:
    """Deliveries not yet accepted, due now (past any quiet-hours hold or retry backoff), crises first."""
    sql = (
        "select d.*, a.rule, a.severity, a.title, a.details, a.mention_id, a.group_key, a.status as alert_status, "
        "a.created as alert_created, a.round as alert_round, a.escalated_at "
        "from deliveries d join alerts a on a.id = d.alert_id "
        f"where d.status in ({sql_list(DeliveryStatus.PENDING, DeliveryStatus.FAILED)}) "
        "and (d.next_attempt is null or d.next_attempt <= ?) "
        f"order by {sql_rank('a.severity')} desc, d.alert_id, d.round, d.id"
    )
    rows = list(db.query(sql, [iso(now)]))
    for row in rows:
        row["details"] = json.loads(row["details"] or "{}")
    return rows


def retry_delay(attempts: int) -> float:
    """After the 1st failure: the next run. Then 15 min, 30 min, 1 h ... at most 4 h."""
    return 0.0 if attempts <= 1 else min(900 * 2 ** (attempts - 2), 4 * 3600)


def record_delivery(db, delivery: dict, error: str | None, now: datetime, give_up_after: float) -> str:
    """Store one attempt's outcome; returns the delivery's new status (sent, failed or gave_up)."""
    attempts = (delivery.get("attempts") or 0) + 1
    if error is None:
        status, update = DeliveryStatus.SENT, {"sent_at": iso(now), "error": None, "next_attempt": None}
    else:
        created = parse_iso(delivery.get("created") or iso(now))
        if (now - created).total_seconds() >= give_up_after:
            status, update = DeliveryStatus.GAVE_UP, {"error": error, "gave_up_at": iso(now), "next_attempt": None}
        else:
            status = DeliveryStatus.FAILED
            update = {"error": error, "next_attempt": iso(now + timedelta(seconds=retry_delay(attempts)))}
    update.update(status=status.value, attempts=attempts, last_attempt=iso(now))
    cols = sorted(update)
    db.execute(f"update deliveries set {', '.join(f'[{c}] = ?' for c in cols)} where id = ?",
               [update[c] for c in cols] + [delivery["id"]])
    return status


def retry_next_run(db, now: datetime) -> None:
    """Deliveries that failed at ``now`` wait for the next run rather than being tried twice in this one."""
    db.execute(f"update deliveries set next_attempt = ? where status = '{DeliveryStatus.FAILED}' "
               "and last_attempt = ? and next_attempt <= ?", [iso(now + timedelta(seconds=1)), iso(now), iso(now)])


def cancel_deliveries(db, alert_id: int, reason: str) -> None:
    """Anything still waiting to go out for this alert is no longer needed."""
    db.execute(f"update deliveries set status = '{DeliveryStatus.CANCELLED}', error = ? "
               f"where alert_id = ? and status in ({sql_list(DeliveryStatus.PENDING, DeliveryStatus.FAILED)})",
               [reason, alert_id])


def channels_down(db) -> list[str]:
    """Channels whose last word was giving up: nothing has gone through them since."""
    return [r[0] for r in db.execute(
        f"select channel from deliveries d where status = '{DeliveryStatus.GAVE_UP}' and gave_up_at > coalesce("
        f"(select max(sent_at) from deliveries s where s.channel = d.channel and s.status = '{DeliveryStatus.SENT}'), '') "
        "group by channel order by channel")]


# --------------------------------------------------------------------------- messages


def record_message(db, *, time: datetime, channel: str, severity: str, alert_ids: list[int]) -> int:
    cur = db.execute("insert into messages (time, channel, severity, alert_ids) values (?, ?, ?, ?)",
                     [iso(time), channel, severity, json.dumps(alert_ids)])
    return cur.lastrowid


def message_error(db, message_id: int, error: str | None) -> None:
    db.execute("update messages set error = ? where id = ?", [error, message_id])


def message_alert_ids(db, message_id: int) -> list[int] | None:
    """The alerts one message carried (a reply quoting its reference acts on all of them); None if unknown."""
    row = db.execute("select alert_ids from messages where id = ?", [message_id]).fetchone()
    return json.loads(row[0]) if row else None


# --------------------------------------------------------------------------- silences


def add_silence(db, matchers: dict[str, str], duration: float, reason: str, now: datetime) -> int:
    cur = db.execute("insert into silences (created, matchers, starts, ends, reason) values (?, ?, ?, ?, ?)",
                     [iso(now), json.dumps(matchers), iso(now), iso(now + timedelta(seconds=duration)), reason])
    return cur.lastrowid


def expire_silence(db, silence_id: int, now: datetime) -> bool:
    cur = db.execute("update silences set expired_at = ?, ends = min(ends, ?) where id = ? and expired_at is null",
                     [iso(now), iso(now), silence_id])
    return cur.rowcount > 0


def silences(db, now: datetime, active_only: bool = False) -> list[dict]:
    rows = []
    for s in db.query("select * from silences order by id desc"):
        s["matchers"] = json.loads(s["matchers"])
        s["active"] = s["expired_at"] is None and s["ends"] > iso(now)
        if s["active"] or not active_only:
            rows.append(s)
    return rows
