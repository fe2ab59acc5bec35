"""Finding our name: the near-misses that fooled a naive regex must not count."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.matching import Matcher

from .conftest import REPO, SHIPPED

matcher = Matcher(SHIPPED["organisation"]["terms"], SHIPPED["organisation"]["exclude"])


@pytest.mark.parametrize("text", [
    "Thanks New Baby Network!",
    "thanks NEW BABY NETWORK",
    "went to New   Baby\nNetwork today",
    "the New-Baby-Network group",
    "#NewBabyNetwork rocks",
    "cc @newbabynetwork please",
    "see newbabynetwork.org.uk/groups",
    "New Baby Network's volunteers",
    "ＮＥＷ ＢＡＢＹ ＮＥＴＷＯＲＫ",  # full-width letters
    "New Baby\u200bNetwork",  # zero-width space inserted
])
def test_mentions(text):
    from monitor.text import tidy

    assert matcher.find(tidy(text)), text


@pytest.mark.parametrize("text", [
    "our new baby. Network rail is late again",  # split by sentence punctuation
    "a new baby, network of friends",
    "#NewBabyNetworking breakfast",  # a longer hashtag
    "follow @newbabynetwork_fan",  # a longer handle
    "we built a new baby network of friends",  # excluded phrase
    "New Baby Network Solutions Ltd announces results",  # look-alike organisation
    "new baby unit joins regional network",
    "New baby - network of grandparents already arguing",  # a spaced dash ends a thought
    "Is there a new baby network group in Bristol?",  # lower case after "a": an ordinary phrase
    "anyone else's new baby network completely out of control?",
])
def test_near_misses(text):
    assert not matcher.find(text), text


def test_exclusion_vetoes_only_the_overlapping_match():
    found = matcher.find("New Baby Network Solutions is not New Baby Network.")
    assert len(found) == 1 and found[0].start > 30


@given(st.lists(st.sampled_from([" ", "  ", "\n", "-", "-\n", "\t", ""]), min_size=2, max_size=2),
       st.lists(st.booleans(), min_size=3, max_size=3))
def test_any_spacing_and_case_of_the_name_matches(gaps, upper):
    words = [w.upper() if u else w for w, u in zip(["new", "baby", "network"], upper)]
    text = f"Thanks to {words[0]}{gaps[0]}{words[1]}{gaps[1]}{words[2]} for the help"
    assert matcher.find(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=5))
def test_a_longer_word_is_never_us(suffix):
    assert not matcher.find(f"join #newbabynetwork{suffix} and @newbabynetwork{suffix} today")


def test_lower_case_name_without_an_ordinary_phrase_cue_is_still_us():
    assert matcher.find("thanks to new baby network for the nappies")
    assert matcher.find("the new baby network group was lovely")
    assert not matcher.find("my new baby network of mums")


def test_lookalike_handles_are_found_but_are_not_us():
    text = "PSA: @NewBabyNetw0rk and @newbabynetwork_uk are NOT @newbabynetwork"
    assert matcher.lookalikes(text) == ["@newbabynetw0rk", "@newbabynetwork_uk"]
    assert [m.text for m in matcher.find(text)] == ["@newbabynetwork"]


# Weak candidates (issue 15): what find() leaves out, candidates() returns flagged for identity to decide.
@pytest.mark.parametrize("text, written", [
    ("new baby netwrok is there anyone online tonight", "new baby netwrok"),
    ("new baby netwrk cafe was rammed today", "new baby netwrk"),
    ("The New Baby Netwerk café ladies were nice", "new baby netwerk"),
    ("Nu Baby Network baby cafe on Tuesday", "nu baby network"),
    ("Hi New Baby Netowrk, one of your volunteers", "new baby netowrk"),
    ("The New Baby Networks dads group", "new baby networks"),
    ("New Babby Network lady said I could msg", "new babby network"),
    ("shout out to New Babies Network in Andover", "new babies network"),  # a word in the plural (round 18)
])
def test_misspellings_are_flagged_candidates(text, written):
    from monitor.matching import MISSPELLED

    assert matcher.could_mention(text)
    assert not matcher.find(text)
    (m,) = matcher.candidates(text)
    assert m.text == written and MISSPELLED in m.flags and m.term == "New Baby Network"


def test_the_lower_case_name_after_a_determiner_is_a_flagged_candidate():
    from monitor.matching import ORDINARY

    for text in ("that new baby network group saved me", "I cancelled my new baby network visit"):
        (m,) = matcher.candidates(text)
        assert m.flags == (ORDINARY,) and not matcher.find(text), text
    assert not matcher.candidates("newbaby network")[0].flags  # joined words are our name, not a misspelling


def test_our_name_as_voice_typing_writes_it_is_a_match():
    # round 15: "network" typed by voice as "net work" (t60-082, t71-101: ours, and every such post in the files is)
    for text, written in (("Can I just say the new baby net work in Dungannon are brilliant", "new baby net work"),
                          ("New Baby Net Work Accrington is on Thursday not Wednesday", "new baby net work")):
        (m,) = matcher.candidates(text)
        assert m.text == written and not m.flags and m.term == "New Baby Network" and matcher.could_mention(text)
    assert matcher.candidates("a new baby net work visit")[0].flags  # lower case after a determiner: as any match
    for text in ("my net work and the new baby", "new baby net\nwork rota", "new baby net-work", "new baby ne twork"):
        assert not matcher.candidates(text), text


@pytest.mark.parametrize("text", [
    "we built a new baby network of friends",  # exclude phrase and "of" after: never a candidate
    "my new baby network of mums",
    "#NewBabyNetworking breakfast",
    "follow @newbabynetwork_fan",
    "new baby networking evening",  # three letters off is another word
    "new baby notebook",
    "new body network",  # two letters off and other consonants
])
def test_what_stays_out_of_the_candidates(text):
    assert not matcher.candidates(text), text


# Hashtags (issue 11): a campaign hashtag against us is what the directors must hear of. Real texts from
# training/ (t6-0104, t16-224, t17-117: crises; t16-101, t17-131, t2-0450: namesakes; m146, m163, m174,
# f041: near-misses labelled not us).
BOYCOTT = ("Bluesky · #BoycottNewBabyNetwork is trending in the UK after that clip of a volunteer doing an "
           "impression of a deaf mum signing. Absolutely disgusting. RT if you agree")


@pytest.mark.parametrize("text, hashtag", [
    (BOYCOTT, "#BoycottNewBabyNetwork"),
    ("The charity have said NOTHING. Share until they respond. #BoycottNewBabyNetwork #Norwich", "#BoycottNewBabyNetwork"),
    ("Still no apology from them. #ShameOnNewBabyNetwork", "#ShameOnNewBabyNetwork"),
    ("Volunteers deserve better #NHSAndNewBabyNetwork", "#NHSAndNewBabyNetwork"),
])
def test_a_camelcase_hashtag_ending_in_our_name_is_read_as_its_words(text, hashtag):
    assert matcher.could_mention(text)
    (m,) = matcher.find(text)
    assert m.text == "newbabynetwork" and m.flags == () and m.term == "New Baby Network"
    at = text.index(hashtag)
    assert at < m.start and m.end == at + len(hashtag)  # the name's words, inside the hashtag, ending it


@pytest.mark.parametrize("text", [
    "Three weeks waiting for a call back and still nothing #NewBabyNetworkFail",
    "Delighted to welcome the Minister for Children to our Tallaght group this morning 💚 Thanks for listening "
    "to our parents! #NewBabyNetworkIreland #ParentsLeave",  # t16-101, a namesake: the whole text decides
    "Still no apology from them. #shameonnewbabynetwork",  # no case to read the words by
    "#BOYCOTTNEWBABYNETWORK until they apologise",
    "#newbabynetworkfail again",
])
def test_our_name_inside_a_longer_hashtag_is_a_flagged_candidate(text):
    from monitor.matching import IN_HASHTAG

    (m,) = matcher.candidates(text)
    assert m.flags == (IN_HASHTAG,) and m.text == "newbabynetwork" and m.term == "New Baby Network"
    assert not matcher.find(text)


@pytest.mark.parametrize("text", [
    "#NewBabyNetworkingNight was a blast - founders, babies, pizza",  # f041
    "Join us at #NewBabyNetworking this Thursday - founders with small kids, coffee on us",  # m146
    "See you all at the #newbabynetworkingbreakfast tomorrow, bring business cards",  # m163
    "Our #newbabynetwork2026 hackathon for parent-tech ideas is open for entries",  # m174
    "#NewBabyNetwork2026 hackathon",
    "Proud to partner with #NewBabyNetworkSolutions",  # an exclude phrase, read the same way
    "#newbabynetworksolutions",
    "#RenewBabyNetwork",  # our name's letters, not its words
])
def test_a_hashtag_that_carries_the_word_on_stays_out(text):
    assert not matcher.candidates(text), text


def test_a_camelcase_boycott_hashtag_is_taken_for_us_by_the_whole_analysis():
    """t6-0104 names us only in its hashtag: it was a crisis no source could surface (cv_system's causes)."""
    from monitor import config as config_mod
    from monitor.analyse import Analyser

    cfg = config_mod.load(REPO / "feeds.yaml", environ={"MONITOR_EMAIL_URL": "mailto://a@example.org",
                                                 "MONITOR_SMS_URL": "json://127.0.0.1:9/"})
    a = Analyser(cfg, model=None).analyse("", BOYCOTT)
    assert a is not None and a.reasons[0] == "mentions us: New Baby Network (in the body), written '#BoycottNewBabyNetwork'"


@pytest.mark.parametrize("text, written", [
    ("Three weeks waiting for a call back and still nothing #NewBabyNetworkFail", "#NewBabyNetworkFail"),
    ("Still no apology from them for what that volunteer said to me. #shameonnewbabynetwork", "#shameonnewbabynetwork"),
])
def test_the_reason_shows_the_hashtag_as_its_writer_wrote_it(text, written):
    """Not the folded name inside it ('newbabynetwork'): a director sees what was posted."""
    from monitor import config as config_mod
    from monitor.analyse import Analyser

    cfg = config_mod.load(REPO / "feeds.yaml", environ={"MONITOR_EMAIL_URL": "mailto://a@example.org",
                                                 "MONITOR_SMS_URL": "json://127.0.0.1:9/"})
    a = Analyser(cfg, model=None).analyse("", text)
    assert a is not None and f"written '{written}' (inside a longer hashtag)" in a.reasons[0], a.reasons[0]


def test_could_mention_stays_cheap_on_ordinary_text():
    import time

    text = "Our new baby slept through the network outage. " * 40  # 2 KB of near-misses
    assert not matcher.could_mention(text)
    start = time.perf_counter()
    for _ in range(200):
        matcher.could_mention(text)
    assert (time.perf_counter() - start) / 200 < 0.005  # about 0.5 ms; 5 ms allows a busy machine


def test_a_short_name_is_only_ever_a_weak_candidate():
    """'NBN' (our short form, also Australia's broadband network) is a candidate flagged 'short name'
    for the name check to weigh, never a match by itself; inside addresses and longer words it is nothing."""
    from monitor.matching import SHORT

    m = Matcher(["New Baby Network", "@newbabynetwork"], [], ["NBN"])
    for text in ("nbn cafe thurs? me n alfie will be there", "Hi NBN team, out of leaflets", "#NBN rocks"):
        assert m.could_mention(text)
        (c,) = m.candidates(text)
        assert c.flags == (SHORT,) and c.text.lstrip("#") == "nbn"
        assert m.find(text) == []
    for text in ("nbn.com.au outage", "snbn", "@nbn_fan", "the nbnco rollout"):
        assert not m.could_mention(text) and m.candidates(text) == []
    both = m.candidates("New Baby Network (NBN) cafe")
    assert [c.flags for c in both] == [(), (SHORT,)]
    assert Matcher(["New Baby Network"]).candidates("Hi NBN team") == []  # only when configured


def test_an_acronym_starting_a_hashtag_with_a_word_after_it_is_a_short_name_candidate():
    """Round 18: "#NBNvolunteer" (t86, ours) was never read; the acronym in its own capitals, then a word."""
    from monitor.matching import SHORT

    m = Matcher(["New Baby Network", "@newbabynetwork"], [], ["NBN"])
    for text, tag in (("so proud to be an #NBNvolunteer this year", "#NBNvolunteer"), ("#NBNTeam at the fair", "#NBNTeam")):
        assert m.could_mention(text)
        (c,) = m.candidates(text)
        assert c.flags == (SHORT,) and c.text == "nbn" and c.shown == tag and text[c.start:c.end] == "NBN"
    for text in ("#NBN48213 parcel", "#nbnvolunteer", "#NBNx", "x#NBNvolunteer"):  # digits, no capitals, too short
        assert not m.could_mention(text) and m.candidates(text) == []
    assert Matcher(["New Baby Network"], [], ["nbn"]).candidates("#NBNvolunteer") == []  # an acronym, as configured


def test_the_shipped_config_names_nbn_as_a_short_name():
    from monitor import config

    assert config.load("feeds.yaml", secrets=False).organisation.short_names == ["NBN"]
