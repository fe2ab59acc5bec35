"""The learned parts' faster paths give the same numbers, to the bit, as the plain computations
they replace (issue 14): token ids a word at a time, float32 token rows converted when first seen,
every piece's TF-IDF rows at once, the dense rows of a text, the nearest example among its level's.
On every labelled text (training/ and tests/data/, never tests/data/blind/) and random strings."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from monitor import embed, model

from .conftest import REPO


def _labelled_texts() -> list[tuple[str, str]]:
    files = sorted((REPO / "training").rglob("*.jsonl")) + sorted((REPO / "tests" / "data").glob("*.jsonl"))
    out = []
    for f in files:
        if "blind" in f.parts:
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row and "header" not in row:
                out.append((row.get("title") or "", row.get("body") or ""))
    return out


@pytest.fixture(scope="module")
def texts():
    found = _labelled_texts()
    assert len(found) > 3000  # the labelled files are there
    return found


@pytest.fixture(scope="module")
def sentences(texts):
    return [[s for _f, s in model.split(t, b)] for t, b in texts]


def _random_strings(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    parts = ["a", "b", " ", "  ", "▁", "▁▁", "\t", "\n", "'", "é", "😀", "中", "x", ".", ",", "<s>", "</s>", "<unk>",
             "<", ">", "s", "the", " New Baby", "\u00a0", "\u200b", "don't", "Ünïcödé", "1234"]
    return ["".join(rnd.choice(parts) for _ in range(rnd.randint(0, 30))) for _ in range(n)]


def test_the_wheels_tokenizer_is_the_shape_the_word_at_a_time_path_assumes():
    """What makes BPE a word at a time exact: the normaliser only marks spaces, there is no
    pre-tokenizer, BPE without dropout or affixes, and no token has a "▁" after another character
    (so no merge crosses the start of a "▁" run); the committed table is the wheel's own."""
    emb = embed.load()
    assert emb._merges is not None, "the word-at-a-time path is off: the wheel's tokenizer file changed"
    tok = emb.tokenizer
    assert tok.pre_tokenizer is None and repr(tok.normalizer) == embed._NORMALIZER
    bpe = tok.model
    assert type(bpe).__name__ == "BPE" and bpe.dropout is None and bpe.byte_fallback
    assert not bpe.continuing_subword_prefix and not bpe.end_of_word_suffix and not bpe.ignore_merges
    assert sorted(t.content for t in tok.get_added_tokens_decoder().values()) == sorted(embed.Embedder.ADDED)
    vocab = tok.get_vocab()
    assert len(vocab) > 30000
    assert not [t for t in vocab if "▁" in t.lstrip("▁")]
    want = embed.bpe_table(embed.package_dir() / embed.TOKENIZER)
    got = embed.read_npz(embed.BPE_TABLE)
    assert sorted(got) == sorted(want)
    for k in want:
        assert got[k].dtype == want[k].dtype and got[k].tobytes() == want[k].tobytes(), k


def test_token_ids_and_vectors_are_the_tokenizers_own(sentences):
    emb = embed.load()
    assert emb._merges is not None
    rnd = random.Random(11)
    unicode = ["".join(chr(rnd.choice((rnd.randint(32, 126), rnd.randint(0xA0, 0xD7FF), rnd.randint(0xE000, 0x10FFFF))))
                       for _ in range(rnd.randint(1, 30))) for _ in range(3000)]
    strings = ([s for sents in sentences for s in sents] + _random_strings(5000, 7) + unicode
               + ["", " ", "▁", "<s>", "x" * 300, "ab" * 200])
    for s in strings:
        want = emb.tokenizer.encode(s, add_special_tokens=False).ids
        assert emb.ids(s) == want, s
    # the vectors: the mean of the half-precision rows summed in float32, as before
    for s in strings[::7]:
        ids = emb.tokenizer.encode(s, add_special_tokens=False).ids
        got = emb._vector(s)
        if not ids:
            assert got is None
            continue
        v = np.add.reduce(emb.matrix[ids], axis=0, dtype=np.float32) / np.float32(len(ids))
        n = float(np.sqrt(np.dot(v, v)))
        assert got.tobytes() == (v / n).tobytes(), s


def test_a_texts_tfidf_rows_are_the_piece_by_piece_ones(sentences):
    idf = model.load().idf
    checked = 0
    for sents in sentences[::3] + [[], ["one"], ["", "two words"], ["not a scam", "it isn't", "no"]]:
        rows = [model.tfidf(c, idf) for c in model.piece_counts(model.sentence_counts(sents),
                                                                model.pieces_of(len(sents)))]
        idx, val, sizes = model.text_rows(sents, idf)
        assert sizes.tolist() == [len(r[0]) for r in rows]
        assert idx.tobytes() == np.concatenate([r[0] for r in rows]).astype(np.int64).tobytes()
        assert val.dtype == np.float32
        assert val.tobytes() == np.concatenate([r[1] for r in rows]).astype(np.float32).tobytes()
        checked += len(sents) > 2
    assert checked > 500


def test_a_texts_dense_rows_are_the_generic_ones(sentences):
    emb = embed.load()
    for sents in sentences[::3]:
        v = emb.embed(sents)
        pieces = model.pieces_of(len(sents))
        generic = model.dense_rows(v, pieces + [()])[:-1]  # a list that is not pieces_of(n): the generic path
        assert model.dense_rows(v, pieces).tobytes() == generic.tobytes()


def test_the_nearest_example_is_the_one_the_whole_bank_gives(sentences):
    m = model.load()
    rnd = random.Random(3)
    for sents in sentences[:300]:
        if not sents:
            continue
        v = m.embedder.embed(sents)
        text_vec = model.dense_rows(v, [tuple(range(len(sents)))])[0, :256]
        for level in ("info", "watch", "alert", "crisis"):
            proposed = rnd.sample(model.FAMILIES, rnd.randint(0, 3))
            sims = np.maximum(np.einsum("ij,j->i", m.bank, v[0]), np.einsum("ij,j->i", m.bank, text_vec))
            levels, families = m._explaining()  # the examples' levels and families, read on first use
            at_level = levels == model.LEVELS.index(level)
            wanted = at_level & (families[:, [model.FAMILIES.index(f) for f in proposed]].any(axis=1)
                                 if proposed else True)
            if not wanted.any():
                wanted = at_level if at_level.any() else np.ones(len(m.examples), dtype=bool)
            best = int(np.argmax(np.where(wanted, sims, -np.inf)))
            got = m.nearest(v[0], text_vec, level, proposed)
            assert (got.id, got.file, got.similarity) == (m.examples[best][0], m.examples[best][1], float(sims[best]))
