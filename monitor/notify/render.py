"""Rendering: Jinja2 over ``alerts/`` (HTML autoescaped, text plain, SMS shaped to two segments), and the
context an alert's templates read: its mentions, the policy families they touch, what the playbook says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .. import store
from ..clock import for_people
from ..config import Config, readable_name
from ..levels import rank as level_rank
from ..urls import safe_link
from .sms import SMS_SEPTETS, clip_septets, septets, to_gsm7


@dataclass
class Message:
    title: str
    body: str
    format: str  # email (HTML body) | sms | text: a states.MessageFormat


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
        from ..signing import alert_link

        return alert_link(self.key, self.public_url, alert_id, self.now, self.link_valid)

    def context(self, db, config: Config, alert: dict) -> dict:
        mentions = store.alert_mentions(db, alert["id"]) if db is not None else []
        round_ = alert.get("round") or 0
        labels = {sc.name: sc.display for sc in config.sources}
        for m in mentions:
            m["new"] = (m.get("joined_round") or 0) == round_
            # Directors read "Mastodon (parenting tag)", not "mastodon-tag".
            m["sources"] = ", ".join(labels.get(x.strip()) or readable_name(x.strip())
                                     for x in (m.get("sources") or "").split(",") if x.strip())
        # Directors read policy families ("complaint"), not our keyword sets ("gripe", "sarcasm"):
        # one line per family, with the words of all its sets and the advice of the strongest. Only the
        # families the analysis named (``judgement.families``, as `monitor mentions --json`): the words of
        # a keyword family it did not name are listed apart, with no policy action.
        esc = config.escalation
        families: dict[str, dict] = {}
        also_read: list[str] = []
        for m in mentions:
            named = shown_families(m)
            for name, words in (m.get("categories") or {}).items():
                cat = esc.get(name)
                family = cat.family if cat and cat.family not in ("", "none") else name
                if named is not None and family not in named:
                    also_read += [w for w in words if w not in also_read]
                    continue
                entry = families.setdefault(family, {"name": family, "words": [], "policy": "", "action": "", "rank": (-1, 0)})
                entry["words"] += [w for w in words if w not in entry["words"]]
                strength = (level_rank(cat.severity), cat.weight) if cat else (0, 0)
                if cat and strength > entry["rank"]:
                    entry.update(policy=cat.policy, action=cat.action, rank=strength)
        for m in mentions:  # families only the learned model saw (or the reach): the policy's advice for the family
            judgement = m.get("judgement") or {}
            for family in judgement.get("families") or []:
                cats = [c for c in esc.values() if (c.family or c.name) == family]
                if family in families or not cats:
                    continue
                cat = max(cats, key=lambda c: (level_rank(c.severity), c.weight))
                spreading = judgement.get("spreading") if family == "amplification" else None
                families[family] = {"name": family, "words": [f"spreading: {spreading}" if spreading else "read by the model"],
                                    "policy": cat.policy, "action": cat.action,
                                    "rank": (level_rank(cat.severity), cat.weight)}
        risk = esc.get("risk_signs")
        if not families and risk is not None and any(m.get("severity") == "crisis" for m in mentions):
            # a crisis the model read with no family at its threshold (round 22): the policy's protection step, not
            # the plain "decide whether a reply is needed" of a mention alert
            families["risk"] = {"name": "a person may be at risk", "words": ["read by the model"],
                                "policy": risk.policy, "action": risk.action, "rank": (level_rank(risk.severity), 0)}
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
            "quote": _sentence(mention), "absorbed": [], "also_read": also_read,
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


def shown_families(mention: dict) -> set[str] | None:
    """The policy families a stored mention's analysis named (what a director is shown), or None for a
    mention stored before the analysis said so (then every keyword family is shown, as it was)."""
    judgement = mention.get("judgement")
    if not isinstance(judgement, dict) or not isinstance(judgement.get("families"), list):
        return None
    return set(judgement["families"])


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

