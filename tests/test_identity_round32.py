"""Is it us? Round 32 (issue 15): two ways a true mention, a crisis each time, was never a candidate on the newest
writers' files.

- A handle one letter off ours ("@NewBabyNetwrk", "@newbabynetwrok"): a typing slip, or someone passing as us
  (``matching.one_slip``). It is read as a look-alike of our handle (``place_evidence.lookalike_decision``): us with
  one of our places or products in the text, unsure when the text doubts it, else not read. Only for names of ten or
  more letters and only written as a handle: "@newbabynetwrk", not "new baby netwrk" (the misspelling matcher's).
- A product's last word alone, written with its capital inside a sentence, even an everyday word ("She's stopped
  coming to Cubs" for "Clun Forest Cubs": ``shortforms32``), with one of our places or a word of our work and no other
  town; not starting a sentence, not after another name ("Oak & Wrap"), not before a capitalised word, not about
  scouting or pets.
- "the baby network" with a text line, help line or support line in its sentence ("I messaged the baby network text
  line"): ours, where a phone line or a railway line still makes it someone else's network
  (``shortforms._OTHER_NETWORK``).

Graded with the shipped feeds.yaml, the committed is-it-us check and a stub judgement model (``analyse_in``)."""

from __future__ import annotations

import pytest

from monitor.matching import Matcher, one_slip

from .test_identity_place29 import analyse_in

LIZARD = (["Mullion", "Coverack", "St Keverne", "Cadgwith"], ["Lizard Littles", "Serpentine Slings", "the Cove Crate"],
          "the Lizard peninsula")
URQUHART = (["Drumnadrochit", "Cannich", "Balnain", "Lewiston"],
            ["Glen Gorlach Bairns", "the Nessie Nappy Bank", "Cannich Cosies"], "Glen Urquhart")
CLUN = (["Newcastle-on-Clun", "Anchor", "Bettws-y-Crwyn", "Llanfair Waterdine"],
        ["Clun Forest Cubs", "Teme Tots Swap", "the Hill Farm Hamper"], "the Clun Forest")
AT_RISK = ("{handle} you said someone from mullion would ring me back by 6. its gone 8. ive been sat in the car up on "
           "the headland since. dont think im going home tonight")


@pytest.mark.parametrize("a, b, slip", [
    ("newbabynetwrk", "newbabynetwork", True),     # a letter left out
    ("newbabynetwrok", "newbabynetwork", True),    # two neighbours swapped
    ("newbabynetworkk", "newbabynetwork", True),   # a letter added
    ("newbabynetwark", "newbabynetwork", True),    # a letter changed
    ("newbabynetwork", "newbabynetwork", False),   # ours
    ("newbabynetworkuk", "newbabynetwork", False),  # two letters more: round 21's look-alike reads it
    ("newbabynetwrkk", "newbabynetwork", False),   # two slips
    ("netbabynewwork", "newbabynetwork", False),   # letters swapped far apart
])
def test_one_slip_is_one_letter_left_out_added_changed_or_swapped(a, b, slip):
    assert one_slip(a, b) is slip and one_slip(b, a) is slip


def test_a_handle_one_slip_from_ours_is_a_look_alike_and_plain_words_are_not():
    m = Matcher(["New Baby Network", "@newbabynetwork"])
    text = "@NewBabyNetwrk and @newbabynetwrok and @NewBabyNetwork and newbabynetwrk and @newbabynetwork_uk"
    assert m.could_mention("hi @NewBabyNetwrk")
    assert m.lookalikes(text) == ["@newbabynetwrk", "@newbabynetwrok", "@newbabynetwork_uk"]
    assert m.slipped(m.lookalikes(text)) == ["@newbabynetwrk", "@newbabynetwrok"]
    assert m.lookalikes("newbabynetwrk is down again") == []  # no "@": not a handle (the misspellings' business)
    # a short name is too easily one letter from another: nothing under ten letters
    assert Matcher(["Bump Club", "@bumpclub"]).lookalikes("@bumpclb is on") == []


def test_a_slipped_handle_with_our_place_is_us_and_a_crisis_reaches_the_directors():
    a, d = analyse_in(LIZARD, AT_RISK.format(handle="@NewBabyNetwrk"), alert=0.99, safeguarding=0.9)
    assert d.verdict == "us", d
    assert d.reason == ("it is us: a look-alike of our handle (@newbabynetwrk) in a post naming our place Mullion: "
                        "our handle mistyped, or someone passing as us")
    assert a.reasons[0] == ("look-alike of our name: @newbabynetwrk (one letter off our handle: a slip, or someone "
                            "passing as us)")
    assert a.severity == "alert", a.reasons  # the stub reads alert; nothing holds it below


def test_a_slipped_handle_alone_stays_out_and_a_doubted_one_is_read():
    a, d = analyse_in(LIZARD, "@newbabynetwrok you absolute angels, thank you for the visit when we came home")
    assert a is None and d is None
    # an impersonation cue reads it as about us (round 21's look-alike path), as for "@newbabynetwork_uk"
    a, d = analyse_in(LIZARD, "Who is @NewBabyNetwrk on twitter?? It's using a deer logo. Is it actually them?")
    assert a is not None and a.reasons[0].startswith("look-alike of our name: @newbabynetwrk (one letter off"), a


@pytest.mark.parametrize("body, said", [
    ("Has anyone seen Rhian? She's stopped coming to Cubs and the baby's been in the same nappy since Sunday.", "Cubs"),
    ("Anyone else noticed the man taking photos of the babies through the window during Cubs on Thursday?", "Cubs"),
    ("Does anyone else find Cubs a bit cliquey lately? Same group of mums by the radiator every week.", "Cubs"),
    ("A volunteer dropped off our Hamper and held the baby so I could shower, saints the lot of them.", "Hamper"),
])
def test_a_products_last_word_capitalised_is_read(body, said):
    a, d = analyse_in(CLUN, body)
    assert a is not None and d.verdict == "unsure", d
    assert f"'{said}', short for our product" in d.reason and d.reason.endswith("kept at watch at most"), d


@pytest.mark.parametrize("body", [
    "Cubs moved to 10.30 now, bit late for the baby's nap.",                       # a sentence's first word
    "Took the baby to watch her brother get his badge at Cubs.",                  # scouting
    "Booked Oak & Swap for the baby shower, lovely sandwiches.",                  # another name's word
    "We love Cradle to Cubs for the baby, brilliant soft play.",                  # another name's word
    "A new soft play has called itself Cubs Play Barn, the babies love it.",     # a capitalised word after it
    "Went to Cubs in Shrewsbury with the baby, lovely morning.",                 # another town, none of ours
    "the baby loves the cubs at the wildlife park",                              # not written as a name
])
def test_a_products_last_word_stays_out_where_it_is_someone_elses(body):
    a, d = analyse_in(CLUN, body)
    assert a is None, (d, a and a.reasons)


def test_the_last_word_rule_switches_off(monkeypatch):
    body = "Has anyone seen Rhian? She's stopped coming to Cubs and the baby's been in the same nappy since Sunday."
    monkeypatch.setattr("monitor.identity.shortforms32.RULES32", set())
    a, d = analyse_in(CLUN, body)
    assert a is None and d is None


@pytest.mark.parametrize("body", [
    "I messaged the baby network text line and the volunteer said newborns are sleepy and to wait till Monday.",
    "Rang the baby network support line about feeding, the volunteer was lovely.",
])
def test_the_baby_network_with_a_text_line_is_read(body):
    a, d = analyse_in(URQUHART, body)
    assert a is not None and d.verdict == "unsure", d
    assert "'the baby network'" in d.reason


@pytest.mark.parametrize("body", [
    "the baby network phone line is down again, no signal for the feeding volunteers",
    "the baby network line closures mean no trains to Inverness for the new mums this week",
])
def test_the_baby_network_beside_a_phone_or_railway_line_stays_out(body):
    a, d = analyse_in(URQUHART, body)
    assert a is None, (d, a and a.reasons)


def test_round_32_switches_off_as_before(monkeypatch):
    """Without the slip reading (no name of ten or more letters counts) the handle is not read, as before."""
    monkeypatch.setattr("monitor.matching.ONE_SLIP_MIN", 99)
    a, d = analyse_in(LIZARD, AT_RISK.format(handle="@NewBabyNetwrk"), alert=0.99, safeguarding=0.9)
    assert a is None and d is None
