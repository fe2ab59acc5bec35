"""Sending one message through one channel with apprise: timeouts, a stable email Message-ID, our own
plain-text part, and errors with every credential redacted (apprise URLs carry passwords and tokens)."""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from ..config import Channel
from .render import Message

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0


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


def message_id(batch: list[dict], channel: Channel) -> str:
    """The email Message-ID of one message (its alerts and rounds, the channel): the same on every attempt.

    If we crash after the mail server accepted a message and before we recorded it, the
    next run sends it again with the same Message-ID, which mail services that de-duplicate
    by Message-ID (Gmail does) show once. The hash of the alert's creation time and
    group keeps two installations (or the demo) from ever sharing an id.
    """
    key = "|".join(sorted(f"{d['alert_id']}.{d.get('round') or 0}.{d.get('alert_created')}.{d.get('group_key')}"
                          for d in batch))
    stamp = hashlib.sha256(key.encode()).hexdigest()[:16]
    delivery = min(batch, key=lambda d: d["alert_id"])
    name = re.sub(r"[^A-Za-z0-9-]", "-", channel.name)[:40]
    sender = dict(parse_qsl(urlsplit(channel.url or "").query)).get("from", "")
    domain = sender.rpartition("@")[2] if re.fullmatch(r"[^@\s<>]+@[A-Za-z0-9.-]+", sender or "") else "monitor.invalid"
    return f"<alert-{delivery['alert_id']}.{delivery.get('round') or 0}.{name}.{stamp}@{domain}>"


_msgid_lock = threading.Lock()
_msgid: list[str | None] = [None]


def _stable_message_id():
    """Make apprise's email plugin use our Message-ID while ``_msgid`` holds one (it has no option for it)."""
    try:
        from apprise.plugins.email import base as email_base
    except ImportError:  # another apprise layout: mail still goes out, with apprise's own ids
        return
    if getattr(email_base.make_msgid, "nbn_stable", False):
        return
    original = email_base.make_msgid

    def make_msgid(*args, **kwargs):
        return _msgid[0] or original(*args, **kwargs)

    make_msgid.nbn_stable = True
    email_base.make_msgid = make_msgid


def send(channel: Channel, message: Message, attach: list[Path] | None = None, text: str | None = None,
         msgid: str | None = None, interval: float | None = None) -> str | None:
    """Deliver one message (image attachments shown inline in HTML email); None on success, else a redacted reason.

    ``text``: the plain-text part of an HTML email (else apprise flattens the HTML, one table cell per line).
    ``msgid``: the Message-ID an email carries (see ``message_id``); other channels ignore it.
    """
    if text is not None and message.format == "email":
        with _plain_text_part(message.body, text):
            return _send(channel, message, attach, msgid, interval)
    return _send(channel, message, attach, msgid, interval)


class _plain_text_part:
    """apprise builds an HTML email's text/plain part with ``convert_between``; for our body, use our text."""

    def __init__(self, html: str, text: str):
        self.html, self.text = html, text

    def __enter__(self):
        from apprise.plugins.email import base

        self.module, self.original = base, base.convert_between
        html, text, original = self.html, self.text, self.original

        def convert(from_format, to_format, content, *args, **kwargs):
            if content == html and str(to_format).lower().endswith("text"):
                return text
            return original(from_format, to_format, content, *args, **kwargs)

        base.convert_between = convert

    def __exit__(self, *exc):
        self.module.convert_between = self.original


def _send(channel: Channel, message: Message, attach: list[Path] | None = None, msgid: str | None = None,
          interval: float | None = None) -> str | None:
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
        if interval is not None:  # seconds between sends (apprise's email plugin waits 5.5 s)
            plugin.request_rate_per_sec = interval
    body_format = apprise.NotifyFormat.HTML if message.format == "email" else apprise.NotifyFormat.TEXT
    try:
        # SMS gateways glue the title onto the body; our SMS body already says everything in 300 characters.
        title = "" if message.format == "sms" else message.title
        files = apprise.AppriseAttachment([str(p) for p in attach]) if attach else None
        if msgid:
            _stable_message_id()
        with _msgid_lock:
            _msgid[0] = msgid
            try:
                result = app.notify(title=title, body=message.body, body_format=body_format, attach=files)
            finally:
                _msgid[0] = None
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

