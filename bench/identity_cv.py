"""Cross-validation of the is-it-us check held out by writer, with what reaches a director (issue 15).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/identity_cv.py [--folds 10] [--no-grades] [--decide [OUT.json]]
        [--drop FEATURE ...]

Each labelled file of ``identity.TRAINING_FILES`` (or ``--files``) is held out in turn, exactly as
``monitor train-identity --cv`` does (each file's place evidence read with its own sidecar's places), and
every candidate is also graded as a run would grade it were it about us (the committed judgement model and
the rules), so the table can say how many namesakes let in would reach a director (alert or crisis as us,
crisis when unsure, or kept by the crisis valve) and, for each valve setting, how many true crises it saves
and how many namesakes it lets through. ``--drop`` zeroes a feature (by its name in ``identity.FEATURES``) to
measure what it adds. Grades are cached in /tmp (they depend on the judgement model only).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def say(line: str) -> None:
    """Progress on stderr as it happens (a run takes minutes; round 22: it printed nothing until it ended)."""
    print(line, file=sys.stderr, flush=True)


def grades(cfg, cands, cache: Path) -> list[str]:
    """The level a run would give each candidate were it about us (identity bypassed)."""
    from monitor.analyse import Analyser
    from monitor.identity.decide import US, Decision

    known = json.loads(cache.read_text()) if cache.is_file() else {}
    an = Analyser(cfg, model="auto")
    an.identity.decide = lambda *a, **k: Decision(US, 1.0, "")
    out, new = [], 0
    for _g, item, _s, _m, _mb in cands:
        key = hashlib.sha256(f"{item.get('title') or ''}\n{item['body']}".encode()).hexdigest()[:20]
        if key not in known:
            a = an.analyse(item.get("title") or "", item.get("body") or "")
            known[key] = a.severity if a else "none"
            new += 1
            if new % 1000 == 0:  # kept as it goes: a stopped run resumes from here
                cache.write_text(json.dumps(known))
                say(f"  graded {new} new candidates ({len(out)} of {len(cands)})")
        out.append(known[key])
    cache.write_text(json.dumps(known))
    return out


def whole_decision(cfg, files, cands, p_us, out: str | None = None) -> str:
    """Held out by file, the whole decision (round 22): every candidate decided by this code's ``Judge.decide`` (its
    rules, short-text, product, weak-candidate, other-language and another-group's-name steps) with ``p_us``, its
    out-of-fold P(us) after the second look, in place of the committed model's. ``out``: each decision as JSON."""
    import numpy as np

    from monitor.identity import decide
    from monitor.identity import training as T

    p_of = {}
    for (g, _item, sents, _m, _mb), p in zip(cands, p_us):
        p_of[(g, "\n".join(s for _f, s in sents))] = float(p)
    cur = {}
    saved = decide.second_look, decide.Model.p_us
    decide.second_look = lambda mdl, p0, sents, m, mbs: (p_of[(cur["g"], "\n".join(s for _f, s in sents))], True)
    decide.Model.p_us = lambda self, x, grams=None: 0.5  # replaced by the out-of-fold P just above
    places, judge, rows = T.places_of(files), decide.Judge(cfg, []), []
    try:
        for g, item, sents, mentioned, mbs in cands:
            cur["g"] = g
            judge.use_sidecar(places[g])
            d = judge.decide(sents, mentioned, mbs)
            rows.append([str(item["id"]), bool(item["mention"]), d.verdict, round(d.p_us, 4), d.reason[:200]])
    finally:
        decide.second_look, decide.Model.p_us = saved
    if out:
        Path(out).write_text(json.dumps(rows))
    y, v = np.asarray([r[1] for r in rows]), np.asarray([r[2] for r in rows])
    return (f"WHOLE DECISION (decide.py with the out-of-fold P(us); no crisis valve): true {int(y.sum())}: judged not us "
            f"{int((y & (v == 'not_us')).sum())}, unsure {int((y & (v == 'unsure')).sum())}; not us {int((~y).sum())}: "
            f"taken {int((~y & (v != 'not_us')).sum())} (as us {int((~y & (v == 'us')).sum())}, unsure "
            f"{int((~y & (v == 'unsure')).sum())})")


def hard_files(files) -> set[int]:
    """The files written to hold namesakes doing close work (t10 and later): the hard case of the blind sets."""
    import re

    return {g for g, f in enumerate(files) if (m := re.match(r"t(\d+)_", Path(f).name)) and int(m.group(1)) >= 10}


def valve_floors(cands, english=None):
    """Per candidate, the crisis valve's floor a run uses (round 10): ``STRONG_NOT_US_ENGLISH`` (or ``english``) for a
    text read as English, ``STRONG_NOT_US`` for one in another language."""
    import numpy as np

    from monitor.identity.decide import STRONG_NOT_US, STRONG_NOT_US_ENGLISH
    from monitor.languages import reads_other_language

    en = STRONG_NOT_US_ENGLISH if english is None else english
    return np.asarray([STRONG_NOT_US if reads_other_language([s for _f, s in c[2]]) else en for c in cands])


def trade_off(oof, pv, y, groups, files, crisis, alert, label, recalls=(0.99, 0.98, 0.97, 0.95), floor=None) -> str:
    """The trade-off curve (issue 15, round 7): for each recall among candidates, the threshold that keeps it and
    the namesakes let in per 20 at that threshold, over all files and over the hard files (t10 and later); at
    recall 0.99 also the namesakes reaching a director and the true crises lost, with the crisis valve."""
    import numpy as np

    from monitor.identity.decide import HIGH, STRONG_NOT_US

    hard = np.isin(groups, sorted(hard_files(files)))
    t, fl = y == 1, y == 0
    ranked = np.sort(oof[t])
    lines = []
    for r in recalls:
        th = ranked[int(np.floor((1 - r) * t.sum()))]
        line = (f"  recall {r:.2f}: threshold {th:.3f}, namesakes per 20 all {20 * (fl & (oof >= th)).sum() / fl.sum():.2f}, "
                f"hard files {20 * (fl & hard & (oof >= th)).sum() / max((fl & hard).sum(), 1):.2f}")
        if r == recalls[0]:
            valve = (pv >= (STRONG_NOT_US if floor is None else floor)) & (oof < th) & crisis
            kept = (oof >= th) | valve
            director = ((oof >= max(HIGH, th)) & alert) | ((oof >= th) & (oof < HIGH) & crisis) | valve
            line += (f"; with the valve: namesakes reaching a director {int((fl & director).sum())} (hard files "
                     f"{int((fl & hard & director).sum())}), true crises lost {int((t & ~kept & (label == 'crisis')).sum())}")
        lines.append(line)
    return "trade-off (threshold chosen for each recall, no valve):\n" + "\n".join(lines)


def main(argv=None) -> None:
    import numpy as np

    from monitor import config as config_mod
    from monitor.identity import FEATURES, training as T
    from monitor.identity.decide import HIGH, L2, LOW, STRONG_NOT_US, TEXT_WEIGHT
    from monitor.identity.features import _weak_only

    ap = argparse.ArgumentParser()
    ap.add_argument("--drop", nargs="*", default=[], help="feature names to zero")
    ap.add_argument("--files", nargs="*", help="labelled files (default: identity.TRAINING_FILES)")
    ap.add_argument("--valves", default="0.03,0.05,0.08,0.1,0.15,0.22")
    ap.add_argument("--save", help="write the out-of-fold chances here (npz)")
    ap.add_argument("--no-grades", action="store_true")
    ap.add_argument("--folds", type=int, default=0,
                    help="hold the files out in this many groups (file k in group k mod N) instead of one at a time: "
                         "each file is still scored by a model that never saw it, at about N/97 of the time")
    ap.add_argument("--grades-cache", default="/tmp/identity_cv_grades.json",
                    help="where the grades are kept (one file per judgement model: it is not part of the key)")
    ap.add_argument("--k", type=int, default=0, help="vote over this many nearest (default decide.KNN_K)")
    ap.add_argument("--test-profile-places", action="store_true",
                    help="read each held-out file with feeds.yaml's places instead of its sidecar's")
    ap.add_argument("--vote-dims", type=int, default=0, help="vote on the first N principal axes of the vectors")
    ap.add_argument("--cache", help="features saved here (.npy) and read back on the next run with the same code")
    ap.add_argument("--context", help="the second look (round 8): 'w1,w2;lo-hi,lo-hi' weights and bands to compare; "
                    "the first pair is then the one the report uses (encodings cached in data/identity_context.npz)")
    ap.add_argument("--context-l2", type=float, default=0.0, help="the head's L2 (default context.HEAD_L2)")
    ap.add_argument("--variants", help="more feature sets to compare: 'name:feat|feat;name2:feat' (features dropped)")
    ap.add_argument("--decide", nargs="?", const="", default=None, metavar="OUT.json",
                    help="also run the whole decision (decide.py) on every candidate with its out-of-fold P(us); "
                         "each decision written to OUT.json if given")
    args = ap.parse_args(argv)
    cfg = config_mod.load(REPO / "feeds.yaml", environ={}, secrets=False)
    files = [Path(f) for f in args.files] if args.files else [REPO / f for f in T.TRAINING_FILES]
    t0 = time.time()
    cands = T.candidates(cfg, files)
    places = T.places_of(files)
    say(f"{len(cands)} candidates from {len(files)} files ({time.time() - t0:.0f} s)")
    if args.cache and Path(args.cache).is_file():
        X = np.load(args.cache)
    else:
        X, _c, _a = T.featurise(cfg, cands, places)
        if args.cache:
            np.save(args.cache, X)
    say(f"featurised ({time.time() - t0:.0f} s)")
    if args.vote_dims:  # the vote on the vectors projected onto their first principal axes (speed, issue 14)
        V = X[:, len(FEATURES):len(FEATURES) + 256].astype(np.float64)
        _u, _s, vt = np.linalg.svd(V - V.mean(axis=0), full_matrices=False)
        basis = vt[:args.vote_dims].T.astype(np.float32)
        real_vote = T.knn_vote

        def projected_vote(neg, pos, vectors, ex_neg=None, ex_pos=None, k=10):
            return real_vote(neg @ basis, pos @ basis, np.asarray(vectors, dtype=np.float32) @ basis, ex_neg, ex_pos, k)
        T.knn_vote = projected_vote
    if args.k:  # the vote over the k nearest of each side instead of KNN_K
        vote_k = T.knn_vote

        def k_vote(neg, pos, vectors, ex_neg=None, ex_pos=None, k=10):
            return vote_k(neg, pos, vectors, ex_neg, ex_pos, args.k)
        T.knn_vote = k_vote
    grams = T.grams_of(cands)
    y = np.asarray([1.0 if c[1]["mention"] else 0.0 for c in cands])
    groups = np.asarray([c[0] for c in cands])
    folds = groups % args.folds if args.folds else groups  # what is held out together (a file's texts never split)
    forced = T._rules_first(cfg, cands, places)  # each file's products, as training and a run read them
    weak = np.asarray([_weak_only(c[4], c[3]) for c in cands])
    text_oof = {}
    raw = np.zeros(len(y))  # the last variant's chances before the rules (weak-only, forced)
    pv = np.full(len(y), np.nan)  # ... and for the crisis valve, the P(us) a weak-only "not us" keeps (Decision.p_us)

    X_test = X
    if args.test_profile_places:  # the held-out file read with feeds.yaml's places, as a deployment that kept them
        X_test, _c, _a = T.featurise(cfg, cands, None)

    def cv(drop):
        Xd = X.copy()
        for name in drop:
            Xd[:, FEATURES.index(name)] = 0.0
        oof = np.zeros(len(y))
        for g in sorted(set(folds.tolist())):
            tr, te = folds != g, folds == g
            mean, scale, w, b, refs = T._fit_all(Xd[tr], y[tr], groups[tr], L2)
            Xt = X_test[te].copy()
            for name in drop:
                Xt[:, FEATURES.index(name)] = 0.0
            oof[te] = T._predict(T._with_votes(Xt, refs, y[tr] == 1), mean, scale, w, b)
            if g not in text_oof:
                tm = T._fit_text([grams[i] for i in np.flatnonzero(tr)], y[tr], groups=groups[tr])
                text_oof[g] = T._text_logits(tm, [grams[i] for i in np.flatnonzero(te)])
            oof[te] = T._blend(oof[te], text_oof[g], TEXT_WEIGHT)
            say(f"  fold {g + 1}/{len(set(folds.tolist()))} ({', '.join(files[k].stem for k in sorted(set(groups[te].tolist())))[:80]}) "
                f"({time.time() - t0:.0f} s)")
        raw[:] = oof
        pv[:] = np.where(weak & (oof < HIGH), oof, np.nan)  # as a run: a weak-only "not us" keeps its P for the valve
        oof[weak & (oof < HIGH)] = 0.0
        oof[forced == 1], oof[forced == 0] = 1.0, 0.0
        return oof

    variants = [("as asked", args.drop)] + [(v.split(":")[0], [f for f in v.split(":", 1)[1].split("|") if f])
                                            for v in (args.variants.split(";") if args.variants else [])]
    results = []
    for name, drop in variants:
        say(f"variant {name} (dropped: {', '.join(drop) or 'nothing'})")
        results.append((name, cv(drop)))
    oof = results[0][1]
    # what the crisis valve reads: a run keeps P(us) in a weak-only "not us" (``Judge.decide``) and rescues a crisis
    # from it like any weak "not us" (analyse.py), so the valve reads that P, not the 0 it is set to here
    pv = np.where(np.isnan(pv) | (forced != -1), oof, pv)
    if args.context:  # the second look: the encoder's head, fitted with each file held out, mixed in a band of P(us)
        from monitor.identity import context as C

        V = C.head_input(T.context_vectors(cands))
        head = np.zeros(len(y))
        for g in sorted(set(folds.tolist())):
            tr, te = folds != g, folds == g
            hd = T.fit_context_head(V[tr], y[tr], args.context_l2 or C.HEAD_L2)
            head[te] = ((V[te] - hd[0]) / hd[1]) @ hd[2] + hd[3]
        r = np.clip(raw, 1e-9, 1 - 1e-9)
        first = np.log(r / (1 - r))
        weights, bands = args.context.split(";")
        combos = [(float(w), tuple(float(v) for v in b.split("-"))) for b in bands.split(",") for w in weights.split(",")]
        chosen = None
        for w, (lo, hi) in combos:
            inside = (raw >= lo) & (raw <= hi)
            p = np.where(inside, 1 / (1 + np.exp(-((1 - w) * first + w * head))), raw)
            pvc = np.where(weak & (p < HIGH), p, np.nan)
            p[weak & (p < HIGH)] = 0.0
            p[forced == 1], p[forced == 0] = 1.0, 0.0
            pvc = np.where(np.isnan(pvc) | (forced != -1), p, pvc)
            print(f"SECOND LOOK weight {w:g}, band {lo:g}-{hi:g}: read {int(inside.sum())} of {len(y)} candidates "
                  f"({100 * inside.mean():.1f}%; of them forced by the rules {int((inside & (forced != -1)).sum())})")
            if chosen is None:
                chosen = (p, pvc)
            print(re.sub(r"; with the valve[^\n]*", "", trade_off(p, pvc, y, groups, files, np.zeros(len(y), bool),
                                                                 np.zeros(len(y), bool), np.asarray([""] * len(y)))))
        oof, pv = chosen
        print(f"(the report below: the second look at weight {combos[0][0]:g}, band {combos[0][1][0]:g}-{combos[0][1][1]:g})")
    if args.decide is not None:
        say(f"the whole decision with the out-of-fold P(us) ({time.time() - t0:.0f} s)")
        print(whole_decision(cfg, files, cands, np.where(np.isnan(pv), oof, pv), args.decide or None), flush=True)
    if args.save:
        np.savez(args.save, oof=oof, raw=raw, pv=pv, weak=weak, forced=forced, y=y, groups=groups, ids=np.asarray([str(c[1]["id"]) for c in cands]))
    if not args.no_grades:
        say(f"grading the candidates as if about us (cached in {args.grades_cache}) ({time.time() - t0:.0f} s)")
    level = np.asarray(grades(cfg, cands, Path(args.grades_cache)) if not args.no_grades
                       else ["info"] * len(y))
    label = np.asarray([c[1].get("severity") or "" for c in cands])
    crisis, alert = level == "crisis", np.isin(level, ["alert", "crisis"])

    def reach(v):
        """(let in, reach a director, of them by the valve) for namesakes; (true lost, true crises lost) at valve v
        (``floors`` as a run: v for a text in English, STRONG_NOT_US for one in another language)."""
        valve = (pv >= v) & (oof < LOW) & crisis
        kept = (oof >= LOW) | valve
        director = ((oof >= HIGH) & alert) | ((oof >= LOW) & (oof < HIGH) & crisis) | valve
        return kept, director, valve

    floors = valve_floors(cands)
    kept, director, valve = reach(floors)
    print(f"{'file':30} {'true':>5} {'false':>5} {'lost':>5} {'let in':>7} {'per 20':>6} {'as us':>6} {'reach alert (valve)':>20}")
    for g, f in enumerate(files):
        m = groups == g
        t, fl = m & (y == 1), m & (y == 0)
        print(f"{f.name[:30]:30} {int(t.sum()):5} {int(fl.sum()):5} {int((t & ~kept).sum()):5} {int((fl & kept).sum()):7}"
              f" {20 * (fl & kept).sum() / max(fl.sum(), 1):6.1f} {int((fl & (oof >= HIGH)).sum()):6}"
              f" {int((fl & director).sum()):>12} ({int((fl & valve).sum())})")
    t, fl = y == 1, y == 0
    print(f"ALL: namesakes with P(us) >= low {int((fl & (oof >= LOW)).sum())} ({20 * (fl & (oof >= LOW)).sum() / fl.sum():.2f}"
          f" per 20; the figure `train-identity --cv` gives); with the valve's, below")
    print(f"ALL: candidates {len(y)} ({int(t.sum())} true, {int(fl.sum())} false); true lost {int((t & ~kept).sum())}; "
          f"recall {(t & kept).sum() / t.sum():.4f}; namesakes let in {int((fl & kept).sum())} "
          f"({20 * (fl & kept).sum() / fl.sum():.2f} per 20), as us {int((fl & (oof >= HIGH)).sum())}, reach a director "
          f"{int((fl & director).sum())} (valve {int((fl & valve).sum())}); true unsure "
          f"{int((t & (oof >= LOW) & (oof < HIGH)).sum())}")
    for name, o in results[1:]:
        fl, t = y == 0, y == 1
        director = ((o >= HIGH) & alert) | ((o >= LOW) & (o < HIGH) & crisis) | ((o >= floors) & (o < LOW) & crisis)
        kept = (o >= LOW) | ((o >= floors) & crisis)
        per = "; ".join(f"{files[g].stem.split('_')[0]} {int((fl & (groups == g) & (o >= LOW)).sum())}"
                        for g in range(len(files)) if (fl & (groups == g)).any())
        print(f"VARIANT {name}: P>=low {int((fl & (o >= LOW)).sum())} ({20 * (fl & (o >= LOW)).sum() / fl.sum():.2f}/20), "
              f"reach director {int((fl & director).sum())}, true lost {int((t & ~kept).sum())}, "
              f"recall {(t & kept).sum() / t.sum():.4f}; per file: {per}")
    fl, t = y == 0, y == 1
    print(trade_off(oof, pv, y, groups, files, crisis, alert, label, floor=floors))
    for low in (0.15, 0.18, 0.2, 0.22, 0.25):
        kept = (oof >= low) | ((pv >= floors) & (oof < low) & crisis)
        print(f"  low {low:g}: recall {(t & kept).sum() / t.sum():.4f} (lost {int((t & ~kept).sum())}), namesakes P>=low "
              f"{int((fl & (oof >= low)).sum())} ({20 * (fl & (oof >= low)).sum() / fl.sum():.2f}/20)")
    if not args.no_grades:
        print("crisis valve (P(us) from v to low, graded crisis, kept at alert), v for all / v for English only "
              f"(another language {STRONG_NOT_US:g}):")
        for v in [float(x) for x in args.valves.split(",")] + [f"{x} English" for x in args.valves.split(",")]:
            kept, director, valve = reach(float(v) if isinstance(v, float) else valve_floors(cands, float(v.split()[0])))
            print(f"  v {v:<5} true crises saved {int((t & valve & (label == 'crisis')).sum())}, true saved "
                  f"{int((t & valve).sum())}; labelled crises lost {int((t & ~kept & (label == 'crisis')).sum())}; "
                  f"namesakes through the valve {int((fl & valve).sum())}, namesakes reaching a director "
                  f"{int((fl & director).sum())}")


if __name__ == "__main__":
    main()
