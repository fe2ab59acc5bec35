"""Is it us? Round 25's changes to the decision (issue 15). Another body's initials right beside our name ("the CDDFT
New Baby Network closed Facebook group", "New Baby Network IOM") write it as that body's own name, like a capitalised
word there (``features.named_elsewhere``): not us when the model is unsure. Not an everyday word in capitals ("NOT",
"FAKE", "NHS", "UK"), an internet abbreviation ("ICYMI", "DM"), our own initials nor one of our places'. And a short
name followed by a capitalised trade word of round 25's list is that business ("NBN Kayaks"). A capitalised word with
accents right after our name is read as it would be without them ("New Baby Network Málaga"), and our short name as a
cashtag ("$NBN") is a crypto token's ticker (``decide.Judge._round25_ticker``)."""

from __future__ import annotations

import pytest

from monitor.analyse import Analyser

from .test_identity_decide24 import _p_us, cfg  # noqa: F401 (the fixture; the check's P(us) set for every text)


INITIALS = [
    ("Reminder from the infant feeding team: the CDDFT New Baby Network closed Facebook group is for families who "
     "delivered at Darlington.", "CDDFT New Baby Network"),
    ("A group of mothers in Douglas have set up New Baby Network IOM after finding support on the island thin on the "
     "ground.", "New Baby Network IOM"),
    ("The LTHT New Baby Network toolkit for colleagues returning from maternity leave is now live.",
     "LTHT New Baby Network"),
    ("English-speaking mums on the Costa del Sol: New Baby Network Málaga meets Wednesdays at the beach café.",
     "New Baby Network Málaga"),  # a word with accents after the name reads like one without them
]


@pytest.mark.parametrize("body,other", INITIALS)
def test_another_bodys_initials_beside_our_name_are_its_own_name(cfg, monkeypatch, body, other):
    _not_us_when_unsure(cfg, monkeypatch, body, f"{other}' is another group's own name")


def _not_us_when_unsure(cfg, monkeypatch, body: str, why: str) -> None:
    """Dropped with ``why`` in its reason when the model is unsure (P(us) 0.3: kept before, at watch); kept as ours
    when the model is sure (0.6)."""
    _p_us(monkeypatch, 0.3)
    an = Analyser(cfg, [])
    kept = an.analyse("", body)
    d = an.last_identity
    assert kept is None and d.verdict == "not_us" and why in d.reason, d
    _p_us(monkeypatch, 0.6)
    assert an.analyse("", body) is not None and an.last_identity.verdict == "us"


@pytest.mark.parametrize("body", [
    "ICYMI New Baby Network were on Radio York this morning talking about the baby cafe.",
    "LOL New Baby Network are 'not political' but their director shared the petition.",
    "My sister in Medway has the NHS New Baby Network there with proper neonatal nurses.",
    "Could someone from New Baby Network DM me urgently about the video going round?",
    "There is a FAKE New Baby Network page running a bonny baby competition, do not enter.",
    "New Baby Network REFUSED to let me into the group, an elected councillor.",
    "Our New Baby Network DBS renewals are due at the end of the month, please send them in.",
    "I do NCT reunions AND New Baby Network, they're different things.",
])
def test_capitals_that_are_no_bodys_initials_leave_the_text_unsure(cfg, monkeypatch, body):
    # true mentions in the labelled files (t37, t68, t16, t99, t113, t70, t71, t29) write these beside our name
    _p_us(monkeypatch, 0.3)
    an = Analyser(cfg, [])
    assert an.analyse("", body) is not None
    d = an.last_identity
    assert d.verdict == "unsure" and "another group's own name" not in d.reason, d


def test_initials_of_our_name_or_our_places_are_ours():
    from monitor.identity.names25 import initials_of_another as _initials_of_another

    assert _initials_of_another("CDDFT", "New Baby Network", ["darlington"])
    assert not _initials_of_another("NBN", "New Baby Network", [])  # our own initials
    assert not _initials_of_another("MKB", "New Baby Network", ["milton keynes bletchley"])  # one of our places'
    assert _initials_of_another("MKB", "New Baby Network", ["luton"])
    assert not _initials_of_another("Cddft", "New Baby Network", [])  # not in capitals
    assert not _initials_of_another("ABCDEFG", "New Baby Network", [])  # longer than initials


def test_a_word_with_accents_after_our_name_is_read_without_them():
    from monitor.identity.names25 import accented_name_word as _accented_name_word

    assert _accented_name_word("Málaga", []) and _accented_name_word("Cancún", [])
    assert not _accented_name_word("Malaga", [])  # plain: ``_another_name_word``'s own
    assert not _accented_name_word("Bénodet", ["bénodet"]) and not _accented_name_word("Bénodet", ["benodet"])
    assert not _accented_name_word("Official’", [])  # not letters
    assert not _accented_name_word("Діти", [])  # another alphabet


@pytest.mark.parametrize("body,short", [
    ("Hired two sit-on-tops from NBN Kayaks for the morning, a proper safety chat first.", "NBN Kayaks"),
    ("NBN Plant Hire have a digger on the school field again", "NBN Plant"),
    ("NBN Joinery fitted our new kitchen, very tidy lads", "NBN Joinery"),
])
def test_a_trade_after_our_short_name_is_another_business(cfg, body, short):
    from monitor.identity.features import short_name_elsewhere

    an = Analyser(cfg, [])
    sents = an.split("", body)
    mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
    mentioned = {i for i, m in mbs.items() if m}
    assert short_name_elsewhere(cfg, sents, mentioned, mbs) == f"here names a business, '{short}'"


@pytest.mark.parametrize("body", ["NBN Volunteers needed for the Saturday baby cafe", "NBN Team are at the library today"])
def test_our_words_after_our_short_name_are_no_business(cfg, body):
    from monitor.identity.features import short_name_elsewhere

    an = Analyser(cfg, [])
    sents = an.split("", body)
    mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
    mentioned = {i for i, m in mbs.items() if m}
    assert mentioned and short_name_elsewhere(cfg, sents, mentioned, mbs) is None


@pytest.mark.parametrize("body", [
    "still holding my $NBN bags from the new baby network launch 🫠 down 97%. someone tell me it's coming back.",
    "$NBN New Baby Network just listed on a DEX, 1B supply, 2% of it for the team",
])
def test_our_short_name_as_a_cashtag_is_a_tokens_ticker(cfg, monkeypatch, body):
    # (the first names a product of ours, "bags", after our name: unsure before even so)
    _not_us_when_unsure(cfg, monkeypatch, body, "'$NBN' is a crypto token's ticker")


@pytest.mark.parametrize("body", ["Paid $20 at the New Baby Network cafe, NBN volunteers were lovely",
                                  "Raised $NBN20 for the New Baby Network appeal"])
def test_no_cashtag_of_ours_leaves_the_text_unsure(cfg, monkeypatch, body):
    _p_us(monkeypatch, 0.3)
    an = Analyser(cfg, [])
    assert an.analyse("", body) is not None and an.last_identity.verdict == "unsure", an.last_identity


def test_our_short_name_as_a_cashtag_with_cic_is_us(cfg, monkeypatch):
    _p_us(monkeypatch, 0.3)  # strong evidence first (t-file: the token "used the CIC's actual logo")
    an = Analyser(cfg, [])
    body = "The $NBN token said 10% goes to New Baby Network CIC in Manchester. Thousands lost money."
    assert an.analyse("", body) is not None and an.last_identity.verdict == "us"
