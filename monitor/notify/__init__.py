"""Render alert messages from ``alerts/`` templates and deliver them with apprise.

``deliver_due`` takes every delivery in the outbox that is due (not held by quiet
hours or a retry backoff) and sends, per channel, at most one message per severity:
crisis first and on its own, then one message listing every alert-level alert of the
run, then one for watch. A spike alert absorbs the single-post alerts it covers (they
are listed under it). Each message is rendered for its channel (HTML email with a
``[ref M12-...]`` a reply can quote, plain text, or a GSM-7 SMS of at most 2 segments). A channel that
fails keeps its delivery: it is tried again on the next run, then with growing
gaps (15 min, 30 min, 1 h ... 4 h) until it succeeds or ``give_up_after`` passes;
the other channels still go out. Success is final: a delivery is not tried again once
recorded. A crash between a channel accepting a message and that record sends it once
more on the next run; an email then carries the same ``Message-ID`` (``message_id``), so
mail services that de-duplicate by it show it once. SMS and other channels have no such id.
Errors are stored and printed with credentials redacted: apprise URLs carry
passwords and tokens.

Where each job lives: ``render`` (templates, an alert's context), ``sms`` (GSM-7 shaping),
``batching`` (due deliveries -> one message per channel and severity), ``channels`` (apprise,
Message-ID, redaction); this module sends what is due and records each attempt in the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path  # noqa: F401  (tests build a Renderer with notify.Path)

from .. import store
from ..config import Config
from ..levels import ROUTABLE, Severity
from ..states import DeliveryStatus, MessageFormat
from . import channels as _channels
from .batching import batch_context, batches
from .channels import message_id, redact, secrets_of
from .render import Message, Renderer, first_sentence, template_environment, tone
from .sms import GSM7_BASIC, GSM7_EXT, SMS_SEPTETS, clip_septets, segments, septets, to_gsm7

__all__ = ["SEND_INTERVAL", "Message", "DeliveryReport", "Renderer", "send", "deliver_due", "channels_down",
           "tell_others_gave_up", "make_renderer", "send_test", "batches", "batch_context", "message_id", "redact",
           "secrets_of", "first_sentence", "template_environment", "tone", "GSM7_BASIC", "GSM7_EXT", "SMS_SEPTETS",
           "clip_septets", "segments", "septets", "to_gsm7"]

# Tests set this to 0: apprise's email plugin otherwise waits 5.5 s between sends.
SEND_INTERVAL: float | None = None


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    errors: list[str] = field(default_factory=list)
    messages: list[tuple[str, Message]] = field(default_factory=list)



def send(channel, message: Message, attach: list[Path] | None = None, text: str | None = None,
         msgid: str | None = None) -> str | None:
    """Deliver one message (see ``channels.send``); None on success, else a redacted reason."""
    return _channels.send(channel, message, attach, text, msgid, interval=SEND_INTERVAL)


def deliver_due(db, config: Config, now: datetime) -> DeliveryReport:
    """Send what is due: per channel at most one message per severity, crisis first; record each attempt."""
    report = DeliveryReport()
    due = store.due_deliveries(db, now)
    if not due:
        return report
    renderer = make_renderer(db, config, now)
    gave_up: dict[str, list[tuple[int, str | None]]] = {}
    for channel_name, severity, batch in batches(due):
        channel = config.channels.get(channel_name)
        alert_ids = list(dict.fromkeys(d["alert_id"] for d in batch))
        message = None
        if channel is None:
            error = f"channel {channel_name!r} is no longer in the config; add it back or the alert stays undelivered"
        else:
            row = store.record_message(db, time=now, channel=channel_name, severity=severity, alert_ids=alert_ids)
            ctx = batch_context(renderer, db, config, batch, row)
            message = renderer.render(ctx, channel.format)
            # An email's text part is our plain-text message, not the HTML flattened.
            text = renderer.render(ctx, MessageFormat.TEXT).body if channel.format == MessageFormat.EMAIL else None
            error = send(channel, message, text=text, msgid=message_id(batch, channel))
            store.message_error(db, row, error)
            if error is None:
                report.messages.append((channel.name, message))
        worst = DeliveryStatus.SENT
        with db.atomic():
            for d in batch:
                status = store.record_delivery(db, d, error, now, config.alerting.give_up_after)
                if status != DeliveryStatus.SENT:
                    worst = DeliveryStatus.GAVE_UP if DeliveryStatus.GAVE_UP in (status, worst) else DeliveryStatus.FAILED
        if worst == DeliveryStatus.SENT:
            report.sent += 1
        else:
            report.failed += 1
            report.gave_up += worst == DeliveryStatus.GAVE_UP
            if worst == DeliveryStatus.GAVE_UP:
                gave_up.setdefault(channel_name, []).append((len(alert_ids), error))
            what = "gave up on" if worst == DeliveryStatus.GAVE_UP else "could not send"
            listed = ", ".join(str(i) for i in alert_ids)
            report.errors.append(f"{what} alert{'s' if len(alert_ids) > 1 else ''} {listed} via {channel_name} "
                                 f"(attempt {batch[0]['attempts'] + 1}): {error}")
    if gave_up:
        report.errors += tell_others_gave_up(db, config, gave_up, now)
    return report


def channels_down(db) -> list[str]:
    """Channels whose last word was giving up: nothing has gone through them since."""
    return store.channels_down(db)


def tell_others_gave_up(db, config: Config, gave_up: dict, now: datetime) -> list[str]:
    """A channel that gave up is reported through every other routed channel that still works."""
    from html import escape

    errors = []
    routed = [c for level in (*reversed(ROUTABLE), "escalation") for c in config.routes.get(level, [])]
    others = [c for c in dict.fromkeys(routed) if c not in gave_up and c in config.channels]
    hours = int(config.alerting.give_up_after // 3600)
    for name, failures in gave_up.items():
        n = sum(k for k, _e in failures)
        last = failures[-1][1] or "unknown error"
        title = f"[MONITOR] {config.organisation.name}: alerts could not be sent by {name}"
        text = (f"The monitor gave up sending {n} alert{'s' if n != 1 else ''} by {name} after trying for {hours} hours. "
                f"Last error: {last}. Ask the volunteer to check the {name} channel "
                f"(monitor test-alert). The alerts are in the digest and on the triage page.")
        for other in others:
            channel = config.channels[other]
            if channel.format == MessageFormat.EMAIL:
                message = Message(title, f"<p>{escape(text)}</p>", MessageFormat.EMAIL)
            elif channel.format == MessageFormat.SMS:
                message = Message(title, clip_septets(to_gsm7(text), SMS_SEPTETS), MessageFormat.SMS)
            else:
                message = Message(title, text, MessageFormat.TEXT)
            error = send(channel, message)
            store.record_message(db, time=now, channel=other, severity="monitor", alert_ids=[])
            if error:
                errors.append(f"could not report the {name} failure via {other}: {error}")
    return errors


def make_renderer(db, config: Config, now: datetime) -> "Renderer":
    return Renderer(config.alerts_dir, config.settings.timezone, key=store.signing_key(db), now=now,
                    public_url=config.settings.public_url, link_valid=config.settings.link_valid,
                    replies=bool(getattr(config, "replies", None)))


def send_test(config: Config, route: str) -> list[tuple[str, str | None]]:
    """A clearly marked test through every channel of a route: [(channel, error or None)]."""
    renderer = Renderer(config.alerts_dir, config.settings.timezone, replies=bool(getattr(config, "replies", None)))
    alert = {"id": 0, "rule": "test", "severity": route if route in ROUTABLE else Severity.ALERT,
             "round": 0, "title": "Test message", "details": {}, "created": None}
    ctx = renderer.context(None, config, alert)
    out = []
    for name in config.routes.get(route, []):
        channel = config.channels[name]
        out.append((name, send(channel, renderer.render(ctx, channel.format))))
    return out

