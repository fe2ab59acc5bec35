"""The rules path against another tree, in pairs (issue 14): CPU per text that mentions us, and its ratio to raw VADER.

    git archive b7ae40f | tar -x -C /tmp/old && rm -rf /tmp/old/tests
    python bench/rules_pairs.py --old /tmp/old --pairs 5

Each run is a fresh process that imports one tree's ``monitor`` (and that tree's bench helpers,
``bench/analysis_timing.py``, in ``bench/run.py`` before 27 Nov 2026, so each side measures itself as
``bench/run.py --only analysis`` does): the rules path (no is-it-us check, no model) on 4,000 farm
texts that all name us, then raw VADER on the same texts, in-process CPU time. Runs alternate (this,
old, old, this, ...). Prints each side's ratio to VADER and the paired ratio of their CPU, min / median / max.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1] + "/bench")
sys.path.insert(0, sys.argv[1])
try:
    from analysis_timing import make_analyser_without_name_check, texts_for, time_analysis, time_vader
except ImportError:  # a tree from before 27 Nov 2026 keeps them in bench/run.py
    from run import make_analyser_without_name_check, texts_for, time_analysis, time_vader
from farm import Farm
import monitor
assert monitor.__file__.startswith(sys.argv[1]), monitor.__file__
rules = make_analyser_without_name_check()
texts = texts_for(Farm(200, 20, 0, mention_share=1.0))
rules.analyse("Thank you New Baby Network", "The volunteers at New Baby Network were lovely.")
time_vader(texts[:200])
print(json.dumps([time_analysis(rules, texts), time_vader(texts), len(texts)]))
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", required=True, help="a tree holding another monitor package and its bench/ (git archive)")
    ap.add_argument("--pairs", type=int, default=5)
    a = ap.parse_args(argv)
    trees = {"this tree": str(HERE.parent), "old tree": str(Path(a.old).resolve())}
    res: dict[str, list] = {k: [] for k in trees}
    for i in range(a.pairs):
        for side in (("this tree", "old tree") if i % 2 == 0 else ("old tree", "this tree")):
            out = subprocess.run([sys.executable, "-c", CHILD, trees[side]], capture_output=True, text=True,
                                 env={"OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
            if out.returncode:
                raise SystemExit(out.stderr)
            res[side].append(json.loads(out.stdout.strip().splitlines()[-1]))
    for side, runs in res.items():
        r = [cpu / vader for cpu, vader, _n in runs]
        per = statistics.median(cpu / n for cpu, _v, n in runs) * 1e6
        print(f"{side}: rules path / raw VADER {min(r):.2f} / {statistics.median(r):.2f} / {max(r):.2f}x, "
              f"{per:.0f} us a text (median)")
    p = [n[0] / o[0] for n, o in zip(res["this tree"], res["old tree"])]
    print(f"paired CPU, this tree / old tree: {min(p):.2f} / {statistics.median(p):.2f} / {max(p):.2f}x ({len(p)} pairs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
