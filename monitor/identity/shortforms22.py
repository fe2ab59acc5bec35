"""Short forms of us, round 22 (issue 15): the rules ``shortforms.short_form`` reads last (``_round22``), and our
places' nicknames (``nicknames``, ``with_places_named``). Each rule is read only with the profile's evidence and the
text is unsure (watch at most), like every short form (``shortforms``); each can be switched off (``RULES22``) and was
measured alone on the labelled files (README "Is it us?")."""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import fold
from .shortforms import (_BABY_NETWORK, _DAYS_RX, _FROM_BEFORE, _NOT_OURS_AFTER, _OTHER_NETWORK, _OUR_NAME_BEFORE,
                         _PERSON_AFTER, _SENTENCE, _SHARED_FIRST, _THE_NETWORK, ShortForm, _name_words, _sentence_at,
                         _the_words, _word_after, everyday_words)

# Round 22's rules (``_round22``), each measured on its own (README "Is it us?"); a bench may switch one off.
RULES22 = {"product any case", "the word alone", "that network lot", "baby network near", "kind at place",
           "place last word", "nickname", "nickname in", "kind in text", "network place", "parents night", "of the baby network"}
_THAT_NET_LOT = re.compile(r"(?<![\w-])(?:that|those)[ \t]+network[ \t]+(?:lot|ones?|lady|ladies|woman|women|workers?|"
                           r"volunteers?|people|girls|folk)(?![\w])")
# our kind of work, named as a thing of its own: "the sling library", "the baby bank", "the swap shop"
_KIND = re.compile(r"(?<![\w-])(?:the|that|our|their|for|at|to)[ \t]+(?:sling[ \t]+library|baby[ \t]+bank|swap[ \t]+shop|"
                   r"clothes[ \t]+swap|baby[ \t]+caf[eé]|baby[ \t]+group|home[ \t]+visit(?:s|ors?|ing)?)(?![\w])")
# "the dads' night in Whitchurch", "mums' walk at Wem": a parents' meeting, then in / at one of our places
_PARENTS_NIGHT_IN = re.compile(r"(?<![\w])(?:dads?|mums?|parents?)['’]?[ \t]+(?:night|group|club|walk|morning|meet\w*|"
                               r"coffee|breakfast)[ \t]+(?:in|at)[ \t]+$")
# "one of the directors of the baby network": someone's role there
_ROLE_OF = re.compile(r"(?<![\w])(?:directors?|head|chair|manager|staff|founder|ceo|trustees?|volunteers?|workers?|"
                      r"coordinators?|lady|ladies|woman|women)[ \t]+(?:of|at)[ \t]+$")
_GADGET_NEAR = 4  # words either side of "the baby network" a gadget or railway word must be within to veto it


def _near(folded: str, a: int, b: int, words: int) -> str:
    """``words`` words of ``folded`` either side of ``[a, b)``, and the span itself."""
    before = folded[:a].split()[-words:]
    after = folded[b:].split()[:words]
    return " ".join(before + [folded[a:b]] + after)


def _round22(text, folded, place, places_rx, products, our_topic, elsewhere) -> str | None:
    """Round 22: forms new writers wrote that the rules above do not read, each only with the profile's evidence:

    - **"product any case"**: a product's whole name of two or more words with a capitalised one, written in lower
      case ("the harbour wardrobe in Watchet", "going to creek cuddlers"), right after "to", "at", "for", "till",
      "from", "do" or "the" (not after a verb in -ed or -ing, "Painted the harbour light", nor a "The" starting a
      sentence), with one of our places, or a word of our work and no other town; not when the text writes it as
      words starting a sentence ("Dusk line at Lakenheath?"), not followed by a word that says it is another kind of
      thing ("the dusk line ferry");
    - **"the word alone"**: "the <last word of a product>", capitalised ("the Crate"), without our place but with a
      word of our work outside it and no other town, when that word names a place to take or get things (``_STORES``:
      not "the Friends", "the Babies");
    - **"that network lot"**: "that / those network lot / lady" (round 21 read "the network lot");
    - **"baby network near"**: "the baby network" with a gadget, phone or railway word in its sentence but not within
      four words of it ("The lady from the baby network who came round ... she took my phone"), with a place, a word
      of our work, or a person or "from" beside it as round 21 reads it;
    - **"kind at place"**: "the (or for / at / to) sling library / baby bank / swap shop / baby café / home visits"
      with one of our places in the same sentence ("the sling library is still doing Weds at Headcorn") or, with
      **"kind in text"**, anywhere in the text, and no other town;
    - **"network place"**: "the network" with one of our places and a word of our work in a text that names no
      phone, railway, power or other network ("any chance the network could ask the hall ... Williton");
    - **"parents night"**: "the dads' night / mums' walk / parents' group in (or at) <one of our places>" with a word
      of our work outside it or a day;
    - **"of the baby network"**: "one of the directors of the baby network", a role there, read like "from the baby
      network" (round 21);
    - (in ``places_rx`` and ``with_places_named``) **"place last word"**: "Drayton" for Market Drayton, and
      **"nickname in"**: a place's nickname after "in", "at", "round", "near" or "from", besides one before a group.

    The lower-case product rule was measured on every labelled file of the check: read after any word it found
    26 other texts ("lost his sea legs", "The forest feeds us", "Painted the harbour light at Staithes"); read as
    above, none, and 30 true mentions. Not kept: "the network" with a word of our work in its sentence (9 true
    mentions, 38 other texts: "the network's new baby is a dating show"), "the Whitchurch swap" / "<place> baby bank"
    (1 true, 2 others: "Conwy Baby Bank Network"), a product in lower case after "love" (none more)."""
    if len(text) != len(folded):
        return None

    def gate(a, b):
        rest = folded[:a] + " " + folded[b:]
        return place is not None or (our_topic.search(rest) and not elsewhere(text, rest))

    if "product any case" in RULES22 and products:
        for product, rx in _any_case(tuple(products)):
            spans = list(rx.finditer(folded))
            if any(_sentence_case(text[m.start():m.end()]) for m in spans):
                continue  # "Dusk line at Lakenheath?", "Hold me close and tell me": an ordinary phrase starting a sentence
            for m in spans:
                written = text[m.start():m.end()]
                if written != written.lower() or not _goes_to(text, m.start()):
                    continue  # with capitals ``Products.alone`` reads it; "his sea legs", "Painted the harbour light"
                after = _word_after(text, m.end())
                if fold(after) in _NOT_OURS_AFTER or fold(after) in _OTHER_KIND:
                    continue
                if gate(m.start(), m.end()):
                    return ShortForm(f"'{' '.join(written.split())}', our product '{product}'" + (
                        f", with our place {place.group(0).title()}" if place is not None else ", with words of our work"),
                        "product any case")
    if "the word alone" in RULES22 and place is None:
        for product, the_word in _the_words(tuple(products)):
            if fold(_name_words(product)[-1]) not in _STORES:
                continue  # "the Friends", "the Babies": a word anyone writes so
            for m in the_word.finditer(text):
                after = _word_after(text, m.end())
                if after[:1].isupper() or fold(after) in _NOT_OURS_AFTER or fold(after) in _OTHER_KIND:
                    continue
                if gate(m.start(), m.end()):
                    return ShortForm(f"'{m.group(0)}', short for our product '{product}', with words of our work",
                                     "the word alone")
    if "network" in folded:
        if "network place" in RULES22 and place is not None and our_topic.search(folded) and \
                not _OTHER_NETWORK.search(folded):
            for m in _THE_NETWORK.finditer(folded):
                if not elsewhere(text, folded[:m.start()] + " " + folded[m.end():]):
                    return ShortForm(f"'{text[m.start():m.end()]}', with our place {place.group(0).title()}",
                                     "network place")
        if "that network lot" in RULES22:
            for m in _THAT_NET_LOT.finditer(folded):
                if not _OTHER_NETWORK.search(fold(_sentence_at(text, m.start()))) and gate(m.start(), m.end()):
                    return ShortForm(f"'{text[m.start():m.end()]}'", "that network lot")
        if "baby network near" in RULES22:
            for m in _BABY_NETWORK.finditer(text):
                if _OUR_NAME_BEFORE.search(folded[:m.start()]) or _OTHER_NETWORK.search(
                        _near(folded, m.start(), m.end(), _GADGET_NEAR)):
                    continue
                rest = folded[:m.start()] + " " + folded[m.end():]
                who, before = _PERSON_AFTER.match(folded, m.end()), _FROM_BEFORE.search(folded[:m.start()])
                before = before or ("of the baby network" in RULES22 and _ROLE_OF.search(folded[:m.start()]))
                if place is not None or ((who or before or our_topic.search(rest)) and not elsewhere(text, rest)):
                    return ShortForm(f"'{' '.join(m.group(0).split())}'" + (
                        f", with our place {place.group(0).title()}" if place is not None else ""), "baby network near")
    if "parents night" in RULES22 and place is not None:
        for sm in _SENTENCE.finditer(folded):
            for pm in places_rx.finditer(sm.group(0)):
                g = _PARENTS_NIGHT_IN.search(sm.group(0)[:pm.start()])
                if g and (our_topic.search(folded.replace(g.group(0), " ", 1)) or _DAYS_RX.search(sm.group(0))):
                    return ShortForm(f"'{' '.join(g.group(0).split())} {pm.group(0).title()}', one of our places",
                                     "parents night")
    if "kind at place" in RULES22 and place is not None:
        for s in _SENTENCE.finditer(folded):
            k = _KIND.search(s.group(0))
            here = (places_rx.search(s.group(0)) or (place if "kind in text" in RULES22 else None)) if k is not None else None
            if here is not None and not elsewhere(text, folded[:s.start()] + " " + folded[s.end():]):
                return ShortForm(f"'{' '.join(text[s.start() + k.start():s.start() + k.end()].split())}', with our "
                                 f"place {here.group(0).title()}", "kind at place")
    return None


# A product's last word that names a place to take or get things ("the Crate", "the Wardrobe", "the Swap"): read alone
_STORES = frozenset("""crate wardrobe swap trunk chest cupboard pantry larder drawer bank exchange store swapshop""".split())
# Where a product written in lower case is a thing people go to or use: "going to creek cuddlers", "at cam cuddles",
# "till hold me tight", "the oast swap" (not after a verb done to it: "Painted the harbour light", "shooting the dusk
# line", nor "The" starting a sentence: "The forest feeds us"); not "his sea legs", "their second steps".
_LOWER_BEFORE = re.compile(r"(?:^|(?<=[^\w'‘’]))(to|at|for|till|until|from|do|the)[ \t]+$", re.I)
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[^\w]*$")


def _goes_to(text: str, at: int) -> bool:
    """Whether the words before position ``at`` of ``text`` say the next words name a thing people go to or use
    (``_LOWER_BEFORE``): "to", "at", "for"..., or "the" after a word that is no verb in -ed or -ing ("using" is), and
    never a "The" starting a sentence."""
    m = _LOWER_BEFORE.search(text[:at])
    if m is None:
        return False
    if m.group(1).lower() != "the":
        return m.group(1).islower() or m.group(1)[1:].islower()
    before = _WORD_BEFORE.search(text[:m.start()])
    if before is None or re.search(r"[.!?\n][^\w]*$", text[:m.start()]) or not text[:m.start()].strip():
        return m.group(1) == "the"  # "The forest feeds us": a sentence's own start
    word = before.group(1).lower()
    if word in ("in", "up", "into", "on"):
        return False  # "up in the wee hours", "on the dusk line": a time or a place, not a thing of ours
    return not (word.endswith(("ed", "ing")) and word not in {"using", "during", "including", "bring", "need"})


# What else a name in lower case may be right before ("the sea legs podcast", "dusk line ferry"): another kind of thing
_OTHER_KIND = frozenset("""app podcast episode series show film book novel song album band game ferry train bus walk
trail route race""".split())


@lru_cache(maxsize=8)
def _any_case(products: tuple) -> list:
    """``[(product, regex)]``: each product of two or more words (a leading "the" left out) with a capitalised word, in
    folded text, its last word singular or plural, "and" also "&" or "n"."""
    from ..text import plural_forms

    out = []
    for product in products:
        words = _name_words(product)
        words = words[1:] if words and words[0].lower() == "the" else words
        if len(words) < 2 or not any(w[:1].isupper() for w in words):
            continue
        parts = []
        for i, w in enumerate(words):
            if w.lower() == "and":
                parts.append(r"(?:and|&|'?n'?|\+)")
            elif i == len(words) - 1:
                parts.append("(?:" + "|".join(re.escape(f) for f in sorted(plural_forms(fold(w)), key=len, reverse=True)) + ")")
            else:
                parts.append(re.escape(fold(w)))
        out.append((product, re.compile(r"(?<![\w])" + r"[ \t-]*".join(parts) + r"(?![\w])")))
    return out


def _sentence_case(written: str) -> bool:
    """Whether a product's name is written as words starting a sentence: its first letter capitalised, the rest in
    lower case ("Dusk line", "Hold me close"), as an ordinary phrase is, not a name ("Dusk Line")."""
    letters = [c for c in written if c.isalpha()]
    return len(letters) > 1 and letters[0].isupper() and " " in written.strip() and written[1:] == written[1:].lower()


@lru_cache(maxsize=8)
def nicknames(places: tuple) -> dict:
    """``{nickname: place}`` (round 22): what people call our places for short, "Chippy" for Chipping Norton, "Wivey"
    for Wiveliscombe (the first three to five letters of a place's first word of six or more letters, then "y", "ey"
    or "ie", its last consonant doubled or not), "Drayton" for Market Drayton (the last word of a place whose first
    word many places share); none that is an everyday word or one of our places' words."""
    from ..matching import nickname_forms

    common, out = everyday_words(), {}
    ours = {fold(w) for p in places for w in p.split()}
    for place in places:
        words = place.split()
        if len(words) > 1 and fold(words[0]) in _SHARED_FIRST and len(words[-1]) >= 5:
            out.setdefault(words[-1], place)
        elif words and fold(words[0]) not in _SHARED_FIRST:
            for nick in sorted(nickname_forms([place])):
                if fold(nick) not in common and fold(nick) not in ours:
                    out.setdefault(nick, place)
    return out


_GROUP_AFTER = re.compile(r"(?=[ \t]+(?:baby[ \t]+)?(?:group|caf[eé]|session|one)s?(?![\w]))")
_GROUP_BEFORE = re.compile(r"(?:group|caf[eé]|session)s?[ \t]+(?:in|at)[ \t]+$", re.I)
_IN_BEFORE = re.compile(r"(?<![\w])(?:in|at|round|near|from)[ \t]+$")


@lru_cache(maxsize=8)
def _nickname_rx(places: tuple):
    names = nicknames(places)
    return (re.compile(r"(?<![\w'’-])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                       + r")(?![\w'’-])"), names) if names else (None, names)


def with_places_named(text: str, places) -> str:
    """``text`` with a nickname of one of our places (``nicknames``), capitalised, written as a group's place ("the
    Chippy baby café", "Wivey group", "the baby group in Chippy"), replaced by the place's name, for the rules above."""
    rx, names = _nickname_rx(tuple(places)) if "nickname" in RULES22 else (None, {})
    if rx is None or not rx.search(text):
        return text
    return rx.sub(lambda m: names[m.group(1)] if _GROUP_AFTER.match(text, m.end()) or _GROUP_BEFORE.search(
        text[:m.start()]) or ("nickname in" in RULES22 and _IN_BEFORE.search(text[:m.start()])) else m.group(0), text)
