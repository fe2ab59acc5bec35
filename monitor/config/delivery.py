"""Where alerts go and where replies come back: ``channels``, ``routes`` and ``replies``.

A channel is an apprise address written as ``${ENV_VAR}``; an unset variable is fine until a
route uses the channel. The replies mailbox never holds a password in the file. Keys and
defaults: model.py (Channel, Replies); route names: monitor/levels.py.
"""

from __future__ import annotations

import re
from typing import Any

from ..levels import ROUTE_NAMES
from ..yamlsource import join
from .model import IMAP_PORTS, Channel, Replies
from .reader import Reader, keys
from .values import ENV_REF, expand_env

_EMAIL_SCHEMES = ("mailto", "mailtos", "ses", "sendgrid", "mailgun", "sparkpost", "smtp2go", "resend", "brevo")
_SMS_SCHEMES = (
    "twilio", "sns", "msg91", "clicksend", "vonage", "nexmo", "d7sms", "bulksms", "sinch", "smseagle",
    "kavenegar", "bulkvs", "plivo", "seven", "signal", "smsmgr", "voipms", "messagebird", "httpsms",
)


def channel_format(url: str) -> str:
    """email, sms or text, guessed from an apprise address's scheme."""
    scheme = url.split(":", 1)[0].lower()
    if scheme in _EMAIL_SCHEMES:
        return "email"
    if scheme in _SMS_SCHEMES:
        return "sms"
    return "text"


def read_channels(r: Reader, raw: Any) -> dict[str, Channel]:
    out: dict[str, Channel] = {}
    for name, body in r.mapping(raw, "channels").items():
        path = join("channels", str(name))
        fmt = None
        if isinstance(body, dict):  # {url: ..., format: ...}; else the address alone
            r.mapping(body, path, keys(Channel))
            fmt = r.field(Channel, "format", body, path) or None
            url_path, body = join(path, "url"), body.get("url")
        else:
            url_path = path
        raw_url = r.string(body, url_path, required=True, env=False) or ""
        url, missing = expand_env(raw_url, r.environ)
        out[str(name)] = Channel(
            name=str(name),
            raw=raw_url,
            format=fmt or channel_format(url),
            url=None if missing else url,
            missing=missing,
            path=url_path,
        )
    return out


def read_routes(r: Reader, raw: Any, channels: dict[str, Channel], secrets: bool = True) -> dict[str, list[str]]:
    routes = r.mapping(raw, "routes", dict.fromkeys(ROUTE_NAMES, ""))
    out: dict[str, list[str]] = {}
    for severity, names in routes.items():
        if severity not in ROUTE_NAMES:
            continue
        path = join("routes", severity)
        names = r.strings(names, path)
        for j, name in enumerate(names):
            if name not in channels:
                r.problem(join(path, j), f"no channel called {name!r}; defined channels: {', '.join(channels) or 'none'}")
        out[severity] = [n for n in names if n in channels]
    # A channel with a missing secret is fine until a route uses it.
    used = {n for names in out.values() for n in names} if secrets else set()
    for name in sorted(used):
        ch = channels[name]
        for var in ch.missing:
            users = ", ".join(s for s, ns in out.items() if name in ns)
            r.problem(ch.path, f"environment variable {var} is not set; channel {name!r} is used by routes: {users}")
    return out


_LOCAL = ("127.0.0.1", "localhost", "::1")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def read_replies(r: Reader, raw: Any, secrets: bool = True) -> Replies | None:
    if raw is None:
        return None
    p = "replies"
    m = r.mapping(raw, p, keys(Replies))
    host = r.field(Replies, "host", m, p)
    tls = r.field(Replies, "tls", m, p)
    if tls == "none" and host not in _LOCAL:
        r.problem("replies.tls", "none is only allowed for a server on this machine (127.0.0.1); use ssl or starttls")
    port = r.field(Replies, "port", m, p, IMAP_PORTS[tls])
    missing: list[str] = []
    creds = {}
    for name in ("username", "password"):
        text = r.string(m.get(name), join(p, name), required=True, env=False) or ""
        if name == "password" and text and not ENV_REF.search(text):
            r.problem("replies.password", "write the password as ${ENV_VAR} (e.g. ${MONITOR_REPLY_PASSWORD}), never in this file")
        value, miss = expand_env(text, r.environ)
        missing += miss
        creds[name] = None if miss else value
    # An unset ${VAR} is not fatal (alerts must still go out): each run says the mailbox was not read.
    directors = [d.strip().lower() for d in r.field(Replies, "directors", m, p)]
    for i, d in enumerate(directors):
        if not _EMAIL.fullmatch(d):
            r.problem(join("replies.directors", i), f"{d!r} is not an email address")
    return Replies(host=host, port=port, tls=tls, username=creds["username"], password=creds["password"],
                   mailbox=r.field(Replies, "mailbox", m, p), directors=directors, missing=missing)
