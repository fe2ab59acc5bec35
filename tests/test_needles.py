"""The shortcuts of the rules path (issue 14) answer exactly as the searches they skip: the patterns'
needles (monitor/needles.py, used by keywords.AnyKeyword) and reach_in_text's pre-checks."""

import random
import re

from monitor import analyse_grade
from monitor.needles import Needles, any_of, needles

PATTERNS = [
    r"(?:ask\w*|messag\w*|dm\w*|add\w*)\s+(?:my|her|his|a)\s+(?:[5-9]|1[0-7])[- ]?(?:year[- ]old|yo|y/o)\b",
    r"\b(?:refuge|safe house)\b[^.!?]{0,80}\b(?:address|postcode)\b",
    r"how many (?:of (?:my|the) )?(?:\w+ )?(?:tablets|pills)\b[^.!?]{0,40}\b(?:take|enough)",
    r"cancelled\b[^.!?]{0,30}\bagain\b",
    r"tagged @\w+",
    r"all over (?:the |my )?(?:twitter|x|facebook|mum\w* groups?)\b",
    r"(?:girls?|boys?)+ club",
    r"\d+ likes",  # no fixed text: always searched
    r"(?i:shout)ing",  # its case-blind part gives no needle
]


def test_needles_are_in_every_match():
    assert needles(r"\b(?:refuge|safe house)\b[^.]{0,80}\baddress\b") == (("address",), ("refuge", "safe house"))
    assert needles(r"tagged @\w+") == (("tagged @",),)
    assert needles(r"(?:girls?|boys?)+ club") == ((" club",), ("boy", "girl"))
    assert needles(r"\d+ likes") == ((" likes",),)
    assert needles(r"[a-z]+") is None and needles(r"(?i)refuge") is None and needles(r"(") is None
    assert needles(r"(?i:shout)ing") == (("ing",),)
    assert needles(r"a?b?") is None  # every part optional: nothing is certain


def test_needles_search_answers_as_the_whole_alternation():
    whole = re.compile("|".join(f"(?:{p})" for p in PATTERNS))
    check = Needles(PATTERNS)
    rng = random.Random(7)
    pieces = ["ask my 12 year old", "add her 9yo", "refuge", "safe house", "the postcode.", "address", "how many",
              "of my", "tablets", "pills would", "take", "enough", "cancelled", "again", "tagged @nbn", "all over",
              "the mum groups", "facebook", "girls club", "boys", "club", "shouting", "SHOUTing", "3 likes", "likes",
              "x", "y/o", ".", "and", "we", "were", "told"]
    seen = set()
    for _ in range(20000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        expected = whole.search(text) is not None
        assert check.search(text, whole) is expected, text
        seen.add(expected)
    assert seen == {True, False}



def test_any_of_finds_a_word_exactly_where_a_substring_test_would():
    # round 28: the first look is one trie regex; words that begin one another, regex characters, a word at the end
    words = ["son", "sleep", "sleeping", "y/o", "yo", "year old", "a.b", "(x)", "c++", "how many ", "é"]
    rx = any_of(words)
    assert rx.search("my sleepy son") and rx.search("he's 9 y/o") and rx.search("ends with c++")
    assert rx.search("sleepin") and not rx.search("slee p") and not rx.search("axb x") and not rx.search("how many")
    assert any_of([]).search("anything") is None and any_of([""]).search("") is not None
    rng = random.Random(28)
    alphabet = "abcdeoy/ .()+é"
    seen = set()
    for _ in range(3000):
        ws = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 12))]
        rx = any_of(ws)
        for _ in range(5):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
            expected = any(w in text for w in ws)
            assert (rx.search(text) is not None) is expected, (ws, text)
            seen.add(expected)
    assert seen == {True, False}


def test_the_rules_first_look_answers_as_its_loop_on_the_shipped_keywords():
    from monitor import config as config_mod
    from monitor.analyse import Analyser
    from pathlib import Path

    import gc

    analyser = Analyser(config_mod.load(Path(__file__).resolve().parent.parent / "feeds.yaml", secrets=False), [],
                        model=None)
    analyser.analyse("New Baby Network", "Thank you New Baby Network, my son loved the group.")
    found = [o for o in gc.get_objects() if isinstance(o, Needles) and o._quick]
    assert found  # the shipped keywords do make a first look
    rng = random.Random(5)
    for check in found:
        quick = list(check._quick)
        for _ in range(2000):
            text = " ".join(rng.choice(quick + ["and", "we", "the baby", "x"]) [: rng.randint(1, 9)]
                            for _ in range(rng.randint(1, 6)))
            assert (check._quick_rx.search(text) is not None) is any(n in text for n in quick), text

def _reach_slow(text):
    """reach_in_text as it was: every pattern searched on every text with a digit or " of "."""
    g = analyse_grade
    figures, said = {}, []
    if not text or not any(ch.isdigit() for ch in text) and " of " not in text:
        return figures, said
    for m in g._FIGURE.finditer(text):
        figures[g._UNIT[" ".join(m.group(3).lower().split())]] = max(
            figures.get(g._UNIT[" ".join(m.group(3).lower().split())], -1), g._number(m.group(1), m.group(2)))
        said.append(" ".join(m.group(0).split()))
    for m in g._TIMES.finditer(text):
        verb = m.group(1).lower()
        kind = "views" if verb in ("viewed", "watched", "seen") else "reposts" if verb != "shared" else "shares"
        figures[kind] = max(figures.get(kind, -1), g._number(m.group(2), m.group(3)))
        said.append(" ".join(m.group(0).split()))
    for m in g._MANY.finditer(text):
        kind = g._UNIT[" ".join(m.group(2).lower().split())]
        figures[kind] = max(figures.get(kind, -1), g._MANY_IS[m.group(1).lower()])
        said.append(" ".join(m.group(0).split()))
    return figures, said


def test_reach_in_text_shortcuts_change_nothing():
    rng = random.Random(3)
    bits = ["46.2K likes", "shared 50,000 times", "2.1M followers", "thousands of shares", "Hundreds Of People Signed",
            "1,234 RTs", "5 more comments", "VIEWED 3 TIMES", "10K+ views", "1.5 million views", "£5 likes", "12likes",
            "report 12-3", "of", "the", "mum", "Likes", "12", "²", "١٢ likes", "ſhared 5 times", "3 \u212a likes"]
    found = 0
    for _ in range(20000):
        text = " ".join(rng.choice(bits) for _ in range(rng.randint(1, 10)))
        assert analyse_grade.reach_in_text(text) == _reach_slow(text), text
        found += bool(_reach_slow(text)[0])
    assert 1000 < found < 20000
