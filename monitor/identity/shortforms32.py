"""Short forms of us, round 32 (issue 15, mention recall): a product named by its last word alone, written as a name,
in a text that names no name of ours; read after ``shortforms31._round31``; like every short form us with one of our
places in the text (``place_evidence``), else unsure (watch at most; a crisis at alert at most unless the model is
sure); the rule can be switched off (``RULES32``). Chosen by reading the missed true mentions of t164-t167 (round
31's newest files).

- **"name's last word, capitalised"**: the last word of a product named in two or more words, written with its
  capital inside a sentence, even when it is an everyday word ("She's stopped coming to Cubs" for "Clun Forest
  Cubs", "the older man who helps put the tables out at Cubs"), its plural or "'s" too; round 20 read only a last
  word no dictionary has ("Gurgles"). Since round 37 also the word before the last of a name of three words or more
  that ends in what it is ("Gurgle" of "Guisborough Gurgle Group"). Four letters or more; with one of our places, or
  a word of our work and no other town (``short_form``'s gate). Not:
  - starting a sentence (a capital there says nothing);
  - our place's own name ("Carry On Charlbury") or after "a" ("bought a Nook (the e-reader)");
  - after another capitalised word, after "&", or after a capitalised word and "and", "n", "to"... ("Valleys
    Babies", "Oak & Wrap", "Cradle to Coast", "Rattle N Roll": other things' names), unless that word starts the
    sentence and says where one went or is "The" (round 37: "At Shrimps this morning", "Loved Shrimps this week",
    "The Wrens wouldn't let my mum in");
  - before a capitalised word or a word that makes it another thing ("Cubs Play Barn"), or in quotes;
  - in a text about pets or scouting ("his badge at Cubs"), or naming another group in capitals.

Measured with ``monitor eval`` on the labelled files with a profile (true mentions lost, other texts taken): see
README "Is it us?" and docs/history/identity.md (round 32).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import fold

RULES32 = {"name's last word, capitalised"}
MIN_LETTERS = 4
# a sentence's start: the text's, or after an end mark, a line break, a colon or a title's bar
_STARTS = re.compile(r"(?:^|[.!?\n|:•\-–—(\[\"“'‘])[ \t]*$")
# another thing's name joined by "&", or a capitalised word and "and", "n", "to", "of"... ("Oak & Wrap", "Cradle to
# Coast", "Rattle N Roll"); not "coming to Cubs"
_JOINED_BEFORE = re.compile(r"(?:&|\+|(?<![\w'’])([A-Z][\w'’]*)[ \t]+(?:and|n|N|['’]n['’]?|to|of|on|in|the))[ \t]*$")
# scouting: "Cubs" is theirs there ("get his badge at Cubs", "Akela")
_SCOUTING = re.compile(r"(?<![\w])(?:akela|scouts?|scouting|beavers|brownies|rainbows|guides|guiding|badges?|woggles?|"
                       r"sixers?|jamboree|neckerchiefs?|cubmaster|den leader)(?![\w])")
_CAPITAL_BEFORE = re.compile(r"(?<![\w])([A-Z][\w'’-]*)[ \t]+$")
# "bought a Nook (the e-reader)": a thing one buys, not somewhere one goes
_ARTICLE_BEFORE = re.compile(r"(?<![\w])(?:a|an|another)[ \t]+$", re.I)
# round 37: a sentence's first word that says where or how one went ("At Shrimps this morning", "Loved Shrimps this
# week"; t184), or "The" ("The Wrens wouldn't let my mum in with the baby": t190): capitalised only because it starts
# the sentence, so not another name's word
_GOING_FIRST = frozenset({"the", "at", "to", "from", "after", "before", "since", "outside", "inside", "love", "loved",
                          "missed", "left", "leaving", "skipped", "joined"})


@lru_cache(maxsize=8)
def _last_words(products: tuple) -> tuple:
    """``(product, regex)``: each product of two or more words whose last word, as the volunteer capitalised it, has
    ``MIN_LETTERS`` letters or more: that word with its capital, its plural or "'s" after it."""
    from .shortforms25 import _name_words_of

    from .products import _KINDS, _MEDIA

    out = []
    for raw in products:
        words = _name_words_of(raw)
        # round 37: of a name of three words or more that ends in what it is ("Guisborough Gurgle Group", "the
        # Minster Milk Line"), the word before that too ("Whoever decided Gurgle should start at 9": t185)
        if len(words) < 2:
            continue
        kind = len(words) >= 3 and words[-1].lower() in _KINDS | _MEDIA
        for last in words[-2:] if kind else words[-1:]:
            if not last[:1].isupper() or len(last) < MIN_LETTERS:
                continue
            stem = last[:-1] if len(last) > MIN_LETTERS and last.endswith("s") and not last.endswith("ss") else last
            out.append((raw, re.compile(r"(?<![\w@#&-])" + re.escape(stem) + r"(?:s|es)?(?:['’]s)?(?![\w-])")))
    return tuple(out)


def _round32(text, folded, products, places_rx, gate) -> str | None:
    """``short_form``'s text (``folded`` the same, folded), the profile's products, ``places_rx`` (ours in folded
    text) and ``gate(a, b)`` (one of our places, or a word of our work outside [a, b) and no other town)."""
    rule = "name's last word, capitalised"
    if rule not in RULES32 or not products or len(text) != len(folded):
        return None
    ours = tuple(products)
    # the capitalised words first (most texts have none): the guards on the whole text only for those that do
    hits = [(raw, m) for raw, rx in _last_words(ours) for m in rx.finditer(text)]
    if not hits:
        return None
    from .products import _PETS
    from .shortforms import ShortForm, other_group
    from .shortforms31 import _clean

    if _PETS.search(text) or _SCOUTING.search(folded) or other_group(text, ours):
        return None
    for raw, m in hits:
        a, b = m.start(), m.end()
        if _as_a_name(text, folded, a, b, places_rx) and _clean(text, folded, a, b, places_rx) and gate(a, b):
            return ShortForm(f"'{m.group(0)}', short for our product '{raw}'", rule)
    return None


def _as_a_name(text, folded, a, b, places_rx) -> bool:
    """Whether the word at ``[a, b)`` stands as a name of its own: not a sentence's first word, not after "a" or
    another capitalised word (or "&", "to", "and"... after one), not our place's own name. (Quotes and the word after
    it are ``shortforms31._clean``'s.)"""
    before = text[max(0, a - 40):a]
    joined = _JOINED_BEFORE.search(before)
    if joined and joined.group(1) and _STARTS.search(before[:joined.start(1)]):
        joined = None  # "Went to Cubs": a sentence's first word, not a name
    cap = _CAPITAL_BEFORE.search(before)
    if cap and cap.group(1).lower() in _GOING_FIRST and _STARTS.search(before[:cap.start(1)]):
        cap = None  # "At Shrimps this morning": the sentence's first word, not a name's (round 37)
    return not (_STARTS.search(before) or joined or _ARTICLE_BEFORE.search(before)
                or (places_rx is not None and places_rx.fullmatch(folded, a, b))  # "Carry On Charlbury"
                or cap)  # "Valleys Babies", "AcornX Exchange": another name's last word
