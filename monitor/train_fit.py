"""How ``monitor train`` fits the judgement model: each item's features, then one logistic regression
per head on each view (hashed n-grams, word vectors), and the chances a fitted model gives.

scikit-learn (its logistic regression) is imported here only; running the monitor never needs it.
Fitting is deterministic: the two views are fitted side by side, each in a fixed order.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

from . import model as M
from .train_data import Item

C_SPARSE = 10.0
C_DENSE = 0.03
# liblinear's stopping tolerance for the n-gram heads (1e-4 until round 16): at 1e-3 each head stops after
# about 32 passes instead of 41, a sixth less time, and the stored one-byte weights are the same but for 3 in
# 10,000 (one step each); no chance moved by more than 0.002 on the training texts (README, round 16).
TOL_SPARSE = 1e-3


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
    """The same features ``model.Model.score_texts`` computes, for every item and its pieces (the items in
    ``WORKERS`` parts, each part's n-grams and sentence vectors in a process of its own)."""
    import numpy as np

    step = -(-len(items) // max(1, WORKERS))
    parts = [(items[k:k + step],) for k in range(0, len(items), step)] if items else [([],)]
    whole_rows, whole_dense, unit_rows, unit_dense, all_sents = [], [], [], [], []
    for sents_of, unit_counts, sizes, idx, tf, vectors in _run_jobs(_featurise_part, parts, embedder):
        rows = list(zip(np.split(idx.astype(np.int64), np.cumsum(sizes)[:-1]), np.split(tf, np.cumsum(sizes)[:-1])))
        ends = np.cumsum([len(s) for s in sents_of]).tolist()
        at = 0
        for sents, n, end in zip(sents_of, unit_counts.tolist(), ends):
            dense = M.dense_rows(vectors[end - len(sents):end], M.pieces_of(len(sents)))
            whole_rows.append(rows[at])
            unit_rows.append(rows[at + 1:at + 1 + n])
            whole_dense.append(dense[0])
            unit_dense.append(dense[1:])
            all_sents.append(sents)
            at += 1 + n
    whole_dense = np.stack(whole_dense)
    return Features(whole_rows, whole_dense, unit_rows, unit_dense, whole_dense[:, :256].copy(), all_sents)


def _featurise_part(embedder, items: list[Item]):
    """One part's sentences, their vectors and every piece's n-gram counts, packed in a few long arrays (a
    process hands back a handful of arrays far faster than a hundred thousand small ones; the hashes fit in
    16 bits, ``M.N_HASH``)."""
    import numpy as np

    sents_of, unit_counts, idx, tf, vecs, sizes = [], [], [], [], [], []
    for it in items:
        sents = [s for _f, s in M.split(it.title, it.body)]
        if sents:
            vecs.append(embedder.embed(sents))
        pieces = M.pieces_of(len(sents))
        for i, t in (_tf(c) for c in M.piece_counts(M.sentence_counts(sents), pieces)):
            idx.append(i.astype(np.uint16))
            tf.append(t)
            sizes.append(len(i))
        unit_counts.append(len(pieces) - 1)
        sents_of.append(sents)
    return (sents_of, np.array(unit_counts, np.int64), np.array(sizes, np.int64),
            *(np.concatenate(a) if a else np.zeros(0, d) for a, d in ((idx, np.uint16), (tf, np.float32))),
            np.concatenate(vecs) if vecs else np.zeros((0, 256), np.float32))


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
    # A sentence's share of its chance, and the watch agreement: fixed since round 18 (None: chosen by
    # cross-validation from SENTENCE_WEIGHTS / WATCH_AGREEMENTS, as until round 17). The choice was a near tie that
    # flipped between retrains (0.5 in round 17, 0.6 at its merge, 0.5 again with t88 and t89); each flip moved every
    # chance and threshold, so which crises sat just under the alert threshold changed with any new file. Held out by
    # writer, 0.5 fixed left fewer crises below alert and raised fewer harmless texts than the choice (README, round 18).
    sentence_weight: float | None = 0.5
    watch_agreement: float | None = 0.0
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
    # The n-gram heads' own C (liblinear's inverse regularisation) for some heads, the others at ``c_sparse``.
    sparse_c_heads: tuple = ()
    # Bagging: these heads' regressions fitted ``bag`` times, each on the fit's items less one share of its
    # writers (dealt round-robin), and their weights averaged (one linear model, so no cost to a run); 0: off.
    bag: int = 0
    bag_heads: tuple = ("alert", "crisis")
    bag_views: tuple = ("sparse",)


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


def fit(feat: Features, y, rows: list[int], how: "Settings | None" = None, groups=None) -> Fitted:
    """Every head on the given items: a logistic regression on the n-grams and one on the embeddings.

    With ``how.extra_negatives`` each sentence is also an example on its own, but only of what
    it cannot be: a sentence of a text below crisis is not a crisis, a sentence of a text
    without the fraud family is not fraud. (Whether the one risk sentence of a crisis text is
    a crisis on its own is unknown, so those are left out.) This teaches the sentence-aware
    reading that an ordinary sentence of a complaint is not a risk.
    """
    return fit_all(feat, y, [rows], how, groups)[0]


def fit_all(feat: Features, y, row_sets: list[list[int]], how: "Settings | None" = None, groups=None) -> list[Fitted]:
    """:func:`fit` for each set of rows (cross-validation's folds and the final model), every regression of
    every fit a job for the same ``WORKERS`` processes: one pool, so no core idles while the other finishes
    one fit's last head (six pools until round 17), and the same weights to the last bit."""
    import numpy as np

    how = how or Settings()
    problems = [_problem(feat, y, rows, how, groups) for rows in row_sets]
    heads = len(M.HEADS)
    # Every (fit, view, head[, bag member]) regression is a job of its own, each job's result goes to its own
    # column, so which process ran it changes nothing.
    jobs = [(k, name, c, b) for k in range(len(problems)) for name in ("sparse", "dense") for c in range(heads)
            for b in range(_members(how, name, c))]
    results = iter(_average_members(_run_jobs(_fit_job, jobs, (feat, problems)), jobs))
    _DENSE.clear()  # held by this process when the jobs ran in it (one worker, or no fork)
    out = []
    for k, (idf, width, mean, scale, *_rest) in enumerate(problems):
        w = {name: (np.zeros((width if name == "dense" else M.N_HASH, heads), dtype=np.float32),
                    np.zeros(heads, dtype=np.float32)) for name in ("sparse", "dense")}
        for name in ("sparse", "dense"):
            for c in range(heads):
                w[name][0][:, c], w[name][1][c] = next(results)
        out.append(Fitted(idf, w["sparse"][0], w["sparse"][1], w["dense"][0], w["dense"][1],
                          mean.astype(np.float32), scale.astype(np.float32), dense_weights(how)))
    return out


def _members(how: Settings, name: str, c: int) -> int:
    """How many regressions make head ``c`` of view ``name``: ``how.bag`` for a bagged head, else 1."""
    return how.bag if how.bag > 1 and M.HEADS[c] in how.bag_heads and name in how.bag_views else 1


def _average_members(results: list, jobs: list):
    """One ``(weights, bias)`` per (fit, view, head): a bagged head's members averaged, in the jobs' order."""
    import numpy as np

    out, at = [], 0
    while at < len(jobs):
        n = 1
        while at + n < len(jobs) and jobs[at + n][:3] == jobs[at][:3]:
            n += 1
        part = results[at:at + n]
        out.append((np.mean([w for w, _b in part], axis=0), float(np.mean([b for _w, b in part]))) if n > 1 else part[0])
        at += n
    return out


def _bag_rows(rows: list[int], groups, bag: int) -> list:
    """For each bag member, the positions in ``rows`` it is fitted on: all but one share of the writers
    (writers dealt round-robin in sorted order; without ``groups``, items dealt by position)."""
    import numpy as np

    if bag < 2:
        return []
    if groups is None:
        share = np.arange(len(rows)) % bag
    else:
        from .train_data import writer_order

        writers = sorted({groups[r] for r in rows}, key=writer_order)
        of = {w: k % bag for k, w in enumerate(writers)}
        share = np.array([of[groups[r]] for r in rows])
    return [np.flatnonzero(share != b) for b in range(bag)]


def _problem(feat: Features, y, rows: list[int], how: Settings, groups=None):
    """What one fit's jobs read: ``(idf, width, mean, scale, rows, n-gram rows (csr), units' n-gram rows,
    units' dense rows, labels, units' labels, how)``. The word vectors' standardised rows (a float64 copy of
    every text's) are made by each process when it first needs them (``_dense_view``), not kept for every fit."""
    import numpy as np

    sparse_rows = [feat.whole_sparse[r] for r in rows]
    idf = _idf(sparse_rows)
    width = feat.whole_dense.shape[1] if how.dense_max else feat.whole_dense.shape[1] // 2  # the mean half first
    xd_raw = feat.whole_dense[rows, :width].astype(np.float64)
    mean = xd_raw.mean(axis=0)
    scale = 1.0 / np.maximum(xd_raw.std(axis=0), 1e-6)
    heads = len(M.HEADS)
    # Single sentences of texts with more than one, and the text each came from.
    owners = [r for r in rows for k, u in enumerate(M.units(feat.sentences[r]))
              if how.extra_negatives and len(u) == 1 and len(feat.sentences[r]) > 1]
    pieces = [k for r in rows for k, u in enumerate(M.units(feat.sentences[r]))
              if how.extra_negatives and len(u) == 1 and len(feat.sentences[r]) > 1]
    units_sparse = _csr([feat.unit_rows[r][k] for r, k in zip(owners, pieces)], idf)
    units_dense = ((np.stack([feat.unit_dense[r][k, :width] for r, k in zip(owners, pieces)]) - mean) * scale
                   if owners else np.zeros((0, width)))
    owner_y = y[owners] if owners else np.zeros((0, heads), dtype=y.dtype)
    return (idf, width, mean, scale, rows, _csr(sparse_rows, idf), units_sparse, units_dense, y[rows], owner_y, how,
            _bag_rows(rows, groups, how.bag))


_DENSE = {}  # in a process: the fit whose standardised word-vector rows it holds, and those rows


def _dense_view(feat: Features, problems: list, k: int):
    """Fit ``k``'s word-vector rows, standardised as :func:`fit` always made them, kept for the process's next job."""
    import numpy as np

    if _DENSE.get("fit") != k:
        _DENSE.clear()
        _idf_, width, mean, scale, rows = problems[k][:5]
        _DENSE.update(fit=k, x=(feat.whole_dense[rows, :width].astype(np.float64) - mean) * scale)
    return _DENSE["x"]


# How many processes fit the heads (the two cores of the machine `monitor train` is bounded on). Processes,
# not threads: liblinear draws its coordinate order from C's rand(), seeded at the start of each fit, so two
# of its fits at once in one process are not reproducible; in processes of their own each fit is alone with
# its seed and gives the same weights to the last bit whichever process runs it. Until round 16 two threads
# fitted the n-gram heads in one and the word-vector heads in the other: the n-gram thread, the longer, set
# the pace while the other core idled for a quarter of each fit.
WORKERS = 2
_JOB_DATA = None  # what the forked processes read: set just before they fork, cleared after


def _run_jobs(job, jobs: list, data) -> list:
    """``[job(data, *j) for j in jobs]``, in ``WORKERS`` forked processes when the platform forks."""
    import multiprocessing

    global _JOB_DATA
    if WORKERS < 2 or len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [job(data, *j) for j in jobs]
    _JOB_DATA = (job, data, jobs)
    # The processes share the parent's memory until they write to it; the garbage collector writes to every
    # object it visits (millions: the features), so what exists now is frozen out of its reach first.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
            return pool.map(_forked_job, range(len(jobs)), chunksize=1)
    finally:
        _JOB_DATA = None
        gc.unfreeze()


def _forked_job(k: int):
    job, data, jobs = _JOB_DATA
    return job(data, *jobs[k])


def _fit_job(data, k: int, name: str, c: int, b: int = 0):
    """One head's regression on one view of fit ``k`` (bag member ``b`` of a bagged head): ``(weights, bias)``."""
    import numpy as np
    from scipy.sparse import vstack

    feat, problems = data
    _idf_, _width, _mean, _scale, _rows, x_sparse, units_sparse, units_dense, yy, owner_y, how, bags = problems[k]
    if name == "sparse":
        C = dict(how.sparse_c_heads).get(M.HEADS[c], how.c_sparse)
        x, x_units, stack, dual = x_sparse, units_sparse, vstack, True
    else:
        x, x_units, stack, C, dual = _dense_view(feat, problems, k), units_dense, np.vstack, how.c_dense, False
    target = yy[:, c]
    if _members(how, name, c) > 1:
        x, target = x[bags[b]], target[bags[b]]
    negatives = np.flatnonzero(owner_y[:, c] == 0) if len(owner_y) else np.zeros(0, dtype=int)
    xc = stack([x, x_units[negatives]]) if len(negatives) else x
    if hasattr(xc, "tocsr"):
        xc = xc.tocsr()
    tc = np.concatenate([target, np.zeros(len(negatives), dtype=target.dtype)])
    positives = int(tc.sum())
    if positives == 0 or positives == len(tc):
        prior = (positives + 0.5) / (len(tc) + 1.0)
        return np.zeros(x.shape[1], dtype=np.float32), np.log(prior / (1 - prior))
    return _fit_head(C, dual, xc, tc)


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
    return LogisticRegression(C=C, class_weight="balanced", solver="liblinear", dual=dual, tol=TOL_SPARSE,
                              max_iter=2000, random_state=0)


def chances(fitted: Fitted, feat: Features, rows: list[int]):
    """``(whole, best_piece)`` chances per head for the given items."""
    import numpy as np

    m = fitted.model({})
    whole = m._probabilities([_normalised(feat.whole_sparse[r], fitted.idf) for r in rows], feat.whole_dense[rows])
    best = np.zeros_like(whole)
    for at, p in pieces_chances(m, fitted.idf, feat, rows):
        best[at] = p.max(axis=0)
    return whole, best


def pieces_chances(m: M.Model, idf, feat: Features, rows: list[int], batch: int = 256):
    """``(k, chances of rows[k]'s pieces)`` for each of ``rows`` that has pieces, scored ``batch`` texts at a time
    (one text at a time until round 17: the same numbers, a third of the time)."""
    import numpy as np

    have = [k for k, r in enumerate(rows) if feat.unit_rows[r]]
    for lo in range(0, len(have), batch):
        part = have[lo:lo + batch]
        counts = [len(feat.unit_rows[rows[k]]) for k in part]
        p = m._probabilities([_normalised(u, idf) for k in part for u in feat.unit_rows[rows[k]]],
                             np.concatenate([feat.unit_dense[rows[k]] for k in part]))
        yield from zip(part, np.split(p, np.cumsum(counts)[:-1]))


def _normalised(row, idf):
    import numpy as np

    idx, tf = row
    v = tf * idf[idx]
    n = float(np.sqrt((v * v).sum()))
    return idx, (v / n if n > 0 else v).astype(np.float32)
