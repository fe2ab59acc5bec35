"""Short forms of us, round 24 (issue 15): the rules ``shortforms.short_form`` reads after round 22's (``_round24``).
Like every short form the text is unsure (watch at most; a crisis at alert at most unless the model is sure:
``Judge.product_only``); each rule can be switched off (``RULES24``) and was measured alone on every labelled file
of the check, on the texts the start code read nothing in (README "Is it us?", figures in the round's commit):

- **"the baby network alone"**: "the baby network" in lower case with nothing else of ours needed ("Hearing the baby
  network has lost its funding from the Lottery", "taking the baby network to court ... Hull Royal"); not "... of",
  not a quoted phrase ("'the baby network'"), not with a gadget, railway, phone, machine-learning word or another
  "network" in its sentence, nor machine-learning words anywhere ("The baby network learns the toy task"), nor a
  place abroad, nor another group named in capitals;
- **"baby network role"**: "baby network volunteer / home visits / helpline / page..." without "the" ("Whichever baby
  network volunteer put my son's red book on her Insta"), not after "a / my / new..." or a capitalised word inside a
  sentence ("Cork baby network volunteers");
- **"baby network bracket"**: "(baby network)" saying who is meant ("the lady at the baby café (baby network)");
- **"product without place"**: a product whose first word is one of our places, named without it, capitalised as
  listed ("the Marble Kist" for "the Portsoy Marble Kist"), with one of our places or a word of our work and no
  other town;
- **"product with our work"**: a product's whole name, capitalised, that ``Products.alone`` set aside only because the
  text names another town ("the Brora Bairns group ... the whole way to Inverness"), when its sentence or the next
  says something of our work and its own sentence names no other town; not in quotes, not after someone's possessive
  ("Cardiff's Cwtch Club"), not followed by a capitalised word or by a comma and one ("Fenland Feeds café, March");
- **"place beside our work"**: one of our places right beside something we run, with nothing else of ours needed:
  "Knebworth session cancelled today", "Golspie café moved to 2pm??", "the swap at Tullibody", "the sling lady at
  Portknockie", "the one in Sandend" (a day or "new" may come between: "The Saturday one in Woodbridge"; not "the
  lifeboat volunteers at Amble"), in a text naming no other town and no other group in capitals.
- **"product word alone"**: a product's distinctive short form (no everyday word: "Gurgles", "Girnal", "Minnows"),
  capitalised, with nothing else of ours needed ("Is the Owlets still on on Thursday?", "New in at the Girnal this
  week"), in a text naming no other town and not the product's whole name; not in quotes, not beside another
  capitalised word inside a sentence ("Little Rascals"), not followed by a capitalised word or a bracket ("a Nook
  (the e-reader)"). Round 20's rule read it only with one of our places or a word of our work.

"the baby network" needed one of our places, or a word of our work and no other town, until now: round 23's writers
wrote it as a name of its own with nothing else of ours (14 true mentions in three files never read).
"""

from __future__ import annotations

import re

from ..text import fold
from .shortforms import (_DAYS, _NOT_OURS_AFTER, _OTHER_GROUP, _OTHER_NETWORK, _OUR_NAME_BEFORE, ShortForm, _name_words,
                         _sentence_at, _word_after)
from .shortforms25 import ours_after

RULES24 = {"the baby network alone", "baby network role", "baby network bracket", "product without place",
           "product with our work", "place beside our work", "product word alone", "hall"}

# "the baby network" / "their baby network" in lower case (a capitalised "Baby Network" is someone's name), not "... of"
# ("the baby network of cousins"), not closed by a quote right after ("'the baby network'": a phrase being discussed)
_THE_BN = re.compile(r"(?<![\w@#-])(?:[Tt]he|their)[ \t]+baby[ \t]+network(?:['’]s)?(?![\w-])(?![ \t]+of\b)(?![’'\"”])")
# "baby network" then one of our people or services, without "the": "Whichever baby network volunteer put my son's red
# book on her Insta", "Waiting lists for baby network home visits?", "the fake baby network page is BACK"
_ROLE_BN = re.compile(r"(?<![\w@#-])[Bb]aby[ \t]+network[ \t]+(?:volunteers?|lady|ladies|helpline|home[ \t]+visit\w*|"
                      r"visitors?|workers?|coordinators?|page|team|staff|newsletter|appeal)(?![\w])")
# "the lady at the baby café (baby network)": who is meant, in brackets
_BRACKET_BN = re.compile(r"\((?:the[ \t]+)?baby[ \t]+network\)")
# before "baby network <role>": a determiner or adjective of someone's own network ("my baby network page", "a new
# baby network team"), or a capitalised word inside a sentence ("Cork baby network volunteers": another town's)
_NOT_OURS_BEFORE = re.compile(r"(?<![\w])(?:a|an|my|our|your|his|her|new|tiny|small|no|every|this|own|whole|little)[ \t]+$")
_CAPITAL_BEFORE = re.compile(r"([.!?\n(]?)[ \t]*[A-Z][\w'’]*[ \t]+$")
# machine learning (a "baby network" is a small neural net): in the sentence, or these words anywhere in the text
_ML_SENTENCE = re.compile(r"(?<![\w])(?:trained|training|model|units|teacher|steps|accuracy)(?![\w])")
_ML_TEXT = re.compile(r"(?<![\w])(?:neural|layers?|logits?|params|parameters|pytorch|tensorflow|epochs?|gradients?|"
                      r"dataset|hidden[ \t]+units)(?![\w])")


def _baby_network(text: str, folded: str) -> str | None:
    """Round 24's "baby network" rules on ``text`` (which does not name us), or None."""
    if "baby network" not in " ".join(folded.split()) or _ML_TEXT.search(folded) or _OTHER_GROUP.search(text):
        return None  # another group named in capitals ("Grampian Baby Network", "New Mums Network"): theirs
    for rule, rx in (("the baby network alone", _THE_BN), ("baby network role", _ROLE_BN),
                     ("baby network bracket", _BRACKET_BN)):
        if rule not in RULES24:
            continue
        for m in rx.finditer(text):
            sentence = fold(_sentence_at(text, m.start()) or text)
            if _OUR_NAME_BEFORE.search(folded[:m.start()]) or _OTHER_NETWORK.search(sentence) or \
                    _ML_SENTENCE.search(sentence) or sentence.count("network") > 1:
                continue  # a gadget, railway, phone, neural net or another network in its sentence
            if rx is _ROLE_BN and (_NOT_OURS_BEFORE.search(text[:m.start()]) or _inside_name(text, m.start())):
                continue
            if _abroad(folded[:m.start()] + " " + folded[m.end():]):
                continue
            return ShortForm(f"'{' '.join(m.group(0).split())}'", rule)
    return None


def _inside_name(text: str, at: int) -> bool:
    """Whether a capitalised word inside a sentence comes right before position ``at`` ("Cork baby network"), not one
    starting the text or a sentence ("Whichever baby network volunteer")."""
    cap = _CAPITAL_BEFORE.search(text[:at])
    return cap is not None and cap.start() > 0 and not cap.group(1)


def _abroad(rest_folded: str) -> bool:
    from .words import _rx

    return bool(_rx.ABROAD.search(rest_folded))


def _product_without_place(text: str, places_rx, products, gate) -> str | None:
    """A product named with its place word left out, capitalised as listed ("the Marble Kist gave her a cot" for "the
    Portsoy Marble Kist"), two or more words left, with one of our places or a word of our work and no other town."""
    for product in products:
        words = _name_words(product)
        words = words[1:] if words and words[0].lower() == "the" else words
        if len(words) < 3 or places_rx is None or not places_rx.fullmatch(fold(words[0])) or not all(w[:1].isupper() for w in words[1:]):
            continue
        rx = re.compile(r"(?<![\w@#-])" + r"[ \t]+".join(re.escape(w) for w in words[1:]) + r"(?![\w-])")
        for m in rx.finditer(text):
            after = _word_after(text, m.end())
            if after[:1].isupper():
                continue  # "Marble Kist Antiques": another thing's name
            if gate(m.start(), m.end()):
                return ShortForm(f"'{m.group(0)}', our product '{product}' without its place", "product without place")
    return None


def _round24(text, folded, places_rx, products, gate, shorts, our_topic, elsewhere) -> str | None:
    """Round 24's rules, in the module doc's order, each unless switched off in ``RULES24``; ``our_topic`` and
    ``elsewhere`` are ``short_form``'s (the words of our work; whether a text names another town)."""
    if len(text) != len(folded):
        return None
    found = _baby_network(text, folded) if "network" in folded else None
    if found is None and "product without place" in RULES24 and products:
        found = _product_without_place(text, places_rx, products, gate)
    if found is None and "product with our work" in RULES24 and products:
        found = _product_with_our_work(text, folded, places_rx, products, our_topic, elsewhere)
    if found is None and "place beside our work" in RULES24 and places_rx is not None:
        found = _place_beside_our_work(text, folded, places_rx, elsewhere)
    if found is None and "product word alone" in RULES24 and shorts:
        found = _product_word_alone(text, folded, shorts, our_topic, elsewhere)
    return found


def _product_word_alone(text: str, folded: str, shorts: dict, our_topic, elsewhere) -> str | None:
    """A product's distinctive short form (``shortforms.short_words``: no everyday word, "Gurgles", "Girnal",
    "Minnows"), capitalised, with nothing else of ours needed ("Is the Owlets still on on Thursday?", "New in at the
    Girnal this week"), in a text that names no other town and not its whole name; not in quotes, not beside a
    capitalised word inside a sentence ("Little Rascals", "Minnows Swim School"), not followed by a
    bracket saying what it is ("a Nook (the e-reader)") or a word that says it is another kind of thing."""
    spaced = " ".join(folded.split())
    for word, product in shorts.items():
        whole = " ".join(fold(w) for w in _name_words(product) if w.lower() != "the")
        if our_topic.fullmatch(word) or whole in spaced:
            continue  # a word of our work ("Prams"), or the whole name is written ('Brora Bairns: A Hundred Years')
        for m in re.finditer(rf"(?<![\w@#'‘\"“-]){re.escape(word)}(?![\w-])", folded):
            if not text[m.start()].isupper() or text[m.end():m.end() + 1] in ("'", "’", '"', "”") and \
                    not text[m.end():m.end() + 2].lower().startswith(("'s", "’s")):
                continue
            after = _word_after(text, m.end())
            if (after[:1].isupper() and not ours_after(after)) or fold(after) in _NOT_OURS_AFTER or \
                    re.match(r"[ \t]*\(", text[m.end():]) or _inside_name(text, m.start()):
                continue  # "Minnows Swim School", "Little Rascals": another thing's name
            if not elsewhere(text, folded[:m.start()] + " " + folded[m.end():]):
                return ShortForm(f"'{text[m.start():m.end()]}', short for our product '{product}'", "product word alone")
    return None


# what we run, right after one of our places ("Knebworth session cancelled today", "Golspie café moved to 2pm??") or
# before "in / at <our place>" ("the swap at Tullibody", "the sling lady at Portknockie", "the one in Sandend"); round
# 36: "the Camber sling session" (t180)
_OUR_THING = r"(?:sessions?|swap|swap[ \t]+shop|sling[ \t]+(?:library|thing|lady|ladies|fittings?|sessions?|clinics?|meets?|hire)|volunteers?|groups?|caf[eé]|baby[ \t]+caf[eé])"
_THING_AFTER = re.compile(r"[ \t]+(?:for[ \t]+the[ \t]+)?" + _OUR_THING + r"(?![\w])")  # round 25: "at Ardentinny for the group"
# (a day or "new", "baby", "weekly"... may come between: "The Saturday one in Woodbridge"; not "the lifeboat volunteers
# at Amble", someone else's)
_HALL = r"(?:(?:village|church|community|memorial|parish|scout|methodist|town)[ \t]+)?hall"  # round 36: where we meet
_BABY_WORK = re.compile(r"(?<![\w])(?:bab(?:y|ies|a)|newborns?|bairns?|prams?|buggy|buggies|nappy|nappies|feed\w*|"
                        r"breastfe\w*|slings?|toddlers?|(?:weeks?|months?) old|volunteers?|groups?|sessions?)(?![\w])")
_HALL_AFTER = re.compile(r"[ \t]+" + _HALL + r"(?![\w])")
_HALL_BEFORE = re.compile(r"(?<![\w])(?:the|that|our)[ \t]+" + _HALL + r"[ \t]+(?:in|at)[ \t]+$")
_THING_BEFORE = re.compile(r"(?<![\w])(?:the|that|our|their)[ \t]+(?:(?:" + _DAYS + r"|new|baby|babby|local|weekly|monthly|"
                           r"little|morning|afternoon|evening)[ \t]+)?(?:" + _OUR_THING[3:-1] + r"|one)[ \t]+(?:in|at)[ \t]+$")


def _place_beside_our_work(text: str, folded: str, places_rx, elsewhere, hall: bool = False) -> str | None:
    """One of our places right beside something we run, with nothing else of ours needed, in a text that names no other
    town and no other group in capitals; ``hall`` (round 36, ``place_beside_a_hall``): beside a hall instead ("Shalfleet
    hall was baltic again", "stood outside the hall in Helmsdale with a newborn"), with a word of a baby's or our
    groups' elsewhere in the text."""
    from .shortforms import _SENTENCE

    if _OTHER_GROUP.search(text):
        return None
    after, before = (_HALL_AFTER, _HALL_BEFORE) if hall else (_THING_AFTER, _THING_BEFORE)
    for s in _SENTENCE.finditer(folded):
        for pm in places_rx.finditer(s.group(0)):
            a, b = s.start() + pm.start(), s.start() + pm.end()
            g = after.match(folded, b)
            h = None if g else before.search(folded[:a])
            if g is None and h is None:
                continue
            lo, hi = (a, g.end()) if g else (h.start(), b)
            rest = folded[:lo] + " " + folded[hi:]
            if hall and not _BABY_WORK.search(rest):  # a baby's words, not only a mum's (a wedding's)
                continue
            if not elsewhere(text, rest):
                return ShortForm(f"'{' '.join(text[lo:hi].split())}', one of our places" + (
                    ", with words of our work" if hall else ""), "place beside a hall" if hall else "place beside our work")
    return None


def place_beside_a_hall(text: str, folded: str, places_rx, elsewhere) -> str | None:
    """Round 36: one of our places beside a hall, with a baby's word in the text; asked after every other short form
    (a hall is only where we may meet: "New Baby at the Darwen hall" is round 34's "New Baby", "Eyam hall on baby café
    mornings" round 25's "baby café" with our place)."""
    if "hall" not in RULES24 or places_rx is None or len(text) != len(folded) or "hall" not in folded:
        return None
    return _place_beside_our_work(text, folded, places_rx, elsewhere, hall=True)


def _product_with_our_work(text: str, folded: str, places_rx, products, our_topic, elsewhere) -> str | None:
    """A product's whole name, capitalised as listed, in a text ``products.Products.alone`` set aside only because it
    names another town ("I've been to the Brora Bairns group where a couple of the mums recommended ... the whole way
    to Inverness"): read when its own sentence or the next says something of our work (not only an episode, a host or
    a café: a show's or a café's words too) and its own sentence names no other town. Not when any writing of it is
    in quotes, after someone's possessive ("Cardiff's Cwtch Club"), or followed by a capitalised word, or by a comma
    and one ("Fenland Feeds café, March": a listing of another place's business)."""
    from .shortforms import _SENTENCE

    for product in products:
        words = _name_words(product)
        words = words[1:] if words and words[0].lower() == "the" else words
        if len(words) < 2 or not any(w[:1].isupper() for w in words):
            continue
        rx = re.compile(r"(?<![\w@#-])" + r"[ \t]+".join(re.escape(w) for w in words) + r"(?![\w-])")
        spans = list(rx.finditer(text))
        if not spans or any(_not_ours(text, m, places_rx) for m in spans):
            continue
        sentences = [s for s in _SENTENCE.finditer(text) if s.group(0).strip()]  # not the blank between "!" and "\n"
        for m in spans:
            k = next((i for i, s in enumerate(sentences) if s.start() <= m.start() < s.end()), None)
            if k is None:
                continue
            own = text[sentences[k].start():m.start()] + " " + text[m.end():sentences[k].end()]
            near = fold(own + " " + (sentences[k + 1].group(0) if k + 1 < len(sentences) else ""))
            if any(w.group(0) not in _SHOW_WORDS for w in our_topic.finditer(near)) and not elsewhere(own, fold(own)):
                return ShortForm(f"'{m.group(0)}', our product, with words of our work", "product with our work")
    return None


_SHOW_WORDS = frozenset("episode episodes podcast podcasts host hosts café cafe listen listened listening listeners".split())
_COMMA_CAPITAL = re.compile(r"(?:[ \t]+[a-zé]+)?[ \t]*,[ \t]*[A-Z]")
_POSSESSIVE_BEFORE = re.compile(r"[A-Z][\w]*['’]s[ \t]+$")


def _not_ours(text: str, m, places_rx) -> bool:
    """Whether this writing of a product's name is another thing's (``_product_with_our_work``)."""
    if text[max(0, m.start() - 1):m.start()] in "'‘\"“" and m.start() > 0:
        return True
    after = _word_after(text, m.end())
    if after[:1].isupper() and not (places_rx is not None and places_rx.match(fold(after))):
        return True  # "Brora Bairns Nursery"
    return fold(after) in _NOT_OURS_AFTER or bool(_COMMA_CAPITAL.match(text, m.end())) or \
        bool(_POSSESSIVE_BEFORE.search(text[:m.start()]))
