"""Short forms of us, round 31 (issue 15, mention recall): our products named casually, in a text that names no name
of ours; read after ``shortforms30._round30``; like every short form us with one of our places in the text
(``place_evidence``), else unsure (watch at most; a crisis at alert at most unless the model is sure); each rule can
be switched off (``RULES31``). Chosen by reading the missed true mentions of t160-t163 (round 30's newest files).

- **"name's end, lower case"**: the words after the place in a name written "the <place> ..." ("the Sanquhar Sling
  Shed", "the Hawick Hug Box") in lower case right after "the", "my", "our"... ("the sling shed lady", "got my hug box
  today", "the hug boxes are getting stopped", "the toddle bag lady"), or the
  last two or more words of any name in lower case anywhere when one of them is no everyday word (``shortforms28.
  _unusual``: "toddle bags" of "Thornhill Toddle Bags"), with one of our places or a word of our work and no other
  town (``short_form``'s gate);
- **"place and name's last word"**: a name written "<our place> ... <word>" said without its middle ("the Corris crate"
  for "the Corris Cwtch Crate", "the Veryan box" for "the Veryan Baby Box"), its last word in any case (our place is
  in it: us);
- **"unusual name, lower case, no other town"**: the whole name in lower case with a word no dictionary has (round
  28's names: "teviot tots", "the glenelly box", "smokie swap") and no other town in the text, nor its words used for
  something else there ("rowan bairns fancy dress at the rowan hotel"), even without a word of
  our work (round 28 wants one: "teviot tots car park gate got locked at half 11"); not in a post about pets ("official
  members of the cwtch club tonight": the dog and me);
- **"baby and name's last word, place in text"**: "baby" and a product's last word ("the baby crates" for "the Corris
  Cwtch Crate", "the Hawick baby boxes" for "the Hawick Hug Box"), with one of our places anywhere in the text and no
  other town in its sentence, not after "did / do" ("we did the baby swap with the grandparents");

none in quotes, after a capitalised name, before a word that makes it another thing ("hug box Ltd":
``other_thing_after``), or in a text naming another group in capitals (``shortforms.other_group``).

Measured with ``monitor eval`` on the labelled files with a profile (true mentions lost, other texts taken): "name's
end" on all 147 (t160-t163 among them, before they were trained in) 734 -> 727 lost (2 crises fewer below alert: "the
sling shed lady" asked for by a woman whose partner checks her phone), 456 -> 456 taken; "place and name's last word"
727 -> 722, none taken; then, on the files where each can fire (after t160-t163 were trained in), "unusual name"
71 -> 52 lost on twelve files, 27 -> 28 taken ("the tulip threads holding the canopy"), and "baby and name's last
word" 109 -> 102 lost on ten (4 crises fewer below alert: "a man who helps unload the baby crates at the chapel in
Corris ... sending her snapchats"), none taken (without a place of ours it would take namesakes' "baby boxes"). Tried
and left out: any two or more words of a name in any case with the gate alone (18 true mentions more, 18 other texts:
"sea legs", "second steps", "the dusk line", "rattle and roll").
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import fold

RULES31 = {"name's end, lower case", "place and name's last word", "baby and name's last word, place in text",
           "unusual name, lower case, no other town"}
_SMALL = frozenset("the a an of and in on upon by at to for our".split())
# "the / my / our / your / her / their" right before a name's end ("the hug box nappies", "got my hug box today")
_THE_BEFORE = re.compile(r"(?<![\w])(?:the|my|our|your|her|his|their)[ \t]+$")
# not "we did the baby swap with the grandparents" (an evening out)
_DID = re.compile(r"(?<![\w])(?:did|do|does|doing|done)[ \t]+(?:the[ \t]+)?$")


@lru_cache(maxsize=8)
def _forms(products: tuple) -> tuple:
    """``(product, regex on folded text, regex of the form with its capitals, whether "the" must come before)`` for
    each run of two or more words ending a product's name, not the whole name (a leading "the" left out), not
    starting with a small word, read as ``_distinctive`` says."""
    out = []
    for raw in products:
        for i, run in name_runs(raw):
            kind = _distinctive(run, raw, i)
            if run[0].lower() in _SMALL or not kind:
                continue
            folded_run = [fold(w) for w in run]
            if len(folded_run[-1]) > 3 and folded_run[-1].endswith("s") and not folded_run[-1].endswith("ss"):
                folded_run[-1] = folded_run[-1][:-1]  # "the toddle bag lady" for "Thornhill Toddle Bags"
            any_case = re.compile(r"(?<![\w@#-])" + r"[ \t]+".join(map(re.escape, folded_run)) + r"(?:e?s)?(?![\w-])")
            proper = re.compile(r"[ \t]+".join(re.escape(w) for w in run))
            out.append((raw, any_case, proper, kind == "after the"))
    return tuple(out)


def name_runs(raw) -> list:
    """``[(i, run)]``: each run of two or more words ending a product's name from its word ``i``, not the whole name
    (a leading "the" left out: ``shortforms25._name_words_of``)."""
    from .shortforms25 import _name_words_of

    words = _name_words_of(raw)
    return [(i, words[i:]) for i in range(1, len(words) - 1)]


@lru_cache(maxsize=8)
def _place_last(products: tuple, places: tuple) -> tuple:
    """``(product, regex on folded text)``: "<place> <last word>" for each name of three or more words (a leading "the"
    left out) starting with one of our ``places``."""
    from .shortforms import _name_words

    out = []
    for raw in products:
        words = [fold(w) for w in _name_words(raw)]
        if words and words[0] == "the":
            words = words[1:]
        for place in places:
            pw = fold(place).split()
            if len(words) > len(pw) + 1 and words[:len(pw)] == pw:
                out.append((raw, re.compile(r"(?<![\w@#-])" + r"[ \t]+".join(map(re.escape, pw)) + r"[ \t]+"
                                            + re.escape(words[-1]) + r"(?:e?s)?(?![\w-])")))
    return tuple(out)


@lru_cache(maxsize=8)
def _baby_last(products: tuple):
    """"baby <a product's last word>(s)" on folded text (``last_words``); or None."""
    lasts = last_words(products)
    if not lasts:
        return None
    return re.compile(r"(?<![\w@#-])baby[ \t]+(?:" + "|".join(map(re.escape, lasts)) + r")(?:e?s)?(?![\w-])")


@lru_cache(maxsize=8)
def last_words(products: tuple) -> tuple:
    """The last word of each product's name of two or more words, folded, sorted: three letters or more, no small
    word, not "baby" (for "baby crates", round 34's "the charity ... the boxes")."""
    from .shortforms import _name_words

    return tuple(sorted({fold(w[-1]) for w in map(_name_words, products) if len(w) >= 2 and len(w[-1]) >= 3
                         and fold(w[-1]) not in _SMALL and fold(w[-1]) != "baby"}))


def _distinctive(run, raw, i) -> str:
    """How a run of a product's last words may be read in lower case: "distinctive" (anywhere) when one of its words
    is no everyday word ("toddle bags"; not "sea legs", "owl line": t79, t83's namesakes), "after the" when it is what
    follows the place in a name written "the <place> ..." ("hug box"), else "" (not read)."""
    from .shortforms import everyday_words
    from .shortforms28 import MIN_LETTERS, _unusual

    common = everyday_words()
    if not common:
        return ""
    if any(len(w) >= MIN_LETTERS and _unusual(fold(w), common) for w in run if w.lower() not in _SMALL):
        return "distinctive"
    return "after the" if i == 1 and str(raw).lower().startswith("the ") else ""


def _round31(text, folded, products, places, places_rx, gate, elsewhere) -> str | None:
    """``short_form``'s text (``folded`` the same, folded), the profile's products and places, ``places_rx`` (ours in
    folded text), ``gate(a, b)`` (one of our places, or a word of our work outside [a, b) and no other town) and
    ``elsewhere`` (whether text names another town): the first rule that reads the text, in the module doc's order."""
    if not RULES31 or not products or len(text) != len(folded):
        return None
    from .shortforms import other_group

    ours = tuple(products)
    found = _name_end(text, folded, ours, places_rx, gate) or _place_last_word(text, folded, ours, places, places_rx) \
        or _unusual_name(text, folded, ours, elsewhere) or _baby_last_word(text, folded, ours, places_rx, elsewhere)
    return None if found is None or other_group(text, ours) else found


def _clean(text, folded, a, b, places_rx) -> bool:
    """Not in quotes, not after a capitalised name, not before a word that makes it another thing."""
    from .shortforms import other_thing_after
    from .shortforms25 import _named_before
    from .shortforms28 import _QUOTES

    return not (text[a - 1:a] in _QUOTES or text[b:b + 1] in _QUOTES or other_thing_after(text, folded, b, places_rx)
                or _named_before(text, a, places_rx))


def _name_end(text, folded, ours, places_rx, gate):
    from .shortforms import ShortForm

    rule = "name's end, lower case"
    if rule not in RULES31:
        return None
    for raw, any_case, proper, after_the in _forms(ours):
        for m in any_case.finditer(folded):
            a, b = m.start(), m.end()
            written = text[a:b]
            if not (written.islower() or written.isupper()) or proper.fullmatch(text, a, b) or \
                    (after_the and not _THE_BEFORE.search(folded, max(0, a - 8), a)):
                continue
            if _clean(text, folded, a, b, places_rx) and gate(a, b):
                return ShortForm(f"'{' '.join(written.split())}', part of our product '{raw}'", rule)
    return None


def _place_last_word(text, folded, ours, places, places_rx):
    from .shortforms import ShortForm

    rule = "place and name's last word"
    if rule not in RULES31 or not places or places_rx is None or not places_rx.search(folded):
        return None
    for raw, rx in _place_last(ours, tuple(places)):
        for m in rx.finditer(folded):
            if _clean(text, folded, m.start(), m.end(), places_rx):
                return ShortForm(f"'{' '.join(text[m.start():m.end()].split())}', short for our product '{raw}'", rule)
    return None


def _unusual_name(text, folded, ours, elsewhere):
    from .products import _PETS

    rule = "unusual name, lower case, no other town"
    if rule not in RULES31 or _PETS.search(text):  # "official members of the cwtch club tonight" (the dog and me)
        return None
    from .shortforms import ShortForm
    from .shortforms28 import lower_spans

    for a, b, product, words in lower_spans(text, folded, ours):
        rest = folded[:a] + " " + folded[b:]
        if elsewhere(text, rest) or any(re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", rest) for w in words):
            continue  # "rowan bairns fancy dress at the rowan hotel": the name's word names other things here
        return ShortForm(f"'{text[a:b]}', our product '{product}' in lower case", rule)
    return None


def _baby_last_word(text, folded, ours, places_rx, elsewhere):
    from .shortforms import ShortForm
    from .shortforms29b import _town_near

    rule = "baby and name's last word, place in text"
    if rule not in RULES31 or "baby" not in folded or places_rx is None:
        return None
    place, rx = places_rx.search(folded), _baby_last(ours)
    if place is None or rx is None:
        return None
    for m in rx.finditer(folded):
        a, b = m.start(), m.end()
        if _clean(text, folded, a, b, places_rx) and not _town_near(text, folded, a, b, elsewhere) and \
                not _DID.search(folded, max(0, a - 14), a):
            return ShortForm(f"'{' '.join(text[a:b].split())}', with our place {place.group(0).title()}", rule)
    return None
