"""Where a cold run's time goes: timestamps of its stages, from the process's start.

    python bench/stages.py --feeds 1000 --runs 5          # one cold run after another, medians printed
    MONITOR_ANALYSIS_WORKERS=2 python bench/stages.py ... # the same with the second worker
    python bench/stages.py --with-env MONITOR_ANALYSIS_WORKERS=2 ...  # one and two workers, in pairs

The feed farm (``bench/farm.py``) runs in its own process; each run is a fresh interpreter
(``python bench/stages.py child CONFIG DB``) that imports the package as ``monitor run`` does and
calls ``pipeline.run_cycle`` with a few functions wrapped to note when they ran:

- ``imports+config``: the CLI's imports and reading the config;
- ``first poll`` / ``fetching done``: the first and the last poll back from the fetch threads;
- ``worker ready``: the end of the worker's first batch that named us (its VADER, is-it-us and
  model loads are behind it);
- ``last analysis``: the worker's last answer taken by the main thread;
- ``store done``: every poll stored (the full-text index starts);
- ``FTS index``, ``rules``, ``delivered``: the end of each of those steps;
- ``exit``: the process's end as the parent saw it.

CPU seconds: the main process's (``process_time``) and the worker's (``RUSAGE_CHILDREN``), and
the worker's busy time (sum of its batches' wall time). Every time is wall clock in seconds.
"""

from __future__ import annotations

import time

T0 = time.monotonic()

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def child(cfg_path: str, db_path: str, marks_path: str) -> None:
    sys.path.insert(0, os.environ.get("STAGES_TREE") or str(REPO))  # --old: another tree's monitor package
    import resource

    from monitor.cli import cli  # noqa: F401  (what `monitor run` imports)
    from monitor import config as config_mod

    cfg = config_mod.load(cfg_path)
    marks: dict[str, float] = {"imports+config": time.monotonic() - T0}
    from monitor import analyse_worker, pipeline, store

    def note(name, first=False):
        t = time.monotonic() - T0
        if not (first and name in marks):
            marks[name] = t

    poll = pipeline._poll

    def _poll(*a, **k):
        out = poll(*a, **k)
        note("first poll", first=True)
        note("fetching done")
        return out

    pipeline._poll = _poll
    ready = analyse_worker.Background.ready

    def _ready(self, future):
        out = ready(self, future)
        note("last analysis")
        return out

    analyse_worker.Background.ready = _ready
    batch = analyse_worker._analyse_batch
    worker_log = marks_path + ".worker"

    def _analyse_batch(payload):
        started = time.monotonic()
        out = batch(payload)
        named = any(ok and a is not None for ok, a in out)
        with open(worker_log, "a") as f:
            f.write(f"{os.getpid()} {started - T0:.4f} {time.monotonic() - T0:.4f} {int(named)}\n")
        return out

    _analyse_batch.__qualname__ = _analyse_batch.__name__ = "_analyse_batch"
    _analyse_batch.__module__ = "monitor.analyse_worker"
    analyse_worker._analyse_batch = _analyse_batch
    index = store.index_pending

    def _index(db):
        note("store done")
        out = index(db)
        note("FTS index")
        return out

    store.index_pending = _index  # (pipeline calls it through the module)
    rules = pipeline.evaluate_rules

    def _rules(*a, **k):
        out = rules(*a, **k)
        note("rules")
        return out

    pipeline.evaluate_rules = _rules
    summary = pipeline.run_cycle(cfg, db_path, force=True)
    note("run_cycle done")
    marks["cpu main"] = time.process_time()
    marks["cpu worker"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime + \
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime
    marks["new mentions"] = len(summary.new_mention_ids)
    if os.path.exists(worker_log):
        batches = [line.split() for line in open(worker_log)]
        marks["worker batches"] = len(batches)
        marks["worker busy"] = sum(float(e) - float(s) for _p, s, e, _n in batches)
        named = [float(e) for _p, _s, e, n in batches if n == "1"]
        if named:
            marks["worker ready"] = min(named)
        marks["worker first batch"] = min(float(s) for _p, s, _e, _n in batches)
        marks["worker last batch"] = max(float(e) for _p, _s, e, _n in batches)
    Path(marks_path).write_text(json.dumps(marks))
    if os.environ.get("STAGES_EXIT_NOW"):
        os._exit(0)
    if os.environ.get("STAGES_EXIT_PROBE"):
        import atexit
        import gc

        t = time.monotonic()
        n = gc.collect()
        sys.stderr.write(f"gc.collect {time.monotonic() - t:.3f} s ({n} objects), {len(gc.get_objects())} tracked\n")
        atexit.register(lambda: sys.stderr.write(f"atexit at {time.monotonic() - T0:.3f}\n"))
        sys.stderr.write(f"end of child at {time.monotonic() - T0:.3f}\n")


def _run(cmd, env, stdout=None, cwd=None) -> float:
    """Run ``cmd``; the CPU seconds it and its children used."""
    proc = subprocess.Popen(cmd, env=env, cwd=cwd or str(REPO), stdout=stdout)
    _pid, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{cmd} failed")
    return usage.ru_utime + usage.ru_stime


ORDER = ("imports+config", "first poll", "worker first batch", "worker ready", "fetching done", "worker last batch",
         "last analysis", "store done", "FTS index", "rules", "run_cycle done", "exit", "cpu main", "cpu worker", "cpu all",
         "worker busy", "worker batches", "new mentions")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--entries", type=int, default=20)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--floor", action="store_true", help="time the same-parser floor after each run")
    ap.add_argument("--seed", default="", help="a database to copy before each run (e.g. one seeded with 1,000,000 "
                    "mentions); with --paired, runs alternate between it and an empty one with its runs table")
    ap.add_argument("--paired", action="store_true")
    ap.add_argument("--cli", action="store_true", help="time `python -m monitor run --force` itself (no stage marks)")
    ap.add_argument("--old", default="", help="a tree holding an older monitor package (git archive): runs alternate "
                    "between it and this one")
    ap.add_argument("--with-env", default="", metavar="NAME=VALUE", help="runs alternate between this tree as it is "
                    "and this tree with NAME=VALUE set (e.g. MONITOR_ANALYSIS_WORKERS=2: the second worker)")
    ap.add_argument("--spy", default="", help="py-spy record each run into SPY-N.txt (collapsed stacks, all processes)")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(REPO))
    from workspace import ENV, copy_settled, farm_workspace

    farm, parent, urls, tmp, cfg, uf = farm_workspace(a, "nbn-stages-", spikes=bool(a.seed))
    rows = []
    old_rows = []
    two_sides = bool(a.old or a.paired or a.with_env)
    for i in range(a.runs * (2 if two_sides else 1)):
        old = two_sides and (i % 4 in (1, 2))  # new, old, old, new, ...: drift falls on both sides
        env = {**ENV, "STAGES_TREE": a.old} if old and a.old else ENV
        if old and a.with_env:
            name, _, value = a.with_env.partition("=")
            env = {**env, name: value}
        db, marks = tmp / f"run-{i}.db", tmp / f"marks-{i}.json"
        if a.seed and not (a.paired and old):
            if os.environ.get("STAGES_DIRTY_COPY"):
                shutil.copyfile(a.seed, db)
            else:
                copy_settled(Path(a.seed), db)
        elif a.seed:  # the empty side: the seeded database's runs only (the spike rules' warm-up)

            from workspace import seed_run
            from datetime import datetime, timezone

            seed_run(db, datetime.now(timezone.utc))
        started = time.monotonic()
        spy = ["strace", "-f", "-tt", "-o", f"{a.spy[7:]}-{i}.strace"] if a.spy.startswith("strace:") else [str(Path(sys.executable).parent / "py-spy"), "record", "--gil", "--format", "raw", "-r", "250",
               "-o", f"{a.spy}-{i}.txt", "--"] if a.spy else []
        if a.cli:
            cpu = _run([sys.executable, "-m", "monitor", "--config", str(cfg), "--db", str(db), "run", "--force", "--quiet"],
                       ENV, subprocess.DEVNULL, cwd=a.old if old and a.old else str(REPO))
            m = {}
        else:
            cpu = _run([*spy, sys.executable, str(HERE / "stages.py"), "child", str(cfg), str(db), str(marks)], env,
                       subprocess.DEVNULL if a.spy else None)
            m = json.loads(marks.read_text())
        m["exit"] = time.monotonic() - started
        m["cpu all"] = cpu
        if a.floor:
            started = time.monotonic()
            m["floor cpu"] = _run([sys.executable, str(HERE / "baselines.py"), "floor-same", str(uf), str(a.workers)], ENV)
            m["floor"] = time.monotonic() - started
        (old_rows if old else rows).append(m)
        print(f"run {i + 1}{' OLD' if old else ''} (load {os.getloadavg()[0]:.1f}): " + ", ".join(
            f"{k} {m[k]:.2f}" for k in (*ORDER, "floor", "floor cpu") if k in m), flush=True)
    for label, rs in (("this tree" + (", seeded" if a.seed else ""), rows),
                      (f"old tree {a.old}" if a.old else f"with {a.with_env}" if a.with_env else "empty database",
                       old_rows)):
        if not rs:
            continue
        print(f"\n{label}: min / median / max over {len(rs)} runs, {a.feeds} feeds (load {os.getloadavg()[0]:.1f}):")
        for k in (*ORDER, "floor", "floor cpu"):
            vals = [r[k] for r in rs if k in r]
            if vals:
                print(f"  {k:<20} {min(vals):7.2f} / {statistics.median(vals):7.2f} / {max(vals):7.2f}")
    parent.send("stop")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(*sys.argv[2:5])
    else:
        raise SystemExit(main())
