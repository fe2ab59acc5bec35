"""What the is-it-us check reads in a text: rules of strong evidence, the contexts around our
name, the matcher's flags, how the text names us, and the profile in words."""

from __future__ import annotations

import re

from ..text import fold
from .words import _CAP_BEFORE_OK, _GROUPS_NAMES, _rx, words_after

FEATURES = ("namesake-likeness", "our place", "namesake word after name", "our word after name", "possessed by another",
            "abroad (text)", "abroad (name sentence)") + tuple(f"{g} words (name sentence)" for g in _GROUPS_NAMES) \
    + tuple(f"{g} words (text)" for g in _GROUPS_NAMES) \
    + ("longer name (capitalised word after)", "at/of/by another place", "a/an/my before the name",
       "name misspelled", "lower-case name after a determiner", "only weak name matches",
       "capitalised word before the name")
MAX_SENTENCES = 40  # sentence vectors for at most this many sentences of a long text


def _unit(v):
    import numpy as np

    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def _weak_only(matches_by_sentence, mentioned) -> bool:
    ms = [m for i in mentioned for m in matches_by_sentence.get(i, [])]
    return bool(ms) and all(m.flags for m in ms)


def _weak_flags(matches_by_sentence, mentioned) -> str:
    flags = {f for i in mentioned for m in matches_by_sentence.get(i, []) for f in m.flags}
    return " and ".join(sorted(flags))


def _flag_features(matches) -> list[float]:
    """What the matcher knew (issue 15): a misspelled name, the lower-case name after a determiner, only such."""
    from ..matching import MISSPELLED, ORDINARY

    return [float(any(MISSPELLED in m.flags for m in matches)), float(any(ORDINARY in m.flags for m in matches)),
            float(bool(matches) and all(m.flags for m in matches))]


def strong_evidence(config, folded_text: str, matches) -> str | None:
    """Our handle, our web address, or "CIC" right after our name: it is us."""
    prof = config.organisation.profile
    for m in matches:
        if m.text.startswith("@") and m.term.startswith("@"):
            return f"our handle {m.text}"
    for h in prof.handles:
        h = fold(h)
        if h and re.search(rf"(?<![\w@]){re.escape(h)}(?![\w])", folded_text):
            return f"our handle {h}"
    for w in prof.web:
        w = fold(re.sub(r"^https?://(www\.)?", "", w).rstrip("/"))
        if w and w in folded_text:
            return f"our web address {w}"
    for m in matches:
        if re.match(r"\s*(?:cic|c\.i\.c\.?)(?!\w)", folded_text[m.end:m.end + 8]):
            return "our name with CIC"
    return None


def _contexts(sents, mentioned, matches_by_sentence):
    """(sentences naming us with the name taken out, their neighbours, all sentences)."""
    named, near = [], []
    for i in sorted(mentioned):
        s = sents[i][1]
        f = fold(s)
        cut, last = [], 0
        for m in matches_by_sentence.get(i, []):
            cut.append(f[last:m.start])
            last = m.end
        cut.append(f[last:])
        named.append(" ".join(cut) if len(f) == len(s) else f)
        for j in (i - 1, i + 1):
            if 0 <= j < len(sents) and j not in mentioned:
                near.append(sents[j][1])
    everything = [s for _f, s in sents[:MAX_SENTENCES]]
    return named, near, everything


def _name_as_written(sents, mentioned, matches_by_sentence) -> str:
    """Our name as the text writes it, with a describing word after it ("New Baby Network Ltd")."""
    for i in sorted(mentioned):
        s = sents[i][1]
        for m in matches_by_sentence.get(i, []):
            if len(s) == len(fold(s)):
                written = s[m.start:m.end]
                after = words_after(fold(s), m.end)
                if after:
                    tail = re.match(r"[\s'’s]*[A-Za-z][A-Za-z\-]{1,20}", s[m.end:m.end + 30])
                    return (written + (tail.group(0) if tail else "")).strip()
                return written
    return "this name"


def profile_text(config) -> str:
    prof = config.organisation.profile
    parts = [config.organisation.name, prof.description]
    if prof.places:
        parts.append("Works in " + ", ".join(prof.places) + ".")
    return " ".join(p for p in parts if p)


_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[£$€₹₦₱]")


def text_grams(sents, mentioned, matches_by_sentence) -> list[str]:
    """The words and word pairs of the whole text, our name replaced by one token (the text model's input)."""
    grams: list[str] = []
    for i, (_f, s) in enumerate(sents):
        f = fold(s)
        if i in mentioned and len(f) == len(s):
            cut, last = [], 0
            for m in sorted(matches_by_sentence.get(i, []), key=lambda m: m.start):
                cut += [f[last:m.start], " xname "]
                last = max(last, m.end)
            cut.append(f[last:])
            f = "".join(cut)
        toks = _TOKEN.findall(f)
        grams += toks
        grams += [a + " " + b for a, b in zip(toks, toks[1:])]
    return grams


def owner_before(sents, mentioned, matches_by_sentence, ours) -> float:
    """1 when a capitalised word that is not one of our places stands right before the name inside a sentence:
    someone else's New Baby Network ("Cork New Baby Network", "NHS Clydeside New Baby Network")."""
    for i in mentioned:
        s = sents[i][1]
        if len(s) != len(fold(s)):
            continue
        for m in matches_by_sentence.get(i, []):
            w = _rx.CAP_BEFORE.search(s[max(0, m.start - 60):m.start])
            if w and w.group(1) not in _CAP_BEFORE_OK and fold(w.group(1)).rstrip("'’s") not in ours \
                    and not m.text.startswith(("@", "#")):
                return 1.0
    return 0.0
