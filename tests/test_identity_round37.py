"""Is it us? Round 37 (issue 15): forms the newest writers used (t184-t187) that no rule read.

- A product's last word after a sentence's first word that says where one went ("At Shrimps this morning one of the
  older volunteers smacked a little boy's hand", "Loved Shrimps this week": t184, two crises) is read as that word
  inside a sentence is (round 32); "At" is capitalised only because it starts the sentence.
- The word before the last of a product's name that ends in what it is ("Whoever decided Gurgle should start at 9"
  for "Guisborough Gurgle Group": t185) is read as round 32 reads the last word.
- A look-alike of our handle with one of our places in its own words ("a Vinted seller called newbabynetwork_saltburn
  selling what's in the free boxes the charity gives out": t185) is someone passing as us where we work.
- t190 (read at the round's end): "The Wrens wouldn't let my mum in with the baby" (a sentence's "The" before the
  product's last word), "the valley baby charity" for "the Wylye valley" (six texts), and "Drove from Sutton Veny for my
  slot at the Heytesbury sling library" (where someone came from is not another town for the group).
- Our name's short form run together ("the babynetwork thing", t185) and our place before "pop-up" ("the Tycroes
  pop-up", t186) are read as "the baby network" and "the Tycroes group" are.

Graded with the shipped feeds.yaml, the committed is-it-us check and a stub judgement model (``analyse_in``); one test
runs end to end (a loopback feed, a real SQLite file, a real SMTP server driven by real apprise)."""

from __future__ import annotations

import pytest

from .test_identity_place29 import analyse_in, one_post_run, profiled_run

SHEPPEY = (["Sheerness", "Minster", "Eastchurch", "Leysdown"], ["Sheppey Shrimps", "the Minster Milk Line",
                                                                "Leysdown Little Waves"], "the Isle of Sheppey")
CLEVELAND = (["Saltburn-by-the-Sea", "Loftus", "Guisborough", "Skelton"], ["Saltburn Seedlings"],
             "East Cleveland and the Saltburn coast")
AMMAN = (["Ammanford", "Brynamman", "Glanamman", "Tycroes"], ["Amman Cwtches"], "the Amman valley")

SMACK = ("Not sure what to do. At Shrimps this morning one of the older volunteers smacked a little boy's hand really "
         "hard when he grabbed a biscuit, and dragged him to the corner by the wrist.{where}")


@pytest.mark.parametrize("body", [
    SMACK.format(where=""),
    "Hi all, long post sorry. Loved Shrimps this week, the sleep chat with the volunteers was really useful.",
])
def test_a_products_last_word_after_a_sentences_going_word_is_read(body):
    a, d = analyse_in(SHEPPEY, body)
    assert a is not None and d.reason.startswith("maybe us: 'Shrimps', short for our product 'Sheppey Shrimps'"), \
        (d, a and a.reasons)


def test_with_our_place_the_going_word_form_is_us():
    a, d = analyse_in(SHEPPEY, SMACK.format(where=" We only moved to Sheerness in May."))
    assert d.verdict == "us" and "'Shrimps', short for our product 'Sheppey Shrimps'" in d.reason, d


@pytest.mark.parametrize("body", [
    # another capitalised word first that is not a going word: another thing's name ("Rockpool Shrimps")
    "Rockpool Shrimps this morning were lovely, the volunteers had the babies giggling.",
    # the going word not first in its sentence: "Went To Shrimps" in a title's capitals is someone's name style
    "My friend Went At Shrimps with the volunteers and the babies today.",
    # scouting stays theirs as before (round 32)
    "At Cubs tonight he got his badge, the volunteers were lovely with the babies' siblings.",
])
def test_other_capitalised_words_before_the_last_word_still_keep_it_out(body):
    products = ["Sheppey Shrimps", "Clun Forest Cubs"]
    a, d = analyse_in((SHEPPEY[0], products, SHEPPEY[2]), body)
    assert a is None, (d, a and a.reasons)


def test_the_going_word_form_switches_off_with_round_32s_rule(monkeypatch):
    from monitor.identity import shortforms32

    monkeypatch.setattr(shortforms32, "RULES32", set())
    a, d = analyse_in(SHEPPEY, SMACK.format(where=""))
    assert a is None, (d, a and a.reasons)


def test_the_word_before_a_products_kind_word_is_read_as_its_last_word_is():
    world = (CLEVELAND[0], ["Guisborough Gurgle Group"], CLEVELAND[2])
    a, d = analyse_in(world, "Whoever decided Gurgle should start at 9 now has never tried to get a newborn out of "
                             "the house by 8.45")
    assert a is not None and d.reason.startswith("maybe us: 'Gurgle', short for our product 'Guisborough Gurgle "
                                                 "Group'"), (d, a and a.reasons)
    # a two-word name keeps its first word out ("Amman Cwtches": "Amman" is the place's)
    assert analyse_in(AMMAN, "Loved Amman this week, the newborn slept all the way.")[0] is None


VINTED = ('Anyone else notice a Vinted seller called "{handle}" selling brand new sleepsuits, muslins and those little '
          "sheep board books in bundles? That's literally what's in the free boxes the charity gives out. Either "
          "someone's selling on their donated stuff or someone's using the charity's name to flog things. Either way "
          "not on.")


def test_a_look_alike_handle_with_our_place_in_it_is_someone_passing_as_us():
    a, d = analyse_in(CLEVELAND, VINTED.format(handle="newbabynetwork_saltburn"))
    assert d.verdict == "us", d
    assert d.reason == ("it is us: a look-alike of our handle (newbabynetwork_saltburn), with our place Saltburn in "
                        "it: someone may be passing as us"), d
    assert a.severity in ("alert", "crisis") and "look-alike of our name: newbabynetwork_saltburn" in a.reasons


@pytest.mark.parametrize("handle", ["newbabynetwork_leeds", "newbabynetworkshop"])
def test_a_look_alike_handle_without_our_place_stays_out(handle):
    a, d = analyse_in(CLEVELAND, VINTED.format(handle=handle))
    assert a is None, (d, a and a.reasons)


@pytest.mark.parametrize("world,body,said", [
    (CLEVELAND, "Lou: u going to the babynetwork thing tmrw? x\nMe: which one, saltburn or skelton",
     "'the babynetwork', with our place Saltburn"),
    (AMMAN, "Two dads here. Went to the Tycroes pop-up this morning and a volunteer asked 'so which one of you is the "
            "mum then?' and laughed. Won't be back.", "'Tycroes pop-up', one of our places"),
])
def test_our_short_form_run_together_and_our_places_pop_up_are_us(world, body, said):
    a, d = analyse_in(world, body)
    assert a is not None and d.verdict == "us" and d.reason.startswith(f"it is us: {said}"), (d, a and a.reasons)


@pytest.mark.parametrize("world,body", [
    (CLEVELAND, "Reset the babynetwork router password again, the wifi in Skelton is rubbish."),  # a home network
    (AMMAN, "The Tycroes pop-up shop had lovely candles and soap this weekend."),  # no word of our work
])
def test_a_home_network_or_a_shops_pop_up_is_not_us(world, body):
    a, d = analyse_in(world, body)
    assert a is None, (d, a and a.reasons)


def test_a_run_emails_the_look_alike_seller_in_our_town(httpserver, make_config, smtp, monkeypatch):
    """End to end: the seller trading under our name and our town is stored as ours at alert and emailed (the rules
    grade it: "Disgusted")."""
    cfg, db_path = profiled_run(make_config, httpserver, smtp, monkeypatch, CLEVELAND[1], CLEVELAND[0])
    row = one_post_run(cfg, db_path, httpserver, smtp, 0, "Vinted seller",
                       VINTED.format(handle="newbabynetwork_saltburn") + " Disgusted.", "alert", 1)
    assert "newbabynetwork_saltburn" in smtp.messages[-1].get_body(preferencelist=("plain", "html")).get_content()
    assert "with our place Saltburn in it: someone may be passing as us" in row["reasons"], row["reasons"]


WYLYE = (["Heytesbury", "Codford", "Wylye", "Steeple Langford", "the Wylye valley"], ["Wylye Wrens"], "the Wylye valley")


@pytest.mark.parametrize("body,said", [
    ("The Wrens wouldn't let my mum in with the baby because she's 'not a parent'. Felt very unwelcoming.",
     "maybe us: 'Wrens', short for our product 'Wylye Wrens'"),
    ("Anyone else had their referral to the valley baby charity go missing? My midwife sent it twice.",
     "maybe us: 'the valley baby charity', for our area ('the Wylye valley')"),
    ("Drove from Sutton Veny for my 11am slot at the Heytesbury sling library and they'd double-booked. Had to wait "
     "50 minutes with a hungry baby.", "it is us: 'Heytesbury sling library', one of our places"),
])
def test_t190s_forms_are_read(body, said):
    a, d = analyse_in(WYLYE, body)
    assert a is not None and d.reason.startswith(said), (d, a and a.reasons)


@pytest.mark.parametrize("world,body", [
    # "The" then the product's word then another capitalised word: another thing's name
    (WYLYE, "The Wrens Nest pub in Bath does a good Sunday lunch, baby changing too."),
    # an area that does not end in "valley": "the valley baby group" is anyone's
    ((["Heytesbury"], ["Wylye Wrens"], "Heytesbury"), "Is the valley baby group any good? My newborn needs friends."),
    # a town someone went to, not came from, still names another group's home
    (WYLYE, "Went to Sutton Veny for the baby charity swap with my newborn, the volunteers were lovely."),
    # "come from" inside another word is no journey ("a warm welcome from Bristol")
    (WYLYE, "A warm welcome from Bristol to the baby charity swap, my newborn loved the volunteers."),
])
def test_t190s_forms_keep_their_guards(world, body):
    a, d = analyse_in(world, body)
    assert a is None, (d, a and a.reasons)


def test_where_someone_came_from_is_not_another_town():
    a, d = analyse_in(WYLYE, "Came from Sutton Veny for the baby charity swap with my newborn, the volunteers were "
                             "lovely.")
    assert a is not None and d.reason.startswith("maybe us: 'the baby charity', with words of our work"), d
