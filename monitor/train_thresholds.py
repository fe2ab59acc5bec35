"""Thresholds and the evaluation figures of ``monitor train`` (see :mod:`monitor.train`).

The thresholds are chosen from out-of-fold chances (cross-validation), aiming at the recall
targets in ``TARGETS``; ``figures`` gives what ``monitor eval`` reports, for out-of-fold chances.
"""

from __future__ import annotations

import math

from . import model as M

TARGETS = {"crisis_recall": 0.95, "crisis_at_alert": 0.985, "alert_recall": 0.95, "watch_recall": 0.90}
# Per-family thresholds: the best F-beta on out-of-fold chances (beta < 1 weighs precision more),
# for families with at least this many labelled examples (the others use the shared threshold).
# Beta is the lowest of FAMILY_BETAS (the most weight on precision) that keeps the out-of-fold
# family recall, all families together, at FAMILY_RECALL_FLOOR or above: precision at a recall
# floor (issue 11: family precision >= 0.80 with recall >= 0.70).
FAMILY_BETAS = (1.0, 0.9, 0.8, 0.7, 0.6)
FAMILY_RECALL_FLOOR = 0.70
MIN_FAMILY_EXAMPLES = 30
# The alert threshold is set this far under the one that puts TARGETS["crisis_at_alert"] of the crises at alert or
# worse (and TARGETS["alert_recall"] of the alerts): a margin for retraining (round 20). The crises sit densely just
# under that threshold, and adding or removing one training file moves a near-threshold crisis's "alert or worse"
# chance by up to 3-8% of it (the 90th percentile, for t96, t99 and t87: `bench/judge_stability.py`), so about 5 of
# them crossed alert at every retrain. 10% under it, the crises thin out: held out by writer fewer fall below alert,
# and fewer cross when a file is added, for more harmless texts raised (an email each).
ALERT_MARGIN = 0.9


def _highest_threshold(scores, wanted: float) -> float:
    """The highest t such that the share of ``scores`` >= t is at least ``wanted``."""
    import numpy as np

    if len(scores) == 0:
        return 0.5
    s = np.sort(np.asarray(scores))[::-1]
    k = max(1, int(np.ceil(wanted * len(s) - 1e-9)))
    return float(s[k - 1])


# Texts written in another language (``monitor.languages``): the model reads them poorly (its word vectors
# and most of its examples are English), so they get their own alert threshold, never above the others',
# chosen to put the same share of their crises at alert or worse (an email: someone who reads the
# language looks), when the out-of-fold chances hold at least this many such crises.
MIN_OTHER_LANGUAGE_CRISES = 10


def choose_thresholds(p, y, other=None) -> dict[str, float]:
    """Thresholds from out-of-fold chances ``p`` (items, heads) and labels ``y``; with ``other`` (which
    items are written in another language), ``alert_other``: the alert threshold for those."""
    import numpy as np

    th = _choose_thresholds(p, y)
    if other is not None:
        other = np.asarray(other, dtype=bool)
        crises = other & (y[:, M.HEADS.index("crisis")] == 1)
        if crises.sum() >= MIN_OTHER_LANGUAGE_CRISES:
            # The levels' thresholds from the English texts alone (the crises the model cannot read would
            # pull the alert threshold down for every text), the other texts' alert threshold from theirs.
            th.update({k: v for k, v in _choose_thresholds(p[~other], y[~other]).items() if k in M.SEVERITY_HEADS})
            cover = _alert_cover(p[crises], th["crisis"])
            th["alert_other"] = math.floor(min(th["alert"], cover) * 1e4 + 1e-9) / 1e4
    return th


def other_language(sentence_lists):
    """Which texts (each a list of sentences) are read as written in another language, as ``Model.predict`` reads them."""
    import numpy as np

    from .languages import reads_other_language

    return np.array([reads_other_language(s) for s in sentence_lists], dtype=bool)


def _alert_cover(p_crises, crisis_threshold: float) -> float:
    """The highest alert threshold that puts TARGETS["crisis_at_alert"] of these crises at alert or worse
    (graded crisis, or alert by it)."""
    import numpy as np

    missed = p_crises[:, M.HEADS.index("crisis")] < crisis_threshold
    need = TARGETS["crisis_at_alert"] * len(p_crises) - (~missed).sum()
    if need <= 0:
        return 1.0
    scores = np.sort(p_crises[missed, M.HEADS.index("alert")])[::-1]
    return float(scores[min(len(scores), int(np.ceil(need - 1e-9))) - 1])


def _choose_thresholds(p, y) -> dict[str, float]:
    import numpy as np

    col = {h: M.HEADS.index(h) for h in M.HEADS}
    crisis = y[:, col["crisis"]] == 1
    alert = y[:, col["alert"]] == 1
    watch = y[:, col["watch"]] == 1
    th = {"crisis": _highest_threshold(p[crisis, col["crisis"]], TARGETS["crisis_recall"])}
    # Alert: enough crises at alert or worse (graded crisis, or alert by this threshold), and alert recall.
    t_cov = _alert_cover(p[crisis], th["crisis"])
    t_rec = _highest_threshold(np.maximum(p[alert, col["alert"]], np.where(p[alert, col["crisis"]] >= th["crisis"], 1, 0)),
                               TARGETS["alert_recall"])
    th["alert"] = min(t_cov, t_rec) * ALERT_MARGIN
    th["watch"] = min(th["alert"], _highest_threshold(
        np.maximum(p[watch, col["watch"]], np.where(p[watch, col["alert"]] >= th["alert"], 1, 0)), TARGETS["watch_recall"]))
    # Families: one threshold for all (the best micro F1), kept as the fallback for a family with too
    # few examples; then each family its own threshold, the best F-beta on that family's out-of-fold
    # chances, with the beta that weighs precision most while the families' recall stays at the floor
    # (``family_beta`` in the result). A family is proposed only when its own chance clears its own
    # threshold.
    fam = [col[f] for f in M.FAMILIES]
    gold_all = y[:, fam] == 1
    grid = np.arange(0.2, 0.9, 0.025)
    tp_t, pred_t = _counts(p[:, fam], gold_all, grid)  # every threshold at once: the same counts, one pass
    gold_n = int(gold_all.sum())
    best, best_t = -1.0, 0.5
    for k, t in enumerate(grid):
        tp = float(tp_t[k].sum())
        f1 = 2 * tp / max(1.0, int(pred_t[k].sum()) + gold_n)
        if f1 > best + 1e-9:
            best, best_t = f1, float(t)
    th["family"] = round(best_t, 3)
    chosen = None
    per_family = _family_counts(p, y)  # counted once, read for every beta
    for beta in FAMILY_BETAS:
        own = _family_thresholds(p, y, beta, th["family"], per_family)
        t = np.array([own.get(f, th["family"]) for f in M.FAMILIES])
        pred, gold = p[:, fam] >= t, y[:, fam] == 1
        recall = float((pred & gold).sum()) / max(1.0, float(gold.sum()))
        if chosen is None or recall >= FAMILY_RECALL_FLOOR:
            chosen = (beta, own)
        if recall < FAMILY_RECALL_FLOOR:
            break
    th["family_beta"], own = chosen
    th.update(own)
    # Rounded down, never up: a threshold is the chance of the last text it must still include.
    return {k: math.floor(v * 1e4 + 1e-9) / 1e4 for k, v in th.items()}


FAMILY_GRID = (0.2, 0.95, 0.025)  # np.arange's start, stop, step: the thresholds a family's own may take


def _counts(scores, gold, grid):
    """For each threshold of ``grid``: per column of ``scores``, the true positives and the texts at or above it."""
    import numpy as np

    tp = np.zeros((len(grid), scores.shape[1]), dtype=np.int64)
    pred = np.zeros_like(tp)
    for k, t in enumerate(grid):  # (a threshold at a time: 30 x 15,000 x 10 at once took longer in memory)
        above = scores >= t
        tp[k] = (above & gold).sum(axis=0)
        pred[k] = above.sum(axis=0)
    return tp, pred


def _family_counts(p, y):
    """What ``_family_thresholds`` reads, for every family with enough examples: ``{family: (thresholds, true
    positives, texts at or above, labelled)}``, counted once (they do not depend on beta)."""
    import numpy as np

    grid = np.arange(*FAMILY_GRID)
    cols = [M.HEADS.index(f) for f in M.FAMILIES]
    gold = y[:, cols] == 1
    tp, pred = _counts(p[:, cols], gold, grid)
    return {f: (grid, tp[:, j], pred[:, j], int(gold[:, j].sum())) for j, f in enumerate(M.FAMILIES)
            if gold[:, j].sum() >= MIN_FAMILY_EXAMPLES}


def _family_thresholds(p, y, beta: float, shared: float, counts=None) -> dict[str, float]:
    """Each family's own threshold: the best F-beta on its out-of-fold chances (families with at
    least MIN_FAMILY_EXAMPLES examples; the others keep the shared threshold)."""
    counts = counts if counts is not None else _family_counts(p, y)
    b2 = beta ** 2
    out = {}
    for f, (grid, tps, preds, labelled) in counts.items():
        best, best_t = -1.0, shared
        for t, tp, n_pred in zip(grid, tps, preds):
            tp = float(tp)
            prec, rec = tp / max(1.0, int(n_pred)), tp / float(labelled)
            score = (1 + b2) * prec * rec / max(1e-9, b2 * prec + rec)
            if score > best + 1e-9:
                best, best_t = score, float(t)
        out[f] = round(best_t, 3)
    return out


def _figures(p, y, th: dict) -> dict:
    """The eval figures for out-of-fold chances at thresholds ``th``."""
    import numpy as np

    col = {h: M.HEADS.index(h) for h in M.HEADS}
    level = np.zeros(len(p), dtype=int)
    level[p[:, col["watch"]] >= th["watch"]] = 1
    level[p[:, col["alert"]] >= th["alert"]] = 2
    level[p[:, col["crisis"]] >= th["crisis"]] = 3
    gold = y[:, col["watch"]].astype(int) + y[:, col["alert"]] + y[:, col["crisis"]]

    def ratio(a, b):
        return round(float(a) / float(b), 3) if b else None

    fam = [col[f] for f in M.FAMILIES]
    fp_ = p[:, fam] >= np.array([th.get(f, th["family"]) for f in M.FAMILIES])
    fg = y[:, fam] == 1
    return {
        "n": int(len(p)),
        "crises": int((gold == 3).sum()),
        "crisis_recall": ratio(((gold == 3) & (level == 3)).sum(), (gold == 3).sum()),
        "crisis_precision": ratio(((gold == 3) & (level == 3)).sum(), (level == 3).sum()),
        "crises_at_alert_or_worse": ratio(((gold == 3) & (level >= 2)).sum(), (gold == 3).sum()),
        "alert_or_worse_recall": ratio(((gold >= 2) & (level >= 2)).sum(), (gold >= 2).sum()),
        "alert_or_worse_precision": ratio(((gold >= 2) & (level >= 2)).sum(), (level >= 2).sum()),
        "info_raised_to_alert": int(((gold == 0) & (level >= 2)).sum()),
        "family_precision": ratio((fp_ & fg).sum(), fp_.sum()),
        "family_recall": ratio((fp_ & fg).sum(), fg.sum()),
    }
