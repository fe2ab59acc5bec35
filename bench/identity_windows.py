"""Measured and not shipped (issue 15, round 7): a reader of short windows, "us, unless something here says it is
someone else". Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/identity_windows.py --oof CV.npz`` where CV.npz is
``bench/identity_cv.py --save``'s file for the same files (the present model's out-of-fold chances, to mix with).

A careful person reads a post that names us as ours unless some words in it say otherwise: "the church's New
Baby Network at St Mark's", "New Baby Network Ltd refunded my order", "build a new baby network from scratch".
This reader scores every short window of words near the name (``WINDOW`` words, the mean of the shipped
wordllama token vectors, unit length) with one learned detector of "this names another organisation, a thing or
an ordinary phrase", and pools the windows by a soft maximum (log of the mean of exp): one strong window is
enough, many weak ones add up a little. Its strongest window is a reason a director can read.

Training is plain full-batch gradient descent (Adam, fixed steps, zero start) in numpy: deterministic, seconds.
The name itself is not in any window (it would say nothing); a window that touches the name's place has a
detector of its own added ("... at St Mark's" right after the name weighs differently from the same words far
away).
"""

from __future__ import annotations

import re

import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from monitor.text import fold  # noqa: E402

WINDOW = 4  # words per window
CONTEXT = 1  # sentences either side of each sentence that names us
MAX_WORDS = 120  # words read per text (the nearest sentences first)
STEPS, RATE = 300, 0.05
WINDOW_L2 = 1e-3  # per text, on the detector's weights
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[£$€₹₦₱]")


def words_and_slots(sents, mentioned, matches_by_sentence):
    """Per sentence read (those naming us and their neighbours): (its words, the word positions where our name
    stood). The name's own words are left out."""
    keep = sorted({j for i in mentioned for j in range(i - CONTEXT, i + CONTEXT + 1) if 0 <= j < len(sents)})
    out, total = [], 0
    for j in keep:
        s = sents[j][1]
        src = s if len(fold(s)) == len(s) else fold(s)
        words, slots, last = [], [], 0
        for m in sorted(matches_by_sentence.get(j, []) if j in mentioned else [], key=lambda m: m.start):
            words += _WORD.findall(fold(src[last:m.start]))
            slots.append(len(words))
            last = max(last, m.end)
        words += _WORD.findall(fold(src[last:]))
        if total + len(words) > MAX_WORDS:
            words = words[:max(0, MAX_WORDS - total)]
            slots = [p for p in slots if p <= len(words)]
        total += len(words)
        if words:
            out.append((words, slots))
        if total >= MAX_WORDS:
            break
    return out


class WordVectors:
    """Each word's summed token vectors and token count (float32), kept per process."""

    LIMIT = 200_000

    def __init__(self, emb):
        import numpy as np

        self.emb, self.np = emb, np
        self.cache: dict[str, tuple] = {}
        self.dim = emb.matrix.shape[1]

    def of(self, word: str):
        got = self.cache.get(word)
        if got is None:
            ids = self.emb.ids(word)
            if ids:
                v = self.np.asarray(self.emb.matrix[self.np.asarray(ids, dtype=self.np.intp)], dtype=self.np.float32).sum(axis=0)
            else:
                v = self.np.zeros(self.dim, self.np.float32)
            got = (v, len(ids))
            if len(self.cache) >= self.LIMIT:
                self.cache.clear()
            self.cache[word] = got
        return got


def windows(wv: WordVectors, parts):
    """(window vectors n x dim, unit length; whether each window touches the name's place; the windows' words)."""
    np = wv.np
    vecs, near, texts = [], [], []
    for words, slots in parts:
        rows = [wv.of(w) for w in words]
        n = len(words)
        starts = range(max(1, n - WINDOW + 1))
        for a in starts:
            b = min(n, a + WINDOW)
            cnt = sum(r[1] for r in rows[a:b])
            if not cnt:
                continue
            v = np.add.reduce([r[0] for r in rows[a:b]]) / np.float32(cnt)
            norm = float(np.sqrt(v @ v))
            if norm <= 0:
                continue
            vecs.append(v / norm)
            near.append(any(a <= p <= b for p in slots))
            texts.append(" ".join(words[a:b]))
    if not vecs:
        return np.zeros((0, wv.dim), np.float32), np.zeros(0, bool), []
    return np.asarray(vecs, dtype=np.float32), np.asarray(near, dtype=bool), texts


def scores(params, V, near):
    """Each window's score: how much it says "someone else"."""
    u, un, bn = params
    return V @ u + near * (V @ un + bn)


def pooled(s):
    """Soft maximum of the windows' scores: log of the mean of exp (0 windows: 0)."""
    import numpy as np

    if not len(s):
        return 0.0
    m = float(s.max())
    return m + float(np.log(np.mean(np.exp(s - m))))


def fit(bags, y, steps: int = STEPS, rate: float = RATE, l2: float = WINDOW_L2):
    """Fit the detector (u, u_near, b_near) and the intercept b by Adam on the class-balanced log loss of
    sigmoid(b + pooled windows); ``bags``: (V, near) per text, ``y``: 1 for a namesake or ordinary phrase.
    A text without windows has the pooled score 0."""
    import numpy as np

    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    d = bags[0][0].shape[1] if bags else 256
    sizes = np.asarray([len(V) for V, _ in bags])
    has = sizes > 0
    V = np.concatenate([V for V, _ in bags]).astype(np.float32)
    near = np.concatenate([nr for _, nr in bags]).astype(np.float32)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])[has]
    owner = np.repeat(np.arange(n), sizes)
    pos = y.sum()
    sw = np.where(y == 1, n / (2 * max(pos, 1)), n / (2 * max(n - pos, 1))) / n
    theta = np.zeros(2 * d + 2)  # u, u_near, b_near, b
    m1, m2 = np.zeros_like(theta), np.zeros_like(theta)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        u, un, bn, b = theta[:d], theta[d:2 * d], theta[2 * d], theta[2 * d + 1]
        s = V @ u.astype(np.float32) + near * (V @ un.astype(np.float32) + np.float32(bn))
        mx = np.zeros(n, np.float32)
        mx[has] = np.maximum.reduceat(s, starts)
        e = np.exp(s - mx[owner])
        tot = np.ones(n, np.float64)
        tot[has] = np.add.reduceat(e.astype(np.float64), starts)
        S = np.where(has, mx + np.log(tot / np.maximum(sizes, 1)), 0.0)
        p = 1 / (1 + np.exp(-(S + b)))
        g_bag = sw * (p - y)  # dL/dS per text
        g_s = (g_bag[owner] * e / tot[owner]).astype(np.float32)  # softmax weights within each text
        grad = np.concatenate([V.T @ g_s + 2 * l2 * u, V.T @ (g_s * near) + 2 * l2 * un,
                               [float(g_s @ near)], [float(g_bag.sum())]])
        m1 = b1 * m1 + (1 - b1) * grad
        m2 = b2 * m2 + (1 - b2) * grad * grad
        theta -= rate * (m1 / (1 - b1 ** t)) / (np.sqrt(m2 / (1 - b2 ** t)) + eps)
    return theta[:d].astype(np.float32), theta[d:2 * d].astype(np.float32), float(theta[2 * d]), float(theta[2 * d + 1])


def logit(params, b, V, near) -> float:
    """The namesake log-odds of one text's windows."""
    return pooled(scores(params, V, near)) + b


def main(argv=None) -> None:
    """Each file held out in turn (as bench/identity_cv.py): the reader alone, and mixed with the present model's
    out-of-fold log-odds at a few weights; the trade-off curve of each."""
    import argparse

    import numpy as np

    from identity_cv import trade_off
    from monitor import config as config_mod, embed
    from monitor.identity import training as T
    from monitor.identity.decide import HIGH

    ap = argparse.ArgumentParser()
    ap.add_argument("--oof", required=True, help="bench/identity_cv.py --save's file (same files)")
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--rate", type=float, default=0.1)
    ap.add_argument("--l2", type=float, default=1e-5)
    ap.add_argument("--weights", default="0.1,0.2,0.3")
    args = ap.parse_args(argv)
    cfg = config_mod.load(REPO / "feeds.yaml", environ={}, secrets=False)
    files = [REPO / f for f in T.TRAINING_FILES]
    cands = T.candidates(cfg, files)
    wv = WordVectors(embed.load())
    bags = [windows(wv, words_and_slots(s, m, mb))[:2] for _g, _i, s, m, mb in cands]
    y = np.asarray([1.0 if c[1]["mention"] else 0.0 for c in cands])
    groups = np.asarray([c[0] for c in cands])
    z = np.load(args.oof)
    assert len(z["y"]) == len(y) and (z["y"] == y).all(), "the --oof file is for other files"
    out = np.zeros(len(y))
    for g in sorted(set(groups.tolist())):
        tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
        u, un, bn, b = fit([bags[i] for i in tr], 1 - y[tr], args.steps, args.rate, args.l2)
        for i in te:
            out[i] = logit((u, un, bn), b, *bags[i])
    raw = np.clip(z["raw"], 1e-12, 1 - 1e-12)
    present = np.log(raw / (1 - raw))
    label = np.asarray([c[1].get("severity") or "" for c in cands])
    none = np.zeros(len(y), bool)
    for w in [1.0] + [float(x) for x in args.weights.split(",")]:
        p = 1 / (1 + np.exp(-((1 - w) * present - w * out)))
        p[z["weak"] & (p < HIGH)] = 0.0  # as a run: an unsure weak-only candidate is not us
        oof = np.where(z["forced"] == 1, 1.0, np.where(z["forced"] == 0, 0.0, p))
        print(f"window reader at weight {w:g}" + (" (alone)" if w == 1.0 else ""))
        print(re.sub(r"; with the valve[^\n]*", "", trade_off(oof, oof, y, groups, files, none, none, label)))


if __name__ == "__main__":
    main()
