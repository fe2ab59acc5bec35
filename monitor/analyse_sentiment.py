"""How a text feels: VADER, run once per sentence.

The analyser needs a score for every sentence about us (the *targeted* sentiment) and one for
the whole text (the stored ``sentiment``). VADER used to run on the whole text and then again
on each sentence about us; now it runs once per sentence and the whole text's score is made
from the sentences' word scores, exactly as VADER makes a text's score from its words:

    compound = normalize(sum of every word's valence +/- punctuation emphasis of the text)

The only differences from VADER on the joined text: a word's negation and booster look-back
stops at its sentence, and a "but" lowers the words before it in its own sentence only (VADER
on a joined text halves every word of every earlier sentence). On VADER's 4,200 human-rated
tweets this scores r 0.8731 against plain VADER's 0.8722 (``python bench/sentiment_r.py``).

``neutral_phrases`` (slang such as "I'd kill for") are taken out of a sentence before scoring.
The scores come from ``monitor.vader_fast`` (VADER's own numbers, each word worked out once);
``vader()`` is vaderSentiment's own analyser (its lexicon, and the bench's baseline).
"""

from __future__ import annotations

import re

_vader = None
_scorer = None


def vader():
    """VADER's own analyser (vaderSentiment), loaded on first use (reading its lexicon costs ~0.1 s)."""
    global _vader
    if _vader is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _vader = SentimentIntensityAnalyzer()
    return _vader


def scorer():
    """The scorer the analysis uses: VADER's numbers, faster (``monitor.vader_fast``), same lexicon."""
    global _scorer
    if _scorer is None:
        from .vader_fast import Vader

        _scorer = Vader(vader())
    return _scorer


def valences(text: str) -> tuple[list[float], str]:
    """``(word valences, text as VADER scored it)``: VADER's ``polarity_scores`` up to, not
    including, the final sum (same steps, same order: ``vader_fast``)."""
    return scorer().valences(text)


def compound(sentiments: list[float], punctuated: str) -> float:
    """VADER's compound score of these word valences, with ``punctuated``'s ! and ? emphasis."""
    return scorer().compound(sentiments, punctuated)


class Feeling:
    """Scores sentences once each (``neutral``: the compiled ``neutral_phrases``, or None)."""

    def __init__(self, neutral: re.Pattern | None, needles: list[str] | None = None):
        """``needles``: text each neutral phrase must contain (``matching.needle``), so that a
        sentence holding none of them skips the search (None: always search)."""
        self._neutral = neutral
        self._needles = None if needles is None or "" in needles else list(needles)

    def _clean(self, text: str) -> str:
        if self._neutral is not None:
            folded = text.casefold()
            if self._needles is not None and not any(n in folded for n in self._needles):
                return text  # no phrase can be here: the search would find nothing
            if self._neutral.search(folded):
                return self._neutral.sub(" ", folded)
        return text

    def of(self, text: str) -> float:
        """VADER compound of ``text`` with neutral idioms taken out."""
        return scorer().score(self._clean(text))

    def sentences(self, sents: list[str]) -> tuple[list[float], float]:
        """``(each sentence's score, the whole text's score)``, VADER run once per sentence."""
        per, everything, texts = [], [], []
        for s in sents:
            vals, scored = valences(self._clean(s))
            per.append(compound(vals, scored))
            everything += vals
            texts.append(scored)
        return per, compound(everything, " ".join(texts))
