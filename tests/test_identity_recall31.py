"""Is it us? Round 31 (issue 15, mention recall): a product of ours named without its capitals (``shortforms31``):
the words ending its name, after "the" when the name is written "the <place> ..." ("the hug box" for "the Hawick Hug
Box"), anywhere when one of them is no everyday word ("toddle bags"), or a name "<our place> ... <word>" without its
middle ("the Brackby box"), or "baby" and a product's last word with one of our places ("the baby boxes ... in Ousen"); us with one of our places in the text, else unsure (watch at most); everyday phrases that
happen to be a product's words, the product's own capitals (read by the earlier rules, with their guards), other
towns, quotes and other things' names stay out."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.identity import shortforms31, shortforms33, shortforms34

from .conftest import assert_read_unsure, profile_analyser, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
# An invented Wansdale profile (none of the labelled files' texts is used here)
PROFILE = (["Glenthorpe Tots", "Kettleby Toddle Bags", "the Brackby Hug Box", "the Ousen Sling Shed", "Sea Legs", "Harlow Tiny Steps"],
           ["Brackby", "Ousen", "Kettleby", "Wansdale"])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r31"), sources=SOURCES), environ={})


def analyser(cfg):
    return profile_analyser(cfg, *PROFILE)


FORMS = [  # (text, rule, words quoted in the reason)
    # a word no dictionary has ("toddle"): read anywhere
    ("Q for the mums - are toddle bags just for first babies or can you get one for your second?",
     "name's end, lower case", "'toddle bags'"),
    ("the toddle bag lady came with the bag for the baby and stayed for a cuppa, and she got me to the GP",
     "name's end, lower case", "'toddle bag'"),
    ("got my hug box today, the baby loves the ribbon", "name's end, lower case", "'hug box'"),
    ("the hug box nappies are all size 1 but my baby was 10lb at birth so none of them fit",
     "name's end, lower case", "'hug box'"),
    ("does anyone have a number for the sling shed lady? he checks my phone and I need to give the sling back",
     "name's end, lower case", "'sling shed'"),
    # a name "<our place> ... <word>" without its middle: with our place, so us
    ("Has the Brackby box changed this year? My sister's arrived with no nappies in, just leaflets and a hat",
     "place and name's last word", "'Brackby box'"),
    # the whole name in lower case with a word no dictionary has, no word of our work needed (round 28 wants one)
    ("glenthorpe tots car park gate got locked at half 11 and six of us were trapped in for ten minutes",
     "unusual name, lower case, no other town", "'glenthorpe tots'"),
    # "baby" and a product's last word, one of our places anywhere in the text: us
    ("There's a man who helps unload the baby boxes at the chapel in Ousen on a Wednesday. He's started waiting at the "
     "bus stop for my 14 year old and messaging her", "baby and name's last word, place in text", "'baby boxes'"),
]


@pytest.mark.parametrize("body,rule,words", FORMS)
def test_our_product_without_its_capitals_is_read(cfg, body, rule, words):
    assert_read_unsure(analyser(cfg), body, rule, words)


def test_with_our_place_it_is_us(cfg):
    an = analyser(cfg)
    an.analyse("", "Toddler walked straight out of the sling shed onto the road in Kettleby while the volunteers were "
                   "busy, a lorry had to brake")
    assert an.last_identity.verdict == "us" and "Kettleby" in an.last_identity.reason, an.last_identity


@pytest.mark.parametrize("body", [
    # everyday words of a product's name (t79, t83, t95's namesakes: "sea legs", "second steps", "lamplight line")
    "Holyhead to Dublin with the baby this morning and I did NOT have my sea legs. Never again.",
    "Her tiny steps across the kitchen this morning, my baby is walking!",
    # an everyday end of a name not after "the", or with another word before it
    "got a hug box today, the baby loves the ribbon",
    "the baby sensory class has a big sling shed out the back for prams",
    # written with a capital at a sentence's start only: a phrase, not the name typed casually
    "Sling shed? We just put the baby's pram in the garage",
    # the product's own capitals: the earlier rules read those, with their own guards (here another town)
    "The Hug Box in Carlisle was lovely for the babies",
    # another town, quotes, another thing's name after it
    "the hug box at the Carlisle soft play is broken again, the babies loved it",
    'the toy shop calls it the "hug box", a baby bundle for £30',
    'the baby fair had a "Brackby box" of knitted hats',
    "the Brackby box Company sells baby hampers",
    # the whole name in lower case with another town, or in a post about pets
    "glenthorpe tots car park in Carlisle got locked at half 11",
    "me, the dog and a hot water bottle: official members of glenthorpe tots tonight",
    # "baby" and a last word without our place, or with another town in its sentence, or another place's name before
    "There's a man who helps unload the baby boxes at the church hall on a Wednesday and he messages my daughter",
    "Ousen fun run was great. The baby boxes from the Carlisle council are lovely though",
    "The Glasgow baby boxes are lovely, we got ours in Ousen",
    "the toddle bags Company sells baby changing bags",
    "the toddle bags app says my baby should be walking",
])
def test_everyday_phrases_other_towns_and_other_things_stay_out(cfg, body):
    an = analyser(cfg)
    assert an.identity.names_product(body) is None, (body, an.identity.names_product(body))


def test_the_rules_can_be_switched_off(cfg, monkeypatch):
    monkeypatch.setattr(shortforms31, "RULES31", set())
    monkeypatch.setattr(shortforms33, "RULES33", set())  # round 33's name's tail reads some of these too
    monkeypatch.setattr(shortforms34, "RULES34", set())  # round 34's name's end with a person after too
    an = analyser(cfg)
    assert [b for b, _, _ in FORMS if an.identity.names_product(b) is not None] == []


@pytest.mark.parametrize("body,rule,words", FORMS)
def test_each_rule_is_its_own_switch(cfg, monkeypatch, body, rule, words):
    monkeypatch.setattr(shortforms31, "RULES31", shortforms31.RULES31 - {rule})
    monkeypatch.setattr(shortforms33, "RULES33", set())  # round 33's name's tail reads some of these too
    monkeypatch.setattr(shortforms34, "RULES34", set())  # round 34's name's end with a person after too
    assert analyser(cfg).identity.names_product(body) is None, body


def test_an_unusual_name_in_lower_case_without_our_work_is_watch_at_most(cfg):
    """The price of "unusual name, lower case, no other town" (19 true mentions, 1 other text on the labelled files
    where it can fire): another event of the same name, told without a word of our work, is read as maybe us, but
    never above watch (a crisis at alert at most unless the model is sure)."""
    an = analyser(cfg)
    a = an.analyse("", "glenthorpe tots gin tasting on friday, tickets £12 at the door")
    assert a is not None and an.last_identity.verdict == "unsure", an.last_identity
    assert a.severity in ("info", "watch"), a.severity


def test_a_short_name_listed_as_a_product_is_read(cfg):
    """README "List your own named things": the short name people use, listed beside the full one, is read on its own
    (maybe us, at watch at most); not listed, it is not. (Inside a sentence round 32 reads a name's last word with its
    capital without the listing: "... but Ripples is full of strangers"; at a sentence's start only the listing does.)"""
    text = "Ripples is full of strangers now, nobody says hello to the new babies"
    assert profile_analyser(cfg, ["Wansdale Ripples"], ["Kettleby"]).identity.names_product(text) is None
    an = profile_analyser(cfg, ["Wansdale Ripples", "Ripples"], ["Kettleby"])
    assert an.identity.names_product(text) == "Ripples"
    a = an.analyse("", text)
    assert a is not None and an.last_identity.verdict == "unsure" and a.severity in ("info", "watch")
