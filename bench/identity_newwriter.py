"""The is-it-us check measured on writers it never saw (issue 15, round 9): a "pseudo-blind" check you may read.

    OPENBLAS_NUM_THREADS=1 nice .venv/bin/python bench/identity_newwriter.py --test T30 T31 T33 [--cv] [--variants ...]

Cross-validation held out by file overstates what a new writer gets: its files resemble the writers the model was
trained on, a blind writer's namesakes do not. So each variant of the check is also **trained on the training files
(``identity.TRAINING_FILES``, less the test files) and tested on files by writers who never saw the tool**
(``--test``), scored exactly as ``monitor eval`` scores them: every item analysed as a run would (the rules first,
the judgement, the crisis valve, the "unsure: at most watch" cap), only the check's P(us) taken from the variant.
Per file and together: namesakes and ordinary phrases taken for us (any level, and at alert or worse, per 20), and
true mentions lost (all, and those the check set aside).

A variant (``--variants``, ';'-separated ``name:key=value,key=value``; keys below) changes only the check:

- ``head``: what the second look's head reads: ``name`` (the name's own word pieces after layer 4, as shipped),
  ``pooled`` (the mean over the whole window of 64 word pieces: "reader (b)"), ``both`` (the two, 768 numbers);
- ``l2`` (the head's L2), ``w`` (its weight in the mix), ``band`` (``lo-hi``: P(us) range read; ``0-1`` every one);
- ``valve`` / ``valve_other`` (the crisis valve's floor for a text in English / in another language,
  ``STRONG_NOT_US_ENGLISH`` / ``STRONG_NOT_US``: pseudo-blind only), ``short`` (the too-little-text rule's floor);
- ``refs`` (the vote's references stored at int8 x this, ``training.REFS_SCALE``: the model file's size, round 12);
- ``drop`` (hand-made features zeroed, by index range ``a-b`` or names joined by ``|``), ``text`` (the words model's
  weight); ``low`` / ``high`` (the thresholds);
- ``wfloor`` (round 15: texts weighted by writer and side, ``training.writer_weights``'s floor; -1 off);
- ``pfloor`` (round 16: a "not us" naming a product of ours beside the name is unsure from this P(us),
  ``decide.PRODUCT_FLOOR``; ``off``: never);
- ``textc`` (the words model's C, ``decide.TEXT_C``), ``stop`` (``1``: the words model without function words alone
  nor pairs of two; ``v``: without "our/my/your/a/an" + our name; ``1v`` both: round 14).

With ``--cv`` each variant is also cross-validated held out by file on the training files (the same out-of-fold
first model as ``bench/identity_cv.py``), and the trade-off curve printed (namesakes per 20 at recall 0.99 ... 0.95,
and at recall 0.99 with the crisis valve: namesakes reaching a director and true crises lost).

Encodings: the encoder's readings (name and pooled) of every candidate are cached in ``data/identity_context.npz``
(git-ignored, as ``monitor train-identity`` keeps them); features in /tmp, keyed by the code that makes them.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))



STOP = set("""a an the and or but if so of in on at to for from by with about as into over after before than then that
this these those is are was were be been being has have had do does did it its it's there their they them he she his her
i me my we us our you your will would can could should not no just all any some what which who when where how up out very
also""".split())


T_FLOOR_UNSET = 0.0  # ``wfloor`` not given: the committed training's WRITER_FLOOR (0 keeps it, -1 turns it off)


def text_key(sents) -> str:
    return hashlib.sha256(" \n".join(s for _f, s in sents).encode()).hexdigest()[:24]


def pooled_vectors(cands):
    """(n x 768): the encoder's name vector and window mean per candidate (``training.context_vectors``, cached)."""
    return self_check(__import__("monitor.identity.training", fromlist=["x"]).context_vectors(cands))


def self_check(V):
    assert V.shape[1] == 768, "the encoder's readings should be the name's vector and the window's"
    return V


def parse_variants(spec: str) -> list[tuple[str, dict]]:
    out = [("shipped", {})]
    for part in (spec or "").split(";"):
        if not part.strip():
            continue
        name, _, kv = part.partition(":")
        opts = {}
        for item in kv.split(","):
            if item.strip():
                k, _, v = item.partition("=")
                opts[k.strip()] = v.strip()
        out.append((name.strip(), opts))
    return out


def drop_columns(spec: str) -> list[int]:
    from monitor.identity import FEATURES

    cols = []
    for part in (spec or "").split("|"):
        if not part:
            continue
        if re.fullmatch(r"\d+-\d+", part):
            a, b = map(int, part.split("-"))
            cols += list(range(a, b + 1))
        else:
            cols.append(FEATURES.index(part))
    return cols


class Bench:
    def __init__(self, cfg, train_files, test_files, places):
        import numpy as np

        from monitor.identity import training as T
        from monitor.identity.features import _weak_only

        self.T, self.cfg = T, cfg
        self.files = list(train_files) + list(test_files)
        self.n_train = len(train_files)
        self.cands = T.candidates(cfg, self.files)
        self.X = self.features(cfg, places)
        self.grams = T.grams_of(self.cands)
        self.y = np.asarray([1.0 if c[1]["mention"] else 0.0 for c in self.cands])
        self.groups = np.asarray([c[0] for c in self.cands])
        self.train = self.groups < self.n_train
        self.V = pooled_vectors(self.cands)
        self.weak = np.asarray([_weak_only(c[4], c[3]) for c in self.cands])
        self.forced = T._rules_first(cfg, self.cands, places)
        self.product = self.products_named(cfg, places)
        self.keys = [text_key(c[2]) for c in self.cands]
        from monitor.identity.decide import Judge
        from monitor.identity.words import words_after
        from monitor.text import fold

        self.short = np.asarray([Judge._too_short(c[2], c[3], c[4], [w for i in c[3] for m in c[4][i]
                                                                     for w in words_after(fold(c[2][i][1]), m.end)])
                                 for c in self.cands])
        self._first = {}
        self._grams = {}

    def products_named(self, cfg, places):
        """Per candidate: whether it names a product of ours beside the name (round 16, ``Judge.product_named``)."""
        import numpy as np

        from monitor.identity.decide import Judge
        from monitor.identity.words import words_after
        from monitor.text import fold

        judge, out = Judge(cfg, []), []
        for g, _item, sents, mentioned, mbs in self.cands:
            judge.use_sidecar(places[g] if places else None)
            after = [w for i in mentioned for m in mbs[i] for w in words_after(fold(sents[i][1]), m.end)]
            out.append(bool(judge.product_named(sents, mentioned, mbs, after)))
        return np.asarray(out)

    def features(self, cfg, places):
        """The check's inputs of every candidate, cached per (file, text) in /tmp, keyed by the code that makes them."""
        import numpy as np

        T = self.T
        h = hashlib.sha256()
        for name in ("features.py", "decide.py", "words.py", "products.py"):
            h.update(Path(T.__file__).with_name(name).read_bytes())
        for f in self.files:  # round 16: a file's sidecar (places, products) changes its features too
            side = Path(f).with_name(Path(f).name.removesuffix(".jsonl") + ".places.json")
            h.update(side.read_bytes() if side.is_file() else b"-")
        cache = Path(f"/tmp/names9_X_{h.hexdigest()[:16]}.npz")
        keys = [f"{Path(self.files[c[0]]).name} {text_key(c[2])}" for c in self.cands]
        known = {}
        if cache.is_file():
            z = np.load(cache)
            known = dict(zip(z["keys"].tolist(), z["rows"]))
        todo = [i for i, k in enumerate(keys) if k not in known]
        if todo:
            t0 = time.process_time()
            sub = [self.cands[i] for i in todo]
            X, _c, _a = T.featurise(cfg, sub, places)
            for i, row in zip(todo, X):
                known[keys[i]] = row
            np.savez(cache, keys=np.asarray(list(known)), rows=np.stack(list(known.values())))
            print(f"featurised {len(todo)} candidates in {time.process_time() - t0:.0f} s CPU", flush=True)
        return np.stack([known[k] for k in keys]).astype(np.float64)

    def grams_for(self, stop: str):
        """The words model's input: as shipped, or (``stop=1``, round 14) without the function words alone and the
        pairs of two function words (the words model weighed "in" -10 and "the" -7: the writers' style)."""
        if not stop or stop == "0":
            return self.grams
        if stop not in self._grams:
            sw = STOP if "1" in stop else set()
            voice = {"our xname", "my xname", "your xname", "a xname", "an xname"} if "v" in stop else set()
            self._grams[stop] = [[g for g in gs if g not in voice and not all(t in sw for t in g.split(" "))]
                                 for gs in self.grams]
        return self._grams[stop]

    def first(self, drop: str, text_weight: float, mask_tr, mask_te, tag, refs_scale: float = 0.0, text_c: float = 0.0,
              stop: str = "", wfloor: float = 0.0, min_df: int = 0):
        """The first model's P(us) on ``mask_te``, fitted on ``mask_tr`` (cached per tag); ``refs_scale``: the vote's
        references stored at int8 x this instead of ``training.REFS_SCALE`` (round 12: the model's size)."""
        import numpy as np

        from monitor.identity.decide import L2

        key = (drop, text_weight, tag, refs_scale, text_c, stop, wfloor, min_df)
        if key in self._first:
            return self._first[key]
        T, X = self.T, self.X.copy()
        X[:, drop_columns(drop)] = 0.0
        saved_scale, saved_floor = T.REFS_SCALE, T.WRITER_FLOOR
        T.REFS_SCALE = refs_scale or saved_scale
        T.WRITER_FLOOR = saved_floor if wfloor == 0 else (wfloor if wfloor > 0 else None)  # negative: classes balanced only
        try:
            mean, scale, w, b, refs = T._fit_all(X[mask_tr], self.y[mask_tr], self.groups[mask_tr], L2)
            p = T._predict(T._with_votes(X[mask_te], refs, self.y[mask_tr] == 1), mean, scale, w, b)
            if text_weight:
                grams = self.grams_for(stop)
                tm = T._fit_text([grams[i] for i in np.flatnonzero(mask_tr)], self.y[mask_tr], groups=self.groups[mask_tr],
                                 **({"c": text_c} if text_c else {}), **({"min_df": min_df} if min_df else {}))
                p = T._blend(p, T._text_logits(tm, [grams[i] for i in np.flatnonzero(mask_te)]), text_weight)
        finally:
            T.REFS_SCALE, T.WRITER_FLOOR = saved_scale, saved_floor
        self._first[key] = p
        return p

    def head_input(self, head: str):
        return {"name": self.V[:, :384], "pooled": self.V[:, 384:], "both": self.V}[head]

    def variant_p(self, opts, mask_tr, mask_te, tag):
        """P(us) after the second look (before the rules) on ``mask_te``."""
        import numpy as np

        from monitor.identity import context as C
        from monitor.identity.decide import TEXT_WEIGHT

        p = self.first(opts.get("drop", ""), float(opts.get("text", TEXT_WEIGHT)), mask_tr, mask_te, tag,
                       float(opts.get("refs", 0)), float(opts.get("textc", 0)), opts.get("stop", ""),
                       float(opts.get("wfloor", T_FLOOR_UNSET)), int(opts.get("mindf", 0)))
        head = opts.get("head", "name")
        if head == "none":
            return p
        H = self.head_input(head)
        hd = self.T.fit_context_head(H[mask_tr], self.y[mask_tr], float(opts.get("l2", C.HEAD_L2)))
        h = ((H[mask_te] - hd[0]) / hd[1]) @ hd[2] + hd[3]
        w = float(opts.get("w", C.WEIGHT))
        lo, hi = (float(v) for v in opts.get("band", f"{C.BAND[0]}-{C.BAND[1]}").split("-"))
        r = np.clip(p, 1e-9, 1 - 1e-9)
        mixed = 1 / (1 + np.exp(-((1 - w) * np.log(r / (1 - r)) + w * h)))
        return np.where((p >= lo) & (p <= hi), mixed, p)

    # -- the pseudo-blind check: trained on the training files, tested on the new writers', as ``monitor eval`` --

    def pseudo_blind(self, opts, analyser) -> dict:
        import numpy as np

        from monitor import evaluate as E
        from monitor.identity import decide

        te = ~self.train
        p = self.variant_p(opts, self.train, te, "all-train")
        self.last_p = p
        pmap = dict(zip([k for k, t in zip(self.keys, te) if t], p.tolist()))
        missing = []

        def patched(mdl, p0, sents, mentioned, mbs):
            k = text_key(sents)
            if k not in pmap:
                missing.append(k)
                return p0, False
            return pmap[k], True

        saved, saved_floor, saved_pf = decide.second_look, decide.SHORT_TEXT_FLOOR, decide.PRODUCT_FLOOR
        decide.PRODUCT_FLOOR = 9.0 if opts.get("pfloor") == "off" else float(opts.get("pfloor", saved_pf))
        saved_valve = (decide.STRONG_NOT_US, decide.STRONG_NOT_US_ENGLISH)
        decide.SHORT_TEXT_FLOOR = float(opts.get("short", saved_floor))
        decide.STRONG_NOT_US = float(opts.get("valve_other", saved_valve[0]))
        decide.STRONG_NOT_US_ENGLISH = float(opts.get("valve", saved_valve[1]))
        mdl = decide.model()
        saved_lh = (mdl.low, mdl.high)
        decide.second_look = patched
        saved_p_us = decide.Model.p_us
        decide.Model.p_us = lambda self, x, grams=None: 0.5  # the variant's P(us) stands (the committed model may
        # not read this code's features)
        mdl.low, mdl.high = float(opts.get("low", saved_lh[0])), float(opts.get("high", saved_lh[1]))
        try:
            out = {}
            for f in self.files[self.n_train:]:
                items = E.read_labelled(f).items
                rep = E.evaluate(self.cfg, items, analyser=analyser, places=E.read_places(f), places_from=Path(f).name)
                out[Path(f).stem] = rep
        finally:
            decide.second_look, decide.SHORT_TEXT_FLOOR, decide.PRODUCT_FLOOR = saved, saved_floor, saved_pf
            decide.STRONG_NOT_US, decide.STRONG_NOT_US_ENGLISH = saved_valve
            decide.Model.p_us = saved_p_us
            mdl.low, mdl.high = saved_lh
        if missing:
            print(f"  ({len(missing)} texts the check read that the bench had no P(us) for: the first model's stood)")
        return out

    # -- cross-validation held out by file, on the training files only --

    def cv(self, opts):
        import numpy as np

        oof = np.zeros(len(self.y))
        for g in range(self.n_train):
            tr, te = self.train & (self.groups != g), self.groups == g
            if not te.any():
                continue
            oof[te] = self.variant_p(opts, tr, te, f"fold{g}")
        return oof


def summarise(reports: dict) -> list[str]:
    lines = []
    tot = {"nm": 0, "nm_of": 0, "op": 0, "op_of": 0, "alert": 0, "nmiss": 0, "fn": 0, "true": 0, "aside_true": 0}
    for name, rep in reports.items():
        k = rep.near_miss_kinds
        nm, op = k.get("namesake", {"taken": 0, "of": 0}), k.get("ordinary phrase", {"taken": 0, "of": 0})
        true = rep.mention["tp"] + rep.mention["fn"]
        aside = rep.identity.get("set_aside_true", 0)
        lines.append(f"  {name:16} namesakes {nm['taken']:3} of {nm['of']:3}, ordinary {op['taken']:2} of {op['of']:2}: "
                     f"{rep.near_miss_false_positives:3} of {rep.near_misses} ({rep.near_miss_per_20:.2f} per 20; "
                     f"{rep.near_miss_at_alert} at alert or worse, {20 * rep.near_miss_at_alert / max(rep.near_misses, 1):.2f}"
                     f" per 20); true lost {rep.mention['fn']} of {true} (check set aside {aside}), "
                     f"recall {rep.mention['recall']:.3f}; unsure true {rep.identity.get('unsure_true', 0)}")
        tot["nm"] += nm["taken"]
        tot["nm_of"] += nm["of"]
        tot["op"] += op["taken"]
        tot["op_of"] += op["of"]
        tot["alert"] += rep.near_miss_at_alert
        tot["nmiss"] += rep.near_misses
        tot["fn"] += rep.mention["fn"]
        tot["true"] += true
        tot["aside_true"] += aside
    taken = tot["nm"] + tot["op"]
    lines.append(f"  {'together':16} namesakes {tot['nm']} of {tot['nm_of']} ({20 * tot['nm'] / max(tot['nm_of'], 1):.2f}"
                 f" per 20), ordinary {tot['op']} of {tot['op_of']}: {taken} of {tot['nmiss']} "
                 f"({20 * taken / max(tot['nmiss'], 1):.2f} per 20; at alert or worse {tot['alert']}, "
                 f"{20 * tot['alert'] / max(tot['nmiss'], 1):.2f} per 20); true lost {tot['fn']} of {tot['true']} "
                 f"(check {tot['aside_true']}), recall {1 - tot['fn'] / max(tot['true'], 1):.4f}")
    return lines


def main(argv=None) -> None:
    import numpy as np

    from monitor import config as config_mod
    from monitor.analyse import Analyser
    from monitor.identity import training as T

    ap = argparse.ArgumentParser()
    ap.add_argument("--test", nargs="*", default=[], help="labelled files by writers the model never saw")
    ap.add_argument("--variants", default="", help="';'-separated name:key=value,... (see the module's doc)")
    ap.add_argument("--cv", action="store_true", help="also cross-validate each variant held out by file")
    ap.add_argument("--no-blind", action="store_true", help="only the cross-validation")
    ap.add_argument("--no-shipped", action="store_true", help="leave out the variant 'as committed'")
    ap.add_argument("--dump", help="write each variant's test P(us) here (NAME.npz per variant)")
    ap.add_argument("--grades-cache", default="/tmp/names9_grades.json")
    args = ap.parse_args(argv)
    cfg = config_mod.load(REPO / "feeds.yaml", environ={}, secrets=False)
    tests = [Path(f).resolve() for f in args.test]
    train = [REPO / f for f in T.TRAINING_FILES if (REPO / f).resolve() not in tests
             and Path(f).name not in {t.name for t in tests}]
    b = Bench(cfg, train, tests, T.places_of(train + tests))
    print(f"{len(b.cands)} candidates: training {int(b.train.sum())} from {len(train)} files, test "
          f"{int((~b.train).sum())} from {len(tests)} files", flush=True)
    variants = parse_variants(args.variants)[1 if args.no_shipped else 0:]
    analyser = None if args.no_blind else Analyser(cfg, model="auto")
    crisis = alert = label = None
    if args.cv:
        from identity_cv import grades, trade_off, valve_floors

        tr_cands = [c for c, t in zip(b.cands, b.train) if t]
        level = np.asarray(grades(cfg, tr_cands, Path(args.grades_cache)))
        crisis, alert = level == "crisis", np.isin(level, ["alert", "crisis"])
        label = np.asarray([c[1].get("severity") or "" for c in tr_cands])
    for name, opts in variants:
        t0 = time.process_time()
        print(f"=== VARIANT {name}: {opts or 'as committed'}", flush=True)
        if not args.no_blind:
            print("pseudo-blind (trained without the test files, scored as monitor eval):")
            b.last_reports = b.pseudo_blind(opts, analyser)
            print("\n".join(summarise(b.last_reports)), flush=True)
            if args.dump:
                te = ~b.train
                Path(args.dump).mkdir(parents=True, exist_ok=True)
                np.savez(Path(args.dump) / f"{name}.npz", p=b.last_p, y=b.y[te], weak=b.weak[te], forced=b.forced[te],
                         groups=b.groups[te], ids=np.asarray([str(c[1]["id"]) for c, t in zip(b.cands, te) if t]))
                import json  # round 19: what each file's report says went wrong, with the reasons (``misses``)

                (Path(args.dump) / f"{name}.misses.json").write_text(json.dumps(
                    {f: rep.misses for f, rep in b.last_reports.items()}, indent=1, ensure_ascii=False))
        if args.cv:
            from monitor.identity.decide import HIGH

            oof = b.cv(opts)[b.train]
            raw = oof.copy()  # before the rules (the dump keeps it: what a rule on top would change)
            weak, forced, y, groups = b.weak[b.train], b.forced[b.train], b.y[b.train], b.groups[b.train]
            pv = np.where(weak & (oof < HIGH), oof, np.nan)
            oof = oof.copy()
            from monitor.identity.decide import LOW, PRODUCT_FLOOR

            pfloor = 9.0 if opts.get("pfloor") == "off" else float(opts.get("pfloor", PRODUCT_FLOOR))
            # round 16: a product of ours beside the name: unsure, not dropped (a weak-only one too, below HIGH)
            prod = b.product[b.train] & ((oof < LOW) | (weak & (oof < HIGH))) & (oof >= pfloor) & (forced == -1)
            print(f"  product rule (floor {pfloor:g}): {int((prod & (y == 1)).sum())} true mentions and "
                  f"{int((prod & (y == 0)).sum())} namesakes raised to unsure", flush=True)
            oof[weak & (oof < HIGH)] = 0.0
            oof[prod] = LOW
            oof[forced == 1], oof[forced == 0] = 1.0, 0.0
            pv = np.where(np.isnan(pv) | (forced != -1), oof, pv)
            if args.dump:  # the out-of-fold chances, after the rules (per-file comparisons between variants)
                Path(args.dump).mkdir(parents=True, exist_ok=True)
                np.savez(Path(args.dump) / f"{name}.cv.npz", oof=oof, raw=raw, y=y, groups=groups, weak=weak,
                         forced=forced)
            print("CV held out by file (training files):")
            print(trade_off(oof, pv, y, groups, train, crisis, alert, label, floor=valve_floors(tr_cands)), flush=True)
            from monitor.identity.decide import LOW

            short = b.short[b.train] & (forced == -1) & ~weak
            for floor in (0.0, 0.01, 0.03, 0.05, 0.1):
                s = short & (oof < LOW) & (oof >= floor)
                print(f"  too-short rule at low {LOW:g}, floor {floor:g}: keeps {int((s & (y == 1)).sum())} true mentions "
                      f"(crises {int((s & (y == 1) & (label == 'crisis')).sum())}), lets in {int((s & (y == 0)).sum())} namesakes")
        print(f"  ({time.process_time() - t0:.0f} s CPU)", flush=True)


if __name__ == "__main__":
    main()
