"""Short forms of us, round 34 (issue 15, mention recall), in a text that names no name of ours; read after
``shortforms33._round33``; like every short form us with one of our places in the text (``place_evidence``), else
unsure (watch at most; a crisis at alert at most unless the model is sure); each rule can be switched off
(``RULES34``). Chosen by reading the missed true mentions of t172-t175 (round 33's newest files).

- **"another town, outside the sentence"**: the earlier product rules that want a word of our work and no other town
  in the whole text (``short_form``'s gate: rounds 20, 28, 31, 32 and 33) read again, when another town is named,
  with that town looked for only in the short form's own sentence, our own places blanked first ("As promised at
  Sprogs last week here's the recipes ... the new boyfriend's been leaving the baby strapped in the car outside the
  Hebrides Bar": a crisis; "We can go straight after Sprogs if it's on ... take the baby to my mum's in Glasgow");
  round 33's tail rule already looks only in the sentence;
- **"name's end after the, two-word place"**: "the bundle bag lot in West Bay" for "the West Bay Bundle Bag": round 31
  reads the words after the place in a name written "the <place> ..." only when the place is one word;
- **"name's end, person after"**: the end of a name whose front is our place, in lower case after "the / my / our"
  (or "you / those"), followed by a person or a crowd ("the lap club lady told me to put a drop of whisky in her
  bottle" for "Llangollen Lap Club", "whichever of you bundle bag lot parked across my drive"), with no word of our
  work needed: a thing with a lady is a group;
- **"name's tail, shouted"**: a product's tail in capitals inside a sentence in capitals ("THOSE ARE THE ONES IN THE
  DOZY BOX" for "the Deeping Dozy Box"), where every word before it is capitalised too, so round 33's "after a
  capitalised word" guard cannot tell; with one of our places, or a word of our work and no other town in the
  sentence;

- **"product as a handle"**: a handle or hashtag that is a product's whole name run together ("TikTok account
  @westbaybundlebag is posting AI-generated baby pictures and asking for PayPal donations" for "the West Bay Bundle
  Bag"), ten letters or more, "official" or "uk" around it allowed: read so the directors see someone using our
  thing's name (the policy's impersonation advice), whatever the text says of it;
- **"the charity and a product's word"**: "the charity" in lower case and a product's last word in its sentence
  ("Bethan from the charity knitted 40 baby hats for the boxes that go out to new families", "the box the charity
  gives out" for "the Chirk Cwtch Box"), with a word of our work outside them and no other town in the text; not
  "charity shop".

- **"baby net work"**: "baby net work" (a phone's voice typing: "knew baby net work Blackburn is anyone there from
  them my partner has took the baby") with one of our places in its sentence and no other town there, as round 33
  reads "baby network";
- **"New Baby, as a name"**: "New Baby" with both capitals after "to / at / about / from / missed..." and before the
  end of a clause or "at / on / anymore / again / group..." ("she hasn't been to New Baby at the Waddesdon hall since
  the 3rd", "please don't message me about New Baby anymore, he went through my phone"): our name cut short, as
  members say it; with one of our places, or a word of our work and no other town in its sentence; not after "the /
  a / your" ("congratulations on the New Baby");
- **"one clean naming enough"**: a product named whole more than once is read when one naming is clean, where
  ``products.Products.alone`` set the text aside for any naming followed by a describing word ("Dads - Lough Shore
  Lullabies" as a title and "the Lough Shore Lullabies podcast" in the body); a naming followed by a capitalised
  word (another thing's name, another town: "Pram Exchange, Totnes") still sets the text aside;
- **"quoted name, sold or copied"**: a product's whole name in quotes, which ``products.Products.alone`` takes for a
  title (a song, a book), read when the text says it is sold, copied or faked ("Someone's selling 'Machair Bundles'
  on Marketplace for £25 each. Aren't these meant to be free?", "a new Facebook group called 'Marshwood Mums
  Official' selling tickets"), "Official" inside the quotes allowed: our thing's name used by someone else is the
  directors' business (impersonation, copyright).

none in quotes (but the last rule), before a word that makes it another thing, in a text about pets, or naming another group in capitals.

Measured with ``monitor eval`` on the labelled files with a profile (true mentions lost, other texts taken): see
README "Is it us?" and docs/history/identity.md (round 34).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import fold

RULES34 = {"another town, outside the sentence", "name's end after the, two-word place", "name's end, person after",
           "name's tail, shouted", "product as a handle", "the charity and a product's word", "quoted name, sold or copied",
           "baby net work", "New Baby, as a name", "one clean naming enough"}
# a person or a crowd right after a name's end: "the lap club lady", "the bundle bag lot", "the sling shed girls"
_PERSON_AFTER = re.compile(r"[ \t]+(?:lady|ladies|woman|women|girls?|lot|volunteers?|people|folk|crew|team|mums?|mams?|"
                           r"helpers?|leaders?)(?![\w'’-])")
# "whichever of you bundle bag lot parked across my drive", "those bundle bag ladies"
_YOU_BEFORE = re.compile(r"(?<![\w])(?:you|those|them|these)[ \t]+$")


# sold, copied or faked: "selling 'Machair Bundles' on Marketplace", "an Etsy shop selling 'West Bay Bundle Bag' gift
# boxes", "a new group called 'Marshwood Mums Official'", "it's NOT the real group"
_SOLD = re.compile(r"(?<![\w])(?:sell(?:s|ing)?|sold|for sale|marketplace|etsy|ebay|vinted|depop|£\s?\d+|fake|copy|"
                   r"copied|copying|pretend\w*|impersonat\w*|not the real|official|logo)(?![\w])")


def one_clean_enough() -> bool:
    """For "one clean naming enough" (``products.Products.alone``): whether the rule is on."""
    return "one clean naming enough" in RULES34


def quoted_sold(text: str) -> bool:
    """For "quoted name, sold or copied": whether ``text`` says a quoted name of ours is sold, copied or faked."""
    return "quoted name, sold or copied" in RULES34 and bool(_SOLD.search(fold(text)))


def local_gate(text, folded, place, places_rx, our_topic, elsewhere):
    """``gate(a, b)`` for "another town, outside the sentence": one of our places in the text, or a word of our work
    outside [a, b) and no other town in the sentence of [a, b) (our own places are never another town: ``shortforms.
    elsewhere_for``)."""
    from .shortforms29b import _town_near

    def gate(a, b):
        if place is not None:
            return True
        rest = folded[:a] + " " + folded[b:]
        return bool(our_topic.search(rest)) and not _town_near(text, folded, a, b, elsewhere)
    return gate


def _round34(text, folded, shorts, places, places_rx, place, our_topic, gate, elsewhere) -> str | None:
    """``short_form``'s text (``folded`` the same, folded), ``shorts`` (``short_words``, its ``products``), the
    profile's places, ``places_rx`` (ours in folded text), ``place`` (the first of ours in the text, or None),
    ``our_topic`` (words of our work), ``gate(a, b)`` (one of our places, or a word of our work outside [a, b) and no
    other town) and ``elsewhere`` (whether text names another town): the first rule that reads the text, in the
    module doc's order."""
    products = tuple(getattr(shorts, "products", ()) or ())
    if not RULES34 or len(text) != len(folded):
        return None
    found = None
    if products:
        if "another town, outside the sentence" in RULES34 and place is None and elsewhere(text, folded):
            found = _again(text, folded, shorts, products, places, places_rx, place, our_topic, elsewhere)
        if found is None:
            found = _end_after_the(text, folded, products, places, places_rx, gate)
        if found is None and "name's tail, shouted" in RULES34:
            found = _shouted(text, folded, products, places, places_rx, place, our_topic, elsewhere)
        if found is None and "product as a handle" in RULES34 and ("@" in text or "#" in text):
            found = _handle(folded, products)
        if found is None and "the charity and a product's word" in RULES34 and "the charity" in folded:
            found = _charity_word(text, folded, products, our_topic, elsewhere)
    return found or _no_products(text, folded, place, places_rx, our_topic, elsewhere)


def _no_products(text, folded, place, places_rx, our_topic, elsewhere):
    """"baby net work" and "New Baby, as a name": the rules that need no product of ours."""
    from .shortforms import ShortForm
    from .shortforms29b import _sentence, _town_near

    if "baby net work" in RULES34 and places_rx is not None:
        for m in re.finditer(r"(?<![\w])baby[ \t]+net[ \t]+work(?![\w])", folded):
            a, b = m.start(), m.end()
            s, e = _sentence(text, a)
            here = places_rx.search(folded, s, max(e, b))
            if here is not None and not _town_near(text, folded, a, b, elsewhere):
                return ShortForm(f"'{text[a:b]}', with our place {here.group(0).title()}", "baby net work")
    if "New Baby, as a name" in RULES34 and "New Baby" in text:
        return _new_baby(text, folded, place, places_rx, our_topic, elsewhere)
    return None


# "hasn't been to New Baby at the Waddesdon hall", "don't message me about New Baby anymore"
_NEW_BABY = re.compile(r"(?<![\w])(?:to|at|about|from|after|before|since|missed|skip|skipped|with|of)[ \t]+"
                       r"(New[ \t]+Baby)(?=[ \t]*(?:$|[.,!?;:)\n]|(?:at|on|in|anymore|again|today|tonight|tomorrow|"
                       r"this|last|next|group|and|or|but|lately|since|because|cos|x)(?![\w])))")


def _new_baby(text, folded, place, places_rx, our_topic, elsewhere):
    from .shortforms import ShortForm

    gate = local_gate(text, folded, place, places_rx, our_topic, elsewhere)
    for m in _NEW_BABY.finditer(text):
        if gate(m.start(1), m.end(1)):
            return ShortForm(f"'{m.group(1)}', our name cut short", "New Baby, as a name")
    return None


_HANDLE = re.compile(r"(?<![\w])[@#]([a-z0-9_.]{10,60})")
_CHARITY_THE = re.compile(r"(?<![\w-])the[ \t]+charity(?:['’]s)?(?![\w-])(?![ \t]+(?:shops?|stores?|sales?|runs?|"
                          r"walks?|events?|cards?|bins?|fairs?|auctions?|quiz)\b)")


@lru_cache(maxsize=8)
def _handles(products: tuple) -> tuple:
    """``(product, regex)``: each product's name run together (ten letters or more) as a whole handle, "the",
    "official" or "real" before it, "official", "uk" or "hq" after it allowed."""
    out = []
    for raw in products:
        squashed = re.sub(r"[^a-z0-9]", "", fold(raw).removeprefix("the "))
        if len(squashed) >= 10:
            out.append((raw, re.compile(rf"(?:the|official|real)?{re.escape(squashed)}s?(?:official|uk|hq)?")))
    return tuple(out)


def _handle(folded, products):
    from .shortforms import ShortForm

    for raw, rx in _handles(products):
        for m in _HANDLE.finditer(folded):
            if rx.fullmatch(re.sub(r"[_.]", "", m.group(1))):
                return ShortForm(f"'{m.group(0)}', our product '{raw}' as a handle", "product as a handle")
    return None


@lru_cache(maxsize=8)
def _product_words(products: tuple):
    """A product's last word (``shortforms31.last_words``), singular or plural, on folded text; or None."""
    from .shortforms31 import last_words

    lasts = last_words(products)
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, lasts)) + r")(?:e?s)?(?![\w-])") if lasts else None


def _charity_word(text, folded, products, our_topic, elsewhere):
    from .shortforms import ShortForm, other_group
    from .shortforms29b import _sentence

    words = _product_words(products)
    if words is None or other_group(text, products) or elsewhere(text, folded):
        return None
    for m in _CHARITY_THE.finditer(folded):
        s, e = _sentence(text, m.start())
        if not text[m.start():m.end()].islower():
            continue
        w = words.search(folded, s, max(e, m.end()))
        if w is None:
            continue
        rest = folded
        for a, b in sorted(((m.start(), m.end()), (w.start(), w.end())), reverse=True):
            rest = rest[:a] + " " + rest[b:]  # both words out: a word of our work besides them
        if our_topic.search(rest.replace("charity", " ")):
            return ShortForm(f"'the charity' and '{text[w.start():w.end()]}', a word of our product's name",
                             "the charity and a product's word")
    return None


def _again(text, folded, shorts, products, places, places_rx, place, our_topic, elsewhere):
    """The gated product rules of rounds 20, 28, 31, 32 and 33 with ``local_gate``; the rule's reason kept, its name
    this one's."""
    from .shortforms import ShortForm, product_word
    from .shortforms28 import _round28
    from .shortforms31 import _round31
    from .shortforms32 import _round32
    from .shortforms33 import _end_after_the as end33
    from .shortforms33 import _tails

    if any(fold(p).removeprefix("the ") in folded for p in products):
        return None  # a name of ours whole: ``products.Products.alone`` has judged it (another town set it aside)
    gate = local_gate(text, folded, place, places_rx, our_topic, elsewhere)
    found = product_word(text, folded, shorts, places_rx, our_topic, gate) or _round28(text, folded, products, gate) or \
        _round31(text, folded, products, places, places_rx, gate, elsewhere) or \
        _round32(text, folded, products, places_rx, gate) or \
        end33(text, folded, _tails(products, tuple(places or ())), places_rx, gate)
    return None if found is None else ShortForm(str(found), "another town, outside the sentence")


def _end_after_the(text, folded, products, places, places_rx, gate):
    """"name's end after the, two-word place" (with ``short_form``'s ``gate``) and "name's end, person after" (no
    gate): a name whose front is our place, its end in lower case after "the / my / our"."""
    from .shortforms import ShortForm, other_group
    from .shortforms31 import _THE_BEFORE, _clean
    from .shortforms33 import _tails

    two, person = "name's end after the, two-word place" in RULES34, "name's end, person after" in RULES34
    if not (two or person):
        return None
    for raw, _, _, low, front in _tails(products, tuple(places or ()), True):
        if not front:
            continue
        for m in low.finditer(folded):
            a, b = m.start(), m.end()
            who = _PERSON_AFTER.match(folded, b) if person else None
            if not text[a:b].islower() or not (_THE_BEFORE.search(folded, max(0, a - 8), a) or (
                    who and _YOU_BEFORE.search(folded, max(0, a - 8), a))) or \
                    not _clean(text, folded, a, b, places_rx) or other_group(text, products):
                continue
            if who:
                return ShortForm(f"'{' '.join(text[a:who.end()].split())}', part of our product '{raw}'",
                                 "name's end, person after")
            if two and str(raw).lower().startswith("the ") and gate(a, b):
                return ShortForm(f"'{' '.join(text[a:b].split())}', part of our product '{raw}'",
                                 "name's end after the, two-word place")
    return None


def _shouted(text, folded, products, places, places_rx, place, our_topic, elsewhere):
    from .products import _PETS
    from .shortforms import ShortForm, other_group, other_thing_after
    from .shortforms28 import _QUOTES
    from .shortforms29b import _sentence, _town_near
    from .shortforms33 import _tails, _whole

    tails = _tails(products, tuple(places or ()))
    hits = [(raw, m) for raw, _, shout, _, _ in tails for m in shout.finditer(text)]
    if not hits or _PETS.search(text) or other_group(text, products):
        return None
    for raw, m in hits:
        a, b = m.start(), m.end()
        s, e = _sentence(text, a)
        if re.search(r"[a-z]", text[s:max(e, b)]) or _whole(text, a, raw) or text[a - 1:a] in _QUOTES or \
                text[b:b + 1] in _QUOTES or other_thing_after(text, folded, b, places_rx) or \
                _town_near(text, folded, a, b, elsewhere):
            continue
        rest = folded[:a] + " " + folded[b:]
        if place is not None or our_topic.search(rest):
            return ShortForm(f"'{' '.join(m.group(0).split())}', our product '{raw}' without its first word",
                             "name's tail, shouted")
    return None
