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
"""

from __future__ import annotations

import hashlib
import re
import threading
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
SMS_SEPTETS = 306  # two concatenated GSM-7 segments of 153 characters
LEVELS = ("crisis", "alert", "watch", "info")


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
    env.filters["first_sentence"] = first_sentence
    env.filters["tone"] = tone
    return env


def tone(score) -> str:
    """Sentiment about us in words: directors read "negative", not "-0.34"."""
    if not isinstance(score, (int, float)):
        return "tone unknown"
    for limit, word in ((-0.6, "very negative"), (-0.3, "negative"), (-0.05, "slightly negative"),
                        (0.05, "neutral"), (0.5, "positive")):
        if score <= limit:
            return word
    return "very positive"


def first_sentence(text: str | None) -> str:
    text = " ".join((text or "").split())
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    return m.group(1) if m else text


class Renderer:
    """Jinja2 templates from ``alerts/``: HTML autoescaped, text plain, SMS cut to 300 characters."""

    def __init__(self, alerts_dir: Path, timezone: str, *, key: bytes | None = None, now: datetime | None = None,
                 public_url: str | None = None, link_valid: float = 7 * 86400, replies: bool = False):
        self.env = template_environment(alerts_dir, timezone)
        self.key, self.now, self.public_url, self.link_valid, self.replies = key, now, public_url, link_valid, replies

    def link(self, alert_id: int) -> str | None:
        """The signed, expiring link to the alert's page, when settings.public_url is set."""
        if not (self.public_url and self.key and self.now and alert_id):
            return None
        from .signing import alert_link

        return alert_link(self.key, self.public_url, alert_id, self.now, self.link_valid)

    def context(self, db, config: Config, alert: dict) -> dict:
        mentions = store.alert_mentions(db, alert["id"]) if db is not None else []
        round_ = alert.get("round") or 0
        from .config import readable_name

        labels = {sc.name: sc.display for sc in config.sources}
        for m in mentions:
            m["new"] = (m.get("joined_round") or 0) == round_
            # Directors read "Mastodon (parenting tag)", not "mastodon-tag".
            m["sources"] = ", ".join(labels.get(x.strip()) or readable_name(x.strip())
                                     for x in (m.get("sources") or "").split(",") if x.strip())
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
        mention = mentions[-1] if mentions else {}
        return {
            "alert": alert, "kind": kind, "mentions": mentions, "mention": mention,
            "new_mentions": [m for m in mentions if m["new"]], "categories": categories,
            "advice": advice, "details": alert.get("details") or {}, "organisation": config.organisation.name,
            "link": self.link(alert.get("id")), "replies": self.replies, "ref": None,
            "what": _what(alert["rule"], categories),
            "quote": _sentence(mention), "absorbed": [],
        }

    def render(self, ctx: dict, fmt: str) -> Message:
        """One alert, or a batch (``ctx["items"]``) of alerts of one severity for one channel."""
        batch = "items" in ctx
        prefix = "batch" if batch else "alert"
        title = _one_line(self.env.get_template(f"{prefix}.title.txt").render(ctx))
        if fmt == "email":
            if ctx.get("ref") and ctx.get("replies"):  # a reply quotes it back
                title = f"{title[:180]} [ref {ctx['ref']}]"
            body = self.env.get_template(f"{prefix}.email.html").render(ctx)
        elif fmt == "sms":
            body = self.sms(ctx, f"{prefix}.sms.txt")
        else:
            body = self.env.get_template(f"{prefix}.txt").render(ctx).strip() + "\n"
        return Message(title=title, body=body, format=fmt)

    def sms(self, ctx: dict, template: str) -> str:
        """GSM-7 only, at most 2 segments: the quoted sentence is shortened until the whole message fits."""
        tpl = self.env.get_template(template)
        first = ctx["items"][0] if "items" in ctx else ctx
        full = first.get("quote") or ""
        for cut in (None, 160, 120, 90, 60, 40, 0):
            quote = full if cut is None or len(full) <= cut else full[:cut].rsplit(" ", 1)[0].rstrip(" ,;:.") + "..."
            first["quote"] = quote if cut != 0 else ""
            text = to_gsm7(_squeeze(tpl.render(ctx)))
            if septets(text) <= SMS_SEPTETS:
                first["quote"] = full
                return text
        first["quote"] = full
        return clip_septets(text, SMS_SEPTETS)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _squeeze(text: str) -> str:
    return re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip()


_RULE_WORDS = {"mention": "negative mention", "reply_overdue": "reply due", "volume_spike": "many more mentions",
               "negative_spike": "burst of negative mentions", "source_down": "monitor problem",
               "source_recovered": "monitor working again", "test": "test"}


def _what(rule: str, categories: list[dict]) -> str:
    """The alert in a few words: the policy family ("safeguarding"), or what the rule saw."""
    if rule == "reply_overdue":
        return "reply due" + (f" ({categories[0]['name']})" if categories else "")
    if rule == "mention" and categories:
        return ", ".join(c["name"] for c in categories[:2])
    return _RULE_WORDS.get(rule, rule.replace("_", " "))


def _sentence(mention: dict) -> str:
    """The sentence that raised the alert: the stored snippet (the analysis makes it the driving sentence)."""
    text = " ".join(((mention or {}).get("snippet") or (mention or {}).get("title") or "").split())
    return text[:300]


# GSM 03.38: the basic set (1 septet each) and the extension table (2 septets each).
GSM7_BASIC = set("@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = set("^{}\\[~]|€")
_GSM7_SWAP = {"…": "...", "‘": "'", "’": "'", "ʼ": "'", "‚": ",", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
              "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "•": "*", "·": "-", "\u00a0": " ", "\t": " ",
              "\r": "", "`": "'", "´": "'", "×": "x"}


def to_gsm7(text: str) -> str:
    """Only characters of the GSM 7-bit alphabet: one stray "…" or emoji makes a whole SMS UCS-2 (70 a segment)."""
    import unicodedata

    out = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXT:
            out.append(ch)
        elif ch in _GSM7_SWAP:
            out.append(_GSM7_SWAP[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if c in GSM7_BASIC or c in GSM7_EXT)
            out.append(base)  # accents dropped; emoji and other scripts dropped
    return re.sub(r"[ ]{2,}", " ", "".join(out)).strip()


def septets(text: str) -> int:
    return sum(2 if ch in GSM7_EXT else 1 for ch in text)


def segments(text: str) -> int:
    n = septets(text)
    return 1 if n <= 160 else -(-n // 153)


def clip_septets(text: str, limit: int) -> str:
    if septets(text) <= limit:
        return text
    out, n = [], 0
    for ch in text:
        w = 2 if ch in GSM7_EXT else 1
        if n + w > limit - 3:
            break
        out.append(ch)
        n += w
    return "".join(out).rstrip() + "..."


# --------------------------------------------------------------------------- sending


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
         msgid: str | None = None) -> str | None:
    """Deliver one message (image attachments shown inline in HTML email); None on success, else a redacted reason.

    ``text``: the plain-text part of an HTML email (else apprise flattens the HTML, one table cell per line).
    ``msgid``: the Message-ID an email carries (see ``message_id``); other channels ignore it.
    """
    if text is not None and message.format == "email":
        with _plain_text_part(message.body, text):
            return _send(channel, message, attach, msgid)
    return _send(channel, message, attach, msgid)


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


def _send(channel: Channel, message: Message, attach: list[Path] | None = None, msgid: str | None = None) -> str | None:
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
            text = renderer.render(ctx, "text").body if channel.format == "email" else None
            error = send(channel, message, text=text, msgid=message_id(batch, channel))
            store.message_error(db, row, error)
            if error is None:
                report.messages.append((channel.name, message))
        worst = "sent"
        with db.atomic():
            for d in batch:
                status = store.record_delivery(db, d, error, now, config.alerting.give_up_after)
                if status != "sent":
                    worst = "gave_up" if status == "gave_up" else worst if worst == "gave_up" else "failed"
        if worst == "sent":
            report.sent += 1
        else:
            report.failed += 1
            report.gave_up += worst == "gave_up"
            if worst == "gave_up":
                gave_up.setdefault(channel_name, []).append((len(alert_ids), error))
            what = "gave up on" if worst == "gave_up" else "could not send"
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
    routed = [c for level in ("crisis", "alert", "watch", "escalation") for c in config.routes.get(level, [])]
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
            if channel.format == "email":
                message = Message(title, f"<p>{escape(text)}</p>", "email")
            elif channel.format == "sms":
                message = Message(title, clip_septets(to_gsm7(text), SMS_SEPTETS), "sms")
            else:
                message = Message(title, text, "text")
            error = send(channel, message)
            store.record_message(db, time=now, channel=other, severity="monitor", alert_ids=[])
            if error:
                errors.append(f"could not report the {name} failure via {other}: {error}")
    return errors


def make_renderer(db, config: Config, now: datetime) -> "Renderer":
    return Renderer(config.alerts_dir, config.settings.timezone, key=store.signing_key(db), now=now,
                    public_url=config.settings.public_url, link_valid=config.settings.link_valid,
                    replies=bool(getattr(config, "replies", None)))


def batches(due: list[dict]) -> list[tuple[str, str, list[dict]]]:
    """Group due deliveries: one batch per (channel, severity), crisis batches first.

    A spike alert absorbs the single-post alerts it covers (their mentions are among its
    stories) at its own level or below; a crisis is never absorbed into a lower message.
    """
    covered: dict[str, dict[int, str]] = {}  # channel -> mention id -> spike severity
    for d in due:
        if d["rule"] in ("volume_spike", "negative_spike"):
            for story in (d["details"] or {}).get("stories", []):
                cur = covered.setdefault(d["channel"], {}).get(story.get("id"))
                if cur is None or LEVELS.index(d["severity"]) < LEVELS.index(cur):
                    covered[d["channel"]][story.get("id")] = d["severity"]
    groups: dict[tuple[str, str], list[dict]] = {}
    for d in due:
        severity = d["severity"]
        spike_level = covered.get(d["channel"], {}).get(d["mention_id"]) if d["rule"] == "mention" else None
        if spike_level and severity != "crisis" and LEVELS.index(spike_level) <= LEVELS.index(severity):
            severity = spike_level
        groups.setdefault((d["channel"], severity), []).append(d)
    order = sorted(groups, key=lambda k: (LEVELS.index(k[1]) if k[1] in LEVELS else 9, k[0]))
    return [(ch, sev, groups[(ch, sev)]) for ch, sev in order]


def batch_context(renderer: "Renderer", db, config: Config, batch: list[dict], message_id: int) -> dict:
    """One alert's context, or a batch context whose ``items`` are the alerts' contexts, spikes first."""
    from .signing import message_ref

    ref = message_ref(renderer.key, message_id) if renderer.key else None
    items, seen = [], set()
    for d in batch:
        if d["alert_id"] in seen:
            continue
        seen.add(d["alert_id"])
        alert = {**d, "id": d["alert_id"], "round": d["round"], "created": d["alert_created"],
                 "delivery_created": d["created"]}
        items.append(renderer.context(db, config, alert))
    spikes = [c for c in items if c["alert"]["rule"] in ("volume_spike", "negative_spike")]
    for sp in spikes:
        ids = {s.get("id") for s in sp["details"].get("stories", [])}
        sp["absorbed"] = [c for c in items if c not in spikes and c["alert"].get("mention_id") in ids]
    absorbed = [c for sp in spikes for c in sp["absorbed"]]
    rank = {"crisis": 0, "alert": 1, "watch": 2, "info": 3}
    rest = sorted((c for c in items if c not in spikes and c not in absorbed),
                  key=lambda c: (rank.get(c["alert"]["severity"], 9), c["alert"]["id"]))
    if len(items) == 1:
        items[0]["ref"] = ref
        return items[0]
    top = spikes + rest
    severity = min((c["alert"]["severity"] for c in items), key=lambda x: rank.get(x, 9))
    return {"items": top, "count": len(items), "severity": severity,
            "organisation": config.organisation.name, "ref": ref, "replies": renderer.replies,
            "link": top[0]["link"], "others": len(top) - 1}


def send_test(config: Config, route: str) -> list[tuple[str, str | None]]:
    """A clearly marked test through every channel of a route: [(channel, error or None)]."""
    renderer = Renderer(config.alerts_dir, config.settings.timezone, replies=bool(getattr(config, "replies", None)))
    alert = {"id": 0, "rule": "test", "severity": route if route in ("watch", "alert", "crisis") else "alert",
             "round": 0, "title": "Test message", "details": {}, "created": None}
    ctx = renderer.context(None, config, alert)
    out = []
    for name in config.routes.get(route, []):
        channel = config.channels[name]
        out.append((name, send(channel, renderer.render(ctx, channel.format))))
    return out
