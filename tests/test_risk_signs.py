"""Risk said indirectly (feeds.yaml ``risk_signs``): a floor at alert for the ways people write a risk
without the explicit words, and a floor only (``guards: false``): its set-asides never overrule the
model's reading of safeguarding."""

from __future__ import annotations

import json

import pytest

from monitor import config
from monitor.analyse import Analyser
from monitor.evaluate import evaluate, read_labelled

from .conftest import REPO
from .test_family_naming import _Reads

ENV = {"MONITOR_EMAIL_URL": "mailto://a@example.org", "MONITOR_SMS_URL": "json://127.0.0.1:9/"}
CFG = config.load(REPO / "feeds.yaml", environ=ENV)
RULES = Analyser(CFG, model=None)


@pytest.mark.parametrize("body", [
    # passive thoughts of not being here, a burden, a goodbye
    "New Baby Network's Tuesday group is lovely. Honestly they'd all be fine without me though.",
    "Some nights I wish I wasn't here. Thanks New Baby Network for the leaflet.",
    "I keep thinking about not being around anymore. Is the New Baby Network dads group any good?",
    # looking up a method
    "how many paracetamol would it take, asking for me. New Baby Network lady said message any time",
    # a baby's danger signs
    "New Baby Network anyone about? she's 4 weeks, really hard to wake and her lips went blue earlier",
    # controlling behaviour at home
    "Loved New Baby Network today. Had to rush off, he tracks my location and keeps my bank card.",
    # an adult asking a child for contact
    "The man who runs the New Baby Network dads kickabout messaged my 15 year old on Instagram.",
    # where a woman in a refuge lives, shown
    "Someone posted the New Baby Network zoom screenshot and you can read the refuge address on her letter.",
    # round 20 (wordings of the crises no part read, held out by writer; written afresh here): where someone who fled
    # lives, an injury explained away, nowhere to live, a threat, a baby's danger sign said plainly, a plan or a
    # question about not being here
    "Lovely New Baby Network baby café today! Welcome Jade at 9 Rosewood Close who has just fled her abusive partner 💜",
    "The New Baby Network volunteer asked about my eye. Walked into a door, I told her.",
    "Does New Baby Network still help if you're living in your car with a newborn?",
    "someone should burn the new baby network office down with them all inside",
    "She's been like a little ragdoll since the New Baby Network class, is that normal?",
    "New Baby Network group was fine. Looked at the railway bridge again on the walk home, just to see.",
    "How long would it take before anybody noticed if I stopped going to New Baby Network?",
])
def test_risk_said_indirectly_reaches_a_director_by_email(body):
    reaches_a_director_by_email(body, "risk_signs")


def reaches_a_director_by_email(body: str, floor: str) -> None:
    """The rules alone (no model) send ``body`` as an alert on the floor ``floor``, safeguarding, with its action."""
    a = RULES.analyse("", body)
    assert a is not None and a.severity == "alert", (body, a and a.reasons)
    assert floor in a.categories and "safeguarding" in a.families
    assert any(r.startswith(f"{floor}: ") for r in a.reasons)
    assert any("safeguarding lead" in action for action in a.actions)


@pytest.mark.parametrize("body, level", [
    # a course about the signs is not a baby showing them (``not_near``)
    ("New Baby Network volunteers did first aid training: what to do if a baby is floppy, blue or hard to wake.", "info"),
    # a recovery story (``unless``): still sensitive, so watch (the digest), not an email
    ("Two years ago I wanted to disappear. New Baby Network got me through and I'm well now.", "watch"),
    # the words in another sense (``not``)
    ("My husband went blue for the gender reveal, New Baby Network mums loved it", "info"),
    # a baby asleep in the car, a toddler's bump: not nowhere to live, not an injury explained away
    ("Baby fell asleep in the car seat on the way back from New Baby Network, we're sleeping in the car park lol", "info"),
    ("My toddler walked into the door at New Baby Network today, little bump, he's fine", "info"),
])
def test_words_that_only_sound_like_risk_stay_below_alert(body, level):
    a = RULES.analyse("", body)
    assert a is not None and a.severity == level, a.reasons
    assert "risk_signs" not in a.categories


def test_its_set_asides_never_overrule_the_models_crisis():
    """``guards: false``: the negation before "lips going blue" sets the keyword aside, but that is no reason
    to doubt a model that reads a crisis (a guard with ``guards: true``, such as safeguarding's ``not``
    phrases, still vetoes an unsure model, tests/test_model.py)."""
    body = "HELP HELP baby not breathing right lips going blue @newbabynetwork someone pls im on my own"
    a = Analyser(CFG, model=_Reads("crisis", safeguarding=0.6)).analyse("", body)
    assert a.severity == "crisis" and "safeguarding" in a.families, a.reasons
    assert "risk_signs: 'going blue' set aside, negated by 'not'" in a.reasons
    assert not any("set aside by the rules" in r or "kept at alert" in r for r in a.reasons)
    assert not CFG.escalation["risk_signs"].guards and CFG.escalation["safeguarding"].guards
    # The same text with a guarding category's ``not`` phrase: the unsure model's safeguarding is set aside.
    guarded = Analyser(CFG, model=_Reads("crisis", safeguarding=0.6)).analyse(
        "", body + ". Did safeguarding training last week")
    assert guarded.severity == "alert" and any("kept at alert" in r for r in guarded.reasons)


def test_a_floor_never_an_sms_on_its_own():
    """An indirect sign is an email (alert); the model, or an explicit phrase, makes it a crisis."""
    a = RULES.analyse("", "New Baby Network ladies, I wish I wasn't here. I want to die.")
    assert a.severity == "crisis"  # the explicit phrase: safeguarding's crisis floor
    b = RULES.analyse("", "New Baby Network ladies, I wish I wasn't here.")
    assert b.severity == "alert"


def test_monitor_eval_counts_the_crises_it_now_reaches(tmp_path):
    """Through ``monitor eval``'s own reading of a labelled file (rules alone, the shipped feeds.yaml)."""
    items = [
        {"id": "a", "mention": True, "severity": "crisis", "families": ["safeguarding"],
         "body": "We'll all be fine when I'm gone. Thanks New Baby Network for trying x"},
        {"id": "b", "mention": True, "severity": "crisis", "families": ["safeguarding"], "to_us": True,
         "body": "is it ok if she is making a grunty noise and bobbing her head with each breath? 5 weeks"},
        {"id": "c", "mention": True, "severity": "info", "families": [],
         "body": "New Baby Network first aid course covered what to do if a baby is floppy or hard to wake."},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    rep = evaluate(CFG, read_labelled(path).items, analyser=Analyser(CFG, model=None))
    assert rep.crises_below_alert == 0 and rep.crises_at_alert_or_worse == 1.0
    assert rep.info_raised_to_alert == 0 and rep.to_us == 1
