"""Short forms of us, round 26 (issue 15): what we do, named without our name, with one of our places
(``shortforms.short_form`` reads it after ``shortforms25b._round25b``). Unsure like every short form (watch at most;
a crisis at alert at most unless the model is sure: ``Judge.product_only``); each rule can be switched off
(``RULES26``).

- **"home visit at place"**: "home visit(s) / home visitor / home-visit", after any word (round 22 read it only after
  "the / that / our / their / for / at / to": "the home visits"), with one of our places anywhere in the text and a
  word of our work (a baby, a mum, feeding, volunteers...: not a plumber's home visit), in a
  text naming no other town, no place abroad and no other group in capitals ("A day in the life of a home-visit
  volunteer ... First visit, just outside Meifod"). On every labelled file 58 true mentions read (many sent to us, read
  already), no other text; pseudo-blind (``bench/identity_newwriter.py``) it kept 1 more crisis of t122-t125.

Round 26 also widened older rules (README "Is it us?"): a hyphenated place's first word after any short joining word
(``shortforms.places_rx``), a product's kind word in lower case (``shortforms25._kind_lower``), a group in a review and
"birth" (``shortforms25b``).
"""

from __future__ import annotations

import re

RULES26 = {"home visit at place"}

_HOME_VISIT = re.compile(r"(?<![\w-])home[ \t-]+visit(?:s|ors?|ing)?(?![\w-])", re.I)


def _round26(text, folded, places_rx, elsewhere):
    """``short_form``'s text (``folded`` the same, folded), our places (``places_rx``, in folded text, or None) and
    whether a text names another town or a place abroad (``elsewhere``)."""
    from .shortforms import _OTHER_GROUP, ShortForm

    if "home visit at place" not in RULES26 or places_rx is None or len(text) != len(folded) or \
            _OTHER_GROUP.search(text):
        return None
    visit, place = _HOME_VISIT.search(text), places_rx.search(folded)
    if visit is None or place is None:
        return None
    rest = folded[:visit.start()] + " " + folded[visit.end():]
    from .words import _OUR_TOPIC_RX  # and a word of our work ("Our home visit from the plumber in Chirk": not ours)

    if not _OUR_TOPIC_RX.search(rest) or elsewhere(text, rest):
        return None
    return ShortForm(f"'{' '.join(visit.group(0).split())}', with our place {place.group(0).title()}",
                     "home visit at place")
