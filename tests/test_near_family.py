"""A text graded alert or worse that names no family names the model's strongest family when the model reads it at
``analyse_judge.NEAR_FAMILY`` of that family's own threshold or more (round 26): a director is told what kind of
trouble it is. Naming never moves the level, and a text below alert is not given one this way."""

from __future__ import annotations

from monitor import analyse_judge
from monitor.analyse import Analyser

from .test_family_naming import CFG, THRESHOLDS, _Reads

TEXT = ("Question for New Baby Network", "Hello, who would be the right person at New Baby Network to talk to "
        "about the story we're running on Friday about the Tuesday group?")


def _at(share: float, family: str = "press") -> float:
    return share * THRESHOLDS.get(family, THRESHOLDS["family"])


def test_an_alert_with_no_family_names_the_model_s_nearest_one():
    a = Analyser(CFG, model=_Reads("alert", press=_at(0.9), complaint=_at(0.85, "complaint"))).analyse(*TEXT)
    assert a.severity == "alert" and a.families == ["press"], (a.severity, a.families, a.reasons)
    assert a.judgement["model"]["near_family"] == "press" and a.judgement["families"] == ["press"]


def test_not_below_the_share_of_its_threshold():
    assert analyse_judge.NEAR_FAMILY == 0.8
    a = Analyser(CFG, model=_Reads("alert", press=_at(0.75))).analyse(*TEXT)
    assert a.severity == "alert" and a.families == [] and a.judgement["model"]["near_family"] is None


def test_a_text_below_alert_is_not_given_a_family_this_way():
    a = Analyser(CFG, model=_Reads("watch", press=_at(0.95))).analyse(*TEXT)
    assert a.severity == "watch" and a.families == [] and a.judgement["model"]["near_family"] == "press"


def test_a_family_the_model_names_is_left_alone():
    a = Analyser(CFG, model=_Reads("alert", press=_at(1.2), complaint=_at(0.95, "complaint"))).analyse(*TEXT)
    assert a.families == ["press"] and a.judgement["model"]["near_family"] is None
