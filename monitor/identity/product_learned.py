"""Is it us? A "not about us" correction of a post that names a product of ours but not us (round 29, issue 15).

Since round 29 such a post with one of our places is us (``place_evidence``), so a namesake of a product ("Sea Legs
seafood bar, Llandudno promenade" when our sling library is "Sea Legs") reaches the directors by email. One "not
about us" correction must keep that namesake out, as it does for our name: the product's name, where it is written,
stands in for our name (``product_matches``), so the correction is learned (``learned.learn``) and later posts are
compared with it (``learned_namesake``) exactly as posts naming us are (``Judge.learned_hits``)."""

from __future__ import annotations

import re

from ..matching import Match
from ..text import fold

_QUOTED = re.compile(r"'([^']{3,80})'")  # a short form's words, as its reason quotes them ("'the Tain group', ...")


def product_matches(judge, sents, product=None) -> dict[int, list[Match]]:
    """``{sentence: [Match]}`` for our products named in ``sents`` (any case), or for a short form's quoted words
    (``product`` as ``Judge.names_product`` found it): the spans a correction learns from and later posts are read at."""
    rx = judge.product_reader().rx_any_case
    quoted = _QUOTED.match(str(product)) if getattr(product, "rule", None) is not None else None
    words = fold(quoted.group(1)) if quoted else ""
    out: dict[int, list[Match]] = {}
    for i, (_f, s) in enumerate(sents):
        folded = fold(s)
        spans = [(m.start(), m.end()) for m in rx.finditer(folded)] if rx is not None else []
        if words and not spans and words in folded:
            at = folded.index(words)
            spans = [(at, at + len(words))]
        if spans:
            out[i] = [Match(folded[a:b], a, b, folded[a:b]) for a, b in spans]
    return out


def learned_namesake(judge, sents, product):
    """Not us (a ``Decision``) when this post, naming our product but not us, is about a namesake a director marked
    "not about us", else None. Nothing is read (no vectors) while no correction has been made."""
    if not sents or not judge.learned():
        return None
    mbs = product_matches(judge, sents, product)
    if not mbs:
        return None
    from .decide import model

    _x, ctx, doc, _kinds, after = judge.features(sents, set(mbs), mbs)
    for ln, hit in judge.learned_hits(ctx, doc, after, model()):
        return like_marked(ln, hit)
    return None


def like_marked(ln, hit: str):
    """Not us (a ``Decision``): like a post a director marked "not about us" (the ``Learned`` ``ln``), and why."""
    from .decide import NOT_US, Decision

    return Decision(NOT_US, 0.0, f"not us: like mention {ln.mention_id}, marked not about us ({ln.name}, {ln.kind}): {hit}")
