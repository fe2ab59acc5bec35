"""Is it us? Round 35 (issue 15): true mentions lost on the newest writers' files (t176-t179).

- A text that names a namesake we know (the shipped profile's "New Baby Network Ltd") and, in another naming, us with
  one of our places in that naming's sentence ("The New Baby Network that does the Friday group at Bawtry is a little
  charity"): about us too (``place_evidence.ours_apart``). The namesake alone, even beside our place, stays out.
- "that 'baby charity' in Melton": the baby charity in scare quotes, with our place.

Graded with the shipped feeds.yaml, the committed is-it-us check and a stub judgement model (``analyse_in``)."""

from __future__ import annotations

import pytest

from .test_identity_place29 import analyse_in

IDLE = (["Bawtry", "Misterton", "Gringley on the Hill", "Everton"], ["Bawtry Bumps and Babes"], "the Idle valley")
WREAKE = (["Melton Mowbray", "Asfordby", "Waltham on the Wolds"], ["the Asfordby Arrival Bag"], "the Wreake valley")


@pytest.mark.parametrize("body", [
    "People are sharing that thread about 'New Baby Network' taking money for boxes that never arrive. That's a company "
    "called New Baby Network Ltd. The New Baby Network that does the Friday group at Bawtry is a little charity, "
    "please don't leave them nasty reviews.",
    "Not the same company, but while we're all moaning about New Baby Network Ltd: I also complained to the Bawtry "
    "charity New Baby Network in August about a rude volunteer and never heard back.",
])
def test_our_name_with_our_place_is_us_when_a_namesake_we_know_is_named_apart(body):
    a, d = analyse_in(IDLE, body)
    assert a is not None and d.verdict == "us", (d, a and a.reasons)
    assert d.reason == "it is us: our place Bawtry beside our name, New Baby Network Ltd named apart", d


@pytest.mark.parametrize("body", [
    "New Baby Network Ltd still hasn't sent my order, and their warehouse is in Bawtry! Avoid.",
    "Ordered a pram from New Baby Network Ltd in March. New Baby Network Ltd never delivered. Avoid.",
])
def test_the_namesake_we_know_stays_out_beside_our_place_or_alone(body):
    a, d = analyse_in(IDLE, body)
    assert a is None and d.verdict == "not_us", (d, a and a.reasons)
    assert d.reason == "not us: about New Baby Network Ltd, an online shop selling baby goods", d


def test_the_baby_charity_in_scare_quotes_with_our_place_is_read():
    a, d = analyse_in(WREAKE, "So the boss of that 'baby charity' in Melton Mowbray has just rocked up in a brand new "
                              "Range Rover while the mums get out of date nappies. Where are YOUR donations going??",
                      alert=0.95, fraud=0.9)
    assert a is not None and d.reason == "it is us: 'that baby charity', with our place Melton Mowbray", d
    a, d = analyse_in(WREAKE, "So the boss of that baby shop in Melton Mowbray has a brand new Range Rover")
    assert a is None, (d, a and a.reasons)


DURHAM = (["Sunderland", "Durham", "Washington", "Seaham", "Bishop Auckland"], [], "Sunderland and County Durham")


@pytest.mark.parametrize("body", [
    "5 stars. The volunteer who came to our house in Bishop Auckland was so kind and sorted us a smoke alarm.",
    "3 stars. The volunteer was kind but the Washington hall is freezing, bring a cardi.",
    "Sunderland volunteers are the best. 5 stars.",
])
def test_our_own_places_are_not_another_town_or_a_place_abroad(body):
    # "Auckland" is a place abroad and "Durham" a UK town to the rules' other-town check (``shortforms._elsewhere``):
    # a charity working there must not lose its own reviews to them (``shortforms.elsewhere_for``)
    a, d = analyse_in(DURHAM, body, alert=0.1)
    assert a is not None and d.verdict == "us", (d, a and a.reasons)


def test_another_town_beside_ours_still_keeps_a_review_out():
    a, d = analyse_in(DURHAM, "4 stars. Lovely group in Leeds, the volunteers in Durham should copy it.", alert=0.1)
    assert a is None, (d, a and a.reasons)


RHINNS = (["Portpatrick", "Sandhead", "Drummore", "Nefyn"], [], "the Rhinns")


@pytest.mark.parametrize("body, said", [
    ("> any support for new mums down that end?\n\nThe wee network in Sandhead is brilliant, café on a Thursday.",
     "'The wee network', with our place Sandhead"),
    ("Funny what you hear about a certain baby 'network' in Nefyn when you sit in the pub long enough 👀",
     "'a certain baby network', with our place Nefyn"),
])
def test_a_wee_network_with_our_place_in_its_sentence_is_read(body, said):
    a, d = analyse_in(RHINNS, body, alert=0.1)
    assert a is not None and said in d.reason, (d, a and a.reasons)


@pytest.mark.parametrize("body", [
    "the baby network of cousins in Sandhead is now at 9 under-5s, Christmas is going to be LOUD",
    "A babysitter who found work through the Baby Network Sandhead co-op has been arrested.",
    "The wee network in Sandhead keeps dropping, the broadband is useless again.",
])
def test_other_networks_in_our_place_stay_out(body):
    a, d = analyse_in(RHINNS, body, alert=0.1)
    assert a is None, (d, a and a.reasons)
