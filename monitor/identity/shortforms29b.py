"""Short forms of us, round 29 (issue 15, mention recall): texts naming one of our things a little differently, read
after ``shortforms29._round29``; unsure like every short form (watch at most; a crisis at alert at most unless the
model is sure: ``Judge.product_only``), us when one of our places is in the text (``place_evidence``: so "service at
place" always is); each rule can be switched off (``RULES29B``).

- **"name, town elsewhere"**: a product's whole name with its capitals (``Products.alone``'s reading: not in quotes,
  no capitalised name or describing word after it) in a text that also names another town, when that town is not in
  the product's sentence ("Really lovely swap shop, the Tar Bar'l Box ... My only moan is ... if you work weekends in
  Hexham"): ``Products.alone`` refuses a product beside any other town;
- **"name without place word"**: a product listed with a word of our places or area in it ("Little Curlew Allen bags"),
  named with its capitals without that word ("one of those Little Curlew bags"), two or more words left;
- **"name in any case"**: a product's whole name of two or more words, one of them a word of our places or area
  ("Allen Bairns", "Bain Slings"), written in another case ("the allen bairns whatsapp", "bain slings lost their
  funding"), with no word of our work needed (the name carries our place), when that word is not one of our places
  itself (then the earlier rules decide: "Hathersage cradle cupboard plans") nor used again outside the name;
- **"service at place"**: "the sling library / place / thing / hire", "the swap shop" in the same sentence as one of
  our places, even with another town ("the sling library's moving out of Whitfield and going to Hexham", "the sling
  place in Whitfield");
- **"service and the charity"**: "home-visit volunteer", "online baby group", "sling library", "swap shop" with "the
  charity" (not "the charity shop") elsewhere in the text and no other town ("The home-visit volunteer who came ...
  I'd assumed the people sent out by the charity"; "Somebody from the online baby group posted ... I've messaged the
  charity");

each not after a capitalised name ("the Bristol sling library"), not in quotes, not in a text naming another group
in capitals. Measured on every labelled file with a profile: 68 texts no other rule read (some naming us anyway), all
true mentions, no other text; pseudo-blind (``bench/identity_newwriter.py --test`` t138 t140 t142 t144 t145) true
lost 132 -> 84 of 960 (each rule switched off loses 2, 38, 4, 2 and 2), namesakes 21 -> 21 (2 at alert or worse).
Tried and left out: "name, town elsewhere" without a word of our work (15 other texts, namesakes: a furniture store's
fire, a food truck, a band), or read when any one of the name's mentions passes (3 other texts).
"""

from __future__ import annotations

import re
from functools import lru_cache

RULES29B = {"name, town elsewhere", "name without place word", "name in any case", "service at place",
            "service and the charity"}
TOPIC = True  # "name, town elsewhere" wants a word of our work in the text (without: 15 other texts read)
_SERVICE = re.compile(r"(?<![\w@#-])(?:the|a)[ \t]+(?:sling[ \t]+(?:library|place|thing|hire|lending|drop[ -]?in)|"
                      r"swap[ \t]+shop)(?:['’]s)?(?![\w-])", re.I)
# what we run, beside "the charity" elsewhere in the text ("The home-visit volunteer who came ... I'd assumed the people
# sent out by the charity", "Somebody from the online baby group posted ... I've messaged the charity")
_RUN = re.compile(r"(?<![\w@#-])(?:home[ -]?visit(?:s|ing|or|ors)?(?:[ \t]+volunteers?)?|online[ \t]+(?:baby[ \t]+)?(?:group|session)s?|"
                  r"sling[ \t]+library|swap[ \t]+shop)(?![\w-])", re.I)
_THE_CHARITY = re.compile(r"(?<![\w-])the[ \t]+charity(?![ \t]+(?:shops?|sector|commission|event|ball|run|walk|auction))(?![\w-])",
                          re.I)
# words of what we run, with ``our_topic``, for "name, town elsewhere": "Really lovely swap shop, the Tar Bar'l Box"
_OUR_THINGS = re.compile(r"(?<![\w])(?:swap[ \t]+shop|baby[ \t]+bank|sling[ \t]+library|home[ -]?visits?)(?![\w])")
_SHARED = frozenset("the a an of and in on upon by little great north south east west upper lower valley valleys vale "
                    "".split())


@lru_cache(maxsize=8)
def _reader(products: tuple):
    from .products import read_products

    return read_products(products)


@lru_cache(maxsize=8)
def _place_words(places: tuple) -> frozenset:
    from ..text import fold

    return frozenset(w for p in places for w in re.findall(r"\w+", fold(p)) if len(w) >= 4 and w not in _SHARED)


def _sentence(text: str, a: int) -> tuple:
    """(start, end) of the sentence of ``text`` around position ``a``."""
    start = max(text.rfind(c, 0, a) for c in ".!?\n") + 1
    ends = [e for e in (text.find(c, a) for c in ".!?\n") if e >= 0]
    return start, min(ends) if ends else len(text)


def _town_near(text: str, folded: str, a: int, b: int, elsewhere) -> bool:
    """Whether another town (or a place abroad) is named in the sentence of ``text[a:b]``, outside it."""
    s, e = _sentence(text, a)
    e = max(e, b)
    return bool(elsewhere(text[s:a] + " " + text[b:e], folded[s:a] + " " + folded[b:e]))


def _read_alone(prods, text, folded, m, places_rx, our_topic, elsewhere) -> bool:
    """Whether ``Products.alone`` reads the product found at ``m`` in its own sentence, with no other town there and a
    word of our work elsewhere in the text."""
    rest = folded[:m.start()] + " " + folded[m.end():]
    if TOPIC and not (our_topic.search(rest) or _OUR_THINGS.search(rest)):
        return False
    s, e = _sentence(text, m.start())
    return bool(prods.alone(text[s:max(e, m.end())], places_rx)) and \
        not _town_near(text, folded, m.start(), m.end(), elsewhere)


@lru_cache(maxsize=8)
def _patterns(products: tuple, places: tuple) -> list:
    """``[(product, words, mine, any-case regex or None, [regex of each word of ours], regex without them or None)]``:
    the products of two or more capitalised words with a word of our places or area (``mine``: which are)."""
    from ..text import fold
    from .shortforms28 import name_words

    ours, out = _place_words(places), []
    for raw in products:
        words = name_words(raw)
        mine = [fold(w) in ours for w in words]
        if len(words) < 2 or not any(mine):
            continue
        core = [w for w, o in zip(words, mine) if not o]
        anycase = re.compile(r"(?<![\w@#-])" + r"[ \t]+".join(re.escape(fold(w)) for w in words) + r"(?![\w-])") \
            if not all(mine) else None
        again = [re.compile(rf"(?<![\w]){re.escape(fold(w))}(?![\w])") for w, o in zip(words, mine) if o]
        without = re.compile(r"(?<![\w@#-])" + r"[ \t]+".join(_forms(w, i == len(core) - 1) for i, w in enumerate(core))
                             + r"(?![\w-])") if len(core) >= 2 else None
        out.append((raw, words, anycase, again, without))
    return out


def _forms(word: str, last: bool) -> str:
    """A word of a name as written, or in capitals; the last one singular or plural too (round 33: "packed forty
    Snuggle Sacks" for "the Spittal Snuggle Sack")."""
    from ..text import plural_forms

    forms = sorted(plural_forms(word) if last else {word}, key=len, reverse=True)
    return "(?:" + "|".join(dict.fromkeys(re.escape(f) for f in forms + [f.upper() for f in forms])) + ")"


@lru_cache(maxsize=8)
def _stems(products: tuple, places: tuple) -> tuple:
    """The start of each product's longest word, folded, and of its longest word that is not our place's ("curle" of
    "Little Curlew Allen bags", "one" of "Wolds Wee Ones"): a text without any of them (a plain substring test, far
    cheaper than a regex) names none of our products, whole or in part."""
    from ..text import fold
    from .shortforms import _name_words

    out, ours = set(), _place_words(places)
    for raw in products:
        words = [fold(w) for w in _name_words(raw) if fold(w) not in ("the", "our")]
        for some in (words, [w for w in words if w not in ours]):
            if some:
                w = max(some, key=len)
                out.add(w[:max(3, len(w) - 2)])
    return tuple(out)


@lru_cache(maxsize=8)
def _any_name(products: tuple, places: tuple):
    """One regex finding, in folded text, any name ``_patterns`` reads, whole or without our place's word (a cheap
    first look: ``short_form`` runs for every text that does not name us), or None."""
    from ..text import fold

    ours, alts = _place_words(places), set()
    for _, words, _, _, _ in _patterns(products, places):
        alts.add(r"[ \t]+".join(re.escape(fold(w)) for w in words))
        alts.add(r"[ \t]+".join(re.escape(fold(w)) for w in words if fold(w) not in ours))
    return re.compile("|".join(sorted(alts, key=len, reverse=True))) if alts else None


def _round29b(text, folded, products, places, places_rx, our_topic, elsewhere):
    """``short_form``'s text (``folded`` the same, folded), the profile's products and places (``places_rx`` ours in
    folded text), ``our_topic`` (words of our work, folded text) and ``elsewhere`` (another town named)."""
    if not products and "sling" not in folded and "swap" not in folded and "charity" not in folded:
        return None  # nothing below can be here (``short_form`` runs for every text that does not name us)
    from .shortforms import ShortForm, other_group, other_thing_after
    from .shortforms25 import _named_before
    from .shortforms28 import _QUOTES

    ours = tuple(products or ())  # our products' own names are no other group (``other_group``)
    if len(text) != len(folded) or not RULES29B:
        return None
    place = places_rx.search(folded) if places_rx is not None else None

    def gate(a, b):  # our place; or a word of our work and no other town in the sentence
        rest = folded[:a] + " " + folded[b:]
        return place is not None or (our_topic.search(rest) and not _town_near(text, folded, a, b, elsewhere))

    def clean(a, b):
        return not (text[a - 1:a] in _QUOTES or text[b:b + 1] in _QUOTES or other_thing_after(text, folded, b, places_rx)
                    or _named_before(text, a, places_rx))

    def found(words, rule):  # not in a text naming another group in capitals ("Tyne Mums Network"): theirs
        return None if other_group(text, ours) else ShortForm(words, rule)

    products = tuple(products or ())
    if products and not any(w in folded for w in _stems(products, tuple(places))):
        products = ()  # none of our products is named here, whole or in part
    if "name, town elsewhere" in RULES29B and products:
        prods = _reader(tuple(products))
        spans = list(prods.rx_proper.finditer(text)) if prods.rx_proper is not None else []
        if spans and all(_read_alone(prods, text, folded, m, places_rx, our_topic, elsewhere) for m in spans):
            return found(f"'{' '.join(spans[0].group(0).split())}', our product, another town elsewhere",
                         "name, town elsewhere")
    names = _any_name(tuple(products or ()), tuple(places))
    for raw, words, anycase, again, without in _patterns(tuple(products or ()), tuple(places)) \
            if names is not None and names.search(folded) else ():
        for m in anycase.finditer(folded) if anycase is not None and "name in any case" in RULES29B else ():
            written, rest = text[m.start():m.end()], folded[:m.start()] + " " + folded[m.end():]
            if places_rx is not None and places_rx.search(folded, m.start(), m.end()):
                continue  # one of our places itself ("Hathersage cradle cupboard plans"): the earlier rules' case
            if " ".join(written.split()) != " ".join(words) and not any(rx.search(rest) for rx in again) and \
                    clean(m.start(), m.end()) and (place is not None or not elsewhere(text, rest)):
                return found(f"'{written}', our product '{raw}'", "name in any case")  # not "Saffron seconds?
                # ... the saffron risotto": our place's word again outside the name
        for m in without.finditer(text) if without is not None and "name without place word" in RULES29B else ():
            if clean(m.start(), m.end()) and gate(m.start(), m.end()):
                return found(f"'{m.group(0)}', our product '{raw}' without its place", "name without place word")
    if "service at place" in RULES29B and place is not None and ("sling" in folded or "swap" in folded):
        for m in _SERVICE.finditer(text):
            s, e = _sentence(text, m.start())
            here = places_rx.search(folded[s:max(e, m.end())])
            if here is not None and not _named_before(text, m.start(), places_rx):
                return found(f"'{' '.join(m.group(0).split())}', with our place {here.group(0).title()}",
                             "service at place")
    if "service and the charity" in RULES29B and "charity" in folded:
        for m in _RUN.finditer(text):
            rest = folded[:m.start()] + " " + folded[m.end():]
            if _THE_CHARITY.search(rest) and not _named_before(text, m.start(), places_rx) and not elsewhere(text, rest):
                return found(f"'{' '.join(m.group(0).split())}', with 'the charity'", "service and the charity")
    return None
