"""The judgement model's rows for a whole text at once (:mod:`monitor.model`'s ``text_rows`` and
``dense_rows``): the same numbers, to the bit, as building each piece's row on its own, which is what
``monitor train`` does (tests/test_model_speed.py checks every labelled text). No numpy import here:
the caller passes it, as the rest of the model's code is imported only when a run has new text."""

from __future__ import annotations


def text_rows(per_sentence: list[list[int]], idf, hash_bits: int):
    """``(idx, val, sizes)``: the TF-IDF rows of the whole text, each sentence and each sentence with the
    next (``model.pieces_of``), concatenated in that order, from each sentence's n-gram hashes.

    One sort of (piece, n-gram) keys counts every piece's n-grams (sorted within a piece, as
    ``np.unique`` sorts them); the TF-IDF values are the same float32 operations on each element;
    each piece's length is still summed over its own values (numpy's pairwise sum), so the norms are
    the same to the bit as one piece at a time."""
    import numpy as np

    n = len(per_sentence)
    lens = np.array([len(h) for h in per_sentence], dtype=np.int64)
    flat = np.array([h for hs in per_sentence for h in hs], dtype=np.int64)
    ends = np.cumsum(lens)
    starts = ends - lens
    n_pieces = 1 + n + max(0, n - 1)
    keys = [flat, flat + (np.repeat(np.arange(1, n + 1, dtype=np.int64), lens) << hash_bits)]
    if n > 1:  # sentence i with i + 1: their n-grams, side by side
        pair_of = np.repeat(np.arange(1 + n, n_pieces, dtype=np.int64), lens[:-1] + lens[1:])
        both = np.concatenate([flat[starts[i]:ends[i + 1]] for i in range(n - 1)])
        keys.append(both + (pair_of << hash_bits))
    uniq, counts = np.unique(np.concatenate(keys), return_counts=True)
    idx = uniq & ((1 << hash_bits) - 1)
    sizes = np.bincount(uniq >> hash_bits, minlength=n_pieces)
    val = (1.0 + np.log(counts.astype(np.float32))) * idf[idx]
    sq = val * val
    norms = np.ones(n_pieces, dtype=np.float32)
    lo = 0
    for k, hi in enumerate(np.cumsum(sizes).tolist()):
        if hi > lo:
            norm = np.sqrt(sq[lo:hi].sum())
            if norm > 0:
                norms[k] = norm
        lo = hi
    return idx, val / np.repeat(norms, sizes), sizes


def dense_rows_of_text(np, vectors, dim):
    """``model.dense_rows`` of ``pieces_of(n)`` (n > 1): the whole text, each sentence, each pair of neighbours."""
    n = len(vectors)
    out = np.zeros((2 * n, 2 * dim), dtype=np.float32)
    mean = vectors.mean(axis=0)
    norm = float(np.sqrt((mean * mean).sum()))
    out[0, :dim] = mean / norm if norm > 0 else mean
    out[0, dim:] = vectors.max(axis=0)
    out[1:n + 1, dim:] = vectors
    out[1:n + 1, :dim] = unit_rows(np, vectors.copy())
    a, b = vectors[:-1], vectors[1:]
    out[n + 1:, dim:] = np.maximum(a, b)
    out[n + 1:, :dim] = unit_rows(np, (a + b) / np.float32(2))
    return out


def unit_rows(np, m):
    """Each row divided by its length (rows of length 0 kept), as ``row / sqrt((row * row).sum())``."""
    norms = np.sqrt((m * m).sum(axis=1))
    nz = norms > 0
    m[nz] = m[nz] / norms[nz, None]
    return m


# How many steps each side of zero a weight's code has (at most 127, an int8's). 63 since round 17 (127 before): the
# codes deflate 0.70 -> 0.61 MB; held out by writer (`python -m monitor.cv_system`, 85 files) the same 99 crises below
# alert, crisis recall / precision the same, alert-or-worse precision 0.844 -> 0.845, info raised 840 -> 839, family
# precision / recall 0.857 / 0.742 -> 0.857 / 0.739 (docs/history/judgement.md, round 17).
W_LEVELS = 63


def quantise(np, w):
    """``(codes, scales)``: each weight in one byte (int8), per column, on a square-root scale, so the
    many small weights keep their precision (the error of a byte per weight on a straight scale is
    twice as large; measured on the committed model: chances within 0.005, levels and families the
    same on 999 of 1,000 texts). The artefact stores these; :func:`dequantise` reads them back."""
    w = np.asarray(w, dtype=np.float32)
    root = np.sign(w) * np.sqrt(np.abs(w))
    scales = (np.abs(root).max(axis=0) / np.float32(W_LEVELS)).astype(np.float32)
    scales[scales == 0] = 1.0
    return np.round(root / scales).astype(np.int8), scales


def dequantise(np, codes, scales):
    """The weights :func:`quantise` stored, as float32: ``c * |c|`` with ``c = code * scale``."""
    c = codes.astype(np.float32) * np.asarray(scales, dtype=np.float32)
    return c * np.abs(c)


# The nearest-example bank (each labelled example's unit-length mean sentence vector) only explains a
# grade ("reads most like a labelled example"); nothing decides from it. It is stored as its offsets from
# the examples' mean vector, one byte each at BANK_SCALE steps per unit (was the vectors themselves at 127):
# deflated, 1.29 -> 0.82 MB at 7,472 examples (round 12). Steps of 1/20 in round 16 (1/32 before). Since round 17
# steps of 1/10, stored a dimension at a time (``bank_t``: (256, examples), a row per dimension) and deflated
# at level 9: 1.06 -> 0.65 MB at 11,782 examples. Measured on the 1,500-odd texts of t81 and t82 (never trained
# on) at each of the three levels, against the vectors unrounded: the example quoted is within 0.014 of the most
# similar one's similarity on average (0.004 at 1/20, 0.009 at 1/12), the same example for 54% of them (73% at
# 1/20: many examples are near ties). A grade never reads it, and a run reads it only when a grade needs
# explaining (``model.Model.bank``).
BANK_SCALE = 10.0


def pack_bank(np, vectors) -> dict:
    """The arrays the artefact keeps for the bank: the int8 offsets (a row per dimension, as ``bank_t`` was) coded
    as base-3 digits, five a byte, Huffman-coded (``bank_trits``; ``identity.classifier.sparse``'s ``trits``), the
    few offsets beyond -1..1 as the steps between their places (``bank_far_step``) and their numbers
    (``bank_far_val``), ``bank_shape``, ``bank_mean``, ``bank_scale``. Since round 32: at steps of 1/10 the offsets
    are -1, 0 or 1 for all but 1% of them, and the bank takes 1.11 MB where its deflated bytes took 1.38 MB; it
    reads back exactly (the same examples quoted, to the bit)."""
    from .identity.classifier import sparse

    vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, 256)
    mean = vectors.mean(axis=0) if len(vectors) else np.zeros(256, np.float32)
    codes = np.clip(np.round((vectors - mean) * BANK_SCALE), -127, 127).astype(np.int8)
    parts = sparse(np.ascontiguousarray(codes.T), trits=True)
    return {"bank_trits": parts["trits"], "bank_far_step": np.diff(parts["far_at"], prepend=0).astype(np.uint32),
            "bank_far_val": parts["far_val"], "bank_shape": parts["shape"], "bank_mean": mean.astype(np.float32),
            "bank_scale": np.float32([BANK_SCALE])}


def unpack_bank(np, arrays):
    """The bank's vectors (float32, a row per example) from :func:`pack_bank`'s arrays, or an older artefact's
    (``bank_t``: int8 offsets a row per dimension, rounds 17-31; ``bank``: a row per example, at ``bank_scale`` or,
    older still, int8 at 127)."""
    if "bank_trits" in arrays:
        from .identity.classifier import unsparse

        codes_t = unsparse({"trits": arrays["bank_trits"], "far_val": arrays["bank_far_val"],
                            "far_at": np.cumsum(arrays["bank_far_step"], dtype=np.int64),
                            "shape": arrays["bank_shape"]})
        # a row per example in memory too: a row's product is then the same whichever rows are taken (model.nearest)
        return np.ascontiguousarray(codes_t.T).astype(np.float32) / arrays["bank_scale"][0] + arrays["bank_mean"]
    if "bank_t" in arrays:
        codes = np.ascontiguousarray(arrays["bank_t"].T)
        return codes.astype(np.float32) / arrays["bank_scale"][0] + arrays["bank_mean"]
    if "bank_scale" not in arrays:
        return arrays["bank"].astype(np.float32) / np.float32(127)
    return arrays["bank"].astype(np.float32) / arrays["bank_scale"][0] + arrays["bank_mean"]


def pack_examples(examples) -> dict:
    """The explaining examples ``[[id, file, severity, families, text]]`` as columns, each file named once (round 36:
    xz finds more alike in a column of texts than in rows that mix ids, files and texts: 0.767 -> 0.679 MB on
    25,713 examples, the same examples read back)."""
    files = sorted({ex[1] for ex in examples})
    at = {f: i for i, f in enumerate(files)}
    return {"files": files, "id": [ex[0] for ex in examples], "file": [at[ex[1]] for ex in examples],
            "severity": [ex[2] for ex in examples], "families": [ex[3] for ex in examples],
            "text": [ex[4] for ex in examples]}


def unpack_examples(stored) -> list:
    """:func:`pack_examples`'s columns back as rows; rows as they are (judge.npz until round 35)."""
    if not isinstance(stored, dict):
        return stored
    files = stored["files"]
    return [[i, files[f], s, list(fam), t] for i, f, s, fam, t in
            zip(stored["id"], stored["file"], stored["severity"], stored["families"], stored["text"])]
