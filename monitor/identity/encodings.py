"""The encoder's readings of the training texts, cached, and the second look's head fitted on them (split out of
``training.py`` in round 14: one job, and that file was at its 500-line bound)."""

from __future__ import annotations

from pathlib import Path

from .context import HEAD_L2

ROOT = Path(__file__).resolve().parent.parent.parent
# the encoder's name vectors of the training texts (a few minutes of CPU the first time; git-ignored, never committed)
CONTEXT_CACHE = ROOT / "data" / "identity_context.npz"


def _context_key(window) -> str:
    """The cache key of what the encoder reads: its settings, the text and where our name is in it (a change to the
    matcher that moves or adds a name must not reuse an old reading)."""
    import hashlib

    from .. import encoder as enc

    text, spans = window
    return hashlib.sha256(f"{enc.VERSION} {enc.LAYERS} {enc.WINDOW} name+pooled\n{spans}\n{text}".encode()).hexdigest()[:24]


def context_vectors(cands, cache: Path | None = CONTEXT_CACHE):
    """The encoder's readings of every training candidate (n x 768: the name's vector, then the window's; the head
    reads ``context.READS`` of them), read from ``cache`` when there (keyed by the text and the encoder's settings)
    and written back with what was new. The first training run encodes every candidate (a few minutes of CPU);
    later ones only new texts."""
    import numpy as np

    from .. import encoder as enc

    windows = [enc.window_text(*c[2:5]) for c in cands]
    keys = [_context_key(w) for w in windows]
    known: dict[str, object] = {}
    if cache is not None and cache.is_file():
        try:
            z = np.load(cache)
            known = dict(zip(z["keys"].tolist(), z["vecs"]))
        except (OSError, ValueError, KeyError):
            known = {}
    todo = [i for i, k in enumerate(keys) if k not in known]
    if todo:
        got = enc.encoder().name_vectors([windows[i] for i in todo], pooled=True)
        for i, v in zip(todo, got):
            known[keys[i]] = v
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(".tmp.npz")
            keep = [k for k, v in known.items() if len(v) == 768]  # readings of an older encoder setting are dropped
            np.savez(tmp, keys=np.asarray(keep), vecs=np.stack([known[k] for k in keep]).astype(np.float32))
            tmp.replace(cache)
    return np.stack([known[k] for k in keys]).astype(np.float64)


def fit_context_head(V, y, l2: float = HEAD_L2):
    """(mean, scale, w, b): a standardised L2 logistic regression, classes balanced (``training._fit``)."""
    from .training import _fit

    mean, scale = V.mean(axis=0), V.std(axis=0) + 1e-6
    w, b = _fit((V - mean) / scale, y, l2=l2)
    return mean, scale, w, float(b)
