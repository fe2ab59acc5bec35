"""The rules' grade: score, level and reasons (a part of :class:`monitor.analyse.Analyser`; the
formula is in that module's docstring)."""

from __future__ import annotations

import re

from .levels import SEVERITIES

AMPLIFICATION = "amplification"

# -- reach written in the text ("46.2K likes", "shared 50,000 times", "2.1M followers") ------------------
# A post often says how far it travelled; the figures count as a source's own would (``reach_points``:
# only when a concern is already there), and a big one says the text is spreading (``spreading``).
_UNIT = {
    "like": "likes", "likes": "likes", "heart": "likes", "hearts": "likes", "fave": "likes", "faves": "likes",
    "share": "shares", "shares": "shares", "view": "views", "views": "views", "play": "views", "plays": "views",
    "impression": "views", "impressions": "views", "retweet": "reposts", "retweets": "reposts",
    "rt": "reposts", "rts": "reposts", "repost": "reposts", "reposts": "reposts", "reblog": "reposts",
    "reblogs": "reposts", "quote tweets": "reposts", "quote-tweets": "reposts", "comment": "comments",
    "comments": "comments", "reply": "comments", "replies": "comments", "reaction": "likes", "reactions": "likes",
    "upvote": "points", "upvotes": "points", "signature": "signatures", "signatures": "signatures",
    "signed": "signatures", "sign": "signatures", "people signed": "signatures", "people have signed": "signatures",
    "follower": "followers", "followers": "followers", "subscriber": "subscribers", "subscribers": "subscribers",
    "subs": "subscribers", "member": "members", "members": "members",
}
AUDIENCE_KINDS = ("followers", "subscribers", "members")
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(k|m|thousand|million)?\b\+?"
_UNITS = "|".join(sorted((re.escape(u) for u in _UNIT), key=len, reverse=True))
_FIGURE = re.compile(rf"(?<![\w.,£$€]){_NUMBER}\s*(?:more\s+|new\s+)?({_UNITS})\b", re.I)
_TIMES = re.compile(rf"\b(shared|retweeted|reposted|viewed|watched|seen|quote[- ]tweeted)\s+(?:over\s+|more than\s+|nearly\s+|almost\s+)?"
                    rf"{_NUMBER}\s*times\b", re.I)
_MANY = re.compile(rf"\b(hundreds|thousands|millions)\s+of\s+(?:people\s+)?({_UNITS})\b", re.I)
# What an ASCII text, lower-cased, must hold for each of the three to match (``reach_in_text`` skips the
# others: each tried its pattern at every position of every text). Lower-casing ASCII is exactly what
# ``re.I`` matches; the hint is ``_FIGURE`` with its look-behind and one ``\b`` left out, so it matches
# wherever ``_FIGURE`` does, and starts at a digit (a much cheaper search).
_FIGURE_HINT = re.compile(rf"[0-9][0-9,.]*\s?(?:k|m|thousand|million)?\+?\s*(?:more\s+|new\s+)?(?:{_UNITS})\b")
_DIGIT = re.compile("[0-9]")
_SCALE = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}
_MANY_IS = {"hundreds": 200, "thousands": 2_000, "millions": 2_000_000}
# A figure this big says the text is spreading (a serious concern with it is lifted one step).
SPREADING_ENGAGEMENT = 1_000
SPREADING_AUDIENCE = 10_000


def _number(digits: str, scale: str | None) -> int:
    return int(float(digits.replace(",", "")) * _SCALE.get((scale or "").lower(), 1))


def reach_in_text(text: str) -> tuple[dict[str, int], list[str]]:
    """The reach figures a text states about itself: ``({kind: number}, [the words read])``, the biggest
    of each kind ("46.2K likes" -> likes 46,200; "shared 50,000 times" -> shares; "thousands of
    shares" -> 2,000). "2 likes" is read too, and is worth nothing (``reach_points``)."""
    figures: dict[str, int] = {}
    said: list[str] = []
    if not text:
        return figures, said
    if text.isascii():  # (most texts) the same tests, cheaper: on ASCII, isdigit() is [0-9]
        low = text.lower()
        digit = _DIGIT.search(text) is not None
        if not digit and " of " not in text:
            return figures, said
        figure = digit and _FIGURE_HINT.search(low) is not None
        times = digit and "times" in low
        many = "hundreds" in low or "thousands" in low or "millions" in low
    elif not any(ch.isdigit() for ch in text) and " of " not in text:
        return figures, said
    else:
        figure = times = many = True

    def add(kind: str, n: int, words: str) -> None:
        if n > figures.get(kind, -1):
            figures[kind] = n
        said.append(" ".join(words.split()))

    for m in _FIGURE.finditer(text) if figure else ():
        add(_UNIT[" ".join(m.group(3).lower().split())], _number(m.group(1), m.group(2)), m.group(0))
    for m in _TIMES.finditer(text) if times else ():
        verb = m.group(1).lower()
        kind = "views" if verb in ("viewed", "watched", "seen") else "reposts" if verb != "shared" else "shares"
        add(kind, _number(m.group(2), m.group(3)), m.group(0))
    for m in _MANY.finditer(text) if many else ():
        add(_UNIT[" ".join(m.group(2).lower().split())], _MANY_IS[m.group(1).lower()], m.group(0))
    return figures, said


def merged_reach(source: dict | None, stated: dict[str, int]) -> dict[str, int]:
    """The source's own figures and those the text states, the bigger of each kind (a post that quotes
    its own likes is not counted twice)."""
    out = dict(source or {})
    for kind, n in stated.items():
        if n > (out.get(kind) or 0):
            out[kind] = n
    return out


def is_spreading(figures: dict) -> bool:
    """Engagement or audience big enough to say the text is spreading (SPREADING_ENGAGEMENT, SPREADING_AUDIENCE)."""
    audience = sum(v for k, v in figures.items() if k in AUDIENCE_KINDS)
    engagement = max((v for k, v in figures.items() if k not in AUDIENCE_KINDS), default=0)
    return engagement >= SPREADING_ENGAGEMENT or audience >= SPREADING_AUDIENCE


class Grading:
    """``Analyser``'s scoring step; needs ``self.config`` and ``self.rules``."""

    def _by_weight(self, categories: dict[str, list[str]]) -> list[str]:
        def rank(name: str):
            cat = self.rules[name].cat
            return (-SEVERITIES.index(cat.severity), -cat.weight, name)

        return sorted(categories, key=rank)

    def reach_points(self, reach: dict | None, outlet: str, said: list[str] | None = None) -> tuple[float, str]:
        """Points for how far it travelled: engagement and audience per tenfold, or a listed outlet.
        ``said``: the figures the text itself states (``reach_in_text``), for the reason."""
        import math

        r = self.config.reach
        points, why = 0.0, []
        figures = reach or {}
        if said:
            why.append("the text says " + ", ".join(f"'{w}'" for w in said[:3]))
        audience = sum(v for k, v in figures.items() if k in AUDIENCE_KINDS)
        engagement = sum(v for k, v in figures.items() if k not in AUDIENCE_KINDS)
        if engagement > 10:
            p = r.per_tenfold * (math.log10(engagement) - 1)
            points += p
            why.append(f"{engagement:,} interactions (+{p:.1f})")
        if audience > 1000:
            p = r.audience_per_tenfold * (math.log10(audience) - 3)
            points += p
            why.append(f"audience {audience:,} (+{p:.1f})")
        outlet = (outlet or "").lower()
        for name, weight in r.outlets.items():
            if name and name in outlet:
                points += weight
                why.append(f"outlet {name} (+{weight:g})")
                break
        points = min(points, r.max_points)
        return points, ", ".join(why) if points else ""

    def grade(self, categories: dict[str, list[str]], targeted: float,
              reach: tuple[float, str] = (0.0, ""), spreading: str = "") -> tuple[float, str, list[str]]:
        """Score, level and the reasons for both (the formula in this module's docstring). ``spreading``:
        why the text is spreading by its reach alone ("46.2K likes"), which lifts a serious concern
        as a ``lifts`` category does."""
        t = self.config.thresholds
        reasons: list[str] = []
        score = 0.0
        for name in self._by_weight(categories):
            cat = self.rules[name].cat
            words = ", ".join(f"'{w}'" for w in categories[name])
            score += cat.weight
            reasons.append(f"{name}: {words} (+{cat.weight:g})")
        if targeted <= t.negative:
            points = t.sentiment_weight * -targeted
            score += points
            reasons.append(f"negative about us: sentiment {targeted:+.2f} (+{points:.1f})")
        spread_only = sum(self.rules[n].cat.weight for n in categories if self.rules[n].cat.family == AMPLIFICATION)
        if reach[0] and score - spread_only > 0:  # reach raises the stakes of a concern; it never creates one
            # (nor does a text saying it is spreading: "went viral, 3,000 shares" of a compliment stays as it is)
            score += reach[0]
            reasons.append(f"reach: {reach[1]} (capped at +{self.config.reach.max_points:g})")
        level = "info"
        for name in ("watch", "alert", "crisis"):
            if score >= getattr(t, name):
                level = name
        reasons.append(f"score {score:.1f} -> {level} (watch {t.watch:g}, alert {t.alert:g}, crisis {t.crisis:g})")
        for name in self._by_weight(categories):
            floor = self.rules[name].cat.severity
            if SEVERITIES.index(floor) > SEVERITIES.index(level):
                reasons.append(f"{name} is always at least {floor}")
                level = floor
        lifters = [n for n in categories if self.rules[n].cat.lifts]
        serious = [n for n in categories if n not in lifters
                   and SEVERITIES.index(self.rules[n].cat.severity) >= SEVERITIES.index("alert")]
        if (lifters or spreading) and serious and level != "crisis":
            raised = SEVERITIES[SEVERITIES.index(level) + 1]
            reasons.append(f"{lifters[0] if lifters else 'reach (' + spreading + ')'} spreads a serious concern "
                           f"({serious[0]}): {level} -> {raised}")
            level = raised
        return score, level, reasons

    def spread_lift(self, level: str, categories: dict[str, list[str]], model_view: dict | None,
                    model_families: set[str], spreading: str) -> tuple[str, list[str]]:
        """After the model: a text that says it is spreading (``spreading``: a ``lifts`` category of the
        amplification family, or reach figures big enough) with a concern the rules did not lift. A
        serious concern the model read (its level alert or worse) goes one step up, to crisis at most;
        a concern at watch (a family read by either) goes to alert. Returns the level and reasons."""
        concern = ({self.rules[c].cat.family for c in categories if self.rules[c].cat.family not in ("", "none")}
                   | set(model_families)) - {AMPLIFICATION, "political"}
        if not spreading or not concern or level == "crisis":
            return level, []
        model_level = (model_view or {}).get("model_level") or "info"
        # (A serious keyword concern that is spreading was lifted by ``grade`` already: to crisis.)
        if level == "alert" and SEVERITIES.index(model_level) >= SEVERITIES.index("alert"):
            return "crisis", [f"spreading ({spreading}) with a serious concern the model read "
                              f"({', '.join(sorted(concern))}): alert -> crisis"]
        if level == "watch":
            return "alert", [f"spreading ({spreading}) with a concern ({', '.join(sorted(concern))}): watch -> alert"]
        return level, []
