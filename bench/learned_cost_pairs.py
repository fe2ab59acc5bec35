"""The learned parts' CPU per text, this tree against another checkout, in pairs of processes.

    python bench/learned_cost_pairs.py /path/to/other/checkout [--pairs 5]

Each pair runs one process in the other checkout, then one in this tree, each measuring (as
``bench/model_cost.py`` does inside a full analysis, ``analysis_timing.learned_parts_per_text``) the median CPU
milliseconds per text of the is-it-us check, the judgement model and both, on the same texts: the
labelled mentions at the top of this tree's ``training/`` and the bench farm's. Prints each pair and
the median of the per-pair ratios (this tree / the other): on a shared machine only the ratios mean much.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ONE = """
import json, os, sys
repo = sys.argv[1]
sys.path.insert(0, repo); sys.path.insert(0, repo + "/bench")
from pathlib import Path
from farm import Farm
try:
    from analysis_timing import learned_parts_per_text, make_analyser, texts_for
except ImportError:  # a tree from before 27 Nov 2026 keeps them in bench/run.py
    from run import learned_parts_per_text, make_analyser, texts_for
an = make_analyser(with_model=True)
labelled = []
for f in sorted(Path(sys.argv[2]).glob("*.jsonl")):
    for line in f.read_text().splitlines():
        row = json.loads(line)
        if row.get("mention") and "header" not in row:
            labelled.append((row.get("title") or "", row.get("body") or ""))
print(json.dumps({"labelled": learned_parts_per_text(an, labelled),
                  "farm": learned_parts_per_text(an, texts_for(Farm(50, 20, 0, mention_share=1.0)))}))
"""


def one(tree: Path) -> dict:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", ONE, str(tree), str(REPO / "training")], cwd=tree, env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("other", type=Path)
    ap.add_argument("--pairs", type=int, default=5)
    args = ap.parse_args(argv)
    pairs = []
    for k in range(args.pairs):
        pairs.append((one(args.other), one(REPO)))
        print(f"pair {k + 1}: other {pairs[-1][0]}  this {pairs[-1][1]}", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")
    for texts in ("labelled", "farm"):
        for i, part in enumerate(("is-it-us check", "judgement model", "both")):
            other = [p[0][texts][i] for p in pairs]
            this = [p[1][texts][i] for p in pairs]
            ratios = [b / a for a, b in zip(other, this)]
            print(f"{texts:8} {part:15} other {statistics.median(other):.2f} ms, this {statistics.median(this):.2f} ms;"
                  f" ratios {', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
