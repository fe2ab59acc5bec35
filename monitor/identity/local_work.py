"""Is it us? Our work named without our name, in a source of our own area (round 30, issues 11 and 15).

A watch that searches for our name never sees "he says if I go to that baby group again he'll take the baby" on the
village forum: no name, no product, often no place. On the 143 training files with a profile, 74 of the 105 crises
still graded below alert named none of our places either; most named our work the way a local reader would ("the
baby group", "the sling library lady", "the home visitor", "the charity"). Such words are everyone's in a national
feed, so they are read only from a source the volunteer marks ``local: true`` (a local forum, a local parents'
group's feed, a neighbourhood subreddit): there a post naming our work is read like a short form of us, unsure
(watch at most; a crisis by email, by SMS only when the model is 90% sure of it, ``analyse_judge.UNSURE_CRISIS``),
and us with one of our places (``Judge.product_only``).
If every labelled training text came from such a source (``monitor eval --local``), 150 more true mentions would be
read (crises below alert 105 -> 75) against 3 more texts about others, all at watch (docs/history/identity.md)."""

from __future__ import annotations

import re

from .shortforms import _OTHER_GROUP, ShortForm

# What people call our work without naming us: a baby / parents' / toddler group, club, café, swap or drop-in; the
# swap shop, sling library (its lady, its fittings), text line or helpline; home visits; the online group; "the
# charity" or "the baby charity". Not "the charity shop", "the charity 10k", "the charity quiz".
_WORK = re.compile(
    r"(?<![\w@#-])(?:(?:the|that|our|a|this)[ \t]+(?:local[ \t]+)?(?:baby|babies|mums?['’]?|parents?['’]?|toddler|bump)"
    r"[ \t]+(?:group|club|caf[eé]|swap|session|drop[ -]?in|charity)|"
    r"(?:the|that|our)[ \t]+(?:baby[ \t]+)?(?:swap(?:[ \t]+shop)?|sling[ \t]+(?:library|lady|fitt\w*|place|thing|hire)|"
    r"text[ \t]+line|helpline)|home[ -]?visit(?:or|ors|ing)?|online[ \t]+(?:baby[ \t]+)?group|"
    r"(?:the|that)[ \t]+(?:baby[ \t]+)?charity(?![ \t]+(?:\d|shops?|runs?|walks?|events?|auction|sector|commission|ball|"
    r"quiz|raffle|match|golf|dinner|gala|fundraiser|bike|cycle|swim|marathon|race|concert|gig)))(?![\w])",
    re.I)


def local_work(text: str) -> ShortForm | None:
    """Our work named in ``text`` (from a source marked ``local``), as a short form of us, or None; not in a text
    naming another group in capitals ("Nurture Baby Network", "Tyne Mums Group": theirs, ``shortforms._OTHER_GROUP``)."""
    m = _WORK.search(text)
    if m is None or _OTHER_GROUP.search(text):
        return None
    return ShortForm(f"'{' '.join(m.group(0).split())}' in a local source", "local work")
