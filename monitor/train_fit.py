"""How ``monitor train`` fits the judgement model: each item's features, then one logistic regression
per head on each view (hashed n-grams, word vectors), and the chances a fitted model gives.

scikit-learn (its logistic regression) is imported here only; running the monitor never needs it.
Fitting is deterministic: the two views are fitted side by side, each in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import model as M
from . import train_pool
from .train_weights import row_weights
from .train_data import Item

C_SPARSE = 10.0
C_DENSE = 0.03
# liblinear's stopping tolerance for the n-gram heads (1e-4 until round 16): at 1e-3 each head stops after
# about 32 passes instead of 41, a sixth less time, and the stored one-byte weights are the same but for 3 in
# 10,000 (one step each); no chance moved by more than 0.002 on the training texts (README, round 16).
TOL_SPARSE = 1e-3
# The same for cross-validation's fold fits (``train.cross_validate``), which only give the out-of-fold chances the
# thresholds are chosen from; the model written is always fitted at TOL_SPARSE. Round 23: at 1e-2 the folds' n-gram
# heads stop sooner and `monitor train` takes 14-20 s less CPU (back to back on 111 files: 90.7 / 94.3 -> 84.3 / 83.2 s
# wall), the written weights byte-identical and the thresholds the same but for near ties (README, "Teaching it").
FOLD_TOL_SPARSE = 1e-2


# --------------------------------------------------------------------------- features


@dataclass
class Features:
    whole_sparse: object        # csr (items, N_HASH), TF counts before idf: rows of (idx, sublinear tf)
    whole_dense: object         # (items, 512)
    unit_rows: list             # per item: list of (idx, tf) for each unit
    unit_dense: list            # per item: (units, 512)
    text_vec: object            # (items, 256) mean sentence vector (nearest-example bank)
    sentences: list             # per item: list of sentences


def featurise(items: list[Item], embedder, cache=None) -> Features:
    """The same features ``model.Model.score_texts`` computes, for every item and its pieces (the items in
    ``train_pool.WORKERS`` parts, each part's n-grams and sentence vectors in a process of its own). ``cache``: a
    file of the features by text (``train_cache``): only the texts not in it are read, and these are added to it."""
    import numpy as np

    from . import train_cache as TC

    want = TC.version() if cache is not None else ""
    known = TC.load(cache, want)
    keys = [TC.item_key(it) for it in items]
    todo, todo_keys = [it for it, key in zip(items, keys) if key not in known], [key for key in keys if key not in known]
    if todo or not items:
        step = -(-len(todo) // max(1, train_pool.WORKERS)) or 1
        parts = [(todo[k:k + step],) for k in range(0, len(todo), step)] if todo else [([],)]
        fresh = [e for part in train_pool.run_jobs(_featurise_part, parts, embedder) for e in TC.unpack(part)]
        known.update(zip(todo_keys, fresh))
    whole_rows, whole_dense, unit_rows, unit_dense, all_sents = [], [], [], [], []
    for key in keys:
        sents, n, rows, vectors = known[key]
        rows = [(i.astype(np.int64), t) for i, t in rows]
        dense = M.dense_rows(vectors, M.pieces_of(len(sents)))
        whole_rows.append(rows[0])
        unit_rows.append(rows[1:1 + n])
        whole_dense.append(dense[0])
        unit_dense.append(dense[1:])
        all_sents.append(sents)
    if cache is not None and todo:  # kept with every text seen before: a run on fewer files loses none; a cache
        TC.save(cache, want, known)  # that cannot be written (read-only data/, a full disk) is skipped: it only saves time
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
    # A text labelled info, a crisis, counts this many times in the heads named (``train_weights.row_weights``;
    # round 25: each moved crises below alert and harmless texts raised along one line; both 1, kept to re-measure).
    harmless_weight: float = 1.0
    harmless_heads: tuple = ("alert", "crisis")
    crisis_weight: float = 1.0
    crisis_heads: tuple = ("alert",)


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
    return fit_all(feat, y, [rows], how)[0]


def fit_all(feat: Features, y, row_sets: list[list[int]], how: "Settings | None" = None,
            tols: list[float] | None = None, dense_tols: list[float] | None = None) -> list[Fitted]:
    """:func:`fit` for each set of rows (cross-validation's folds and the final model), every n-gram regression
    of every fit, and each fit's word-vector regressions together, a job for the same ``train_pool.WORKERS`` processes: one pool, so no core idles while the other finishes
    one fit's last head (six pools until round 17), and the same weights to the last bit. ``tols``: each fit's
    n-gram tolerance (TOL_SPARSE for every fit if None); ``dense_tols`` each fit's word-vector tolerance (DENSE_TOL
    for every fit if None)."""
    import numpy as np

    how = how or Settings()
    problems = [_problem(feat, y, rows, how) for rows in row_sets]
    heads = len(M.HEADS)
    # Each fit's word-vector heads are one job (fitted together: ``_fit_dense_heads``), each of its n-gram heads
    # another; each job's result goes to its own columns, so which process ran it changes nothing.
    tols = list(tols) if tols is not None else [TOL_SPARSE] * len(problems)
    dense_tols = list(dense_tols) if dense_tols is not None else [DENSE_TOL] * len(problems)
    jobs = _job_order(len(problems), heads, tols)
    results = dict(zip(jobs, train_pool.run_jobs(_fit_job, jobs, (feat, problems, (tols, dense_tols)))))
    out = []
    for k, (idf, _width, mean, scale, *_rest) in enumerate(problems):
        w_sparse = np.zeros((M.N_HASH, heads), dtype=np.float32)
        b_sparse = np.zeros(heads, dtype=np.float32)
        for c in range(heads):
            w_sparse[:, c], b_sparse[c] = results[(k, "sparse", c)]
        w_dense, b_dense = results[(k, "dense", None)]
        out.append(Fitted(idf, w_sparse, b_sparse, w_dense.astype(np.float32), b_dense.astype(np.float32),
                          mean.astype(np.float32), scale.astype(np.float32), dense_weights(how)))
    return out


def _job_order(fits: int, heads: int, tols: list[float]) -> list:
    """Every fit's jobs, the longest first, so neither process is left alone with a long job at the end (round 24):
    the word-vector jobs (each all of a fit's heads), then the n-gram heads of the fits at the tightest tolerance
    (the model written), then the rest. Which process runs a job, and when, changes no weight."""
    jobs = [(k, "dense", None) for k in range(fits)]
    return jobs + [(k, "sparse", c) for k in sorted(range(fits), key=lambda k: (tols[k], k)) for c in range(heads)]


def _problem(feat: Features, y, rows: list[int], how: Settings):
    """What one fit's jobs read: ``(idf, width, mean, scale, rows, n-gram rows (csr), units' n-gram rows,
    units' dense rows, labels, units' labels, how)``. The word vectors' standardised rows (a float64 copy of
    every text's) are made by the job that fits them, not kept for every fit."""
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
    return idf, width, mean, scale, rows, _csr(sparse_rows, idf), units_sparse, units_dense, y[rows], owner_y, how


def _fit_job(data, k: int, name: str, c: int | None):
    """Fit ``k``'s n-gram regression for head ``c``: ``(weights, bias)``; or (``name`` "dense") all its word-vector
    regressions: ``(weights (width, heads), biases)``."""
    import numpy as np
    from scipy.sparse import vstack

    feat, problems, (tols, dense_tols) = data
    _idf_, width, mean, scale, rows, x_sparse, units_sparse, units_dense, yy, owner_y, how = problems[k]
    if name == "dense":
        # The texts' standardised rows, then every unit's (``how.extra_negatives``: each a negative of the heads
        # its text is not), and a column of ones (the bias, regularised like the weights).
        x1 = np.ones((len(rows) + len(units_dense), width + 1))
        x1[:len(rows), :width] = feat.whole_dense[rows, :width]
        x1[:len(rows), :width] -= mean
        x1[:len(rows), :width] *= scale
        x1[len(rows):, :width] = units_dense
        target = np.concatenate([yy, np.zeros_like(owner_y)]).astype(np.float64)
        keep = np.concatenate([np.ones(yy.shape, dtype=bool), owner_y == 0])
        more = None
        rw = row_weights(yy, how)
        if rw is not None:
            more = np.ones(target.shape)
            more[:len(rows)] = rw
        return _fit_dense_heads(x1, target, keep, how.c_dense, dense_tols[k], more)
    target = yy[:, c]
    negatives = np.flatnonzero(owner_y[:, c] == 0) if len(owner_y) else np.zeros(0, dtype=int)
    xc = vstack([x_sparse, units_sparse[negatives]]).tocsr() if len(negatives) else x_sparse
    tc = np.concatenate([target, np.zeros(len(negatives), dtype=target.dtype)])
    positives = int(tc.sum())
    if positives == 0 or positives == len(tc):
        return np.zeros(x_sparse.shape[1], dtype=np.float32), _prior_logit(positives, len(tc))
    extra = None
    rw = row_weights(yy, how)
    if rw is not None and (rw[:, c] != 1.0).any():
        extra = np.ones(len(tc))
        extra[:len(rows)] = rw[:, c]
    return _fit_sparse_head(how.c_sparse, xc, tc, tols[k], extra)


def _prior_logit(positives: int, n: int) -> float:
    """The bias of a head whose labels are all one class: the log-odds of its smoothed share."""
    import math

    prior = (positives + 0.5) / (n + 1.0)
    return math.log(prior / (1 - prior))


def dense_weights(how: Settings):
    """The word vectors' share in each head's chance: ``how.dense_weight``, or a list of one per head when
    ``how.dense_heads`` gives some heads their own."""
    own = dict(how.dense_heads or ())
    if not own:
        return how.dense_weight
    return [float(own.get(h, how.dense_weight)) for h in M.HEADS]


def _fit_sparse_head(C: float, x, target, tol: float = TOL_SPARSE, sample_weight=None):
    """``(weights, bias)`` of one head's logistic regression on the n-grams (65,536 sparse columns): liblinear's
    dual solver, exact and fast here; ``random_state`` fixes its coordinate order (deterministic)."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", dual=True, tol=tol,
                            max_iter=2000, random_state=0).fit(x, target, sample_weight=sample_weight)
    return lr.coef_[0], lr.intercept_[0]


# The word-vector heads' L-BFGS (``_fit_dense_heads``): scikit-learn's own stopping rules for its lbfgs solver.
DENSE_TOL = 1e-6      # every gradient component at most this
DENSE_MEMORY = 10     # correction pairs kept (scipy's L-BFGS-B default)
DENSE_MAX_ITER = 5000
# The same for cross-validation's fold fits (round 24, as FOLD_TOL_SPARSE for the n-gram heads): the model written
# is always fitted at DENSE_TOL.
FOLD_DENSE_TOL = 1e-5


def _fit_dense_heads(x1, targets, keep, C: float, tol: float | None = None, more=None):
    """``(weights (width, heads), biases)``: for each column of ``targets`` (0/1), an L2-regularised logistic
    regression on the rows of ``x1`` that ``keep`` marks for it, its bias the weight of ``x1``'s last column (ones:
    regularised like the others), with balanced class weights: the objective scikit-learn's lbfgs solver
    minimises for ``LogisticRegression(C, class_weight="balanced", fit_intercept=False)`` on ``x1`` (its loss a
    mean weighted by the class weights, its penalty divided by their sum), which fitted each head alone until
    round 19.

    Here every head runs its own L-BFGS (its own correction pairs, its own backtracking line search) in lockstep
    with the others, so one matrix product with ``x`` serves every head at each step, and the line search needs
    none (``x`` times the step direction is kept: a trial step's scores are a sum). On 30,000 texts: 13 heads in
    5.5 s instead of 15.4 s one by one, every weight within 2e-4 of scikit-learn's, no chance moved by more than
    2.2e-4 (README, round 19). One BLAS thread: the sums in one order, the same weights to the last bit."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    n, heads = targets.shape
    weights = np.zeros((x1.shape[1], heads))
    sw = np.zeros((n, heads))
    fitted = []
    for c in range(heads):
        pos, total = int((targets[keep[:, c], c] == 1).sum()), int(keep[:, c].sum())
        if pos == 0 or pos == total:
            weights[-1, c] = _prior_logit(pos, total)
            continue
        if more is None:
            sw[keep[:, c] & (targets[:, c] == 1), c] = total / (2.0 * pos)
            sw[keep[:, c] & (targets[:, c] != 1), c] = total / (2.0 * (total - pos))
        else:  # as scikit-learn balances classes under sample weights: each class's weighted sum, not its count
            m = np.where(keep[:, c], more[:, c], 0.0)
            wpos, wall = m[targets[:, c] == 1].sum(), m.sum()
            sw[:, c] = np.where(targets[:, c] == 1, wall / (2.0 * wpos), wall / (2.0 * (wall - wpos))) * m
        fitted.append(c)
    if fitted:
        with threadpool_limits(limits=1):
            weights[:, fitted] = _lbfgs_lockstep(x1, targets[:, fitted], sw[:, fitted], C, tol)
    return weights[:-1], weights[-1]


def _lbfgs_lockstep(x1, y, sw, C: float, tol: float | None = None):
    """The weights minimising each column's ``sum(sw * logloss) / sum(sw) + |w|^2 / (2 C sum(sw))``; ``tol`` the
    largest gradient component left (DENSE_TOL if None)."""
    import numpy as np

    tol = DENSE_TOL if tol is None else tol
    n, width = x1.shape
    heads = y.shape[1]
    total = sw.sum(axis=0)
    lam = 1.0 / (C * total)

    def value(z, w, cols):
        return ((sw[:, cols] * (np.logaddexp(0.0, z) - y[:, cols] * z)).sum(axis=0) / total[cols]
                + 0.5 * lam[cols] * (w * w).sum(axis=0))

    def gradient(z, w, cols):
        return (x1.T @ (sw[:, cols] * (1.0 / (1.0 + np.exp(-z)) - y[:, cols]))) / total[cols] + lam[cols] * w

    everyone = np.arange(heads)
    w, z = np.zeros((width, heads)), np.zeros((n, heads))
    f, g = value(z, w, everyone), gradient(z, w, everyone)
    pairs = [[] for _ in range(heads)]
    steps = np.zeros(heads, dtype=int)
    done = np.abs(g).max(axis=0) <= tol
    for _step in range(DENSE_MAX_ITER):
        act = np.flatnonzero(~done)
        if not len(act):
            break
        d = np.stack([_direction(g[:, c], pairs[c]) for c in act], axis=1)
        xd = x1 @ d
        wa, za, fa, ga = w[:, act], z[:, act], f[act], g[:, act]
        slope = (ga * d).sum(axis=0)
        # The first step of each head a unit length (as L-BFGS-B's), then 1, halved until the value falls enough.
        t = np.where(steps[act] == 0, np.minimum(1.0, 1.0 / np.sqrt((ga * ga).sum(axis=0))), 1.0)
        accepted = np.zeros(len(act), dtype=bool)
        fn = fa.copy()
        for _halving in range(50):
            todo = np.flatnonzero(~accepted)
            if not len(todo):
                break
            ft = value(za[:, todo] + t[todo] * xd[:, todo], wa[:, todo] + t[todo] * d[:, todo], act[todo])
            good = ft <= fa[todo] + 1e-4 * t[todo] * slope[todo]
            fn[todo[good]], accepted[todo[good]] = ft[good], True
            t[todo[~good]] *= 0.5
        wn, zn = wa + t * d, za + t * xd
        gn = gradient(zn, wn, act)
        for j, c in enumerate(act):
            if not accepted[j]:  # no step lowers the value: as good as it gets in floating point
                done[c] = True
                continue
            s, dg = wn[:, j] - wa[:, j], gn[:, j] - ga[:, j]
            sy = float(s @ dg)
            if sy > 1e-12 * float(dg @ dg):
                pairs[c] = (pairs[c] + [(s, dg, 1.0 / sy)])[-DENSE_MEMORY:]
            fall = (fa[j] - fn[j]) / max(abs(fa[j]), abs(fn[j]), 1.0)
            w[:, c], z[:, c], f[c], g[:, c] = wn[:, j], zn[:, j], fn[j], gn[:, j]
            steps[c] += 1
            done[c] = np.abs(gn[:, j]).max() <= tol or fall <= 64 * np.finfo(float).eps
    return w


def _direction(g, pairs):
    """L-BFGS's step direction: minus the gradient times the inverse Hessian its correction pairs estimate."""
    q = -g.copy()
    alphas = []
    for s, dg, rho in reversed(pairs):
        a = rho * float(s @ q)
        alphas.append(a)
        q -= a * dg
    if pairs:
        s, dg, _rho = pairs[-1]
        q *= float(s @ dg) / float(dg @ dg)
    for (s, dg, rho), a in zip(pairs, reversed(alphas)):
        q += (a - rho * float(dg @ q)) * s
    return q


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
