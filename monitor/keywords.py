"""Escalation categories' keyword lists (moved out of ``matching.py`` in round 15: one job per file, and that file
was at its 500-line bound).

Keyword lists for escalation categories use the same phrase compiler, with ``*``
as "any word ending" (``complain*`` finds complaint, complained, complaining).
"""

from __future__ import annotations

import re

from .matching import phrase_regex
from .needles import Needles as _Needles
from .text import fold


def needle(phrase: str) -> str:
    """The longest piece of text that every match of ``phrase_regex(phrase)`` contains ("" when none):
    a text without it cannot hold the phrase, so a substring test can skip the regex search."""
    phrase = fold(phrase.strip())
    prefix = phrase[:1] if phrase[:1] in "@#" else ""
    words = [w for w in re.split(r"[\s\-_]+", phrase[len(prefix):]) if w]
    pieces = [w[:-1] if w.endswith("*") else w for w in words]
    if pieces and prefix:
        pieces[0] = prefix + pieces[0]
    return max(pieces, key=len, default="")


def _first_literal(phrase: str) -> str:
    """Text that every match of ``phrase_regex(phrase)`` contains: its first word (without ``*``)."""
    words = [w for w in re.split(r"[\s\-_]+", fold(phrase.strip()).lstrip("@#")) if w]
    return words[0].split("*")[0] if words else ""


class KeywordSet:
    """One category's keywords and regex patterns, with its ``not`` phrases (other senses)."""

    def __init__(self, keywords: list[str], patterns: list[str] | None = None, not_: list[str] | None = None):
        kw = [phrase_regex(k, joinable=False) for k in keywords]
        # Only the alternations of the keywords (and ``not`` phrases) that can match a text are compiled
        # (``_keywords_for``, ``_not_for``), when a text needs them: the whole alternation was compiled here
        # and never searched (nine tenths of an Analyser's start, 40 ms, on every run's critical path).
        self._has_kw = bool(kw)
        self._kw_sources = kw
        self._kw_by_first: dict[str, list[int]] = {}  # first word -> indices of the keywords it starts
        self._kw_other: list[int] = []  # keywords starting with a prefix or a literal: always tried
        self._kw_subsets: dict[tuple[int, ...], re.Pattern] = {}
        self._within: dict[str, tuple[int, ...]] = {}  # word -> keywords whose first word is inside it
        self._pat = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        self._pat_sources = list(patterns or [])  # (each on its own, for ``AnyKeyword``'s needles)
        self._has_not = bool(not_)
        # Each ``not`` phrase by the literal text it must contain (its first word), so that only the
        # phrases that can match a sentence are searched (the same shortcut as for keywords).
        self._not_sources = [phrase_regex(n, joinable=False) for n in (not_ or [])]
        self._not_firsts = [_first_literal(n) for n in (not_ or [])]
        self._not_subsets: dict[tuple[int, ...], re.Pattern | None] = {}
        # A keyword can only be in a sentence that holds its first word: set and prefix lookups
        # are far cheaper than a big regex, and most sentences match no category at all.
        self._first_words: set[str] = set()
        prefixes, literals = [], []
        for n, k in enumerate(keywords):
            first = re.split(r"[\s\-_]+", fold(k.strip()))[0]
            if re.fullmatch(r"[\w']+\*", first):
                prefixes.append(first[:-1])
                self._kw_other.append(n)
            elif re.fullmatch(r"[\w']+", first):
                self._first_words.add(first)
                self._kw_by_first.setdefault(first, []).append(n)
            else:
                literals.append(first.strip("'\"*"))  # emoji, quoted words: a substring check
                self._kw_other.append(n)
        self._prefixes = tuple(prefixes)
        self._literals = tuple(x for x in literals if x)

    def _keywords_possible(self, folded: str, words: set[str] | None) -> bool:
        if words is None:
            return True
        if not self._first_words.isdisjoint(words):
            return True
        if self._prefixes and any(w.startswith(self._prefixes) for w in words):
            return True
        return any(lit in folded for lit in self._literals)

    def _keywords_for(self, folded: str, words: set[str] | None = None) -> re.Pattern:
        """The alternation of only the keywords that can match ``folded``: a keyword whose first word
        is nowhere in the text (not even inside another word) never matches, and leaving out an
        alternative that never matches changes no match (the others keep their order). Compiled
        once per subset. ``words``: the text's ``[\\w']+`` words, when the caller has them."""
        if words is None:
            chosen = [n for w, ns in self._kw_by_first.items() if w in folded for n in ns]
        else:
            # The same set, from the words: a first word (letters, digits, ' only) that occurs in the
            # text occurs inside one of its [\w']+ words, so each distinct word is looked at once
            # (kept per word: most words come back in later texts).
            within = self._within
            chosen = []
            for word in words:
                hit = within.get(word)
                if hit is None:
                    if len(within) > 50_000:
                        within.clear()
                    hit = within[word] = tuple(n for w, ns in self._kw_by_first.items() if w in word for n in ns)
                chosen += hit
        key = tuple(sorted(chosen + self._kw_other))
        rx = self._kw_subsets.get(key)
        if rx is None:
            if len(self._kw_subsets) > 512:
                self._kw_subsets.clear()
            rx = self._kw_subsets[key] = re.compile("|".join(f"(?:{self._kw_sources[n]})" for n in key) or "(?!)")
        return rx

    def _not_for(self, folded: str) -> re.Pattern | None:
        """The alternation of only the ``not`` phrases whose first word is in ``folded`` (None: none is):
        the others never match, so leaving them out changes no match."""
        if not self._has_not:
            return None
        key = tuple(n for n, first in enumerate(self._not_firsts) if first in folded)
        if key not in self._not_subsets:
            if len(self._not_subsets) > 512:
                self._not_subsets.clear()
            self._not_subsets[key] = (re.compile("|".join(f"(?:{self._not_sources[n]})" for n in key))
                                      if key else None)
        return self._not_subsets[key]

    def other_sense(self, folded: str) -> str | None:
        """A ``not`` phrase in already-folded text ("press the button"), if any."""
        rx = self._not_for(folded)
        m = rx.search(folded) if rx is not None else None
        return m.group(0) if m else None

    def find(self, folded: str, words: set[str] | None = None, patterns: bool = True) -> list[re.Match[str]]:
        """Matches in already-folded text that do not sit inside a ``not`` phrase (``words``: its word set,
        ``set(re.findall(r"[\\w']+", folded))``; ``patterns=False``: ``AnyKeyword`` found that no regex
        pattern of any set can match it)."""
        hits: list[re.Match[str]] = []
        if self._has_kw and self._keywords_possible(folded, words):
            hits += self._keywords_for(folded, words).finditer(folded)
        if self._pat is not None and patterns:
            hits += self._pat.finditer(folded)
        not_rx = self._not_for(folded) if hits else None
        if hits and not_rx is not None:
            others = [(m.start(), m.end()) for m in not_rx.finditer(folded)]
            hits = [h for h in hits if not any(s <= h.start() and h.end() <= e for s, e in others)]
        return sorted(hits, key=lambda h: h.start())


class AnyKeyword:
    """One check for many keyword sets: which of them could find a keyword, a pattern or a
    ``not`` phrase in a sentence, so the others need not look at it. Exact by construction: the
    same first-word, prefix and literal tests ``find`` uses, the first word of each ``not``
    phrase, and one alternation of every pattern (when any alternative matches, the alternation
    matches)."""

    def __init__(self, sets: list[KeywordSet]):
        self._by_word: dict[str, set[int]] = {}
        for k, ks in enumerate(sets):
            for w in ks._first_words:
                self._by_word.setdefault(w, set()).add(k)
        self._prefixes = [(k, ks._prefixes) for k, ks in enumerate(sets) if ks._prefixes]
        self._all_prefixes = tuple(p for _k, ps in self._prefixes for p in ps)
        self._literals = [(k, lit) for k, ks in enumerate(sets) for lit in ks._literals]
        self._regex_sets = {k for k, ks in enumerate(sets) if ks._pat is not None}
        self._not_sets = [(k, ks) for k, ks in enumerate(sets) if ks._has_not]
        # The first word of every set's ``not`` phrases, with the sets that have it: one substring
        # test per word (a ``not`` phrase can match only where its first word is).
        by_first: dict[str, set[int]] = {}
        for k, ks in self._not_sets:
            for first in ks._not_firsts:
                by_first.setdefault(first, set()).add(k)
        self._not_by_first = list(by_first.items())
        sources = [ks._pat.pattern for ks in sets if ks._pat is not None]
        self._rx = None
        if sources:
            # A back-reference or a named group could change meaning once patterns are joined:
            # then the sets with patterns look at every sentence (the check is only a shortcut).
            if not any(re.search(r"\\[1-9]|\(\?P[=<]", src) for src in sources):
                try:
                    self._rx = re.compile("|".join(f"(?:{src})" for src in sources))
                except re.error:
                    self._rx = None
            self._always = self._rx is None
        else:
            self._always = False
        self._needles = None if self._always else _Needles([p for ks in sets for p in ks._pat_sources])

    def possible_and_patterns(self, folded: str, words: set[str]) -> tuple[set[int], bool]:
        """Indices of the sets that could find something in this folded sentence with these words, and
        whether any set's regex pattern can match (False: the alternation of all of them found nothing,
        so ``find`` need not search a single one: ``find(..., patterns=False)``)."""
        out: set[int] = set()
        for w in words & self._by_word.keys():
            out |= self._by_word[w]
        if self._all_prefixes and any(w.startswith(self._all_prefixes) for w in words):
            for k, ps in self._prefixes:
                if k not in out and any(w.startswith(ps) for w in words):
                    out.add(k)
        for k, lit in self._literals:
            if lit in folded:
                out.add(k)
        for first, ks in self._not_by_first:
            if first in folded:
                out |= ks
        patterns = bool(self._regex_sets) and (self._always or self._needles.search(folded, self._rx))
        if patterns:
            out |= self._regex_sets
        return out, patterns
