"""Is it us? Round 22's forms that never write our name (issue 15, ``shortforms22._round22``, ``shortforms22.nicknames``,
``matching.Matcher``'s dotted short name): a product's name in lower case where people go to it, "the Crate" with
words of our work, "that network lot", "the baby network" with a phone further along its sentence, "the sling library"
with one of our places, a place's nickname beside a group ("the Chippy baby café"). Each is read only with
the profile's evidence, unsure (watch at most); ordinary phrases that happen to be a product's words stay out."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.identity import shortforms, shortforms22, shortforms25, shortforms28, shortforms29b, shortforms31
from monitor.matching import short_form_hint

from .conftest import assert_read_unsure, profile_analyser, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
# An invented profile: Kentish and Oxfordshire places and products (none of the labelled files' texts is used here)
PROFILE = (["Creek Cuddlers", "the Harbour Wardrobe", "the Wold Crate", "Hop Along Slings", "Friends of Evenlode",
            "Dusk Line", "Harbour Light"],
           ["Chipping Norton", "Market Drayton", "Tenterden", "Headcorn", "Watchet", "Staithes"])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r22"), sources=SOURCES), environ={})


def analyser(cfg):
    return profile_analyser(cfg, *PROFILE)


@pytest.mark.parametrize("body,rule,words", [
    ("Took both kids to creek cuddlers this morning and the baby finally napped", "product any case", "'creek cuddlers'"),
    ("Dropped two bags of baby clothes at the harbour wardrobe, so handy", "product any case", "'harbour wardrobe'"),
    ("Does the Crate take used breast pumps and baby slings?", "the word alone", "'the Crate'"),
    ("My husband says if I go to that network lot in Tenterden again he'll take the baby", "that network lot",
     "'that network lot'"),
    ("The lady from the baby network who visited said to ring 111 but he took my phone off me", "baby network near",
     "'the baby network'"),
    ("Is the sling library still doing Weds at Headcorn?", "kind at place", "'the sling library', with our place Headcorn"),
    ("Someone at Watchet said the sling library is moving, is that true?", "kind at place", "'the sling library'"),
    ("Heating in Tenterden hall broken again for baby café, bring layers", "kind at place", "'for baby café'"),
    ("Love the Chippy baby café, the volunteers are so kind", "the <place> one", "Chipping Norton"),
    ("he won't let me go to the baby group in Chippy any more", "baby café in <place>", "Chipping Norton"),
    ("is the baby cafe in drayton on over half term?", "baby café in <place>", "Drayton"),
    ("Is the dads' night in Tenterden open to grandads? My dad has the baby on Fridays", "parents night",
     "'dads' night in Tenterden'"),
    ("Reckon one of the directors of the baby network got a new car out of the grant money", "baby network near",
     "'the baby network'"),
    ("any chance the network could ask about parking? three laps of Watchet with a screaming baby", "network place",
     "'the network', with our place Watchet"),
])
def test_round22_forms_are_read_unsure(cfg, body, rule, words):
    assert_read_unsure(analyser(cfg), body, rule, words)


@pytest.mark.parametrize("body", [
    "Painted the harbour light at Staithes tonight, golden hour and the baby asleep in the sling",  # a thing painted
    "Dusk line at the reserve? Anyone know what time the dusk line is for the car park, we got locked in with a baby",
    "My dad never lost his sea legs, and he took his second steps with the baby on his knee",  # no product of ours
    "The harbour wardrobe idea is lovely for the baby",  # "The" starting a sentence: too often an ordinary phrase
    "Watching the Friends reunion with the baby asleep on me",  # "the Friends": not a place to take or get things
    "Does the Crate Bar do baby changing?",  # another thing's name
    "the network's down again in Watchet, no signal for the baby monitor app",  # a phone network
    "Is the sling library in Leeds any good? Baby is 4 months",  # another town, none of ours
    "the Charly group was fun, baby loved it",  # a name, not a nickname of one of our places followed by a group
])
def test_ordinary_phrases_stay_out(cfg, body):
    an = analyser(cfg)
    assert an.identity.names_product(body) is None, body
    assert an.analyse("", body) is None


def test_each_round22_rule_can_be_switched_off(cfg, monkeypatch):
    """The bench measures each rule alone: with ``RULES22`` empty the same texts are not read (round 25's rules, which
    read "the sling library" on its own, switched off too)."""
    monkeypatch.setattr(shortforms22, "RULES22", set())
    monkeypatch.setattr(shortforms25, "RULES25", set())
    monkeypatch.setattr(shortforms28, "RULES28", set())  # round 28 reads a lower-case name after any word
    monkeypatch.setattr(shortforms29b, "RULES29B", set())  # round 29 reads "the sling library" at our place
    monkeypatch.setattr(shortforms31, "RULES31", set())  # round 31 reads a whole unusual name in lower case anywhere
    an = analyser(cfg)
    assert an.analyse("", "Took both kids to creek cuddlers this morning and the baby finally napped") is None
    assert an.analyse("", "My husband says if I go to that network lot in Tenterden again he'll take the baby") is None
    assert an.analyse("", "Is the sling library still doing Weds at Headcorn?") is None


def test_nicknames_of_our_places():
    """"Chippy" for Chipping Norton, "Drayton" for Market Drayton; no everyday word ("Chippy" is not one of the
    encoder's words, "Marky" is never made: "Market" is a first word many places share)."""
    names = shortforms22.nicknames(("Chipping Norton", "Market Drayton", "Wiveliscombe"))
    assert names["Chippy"] == "Chipping Norton" and names["Drayton"] == "Market Drayton"
    assert names["Wivey"] == "Wiveliscombe"
    assert "Marky" not in names and not any(n.lower() in shortforms.everyday_words() for n in names)
    # only beside a group (or after "in"/"at"), capitalised: "the chippy" for chips stays as written
    assert shortforms22.with_places_named("the Chippy group", ("Chipping Norton",)) == "the Chipping Norton group"
    assert shortforms22.with_places_named("off to the chippy for tea", ("Chipping Norton",)) == "off to the chippy for tea"


def test_the_hint_lets_round22_forms_through_without_products():
    hint = short_form_hint(["Chipping Norton", "Market Drayton", "Headcorn"])
    assert hint("the Chippy baby café was heaving")
    assert hint("is the baby cafe in drayton on?")
    assert hint("he says if I go to that network lot again")
    assert hint("Is the sling library still doing Weds at Headcorn?")
    assert not hint("Lovely walk by the harbour with the baby")
