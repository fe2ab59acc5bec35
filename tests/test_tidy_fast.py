"""``text.tidy`` skips its space substitution when a text has only single spaces: the same answer as
always substituting, on random strings built from the characters the substitution touches."""

from __future__ import annotations

import random
import re
import unicodedata

from monitor import text


def _reference(value: str) -> str:
    """tidy as it was: the substitution on every text."""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).translate(text._INVISIBLE).translate(text._DASHES) \
            .translate(text._QUOTES)
    value = re.sub(r"[ \t\r\f\v\u00a0]+", " ", value)
    if "\n" in value:
        value = text._NEWLINES.sub(lambda m: "\n\n" if m.group(0).count("\n") > 1 else "\n", value)
    return value.strip()


def test_tidy_equals_the_substitution_on_every_text():
    rng = random.Random(14)
    alphabet = list("ab .,\n") + [" ", "  ", "\t", "\r", "\f", "\v", "\xa0", "\u2009", "\u200b", "é", "\u2014"]
    texts = ["", " ", "a  b", "a\tb", "a\xa0b", "one two three", " lead", "trail ", "a \n b", "x\r\ny"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(20000)]
    changed = 0
    for value in texts:
        assert text.tidy(value) == _reference(value), repr(value)
        changed += text.tidy(value) != value
    assert changed > 1000  # the substitution did change many of them: the comparison is not vacuous
