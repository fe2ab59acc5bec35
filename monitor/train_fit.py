"""How ``monitor train`` fits the judgement model: each item's features, then one logistic regression
per head on each view (hashed n-grams, word vectors), and the chances a fitted model gives.

scikit-learn (its logistic regression) is imported here only; running the monitor never needs it.
Fitting is deterministic: the two views are fitted side by side, each in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import model as M
from .train_data import Item

C_SPARSE = 10.0
C_DENSE = 0.03


# --------------------------------------------------------------------------- features


@dataclass
class Features:
    whole_sparse: object        # csr (items, N_HASH), TF counts before idf: rows of (idx, sublinear tf)
    whole_dense: object         # (items, 512)
    unit_rows: list             # per item: list of (idx, tf) for each unit
    unit_dense: list            # per item: (units, 512)
    text_vec: object            # (items, 256) mean sentence vector (nearest-example bank)
    sentences: list             # per item: list of sentences


def featurise(items: list[Item], embedder) -> Features:
    """The same features ``model.Model.score_texts`` computes, for every item and its pieces."""
    import numpy as np

    whole_rows, whole_dense, unit_rows, unit_dense, text_vec, all_sents = [], [], [], [], [], []
    for it in items:
        sents = [s for _f, s in M.split(it.title, it.body)]
        vectors = embedder.embed(sents) if sents else np.zeros((0, 256), dtype=np.float32)
        pieces = M.pieces_of(len(sents))
        counts = [_tf(c) for c in M.piece_counts(M.sentence_counts(sents), pieces)]
        dense = M.dense_rows(vectors, pieces)
        whole_rows.append(counts[0])
        whole_dense.append(dense[0])
        text_vec.append(dense[0, :256])
        unit_rows.append(counts[1:])
        unit_dense.append(dense[1:])
        all_sents.append(sents)
    return Features(whole_rows, np.stack(whole_dense), unit_rows, unit_dense, np.stack(text_vec), all_sents)


def _tf(counts):
    """Sublinear term frequency of a piece's ``(idx, counts)``."""
    import numpy as np

    idx, cnt = counts
    return idx, (1.0 + np.log(cnt)).astype(np.float32) if len(idx) else cnt


def _csr(rows, idf):
    """Unit-length TF-IDF rows as a scipy CSR matrix."""
    import numpy as np
    from scipy.sparse import csr_matrix

    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indices, data = [], []
    for r, (idx, tf) in enumerate(rows):
        v = tf * idf[idx]
        n = float(np.sqrt((v * v).sum()))
        indices.append(idx)
        data.append(v / n if n > 0 else v)
        indptr[r + 1] = indptr[r] + len(idx)
    if not rows:
        return csr_matrix((0, M.N_HASH), dtype=np.float32)
    return csr_matrix((np.concatenate(data), np.concatenate(indices), indptr), shape=(len(rows), M.N_HASH),
                      dtype=np.float32)


def _idf(rows):
    import numpy as np

    df = np.zeros(M.N_HASH, dtype=np.float64)
    for idx, _tf_ in rows:
        df[idx] += 1
    n = len(rows)
    return (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)


# --------------------------------------------------------------------------- fitting


@dataclass
class Settings:
    """How the model is fitted (chosen by cross-validation; see training/README.md)."""

    c_sparse: float = C_SPARSE
    c_dense: float = C_DENSE
    extra_negatives: bool = False  # measured: lower crisis precision and 4x slower; kept to re-measure
    sentence_weight: float | None = None  # None: chosen by cross-validation from SENTENCE_WEIGHTS
    watch_agreement: float | None = None  # None: chosen by cross-validation from WATCH_AGREEMENTS
    dense_weight: float = 0.3
    # Heads that read the word vectors at their own, smaller share (round 14): the word-vector half reads risk into
    # ordinary texts (a Doric "who's going to the group tomorrow?" at 96% crisis, a group chat arranging to meet at 95%)
    # where the n-grams do not; held out by writer, "crisis" and "alert or worse" at 0.15 instead of 0.3 graded fewer
    # non-crises crisis and raised fewer info texts, with as many crises at alert or worse (README, round 14).
    dense_heads: tuple = (("alert", 0.15), ("crisis", 0.15))
    # The word vectors' max over sentences beside their mean. The max grows with the number of sentences whatever
    # the label (a long harmless text can read as a crisis); round 13 tried the mean alone (False): crisis precision
    # up on new writers, but held out by writer 87 crises below alert against 74 with every file, and two older
    # labelled sets each lost one more crisis below alert, so both are read (err toward recall).
    dense_max: bool = True
    # The crisis level reads this share of the higher of the safeguarding and amplification heads' chances
    # beside the crisis head's (``model.agree``; round 15: a crisis is one or the other in every labelled file).
    crisis_mix: float = 0.25


@dataclass
class Fitted:
    idf: object
    w_sparse: object
    b_sparse: object
    w_dense: object
    b_dense: object
    dense_mean: object
    dense_scale: object
    dense_weight: object = 0.5    # one share for every head, or a list of one per head (``M.HEADS`` order)

    def model(self, meta: dict, embedder=None) -> M.Model:
        import numpy as np

        # The n-gram weights as the artefact stores them (one byte each: ``model.quantise``), so that
        # cross-validation, thresholds and the cv_system measure the model that is shipped.
        codes, scales = M.quantise(np, self.w_sparse)
        arrays = {"idf": self.idf, "w_sparse_q": codes, "w_sparse_scale": scales, "b_sparse": self.b_sparse,
                  "w_dense": self.w_dense,
                  "b_dense": self.b_dense, "dense_mean": self.dense_mean, "dense_scale": self.dense_scale,
                  "bank": np.zeros((0, 256), dtype=np.int8)}
        meta = {"heads": list(M.HEADS), "examples": [], "thresholds": {}, "dense_weight": self.dense_weight, **meta}
        return M.Model(arrays, meta, embedder)


def fit(feat: Features, y, rows: list[int], how: "Settings | None" = None) -> Fitted:
    """Every head on the given items: a logistic regression on the n-grams and one on the embeddings.

    With ``how.extra_negatives`` each sentence is also an example on its own, but only of what
    it cannot be: a sentence of a text below crisis is not a crisis, a sentence of a text
    without the fraud family is not fraud. (Whether the one risk sentence of a crisis text is
    a crisis on its own is unknown, so those are left out.) This teaches the sentence-aware
    reading that an ordinary sentence of a complaint is not a risk.
    """
    import numpy as np
    from scipy.sparse import vstack

    how = how or Settings()
    sparse_rows = [feat.whole_sparse[r] for r in rows]
    idf = _idf(sparse_rows)
    width = feat.whole_dense.shape[1] if how.dense_max else feat.whole_dense.shape[1] // 2  # the mean half first
    xd_raw = feat.whole_dense[rows, :width].astype(np.float64)
    mean = xd_raw.mean(axis=0)
    scale = 1.0 / np.maximum(xd_raw.std(axis=0), 1e-6)
    yy = y[rows]
    heads = len(M.HEADS)
    # Single sentences of texts with more than one, and the text each came from.
    owners = [r for r in rows for k, u in enumerate(M.units(feat.sentences[r]))
              if how.extra_negatives and len(u) == 1 and len(feat.sentences[r]) > 1]
    pieces = [k for r in rows for k, u in enumerate(M.units(feat.sentences[r]))
              if how.extra_negatives and len(u) == 1 and len(feat.sentences[r]) > 1]
    views = {
        "sparse": (_csr(sparse_rows, idf), _csr([feat.unit_rows[r][k] for r, k in zip(owners, pieces)], idf),
                   vstack, how.c_sparse, True),
        "dense": ((xd_raw - mean) * scale,
                  (np.stack([feat.unit_dense[r][k, :width] for r, k in zip(owners, pieces)]) - mean) * scale if owners
                  else np.zeros((0, xd_raw.shape[1])), np.vstack, how.c_dense, False),
    }
    owner_y = y[owners] if owners else np.zeros((0, heads), dtype=y.dtype)
    from concurrent.futures import ThreadPoolExecutor

    out, jobs = {}, []
    for name, (x, x_units, stack, C, dual) in views.items():
        w_all = np.zeros((x.shape[1], heads), dtype=np.float32)
        b_all = np.zeros(heads, dtype=np.float32)
        out[name] = (w_all, b_all)

        def one(c, x=x, x_units=x_units, stack=stack, C=C, dual=dual, w_all=w_all, b_all=b_all):
            target = yy[:, c]
            negatives = np.flatnonzero(owner_y[:, c] == 0) if len(owner_y) else np.zeros(0, dtype=int)
            xc = stack([x, x_units[negatives]]) if len(negatives) else x
            if hasattr(xc, "tocsr"):
                xc = xc.tocsr()
            tc = np.concatenate([target, np.zeros(len(negatives), dtype=target.dtype)])
            positives = int(tc.sum())
            if positives == 0 or positives == len(tc):
                prior = (positives + 0.5) / (len(tc) + 1.0)
                b_all[c] = np.log(prior / (1 - prior))
                return
            w_all[:, c], b_all[c] = _fit_head(C, dual, xc, tc)

        jobs.append(lambda one=one: [one(c) for c in range(heads)])
    # Two threads, one per view, each fitting its heads in order: liblinear (n-grams) draws its order from
    # C's one rand(), so two of its fits at once are not reproducible (nor the one-byte weights).
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: job(), jobs))
    return Fitted(idf, out["sparse"][0], out["sparse"][1], out["dense"][0], out["dense"][1],
                  mean.astype(np.float32), scale.astype(np.float32), dense_weights(how))


def dense_weights(how: Settings):
    """The word vectors' share in each head's chance: ``how.dense_weight``, or a list of one per head when
    ``how.dense_heads`` gives some heads their own."""
    own = dict(how.dense_heads or ())
    if not own:
        return how.dense_weight
    return [float(own.get(h, how.dense_weight)) for h in M.HEADS]


def _fit_head(C: float, dual: bool, x, target):
    """``(weights, bias)`` of one head's logistic regression on one view."""
    if dual:  # the n-grams (65,536 sparse columns): liblinear's dual solver
        lr = _regression(C, True).fit(x, target)
        return lr.coef_[0], lr.intercept_[0]
    # The embeddings (512 dense columns): liblinear's primal problem until 26 Nov (its bias a regularised
    # column of ones) by L-BFGS: the same model within 7e-4 in any chance at a third of the CPU (16 s of
    # a fit's 24 were liblinear on these 13 regressions; `monitor train` makes six fits).
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    x1 = np.hstack([x, np.ones((len(x), 1), dtype=x.dtype)])
    with threadpool_limits(limits=1):  # BLAS and OpenMP sums in one order in this thread: reproducible
        lr = LogisticRegression(C=C, class_weight="balanced", solver="lbfgs", tol=1e-6, max_iter=5000,
                                fit_intercept=False).fit(x1, target)
    return lr.coef_[0][:-1], lr.coef_[0][-1]


def _regression(C: float, dual: bool):
    from sklearn.linear_model import LogisticRegression

    # liblinear is exact and fast here; random_state fixes its coordinate order (deterministic).
    return LogisticRegression(C=C, class_weight="balanced", solver="liblinear", dual=dual, tol=1e-4,
                              max_iter=2000, random_state=0)


def chances(fitted: Fitted, feat: Features, rows: list[int]):
    """``(whole, best_piece)`` chances per head for the given items."""
    import numpy as np

    m = fitted.model({})
    whole = m._probabilities([_normalised(feat.whole_sparse[r], fitted.idf) for r in rows], feat.whole_dense[rows])
    best = np.zeros_like(whole)
    for k, r in enumerate(rows):
        if feat.unit_rows[r]:
            p = m._probabilities([_normalised(u, fitted.idf) for u in feat.unit_rows[r]], feat.unit_dense[r])
            best[k] = p.max(axis=0)
    return whole, best


def _normalised(row, idf):
    import numpy as np

    idx, tf = row
    v = tf * idf[idx]
    n = float(np.sqrt((v * v).sum()))
    return idx, (v / n if n > 0 else v).astype(np.float32)
