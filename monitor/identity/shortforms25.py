"""Short forms of us, round 25 (issue 15): the rules ``shortforms.short_form`` reads after round 24's (``_round25``).
Like every short form the text is unsure (watch at most; a crisis at alert at most unless the model is sure:
``Judge.product_only``); each rule can be switched off (``RULES25``) and was measured alone on every labelled file
of the check, on the texts the start code read nothing in (README "Is it us?", figures in the round's commit):

- **"sling library"**: "the sling library" (or "Sling library ..." starting a sentence), "library" in lower case,
  with a word of our work outside it (a baby, a carrier, volunteers...) or one of our places, in a text that names no
  other town, no place abroad and no other group in capitals, not after another thing's capitalised name ("the
  Bristol sling library") unless that is one of our places. Round 22 read it only with one of our places in the
  text. Not the bare phrase with nothing else of ours ("the sling library at the church is shut", round 16's test):
  read so too it found 14 more true mentions and no other labelled text, but says "us" from a common phrase alone;
- **"the baby charity"**: "the / that baby charity" with nothing else of ours needed ("did you hear the woman that runs
  the baby charity is stepping down?"), not after "not", in a text naming no other town and no other group in
  capitals (round 21 read it only with one of our places or a word of our work);
- **"baby network thing"**: "baby network" in lower case right before something we run or own ("Baby network minibus
  parked on the double yellows", "Our online baby network group tonight", "the dales baby network charity"): not
  "group chat", not after a capitalised word inside a sentence ("Newbury Baby Network group"), in a text naming no
  other town and no other group in capitals;
- **"bundle bank at place"**: "the bundle bank" with one of our places in its sentence and no other town in the text
  ("the bundle bank in Lochcarron"), as round 22 reads "the baby bank".
- **"baby café with place"**: "baby café / baby group" (any word before it but another capitalised name: "the Bristol
  baby café") with one of our places anywhere in the text and no other town ("parking at Kilmun hall on baby café
  mornings is carnage"); round 22 read it only after "the / at / to" ("kind in text");
- **"product part capitals"**: a product's whole name written with some of its capitals and not all ("one of the Holy
  Loch hamper bags", "the Bow Fiddle sling library"), its words as listed, in a text naming no other town
  (``_product_part_capitals``);
- **"product without place alone"**: round 24's "product without place" ("the Bundle Barn" for "the Brewood Bundle
  Barn") with nothing else of ours needed, in a text naming no other town.

Each alone, on every labelled file, read no text not about us. Not kept: "the baby group / café" with a word of our
work and no place (12 true mentions, 2 other texts); a word shouted after a product ("Cwtch Club LOST MY DOG": a dog
daycare, t79); a product's name with "&" for "and", run together or hyphenated (6 namesakes: "Wrap & Roam",
"OwlLine").

Elsewhere (``products.Products.alone``, ``shortforms24._product_word_alone``) round 25 also lets a product's name be
followed by a platform its group chats on or a feast ("Penk Pebbles WhatsApp", "the Kittiwakes Christmas party"),
which were read as another thing's name (``ours_after``).
"""

from __future__ import annotations

import re

from ..text import fold
from .products import _NOT_A_NAME
from .shortforms import (_NOT_OURS_AFTER, _OTHER_GROUP, _OTHER_NETWORK, _OUR_NAME_BEFORE, ShortForm, _sentence_at,
                         _word_after)

RULES26 = {"kind word lower"}  # round 26 (``_kind_lower``); a bench may switch it off
RULES25 = {"sling library", "the baby charity", "baby network thing", "bundle bank at place", "platform after",
           "product without place alone", "product part capitals", "baby café with place"}

_SLING_LIBRARY = re.compile(r"(?<![\w@#-])[Ss]ling[ \t]+library(?:['’]s)?(?![\w-])")
_THE_CHARITY = re.compile(r"(?<![\w@#-])(?:[Tt]he|[Tt]hat)[ \t]+baby[ \t]+charity(?:['’]s)?(?![\w-])")
_NOT_BEFORE = re.compile(r"(?<![\w])(?:not|no|nothing[ \t]+to[ \t]+do[ \t]+with)[ \t]+$", re.I)
_BN_THING = re.compile(r"(?<![\w@#-])[Bb]aby[ \t]+network[ \t]+(?:minibus|bus|van|charity|group(?![ \t]+chat)s?|"
                       r"caf[eé]s?|sessions?|party|picnic)(?![\w-])")
_BUNDLE_BANK = re.compile(r"(?<![\w-])(?:the|at|to|from)[ \t]+bundle[ \t]+bank(?![\w-])", re.I)
_BABY_CAFE = re.compile(r"(?<![\w@#-])[Bb]aby[ \t]+(?:caf[eé]|group)s?(?![\w-])")
_CAPITALISED_BEFORE = re.compile(r"([.!?\n(]?)[ \t]*([A-Z][\w'’-]*)[ \t]+$")
# a platform a group of ours chats or posts on, a feast of its year: after a product's name, not another thing's name
_PLATFORMS = frozenset("whatsapp facebook fb insta instagram messenger zoom tiktok snapchat christmas xmas easter".split())


def ours_after(word: str) -> bool:
    """Whether ``word``, right after a product's name, leaves the name ours (``Products.alone``, ``_product_word_alone``):
    a platform ("Penk Pebbles WhatsApp") or a feast ("Kittiwakes Christmas party"). Not a word shouted in capitals:
    "Brewood Bundle Barn STRIPPED BARE" is ours, "Cwtch Club LOST MY DOG" a dog daycare's (t79)."""
    if "platform after" not in RULES25:
        return False
    return fold(word) in _PLATFORMS


def _named_before(text: str, at: int, places_rx) -> bool:
    """Whether a capitalised word inside a sentence, none of our places, comes right before ``at`` ("the Bristol sling
    library"); not one starting the text or a sentence."""
    cap = _CAPITALISED_BEFORE.search(text[:at])
    if cap is None or cap.start() == 0 or cap.group(1):
        return False
    return not (places_rx is not None and places_rx.fullmatch(fold(cap.group(2))))


def _round25(text, folded, places_rx, products, our_topic, elsewhere) -> str | None:
    """Round 25's rules, in the module doc's order, each unless switched off in ``RULES25``; ``our_topic`` and
    ``elsewhere`` are ``short_form``'s (the words of our work; whether a text names another town or a place abroad)."""
    if len(text) != len(folded) or _OTHER_GROUP.search(text):
        return None  # another group named in capitals ("Norwich Baby Bank Network"): theirs
    for rule, rx in (("sling library", _SLING_LIBRARY), ("the baby charity", _THE_CHARITY),
                     ("baby network thing", _BN_THING)):
        if rule not in RULES25:
            continue
        for m in rx.finditer(text):
            if _named_before(text, m.start(), places_rx) or _NOT_BEFORE.search(text[:m.start()]) or \
                    _OUR_NAME_BEFORE.search(folded[:m.start()]):
                continue
            if rx is _BN_THING and _OTHER_NETWORK.search(fold(_sentence_at(text, m.start()) or text)):
                continue
            rest = folded[:m.start()] + " " + folded[m.end():]
            if rx is _SLING_LIBRARY and not (our_topic.search(rest) or (places_rx is not None and places_rx.search(rest))):
                continue  # "the sling library at the church is shut": a bare phrase, nothing of ours
            if not elsewhere(text, rest):
                return ShortForm(f"'{' '.join(m.group(0).split())}'", rule)
    if "bundle bank at place" in RULES25 and places_rx is not None:
        for m in _BUNDLE_BANK.finditer(text):
            here = places_rx.search(fold(_sentence_at(text, m.start()) or ""))
            if here is not None and not elsewhere(text, folded[:m.start()] + " " + folded[m.end():]):
                return ShortForm(f"'{' '.join(m.group(0).split())}', with our place {here.group(0).title()}",
                                 "bundle bank at place")
    if "product part capitals" in RULES25 and products:
        found = _product_part_capitals(text, folded, places_rx, products, elsewhere)
        if found is not None:
            return found
    if "baby café with place" in RULES25 and places_rx is not None:
        place = places_rx.search(folded)
        for m in _BABY_CAFE.finditer(text) if place is not None else ():
            cap = _CAPITALISED_BEFORE.search(text[:m.start()])
            named = cap is not None and cap.start() > 0 and not cap.group(1) and \
                re.sub(r"['’].*", "", cap.group(2)) not in _NOT_A_NAME and not places_rx.fullmatch(fold(cap.group(2)))
            if not named and not _NOT_BEFORE.search(text[:m.start()]) and \
                    not elsewhere(text, folded[:m.start()] + " " + folded[m.end():]):
                return ShortForm(f"'{' '.join(m.group(0).split())}', with our place {place.group(0).title()}",
                                 "baby café with place")
    if "product without place alone" in RULES25 and products:
        from .shortforms24 import _product_without_place

        found = _product_without_place(text, places_rx, products,
                                       lambda a, b: not elsewhere(text, folded[:a] + " " + folded[b:]))
        if found is not None:
            return ShortForm(str(found), "product without place alone")
    return None


def _product_part_capitals(text, folded, places_rx, products, elsewhere) -> str | None:
    """A product's whole name written with some of its capitals and not all ("one of the Holy Loch hamper bags" for
    "the Holy Loch Hamper", "the Bow Fiddle sling library"), its words as listed (not "&" for "and", not run together
    or hyphenated), its first letter capitalised and not as words starting a sentence ("Dusk line at ..."), in a text
    naming no other town; not in quotes, not followed by a capitalised word (but a platform) or a word saying it is
    another kind of thing."""
    from .shortforms22 import _OTHER_KIND, _any_case, _sentence_case

    for product, rx in _any_case(tuple(products)):
        listed = " ".join(w for w in _name_words_of(product))
        for m in rx.finditer(folded):
            written = text[m.start():m.end()]
            if written == written.lower() or written.isupper() or not written[:1].isupper() or \
                    " ".join(written.split()) == listed or (_sentence_case(written) and not _kind_lower(
                        text, m.start(), written, listed, places_rx)) or _stem(written) != _stem(listed):
                continue  # lower case (round 22), shouted, as listed (``Products.alone``), an ordinary phrase, or
                # written another way ("Wrap & Roam", "OwlLine", "Rattle N Roll": t78, t83 and t81's namesakes)
            if text[max(0, m.start() - 1):m.start()] in "'‘\"“" and m.start() > 0:
                continue
            after = _word_after(text, m.end())
            if (after[:1].isupper() and not ours_after(after)) or fold(after) in _NOT_OURS_AFTER or \
                    fold(after) in _OTHER_KIND:
                continue
            if not elsewhere(text, folded[:m.start()] + " " + folded[m.end():]):
                return ShortForm(f"'{' '.join(written.split())}', our product '{product}'", "product part capitals")
    return None


# round 26: what we lend or give, the last word of a product's name people write in lower case ("the Berwyn sling")
_KIND_WORDS = frozenset("""sling slings bag bags box boxes wrap wraps library bank swap parcel parcels hamper hampers
bundle bundles""".split())


def _kind_lower(text: str, at: int, written: str, listed: str, places_rx) -> bool:
    """Round 26: a product's name written as listed but its last word, a kind of thing we lend or give, in lower case
    ("in the Berwyn sling" for "Berwyn Slings"), inside a sentence (not its first word: "Dusk line at ..."), with a
    word of our work or one of our places. On every labelled file: 1 true mention read (a crisis, t125), no other."""
    if "kind word lower" not in RULES26:
        return False
    w, lw = written.split(), listed.split()
    if len(w) != len(lw) or len(w) < 2 or fold(w[-1]) not in _KIND_WORDS or w[:-1] != lw[:-1] or \
            not lw[-1][:1].isupper():
        return False
    before = text[:at].rstrip(" \t")
    if not before or before[-1] in ".!?\n\"'‘“(#@":
        return False
    from .words import _OUR_TOPIC_RX  # and a word of our work or one of our places beside it ("The Croeso bags at the
    # Eisteddfod maes ran out": a festival's tote, t79)

    rest = fold(text[:at] + " " + text[at + len(written):])
    return bool(_OUR_TOPIC_RX.search(rest) or (places_rx is not None and places_rx.search(rest)))


def _stem(words: str) -> str:
    """``words`` folded, spaced once, a last "s" left off (a product's name in the singular or plural)."""
    return re.sub(r"e?s$", "", " ".join(fold(words).split()))


def _name_words_of(product) -> list:
    from .shortforms import _name_words

    words = _name_words(product)
    return words[1:] if words and words[0].lower() == "the" else words
