"""Short forms of us, round 28 (its second change; issue 15): a product's distinctive first (or other, not last) word alone, as people
shorten a group's name ("was at your babis group in nefyn", "Babis felt rammed last week" for "Babis Llŷn").
``shortforms.short_words`` reads a product's last word only; this is read after ``shortforms28._round28``, unsure
like every short form (watch at most; a crisis at alert at most unless the model is sure: ``Judge.product_only``),
and can be switched off (``RULES29``).

- **"product first word"**: a word, not the last, of a product listed in two or more capitalised words whose other
  words are all words of our places or of our area's name ("Babis Llŷn" in "the Llŷn peninsula": the place is
  dropped, the name proper stays; "the", "our" and lower-case describing words dropped), written in any case, when it
  is no everyday English word (not in the encoder's vocabulary, nor its singular, nor two everyday words run
  together: ``shortforms28._unusual``), at least five letters, and itself no word of our places; in a text without
  the product's whole name, with one of our places or a word of our work and no other town, not in quotes, not after
  "@" or "#", and not followed by a capitalised name or a word that makes it another thing ("Babis Sensory Ltd",
  "babis app");
- **"after at"**: that word right after "at / to / from / after / since / till / before", somewhere one goes ("at babis
  she was saying she was going to just end it all", "Leah's arms at babis today"), with no other town, even without
  one of our places or a word of our work;
- **"last word after at"** (rule "product last word"): the same for a product's distinctive last word when its other
  words are ours ("since sprogs last week" for "Sperrin Sprogs", "see u at rockpoolers tmrw" for "Roseland
  Rockpoolers"; ``shortforms.short_words`` reads that word anywhere with a place or a word of our work). Our places'
  words count in the plural too ("Sperrin" of our "Sperrins").

Measured on every labelled file with a profile (texts no other rule reads): 7 true mentions (3 by the first rule;
"after at" 2 crises of t132; the last word 2 more, a t134 crisis and t124), no other text; pseudo-blind (t130-t138)
true lost 58 -> 55 (first rule) -> 53 ("after at") -> 52 of 800 (last word), namesakes 21 -> 21, at alert or worse
3 -> 3. Without the
"other words ours" guard every product's distinctive first word was read: 27 true mentions (13 naming us anyway) and
11 other texts, namesakes among them ("Mistletoe auction opens the season", the "Cwtch and Carry" sandwich van, bird
sightings on "Enlli"), "Glenelly", "Strangford", "Evenlode", "Stort" being a glen, a lough and rivers as often.
"""

from __future__ import annotations

import re
from functools import lru_cache

RULES29 = {"product first word", "after at", "last word after at"}
# "at babis today", "since babis last week": somewhere one goes, so no word of our work is needed (no other town still)
_AT_BEFORE = re.compile(r"(?<![\w])(?:at|to|from|after|since|till|til|before)[ \t]+$", re.I)
MIN_LETTERS = 5


def first_words(products: tuple, places: tuple) -> list:
    """``[(word folded, product)]``: the distinctive words, not the last, of the products listed (``places``: ours,
    our area's name too), whose other words are all ours."""
    return [(w, p) for w, p, last in _words(products, places) if not last]


def last_words(products: tuple, places: tuple) -> list:
    """``[(word folded, product)]``: the distinctive last words of the products whose other words are all ours
    ("Sperrin Sprogs": "sprogs"; ``shortforms.short_words`` reads them with a place or a word of our work)."""
    return [(w, p) for w, p, last in _words(products, places) if last]


@lru_cache(maxsize=8)
def _words(products: tuple, places: tuple) -> list:
    from ..text import fold
    from .shortforms import everyday_words
    from .shortforms28 import _unusual, name_words

    common, out = everyday_words(), []
    if not common:
        return out
    ours = {w for p in places for w in re.findall(r"\w+", fold(p))}
    for raw in products or ():
        words = name_words(raw)
        for i, w in enumerate(words):
            f, others = fold(w), [fold(o) for o in words[:i] + words[i + 1:]]
            if len(f) >= MIN_LETTERS and _unusual(f, common) and not {f, f + "s", f + "es"} & ours \
                    and all({o, o + "s", o + "es"} & ours for o in others):  # "Sperrin" of our "Sperrins"
                out.append((f, " ".join(str(raw).split()), i == len(words) - 1))
    return out


def _round29(text, folded, products, places, places_rx, gate, elsewhere=None):
    """``short_form``'s text (``folded`` the same, folded), the profile's products and places (``places_rx`` ours in
    folded text) and ``gate(a, b)``: one of our places, or a word of our work outside ``[a, b)`` and no other town."""
    from ..text import fold
    from .shortforms import ShortForm, other_thing_after
    from .shortforms28 import _QUOTES

    if len(text) != len(folded) or not products:
        return None
    for word, product, last in _words(tuple(products), tuple(places)):
        if ("last word after at" if last else "product first word") not in RULES29:
            continue
        if fold(product) in folded:
            continue  # the whole name is there: ``Products.alone`` reads it
        for m in re.finditer(rf"(?<![\w@#-]){re.escape(word)}(?![\w-])", folded):
            if text[m.start() - 1:m.start()] in _QUOTES or text[m.end():m.end() + 1] in _QUOTES:
                continue
            if other_thing_after(text, folded, m.end(), places_rx):
                continue  # "Babis Sensory": another thing's name
            near = "after at" in RULES29 and elsewhere is not None and _AT_BEFORE.search(folded[:m.start()]) \
                and not elsewhere(text, folded[:m.start()] + " " + folded[m.end():])
            if near or (gate(m.start(), m.end()) and not last):
                return ShortForm(f"'{text[m.start():m.end()]}', short for our product '{product}'",
                                 "product last word" if last else "product first word")
    return None
