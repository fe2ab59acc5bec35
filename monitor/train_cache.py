"""``monitor train``'s cache of each text's features (round 23): its sentences, their word vectors and every piece's
n-gram counts, keyed by the text (title and body), in a git-ignored file under ``data/``.

Reading the texts is a third to a half of ``monitor train`` (the word vectors' BPE and the hashed n-grams of some
33,000 texts); the texts rarely change between retrains, so a retrain reads only the new ones. The cache never
changes the result: an item's features depend on its title and body alone (``train_fit._featurise_part`` reads
nothing else, and the parts it is split into change nothing), and the whole cache is thrown away when anything the
features come from may have changed (``version``: every source file of ``monitor/``, the word vectors' files, the
Python and numpy versions). ``tests/test_train_cache.py`` proves a cold and a warm run give the same features.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import zipfile
from pathlib import Path

from .train_data import REPO

CACHE = REPO / "data" / "train_features.npz"


def item_key(it) -> str:
    return hashlib.sha256(json.dumps([it.title, it.body], ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def version() -> str:
    """What the features come from: the code of ``monitor/`` (all of it: a change anywhere throws the cache away),
    the word vectors and their tokenizer, and the interpreter's and numpy's versions."""
    import sys

    import numpy as np

    from . import embed

    h = hashlib.sha256(f"{sys.version}|{np.__version__}".encode())
    here = Path(__file__).resolve().parent
    base = embed.package_dir()
    for p in sorted(here.rglob("*.py")) + [embed.BPE_TABLE, base / embed.WEIGHTS, base / embed.TOKENIZER]:
        h.update(str(p.relative_to(here) if p.is_relative_to(here) else p.name).encode())
        h.update(p.read_bytes() if p.is_file() else b"-")
    return h.hexdigest()


def unpack(part) -> list:
    """A packed part (``train_fit._featurise_part``'s arrays) as one ``(sentences, units, rows, vectors)`` per item:
    ``rows`` the ``(idx, tf)`` of the whole text then of each unit."""
    import numpy as np

    sents_of, unit_counts, sizes, idx, tf, vectors = part
    cuts = np.cumsum(sizes)[:-1] if len(sizes) else []
    idx_s, tf_s = np.split(idx, cuts), np.split(tf, cuts)
    out, at, vat = [], 0, 0
    for sents, n in zip(sents_of, np.asarray(unit_counts).tolist()):
        out.append((sents, n, list(zip(idx_s[at:at + 1 + n], tf_s[at:at + 1 + n])), vectors[vat:vat + len(sents)]))
        at, vat = at + 1 + n, vat + len(sents)
    return out


def load(path: Path | None, want: str) -> dict:
    """``{key: (sentences, units, rows, vectors)}`` from the cache at ``path`` when it was written by ``want``'s
    version; else empty."""
    import numpy as np

    if path is None or not Path(path).is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as z:
            head = json.loads(bytes(z["head"]).decode("utf-8"))
            if head.get("version") != want:
                return {}
            part = (head["sentences"], z["units"], z["sizes"], z["idx"], z["tf"], z["vectors"])
            return dict(zip(head["keys"], unpack(part)))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # unreadable or another layout: read again
        return {}


def save(path: Path, want: str, entries: dict) -> bool:
    """Write ``entries`` (``{key: (sentences, units, rows, vectors)}``) to ``path`` (atomically); False when it cannot
    be written (a read-only ``data/``, a full disk): the cache only saves time, so training goes on without it."""
    import numpy as np

    keys = list(entries)
    vals = [entries[k] for k in keys]
    rows = [r for v in vals for r in v[2]]
    head = json.dumps({"version": want, "keys": keys, "sentences": [v[0] for v in vals]}, ensure_ascii=False)
    arrays = dict(
        head=np.frombuffer(head.encode("utf-8"), dtype=np.uint8),
        units=np.array([v[1] for v in vals], dtype=np.int64),
        sizes=np.array([len(i) for i, _t in rows], dtype=np.int64),
        idx=np.concatenate([i for i, _t in rows]).astype(np.uint16) if rows else np.zeros(0, np.uint16),
        tf=np.concatenate([t for _i, t in rows]).astype(np.float32) if rows else np.zeros(0, np.float32),
        vectors=(np.concatenate([v[3] for v in vals]).astype(np.float32) if vals else np.zeros((0, 256), np.float32)),
    )
    path = Path(path)
    tmp = path.with_suffix(".tmp.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(tmp, **arrays)
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    return True
