"""Find mentions of the organisation in a piece of text.

Rules (each one learnt from a false positive or a miss):

- Case and Unicode forms do not matter (the text is NFKC-normalised and case-folded).
- The words of a phrase may be separated by spaces, line breaks or joining
  hyphens ("New Baby\\nNetwork", "new-baby-network", "NewBabyNetwork"), never by
  sentence punctuation ("a new baby. Network rail...").
- A match must end at a word boundary: "#NewBabyNetworking" and "@newbabynetwork_fan" are not us.
- Handles and hashtags in ``terms`` match only as such; plain terms also match inside them ("#newbabynetwork").
- An ``exclude`` phrase that overlaps a match vetoes that match (look-alike
  organisations, "new baby network of friends"), not the whole text.
- Written all in lower case and followed by "of", the words are an ordinary phrase
  ("a new baby network of friends"), not our name. Straight after "a", "my", "that",
  "someone's"... they may be (``find`` leaves them out; ``candidates`` flags them).
- A spaced dash ("new baby - network") ends a thought; a joining hyphen ("new-baby-network") joins.
- ``candidates()`` (what the analyser uses, issue 15) also returns, flagged, what
  ``find()`` sets aside as uncertain, so that the whole text decides
  (``monitor/identity/``): the lower-case name after "a", "that", "the"...
  (flag ``lower-case after a determiner``) and the name misspelled
  ("new baby netwrok", "Nu Baby Network", "New Baby Networks", "New Babies Network": flag
  ``misspelled``; at most two letters off, or the same consonants, or one word in the plural), and the organisation's
  ``short_names`` ("NBN", "nbn", "#NBN", and an acronym's own capitals starting a hashtag with a word
  after them, "#NBNvolunteer", or its capitals with dots or spaces, "N.B.N.", "N B N": flag ``short name``,
  ``text`` its letters; Australia's broadband
  network and a podcast share it). Exclude phrases and the handle/hashtag boundaries
  apply to them as to any match.
- A hashtag is read as its words (``Matcher._in_hashtags``): "#BoycottNewBabyNetwork" is a match,
  "#NewBabyNetworkFail" and "#boycottnewbabynetwork" flagged candidates, "#NewBabyNetworking" not.
- ``lookalikes()`` finds handles and names built from ours ("@newbabynetwork_uk", "NewBabyNetw0rk"):
  not us, but a sign of impersonation when something else says so (see ``analyse``).
Keyword lists for escalation categories are in ``monitor/keywords.py`` (the same phrase compiler).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold, plural_forms, quick_fold

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
# Round 32: a handle one typing slip from ours ("@NewBabyNetwrk", "@newbabynetwrok"): only for names of ten or more
# letters, only written as a handle (with "@"), found when the text has the front or the back of our name.
ONE_SLIP_MIN = 10
ONE_SLIP_PROBE = 7


def _squeezed(folded: str) -> str:
    """Folded text with digits read as the letters they fake and "_" and "." dropped ("newbaby_netw0rk")."""
    return folded.translate(_LEET).replace("_", "").replace(".", "")


def one_slip(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by exactly one letter left out, added, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:] or (a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return short[i:] == long_[i + 1:]


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
    flags: tuple[str, ...] = ()  # why it is only a weak candidate (see ``Matcher.candidates``)
    shown: str = ""  # what the writer wrote, for a reason, when it is more than ``text`` (the whole hashtag)


ORDINARY, MISSPELLED, SHORT = "lower-case after a determiner", "misspelled", "short name"
IN_HASHTAG = "inside a longer hashtag"
# A hashtag, and where a CamelCase hashtag's words meet: "Boycott|New|Baby|Network|Fail", "NHS|Fail".
_HASHTAG = re.compile(r"(?<![\w#@&])#([A-Za-z0-9]+)(?![\w])")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# After our run-together name in a lower-case hashtag, a longer word: "#newbabynetworking", "...2026".
_WORD_GOES_ON = re.compile(r"(?:ing|ed|er|s\b|es\b|\d)")


def _skeleton(word: str) -> str:
    """Consonants only, doubles collapsed: "netwrok", "netwerk" and "network" sound alike."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiouwyh]", "", word))


def _edits(a: str, b: str, limit: int = 3) -> int:
    """Optimal string alignment distance (a swap of neighbours counts once), capped at ``limit``."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return min(prev[-1], limit)


def _close_to(joined: str, target: str) -> bool:
    """A misspelling of ``target``: one letter off, or two with the same consonants."""
    if joined == target:
        return False
    d = _edits(joined, target)
    return d <= 1 or (d <= 2 and _skeleton(joined) == _skeleton(target))


def _plural_forms(term: str) -> frozenset[str]:
    """Our name run together with one of its words in the plural or singular ("newbabiesnetwork": round 18, four
    labelled posts of ours write "New Babies Network", which no spelling rule reached: three letters off)."""
    words = [w for w in re.split(r"[\s\-_]+", fold(term.strip())) if w]
    return frozenset("".join(words[:k] + [f] + words[k + 1:]) for k, w in enumerate(words) for f in plural_forms(w) - {w})


def _fuzzy_regex(term: str) -> str | None:
    """Loose shape of a multi-word plain term: each word by its first letter and about its length."""
    words = [w for w in re.split(r"[\s\-_]+", fold(term.strip())) if w]
    if len(words) < 2 or term.strip()[:1] in "@#" or not all(w.isalpha() and w.isascii() for w in words):
        return None
    parts = [f"{re.escape(w[0])}[a-z]{{{max(0, len(w) - 3)},{len(w) + 1}}}" for w in words]
    # The first letter leads (then the look-behind), so the engine skips ahead to it: 3x faster.
    first = re.escape(words[0][0])
    parts[0] = f"{first}(?<![\\w@#.]{first})" + parts[0][len(first):]
    return r"(?:\s+|-\n?\s*|_|)".join(parts) + r"(?![\w])"


def _split_words(term: str) -> list[tuple[str, str]]:
    """(regex, needle) for a multi-word plain term with one of its long words split in two, as voice typing writes
    it ("new baby net work": round 15, every such post in the labelled files is ours): a split of a word of 7 letters
    or more, each half at least 3, at a single space (a line break or a dash splits other things)."""
    words = [w for w in re.split(r"[\s\-_]+", fold(term.strip())) if w]
    if len(words) < 2 or term.strip()[:1] in "@#" or not all(w.isalpha() and w.isascii() for w in words):
        return []
    out = []
    for k, w in enumerate(words):
        for i in range(3, len(w) - 2) if len(w) >= 7 else ():
            split = f"{w[:i]} {w[i:]}"
            parts = [re.escape(x) for x in words[:k]] + [re.escape(split)] + [re.escape(x) for x in words[k + 1:]]
            out.append((r"(?<![\w])" + _GAP_STRICT.join(parts) + r"(?![\w])", split))
    return out


def hyphen_first(place: str) -> str:
    """A hyphenated place's first word, split at a short lower-case joining word ("Llanrhaeadr" for
    Llanrhaeadr-ym-Mochnant, "Stratford" for Stratford-upon-Avon; round 26), or the place itself."""
    return re.split(r"-(?=[a-z]{1,5}-)", place, maxsplit=1)[0]


def nickname_forms(places) -> set:
    """What people may call our places for short (round 22, ``identity.shortforms.nicknames`` keeps those that are
    no everyday word): the first three to five letters of a place's first word of six or more letters, then "y",
    "ey" or "ie", its last consonant doubled or not ("Chippy" for Chipping Norton, "Wivey" for Wiveliscombe)."""
    out = set()
    for place in places:
        first = (place.split() or [""])[0]
        if len(first) < 6 or not first.isalpha():
            continue
        for k in (3, 4, 5):
            stem = first[:k]
            forms = {stem + "y", stem + "ey", stem + "ie"}
            if stem[-1].lower() not in "aeiouy":
                forms.add(stem + stem[-1].lower() + "y")
            out |= {f[:1].upper() + f[1:].lower() for f in forms if len(f) >= 4}
    return out


def short_form_hint(places):
    """Round 20: whether a text without our name may hold a short form of us, before ``identity.shortforms`` reads
    it, when the profile lists no products (``Analyser.names_product``, ``analyse_worker.Deferred``: the check is not
    imported otherwise): "the baby network" in lower case, or one of our places and "network", "one", "group", "café"
    or "session" ("the network café in Scorton", "the Middleham one"); since round 21 also "baby charity" and "the
    network lot / one / lady / who..." (``shortforms._round21``); since round 22 "that network lot", a place's last
    word or nickname ("Drayton", "Chippy": a superset of ``shortforms.nicknames``), and "library", "bank", "swap" or
    "visit" beside one of our places (``shortforms22._round22``); since round 24 "baby network" in lower case
    (``shortforms24``), and "volunteers" or "sling" with one of our places; since round 25 "sling library"
    (``shortforms25``), and a review's rating with something we do ("★★☆☆☆ ... home visitor", ``shortforms25b``);
    since round 26 a group in a review and a hyphenated place's first word ("Llanrhaeadr"). A function of the text."""
    names = {fold(w).strip() for p in places if p.strip() for w in (p, p.split()[0], p.split()[-1], hyphen_first(p))}
    names = sorted(names | {fold(n) for n in nickname_forms(places)}, key=len, reverse=True)  # round 22: "Chippy"
    place = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.I) if names else None
    baby = re.compile(r"[Bb]aby[ \t]+network|(?i:baby[ \t]+charity|sling[ \t]+library|(?:the|that|those)[ \t]+network[ \t]+"
                      r"(?:lot|one|lady|ladies|woman|women|worker|volunteer|people|girls|folk|who))")  # round 21: "the network lot"
    # round 22 also "the sling library / baby bank / swap shop / home visits" with our place
    word = re.compile(r"(?<![\w])(?:network|one|group|club|caf[eé]|session|library|bank|swap|visit\w*|volunteers?|sling)"
                      r"(?![\w])", re.I)  # round 24: "the volunteers at Llandeilo"; round 30: "the baby club down the gorge"
    # round 25: a review's rating and something we do ("★★☆☆☆ ... the home visitor", ``shortforms25b``)
    rating = re.compile(r"[★⭐]|(?<![\w.])[1-5](?:\.5)?[ \t]*(?:stars?|/[ \t]*5)(?![\w])|(?<![\w.])[1-5]\*|"
                        r"google[ \t]+review", re.I)
    work = re.compile(r"(?<![\w])(?:home[ \t]+visit\w*|sling[ \t]+(?:library|fitting)|baby[ \t]+(?:caf[eé]|group)|"
                      r"volunteers?|groups?)(?![\w])", re.I)  # round 26: "★★★☆☆ Nice group ..."
    return lambda text: bool(baby.search(text) or (place is not None and place.search(text) and word.search(text)) or
                             (rating.search(text) and work.search(text)))


# Round 21: a look-alike of our handle that the text doubts is ours or says copies us ("Is @NewBabyNetwork_UK actually
# the Highland baby charity?? Same logo", "is @newbabynetwork_support ... feels off", "That is not them!!"). Until now only the
# impersonation keywords ("fake account", "not the real") kept a look-alike post; 14 labelled posts of ours asked the
# question in other words and were dropped, and no other text with a look-alike says any of these. Words a namesake
# shop's customer may write too ("legit?", "scam", "dodgy", "report it") are not among them.
_DOUBTS_LOOKALIKE = re.compile(
    r"(?<![\w])(?:(?:is|are)[ \t]+(?:this|that|it|they)[ \t]+(?:actually[ \t]+|really[ \t]+)?"
    r"(?:them|you|their|yours|the[ \t]+real|official|real)|(?:not|isn'?t|is[ \t]+not)[ \t]+(?:them|you|their[ \t]+account)|"
    r"the[ \t]+real[ \t]+(?:one|1|page|account|charity|logo)|real[ \t]+account|"
    r"(?:same|their|your|the[ \t]+real)[ \t]+(?:[a-z]+[ \t]+)?logo|(?:actually|really)[ \t]+them|"
    r"(?:is|are|'s|’s)[ \t]+not[ \t]+the[ \t]+(?:[A-Z][\w]*[ \t]+)?(?:charity|one|group)|"
    r"looks?[ \t]+exactly[ \t]+like|(?:doesn'?t|does[ \t]+not)[ \t]+(?:seem|look)[ \t]+like[ \t]+them|copied|copying|"
    r"smells?[ \t]+(?:fishy|off|like[ \t]+a[ \t]+scam)|seems?[ \t]+off|feels?[ \t]+off)"
    r"(?![\w])", re.I)


def doubts_lookalike(text: str) -> str | None:
    """The words in ``text`` that doubt a look-alike handle is ours or say it copies us, or None (round 21: such a
    post is about us, unsure: ``Analyser.analyse``)."""
    m = _DOUBTS_LOOKALIKE.search(text)
    return " ".join(m.group(0).split()) if m else None


def spelt_short(m: Match) -> bool:
    """A short name written with dots or spaces between its capitals ("N.B.N.", "N B N": round 25). New, so never
    more than unsure (``Analyser.analyse``)."""
    return SHORT in m.flags and any(c in m.shown for c in ". ")


def spelt_unsure(decision, mentioned, matches_by_sentence):
    """The is-it-us ``decision`` on a text, kept unsure (watch at most; a crisis at alert, never an SMS) when it says
    "us" and every candidate is our short name with dots or spaces (``spelt_short``): round 25's new form, which the
    check learnt from 5 texts."""
    named = [m for i in mentioned for m in matches_by_sentence.get(i, [])]
    if decision is None or decision.verdict != "us" or not named or not all(spelt_short(m) for m in named):
        return decision
    from .identity.decide import UNSURE, UNSURE_CAP, Decision

    return Decision(UNSURE, decision.p_us, f"maybe us: our short name written '{named[0].shown}' "
                                           f"({decision.reason.removeprefix('reads like us ')}); {UNSURE_CAP}")


class Matcher:
    """Compiled ``terms`` and ``exclude`` phrases."""

    def __init__(self, terms: list[str], exclude: list[str] | None = None, short_names: list[str] | None = None):
        self.terms = list(terms)
        # Short names others share ("NBN": also a broadband network, a podcast): only ever a weak
        # candidate (flag ``short name``), as a whole word or hashtag; the whole text decides.
        self.short_names = [fold(n).lstrip("#") for n in (short_names or []) if fold(n).strip("#@ ")]
        # An acronym's own capitals at the front of a hashtag, a word after them ("#NBNvolunteer", "#NBNTeam": round 18)
        acronyms = [n.strip().lstrip("#") for n in (short_names or []) if n.strip().lstrip("#").isupper()]
        self._short_tag = (re.compile(r"(?<![\w#@&])#(" + "|".join(re.escape(n) for n in acronyms)
                                      + r")(?=[a-z]{3}|[A-Z][a-z]{2})[A-Za-z]+(?![\w])") if acronyms else None)
        self._short_re = (re.compile(r"(?<![\w@.\-/])#?(?:" + "|".join(re.escape(n) for n in self.short_names)
                                     + r")(?![\w@]|\.\w)") if self.short_names else None)
        # Round 25: an acronym's capitals with dots ("N.B.N.", "N. B. N.") or single spaces ("N B N"): the same short
        # name (flag ``short name``, ``text`` its letters; ``spelt_unsure``), 5 true mentions in older files. Not in
        # lower case: "n.b.n. = no big news" (t73) was taken at alert, one true mention ("n.b.n carshalton") lost
        self._short_dotted = (re.compile(r"(?<![\w@.\-/])(?:" + "|".join(
            "|".join((r"\.[ ]?".join(re.escape(c) for c in n) + r"(?!\w|\.\w)\.?",
                      " ".join(re.escape(c) for c in n) + r"(?!\w|\.\w)")) for n in acronyms if 2 <= len(n) <= 5)
            + r")") if any(2 <= len(n) <= 5 for n in acronyms) else None)
        self.exclude = list(exclude or [])
        compact = sorted({re.sub(r"[^\w]", "", fold(t)) for t in self.terms if " " not in t.strip()}, key=len)
        self._compact = [c for c in compact if len(c) >= 6]
        self._lookalike = re.compile(r"@?[\w.]*[\w]") if self._compact else None
        self._slip_names = [c for c in self._compact if len(c) >= ONE_SLIP_MIN]
        self._slip_probes = tuple({p for c in self._slip_names for p in (c[:ONE_SLIP_PROBE], c[-ONE_SLIP_PROBE:])})
        self._term_res = [(t, re.compile(phrase_regex(t))) for t in self.terms]
        split = [(t, rx, need) for t in self.terms for rx, need in _split_words(t)]  # "new baby net work"
        self._exclude_re = (
            re.compile("|".join(f"(?:{phrase_regex(e, joinable=False)})" for e in self.exclude)) if self.exclude else None
        )
        # One alternation is far cheaper than N searches when most texts do not mention us,
        # and a term's longest word must appear verbatim, which a substring test finds faster still.
        # Per term (a term whose longest word is not in a sentence is not searched for there), and all of them.
        self._term_needles = [max(re.findall(r"\w+", fold(t)) or [""], key=len) for t in self.terms]
        self._term_res += [(t, re.compile(rx)) for t, rx, _n in split]
        self._term_needles += [need for _t, _rx, need in split]
        self._any = re.compile("|".join(f"(?:{r.pattern})" for _, r in self._term_res))
        self._needles = tuple(set(self._term_needles) - {""})
        # Misspellings (issue 15): one loose pattern per multi-word term, checked word by word afterwards.
        fuzzy = [(t, _fuzzy_regex(t)) for t in self.terms]
        self._fuzzy = [(t, re.compile(r), re.sub(r"[^\w]", "", fold(t))) for t, r in fuzzy if r]
        self._plurals = {t: _plural_forms(t) for t, _r in fuzzy if _r}
        self._fuzzy_any = re.compile("|".join(f"(?:{r.pattern})" for _, r, _ in self._fuzzy)) if self._fuzzy else None
        self._joined: dict[str, str] = {}  # our name run together (letters only) -> term: for hashtags
        for t in self.terms:
            words = [w for w in re.split(r"[\s\-_]+", fold(t.strip())) if w]
            if t.strip()[:1] not in "@#" and words and all(w.isalpha() and w.isascii() for w in words):
                self._joined.setdefault("".join(words), t)
        self._joined_excludes = tuple(j for j in (re.sub(r"[\s\-_]+", "", fold(e)) for e in self.exclude)
                                      if j.isalpha() and j.isascii())

    def could_mention(self, text: str) -> bool:
        """A cheap whole-text check: False means neither our name nor a look-alike can be in ``text``."""
        folded = quick_fold(text)
        if any(n in folded for n in self._needles) and self._any.search(folded):
            return True
        squeezed = _squeezed(folded)
        if any(name in squeezed for name in self._compact) or self._may_slip(text, squeezed):
            return True
        if self._short_re is not None and any(n in folded for n in self.short_names) and self._short_re.search(folded):
            return True
        if self._short_tag is not None and "#" in text and self._short_tag.search(text):
            return True
        if self._short_dotted is not None and self._short_dotted.search(text):
            return True
        return self._fuzzy_any is not None and any(self._misspelled(folded))

    def _misspelled(self, folded: str):
        """(term, start, end) of each misspelling of a multi-word term in ``folded`` text."""
        for term, rx, target in self._fuzzy:
            pos = 0
            while True:
                m = rx.search(folded, pos)
                if m is None:
                    break
                joined = re.sub(r"[\s\-_]", "", m.group(0))
                if _close_to(joined, target) or joined in self._plurals[term]:
                    yield term, m.start(), m.end()
                    pos = m.end()
                else:
                    pos = m.start() + 1

    def find(self, text: str) -> list[Match]:
        """All non-vetoed matches in ``text`` (not yet folded), longest first where they overlap.

        Only the sure ones: the lower-case name after a determiner and misspellings are left out
        (``candidates`` returns them, flagged)."""
        return [m for m in self.candidates(text) if not m.flags]

    def candidates(self, text: str) -> list[Match]:
        """Like ``find``, plus the weak candidates, flagged: the lower-case name after a determiner
        ("that new baby network group") and misspellings ("new baby netwrok"). Whether they are us is
        for the whole text to decide (``monitor/identity/``)."""
        folded = fold(text)
        found: list[Match] = []
        if any(n in folded for n in self._needles) and self._any.search(folded):
            for (term, rx), need in zip(self._term_res, self._term_needles):
                if need not in folded:
                    continue  # its longest word is not here: it cannot match (as in ``could_mention``)
                for m in rx.finditer(folded):
                    found.append(Match(term, m.start(), m.end(), m.group(0)))
        if self._fuzzy_any is not None and self._fuzzy_any.search(folded):
            for term, start, end in self._misspelled(folded):
                if not any(f.start < end and start < f.end for f in found):
                    found.append(Match(term, start, end, folded[start:end], (MISSPELLED,)))
        if "#" in folded and self._joined and any(j in folded for j in self._joined):
            found += self._in_hashtags(text, folded, found)
        if self._short_re is not None and any(n in folded for n in self.short_names):
            for m in self._short_re.finditer(folded):
                if not any(f.start < m.end() and m.start() < f.end for f in found):
                    found.append(Match(m.group(0).lstrip("#"), m.start(), m.end(), m.group(0), (SHORT,)))
        if self._short_tag is not None and "#" in text and len(text) == len(folded):
            for m in self._short_tag.finditer(text):  # "#NBNvolunteer": the short name, then a word of its own
                if not any(f.start < m.end() and m.start() < f.end for f in found):
                    found.append(Match(fold(m.group(1)), m.start(1), m.end(1), fold(m.group(1)), (SHORT,), m.group(0)))
        if self._short_dotted is not None and len(text) == len(folded) and ("." in text or " " in text):
            for m in self._short_dotted.finditer(text):  # "N.B.N.", "N B N": the short name, its letters spelt out
                letters = fold(re.sub(r"[^\w]", "", m.group(0)))
                if not any(f.start < m.end() and m.start() < f.end for f in found):
                    found.append(Match(letters, m.start(), m.end(), letters, (SHORT,), m.group(0)))
        if not found:
            return []
        if self._exclude_re is not None:
            vetoes = [(m.start(), m.end()) for m in self._exclude_re.finditer(folded)]
            found = [m for m in found if not any(s < m.end and m.start < e for s, e in vetoes)]
        weighed = []
        for m in found:
            why = _ordinary_phrase(text, folded, m)
            if why == "of":
                continue
            weighed.append(Match(m.term, m.start, m.end, m.text, m.flags + (ORDINARY,), m.shown) if why else m)
        found = weighed
        # Keep the longest match per overlapping span so "@newbabynetwork" is reported once.
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[Match] = []
        for m in found:
            if kept and m.start < kept[-1].end:
                continue
            kept.append(m)
        return kept

    def _in_hashtags(self, text: str, folded: str, found: list[Match]) -> list[Match]:
        """Our name inside a longer hashtag, read as its words (it must start and end where they do).
        Ending it ("#BoycottNewBabyNetwork"): a match; followed by more words ("#NewBabyNetworkFail",
        "#NewBabyNetworkIreland": a longer name, the namesakes' shape) or in a hashtag without case
        to read ("#boycottnewbabynetwork"): a candidate flagged IN_HASHTAG, unless the letters after
        it carry the word on ("#newbabynetworking"). An ``exclude`` phrase read so vetoes it."""
        out: list[Match] = []
        same = len(text) == len(folded)
        for h in _HASHTAG.finditer(folded):
            s, e, body = h.start(1), h.end(1), h.group(1)
            if any(f.start < e and s - 1 < f.end for f in found):
                continue  # already matched ("#newbabynetwork" itself)
            written = text[s:e] if same else body
            cased = written != written.lower() and written != written.upper()
            cuts = {0, len(body)} | ({m.start() for m in _CAMEL_BOUNDARY.finditer(written)} if cased else set())
            for joined, term in self._joined.items():
                at = body.find(joined)
                while at >= 0:
                    end = at + len(joined)
                    if cased:
                        vetoed = any(body.startswith(x, at) and at + len(x) in cuts for x in self._joined_excludes)
                        if at in cuts and end in cuts and not vetoed:
                            flags = () if end == len(body) else (IN_HASHTAG,)
                            out.append(Match(term, s + at, s + end, folded[s + at:s + end], flags, "#" + written))
                            break
                    elif not (at == 0 and end == len(body)) and not _WORD_GOES_ON.match(body, end) and \
                            not any(body.startswith(x, at) for x in self._joined_excludes):
                        out.append(Match(term, s + at, s + end, folded[s + at:s + end], (IN_HASHTAG,), "#" + written))
                        break
                    at = body.find(joined, at + 1)
        return out

    def lookalikes(self, text: str) -> list[str]:
        """Handles or names built from ours but not ours: ``@newbabynetwork_uk``, ``NewBabyNetw0rk``."""
        if self._lookalike is None:
            return []
        folded = fold(text)
        squeezed = _squeezed(folded)
        slips = self._may_slip(text, squeezed)
        if not slips and not any(name in squeezed for name in self._compact):
            return []  # one pass instead of looking at every word
        out = []
        for m in self._lookalike.finditer(folded):
            word = m.group(0)
            bare = _squeezed(word.lstrip("@"))
            for name in self._compact:
                if bare.startswith(name) and word.lstrip("@") != name and not self.find(word):
                    out.append(word)
                    break
            else:
                if slips and word.startswith("@") and self._is_slip(bare):
                    out.append(word)
        return list(dict.fromkeys(out))

    def slipped(self, handles) -> list[str]:
        """Those of ``handles`` (``lookalikes``) one slip from ours (``one_slip``), not ours with more added
        ("@newbabynetwrk", not "@newbabynetwork_uk"): a typing slip as likely as someone passing as us."""
        return [word for word in handles if self._is_slip(_squeezed(word.lstrip("@")))]

    def _is_slip(self, bare: str) -> bool:
        return not any(bare.startswith(n) for n in self._compact) and any(one_slip(bare, n) for n in self._slip_names)

    def lookalike_reason(self, handles) -> str:
        """The reason given for a text naming look-alikes of our name (``lookalikes``)."""
        slip = " (one letter off our handle: a slip, or someone passing as us)" if self.slipped(handles) else ""
        return f"look-alike of our name: {', '.join(handles)}{slip}"

    def _may_slip(self, text: str, squeezed: str) -> bool:
        """Whether ``text`` may hold a handle one slip from ours: an "@" and the front or the back of our name."""
        return bool(self._slip_probes) and "@" in text and any(p in squeezed for p in self._slip_probes)


def _ordinary_phrase(text: str, folded: str, m: Match) -> str | None:
    """Why a lower-case multi-word match reads as an ordinary phrase, or None.

    "of" after it ("a new baby network of friends"): ``"of"``, never us. A determiner before it
    ("that new baby network group", "a new baby network"): ``"before"``, a weak candidate."""
    written = text[m.start : m.end] if len(text) == len(folded) else m.text
    if not re.search(r"[\s-]", written) or written != written.lower() or written[:1] in "@#":
        return None
    if _GENERIC_AFTER.match(folded[m.end :]):
        return "of"
    return "before" if _GENERIC_BEFORE.search(folded[max(0, m.start - 30) : m.start]) else None
