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
import os
import re
import struct
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
DIM = 256
_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """One BLAS thread for numpy, when numpy is imported after this call (the caller's own setting wins).

    Every product the analysis makes is small (a sentence vector against a few thousand stored
    ones). A threaded OpenBLAS wakes a second thread for each, and that thread spins after the
    call: on a busy two-core machine the is-it-us check cost 5 to 10 times the CPU (1.7 ms instead
    of 0.16 ms per vote, the spinning thread slowing the rest of the analysis too). The identity
    check (``monitor/identity/decide.py``) and the judgement model (``monitor/model.py``) call this
    when imported, before they import numpy. The products give the same numbers either way."""
    for var in _BLAS_THREADS:
        os.environ.setdefault(var, "1")


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


def read_npz(path: Path) -> dict:
    """The arrays of an uncompressed ``.npz`` (``np.savez``), read-only views of the file's bytes: the
    same arrays as ``np.load(path)`` gives, without importing zipfile (and bz2, lzma, shutil),
    checking each member's CRC or copying each member again. Read whole, not memory-mapped:
    ``monitor train`` may rewrite the file while a run has it open. Anything else (a compressed
    member, Fortran order, objects, a zip64 offset) is read by ``np.load``."""
    import numpy as np

    buf = path.read_bytes()
    try:
        return _npz_members(np, buf)
    except (ValueError, KeyError, struct.error):
        with np.load(path, allow_pickle=False) as arrays:
            return {k: arrays[k] for k in arrays.files}


def _npz_members(np, buf) -> dict:
    from ast import literal_eval

    end = buf.rfind(b"PK\x05\x06")  # end of central directory
    if end < 0:
        raise ValueError("no zip directory")
    count, _size, at = struct.unpack_from("<HII", buf, end + 10)
    out = {}
    for _ in range(count):
        if buf[at:at + 4] != b"PK\x01\x02":
            raise ValueError("bad directory entry")
        method, = struct.unpack_from("<H", buf, at + 10)
        n_name, n_extra, n_comment = struct.unpack_from("<HHH", buf, at + 28)
        offset, = struct.unpack_from("<I", buf, at + 42)
        name = buf[at + 46:at + 46 + n_name].decode("utf-8")
        at += 46 + n_name + n_extra + n_comment
        if method != 0 or offset == 0xFFFFFFFF or not name.endswith(".npy"):
            raise ValueError("not a plain member")
        if buf[offset:offset + 4] != b"PK\x03\x04":
            raise ValueError("bad local header")
        l_name, l_extra = struct.unpack_from("<HH", buf, offset + 26)
        data = offset + 30 + l_name + l_extra
        if buf[data:data + 6] != b"\x93NUMPY":
            raise ValueError("not an .npy member")
        major = buf[data + 6]
        if major == 1:
            header_len, = struct.unpack_from("<H", buf, data + 8)
            header_at = data + 10
        elif major in (2, 3):
            header_len, = struct.unpack_from("<I", buf, data + 8)
            header_at = data + 12
        else:
            raise ValueError("unknown .npy version")
        header = literal_eval(buf[header_at:header_at + header_len].decode("latin1"))
        dtype = np.dtype(header["descr"])
        if header["fortran_order"] or dtype.hasobject:
            raise ValueError("not a plain array")
        shape = tuple(header["shape"])
        count_items = 1
        for dim in shape:
            count_items *= dim
        out[name[:-4]] = np.frombuffer(buf, dtype=dtype, count=count_items,
                                       offset=header_at + header_len).reshape(shape)
    return out


# The tokenizer's own pipeline, which the fast path below reproduces (checked when it loads).
_NORMALIZER = 'Sequence(normalizers=[Prepend(prepend="▁"), Replace(pattern=String(" "), content="▁")])'
# A piece of normalised text that BPE never merges across: a run of "▁" (a space) and the word after it.
_CHUNK = re.compile("▁*[^▁]+|▁+")


class Embedder:
    """``embed(texts) -> float32 array (n, 256)``, each row unit length (zeros for empty text).

    The analyser embeds the same sentences more than once (the is-it-us check, then the
    judgement model), so each text's vector is kept (up to ``CACHE`` texts per process).

    Token ids: the same as ``Tokenizer.encode(text, add_special_tokens=False).ids``, worked out
    a word at a time. The tokenizer's normaliser puts "▁" before the text and for every space,
    there is no pre-tokenizer (the whole sentence is one BPE "word"), and no token of the
    vocabulary has a "▁" after another character, so no merge crosses the start of a "▁" run:
    BPE on each run-and-word gives the same tokens as BPE on the whole sentence (test: every
    labelled text and random strings). Each run-and-word's ids are kept (``WORDS``), so a common
    word is tokenised once per process; building the full ``Encoding`` (offsets, masks) was most
    of ``encode``'s cost. A text holding one of the tokenizer's added tokens ("<s>") goes to
    ``encode``, as does everything when the tokenizer is not the shape described here.

    Token vectors: the half-precision weights are converted to float32 a row at a time, the first
    time a token is seen (the whole matrix would cost 33 MB and 10 ms at load); the sums are the
    same as summing the half-precision rows with ``dtype=float32`` (the conversion is exact)."""

    CACHE = 4096
    WORDS = 100_000

    def __init__(self, weights: Path, tokenizer: Path):
        import numpy as np
        from tokenizers import Tokenizer

        self._np = np
        # A plain array over the memory map: indexing a np.memmap goes through Python code each time.
        self.matrix = _read_safetensors(weights).view(np.ndarray)
        self._rows = self.matrix.shape[0]
        # float32 rows, filled when a token is first seen (np.empty: pages are only touched when written)
        self._rows32 = np.empty(self.matrix.shape, dtype=np.float32)
        self._converted = np.zeros(self._rows, dtype=bool)
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self._vectors: OrderedDict[str, object] = OrderedDict()
        tok = self.tokenizer
        fast = (tok.pre_tokenizer is None and repr(tok.normalizer) == _NORMALIZER
                and type(tok.model).__name__ == "BPE" and tok.model.dropout is None)
        self._bpe = tok.model if fast else None
        self._added = tuple(t.content for t in tok.get_added_tokens_decoder().values()) if fast else ()
        self._words: dict[str, list[int]] = {}

    def ids(self, text: str) -> list[int]:
        """``Tokenizer.encode(text, add_special_tokens=False).ids``, a word at a time (see the class)."""
        if self._bpe is None or any(a in text for a in self._added):
            return self.tokenizer.encode(text, add_special_tokens=False).ids
        if not text:
            return []
        words = self._words
        out: list[int] = []
        for chunk in _CHUNK.findall("▁" + text.replace(" ", "▁")):
            got = words.get(chunk)
            if got is None:
                got = [t.id for t in self._bpe.tokenize(chunk)]
                if len(words) >= self.WORDS:
                    words.clear()
                words[chunk] = got
            out += got
        return out

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        return [self.ids(t) for t in texts]

    def _vector(self, text: str):
        np = self._np
        ids = self.ids(text)
        if not ids:
            return None
        idx = np.array(ids, dtype=np.intp)
        if max(ids) >= self._rows or min(ids) < 0:
            idx = np.clip(idx, 0, self._rows - 1)
        fresh = ~self._converted[idx]
        if fresh.any():
            new = idx[fresh]
            self._rows32[new] = self.matrix[new]
            self._converted[new] = True
        # The mean of the tokens' vectors: the rows summed in order, in float32.
        v = np.add.reduce(self._rows32[idx], axis=0) / np.float32(len(ids))
        n = float(np.sqrt(np.dot(v, v)))
        return v / n if n > 0 else None

    def embed(self, texts: list[str]):
        np = self._np
        out = np.zeros((len(texts), self.matrix.shape[1]), dtype=np.float32)
        cache = self._vectors
        for i, t in enumerate(texts):
            try:
                v = cache[t]
            except KeyError:
                v = self._vector(t)
                if len(cache) >= self.CACHE:
                    cache.popitem(last=False)  # the oldest
                cache[t] = v
            if v is not None:
                out[i] = v
        return out


@lru_cache(maxsize=1)
def load() -> Embedder:
    base = package_dir()
    return Embedder(base / WEIGHTS, base / TOKENIZER)
