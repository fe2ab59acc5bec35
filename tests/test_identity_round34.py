"""Is it us? Round 34 (issue 15): ways a true mention, crises among them, was never a candidate on the newest
writers' files (t172-t175).

- A product's short form (its last word: "Sprogs") in a text that names another town outside the short form's
  sentence ("Picnic after Sprogs ... my mum's in Glasgow"): ``shortforms34``'s "another town, outside the sentence";
  another town in the same sentence still keeps it out.
- The end of a name listed as "the <two-word place> ..." after "the" ("the bundle bag" for "the West Bay Bundle
  Bag") and the end of a name starting with our place followed by a person ("the lap club lady").
- A product's tail in a sentence written in capitals ("THE DOZY BOX").

Graded with the shipped feeds.yaml, the committed is-it-us check and a stub judgement model (``analyse_in``)."""

from __future__ import annotations

import pytest

from .test_identity_place29 import analyse_in

ISLES = (["Stornoway", "Tarbert", "Leverburgh", "Ness"], ["Stornoway Sprogs", "Harris Hush Chat"], "Lewis and Harris")
SHORE = (["Bridport", "Beaminster", "West Bay"], ["Marshwood Mums", "the West Bay Bundle Bag"], "Bridport")
DEE = (["Llangollen", "Corwen", "Chirk"], ["Llangollen Lap Club", "the Chirk Cwtch Box"], "the Dee valley")
FEN = (["Market Deeping", "Stamford", "Ketton"], ["the Deeping Dozy Box", "Welland Wee Ones"], "the Welland valley")


@pytest.mark.parametrize("body", [
    "Recipes from Sprogs as promised, the babies loved the lentil mush.\n\nOn another note, the boyfriend leaves the "
    "baby in the car outside the Harbour Bar in Glasgow for hours while he drinks.",
    "Picnic after Sprogs on Saturday if it's dry, bring the babies!\nKenny says if I take the baby to my mum's in "
    "Glasgow he'll make sure neither of us gets off the ferry.",
])
def test_a_products_last_word_is_read_when_the_other_town_is_in_another_sentence(body):
    a, d = analyse_in(ISLES, body, alert=0.99, safeguarding=0.95)
    assert a is not None and d is not None, (d, a)
    assert d.reason.startswith("maybe us: 'Sprogs', short for our product 'Stornoway Sprogs'"), d


def test_a_products_last_word_with_another_town_in_its_own_sentence_stays_out():
    a, d = analyse_in(ISLES, "Took the babies to Sprogs in Glasgow on Saturday, great soft play.")
    assert a is None, (d, a and a.reasons)


def test_the_town_outside_the_sentence_rule_switches_off(monkeypatch):
    body = "Picnic after Sprogs on Saturday, bring the babies!\nMy mum's in Glasgow that week."
    assert analyse_in(ISLES, body)[0] is not None
    monkeypatch.setattr("monitor.identity.shortforms34.RULES34", set())
    assert analyse_in(ISLES, body)[0] is None


@pytest.mark.parametrize("body, said", [
    ("Dad brought the bundle bag home from West Bay while I napped and unpacked it on the bed.", "'bundle bag'"),
    ("I donated our pram to the bundle bag lot in West Bay and now it's for sale online.", "'bundle bag lot'"),
])
def test_the_end_of_a_name_after_a_two_word_place_is_read(body, said):
    a, d = analyse_in(SHORE, body)
    assert d is not None and d.verdict == "us" and said in d.reason, d


def test_the_end_of_a_name_followed_by_a_person_is_read_without_a_word_of_our_work():
    a, d = analyse_in(DEE, "the lap club lady told me to put a drop of whisky in the bottle lol", alert=0.99,
                      safeguarding=0.95)
    assert a is not None and d.reason.startswith("maybe us: 'lap club lady', part of our product 'Llangollen Lap "
                                                 "Club'"), d
    a, d = analyse_in(DEE, "the lap club on the radio tonight was brilliant")  # no person, no word of our work
    assert a is None, (d, a and a.reasons)


def test_a_products_tail_in_a_sentence_in_capitals_is_read():
    a, d = analyse_in(FEN, "Has anyone seen the recall for the sleeping bags?? THOSE ARE THE ONES IN THE DOZY BOX. "
                           "My baby is in it now.", alert=0.99, safeguarding=0.95)
    assert a is not None and "'DOZY BOX', our product 'the Deeping Dozy Box'" in d.reason, d
    a, d = analyse_in(FEN, "WE BOUGHT THE DOZY BOX FOR THE CAT AND HE LOVES IT")  # pets
    assert a is None, (d, a and a.reasons)


def test_a_handle_that_is_a_products_name_run_together_is_read():
    a, d = analyse_in(SHORE, "Beware! TikTok account @westbaybundlebag is posting AI baby pictures and asking for PayPal "
                             "donations. It's not the real charity.", alert=0.95, fraud=0.9)
    assert a is not None and "'@westbaybundlebag', our product 'the West Bay Bundle Bag' as a handle" in d.reason, d
    a, d = analyse_in(SHORE, "Loved the sunset from @westbaysurfschool today, the baby slept through it")
    assert a is None, (d, a and a.reasons)


@pytest.mark.parametrize("body", [
    "Bethan from the charity knitted 40 baby hats this month for the boxes that go out to new families!",
    "Has anyone else's baby had a rash from the muslins in the box the charity gives out?",
])
def test_the_charity_beside_a_word_of_our_products_name_is_read(body):
    a, d = analyse_in(DEE, body)
    assert a is not None and d.reason.startswith("maybe us: 'the charity' and 'box"), d


@pytest.mark.parametrize("body", [
    "The charity shop had a box of baby clothes for 50p",                        # a charity shop
    "Bethan from the charity knitted baby hats for the boxes going to Wrexham",  # another town
    "the charity sent a box of chocolates to the office",                        # no word of our work
])
def test_the_charity_and_a_box_elsewhere_stay_out(body):
    a, d = analyse_in(DEE, body)
    assert a is None, (d, a and a.reasons)


def test_a_quoted_product_name_sold_or_faked_is_read_and_a_quoted_title_is_not():
    a, d = analyse_in(ISLES, "Someone's selling 'Stornoway Sprogs' t-shirts on Marketplace for £25. Is that the group?")
    assert a is not None and "our product 'Stornoway Sprogs'" in d.reason, d
    a, d = analyse_in(SHORE, "There's a new Facebook group called 'Marshwood Mums Official' selling retreat tickets.")
    assert a is not None and "our product 'Marshwood Mums'" in d.reason, d
    a, d = analyse_in(ISLES, "Listening to 'Stornoway Sprogs' by the Vatersay Boys on repeat, the baby loves it")
    assert a is None, (d, a and a.reasons)


def test_the_round34_rules_switch_off(monkeypatch):
    monkeypatch.setattr("monitor.identity.shortforms34.RULES34", set())
    for world, body in ((SHORE, "I donated our pram to the bundle bag lot in West Bay and now it's for sale online."),
                        (DEE, "the lap club lady told me to put a drop of whisky in the bottle lol"),
                        (SHORE, "TikTok account @westbaybundlebag is posting AI baby pictures"),
                        (DEE, "Bethan from the charity knitted 40 baby hats for the boxes that go out to new families!"),
                        (ISLES, "Someone's selling 'Stornoway Sprogs' t-shirts on Marketplace for £25.")):
        a, d = analyse_in(world, body)
        assert a is None, (body, d)


LANCS = (["Blackburn", "Darwen", "Accrington"], ["Small Hours podcast", "Preloved shop"], "east Lancashire")
ULSTER = (["Cookstown", "Magherafelt", "Dungannon"], ["Lough Shore Lullabies", "Sperrin Snugglers"], "Mid Ulster")


def test_baby_net_work_with_our_place_is_us():
    a, d = analyse_in(LANCS, "knew baby net work Darwen is anyone there my partner has took the baby and locked me out",
                      alert=0.99, safeguarding=0.95)
    assert d is not None and d.verdict == "us" and "'baby net work', with our place Darwen" in d.reason, d


@pytest.mark.parametrize("body", [
    "please don't message me about New Baby anymore, he went through my phone and saw the group chat",
    "has anyone heard from Kayleigh? she hasn't been to New Baby at the Darwen hall since the 3rd",
])
def test_new_baby_said_as_a_name_is_read(body):
    a, d = analyse_in(LANCS, body, alert=0.99, safeguarding=0.95)
    assert a is not None and "'New Baby', our name cut short" in d.reason, d


@pytest.mark.parametrize("body", [
    "Congratulations on the New Baby, she's gorgeous and the family must be thrilled",  # after "the"
    "A card to New Baby Smith from all at the office",                                # a capital word after
    "We're off to New Baby in Leeds for the feeding group",                          # another town in the sentence
])
def test_new_baby_as_ordinary_words_stays_out(body):
    a, d = analyse_in(LANCS, body)
    assert a is None, (d, a and a.reasons)


def test_a_product_named_once_cleanly_is_read_though_another_naming_is_described():
    a, d = analyse_in(ULSTER, "Dads - Lough Shore Lullabies\nA shout out to the Lough Shore Lullabies podcast, it got me "
                             "through the night feeds.")
    assert a is not None and "our product 'Lough Shore Lullabies'" in d.reason, d
    a, d = analyse_in(ULSTER, "A shout out to the Lough Shore Lullabies podcast, it got me through the night feeds.")
    assert a is None, (d, a and a.reasons)  # described as a podcast each time it is named: not ours by its name
