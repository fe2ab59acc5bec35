"""Alert handling: Prometheus Alertmanager's stages at our size.

Every candidate from ``rules`` goes through, in order:

1. **group**: alerts about the same story (canonical URL or headline) or from the
   same rule are one group (one ``alerts`` row). A group stays open for
   ``alerting.group_window`` after its last activity. One message per group per
   run: joining a group whose message has not gone yet adds to that message; joining
   one whose message has gone starts an update round, and only when something new
   joined (or the severity rose).
2. **inhibit**: a firing, unacknowledged crisis about a story holds back lower alerts
   about the same story (they are recorded against the crisis, not sent).
3. **silence**: an active silence whose matchers all match (``rule``, ``severity``,
   ``source``, ``category``, ``story``, ``group``; ``*`` wildcards) records the alert
   as silenced and sends nothing. Silences expire by themselves.
4. **route**: severity -> channels (``routes`` in feeds.yaml); unrouted levels wait
   for the digest.
5. **quiet hours**: alert-level (and watch-level) messages are held until the quiet
   hours end; a crisis never waits.
6. **outbox**: one ``deliveries`` row per channel and round, written in the caller's
   transaction; ``notify`` sends them and retries failures with backoff.

Then, every run, **repeat and escalate**: an unacknowledged crisis is sent again
every ``repeat_interval`` and, after ``escalate_after``, also to ``routes.escalation``.
"""

from __future__ import annotations

import fnmatch
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import store
from .clock import iso, parse_iso
from .config import Config
from .levels import SEVERITIES
from .rules import Candidate

SILENCE_KEYS = ("rule", "severity", "source", "category", "story", "group")


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity)


# --------------------------------------------------------------------------- stages


def handle(db, config: Config, cand: Candidate, now: datetime) -> int | None:
    """Run one candidate through group -> inhibit -> silence -> route -> quiet hours -> outbox.

    Returns the alert (group) id it ended up in, or None when nothing was recorded
    (an unrouted level). Call inside the transaction that stored what caused it.
    """
    channels = config.routes.get(cand.severity, [])
    if not channels:
        return None
    group = open_group(db, cand.group_key, now, config.alerting.group_window)
    if group is not None:
        return _join(db, config, group, cand, now)

    crisis = _firing_crisis_for(db, cand, now, config)
    if crisis is not None and _rank(cand.severity) < _rank("crisis"):
        return _record(db, cand, now, status="inhibited",
                       reason=f"held back: crisis alert {crisis['id']} about the same story is open", related=crisis["id"])
    silence = matching_silence(db, cand, now)
    if silence is not None:
        return _record(db, cand, now, status="silenced",
                       reason=f"silence {silence['id']} ({silence['reason']}) until {silence['ends']}", related=silence["id"])
    alert_id = _record(db, cand, now, status="open")
    queue(db, config, alert_id, 0, cand.severity, channels, now, not_after=_reply_deadline(db, cand))
    return alert_id


REPLY_AIM = timedelta(hours=48)


def _reply_deadline(db, cand: Candidate) -> datetime | None:
    """A reply-due reminder may wait for morning, but never past 48 hours from when the post was seen."""
    if cand.rule != "reply_overdue" or cand.mention_id is None:
        return None
    seen = store.first_seen(db, cand.mention_id)
    return parse_iso(seen) + REPLY_AIM - timedelta(hours=2) if seen else None


def open_group(db, group_key: str, now: datetime, window: float) -> dict | None:
    return store.open_group(db, group_key, now - timedelta(seconds=window))


def _firing_crisis_for(db, cand: Candidate, now: datetime, config: Config) -> dict | None:
    """An open, unacknowledged crisis group that covers the candidate's story."""
    if cand.mention_id is None:
        return None
    return store.firing_crisis_with(db, cand.mention_id, now - timedelta(seconds=config.alerting.group_window))


def _record(db, cand: Candidate, now: datetime, *, status: str, reason: str | None = None, related: int | None = None) -> int:
    return store.insert_alert(db, cand, now, status=status, reason=reason, related=related)


def _join(db, config: Config, group: dict, cand: Candidate, now: datetime) -> int:
    """Add a candidate to an open group; start an update round only when that tells the directors something."""
    alert_id = group["id"]
    unsent = store.unsent_count(db, alert_id, group["round"])
    is_new = True
    if cand.mention_id is not None:
        is_new = not store.has_mention(db, alert_id, cand.mention_id)
        if is_new:  # it belongs to the message still waiting to go, else to the next one
            store.add_mention(db, alert_id, cand.mention_id, now, group["round"] if unsent else group["round"] + 1)
    raised = _rank(cand.severity) > _rank(group["severity"])
    severity = cand.severity if raised else group["severity"]
    store.update_alert(db, alert_id, updated=iso(now), severity=severity)
    if not is_new and not raised:
        return alert_id
    if unsent and not raised:
        return alert_id  # its message has not gone yet: it will include this
    if group["severity"] == "crisis" and not raised and group["status"] == "open":
        return alert_id  # inhibition: a lower mention joining a firing crisis is recorded, not sent
    if group["status"] == "acked" and not raised:
        return alert_id  # someone is on it; the digest lists what joined
    next_round = group["round"] + 1
    store.update_alert(db, alert_id, round=next_round, status="open" if raised else group["status"])
    queue(db, config, alert_id, next_round, severity, config.routes.get(severity, []), now)
    return alert_id


# --------------------------------------------------------------------------- outbox


def queue(db, config: Config, alert_id: int, round_: int, severity: str, channels: list[str], now: datetime,
          not_after: datetime | None = None) -> None:
    """One pending delivery per channel; alert-level mail waits for the end of quiet hours (never past ``not_after``)."""
    hold = quiet_until(config, severity, now)
    if hold is not None and not_after is not None and hold > not_after:
        hold = not_after if not_after > now else None
    store.queue_deliveries(db, alert_id, round_, channels, now, hold)


def quiet_until(config: Config, severity: str, now: datetime) -> datetime | None:
    """When quiet hours end, if ``now`` is inside them and this level waits; else None. A crisis never waits."""
    quiet = config.alerting.quiet_hours
    if not quiet or severity == "crisis" or severity not in config.alerting.quiet_levels:
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
                    queue(db, config, alert["id"], next_round, "crisis", config.routes["crisis"] + targets, now)
                continue
        last = parse_iso(alert["last_notified"] or alert["created"])
        if (now - last).total_seconds() >= a.repeat_interval:
            with db.atomic():
                next_round = alert["round"] + 1
                store.update_alert(db, alert["id"], round=next_round)
                channels = config.routes.get("crisis", [])
                if alert["escalated_at"]:
                    channels = channels + [c for c in config.routes.get("escalation", []) if c not in channels]
                queue(db, config, alert["id"], next_round, "crisis", channels, now)


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
