"""The judgement model's features: how a text is cut into pieces and what each piece is read as.

A text is split into sentences (title and body apart); the pieces scored are the whole text, each
sentence, and each sentence with the one after (:func:`pieces_of`). Each piece is read two ways:

* hashed n-grams (:func:`gram_hashes`): words, word pairs, character 3-5 grams within words, and
  each word said under a negation ("is not a scam" also counts *scam, negated*), TF-IDF weighted
  (:func:`tfidf`, :func:`text_rows`);
* word vectors (:func:`dense_rows`): the mean (unit length) and the max of its sentences' vectors
  (``train_fit.Settings.dense_max`` False would read the mean half alone: tried in round 13, not kept).

:mod:`monitor.model` scores these rows and :mod:`monitor.train` fits the heads on them; both read
the same functions here, so a trained model and a run see the same numbers.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from functools import lru_cache
from itertools import chain
from zlib import crc32

from . import model_rows
from .text import fold, sentences, tidy

HASH_BITS = 16
N_HASH = 1 << HASH_BITS
CHAR_NGRAMS = (3, 4, 5)
_WORD = re.compile(r"[\w']+|[^\w\s]")

def split(title: str, body: str) -> list[tuple[str, str]]:
    """``[(field, sentence)]``, title and body kept apart (the analyser uses the same split)."""
    out = [("title", s) for s in sentences(tidy(title or ""))]
    out += [("body", s) for s in sentences(tidy(body or ""))]
    return out


# --------------------------------------------------------------------------- features


@lru_cache(maxsize=200_000)
def _word_grams(word: str) -> tuple[int, ...]:
    """Hashed character n-grams of one word, padded with spaces (scikit-learn's char_wb)."""
    padded = f" {word} "
    out = []
    for n in CHAR_NGRAMS:
        if len(padded) < n:
            continue
        for i in range(len(padded) - n + 1):
            out.append(zlib.crc32(padded[i:i + n].encode()) & (N_HASH - 1))
    return tuple(out)


@lru_cache(maxsize=200_000)
def _word_hashes(word: str) -> tuple[int, ...]:
    """The word's own hash, then its character n-grams' (one cached call per word in :func:`gram_hashes`)."""
    return (_token_hash("w " + word),) + _word_grams(word)


@lru_cache(maxsize=200_000)
def _token_hash(token: str) -> int:
    return zlib.crc32(token.encode()) & (N_HASH - 1)


def gram_hashes(text: str) -> list[int]:
    """Hashed n-grams of ``text``, repeated as often as they occur: words, word pairs and
    character 3-5 grams within words, and each word said under a negation (:func:`negated_words`)."""
    folded = fold(text)
    words = _WORD.findall(folded)
    out = list(chain.from_iterable(map(_word_hashes, words)))
    # word pairs: mostly seen once, so hashed directly (a cache miss costs more than the hash)
    out += [crc32(f"b {a} {b}".encode()) & (N_HASH - 1) for a, b in zip(words, words[1:])]
    if "n't" in folded or not _NEGATORS.isdisjoint(words):  # else no word is negated
        out += [_token_hash("n " + w) for w in negated_words(words)]
    return out


# A negation ("not", "never", "isn't", "nobody") reaches the next few words of its clause: "is not a
# scam" gives the feature "scam, negated", which a model can weigh apart from "scam" itself.
_NEGATORS = frozenset(("not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "without", "cannot"))
NEGATION_REACH = 3


def negated_words(words: list[str]) -> list[str]:
    """The words within NEGATION_REACH words after a negation, up to the first punctuation mark."""
    out, left = [], 0
    for w in words:
        if w in _NEGATORS or w.endswith("n't"):
            left = NEGATION_REACH
        elif not (w[0].isalnum() or w[0] == "_"):
            left = 0
        elif left:
            out.append(w)
            left -= 1
    return out


def sentence_counts(sents: list[str]):
    """Per sentence: ``(sorted unique hashes, counts)`` as numpy arrays."""
    return [_as_arrays(Counter(gram_hashes(s))) for s in sents]


def _as_arrays(counts: Counter):
    """``(sorted keys as int64, counts as float32)``: ``np.unique(..., return_counts=True)``, several times faster."""
    import numpy as np

    keys = sorted(counts)
    return (np.array(keys, dtype=np.int64).reshape(len(keys)),
            np.array([counts[k] for k in keys], dtype=np.float32).reshape(len(keys)))


def piece_counts(per_sentence, pieces: list[tuple[int, ...]]):
    """``(idx, counts)`` of each piece (a tuple of sentence indices): its sentences' counts added."""
    import numpy as np

    out = []
    for piece in pieces:
        if len(piece) == 1:
            out.append(per_sentence[piece[0]])
            continue
        if not piece:
            out.append((np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)))
            continue
        idx = np.concatenate([per_sentence[i][0] for i in piece])
        cnt = np.concatenate([per_sentence[i][1] for i in piece])
        uniq, inverse = np.unique(idx, return_inverse=True)
        out.append((uniq, np.bincount(inverse, weights=cnt, minlength=len(uniq)).astype(np.float32)))
    return out


def text_rows(sents: list[str], idf):
    """``(idx, val, sizes)``: every piece's TF-IDF rows (:func:`pieces_of`), concatenated; the same numbers
    as ``tfidf(piece_counts(sentence_counts(sents), pieces))`` made at once (:mod:`monitor.model_rows`)."""
    return model_rows.text_rows([gram_hashes(s) for s in sents], idf, HASH_BITS)


def tfidf(counts, idf):
    """(indices, values) of one piece's TF-IDF vector: sublinear tf, unit length."""
    import numpy as np

    idx, cnt = counts
    if len(idx) == 0:
        return idx, cnt
    val = (1.0 + np.log(cnt)) * idf[idx]
    norm = float(np.sqrt((val * val).sum()))
    return idx, (val / norm if norm > 0 else val).astype(np.float32)


def dense_rows(vectors, pieces: list[tuple[int, ...]]):
    """Per piece: the mean (unit length) and the max of its sentence vectors, ``(pieces, 512)``.

    Single sentences and neighbouring pairs (most pieces) are done for all rows at once, with the
    same float32 operations as one at a time (so the same numbers)."""
    import numpy as np

    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 256
    n = len(vectors)
    if n > 1 and len(pieces) == 2 * n and pieces == pieces_of(n):  # the same numbers, without the index lists
        return model_rows.dense_rows_of_text(np, np.ascontiguousarray(vectors), dim)
    out = np.zeros((len(pieces), 2 * dim), dtype=np.float32)
    singles = [k for k, p in enumerate(pieces) if len(p) == 1]
    pairs = [k for k, p in enumerate(pieces) if len(p) == 2 and p[1] == p[0] + 1]
    if singles:
        v = vectors[[pieces[k][0] for k in singles]]
        out[singles, dim:] = v
        out[singles, :dim] = model_rows.unit_rows(np, v.copy())
    if pairs:
        a = vectors[[pieces[k][0] for k in pairs]]
        b = vectors[[pieces[k][1] for k in pairs]]
        out[pairs, dim:] = np.maximum(a, b)
        out[pairs, :dim] = model_rows.unit_rows(np, (a + b) / np.float32(2))
    done = set(singles) | set(pairs)
    for k, piece in enumerate(pieces):
        if not piece or k in done:
            continue
        v = vectors[list(piece)]
        mean = v.mean(axis=0)
        n = float(np.sqrt((mean * mean).sum()))
        if n > 0:
            mean = mean / n
        out[k, :dim] = mean
        out[k, dim:] = v.max(axis=0)
    return out


def pieces_of(n: int) -> list[tuple[int, ...]]:
    """The whole text first, then each sentence, then each sentence with the one after."""
    return [tuple(range(n))] + units_of(n)


def units_of(n: int) -> list[tuple[int, ...]]:
    return [(i,) for i in range(n)] + [(i, i + 1) for i in range(n - 1)]


def units(sents: list[str]) -> list[tuple[int, ...]]:
    """The pieces scored on their own: each sentence, and each sentence with the one after."""
    return units_of(len(sents))
