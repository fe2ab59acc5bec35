"""How long `monitor train` and `monitor train-identity` take (issue 11: under 2 minutes on 2 cores).

Each is run as its own process, as a volunteer would run it, writing to a temporary folder
so the committed artefacts are untouched. Prints min / median / max wall-clock seconds.

    python bench/train_time.py [--runs 3]
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    runs = ap.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        for name, args, target in (("monitor train", ["train", "--out", tmp], 120.0),
                                   ("monitor train-identity", ["train-identity", "--out", f"{tmp}/identity.npz"], 120.0)):
            t = [timed(args) for _ in range(runs)]
            print(f"| `{name}` | {runs} | {min(t):.1f} / **{statistics.median(t):.1f}** / {max(t):.1f} s "
                  f"| < {target:.0f} s | {'yes' if statistics.median(t) < target else '**no**'} |")


if __name__ == "__main__":
    main()
