"""Short forms of us, round 33 (issue 15, mention recall): a product's name without its first word, "baby network"
beside one of our places, and "the network" as people or somewhere one goes, in a text that names no name of ours;
read after ``shortforms32._round32``; like every short form us with one of our places in the text
(``place_evidence``), else unsure (watch at most; a crisis at alert at most unless the model is sure); each rule can
be switched off (``RULES33``). Chosen by reading the missed true mentions of t168-t171 (round 32's newest files) and
the crises below alert left on the profiled training files.

- **"name's tail, capitalised"**: the last two or more words of a product's name of three or more ("Bairns Club" of
  "Berwick Bairns Club", "Cradle Boxes" of "the Giant's Cradle Box"), written with their capitals (or in capitals),
  the last one singular or plural: "Bairns Club has run out of biscuits", "I donated £50 specifically for Cradle
  Boxes". Capitalised words that say what the thing is are written as a name; an ordinary phrase is not capitalised.
  Read with no word of our work needed (``short_form``'s gate is not asked), unless after another capitalised word,
  "a", "&" or a possessive (another thing's name: "Tyne Bairns Club", "Book club's Autumn Swap"), before a
  capitalised word or a word that makes it another thing, in quotes, with another town in its sentence, in a text
  about pets, or naming another group in capitals;
- **"name's end after the, place name"**: the same words in lower case after "the", "my", "our"... for a name listed
  without "the" whose first word is our place's ("Texted the lullaby line in a state at 10pm" for "Langport Lullaby
  Line"): round 31 reads that only for names listed as "the <place> ..."; with a word of our work or our place;
- **"baby network, place in sentence"**: "baby network" in lower case (any word before it, not our name's first
  word) with one of our places in its sentence ("the Brecon baby network", "the private baby network zoom ... in
  three Brecon WhatsApp groups"), no other town there, no railway, phone or gadget words;
- **"someone from the network"**: "the lady / woman / volunteer from the network" or "that network group / café"
  with a word of our work or our place ("the woman from the network at the cafe said i should ring 111 about the
  baby's breathing", "if i go to that network group again he'll take her to his mum's"), or "the network who visits /
  comes round" with nothing else needed ("The lady from the network who visits on Mondays");
- **"'from the baby network'"**: those words quoted, someone saying they are ours ("a man in a hi-vis came to my door
  saying he was 'from the baby network'"): read, for the directors to judge;
- **"at baby network"**: "at / to / since / missed baby network" in lower case without "the" ("missed u at baby
  network").

Measured with ``monitor eval`` on the labelled files with a profile (true mentions lost, other texts taken): see
README "Is it us?" and docs/history/identity.md (round 33).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import fold, plural_forms
from .shortforms31 import _SMALL, _THE_BEFORE
from .shortforms32 import _ARTICLE_BEFORE

RULES33 = {"name's tail, capitalised", "name's end after the, place name", "baby network, place in sentence",
           "someone from the network", "'from the baby network'", "at baby network"}
_BABY_NETWORK = re.compile(r"(?<![\w'‘\"“-])baby[ \t]+network(?:['’]s)?(?![\w'’\"”-])(?![ \t]+of\b)")
# after "&", or a capitalised word and "and" / "n" / "to" / "of" (another thing's name: "Oak & ...", "Rock to Bairns Club")
_JOINED_BEFORE = re.compile(r"(?:&|\+|(?<![\w'’])[A-Z][\w'’]*[ \t]+(?:and|n|N|to|of))[ \t]*$")
# someone else's: "Book club's Autumn Swap is next week" (the product's own front word is the whole name's: ``_whole``)
_POSSESSIVE_BEFORE = re.compile(r"[^\W\d_]['’]s[ \t]+$")


def _word(word: str, last: bool) -> str:
    """One word of a name as a regex; the last one singular or plural ("Boxes" for "Box" too)."""
    forms = plural_forms(word) if last else {word}
    if last and re.search(r"(?:x|ch|sh|ss|z)$", word, re.I):
        forms |= {word + ("ES" if word.isupper() else "es")}
    forms = sorted(forms, key=len, reverse=True)
    return "(?:" + "|".join(dict.fromkeys(re.escape(f) for f in forms)) + ")"


@lru_cache(maxsize=8)
def _tails(products: tuple, places: tuple, with_the: bool = False) -> tuple:
    """``(product, regex as written, regex in capitals, folded regex, whether its front is our place)`` for each run
    of two or more words ending a product's name of three or more (a leading "the" left out), each word capitalised,
    the first no small word; a name listed with "the" has no place front unless ``with_the`` (round 34)."""
    from .shortforms25 import _name_words_of
    from .shortforms29b import _place_words
    from .shortforms31 import name_runs

    ours, out = _place_words(places), []
    for raw in products:
        words = _name_words_of(raw)
        for i, run in name_runs(raw):
            if run[0].lower() in _SMALL or not all(w[:1].isupper() for w in run):
                continue
            last = len(run) - 1
            proper = re.compile(r"(?<![\w@#-])" + r"[ \t]+".join(_word(w, j == last) for j, w in enumerate(run))
                                + r"(?:['’]s)?(?![\w-])")
            shout = re.compile(r"(?<![\w@#-])" + r"[ \t]+".join(_word(w.upper(), j == last) for j, w in enumerate(run))
                               + r"(?![\w-])")
            low = re.compile(r"(?<![\w@#-])" + r"[ \t]+".join(_word(fold(w), j == last) for j, w in enumerate(run))
                             + r"(?![\w-])")
            front_ours = all(fold(w) in ours for w in words[:i]) or (
                with_the and " ".join(fold(w) for w in words[:i]) in {fold(p) for p in places})  # "West Bay"
            out.append((raw, proper, shout, low, front_ours and (with_the or not str(raw).lower().startswith("the "))))
    return tuple(out)


def _round33(text, folded, products, places, places_rx, gate, elsewhere) -> str | None:
    """``short_form``'s text (``folded`` the same, folded), the profile's products and places (``places_rx`` ours in
    folded text), ``gate(a, b)`` (one of our places, or a word of our work outside [a, b) and no other town) and
    ``elsewhere`` (whether text names another town): the first rule that reads the text, in the module doc's order."""
    if not RULES33 or len(text) != len(folded):
        return None
    found = None
    if products:
        ours = tuple(products)
        tails = _tails(ours, tuple(places or ()))
        found = _tail(text, folded, ours, tails, places_rx, elsewhere) or \
            _end_after_the(text, folded, tails, places_rx, gate)
    return found or _baby_network(text, folded, places_rx, elsewhere) or _network_people(text, folded, gate, elsewhere)


# "the lady from the network", "the woman from the network at the cafe"; "the network who visits / comes round"
_PERSON_FROM = re.compile(r"(?<![\w])(?:lady|ladies|woman|women|girl|girls|man|bloke|volunteers?|visitors?|someone|"
                          r"somebody|one|ones)[ \t]+from[ \t]+the[ \t]+network(?![\w'’-])")
# "if i go to that network group again", "the network café"
_NETWORK_GROUP = re.compile(r"(?<![\w-])(?:the|that|this)[ \t]+network[ \t]+(?:group|caf[eé]|session|mums|mams)(?![\w'’-])")
_NETWORK_WHO = re.compile(r"(?<![\w-])the[ \t]+network[ \t]+who[ \t]+(?:comes?|came|visits?|visited)(?![\w])")
# someone claiming to be ours, quoted: "saying he was 'from the baby network'"
_QUOTE_MARKS = "'‘’\"“”"
_FROM_QUOTED = re.compile(r"['‘\"“]from[ \t]+the[ \t]+baby[ \t]+network['’\"”]", re.I)
# "missed u at baby network", "since baby network on weds": somewhere one goes, without "the"
_AT_BABY_NETWORK = re.compile(r"(?<![\w])(?:at|to|from|since|after|before|missed|miss|skipped|skip)[ \t]+"
                              r"baby[ \t]+network(?![\w'’-])")


def _network_people(text, folded, gate, elsewhere):
    """"someone from the network" (with ``gate``; "the network who visits / comes round" without: a network that
    visits is people), "'from the baby network'" in quotes (someone saying they are ours: read so, for the directors
    to judge), "at / since / missed baby network" in lower case; none with a railway, phone or gadget word in its
    sentence or another town in the text."""
    if "network" not in folded:
        return None
    from .shortforms import _OTHER_NETWORK, ShortForm
    from .shortforms29b import _sentence

    def clear(a, b):
        s, e = _sentence(text, a)
        return not _OTHER_NETWORK.search(folded[s:max(e, b)]) and not elsewhere(text, folded[:a] + " " + folded[b:])

    checks = (("someone from the network", _PERSON_FROM, True), ("someone from the network", _NETWORK_WHO, False),
              ("someone from the network", _NETWORK_GROUP, True),
              ("'from the baby network'", _FROM_QUOTED, False), ("at baby network", _AT_BABY_NETWORK, False))
    for rule, rx, gated in checks:
        if rule not in RULES33:
            continue
        for m in rx.finditer(folded):
            a, b = m.start(), m.end()
            if rx is _AT_BABY_NETWORK and not text[a:b].islower():
                continue  # "Keith from Baby Network Radio": a name of its own
            if clear(a, b) and (not gated or gate(a, b)):
                return ShortForm(f"'{' '.join(text[a:b].strip(_QUOTE_MARKS).split())}'", rule)
    return None


def _tail(text, folded, ours, tails, places_rx, elsewhere):
    from .products import _PETS
    from .shortforms import ShortForm, other_group
    from .shortforms29b import _town_near
    from .shortforms31 import _clean

    rule = "name's tail, capitalised"
    if rule not in RULES33:
        return None
    hits = [(raw, m) for raw, proper, shout, _, _ in tails for rx in (proper, shout) for m in rx.finditer(text)]
    if not hits or _PETS.search(text) or other_group(text, ours):
        return None
    for raw, m in hits:
        a, b = m.start(), m.end()
        before = text[max(0, a - 40):a]
        if _whole(text, a, raw):
            continue  # the whole name: the earlier rules' case
        if _JOINED_BEFORE.search(before) or _ARTICLE_BEFORE.search(before) or _POSSESSIVE_BEFORE.search(before) or \
                _town_near(text, folded, a, b, elsewhere) or not _clean(text, folded, a, b, places_rx):
            continue
        return ShortForm(f"'{' '.join(m.group(0).split())}', our product '{raw}' without its first word", rule)
    return None


def _whole(text, a, raw) -> bool:
    """Whether the words before ``a`` are the rest of the product's name ("Berwick Bairns Club" whole)."""
    from .shortforms25 import _name_words_of

    words = _name_words_of(raw)
    before = re.findall(r"[^\W\d_]+", text[max(0, a - 60):a])
    if before and fold(before[-1]) == "s" and len(before) > 1:
        before = before[:-1]  # "Giant's"
    return bool(words) and bool(before) and fold(before[-1]) in {fold(w) for w in words[:-1]} - _SMALL


def _end_after_the(text, folded, tails, places_rx, gate):
    from .shortforms import ShortForm
    from .shortforms31 import _clean

    rule = "name's end after the, place name"
    if rule not in RULES33:
        return None
    for raw, _, _, low, place_front in tails:
        if not place_front:
            continue
        for m in low.finditer(folded):
            a, b = m.start(), m.end()
            written = text[a:b]
            if written.islower() and _THE_BEFORE.search(folded, max(0, a - 8), a) and \
                    _clean(text, folded, a, b, places_rx) and gate(a, b):
                return ShortForm(f"'{' '.join(written.split())}', part of our product '{raw}'", rule)
    return None


def _baby_network(text, folded, places_rx, elsewhere):
    from .shortforms import _OTHER_NETWORK, _OUR_NAME_BEFORE, ShortForm
    from .shortforms29b import _sentence, _town_near

    rule = "baby network, place in sentence"
    if rule not in RULES33 or places_rx is None or "baby network" not in folded:
        return None
    for m in _BABY_NETWORK.finditer(text):
        a, b = m.start(), m.end()
        s, e = _sentence(text, a)
        here = places_rx.search(folded, s, max(e, b))
        if here is None or _OUR_NAME_BEFORE.search(folded[:a]) or _OTHER_NETWORK.search(folded[s:max(e, b)]) or \
                _town_near(text, folded, a, b, elsewhere):
            continue
        return ShortForm(f"'{' '.join(text[a:b].split())}', with our place {here.group(0).title()}", rule)
    return None
