"""Is it us? What the learned check reads (its words model, how the name is written, places near the name, the
words beside it) and how it is trained: training reproduces the committed model, refuses a broken file and reads
each file's places. Its decisions, end to end, are in test_identity.py."""

from __future__ import annotations

import json

import numpy as np
import pytest

from monitor import config as config_mod
from monitor import identity
from monitor.analyse import Analyser
from monitor.identity.classifier import sparse_of, unsparse

from .conftest import REPO, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("identity_model"), sources=SOURCES), environ={})


def analyse(cfg, body, title=""):
    an = Analyser(cfg, [])
    return an, an.analyse(title, body)


# --------------------------------------------------------------------------- training


def test_training_reproduces_the_committed_model(cfg, tmp_path):
    shipped = config_mod.load(REPO / "feeds.yaml", environ={}, secrets=False)
    out = tmp_path / "identity.npz"
    meta = identity.train(shipped, out=out)
    a, b = np.load(out), np.load(identity.MODEL_PATH)
    assert sorted(a.files) == sorted(b.files)
    for k in ("w", "b", "mean", "scale", "low", "high", "positives_nz", "positives_neg", "positives_far",
              "positives_far_val", "positives_shape", "positives_in_refs", "positives_from_refs", "positives_scale",
              "refs_far_at", "refs_far_val", "refs_shape", "ref_n_neg", "refs_scale", "text_weight", "text_b"):
        assert np.allclose(a[k].astype(float), b[k].astype(float), atol=1e-4), k
    # the vote's references (Huffman-coded base-3 digits since round 25): the same numbers, whatever zlib's coding
    refs_a, refs_b = (unsparse(sparse_of(dict(z), "refs_")) for z in (a, b))
    assert refs_a.dtype == refs_b.dtype == np.int8 and refs_a.shape == refs_b.shape and (refs_a == refs_b).all()
    for k in ("context_mean", "context_scale", "context_w", "context_b", "context_weight", "context_band"):
        assert np.allclose(a[k].astype(float), b[k].astype(float), atol=1e-3), k  # the second look's head
    for k in ("text_idf", "text_w"):  # the words model, stored in half precision
        assert np.allclose(a[k].astype(float), b[k].astype(float), atol=2e-3, rtol=2e-3), k
    for k in ("text_vocab", "text_pair_first", "text_pair_second"):  # single words; pairs as their places (round 19)
        assert a[k].tobytes() == b[k].tobytes(), k
    assert list(a["us_after"]) == list(b["us_after"]) and str(a["meta"]) == str(b["meta"])
    assert meta["false"] >= 200 and meta["true"] >= 500
    assert identity.MODEL_PATH.stat().st_size < 2_150_000  # all models together: < 5 MB (test_model); 1.7 MB until
    # round 9 (t30, t31 and t33 took it to 1.76 MB); 2.33 MB with round 11's t43, t45, t46, t48, t49 (bound 2.4 MB then);
    # round 12 stores the vote's references at x 15 instead of x 63 (1.6 MB with t51, t52); round 14's t63-t66 took it
    # to 1.97 MB (bound 2.0 MB): the references grow with every file (1.1 MB of it); round 15 stores them at x 10 and the
    # true mentions' vectors at x 8 (1.61 MB with t67-t69 and t71; the bound back to 1.9 MB); 1.87 MB with round 16's
    # files; round 17 stores the references at x 6 and both matrices as their non-zero numbers, at zlib level 9: 1.29 MB
    # with t82, t84 and t86; 1.35 MB at round 17's merge with t81, t83, t85 and t87 too (bound 1.45 MB: each file adds
    # about 0.015 MB); round 18's six files (t88-t93, 1,371 more texts, about 0.017 MB each) took it to 1.456 MB, 6 KB
    # over: the bound 1.5 MB (two or three more files; the next round must store the references smaller again). Round 19
    # stores the true mentions' vectors as their difference from the signs of the references and both matrices' signs
    # as bits (1.490 -> 1.389 MB with t94, t95: 85 files), and the words model's pairs of words as the places of their
    # two words (-> 1.311 MB), all read back exactly: the bound back to 1.45 MB (each file adds about 0.015 MB). Round
    # 22's merge (t106-t109: 111 files) took it to 1.467 MB: the bound 1.55 MB (about five more files; all models 3.6 MB
    # of the 5 MB allowed), and the next round that trains more files should store the references smaller again.
    # Round 24's merge (t114-t121: 121 files) took it to 1.559 MB: the bound 1.65 MB (about six more files; all models
    # 3.85 MB of the 5 MB allowed); storing the references smaller is still to do. Round 25's merge (129 files): 1.638
    # MB; size25 stores the references as Huffman-coded base-3 digits (``sparse``'s ``trits``, the same numbers):
    # 1.599 MB, the bound kept at 1.65 MB (about 0.05 MB, two or three rounds of files). Round 26's merge (t126-t133,
    # t136, t137: 137 files) took it to 1.675 MB: the bound 1.75 MB (about two rounds of files; all models 4.17 MB of
    # the 5 MB allowed). Round 29's start (t142, t144, t145: 146 files) took it to 1.761 MB: the bound 1.85 MB (about
    # four rounds of files; all models 4.37 MB of the 5 MB allowed, which stays the hard bound in test_model). Round
    # 30's start (t152-t155: 155 files) took it to 1.842 MB and its merge (t156-t159: 159 files) to 1.879 MB: the bound
    # 1.95 MB (about two rounds of files; all models 4.66 MB of the 5 MB allowed: storing the references or the
    # judgement model smaller is due before the next two rounds' files). Round 32's start (t164-t167: 167 files) took
    # it to 1.945 MB while the judgement model's explanation bank, coded as base-3 digits, went 2.83 -> 2.60 MB (all
    # models 4.55 MB): the bound 2.05 MB (about five more rounds of files). Round 33's start (t168-t171: 171 files) took
    # it to 1.979 MB (all models 4.63 MB): about two more rounds of files under this bound; round 34's (175 files) to
    # 2.010 MB; round 35's (t176-t179: 179 files) to 2.049 MB (1 KB under; all models 4.78 MB): the next files cross it.
    # Round 36 stores the judgement model's explaining examples as columns (judge.npz 2.73 -> 2.68 MB with four more
    # files): its start (t180-t183: 183 files) took this file to 2.087 MB, all models 4.77 MB: the bound 2.15 MB (about
    # two more rounds of files; then the models must store fewer explaining examples or fewer references)


def test_texts_weighted_by_writer_and_side_share_one_weight_per_file_and_class():
    # round 15's measured (and not kept) reweighting: off, classes balanced as before; on, each file's texts of one
    # class share one weight (at least 1/floor each), each class still half of the total
    from monitor.identity.training import writer_weights

    y = np.asarray([1, 1, 1, 0, 0, 1, 0, 0, 0, 0], dtype=float)
    groups = np.asarray([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    off = writer_weights(y, groups)
    assert np.allclose(off[y == 1], 10 / 8) and np.allclose(off[y == 0], 10 / 12)
    on = writer_weights(y, groups, floor=1)
    for c in (0, 1):
        assert np.isclose(on[y == c].sum(), 5.0)
        assert np.isclose(on[(y == c) & (groups == 0)].sum(), on[(y == c) & (groups == 1)].sum())
    floored = writer_weights(y, groups, floor=2)
    assert floored[5] < on[5] and np.isclose(floored[y == 1].sum(), 5.0)  # a file's lone text weighs at most 1/2


def test_training_refuses_a_broken_file(cfg, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"body": "New Baby Network", "mention": true, "severity": "info"}\n{"body": "oops"\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2: not valid JSON"):
        identity.train(cfg, files=[bad], out=tmp_path / "x.npz")


def test_the_words_model_at_run_time_computes_what_training_fitted(cfg):
    from monitor.identity import training
    from monitor.identity.decide import text_logit

    grams = [["xname", "group", "xname group", "volunteers"], ["xname", "ltd", "xname ltd", "refund", "order"],
             ["xname", "group", "church", "st", "aidan's"], ["xname", "volunteers", "cafe"], ["order", "refund", "ltd"]]
    y = np.asarray([1.0, 0.0, 0.0, 1.0, 0.0])
    vocab, idf, w, b = training._fit_text(grams, y, 10.0, min_df=2)
    A = training._tfidf(grams, {g: i for i, g in enumerate(vocab)}, idf)
    expected = A @ w + b
    index = {g: i for i, g in enumerate(vocab)}
    got = [text_logit(index, idf, w, b, g + ["never seen"]) for g in grams]  # unknown terms count for nothing
    assert np.allclose(got, expected, atol=1e-9)
    assert text_logit(index, idf, w, b, ["never seen"]) == b
    assert got[1] < 0 < got[0]


def test_the_shipped_model_mixes_the_words_model_in(cfg):
    mdl = identity.model()
    assert mdl.text_weight == identity.decide.TEXT_WEIGHT > 0 and len(mdl.vocab) > 1000
    an, a = analyse(cfg, "Hartfield Council's New Baby Network welcome packs now include a free swim pass for the "
                         "leisure centre. Register the birth at the town hall to get one.")
    assert a is None and an.last_identity.verdict == "not_us", an.last_identity


# --------------------------------------------------------------------------- how the name is written (round 4)


def _shapes(an, text):
    from monitor.identity.features import FEATURES

    sents = an.split("", text)
    mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
    x = an.identity.features(sents, {i for i, ms in mbs.items() if ms}, mbs)[0]
    names = ("name in quotes", "brackets after the name", "capitalised word before the name, starting the sentence",
             "its/their before the name", "'The' inside a sentence", "another web address or handle with our name")
    return {n for n in names if x[FEATURES.index(n)]}


def test_how_the_name_is_written_can_say_it_is_someone_elses(cfg):
    an = Analyser(cfg, [])
    assert _shapes(an, "Texts from 'New Baby Network' asking me to rate my pain??") == {"name in quotes"}
    assert _shapes(an, "PSA Newbaby Network (the preloved baby stuff app) seller took £60") == {"brackets after the name"}
    assert _shapes(an, "Cork New Baby Network cancelled the Tuesday group again") == {
        "capitalised word before the name, starting the sentence"}
    assert _shapes(an, "The bank says its New Baby Network baby bank is empty") == {"its/their before the name"}
    assert _shapes(an, "Episode 3 of The New Baby Network had me in bits") == {"'The' inside a sentence"}
    assert _shapes(an, "Anyone notice newbabynetwork.ie is full of ads?") == {"another web address or handle with our name"}
    assert _shapes(an, "@NewBabyNetworkLtd where is my order? New Baby Network never answers") == {
        "another web address or handle with our name"}
    # ours, or ordinary openers: nothing
    for text in ("Thanks New Baby Network for the group, see newbabynetwork.org.uk or @newbabynetwork",
                 "Loved New Baby Network today", "Is New Baby Network open on Friday?", "Dear New Baby Network, hello",
                 "Eastfield New Baby Network café was lovely", "Emailed info@newbabynetwork.org.uk about New Baby Network",
                 "The New Baby Network group in Southvale is back on Tuesday"):
        assert _shapes(an, text) == set(), text


# --------------------------------------------------------------------------- places (issue 15, round 5)


def _features(an, text):
    from monitor.identity import FEATURES

    sents = an.split("", text)
    mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
    x = an.identity.features(sents, {i for i, ms in mbs.items() if ms}, mbs)[0]
    return x[FEATURES.index("our place near the name")], x[FEATURES.index("another UK place near the name")]


HOME = "Went to the New Baby Network group in Birkenhead today, the volunteers made me a brew and listened."
COUNCIL = "Leeds City Council's New Baby Network scheme now posts a welcome pack to every family after registration."


def test_place_evidence_counts_both_ways(cfg):
    """Our town near the name is evidence for us; another named UK place near it, for the namesake's home."""
    an = Analyser(cfg, [])
    judge = an.identity
    judge.set_places(None)  # feeds.yaml's example places (Southvale, ...): Birkenhead is someone else's
    assert _features(an, HOME) == (0.0, 1.0)
    judge.set_places(["Birkenhead", "Wallasey"], area="Wirral and Cheshire West")
    assert judge.places == ["Birkenhead", "Wallasey", "Wirral", "Cheshire West"]
    assert _features(an, HOME) == (1.0, 0.0)
    assert _features(an, COUNCIL) == (0.0, 1.0)
    assert _features(an, "The New Baby Network stall at Cheshire Oaks: all the volunteers there")[1] == 0.0  # ours
    assert _features(an, "New Baby Network in Galway")[1] == 0.0  # abroad: the abroad words weigh that
    judge.set_places(["Leeds"])
    assert _features(an, COUNCIL) == (1.0, 0.0)
    judge.set_places(None)
    assert judge.places == list(cfg.organisation.profile.places)


def test_the_committed_model_weighs_our_places_and_other_places(cfg):
    """The same text is likelier us where its town is one of ours, and a council's scheme likelier someone else's
    where the council is not in our area."""
    an = Analyser(cfg, [])

    def p_us(text, places):
        an.identity.set_places(places)
        an.analyse("", text)
        return an.last_identity.p_us

    try:
        assert p_us(HOME, ["Birkenhead", "Wirral"]) > p_us(HOME, ["Norwich", "Diss"])
        assert p_us(COUNCIL, ["Birkenhead", "Wirral"]) < p_us(COUNCIL, ["Leeds"])
    finally:
        an.identity.set_places(None)


def test_training_reads_each_files_places_from_its_sidecar(cfg, tmp_path):
    from monitor.evaluate import LabelError
    from monitor.identity import training

    f = tmp_path / "w.jsonl"
    f.write_text(json.dumps({"body": HOME, "mention": True, "severity": "info"}) + "\n"
                 + json.dumps({"body": COUNCIL, "mention": False}) + "\n"
                 + json.dumps({"body": "Thank you New Baby Network for the call", "mention": True, "severity": "info",
                               "to_us": True}) + "\n")
    (tmp_path / "w.places.json").write_text(json.dumps({"area": "Wirral", "places": ["Birkenhead"]}))
    other = tmp_path / "o.jsonl"
    other.write_text(json.dumps({"body": HOME, "mention": True, "severity": "info", "title": "x"}) + "\n")
    assert training.places_of([f, other]) == [("Wirral", ["Birkenhead"], []), None]  # no products: none
    cands = training.candidates(cfg, [f, other])
    assert [c[1]["body"][:10] for c in cands] == [HOME[:10], COUNCIL[:10], HOME[:10]]  # sent to us: not a candidate
    X, _c, _a = training.featurise(cfg, cands, training.places_of([f, other]))
    col = identity.FEATURES.index("our place near the name")
    assert X[:, col].tolist() == [1.0, 0.0, 0.0]  # the second file has no sidecar: feeds.yaml's places
    (tmp_path / "w.places.json").write_text(json.dumps({"area": "Wirral", "places": "Birkenhead"}))
    with pytest.raises(LabelError, match=r"w.places.json: needs \"places\""):
        training.places_of([f])


# --------------------------------------------------------------------------- the words beside the name (round 6)


def test_the_words_right_before_and_after_the_name_are_read_apart(cfg):
    """The check reads the three words on each side of the name as vectors of their own: "New Baby Network
    Photography in Leeds" has "Photography in Leeds" after it, which the whole sentence's average loses."""
    from monitor.identity.features import FEATURES, side_texts

    an = Analyser(cfg, [])

    def sides(text):
        sents = an.split("", text)
        mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
        return sents, {i for i, ms in mbs.items() if ms}, mbs

    assert side_texts(*sides("Booked New Baby Network Photography in Leeds for her newborn shoot.")) == (
        ["Booked"], ["Photography in Leeds"])
    assert side_texts(*sides("Gaz: did that hire place ring u back. Is it the Cheshire New Baby Network, "
                             "the one with the council lady?")) == (["it the Cheshire"], ["the one with"])
    assert side_texts(*sides("New Baby Network")) == ([], [])
    # one entry per match, each side within its own sentence
    assert side_texts(*sides("Thanks New Baby Network! See you at New Baby Network group tomorrow")) == (
        ["Thanks", "See you at"], ["group tomorrow"])
    sents, mentioned, mbs = sides("Booked New Baby Network Photography in Leeds for her newborn shoot.")
    x = an.identity.features(sents, mentioned, mbs)[0]
    n = len(FEATURES)
    emb = an.identity.embedder()
    assert x.shape == (n + 3 * 256,)
    assert np.allclose(x[n + 256:n + 512], emb.embed(["Booked"])[0], atol=1e-6)  # one match: its words' vector
    assert np.allclose(x[n + 512:], emb.embed(["Photography in Leeds"])[0], atol=1e-6)
    sents, mentioned, mbs = sides("New Baby Network")
    assert not an.identity.features(sents, mentioned, mbs)[0][n + 256:].any()  # nothing beside it: zeros


def test_the_committed_model_reads_the_words_beside_the_name(cfg):
    """The side vectors carry weight in the shipped model, and what stands after the name moves P(us) when the rest
    of the text is the same."""
    from monitor.identity.features import FEATURES

    mdl = identity.model()
    n = len(FEATURES)
    assert mdl.w.shape == (n + 3 * 256 + 2,)
    assert np.abs(mdl.w[n + 256:n + 768]).sum() > 0.5 * np.abs(mdl.w[n:n + 256]).sum()
    an = Analyser(cfg, [])

    def p_us(text):
        an.analyse("", text)
        return an.last_identity.p_us

    ours = p_us("Went to New Baby Network baby cafe in Southvale today, the volunteers were lovely.")
    other = p_us("Went to New Baby Network Photography in Leeds today, the photographers were lovely.")
    assert other < ours
