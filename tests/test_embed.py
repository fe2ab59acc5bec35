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


def test_read_npz_gives_np_loads_arrays(tmp_path):
    """embed.read_npz (the models' files, without zipfile) reads the same arrays as np.load, byte for byte;
    a member save_npz deflates is inflated; a file it does not handle otherwise is read by np.load."""
    from monitor import model
    from monitor.identity import decide

    mine = {"f16": np.arange(12, dtype=np.float16).reshape(3, 4), "i8": np.array([-127, 0, 127], dtype=np.int8),
            "text": np.array(["us", "ltd"]), "scalar": np.float64(0.25), "empty": np.zeros((0, 256), np.float32)}
    np.savez(tmp_path / "plain.npz", **mine)
    np.savez_compressed(tmp_path / "packed.npz", **mine)
    embed.save_npz(tmp_path / "mixed.npz", {k: v for k, v in mine.items() if k != "i8"}, deflated={"i8": mine["i8"]})
    for path in (model.MODEL_DIR / "judge.npz", decide.MODEL_PATH, tmp_path / "plain.npz", tmp_path / "packed.npz",
                 tmp_path / "mixed.npz"):
        got = embed.read_npz(path)
        with np.load(path) as want:
            assert sorted(got) == sorted(want.files)
            for k in want.files:
                assert got[k].dtype == want[k].dtype and got[k].shape == want[k].shape, (path, k)
                assert got[k].tobytes() == want[k].tobytes(), (path, k)


def test_read_npz_defers_a_member_until_asked_and_save_npz_packs_at_level_9(tmp_path):
    """A member named in ``later`` is a function that reads the same array when called, stored or deflated (the
    is-it-us check reads its true mentions' vectors only when a learned namesake needs them); zlib level 9 (both
    models' files since round 17, the default) is smaller than zlib's own default 6 and reads back the same bytes."""
    refs = np.round(np.random.default_rng(1).normal(0, 0.3, (256, 400))).astype(np.int8)  # like the check's, sparse
    embed.save_npz(tmp_path / "six.npz", {"w": np.ones(3, np.float32)}, deflated={"refs": refs, "pos": refs[:, :10]},
                   level=6)
    embed.save_npz(tmp_path / "nine.npz", {"w": np.ones(3, np.float32)}, deflated={"refs": refs, "pos": refs[:, :10]},
                   level=9)
    assert (tmp_path / "nine.npz").stat().st_size < (tmp_path / "six.npz").stat().st_size
    for path in (tmp_path / "six.npz", tmp_path / "nine.npz"):
        got = embed.read_npz(path, later=("pos", "w"))
        assert callable(got["pos"]) and callable(got["w"]) and not callable(got["refs"])
        assert got["pos"]().tobytes() == refs[:, :10].tobytes() and got["pos"]().shape == (256, 10)
        assert got["w"]().tobytes() == np.ones(3, np.float32).tobytes()
        assert got["refs"].tobytes() == refs.tobytes()
