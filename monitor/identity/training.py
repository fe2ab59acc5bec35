"""Training and measuring the is-it-us classifier: ``monitor train-identity [--cv]``.

Deterministic (Newton's method on an L2 logistic regression, classes balanced); the
cross-validation holds each labelled file out in turn (one file = one writer).
"""

from __future__ import annotations

from pathlib import Path

from .. import embed
from ..text import fold
from . import decide
from .context import BAND as CONTEXT_BAND, HEAD_L2, READS as CONTEXT_READS, WEIGHT as CONTEXT_WEIGHT, head_input, head_logit, mixed
from .encodings import CONTEXT_CACHE, ROOT, _context_key, context_vectors, fit_context_head  # noqa: F401 (re-exported)
from .classifier import sparse, stored_vocabulary
from .decide import (HIGH, L2, LEARNED_MARGIN, LEARNED_SAME_WORD, LEARNED_SIMILARITY, LOW, TEXT_C, TEXT_WEIGHT,
                     VECTOR_L2, Judge, knn_vote, model, text_logit)
from .features import FEATURES, VOTE, _weak_only, profile_text, short_name_elsewhere, strong_evidence, text_grams
from .training_files import TRAINING_FILES  # noqa: F401 (re-exported: which files, in which order)
from .words import words_after


def read_items(path: Path) -> list[dict]:
    """Labelled items of one file; every line must parse (a broken file is refused, not half-read)."""
    from ..evaluate import read_labelled

    return read_labelled(path).items


def places_of(files: list[Path]) -> list[tuple[str, list[str], list[str]] | None]:
    """Per file, where the charity works in that file's world and its products there (its ``X.places.json``
    sidecar: ``(area, places, products)``), or None (then the profile's in ``feeds.yaml``)."""
    from ..evaluate import read_places

    return [read_places(f) for f in files]


def candidates(config, files: list[Path]):
    """(group, item, sents, mentioned, matches) for every item whose text names us (a candidate). An item sent to us
    (``to_us``, see ``evaluate.sent_to_us``) is left out: a run never asks the check about those."""
    import hashlib

    from ..analyse import Analyser
    from ..evaluate import sent_to_us

    an = Analyser(config, model=None)
    seen: set[str] = set()
    out = []
    for g, path in enumerate(files):
        for item in read_items(path):
            key = hashlib.sha256(f"{item.get('title') or ''}\n{item['body']}".encode()).hexdigest()
            if key in seen or sent_to_us(item):
                continue
            seen.add(key)
            sents = an.split(item.get("title") or "", item.get("body") or "")
            mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
            mentioned = {i for i, ms in mbs.items() if ms}
            if mentioned:
                out.append((g, item, sents, mentioned, mbs))
    return out


def writer_weights(y, groups, floor: float | None = None):
    """Per text, its weight in training: each class sums to half the texts (classes balanced), and with ``floor``
    each file's texts of one class share weight as ``1 / max(their count, floor)``, so that a writer who wrote 130
    namesakes and 20 true mentions does not teach the model their style as evidence of one side. None: classes
    balanced only (as before round 15)."""
    import numpy as np

    y, groups = np.asarray(y), np.asarray(groups)
    w = np.ones(len(y))
    if floor:
        for g in set(groups.tolist()):
            for c in (0.0, 1.0):
                m = (groups == g) & (y == c)
                w[m] = 1.0 / max(int(m.sum()), floor)
    for c in (0.0, 1.0):
        m = y == c
        if m.any():
            w[m] *= len(y) / (2 * w[m].sum())
    return w


def _fit(X, y, l2: float = 1.0, iterations: int = 30, sw=None):
    """L2 logistic regression by Newton's method, classes weighted to balance (or by ``sw``); deterministic."""
    import numpy as np

    n, d = X.shape
    pos = y.sum()
    sw = np.where(y == 1, n / (2 * pos), n / (2 * (n - pos))) if sw is None else sw
    A = np.hstack([X, np.ones((n, 1))])
    beta = np.zeros(d + 1)
    reg = np.append(np.broadcast_to(np.asarray(l2, dtype=np.float64), (d,)), 0.0)  # one L2, or one per feature
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(A @ beta)))
        g = A.T @ (sw * (p - y)) + reg * beta
        H = (A * (sw * p * (1 - p))[:, None]).T @ A + np.diag(reg + 1e-9)
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    w, b = beta[:-1], beta[-1]
    return w, b


def featurise(config, cands, places=None):
    """The features of every candidate; ``places`` (per file, ``places_of``): each item's place evidence is read
    with its own file's places (each writer put the charity in a town of their own)."""
    import numpy as np

    judge = Judge(config, [])
    judge.embedder()
    X, ctxs, afters = [], [], []
    for g, _item, sents, mentioned, mbs in cands:
        judge.use_sidecar(places[g] if places else None)
        x, ctx, _doc, _k, after = judge.features(sents, mentioned, mbs)
        X.append(x)
        ctxs.append(ctx)
        afters.append(after)
    return np.asarray(X, dtype=np.float64), np.asarray(ctxs, dtype=np.float32), afters


WRITER_FLOOR: float | None = None  # round 15: see ``writer_weights``
TEXT_MIN_DF = 3  # a term in fewer training texts than this is not in the words model's vocabulary (3 since round 7:
# the same figures as 2 with C 100, a smaller file)


def _fit_text(grams, y, c: float = TEXT_C, min_df: int | None = None, groups=None):
    """The words model: (vocabulary, idf, weights, intercept), sublinear TF-IDF and an L2 logistic regression
    (classes balanced, C ``c``), fitted by scikit-learn's lbfgs (deterministic); run time needs numpy only."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    df: dict[str, int] = {}
    for gs in grams:
        for g in set(gs):
            df[g] = df.get(g, 0) + 1
    vocab = sorted(g for g, n in df.items() if n >= (TEXT_MIN_DF if min_df is None else min_df))
    index = {g: i for i, g in enumerate(vocab)}
    n = len(grams)
    idf = np.asarray([np.log((1 + n) / (1 + df[g])) + 1 for g in vocab])
    A = _tfidf(grams, index, idf)
    if WRITER_FLOOR and groups is not None:
        lr = LogisticRegression(C=c, max_iter=5000, tol=1e-8).fit(A, y, sample_weight=writer_weights(y, groups, WRITER_FLOOR))
    else:
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, tol=1e-8).fit(A, y)
    return vocab, idf, lr.coef_[0].astype(np.float64), float(lr.intercept_[0])


def _tfidf(grams, index, idf):
    import numpy as np
    from scipy import sparse

    rows, cols, vals = [], [], []
    for r, gs in enumerate(grams):
        counts: dict[int, int] = {}
        for g in gs:
            j = index.get(g)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        v = {j: (1.0 + np.log(c)) * idf[j] for j, c in counts.items()}
        norm = float(np.sqrt(sum(x * x for x in v.values()))) or 1.0
        for j, x in sorted(v.items()):
            rows.append(r)
            cols.append(j)
            vals.append(x / norm)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(grams), len(index)))


def _text_logits(text_model, grams):
    import numpy as np

    vocab, idf, w, b = text_model
    index = {g: i for i, g in enumerate(vocab)}
    return np.asarray([text_logit(index, idf, w, b, gs) for gs in grams])


def _blend(p, text_logits, weight: float = TEXT_WEIGHT):
    """As ``Model.p_us``: the two models' log-odds mixed."""
    import numpy as np

    q = np.clip(p, 1e-12, 1 - 1e-12)
    return 1 / (1 + np.exp(-((1 - weight) * np.log(q / (1 - q)) + weight * text_logits)))


def grams_of(cands) -> list[list[str]]:
    return [text_grams(sents, mentioned, mbs) for _g, _item, sents, mentioned, mbs in cands]


def _standardise(X):
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean, scale


REFS_SCALE = 6.0  # the vote's references, int8 x this: x 127 until round 6, x 63 until round 11; at x 15 (rounds 12-14)
# they took 0.9 MB compressed instead of 1.6 (the model 2.33 -> 1.6 MB), and the vote, the mean of the 10 nearest, moved
# too little to change the curve (cross-validation 4.13 -> 4.05 namesakes in 20 at recall 0.99, t51/t52 held out the same
# 46 taken). x 10 since round 15 (1.11 -> 0.87 MB on 13,716 texts): in cross-validation on 56 files at LOW 93 -> 94 true
# mentions lost of 7,778 and 896 -> 892 namesakes let in, 3.36 namesakes in 20 at recall 0.99 either way; t67, t69 and
# t71 held out the same (39 of 380 not-us taken, 23 of 520 true lost). docs/history/identity.md, round 15. x 6 since round 17
# (a vector's larger numbers survive, 18% of them non-zero against 42%; stored as non-zero numbers, 1.0 -> 0.52 MB on
# 16,956 texts): held out by file on 70 files 121 -> 118 true mentions lost of 9,926, 1,033 -> 1,056 namesakes let in
# of 7,030; t82, t84, t86 trained without them 37 -> 35 of 380 not-us taken, 8 -> 8 of 520 true lost. x 5: 122 lost,
# 1,064 let in, one true crisis lost through the valve (not kept). docs/history/identity.md, round 17


def _quantised(vectors, scale: float | None = None):
    """The vectors as the artefact stores them (int8, x ``scale``, by default ``REFS_SCALE``)."""
    import numpy as np

    scale = REFS_SCALE if scale is None else scale
    return np.round(vectors * scale).clip(-127, 127).astype(np.int8)


POSITIVES_SCALE = 8.0  # the true mentions' ctx vectors, int8 x this: only their nearest one counts (learned
# namesakes, margin 0.10). x 31 in rounds 6-7; x 17 in rounds 8-14 (one correction each then kept out 0.66 other
# namesakes, 0.65 at x 31, and could hide 24 true mentions of 4,461). x 8 since round 15 (0.60 -> 0.27 MB of the
# file): on the 56 files' 13,716 candidates, one correction per namesake by the similarity rule keeps out 0.200 other
# namesakes (0.202 at x 17) and could hide 32 true mentions of 7,777 (39 at x 17; 87 at x 6; the vote's references
# read instead of these vectors: 129). README "Is it us?"


def _refs_stored(vectors, us):
    """The vote's references as the file stores them (round 17): int8 x REFS_SCALE, namesakes first (``ref_n_neg`` of
    them), transposed (256 x texts: the matrix the vote multiplies by, so loading only scales it), as its non-zero
    numbers (``refs_nz``, ``refs_val``, ``refs_shape``: ``classifier.sparse``); since round 25 as base-3 digits,
    Huffman-coded (``refs_trits``, ``refs_far_at``, ``refs_far_val``, ``refs_shape``: ``sparse``'s ``trits``)."""
    import numpy as np

    q = _quantised(vectors)
    stored = sparse(np.ascontiguousarray(np.concatenate([q[~us], q[us]]).T), trits=True)
    return {**{f"refs_{k}": v for k, v in stored.items()}, "ref_n_neg": np.int64((~us).sum())}


def _positives(ctxs, refs_us):
    """(the true mentions' ctx vectors to store, int8 x POSITIVES_SCALE; which of them equal their vector around the
    name as the artefact stores it, so are read from ``refs`` instead; whether the stored numbers are their difference
    from the signs of the references). Only while the references are stored at least as finely as these (until round
    17, x 10 against x 8) are any read from them; since then (x 6) each is stored at x 8, and since round 19 as its
    difference from the sign of its reference's numbers (the vote's vector around the name: the two agree in most
    numbers, so the difference is mostly zeros: 0.52 -> 0.44 MB deflated, read back exactly)."""
    import numpy as np

    if REFS_SCALE < POSITIVES_SCALE:
        pos = np.round(ctxs * POSITIVES_SCALE).clip(-127, 127).astype(np.int8)
        return pos - np.sign(_quantised(refs_us)), np.zeros(len(ctxs), dtype=bool), True
    same = (_quantised(ctxs) == _quantised(refs_us)).all(axis=1)
    return np.round(ctxs[~same] * POSITIVES_SCALE).clip(-127, 127).astype(np.int8), same, False


def _with_votes(X, refs, ref_us, ref_groups=None, groups=None):
    """The features plus the nearest-neighbour vote (a training text never votes for its own file)."""
    import numpy as np

    ex_neg = ex_pos = None
    if groups is not None:
        ex_neg, ex_pos = groups[:, None] == ref_groups[None, ~ref_us], groups[:, None] == ref_groups[None, ref_us]
    return np.hstack([X, knn_vote(refs[~ref_us], refs[ref_us], X[:, VOTE], ex_neg, ex_pos)])


def _regularisation(d: int, l2: float):
    """L2 per feature: ``l2`` for the hand-made ones and the vote, VECTOR_L2 for the vectors (around the name, the
    words before it, the words after it: 256 numbers each)."""
    import numpy as np

    reg = np.full(d, l2)
    reg[len(FEATURES):d - 2] = VECTOR_L2
    return reg


def _fit_all(X, y, groups, l2: float):
    """(mean, scale, w, b, refs) fitted on these texts."""
    import numpy as np

    refs = _quantised(X[:, VOTE]).astype(np.float32) / np.float32(REFS_SCALE)
    F = _with_votes(X, refs, y == 1, groups, groups)
    mean, scale = _standardise(F)
    sw = writer_weights(y, groups, WRITER_FLOOR) if WRITER_FLOOR else None
    w, b = _fit((F - mean) / scale, y, _regularisation(F.shape[1], l2), sw=sw)
    return mean, scale, w, b, refs


def _predict(X, mean, scale, w, b):
    import numpy as np

    return 1 / (1 + np.exp(-(((X - mean) / scale) @ w + b)))


def cross_validate(config, files: list[Path], l2: float = L2, high: float = HIGH,
                   text_weight: float = TEXT_WEIGHT, second_look: bool = True) -> dict:
    """Out-of-fold P(us) with each file held out in turn (grouped by file), the second look's included."""
    import numpy as np

    cands = candidates(config, files)
    X, _ctx, _a = featurise(config, cands, places_of(files))
    grams = grams_of(cands)
    y = np.asarray([1.0 if c[1]["mention"] else 0.0 for c in cands])
    groups = np.asarray([c[0] for c in cands])
    oof = np.zeros(len(y))
    forced = _rules_first(config, cands, places_of(files))
    V = head_input(context_vectors(cands)) if second_look else None
    for g in sorted(set(groups.tolist())):
        tr, te = groups != g, groups == g
        if len(set(y[tr].tolist())) < 2:
            oof[te] = 1.0
            continue
        mean, scale, w, b, refs = _fit_all(X[tr], y[tr], groups[tr], l2)
        oof[te] = _predict(_with_votes(X[te], refs, y[tr] == 1), mean, scale, w, b)
        if text_weight:
            tm = _fit_text([grams[i] for i in np.flatnonzero(tr)], y[tr], groups=groups[tr])
            oof[te] = _blend(oof[te], _text_logits(tm, [grams[i] for i in np.flatnonzero(te)]), text_weight)
        if V is not None:  # the second look, as a run: only inside the band
            head = fit_context_head(V[tr], y[tr])
            idx = np.flatnonzero(te)
            for i in idx[(oof[idx] >= CONTEXT_BAND[0]) & (oof[idx] <= CONTEXT_BAND[1])]:
                oof[i] = mixed(oof[i], head_logit(head, V[i]), CONTEXT_WEIGHT)
    weak = np.asarray([_weak_only(c[4], c[3]) for c in cands])
    oof[weak & (oof < high)] = 0.0  # as ``Judge.decide``: an unsure weak-only candidate is not us
    oof[forced == 1], oof[forced == 0] = 1.0, 0.0  # ... and the rules come before the model
    return {"cands": cands, "y": y, "groups": groups, "oof": oof}


def _rules_first(config, cands, places=None):
    """Per candidate: 1 when strong evidence says us, 0 when it names a profile namesake, -1 when the model decides;
    ``places`` (per file, ``places_of``): a word of that file's products after "NBN" is not a business's."""
    import numpy as np

    judge = Judge(config, [])
    judge.embedder()
    out = []
    for g, _item, sents, mentioned, mbs in cands:
        judge.use_sidecar(places[g] if places else None)
        matches = [m for i in mentioned for m in mbs[i]]
        if strong_evidence(config, fold(" \n".join(s for _f, s in sents)), matches):
            out.append(1)
            continue
        after = [w for i in mentioned for m in mbs[i] for w in words_after(fold(sents[i][1]), m.end)]
        known = any(a and set(a) & set(after) for _ns, a in judge._known)
        elsewhere = short_name_elsewhere(config, sents, mentioned, mbs, judge.product_reader().words, judge._ours()[1])
        out.append(0 if known or elsewhere else -1)
    return np.asarray(out)


def train(config, files: list[Path] | None = None, out: Path | None = None, low: float = LOW, high: float = HIGH,
          l2: float = L2) -> dict:
    """Fit on every candidate of ``files`` and write the artefact; returns its metadata."""
    import hashlib
    import json

    import numpy as np

    files = files or [ROOT / f for f in TRAINING_FILES]
    out = out or decide.MODEL_PATH
    cands = candidates(config, files)
    places = places_of(files)
    X, ctxs, afters = featurise(config, cands, places)
    y = np.asarray([1.0 if c[1]["mention"] else 0.0 for c in cands])
    groups = np.asarray([c[0] for c in cands])
    mean, scale, w, b, _refs = _fit_all(X, y, groups, l2)
    vocab, idf, tw, tb = _fit_text(grams_of(cands), y, groups=groups)
    us_after = sorted({a for a_list, yy in zip(afters, y) if yy == 1 for a in a_list})
    c_mean, c_scale, c_w, c_b = fit_context_head(head_input(context_vectors(cands)), y)  # the second look (context.py)
    positives, in_refs, from_refs = _positives(ctxs[y == 1], X[y == 1, VOTE])
    stored_terms, order = stored_vocabulary(vocab)  # single words, then pairs as two places (round 19)
    meta = {
        "files": {str(Path(f).resolve().relative_to(ROOT)) if Path(f).resolve().is_relative_to(ROOT) else str(f):
                  hashlib.sha256(Path(f).read_bytes()).hexdigest()[:16] for f in files},
        "candidates": int(len(y)), "true": int(y.sum()), "false": int(len(y) - y.sum()), "l2": l2, "vector_l2": VECTOR_L2,
        "text_weight": TEXT_WEIGHT, "text_c": TEXT_C, "text_terms": len(vocab), "context_l2": HEAD_L2, "context_reads": CONTEXT_READS,
        "profile": hashlib.sha256(profile_text(config).encode()).hexdigest()[:16],
        "places": {Path(f).name: p[1] for f, p in zip(files, places) if p},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    refs = _refs_stored(X[:, VOTE], y == 1)
    coded = {"refs_trits": refs.pop("refs_trits")}  # Huffman-coded already: stored as is (deflating it again gains 0)
    embed.save_npz(out, coded, deflated=dict(
        w=w.astype(np.float32), b=np.float64(b), mean=mean.astype(np.float32), scale=scale.astype(np.float32),
        low=np.float64(low), high=np.float64(high), **{f"positives_{k}": v for k, v in sparse(positives).items()},
        positives_in_refs=in_refs, positives_from_refs=np.bool_(from_refs),
        positives_scale=np.float64(POSITIVES_SCALE),
        refs_scale=np.float64(REFS_SCALE), **refs,
        us_after=np.asarray(us_after, dtype=str), meta=np.asarray(json.dumps(meta, sort_keys=True)),
        text_weight=np.float64(TEXT_WEIGHT), **stored_terms, text_idf=idf[order].astype(np.float16),
        text_w=tw[order].astype(np.float16), text_b=np.float64(tb),  # half precision: the file stays < 1.5 MB
        context_mean=c_mean.astype(np.float32), context_scale=c_scale.astype(np.float32), context_w=c_w.astype(np.float32),
        context_b=np.float64(c_b), context_weight=np.float64(CONTEXT_WEIGHT), context_band=np.asarray(CONTEXT_BAND),
        context_reads=np.asarray(CONTEXT_READS),
    ))  # deflated at zlib's level 9 (save_npz's default since round 17): smallest, read as fast
    decide._model = None  # the next decision reads the new file
    return meta


def cv_report(config, files: list[Path] | None = None, l2: float = L2, low: float = LOW, high: float = HIGH) -> str:
    """Cross-validation grouped by file, in words: what each held-out file would have lost and let in."""
    files = files or [ROOT / f for f in TRAINING_FILES]
    r = cross_validate(config, files, l2, high)
    y, oof, groups = r["y"], r["oof"], r["groups"]
    lines = [f"Cross-validation grouped by file (each file held out in turn), L2 {l2:g}, low {low:g}, high {high:g}",
             f"  {'file':34} {'cands':>5} {'true':>5} {'false':>5}  true lost  true unsure  false let in  false as us"]
    for g, f in enumerate(files):
        m = groups == g
        t, fl = m & (y == 1), m & (y == 0)
        lines.append(f"  {Path(f).name:34} {int(m.sum()):5} {int(t.sum()):5} {int(fl.sum()):5}  "
                     f"{int((oof[t] < low).sum()):9}  {int(((oof[t] >= low) & (oof[t] < high)).sum()):11}  "
                     f"{int((oof[fl] >= low).sum()):12}  {int((oof[fl] >= high).sum()):11}")
    t, fl = y == 1, y == 0
    lines.append(f"  all: mention recall among name matches {float((oof[t] >= low).mean()):.3f}; "
                 f"true mentions kept at watch (unsure) {float(((oof[t] >= low) & (oof[t] < high)).mean()):.3f}; "
                 f"namesakes let in {float((oof[fl] >= low).mean()):.3f} "
                 f"(as us, no cap: {float((oof[fl] >= high).mean()):.3f})")
    lines.append(learning_report(config, r["cands"]))
    return "\n".join(lines)


def learning_report(config, cands) -> str:
    """Mark each namesake of the labelled files "not about us" in turn: what else would it keep out?"""
    import numpy as np

    judge = Judge(config, [])
    judge.embedder()
    mdl = model()
    rows = []
    for _g, item, sents, mentioned, mbs in cands:
        _x, ctx, doc, _k, after = judge.features(sents, mentioned, mbs)
        rows.append((bool(item["mention"]), ctx, doc, after))
    pos_sims = np.sort(mdl.positives @ np.asarray([r[1] for r in rows]).T, axis=0)
    hidden_true, hidden_false, corrections = set(), 0, 0
    for i, (gold, ctx, doc, after) in enumerate(rows):
        if gold:
            continue
        corrections += 1
        for j, (gold2, ctx2, doc2, after2) in enumerate(rows):
            if j == i:
                continue
            sim = float(ctx2 @ ctx)
            same = (set(after) & set(after2)) - mdl.us_after
            nearest = float(pos_sims[-2, j] if gold2 else pos_sims[-1, j])  # a true mention is not its own neighbour
            hit = (same and max(sim, float(doc2 @ doc)) >= LEARNED_SAME_WORD) or (
                sim >= LEARNED_SIMILARITY and sim >= nearest + LEARNED_MARGIN)
            if hit and gold2:
                hidden_true.add(j)
            elif hit:
                hidden_false += 1
    return (f"  one correction each ({corrections} namesakes marked in turn): other namesakes kept out per correction "
            f"{hidden_false / max(corrections, 1):.2f}; true mentions any correction would hide: {len(hidden_true)} "
            f"of {sum(r[0] for r in rows)}")
