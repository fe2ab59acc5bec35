"""Short forms of us, round 25's second pass (issue 15): a review of our work that names neither us nor a product
(``shortforms.short_form`` reads it after ``shortforms25._round25``). Unsure like every short form (watch at most; a
crisis at alert at most unless the model is sure: ``Judge.product_only``); the rule can be switched off (``RULES25B``).

- **"review of our work"**: a text with a review's rating ("★★☆☆☆", "⭐", "3 stars", "4/5", "3*", "Google review")
  and something we do: "home visit(s) / home visitor", "sling library / sling fitting", "baby café / baby group", or
  "volunteer(s)" with a word of a baby's first months elsewhere in the text (a baby, feeding, mums...: not "charity"
  or "support", a charity shop's review says those) or one of our places; in a text
  naming no other town, no place abroad and no other group in capitals ("★☆☆☆☆ Bumps & Babies Network Douglas").
  Reviews people leave on our pages seldom name us ("★★☆☆☆ Not what I needed. I asked for a home visitor because I was
  feeling low..."). Of the texts no rule read in the check's labelled files and t114-t117 (t118-t121 not read): 47
  true mentions and no other text; the reviews of other things there name those things (a monitor, a hotel, a shop).
  Pseudo-blind (``bench/identity_newwriter.py``) true mentions lost 42 -> 38 of 800 on t114-t117, 46 -> 42 on
  t118-t121, not-us taken unchanged. Not kept: "volunteers" and a rating with only "charity", "support" or "group"
  beside them (a charity shop's review says as much), "sessions" (a swimming course's review, t65), our place and a
  word of our work in a review without one of these (5 true, 5 other texts: "no signal in Port Erin ... my new baby").
- round 26, **"review of a group"**: a rating and "group(s)", read like "volunteers" (a baby's word or one of our
  places): 12 true mentions of the labelled files, no other text ("café" or "room" too read 6 other texts: a hotel's
  room, another café); and "birth" counts as a baby's word (1 true mention, "a volunteer ... her own birth").
- round 35, **"review without a baby's word"**: a rating and volunteers, a group or (new) a session are enough ("4 stars
  - friendly group, good songs"), unless the text is a shop's, a course's, a place to stay or eat's or a pet's review,
  or says "a group of 8" or "photo session" (``_NOT_OURS``). In the labelled files, rated texts with volunteers, a
  group or a session and no baby's word were 157 true mentions and no other text; on the 147 profiled training files
  it found 46 more true mentions (2 of them crises), no other text.
"""

from __future__ import annotations

import re

RULES25B = {"review of our work", "review of a group", "review without a baby's word"}
# round 35: a rating and volunteers, a group or a session are enough, no baby's word needed ("4 stars - friendly
# group, good songs"), but not "a group of 8" (a restaurant's table), a photo, gym or recording session, nor a review
# of a shop, a course or a place to stay or eat ("The volunteers at the charity shop till were rude. 2 stars")
_NOT_OURS = re.compile(r"(?<![\w])(?:groups?[ \t]+of|(?:photo|photography|recording|jam|gym|training|tasting|tour|walking|"
                       r"running|cycling|coach)[ \t]+(?:session|group)s?|shops?|store|lessons?|swim\w*|teachers?|"
                       r"(?<!of[ \t])course|hotel|restaurant|menu|pub|bar|room[ \t]+service)(?![\w])", re.I)
_SESSION = re.compile(r"(?<![\w])sessions?(?![\w])", re.I)

# a review's rating: stars drawn ("★★☆☆☆", "⭐"), "3 stars", "4/5" or "4.5/5", "3*", "Google review"
_RATING = re.compile(r"[★⭐][★☆⭐ ]*[★☆⭐]|[★⭐]|(?<![\w.])[1-5](?:\.5)?[ \t]*(?:stars?(?![\w])|/[ \t]*5(?![\w.]))|"
                     r"(?<![\w.])[1-5]\*(?![\w*])|(?<![\w])google[ \t]+review(?![\w])", re.I)
_OUR_WORK = re.compile(r"(?<![\w])(?:home[ \t]+visit(?:s|or|ors|ing)?|sling[ \t]+(?:library|fitting)|"
                       r"baby[ \t]+(?:caf[eé]|group)s?)(?![\w])", re.I)
_VOLUNTEERS = re.compile(r"(?<![\w])volunteers?(?![\w])", re.I)
# round 26: a group, with a word of a baby's first months or one of our places (not a café or a room: a hotel's)
_GROUP = re.compile(r"(?<![\w])groups?(?![\w])", re.I)
# beside "volunteers", a word of a baby's first months (not "charity", "support", "group": a charity shop's review)
_BABY_WORDS = re.compile(r"(?<![\w])(?:bab(?:y|ies|a|s|by)|newborns?|infants?|mums?|mams?|mummy|parents?|pregnan\w*|"
                         r"antenatal|postnatal|perinatal|postpartum|pnd|midwi\w*|health[ \t]+visitors?|feed\w*|"
                         r"breastfe\w*|bottles?|formula|nappy|nappies|slings?|carriers?|prams?|buggy|buggies|weaning|"
                         r"colic|bairns?|little[ \t]+ones?|wee[ \t]+ones?|toddlers?|births?)(?![\w])")  # round 26: "birth"


def _round25b(text, folded, places_rx, elsewhere):
    """``short_form``'s text (``folded`` the same, folded), our places (``places_rx``, in folded text, or None) and
    whether a text names another town or a place abroad (``elsewhere``)."""
    from .products import _PETS
    from .shortforms import _OTHER_GROUP, ShortForm

    if "review of our work" not in RULES25B or len(text) != len(folded) or _OTHER_GROUP.search(text):
        return None
    rating = _RATING.search(text)
    if rating is None:
        return None
    bare = "review without a baby's word" in RULES25B
    work = _OUR_WORK.search(text) or _VOLUNTEERS.search(text) or (
        _GROUP.search(text) if "review of a group" in RULES25B else None) or (_SESSION.search(text) if bare else None)
    if work is None:
        return None
    rest = folded[:work.start()] + " " + folded[work.end():]
    anyones = _NOT_OURS.search(text) or _PETS.search(text)  # round 35: a shop's, a course's, a pet's review
    if work.re is _SESSION and anyones:
        return None  # sessions are read only since round 35, never in such reviews
    if work.re is not _OUR_WORK and not (_BABY_WORDS.search(rest) or (places_rx is not None and places_rx.search(folded))
                                         or (bare and not anyones)):
        return None
    if elsewhere(text, rest):
        return None
    return ShortForm(f"'{' '.join(work.group(0).split())}' in a review ('{' '.join(rating.group(0).split())}')",
                     "review of our work")
