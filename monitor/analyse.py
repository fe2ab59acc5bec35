"""Decide whether a text mentions us, how it feels about us, and how serious it is.

The severity formula (documented in README.md and feeds.yaml):

    score = sum of the weights of the escalation categories that fired
          + sentiment_weight x (-targeted sentiment), when the targeted sentiment
            is at or below ``thresholds.negative``

    level = crisis if score >= thresholds.crisis, alert if >= thresholds.alert,
            watch if >= thresholds.watch, else info;
            then raised to each fired category's ``severity`` floor
            (safeguarding: crisis), then raised one step by a ``lifts`` category
            (amplification) when anything else is wrong.

"Targeted" sentiment is VADER's compound score of the sentences that mention us
and of a sentence that follows one and carries on about us ("They ..."): the
worst of them counts, so one damning sentence in a friendly article is not
averaged away. Every step appends a reason a director can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .config import SEVERITIES, Config
from .matching import KeywordSet, Matcher
from .text import fold, sentences, snippet, tidy

# A sentence starting like this carries on talking about whoever came before.
_CARRY_ON = re.compile(
    r"^(they|their|them|theirs|it|its|this|that|these|those|she|he|her|his|the charity|the group|"
    r"the organisation|the staff|staff|volunteers?|the volunteers?|the team|their team|who)\b",
    re.I,
)
_NEGATIONS = {
    "not", "no", "never", "without", "nothing", "none", "nobody", "nor", "neither", "hardly",
    "deny", "denies", "denied", "false", "falsely", "untrue", "zero", "cannot",
}
_QUESTION = re.compile(r"\?")
# Short texts (posts) are about us throughout; in longer ones only the sentences about us count.
SHORT_TEXT_SENTENCES = 4


@dataclass
class Analysis:
    matched_terms: list[str]
    snippet: str
    sentiment: float
    targeted_sentiment: float
    categories: dict[str, list[str]]
    score: float
    severity: str
    reasons: list[str]
    needs_reply: bool
    actions: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)


_vader = None


def vader():
    """VADER's analyser, loaded on first use (reading its lexicon costs ~0.1 s)."""
    global _vader
    if _vader is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _vader = SentimentIntensityAnalyzer()
    return _vader


def level_at_least(a: str, b: str) -> str:
    return a if SEVERITIES.index(a) >= SEVERITIES.index(b) else b


def _negated(folded: str, start: int) -> str | None:
    """The negation word among the three words before ``start``, if any."""
    before = re.findall(r"[\w']+", folded[max(0, start - 40) : start])[-3:]
    for word in before:
        if word in _NEGATIONS or word.endswith("n't"):
            return word
    return None


class Analyser:
    def __init__(self, config: Config):
        self.config = config
        org = config.organisation
        self.matcher = Matcher(org.terms, org.exclude)
        self.categories = {
            name: (cat, KeywordSet(cat.keywords, cat.patterns, cat.not_)) for name, cat in config.escalation.items()
        }

    # -- the steps, each small enough to test on its own ---------------------------

    def split(self, title: str, body: str) -> list[tuple[str, str]]:
        """``[(field, sentence)]`` with title and body kept apart: a phrase never spans them."""
        out = [("title", s) for s in sentences(tidy(title or ""))]
        out += [("body", s) for s in sentences(tidy(body or ""))]
        return out

    def targeted(self, sents: list[tuple[str, str]], mentioned: set[int]) -> list[int]:
        keep = set(mentioned)
        for i in mentioned:
            j = i + 1
            while j < len(sents) and sents[j][0] == sents[i][0] and _CARRY_ON.match(sents[j][1]):
                keep.add(j)
                j += 1
        return sorted(keep)

    def cues(self, folded: list[str], scope: list[int]) -> tuple[dict[str, list[str]], list[str], dict[str, int]]:
        """Categories that fired (with their words), reasons for negated cues, and the sentence each first fired in.

        A category looks only at the sentences in ``scope`` (those about us), unless it is marked
        ``anywhere`` (safeguarding: a person at risk matters wherever they say it).
        """
        fired: dict[str, list[str]] = {}
        notes: list[str] = []
        first_at: dict[str, int] = {}
        everywhere = list(range(len(folded)))
        for name, (cat, keys) in self.categories.items():
            for index in everywhere if cat.anywhere else scope:
                text = folded[index]
                for hit in keys.find(text):
                    neg = _negated(text, hit.start())
                    word = hit.group(0)
                    if neg:
                        notes.append(f"{name}: '{word}' ignored, negated by '{neg}'")
                        continue
                    first_at.setdefault(name, index)
                    if word not in fired.setdefault(name, []):
                        fired[name].append(word)
            if name in fired and not fired[name]:
                del fired[name]
        return fired, notes, first_at

    # -- the whole analysis ---------------------------------------------------------

    def analyse(self, title: str, body: str) -> Analysis | None:
        """None when the text does not mention us."""
        sents = self.split(title, body)
        matches_by_sentence = {i: self.matcher.find(s) for i, (_f, s) in enumerate(sents)}
        mentioned = {i for i, ms in matches_by_sentence.items() if ms}
        if not mentioned:
            return None
        terms: list[str] = []
        for i in sorted(mentioned):
            for m in matches_by_sentence[i]:
                if m.term not in terms:
                    terms.append(m.term)
        first = min(mentioned)
        first_match = matches_by_sentence[first][0]

        about_us = self.targeted(sents, mentioned)
        scope = list(range(len(sents))) if len(sents) <= SHORT_TEXT_SENTENCES else about_us
        categories, notes, first_at = self.cues([fold(s) for _f, s in sents], scope)

        # The snippet shows where the body names us (the title is shown anyway) and, if elsewhere,
        # the sentence that raised the most serious concern.
        body_mentions = [i for i in sorted(mentioned) if sents[i][0] == "body"]
        if body_mentions:
            at = body_mentions[0]
            m = matches_by_sentence[at][0]
            snip = snippet(sents[at][1], m.start, m.end)
        else:
            at = next((i for i, (f, _s) in enumerate(sents) if f == "body"), first)
            m = first_match if at == first else None
            snip = snippet(sents[at][1], m.start, m.end) if m else sents[at][1]
        ranked = self._by_weight(categories)
        if ranked:
            cue_sentence = first_at[ranked[0]]
            if cue_sentence != at and sents[cue_sentence][0] == "body":
                snip = f"{snip} … {sents[cue_sentence][1]}"
        snip = snip if len(snip) <= 320 else snip[:319] + "…"

        analyser = vader()
        whole_text = ". ".join(s for _f, s in sents)
        sentiment = analyser.polarity_scores(whole_text)["compound"]
        per_sentence = [analyser.polarity_scores(sents[i][1])["compound"] for i in about_us]
        targeted = min(per_sentence) if per_sentence else sentiment

        where = sorted({sents[i][0] for i in mentioned})
        reasons = [f"mentions us: {', '.join(terms)} (in the {' and '.join(where)})"]
        reasons += notes
        score, severity, more = self.grade(categories, targeted)
        reasons += more
        needs_reply = "complaint" in categories or any(_QUESTION.search(sents[i][1]) for i in mentioned)
        actions = [self.categories[c][0].action for c in self._by_weight(categories)]
        return Analysis(
            matched_terms=terms,
            snippet=snip,
            sentiment=round(sentiment, 4),
            targeted_sentiment=round(targeted, 4),
            categories=categories,
            score=round(score, 2),
            severity=severity,
            reasons=reasons,
            needs_reply=bool(needs_reply),
            actions=actions,
            families=sorted({self.categories[c][0].family for c in categories}),
        )

    def _by_weight(self, categories: dict[str, list[str]]) -> list[str]:
        def rank(name: str):
            cat = self.categories[name][0]
            return (-SEVERITIES.index(cat.severity), -cat.weight, name)

        return sorted(categories, key=rank)

    def grade(self, categories: dict[str, list[str]], targeted: float) -> tuple[float, str, list[str]]:
        """Score, level and the reasons for both (the formula in this module's docstring)."""
        t = self.config.thresholds
        reasons: list[str] = []
        score = 0.0
        for name in self._by_weight(categories):
            cat = self.categories[name][0]
            words = ", ".join(f"'{w}'" for w in categories[name])
            score += cat.weight
            reasons.append(f"{name}: {words} (+{cat.weight:g})")
        negative = targeted <= t.negative
        if negative:
            points = t.sentiment_weight * -targeted
            score += points
            reasons.append(f"negative about us: sentiment {targeted:+.2f} (+{points:.1f})")
        level = "info"
        for name in ("watch", "alert", "crisis"):
            if score >= getattr(t, name):
                level = name
        reasons.append(f"score {score:.1f} -> {level} (watch {t.watch:g}, alert {t.alert:g}, crisis {t.crisis:g})")
        for name in categories:
            floor = self.categories[name][0].severity
            if SEVERITIES.index(floor) > SEVERITIES.index(level):
                reasons.append(f"{name} is always at least {floor}")
                level = floor
        lifters = [n for n in categories if self.categories[n][0].lifts]
        others = [n for n in categories if n not in lifters]
        if lifters and (others or negative) and level != "crisis":
            raised = SEVERITIES[min(SEVERITIES.index(level) + 1, len(SEVERITIES) - 1)]
            reasons.append(f"{lifters[0]} spreads it: {level} -> {raised}")
            level = raised
        return score, level, reasons
