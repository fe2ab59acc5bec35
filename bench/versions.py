"""Two versions of the monitor side by side: `monitor digest` or `monitor check` of an older tree and of this one.

    git archive bc162bb | tar -x -C /tmp/old && rm -rf /tmp/old/tests   # the older tree (never its test data)
    python bench/versions.py --old /tmp/old digest --history 1000000 --pairs 7
    python bench/versions.py --old /tmp/old check --pairs 11

Interleaved rounds (old, new, and for ``check`` ``python -c "import click"``; the order flips every round),
each a fresh process with bytecode cached, the same config and, for the digest, the same seeded database
(``bench/run.py``'s seed, in ``bench/workspace.py``: ``--history`` mentions over a year, 1% needing a reply).
Prints per round and min / median / max of new/old, with the CPU time of each side (user + system of the
child), which a shared machine's load disturbs less than the wall clock.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEW = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(NEW))

from workspace import ENV, seed_history, write_config  # noqa: E402

import yaml  # noqa: E402


def one(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, cwd=str(cwd), env=ENV, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("digest", "check"))
    ap.add_argument("--old", required=True, help="an older tree of the project (git archive of a commit)")
    ap.add_argument("--pairs", type=int, default=7)
    ap.add_argument("--history", type=int, default=1_000_000, help="mentions in the digest's database")
    ap.add_argument("--sources", type=int, default=1000)
    ap.add_argument("--work", help="folder to keep the seeded database in (reused when it is there)")
    a = ap.parse_args(argv)
    old = Path(a.old).resolve()
    work = Path(a.work) if a.work else Path(tempfile.mkdtemp(prefix="nbn-versions-"))
    work.mkdir(parents=True, exist_ok=True)
    urls = [f"http://127.0.0.{1 + i % 16}:8{i % 16:03d}/feed/{i}.xml" for i in range(a.sources)]
    configs = {}
    for name, root in (("old", old), ("new", NEW)):
        cfg = write_config(work, urls, 16, spikes=True, name=f"{name}.yaml")
        doc = yaml.safe_load(cfg.read_text())
        doc["settings"]["alerts_dir"] = str(root / "alerts")  # each version renders with its own templates
        cfg.write_text(yaml.safe_dump(doc, sort_keys=False))
        configs[name] = cfg
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "monitor")], env=ENV,
                       capture_output=True)
    now = datetime.now(timezone.utc)
    db = work / "seed.db"
    if a.what == "digest" and not db.exists():
        print(f"seeding {a.history:,} mentions: {seed_history(db, a.history, now):.1f} s", flush=True)
    week = (now - timedelta(days=7)).strftime("%G-W%V")
    py = sys.executable

    def cmd(name: str) -> list[str]:
        if a.what == "digest":
            return [py, "-m", "monitor", "--config", str(configs[name]), "--db", str(db), "digest", "--week", week,
                    "--out", str(work / f"digests-{name}")]
        return [py, "-m", "monitor", "--config", str(configs[name]), "check"]

    sides = {"old": (cmd("old"), old), "new": (cmd("new"), NEW)}
    if a.what == "check":
        sides["click"] = ([py, "-c", "import click"], NEW)
    for c, cwd in sides.values():
        one(c, cwd)  # warm the page cache and the bytecode
    got: dict[str, list[tuple[float, float]]] = {k: [] for k in sides}
    order = list(sides)
    for i in range(a.pairs):
        for k in order if i % 2 == 0 else order[::-1]:
            got[k].append(one(*sides[k]))
        line = ", ".join(f"{k} {got[k][-1][0]:.3f} s ({got[k][-1][1] * 1000:.0f} ms CPU)" for k in order)
        print(f"round {i + 1}: {line}; load {os.getloadavg()[0]:.1f}", flush=True)

    def mmm(xs):
        return f"{min(xs):.2f} / **{statistics.median(xs):.2f}** / {max(xs):.2f}"

    for k in order:
        print(f"{k}: wall {mmm([w for w, _c in got[k]])} s, CPU {mmm([c for _w, c in got[k]])} s")
    print(f"new/old wall {mmm([n[0] / o[0] for n, o in zip(got['new'], got['old'])])}; "
          f"CPU {mmm([n[1] / o[1] for n, o in zip(got['new'], got['old'])])}")
    if "click" in got:
        for k in ("old", "new"):
            print(f"{k}/click wall {mmm([x[0] / c[0] for x, c in zip(got[k], got['click'])])}; "
                  f"CPU {mmm([x[1] / c[1] for x, c in zip(got[k], got['click'])])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
