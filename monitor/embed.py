"""Sentence vectors from the static word-embedding model that ships inside the wordllama wheel.

wordllama 0.4 ships its weights (``wordllama/weights/l2_supercat_256.safetensors``: one
256-number vector per token, 32,000 tokens) and its tokenizer
(``wordllama/tokenizers/l2_supercat_tokenizer_config.json``), but ``WordLlama.load()``
looks for the tokenizer in the wrong folder and then tries to download it, and importing
wordllama itself costs most of a second. So we read the two files directly, by path, and
never import wordllama: a sentence vector is the mean of its tokens' vectors, unit length,
exactly what ``WordLlama.embed(norm=True)`` computes. Nothing is ever downloaded.

Load with :func:`load` (cached per process); it is imported only when a run has new text.
"""

from __future__ import annotations

import importlib.util
import json
import struct
from functools import lru_cache
from pathlib import Path

WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
DIM = 256


class ModelMissing(RuntimeError):
    """The wordllama package (which carries the weights) is not installed."""


def package_dir() -> Path:
    spec = importlib.util.find_spec("wordllama")  # finds the folder without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing("the wordllama package is not installed: run `make install` (it is in setup.cfg)")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_safetensors(path: Path):
    """The one F16 matrix in a safetensors file, memory-mapped (no copy, no safetensors import)."""
    import numpy as np

    with path.open("rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
    (name, meta), = ((k, v) for k, v in header.items() if k != "__metadata__")
    if meta["dtype"] != "F16":
        raise ValueError(f"{path}: expected F16 weights, found {meta['dtype']}")
    start, end = meta["data_offsets"]
    rows, cols = meta["shape"]
    return np.memmap(path, dtype=np.float16, mode="r", offset=8 + size + start, shape=(rows, cols))


class Embedder:
    """``embed(texts) -> float32 array (n, 256)``, each row unit length (zeros for empty text)."""

    def __init__(self, weights: Path, tokenizer: Path):
        import numpy as np
        from tokenizers import Tokenizer

        self._np = np
        self.matrix = _read_safetensors(weights)
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        # One at a time: encode_batch hands a few short sentences to a thread pool, which costs
        # more than it saves on a busy two-core machine.
        return [self.tokenizer.encode(t, add_special_tokens=False).ids for t in texts]

    def embed(self, texts: list[str]):
        np = self._np
        out = np.zeros((len(texts), self.matrix.shape[1]), dtype=np.float32)
        for i, ids in enumerate(self.token_ids(texts)):
            if ids:
                ids = np.clip(np.asarray(ids, dtype=np.int64), 0, self.matrix.shape[0] - 1)
                v = self.matrix[ids].astype(np.float32).mean(axis=0)
                n = float(np.linalg.norm(v))
                if n > 0:
                    out[i] = v / n
        return out


@lru_cache(maxsize=1)
def load() -> Embedder:
    base = package_dir()
    return Embedder(base / WEIGHTS, base / TOKENIZER)
