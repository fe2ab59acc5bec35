"""The learned judgement, combined with the rules' grade (a part of :class:`monitor.analyse.Analyser`).

The model (``monitor/model.py``) is loaded on the first text that mentions us; ``judge`` lets the
higher level win, except that a rules' guard vetoes a family the model is not confident of.
"""

from __future__ import annotations

from .levels import SEVERITIES

# Which families are *named* (after the level is decided; naming never moves the level). Chosen on
# the whole system's cross-validation (``python -m monitor.cv_system``; README "Measuring it"):
# a keyword family is not named when the model reads that family at less than AGAINST of its own
# threshold ("the model finds no complaint here"), unless the keyword's category is always a crisis
# (an explicit safeguarding phrase); a second family the model alone proposes is named only when its
# chance is at least SECOND_FAMILY of the strongest family's.
AGAINST = 0.5
SECOND_FAMILY = 0.65
# The model's crisis needs its own "alert or worse" reading to back it: a crisis chance over the crisis
# threshold while the "alert or worse" chance (``model.ALERT_MIX``) is under this share of the alert
# threshold is an incoherent reading (most often a short friendly text: a thank-you, a routine question),
# graded alert: an email, not an SMS, never lower. Chosen on the whole system's cross-validation
# (``python -m monitor.cv_system``; README "Measuring it"); 1.0 since round 10's ALERT_MIX.
CRISIS_NEEDS_ALERT = 1.0
# A level resting on keywords whose family the model reads at less than this share of the family's own
# threshold (stricter than AGAINST, which only stops the family being named) is made again without them
# (:meth:`Judging.disowned_keywords`): "lost my keys" is no complaint. Chosen on the whole system's
# cross-validation (README "Measuring it", round 12).
KEYWORD_LEVEL_AGAINST = 0.25
# A crisis the is-it-us check is not sure is ours ("unsure": a product, a place or a short form, not our name) is
# held at alert, an email (``analyse.Analyser``), unless the model itself reads a crisis at this chance or more: then
# it stays a crisis, an SMS (round 22). Held out by writer, the crises graded only alert in the writers who write us
# the hard way were nearly all such texts, read by the model as a crisis at 0.9 or more ("Cuddlers girls has anyone
# heard from Jade since last night? she put 'I'm done, sorry for everything' on her story"); the texts below crisis
# the check was unsure of reached it far less often (docs/history/judgement.md, round 22).
UNSURE_CRISIS = 0.9
# The floors whose words say a person may be at risk (``feeds.yaml``: risk said indirectly, or told calmly): an alert
# resting on them is not held at watch by the is-it-us check's "not sure it is us" (round 24; an email, never an SMS on
# this alone). Held out by writer, that cap held 3 such alerts at watch in 115 files: 2 crises ("the baby network
# ladies", "the baby network folk", not our name) and 1 namesake (docs/history/judgement.md, round 24).
AT_RISK_FLOORS = ("risk_signs", "risk_told_calmly")
# A text graded alert or worse that names no family at all names the model's strongest family when its chance is at
# least this share of that family's own threshold (``judgement["near_family"]``; naming never moves the level). Held
# out by writer (round 26, ``monitor.cv_system``'s cached folds), family recall on mentions found 0.788 -> 0.806 at
# precision 0.871 -> 0.863 on t1-t125, and 0.826 -> 0.851 at 0.886 -> 0.883 on t126-t129, whose texts were not read;
# at 0.6 precision fell under 0.80.
NEAR_FAMILY = 0.8


class Judging:
    """``Analyser``'s model step; needs ``self._model`` and ``self.rules``."""

    @property
    def model(self):
        if isinstance(self._model, str):
            from . import model as judge_model

            self._model = judge_model.load()
        return self._model

    def judge(self, model, title: str, body: str, rules_level: str, rules_families: set[str],
              guarded: dict[str, str], categories: dict[str, list[str]] | None = None):
        """The model's grade, combined with the rules': the higher level wins, except that a
        rules' guard (negation, ``not`` phrase, near-miss word, ``unless``) vetoes a family the
        model proposes when the model is not confident (chance below ``model.CONFIDENT``).

        Then which families are named (:meth:`not_named`): ``judgement["not_named"]`` says which of
        the rules' and the model's families a director is not shown, and why; the level, and the
        families returned (the ones the level and the identity check read), are not changed by it.

        Returns ``(judgement dict, level, families, driving sentence index or None, reasons)``.
        """
        from .model import CONFIDENT, plain_chance

        pred = model.predict(title, body)
        reasons: list[str] = []
        level = pred.level
        th = pred.thresholds or {}
        other = bool(getattr(pred, "other_language", False) and level in ("alert", "watch") and "alert_other" in th
                     and th["alert_other"] <= pred.at_least["alert"] < th["alert"])  # alert only at the other-language threshold
        if other:
            level = "alert"
            reasons.append(f"written (in part) in another language, which the watch reads less well: sent from a "
                           f"{plain_chance(th['alert_other'])} chance it needs you (here {plain_chance(pred.at_least['alert'])}; "
                           f"a text in English needs {plain_chance(th['alert'])}), so that someone who reads it looks")
        backing = CRISIS_NEEDS_ALERT * th.get("alert", 0.0)
        if level == "crisis" and pred.at_least["alert"] < backing:
            reasons.append(f"sent by email, not by text message: some of it reads like someone at risk (a "
                           f"{plain_chance(pred.at_least['crisis'])} chance), but the post as a whole does not read as "
                           f"needing you (a {plain_chance(pred.at_least['alert'])} chance; an email needs "
                           f"{plain_chance(backing)}), so please read it rather than rely on this grade")
            level = "alert"
        guarded_families = {}
        for cat_name, why in guarded.items():
            fam = self.rules[cat_name].cat.family if cat_name in self.rules else cat_name
            if fam not in rules_families:
                guarded_families.setdefault(fam, why)
        top = max(pred.families, key=lambda f: (pred.families[f], f)) if pred.families else None
        candidates = list(pred.proposed) + ([top] if top and top not in pred.proposed and level in ("alert", "crisis") else [])
        vetoed = [f for f in candidates if f in guarded_families
                  and (pred.families[f] < CONFIDENT or _rests_on_a_denial(model, pred, title, body, f))]
        kept = [f for f in pred.proposed if f not in vetoed]
        for f in vetoed:
            sure = "" if pred.families[f] < CONFIDENT else (
                f"; the model's case rests on that denial: \"{_short(pred.sentences[pred.family_sentences[f]], 120)}\"")
            reasons.append(f"model's {f} ({plain_chance(pred.families[f])}) set aside by the rules: "
                           f"{guarded_families[f]}{sure}")
        if vetoed and not kept and level in ("alert", "crisis") and pred.confidence < CONFIDENT:
            # The floor: a guard may take a crisis down to alert (an email, with this reason), never lower.
            kept_at = floor_of(pred.level)  # a crisis the model read, backed or not, never below alert
            reasons.append(f"model's {level} ({plain_chance(pred.confidence)}, not confident) set aside with "
                           f"{', '.join(vetoed)}; kept at {kept_at}"
                           + (" (a guard never takes a crisis below alert)" if kept_at == "alert" else ""))
            level = kept_at
        final = level if SEVERITIES.index(level) > SEVERITIES.index(rules_level) else rules_level
        sentence = pred.driving_sentence
        not_named = self.not_named(pred, kept, rules_families, categories or {})
        shown = [f for f in kept if f not in not_named]
        if level != "info" or kept:
            label = {"crisis": "chance of crisis", "alert": "chance of alert or worse",
                     "watch": "chance of watch or worse"}.get(level)
            what = f"model grades {level}" + (f" ({label} {plain_chance(pred.at_least[level])})" if label else "")
            if shown:
                what += "; families " + ", ".join(f"{f} {plain_chance(pred.families[f])}" for f in shown)
            reasons.append(f"{what}; the sentence that drove it: \"{_short(sentence)}\"")
            if pred.nearest is not None:
                reasons.append(pred.nearest.describe())
        reasons += [f"{f} not named: {why}" for f, why in not_named.items()]
        if SEVERITIES.index(level) > SEVERITIES.index(rules_level):
            reasons.append(f"rules say {rules_level}, the model {level}: {level}")
        judgement = pred.as_dict()
        near = [f for f in pred.families if f not in vetoed and pred.families[f] >= NEAR_FAMILY * th.get(f, th.get("family", 0.5))]
        judgement["near_family"] = max(near, key=lambda f: (pred.families[f], f)) if near and not kept else None
        model_drove = bool(SEVERITIES.index(level) >= SEVERITIES.index(rules_level) and (level != "info" or kept))
        judgement.update({"model_level": level, "rules_level": rules_level, "families": sorted(shown),
                          "vetoed_families": vetoed, "not_named": not_named, "drove": model_drove,
                          "other_language_alert": other, "keywords_disowned": sorted(
                              f for f in not_named if f in rules_families and pred.families[f]
                              < KEYWORD_LEVEL_AGAINST * th.get(f, th.get("family", 0.5)))})
        return judgement, final, kept, (pred.sentence if model_drove else None), reasons


    def disowned_keywords(self, severity: str, categories: dict, judgement: dict, targeted: float, reach,
                          spreading: str) -> tuple[str, list[str]]:
        """A level that rests on keywords whose family the model reads almost none of (:meth:`not_named`:
        "Hi Sue" read as the legal "sue", "lost my" in "lost my keys") is made again without them, never
        below watch (a director still sees it in the digest) nor below the model's own level. A keyword
        that is always a crisis is always named, so no crisis keyword is ever set aside here."""
        against, model_level = judgement.get("keywords_disowned") or [], judgement.get("model_level") or "info"
        disowned = [c for c in categories if c in self.rules and self.rules[c].cat.family in against
                    and self.rules[c].cat.guards]  # a floor only (``guards: false``, risk said indirectly) stays
        if (not disowned or SEVERITIES.index(severity) < SEVERITIES.index("alert")
                or SEVERITIES.index(model_level) >= SEVERITIES.index("alert")):
            return severity, []
        rest = {c: w for c, w in categories.items() if c not in disowned}
        again = self.grade(rest, targeted, reach, spreading)[1]
        lowered = max(again, model_level, "watch", key=SEVERITIES.index)
        if SEVERITIES.index(lowered) >= SEVERITIES.index(severity):
            return severity, []
        words = ", ".join(f"'{w}'" for c in disowned for w in categories[c])
        fams = " or ".join(dict.fromkeys(self.rules[c].cat.family.replace("_", " and ") for c in disowned))
        return lowered, [f"the words {words} were read, but the text is not about {fams}: {lowered}, not {severity}"]

    def not_named(self, pred, kept: list[str], rules_families: set[str], categories: dict[str, list[str]]) -> dict:
        """``{family: why}`` for the families a director is not shown (see AGAINST and SECOND_FAMILY):
        a keyword family the model reads almost none of, and a second family the model proposes
        that is far weaker than its strongest."""
        from .model import plain_chance

        out = {}
        threshold = pred.thresholds or {}
        for name, words in categories.items():
            rule = self.rules.get(name)
            fam = rule.cat.family if rule is not None else ""
            if (fam in ("", "none") or fam in kept or fam in out or fam not in pred.families
                    or any(self.rules[c].cat.family == fam and self.rules[c].cat.severity == "crisis"
                           for c in categories if c in self.rules)):
                continue
            need = threshold.get(fam, threshold.get("family", 0.5))
            if pred.families[fam] < AGAINST * need:
                said = ", ".join(f"'{w}'" for c, ws in categories.items() if c in self.rules
                                 and self.rules[c].cat.family == fam for w in ws)
                out[fam] = (f"the words {said} were read, but the model finds little {fam} in the text "
                            f"(chance {plain_chance(pred.families[fam])}; it names {fam} from "
                            f"{plain_chance(need)})")
        own = [f for f in kept if f not in rules_families]
        if kept:
            top = max(kept, key=lambda f: (pred.families[f], f))
            for f in own:
                if f != top and pred.families[f] < SECOND_FAMILY * pred.families[top]:
                    out[f] = (f"the model's {f} ({plain_chance(pred.families[f])}) is far weaker than its "
                              f"{top} ({plain_chance(pred.families[top])})")
        return out


def unsure_crisis_kept(severity: str, judgement: dict | None) -> str | None:
    """Why a crisis the is-it-us check is unsure of is still a crisis (``UNSURE_CRISIS``), or None when it is
    held at alert: the level is the model's own crisis (not the rules', nor one a guard or the model's own
    "alert or worse" reading took down) and its crisis chance reaches ``UNSURE_CRISIS``."""
    from .model import plain_chance

    model = (judgement or {}).get("model") or {}
    chance = (model.get("at_least") or {}).get("crisis", 0.0)
    if severity != "crisis" or model.get("model_level") != "crisis" or chance < UNSURE_CRISIS:
        return None
    return (f"a crisis all the same: the model is {plain_chance(chance)} sure someone may be at risk (a crisis we "
            f"are not sure is ours needs {plain_chance(UNSURE_CRISIS)})")


def not_held_back(severity: str, judgement: dict | None, impersonated: bool, unread: bool,
                  categories=()) -> str | None:
    """Why an alert or crisis the is-it-us check is unsure of goes out all the same (not "watch at most"), in words
    for the director, or None when it is held back: a crisis the model is sure of (:func:`unsure_crisis_kept`), our
    name misused (``impersonated``), an alert in another language for someone to read (``unread``), an alert resting
    on words that say a person may be at risk (``AT_RISK_FLOORS`` among ``categories``, round 24)."""
    sure = unsure_crisis_kept(severity, judgement)
    at_risk = severity == "alert" and any(c in categories for c in AT_RISK_FLOORS)
    if sure or not (impersonated or unread or at_risk):
        return sure
    return "sent all the same: " + ("it says our name is being misused" if impersonated
                                    else "it is in another language, for someone to read" if unread
                                    else "its words say a person may be at risk, which is never held back")


def kept_reason(reason: str, kept: str) -> str:
    """The is-it-us check's unsure ``reason`` ("maybe us: ...; kept at watch at most") for a text it does not hold
    back: its last clause replaced by ``kept`` (:func:`not_held_back`)."""
    from .identity.decide import UNSURE_CAP

    return (reason[:-len(UNSURE_CAP)] if reason.endswith(UNSURE_CAP) else reason.rstrip("; ") + "; ") + kept


def floor_of(level: str) -> str:
    """Where a guard (negation, ``not`` phrase, near-miss word, ``unless``) or a cap may put a text it
    sets aside: a crisis never below alert (a crisis graded below alert is the worst error this tool
    can make, an extra email the cheapest); anything else at watch, so a director still sees it in
    the digest."""
    return "alert" if level == "crisis" else "watch"


def _rests_on_a_denial(model, pred, title: str, body: str, family: str) -> bool:
    """A confident family the rules' guard set aside still goes when the model's case for it rests
    on one sentence that says "not" (the family's best sentence carries a negation, and without that
    sentence the family's chance falls below its threshold): "New Baby Network is not a scam and the
    money goes to families" reads like fraud to a bag of words, but denies it. A model with evidence
    elsewhere in the text keeps the family."""
    from .model_features import _WORD, negated_words, split
    from .text import fold

    at = getattr(pred, "family_sentences", {}).get(family)
    if at is None or at >= len(pred.sentences) or not negated_words(_WORD.findall(fold(pred.sentences[at]))):
        return False
    rest = [part for i, part in enumerate(split(title, body)) if i != at]
    if not rest:
        return True
    again = model.predict(" ".join(s for f, s in rest if f == "title"), " ".join(s for f, s in rest if f == "body"))
    return again.families[family] < pred.thresholds.get(family, pred.thresholds.get("family", 0.5))


def _short(text: str, width: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
