"""Is it us? Round 24's forms that never write our name (issue 15, ``shortforms24._round24``): "the baby network" as a
name of its own with nothing else of ours in the text, "baby network volunteer / home visits / page", "(baby
network)", a product without its place word ("the Driftwood Chest" for "the Amble Driftwood Chest") and a product's
whole name that another town in the text used to set aside ("the Coquet Cubs group ... the drive to Newcastle"), and
one of our places right beside something we run ("Felton session cancelled", "the swap at Warkworth").
Each is read unsure (watch at most); machine learning's "baby network", someone's own network, a listing of another
town's business and a product in quotes stay out."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.identity import shortforms24, shortforms25, shortforms29b, shortforms30, shortforms33
from monitor.matching import short_form_hint

from .conftest import assert_read_unsure, profile_analyser, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
# An invented Northumberland profile (none of the labelled files' texts is used here)
PROFILE = (["Coquet Cubs", "the Amble Driftwood Chest", "Rothbury Slings", "Little Tern bags", "Felton Wrigglers"],
           ["Amble", "Warkworth", "Rothbury", "Felton", "Alnmouth"])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r24"), sources=SOURCES), environ={})


def analyser(cfg):
    return profile_analyser(cfg, *PROFILE)


FORMS = [
    ("Hearing the baby network has lost its funding from the Lottery. Anyone know more?", "the baby network alone",
     "'the baby network'"),
    ("Thinking of taking the baby network to court. We ended up back in Newcastle RVI over his feeding.",
     "the baby network alone", "'the baby network'"),  # another town no longer keeps it out
    ("Overheard at the school gate: 'the baby network's going to run out of money by spring'", "the baby network alone",
     "'the baby network's'"),
    ("Whichever baby network volunteer put my son's red book on her story, delete it", "baby network role",
     "'baby network volunteer'"),
    ("Waiting lists for baby network home visits? Referred at 28 weeks and still nothing", "baby network role",
     "'baby network home visits'"),
    ("Told the lady at the baby café (baby network) about his breathing and she said wait", "baby network bracket",
     "'(baby network)'"),
    ("Saw a mum cry with relief when the Driftwood Chest gave her a cot today", "product without place",
     "'Driftwood Chest'"),
    ("Been to the Coquet Cubs group where the mums said swivel seats. Any tips for the drive to Newcastle?",
     "product with our work", "'Coquet Cubs'"),
    ("Felton session cancelled today, only found out when I saw it on Facebook in the car park", "place beside our work",
     "'Felton session'"),
    ("Went to the swap at Warkworth at 10:05 and it was already stripped bare", "place beside our work",
     "'the swap at Warkworth'"),
    ("the groups are nice, I go to the one in Alnmouth, but I sit there smiling and counting the days",
     "place beside our work", "'the one in Alnmouth'"),
    ("Is Wrigglers still on on Thursday? The hall's the polling station", "product word alone", "'Wrigglers'"),
]


@pytest.mark.parametrize("body,rule,words", FORMS)
def test_round24_forms_are_read_unsure(cfg, body, rule, words):
    assert_read_unsure(analyser(cfg), body, rule, words)


@pytest.mark.parametrize("body", [
    "Started a small model with 2 layers and 64 hidden units. The baby network learns the toy task in 300 steps",
    "the baby network of cousins has turned nasty over the Christmas rota",  # an ordinary phrase
    "The baby network camera keeps dropping off the wifi every night",  # a gadget
    "The whole village is the instant new network, the baby network. The post office woman knows everything",
    "Grandparents wanting in on 'the baby network' group chat, do I let them?",  # a phrase in quotes
    "Let's set up my baby network page for the NCT lot",  # someone's own network
    "HSE nurses to refer new mothers to Cork baby network volunteers",  # another town's, by its capitalised name
    "Grampian Baby Network volunteers are lovely with the baby",  # someone's name of their own
    "Coquet Cubs café, Morpeth. Found a plaster in my son's beans and staff laughed",  # another town's business
    "Is 'Coquet Cubs Baby Swim' in Morpeth anything to do with the baby group?",  # in quotes, a longer name
    "Newcastle's Coquet Cubs toddler gym to close at the end of the month, the mums are gutted",  # someone else's
    "Driftwood Chest Antiques in Alnwick has a lovely old cot for the baby",  # another thing's name
    "Huge thanks to the lifeboat volunteers at Amble for tonight's shout",  # someone else's volunteers
    "The Rothbury session went well, and the Hexham one next week",  # another town named too
    "Got three Wrigglers (the fishing lures) for the trip to the lake",  # a bracket saying what it is
    "Little Wrigglers Nursery has a new garden",  # another thing's name
    "Is Wrigglers on in Hexham this week?",  # another town
])
def test_ordinary_phrases_and_namesakes_stay_out(cfg, body):
    an = analyser(cfg)
    assert (an.identity.names_product(body), an.analyse("", body)) == (None, None), body


def test_each_round24_rule_can_be_switched_off(cfg, monkeypatch):
    """The bench measures each rule alone: with ``RULES24`` empty none of the forms above is read (no older rule reads
    them: they are what the start code lost; round 25's, round 29's (``shortforms29b``) and round 30's (``shortforms30``), which
    widen some of them, switched off too)."""
    monkeypatch.setattr(shortforms24, "RULES24", set())
    monkeypatch.setattr(shortforms25, "RULES25", set())
    monkeypatch.setattr(shortforms29b, "RULES29B", set())
    monkeypatch.setattr(shortforms30, "RULES30", set())  # round 30's "product part" reads "the Driftwood Chest" too
    monkeypatch.setattr(shortforms33, "RULES33", set())  # round 33's name's tail reads some of these too
    an = analyser(cfg)
    assert [body for body, _rule, _words in FORMS if an.analyse("", body) is not None] == []


def test_the_hint_lets_round24_forms_through_without_products():
    hint = short_form_hint(["Amble", "Warkworth"])
    assert hint("Whichever baby network volunteer put my son's red book on her story")
    assert hint("the lady at the baby café (baby network) said wait")
    assert hint("a falling out with the volunteers at Warkworth")
    assert not hint("Baby Network Signing classes start Monday")  # a capitalised name: not even looked at
