"""Literal text a regular expression cannot match without: a substring test that can skip the search.

``needles(pattern)``: a tuple of strings, at least one of which is inside every match of ``pattern``
(so a text that holds none of them cannot match it), or None when nothing can be said (a flag that
changes case, a pattern that can match without any fixed text). Worked out from Python's own parse of
the pattern (``re._parser``), keeping only what is certain: literal characters, alternatives of them,
zero-width anchors between them (``\\b``), a group repeated at least once. Anything else (a class, an
optional part, a look-around) ends a run of literal text and adds nothing.
"""

from __future__ import annotations

import re

try:  # (Python 3.11+; sre_parse before)
    from re import _parser as _sre
except ImportError:  # pragma: no cover
    import sre_parse as _sre

_C = _sre  # LITERAL, BRANCH, ... (sre constants, re-exported by the parser)
_MAX_SET = 64  # alternatives kept for one run of literal text


def needles(pattern: str, most: int = 3) -> tuple[tuple[str, ...], ...] | None:
    """Up to ``most`` needle sets, the most telling first: every match holds a needle of each set."""
    try:
        parsed = _sre.parse(pattern)
    except (re.error, TypeError):
        return None
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    options: list[set[str]] = []
    _seq(list(parsed), options)
    good = sorted(_good(options), key=_telling, reverse=True)
    return tuple(tuple(sorted(o)) for o in good[:most]) or None


def _good(options: list[set[str]]) -> list[set[str]]:
    return [o for o in options if o and "" not in o]


def _telling(o: set[str]) -> tuple[int, int]:
    return min(map(len, o)), -len(o)


def _best(options: list[set[str]]) -> set[str] | None:
    """The most telling set (longest shortest needle) of those that each hold for the whole sequence."""
    return max(_good(options), key=_telling, default=None)


def _seq(items: list, options: list[set[str]] | None = None) -> tuple[set[str] | None, set[str] | None]:
    """(every exact text the sequence can match, when it is only literals; a needle set for it).
    ``options``: every needle set found for the sequence is added to it."""
    options = [] if options is None else options
    run: set[str] | None = {""}
    whole = True
    for op, av in items:
        full, some = _item(op, av)
        if full is not None and run is not None and len(run) * len(full) <= _MAX_SET:
            run = {a + b for a in run for b in full}
            continue
        whole = False
        if run is not None:
            options.append(run)
        run = full if full is not None and len(full) <= _MAX_SET else None
        if some is not None and run is None:  # (otherwise the new run holds it)
            options.append(some)
    if run is not None:
        options.append(run)
    return (run if whole else None), _best(options)


def _item(op, av) -> tuple[set[str] | None, set[str] | None]:
    if op is _C.LITERAL:
        return {chr(av)}, {chr(av)}
    if op is _C.AT:  # \b, ^, $: zero width, so the literal text either side is contiguous
        return {""}, None
    if op is _C.IN and av and all(o is _C.LITERAL for o, _v in av):
        chars = {chr(v) for _o, v in av}
        return chars, chars
    if op is _C.SUBPATTERN:
        _group, add_flags, _del_flags, p = av
        if add_flags & (re.IGNORECASE | re.VERBOSE):
            return None, None
        return _seq(list(p))
    if op is _C.BRANCH:
        results = [_seq(list(alt)) for alt in av[1]]
        fulls = [f for f, _s in results]
        full = set().union(*fulls) if all(f is not None for f in fulls) else None
        somes = [s for _f, s in results]
        some = set().union(*somes) if all(s for s in somes) else None
        return (full if full is None or len(full) <= _MAX_SET else None), some
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        lo, hi, p = av
        full, some = _seq(list(p))
        if lo == hi == 1:
            return full, some
        return None, (some if lo >= 1 else None)
    return None, None


class Needles:
    """Whether any of several patterns matches a text, searching only those whose needles are in it.

    ``search(text, whole)`` answers as ``whole.search(text) is not None`` does, ``whole`` being the
    alternation of every pattern (an alternation matches where one of its alternatives matches): a
    pattern none of whose needles is in the text cannot match it, so leaving it out changes nothing.
    Most sentences hold no needle at all and are not searched (the alternation tried each of its
    patterns at every position of every sentence)."""

    def __init__(self, sources: list[str]):
        self._sources = list(sources)
        self._each = [(i, needles(src) or ()) for i, src in enumerate(self._sources)]
        self._subsets: dict[tuple[int, ...], re.Pattern | None] = {}
        # A first look, one loop over few needles: a needle of one set of each pattern (its fewest, of
        # three letters or more where it can), so that a text with none of them is done at once.
        self._quick: tuple[str, ...] | None = None
        if all(sets for _i, sets in self._each):
            quick = [min(sets, key=lambda one: (min(map(len, one)) < 3, len(one))) for _i, sets in self._each]
            self._quick = tuple(dict.fromkeys(n for one in quick for n in one))
        # The first look as one regex (round 28): the needles as a trie, so one search in C looks at each position
        # once, where a loop of some 200 substring tests cost most of the rules path's needle time.
        self._quick_rx = any_of(self._quick) if self._quick is not None else None

    def search(self, text: str, whole: re.Pattern) -> bool:
        if self._quick_rx is not None and self._quick_rx.search(text) is None:
            return False
        key = tuple(i for i, sets in self._each if all(any(n in text for n in one) for one in sets))
        if not key:
            return False
        if key not in self._subsets:
            if len(self._subsets) > 512:
                self._subsets.clear()
            try:
                self._subsets[key] = (None if len(key) == len(self._sources)
                                      else re.compile("|".join(f"(?:{self._sources[i]})" for i in key)))
            except re.error:
                self._subsets[key] = None
        rx = self._subsets[key] or whole
        return rx.search(text) is not None


def any_of(words) -> re.Pattern:
    """A regex that finds a place where any of ``words`` (literal strings) starts: ``any_of(ws).search(t) is not
    None`` exactly when ``any(w in t for w in ws)``. Built as a trie (shared beginnings written once: "sleep",
    "sleeping" -> ``sleep(?:ing)?``), so the search tries each position of the text once, not every word."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(build(trie) if trie else "(?!)")

