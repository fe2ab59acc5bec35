"""Is it us? Round 22's changes to the decision (issue 15): the "too little text" rule no longer keeps a short text
that writes our name as another group's own, and a weak-only candidate is unsure, not dropped, when a word of our work
follows it or when it is our short name in another language."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.analyse import Analyser

from .conftest import write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]

@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r22"), sources=SOURCES), environ={})


def _model_says(monkeypatch, low: float, high: float):
    from monitor.identity import decide

    mdl = decide.model()
    monkeypatch.setattr(mdl, "low", low)
    monkeypatch.setattr(mdl, "high", high)


@pytest.mark.parametrize("title", [
    "New Baby Network Umhlanga is now open on Saturdays",
    "Thornbury New Baby Network is taking a break over Christmas",
])
def test_a_short_text_naming_another_group_is_not_kept_as_too_short(cfg, monkeypatch, title):
    # round 22: a new writer's "New Baby Network Umhlanga is now open on Saturdays!" (a crèche abroad) was kept as
    # "too little text"; 26 short texts of the 97 labelled files write our name so, none of them ours
    _model_says(monkeypatch, low=1.01, high=1.02)  # every P(us) below LOW: only the rules can keep it
    an = Analyser(cfg, [])
    assert an.analyse(title, "") is None
    assert an.last_identity.verdict == "not_us", an.last_identity


@pytest.mark.parametrize("title", [
    "New Baby Network launches new service",  # named plainly: a headline is still too little text to drop
    "New Baby Network Eastfield back on Saturdays",  # one of our places after the name
])
def test_a_short_text_naming_us_plainly_is_still_too_little_to_tell(cfg, monkeypatch, title):
    _model_says(monkeypatch, low=1.01, high=1.02)
    an = Analyser(cfg, [])
    assert an.analyse(title, "") is not None
    d = an.last_identity
    assert d.verdict == "unsure" and "too little text" in d.reason, d


@pytest.mark.parametrize("body,why", [
    ("Please share: one of our new baby network mums has just moved to a new flat with her 5 week old and needs a "
     "steriliser and size 1 nappies.", "'mums' after it"),
    ("had my new baby netwrok home visit today and she was lovely", "'home' after it"),
    ("Grupul NBN din Luton e foarte bun, dar cafeaua e groaznică și uneori încep cu 15 minute întârziere.",
     "in another language"),
])
def test_a_weak_candidate_with_our_work_after_it_or_in_another_language_is_unsure(cfg, monkeypatch, body, why):
    # round 22: such candidates had to reach HIGH like any misspelling or short name; in the 97 labelled files every
    # misspelled or lower-case one with a word of our work after it is ours, and 17 of the 18 short-name ones in
    # another language the model was unsure of (held out by file)
    _model_says(monkeypatch, low=0.0, high=1.01)  # every P(us) unsure
    an = Analyser(cfg, [])
    assert an.analyse("", body) is not None
    d = an.last_identity
    assert d.verdict == "unsure" and why in d.reason, d


@pytest.mark.parametrize("body", [
    "Mum's new baby network party was adorable, all the cousins together",  # an event: not a word of our work
    "we had to build a new baby network from scratch after the move",  # an ordinary phrase
    "I've set up a new baby network group chat for the cousins",  # a group chat, not our group
    "NBN group this week was lovely, same time next week",  # a short name in English: must still reach HIGH
])
def test_other_weak_candidates_must_still_read_like_us(cfg, monkeypatch, body):
    _model_says(monkeypatch, low=0.0, high=1.01)
    an = Analyser(cfg, [])
    an.analyse("", body)
    d = an.last_identity
    assert d is not None and d.verdict == "not_us", d
    _model_says(monkeypatch, low=0.0, high=0.0)  # the model sure it is us: kept as before
    assert an.analyse("", body) is not None and an.last_identity.verdict == "us"


def test_a_warning_that_something_is_not_the_real_one_is_kept(cfg, monkeypatch):
    # round 22: a new writer's warning about a fake page with our name was dropped as "reads like a council scheme";
    # 76 of the 77 labelled texts naming us that say "not the real one / charity / New Baby Network" are ours
    _model_says(monkeypatch, low=1.01, high=1.02)  # every P(us) below LOW
    an = Analyser(cfg, [])
    body = ("There's a Facebook page called 'New Baby Network Support UK' running ads for free formula vouchers. "
            "It is NOT the real New Baby Network, please don't give them your details.")
    assert an.analyse("", body) is not None
    d = an.last_identity
    assert d.verdict == "unsure" and "not the real new baby network" in d.reason, d
    # without the warning the model's "not us" stands
    assert an.analyse("", "There's a Facebook page called 'New Baby Network Support UK' running ads for free formula "
                          "vouchers, please don't give them your details.") is None
    assert an.last_identity.verdict == "not_us", an.last_identity
