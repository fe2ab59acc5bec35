"""Is it us? Round 29 (issue 15): a product named "<word> <our place>" is shortened to its first word ("bit gutted
babis in aberdaron has moved to tuesdays" for "Babis Llŷn"); the word is read, unsure (watch at most), when it is
no everyday word and the text has one of our places or a word of our work; another town, another thing's name, a
quoted word, and a product whose other words are not our places stay out."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.identity import shortforms29

from .conftest import assert_read_unsure, profile_analyser, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
# An invented Welsh borders profile (none of the labelled files' texts is used here)
PROFILE = (["Cwtsh Ceiriog", "Chirk Sproglings", "Hiraeth Slings", "the Glyn Box", "Little Curlew bags"],
           ["Glyn Ceiriog", "Chirk", "Pontfadog"])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r29"), sources=SOURCES), environ={})


def analyser(cfg):
    return profile_analyser(cfg, *PROFILE)


FORMS = [  # (text, words quoted in the reason)
    ("bit gutted cwtsh in chirk has moved to tuesdays, i work tuesdays", "'cwtsh'"),
    ("Wish the Pontfadog Cwtsh didn't clash with swimming on a Wednesday", "'Cwtsh'"),
    ("standing in the rain for 10 mins with a newborn waiting for cwtsh to open the doors", "'cwtsh'"),
    # somewhere one goes ("at / since / after ..."): no place or word of our work needed
    ("did anyone else notice her arms at cwtsh today? bruises right round both wrists", "'cwtsh'"),
]
AT_ONLY = FORMS[-1][0]


@pytest.mark.parametrize("body,words", FORMS)
def test_a_products_first_word_is_read_unsure(cfg, body, words):
    an = analyser(cfg)
    assert_read_unsure(an, body, "product first word", words)


@pytest.mark.parametrize("body", [
    "cwtsh in Wrexham was packed with babies today",  # another town
    "cwtsh gin tasting on friday, tickets £12 at the door",  # nothing of our work, none of our places
    "Cwtsh Candles in Chirk have a sale on, lovely for the baby's room",  # another thing's name
    "cwtsh app in chirk keeps crashing when the baby naps",  # another kind of thing
    "the hotel left a \"cwtsh\" card in the room in chirk, with welsh cakes for the baby",  # quoted
    "hiraeth in chirk tonight, the baby asleep at last",  # "Slings" is no place of ours: no short form
    "did anyone else notice her arms at cwtsh in Wrexham? bruises right round both wrists",  # "at", another town
    "did anyone else notice her arms, cwtsh was closed today? bruises right round both wrists",  # not after "at"
    "has anyone heard from Sian? sproglings was closed, she's not answering her phone",  # a last word, not after "at"
    "has anyone heard from Sian since sproglings in Wrexham? she's not answering her phone",  # another town
])
def test_other_things_quotes_and_other_towns_stay_out(cfg, body):
    an = analyser(cfg)
    assert (an.identity.names_product(body), an.analyse("", body)) == (None, None), body


def test_only_a_word_beside_our_places_is_read():
    words = shortforms29.first_words(tuple(PROFILE[0]), tuple(PROFILE[1]))
    # "Ceiriog" is a word of our place Glyn Ceiriog; "Glyn" too (and short); "Hiraeth Slings": not a place beside it
    assert words == [("cwtsh", "Cwtsh Ceiriog")]


def test_the_rule_can_be_switched_off(cfg, monkeypatch):
    monkeypatch.setattr(shortforms29, "RULES29", set())
    an = analyser(cfg)
    assert [b for b, _ in FORMS if an.identity.names_product(b) is not None] == []


def test_after_at_is_its_own_switch(cfg, monkeypatch):
    monkeypatch.setattr(shortforms29, "RULES29", {"product first word"})
    an = analyser(cfg)
    assert an.identity.names_product(AT_ONLY) is None
    assert [b for b, _ in FORMS[:-1] if an.identity.names_product(b) is None] == []


LAST_AT = "has anyone heard from Sian since sproglings last week? she's not answering her phone"


def test_a_last_word_after_at_is_read_beside_our_place(cfg, monkeypatch):
    # "Chirk Sproglings": its other word is our place, so "since sproglings" needs no place or word of our work
    assert shortforms29.last_words(tuple(PROFILE[0]), tuple(PROFILE[1])) == [("sproglings", "Chirk Sproglings")]
    assert_read_unsure(analyser(cfg), LAST_AT, "product last word", "'sproglings'")
    monkeypatch.setattr(shortforms29, "RULES29", {"product first word", "after at"})
    assert analyser(cfg).identity.names_product(LAST_AT) is None
