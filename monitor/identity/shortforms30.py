"""Short forms of us, round 30 (issue 15, mention recall): our work named generically with one of our places, or part
of a product's name with a word of our work, in a text that names no name of ours; read after
``shortforms29b._round29b``; like every short form us with one of our places in the text (``place_evidence``), else
unsure (watch at most; a crisis at alert at most unless the model is sure); each rule can be switched off
(``RULES30``).

- **"service near place"**: "the baby swap / group / club / café (thing)", since round 33 "the baby thing" ("i go
  to the baby thing in salen": t146, a crisis), "the sling fitting / thing / pop-up"
  followed, in its sentence and within three words, by "in / at / down / round / near..." and one of our places or
  "the <our area's last word>" ("the baby swap thing at Jackfield", "the baby club down the gorge" for "the Severn
  gorge", "the sling fitting in Broseley", "the next sling thing at Donington");
- **"baby swap, place in text"** / **"baby group, place in text"**: "the baby swap", "the baby group / club" with one
  of our places anywhere in the text and no other town in its own sentence (round 22's "kind in text" wants none in
  the whole text: "I'm in Inverness and can't get up"), not after "did / do" ("we did the baby group with ...");
- **"place library"**: "the <our place> (sling) library" with slings or carriers elsewhere in the text ("Hired one
  from the Abbeytown library ... check your slings");
- **"place baby charity"**: "the / that / a certain <our place> baby charity" ("the Ironbridge baby charity", "the
  Gatehouse baby charity" for "Gatehouse of Fleet");
- **"area baby charity"** (round 37): "the <our area's last word> baby charity / group / club" ("the valley baby
  charity" for "the Wylye valley": t190 named it so six times);
- **"new baby charity at place"**: "the / that new baby charity" with one of our places in its sentence ("that new baby
  charity in Maybole");
- **"product part"**: two or more of a product's words in a row, with their capitals, not the whole name, either
  followed by a word of our work ("the Tar Tunnel swap" for "the Tar Tunnel Trunk") or ending the name with such a
  word, that word in any case ("the Summer Swap" for "the Last of the Summer Swap", "the Puddingstone box"), with one
  of our places in the text, or a word of our work and no other town;

none after a capitalised name, in quotes, or in a text naming another group in capitals (our products' own names
are none: ``shortforms.other_group``); the product's parts not
before a word that makes them another thing (``other_thing_after``). Measured on every labelled file with a profile
(143): 21 texts no other rule read, all true mentions, no other text (each rule switched off loses 2 to 4 of them);
``monitor eval``: true lost 698 -> 677, not-us taken 449 -> 449, crises below alert 105 -> 94; pseudo-blind
(``bench/identity_newwriter.py --test`` t152-t155, t145) true lost 77 -> 64 of 1040, namesakes 14 -> 14 (4 at alert or
worse). Tried and left out: "product part" with another town in another sentence only (t152's "the Summer Swap ...
recalled in America" has it in the same sentence: nothing gained).
"""

from __future__ import annotations

import re
from functools import lru_cache

RULES30 = {"service near place", "baby swap, place in text", "place library", "place baby charity", "product part",
           "baby group, place in text", "new baby charity at place", "area baby charity"}
_PLACE_CHARITY = re.compile(r"(?<![\w])(?:the|that|this|our|local|a[ \t]+certain)[ \t]+((?:[\w'’-]+[ \t]+){1,3}?)baby[ \t]+"
                            r"charity(?![\w])")
# round 37: "the valley baby charity / group" for "the Wylye valley" (t190: six true mentions, two alerts)
_AREA_GROUP = re.compile(r"(?<![\w])(?:the|that|this|our|local)[ \t]+([\w'’-]+)[ \t]+baby[ \t]+(?:charity|group|club)s?"
                         r"(?![\w])")
_NEW_CHARITY = re.compile(r"(?<![\w])(?:the|that|this|a)[ \t]+new[ \t]+baby[ \t]+charity(?![\w])")
_BABY_GROUP = re.compile(r"(?<![\w@#-])the[ \t]+(?:local[ \t]+)?baby[ \t]+(?:group|club)(?:[ \t]+(?:thing|one))?(?![\w-])",
                         re.I)
_SERVICE = re.compile(r"(?<![\w@#-])(?:(?:the|a|that|this|our|local|next)[ \t]+)?(?:local[ \t]+)?(?:baby[ \t]+(?:swap|group|club|"
                      r"caf[eé]|thing)|sling[ \t]+(?:fittings?|thing|pop-?up))(?:[ \t]+(?:thing|one|session|place))?(?![\w-])", re.I)
_QUICK = re.compile(r"baby[ \t]+(?:swap|group|club|caf|thing)|sling[ \t]+(?:fitting|thing|pop)")  # a cheap first look, folded text
_NEAR = r"(?:[ \t]+[\w'’]+){0,3}?[ \t]+(?:in|at|down|round|around|near|up|over)[ \t]+(?:in[ \t]+)?"
_BABY_SWAP = re.compile(r"(?<![\w@#-])the[ \t]+(?:local[ \t]+)?baby[ \t]+swap(?:[ \t]+(?:thing|one))?(?![\w-])", re.I)
# not "we did the baby swap with the grandparents" (an evening out)
_DID = re.compile(r"(?<![\w])(?:did|do|does|doing|done)[ \t]+$")
_SLING_WORD = re.compile(r"(?<![\w])(?:slings?|carriers?|wraps?|sling[ \t]+library)(?![\w])")
# words of our work a product's part is written with ("the Tar Tunnel swap") or ends in ("the Summer Swap")
# (since round 31 plurals and crates, hampers, parcels, bundles, baskets: "19 Cwtch Crates", "hats for the Hug Boxes")
_WORK = (r"(?:swaps?|trunks?|box(?:es)?|chests?|shops?|library|slings?|wraps?|carriers?|groups?|clubs?|sales?|hire|bags?|"
         r"banks?|crates?|hampers?|parcels?|bundles?|baskets?)")
_WORK_RX = re.compile(rf"{_WORK}$", re.I)
_SMALL = frozenset("the a an of and in on upon by at to for our".split())


@lru_cache(maxsize=8)
def _area_heads(places: tuple) -> tuple:
    """The last word of each area named "the <...> <word>" ("gorge" of "the Severn gorge"), folded."""
    from ..text import fold

    return tuple(sorted({fold(p).split()[-1] for p in places if fold(p).startswith("the ") and len(p.split()) >= 3}))


@lru_cache(maxsize=8)
def _near_place(places: tuple):
    """After a service word: ``_NEAR`` then one of our places or "the <area's last word>", folded text."""
    from ..text import fold

    names = {fold(p) for p in places} | {fold(p).split()[0] for p in places if not fold(p).startswith("the ")}
    alts = sorted([re.escape(n) for n in names] + [r"the[ \t]+" + re.escape(h) for h in _area_heads(places)],
                  key=len, reverse=True)
    return re.compile(_NEAR + r"(?:" + "|".join(alts) + r")(?![\w])") if alts else None


@lru_cache(maxsize=8)
def _place_then(places: tuple):
    """"the <our place> (sling) library" / "the <our place> baby charity", folded text: (library rx, charity rx)."""
    from ..text import fold

    names = sorted({fold(p) for p in places if not fold(p).startswith("the ")}, key=len, reverse=True)
    if not names:
        return None, None
    alt = "(?:" + "|".join(re.escape(n) for n in names) + ")"
    return (re.compile(rf"(?<![\w])the[ \t]+{alt}[ \t]+(?:sling[ \t]+)?library(?![\w])"),
            re.compile(rf"(?<![\w])(?:the|that|this|our|local)[ \t]+{alt}[ \t]+baby[ \t]+charity(?![\w])"))


@lru_cache(maxsize=8)
def _parts(products: tuple) -> tuple:
    """Regexes (case kept) of each product's runs of two or more words, with their capitals, that are not the whole
    name: a run followed by a word of our work in lower case, or a run ending the name with such a word."""
    from .shortforms import _name_words

    out = []
    for raw in products:
        words = _name_words(raw)
        n = len(words)
        for i in range(n):
            for j in range(i + 2, n + 1):
                run = words[i:j]
                if (i, j) == (0, n) or (i == 1 and j == n and words[0].lower() == "the"):
                    continue  # the whole name
                if run[0].lower() in _SMALL or run[-1].lower() in _SMALL or not all(
                        w[:1].isupper() or w.lower() in _SMALL for w in run):
                    continue
                body = r"[ \t]+".join(re.escape(w) for w in run)
                if j == n and _WORK_RX.match(run[-1]):  # its last word in any case ("the Puddingstone box")
                    body = r"[ \t]+".join([re.escape(w) for w in run[:-1]] + [f"(?i:{re.escape(run[-1])}(?:e?s)?)"])
                    out.append((raw, re.compile(rf"(?<![\w@#-]){body}(?![\w-])"), run[0]))
                elif j < n:  # not the name's own next word when that ends the name ("Little Wagtail bags": whole)
                    whole = j == n - 1 and (i == 0 or (i == 1 and words[0].lower() == "the"))
                    last = rf"(?!(?i:{re.escape(words[j])})(?![\w-]))" if whole else ""
                    out.append((raw, re.compile(rf"(?<![\w@#-]){body}[ \t]+{last}{_WORK}(?![\w-])"), run[0]))
    return tuple(out)


@lru_cache(maxsize=8)
def _part_firsts(products: tuple) -> tuple:
    """The first word of each of ``_parts``, folded: a text without any of them (a plain substring test) has none."""
    from ..text import fold

    return tuple(sorted({fold(first) for _, _, first in _parts(products)}))


@lru_cache(maxsize=8)
def _any_part(products: tuple):
    """One regex finding any of ``_parts`` (a cheap first look: ``short_form`` runs for every text that does not name
    us), or None."""
    parts = _parts(products)
    return re.compile("|".join(f"(?:{rx.pattern})" for _, rx, _ in parts)) if parts else None


def _round30(text, folded, products, places, places_rx, our_topic, elsewhere):
    """``short_form``'s text (``folded`` the same, folded), the profile's products and places (``places_rx`` ours in
    folded text), ``our_topic`` (words of our work, folded text) and ``elsewhere`` (another town named)."""
    if not RULES30 or len(text) != len(folded):
        return None
    from ..text import fold
    from .shortforms import ShortForm, other_group, other_thing_after
    from .shortforms25 import _named_before
    from .shortforms28 import _QUOTES
    from .shortforms29b import _sentence, _town_near

    ours = tuple(products or ())  # our products' own names are no other group (``other_group``)
    places = tuple(places or ())
    place = places_rx.search(folded) if places_rx is not None else None

    def clean(a, b):
        return not (text[a - 1:a] in _QUOTES or text[b:b + 1] in _QUOTES or other_thing_after(text, folded, b, places_rx)
                    or _named_before(text, a, places_rx))

    def found(words, rule):  # not in a text naming another group in capitals ("Tyne Mums Network"): theirs
        return None if other_group(text, ours) else ShortForm(words, rule)

    if places and ("baby" in folded or "sling" in folded) and _QUICK.search(folded):
        near = _near_place(places) if "service near place" in RULES30 else None
        for m in _SERVICE.finditer(text) if near is not None else ():
            at = near.match(folded, m.end())
            if at is not None and "\n" not in text[m.start():at.end()] and not _named_before(text, m.start(), places_rx):
                return found(f"'{' '.join(text[m.start():at.end()].split())}', our work at our place",
                             "service near place")
        if "baby swap, place in text" in RULES30 and place is not None and "swap" in folded:
            for m in _BABY_SWAP.finditer(text):
                if clean(m.start(), m.end()) and not _DID.search(folded, max(0, m.start() - 8), m.start()) and \
                        not _town_near(text, folded, m.start(), m.end(), elsewhere):
                    return found(f"'{' '.join(m.group(0).split())}', with our place {place.group(0).title()}",
                                 "baby swap, place in text")
        if "baby group, place in text" in RULES30 and place is not None:
            for m in _BABY_GROUP.finditer(text):  # not "the baby group at the Sheffield hall ... from Eyam"
                if clean(m.start(), m.end()) and not _DID.search(folded, max(0, m.start() - 8), m.start()) and \
                        not _town_near(text, folded, m.start(), m.end(), elsewhere):
                    return found(f"'{' '.join(m.group(0).split())}', with our place {place.group(0).title()}",
                                 "baby group, place in text")
    heads = _area_heads(places) if "area baby charity" in RULES30 and "baby" in folded else ()
    for m in _AREA_GROUP.finditer(folded) if any(h in folded for h in heads) else ():
        if m.group(1) in heads and not _named_before(text, m.start(), places_rx):  # round 37
            area = next((p for p in places if fold(p).startswith("the ") and fold(p).split()[-1] == m.group(1)), "")
            return found(f"'{' '.join(text[m.start():m.end()].split())}', for our area ('{area}')", "area baby charity")
    if "charity" in folded and places_rx is not None:
        for m in _PLACE_CHARITY.finditer(folded) if "place baby charity" in RULES30 else ():
            if places_rx.fullmatch(m.group(1).strip()) and not _named_before(text, m.start(), places_rx):
                return found(f"'{' '.join(text[m.start():m.end()].split())}'", "place baby charity")
        for m in _NEW_CHARITY.finditer(folded) if "new baby charity at place" in RULES30 else ():
            s, e = _sentence(text, m.start())
            here = places_rx.search(folded[s:max(e, m.end())])
            if here is not None and not _named_before(text, m.start(), places_rx):
                return found(f"'{' '.join(text[m.start():m.end()].split())}', with our place {here.group(0).title()}",
                             "new baby charity at place")
    if places and ("library" in folded or "charity" in folded):
        library, charity = _place_then(places)
        if "place library" in RULES30 and library is not None and "library" in folded:
            for m in library.finditer(folded):
                rest = folded[:m.start()] + " " + folded[m.end():]
                if _SLING_WORD.search(rest) and not _named_before(text, m.start(), places_rx):
                    return found(f"'{' '.join(text[m.start():m.end()].split())}', with slings in the text", "place library")
    products = tuple(products or ())
    anypart = _any_part(products) if "product part" in RULES30 and products else None
    if anypart is not None and any(w in folded for w in _part_firsts(products)) and anypart.search(text):
        for raw, rx, _ in _parts(products):
            for m in rx.finditer(text):
                rest = folded[:m.start()] + " " + folded[m.end():]
                if clean(m.start(), m.end()) and (place is not None or (our_topic.search(rest) and not elsewhere(text, rest))):
                    return found(f"'{' '.join(m.group(0).split())}', part of our product '{raw}'", "product part")
    return None
