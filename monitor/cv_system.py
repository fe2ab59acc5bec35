"""Whole-system cross-validation: ``python -m monitor.cv_system``.

``monitor train`` cross-validates the model alone. What a director sees is more: the model's
grade and families united with the keyword rules' (floors, guards), after the committed is-it-us
check, for texts read as public posts or as sent to us. This grades every item of ``training/``
exactly as ``monitor eval`` does, with a judgement model that never saw the item's writer:

1. the same folds as ``monitor train`` (:func:`monitor.train.cross_validate`: writers dealt
   into five folds in the order they came); for each fold the judgement model is fitted on the
   other folds' labelled mentions (``monitor.train.fit``, the same settings);
2. each writer's thresholds are chosen on the other writers' out-of-fold chances, as ``monitor train``'s
   report does (the sentence weight and watch agreement are fixed since round 18: ``train_fit.Settings``);
3. every item of the writer's files (mentions, namesakes, ordinary phrases) goes through the
   full ``Analyser`` (rules, floors, guards, the committed is-it-us check, ``to_us`` from
   :func:`monitor.evaluate.sent_to_us`) and :func:`monitor.evaluate.evaluate`.

The fitted folds, their out-of-fold chances and the model's predictions are kept under
``data/cv_system/`` (keyed by the training files and the model code), so a change to how the
grade is made from the model and the rules (``analyse.py``, ``analyse_judge.py``, ``feeds.yaml``)
is re-scored without fitting anything again; every item still goes through the full analysis (round 26: 9.5-16
minutes for some 42,000 items on a shared machine, not the "well under a minute" this said when the files were
a quarter as many). It reads ``training/`` only, never a blind set. It is not
blind either (the is-it-us model and the rules were written with these files in view), but it
is an honest figure for the whole system that can be tuned on, where blind sets cannot.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import model as M
from . import train as T

CACHE_DIR = T.REPO / "data" / "cv_system"
_CODE = ("model.py", "model_features.py", "model_rows.py", "train.py", "train_data.py", "train_fit.py",
         "train_pool.py", "train_thresholds.py", "train_weights.py", "embed.py")  # what the cached parts depend on


@dataclass
class Folds:
    """The fitted folds and everything needed to build each writer's model."""

    fitted: dict                  # fold -> train.Fitted
    fold_of: dict                 # writer -> fold
    oof: object                   # (graded items, heads): out-of-fold chances, combined as the model does
    y: object
    groups: list                  # writer of each graded item
    sentence_weight: float
    watch_agreement: float
    other: object = None          # which graded items are written in another language (``train.other_language``)
    cache: Path | None = None
    crisis_mix: float = 0.0       # ``train_fit.Settings.crisis_mix`` (``model.agree``)
    models: dict = field(default_factory=dict)

    def model_for(self, writer: str, embedder=None):
        """The judgement model a writer's texts are graded with: its fold's fit, at thresholds chosen
        on the other writers' out-of-fold chances (as ``monitor train``'s report chooses them)."""
        import numpy as np

        if writer not in self.models:
            from .train_thresholds import choose_thresholds

            others = np.array(self.groups) != writer
            th = choose_thresholds(self.oof[others], self.y[others], None if self.other is None else self.other[others])
            fitted = self.fitted[self.fold_of[writer]]
            model = fitted.model({"thresholds": th, "sentence_weight": self.sentence_weight,
                                  "watch_agreement": self.watch_agreement, "crisis_mix": self.crisis_mix}, embedder)
            self.models[writer] = Remembering(model, None if self.cache is None else self.cache / f"predict-{writer}.pkl")
        return self.models[writer]


class Remembering:
    """A model whose predictions are kept (on disk too): re-scoring a grading change costs no model time."""

    def __init__(self, model, path: Path | None):
        self.model, self.path, self.dirty = model, path, False
        self.memo = {}
        if path is not None and path.is_file():
            with path.open("rb") as fh:
                self.memo = pickle.load(fh)

    def __getattr__(self, name):
        return getattr(self.model, name)

    def predict(self, title: str, body: str):
        key = (title, body)
        if key not in self.memo:
            self.memo[key] = self.model.predict(title, body)
            self.dirty = True
        return self.memo[key]

    def save(self):
        if self.dirty and self.path is not None:
            tmp = self.path.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(self.memo, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(self.path)
            self.dirty = False


def _key(files: list[Path], how: T.Settings) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    for name in _CODE:
        h.update((Path(__file__).parent / name).read_bytes())
    h.update(json.dumps(how.__dict__, sort_keys=True).encode())
    h.update(str(T.FOLDS).encode())
    return h.hexdigest()[:16]


_ARRAYS = ("idf", "w_sparse", "b_sparse", "w_dense", "b_dense", "dense_mean", "dense_scale")


def build(files: list[Path] | None = None, cache_root: Path | None = CACHE_DIR, log=None) -> Folds:
    """Fit (or read from the cache) one judgement model per fold."""
    import numpy as np

    files = sorted(files if files is not None else T.training_files())
    how = T.Settings()
    graded = [it for it in T.read_items(files) if it.mention and it.severity in M.LEVELS]
    y = T.targets(graded)
    groups = [T.writer(it.file) for it in graded]
    writers = sorted(set(groups), key=T.writer_order)
    fold_of = {w: k % T.FOLDS for k, w in enumerate(writers)}  # as train.cross_validate deals them
    cache = None if cache_root is None else Path(cache_root) / _key(files, how)
    fitted: dict = {}
    if cache is not None and (cache / "oof.npz").is_file():
        data = np.load(cache / "oof.npz")
        whole, best = data["whole"], data["best"]
        for fold in sorted(set(fold_of.values())):
            arrays = np.load(cache / f"fold{fold}.npz")
            w = arrays["dense_weight"]
            fitted[fold] = T.Fitted(*(arrays[a] for a in _ARRAYS), float(w) if w.ndim == 0 else w.tolist())
        if log:
            log(f"folds read from {cache}")
    else:
        from . import embed

        if log:
            log(f"reading {len(graded)} labelled mentions from {len(files)} files ...")
        feat = T.featurise(graded, embed.load())
        whole = np.zeros((len(graded), len(M.HEADS)), dtype=np.float32)
        best = np.zeros_like(whole)
        folds = sorted(set(fold_of.values()))
        # The folds of `monitor train` to the last bit: its looser tolerance for the folds (``FOLD_TOL_SPARSE``).
        fits = T.fit_all(feat, y, [[r for r, g in enumerate(groups) if fold_of[g] != fold] for fold in folds], how,
                         [T.FOLD_TOL_SPARSE] * len(folds), [T.FOLD_DENSE_TOL] * len(folds))
        for fold, f in zip(folds, fits):  # every fold's heads fitted in one pool of processes (train_fit.fit_all)
            held = [r for r, g in enumerate(groups) if fold_of[g] == fold]
            fitted[fold] = f
            whole[held], best[held] = T.chances(fitted[fold], feat, held)
            if log:
                log(f"  fold {fold} (without {', '.join(w for w in writers if fold_of[w] == fold)}): "
                    f"{len(held)} held out")
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            for fold, f in fitted.items():
                np.savez(cache / f"fold{fold}.npz", dense_weight=f.dense_weight,
                         **{a: getattr(f, a) for a in _ARRAYS})
            np.savez(cache / "oof.npz", whole=whole, best=best)  # last: it marks the cache complete
    from .train_thresholds import other_language

    other = other_language([[s for _f, s in M.split(it.title, it.body)] for it in graded])
    weight, agreement, oof, _th = T.choose_sentence_weight(whole, best, y, how, other)
    return Folds(fitted, fold_of, oof, y, groups, weight, agreement, other, cache, crisis_mix=how.crisis_mix)


# --------------------------------------------------------------------------- grading


class Recording:
    """An analyser that keeps each analysis (``evaluate`` keeps only the figures)."""

    def __init__(self, analyser):
        self.analyser, self.seen = analyser, []

    @property
    def last_identity(self):
        return self.analyser.last_identity

    @property
    def identity(self):
        return self.analyser.identity

    def analyse(self, title, body, **kw):
        a = self.analyser.analyse(title, body, **kw)
        rules = self.analyser.rules
        fams = set() if a is None else {rules[c].cat.family for c in a.categories if c in rules} - {"none", ""}
        decision = self.analyser.last_identity
        self.seen.append({"analysis": a, "rules_families": fams, "dropped": self.analyser.last_dropped,
                          "identity": None if decision is None else (decision.verdict, decision.strong)})
        return a


def grade(config, folds: Folds, files: list[Path] | None = None, log=None):
    """``{writer: (report, [(item, analysis)])}``: every item of every file, graded with its writer's model."""
    from . import embed
    from .analyse import Analyser
    from .evaluate import evaluate, read_labelled, read_places

    files = sorted(files if files is not None else T.training_files())
    embedder = embed.load()
    by_writer: dict = {}
    for path in files:
        by_writer.setdefault(T.writer(path.name), []).append(path)
    out = {}
    for writer in sorted(by_writer, key=T.writer_order):
        model = folds.model_for(writer, embedder) if writer in folds.fold_of else None
        rec = Recording(Analyser(config, model=model))
        reports, items = [], []
        for path in by_writer[writer]:  # file by file: each is graded with its own places, as monitor eval does
            file_items = read_labelled(path).items
            reports.append(evaluate(config, file_items, analyser=rec, places=read_places(path), places_from=path.name))
            items.extend(file_items)
        report = reports[0] if len(reports) == 1 else pooled(reports)
        th = model.thresholds if model is not None else {}
        out[writer] = (report, [{"item": it, "thresholds": th, **seen} for it, seen in zip(items, rec.seen)])
        if model is not None:
            model.save()
        if log:
            log(f"  {writer}: {len(items)} items graded")
    return out


def pooled(reports) -> "object":
    """One ``evaluate.Report`` for several: the counts added, the figures made from them as ``evaluate`` does."""
    from .evaluate import LEVELS, Report, _ratio, set_family_figures
    from .levels import SEVERITIES

    rep = Report()
    rep.confusion = {g: {p: 0 for p in LEVELS} for g in SEVERITIES}
    m = {"tp": 0, "fp": 0, "fn": 0}
    fam: dict = {}
    for r in reports:
        rep.n += r.n
        for k in m:
            m[k] += r.mention[k]
        rep.near_miss_false_positives += r.near_miss_false_positives
        rep.near_misses += r.near_misses
        rep.near_miss_at_alert += r.near_miss_at_alert
        rep.info_raised_to_alert += r.info_raised_to_alert
        rep.to_us += r.to_us
        for g, row in r.confusion.items():
            for p, n in row.items():
                rep.confusion[g][p] += n
        for f, c in r.families.items():
            d = fam.setdefault(f, {"tp": 0, "fp": 0, "fn": 0})
            for k in d:
                d[k] += c[k]
    precision, recall = _ratio(m["tp"], m["tp"] + m["fp"]), _ratio(m["tp"], m["tp"] + m["fn"])
    f1 = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
    rep.mention = {"precision": precision, "recall": recall, "f1": f1, **m}
    c = rep.confusion
    up = ("alert", "crisis")
    rep.crisis_recall = _ratio(c["crisis"]["crisis"], sum(c["crisis"].values()))
    rep.crisis_precision = _ratio(c["crisis"]["crisis"], sum(c[g]["crisis"] for g in SEVERITIES))
    rep.crises_at_alert_or_worse = _ratio(sum(c["crisis"][p] for p in up), sum(c["crisis"].values()))
    rep.crises_below_alert = sum(c["crisis"].values()) - sum(c["crisis"][p] for p in up)
    rep.alert_or_worse_recall = _ratio(sum(c[g][p] for g in up for p in up), sum(sum(c[g].values()) for g in up))
    rep.alert_or_worse_precision = _ratio(sum(c[g][p] for g in up for p in up), sum(c[g][p] for g in SEVERITIES for p in up))
    set_family_figures(rep, fam)
    rep.near_miss_per_20 = round(20 * rep.near_miss_false_positives / rep.near_misses, 2) if rep.near_misses else 0.0
    return rep


def family_sources(graded: dict) -> dict:
    """Where the families a director is shown come from, and how often each kind is right:
    ``{source: {"right": n, "wrong": n}}`` over every true mention graded (see ``source_of``)."""
    out: dict = {}
    for _report, records in graded.values():
        for r in records:
            item, a = r["item"], r["analysis"]
            if not item.get("mention") or a is None:
                continue
            want = set(item.get("families") or [])
            for f in a.families:
                d = out.setdefault(source_of(r, f), {"right": 0, "wrong": 0})
                d["right" if f in want else "wrong"] += 1
    return out


def source_of(record: dict, family: str) -> str:
    """Who named ``family`` for a graded record: "model" (proposed by the model alone), "both"
    (model and rules), "rules, model unsure" / "rules, model against" (the rules' keywords alone,
    the model's chance at least half its threshold, or below)."""
    a = record["analysis"]
    model = (a.judgement or {}).get("model") or {}
    ruled = family in record["rules_families"]
    if family in set(model.get("families") or []):
        return "both" if ruled else "model"
    if not model:
        return "rules (no model)"
    chance = (model.get("family_chances") or {}).get(family, 0.0)
    limit = record["thresholds"].get(family, record["thresholds"].get("family", 0.5))
    return "rules, model unsure" if chance >= limit / 2 else "rules, model against"


BELOW_ALERT_CAUSES = (
    "not taken for us: no name of ours read",
    "not taken for us: the is-it-us check is sure it is not us",
    "not taken for us: the is-it-us check's weaker 'not us', graded below crisis",
    "a guard set aside the model's crisis",
    "a guard set aside the model's alert",
    "an unless phrase set aside a crisis keyword",
    "the rules read only sarcasm, the model no more than watch",
    "neither the model nor the rules read it",
)


def below_alert_cause(record: dict) -> str | None:
    """Why a text labelled crisis ended below alert (None when it did not): one of BELOW_ALERT_CAUSES,
    the first that applies, from what the analysis recorded (its reasons, the model's own level before
    the rules' guards, the is-it-us decision)."""
    item, a = record["item"], record["analysis"]
    if not item.get("mention") or item.get("severity") != "crisis":
        return None
    if a is None:
        identity = record.get("identity")
        if identity is None:
            return BELOW_ALERT_CAUSES[0]
        return BELOW_ALERT_CAUSES[1] if identity[1] or not record.get("dropped") else BELOW_ALERT_CAUSES[2]
    if a.severity in ("alert", "crisis"):
        return None
    model = (a.judgement or {}).get("model") or {}
    if model.get("level") in ("crisis", "alert") and model.get("model_level") not in ("crisis", "alert"):
        return BELOW_ALERT_CAUSES[3] if model["level"] == "crisis" else BELOW_ALERT_CAUSES[4]
    if any("set aside because the text says" in r for r in a.reasons):
        return BELOW_ALERT_CAUSES[5]
    if any("turns praise into criticism" in r for r in a.reasons):
        return BELOW_ALERT_CAUSES[6]
    return BELOW_ALERT_CAUSES[7]


def below_alert_causes(graded: dict) -> dict:
    """``{cause: n}`` over every record (BELOW_ALERT_CAUSES order, causes with none left out)."""
    from collections import Counter

    n = Counter(below_alert_cause(r) for _rep, recs in graded.values() for r in recs)
    return {c: n[c] for c in BELOW_ALERT_CAUSES if n[c]}


def below_alert_items(graded: dict) -> dict:
    """``{cause: [item ids]}``: which crises ended below alert, and why (BELOW_ALERT_CAUSES order)."""
    out: dict = {}
    for _rep, recs in graded.values():
        for r in recs:
            cause = below_alert_cause(r)
            if cause:
                out.setdefault(cause, []).append(str(r["item"].get("id")))
    return {c: out[c] for c in BELOW_ALERT_CAUSES if c in out}


def found_families(records) -> tuple[float, float]:
    """Family precision and recall over the true mentions the watch found (``evaluate`` also counts
    the families of mentions it missed, which no way of naming families can recover)."""
    tp = fp = fn = 0
    for r in records:
        if r["item"].get("mention") and r["analysis"] is not None:
            want, got = set(r["item"].get("families") or []), set(r["analysis"].families)
            tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    return round(tp / max(1, tp + fp), 4), round(tp / max(1, tp + fn), 4)


# --------------------------------------------------------------------------- report

_COLUMNS = ("n", "mention F1", "crisis R/P", "crises>=alert", "alert+ R/P", "info->alert", "family P/R",
            "family P/R (found)")


def row(name: str, r, records) -> list[str]:
    fp, fr = found_families(records)
    return [name, str(r.n), f"{r.mention['f1']:.3f}", f"{r.crisis_recall:.3f}/{r.crisis_precision:.3f}",
            f"{r.crises_at_alert_or_worse:.3f} ({r.crises_below_alert} below)",
            f"{r.alert_or_worse_recall:.3f}/{r.alert_or_worse_precision:.3f}", str(r.info_raised_to_alert),
            f"{r.family_precision:.3f}/{r.family_recall:.3f}", f"{fp:.3f}/{fr:.3f}"]


def format_table(graded: dict) -> str:
    rows = [row(w, rep, recs) for w, (rep, recs) in graded.items()]
    rows.append(row("all together", pooled([rep for rep, _p in graded.values()]),
                    [r for _rep, recs in graded.values() for r in recs]))
    widths = [max(len(x) for x in col) for col in zip(("writer",) + _COLUMNS, *rows)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(("writer",) + _COLUMNS, widths))]
    lines += ["  ".join(x.ljust(w) for x, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    from . import config as cfg_mod

    ap = argparse.ArgumentParser(prog="python -m monitor.cv_system", description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", help="feeds.yaml to take the rules from (default: as `monitor eval`)")
    ap.add_argument("--training", help="folder of labelled files (default: training/)")
    ap.add_argument("--cache", default=str(CACHE_DIR), help="where the fitted folds are kept ('' for nowhere)")
    ap.add_argument("--json", action="store_true", help="the figures as JSON, per writer and pooled")
    ap.add_argument("--sources", action="store_true", help="also say where the named families come from")
    ap.add_argument("--causes", action="store_true", help="also say why each crisis graded below alert got there")
    args = ap.parse_args(argv)
    try:
        config = cfg_mod.load(cfg_mod.config_path(args.config), secrets=False)
    except cfg_mod.ConfigError as exc:
        print("Configuration error:\n  " + "\n  ".join(str(p) for p in exc.problems), file=sys.stderr)
        return 2
    files = T.training_files(Path(args.training) if args.training else None)
    if not files:
        print(f"No labelled *.jsonl files in {args.training or T.TRAINING_DIR}.", file=sys.stderr)
        return 2
    log = (lambda m: print(m, file=sys.stderr)) if not args.json else None
    folds = build(files, Path(args.cache) if args.cache else None, log)
    graded = grade(config, folds, files, log)
    if args.json:
        from dataclasses import asdict

        out = {w: {**{k: v for k, v in asdict(rep).items() if k != "misses"},
                   "found_family_precision_recall": found_families(recs)} for w, (rep, recs) in graded.items()}
        out["all"] = {**{k: v for k, v in asdict(pooled([rep for rep, _p in graded.values()])).items() if k != "misses"},
                      "found_family_precision_recall": found_families([r for _w, (_rep, rs) in graded.items() for r in rs])}
        if args.sources:
            out["family_sources"] = family_sources(graded)
        if args.causes:
            out["below_alert_causes"] = below_alert_causes(graded)
            out["below_alert_items"] = below_alert_items(graded)
        print(json.dumps(out, indent=1))
        return 0
    print("Whole-system cross-validation (model never saw the writer; rules, guards and is-it-us as a run):")
    print(format_table(graded))
    if args.sources:
        print("\nWhere the named families come from (true mentions): right / wrong")
        for src, d in sorted(family_sources(graded).items()):
            total = d["right"] + d["wrong"]
            print(f"  {src:<22} {d['right']:>5} / {d['wrong']:<5} ({d['right'] / max(1, total):.2f} right)")
    if args.causes:
        print("\nWhy crises ended below alert (labelled crisis, graded info or watch, or not taken for us):")
        items = below_alert_items(graded)
        for cause, n in below_alert_causes(graded).items():
            print(f"  {n:>4}  {cause}: {' '.join(items.get(cause, []))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
