"""How long `monitor train` and `monitor train-identity` take (issue 11: under 2 minutes on 2 cores).

Each is run as its own process, as a volunteer would run it, writing to a temporary folder
so the committed artefacts are untouched. Prints min / median / max wall-clock seconds.

    python bench/train_time.py [--runs 3]
    python bench/train_time.py --phases [--training DIR]   # where `monitor train`'s time goes, in one run

``--phases`` runs ``monitor.train.train`` in this process and prints, for each part (reading the features,
fitting the heads, the folds with their out-of-fold chances, thresholds, writing the artefact, waiting for the
report), its wall-clock
seconds and its CPU seconds with the processes it forks (the heads are fitted in two of them).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MONITOR = [str(Path(sys.executable).parent / "monitor")]


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(MONITOR + args, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def cpu() -> float:
    import os

    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def phases(training: str | None) -> None:
    """One `monitor train` in this process, timed part by part (wall and CPU with the forked processes)."""
    import functools

    sys.path.insert(0, str(REPO))
    from monitor import train as T

    spent: dict[str, list] = {}

    def timer(module, name: str, label: str) -> None:
        inner = getattr(module, name)

        @functools.wraps(inner)
        def timed_call(*a, **k):
            w, c = time.perf_counter(), cpu()
            try:
                return inner(*a, **k)
            finally:
                s = spent.setdefault(label, [0.0, 0.0, 0])
                s[0] += time.perf_counter() - w
                s[1] += cpu() - c
                s[2] += 1
        setattr(module, name, timed_call)

    for name, label in (("read_items", "read the files"), ("featurise", "features (n-grams, word vectors)"),
                        ("fit_all", "fit the heads (5 folds + final)"),
                        ("cross_validate", "  the folds' fits and their chances"),
                        ("choose_sentence_weight", "thresholds (sentence weight)"),
                        ("write", "write the artefact (the report beside it)")):
        timer(T, name, label)
    # Since round 27 the folds' chances and the report's per-file thresholds are computed in the two processes (the
    # report while the artefact is written, then waited for): its time is in the total, not in a row of its own.
    w0, c0 = time.perf_counter(), cpu()
    with tempfile.TemporaryDirectory() as tmp:
        files = T.training_files(Path(training)) if training else None
        result = T.train(files, out=Path(tmp))
        report = T.format_result(result).splitlines()
    wall, total = time.perf_counter() - w0, cpu() - c0
    print(f"{result.items} items; `monitor train` in-process: {wall:.1f} s wall, {total:.1f} s CPU")
    for label, (w, c, n) in spent.items():
        print(f"  {label:<36} {w:6.1f} s wall {c:6.1f} s CPU  ({n} call{'s' if n > 1 else ''})")
    print("\n".join(line for line in report if line.startswith(("Thresholds", "  all files"))))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--phases", action="store_true", help="one run in this process, timed part by part")
    ap.add_argument("--training", help="with --phases: the folder of labelled files (default: training/)")
    args = ap.parse_args()
    if args.phases:
        return phases(args.training)
    runs = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        for name, args, target in (("monitor train", ["train", "--out", tmp], 120.0),
                                   ("monitor train-identity", ["train-identity", "--out", f"{tmp}/identity.npz"], 120.0)):
            t = [timed(args) for _ in range(runs)]
            print(f"| `{name}` | {runs} | {min(t):.1f} / **{statistics.median(t):.1f}** / {max(t):.1f} s "
                  f"| < {target:.0f} s | {'yes' if statistics.median(t) < target else '**no**'} |")


if __name__ == "__main__":
    main()
