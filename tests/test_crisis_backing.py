"""The model's crisis needs its own "alert or worse" reading to back it (analyse_judge.CRISIS_NEEDS_ALERT):
a crisis chance over the crisis threshold with the "alert or worse" chance below the alert threshold is an email
(alert), not an SMS, and never lower. Graded with the shipped feeds.yaml and, at the end, the committed
model through a real run's analysis."""

from __future__ import annotations

from monitor import analyse_judge, config, model
from monitor.analyse import Analyser

from .conftest import REPO

ENV = {"MONITOR_EMAIL_URL": "mailto://a@example.org", "MONITOR_SMS_URL": "json://127.0.0.1:9/"}
CFG = config.load(REPO / "feeds.yaml", environ=ENV)
THRESHOLDS = {"crisis": 0.27, "alert": 0.36, "watch": 0.36, "family": 0.5, "safeguarding": 0.6}


class _Heads:
    """A model that reads the given head chances (and families) whatever the text."""

    def __init__(self, watch: float, alert: float, crisis: float, **families):
        self.at_least = {"watch": watch, "alert": alert, "crisis": crisis}
        self.families = {f: families.get(f, 0.01) for f in model.FAMILIES}

    def predict(self, title, body):
        sents = [s for _f, s in model.split(title, body)]
        proposed = [f for f, p in self.families.items() if p >= THRESHOLDS.get(f, THRESHOLDS["family"])]
        level = next((h for h in ("crisis", "alert", "watch") if self.at_least[h] >= THRESHOLDS[h]), "info")
        return model.Prediction(level=level, at_least=dict(self.at_least), families=dict(self.families),
                                proposed=proposed, sentence=0, sentences=sents, thresholds=THRESHOLDS,
                                family_sentences={f: 0 for f in proposed})


THANKS = "To whoever at New Baby Network knitted the little yellow hat in the baby box, she wears it in every photo."


def test_a_crisis_its_alert_head_does_not_back_is_an_email():
    a = Analyser(CFG, model=_Heads(0.2, 0.1, 0.55)).analyse("", THANKS)
    assert a.severity == "alert", a.reasons
    assert a.judgement["model"]["level"] == "crisis" and a.judgement["model"]["model_level"] == "alert"
    assert ("sent by email, not by text message: some of it reads like someone at risk (a 55% chance), but the "
            "post as a whole does not read as needing you (a 10% chance; an email needs 36%), so please read it "
            "rather than rely on this grade") in a.reasons
    # Just under the alert threshold: still not backed (half of it was enough before round 10).
    under = Analyser(CFG, model=_Heads(0.2, 0.35, 0.55)).analyse("", THANKS)
    assert under.severity == "alert" and any("not by text message" in r for r in under.reasons)
    # Backed (the "alert or worse" chance at the alert threshold or more): a crisis, as before.
    backed = Analyser(CFG, model=_Heads(0.2, 0.36, 0.55)).analyse("", THANKS)
    assert backed.severity == "crisis" and not any("not by text message" in r for r in backed.reasons)
    assert analyse_judge.CRISIS_NEEDS_ALERT == 1.0


def test_an_unbacked_crisis_a_guard_sets_aside_still_stays_at_alert():
    """The floor holds for the model's crisis whether its alert head backs it or not: a guard (here the
    negation of "scam") sets the unsure family aside, and the text is kept at alert, never watch."""
    text = "New Baby Network is not a scam, people. They saved my life when I was in a dark place."
    a = Analyser(CFG, model=_Heads(0.3, 0.1, 0.6, fraud=0.8)).analyse("", text)
    assert a.severity == "alert", a.reasons
    assert any("kept at alert (a guard never takes a crisis below alert)" in r for r in a.reasons)


def test_the_rules_floor_still_makes_an_explicit_phrase_a_crisis():
    # our handle: about the rules' floor, not the name check (which reads "New Baby Network I want to die tonight" at
    # 0.44 since round 18's retraining, 0.46 before: unsure, so a crisis there is held at alert)
    a = Analyser(CFG, model=_Heads(0.2, 0.05, 0.5)).analyse("", "@newbabynetwork I want to die tonight")
    assert a.severity == "crisis"  # the rules' explicit phrase: the higher level wins


def test_the_committed_model_grades_an_explicit_risk_a_crisis_and_a_thank_you_below_it():
    """The committed model and the rules, as a run grades: the coherence rule never takes a real crisis
    down (the committed model backs its crisis here), and a thank-you is no crisis."""
    an = Analyser(CFG, model=model.load())
    risk = an.analyse("", "New Baby Network ladies, some nights I think they'd all be better off without me. "
                          "I've been looking at how many of my tablets it would take.")
    assert risk.severity == "crisis"
    thanks = an.analyse("", THANKS)
    assert thanks.severity != "crisis"
