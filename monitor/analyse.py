"""Decide whether a text mentions us, how it feels about us, and how serious it is.

Every decision adds a reason a director can read. The steps:

1. **Is it us?** ``matching.Matcher`` finds our terms sentence by sentence,
   title and body kept apart. A look-alike handle ("@newbabynetwork_uk") makes
   a text about us only when the impersonation family fires too.
2. **Which sentences are about us?** Those that name us, plus a following
   sentence that carries on ("They ...", "The volunteer ..."). In a short text
   (up to four sentences) everything is about us.
3. **Which concerns?** Each ``escalation`` category's keywords are looked for
   in the sentences about us (or anywhere, for ``anywhere`` categories such as
   safeguarding). A keyword is set aside when a negation comes earlier in its
   clause ("is not a scam", "nobody ... has been accused of fraud"), when it
   sits inside a ``not`` phrase ("press the button"), or when a ``not_near``
   word shares its sentence ("a talk on fraud"). A category whose ``unless``
   phrase appears anywhere ("I'm well now") is set aside, leaving the text at
   watch so a director still sees it in the digest.
4. **How does it feel about us?** VADER's compound score for the whole text
   and for each sentence about us, after removing ``neutral_phrases`` (slang
   such as "I'd kill for"). The worst sentence about us is the *targeted*
   sentiment. A ``sarcasm`` category (eye-roll emoji, "thanks for nothing")
   turns praise into criticism.
5. **How serious?**

       score = sum of the weights of the categories that fired
             + sentiment_weight x (-targeted), when targeted <= thresholds.negative
             + reach points (engagement, audience, listed outlets), only when the
               score is already above zero: reach raises the stakes, never creates them

   crisis if score >= thresholds.crisis, alert if >= alert, watch if >= watch,
   else info; then raised to each fired category's ``severity`` floor
   (safeguarding: crisis); then one step up by a ``lifts`` category
   (amplification, press) when it comes with a serious concern (another
   category whose floor is alert or worse).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .config import SEVERITIES, Config
from .matching import KeywordSet, Matcher, phrase_regex
from .text import fold, sentences, snippet, tidy

# A sentence starting like this carries on talking about whoever came before.
_CARRY_ON = re.compile(
    r"^(they|their|them|theirs|it|its|this|that|these|those|she|he|her|his|the charity|the group|"
    r"the organisation|the staff|staff|volunteers?|the volunteers?|the volunteer|a volunteer|one volunteer|"
    r"the team|their team|who|nobody there|everyone there)\b",
    re.I,
)
_NEGATIONS = {
    "not", "no", "never", "without", "nothing", "none", "nobody", "nor", "neither", "hardly",
    "deny", "denies", "denied", "false", "falsely", "untrue", "zero", "cannot", "isnt", "wasnt",
}
# Negation reaches back over at most this many words, and never past a clause break.
NEGATION_WORDS = 8
# "never been so rude", "not only rude": emphasis, not negation.
_EMPHATIC = re.compile(r"^(?:never|not)\s+(?:\w+\s+){0,2}?(?:so|such|more|as|only|even)\b")
_CLAUSE_BREAK = re.compile(r"[,;:()\"!?]|\bbut\b|\band then\b|\bthough\b")
_QUESTION = re.compile(r"\?")
# A question put to us, rather than parents asking each other about us.
_TO_US = re.compile(r"\b(?:you|your|you're|yours)\b", re.I)
_ASKS_WHAT_WE_DO = re.compile(r"^\W*(?:does|do|can|could|will|would|is|are|when|where|what time|how)\b(?!\s+(?:anyone|anybody|any of you|people))", re.I)
# A short sentence that denies what the previous one said: "It is NOT.", "Not true.", "They aren't."
_DENIAL = re.compile(
    r"^(?:(?:it|they|that|this|she|he)(?:'s|'re| is| are| was| were)? ?(?:not|n't)(?: true| the case| at all)?|"
    r"(?:it|they|that|this)(?: is|'s)? (?:false|untrue|a lie|nonsense|rubbish)|"
    r"not true|absolutely not|definitely not|completely untrue|simply not true)[.!]*$"
)
SHORT_TEXT_SENTENCES = 4
IMPERSONATION = "impersonation"


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


def _negated(folded: str, start: int) -> str | None:
    """The negation word earlier in the keyword's clause (within NEGATION_WORDS words), if any."""
    before = folded[max(0, start - 80) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    words = list(re.finditer(r"[\w']+", before))[-NEGATION_WORDS:]
    for w in words:
        word = w.group(0)
        bare = word.replace("'", "")
        if (bare in _NEGATIONS or word.endswith("n't")) and not _EMPHATIC.match(before[w.start() :]):
            return word
    return None


@dataclass
class _Rule:
    """One escalation category, compiled."""

    cat: object
    keys: KeywordSet
    near: re.Pattern | None
    unless: re.Pattern | None


def _alternation(phrases: list[str]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{phrase_regex(p, joinable=False)})" for p in phrases)) if phrases else None


class Analyser:
    def __init__(self, config: Config):
        self.config = config
        org = config.organisation
        self.matcher = Matcher(org.terms, org.exclude)
        self.rules = {
            name: _Rule(cat, KeywordSet(cat.keywords, cat.patterns, cat.not_), _alternation(cat.not_near),
                        _alternation(cat.unless))
            for name, cat in config.escalation.items()
        }
        self._neutral = _alternation(config.thresholds.neutral_phrases)

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
        """Categories that fired (with their words), reasons for cues set aside, and where each first fired."""
        fired: dict[str, list[str]] = {}
        notes: list[str] = []
        first_at: dict[str, int] = {}
        everywhere = list(range(len(folded)))
        denied = {i for i in range(len(folded) - 1) if _DENIAL.match(folded[i + 1].strip())}
        words = [set(re.findall(r"[\w']+", text)) for text in folded]
        whole = " \n".join(folded)
        all_words = set().union(*words)
        nothing: set[str] = set()
        for name, rule in self.rules.items():
            # The keyword gate on the whole text first: when no sentence can hold a keyword, each
            # sentence gets an empty word set (its regex patterns are still searched).
            possible = rule.keys._keywords_possible(whole, all_words)
            for index in everywhere if rule.cat.anywhere else scope:
                text = folded[index]
                for hit in rule.keys.find(text, words[index] if possible else nothing):
                    word = hit.group(0)
                    neg = _negated(text, hit.start()) or (f"next sentence: {folded[index + 1].strip()}" if index in denied else None)
                    if neg:
                        notes.append(f"{name}: '{word}' set aside, negated by '{neg}'")
                        continue
                    near = rule.near.search(text) if rule.near else None
                    if near:
                        notes.append(f"{name}: '{word}' set aside, another sense ('{near.group(0)}')")
                        continue
                    first_at.setdefault(name, index)
                    if word not in fired.setdefault(name, []):
                        fired[name].append(word)
            if name in fired and not fired[name]:
                del fired[name]
            if name in fired and rule.unless is not None:
                why = rule.unless.search(whole)
                if why:
                    notes.append(f"{name}: {', '.join(repr(w) for w in fired.pop(name))} set aside because the text "
                                 f"says '{why.group(0)}'; kept at watch for the digest")
                    first_at.pop(name, None)
                    fired.setdefault("_set_aside", []).append(name)
        return fired, notes, first_at

    def feeling(self, text: str) -> float:
        """VADER compound of ``text`` with neutral idioms ("I'd kill for") taken out."""
        if self._neutral is not None:
            folded = fold(text)
            if self._neutral.search(folded):
                text = self._neutral.sub(" ", folded)
        return vader().polarity_scores(text)["compound"]

    # -- the whole analysis ---------------------------------------------------------

    def analyse(self, title: str, body: str, reach: dict | None = None, outlet: str = "") -> Analysis | None:
        """None when the text does not mention us. ``reach``/``outlet`` raise the stakes of a concern."""
        if not self.matcher.could_mention(f"{title or ''}\n{body or ''}"):
            return None  # most texts: one regex search, no splitting, no scoring
        sents = self.split(title, body)
        matches_by_sentence = {i: self.matcher.find(s) for i, (_f, s) in enumerate(sents)}
        mentioned = {i for i, ms in matches_by_sentence.items() if ms}
        lookalikes: list[str] = []
        if not mentioned:
            lookalikes = self.matcher.lookalikes(" \n".join(s for _f, s in sents))
            if not lookalikes:
                return None
            mentioned = set(range(len(sents)))  # a look-alike post is about us throughout

        about_us = self.targeted(sents, mentioned)
        scope = list(range(len(sents))) if len(sents) <= SHORT_TEXT_SENTENCES else about_us
        categories, notes, first_at = self.cues([fold(s) for _f, s in sents], scope)
        set_aside = categories.pop("_set_aside", [])
        if lookalikes and not any(self.rules[c].cat.family == IMPERSONATION for c in categories):
            return None  # "@newbabynetworkfan" on its own is someone else

        terms: list[str] = []
        for i in sorted(mentioned):
            for m in matches_by_sentence.get(i, []):
                if m.term not in terms:
                    terms.append(m.term)
        where = [f for f in ("title", "body") if any(sents[i][0] == f and matches_by_sentence.get(i) for i in mentioned)]
        if lookalikes:
            reasons = [f"look-alike of our name: {', '.join(lookalikes)}"]
        else:
            reasons = [f"mentions us: {', '.join(terms)} (in the {' and '.join(where)})"]
        reasons += notes

        snip = self._snippet(sents, mentioned, matches_by_sentence, categories, first_at)
        whole_text = ". ".join(s for _f, s in sents)
        sentiment = self.feeling(whole_text)
        per_sentence = [self.feeling(sents[i][1]) for i in about_us]
        targeted = min(per_sentence) if per_sentence else sentiment
        sarcastic = [c for c in categories if self.rules[c].cat.sarcasm]
        if sarcastic and targeted > -0.4:
            flipped = -max(abs(max(per_sentence or [targeted])), 0.4)
            reasons.append(f"{sarcastic[0]}: {', '.join(repr(w) for w in categories[sarcastic[0]])} "
                           f"turns praise into criticism (sentiment {targeted:+.2f} -> {flipped:+.2f})")
            targeted = flipped

        score, severity, more = self.grade(categories, targeted, self.reach_points(reach, outlet))
        reasons += more
        if set_aside and severity == "info":
            severity = "watch"
            reasons.append(f"{', '.join(set_aside)} set aside but sensitive -> watch")
        needs_reply = any(self.rules[c].cat.family == "complaint" for c in categories) or any(
            self._asks_us(sents[i][1], matches_by_sentence.get(i, [])) for i in mentioned
        )
        ranked = self._by_weight(categories)
        actions = list(dict.fromkeys(self.rules[c].cat.action for c in ranked))
        families = {self.rules[c].cat.family for c in categories} - {"none", ""}
        return Analysis(
            matched_terms=terms or lookalikes,
            snippet=snip,
            sentiment=round(sentiment, 4),
            targeted_sentiment=round(targeted, 4),
            categories=categories,
            score=round(score, 2),
            severity=severity,
            reasons=reasons,
            needs_reply=bool(needs_reply),
            actions=actions,
            families=sorted(families),
        )

    @staticmethod
    def _asks_us(sentence: str, matches) -> bool:
        """A question to us: it uses our handle, says "you", or asks what we do ("Does New Baby Network ...?")."""
        if not _QUESTION.search(sentence):
            return False
        return (any(m.text.startswith("@") for m in matches) or bool(_TO_US.search(sentence))
                or bool(_ASKS_WHAT_WE_DO.match(sentence)))

    def _snippet(self, sents, mentioned, matches_by_sentence, categories, first_at) -> str:
        """Where the body names us (the title is shown anyway) and the sentence that raised the top concern."""
        body_mentions = [i for i in sorted(mentioned) if sents[i][0] == "body" and matches_by_sentence.get(i)]
        if body_mentions:
            at = body_mentions[0]
            m = matches_by_sentence[at][0]
            snip = snippet(sents[at][1], m.start, m.end)
        else:
            at = next((i for i, (f, _s) in enumerate(sents) if f == "body"), min(mentioned))
            snip = sents[at][1] if len(sents[at][1]) <= 200 else sents[at][1][:199] + "…"
        ranked = self._by_weight(categories)
        if ranked:
            cue_sentence = first_at[ranked[0]]
            if cue_sentence != at and sents[cue_sentence][0] == "body":
                snip = f"{snip} … {sents[cue_sentence][1]}"
        return snip if len(snip) <= 320 else snip[:319] + "…"

    def _by_weight(self, categories: dict[str, list[str]]) -> list[str]:
        def rank(name: str):
            cat = self.rules[name].cat
            return (-SEVERITIES.index(cat.severity), -cat.weight, name)

        return sorted(categories, key=rank)

    def reach_points(self, reach: dict | None, outlet: str) -> tuple[float, str]:
        """Points for how far it travelled: engagement and audience per tenfold, or a listed outlet."""
        import math

        r = self.config.reach
        points, why = 0.0, []
        figures = reach or {}
        audience = sum(v for k, v in figures.items() if k in ("followers", "subscribers"))
        engagement = sum(v for k, v in figures.items() if k not in ("followers", "subscribers"))
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
        return points, ", ".join(why)

    def grade(self, categories: dict[str, list[str]], targeted: float,
              reach: tuple[float, str] = (0.0, "")) -> tuple[float, str, list[str]]:
        """Score, level and the reasons for both (the formula in this module's docstring)."""
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
        if reach[0] and score > 0:  # reach raises the stakes of a concern; it never creates one
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
        if lifters and serious and level != "crisis":
            raised = SEVERITIES[SEVERITIES.index(level) + 1]
            reasons.append(f"{lifters[0]} spreads a serious concern ({serious[0]}): {level} -> {raised}")
            level = raised
        return score, level, reasons
