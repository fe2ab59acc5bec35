"""Is it us? Round 30 (issue 15, mention recall): texts naming our work and our place but no name of ours
(``shortforms30``): a service of ours named generically near one of our places or our area, "the baby swap" or "the
baby group" with one of our places anywhere in the text, "that new baby charity" with our place beside it, "the <our
place> library" with slings, "the <our place> baby charity", and part of a product's name with a word of our work; us
with one of our places in the text, else unsure (watch at most); and other towns, other groups, quotes and ordinary
phrases stay out."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.identity import shortforms30, shortforms31, shortforms33

from .conftest import assert_read_unsure, profile_analyser, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
# An invented Esk gorge profile (none of the labelled files' texts is used here)
PROFILE = (["Tarn Tumblers", "the Pike Lane Chest", "Kestrel Wraps", "the End of the Autumn Swap"],
           ["Brantwick", "Ellerby", "Harlow Moss", "the Esk gorge"])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r30"), sources=SOURCES), environ={})


def analyser(cfg):
    return profile_analyser(cfg, *PROFILE)


FORMS = [  # (text, rule, words quoted in the reason)
    # ("the baby swap thing at Ellerby" is read by "baby swap, place in text" too, "the baby club" by "baby group, ...")
    ("Allotment news: skip comes Friday. Also the couple who go to a baby club thing at Ellerby, I saw him shaking "
     "the baby really hard yesterday.", "service near place", "'a baby club thing at Ellerby'"),
    ("Her fella won't let her bring the little one to the baby club down the gorge any more and she's stopped "
     "answering her phone.", "service near place", "'the baby club down the gorge'"),
    ("The man who did my sling fitting in Brantwick keeps messaging me late at night asking for photos.",
     "service near place", "'sling fitting in Brantwick'"),
    ("Brantwick fun run: thanks all! Also, the young dad who helps at the baby swap, his boy has had a new bruise "
     "every week.", "baby swap, place in text", "'the baby swap'"),
    ("Please check your slings. Borrowed one from the Ellerby library and the buckle snapped on the walk home.",
     "place library", "'the Ellerby library'"),
    ("Writing a piece on the Brantwick baby charity and the volunteer complaints, DMs open.", "place baby charity",
     "'the Brantwick baby charity'"),
    # a place's first word ("Harlow" of "Harlow Moss"), and "a certain"
    ("I've instructed a solicitor about what the directors of a certain Harlow baby charity have said about me.",
     "place baby charity", "'a certain Harlow baby charity'"),
    ("Funny how that new baby charity in Ellerby always has bags for some but my daughter waited three weeks.",
     "new baby charity at place", "'that new baby charity', with our place Ellerby"),
    # round 22's "kind in text" reads "the baby group" with our place only when no other town is named
    ("Does anyone know Aimee who's staying in the caravans at the Ellerby end with her 3 week old? No heating, and the "
     "lady from the baby group says she's not been in for a fortnight. I'm in Carlisle and can't get up.",
     "baby group, place in text",
     "'the baby group', with our place Ellerby"),
    ("When's the next sling thing at Brantwick? The poster said first Monday but the hall was locked.",
     "service near place", "'next sling thing at Brantwick'"),
    ("Anyone got a spare cot? The lady who's been getting help from the Autumn swap has just moved into a flat in "
     "Ellerby with nothing for the baby.", "product part", "'Autumn swap'"),
    ("My daughter helps at the Pike Lane swap in Ellerby on Saturdays and one of the men keeps messaging her.",
     "product part", "'Pike Lane swap'"),
    ("Heard the Autumn Swap might stop when the lottery money runs out, half my baby's clothes came from there",
     "product part", "'Autumn Swap'"),
]


@pytest.mark.parametrize("body,rule,words", FORMS)
def test_our_work_at_our_place_is_read(cfg, body, rule, words):
    assert_read_unsure(analyser(cfg), body, rule, words)


@pytest.mark.parametrize("body,rule,words", [f for f in FORMS if f[1] != "product part" and "gorge" not in f[2]])
def test_read_with_our_places_and_no_products_listed(cfg, body, rule, words):
    """A profile listing places and no products (as feeds.yaml's example) reads them too, as the run's worker does
    (not "the baby club down the gorge" alone: without products ``short_form`` reads nothing without one of our
    places, and our area's last word is none)."""
    an = profile_analyser(cfg, [], PROFILE[1])
    found = an.identity.names_product(body)
    assert found is not None and found.rule == rule, (body, found)


def test_with_our_place_it_is_us_without_it_unsure(cfg):
    an = analyser(cfg)
    an.analyse("", FORMS[0][0])
    assert an.last_identity.verdict == "us" and "Ellerby" in an.last_identity.reason
    an.analyse("", FORMS[-1][0])
    assert an.last_identity.verdict == "unsure"


@pytest.mark.parametrize("body", [
    # another town's service and none of ours; a baby swap without our place; a swap between people
    "The baby swap thing at Carlisle is on again Saturday, loads of vests",
    "Does anyone know when the baby club down the road opens? My baby is going stir crazy",
    "The baby swap is on Saturday at the leisure centre, bring your outgrown clothes",
    "Ellerby quiz night was fun. We did the baby swap with the grandparents so we could go",
    # another group in capitals beside our place
    "Ellerby Parents Network runs the baby swap thing at Ellerby on Fridays",
    # our place's public library, nothing of slings; another town's baby charity
    "The Ellerby library has rhyme time for babies on Mondays, lovely staff",
    "Writing a piece on the Carlisle baby charity and its volunteers, DMs open",
    "I've instructed a solicitor about what the directors of a certain Cumbrian baby charity have said about me",
    # a new baby charity with another town and none of ours in its sentence; a baby group without our place
    "That new baby charity in Carlisle always has bags. We moved to Ellerby last year",
    "The lady from the baby group says she's not been in for a fortnight, can someone knock?",
    "Ellerby was lovely. We did the baby group with my sister. Then we drove back to Carlisle",
    # a product's part with another town and none of ours, nothing of our work, another thing's name, quoted
    "The Pike Lane swap in Carlisle is on Saturday, great for baby clothes",
    "Book club's Autumn Swap is next week, bring two paperbacks",
    "The Autumn Swap Festival is back for the babies and toddlers this year",
    "the shop calls it the \"Autumn Swap\", bring baby clothes",
])
def test_other_towns_groups_and_ordinary_phrases_stay_out(cfg, body):
    an = analyser(cfg)
    assert an.identity.names_product(body) is None, (body, an.identity.names_product(body))


def test_the_rules_can_be_switched_off(cfg, monkeypatch):
    monkeypatch.setattr(shortforms30, "RULES30", set())
    monkeypatch.setattr(shortforms31, "RULES31", set())  # round 31's "baby and name's last word" reads "baby swap" too
    monkeypatch.setattr(shortforms33, "RULES33", set())  # round 33's name's tail reads some of these too
    an = analyser(cfg)
    assert [b for b, _, _ in FORMS if an.identity.names_product(b) is not None] == []


@pytest.mark.parametrize("body,rule,words", FORMS)
def test_each_rule_is_its_own_switch(cfg, monkeypatch, body, rule, words):
    monkeypatch.setattr(shortforms30, "RULES30", shortforms30.RULES30 - {rule})
    monkeypatch.setattr(shortforms31, "RULES31", set())
    monkeypatch.setattr(shortforms33, "RULES33", set())  # round 33's name's tail reads some of these too
    assert analyser(cfg).identity.names_product(body) is None, body
