"""The learned judgement model's own cost, apart from the rest of the analysis.

    python bench/model_cost.py [--runs 5] [--load-only]

Prints (1) the time to load the model (``monitor.model.load()``: the artefact, numpy and the
embedding weights, in a fresh process, as a run with new entries pays it) and the is-it-us
check's own (``identity.npz`` and the same weights) and both together (as the run's analysis
worker loads them), wall clock and CPU time, min / median / max over ``--runs`` processes; (2) ``Model.predict`` per text once loaded, on texts that mention us (the bench
farm's, and every labelled training text that is a mention), as the median per text with min
and max of the per-run medians; (3) inside a full analysis of the same texts (as a run pays
them: the model reuses the sentence vectors the check embedded), the CPU time per text of the
is-it-us check (``identity.Judge.decide``), of the judgement model, and of both.
Targets (issue 11): load <= 300 ms, <= 5 ms per text (the check and the model together).

    python bench/model_cost.py --runs 7 --old /tmp/old [--sample 3000]   # paired against an older tree

With ``--old TREE`` (``git archive <commit> | tar -x -C TREE; rm -rf TREE/tests``) every figure is
measured in pairs, this tree and the older one in fresh processes, alternating which goes first:
the loads as above, and the per-text parts inside a full analysis, each pair's processes
analysing the same texts (this tree's bench farm and labelled mentions) with this tree's bench
code around the other tree's ``monitor`` package: per side min / median / max, and the per-pair
ratio new / old.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

# Each prints "wall CPU" seconds: the wall clock is the target's measure; the process's CPU time
# (user + system) moves less with other work on a shared machine.
LOAD = ("import time; t, c = time.perf_counter(), time.process_time(); from monitor import model; m = model.load(); "
        "m.embedder; print(time.perf_counter() - t, time.process_time() - c)")
LOAD_IDENTITY = ("import time; t, c = time.perf_counter(), time.process_time(); from monitor import embed; "
                 "from monitor.identity import decide; decide.model(); embed.load(); "
                 "print(time.perf_counter() - t, time.process_time() - c)")
LOAD_BOTH = ("import time; t, c = time.perf_counter(), time.process_time(); from monitor import model; "
             "from monitor.identity import decide; m = model.load(); m.embedder; decide.model(); "
             "print(time.perf_counter() - t, time.process_time() - c)")


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # bytecode cached, as cron runs it


def load_once(code: str, tree: Path = REPO) -> tuple[float, float]:
    """(wall, CPU) seconds of ``code`` in a fresh process in ``tree``."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "monitor")], check=True, env=ENV,
                   capture_output=True)
    out = subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, check=True,
                         env=ENV).stdout.split()
    return float(out[0]), float(out[1])


def load_times(code: str, runs: int) -> tuple[list[float], list[float]]:
    """(wall, CPU) seconds of ``code`` in ``runs`` fresh processes, bytecode cached as cron runs it."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = load_once(code)
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus


# One side of a per-text pair: the tree's monitor package, this tree's bench code around it.
PARTS = r"""
import json, sys
tree, here, texts_file = sys.argv[1:4]
sys.path.insert(0, tree)
import monitor.analyse  # the tree's package, before bench/analysis_timing.py puts this tree on the path
sys.path.insert(0, here)
from analysis_timing import learned_parts_per_text, make_analyser
analyser = make_analyser(with_model=True)
analyser.analyse("Thank you New Baby Network", "The volunteers at New Baby Network were lovely.")  # loads
sets = json.load(open(texts_file))
print(json.dumps({name: learned_parts_per_text(analyser, [tuple(t) for t in texts]) for name, texts in sets.items()}))
"""


def paired_against(old: Path, runs: int, sets: dict) -> None:
    """Every figure in pairs, this tree against ``old``, alternating which goes first."""
    import tempfile

    def line(what, new_vals, old_vals, unit="ms", scale=1e3):
        ratios = [n / o for n, o in zip(new_vals, old_vals)]
        show = lambda v: f"{min(v) * scale:.2f} / {statistics.median(v) * scale:.2f} / {max(v) * scale:.2f} {unit}"
        print(f"{what}: new {show(new_vals)}; old {show(old_vals)}; new/old {min(ratios):.2f} / "
              f"{statistics.median(ratios):.2f} / {max(ratios):.2f} (min / median / max of {len(ratios)} pairs)",
              flush=True)

    for what, code in (("model load", LOAD), ("is-it-us check load", LOAD_IDENTITY),
                       ("both (as the run's worker loads them)", LOAD_BOTH)):
        got = {"new": [], "old": []}
        for i in range(runs):
            for side in (("new", "old") if i % 2 == 0 else ("old", "new")):
                got[side].append(load_once(code, REPO if side == "new" else old))
        for k, kind in ((0, "wall"), (1, "CPU")):
            line(f"{what}, {kind}", [x[k] for x in got["new"]], [x[k] for x in got["old"]])
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(sets))
        env = dict(ENV, OPENBLAS_NUM_THREADS="1", PYTHONPATH="")
        got = {"new": [], "old": []}
        for i in range(runs):
            for side in (("new", "old") if i % 2 == 0 else ("old", "new")):
                tree = REPO if side == "new" else old
                out = subprocess.run([sys.executable, "-c", PARTS, str(tree.resolve()), str(HERE), str(texts_file)],
                                     cwd=tmp, capture_output=True, text=True, check=True, env=env).stdout
                got[side].append(json.loads(out.strip().splitlines()[-1]))
    for name in sets:
        for k, what in enumerate(("is-it-us check", "judgement model", "both")):
            line(f"inside the analysis, {what}, CPU per text, {name} ({len(sets[name])} texts)",
                 [r[name][k] for r in got["new"]], [r[name][k] for r in got["old"]], scale=1)


def labelled_mentions(sample: int = 0) -> list[tuple[str, str]]:
    """Every labelled training text that is a mention, or ``sample`` of them evenly spread (the same ones each time)."""
    labelled = []
    for f in sorted((REPO / "training").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("mention") and "header" not in row:
                labelled.append((row.get("title") or "", row.get("body") or ""))
    if sample and sample < len(labelled):
        step = len(labelled) / sample
        labelled = [labelled[int(i * step)] for i in range(sample)]
    return labelled


def spread(values: list[float]) -> str:
    return (f"{min(values) * 1e3:.0f} / {statistics.median(values) * 1e3:.0f} / {max(values) * 1e3:.0f} ms")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--load-only", action="store_true", help="only the load times")
    ap.add_argument("--old", type=Path, help="an older tree (git archive of a commit, without tests/): paired runs")
    ap.add_argument("--sample", type=int, default=None, help="labelled mentions to time, evenly spread "
                    "(default: all of them, or 3,000 with --old, whose paired full analyses of all some 28,000 "
                    "took longer than 15 minutes)")
    args = ap.parse_args(argv)
    if args.old:
        from farm import Farm
        from analysis_timing import texts_for

        paired_against(args.old, args.runs, {"bench farm, 100% mention us": texts_for(Farm(200, 20, 0, mention_share=1.0)),
                                             "labelled training mentions": labelled_mentions(args.sample or 3000)})
        return 0
    for what, code in (("model load", LOAD), ("is-it-us check load", LOAD_IDENTITY),
                       ("both (as the run's worker loads them)", LOAD_BOTH)):
        walls, cpus = load_times(code, args.runs)
        print(f"{what} (fresh process): wall {spread(walls)}, CPU {spread(cpus)} "
              f"(min / median / max of {args.runs})")
    if args.load_only:
        return 0

    from farm import Farm
    from analysis_timing import learned_parts_per_text, make_analyser, texts_for

    from monitor import model

    analyser = make_analyser(with_model=True)
    m = model.load()
    sets = {"bench farm, 100% mention us": texts_for(Farm(50, 20, 0, mention_share=1.0))}
    sets["labelled training mentions"] = labelled_mentions(args.sample or 0)
    for name, texts in sets.items():
        medians = []
        for _ in range(args.runs):
            m.embedder._vectors.clear()  # no help from an earlier run's cached sentence vectors
            per = []
            for title, body in texts:
                t = time.process_time()
                m.predict(title, body)
                per.append(time.process_time() - t)
            medians.append(statistics.median(per))
        print(f"predict per text, {name} ({len(texts)} texts): {min(medians) * 1e3:.2f} / "
              f"{statistics.median(medians) * 1e3:.2f} / {max(medians) * 1e3:.2f} ms "
              f"(min / median / max of {args.runs} per-run medians)")
        runs = [learned_parts_per_text(analyser, texts) for _ in range(args.runs)]
        for k, what in enumerate(("is-it-us check", "judgement model", "both")):
            vals = [r[k] for r in runs]
            print(f"  inside the analysis, {what}, CPU per text, {name}: {min(vals):.2f} / "
                  f"{statistics.median(vals):.2f} / {max(vals):.2f} ms (min / median / max of {args.runs} per-run medians)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
