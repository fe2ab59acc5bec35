"""``monitor train``: rebuild the judgement model from labelled files and directors' corrections.

1. Read every ``training/*.jsonl`` file (the format of ``tests/data/labelled_mentions.jsonl``)
   and, with ``--db``, the directors' corrections: a mention marked "not about us"
   (``false_positive = 1``) becomes a not-about-us example, a mention whose
   ``corrected_severity`` is set becomes an example at that level.
2. Turn each text into features (:mod:`monitor.model_features`, by :mod:`monitor.train_fit`): embedding vectors and TF-IDF of
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
import lzma
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import model as M
from . import train_pool
from .train_data import (GRADED_TOO, REPO, TRAINING_DIR, Item, corrections, read_items, targets,  # noqa: F401
                         training_files, writer, writer_order)
from .train_fit import (C_DENSE, C_SPARSE, DENSE_TOL, FOLD_DENSE_TOL, FOLD_TOL_SPARSE, TOL_SPARSE,  # noqa: F401
                        Features, Fitted, Settings, _normalised, chances, dense_weights, featurise, fit, fit_all,
                        pieces_chances)
from .train_cache import CACHE as FEATURE_CACHE
from .train_report import cv_report, format_result, start_report
from .train_thresholds import TARGETS, _figures, choose_thresholds, other_language

# What the CLI and tests use. The rooms: what it learns from (train_data), how a model is fitted
# (train_fit), the thresholds (train_thresholds), the report (train_report); here, cross-validation by
# writer and the whole job, and the artefact it writes.
__all__ = ["TRAINING_DIR", "GRADED_TOO", "training_files", "WATCH_AGREEMENTS", "TARGETS", "Item", "Settings", "Result", "read_items", "corrections",
           "targets", "featurise", "fit", "train", "write", "cross_validate", "choose_thresholds", "cv_report",
           "format_result"]

# A sentence counts on its own at this share of its chance: chosen by cross-validation from these when
# ``Settings.sentence_weight`` is None (fixed at 0.5 since round 18: ``train_fit.Settings``).
SENTENCE_WEIGHTS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
# How much the alert and crisis chances must agree with "at least watch" (model.agree; chosen by
# cross-validation from these; 0 = not at all).
WATCH_AGREEMENTS = (0.0, 0.5, 1.0)
FOLDS = 5
BANK_LEVEL = 7  # zlib level of judge.npz's deflated members (``write``)


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
    report: list | None = None  # ``train_report.cv_report``'s rows, computed while the artefact was written


def cross_validate(feat: Features, y, groups: list[str], rows: list[int], how: Settings, log=None, final: bool = False):
    """Out-of-fold chances (whole writers held out) for ``rows``: the model never saw the writer it scores.
    ``final``: also fit the model on all ``rows``, in the same pool of processes (``train_fit.fit_all``), and
    return it third."""
    import numpy as np

    whole_p = np.zeros((len(rows), len(M.HEADS)), dtype=np.float32)
    best_p = np.zeros_like(whole_p)
    writers = sorted({groups[r] for r in rows}, key=writer_order)
    # At most FOLDS folds (writers dealt round-robin), to keep `monitor train` inside two minutes:
    # a fold leaves out all the files of its writers, so no text is scored by a model that saw its writer.
    # Writers are dealt in the order they came (team, t1, t2, ... t13, then any others), so a new
    # writer joins a fold without moving the others: figures before and after it stay comparable.
    fold_of = {w: k % FOLDS for k, w in enumerate(writers)}
    folds = []
    for fold in sorted(set(fold_of.values())):
        held = [k for k, r in enumerate(rows) if fold_of[groups[r]] == fold]
        train_rows = [r for r in rows if fold_of[groups[r]] != fold]
        if train_rows:
            folds.append((" and ".join(w for w in writers if fold_of[w] == fold), held, train_rows))
    # The folds at their own, looser tolerance (``train_fit.FOLD_TOL_SPARSE``), the model written at TOL_SPARSE.
    fitted = fit_all(feat, y, [t for _n, _h, t in folds] + ([rows] if final else []), how,
                     [FOLD_TOL_SPARSE] * len(folds) + ([TOL_SPARSE] if final else []),
                     [FOLD_DENSE_TOL] * len(folds) + ([DENSE_TOL] if final else []))
    # Each fold's out-of-fold chances in the same two processes (round 27: 5.5 s on one core before; the same numbers).
    held_rows = [[rows[k] for k in held] for _n, held, _t in folds]
    scored = train_pool.run_jobs(_fold_chances, [(k,) for k in range(len(folds))], (fitted, feat, held_rows))
    for (name, held, _t), (whole, best) in zip(folds, scored):
        whole_p[held], best_p[held] = whole, best
        if log:
            log(f"  fold without {name}'s files: {len(held)} held out")
    return (whole_p, best_p, fitted[-1]) if final else (whole_p, best_p)


def _fold_chances(data, k: int):
    """Fold ``k``'s ``(whole, best piece)`` chances on the items it held out (a ``train_pool`` job)."""
    fitted, feat, held_rows = data
    return chances(fitted[k], feat, held_rows[k])


def choose_sentence_weight(whole, best, y, how: Settings, other=None) -> tuple[float, float, object, dict]:
    """The sentence weight and watch agreement whose thresholds give the best precision at the recall targets:
    ``(weight, agreement, out-of-fold chances, thresholds)``; ``other``: items in another language (``alert_other``)."""
    import numpy as np

    weights = [how.sentence_weight] if how.sentence_weight is not None else list(SENTENCE_WEIGHTS)
    agreements = [how.watch_agreement] if how.watch_agreement is not None else list(WATCH_AGREEMENTS)
    best_score, chosen = -1.0, None
    for w in weights:
        for k in agreements:
            p = M.agree(np, np.maximum(whole, w * best), k, how.crisis_mix)
            th = choose_thresholds(p, y, other)
            f = _figures(p, y, th)
            fam_f1 = 2 * (f["family_precision"] or 0) * (f["family_recall"] or 0) / max(
                1e-9, (f["family_precision"] or 0) + (f["family_recall"] or 0))
            score = (f["crisis_precision"] or 0) + (f["alert_or_worse_precision"] or 0) + fam_f1
            if score > best_score + 1e-9:
                best_score, chosen = score, (w, k, p, th)
    return chosen


def train(files: list[Path] | None = None, db: str | Path | None = None, out: Path | None = M.MODEL_DIR,
          how: Settings | None = None, log=None, cache: Path | None = None) -> Result:
    """``cache``: the file of the texts' features (``train_cache``; ``monitor train`` passes ``train_cache.CACHE``):
    the same model, with only the texts not in it read."""
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
    feat = featurise(graded, embedder, cache)
    y = targets(graded)
    groups = [writer(it.file) for it in graded]
    other = other_language(feat.sentences)  # written in another language: their own alert threshold
    rows = list(range(len(graded)))
    # The final model is fitted with the folds (the same weights: a fit does not read the sentence weight or the
    # watch agreement that the folds' chances choose).
    if len(set(groups)) > 1:
        whole, best, fitted = cross_validate(feat, y, groups, rows, how, log, final=True)
        weight, agreement, oof, thresholds = choose_sentence_weight(whole, best, y, how, other)
    else:
        oof, thresholds = None, {"crisis": 0.5, "alert": 0.5, "watch": 0.5, "family": 0.5}
        weight = how.sentence_weight if how.sentence_weight is not None else 1.0
        agreement = how.watch_agreement if how.watch_agreement is not None else 0.0
        fitted = fit(feat, y, rows, how)
    how = Settings(**{**how.__dict__, "sentence_weight": weight, "watch_agreement": agreement})
    counts = {}
    for it in items:
        counts[it.file] = counts.get(it.file, 0) + 1
    result = Result(len(items), counts, thresholds, oof, y, groups, 0.0, out, weight, [it.file for it in graded],
                    agreement, other)
    # The report's per-file thresholds (``train_report``) are chosen in the two processes while this one writes.
    report = start_report(result) if oof is not None and out is not None else None
    try:
        if out is not None:
            write(out, fitted, feat, graded, y, thresholds, how, files)
    except BaseException:
        if report is not None:
            report.cancel()  # the artefact could not be written (a full disk): say so now, not after the report
        raise
    result.report = report.get() if report is not None else None
    result.seconds = time.perf_counter() - t0
    return result


def write(out: Path, fitted: Fitted, feat: Features, items: list[Item], y, thresholds, how: Settings, files):
    """The artefact: weights in float16 (npz), thresholds and examples in json."""
    import numpy as np

    from . import embed

    m = fitted.model({"thresholds": thresholds, "sentence_weight": how.sentence_weight, "crisis_mix": how.crisis_mix})
    bank_rows, examples = [], []
    kept = [r for r, it in enumerate(items) if not (it.severity == "info" and not it.families)]
    pieces = dict(pieces_chances(m, fitted.idf, feat, kept))  # scored together (text by text until round 17)
    for k, r in enumerate(kept):
        it = items[r]
        # The example's own sentence that reads most like its label, to quote it.
        sents = feat.sentences[r]
        text = " ".join(sents)
        if k in pieces:
            p = pieces[k]
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
    # Since round 14 the examples' JSON is xz-compressed instead (0.40 -> 0.29 MB, 15 ms more to load; with t63 and
    # t65 deflate had taken judge.npz to 2.24 MB, over its 2.2 MB), stored as it is in the zip. The bank's codes stay
    # deflated: xz-compressing them too (round 15, 0.08 MB less) cost every run that loads the model ~60 ms of its
    # 300 ms (both models 218 -> 280 ms, paired at the merge), so the lead kept the load time and let the file grow.
    # Since round 32 the bank's codes are base-3 digits, Huffman-coded (``model_rows.pack_bank``): 1.38 -> 1.11 MB,
    # the same numbers; the bank is read only when a grade needs explaining.
    codes, scales = M.quantise(np, fitted.w_sparse)
    examples_json = json.dumps(M.model_rows.pack_examples(examples), ensure_ascii=False,
                               separators=(",", ":")).encode("utf-8")
    stored = dict(w_sparse_scale=scales, b_sparse=fitted.b_sparse, w_dense=fitted.w_dense.astype(np.float32),
                  b_dense=fitted.b_dense, dense_mean=fitted.dense_mean, dense_scale=fitted.dense_scale,
                  examples_xz=np.frombuffer(lzma.compress(examples_json, preset=9 | lzma.PRESET_EXTREME), dtype=np.uint8))
    vectors = np.stack(bank_rows) if bank_rows else np.zeros((0, 256), np.float32)
    bank = M.model_rows.pack_bank(np, vectors)
    stored["bank_trits"] = bank.pop("bank_trits")  # Huffman-coded already: deflating it again gains nothing
    deflated = dict(idf=fitted.idf.astype(np.float16), w_sparse_q=codes, **bank)
    # zlib level 7 (9 until round 19): deflating the bank's codes at 9 took 7 s of `monitor train`'s one-core tail
    # for 6% of their bytes (level 7: 0.8 s, judge.npz 0.05 MB bigger; inflated as fast).
    embed.save_npz(out / "judge.npz", stored, deflated, level=BANK_LEVEL)
    per_file = Counter(it.file for it in items)
    meta = {
        "heads": list(M.HEADS),
        "thresholds": thresholds,
        "sentence_weight": how.sentence_weight,
        "watch_agreement": how.watch_agreement,
        "crisis_mix": how.crisis_mix,
        "dense_weight": dense_weights(how),
        "settings": {k: getattr(how, k) for k in Settings.__dataclass_fields__},
        "trained_on": {f.name: per_file.get(f.name, 0) for f in files},
        "corrections": sum(1 for it in items if it.file == "corrections"),
        "examples": len(examples),  # the examples themselves are in judge.npz (``examples_xz``)
    }
    (out / "judge.json").write_text(json.dumps(meta, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
