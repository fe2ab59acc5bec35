"""Scoring: the level a director sees, and the reasons they can read."""

from __future__ import annotations

import pytest

from monitor import config
from monitor.analyse import Analyser

from .conftest import REPO

ENV = {"MONITOR_EMAIL_URL": "mailto://a@example.org", "MONITOR_SMS_URL": "json://127.0.0.1:9/"}
analyser = Analyser(config.load(REPO / "feeds.yaml", environ=ENV))


def analyse(title, body=""):
    return analyser.analyse(title, body)


def test_not_a_mention_is_none():
    assert analyse("Council opens new baby unit", "The network of clinics grows.") is None


def test_friendly_mention_is_info_with_reasons():
    a = analyse("", "Huge thanks to the volunteers at #NewBabyNetwork, the Tuesday group got me through the winter 💛")
    assert a.severity == "info" and a.categories == {}
    assert a.sentiment > 0.5 and a.reasons[0].startswith("mentions us: #newbabynetwork")


def test_complaint_is_an_alert_that_needs_a_reply():
    a = analyse("Really disappointed with New Baby Network",
                "I messaged New Baby Network three times and nobody ever replied. Honestly feel let down.")
    assert a.severity == "alert" and "complaint" in a.categories
    assert a.needs_reply and "directors" in a.actions[0]
    assert "complaint: 'nobody ever replied', 'let down' (+3)" in a.reasons


def test_person_at_risk_is_a_crisis_whatever_the_sentiment():
    a = analyse("", "@newbabynetwork I came to your group last week. I can't keep myself safe at the moment.")
    assert a.severity == "crisis" and "safeguarding" in a.categories
    assert "can't keep myself safe" in a.snippet
    assert "safeguarding lead" in a.actions[0]


def test_a_denied_accusation_is_not_an_accusation():
    a = analyse("", "To be clear, New Baby Network is not a scam and there are no complaints from us.")
    assert "fraud" not in a.categories and "complaint" not in a.categories
    assert any("negated by 'not'" in r for r in a.reasons)


def test_the_verb_press_is_not_the_press():
    a = analyse("", "To join the New Baby Network call, press the button marked 'join'.")
    assert "press" not in a.categories and a.severity == "info"


def test_one_damning_sentence_in_a_friendly_article_is_not_averaged_away():
    body = " ".join(["The sun shone on a lovely, happy, wonderful summer fair."] * 8)
    body += " Sadly New Baby Network left vulnerable parents humiliated, abandoned and ignored. "
    body += " ".join(["Everyone enjoyed the brilliant cakes and great music."] * 6)
    a = analyse("A lovely summer fair", body)
    assert a.sentiment > 0.5  # the whole text reads as positive...
    assert a.targeted_sentiment < -0.5  # ...but what it says about us does not
    assert a.severity in ("watch", "alert", "crisis")


def test_accusation_that_is_spreading_is_lifted():
    quiet = analyse("", "New Baby Network is a scam, they are pocketing the donations.")
    spreading = analyse("", "New Baby Network is a scam, they are pocketing the donations. Boycott them and share this!")
    order = ["info", "watch", "alert", "crisis"]
    assert (quiet.severity, spreading.severity) == ("alert", "crisis")
    assert any(r.startswith("amplification: 'boycott'") for r in spreading.reasons)


def test_amplification_lifts_a_level_the_score_alone_would_not_reach():
    a = analyse("", "Shocking how rude the New Baby Network staff were. Please share.")
    assert a.severity == "crisis" and any("amplification spreads a serious concern (complaint): alert -> crisis" in r for r in a.reasons)


@pytest.mark.parametrize("category,text", [
    ("press", "Hi @newbabynetwork, I'm a journalist at the Gazette - could someone comment?"),
    ("consent_privacy", "New Baby Network posted a photo of my baby without my consent"),
    ("legal", "New Baby Network copied my blog word for word - that's copyright theft and I'm seeing a solicitor"),
    ("impersonation", "Beware: there's a fake account pretending to be New Baby Network asking for bank details"),
    ("discrimination", "The New Baby Network volunteer made racist comments to my partner"),
])
def test_policy_categories(category, text):
    a = analyse("", text)
    assert category in a.categories and a.severity in ("alert", "crisis")
