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


def lower_spans(text, folded, products):
    """``(start, end, product, its folded words)`` for each product of ``lower_names`` written wholly in lower case in
    ``text`` (``folded`` the same, folded), not quoted and not followed by a word that makes it another thing's name;
    the spans round 28 and round 31 ("unusual name, lower case, no other town") read."""
    from .shortforms import _NOT_OURS_AFTER, _word_after

    for rx, product, words in _lower_regexes(tuple(products)):
        for m in rx.finditer(folded):
            a, b = m.start(), m.end()
            if not text[a:b].islower():
                continue  # written with a capital: the whole name's rules read it (``Products.alone``)
            if text[a - 1:a] in _QUOTES or text[b:b + 1] in _QUOTES:
                continue  # 'little "croeso bags" in the room': a phrase quoted, not a name
            after = _word_after(text, b)
            if after[:1].isupper() or after.lower() in _NOT_OURS_AFTER:
                continue  # "teme tots Photography", "glenelly box app": another thing's name
            yield a, b, product, words


@lru_cache(maxsize=8)
def _lower_regexes(products: tuple) -> tuple:
    """``(regex on folded text, product, its folded words)`` for each of ``lower_names``: its words, plural or not."""
    return tuple((re.compile(r"(?<![\w@#-])" + r"[ \t]+".join(map(re.escape, words)) + r"(?:s|es)?(?![\w-])"), product,
                  words) for words, product in lower_names(products))


def _round28(text, folded, products, gate):
    """``short_form``'s text (``folded`` the same, folded), the profile's products and ``gate(a, b)``: one of our
    places, or a word of our work outside ``[a, b)`` and no other town."""
    from .shortforms import ShortForm

    if "product in lower case" not in RULES28 or len(text) != len(folded) or not products:
        return None
    for a, b, product, _words in lower_spans(text, folded, products):
        if gate(a, b):
            return ShortForm(f"'{text[a:b]}', our product '{product}' in lower case", "product in lower case")
    return None
