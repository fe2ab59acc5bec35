"""How many crises cross the alert threshold when one training file is added or removed (issue 11).

    OPENBLAS_NUM_THREADS=1 nice .venv/bin/python bench/judge_stability.py --drop t99 t96 t87
    ... --margin 1.0     # the alert threshold without train_thresholds.ALERT_MARGIN (as before round 20)

For each file named, the five folds of ``monitor train`` (writers dealt in the order they came, over *all*
the files, so every other writer keeps its fold) are fitted again without that file's writer. Every other
writer's texts are then graded by the model alone, as ``python -m monitor.cv_system`` grades them (its
fold's fit, at thresholds chosen on the other writers' out-of-fold chances), with and without the file; a
crisis *crosses* when it is at alert or worse one way and not the other. The fits are kept in
``data/judge_stability/`` so another way of choosing the thresholds is measured on the same chances
(``--rule``). It reads ``training/`` only.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

from monitor import model as M
from monitor import train as T
from monitor.train_thresholds import choose_thresholds, other_language

CACHE = T.REPO / "data" / "judge_stability"


def _key(files, drop) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    for name in ("model.py", "model_features.py", "model_rows.py", "train_fit.py", "train_weights.py", "embed.py",
                 "train_data.py"):
        h.update((Path(T.__file__).parent / name).read_bytes())
    h.update(repr(sorted(drop)).encode())
    return h.hexdigest()[:16]


def oof_variants(files, drops, log=print):
    """``(y, groups, other, {variant: (whole, best)})``: out-of-fold chances with all the files ("all") and
    without each writer of ``drops`` (the same folds)."""
    from monitor import embed

    graded = [it for it in T.read_items(files) if it.mention and it.severity in M.LEVELS]
    y = T.targets(graded)
    groups = [T.writer(it.file) for it in graded]
    writers = sorted(set(groups), key=T.writer_order)
    fold_of = {w: k % T.FOLDS for k, w in enumerate(writers)}
    other = other_language([[s for _f, s in M.split(it.title, it.body)] for it in graded])
    out, todo = {}, []
    for variant in ["all"] + list(drops):
        path = CACHE / f"{_key(files, [variant])}.npz"
        if path.is_file():
            d = np.load(path)
            out[variant] = (d["whole"], d["best"])
        else:
            todo.append((variant, path))
    if todo:
        log(f"reading {len(graded)} labelled mentions ...")
        feat = T.featurise(graded, embed.load())
        sets, index = [], []
        for variant, _p in todo:
            for fold in range(T.FOLDS):
                sets.append([r for r, g in enumerate(groups) if fold_of[g] != fold and g != variant])
                index.append((variant, fold))
        log(f"fitting {len(sets)} models ...")
        fits = T.fit_all(feat, y, sets, T.Settings())
        for variant, path in todo:
            whole = np.zeros((len(graded), len(M.HEADS)), dtype=np.float32)
            best = np.zeros_like(whole)
            for (v, fold), f in zip(index, fits):
                if v == variant:
                    held = [r for r, g in enumerate(groups) if fold_of[g] == fold]
                    whole[held], best[held] = T.chances(f, feat, held)
            CACHE.mkdir(parents=True, exist_ok=True)
            np.savez(path, whole=whole, best=best)
            out[variant] = (whole, best)
    return y, groups, other, out


def _as_committed(p, y, other, groups):
    return choose_thresholds(p, y, other)


def at_alert(p, y, groups, other, skip=(), choose=_as_committed):
    """``{row: bool}`` for every crisis of a writer not in ``skip``: at alert or worse, by the model alone, at
    thresholds chosen on the other writers' chances (as ``cv_system``), and ``{row: bool}`` for info texts raised."""
    groups = np.array(groups)
    crisis = y[:, M.HEADS.index("crisis")] == 1
    info = y[:, M.HEADS.index("watch")] == 0
    a, c = M.HEADS.index("alert"), M.HEADS.index("crisis")
    up, raised = {}, {}
    keep = ~np.isin(groups, list(skip))
    for w in sorted(set(groups) - set(skip), key=T.writer_order):
        others = keep & (groups != w)
        th = choose(p[others], y[others], other[others], groups[others])
        mine = np.flatnonzero(groups == w)
        alert_t = np.where(other[mine], th.get("alert_other", th["alert"]), th["alert"])
        hit = (p[mine, a] >= alert_t) | (p[mine, c] >= th["crisis"])
        for r, h in zip(mine, hit):
            if crisis[r]:
                up[r] = bool(h)
            elif info[r]:
                raised[r] = bool(h)
    return up, raised


def measure(y, groups, other, variants, choose=_as_committed, label="as committed"):
    how = T.Settings()
    p = {v: M.agree(np, np.maximum(w, how.sentence_weight * b), how.watch_agreement or 0.0, how.crisis_mix)
         for v, (w, b) in variants.items()}
    base_up, base_raised = at_alert(p["all"], y, groups, other, choose=choose)
    print(f"{label}: all files: {sum(not v for v in base_up.values())} crises below alert (model alone), "
          f"{sum(base_raised.values())} info raised")
    for v in variants:
        if v == "all":
            continue
        up, _r = at_alert(p[v], y, groups, other, skip=(v,), choose=choose)
        down = [r for r in up if base_up[r] and not up[r]]
        rise = [r for r in up if up[r] and not base_up[r]]
        print(f"  without {v}: {len(down) + len(rise)} crossings ({len(rise)} fall below alert when {v} is added, "
              f"{len(down)} rise)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--drop", nargs="+", required=True, help="writers (t99, t5...) to leave out, one at a time")
    ap.add_argument("--training", help="folder of labelled files (default: training/)")
    ap.add_argument("--margin", type=float, help="train_thresholds.ALERT_MARGIN to choose the thresholds with")
    args = ap.parse_args(argv)
    from monitor import train_thresholds

    if args.margin is not None:
        train_thresholds.ALERT_MARGIN = args.margin
    files = sorted(T.training_files(Path(args.training) if args.training else None))
    y, groups, other, variants = oof_variants(files, args.drop, log=lambda m: print(m, file=sys.stderr))
    from monitor import train_thresholds

    measure(y, groups, other, variants, label=f"alert margin {train_thresholds.ALERT_MARGIN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
