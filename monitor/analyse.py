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
4. **How does it feel about us?** VADER's compound score for each sentence
   (run once per sentence; the whole text's score is made from them, see
   ``analyse_sentiment``), after removing ``neutral_phrases`` (slang
   such as "I'd kill for"). The worst sentence about us is the *targeted*
   sentiment. A ``sarcasm`` category (eye-roll emoji, "thanks for nothing")
   turns praise into criticism.
5. **How serious?**

       score = sum of the weights of the categories that fired
             + sentiment_weight x (-targeted), when targeted <= thresholds.negative
             + reach points (engagement, audience, listed outlets; the source's figures
               or those the text states, "46.2K likes"), only when the score is already
               above zero without the amplification keywords: reach raises the stakes,
               never creates them

   crisis if score >= thresholds.crisis, alert if >= alert, watch if >= watch,
   else info; then raised to each fired category's ``severity`` floor
   (safeguarding: crisis); then one step up by a ``lifts`` category
   (amplification, press), or by big reach (``analyse_grade.is_spreading``), when it comes with
   a serious concern (another category whose floor is alert or worse).
6. **The learned model** (when loaded) grades the text too; the higher level wins, within the
   rules' guards; a guard never takes a crisis below alert (``analyse_judge.floor_of``). A text
   that says it is spreading lifts a concern only the model read (``Grading.spread_lift``).
   Then the families a director is shown are chosen (``Judging.not_named``); the level never
   depends on that choice, and the policy actions follow the families shown.

Where each part lives: this module (the steps and ``analyse``), ``analyse_sentiment`` (VADER,
once per sentence), ``analyse_grade`` (step 5), ``analyse_judge`` (step 6, with
``monitor/model.py``), ``analyse_worker`` (a cold run's analysis on the spare core).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .analyse_grade import AMPLIFICATION, Grading, is_spreading, merged_reach, reach_in_text
from .analyse_judge import Judging, _short, floor_of, kept_reason, not_held_back
from .analyse_sentiment import Feeling
from .config import Config
from .levels import SEVERITIES
from .keywords import AnyKeyword, KeywordSet, needle
from .matching import Matcher, phrase_regex, short_form_hint, spelt_unsure
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
# Where a sentence breaks into clauses, to find the clause that names us.
_CLAUSE_SPLIT = re.compile(r"[:;]|\s[-–]\s|\"")
SHORT_TEXT_SENTENCES = 4
IMPERSONATION = "impersonation"
TO_US_REASON = "sent to us (our inbox, or a reply under our own post): about us"  # Item.to_us


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
    # How the grade was made: final ``families``, the ``driving_sentence``, the ``nearest_example``
    # (when the model drove the grade) and ``model``: the model's own view (None without the model).
    judgement: dict | None = None


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


# "auto": the committed model, loaded on the first text that mentions us. The test suite sets
# None for tests that pin the rules (tests/conftest.py), so retraining never moves them.
DEFAULT_MODEL = "auto"


class Analyser(Judging, Grading):
    """``model``: ``"auto"`` loads the committed model on the first text that mentions us
    (so a run with nothing new never imports numpy); None grades by the rules alone;
    or any object with ``predict(title, body) -> model.Prediction``."""

    def __init__(self, config: Config, learned=None, model="default"):
        """``learned``: the namesakes learned from "not about us" corrections (a list, or a callable
        that loads them from the database; it is called once, when a text first names us)."""
        self.config = config
        self._model = DEFAULT_MODEL if model == "default" else model
        org = config.organisation
        self.matcher = Matcher(org.terms, org.exclude, org.short_names)
        self._learned, self._identity, self.last_identity = learned, None, None  # identity (issue 15)
        self.last_dropped = None  # the level of the last text the is-it-us check dropped as "maybe not us"
        self._short_hint = None  # round 20: what a text without our name needs to be read (``names_product``)
        self.rules = {
            name: _Rule(cat, KeywordSet(cat.keywords, cat.patterns, cat.not_), _alternation(cat.not_near),
                        _alternation(cat.unless))
            for name, cat in config.escalation.items()
        }
        # One check per sentence for every category's keywords, patterns and ``not`` phrases.
        self._any_keyword = AnyKeyword([r.keys for r in self.rules.values()])
        self._neutral = _alternation(config.thresholds.neutral_phrases)
        self.feelings = Feeling(self._neutral, [needle(p) for p in config.thresholds.neutral_phrases])

    @property
    def identity(self):
        """The is-it-us judge (monitor/identity/), made when a text first names us."""
        if self._identity is None:
            from .identity import Judge

            self._identity = Judge(self.config, self._learned)
        return self._identity

    # -- the steps, each small enough to test on its own ---------------------------

    def split(self, title: str, body: str) -> list[tuple[str, str]]:
        """``[(field, sentence)]`` with title and body kept apart: a phrase never spans them."""
        out = [("title", s) for s in sentences(tidy(title or ""))]
        out += [("body", s) for s in sentences(tidy(body or ""))]
        return out

    def names_product(self, text: str, local: bool = False) -> str | None:
        """A product of ours with a name of its own named in ``text`` (round 16: a text may name it, not us). Without
        products listed (and no judge yet, which a labelled file's may be set on) the check is not even imported."""
        if local:  # from a source of our own area: our work named plainly counts too (``identity.local_work``)
            from .identity.local_work import local_work
            return self.names_product(text) or local_work(text)
        profile = self.config.organisation.profile
        if self._identity is None and not profile.products:
            if self._short_hint is None:
                self._short_hint = short_form_hint(profile.places)
            if not self._short_hint(text):  # round 20: "the baby network", "the Middleham one"
                return None
        reader = getattr(self.identity, "names_product", None)  # a stand-in check (benches, tests) may have none
        return reader(text) if reader else None

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
        return self.cues_and_guards(folded, scope)[:3]

    def cues_and_guards(self, folded: list[str], scope: list[int]):
        """``cues`` plus ``{category: why a guard set it aside}`` (negation, ``not``, ``not_near``, ``unless``)."""
        fired: dict[str, list[str]] = {}
        notes: list[str] = []
        first_at: dict[str, int] = {}
        everywhere = list(range(len(folded)))
        denied = {i for i in range(len(folded) - 1) if _DENIAL.match(folded[i + 1].strip())}
        words = [set(re.findall(r"[\w']+", text)) for text in folded]
        whole = " \n".join(folded)
        guarded: dict[str, str] = {}  # category -> why a guard set it aside (read by the model step)
        # Per sentence, the categories that could find anything in it (one check for all of them):
        # the others do not look at it. (``find`` checks the sentence's words for keywords itself.)
        # ``patterns[i]``: whether any category's regex pattern can match sentence i at all.
        checks = [self._any_keyword.possible_and_patterns(folded[i], words[i]) for i in everywhere]
        live, patterns = [c[0] for c in checks], [c[1] for c in checks]
        for k, (name, rule) in enumerate(self.rules.items()):
            guards = guarded if rule.cat.guards else {}  # guards: false, a floor only: its set-asides guard nothing
            for index in everywhere if rule.cat.anywhere else scope:
                if k not in live[index]:
                    continue
                text = folded[index]
                other = rule.keys.other_sense(text) if rule.cat.guards else None
                if other:
                    guards.setdefault(name, f"'{other}' means something else")
                for hit in rule.keys.find(text, words[index], patterns[index]):
                    word = hit.group(0)
                    neg = _negated(text, hit.start()) or (f"next sentence: {folded[index + 1].strip()}" if index in denied else None)
                    if neg:
                        notes.append(f"{name}: '{word}' set aside, negated by '{neg}'")
                        guards.setdefault(name, f"'{word}' negated by '{neg}'")
                        continue
                    near = rule.near.search(text) if rule.near else None
                    if near:
                        notes.append(f"{name}: '{word}' set aside, another sense ('{near.group(0)}')")
                        guards.setdefault(name, f"'{word}' in another sense ('{near.group(0)}')")
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
                                 f"says '{why.group(0)}'; still sensitive")
                    first_at.pop(name, None)
                    fired.setdefault("_set_aside", []).append(name)
                    guards[name] = f"the text says '{why.group(0)}'"
        return fired, notes, first_at, guarded

    def feeling(self, text: str) -> float:
        """VADER compound of ``text`` with neutral idioms ("I'd kill for") taken out."""
        return self.feelings.of(text)

    def text_feeling(self, title: str, body: str) -> float:
        """The whole text's score as ``analyse`` stores it: made from its sentences' (see analyse_sentiment)."""
        return self.feelings.sentences([s for _f, s in self.split(title, body)])[1]

    def about_us_feeling(self, sentence: str, matches, feeling: float | None = None) -> float:
        """A sentence's feeling about us: the worse of the whole sentence and, where it names us,
        the clause that names us and the clause after it ("One mum told us: New Baby Network
        was a disgrace: staff laughed at me" is about us in its second clause, not its first)."""
        if feeling is None:
            feeling = self.feeling(sentence)
        if not matches:
            return feeling
        folded = fold(sentence)
        bounds = [0] + [m.end() for m in _CLAUSE_SPLIT.finditer(folded)] + [len(folded) + 1]
        clauses = [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1)]
        if len(clauses) < 2:
            return feeling
        for k, (lo, hi) in enumerate(clauses):
            if any(lo <= m.start < hi for m in matches):
                for lo2, hi2 in clauses[k:k + 2]:
                    part = sentence[lo2:hi2].strip(" \"'")
                    if part:
                        feeling = min(feeling, self.feeling(part))
        return feeling

    # -- the whole analysis ---------------------------------------------------------

    def analyse(self, title: str, body: str, reach: dict | None = None, outlet: str = "",
                to_us: bool = False, local: bool = False) -> Analysis | None:
        """None when the text does not mention us. ``reach``/``outlet`` raise the stakes of a concern.
        ``to_us``: it was sent to us (our own mailbox): about us throughout, named or not, no is-it-us check.
        ``local``: from a source of our own area (``local: true``): our work named without our name is read too."""
        self.last_identity = self.last_dropped = None  # identity (issue 15): the is-it-us decision, if one was made
        if not to_us and not self.matcher.could_mention(f"{title or ''}\n{body or ''}") \
                and not self.names_product(f"{title or ''}\n{body or ''}", local):
            return None  # most texts: one regex search, no splitting, no scoring
        sents = self.split(title, body)
        matches_by_sentence = {i: self.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
        mentioned = {i for i, ms in matches_by_sentence.items() if ms}
        lookalikes: list[str] = []
        product = None  # round 16: a product of ours named without our name ("Pram Exchange, Oban")
        if to_us:  # written to us: every sentence is about us
            if not sents:
                return None
            mentioned = set(range(len(sents)))
        elif not mentioned:
            lookalikes = self.matcher.lookalikes(" \n".join(s for _f, s in sents))
            product = None if lookalikes else self.names_product(" \n".join(s for _f, s in sents), local)
            if not lookalikes and not product:
                return None
            mentioned = set(range(len(sents)))  # a look-alike post is about us throughout

        # -- identity (issue 15, monitor/identity/): a name match is only a candidate --
        decision = None if lookalikes or to_us else self.identity.product_only(product, sents) if product else \
            spelt_unsure(self.identity.decide(sents, mentioned, matches_by_sentence), mentioned, matches_by_sentence)
        self.last_identity = decision
        if decision is not None and decision.strong:
            return None  # a weaker "not us" is dropped below, unless the text is graded crisis
        # -- end identity --

        about_us = self.targeted(sents, mentioned)
        scope = list(range(len(sents))) if len(sents) <= SHORT_TEXT_SENTENCES else about_us
        categories, notes, first_at, guarded = self.cues_and_guards([fold(s) for _f, s in sents], scope)
        set_aside = categories.pop("_set_aside", [])
        if lookalikes and not any(self.rules[c].cat.family == IMPERSONATION for c in categories):
            from .identity.place_evidence import lookalike_decision  # round 21: "is @newbabynetwork_uk legit?"

            decision = self.last_identity = lookalike_decision(self.identity, lookalikes, sents, self.matcher)
            if decision is None:
                return None  # "@newbabynetworkfan" on its own is someone else

        terms: list[str] = []
        for i in sorted(mentioned):
            for m in matches_by_sentence.get(i, []):
                if m.term not in terms:
                    terms.append(m.term)
        where = [f for f in ("title", "body") if any(sents[i][0] == f and matches_by_sentence.get(i) for i in mentioned)]
        if lookalikes:
            reasons = [self.matcher.lookalike_reason(lookalikes)]
        elif product:
            reasons = [product.reason() if hasattr(product, "reason")  # round 20: a short form of us
                       else f"mentions our product: {product} (not our name)"]
        elif to_us:
            reasons = [TO_US_REASON + (f" (names us: {', '.join(terms)})" if terms else "")]
        else:
            reasons = [f"mentions us: {', '.join(terms)} (in the {' and '.join(where)})"]
            found = [m for i in sorted(mentioned) for m in matches_by_sentence.get(i, [])]
            weak = [m for m in found if m.flags] or [m for m in found if m.shown]  # what the matcher was unsure of
            if weak:  # (issue 15: identity decided it is us), or our name read inside a hashtag, as written
                reasons[0] += f", written '{weak[0].shown or weak[0].text}'" + (
                    f" ({', '.join(weak[0].flags)})" if weak[0].flags else "")
        reasons += notes

        scores, sentiment = self.feelings.sentences([s for _f, s in sents])  # VADER once per sentence
        per_sentence = [self.about_us_feeling(sents[i][1], matches_by_sentence.get(i, []), scores[i]) for i in about_us]
        targeted = min(per_sentence) if per_sentence else sentiment
        sarcastic = [c for c in categories if self.rules[c].cat.sarcasm]
        if sarcastic and targeted > -0.4:
            flipped = -max(abs(max(per_sentence or [targeted])), 0.4)
            reasons.append(f"{sarcastic[0]}: {', '.join(repr(w) for w in categories[sarcastic[0]])} "
                           f"turns praise into criticism (sentiment {targeted:+.2f} -> {flipped:+.2f})")
            targeted = flipped

        # Reach: the source's figures and those the text states ("46.2K likes"); big ones say it is spreading.
        stated, said = reach_in_text(f"{title or ''}\n{body or ''}")
        figures = merged_reach(reach, stated)
        by_reach = (", ".join(said[:2]) or "its reach") if is_spreading(figures) else ""
        reach_points = self.reach_points(figures, outlet, said)
        score, severity, more = self.grade(categories, targeted, reach_points, by_reach)
        reasons += more
        if set_aside:  # set aside by an ``unless`` phrase: sensitive all the same (floor_of: a crisis at alert)
            floor = max((floor_of(self.rules[c].cat.severity) for c in set_aside), key=SEVERITIES.index)
            if SEVERITIES.index(floor) > SEVERITIES.index(severity):
                reasons.append(f"{', '.join(set_aside)} set aside but sensitive: {severity} -> {floor}"
                               + (" (a guard never takes a crisis below alert)" if floor == "alert" else ""))
                severity = floor
        families = {self.rules[c].cat.family for c in categories} - {"none", ""}
        ranked = self._by_weight(categories)
        driver = first_at[ranked[0]] if ranked else None  # the sentence that raised the rules' top concern

        judgement = None
        model = self.model
        if model is not None:
            judgement, severity, model_families, model_driver, more = self.judge(
                model, title, body, severity, families, guarded, categories)
            reasons += more
            if model_driver is not None:
                driver = model_driver
            families |= set(model_families)
            if not set_aside:  # a keyword level the model disowns, made again without it (never below watch)
                severity, more = self.disowned_keywords(severity, categories, judgement, targeted, reach_points, by_reach)
                reasons += more
        # Spreading (a ``lifts`` amplification keyword, or big reach) lifts a concern the rules did not.
        spread = by_reach or ", ".join(repr(w) for c in categories if self.rules[c].cat.lifts
                                       and self.rules[c].cat.family == AMPLIFICATION for w in categories[c][:1])
        severity, more = self.spread_lift(severity, categories, judgement if model is not None else None,
                                          families - {AMPLIFICATION}, spread)
        reasons += more
        if by_reach and families - {AMPLIFICATION, "political"}:
            families.add(AMPLIFICATION)  # a concern that is spreading: the policy's "escalates quickly"
        # The families a director is shown; the level, the identity check and needs_reply read all of them.
        named = (families - set((judgement or {}).get("not_named") or ())) or ({(judgement or {}).get("near_family")} - {None} if severity in ("alert", "crisis") else set())
        snip = self._snippet(sents, mentioned, matches_by_sentence, driver)
        judgement = {
            "families": sorted(named),
            "driving_sentence": sents[driver][1] if driver is not None else None,
            "nearest_example": (judgement or {}).get("nearest_example") if judgement and judgement.get("drove") else None,
            "model": judgement,
        }
        if spread and AMPLIFICATION in named:
            judgement["spreading"] = spread  # what says it is spreading ("46.2K likes", "'stitching this'")

        needs_reply = "complaint" in families or any(
            self._asks_us(sents[i][1], matches_by_sentence.get(i, [])) or (to_us and "?" in sents[i][1])
            for i in mentioned
        )
        rescued = decision is not None and decision.verdict == "not_us"
        if rescued:  # identity (issue 15): weak "not us"
            if severity != "crisis":
                self.last_dropped = severity  # what it was graded before the is-it-us check dropped it
                return None
            decision = self.last_identity = decision.rescued(severity)  # a person may be at risk: kept
        if decision is not None:  # identity (issue 15): unsure means us, but never by SMS
            reasons.insert(1, decision.reason)
            impersonated = IMPERSONATION in families  # our name, misused
            # An alert for a text in another language (``alert_other``) is for someone who reads it: the
            # is-it-us check reads those no better than the model, so its "not sure" does not hold it back.
            unread = severity == "alert" and bool((judgement.get("model") or {}).get("other_language_alert"))
            kept = None  # why an unsure alert or crisis is not held back (``analyse_judge.not_held_back``)
            if not rescued and decision.verdict == "unsure" and SEVERITIES.index(severity) > SEVERITIES.index("watch"):
                kept = not_held_back(severity, judgement, impersonated, unread, categories)
            if kept:
                reasons[1] = kept_reason(decision.reason, kept)
            elif (decision.verdict == "unsure" and not impersonated and not unread
                    and SEVERITIES.index(severity) > SEVERITIES.index("watch")):
                # A namesake's complaint waits for the digest; a person who may be at risk is never
                # held below alert (a crisis graded below alert is the worst error): an email, no SMS.
                capped = floor_of(severity)
                reasons[1] = decision.capped_reason(capped)  # a crisis says alert, not the check's "watch"
                reasons.append(f"not sure it is us: {severity} -> {capped}")
                severity = capped
        # The policy's actions for the families a director is shown, and only those (a keyword family
        # not named gives no action): the keywords' first, strongest first, then a family only the model saw.
        actions = list(dict.fromkeys(self.rules[c].cat.action for c in ranked if self.rules[c].cat.family in named))
        for fam in sorted(named):
            cat = next((r.cat for r in self.rules.values() if r.cat.family == fam and r.cat.action), None)
            if cat is not None and cat.action not in actions:
                actions.append(cat.action)
        if severity == "crisis" and not actions and "risk_signs" in self.rules:  # no family named: protect first
            actions.append(self.rules["risk_signs"].cat.action)  # (round 22; notify/render.py says the same)
        return Analysis(
            matched_terms=terms or lookalikes or ([product] if product else []),
            snippet=snip,
            sentiment=round(sentiment, 4),
            targeted_sentiment=round(targeted, 4),
            categories=categories,
            score=round(score, 2),
            severity=severity,
            reasons=reasons,
            needs_reply=bool(needs_reply),
            actions=actions,
            families=sorted(named),
            judgement=judgement,
        )

    @staticmethod
    def _asks_us(sentence: str, matches) -> bool:
        """A question to us: it uses our handle, says "you", or asks what we do ("Does New Baby Network ...?")."""
        if not _QUESTION.search(sentence):
            return False
        return (any(m.text.startswith("@") for m in matches) or bool(_TO_US.search(sentence))
                or bool(_ASKS_WHAT_WE_DO.match(sentence)))

    def _snippet(self, sents, mentioned, matches_by_sentence, driver: int | None) -> str:
        """The sentence that drove the grade first (the one a crisis SMS must quote), then where the
        body names us (the title is shown anyway)."""
        body_mentions = [i for i in sorted(mentioned) if sents[i][0] == "body" and matches_by_sentence.get(i)]
        if body_mentions:
            at = body_mentions[0]
            m = matches_by_sentence[at][0]
            snip = snippet(sents[at][1], m.start, m.end)
        else:
            at = next((i for i, (f, _s) in enumerate(sents) if f == "body"), min(mentioned))
            snip = sents[at][1] if len(sents[at][1]) <= 200 else sents[at][1][:199] + "…"
        if driver is not None and driver != at and driver < len(sents) and sents[driver][0] == "body":
            snip = f"{_short(sents[driver][1], 200)} … {snip}"
        return snip if len(snip) <= 320 else snip[:319] + "…"
