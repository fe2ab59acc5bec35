"""Finding our name: the near-misses that fooled a naive regex must not count."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.matching import Matcher

from .conftest import SHIPPED

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
