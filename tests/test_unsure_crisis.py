"""A crisis the is-it-us check is not sure is ours (analyse_judge.UNSURE_CRISIS, round 22): held at alert (an
email) unless the model itself reads a crisis at UNSURE_CRISIS or more; then a crisis (an SMS), with the reason.
Never when the check leaned to "not us" (a weak "not us" kept only because of the crisis), nor for the rules'
crisis alone. Graded with the shipped feeds.yaml and a stub model."""

from __future__ import annotations

from monitor import analyse_judge, config
from monitor.analyse import Analyser
from monitor.identity.decide import NOT_US, UNSURE, Decision

from .conftest import REPO
from .test_crisis_backing import _Heads

ENV = {"MONITOR_EMAIL_URL": "mailto://a@example.org", "MONITOR_SMS_URL": "json://127.0.0.1:9/"}
CFG = config.load(REPO / "feeds.yaml", environ=ENV)
TEXT = "Went to the snuggles group in Reeth. Wife told me tonight the baby isn't ours and she wants to go away."


class _Check:
    def __init__(self, verdict: str, p: float, reason: str):
        self.decision = Decision(verdict, p, reason)

    def decide(self, sents, mentioned, matches):
        return self.decision


def _analyse(crisis: float, verdict=UNSURE, reason="maybe us: it names our product 'Swaledale Snuggles', not our "
                                                   "name; kept at watch at most", text=TEXT):
    an = Analyser(CFG, model=_Heads(0.99, 0.9, crisis, safeguarding=0.95))
    an._identity = _Check(verdict, 0.22, reason)
    return an.analyse("", "New Baby Network " + text)


def test_a_crisis_the_model_is_sure_of_stays_a_crisis_when_not_sure_it_is_us():
    assert analyse_judge.UNSURE_CRISIS == 0.9
    a = _analyse(0.93)
    assert a.severity == "crisis", a.reasons
    assert a.reasons[1] == ("maybe us: it names our product 'Swaledale Snuggles', not our name; a crisis all the same: "
                            "the model is 93% sure someone may be at risk (a crisis we are not sure is ours needs 90%)")
    assert not any(r.startswith("not sure it is us:") for r in a.reasons)
    at = _analyse(0.9)  # at the line: kept
    assert at.severity == "crisis", at.reasons


def test_a_less_certain_crisis_is_still_held_at_alert():
    a = _analyse(0.89)
    assert a.severity == "alert", a.reasons
    assert "not sure it is us: crisis -> alert" in a.reasons
    assert a.reasons[1].endswith("kept at alert at most (a crisis)")


def test_a_weak_not_us_kept_for_its_crisis_is_still_held_at_alert():
    a = _analyse(0.99, NOT_US, "not us: New Baby Network could be a shop (30% likely us)")
    assert a.severity == "alert", a.reasons
    assert "not sure it is us: crisis -> alert" in a.reasons and "maybe not us" in a.reasons[1]


def test_the_rules_crisis_alone_is_still_held_at_alert():
    """An explicit phrase is a crisis by the rules; with the model below its crisis threshold and the check unsure,
    an email as before."""
    a = _analyse(0.1, text="I can't keep myself safe tonight.")
    assert a.judgement["model"]["model_level"] != "crisis"
    assert a.severity == "alert" and "not sure it is us: crisis -> alert" in a.reasons
