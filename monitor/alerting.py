"""Alert handling: Prometheus Alertmanager's stages at our size, each a named function.

Every candidate from ``rules`` goes through ``handle``, in this order:

1. **route** (``route``): severity -> channels (``routes`` in feeds.yaml). Checked here
   once; an unrouted level records nothing and waits for the digest.
2. **group** (``open_group``): alerts about the same story (canonical URL or headline) or
   from the same rule are one group (one ``alerts`` row). A group stays open for
   ``alerting.group_window`` after its last activity. One message per group per run:
   joining a group whose message has not gone yet adds to that message; joining one whose
   message has gone starts an update round, and only when something new joined (or the
   severity rose).
3. **mute** (``MUTES``, in order; the same list on the new-alert and the join path):
   - ``inhibit``: a firing, unacknowledged crisis about the story holds back lower alerts
     (they are recorded against the crisis, not sent);
   - ``silence``: an active silence whose matchers all match (``rule``, ``severity``,
     ``source``, ``category``, ``story``, ``group``; ``*`` wildcards) records the alert as
     silenced and sends nothing. Silences expire by themselves.
   A muted new alert is recorded with its reason; a muted join adds its mention to the
   group without a new message.
4. **hold** (``HOLDS``): ``quiet_hours`` holds alert-level (and watch-level) messages until
   the quiet hours end; a crisis never waits. A reply-due reminder is never held past 46
   hours from when the post was seen.
5. **outbox** (``queue``): one ``deliveries`` row per channel and round, written in the
   caller's transaction.
6. **retry**: ``notify.deliver_due`` sends them and retries failures with backoff
   (``store.retry_delay``) until ``alerting.give_up_after``.

Then, every run, **repeat and escalate**: an unacknowledged crisis is sent again
every ``repeat_interval`` and, after ``escalate_after``, also to ``routes.escalation``.
Every read and write is a named function in ``monitor.store`` (``store/alerts.py``).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from . import store
from .clock import iso, parse_iso
from .config import Config
from .levels import Severity, rank
from .rules import Candidate
from .states import AlertStatus

SILENCE_KEYS = ("rule", "severity", "source", "category", "story", "group")


@dataclass
class Mute:
    """Why a candidate is recorded but not sent: the status it gets, in words, and the row that muted it."""

    status: AlertStatus
    reason: str
    related: int


# --------------------------------------------------------------------------- the stages


def route(config: Config, severity: str) -> list[str]:
    """Stage 1: the channels a level goes to; [] waits for the digest."""
    return list(config.routes.get(severity, []))


def open_group(db, group_key: str, now: datetime, window: float) -> dict | None:
    """Stage 2: the open (or acknowledged) group this candidate joins, if one was active within ``window``."""
    return store.open_group(db, group_key, now - timedelta(seconds=window))


def inhibit(db, config: Config, cand: Candidate, group: dict | None, now: datetime) -> Mute | None:
    """Mute: a firing, unacknowledged crisis about the same story holds back anything below crisis
    (and anything joining that crisis's own group: its repeats carry it)."""
    if group is not None and group["severity"] == Severity.CRISIS and group["status"] == AlertStatus.OPEN:
        crisis = group  # joining the firing crisis itself
    elif rank(cand.severity) < rank(Severity.CRISIS) and cand.mention_id is not None:
        crisis = store.firing_crisis_with(db, cand.mention_id, now - timedelta(seconds=config.alerting.group_window))
    else:
        crisis = None
    if crisis is None:
        return None
    return Mute(AlertStatus.INHIBITED, f"held back: crisis alert {crisis['id']} about the same story is open",
                crisis["id"])


def silence(db, config: Config, cand: Candidate, group: dict | None, now: datetime) -> Mute | None:
    """Mute: an active silence whose matchers all match the candidate."""
    s = matching_silence(db, cand, now)
    if s is None:
        return None
    return Mute(AlertStatus.SILENCED, f"silence {s['id']} ({s['reason']}) until {s['ends']}", s["id"])


MUTES: tuple[Callable[..., Mute | None], ...] = (inhibit, silence)


def muted(db, config: Config, cand: Candidate, group: dict | None, now: datetime) -> Mute | None:
    """Stage 3: the first mute that holds the candidate back, or None."""
    for mute in MUTES:
        found = mute(db, config, cand, group, now)
        if found is not None:
            return found
    return None


def quiet_hours(config: Config, severity: str, now: datetime) -> datetime | None:
    """Hold: when quiet hours end, if ``now`` is inside them and this level waits; else None. A crisis never waits."""
    quiet = config.alerting.quiet_hours
    if not quiet or severity == Severity.CRISIS or severity not in config.alerting.quiet_levels:
        return None
    tz = ZoneInfo(config.settings.timezone)
    local = now.astimezone(tz)
    start = time.fromisoformat(quiet[0])
    end = time.fromisoformat(quiet[1])
    t = local.time()
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz)


quiet_until = quiet_hours  # the name it had before the stages were named
HOLDS: tuple[Callable[[Config, str, datetime], datetime | None], ...] = (quiet_hours,)


def held_until(config: Config, severity: str, now: datetime, not_after: datetime | None = None) -> datetime | None:
    """Stage 4: the latest hold of ``HOLDS``, never past ``not_after`` (and none once that has passed)."""
    holds = [h for h in (hold(config, severity, now) for hold in HOLDS) if h is not None]
    hold = max(holds) if holds else None
    if hold is not None and not_after is not None and hold > not_after:
        hold = not_after if not_after > now else None
    return hold


# --------------------------------------------------------------------------- handle


def handle(db, config: Config, cand: Candidate, now: datetime) -> int | None:
    """Run one candidate through route -> group -> mute -> hold -> outbox.

    Returns the alert (group) id it ended up in, or None when nothing was recorded
    (an unrouted level). Call inside the transaction that stored what caused it.
    """
    channels = route(config, cand.severity)
    if not channels:
        return None
    group = open_group(db, cand.group_key, now, config.alerting.group_window)
    if group is not None:
        return _join(db, config, group, cand, now)
    mute = muted(db, config, cand, None, now)
    if mute is not None:
        return store.insert_alert(db, cand, now, status=mute.status, reason=mute.reason, related=mute.related)
    alert_id = store.insert_alert(db, cand, now, status=AlertStatus.OPEN)
    queue(db, config, alert_id, 0, cand.severity, channels, now, not_after=_reply_deadline(db, cand))
    return alert_id


REPLY_AIM = timedelta(hours=48)


def _reply_deadline(db, cand: Candidate) -> datetime | None:
    """A reply-due reminder may wait for morning, but never past 48 hours from when the post was seen."""
    if cand.rule != "reply_overdue" or cand.mention_id is None:
        return None
    seen = store.first_seen(db, cand.mention_id)
    return parse_iso(seen) + REPLY_AIM - timedelta(hours=2) if seen else None


def _join(db, config: Config, group: dict, cand: Candidate, now: datetime) -> int:
    """Add a candidate to an open group; start an update round only when that tells the directors something."""
    alert_id = group["id"]
    unsent = store.unsent_count(db, alert_id, group["round"])
    is_new = True
    if cand.mention_id is not None:
        is_new = not store.has_mention(db, alert_id, cand.mention_id)
        if is_new:  # it belongs to the message still waiting to go, else to the next one
            store.add_mention(db, alert_id, cand.mention_id, now, group["round"] if unsent else group["round"] + 1)
    raised = rank(cand.severity) > rank(group["severity"])
    if not is_new and not raised:
        store.update_alert(db, alert_id, updated=iso(now))
        return alert_id
    if unsent and not raised:
        store.update_alert(db, alert_id, updated=iso(now))
        return alert_id  # its message has not gone yet: it will include this
    if muted(db, config, cand, group, now) is not None:
        store.update_alert(db, alert_id, updated=iso(now))
        return alert_id  # recorded in the group, not sent (a lower mention joining a firing crisis, a silence)
    severity = cand.severity if raised else group["severity"]
    store.update_alert(db, alert_id, updated=iso(now), severity=severity)
    if group["status"] == AlertStatus.ACKED and not raised:
        return alert_id  # someone is on it; the digest lists what joined
    next_round = group["round"] + 1
    store.update_alert(db, alert_id, round=next_round, status=AlertStatus.OPEN if raised else group["status"])
    queue(db, config, alert_id, next_round, severity, route(config, severity), now)
    return alert_id


# --------------------------------------------------------------------------- outbox


def queue(db, config: Config, alert_id: int, round_: int, severity: str, channels: list[str], now: datetime,
          not_after: datetime | None = None) -> None:
    """Stage 5: one pending delivery per channel, after any hold (never past ``not_after``)."""
    hold = held_until(config, severity, now, not_after)
    store.queue_deliveries(db, alert_id, round_, channels, now, hold)


# --------------------------------------------------------------------------- repeat and escalate


def repeat_and_escalate(db, config: Config, now: datetime) -> None:
    """An unacknowledged crisis is repeated every repeat_interval and escalated once after escalate_after."""
    a = config.alerting
    for alert in store.firing_crises(db):
        if (now - parse_iso(alert["created"])).total_seconds() >= a.escalate_after and not alert["escalated_at"]:
            targets = [c for c in config.routes.get("escalation", []) if c in config.channels]
            if targets:
                with db.atomic():
                    next_round = alert["round"] + 1
                    store.update_alert(db, alert["id"], round=next_round, escalated_at=iso(now))
                    queue(db, config, alert["id"], next_round, Severity.CRISIS, route(config, Severity.CRISIS) + targets, now)
                continue
        last = parse_iso(alert["last_notified"] or alert["created"])
        if (now - last).total_seconds() >= a.repeat_interval:
            with db.atomic():
                next_round = alert["round"] + 1
                store.update_alert(db, alert["id"], round=next_round)
                channels = route(config, Severity.CRISIS)
                if alert["escalated_at"]:
                    channels = channels + [c for c in config.routes.get("escalation", []) if c not in channels]
                queue(db, config, alert["id"], next_round, Severity.CRISIS, channels, now)


# --------------------------------------------------------------------------- acknowledgement


def ack(db, alert_id: int, now: datetime, note: str | None = None, by: str | None = None, via: str = "cli") -> dict:
    """Acknowledge an alert: no more repeats or escalation; its mentions count as answered.

    Acknowledging again adds to the alert's history (``actions``); it never erases the first.
    """
    from .actions import act

    return act(db, "ack", now, alert_id=alert_id, note=note, by=by, via=via)["alert"]


# --------------------------------------------------------------------------- silences


def parse_matchers(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lower()
        if not sep or not value.strip():
            raise ValueError(f"{pair!r}: write KEY=VALUE, e.g. source=google-news or category=complaint")
        if key not in SILENCE_KEYS:
            raise ValueError(f"{key!r} is not something a silence can match; use one of {', '.join(SILENCE_KEYS)}")
        out[key] = value.strip()
    if not out:
        raise ValueError("a silence needs at least one --match KEY=VALUE")
    return out


add_silence = store.add_silence
expire_silence = store.expire_silence
silences = store.silences


def matching_silence(db, cand: Candidate, now: datetime) -> dict | None:
    labels = {**cand.labels, "rule": cand.rule, "severity": cand.severity, "group": cand.group_key}
    for s in store.silences(db, now, active_only=True):
        if all(_matches(labels.get(k), v) for k, v in s["matchers"].items()):
            return s
    return None


def _matches(value, pattern: str) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(v is not None and fnmatch.fnmatchcase(str(v).lower(), pattern.lower()) for v in values)
