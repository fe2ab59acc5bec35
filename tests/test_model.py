"""The learned judgement: it reproduces from the labelled files, it is sentence-aware, it explains
itself, and the rules' floors and guards still hold with it."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from monitor import config, model, store, train
from monitor.analyse import Analyser
from monitor.cli import cli

from .conftest import REPO, write_config

pytestmark = pytest.mark.model

ENV = {"MONITOR_EMAIL_URL": "mailto://a@example.org", "MONITOR_SMS_URL": "json://127.0.0.1:9/"}
CFG = config.load(REPO / "feeds.yaml", environ=ENV)
analyser = Analyser(CFG, model="auto")  # the model and the rules together, as a run grades

FRIENDLY = ("What a lovely morning at the New Baby Network stay-and-play in the church hall. "
            "The volunteers had set out toys and there was tea and cake for everyone. "
            "My little one loved the sensory corner and the singing at the end. ")


# --------------------------------------------------------------------------- reproducible, small


def test_training_reproduces_the_committed_model(tmp_path):
    """`monitor train` on training/*.jsonl rebuilds judge.npz/judge.json: same thresholds, same chances."""
    train.train(out=tmp_path)  # its time is measured in bench/ (bench/train_time.py), never here
    committed, rebuilt = model.load(), model.load_from(tmp_path)
    # Same thresholds to the last rounding step: the chances are sums of floats whose last bits depend on the
    # CPU (the model trained on one machine, rebuilt on another of a different CPU, reads 0.2899 as 0.2898),
    # so a threshold stored to four places may move by one step; the grades below must not move at all.
    assert rebuilt.thresholds.keys() == committed.thresholds.keys()
    assert all(abs(rebuilt.thresholds[k] - committed.thresholds[k]) <= 2e-4 for k in committed.thresholds)
    assert json.loads((tmp_path / "judge.json").read_text())["trained_on"] == committed.meta["trained_on"]
    texts = [it for f in sorted(train.TRAINING_DIR.glob("*.jsonl")) for it in train.read_items([f])[:15]]
    for it in texts:
        a, b = committed.predict(it.title, it.body), rebuilt.predict(it.title, it.body)
        assert a.level == b.level and a.proposed == b.proposed and a.sentence == b.sentence
        assert max(abs(a.at_least[h] - b.at_least[h]) for h in a.at_least) < 1e-3
        assert max(abs(a.families[f] - b.families[f]) for f in a.families) < 1e-3


def test_the_artefact_is_small_and_loaded_by_path():
    size = sum(p.stat().st_size for p in model.MODEL_DIR.iterdir())
    assert size < 5_000_000
    meta = json.loads((model.MODEL_DIR / "judge.json").read_text())
    assert set(meta["thresholds"]) >= {"crisis", "alert", "watch", "family"}
    assert meta["thresholds"]["crisis"] > 0 and meta["examples"] == len(model.load().examples) > 1000


def test_the_ngram_weights_are_stored_one_byte_each_and_read_back_closely():
    """The artefact keeps the hashed n-gram weights as int8 codes on a square-root scale (half the room
    of float16); read back they are within half a code step of the fitted weights, and the model a fold
    of cross-validation builds (``Fitted.model``) uses the same one-byte weights as the shipped one."""
    from monitor import embed

    arrays = embed.read_npz(model.MODEL_DIR / "judge.npz")
    assert arrays["w_sparse_q"].dtype == np.int8 and "w_sparse" not in arrays
    assert arrays["examples_xz"].dtype == np.uint8 and "examples" not in arrays  # the examples' texts, xz JSON
    rng = np.random.default_rng(0)
    w = (rng.standard_normal((4096, len(model.HEADS))) * rng.uniform(0.01, 3, len(model.HEADS))).astype(np.float32)
    codes, scales = model.quantise(np, w)
    back = model.dequantise(np, codes, scales)
    step = scales[None, :] * (2 * np.sqrt(np.abs(w)) + scales[None, :])  # one code step at each weight
    assert codes.dtype == np.int8 and (np.abs(back - w) <= step / 2 + 1e-6).all()
    assert np.abs(codes).max() == model.model_rows.W_LEVELS  # 63 steps each side since round 17 (127 before)
    assert np.abs(back - w).mean() < np.abs(w).mean() / 50  # 1.6% at 63 steps (0.8% at 127)
    fitted = train.Fitted(np.ones(model.N_HASH, np.float32), np.zeros((model.N_HASH, len(model.HEADS)), np.float32),
                          np.zeros(len(model.HEADS), np.float32), np.zeros((512, len(model.HEADS)), np.float32),
                          np.zeros(len(model.HEADS), np.float32), np.zeros(512, np.float32), np.ones(512, np.float32))
    fitted.w_sparse[:4096] = w
    assert (fitted.model({}).w_sparse[:4096] == back).all()


def test_the_example_bank_is_kept_small_and_only_explains():
    """The nearest-example bank is stored as offsets from its mean at BANK_SCALE steps, coded as base-3 digits (the few
    beyond -1..1 apart: ``model_rows.pack_bank``), read back within half a step, exactly as the one-byte offsets of
    rounds 17-31 were; it only explains: a model without it grades every text the same."""
    import copy

    from monitor import embed, model_rows

    arrays = embed.read_npz(model.MODEL_DIR / "judge.npz")
    assert float(arrays["bank_scale"][0]) == model_rows.BANK_SCALE and "bank_t" not in arrays and "bank" not in arrays
    m = model.load()
    assert tuple(arrays["bank_shape"]) == (256, len(m.examples))  # a row per dimension
    packed = model_rows.pack_bank(np, m.bank)
    back = model_rows.unpack_bank(np, packed)
    assert np.abs(back - m.bank).max() <= 0.5 / model_rows.BANK_SCALE + 1e-6
    codes = np.clip(np.round((m.bank - packed["bank_mean"]) * model_rows.BANK_SCALE), -127, 127).astype(np.int8)
    assert np.abs(codes).max() > 1  # the offsets beyond -1..1 are read back too
    byte_each = {"bank_t": np.ascontiguousarray(codes.T), "bank_mean": packed["bank_mean"],
                 "bank_scale": packed["bank_scale"]}  # rounds 17-31: one byte each, a row per dimension
    assert np.array_equal(model_rows.unpack_bank(np, byte_each), back)
    old = {"bank": np.round(m.bank * 127).astype(np.int8)}  # an older artefact's bank (int8 at 127) still reads
    assert np.abs(model_rows.unpack_bank(np, old) - m.bank).max() < 0.02
    rows = {"bank": codes, "bank_mean": packed["bank_mean"], "bank_scale": packed["bank_scale"]}  # round 16's
    assert np.array_equal(model_rows.unpack_bank(np, rows), back)
    blank = copy.copy(m)
    blank.bank, blank._banks = np.zeros_like(m.bank), {}
    for text in (FRIENDLY, "I can't do this any more, they'd be better off without me. New Baby Network helped once.",
                 "New Baby Network's volunteer was rude to me and nobody answered my complaint."):
        a, b = m.predict("", text), blank.predict("", text)
        assert (a.level, a.proposed, a.at_least, a.families) == (b.level, b.proposed, b.at_least, b.families)


def test_the_examples_are_stored_as_columns_and_read_back_as_rows():
    """Since round 36 judge.npz keeps the explaining examples' JSON as columns, each file named once
    (``model_rows.pack_examples``): they read back as the same rows, and an older artefact's rows still read."""
    import lzma

    from monitor import embed, model_rows

    stored = json.loads(lzma.decompress(embed.read_npz(model.MODEL_DIR / "judge.npz")["examples_xz"].tobytes()))
    assert set(stored) == {"files", "id", "file", "severity", "families", "text"}
    assert len(stored["files"]) == len(set(stored["files"])) < len(stored["id"])
    rows = model.load().examples
    assert model_rows.unpack_examples(model_rows.pack_examples(rows)) == rows
    assert model_rows.unpack_examples(rows) is rows  # rows (judge.npz until round 35) as they are
    first = rows[0]
    assert [stored["id"][0], stored["files"][stored["file"][0]], stored["severity"][0], stored["families"][0],
            stored["text"][0]] == first


def test_the_bank_and_the_examples_are_read_only_when_a_grade_needs_explaining():
    """Loading the model leaves the example bank and the examples' texts unread (``embed.read_npz``'s ``later``):
    a text the model grades info without a family never reads them; the first grade to explain does."""
    fresh = model.load_from(model.MODEL_DIR, model.load().embedder)
    assert fresh._bank is None and fresh._examples is None and callable(fresh._arrays["bank_trits"])
    calm = fresh.predict("", "Thanks New Baby Network, see you at the group on Tuesday.")
    assert calm.level == "info" and not calm.proposed and calm.nearest is None
    assert fresh._bank is None and fresh._examples is None
    worried = fresh.predict("", "I can't do this any more, they'd be better off without me. New Baby Network helped once.")
    assert worried.nearest is not None and fresh._bank is not None
    want = model.load().predict("", "I can't do this any more, they'd be better off without me. New Baby Network helped once.")
    assert (worried.nearest.id, worried.nearest.similarity) == (want.nearest.id, want.nearest.similarity)


def test_a_raise_needs_the_watch_head_to_agree_and_each_family_has_its_own_threshold():
    """agree(): alert and crisis chances times (watch chance)^k, the other heads untouched; the
    committed model uses it, and a family is proposed only at its own threshold."""
    p = np.full((1, len(model.HEADS)), 0.8)
    p[0, model.HEADS.index("watch")] = 0.25
    q = model.agree(np, p, 0.5)
    assert q[0, model.HEADS.index("alert")] == pytest.approx(0.4)
    assert q[0, model.HEADS.index("crisis")] == pytest.approx(0.4)
    assert q[0, model.HEADS.index("watch")] == pytest.approx(0.25)
    assert q[0, model.HEADS.index("fraud")] == pytest.approx(0.8)
    assert (model.agree(np, p, 0.0) == p).all()
    # "Alert or worse" reads both heads (ALERT_MIX of the crisis head's chance): a text only the alert head
    # finds risk in is read lower, one the crisis head reads too higher; no other head moves.
    r = np.full((2, len(model.HEADS)), 0.3)
    r[:, model.HEADS.index("alert")] = 0.5
    r[:, model.HEADS.index("crisis")] = [0.1, 0.9]
    s = model.agree(np, r, 0.0)
    assert model.ALERT_MIX == 0.4
    assert list(s[:, model.HEADS.index("alert")]) == pytest.approx([0.34, 0.66])
    assert list(s[:, model.HEADS.index("crisis")]) == pytest.approx([0.1, 0.9])
    assert (np.delete(s, model.HEADS.index("alert"), axis=1) == np.delete(r, model.HEADS.index("alert"), axis=1)).all()
    m = model.load()
    assert m.watch_agreement in train.WATCH_AGREEMENTS
    # The crisis level also reads what a crisis is made of (the higher of the safeguarding and amplification
    # heads, at crisis_mix); "alert or worse" still reads the crisis head itself, and no other head moves.
    t = r.copy()
    t[:, model.HEADS.index("safeguarding")] = [0.9, 0.1]
    t[:, model.HEADS.index("amplification")] = [0.2, 0.5]
    u = model.agree(np, t, 0.0, 0.25)
    assert list(u[:, model.HEADS.index("crisis")]) == pytest.approx([0.75 * 0.1 + 0.25 * 0.9, 0.75 * 0.9 + 0.25 * 0.5])
    assert list(u[:, model.HEADS.index("alert")]) == pytest.approx([0.34, 0.66])
    assert (np.delete(u, model.HEADS.index("crisis"), axis=1) == model.agree(np, t, 0.0)[:, [
        k for k in range(len(model.HEADS)) if k != model.HEADS.index("crisis")]]).all()
    assert m.crisis_mix == train.Settings().crisis_mix == 0.25
    own = {f: m.thresholds[f] for f in model.FAMILIES if f in m.thresholds}
    assert len(own) >= 5 and len(set(own.values())) > 1
    pred = m.predict("", FRIENDLY + "Someone there told me it was all a scam to take our money.")
    for f in model.FAMILIES:
        assert (f in pred.proposed) == (pred.families[f] >= m.thresholds.get(f, m.thresholds["family"]))


def test_help_and_a_run_with_nothing_new_import_neither_numpy_nor_the_model(tmp_path):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from monitor.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\n"
        "assert r.exit_code == 0\n"
        "from monitor.analyse import Analyser\n"
        "from monitor import config\n"
        f"cfg = config.load({str(REPO / 'feeds.yaml')!r}, environ={ENV!r})\n"
        "a = Analyser(cfg)\n"
        "assert a.analyse('Council news', 'The network of clinics grows.') is None\n"
        "bad = [m for m in ('numpy', 'monitor.model', 'monitor.embed', 'sklearn') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- floors and guards


def test_an_explicit_self_harm_phrase_is_always_a_crisis():
    for body in ("@newbabynetwork I can't keep myself safe tonight.",
                 "Thanks New Baby Network for the group. I want to die.",
                 "New Baby Network: I have been thinking about hurting my baby"):
        a = analyser.analyse("", body)
        assert a.severity == "crisis" and "safeguarding" in a.families, body


def test_it_is_not_a_scam_does_not_raise_fraud():
    for body in ("To be clear, New Baby Network is not a scam and the money goes to families.",
                 "It is not a scam. New Baby Network are brilliant and every penny goes to the groups."):
        a = analyser.analyse("", body)
        assert "fraud" not in a.families and "fraud" not in a.categories, a.reasons
        assert a.severity in ("info", "watch"), a.reasons


def test_the_verb_press_is_not_the_press():
    a = analyser.analyse("", "To join the New Baby Network call, press the button marked 'join'.")
    assert "press" not in a.families and a.severity in ("info", "watch")


def test_a_praise_post_stays_below_alert():
    a = analyser.analyse("", "Huge thanks to everyone at New Baby Network, the Tuesday group got me through the winter")
    assert a.severity in ("info", "watch")


class _Stub:
    """A model whose answer the test sets: to pin how its grade combines with the rules."""

    def __init__(self, level, chance, families):
        self.level, self.chance, self.fams = level, chance, families

    def predict(self, title, body):
        sents = [s for _f, s in model.split(title, body)]
        at_least = {"watch": self.chance, "alert": self.chance if self.level in ("alert", "crisis") else 0.1,
                    "crisis": self.chance if self.level == "crisis" else 0.05}
        fams = {f: (self.chance if f in self.fams else 0.01) for f in model.FAMILIES}
        return model.Prediction(level=self.level, at_least=at_least, families=fams, proposed=list(self.fams),
                                sentence=len(sents) - 1, sentences=sents)


def test_a_guard_vetoes_an_unsure_model_but_not_a_confident_one():
    text = "New Baby Network is not a scam, whatever that thread says."
    unsure = Analyser(CFG, model=_Stub("alert", 0.6, ["fraud"])).analyse("", text)
    assert unsure.severity == "watch" and "fraud" not in unsure.families
    assert any("set aside by the rules: 'scam' negated by 'not'" in r for r in unsure.reasons)
    sure = Analyser(CFG, model=_Stub("alert", 0.95, ["fraud"])).analyse("", text)
    assert sure.severity == "alert" and "fraud" in sure.families


def test_a_serious_concern_only_the_model_reads_is_lifted_when_the_text_says_it_is_spreading():
    """No keyword of the rules: the model reads the accusation (alert, complaint), the text its reach
    ("46.2K likes"): a crisis, with the reason. The model at watch with a family goes to alert; the
    same texts without the reach, or a compliment that went viral, are not lifted."""
    viral = "New Baby Network told a mum to leave her 8-week-old to cry for three hours. 46.2K likes"
    a = Analyser(CFG, model=_Stub("alert", 0.7, ["complaint"])).analyse("", viral)
    assert a.severity == "crisis" and "amplification" in a.families, a.reasons
    assert ("spreading (46.2K likes) with a serious concern the model read (complaint): alert -> crisis"
            in a.reasons)
    # our handle: the is-it-us check reads this plain text at 0.40-0.46, around its "unsure" line (names9, round 9)
    calm = "New Baby Network (@newbabynetwork) told my sister to put her newborn to sleep on his front. 46.2K likes"
    watch = Analyser(CFG, model=_Stub("watch", 0.7, ["complaint"])).analyse("", calm)
    assert watch.severity == "alert", watch.reasons
    assert "spreading (46.2K likes) with a concern (complaint): watch -> alert" in watch.reasons
    quiet = viral.replace(" 46.2K likes", "")
    assert Analyser(CFG, model=_Stub("alert", 0.7, ["complaint"])).analyse("", quiet).severity == "alert"
    praise = Analyser(CFG, model=_Stub("info", 0.1, [])).analyse("", "New Baby Network's safe sleep video: 1.2M views!")
    assert praise.severity == "info" and praise.families == []


class _Words:
    """A model that reads fraud wherever it sees "scam" or "deposit", sure of it (95%), and says which
    sentence its case rests on: to pin when a guard overrules a confident model."""

    def predict(self, title, body):
        sents = [s for _f, s in model.split(title, body)]
        hits = [i for i, s in enumerate(sents) if "scam" in s or "deposit" in s]
        fams = {f: 0.01 for f in model.FAMILIES}
        fams["fraud"] = 0.95 if hits else 0.01
        at_least = {"watch": 0.96 if hits else 0.1, "alert": 0.95 if hits else 0.05, "crisis": 0.02}
        return model.Prediction(level="alert" if hits else "info", at_least=at_least, families=fams,
                                proposed=["fraud"] if hits else [], sentence=hits[0] if hits else 0,
                                sentences=sents, thresholds={"family": 0.5, "fraud": 0.6},
                                family_sentences={"fraud": hits[0]} if hits else {})


def test_a_confident_family_resting_on_the_denied_sentence_is_set_aside():
    """The guard overrules even a confident model when its case is the sentence that says "not"; with
    evidence elsewhere in the text, the confident model keeps its family."""
    a = Analyser(CFG, model=_Words()).analyse("", "New Baby Network is not a scam and the money goes to families.")
    assert "fraud" not in a.families, a.reasons
    assert any("rests on that denial" in r for r in a.reasons), a.reasons
    text = ("I paid New Baby Network a deposit for the sling library and never got it back. "
            "Their volunteer says it is not a scam.")
    kept = Analyser(CFG, model=_Words()).analyse("", text)
    assert "fraud" in kept.families, kept.reasons


def test_a_guard_takes_an_unsure_crisis_down_to_alert_never_lower_and_the_rules_floor_still_holds():
    """The floor (issue 11): a guard may set a crisis aside, to alert with its reason, never below alert.
    An ``unless`` phrase ("I'm well now") sets aside both the model's unsure crisis and the rules'
    crisis keyword; a near-miss ``not`` phrase ("safeguarding lead") the model's; an unsure alert
    set aside still falls to watch (see test_a_guard_vetoes_an_unsure_model_but_not_a_confident_one)."""
    text = "Years ago I felt suicidal after my son was born. New Baby Network got me through and I'm well now."
    unsure = Analyser(CFG, model=_Stub("crisis", 0.5, ["safeguarding"])).analyse("", text)
    assert unsure.severity == "alert", unsure.reasons
    assert ("model's crisis (50%, not confident) set aside with safeguarding; kept at alert "
            "(a guard never takes a crisis below alert)") in unsure.reasons
    rules = Analyser(CFG, model=None).analyse("", text)
    assert rules.severity == "alert" and "safeguarding" not in rules.families, rules.reasons
    assert "safeguarding set aside but sensitive: info -> alert (a guard never takes a crisis below alert)" in rules.reasons
    lead = ("NBN message service, volunteers: a mum just wrote 'I've written letters to everyone, thank you "
            "for trying'. Who is the safeguarding lead tonight?")
    vetoed = Analyser(CFG, model=_Stub("crisis", 0.8, ["safeguarding"])).analyse("", lead)
    assert vetoed.severity == "alert" and any("'safeguarding lead'" in r and "set aside by the rules" in r
                                              for r in vetoed.reasons), vetoed.reasons
    # Before the floor both were kept at watch: no director heard of them before the digest.
    assert vetoed.judgement["model"]["level"] == "crisis" and vetoed.judgement["model"]["model_level"] == "alert"
    # The model can never lower the rules' grade: an explicit phrase without `unless` stays crisis.
    low = Analyser(CFG, model=_Stub("info", 0.01, [])).analyse("", "New Baby Network, I want to die.")
    assert low.severity == "crisis"


# --------------------------------------------------------------------------- sentence-aware, explained


def test_one_risk_sentence_in_a_long_friendly_post_is_a_crisis_and_is_quoted():
    risk = "Honestly some nights I think everyone would be better off if I just wasn't here any more."
    a = analyser.analyse("Stay and play", FRIENDLY + risk + " Anyway, see you all on Thursday!")
    assert a.severity == "crisis", a.reasons
    assert a.snippet.startswith(risk[:60])  # the SMS quotes the sentence at risk, not the first one
    assert a.judgement["driving_sentence"] == risk
    assert any(r.startswith("model grades crisis") and risk[:40] in r for r in a.reasons)
    near = a.judgement["nearest_example"]
    assert near["severity"] == "crisis" and near["text"]
    assert any(r.startswith("reads most like a labelled example (crisis") for r in a.reasons)


def test_a_disgrace_inside_a_friendly_article_is_negative_about_us():
    body = ("The sun was out as families gathered in the park for a lovely picnic. Everyone was smiling and "
            "the cake was delicious. One mum told us: \"New Baby Network was a disgrace: staff laughed at me.\" "
            "Others said the group had been a lifeline and they loved it.")
    a = Analyser(CFG, model=None).analyse("A day with the volunteers", body)
    assert a.targeted_sentiment <= -0.4
    assert analyser.analyse("A day with the volunteers", body).severity in ("alert", "crisis")


def test_mentions_json_carries_the_judgement(tmp_path):
    from types import SimpleNamespace

    from .conftest import NOW

    db_path = tmp_path / "m.db"
    db = store.open_db(db_path)
    risk = "Some nights I think the baby would be better off without me."
    a = analyser.analyse("", FRIENDLY + risk)
    item = SimpleNamespace(url="https://e.org/1", title="", text=FRIENDLY + risk, author="x", publisher="",
                           source="f", published=None, reach=None, item_id="1")
    db.execute("insert into sources (name, kind, url) values ('f', 'rss', 'https://e.org/feed')")
    store.insert_mention(db, item, "https://e.org/1", a, NOW)
    db.conn.commit()
    cfg_path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": "https://e.org/feed"}])
    out = CliRunner().invoke(cli, ["--config", str(cfg_path), "--db", str(db_path), "mentions", "--json"], env=ENV)
    assert out.exit_code == 0, out.output
    row = json.loads(out.output.splitlines()[0])
    assert row["severity"] == a.severity and row["driving_sentence"] == risk
    assert row["families"] == a.families and row["nearest_example"]["text"]
    assert row["reasons"] == a.reasons and row["snippet"].startswith(risk[:40])
    assert row["model"]["family_chances"]["safeguarding"] > 0.3 and row["model"]["drove"]
    table = CliRunner().invoke(cli, ["--config", str(cfg_path), "--db", str(db_path), "mentions"], env=ENV).output
    assert "safeguarding:" in table and "Some nights I think" in table  # the "why" column quotes the sentence


# --------------------------------------------------------------------------- corrections


def test_directors_corrections_become_examples(tmp_path):
    db_path = tmp_path / "m.db"
    db = store.open_db(db_path)
    db.execute("insert into sources (name, kind, url) values ('f', 'rss', 'https://e.org/feed')")
    rows = [("https://e.org/1", "A new baby network of friends", "not us", "info", 1),
            ("https://e.org/2", "", "New Baby Network, my baby has gone floppy and grey", "watch", 0),
            ("https://e.org/3", "", "New Baby Network tea morning", "info", 0)]
    for url, title, text, sev, fp in rows:
        db.execute("insert into mentions (canonical_url, url, title, text, severity, first_seen, false_positive) "
                   "values (?, ?, ?, ?, ?, '2026-11-24T09:00:00Z', ?)", [url, url, title, text, sev, fp])
    db.conn.commit()
    # Only "not about us" until a director corrects a level (monitor mark m2 --level crisis).
    assert [(it.mention, it.severity) for it in train.corrections(db_path)] == [(False, None)]
    db.execute("update mentions set corrected_severity = 'crisis' where canonical_url = 'https://e.org/2'")
    db.conn.commit()
    fixed = train.corrections(db_path)
    assert [(it.mention, it.severity, it.file) for it in fixed] == [(False, None, "corrections"),
                                                                    (True, "crisis", "corrections")]


def test_monitor_train_learns_a_correction(tmp_path):
    """A tiny training folder plus one correction: the corrected text is graded as the director said."""
    folder = tmp_path / "training"
    folder.mkdir()
    rows = []
    for n in range(12):
        rows.append({"id": f"a{n}", "title": "", "body": f"New Baby Network group {n} was lovely, thank you",
                     "mention": True, "families": [], "severity": "info"})
        rows.append({"id": f"b{n}", "title": "", "body": f"New Baby Network ignored my messages {n} times, shocking",
                     "mention": True, "families": ["complaint"], "severity": "alert"})
    (folder / "one.jsonl").write_text("\n".join(json.dumps(r) for r in rows[:12]) + "\n")
    (folder / "two.jsonl").write_text("\n".join(json.dumps(r) for r in rows[12:]) + "\n")
    db_path = tmp_path / "m.db"
    db = store.open_db(db_path)
    for n in range(6):
        db.execute("insert into mentions (canonical_url, url, title, text, severity, first_seen, corrected_severity) "
                   "values (?, ?, '', ?, 'info', '2026-11-24T09:00:00Z', 'alert')",
                   [f"https://e.org/{n}", f"https://e.org/{n}", f"New Baby Network volunteer shouted at my toddler {n}"])
    db.conn.commit()
    out = tmp_path / "model"
    result = CliRunner().invoke(cli, ["train", "--training", str(folder), "--db", str(db_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Trained on 30 labelled items" in result.output and "corrections 6" in result.output
    m = model.load_from(out)
    assert m.meta["corrections"] == 6
    assert m.predict("", "New Baby Network volunteer shouted at my toddler").at_least["alert"] > 0.5


def test_monitor_train_reports_a_bad_file(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"title": "x"}\n')
    result = CliRunner().invoke(cli, ["train", "--training", str(tmp_path), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "bad.jsonl:1: item lacks body, mention" in result.output


def test_a_run_sends_the_crisis_sms_quoting_the_sentence_at_risk(httpserver, make_config, smtp):
    """End to end: a long friendly post with one risk sentence, collected from a feed, graded by
    the model, sent by SMS through apprise to a loopback gateway; the SMS quotes the risk sentence."""
    from werkzeug import Response

    from monitor.pipeline import run_cycle

    from .conftest import NOW, parts, rss

    risk = "Honestly some nights I think everyone would be better off if I just wasn't here any more."
    post = {"title": "Stay and play", "link": "https://forum.example.org/t/9", "description": FRIENDLY + risk}
    received = []
    httpserver.expect_request("/feed").respond_with_data(rss(post), content_type="application/rss+xml")
    httpserver.expect_request("/sms").respond_with_handler(lambda r: (received.append(r.get_json()), Response("ok"))[1])
    sms_url = "json://" + httpserver.url_for("/sms").split("://", 1)[1]
    cfg, db_path = make_config(sources=[{"name": "feed", "kind": "rss", "url": httpserver.url_for("/feed")}],
                               channels={"email": smtp.url(), "sms": {"url": sms_url, "format": "sms"}},
                               routes={"crisis": ["sms", "email"], "alert": ["email"]})
    summary = run_cycle(cfg, db_path, now=NOW)
    (row,) = store.mentions(store.open_db(db_path))
    assert row["severity"] == "crisis" and row["judgement"]["driving_sentence"] == risk
    assert summary.alerts_sent >= 1 and received
    assert risk[:50] in received[0]["message"], received[0]["message"]
    # The email says why in words: the family the model saw, the sentence, the example it reads like.
    (email,) = [m for m in smtp.messages]
    text = parts(email)["text/html"]
    assert "safeguarding" in text and "the sentence that raised it" in text
    assert "reads most like an earlier example marked crisis" in text
