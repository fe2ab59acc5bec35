"""``monitor train``: rebuild the judgement model from labelled files and directors' corrections.

1. Read every ``training/*.jsonl`` file (the format of ``tests/data/labelled_mentions.jsonl``)
   and, with ``--db``, the directors' corrections: a mention marked "not about us"
   (``false_positive = 1``) becomes a not-about-us example, a mention whose
   ``corrected_severity`` is set becomes an example at that level.
2. Turn each text into features (:mod:`monitor.model`): embedding vectors and TF-IDF of
   hashed n-grams, for the whole text and for each sentence on its own.
3. Cross-validate, holding out whole writers, and choose the thresholds from those out-of-fold
   chances (``train_thresholds``: 95% of the crises at crisis, 98.5% at alert or worse, and so on;
   texts in another language their own alert threshold).
4. Fit every head on all the data and write ``monitor/model/judge.npz`` + ``judge.json``.

scikit-learn (its logistic regression) is imported here only; running the monitor never
needs it. The result is deterministic: the same files give the same model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import model as M
from .train_report import cv_report, format_result
from .train_thresholds import TARGETS, _figures, choose_thresholds, other_language

# What the CLI and tests use (thresholds and the report live in train_thresholds and train_report).
__all__ = ["TRAINING_DIR", "GRADED_TOO", "training_files", "WATCH_AGREEMENTS", "TARGETS", "Item", "Settings", "Result", "read_items", "corrections",
           "targets", "featurise", "fit", "train", "write", "cross_validate", "choose_thresholds", "cv_report",
           "format_result"]

REPO = Path(__file__).resolve().parent.parent
TRAINING_DIR = REPO / "training"
C_SPARSE = 10.0
C_DENSE = 0.03
# A sentence counts on its own at this share of its chance (chosen by cross-validation from these).
SENTENCE_WEIGHTS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
# How much the alert and crisis chances must agree with "at least watch" (model.agree; chosen by
# cross-validation from these; 0 = not at all).
WATCH_AGREEMENTS = (0.0, 0.5, 1.0)
FOLDS = 5
# Files in training/identity/ whose true mentions also teach the grading (their namesakes teach only
# the is-it-us model, which reads that folder itself): see training/README.md.
GRADED_TOO = ("identity/t10_namesakes_uk.jsonl", "identity/t11_namesakes_world.jsonl",
              "identity/t12_namesakes_pairs.jsonl", "identity/t14_namesakes_kinds.jsonl")


@dataclass
class Item:
    id: str
    file: str
    title: str
    body: str
    mention: bool
    severity: str | None
    families: list[str]


def writer(file_name: str) -> str:
    """Who wrote a file: the part of its name before the first "_" (team_labelled and team_fresh
    are both the team's), so cross-validation never scores a writer with a model that saw them."""
    return file_name.split("_", 1)[0].removesuffix(".jsonl")


def training_files(folder: Path | None = None) -> list[Path]:
    """What ``monitor train`` learns from: every ``*.jsonl`` at the top of ``folder`` (default
    ``training/``), and the files of GRADED_TOO that exist under it."""
    folder = Path(folder) if folder is not None else TRAINING_DIR
    return sorted(folder.glob("*.jsonl")) + [folder / f for f in GRADED_TOO if (folder / f).is_file()]


def writer_order(name: str) -> tuple:
    """Sort key of a writer: the team first, then helper sessions by number (t2 before t10), then the rest."""
    import re

    m = re.fullmatch(r"t(\d+)", name)
    return (0 if name == "team" else 1 if m else 2, int(m.group(1)) if m else 0, name)


def read_items(files: list[Path]) -> list[Item]:
    from .evaluate import read_labelled

    out: list[Item] = []
    for path in files:
        for row in read_labelled(path).items:
            fams = [f for f in (row.get("families") or []) if f in M.FAMILIES]
            out.append(Item(str(row["id"]), path.name, row.get("title") or "", row.get("body") or "",
                            bool(row["mention"]), row.get("severity"), fams))
    return out


def corrections(db_path: str | Path) -> list[Item]:
    """Directors' corrections in a monitor database, as labelled items (file name ``corrections``)."""
    from . import store

    out = []
    for mid, title, text, fp, fixed, _cats, judgement in store.corrected(db_path):
        if text is None and title is None:
            continue  # purged
        if fp:
            out.append(Item(f"db-m{mid}", "corrections", title or "", text or "", False, None, []))
        elif fixed in M.LEVELS:
            fams = []
            if fixed != "info" and judgement:
                fams = [f for f in (json.loads(judgement).get("families") or []) if f in M.FAMILIES]
            out.append(Item(f"db-m{mid}", "corrections", title or "", text or "", True, fixed, fams))
    return out


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


def targets(items: list[Item]):
    import numpy as np

    y = np.zeros((len(items), len(M.HEADS)), dtype=np.int8)
    for r, it in enumerate(items):
        lvl = M.LEVELS.index(it.severity)
        for c, h in enumerate(M.SEVERITY_HEADS):
            y[r, c] = int(lvl >= M.LEVELS.index(h))
        for f in it.families:
            y[r, M.HEADS.index(f)] = 1
    return y


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


@dataclass
class Fitted:
    idf: object
    w_sparse: object
    b_sparse: object
    w_dense: object
    b_dense: object
    dense_mean: object
    dense_scale: object
    dense_weight: float = 0.5

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
    xd_raw = feat.whole_dense[rows].astype(np.float64)
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
                  (np.stack([feat.unit_dense[r][k] for r, k in zip(owners, pieces)]) - mean) * scale if owners
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
                  mean.astype(np.float32), scale.astype(np.float32), how.dense_weight)


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


# --------------------------------------------------------------------------- the whole job


@dataclass
class Result:
    items: int
    files: dict
    thresholds: dict
    oof: object
    y: object
    groups: list
    seconds: float
    path: Path | None
    sentence_weight: float = 1.0
    item_files: list | None = None
    watch_agreement: float = 0.0
    other: object = None  # which graded items are written in another language (``other_language``)


def cross_validate(feat: Features, y, groups: list[str], rows: list[int], how: Settings, log=None):
    """Out-of-fold chances (leave one file out) for ``rows``: the model never saw the file it scores."""
    import numpy as np

    whole_p = np.zeros((len(rows), len(M.HEADS)), dtype=np.float32)
    best_p = np.zeros_like(whole_p)
    writers = sorted({groups[r] for r in rows}, key=writer_order)
    # At most FOLDS folds (writers dealt round-robin), to keep `monitor train` inside two minutes:
    # a fold leaves out all the files of its writers, so no text is scored by a model that saw its writer.
    # Writers are dealt in the order they came (team, t1, t2, ... t13, then any others), so a new
    # writer joins a fold without moving the others: figures before and after it stay comparable.
    fold_of = {w: k % FOLDS for k, w in enumerate(writers)}
    for fold in sorted(set(fold_of.values())):
        names = [w for w in writers if fold_of[w] == fold]
        name = " and ".join(names)
        held = [k for k, r in enumerate(rows) if fold_of[groups[r]] == fold]
        train_rows = [r for r in rows if fold_of[groups[r]] != fold]
        if not train_rows:
            continue
        fitted = fit(feat, y, train_rows, how)
        whole_p[held], best_p[held] = chances(fitted, feat, [rows[k] for k in held])
        if log:
            log(f"  fold without {name}'s files: {len(held)} held out")
    return whole_p, best_p


def choose_sentence_weight(whole, best, y, how: Settings, other=None) -> tuple[float, float, object, dict]:
    """The sentence weight and watch agreement whose thresholds give the best precision at the recall targets:
    ``(weight, agreement, out-of-fold chances, thresholds)``; ``other``: items in another language (``alert_other``)."""
    import numpy as np

    weights = [how.sentence_weight] if how.sentence_weight is not None else list(SENTENCE_WEIGHTS)
    agreements = [how.watch_agreement] if how.watch_agreement is not None else list(WATCH_AGREEMENTS)
    best_score, chosen = -1.0, None
    for w in weights:
        for k in agreements:
            p = M.agree(np, np.maximum(whole, w * best), k)
            th = choose_thresholds(p, y, other)
            f = _figures(p, y, th)
            fam_f1 = 2 * (f["family_precision"] or 0) * (f["family_recall"] or 0) / max(
                1e-9, (f["family_precision"] or 0) + (f["family_recall"] or 0))
            score = (f["crisis_precision"] or 0) + (f["alert_or_worse_precision"] or 0) + fam_f1
            if score > best_score + 1e-9:
                best_score, chosen = score, (w, k, p, th)
    return chosen


def train(files: list[Path] | None = None, db: str | Path | None = None, out: Path | None = M.MODEL_DIR,
          how: Settings | None = None, log=None) -> Result:
    import time

    from . import embed

    t0 = time.perf_counter()
    how = how or Settings()
    files = sorted(files if files is not None else training_files())
    items = read_items(files)
    if db:
        items += corrections(db)
    graded = [it for it in items if it.mention and it.severity in M.LEVELS]
    if not graded:
        raise ValueError("no labelled mentions to train on")
    embedder = embed.load()
    feat = featurise(graded, embedder)
    y = targets(graded)
    groups = [writer(it.file) for it in graded]
    other = other_language(feat.sentences)  # written in another language: their own alert threshold
    rows = list(range(len(graded)))
    if len(set(groups)) > 1:
        whole, best = cross_validate(feat, y, groups, rows, how, log)
        weight, agreement, oof, thresholds = choose_sentence_weight(whole, best, y, how, other)
    else:
        oof, thresholds = None, {"crisis": 0.5, "alert": 0.5, "watch": 0.5, "family": 0.5}
        weight = how.sentence_weight if how.sentence_weight is not None else 1.0
        agreement = how.watch_agreement if how.watch_agreement is not None else 0.0
    how = Settings(**{**how.__dict__, "sentence_weight": weight, "watch_agreement": agreement})
    fitted = fit(feat, y, rows, how)
    if out is not None:
        write(out, fitted, feat, graded, y, thresholds, how, files)
    counts = {}
    for it in items:
        counts[it.file] = counts.get(it.file, 0) + 1
    return Result(len(items), counts, thresholds, oof, y, groups, time.perf_counter() - t0, out, weight,
                  [it.file for it in graded], agreement, other)


def write(out: Path, fitted: Fitted, feat: Features, items: list[Item], y, thresholds, how: Settings, files):
    """The artefact: weights in float16 (npz), thresholds and examples in json."""
    import numpy as np

    from . import embed

    m = fitted.model({"thresholds": thresholds, "sentence_weight": how.sentence_weight})
    bank_rows, examples = [], []
    for r, it in enumerate(items):
        if it.severity == "info" and not it.families:
            continue
        # The example's own sentence that reads most like its label, to quote it.
        sents = feat.sentences[r]
        text = " ".join(sents)
        if feat.unit_rows[r]:
            p = m._probabilities([_normalised(u, fitted.idf) for u in feat.unit_rows[r]], feat.unit_dense[r])
            head = M.HEADS.index(it.severity if it.severity != "info" else it.families[0])
            singles = [k for k, u in enumerate(M.units(sents)) if len(u) == 1]
            text = sents[max(singles, key=lambda k: (p[k, head], -k))]
        if len(text) > 160:
            text = text[:159] + "…"
        examples.append([it.id, it.file, it.severity, it.families, text])
        bank_rows.append(feat.text_vec[r])
    out.mkdir(parents=True, exist_ok=True)
    # The n-gram weights one byte each (``model.quantise``: 1.70 -> 0.85 MB) and, with the idf, deflated (0.98 ->
    # 0.76 MB, 6 ms more to load); the nearest-example bank (``model_rows.pack_bank``) and the examples' texts
    # (JSON), only read to name "the labelled example it reads most like", deflated: round 12, 7,472 examples,
    # judge.npz 2.62 -> 1.9 MB; the model folder stays under its 5 MB as the training files grow.
    codes, scales = M.quantise(np, fitted.w_sparse)
    examples_json = json.dumps(examples, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    stored = dict(w_sparse_scale=scales, b_sparse=fitted.b_sparse, w_dense=fitted.w_dense.astype(np.float32),
                  b_dense=fitted.b_dense, dense_mean=fitted.dense_mean, dense_scale=fitted.dense_scale)
    vectors = np.stack(bank_rows) if bank_rows else np.zeros((0, 256), np.float32)
    deflated = dict(idf=fitted.idf.astype(np.float16), w_sparse_q=codes, **M.model_rows.pack_bank(np, vectors),
                    examples=np.frombuffer(examples_json, dtype=np.uint8))
    embed.save_npz(out / "judge.npz", stored, deflated)
    meta = {
        "heads": list(M.HEADS),
        "thresholds": thresholds,
        "sentence_weight": how.sentence_weight,
        "watch_agreement": how.watch_agreement,
        "dense_weight": how.dense_weight,
        "settings": {k: getattr(how, k) for k in Settings.__dataclass_fields__},
        "trained_on": {f.name: sum(1 for it in items if it.file == f.name) for f in files},
        "corrections": sum(1 for it in items if it.file == "corrections"),
        "examples": len(examples),  # the examples themselves are in judge.npz (``examples``)
    }
    (out / "judge.json").write_text(json.dumps(meta, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
