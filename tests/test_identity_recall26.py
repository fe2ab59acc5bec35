"""Is it us? Round 26's widenings of older short-form rules (issue 15): a hyphenated place's first word after any short
lower-case joining word ("Llanrhaeadr" for Llanrhaeadr-ym-Mochnant), a product's name with only its last word, a kind
of thing we lend or give, in lower case ("the Berwyn sling"), and a review's rating beside a group or beside a volunteer
and a birth. Each is read unsure (watch at most); another town's, another thing's and a sentence's first words stay
out."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.identity import shortforms25, shortforms25b, shortforms26
from monitor.matching import short_form_hint

from .conftest import assert_read_unsure, profile_analyser, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
# An invented Welsh borders profile (none of the labelled files' texts is used here)
PROFILE = (["Ceiriog Cubs", "the Glyn Box", "Moelfre Slings", "Little Curlew bags"],
           ["Llansilin-ym-Mochnant", "Glyn Ceiriog", "Chirk", "Pontfadog"])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r26"), sources=SOURCES), environ={})


def analyser(cfg):
    return profile_analyser(cfg, *PROFILE)


FORMS = [  # (text, rule, words quoted in the reason)
    ("if i go to that baby group in llansilin again he says i wont see the baby. what do i do", "baby café in <place>",
     "Llansilin"),
    ("At the café in Llansilin a volunteer grabbed a toddler by the arm really hard. I can't stop thinking about it",
     "place group", "Llansilin"),
    ("Lovely walk with this one in the Moelfre sling, she sleeps the second we're out and the baby loves it",
     "product part capitals", "'Moelfre sling'"),
    ("3 stars. Nice group but the hall is freezing and there's nowhere to put the prams", "review of our work",
     "'group' in a review ('3 stars')"),
    ("2 stars. They said a volunteer could come round, then she told me about her own birth in graphic detail",
     "review of our work", "'volunteer' in a review ('2 stars')"),
    ("A day as a home-visit volunteer. First visit, just outside Chirk: twins, mum exhausted, I made the tea",
     "home visit at place", "'home-visit', with our place Chirk"),
]
NEW_RULES = {"product part capitals": 2, "review of our work": 3, "home visit at place": 5}  # FORMS' index, switched off


@pytest.mark.parametrize("body,rule,words", FORMS)
def test_round26_forms_are_read_unsure(cfg, body, rule, words):
    an = analyser(cfg)
    assert_read_unsure(an, body, rule, words)
    assert "not our name" in an.last_identity.reason or an.last_identity.verdict == "us"  # round 29: with our place


@pytest.mark.parametrize("body", [
    "Moelfre sling shop in town has new stock for the baby",  # the sentence's first words: an ordinary phrase
    "The Moelfre slings at the Eisteddfod sold out by 11am, the totes are lush",  # nothing of ours beside it
    "3 stars. Nice group of walkers but the café at the top was shut",  # no baby, none of our places
    "★☆☆☆☆ Stayed with a new baby, no cot in the room and the café was closed",  # a hotel's room and café
    "3 stars. Nice group but the one in Wrexham has more room for prams",  # another town
    "Had a home visit from the plumber in Chirk, he was there by ten",  # nothing of our work
    "The health visitor did a home visit in Chirk, then we drove to Wrexham for the scan",  # another town
])
def test_ordinary_phrases_and_other_things_stay_out(cfg, body):
    an = analyser(cfg)
    assert (an.identity.names_product(body), an.analyse("", body)) == (None, None), body


def test_the_new_rules_can_be_switched_off(cfg, monkeypatch):
    monkeypatch.setattr(shortforms25, "RULES26", set())
    monkeypatch.setattr(shortforms25b, "RULES25B", {"review of our work"})
    monkeypatch.setattr(shortforms26, "RULES26", set())
    an = analyser(cfg)
    assert [FORMS[i][0] for i in NEW_RULES.values() if an.identity.names_product(FORMS[i][0]) is not None] == []


def test_the_hint_lets_them_through_without_products():
    hint = short_form_hint(["Llansilin-ym-Mochnant"])
    assert hint("at the café in llansilin today")
    assert hint("3 stars. Nice group but the hall is freezing")
    assert not hint("Nice group but the hall is freezing")
