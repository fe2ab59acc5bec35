"""VADER's compound score, the same numbers in less time.

vaderSentiment (MIT licence) is pure Python and repeats work for every word: each lexicon word
lower-cases the whole text's word list four times (the negation check three times, the idiom
check once), the negation test walks a 60-word list, and the emoji step builds the text one
character at a time. This module follows VADER 3.3.2's algorithm step by step, in the same
order and with the same floating-point operations, but works each word out once:

- emoji: each emoji character replaced by its description (only when the text holds one);
- words: the text split on white space, punctuation stripped from each end unless that leaves
  two characters or fewer (emoticons); "some but not all words in capitals" for emphasis;
- each word's valence (``_valence``): the lexicon, "no" before a lexicon word, capitals,
  boosters and dampeners up to three words back, negations ("not", "n't", "never so" ...),
  VADER's special idioms ("the shit", "kiss of death") and "least";
- "but": VADER's own ``_but_check`` (it halves the words before the first "but" and raises
  those after it by half, finding each by value with ``list.index``: a quirk kept as it is);
- the compound: the sum, "!" and "?" emphasis, ``x / sqrt(x*x + 15)``, rounded to 4 places.

The lexicon, emoji table, boosters, negations and special cases are VADER's own, read from the
installed package. Equality with ``SentimentIntensityAnalyzer.polarity_scores(text)["compound"]``
is checked on every text of VADER's rated tweets, the labelled files and the bench farm (see
``tests/test_vader_fast.py`` and bench/NOTES.md).
"""

from __future__ import annotations

import string

from vaderSentiment.vaderSentiment import (BOOSTER_DICT, C_INCR, N_SCALAR, NEGATE, SPECIAL_CASES,
                                           SentimentIntensityAnalyzer, normalize)

_PUNCTUATION = string.punctuation
_NEGATE = frozenset(NEGATE)
_SO_THIS = ("so", "this")
# Every word of a special case or a booster of several words: an idiom check only matters when
# one of the three words it always looks at (two back, one back, this one) is among them.
_IDIOM_WORDS = frozenset(w for key in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in key for w in key.split(" "))
_CACHE_LIMIT = 20_000  # distinct tokens kept (about 6 MB at most)


def _negated(lower: str) -> bool:
    """VADER's ``negated([word])`` for one lower-cased word."""
    lower = lower.lower()  # negated() lower-cases again (a no-op on ASCII, kept for the rest)
    return lower in _NEGATE or "n't" in lower


class Vader:
    """VADER's ``polarity_scores(text)["compound"]``, as ``compound(*valences(text))``."""

    def __init__(self, analyser: SentimentIntensityAnalyzer | None = None):
        analyser = analyser or SentimentIntensityAnalyzer()
        self.lexicon: dict[str, float] = analyser.lexicon
        self.emojis: dict[str, str] = analyser.emojis
        # VADER tests ``chr in self.emojis`` one character at a time: only one-character keys can match.
        self._emoji_chars = frozenset(k for k in self.emojis if len(k) == 1)
        # token -> (word, lower-cased, all capitals, a lexicon word that is not a booster)
        self._tokens: dict[str, tuple[str, str, bool, bool]] = {}

    # -- the text as VADER sees it -------------------------------------------------

    def _without_emoji(self, text: str) -> str:
        if text.isascii() or self._emoji_chars.isdisjoint(text):
            return text.strip()  # no emoji: VADER's loop copies the text unchanged
        emojis, out, prev_space = self.emojis, [], True
        for ch in text:
            if ch in emojis:
                if not prev_space:
                    out.append(" ")
                out.append(emojis[ch])
                prev_space = False
            else:
                out.append(ch)
                prev_space = ch == " "
        return "".join(out).strip()

    def _token(self, token: str) -> tuple[str, str, bool, bool]:
        stripped = token.strip(_PUNCTUATION)
        word = token if len(stripped) <= 2 else stripped
        lower = word.lower()
        out = (word, lower, word.isupper(), lower in self.lexicon and lower not in BOOSTER_DICT)
        if len(self._tokens) >= _CACHE_LIMIT:
            self._tokens.clear()
        self._tokens[token] = out
        return out

    # -- the scores ----------------------------------------------------------------

    def valences(self, text: str) -> tuple[list[float], str]:
        """``(each word's valence after VADER's "but" step, the text as VADER scored it)``."""
        text = self._without_emoji(text)
        cache = self._tokens
        tokens = [cache.get(t) or self._token(t) for t in text.split()]
        n = len(tokens)
        if not n:
            return [], text
        lows = [t[1] for t in tokens]
        uppers = [t[2] for t in tokens]
        capitals = sum(uppers)
        cap_diff = 0 < n - capitals < n
        # A booster, "kind" before "of" and a word outside the lexicon score 0 (an int, as in VADER):
        # only the lexicon's other words are worked out.
        sentiments: list[float] = [0] * n
        for i, token in enumerate(tokens):
            if token[3]:
                low = token[1]
                if low == "kind" and i < n - 1 and lows[i + 1] == "of":
                    continue
                sentiments[i] = self._valence(i, low, lows, uppers, cap_diff, n)
        if "but" in lows:
            _but_check(lows, sentiments)
        return sentiments, text

    def _valence(self, i: int, low: str, lows: list[str], uppers: list[bool], cap_diff: bool, n: int) -> float:
        """``SentimentIntensityAnalyzer.sentiment_valence`` for lexicon word ``i``."""
        lexicon = self.lexicon
        valence = lexicon[low]
        if low == "no" and i != n - 1 and lows[i + 1] in lexicon:
            valence = 0.0
        if ((i > 0 and lows[i - 1] == "no") or (i > 1 and lows[i - 2] == "no")
                or (i > 2 and lows[i - 3] == "no" and lows[i - 1] in ("or", "nor"))):
            valence = lexicon[low] * N_SCALAR
        if uppers[i] and cap_diff:
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        for start_i in range(0, 3):
            if i > start_i and lows[i - (start_i + 1)] not in lexicon:
                j = i - (start_i + 1)
                # scalar_inc_dec
                s = 0.0
                before = lows[j]
                if before in BOOSTER_DICT:
                    s = BOOSTER_DICT[before]
                    if valence < 0:
                        s *= -1
                    if uppers[j] and cap_diff:
                        if valence > 0:
                            s += C_INCR
                        else:
                            s -= C_INCR
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                # _negation_check
                if start_i == 0:
                    if _negated(lows[i - 1]):
                        valence = valence * N_SCALAR
                elif start_i == 1:
                    if lows[i - 2] == "never" and lows[i - 1] in _SO_THIS:
                        valence = valence * 1.25
                    elif lows[i - 2] == "without" and lows[i - 1] == "doubt":
                        pass
                    elif _negated(lows[i - 2]):
                        valence = valence * N_SCALAR
                else:
                    if (lows[i - 3] == "never" and lows[i - 2] in _SO_THIS) or lows[i - 1] in _SO_THIS:
                        valence = valence * 1.25
                    elif lows[i - 3] == "without" and (lows[i - 2] == "doubt" or lows[i - 1] == "doubt"):
                        pass
                    elif _negated(lows[i - 3]):
                        valence = valence * N_SCALAR
                    if lows[i - 2] in _IDIOM_WORDS or lows[i - 1] in _IDIOM_WORDS or low in _IDIOM_WORDS:
                        valence = _special_idioms_check(valence, lows, i, n)
        # _least_check
        if i > 1 and lows[i - 1] not in lexicon and lows[i - 1] == "least":
            if lows[i - 2] != "at" and lows[i - 2] != "very":
                valence = valence * N_SCALAR
        elif i > 0 and lows[i - 1] not in lexicon and lows[i - 1] == "least":
            valence = valence * N_SCALAR
        return valence

    def compound(self, sentiments: list[float], text: str) -> float:
        """VADER's ``score_valence(sentiments, text)["compound"]``."""
        if not sentiments:
            return 0.0
        sum_s = float(sum(sentiments))
        ep_count = text.count("!")
        if ep_count > 4:
            ep_count = 4
        ep_amplifier = ep_count * 0.292
        qm_count = text.count("?")
        qm_amplifier = 0
        if qm_count > 1:
            qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
        amplifier = ep_amplifier + qm_amplifier
        if sum_s > 0:
            sum_s += amplifier
        elif sum_s < 0:
            sum_s -= amplifier
        return round(normalize(sum_s), 4)

    def score(self, text: str) -> float:
        """``polarity_scores(text)["compound"]``."""
        return self.compound(*self.valences(text))


def _special_idioms_check(valence: float, lows: list[str], i: int, n: int) -> float:
    """VADER's ``_special_idioms_check`` (``i > 2``)."""
    onezero = f"{lows[i - 1]} {lows[i]}"
    twoonezero = f"{lows[i - 2]} {lows[i - 1]} {lows[i]}"
    twoone = f"{lows[i - 2]} {lows[i - 1]}"
    threetwoone = f"{lows[i - 3]} {lows[i - 2]} {lows[i - 1]}"
    threetwo = f"{lows[i - 3]} {lows[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if n - 1 > i:
        zeroone = f"{lows[i]} {lows[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if n - 1 > i + 1:
        zeroonetwo = f"{lows[i]} {lows[i + 1]} {lows[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _but_check(lows: list[str], sentiments: list[float]) -> None:
    """VADER's ``_but_check``, in place and as written (each value is found again by ``index``)."""
    bi = lows.index("but")
    for p in range(len(sentiments)):
        sentiment = sentiments[p]
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments[si] = sentiment * 0.5
        elif si > bi:
            sentiments[si] = sentiment * 1.5
