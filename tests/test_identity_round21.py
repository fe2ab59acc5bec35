"""Is it us? Round 21's forms that never write our name (issue 15, ``shortforms._round21``, ``matching.
doubts_lookalike``): a product's name run together in a hashtag, "the Crate" beside one of our places, "that baby
charity", "the Monday group in Tain", "the network lot", and a look-alike handle the text doubts is ours. Each is read
only with the profile's evidence, unsure (watch at most); a bare common word, another group named in capitals, a
look-alike nobody doubts, stay out."""

from __future__ import annotations

import json

import pytest

from monitor import config as config_mod
from monitor.analyse import Analyser
from monitor.identity import shortforms, shortforms24
from monitor.matching import doubts_lookalike, short_form_hint

from .conftest import SHIPPED, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
EASTER_ROSS = (["Firth Friends", "the Cromarty Crate", "Bairn Carry", "Kirrie Carry"],
               ["Invergordon", "Tain", "Cromarty", "Fortrose", "Avoch", "Evanton", "Dornoch"])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r21"), sources=SOURCES), environ={})


def analyser(cfg, profile=EASTER_ROSS):
    an = Analyser(cfg, [])
    an.identity.set_products(profile[0])
    an.identity.set_places(profile[1])
    return an


def test_each_round21_rule_can_be_switched_off(cfg, monkeypatch):
    """The bench measures each rule alone: with ``RULES21`` empty the same texts are not read."""
    monkeypatch.setattr(shortforms, "RULES21", set())
    monkeypatch.setattr(shortforms24, "RULES24", set())  # round 24's "place beside our work" reads "Tain group" too
    an = analyser(cfg)
    assert an.analyse("", "Tain group is great but it's got so busy, 25 babies in one room.") is None
    assert an.analyse("", "I can't tell the network lot, they'll take the baby off me.") is None


@pytest.mark.parametrize("body,doubt", [
    ("Is @NewBabyNetwork_UK actually the Highland baby charity?? Same logo, but it posts about politics all week.",
     "Same logo"),
    ("is @newbabynetwork_support legit? They asked for my NHS number so they can refer me. Feels off.", "Feels off"),
    ("There's an Instagram called @new.baby.network.help asking mums to DM their card details. That is not them!!",
     "is not them"),
])
def test_a_lookalike_the_text_doubts_is_kept_unsure(cfg, body, doubt):
    an = analyser(cfg)
    a = an.analyse("", body)
    assert a is not None, body
    assert a.reasons[0].startswith("look-alike of our name: ")
    assert an.last_identity.verdict == "unsure"
    assert f"that the text doubts ('{doubt}')" in an.last_identity.reason


@pytest.mark.parametrize("body", [
    "@newbabynetworkphoto put my son's newborn shoot on their page without asking",  # a photographer's own handle
    "My sister's wifi is literally called NewBabyNetwork_5G and the password is the baby's birthday",
    "@NewBabyNetworkLtd where is my order?? Car seat was meant to arrive Friday",
    "Is @NewBabyNetworkLtd legit? Total scam, never got my pram, dodgy as anything, report it",  # a shop's customer
])
def test_a_lookalike_nobody_doubts_stays_out(cfg, body):
    assert doubts_lookalike(body) is None
    assert analyser(cfg).analyse("", body) is None


def test_the_hint_lets_round21_forms_through_without_products(tmp_path):
    """With no products listed the check is not imported unless ``short_form_hint`` says a text may hold a short
    form: "that baby charity" and "the network lot" now pass it, a text with neither stays out."""
    hint = short_form_hint(["Tain", "Evanton"])
    assert hint("The lady from that baby charity was lovely")
    assert hint("I can't tell the network lot")
    assert not hint("Lovely walk by the harbour with the baby")
    org = json.loads(json.dumps(SHIPPED["organisation"]))
    org["profile"]["products"] = []
    org["profile"]["places"] = ["Tain", "Evanton"]
    cfg = config_mod.load(write_config(tmp_path, organisation=org, sources=SOURCES), environ={})
    a = Analyser(cfg, []).analyse("", "The woman from that baby charity who does the home visits round Evanton "
                                      "was slurring at the school gate")
    assert a is not None and a.reasons[0] == "mentions us without our name: 'that baby charity', with our place Evanton"
