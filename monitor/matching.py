"""Find mentions of the organisation in a piece of text.

Rules (each one learnt from a false positive or a miss):

- Case and Unicode forms do not matter (the text is NFKC-normalised and case-folded).
- The words of a phrase may be separated by spaces, line breaks or joining
  hyphens ("New Baby\\nNetwork", "new-baby-network", "NewBabyNetwork"), never by
  sentence punctuation ("a new baby. Network rail...").
- A match must end at a word boundary: "#NewBabyNetworking" and
  "@newbabynetwork_fan" are not us.
- Handles and hashtags in ``terms`` ("@newbabynetwork") match only as handles and
  hashtags; plain terms also match inside them ("#newbabynetwork").
- An ``exclude`` phrase that overlaps a match vetoes that match (look-alike
  organisations, "new baby network of friends"), not the whole text.
- Written all in lower case straight after "a", "my", "best", "someone's"...,
  or followed by "of", the words are an ordinary phrase ("a new baby network of
  friends"), not our name.
- A spaced dash ("new baby - network") ends a thought; only a joining hyphen
  ("new-baby-network") joins words.
- ``lookalikes()`` finds handles and names built from ours ("@newbabynetwork_uk",
  "NewBabyNetw0rk"): not us, but a sign of impersonation when something else
  says so (see ``analyse``).

Keyword lists for escalation categories use the same phrase compiler, with ``*``
as "any word ending" (``complain*`` finds complaint, complained, complaining).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold, quick_fold

# Between the words of a phrase: whitespace (including line breaks), a joining hyphen
# (possibly at a line break) or an underscore - nothing that ends a sentence or a thought.
_GAP_STRICT = r"(?:\s+|-\n?\s*|_)"
_GAP = r"(?:\s+|-\n?\s*|_|)"
# Words before a lower-case "new baby network" that make it an ordinary phrase.
_GENERIC_BEFORE = re.compile(
    r"(?:^|\W)(?:a|an|my|our|your|their|his|her|its|this|that|any|every|each|some|best|good|great|whole|own|"
    r"first|proper|little|\w+'s)\s+$"
)
_GENERIC_AFTER = re.compile(r"^\s+of\b")
# Digits people swap for letters to fake a name.
_LEET = str.maketrans("013457", "oleast")


def phrase_regex(phrase: str, *, joinable: bool = True) -> str:
    """Regex source for one phrase (already case-folded by the caller)."""
    phrase = fold(phrase.strip())
    prefix = ""
    if phrase[:1] in "@#":
        prefix, phrase = re.escape(phrase[0]), phrase[1:]
    words = [w for w in re.split(r"[\s\-_]+", phrase) if w]
    parts = []
    for w in words:
        if w.endswith("*"):
            parts.append(re.escape(w[:-1]) + r"\w*")
        else:
            parts.append(re.escape(w))
    body = (_GAP if joinable else _GAP_STRICT).join(parts)
    # Start: not inside a longer word or handle. End: at a word boundary.
    lead = r"(?<![\w@#])" if prefix else r"(?<![\w])"
    return f"{lead}{prefix}{body}(?![\\w])"


@dataclass(frozen=True)
class Match:
    term: str  # the configured term that matched
    start: int
    end: int
    text: str  # the words as written in the (folded) text


class Matcher:
    """Compiled ``terms`` and ``exclude`` phrases."""

    def __init__(self, terms: list[str], exclude: list[str] | None = None):
        self.terms = list(terms)
        self.exclude = list(exclude or [])
        compact = sorted({re.sub(r"[^\w]", "", fold(t)) for t in self.terms if " " not in t.strip()}, key=len)
        self._compact = [c for c in compact if len(c) >= 6]
        self._lookalike = re.compile(r"@?[\w.]*[\w]") if self._compact else None
        self._term_res = [(t, re.compile(phrase_regex(t))) for t in self.terms]
        self._exclude_re = (
            re.compile("|".join(f"(?:{phrase_regex(e, joinable=False)})" for e in self.exclude)) if self.exclude else None
        )
        # One alternation is far cheaper than N searches when most texts do not mention us,
        # and a term's longest word must appear verbatim, which a substring test finds faster still.
        self._any = re.compile("|".join(f"(?:{r.pattern})" for _, r in self._term_res))
        self._needles = tuple({max(re.findall(r"\w+", fold(t)) or [""], key=len) for t in self.terms} - {""})

    def could_mention(self, text: str) -> bool:
        """A cheap whole-text check: False means neither our name nor a look-alike can be in ``text``."""
        folded = quick_fold(text)
        if any(n in folded for n in self._needles) and self._any.search(folded):
            return True
        squeezed = folded.translate(_LEET).replace("_", "").replace(".", "")
        return any(name in squeezed for name in self._compact)

    def find(self, text: str) -> list[Match]:
        """All non-vetoed matches in ``text`` (not yet folded), longest first where they overlap."""
        folded = fold(text)
        if not self._any.search(folded):
            return []
        found: list[Match] = []
        for term, rx in self._term_res:
            for m in rx.finditer(folded):
                found.append(Match(term, m.start(), m.end(), m.group(0)))
        if self._exclude_re is not None:
            vetoes = [(m.start(), m.end()) for m in self._exclude_re.finditer(folded)]
            found = [m for m in found if not any(s < m.end and m.start < e for s, e in vetoes)]
        found = [m for m in found if not _ordinary_phrase(text, folded, m)]
        # Keep the longest match per overlapping span so "@newbabynetwork" is reported once.
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[Match] = []
        for m in found:
            if kept and m.start < kept[-1].end:
                continue
            kept.append(m)
        return kept


    def lookalikes(self, text: str) -> list[str]:
        """Handles or names built from ours but not ours: ``@newbabynetwork_uk``, ``NewBabyNetw0rk``."""
        if self._lookalike is None:
            return []
        folded = fold(text)
        squeezed = folded.translate(_LEET).replace("_", "").replace(".", "")
        if not any(name in squeezed for name in self._compact):
            return []  # one pass instead of looking at every word
        out = []
        for m in self._lookalike.finditer(folded):
            word = m.group(0)
            bare = word.lstrip("@").translate(_LEET).replace("_", "").replace(".", "")
            for name in self._compact:
                if bare.startswith(name) and word.lstrip("@") != name and not self.find(word):
                    out.append(word)
                    break
        return list(dict.fromkeys(out))


def _ordinary_phrase(text: str, folded: str, m: Match) -> bool:
    """A lower-case multi-word match used as an ordinary phrase ("a new baby network of friends")."""
    written = text[m.start : m.end] if len(text) == len(folded) else m.text
    if not re.search(r"[\s-]", written) or written != written.lower() or written[:1] in "@#":
        return False
    return bool(_GENERIC_BEFORE.search(folded[max(0, m.start - 30) : m.start]) or _GENERIC_AFTER.match(folded[m.end :]))


class KeywordSet:
    """One category's keywords and regex patterns, with its ``not`` phrases (other senses)."""

    def __init__(self, keywords: list[str], patterns: list[str] | None = None, not_: list[str] | None = None):
        kw = [phrase_regex(k, joinable=False) for k in keywords]
        self._kw = re.compile("|".join(f"(?:{a})" for a in kw)) if kw else None
        self._pat = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        self._not = (
            re.compile("|".join(f"(?:{phrase_regex(n, joinable=False)})" for n in not_)) if not_ else None
        )
        # A keyword can only be in a sentence that holds its first word: set and prefix lookups
        # are far cheaper than a big regex, and most sentences match no category at all.
        self._first_words: set[str] = set()
        prefixes, literals = [], []
        for k in keywords:
            first = re.split(r"[\s\-_]+", fold(k.strip()))[0]
            if re.fullmatch(r"[\w']+\*", first):
                prefixes.append(first[:-1])
            elif re.fullmatch(r"[\w']+", first):
                self._first_words.add(first)
            else:
                literals.append(first.strip("'\"*"))  # emoji, quoted words: a substring check
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

    def other_sense(self, folded: str) -> str | None:
        """A ``not`` phrase in already-folded text ("press the button"), if any."""
        m = self._not.search(folded) if self._not is not None else None
        return m.group(0) if m else None

    def find(self, folded: str, words: set[str] | None = None) -> list[re.Match[str]]:
        """Matches in already-folded text that do not sit inside a ``not`` phrase (``words``: its word set)."""
        hits: list[re.Match[str]] = []
        if self._kw is not None and self._keywords_possible(folded, words):
            hits += self._kw.finditer(folded)
        if self._pat is not None:
            hits += self._pat.finditer(folded)
        if hits and self._not is not None:
            others = [(m.start(), m.end()) for m in self._not.finditer(folded)]
            hits = [h for h in hits if not any(s <= h.start() and h.end() <= e for s, e in others)]
        return sorted(hits, key=lambda h: h.start())
