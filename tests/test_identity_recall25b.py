"""Is it us? Round 25's second recall pass (issue 15): our short name's capitals written with dots or spaces ("N.B.N.",
"N B N") are the short name, a candidate the whole-text check decides and at most unsure (``Matcher.candidates``,
``Analyser.analyse``); a review's rating and
something we do (a home visit, the sling library, a baby café, volunteers with a word of our work) is read as a short
form of us, unsure (``shortforms25b``). Another town's, another group's and a product's reviews stay out. The texts
are invented (none is a labelled file's)."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.identity import shortforms25b
from monitor.identity.decide import US, Decision
from monitor.matching import SHORT, Matcher, short_form_hint, spelt_short

from .conftest import assert_read_unsure, profile_analyser, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
PROFILE = (["Wye Wrigglers", "the Hathersage Cradle Cupboard"], ["Bakewell", "Tideswell", "Hathersage", "Eyam"])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r25b"), sources=SOURCES), environ={})


@pytest.mark.parametrize("text,written", [
    ("Shout out to N.B.N. and the lovely women at the Tuesday group", "N.B.N."),
    ("N. B. N. Bakewell, 10/10 would cry in front of strangers again", "N. B. N."),
    ("the N B N group saved my sanity this winter", "N B N"),
    ("Thanks N B N.", "N B N"),
])
def test_dotted_or_spaced_initials_are_our_short_name(text, written):
    m = Matcher(["New Baby Network", "@newbabynetwork"], [], ["NBN"])
    assert m.could_mention(text)
    found = m.candidates(text)
    assert [(c.text, c.flags, c.shown, text[c.start:c.end]) for c in found] == [("nbn", (SHORT,), written, written)]
    assert m.find(text) == []  # a candidate only: the whole text decides


@pytest.mark.parametrize("text", [
    "see N.B.N.org for the details",  # an address
    "xN.B.N and more", "N.B.Nx", "N.B.N.C. meeting",  # inside something longer
    "n b n lol",  # spaced letters in lower case: anything
    "n.b.n. = no big news, still waiting on the scan",  # dotted in lower case: a shorthand (t73)
    "N.B. Never leave the baby alone",  # "nota bene"
])
def test_other_dotted_letters_are_not(text):
    m = Matcher(["New Baby Network"], [], ["NBN"])
    assert m.candidates(text) == [] and not m.could_mention(text)


def test_a_short_name_configured_in_lower_case_has_no_dotted_form():
    assert Matcher(["New Baby Network"], [], ["nbn"]).candidates("Shout out to N.B.N. today") == []


def test_the_check_reads_a_dotted_short_name_like_the_short_name(cfg):
    """Spelled out as something else beside it, "N.B.N." is not us, as "NBN" is not (``short_name_spelled_out``):
    the check reads the candidate's letters."""
    an = profile_analyser(cfg, *PROFILE)
    for body in ("N.B.N. (Northern Baby Natter) picnic in Aberdeen on Sunday", "NBN (Northern Baby Natter) picnic in "
                 "Aberdeen on Sunday"):
        assert an.analyse("", body) is None
        assert "Northern Baby Natter" in an.last_identity.reason, body


def test_a_dotted_short_name_the_check_takes_for_us_is_only_unsure(cfg, monkeypatch):
    """New, so never more than unsure: a crisis naming us only as "N.B.N." is held at alert (an email, never an SMS),
    while the same text with "NBN" keeps the check's "us"."""
    an = profile_analyser(cfg, *PROFILE)
    monkeypatch.setattr(an.identity, "decide", lambda *a, **k: Decision(US, 0.97, "reads like us (97% likely us)"))
    body = "N.B.N. volunteer at the Tideswell group told me she is going to end it tonight, she has the pills ready"
    a = an.analyse("", body)
    assert an.last_identity.verdict == "unsure" and "'N.B.N.'" in an.last_identity.reason, an.last_identity
    assert a is not None and a.severity in ("info", "watch", "alert")
    a = an.analyse("", body.replace("N.B.N.", "NBN"))
    assert an.last_identity.verdict == US
    assert spelt_short(Matcher(["New Baby Network"], [], ["NBN"]).candidates("the N B N group")[0])
    assert not spelt_short(Matcher(["New Baby Network"], [], ["NBN"]).candidates("the NBN group")[0])


REVIEWS = [
    ("★★☆☆☆ Not what I needed\nI asked for a home visitor because I was feeling low. She was late and on her phone.",
     "'home visitor' in a review ('★★☆☆☆')"),
    ("Don't be fooled. Advertised as a free sling library, then a £20 deposit in cash. 2 stars", "'sling library'"),
    ("Lovely women but the baby café room is freezing in January, bring a jumper. 3/5", "'baby café'"),
    ("It was ok. Volunteers nice but most of the feeding info is stuff you can google. 3*", "'Volunteers'"),
    ("Google review: the volunteers never judged my messy hair or my crying baby. Five stars from me", "'volunteers'"),
]


# Round 35: a rating and volunteers, a group or a session, with no baby's word: reviews left on our pages
BARE_REVIEWS = [
    ("4 stars - friendly group, good songs, just wish it was a bit longer than an hour and a half!", "'group'"),
    ("Group was ok but the volunteer kept calling my son 'she'. Minor but annoying. 3 stars.", "'volunteer'"),
    ("★★★☆☆ Online sessions are fine once you're in but the Zoom link never works first time", "'sessions'"),
]


@pytest.mark.parametrize("body,words", REVIEWS + BARE_REVIEWS)
def test_a_review_of_our_work_is_read_unsure(cfg, body, words):
    assert_read_unsure(profile_analyser(cfg, *PROFILE), body, "review of our work", words)


def test_a_review_of_our_work_is_read_without_products(cfg):
    """A profile with places and no products: the hint lets a rated review through to the check."""
    an = profile_analyser(cfg, [], PROFILE[1])
    assert an.identity.names_product(REVIEWS[0][0]) == "'home visitor' in a review ('★★☆☆☆')"
    hint = short_form_hint(PROFILE[1])
    assert hint(REVIEWS[0][0]) and hint("Volunteers were lovely. 5 stars")
    assert not hint("Volunteers were lovely, the home visitor too")


@pytest.mark.parametrize("body", [
    "★☆☆☆☆ Bumps & Babies Network Hub. Paid £140 for an antenatal course, the volunteers cancelled twice",  # named
    "★★★★☆ The home visitor from the council in Sheffield was brilliant with the baby",  # another town
    "The volunteers at the charity shop till were rude about my donation. 2 stars",  # volunteers, nothing of ours
    "★★★☆☆ Swimming lessons: the teacher cancelled three of six sessions with the baby",  # sessions: anyone's
    "5 stars, this router finally reaches the nursery, the baby monitor never drops",  # a product's review
    "The home visitor was lovely and the volunteers kind, can't praise them enough",  # no rating
])
def test_other_reviews_stay_out(cfg, body):
    an = profile_analyser(cfg, *PROFILE)
    assert (an.identity.names_product(body), an.analyse("", body)) == (None, None), body


def test_the_review_rule_can_be_switched_off(cfg, monkeypatch):
    monkeypatch.setattr(shortforms25b, "RULES25B", set())
    an = profile_analyser(cfg, *PROFILE)
    assert [body for body, _words in REVIEWS if an.analyse("", body) is not None] == []




@pytest.mark.parametrize("body", [
    "4 stars. Booked a table for a group of 8, the food was fine but slow",  # a restaurant's table
    "★★★★☆ Great photo session, the photographer was patient and the prints arrived fast",  # anyone's session
    "★★★☆☆ The dog walking group is friendly but they never keep to time",  # a pet's group
    "The volunteers at the hospice shop were lovely. 5 stars",  # a shop's volunteers
])
def test_other_reviews_without_a_babys_word_stay_out(cfg, body):
    an = profile_analyser(cfg, *PROFILE)
    assert (an.identity.names_product(body), an.analyse("", body)) == (None, None), body


def test_the_bare_review_rule_switches_off_alone(cfg, monkeypatch):
    monkeypatch.setattr(shortforms25b, "RULES25B", {"review of our work", "review of a group"})
    an = profile_analyser(cfg, *PROFILE)
    assert [body for body, _words in BARE_REVIEWS if an.analyse("", body) is not None] == []
    assert [body for body, _words in REVIEWS if an.analyse("", body) is None] == []
