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
import zlib
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


def read_npz(path: Path, later: tuple = ()) -> dict:
    """The arrays of an ``.npz`` (``np.savez`` or :func:`save_npz`), read-only views of the file's bytes: the
    same arrays as ``np.load(path)`` gives, without importing zipfile (and bz2, lzma, shutil),
    checking each member's CRC or copying each stored member again (a deflated one is inflated
    with zlib). Read whole, not memory-mapped:
    ``monitor train`` may rewrite the file while a run has it open. Anything else (another
    compression, Fortran order, objects, a zip64 offset) is read by ``np.load``.

    ``later``: names of members returned not as arrays but as functions of no arguments that give them, so
    a deflated member a run may never need (the judgement model's example bank) is inflated only when asked."""
    import numpy as np

    buf = path.read_bytes()
    try:
        return _npz_members(np, buf, frozenset(later))
    except (ValueError, KeyError, struct.error):
        with np.load(path, allow_pickle=False) as arrays:
            return {k: arrays[k] for k in arrays.files}


def save_npz(path: Path, stored: dict, deflated: dict | None = None, level: int = 9) -> None:
    """Write arrays as ``np.savez`` does, each member stored as is (read fastest), except those in
    ``deflated``, which are compressed (a large table read rarely: the judgement model's example
    bank; the is-it-us check's references), at zlib's ``level`` (9: 5-10% smaller than its default 6,
    inflated as fast). ``np.load`` and :func:`read_npz` read both kinds."""
    import io
    import zipfile

    import numpy as np

    with zipfile.ZipFile(path, "w") as z:
        for method, arrays in ((zipfile.ZIP_STORED, stored), (zipfile.ZIP_DEFLATED, deflated or {})):
            for name, array in arrays.items():
                data = io.BytesIO()
                np.lib.format.write_array(data, np.asanyarray(array), allow_pickle=False)
                # the level goes to each member: a ZipInfo ignores the ZipFile's
                z.writestr(zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0)), data.getvalue(),
                           compress_type=method, compresslevel=level if method == zipfile.ZIP_DEFLATED else None)


def _npz_members(np, buf, later: frozenset = frozenset()) -> dict:
    end = buf.rfind(b"PK\x05\x06")  # end of central directory
    if end < 0:
        raise ValueError("no zip directory")
    count, _size, at = struct.unpack_from("<HII", buf, end + 10)
    out = {}
    for _ in range(count):
        if buf[at:at + 4] != b"PK\x01\x02":
            raise ValueError("bad directory entry")
        method, = struct.unpack_from("<H", buf, at + 10)
        packed, = struct.unpack_from("<I", buf, at + 20)
        n_name, n_extra, n_comment = struct.unpack_from("<HHH", buf, at + 28)
        offset, = struct.unpack_from("<I", buf, at + 42)
        name = buf[at + 46:at + 46 + n_name].decode("utf-8")
        at += 46 + n_name + n_extra + n_comment
        if method not in (0, 8) or offset == 0xFFFFFFFF or not name.endswith(".npy"):
            raise ValueError("not a plain member")
        if buf[offset:offset + 4] != b"PK\x03\x04":
            raise ValueError("bad local header")
        l_name, l_extra = struct.unpack_from("<HH", buf, offset + 26)
        data = offset + 30 + l_name + l_extra
        read = _member_later(np, name, buf, data, packed, method)
        out[name[:-4]] = read if name[:-4] in later else read()
    return out


def _member_later(np, name: str, buf, data: int, packed: int, method: int):
    """A function of no arguments giving the member ``name`` when called: a deflated one (``save_npz``'s
    ``deflated``) from its own bytes, inflated; a stored one as a view of ``buf``."""
    def member():
        if method == 8:
            return _npz_members_of(np, name, zlib.decompress(buf[data:data + packed], -15), 0)[name[:-4]]
        return _npz_members_of(np, name, buf, data)[name[:-4]]
    return member


def member(value):
    """A member :func:`read_npz` left for later (``later``), read now; an array (read at once, or by ``np.load``) as
    it is."""
    return value() if callable(value) else value


def _npz_members_of(np, name: str, buf, data: int) -> dict:
    """One ``.npy`` member starting at ``data`` in ``buf``, as a read-only view."""
    from ast import literal_eval

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
    return {name[:-4]: np.frombuffer(buf, dtype=dtype, count=count_items,
                                     offset=header_at + header_len).reshape(shape)}


# The tokenizer's own pipeline, which the word-at-a-time path reproduces (tests/test_model_speed.py).
_NORMALIZER = 'Sequence(normalizers=[Prepend(prepend="▁"), Replace(pattern=String(" "), content="▁")])'
# A piece of normalised text that BPE never merges across: a run of "▁" (a space) and the word after it.
_CHUNK = re.compile("▁*[^▁]+|▁+")
# The tokenizer's BPE merges, characters and byte tokens as arrays (``bpe_table``), made from the wheel's
# tokenizer file and used only while that file is the one it was made from (its size and CRC-32).
BPE_TABLE = Path(__file__).with_name("embed_bpe.npz")
_ID_BITS = 15  # every token id is below 2 ** 15 (32,000 tokens): a merge's pair and value in one int each


def bpe_table(tokenizer: Path) -> dict:
    """The arrays of ``BPE_TABLE`` for the tokenizer file ``tokenizer`` (``python -m monitor.embed`` writes them)."""
    import zlib

    import numpy as np

    raw = tokenizer.read_bytes()
    model = json.loads(raw)["model"]
    vocab = model["vocab"]
    a, b, new = [], [], []
    for merge in model["merges"]:
        left, right = merge.split(" ") if isinstance(merge, str) else merge
        a.append(vocab[left])
        b.append(vocab[right])
        new.append(vocab[left + right])
    chars = sorted((t, i) for t, i in vocab.items() if len(t) == 1)
    if max(vocab.values()) >= 1 << _ID_BITS:
        raise ValueError("token ids too large for the table")
    return {"source": np.array([len(raw), zlib.crc32(raw)], dtype=np.int64),
            "a": np.array(a, dtype=np.int16), "b": np.array(b, dtype=np.int16), "new": np.array(new, dtype=np.int16),
            "chars": np.array([c for c, _i in chars], dtype="<U1"),
            "char_ids": np.array([i for _c, i in chars], dtype=np.int16),
            "byte_ids": np.array([vocab.get(f"<0x{v:02X}>", -1) for v in range(256)], dtype=np.int16)}


class Embedder:
    """``embed(texts) -> float32 array (n, 256)``, each row unit length (zeros for empty text).

    The analyser embeds the same sentences more than once (the is-it-us check, then the
    judgement model), so each text's vector is kept (up to ``CACHE`` texts per process).

    Token ids: the same as ``Tokenizer.encode(text, add_special_tokens=False).ids`` of the wheel's
    tokenizer, worked out a word at a time without building that tokenizer (its build was a third
    of the model's load). Its normaliser puts "▁" before the text and for every space; it has no
    pre-tokenizer (the whole sentence is one BPE "word"); no token of its vocabulary has a "▁" after
    another character, so no merge crosses the start of a "▁" run: BPE on each run-and-word gives
    the tokens BPE gives the whole sentence. Each run-and-word is split into characters (a
    character the vocabulary lacks into its UTF-8 byte tokens) and merged lowest rank first,
    leftmost first among equals, as the tokenizers library's BPE does, from ``BPE_TABLE``; its ids
    are kept (``WORDS``), so a common word is worked out once per process. A text holding one of the
    added tokens ("<s>", "</s>", "<unk>") or a byte the vocabulary lacks, or any text when the
    tokenizer file is not the one the table was made from, goes to the tokenizer itself (built
    then). tests/test_model_speed.py checks every labelled text and random strings against it.

    Token vectors: a token's half-precision row is converted to float32 the first time the token is
    seen and kept (a few MB in a run; the whole matrix would be 33 MB and 10 ms at load); the sums
    are the same as summing the half-precision rows with ``dtype=float32`` (the conversion is exact)."""

    CACHE = 4096
    WORDS = 100_000
    ADDED = ("<unk>", "<s>", "</s>")  # the tokenizer's added tokens: a text with one goes to the tokenizer

    def __init__(self, weights: Path, tokenizer: Path):
        import numpy as np

        self._np = np
        # A plain array over the memory map: indexing a np.memmap goes through Python code each time.
        self.matrix = _read_safetensors(weights).view(np.ndarray)
        self._rows = self.matrix.shape[0]
        # float32 copies of the rows of the tokens seen so far, in the order first seen (``_slot``: token id ->
        # its row here, -1 before): a run sees a few thousand of the 32,000 tokens (the whole matrix in float32
        # would be 33 MB, all of it resident once transparent huge pages back a sparse fill).
        self._slot = np.full(self._rows, -1, dtype=np.intp)
        self._rows32 = np.empty((1024, self.matrix.shape[1]), dtype=np.float32)
        self._used = 0
        self._tokenizer_path = tokenizer
        self._tokenizer = None
        self._vectors: OrderedDict[str, object] = OrderedDict()
        self._words: dict[str, list[int]] = {}
        self._merges = self._table(tokenizer)

    def _table(self, tokenizer: Path):
        """The merges as ``{a << 15 | b: rank << 15 | new}``, with the characters' and bytes' ids; None
        (use the tokenizer) when the table is missing or was made from another tokenizer file."""
        import zlib

        try:
            raw = tokenizer.read_bytes()
            t = read_npz(BPE_TABLE)
            if t["source"].tolist() != [len(raw), zlib.crc32(raw)]:
                return None
        except (OSError, KeyError, ValueError):
            return None
        a, b, new = (t[k].astype(self._np.int64) for k in ("a", "b", "new"))
        self._char_ids = dict(zip(t["chars"].tolist(), t["char_ids"].tolist()))
        self._byte_ids = t["byte_ids"].tolist()
        ranks = self._np.arange(len(a), dtype=self._np.int64)
        return dict(zip(((a << _ID_BITS) | b).tolist(), ((ranks << _ID_BITS) | new).tolist()))

    @property
    def tokenizer(self):
        """The wheel's tokenizer itself (built on first use: the fallback, and what the tests compare with)."""
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(self._tokenizer_path))
            tok.no_padding()
            tok.no_truncation()
            self._tokenizer = tok
        return self._tokenizer

    def ids(self, text: str) -> list[int]:
        """``Tokenizer.encode(text, add_special_tokens=False).ids``, a word at a time (see the class)."""
        if not text:
            return []
        if self._merges is not None and not any(a in text for a in self.ADDED):
            words = self._words
            out: list[int] = []
            for chunk in _CHUNK.findall("▁" + text.replace(" ", "▁")):
                got = words.get(chunk)
                if got is None:
                    got = self._bpe(chunk)
                    if got is None:  # a byte the vocabulary lacks
                        break
                    if len(words) >= self.WORDS:
                        words.clear()
                    words[chunk] = got
                out += got
            else:
                return out
        return self.tokenizer.encode(text, add_special_tokens=False).ids

    def _bpe(self, word: str) -> list[int] | None:
        """BPE of one run-and-word, as the tokenizers library's ``BPE.merge_word`` and ``Word.merge_all``."""
        from heapq import heapify, heappop, heappush

        merges, chars, byte_ids = self._merges, self._char_ids, self._byte_ids
        mask = (1 << _ID_BITS) - 1
        syms: list[int] = []
        for c in word:
            i = chars.get(c)
            if i is not None:
                syms.append(i)
                continue
            try:
                encoded = c.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: the tokenizer's own answer
                return None
            for byte in encoded:  # the byte fallback
                if byte_ids[byte] < 0:
                    return None
                syms.append(byte_ids[byte])
        n = len(syms)
        heap = []
        for p in range(n - 1):
            m = merges.get(syms[p] << _ID_BITS | syms[p + 1])
            if m is not None:
                heap.append((m >> _ID_BITS, p, m & mask))
        if not heap:
            return syms
        heapify(heap)
        nxt = list(range(1, n + 1))
        nxt[-1] = -1
        prev = list(range(-1, n - 1))
        alive = [True] * n
        while heap:
            _rank, pos, new = heappop(heap)
            if not alive[pos] or nxt[pos] < 0:
                continue
            right = nxt[pos]
            m = merges.get(syms[pos] << _ID_BITS | syms[right])
            if m is None or m & mask != new:  # an expired entry: that pair has changed since
                continue
            syms[pos] = new
            alive[right] = False
            after = nxt[right]
            nxt[pos] = after
            if after >= 0:
                prev[after] = pos
            before = prev[pos]
            if before >= 0:
                m = merges.get(syms[before] << _ID_BITS | new)
                if m is not None:
                    heappush(heap, (m >> _ID_BITS, before, m & mask))
            if after >= 0:
                m = merges.get(new << _ID_BITS | syms[after])
                if m is not None:
                    heappush(heap, (m >> _ID_BITS, pos, m & mask))
        return [s for s, keep in zip(syms, alive) if keep]

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
        slots = self._slot[idx]
        if (slots < 0).any():
            slots = self._convert(idx[slots < 0], idx)
        # The mean of the tokens' vectors: the rows summed in order, in float32.
        v = np.add.reduce(self._rows32[slots], axis=0) / np.float32(len(ids))
        n = float(np.sqrt(np.dot(v, v)))
        return v / n if n > 0 else None

    def _convert(self, new, idx):
        """Convert the rows of the ``new`` token ids to float32 (exact); the slots of ``idx``."""
        np = self._np
        new = np.unique(new)
        end = self._used + len(new)
        if end > len(self._rows32):
            grown = np.empty((max(2 * len(self._rows32), end), self._rows32.shape[1]), dtype=np.float32)
            grown[:self._used] = self._rows32[:self._used]
            self._rows32 = grown
        self._rows32[self._used:end] = self.matrix[new]
        self._slot[new] = np.arange(self._used, end)
        self._used = end
        return self._slot[idx]

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


if __name__ == "__main__":  # python -m monitor.embed: write BPE_TABLE from the installed wheel's tokenizer file
    import numpy as np

    np.savez(BPE_TABLE, **bpe_table(package_dir() / TOKENIZER))
    print(f"wrote {BPE_TABLE}")
