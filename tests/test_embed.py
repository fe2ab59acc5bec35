"""The sentence vectors come from the weights inside the wordllama wheel, read by path."""

from __future__ import annotations

import numpy as np

from monitor import embed


def test_vectors_match_wordllamas_own_inference():
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    base = embed.package_dir()
    texts = ["I can't see a way through this any more", "Lovely baby café this morning!", "", "a"]
    ours = embed.load().embed(texts)
    ref = WordLlamaInference(np.asarray(embed._read_safetensors(base / embed.WEIGHTS)),
                             Tokenizer.from_file(str(base / embed.TOKENIZER))).embed(texts[:2] + texts[3:], norm=True)
    assert ours.shape == (4, embed.DIM)
    assert np.allclose(ours[[0, 1, 3]], ref, atol=1e-6)
    assert not ours[2].any()  # empty text: a zero vector, not NaN


def test_similar_sentences_are_closer_than_unrelated_ones():
    a, b, c = embed.load().embed(["my baby will not stop crying at night",
                                  "the little one cries all night long",
                                  "the council approved the parking budget"])
    assert a @ b > a @ c + 0.1
