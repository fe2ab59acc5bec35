"""Is it us? Round 33 (issue 15): ways a true mention, crises among them, was never a candidate on the newest
writers' files (t168-t171).

- A product's name without its first word, written with its capitals ("Bairns Club has run out of biscuits" for
  "Berwick Bairns Club", "money for Cradle Boxes" for "the Giant's Cradle Box": ``shortforms33``), with no word of
  our work needed; not after another capitalised word, "a" or "&", not before a capitalised word, not with another
  town in its sentence, not about pets.
- The same words in lower case after "the" for a name listed as "<our place> ..." ("texted the lullaby line").
- "baby network" in lower case with one of our places in its sentence ("the Brecon baby network").
- The words after our place in a name, plural ("forty Snuggle Sacks" for "the Spittal Snuggle Sack":
  ``shortforms29b``'s "name without place word" read only the singular).
- A street named after a town is no other town ("the women's refuge on the Coleraine Road": ``words.UK_PLACE``).

Graded with the shipped feeds.yaml, the committed is-it-us check and a stub judgement model (``analyse_in``)."""

from __future__ import annotations

import pytest

from monitor.identity.words import _rx

from .test_identity_place29 import analyse_in

TWEED = (["Tweedmouth", "Spittal", "Belford", "Norham"], ["Norham Bairns Club", "the Spittal Snuggle Sack",
                                                          "the Giant's Cradle Box"], "north Northumberland")
LEVELS = (["Langport", "Somerton", "Muchelney", "Huish Episcopi"], ["Somerton Lullaby Line", "Levels Little Ones"],
          "the Somerset Levels")
BEACONS = (["Brecon", "Crickhowell", "Talgarth", "Llangynidr"], ["Beacons Babes"], "the Brecon Beacons")


@pytest.mark.parametrize("body, said", [
    ("Bairns Club has run out of biscuits. Please send hobnobs to the hall immediately.", "Bairns Club"),
    ("Was ambushed at Bairns Club this morning. By kindness and lemon drizzle.", "Bairns Club"),
    ("I gave £40 in the spring specifically for Cradle Boxes and nobody will say how many went out.", "Cradle Boxes"),
])
def test_a_names_tail_with_its_capitals_is_read(body, said):
    a, d = analyse_in(TWEED, body)
    assert a is not None and d.verdict == "unsure", d
    assert f"'{said}', our product" in d.reason and d.reason.endswith("kept at watch at most"), d


@pytest.mark.parametrize("body", [
    "The Tyne Bairns Club was great for my nephew.",                    # after another capitalised word
    "Bairns Club Newcastle opens a second room in March.",             # a capitalised word after it
    "Went to Bairns Club in Alnwick yesterday, lovely morning.",        # another town in its sentence
    "We got a Cradle Box for the puppy, he loves it.",                 # pets (and after "a")
    "the bairns club at school has a new teacher",                     # not written as a name
])
def test_a_names_tail_stays_out_where_it_is_someone_elses(body):
    a, d = analyse_in(TWEED, body)
    assert a is None, (d, a and a.reasons)


def test_the_tail_rule_switches_off(monkeypatch):
    monkeypatch.setattr("monitor.identity.shortforms33.RULES33", set())
    a, d = analyse_in(TWEED, "Bairns Club has run out of biscuits. Please send hobnobs to the hall immediately.")
    assert a is None and d is None


def test_a_plural_name_after_our_place_word_is_read_with_our_place():
    a, d = analyse_in(TWEED, "Spittal hall was busy: we packed forty Snuggle Sacks in under an hour!")
    assert d is not None and d.verdict == "us", d
    assert "'Snuggle Sacks'" in d.reason, d


def test_a_names_end_in_lower_case_after_the_for_a_name_starting_with_our_place():
    a, d = analyse_in(LEVELS, "Texted the lullaby line in a state at 10pm, the baby had screamed for three hours.")
    assert a is not None and "'lullaby line', part of our product 'Somerton Lullaby Line'" in d.reason, d
    a, d = analyse_in(LEVELS, "the lullaby line on the radio tonight was gorgeous")  # no word of our work, no place
    assert a is None, (d, a and a.reasons)


@pytest.mark.parametrize("body", [
    "How much training do the volunteers at the Brecon baby network actually have?",
    "Someone in the private baby network zoom screenshotted us and it's now in three Brecon WhatsApp groups.",
])
def test_baby_network_with_our_place_in_its_sentence_is_us(body):
    a, d = analyse_in(BEACONS, body, alert=0.99, consent_privacy=0.9)
    assert d is not None and d.verdict == "us", d
    assert "'baby network', with our place Brecon" in d.reason, d


@pytest.mark.parametrize("body", [
    "The Brecon baby network camera keeps dropping off the wifi.",          # a gadget
    "A baby network in Brecon and another in Cardiff are planned.",         # another town in the sentence
    "Brecon news: the baby network of cousins met at the castle.",          # "... of": an ordinary phrase
])
def test_baby_network_beside_a_gadget_or_another_town_stays_out(body):
    a, d = analyse_in(BEACONS, body)
    assert a is None, (d, a and a.reasons)


def test_a_street_named_after_a_town_is_no_other_town():
    assert not _rx.UK_PLACE.search("staying at the refuge on the Coleraine Road today")
    assert _rx.UK_PLACE.search("staying at the refuge in Coleraine today")


EASTNEUK = (["Anstruther", "Pittenweem", "Crail", "St Monans"], ["Harbour Bairns", "the Neuk Swap"], "the East Neuk of Fife")


@pytest.mark.parametrize("body, said", [
    ("I keep putting my tablets in a box instead of taking them. The lady from the network who visits on Mondays keeps "
     "asking how I'm sleeping and I say fine.", "'the network who visits'"),
    ("the woman from the network at the cafe said to ring 111 about the baby's breathing but I've got work at 6",
     "'woman from the network'"),
    ("Zara: u ok? missed u at baby network / Holly: took a few of my mum's pills and a few more. feeling floaty",
     "'at baby network'"),
    ("can't come thursday girls. he's said if i go to that network group again he'll take the baby to his mum's",
     "'that network group'"),
])
def test_the_network_as_people_or_somewhere_one_goes_is_read(body, said):
    a, d = analyse_in(EASTNEUK, body, alert=0.99, safeguarding=0.95)
    assert a is not None and d.reason.startswith(f"maybe us: {said}"), d


def test_someone_at_the_door_saying_they_are_from_the_baby_network_is_us_with_our_place():
    a, d = analyse_in(EASTNEUK, "Crail mums, be careful. A man came to my door saying he was 'from the baby network' and "
                                "needed to come in and check where the baby sleeps. No badge.", alert=0.99,
                      safeguarding=0.95)
    assert d is not None and d.verdict == "us", d
    assert d.reason == "it is us: 'from the baby network', and our place Crail in the text", d


@pytest.mark.parametrize("body", [
    "the man from the network said the broadband outage would be fixed by Friday",   # a broadband network
    "The lady from the network at the bank in Leeds sorted my card, the baby slept",  # another town
    "the network who came to fix the wifi left the baby gate open",                   # wifi
    "We were at baby network training in Dundee all day",                             # another town
    "that network group for small businesses is full of recruiters",                  # no word of our work
])
def test_the_network_of_other_things_stays_out(body):
    a, d = analyse_in(EASTNEUK, body)
    assert a is None, (d, a and a.reasons)


def test_baby_network_capitalised_after_from_is_a_name_of_its_own():
    a, d = analyse_in(EASTNEUK, "Keith from Baby Network Radio played my request this morning!! Happy first birthday Lily!")
    assert a is None, (d, a and a.reasons)


MULL = (["Tobermory", "Salen", "Craignure", "Dervaig"], ["Mull Minis"], "the Isle of Mull")


@pytest.mark.parametrize("body, said", [
    ("im 17 and i go to the baby thing in salen with my wee boy. one of the volunteers keeps messaging me", "baby thing"),
    ("I don't know who to tell. At the Dervaig drop in on Thursday a volunteer was really rough with a baby", "drop in"),
])
def test_a_baby_thing_or_a_drop_in_at_our_place_is_read(body, said):
    a, d = analyse_in(MULL, body, alert=0.99, safeguarding=0.9)
    assert d is not None and d.verdict == "us" and said in d.reason, d


def test_a_drop_in_elsewhere_stays_out():
    a, d = analyse_in(MULL, "The council's drop in at Oban library was busy, the babies loved the books")
    assert a is None, (d, a and a.reasons)
