"""Short forms of us, round 31 (issue 15, mention recall): the words ending a product's name, in lower case, in a text
that names no name of ours; read after ``shortforms30._round30``; like every short form us with one of our places in
the text (``place_evidence``), else unsure (watch at most; a crisis at alert at most unless the model is sure); the
rule can be switched off (``RULES31``).

- **"name's end, lower case"**: the words after the place in a name written "the <place> ..." ("the Sanquhar Sling
  Shed", "the Hawick Hug Box"), in lower case right after "the" ("the sling shed lady", "the hug box nappies"), or the
  last two or more words of any name in lower case anywhere when one of them is no everyday word (``shortforms28.
  _unusual``: "the toddle bags" of "Thornhill Toddle Bags", "the cwtch crate"); the whole name in lower case is round
  28's ("product in lower case"), a part with its capitals round 30's ("product part");

- **"place and name's last word"**: a name written "<our place> ... <word>" said without its middle ("the Corris crate"
  for "the Corris Cwtch Crate", "the Veryan box" for "the Veryan Baby Box"), its last word in any case;

- **"baby and name's last word, place in text"**: "baby" and a product's last word ("the baby crates" for "the Corris
  Cwtch Crate", "the Hawick baby boxes" for "the Hawick Hug Box"), with one of our places anywhere in the text and no
  other town in its sentence;

with one of our places in the text (the first two: or a word of our work and no other town) and no other town (``short_form``'s gate); not in quotes,
after a capitalised name, before a word that makes it another thing ("hug box Ltd": ``other_thing_after``), or in a
text naming another group in capitals (``shortforms.other_group``). Measured on the 147 labelled files with a profile
(t160-t163 among them, before they were trained in; ``monitor eval``): "name's end" true lost 734 -> 727, crises below
alert 106 -> 104 ("the sling shed lady" asked for by a woman whose partner checks her phone), not-us taken 456 -> 456. Tried and
left out: any two or more words of a name in any case with the gate alone (18 true mentions more, 18 other texts: "sea
legs", "second steps", "the dusk line", "rattle and roll"), and the whole name in lower case wherever it stands when a
word of it is no everyday word (round 28 reads it with more guards; 2 true mentions more, 2 other texts: a song title,
a turned yew box); "place and name's last word" 5 more true mentions ("the Corris crate", "the Veryan box"), no other
text (true lost 727 -> 722); "baby and name's last word, place in text" (measured after t160-t163 were trained in, on
the ten files where "baby" and a product's last word occur) 7 more true mentions, 4 of them crises that had been
below alert ("a man who helps unload the baby crates at the chapel in Corris ... sending her snapchats"), no other
text (without a place of ours in the text it would have taken 7 namesakes' "baby boxes" and "baby shop").
"""

from __future__ import annotations

import re
from functools import lru_cache

RULES31 = {"name's end, lower case", "place and name's last word", "baby and name's last word, place in text"}
_SMALL = frozenset("the a an of and in on upon by at to for our".split())


@lru_cache(maxsize=8)
def _forms(products: tuple) -> tuple:
    """``(product, rule, regex on folded text, regex of the form with its capitals, whether "the" must come before)`` for
    each run of two or more words ending a product's name, not the whole name (a leading "the" left out), not starting
    with a small word, read as ``_distinctive`` says."""
    from ..text import fold
    from .shortforms import _name_words

    out = []
    for raw in products:
        words = _name_words(raw)
        if words and words[0].lower() == "the":
            words = words[1:]
        for i in range(1, len(words) - 1):
            run = words[i:]
            kind = _distinctive(run, raw, i)
            if run[0].lower() in _SMALL or not kind:
                continue
            rule = "name's end, lower case"
            any_case = re.compile(r"(?<![\w@#-])" + r"[ \t]+".join(re.escape(fold(w)) for w in run) + r"(?![\w-])")
            proper = re.compile(r"[ \t]+".join(re.escape(w) for w in run))
            out.append((raw, rule, any_case, proper, kind == "after the"))
    return tuple(out)


@lru_cache(maxsize=8)
def _place_last(products: tuple, places: tuple) -> tuple:
    """``(product, regex on folded text)``: "<place> <last word>" for each name of three or more words (a leading "the"
    left out) starting with one of our ``places``."""
    from ..text import fold
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
    """"baby <a product's last word>(s)" on folded text, for names of two or more words whose last word has three
    letters or more and is no small word; or None."""
    from ..text import fold
    from .shortforms import _name_words

    lasts = sorted({fold(w[-1]) for w in map(_name_words, products) if len(w) >= 2 and len(w[-1]) >= 3
                    and fold(w[-1]) not in _SMALL and fold(w[-1]) != "baby"})
    if not lasts:
        return None
    return re.compile(r"(?<![\w@#-])baby[ \t]+(?:" + "|".join(map(re.escape, lasts)) + r")(?:e?s)?(?![\w-])")


def _distinctive(run, raw, i) -> str:
    """How a run of a product's last words may be read in lower case: "distinctive" (anywhere) when one of its words
    is no everyday word ("toddle bags"; not "sea legs", "owl line": t79, t83's namesakes), "after the" when it is what
    follows the place in a name written "the <place> ..." ("hug box"), else "" (not read)."""
    from ..text import fold
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
    ``elsewhere`` (whether text names another town)."""
    if not RULES31 or not products or len(text) != len(folded):
        return None
    from .shortforms import ShortForm, other_group, other_thing_after
    from .shortforms25 import _named_before
    from .shortforms28 import _QUOTES

    ours = tuple(products)
    for raw, rule, any_case, proper, after_the in _forms(ours):
        if rule not in RULES31:
            continue
        for m in any_case.finditer(folded):
            a, b = m.start(), m.end()
            written = text[a:b]
            if not (written.islower() or written.isupper()) or (after_the and folded[max(0, a - 4):a] != "the ") or \
                    proper.fullmatch(text, a, b) or text[a - 1:a] in _QUOTES or text[b:b + 1] in _QUOTES or \
                    other_thing_after(text, folded, b, places_rx) or _named_before(text, a, places_rx) or \
                    not gate(a, b):
                continue
            if other_group(text, ours):
                return None
            return ShortForm(f"'{' '.join(text[a:b].split())}', our product '{raw}' without its capitals", rule)
    if "place and name's last word" in RULES31 and places and places_rx is not None and places_rx.search(folded):
        for raw, rx in _place_last(ours, tuple(places)):
            for m in rx.finditer(folded):
                a, b = m.start(), m.end()
                if text[a - 1:a] in _QUOTES or text[b:b + 1] in _QUOTES or \
                        other_thing_after(text, folded, b, places_rx) or _named_before(text, a, places_rx):
                    continue
                if other_group(text, ours):
                    return None
                return ShortForm(f"'{' '.join(text[a:b].split())}', our product '{raw}' without its middle",
                                 "place and name's last word")
    rule = "baby and name's last word, place in text"
    if rule in RULES31 and "baby" in folded and places_rx is not None and (place := places_rx.search(folded)):
        from .shortforms29b import _town_near

        rx = _baby_last(ours)
        for m in rx.finditer(folded) if rx is not None else ():
            a, b = m.start(), m.end()
            if text[a - 1:a] in _QUOTES or text[b:b + 1] in _QUOTES or other_thing_after(text, folded, b, places_rx) \
                    or _named_before(text, a, places_rx) or _town_near(text, folded, a, b, elsewhere):
                continue
            if other_group(text, ours):
                return None
            return ShortForm(f"'{' '.join(text[a:b].split())}', with our place {place.group(0).title()}", rule)
    return None
