"""Is it us? One of our places beside our product or a short form of us (round 29, issue 15): the profile's evidence that
makes such a text us rather than unsure (``Judge.product_only``)."""

from __future__ import annotations

import re

from ..text import fold

# Round 29: a short form read from "network" alone ("The network, with our place Shorwell") is a common phrase: never
# made sure by a place (``place_with``). A look-alike handle has its own reading (``lookalike_decision``).
_NETWORK_RULES = frozenset({"the network", "network place", "network lot", "baby network lot", "that network lot",
                            "look-alike"})


def place_with(judge, product, text: str) -> str | None:
    """One of our places named in ``text`` outside our products' own names ("the Tar Bar'l Box ... in Allendale"), in
    its capitals, or None; never for a short form read from "network" alone or a look-alike handle (``_NETWORK_RULES``).
    With a place of ours, a product of ours or a short form that names our work (a place's group, the sling library)
    is us, not unsure (round 29: on the 142 labelled training files about 3,100 true mentions were held unsure this
    way against 40 other texts, 9 of those with a place of ours; docs/history/identity.md, round 29)."""
    if getattr(product, "rule", "") in _NETWORK_RULES:
        return None
    rx = judge._ours()[1]
    if rx is None:
        return None
    folded = fold(text)
    names = judge.product_reader().rx_any_case
    if names is not None and len(folded) == len(text):
        folded = names.sub(lambda m: " " * len(m.group(0)), folded)
    m = rx.search(folded)
    return m.group(0).title() if m else None


def us_with_place(product, place: str) -> str:
    """The reason for such a text: "it is us: our product 'Tar Bar'l Box' and our place Allendale in the text", or for
    a short form that already names the place "it is us: 'the sling library', with our place Whitfield"."""
    if not hasattr(product, "rule"):
        return f"it is us: our product '{product}' and our place {place} in the text"
    return f"it is us: {product}" + ("" if place.lower() in product.lower() else f", and our place {place} in the text")


def lookalike_decision(judge, lookalikes, sents, matcher=None):
    """Is a text naming a look-alike of our handle ("@newbabynetwork_solway"), and not us, about us? Since round 21
    unsure (watch at most) when the text doubts the handle is ours ("is it actually them?", "same logo"), else not
    read (None: "@newbabynetworkfan" is someone else). Since round 30 us when the text also names one of our places
    (outside the handle) or one of our products: someone passing as us where we work ("selling Little Natterjack
    bags ... I thought the bags were free from the Wigton charity"). On the 143 training files with a profile, of the
    texts naming a look-alike and no name of ours, all 11 with a place or product of ours were about us (3 of them
    with no doubting words, impersonation alerts read only when the model saw impersonation), and none of the 29
    about someone else named one. ``matcher`` (``matching.Matcher``) tells a handle one letter off ours
    ("@NewBabyNetwrk you said someone from mullion would ring me back", round 32): as likely a slip for ours as
    someone passing as us. Since round 37 one of our places inside the handle is enough (``place_in_handle``:
    "newbabynetwork_saltburn")."""
    from ..matching import doubts_lookalike
    from .decide import US, Decision
    from .shortforms import ShortForm

    text = " \n".join(s for _f, s in sents)
    doubt = doubts_lookalike(text)
    ours = place_with(judge, None, text)
    in_handle = None if ours else place_in_handle(judge, lookalikes)
    product = None if ours or in_handle else judge.product_reader().named(text)
    said = f"a look-alike of our handle ({', '.join(lookalikes)})" + (f" that the text doubts ('{doubt}')" if doubt else "")
    if in_handle:
        return Decision(US, 1.0, f"it is us: {said}, with our place {in_handle} in it: someone may be passing as us")
    if ours or product:
        where = f"our place {ours}" if ours else f"our product '{product}'"
        slip = matcher is not None and matcher.slipped(lookalikes)
        who = "our handle mistyped, or someone passing as us" if slip else "someone may be passing as us"
        return Decision(US, 1.0, f"it is us: {said} in a post naming {where}: {who}")
    return judge.product_only(ShortForm(said, "look-alike")) if doubt else None


def place_in_handle(judge, lookalikes) -> str | None:
    """Round 37: one of our places (a hyphenated place's first word too) in a look-alike handle's own words, in its
    capitals, or None: "newbabynetwork_saltburn" selling what our Saltburn-by-the-Sea group gives away (t185) is
    someone passing as us where we work."""
    from .shortforms import places_rx

    rx = places_rx(tuple(judge.places))
    for handle in lookalikes if rx is not None else ():
        m = rx.search(" ".join(re.findall(r"[^\W\d_]+", fold(handle))))
        if m is not None:
            return m.group(0).title()
    return None


def ours_apart(judge, ns_after, sents, mentioned, matches_by_sentence) -> str | None:
    """Round 35: a text that names a namesake we know ("that's a company called NewBaby Network LTD") and, in another
    naming, us with one of our places in that naming's sentence and none of the namesake's words after it ("The New
    Baby Network that does the Friday group at Bawtry is a little charity", "I also complained to the Bawtry charity
    New Baby Network"): the place, in its capitals (the text is about us too), or None (``Judge._decide``)."""
    from .words import words_after

    rx = judge._ours()[1]
    for i in mentioned if rx is not None else ():
        s = fold(sents[i][1])
        for m in matches_by_sentence.get(i, []):
            found = None if set(words_after(s, m.end)) & set(ns_after) else rx.search(s)
            if found:
                return found.group(0).title()
    return None
