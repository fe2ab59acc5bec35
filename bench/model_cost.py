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


def load_times(code: str, runs: int) -> tuple[list[float], list[float]]:
    """(wall, CPU) seconds of ``code`` in ``runs`` fresh processes, bytecode cached as cron runs it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    walls, cpus = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                             env=env).stdout.split()
        walls.append(float(out[0]))
        cpus.append(float(out[1]))
    return walls, cpus


def spread(values: list[float]) -> str:
    return (f"{min(values) * 1e3:.0f} / {statistics.median(values) * 1e3:.0f} / {max(values) * 1e3:.0f} ms")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--load-only", action="store_true", help="only the load times")
    args = ap.parse_args(argv)
    for what, code in (("model load", LOAD), ("is-it-us check load", LOAD_IDENTITY),
                       ("both (as the run's worker loads them)", LOAD_BOTH)):
        walls, cpus = load_times(code, args.runs)
        print(f"{what} (fresh process): wall {spread(walls)}, CPU {spread(cpus)} "
              f"(min / median / max of {args.runs})")
    if args.load_only:
        return 0

    from farm import Farm
    from run import learned_parts_per_text, make_analyser, texts_for

    from monitor import model

    analyser = make_analyser(with_model=True)
    m = model.load()
    sets = {"bench farm, 100% mention us": texts_for(Farm(50, 20, 0, mention_share=1.0))}
    labelled = []
    for f in sorted((REPO / "training").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("mention") and "header" not in row:
                labelled.append((row.get("title") or "", row.get("body") or ""))
    sets["labelled training mentions"] = labelled
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
