"""The trained classifier the is-it-us check reads (``Model``: the first model's weights, the vote's references, the
words model and the second look's head, from ``identity.npz``), with the pure functions it shares with training
(``text_logit``, ``knn_vote``). Split from decide.py in round 16 (that file held the decision and this)."""

from __future__ import annotations

from pathlib import Path

from .. import embed
from .features import VOTE

KNN_K = 10  # the vote: how many nearest training texts of each side it averages


class Model:
    """The trained classifier plus the vectors it compares with. Loaded once per process."""

    def __init__(self, path: Path):
        import json

        import numpy as np

        z = embed.read_npz(path, later=("positives",) + tuple("positives_" + k for k in SPARSE_PARTS))  # without zipfile
        self.w = z["w"].astype(np.float64)
        self.b = float(z["b"])
        self.mean = z["mean"].astype(np.float64)
        self.scale = z["scale"].astype(np.float64)
        self.low = float(z["low"])
        self.high = float(z["high"])
        # the vectors around the name of every training text (int8 x refs_scale), namesakes first: the vote at run
        # time is one product with both sets, stacked and transposed: a row-major (256 x refs) matrix makes numpy's
        # product about twice as fast as ``x @ refs.T`` (bench/model_cost.py). Since round 17 the file stores that
        # matrix (``ref_n_neg`` namesakes first) as its non-zero numbers (``unsparse``) and loading only scales it;
        # an older file's ``refs``/``ref_us`` are ordered and transposed here.
        refs_scale = np.float32(z["refs_scale"]) if "refs_scale" in z else np.float32(127.0)
        if "refs_nz" in z or "refs_trits" in z:
            refs_t, self._n_neg = unsparse(sparse_of(z, "refs_")), int(z["ref_n_neg"])
        else:
            ref_us = z["ref_us"].astype(bool)
            order = np.concatenate([np.flatnonzero(~ref_us), np.flatnonzero(ref_us)])
            refs_t, self._n_neg = np.ascontiguousarray(z["refs"][order].T), int((~ref_us).sum())
        self._refs_t = refs_t.astype(np.float32)
        np.divide(self._refs_t, refs_scale, out=self._refs_t)
        self._refs_scale = refs_scale
        # ctx vectors of true mentions (for learned namesakes only), stored as int8 (x positives_scale) to keep the
        # file small (as non-zero numbers since round 17); in an older file those equal to their vector around the
        # name (positives_in_refs) were not stored twice. Read when a learned namesake first needs them
        # (``positives``): most runs never do (round 17).
        self._positives = None
        # Since round 19 they are stored as their difference from the signs of the references of the same true
        # mentions at x 6 (``positives_from_refs``): the same vectors would be stored twice otherwise (the vote's
        # reading of the name and this one agree in most numbers), 0.52 -> 0.44 MB.
        stored = sparse_of(z, "positives_") if "positives_nz" in z else z["positives"]
        self._positives_of = (stored, float(z["positives_scale"]) if "positives_scale" in z else 127.0,
                              z["positives_in_refs"].astype(bool) if "positives_in_refs" in z else None,
                              bool(z["positives_from_refs"]) if "positives_from_refs" in z else False)
        self.us_after = set(str(x) for x in z["us_after"])  # words seen after our name in true mentions
        self.meta = json.loads(str(z["meta"]))
        # the words model: its vocabulary (one term a line), idf and weights; absent from an older file
        self.text_weight = float(z["text_weight"]) if "text_weight" in z else 0.0
        if self.text_weight:
            self.vocab = {t: i for i, t in enumerate(vocabulary(z))}
            self.text_idf, self.text_w = z["text_idf"].astype(np.float64), z["text_w"].astype(np.float64)
            self.text_b = float(z["text_b"])
        # the second look's head (context.py): absent from an older file, then the first model decides alone
        self.context_head = None
        if "context_w" in z:
            self.context_head = tuple(z[k].astype(np.float32) for k in ("context_mean", "context_scale", "context_w")) + (
                float(z["context_b"]),)
            self.context_weight = float(z["context_weight"])
            self.context_band = tuple(float(v) for v in z["context_band"])
            self.context_reads = str(z["context_reads"]) if "context_reads" in z else "name"  # round 9: "pooled"

    @property
    def positives(self):
        """The true mentions' ctx vectors (rows, float32): read from the file's bytes the first time."""
        import numpy as np

        if self._positives is None:
            pos, scale, in_refs, from_refs = self._positives_of
            pos = unsparse(pos) if isinstance(pos, dict) else embed.member(pos)
            if from_refs:  # the references' own int8 numbers (exact: small integers / the scale, times the scale)
                pos = pos + np.sign(np.rint(self.pos_refs * self._refs_scale)).astype(np.int8)
            pos = pos.astype(np.float32) / scale if pos.dtype == np.int8 else pos.astype(np.float32)
            self._positives = pos if in_refs is None else np.concatenate([pos, self.pos_refs[in_refs]])
        return self._positives

    @property
    def neg_refs(self):
        """The namesakes' reference vectors (rows; a view of the vote's matrix)."""
        return self._refs_t[:, :self._n_neg].T

    @property
    def pos_refs(self):
        """The true mentions' reference vectors (rows; a view of the vote's matrix)."""
        return self._refs_t[:, self._n_neg:].T

    def p_us(self, x, grams=None) -> float:
        """P(us) from the features (hand-made ones, then the vector around the name) and the text's words."""
        import numpy as np

        full = np.concatenate([x, self.vote(x[VOTE])])
        z = (full - self.mean) / self.scale
        logit = float(z @ self.w + self.b)
        if self.text_weight and grams is not None:
            logit = (1 - self.text_weight) * logit + self.text_weight * text_logit(
                self.vocab, self.text_idf, self.text_w, self.text_b, grams)
        return float(1.0 / (1.0 + np.exp(-logit)))


    def vote(self, vector):
        """``knn_vote`` for one vector (the same numbers, one product): (namesakes' k nearest - true mentions' k
        nearest mean similarity, the former)."""
        import numpy as np

        sims = np.asarray(vector, dtype=np.float32) @ self._refs_t
        top = []
        for part in (sims[:self._n_neg], sims[self._n_neg:]):
            kk = max(1, min(KNN_K, len(part)))
            top.append(float(np.partition(part, -kk)[-kk:].astype(np.float64).mean()))
        neg, pos = top
        return np.asarray([neg - pos, neg])


def sparse(q, trits: bool = False) -> dict:
    """An int8 matrix as the file stores it: which numbers are not zero (``nz``, one bit each), and since round 19 their
    signs (``neg``, one bit each) and the few of them beyond -1..1 (``far``: their places among the non-zero numbers,
    ``far_val``: the numbers), and its ``shape``; read back exactly (``unsparse``). The vote's references at x 6 are
    82% zeros and all but 0.1% of the rest are -1 or 1: deflated, the signs as bits take 3% less than the numbers did
    as bytes (round 17 stored them so, ``val``; such a file still loads).

    ``trits`` (the vote's references since round 25): the numbers clipped to -1..1, five to a byte (base 3, C order:
    ``trits``), those bytes Huffman-coded by zlib without its string matching (``Z_HUFFMAN_ONLY``: the bytes have no
    repeats worth finding, and its matching costs 1.4% more); the few beyond -1..1 as their places in the matrix
    (``far_at``) and numbers (``far_val``). 0.751 -> 0.712 MB for round 25's references (nz and neg deflated at level 9
    against this), read back exactly and faster (no boolean indexing)."""
    import numpy as np

    if trits:
        import zlib

        flat = q.ravel()
        far = np.flatnonzero((flat < -1) | (flat > 1))
        digits = np.zeros(-(-flat.size // 5) * 5, dtype=np.uint8)
        digits[:flat.size] = np.clip(flat, -1, 1) + 1
        packed = (digits.reshape(-1, 5) * np.asarray([1, 3, 9, 27, 81], dtype=np.uint8)).sum(axis=1, dtype=np.uint8)
        coder = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_HUFFMAN_ONLY)
        blob = coder.compress(packed.tobytes()) + coder.flush()
        return {"trits": np.frombuffer(blob, dtype=np.uint8), "far_at": far.astype(np.int64), "far_val": flat[far],
                "shape": np.asarray(q.shape, dtype=np.int64)}
    val = q[q != 0]
    far = np.flatnonzero((val < -1) | (val > 1))
    return {"nz": np.packbits(q != 0), "neg": np.packbits(val < 0), "far": far.astype(np.int64), "far_val": val[far],
            "shape": np.asarray(q.shape, dtype=np.int64)}


SPARSE_PARTS = ("nz", "val", "neg", "far", "far_val", "shape", "trits", "far_at")  # what ``sparse`` may store
# (``val``: round 17 files; ``trits``, ``far_at``: the references since round 25)


def sparse_of(z: dict, prefix: str) -> dict:
    """The parts of the matrix stored under ``prefix`` (``refs_``, ``positives_``), ready for ``unsparse``."""
    return {k: z[prefix + k] for k in SPARSE_PARTS if prefix + k in z}


def unsparse(parts: dict):
    """The int8 matrix ``sparse`` stored (C order), from its parts (a round 17 file's ``nz``, ``val``, ``shape`` too).
    Parts left for later (``embed.read_npz``'s ``later``) are read here."""
    import numpy as np

    parts = {k: embed.member(v) for k, v in parts.items()}
    shape = tuple(int(n) for n in parts["shape"])
    size = int(np.prod(shape))
    if "trits" in parts:  # round 25: five numbers of -1..1 a byte, Huffman-coded, and the few beyond
        import zlib

        packed = np.frombuffer(zlib.decompress(parts["trits"], -15), dtype=np.uint8)
        out = _trit_table(np)[packed].reshape(-1)[:size]
        out[parts["far_at"]] = parts["far_val"]
        return out.reshape(shape)
    nz = np.unpackbits(parts["nz"], count=size).view(bool)
    if "val" in parts:
        val = parts["val"]
    else:
        val = np.where(np.unpackbits(parts["neg"], count=int(nz.sum())).view(bool), np.int8(-1), np.int8(1))
        val[parts["far"]] = parts["far_val"]
    out = np.zeros(size, dtype=np.int8)
    out[nz] = val
    return out.reshape(shape)


def _trit_table(np):
    """Each byte's five numbers of -1..1 (``sparse``'s ``trits``: the first is the byte mod 3, less 1)."""
    global _TRITS
    if _TRITS is None:
        _TRITS = ((np.arange(256)[:, None] // 3 ** np.arange(5)) % 3 - 1).astype(np.int8)
    return _TRITS


_TRITS = None


def vocabulary(z) -> list[str]:
    """The words model's terms, in the order of its idf and weights. Since round 19 the file keeps the single words
    (``text_vocab``, one a line) and each pair of words as the places of its two words among them (``text_pair_first``:
    how far the first word is from the previous pair's, pairs in order; ``text_pair_second``): a pair's words are
    always terms themselves (each is in at least as many texts), so 43,600 pairs take 68 KB deflated instead of
    150 KB as text. An older file's ``text_vocab`` holds every term."""
    import numpy as np

    words = z["text_vocab"].tobytes().decode().split("\n")
    if "text_pair_first" not in z:
        return words
    first = np.cumsum(z["text_pair_first"].astype(np.int64)).tolist()
    return words + [f"{words[a]} {words[b]}" for a, b in zip(first, z["text_pair_second"].tolist())]


def stored_vocabulary(vocab: list[str]) -> tuple[dict, "np.ndarray"]:
    """The arrays ``vocabulary`` reads back, and the order of the terms there (single words, then pairs) to store
    their idf and weights in."""
    import numpy as np

    words = [i for i, t in enumerate(vocab) if " " not in t]
    pairs = [i for i, t in enumerate(vocab) if " " in t]
    at = {vocab[i]: k for k, i in enumerate(words)}
    ab = sorted((at[vocab[i].split(" ")[0]], at[vocab[i].split(" ")[1]], i) for i in pairs)
    first = np.diff(np.asarray([0] + [a for a, _b, _i in ab], dtype=np.int64))
    kind = np.uint16 if len(words) < 65536 else np.uint32
    return ({"text_vocab": np.frombuffer("\n".join(vocab[i] for i in words).encode(), dtype=np.uint8),
             "text_pair_first": first.astype(kind), "text_pair_second": np.asarray([b for _a, b, _i in ab], dtype=kind)},
            np.asarray(words + [i for _a, _b, i in ab], dtype=np.int64))


def text_logit(vocab, idf, w, b, grams) -> float:
    """The words model's log-odds: sublinear TF-IDF of the known terms, unit length, dot the weights."""
    import math

    counts: dict[int, int] = {}
    for g in grams:
        j = vocab.get(g)
        if j is not None:
            counts[j] = counts.get(j, 0) + 1
    if not counts:
        return b
    vals = {j: (1.0 + math.log(c)) * float(idf[j]) for j, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vals.values()))
    return b + sum(v * float(w[j]) for j, v in vals.items()) / norm


def knn_vote(neg_refs, pos_refs, vectors, exclude_neg=None, exclude_pos=None, k: int = KNN_K):
    """Per vector: (mean similarity of its k nearest namesakes - of its k nearest true mentions, the former).
    ``exclude_*`` (n x refs, bool): references not to count (in training: the text's own file)."""
    import numpy as np

    vectors = np.asarray(vectors, dtype=np.float32)
    top = []
    for refs, exclude in ((neg_refs, exclude_neg), (pos_refs, exclude_pos)):
        sims = vectors @ refs.T
        if exclude is not None:
            sims[exclude] = -9.0
        kk = max(1, min(k, sims.shape[1]))
        top.append(np.partition(sims, -kk, axis=1)[:, -kk:].astype(np.float64).mean(axis=1))
    neg, pos = top
    return np.stack([neg - pos, neg], axis=1)
