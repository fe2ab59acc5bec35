"""Short forms of us, round 28 (issue 15): a product's whole name written in lower case (``shortforms.short_form``
reads it after ``shortforms26._round26``). Unsure like every short form (watch at most; a crisis at alert at most
unless the model is sure: ``Judge.product_only``); the rule can be switched off (``RULES28``).

- **"product in lower case"**: a product listed in two or more capitalised words ("Teme Tots", "the Glenelly Box";
  "the", "our" and lower-case describing words dropped) written wholly in lower case ("love teme tots but it's
  getting rammed", "does the glenelly box take car seats?"), when one of its words is no everyday English word (not
  in the encoder's vocabulary, at least four letters: "teme", "glenelly"), in a text with one of our places or a word
  of our work, no other town or place abroad, and no capitalised name or describing word right after it. Round 20
  left every lower-case whole name out (6 true mentions and 16 other texts, "finding their sea legs", "the dusk
  line": names of everyday words only) and round 22 read one only after "to / at / for / the..." (after any word:
  26 other texts); a word no dictionary has is what keeps those out. Measured on every labelled file with a profile
  (texts not naming us that no other rule reads): 9 true mentions read, 2 other texts ("we're all bairns again",
  "stitching little tulip threads"), none of them a namesake; pseudo-blind (``bench/identity_newwriter.py``) t130 and
  t138 each lost one true mention less, no namesake more.
"""

from __future__ import annotations

import re
from functools import lru_cache

RULES28 = {"product in lower case"}
MIN_LETTERS = 4
_LEADING = frozenset("the our".split())
_QUOTES = frozenset("'‘’\"“”")


def _unusual(word: str, common) -> bool:
    """Whether ``word`` is no everyday word: not in ``common``, nor its singular ("bairns"), nor two everyday words
    of three letters or more run together ("lamplight", "nightlight")."""
    stems = {word, word[:-1] if word.endswith("s") else word, word[:-2] if word.endswith("es") else word}
    if stems & common:
        return False
    return not any(word[:i] in common and word[i:] in common for i in range(3, len(word) - 2))


def name_words(raw) -> list:
    """A product's own name's words, its leading "the"/"a" and trailing lower-case words left out ("the Enlli Box":
    Enlli, Box), or [] unless two or more words are left, each capitalised (shortforms28 and shortforms29)."""
    from ..text import fold
    from .shortforms import _name_words

    words = _name_words(raw)
    while words and fold(words[0]) in _LEADING:
        words = words[1:]
    while words and words[-1].islower():
        words = words[:-1]
    return words if len(words) >= 2 and all(w[:1].isupper() for w in words) else []


@lru_cache(maxsize=8)
def lower_names(products: tuple) -> list:
    """``[(words of the name, folded), product]`` for the products a lower-case whole name is read for."""
    from ..text import fold
    from .shortforms import everyday_words

    common, out = everyday_words(), []
    if not common:
        return out
    for raw in products or ():
        words = name_words(raw)
        if not words:
            continue
        if not any(len(w) >= MIN_LETTERS and _unusual(fold(w), common) for w in words):
            continue
        out.append((tuple(fold(w) for w in words), " ".join(str(raw).split())))
    return out


def _round28(text, folded, products, gate):
    """``short_form``'s text (``folded`` the same, folded), the profile's products and ``gate(a, b)``: one of our
    places, or a word of our work outside ``[a, b)`` and no other town."""
    from .shortforms import _NOT_OURS_AFTER, ShortForm, _word_after

    if "product in lower case" not in RULES28 or len(text) != len(folded) or not products:
        return None
    for words, product in lower_names(tuple(products)):
        rx = r"(?<![\w@#-])" + r"[ \t]+".join(re.escape(w) for w in words) + r"(?:s|es)?(?![\w-])"
        for m in re.finditer(rx, folded):
            if not text[m.start():m.end()].islower():
                continue  # written with a capital: the whole name's rules read it (``Products.alone``)
            if text[m.start() - 1:m.start()] in _QUOTES or text[m.end():m.end() + 1] in _QUOTES:
                continue  # 'little "croeso bags" in the room': a phrase quoted, not a name
            after = _word_after(text, m.end())
            if after[:1].isupper() or after.lower() in _NOT_OURS_AFTER:
                continue  # "teme tots Photography", "glenelly box app": another thing's name
            if gate(m.start(), m.end()):
                return ShortForm(f"'{text[m.start():m.end()]}', our product '{product}' in lower case",
                                 "product in lower case")
    return None
