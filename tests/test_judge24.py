"""Risk told calmly in the first person (feeds.yaml ``risk_told_calmly``, round 24): a floor at alert, an email,
for the ways the crises neither the model nor the rules read were written (held out by writer, ``cv_system
--causes``): a partner's control played down, a goodbye without the explicit words, fear of what one might do to a
baby, a carer unfit to hold one, a stalker who knows where someone goes. A floor only (``guards: false``). The texts
here are written afresh, not copied from ``training/``."""

from __future__ import annotations

import pytest

from monitor.analyse import Analyser

from .test_family_naming import _Reads
from .test_risk_signs import CFG, RULES, reaches_a_director_by_email  # the shipped feeds.yaml, rules only


@pytest.mark.parametrize("body", [
    # a partner's control, played down
    "Could the New Baby Network Thursday group start later? My partner makes me explain every hour I'm out. No drama.",
    "I'd love to come to New Baby Network again when my boyfriend lets me take the pram out.",
    # a goodbye without the explicit words
    "Wrote notes for all three kids last night. New Baby Network have been so kind to us.",
    "Made my will on Friday, feels like a weight off. Thanks New Baby Network for the lovely mornings.",
    "New Baby Network chat: does anyone else think their little one would be okay without them? asking for a friend",
    "Honestly can't keep going like this. Is the New Baby Network drop-in open on Saturdays?",
    # fear of what one might do, counting tablets
    "Left him crying in the Moses basket and sat in the car, frightened of what I might do. New Baby Network said call.",
    "New Baby Network group was nice. I keep counting the tablets in the drawer though.",
    # a carer unfit to hold a baby; a parent driving asleep with a baby in the back
    "Dozed off with a baby on my lap at New Baby Network's sling session lol, nobody saw",
    "Drove home from New Baby Network with my eyes closing, the baby asleep in the back",
    # a stalker who knows where someone goes; adults around children; a record with a child
    "You can block me all you like. I know you're at New Baby Network in the church hall every Wednesday.",
    "Blokes in their 40s waiting outside New Baby Network's teen parents group for the 14 year olds",
    # round 24's last: a call for help said plainly
    "New Baby Network can someone call me, it's so bad tonight",
])
def test_risk_told_calmly_reaches_a_director_by_email(body):
    reaches_a_director_by_email(body, "risk_told_calmly")


@pytest.mark.parametrize("body", [
    # the same words in harmless senses
    "Wrote thank-you cards to the New Baby Network volunteers today 💛",
    "My will power is gone, third cake at New Baby Network 😂",
    "He lets the dog sleep on the bed, New Baby Network mums tell me I'm too soft",
    "Fell asleep on the sofa after New Baby Network, bliss",
    "Counting the days till New Baby Network's Christmas party!",
    "New Baby Network trainers talked about signs such as a partner who makes me explain where I've been (example only)",
])
def test_the_same_words_in_harmless_senses_stay_below_alert(body):
    a = RULES.analyse("", body)
    assert a is not None and a.severity in ("info", "watch"), (body, a.reasons)
    assert "risk_told_calmly" not in a.categories


def test_a_recovery_story_is_set_aside_but_still_seen():
    """``unless``: looking back on it is still sensitive (watch, the digest), not an email."""
    a = RULES.analyse("", "Years ago I used to count the tablets every night. New Baby Network got me through.")
    assert a is not None and a.severity == "watch" and "risk_told_calmly" not in a.categories, a.reasons


def test_it_is_a_floor_never_a_ceiling():
    """The model's crisis stays a crisis (the floor raises, never lowers), and a text the model reads as harmless
    is still sent by email."""
    body = "Sorted my will and wrote letters for both kids. Thank you New Baby Network for everything."
    assert Analyser(CFG, model=_Reads("crisis", safeguarding=0.9)).analyse("", body).severity == "crisis"
    a = Analyser(CFG, model=_Reads("info")).analyse("", body)
    assert a.severity == "alert" and "risk_told_calmly" in a.categories, a.reasons


def test_an_alert_on_words_of_risk_is_not_held_back_by_an_unsure_is_it_us_check():
    """"the baby network ladies" is not our name, so the is-it-us check is unsure and caps an alert at watch (the
    digest); an alert resting on words that say a person may be at risk goes out all the same, by email
    (``analyse_judge.AT_RISK_FLOORS``), and says why. A complaint the check is unsure of still waits for the digest."""
    a = RULES.analyse("", "Lovely morning, the baby network ladies had a stall at the school fair. "
                          "He makes me explain every minute I'm out though.")
    assert RULES.last_identity.verdict == "unsure"
    assert a.severity == "alert" and "risk_told_calmly" in a.categories, a.reasons
    assert "its words say a person may be at risk" in a.reasons[1]
    b = RULES.analyse("", "Lovely morning, the baby network ladies had a stall at the school fair. "
                          "Shocking service from them afterwards, I want to make a formal complaint.")
    assert RULES.last_identity.verdict == "unsure"
    assert b.severity == "watch" and "complaint" in b.categories, b.reasons
    assert "not sure it is us: alert -> watch" in b.reasons


def test_a_joke_about_a_partner_is_not_control():
    """"if he lets me out the door on time 😂" is a joke, not a partner's control (round 24: the one harmless text
    held out by writer that the first wording raised)."""
    a = RULES.analyse("", "Thank you New Baby Network for Thursday! See you next week (if he lets me out the door on time 😂)")
    assert "risk_told_calmly" not in a.categories and a.severity in ("info", "watch"), a.reasons
