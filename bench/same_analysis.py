"""Same results: every field of every analysis, an older tree's code against this one's.

    git archive 974a154 | tar -x -C /tmp/old && rm -rf /tmp/old/tests   # the older tree (never its test data)
    python bench/same_analysis.py --old /tmp/old [--farm 1000]

Each tree analyses, in its own process, every labelled text in this tree's ``training/`` (and
``training/identity/``) and ``tests/data/`` (never ``tests/data/blind/``) plus ``--farm`` bench farm
texts that mention us (and as many that mostly do not), with this tree's ``feeds.yaml``, three ways:
the rules alone with the is-it-us check, the rules path without it (as the bench's "rules path"
row), and with the learned model. Every field of every ``Analysis`` (or None) and of the is-it-us
decision is written as JSON and compared; prints the counts and the first differences (exit 1).
``OPENBLAS_NUM_THREADS=1`` on both sides, as a run sets it (numpy's thread count moves the
last bits of a product).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEW = HERE.parent

CHILD = r"""
import dataclasses, json, sys
tree, texts_file, out_file = sys.argv[1:4]
sys.path.insert(0, tree)
from monitor import config
from monitor.analyse import Analyser

class NoNameCheck:
    def decide(self, *_args):
        return None

    def names_product(self, _text):
        return None

    def product_only(self, _short_form):  # a look-alike the text doubts: taken as us too
        return None

cfg = config.load(sys.argv[4], secrets=False)
texts = json.load(open(texts_file))
out = {}
for mode in ("rules", "rules path", "model"):
    a = Analyser(cfg, [], model="auto" if mode == "model" else None)
    if mode == "rules path":
        a._identity = NoNameCheck()
    rows = []
    for title, body in texts:
        r = a.analyse(title, body)
        d = a.last_identity
        rows.append([dataclasses.asdict(r) if r is not None else None,
                     dataclasses.asdict(d) if dataclasses.is_dataclass(d) else repr(d)])
    out[mode] = rows
json.dump(out, open(out_file, "w"), sort_keys=True, default=repr)
"""


def texts(farm: int) -> list[tuple[str, str]]:
    sys.path.insert(0, str(HERE))
    from farm import Farm
    from analysis_timing import texts_for

    rows = []
    files = sorted((NEW / "training").rglob("*.jsonl")) + sorted((NEW / "tests" / "data").glob("*.jsonl"))
    for f in files:
        if "blind" in f.parts:
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row and "header" not in row:
                rows.append((row.get("title") or "", row.get("body") or ""))
    if farm:
        rows += texts_for(Farm(max(1, farm // 20), 20, 0, mention_share=1.0))
        rows += texts_for(Farm(max(1, farm // 20), 20, 0, mention_share=0.05, seed=3))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", type=Path, required=True, help="an older tree (git archive of a commit)")
    ap.add_argument("--farm", type=int, default=1000)
    args = ap.parse_args(argv)
    rows = texts(args.farm)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH="")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "texts.json").write_text(json.dumps(rows))
        results = {}
        for name, tree in (("old", args.old.resolve()), ("new", NEW)):
            subprocess.run([sys.executable, "-c", CHILD, str(tree), str(tmp / "texts.json"), str(tmp / f"{name}.json"),
                            str(NEW / "feeds.yaml")], check=True, env=env, cwd=tmp)
            results[name] = json.loads((tmp / f"{name}.json").read_text())
    bad = 0
    for mode in results["old"]:
        old, new = results["old"][mode], results["new"][mode]
        differ = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
        mentions = sum(1 for r in new if r[0] is not None)
        print(f"{mode}: {len(rows)} texts ({mentions} analysed as mentions), {len(rows) - len(differ)} identical, "
              f"{len(differ)} different")
        for i in differ[:5]:
            print(f"  {rows[i]!r}\n    old {old[i]}\n    new {new[i]}")
        bad += len(differ)
    print("identical" if not bad else f"{bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
