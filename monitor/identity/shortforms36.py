"""Round 36's short form: a product's last word that is also an everyday word, said as the group's name.

t184's writer named "Sheppey Shrimps" as "Shrimps" ("At Shrimps this morning one of the older volunteers smacked a
little boy's hand", "Shrimps debrief – Tues", "Right ladies Shrimps Christmas party!!"), three crises lost. Round 20's
product word (``shortforms.short_words``) leaves out everyday words ("Shrimps", "Cubs", "Waves"): alone they are
anyone's. Here such a word is read when it is a plural (a group's name: not "Home" of "Carry Me Home"), not one of
our places, capitalised, not part of another name ("Chicago Cubs", "Shrimps Seafood Bar", "Cradle & Coast"), not in
quotes or before a bracket, and the rest of the text has a baby's or our groups' word
(``shortforms24._BABY_WORK``: a baby, a pram, a volunteer, a group, a session) and names no other town. Asked after
every earlier short form, before the hall (``shortforms.short_form``); unsure, like every short form (watch at most, a
crisis at alert at most). ``RULES36`` switches it off.
"""

from __future__ import annotations

import re

from ..text import fold

RULES36 = {"everyday product word"}
_PLURAL = re.compile(r"[^s]s$")
_QUOTES = "'‘’\"“”"


def everyday_product_word(text: str, folded: str, products, places, our_topic, elsewhere) -> str | None:
    """``"'Shrimps', short for our product 'Sheppey Shrimps', with a baby's word"`` or None (module doc): a plural, not
    one of our ``places`` (their own rules read "Wee Sprouts Cookstown")."""
    if "everyday product word" not in RULES36 or not products or len(text) != len(folded):
        return None
    from .shortforms import ShortForm, _name_words, _word_after
    from .shortforms24 import _BABY_WORK, _inside_name
    from .shortforms25 import ours_after

    spaced = " ".join(folded.split())
    for product in products:
        words = [w for w in _name_words(product) if w.lower() != "the"]
        if len(words) < 2 or not words[-1][:1].isupper() or len(words[-1]) < 4 or not _PLURAL.search(words[-1]):
            continue  # a group is named by a plural ("Shrimps", "Cubs"); not "Home" of "Carry Me Home"
        word, whole = fold(words[-1]), " ".join(fold(w) for w in words)
        if our_topic.fullmatch(word) or whole in spaced or word in {w for p in places for w in fold(p).split()}:
            continue  # a word of our work ("Babies"), or the whole name is written (``Products.alone`` read it)
        for m in re.finditer(rf"(?<![\w@#-]){re.escape(word)}(?![\w-])", folded):
            if not text[m.start()].isupper() or (m.start() and text[m.start() - 1] in _QUOTES):
                continue
            after = _word_after(text, m.end())
            if (after[:1].isupper() and not ours_after(after)) or _inside_name(text, m.start()) or \
                    re.match(r"[ \t]*\(", text[m.end():]) or re.search(r"(?:&|\band)[ \t]*$", text[:m.start()]):
                continue  # "Shrimps Seafood Bar", "Chicago Cubs", "Cradle & Coast", "Nooks (e-readers)": another's
            rest = folded[:m.start()] + " " + folded[m.end():]
            if _BABY_WORK.search(rest) and not elsewhere(text, rest):
                return ShortForm(f"'{text[m.start():m.end()]}', short for our product '{product}', with a baby's word",
                                 "everyday product word")
    return None
