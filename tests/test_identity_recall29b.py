"""Is it us? Round 29's second change (issue 15, mention recall): texts naming one of our things a little differently
(``shortforms29b``): a product's whole name with another town in another sentence, a product without the word of our
place in its name, a product carrying our place's word in another case, a sling library or swap shop beside one of
our places, and a service of ours with "the charity"; each read unsure (watch at most), and namesakes, other towns
beside the name, other things' names and quotes stay out."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.identity import shortforms29b, shortforms30, shortforms31

from .conftest import assert_read_unsure, profile_analyser, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
# An invented South Tyne profile (none of the labelled files' texts is used here)
# ("Rowan", of our area "the Rowan valley", is an everyday word; "rowan bairns" with a word of our work is round 28's)
PROFILE = (["Rowan Bairns", "the Hopper Box", "Wren Slings", "Little Heron Haltwhistle bags"],
           ["Haltwhistle", "Bardon Mill", "Greenhead", "the Rowan valley"])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r29b"), sources=SOURCES), environ={})


def analyser(cfg):
    return profile_analyser(cfg, *PROFILE)


FORMS = [  # (text, rule, words quoted in the reason)
    # round 24's "product with our work" wants a word of our work in the name's sentence or the next
    ("Honestly the Hopper Box kitted us out, vests, a moses basket, the lot. Best thing in the valley. I'm back at work "
     "in Carlisle now and the baby is nine months.", "name, town elsewhere", "'Hopper Box'"),
    ("Had one of those Little Heron bags for the baby today, the knitted hat is tiny and I cried at the card",
     "name without place word", "'Little Heron'"),
    ("not being funny but the rowan bairns whatsapp has gone a bit cliquey, nobody answers anything",
     "name in any case", "'rowan bairns'"),
    # round 25's "sling library" is not read beside another town
    ("Heard the sling library's moving out of Greenhead and going to Carlisle, anyone know if that's true?",
     "service at place", "'the sling library's'"),
    ("Does anybody know if the sling place in Greenhead lends out toddler carriers?", "service at place",
     "'the sling place'"),
    ("The home-visit volunteer who came was lovely at first but then lectured me for twenty minutes. I'd assumed the "
     "people sent out by the charity were trained.", "service and the charity", "'home-visit volunteer'"),
]


@pytest.mark.parametrize("body,rule,words", FORMS)
def test_our_things_named_a_little_differently_are_read_unsure(cfg, body, rule, words):
    assert_read_unsure(analyser(cfg), body, rule, words)


@pytest.mark.parametrize("body", [
    # another town in the product's own sentence, or nothing of our work beside the name
    "The Hopper Box in Carlisle has a sale on baby clothes this weekend",
    "Loved the Hopper Box gig last night. Drove back to Carlisle after, ears still ringing",
    # a capitalised name or a describing word after the name without our place: another thing's
    "Little Heron Brewery has a new pale ale out, lovely with the baby asleep upstairs",
    "Little Heron bags in Carlisle are half price, nappy bags and totes",
    # another case, but another town and none of ours; the place's word used again outside the name; quoted
    "rowan bairns in Carlisle was packed with babies today",
    "rowan bairns fancy dress at the rowan hotel on friday",
    "the hotel called its kids' club \"rowan bairns\", so we went",
    # a sling place with our place in another sentence only; another town's sling library
    "The sling place is open late on Fridays. We drove out to Greenhead and Carlisle after",
    "The sling library at Hexham is moving to the library building",
    # a service with "the charity shop", or with another town
    "The home-visit nurse was kind. Afterwards we went to the charity shop for baby clothes",
    "The online baby group was good fun. I'd assumed the charity in Leeds ran it",
])
def test_namesakes_other_towns_and_ordinary_phrases_stay_out(cfg, body):
    an = analyser(cfg)
    assert an.identity.names_product(body) is None, (body, an.identity.names_product(body))


def test_the_rules_can_be_switched_off(cfg, monkeypatch):
    monkeypatch.setattr(shortforms29b, "RULES29B", set())
    monkeypatch.setattr(shortforms30, "RULES30", set())  # round 30's "product part" reads "Little Heron bags" too
    monkeypatch.setattr(shortforms31, "RULES31", set())  # round 31's "unusual name, lower case" reads "rowan bairns" too
    an = analyser(cfg)
    assert [b for b, _, _ in FORMS if an.identity.names_product(b) is not None] == []


@pytest.mark.parametrize("body,rule,words", FORMS)
def test_each_rule_is_its_own_switch(cfg, monkeypatch, body, rule, words):
    monkeypatch.setattr(shortforms29b, "RULES29B", shortforms29b.RULES29B - {rule})
    monkeypatch.setattr(shortforms30, "RULES30", set())
    monkeypatch.setattr(shortforms31, "RULES31", set())
    assert analyser(cfg).identity.names_product(body) is None, body
