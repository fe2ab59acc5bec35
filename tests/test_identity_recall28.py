"""Is it us? Round 28 (issue 15): a product's whole name written in lower case ("does moelfre minis still run on
tuesdays?") is read, unsure (watch at most), when a word of it is no everyday word and the text has one of our places
or a word of our work; names of everyday words, a quoted phrase, another town and another thing's name stay out."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.identity import shortforms28, shortforms31

from .conftest import assert_read_unsure, profile_analyser, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
# An invented Welsh borders profile (none of the labelled files' texts is used here)
PROFILE = (["Moelfre Minis", "the Glyn Box", "Lantern Lines", "Little Curlew bags"],
           ["Glyn Ceiriog", "Chirk", "Pontfadog"])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r28"), sources=SOURCES), environ={})


def analyser(cfg):
    return profile_analyser(cfg, *PROFILE)


FORMS = [  # (text, words quoted in the reason)
    ("does moelfre minis still run on tuesdays? the baby loved it last time", "'moelfre minis'"),
    ("love moelfre minis but it's getting rammed, nowhere to put the pram", "'moelfre minis'"),
]


@pytest.mark.parametrize("body,words", FORMS)
def test_a_product_in_lower_case_is_read_unsure(cfg, body, words):
    an = analyser(cfg)
    assert_read_unsure(an, body, "product in lower case", words)


@pytest.mark.parametrize("body", [
    "lantern lines the path to the hospice door, and mum's breathing has changed",  # everyday words only
    "the hotel left little \"moelfre minis\" in the room, with welsh cakes for the baby",  # quoted
    "moelfre minis in Wrexham was packed with babies today",  # another town
    "moelfre minis gin tasting on friday, tickets £12 at the door",  # nothing of our work, none of our places
])
def test_everyday_names_quotes_and_other_towns_stay_out(cfg, body, monkeypatch):
    """Round 28's rule alone (round 31's "unusual name, lower case, no other town" reads the gin tasting as maybe us,
    at watch at most: ``test_identity_recall31``)."""
    monkeypatch.setattr(shortforms31, "RULES31", set())
    an = analyser(cfg)
    assert (an.identity.names_product(body), an.analyse("", body)) == (None, None), body


def test_only_unusual_words_make_a_name_readable():
    names = dict((p, w) for w, p in shortforms28.lower_names(tuple(PROFILE[0])))
    # "lantern" and "lines" are everyday words; "moelfre", "glyn", "curlew" are no words of the encoder's vocabulary
    assert sorted(names) == ["Little Curlew bags", "Moelfre Minis", "the Glyn Box"]
    assert not shortforms28._unusual("lamplight", frozenset({"lamp", "light"}))  # two everyday words run together
    assert not shortforms28._unusual("bairns", frozenset({"bairn"}))  # a plural
    assert shortforms28._unusual("moelfre", frozenset({"lamp", "light"}))


def test_the_rule_can_be_switched_off(cfg, monkeypatch):
    monkeypatch.setattr(shortforms28, "RULES28", set())
    monkeypatch.setattr(shortforms31, "RULES31", set())  # round 31 reads a whole unusual name in lower case too
    an = analyser(cfg)
    assert [b for b, _ in FORMS if an.identity.names_product(b) is not None] == []
