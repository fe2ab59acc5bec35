"""Render alert messages from ``alerts/`` templates and deliver them with apprise.

``deliver_due`` takes every delivery in the outbox that is due (not held by quiet
hours or a retry backoff), crises first, renders it for its channel (HTML email,
plain text, or an SMS of at most 300 characters) and sends it. A channel that
fails keeps its delivery: it is tried again on the next run, then with growing
gaps (15 min, 30 min, 1 h ... 4 h) until it succeeds or ``give_up_after`` passes;
the other channels still go out. Success is final: a delivery is never sent twice.
Errors are stored and printed with credentials redacted: apprise URLs carry
passwords and tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from . import store
from .clock import for_people
from .config import Channel, Config
from .urls import safe_link

# Tests set this to 0: apprise's email plugin otherwise waits 5.5 s between sends.
SEND_INTERVAL: float | None = None
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
SMS_LIMIT = 300


@dataclass
class Message:
    title: str
    body: str
    format: str  # email (HTML body) | sms | text


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    errors: list[str] = field(default_factory=list)
    messages: list[tuple[str, Message]] = field(default_factory=list)


# --------------------------------------------------------------------------- redaction


def secrets_of(url: str | None) -> list[str]:
    """The parts of an apprise URL that must never appear in a log or the database."""
    if not url:
        return []
    out = [url]
    try:
        parts = urlsplit(url)
        out += [parts.password or "", unquote(parts.password or "")]
        out += [seg for seg in parts.path.split("/") if len(seg) >= 8]
        if parts.username and (parts.password or len(parts.username) >= 16):
            out.append(parts.username)
        if parts.scheme not in ("mailto", "mailtos") and len(parts.hostname or "") >= 16:
            out.append(parts.hostname or "")  # token-as-host URLs (e.g. tgram://TOKEN/...)
        out += [v for k, v in parse_qsl(parts.query) if len(v) >= 6 and k.lower() not in ("from", "to", "mode", "name")]
    except ValueError:
        pass
    return sorted({s for s in out if s}, key=len, reverse=True)


_USERINFO = re.compile(r"(\w+://)[^/\s:@]+:[^/\s@]+@")


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return _USERINFO.sub(r"\1***@", text)


# --------------------------------------------------------------------------- rendering


def template_environment(alerts_dir: Path, timezone: str):
    """Jinja2 over ``alerts/``: ``.html`` autoescaped, text plain; filters for times, safe links, scores."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(alerts_dir)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = lambda v: for_people(v, timezone)
    env.filters["link"] = safe_link
    env.filters["signed"] = lambda v: f"{v:+.2f}" if isinstance(v, (int, float)) else "-"
    return env


class Renderer:
    """Jinja2 templates from ``alerts/``: HTML autoescaped, text plain, SMS cut to 300 characters."""

    def __init__(self, alerts_dir: Path, timezone: str):
        self.env = template_environment(alerts_dir, timezone)

    def context(self, db, config: Config, alert: dict) -> dict:
        mentions = store.alert_mentions(db, alert["id"]) if db is not None else []
        round_ = alert.get("round") or 0
        for m in mentions:
            m["new"] = (m.get("joined_round") or 0) == round_
        # Directors read policy families ("complaint"), not our keyword sets ("gripe", "sarcasm"):
        # one line per family, with the words of all its sets and the advice of the strongest.
        esc = config.escalation
        rank = {"info": 0, "watch": 1, "alert": 2, "crisis": 3}
        families: dict[str, dict] = {}
        for m in mentions:
            for name, words in (m.get("categories") or {}).items():
                cat = esc.get(name)
                family = cat.family if cat and cat.family not in ("", "none") else name
                entry = families.setdefault(family, {"name": family, "words": [], "policy": "", "action": "", "rank": (-1, 0)})
                entry["words"] += [w for w in words if w not in entry["words"]]
                strength = (rank[cat.severity], cat.weight) if cat else (0, 0)
                if cat and strength > entry["rank"]:
                    entry.update(policy=cat.policy, action=cat.action, rank=strength)
        for m in mentions:  # families only the learned model saw: the policy's advice for the family
            for family in (m.get("judgement") or {}).get("families") or []:
                cats = [c for c in esc.values() if (c.family or c.name) == family]
                if family in families or not cats:
                    continue
                cat = max(cats, key=lambda c: (rank[c.severity], c.weight))
                families[family] = {"name": family, "words": ["read by the model"], "policy": cat.policy,
                                    "action": cat.action, "rank": (rank[cat.severity], cat.weight)}
        categories = sorted(families.values(), key=lambda e: e["rank"], reverse=True)
        if round_ == 0:
            kind = "new"
        elif alert.get("escalated_at") and alert.get("delivery_created") == alert["escalated_at"]:
            kind = "escalation"  # the round queued when the crisis was escalated
        elif any(m["new"] for m in mentions):
            kind = "update"
        else:
            kind = "repeat"
        advice = config.playbook.get(alert["rule"]) or config.playbook.get("mention")
        return {
            "alert": alert, "kind": kind, "mentions": mentions, "mention": mentions[-1] if mentions else {},
            "new_mentions": [m for m in mentions if m["new"]], "categories": categories,
            "advice": advice, "details": alert.get("details") or {}, "organisation": config.organisation.name,
        }

    def render(self, ctx: dict, fmt: str) -> Message:
        title = _one_line(self.env.get_template("alert.title.txt").render(ctx))
        if fmt == "email":
            body = self.env.get_template("alert.email.html").render(ctx)
        elif fmt == "sms":
            body = _clip(_squeeze(self.env.get_template("alert.sms.txt").render(ctx)), SMS_LIMIT)
        else:
            body = self.env.get_template("alert.txt").render(ctx).strip() + "\n"
        return Message(title=title, body=body, format=fmt)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _squeeze(text: str) -> str:
    return re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- sending


def send(channel: Channel, message: Message, attach: list[Path] | None = None) -> str | None:
    """Deliver one message (image attachments shown inline in HTML email); None on success, else a redacted reason."""
    import apprise

    secrets = secrets_of(channel.url)
    if not channel.url:
        return f"channel {channel.name!r} has no address: environment variable {', '.join(channel.missing)} is not set"
    app = apprise.Apprise()
    if not app.add(channel.url):
        return f"apprise does not understand the address of channel {channel.name!r} ({redact(channel.url, secrets)[:60]})"
    for plugin in app:
        if attach and hasattr(plugin, "inline"):
            plugin.inline = True  # <img src="cid:NAME"> in the HTML shows the attached image in place
        plugin.socket_connect_timeout = CONNECT_TIMEOUT
        plugin.socket_read_timeout = READ_TIMEOUT
        if SEND_INTERVAL is not None:
            plugin.request_rate_per_sec = SEND_INTERVAL
    body_format = apprise.NotifyFormat.HTML if message.format == "email" else apprise.NotifyFormat.TEXT
    try:
        # SMS gateways glue the title onto the body; our SMS body already says everything in 300 characters.
        title = "" if message.format == "sms" else message.title
        files = apprise.AppriseAttachment([str(p) for p in attach]) if attach else None
        result = app.notify(title=title, body=message.body, body_format=body_format, attach=files)
    except Exception as exc:  # a plugin bug must not lose the delivery
        return redact(f"{type(exc).__name__}: {exc}", secrets)[:500]
    if result.status == apprise.AppriseResultStatus.SUCCESS:
        return None
    details = []
    for r in result.results:
        for entry in r.logs():
            if entry.level in ("WARNING", "ERROR"):
                details.append(entry.message)
    reason = "; ".join(dict.fromkeys(details)) or f"apprise status {result.status.name}"
    return redact(reason, secrets)[:500]


def deliver_due(db, config: Config, now: datetime) -> DeliveryReport:
    """Try every delivery that is due; record each attempt."""
    report = DeliveryReport()
    due = store.due_deliveries(db, now)
    if not due:
        return report
    renderer = Renderer(config.alerts_dir, config.settings.timezone)
    for d in due:
        channel = config.channels.get(d["channel"])
        alert = {**d, "id": d["alert_id"], "round": d["round"], "created": d["alert_created"],
                 "delivery_created": d["created"]}
        if channel is None:
            error = f"channel {d['channel']!r} is no longer in the config; add it back or the alert stays undelivered"
        else:
            message = renderer.render(renderer.context(db, config, alert), channel.format)
            error = send(channel, message)
            if error is None:
                report.messages.append((channel.name, message))
        status = store.record_delivery(db, d, error, now, config.alerting.give_up_after)
        if status == "sent":
            report.sent += 1
        else:
            report.failed += 1
            report.gave_up += status == "gave_up"
            what = "gave up on" if status == "gave_up" else "could not send"
            report.errors.append(f"{what} alert {d['alert_id']} via {d['channel']} (attempt {d['attempts'] + 1}): {error}")
    return report


def send_test(config: Config, route: str) -> list[tuple[str, str | None]]:
    """A clearly marked test through every channel of a route: [(channel, error or None)]."""
    renderer = Renderer(config.alerts_dir, config.settings.timezone)
    alert = {"id": 0, "rule": "test", "severity": route if route in ("watch", "alert", "crisis") else "alert",
             "round": 0, "title": "Test message", "details": {}, "created": None}
    ctx = renderer.context(None, config, alert)
    out = []
    for name in config.routes.get(route, []):
        channel = config.channels[name]
        out.append((name, send(channel, renderer.render(ctx, channel.format))))
    return out
