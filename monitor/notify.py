"""Render alert messages from ``alerts/`` templates and deliver them with apprise.

Deliveries come from the outbox (``store.pending_deliveries``): every delivery
not yet accepted by its channel is tried, crises first. A channel that fails
keeps its delivery for the next run; the other channels still go out. Errors
are stored and printed with credentials redacted: apprise URLs carry passwords
and tokens.
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


class Renderer:
    """Jinja2 templates from ``alerts/``: HTML autoescaped, text plain, SMS cut to 300 characters."""

    def __init__(self, alerts_dir: Path, timezone: str):
        from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

        self.env = Environment(
            loader=FileSystemLoader(str(alerts_dir)),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["when"] = lambda v: for_people(v, timezone)
        self.env.filters["link"] = safe_link
        self.env.filters["signed"] = lambda v: f"{v:+.2f}" if isinstance(v, (int, float)) else "-"

    def render(self, delivery: dict, mention: dict | None, config: Config, fmt: str) -> Message:
        ctx = {
            "alert": delivery,
            "mention": mention or {},
            "organisation": config.organisation.name,
            "categories": [
                {
                    "name": name,
                    "words": words,
                    "policy": config.escalation[name].policy if name in config.escalation else "",
                    "action": config.escalation[name].action if name in config.escalation else "",
                }
                for name, words in ((mention or {}).get("categories") or {}).items()
            ],
        }
        title = _one_line(self.env.get_template("mention.title.txt").render(ctx))
        if fmt == "email":
            body = self.env.get_template("mention.email.html").render(ctx)
        elif fmt == "sms":
            body = _clip(_squeeze(self.env.get_template("mention.sms.txt").render(ctx)), SMS_LIMIT)
        else:
            body = self.env.get_template("mention.txt").render(ctx).strip() + "\n"
        return Message(title=title, body=body, format=fmt)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _squeeze(text: str) -> str:
    return re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- sending


def send(channel: Channel, message: Message) -> str | None:
    """Deliver one message; None on success, else a redacted reason."""
    import apprise

    secrets = secrets_of(channel.url)
    if not channel.url:
        return f"channel {channel.name!r} has no address: environment variable {', '.join(channel.missing)} is not set"
    app = apprise.Apprise()
    if not app.add(channel.url):
        return f"apprise does not understand the address of channel {channel.name!r} ({redact(channel.url, secrets)[:60]})"
    if SEND_INTERVAL is not None:
        for plugin in app:
            plugin.request_rate_per_sec = SEND_INTERVAL
    body_format = apprise.NotifyFormat.HTML if message.format == "email" else apprise.NotifyFormat.TEXT
    try:
        # SMS gateways glue the title onto the body; our SMS body already says everything in 300 characters.
        title = "" if message.format == "sms" else message.title
        result = app.notify(title=title, body=message.body, body_format=body_format)
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


def deliver_pending(db, config: Config, now: datetime) -> DeliveryReport:
    """Try every delivery in the outbox that has not been accepted yet."""
    report = DeliveryReport()
    pending = store.pending_deliveries(db)
    if not pending:
        return report
    renderer = Renderer(config.alerts_dir, config.settings.timezone)
    mentions: dict[int, dict] = {}
    for d in pending:
        channel = config.channels.get(d["channel"])
        if channel is None:
            error = f"channel {d['channel']!r} is no longer in the config; add it back or the alert stays undelivered"
        else:
            mid = d["mention_id"]
            if mid is not None and mid not in mentions:
                mentions[mid] = store.mention(db, mid)
            message = renderer.render(d, mentions.get(mid), config, channel.format)
            error = send(channel, message)
            if error is None:
                report.messages.append((channel.name, message))
        store.record_delivery(db, d["id"], error is None, error, now)
        if error is None:
            report.sent += 1
        else:
            report.failed += 1
            report.errors.append(f"alert {d['alert_id']} via {d['channel']}: {error}")
    return report
