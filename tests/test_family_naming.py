"""Which policy families a director is shown, when the model and the keyword rules disagree, and the
whole-system cross-validation that chose how (monitor/cv_system.py)."""

from __future__ import annotations

import json

from monitor import analyse_judge, config, cv_system, model, train
from monitor.analyse import Analyser
from monitor.evaluate import evaluate, read_labelled

from .conftest import REPO

ENV = {"MONITOR_EMAIL_URL": "mailto://a@example.org", "MONITOR_SMS_URL": "json://127.0.0.1:9/"}
CFG = config.load(REPO / "feeds.yaml", environ=ENV)
THRESHOLDS = {"crisis": 0.5, "alert": 0.5, "watch": 0.5, "family": 0.5, "complaint": 0.4, "safeguarding": 0.4}


class _Reads:
    """A model that reads the given family chances and level, whatever the text."""

    def __init__(self, level: str, **chances):
        self.level, self.chances = level, chances

    def predict(self, title, body):
        sents = [s for _f, s in model.split(title, body)]
        fams = {f: self.chances.get(f, 0.01) for f in model.FAMILIES}
        proposed = sorted((f for f in fams if fams[f] >= THRESHOLDS.get(f, THRESHOLDS["family"])), key=lambda f: -fams[f])
        high = {"info": 0.05, "watch": 0.6, "alert": 0.7, "crisis": 0.8}[self.level]
        at_least = {h: (high if model.LEVELS.index(h) <= model.LEVELS.index(self.level) else 0.05)
                    for h in model.SEVERITY_HEADS}
        return model.Prediction(level=self.level, at_least=at_least, families=fams, proposed=proposed,
                                sentence=0, sentences=sents, thresholds=THRESHOLDS,
                                family_sentences={f: 0 for f in proposed})


COMPLAINT = ("Really disappointed with New Baby Network",
             "I messaged New Baby Network three times and nobody ever replied. Honestly feel let down.")


def test_a_keyword_family_the_model_finds_no_sign_of_is_not_named_and_says_why():
    """The rules read "let down" as a complaint; a model that reads 3% complaint (it names one from
    40%) keeps complaint off the families, with a reason a director can check. The level is the
    rules' floor all the same (alert), and the keyword evidence stays on record."""
    a = Analyser(CFG, model=_Reads("info", complaint=0.03)).analyse(*COMPLAINT)
    assert a.severity == "alert"  # the complaint keyword's floor: naming never moves the level
    assert "complaint" in a.categories and "complaint" not in a.families
    assert a.judgement["families"] == a.families and "complaint" in a.judgement["model"]["not_named"]
    assert ("complaint not named: the words 'nobody ever replied', 'let down', "
            "'disappointed' were read, but the model finds "
            "little complaint in the text (chance 3%; it names complaint from 40%)") in a.reasons
    assert a.needs_reply  # a complaint keyword still asks for a reply
    # A model that is only unsure (half its threshold or more) leaves the rules' family named.
    unsure = Analyser(CFG, model=_Reads("info", complaint=0.25)).analyse(*COMPLAINT)
    assert "complaint" in unsure.families and not any("not named" in r for r in unsure.reasons)
    # Without the model the rules name it, as before.
    assert "complaint" in Analyser(CFG, model=None).analyse(*COMPLAINT).families


def test_an_explicit_crisis_phrase_keeps_its_floor_and_its_family_whatever_the_model_says():
    """An explicit risk phrase is a crisis and names safeguarding, even when the model reads none."""
    a = Analyser(CFG, model=_Reads("info", safeguarding=0.01)).analyse("", "New Baby Network, I want to die.")
    assert a.severity == "crisis"
    assert "safeguarding" in a.families and not any("not named" in r for r in a.reasons)


def test_a_far_weaker_second_family_from_the_model_is_not_named():
    """Safeguarding at 90% and complaint at 45% (both over their 40% thresholds): complaint is far
    weaker than safeguarding (under SECOND_FAMILY of it) and is not named; at 70% it is."""
    text = ("", "Our New Baby Network home visitor turned up smelling of drink and held the baby.")
    weak = Analyser(CFG, model=_Reads("crisis", safeguarding=0.9, complaint=0.45)).analyse(*text)
    assert weak.severity == "crisis" and weak.families == ["safeguarding"]
    assert "complaint not named: the model's complaint (45%) is far weaker than its safeguarding (90%)" in weak.reasons
    assert 0.45 < analyse_judge.SECOND_FAMILY * 0.9 <= 0.7
    strong = Analyser(CFG, model=_Reads("crisis", safeguarding=0.9, complaint=0.7)).analyse(*text)
    assert strong.families == ["complaint", "safeguarding"]


# --------------------------------------------------------------------------- the harness


def _small_training(folder, per_file=24):
    """A few items from each of five writers' files: enough for five folds, quick to fit."""
    folder.mkdir()
    for name in ("team_labelled", "t1_social", "t2_long", "t3_registers", "t5_hard"):
        rows = read_labelled(train.TRAINING_DIR / f"{name}.jsonl").items[:per_file]
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return train.training_files(folder)


def test_whole_system_cross_validation_grades_each_writer_with_a_model_that_never_saw_it(tmp_path):
    files = _small_training(tmp_path / "training")
    cache = tmp_path / "cache"
    folds = cv_system.build(files, cache)
    # The folds of `monitor train` (writers dealt in the order they came), and its out-of-fold chances.
    assert folds.fold_of == {"team": 0, "t1": 1, "t2": 2, "t3": 3, "t5": 4}
    graded_items = [it for it in train.read_items(files) if it.mention and it.severity in model.LEVELS]
    from monitor import embed

    feat = train.featurise(graded_items, embed.load())
    rows = list(range(len(graded_items)))
    whole, best = train.cross_validate(feat, folds.y, folds.groups, rows, train.Settings())
    _w, _k, oof, _th = train.choose_sentence_weight(whole, best, folds.y, train.Settings())
    assert abs(oof - folds.oof).max() < 1e-5

    graded = cv_system.grade(CFG, folds, files)
    assert list(graded) == ["team", "t1", "t2", "t3", "t5"]
    for writer, (report, records) in graded.items():
        items = [r for f in files if train.writer(f.name) == writer for r in read_labelled(f).items]
        assert report.n == len(items) == len(records)
        # Graded as `monitor eval` grades with that writer's model: the same figures.
        again = evaluate(CFG, items, analyser=Analyser(CFG, model=folds.model_for(writer).model))
        assert again.figures() == report.figures()
    # The second time the folds and the model's predictions come from the cache.
    assert sorted(p.name for p in next(cache.iterdir()).iterdir()) == sorted(
        [f"fold{k}.npz" for k in range(5)] + ["oof.npz"] + [f"predict-{w}.pkl" for w in graded])
    again = cv_system.build(files, cache)
    assert abs(again.oof - folds.oof).max() == 0 and again.models == {}
    assert again.model_for("t1").memo  # predictions kept on disk


def test_pooled_figures_are_those_of_all_items_graded_together():
    items = read_labelled(REPO / "tests/data/labelled_mentions.jsonl").items
    rules = Analyser(CFG, model=None)
    parts = [evaluate(CFG, items[:90], analyser=rules), evaluate(CFG, items[90:], analyser=rules)]
    whole = evaluate(CFG, items, analyser=rules)
    pooled = cv_system.pooled(parts)
    assert pooled.figures() == whole.figures() and pooled.families == whole.families
    assert pooled.confusion == whole.confusion and pooled.crises_below_alert == whole.crises_below_alert


def test_the_command_prints_a_row_per_writer_and_all_together(tmp_path, capsys):
    files = _small_training(tmp_path / "training", per_file=12)
    assert cv_system.main(["--training", str(files[0].parent), "--cache", str(tmp_path / "cache"),
                           "--config", str(REPO / "feeds.yaml"), "--sources"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[1].split()[:3] == ["writer", "n", "mention"]
    assert [line.split()[0] for line in lines[2:7]] == ["team", "t1", "t2", "t3", "t5"]
    assert lines[7].startswith("all together  60 ") and "Where the named families come from" in out
