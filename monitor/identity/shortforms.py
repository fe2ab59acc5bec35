"""Short forms of us and of our products that never write our name (issue 15, round 20).

People who use the charity seldom write "New Baby Network" in full: "the baby network in Alnwick", "the network café
in Scorton", "the Middleham one", "EXPLOSION at Gurgles this morning" (for "Garden City Gurgles"). None of those is a
match of our ``terms``, so until round 20 none was even read. This module finds them, in a text that does not name
us, **only where the volunteer's profile makes them likely ours**, and the text is then read like a text naming a
product of ours without our name (``Judge.product_only``): unsure, kept at watch at most, a crisis at alert at most,
never an SMS; since round 29 us when one of our places is in the text too (``place_evidence``). What is found (``short_form``), each rule measured on its own (README "Is it us?"):

- **"the baby network"** (in lower case, "the baby network's" too; not "... of", not quoted, no gadget words in its
  sentence) in a text that also names one of our places or says
  something of our work (a baby, feeding, volunteers, our café or group... ``words._OUR_TOPIC_RX``, read outside the
  phrase itself): no namesake is called that, and our own name is one word longer;
- **"the network"** with one of our places in the same sentence ("the network café in Scorton", "the Network do home
  visits out Middleham way"): "the network" alone is everyone's (a railway, a phone network, a TV network);
- **"the <one of our places> one / group / café / baby café / session"** ("the Middleham one", "their Tadcaster one",
  "the Royston group") in a text that also says something of our work, and "a baby café / baby group in (or at) <one
  of our places>" ("went to the baby café in Richmond", "the baby group at Bramham"); in every rule here a place's
  first word counts too ("the Catterick session" for "Catterick Garrison": ``places_rx``);
- **a product's distinctive short form**: the last word of a product named in two or more words, capitalised as the
  volunteer lists it ("Garden City Gurgles": "Gurgles"; "Swaledale Snuggles": "Snuggles") when it is not an everyday
  English word (not in the encoder's 30,000-word vocabulary: "crate", "bags", "drawer", "wardrobe", "home" are, and
  never count), not one of our places and at least five letters, in a text that also names one of our places or says
  something of our work; not followed by a capitalised word or a word that says it is another kind of thing
  ("Snuggles Pet Hotel", "Gurgles app"), like a product's whole name (``products.Products.alone``).

What is not found: "the network" without one of our places beside it, a generic word of a product alone ("the
crate", "the drawer"), a product's whole name in lower case (measured on the labelled files: 6 true mentions and 16
other texts, "finding their sea legs", "the dusk line"; since round 28 one with a word no dictionary has is:
``shortforms28``), a product's other word alone (since round 28 (shortforms29) the first word of a product named "<word> <our
place>" is: ``shortforms29``), a text naming another UK town or a place abroad and none of
ours.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import fold
from .products import _NOT_A_NAME  # days, months, feasts: not another thing's name after ours
# round 30's services beside a place: read even when no place of ours is named as listed, as an area's last word may be
# ("the baby club down the gorge" for "the Severn gorge")
from .shortforms30 import _QUICK as _QUICK30

# "the baby network", in lower case (a capitalised "Baby Network" is a name of its own: "Grampian Baby Network", "The
# Baby Network podcast"), not "... of cousins" (an ordinary phrase), not in quotes; since round 37 run together too
# ("u going to the babynetwork thing tmrw?": t185).
_BABY_NETWORK = re.compile(r"(?<![\w'‘\"“-])[Tt]he[ \t]+baby[ \t]*network(?:['’]s)?(?![\w'’\"”-])(?![ \t]+of\b)")
# Our own name's first word (or a misspelling of it) before "baby network": the matcher's business ("a new baby network
# of friends", an excluded "New Baby Network Solutions"), never a short form.
_OUR_NAME_BEFORE = re.compile(r"(?<![\w])(?:new|nu|neu|knew|newe|nw)[ \t-]*$")
# "the network" of something else in the same sentence: a railway, the power grid, a phone or TV network.
# Since round 32 a text line, help line or support line is ours, not a phone line ("I messaged the baby network text
# line and the volunteer said newborns are sleepy": t167, a crisis).
_OTHER_NETWORK = re.compile(r"(?<![\w])(?:rail\w*|trains?|(?<!text )(?<!help )(?<!support )(?<!advice )(?<!chat )"
                            r"(?<!listening )lines?|power|electric\w*|grid|outages?|signal|broadband|mobile|"
                            r"phones?|wi-?fi|tv|television|roads?|bus|buses|cycle|water|gas|storm|cables?|fibre|fiber|"
                            r"internet|computers?|servers?|cameras?|cams?|monitors?|apps?|routers?|passwords?|vlan|hack\w*|"
                            r"neural)(?![\w])")
_THE_NETWORK = re.compile(r"(?<![\w-])the[ \t]+network(?:['’]s)?(?![\w-])", re.I)
_THE_BEFORE = re.compile(r"(?<![\w])(?:the|their)[ \t]+$")
_ONE_AFTER = re.compile(r"[ \t]+((?:baby[ \t]+)?(?:one|group|caf[eé]|session))(?![\w])")
_BABY_CAFE_BEFORE = re.compile(r"(?<![\w])baby[ \t]+(?:caf[eé]|group)[ \t]+(?:in|at)[ \t]+(?:the[ \t]+)?$")
_SENTENCE = re.compile(r"[^.!?\n]+")
MIN_LETTERS = 5


def _name_words(product) -> list:
    """The words of a product's name, its brackets left out ("Bairn Carry (a sling library)": Bairn, Carry)."""
    return re.findall(r"[^\W\d_]+", re.sub(r"\([^)]*\)", " ", str(product)))


_WORD_AFTER = re.compile(r"(?:['’]s)?[ \t]*([^\W\d_][\w'’-]*)")


def _word_after(text: str, at: int) -> str:
    """The word right after position ``at`` of ``text`` (past a "'s"), or ""."""
    nxt = _WORD_AFTER.match(text, at)
    return nxt.group(1) if nxt else ""


class ShortForm(str):
    """What ``short_form`` found, in a reason's words ("'the baby network', with our place Richmond"): a text that
    names us this way is read like one naming a product of ours without our name (``Judge.product_only``)."""

    rule = ""  # which rule found it: "the baby network", "the network", "place", "product"

    def __new__(cls, words: str, rule: str = ""):
        found = super().__new__(cls, words)
        found.rule = rule
        return found

    def reason(self) -> str:
        return f"mentions us without our name: {self}"


@lru_cache(maxsize=1)
def everyday_words() -> frozenset:
    """The encoder's word-piece vocabulary's whole words (about 22,000 common English words), or an empty set when
    the encoder package is not installed (then no product short form is read: ``short_words``)."""
    try:
        from ..encoder import model_folder

        words = (model_folder() / "vocab.txt").read_text(encoding="utf-8").split("\n")
    except Exception:  # noqa: BLE001 (the encoder package is optional: without it no short form counts)
        return frozenset()
    return frozenset(w for w in words if w.isalpha())


def short_words(products, our_places=()) -> dict:
    """``{short form (folded): product}`` for the products listed (``organisation.profile.products``): the last word of
    a name of two or more words, capitalised, at least ``MIN_LETTERS`` letters, not an everyday word (its singular
    neither), not one of ``our_places``' words."""
    common = everyday_words()
    out = Shorts()
    out.products, out.places = tuple(products or ()), tuple(our_places or ())
    if not common:
        return out
    ours = {w for p in our_places for w in fold(p).split()}
    for raw in products or ():
        words = _name_words(raw)
        while words and words[-1].islower():  # "The Small Hours podcast", "Little Ewe bags": the name before
            words = words[:-1]
        if len(words) < 2 or not words[-1][:1].isupper():
            continue
        last = fold(words[-1])
        stems = {last, last[:-1] if last.endswith("s") else last, last[:-2] if last.endswith("es") else last}
        if len(last) < MIN_LETTERS or stems & common or last in ours:
            continue
        out.setdefault(last, " ".join(str(raw).split()))
    return out



def short_form(text: str, places_rx, shorts: dict, our_topic, elsewhere) -> str | None:
    """What in ``text`` (which does not name us) is a short form of us or of a product of ours, as a reason's words,
    or None. ``places_rx``: our places in folded text (or None); ``shorts``: ``short_words``; ``our_topic``: a regex
    for words of our work (folded text); ``elsewhere``: a function saying whether folded text names another place."""
    folded = fold(text)
    place = places_rx.search(folded) if places_rx is not None else None
    if place is None and "network" not in folded and not shorts and not getattr(shorts, "products", ()) \
            and "charity" not in folded and not _rated(text) \
            and not (getattr(shorts, "places", ()) and _QUICK30.search(folded)):  # round 30: "the baby club down the gorge"
        return None  # round 25: a review ("shortforms25b")
    m = next((b for b in _BABY_NETWORK.finditer(text) if not _OUR_NAME_BEFORE.search(folded[:b.start()])
              and not _OTHER_NETWORK.search(fold(_sentence_at(text, b.start())))), None)
    if m is not None:
        rest = folded[:m.start()] + " " + folded[m.end():]
        if place is not None or (our_topic.search(rest) and not elsewhere(text, rest)):
            return ShortForm(f"'{' '.join(m.group(0).split())}'" + (
                f", with our place {place.group(0).title()}" if place is not None else ", with words of our work"),
                "the baby network")
    if place is not None and "network" in folded:
        for s in _SENTENCE.finditer(text):
            m = _THE_NETWORK.search(s.group(0)) or (_SOME_NETWORK.search(s.group(0)) if "a wee network" in RULES21 else None)
            if m is not None and places_rx is not None and not _OTHER_NETWORK.search(fold(s.group(0))):
                here = places_rx.search(fold(s.group(0)))
                if here is not None:
                    return ShortForm(f"'{' '.join(_QUOTE_MARKS.sub('', m.group(0)).split())}', with our place "
                                     f"{here.group(0).title()}", "the network")
    if place is not None:
        for s in _SENTENCE.finditer(folded):
            for pm in places_rx.finditer(s.group(0)):
                before, after = s.group(0)[:pm.start()], s.group(0)[pm.end():]
                if _THE_BEFORE.search(before) and _ONE_AFTER.match(after):
                    rest = folded[:s.start() + pm.start()] + " " + folded[s.start() + pm.end():]
                    if our_topic.search(rest):
                        return ShortForm(f"'the {pm.group(0).title()} {_ONE_AFTER.match(after).group(1)}', one of our "
                                         "places", "the <place> one")
                if cafe := _BABY_CAFE_BEFORE.search(before):
                    return ShortForm(f"'{' '.join(cafe.group(0).split())} {pm.group(0).title()}', one of our places",
                                     "baby café in <place>")

    def gate(a, b):  # one of our places, or a word of our work outside [a, b) and no other town
        rest = folded[:a] + " " + folded[b:]
        return place is not None or bool(our_topic.search(rest) and not elsewhere(text, rest))

    if found := product_word(text, folded, shorts, places_rx, our_topic, gate):
        return found
    from .shortforms22 import _round22
    from .shortforms24 import _round24, place_beside_a_hall
    from .shortforms25 import _round25
    from .shortforms25b import _round25b
    from .shortforms26 import _round26
    from .shortforms28 import _round28
    from .shortforms29 import _round29
    from .shortforms29b import _round29b
    from .shortforms30 import _round30
    from .shortforms31 import _round31
    from .shortforms32 import _round32
    from .shortforms33 import _round33
    from .shortforms34 import _round34

    products = getattr(shorts, "products", ())
    return _round21(text, folded, place, places_rx, products, our_topic, elsewhere) or \
        _round22(text, folded, place, places_rx, products, our_topic, elsewhere) or \
        _round24(text, folded, places_rx, products, gate, shorts, our_topic, elsewhere) or \
        _round25(text, folded, places_rx, products, our_topic, elsewhere) or \
        _round25b(text, folded, places_rx, elsewhere) or _round26(text, folded, places_rx, elsewhere) or \
        _round28(text, folded, products, gate) or \
        _round29(text, folded, products, getattr(shorts, "places", ()), places_rx, gate, elsewhere) or \
        _round29b(text, folded, products, getattr(shorts, "places", ()), places_rx, our_topic, elsewhere) or \
        _round30(text, folded, products, getattr(shorts, "places", ()), places_rx, our_topic, elsewhere) or \
        _round31(text, folded, products, getattr(shorts, "places", ()), places_rx, gate, elsewhere) or \
        _round32(text, folded, products, places_rx, gate) or \
        _round33(text, folded, products, getattr(shorts, "places", ()), places_rx, gate, elsewhere) or \
        _round34(text, folded, shorts, getattr(shorts, "places", ()), places_rx, place, our_topic, gate, elsewhere) or \
        place_beside_a_hall(text, folded, places_rx, elsewhere)


def product_word(text: str, folded: str, shorts: dict, places_rx, our_topic, gate) -> str | None:
    """Round 20's "product": a product's last word no dictionary has (``short_words``), read when ``gate(a, b)`` says
    so; not when the whole name is there (``Products.alone`` read it), not a word of our work ("Prams"), not before a
    word that makes it another thing ("Snuggles Pet Hotel"). Round 34 asks it again with a town looked for only in the
    word's sentence (``shortforms34``)."""
    for word, product in shorts.items():
        if fold(product) in folded or our_topic.fullmatch(word):
            continue
        for m in re.finditer(rf"(?<![\w@#-]){re.escape(word)}(?![\w-])", folded):
            if not other_thing_after(text, folded, m.end(), places_rx) and gate(m.start(), m.end()):
                return ShortForm(f"'{text[m.start():m.end()] if len(text) == len(folded) else word}', short for our "
                                 f"product '{product}'", "product")
    return None


def other_thing_after(text: str, folded: str, end: int, places_rx) -> bool:
    """Whether the word right after a product's word (ending at ``end``) makes it another thing's name: a capitalised
    word that is no place of ours nor a day or month ("Snuggles Pet Hotel", "Babis Sensory"), or a kind word ("Gurgles
    app", "babis ltd"). ``folded`` is ``text`` folded; when folding changed its length the word after is not read."""
    after = _word_after(text, end) if len(text) == len(folded) else ""
    if after[:1].isupper() and not (places_rx is not None and places_rx.match(fold(after))) and after not in _NOT_A_NAME:
        return True
    return fold(after) in _NOT_OURS_AFTER

def _rated(text: str) -> bool:
    from .shortforms25b import _RATING

    return bool(_RATING.search(text))


# Round 21's rules (``_round21``), each measured on its own (README "Is it us?"); a bench may switch one off.
RULES21 = {"hashtag", "the word", "baby charity", "place group", "network lot", "baby network lot", "a wee network"}
# round 35, "a wee network": "the network" with our place in its sentence (``short_form``) may have a small word before
# "network" or quotes round it ("The wee network in Sandhead is brilliant", "this 'baby network' thing in Nefyn", "a
# certain baby 'network' in Nefyn"), "network" in lower case (a capital names a group: "the Baby Network Ramsey co-op")
# and not "the baby network of cousins"; the other-network words of the sentence still keep it out
_SOME_NETWORK = re.compile(r"(?<![\w-])(?i:the|this|that|a[ \t]+certain)[ \t]+(?:(?:wee|little|local|lovely)[ \t]+)?['‘\"“]?"
                           r"(?:baby[ \t]+)?['‘\"“]?network['’\"”]?(?:['’]s)?(?![\w-])(?![ \t]+(?:of|lot|lady|ladies|women|woman|"
                           r"people|folk|girls)(?![\w]))")  # "that network lot": round 22's own rule
# Another group's own name, capitalised ("New Mums Network sessions in Porthcawl", "Great Yarmouth Mums Network ...
# not the baby charity"): then a group or a baby charity in the text is not read as ours.
_OTHER_GROUP = re.compile(r"(?<![\w])(?:[A-Z][\w'’]+[ \t]+)+(?:Network|Group|Club|Caf[eé]|Hub|Collective|Circle|Trust)(?![\w])")


def other_group(text: str, products=()) -> bool:
    """Whether ``text`` names a group in capitals ("Tyne Mums Network", ``_OTHER_GROUP``) that is not one of our
    products, whole or its last words ("Cwtch Club" of "Afan Cwtch Club": round 30, t156 lost 20 true mentions of
    "the Cwtch Club" to this guard)."""
    ours = [fold(p).removeprefix("the ") for p in products]
    for g in _OTHER_GROUP.finditer(text):
        name = fold(g.group(0)).removeprefix("the ")
        if not any(name.endswith(p) or p.endswith(" " + name) for p in ours):
            return True
    return False
# round 35: in scare quotes too ("the boss of that 'baby charity' in Melton": t178)
_CHARITY = re.compile(r"(?<![\w])(?:the|that|this|a|local|our|their)[ \t]+['‘\"“]?baby[ \t]+charity(?![\w])")
_QUOTE_MARKS = re.compile(r"['‘\"“]")
_DAYS = r"(?:mon|tues?|wed(?:nes)?|weds|thur?s?|thurs|fri|sat(?:ur)?|sun)(?:day)?s?"
# since round 33 a drop-in too ("At the Tywyn drop in on Thursday I watched one of the older volunteers...": t160), since
# round 37 a pop-up ("Went to the Tycroes pop-up this morning and a volunteer asked": t186)
_GROUPISH = r"(?:baby[ \t]+)?(?:group|caf[eé]|session|drop[ -]?in|pop[ -]?up)s?"
# "Tain group is great", "Evanton group EVACUATED": our place, then the group word
_PLACE_THEN_GROUP = re.compile(r"[ \t]+" + _GROUPISH + r"(?![\w])")
# "the Monday group in Tain", "the baby cafe on a Weds in Aberaeron", "the baby group woman in Llandovery"
_GROUP_THEN_PLACE = re.compile(r"(?<![\w])(?:the[ \t]+)?(?:" + _DAYS + r"[ \t]+)?" + _GROUPISH + r"(?:[ \t]+[\w'’]+){0,3}?"
                               r"[ \t]+(?:in|at|round|around|near)[ \t]+(?:the[ \t]+)?$")
_DAYS_RX = re.compile(r"(?<![\w])" + _DAYS + r"(?![\w])")
_NET_LOT = re.compile(r"(?<![\w-])the[ \t]+network(?:[ \t]+(?:lot|one|ones|lady|ladies|woman|women|worker|workers|volunteers?|"
                      r"people|girls|folk)(?![\w])|[ \t]+who[ \t]+(?:comes?|came|visits?|runs?)(?![\w]))")


_PERSON_AFTER = re.compile(r"[ \t]+(?:lot|lady|ladies|woman|women|volunteers?|people|girls|folk|coordinator|workers?|"
                           r"visitors?|team)(?![\w])")
_FROM_BEFORE = re.compile(r"(?<![\w])(?:from|at|with|by|to)[ \t]+$")


class Shorts(dict):
    """``short_words``' answer, with the products it was made from (``products``: round 21's rules read them)."""

    products: tuple = ()
    places: tuple = ()  # ours, our area's name too (round 28: ``shortforms29``)


@lru_cache(maxsize=8)
def _hashtags(products: tuple) -> list:
    """``[(product, regex)]``: each product's name run together as a hashtag ("#kirriecarry"; "and" may be "n" or
    left out), for products of two or more words one of them capitalised, a leading "the" left out."""
    out = []
    for product in products:
        words = re.findall(r"[^\W\d_]+|&", re.sub(r"\([^)]*\)", " ", product))
        words = words[1:] if words and words[0].lower() == "the" else words
        if len(words) >= 2 and any(w[:1].isupper() for w in words):
            out.append((product, re.compile("#" + "".join("(?:and|n)?" if w.lower() in ("and", "&") else re.escape(fold(w))
                                                          for w in words) + r"(?![\w])")))
    return out


@lru_cache(maxsize=8)
def _the_words(products: tuple) -> list:
    """``[(product, regex)]``: "the" and each product's last word, capitalised as listed, for products of two or more
    words whose last word is capitalised and at least four letters ("the Crate" for "the Cromarty Crate")."""
    out = []
    for product in products:
        words = _name_words(product)
        if len(words) >= 2 and words[-1][:1].isupper() and len(words[-1]) >= 4:
            out.append((product, re.compile(rf"(?<![\w])[Tt]he[ \t]+{re.escape(words[-1])}(?![\w'’-])")))
    return out


def _round21(text, folded, place, places_rx, products, our_topic, elsewhere) -> str | None:
    """Round 21: forms new writers wrote that the rules above do not read, each only with the profile's evidence:

    - **"hashtag"**: a product's name run together in a hashtag ("#kirriecarry", "#linksandlittleones"), with our place
      or a word of our work and no other town;
    - **"the word"**: "the <last word of a product>", capitalised ("the Crate" for "the Cromarty Crate"), with one of
      our places in the text and no capitalised or describing word after it ("the Crate Bar");
    - **"baby charity"**: "the / that / a local baby charity" with our place or a word of our work;
    - **"place group"**: one of our places right before a group, café or session ("Tain group is great") or a
      group, café or session (with a day, or up to three words) then in / at / round one of our places ("the Monday
      group in Tain", "the baby group woman in Llandovery"), with a word of our work, a day, or "baby" in the group's
      name;
    - **"network lot"**: "the network lot / lady / worker / who comes round" with a word of our work;
    - **"baby network lot"**: "the baby network lady / ladies / lot / volunteer / coordinator..." or "from / at / with
      the baby network", with no other town and no gadget or railway in its sentence, even without a word of our work
      or a place ("the baby network lady said to message but it's 3am").

    "baby charity", "place group" and "network lot" are not read in a text that names another group in capitals ("New
    Mums Network", "Bump Club")."""
    if len(text) != len(folded):
        return None  # the rules below read the text's capitals at the folded text's positions

    def gate(a, b):
        rest = folded[:a] + " " + folded[b:]
        return place is not None or (our_topic.search(rest) and not elsewhere(text, rest))

    if "hashtag" in RULES21 and "#" in text:
        for product, tag in _hashtags(tuple(products)):
            for m in tag.finditer(folded):
                if gate(m.start(), m.end()):
                    return ShortForm(f"'{text[m.start():m.end()]}', our product '{product}'", "hashtag")
    if "the word" in RULES21 and place is not None:
        for product, the_word in _the_words(tuple(products)):
            for m in the_word.finditer(text):
                after = _word_after(text, m.end())
                if not after[:1].isupper() and fold(after) not in _NOT_OURS_AFTER:
                    return ShortForm(f"'{m.group(0)}', short for our product '{product}', with our place "
                                     f"{place.group(0).title()}", "the word")
    if not ("charity" in folded or place is not None or "network" in folded) or any(
            not any(fold(g.group(0)).endswith(fold(p).removeprefix("the ")) for p in products)
            for g in _OTHER_GROUP.finditer(text)):
        return None  # nothing below can be here, or another group is named in capitals
    if "baby charity" in RULES21 and "charity" in folded:
        for m in _CHARITY.finditer(folded):
            if gate(m.start(), m.end()):
                said = _QUOTE_MARKS.sub("", text[m.start():m.end()])
                return ShortForm(f"'{said}'" + (f", with our place {place.group(0).title()}"
                                 if place is not None else ", with words of our work"), "baby charity")
    if "place group" in RULES21 and place is not None:
        for s in _SENTENCE.finditer(folded):
            for pm in places_rx.finditer(s.group(0)):
                before, after = s.group(0)[:pm.start()], s.group(0)[pm.end():]
                g = _PLACE_THEN_GROUP.match(after) or _GROUP_THEN_PLACE.search(before)
                if g is None:
                    continue
                rest = folded[:s.start() + pm.start()] + " " + folded[s.start() + pm.end():]
                if our_topic.search(rest.replace(g.group(0), " ", 1)) or _DAYS_RX.search(s.group(0)) or "baby" in g.group(0):
                    a, b = (s.start() + pm.start(), s.start() + pm.end() + g.end()) if g.re is _PLACE_THEN_GROUP else \
                        (s.start() + g.start(), s.start() + pm.end())
                    return ShortForm(f"'{' '.join(text[a:b].split())}', one of our places", "place group")
    if "baby network lot" in RULES21 and "network" in folded:
        for m in _BABY_NETWORK.finditer(text):
            if _OUR_NAME_BEFORE.search(folded[:m.start()]) or _OTHER_NETWORK.search(fold(_sentence_at(text, m.start()))):
                continue
            who, before = _PERSON_AFTER.match(folded, m.end()), _FROM_BEFORE.search(folded[:m.start()])
            if (who or before) and not elsewhere(text, folded[:m.start()] + " " + folded[m.end():]):
                a, b = (m.start(), who.end()) if who else (before.start(), m.end())
                return ShortForm(f"'{' '.join(text[a:b].split())}'", "baby network lot")
    if "network lot" in RULES21 and "network" in folded:
        for m in _NET_LOT.finditer(folded):
            if not _OTHER_NETWORK.search(fold(_sentence_at(text, m.start()))) and gate(m.start(), m.end()):
                return ShortForm(f"'{text[m.start():m.end()]}'", "network lot")
    return None


_NOT_OURS_AFTER = frozenset("""ltd limited inc llc plc co app apps podcast episode episodes series show album band tour
bar pub brewery hotel salon spa kennels cattery grooming toys toy""".split())


def _sentence_at(text: str, at: int) -> str:
    """The sentence of ``text`` around position ``at``."""
    for s in _SENTENCE.finditer(text):
        if s.start() <= at < s.end():
            return s.group(0)
    return ""


def _elsewhere(text: str, rest_folded: str) -> bool:
    """Whether a text names another UK town or a place abroad (outside the short form): then a word of our work is not
    enough to say the short form is ours."""
    from .words import _rx

    return bool(_rx.UK_PLACE.search(text) or _rx.ABROAD.search(rest_folded))


@lru_cache(maxsize=8)
def elsewhere_for(places: tuple):
    """``_elsewhere`` with our own places blanked first (round 35): "our house in Bishop Auckland" names no place
    abroad, and "Durham" is not another town to a charity working there (both had kept reviews of ours out). Every
    short-form rule gets it (``for_judge``, ``reader``); round 33's other-town check had blanked them for its own rules
    only."""
    ours = places_rx(places) if places else None
    if ours is None:
        return _elsewhere

    def elsewhere(text: str, rest_folded: str) -> bool:
        from .words import origins_blanked  # round 37: "Drove from Sutton Veny for my slot at ...": not another town

        folded = fold(text)
        if len(folded) == len(text):
            for m in ours.finditer(folded):
                text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
        return _elsewhere(origins_blanked(text), ours.sub(lambda m: " " * len(m.group(0)), rest_folded))
    return elsewhere


@lru_cache(maxsize=8)
def _shorts(products: tuple, places: tuple) -> dict:
    return short_words(products, places)


# A place's first word is how people shorten it ("Catterick" for "Catterick Garrison", "Sherburn" for "Sherburn in
# Elmet"), unless it is a word many places share.
_SHARED_FIRST = frozenset("north south east west great little upper lower saint royal garden forest new old long "
                          "high market church kings queens".split())


@lru_cache(maxsize=8)
def places_rx(places: tuple):
    """Our places as ``products.places_regex`` finds them, and the first word of each place of two or more words
    (at least five letters, not one many places share): a short form's places (round 20)."""
    from .products import places_regex

    firsts = [p.split()[0] for p in places if len(p.split()) > 1 and len(p.split()[0]) >= 5
              and fold(p.split()[0]) not in _SHARED_FIRST]
    # round 25: a hyphenated place's first word too ("Middleton" for Middleton-in-Teesdale, "Stratford" for
    # Stratford-upon-Avon); round 26: after any short lower-case joining word, Welsh or French ones too
    # ("Llanrhaeadr" for Llanrhaeadr-ym-Mochnant, "Grange" for Grange-over-Sands)
    from ..matching import hyphen_first

    firsts += [w for p, w in ((p, hyphen_first(p)) for p in places)
               if w != p and " " not in w and len(w) >= 5 and fold(w) not in _SHARED_FIRST]
    from .shortforms22 import RULES22

    if "place last word" in RULES22:  # round 22: "Drayton" for Market Drayton, "Yarmouth" for Great Yarmouth
        firsts += [p.split()[-1] for p in places if len(p.split()) == 2 and fold(p.split()[0]) in _SHARED_FIRST
                   and len(p.split()[-1]) >= 5]
    return places_regex(list(places) + firsts)[1]


def reader(products, places):
    """``short_form`` for a profile's ``products`` and ``places``, as a function of a text (the run's worker, which
    reads texts before the check is made: ``analyse_worker.Deferred.names_product``)."""
    from .words import _OUR_TOPIC_RX

    from .shortforms22 import with_places_named

    shorts, where = short_words(products, places), places_rx(tuple(places))
    return lambda text: short_form(with_places_named(text, tuple(places)), where, shorts, _OUR_TOPIC_RX,
                                   elsewhere_for(tuple(places)))


def for_judge(judge, text: str) -> str | None:
    """``short_form`` with the judge's places and products (``Judge.names_product``, after a product's whole name)."""
    from .words import _OUR_TOPIC_RX

    from .shortforms22 import with_places_named

    shorts = _shorts(tuple(judge.products), tuple(judge.places)) if judge.products else Shorts()
    if not judge.products:  # round 30: our places without products too, as ``reader`` (the run's worker) gives them
        shorts.places = tuple(judge.places)
    return short_form(with_places_named(text, tuple(judge.places)), places_rx(tuple(judge.places)), shorts, _OUR_TOPIC_RX,
                      elsewhere_for(tuple(judge.places)))
