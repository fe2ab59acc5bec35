"""Round 25 (issue 15): more words beside our name that write it as another group's own (``features.named_elsewhere``,
read only when the model is unsure): another body's initials ("the CDDFT New Baby Network closed Facebook group",
"New Baby Network IOM") and, after the name, a capitalised word with accents ("Grupo New Baby Network Málaga")."""

from __future__ import annotations

import re
import unicodedata

from ..text import fold

# What people write in capitals beside any name (an internet abbreviation) or our own doings in initials: never
# another body's initials.
INITIALS_NOT_A_NAME = set("""LOL LMAO ICYMI TIL PSA FYI IMO IMHO TBH OMG OMFG DM DMS PM FB IG TT YT BTW NGL SMH WTF IDK
IIRC AFAIK ASAP TLDR RSVP AMA AGM EGM DBS CIC PS NB AKA ETA FAQ FAQS QA RIP AM""".split())


def name_word(word: str, name: str, ours, after: bool) -> bool:
    """Whether ``word``, right before our name (``name`` as written) or right ``after`` it, is part of another
    group's own name by round 25's readings (``initials_of_another``; after the name also ``accented_name_word``)."""
    return initials_of_another(word, name, ours) or (after and accented_name_word(word, ours))


def initials_of_another(word: str, name: str, ours) -> bool:
    """Whether a word in capitals beside our name is another body's initials: two to six letters, no everyday word
    in capitals ("NOT", "FAKE", "BOYCOTT", "NHS", "UK": the encoder's vocabulary, ``shortforms.everyday_words``), not
    an internet abbreviation ("ICYMI", "DM"), not our own name's initials ("NBN") nor one of our places' (``ours``,
    folded: "MK" for Milton Keynes). Without the encoder's vocabulary none is."""
    from .shortforms import everyday_words

    if not (word.isupper() and word.isalpha() and 2 <= len(word) <= 6) or word in INITIALS_NOT_A_NAME:
        return False
    vocabulary = everyday_words()
    low = word.lower()
    if not vocabulary or low in vocabulary:
        return False
    own = "".join(w[0] for w in re.findall(r"[A-Za-z]+", name)).lower()
    places = {"".join(p[0] for p in re.findall(r"[a-z]+", o)) for o in ours}
    return low != own and low not in places


def accented_name_word(word: str, ours) -> bool:
    """Whether a capitalised word with accents right after our name is part of another group's own name, read as
    ``features._another_name_word`` reads it without them ("New Baby Network Málaga", "New Baby Network Cancún"; in the
    119 labelled files one may read, 4 namesakes and no true mention write such a word there). Letters only, Latin ones
    with accents, none of our places written either way."""
    from .features import _another_name_word

    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return not word.isascii() and word.isalpha() and plain.isascii() and fold(word) not in ours \
        and _another_name_word(plain, ours)
