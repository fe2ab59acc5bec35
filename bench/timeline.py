"""A cold run's first second, stage by stage, against the same-parser floor's (issue 14).

    python bench/timeline.py --feeds 200 --runs 5                  # this tree's runs, each with a floor
    python bench/timeline.py --feeds 200 --runs 5 --old /tmp/old   # and another tree's (git archive), alternated

Same farm as ``bench/run.py`` (``bench/farm.py``: 20 entries a feed, 50 ms latency, 16 fetch threads),
served from its own process, which notes when it received its first and its last request. Each run is
the real command, ``monitor --config C --db D run --force --quiet``, in a fresh interpreter
(``python bench/timeline.py child ...`` runs ``monitor`` as ``python -m monitor`` does, with an
import hook that wraps a few functions as their modules load, so nothing is imported earlier or in
another order than in a real run). Every time is milliseconds from the moment the parent started
the process (``time.monotonic()`` is the machine's clock, the same in every process):

- ``interpreter up``: the child's first line (the interpreter's own start);
- ``monitor.cli imported``: click and the CLI modules; ``config loaded``;
- ``run_cycle``: the run starts; ``lock taken``; ``store opened`` (the file, its pragmas, the
  migrations check); ``sources synced``; ``source rows read``;
- ``requests imported``; ``fetcher made``; ``first request (ours)``: the first ``Fetcher.request``;
- ``first request received``: the farm's own clock (the floor has this one too);
- ``matcher compiled`` (an ``Analyser`` made: in the main process before the worker was forked, on
  main before 26 Nov 2026), ``worker forked`` (``Background.start`` returned), ``worker warm`` (in the
  worker: the analyser compiled, VADER, the is-it-us check and the model loaded);
- ``first poll back``, ``every poll back``, ``last request received`` (farm), ``worker closing`` /
  ``worker closed`` (``Background.close``), ``store done`` (the full-text pass starts), ``run done``
  (before the process's exit), ``exit`` (as the parent saw it).

Prints each run's marks and then min / median / max per mark and side, in order of the median.
"""

from __future__ import annotations

import os
import sys
import time

T0 = float(os.environ.get("TIMELINE_T0") or time.monotonic())


def child(cfg_path: str, db_path: str, out_path: str) -> None:
    """One real ``monitor run --force --quiet`` with marks; writes them as JSON to ``out_path``."""
    marks: dict[str, float] = {}

    def mark(name: str, first: bool = True) -> None:
        if not (first and name in marks):
            marks[name] = (time.monotonic() - T0) * 1000

    mark("interpreter up")
    sys.path.insert(0, os.environ.get("TIMELINE_TREE") or str(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    sys.path.pop(1) if sys.path[1] == os.path.dirname(os.path.abspath(__file__)) else None  # (not bench/ itself)

    def after(fn, name, first=True):
        def wrapped(*a, **k):
            out = fn(*a, **k)
            mark(name, first)
            return out
        wrapped.__name__, wrapped.__qualname__ = fn.__name__, fn.__qualname__
        wrapped.__module__ = fn.__module__
        return wrapped

    def before(fn, name, first=True):
        def wrapped(*a, **k):
            mark(name, first)
            return fn(*a, **k)
        wrapped.__name__, wrapped.__qualname__ = fn.__name__, fn.__qualname__
        wrapped.__module__ = fn.__module__
        return wrapped

    def wrap(obj, attr, how, name, first=True):
        if hasattr(obj, attr):
            setattr(obj, attr, how(getattr(obj, attr), name, first))

    worker_log = out_path + ".worker"

    def in_worker(name):
        with open(worker_log, "a") as f:
            f.write(f"{name}\t{(time.monotonic() - T0) * 1000:.3f}\n")

    def patch_cli_run(m):
        exit_ = m._exit

        def _exit(code):
            mark("run done")
            import json

            with open(out_path, "w") as f:
                json.dump(marks, f)
            exit_(code)
        m._exit = _exit

    def patch_worker(m):
        if hasattr(m, "Background"):
            wrap(m.Background, "start", after, "worker forked")
            wrap(m.Background, "close", before, "worker closing")
            wrap(m.Background, "close", after, "worker closed")
        warm = getattr(m, "_warm_up", None)
        if warm is not None:
            def _warm_up(*a, **k):
                in_worker("worker warm-up starts")
                out = warm(*a, **k)
                in_worker("worker warm")
                return out
            _warm_up.__name__ = _warm_up.__qualname__ = "_warm_up"
            _warm_up.__module__ = m.__name__
            m._warm_up = _warm_up

    def patch_store(m):
        wrap(m, "open_db", after, "store opened")
        wrap(m, "sync_sources", after, "sources synced")
        wrap(m, "source_rows", after, "source rows read")
        wrap(m, "index_pending", before, "store done")
        wrap(m, "index_pending", after, "FTS done")
        wrap(m, "record_run", after, "run recorded")
        if hasattr(m, "Store"):
            wrap(m.Store, "close", after, "database closed")

    def patch_pipeline(m):
        wrap(m, "run_cycle", before, "run_cycle")
        wrap(m, "evaluate_rules", after, "rules done")
        wrap(m, "_poll", after, "first poll back")
        wrap(m, "_poll", after, "every poll back", first=False)

    def patch_fetch(m):
        wrap(m.Fetcher, "__init__", after, "fetcher made")
        wrap(m.Fetcher, "request", before, "first request (ours)")

    patches = {
        "monitor.cli": lambda m: mark("monitor.cli imported"),
        "monitor.cli.run": patch_cli_run,
        "monitor.config": lambda m: wrap(m, "load", after, "config loaded"),
        "monitor.lock": lambda m: wrap(m.RunLock, "__enter__", after, "lock taken"),
        "monitor.store": patch_store,
        "monitor.analyse": lambda m: wrap(m.Analyser, "__init__", after, "matcher compiled"),
        "monitor.analyse_worker": patch_worker,
        "monitor.fetch": patch_fetch,
        "monitor.pipeline": patch_pipeline,
        "requests": lambda m: mark("requests imported"),
    }

    class Hook:
        """Runs ``patches[name]`` on a module right after it has loaded."""

        def find_spec(self, name, path, target=None):
            if name not in patches:
                return None
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    break
            else:
                return None
            exec_module = spec.loader.exec_module

            def run(module):
                exec_module(module)
                patches[name](module)
            spec.loader.exec_module = run
            return spec

    sys.meta_path.insert(0, Hook())
    import runpy

    sys.argv = ["monitor", "--config", cfg_path, "--db", db_path, "run", "--force", "--quiet"]
    runpy.run_module("monitor", run_name="__main__", alter_sys=True)


# --------------------------------------------------------------------------- the parent

ORDER_HINT = ("interpreter up", "monitor.cli imported", "config loaded", "run_cycle", "lock taken", "store opened",
              "sources synced", "source rows read", "requests imported", "fetcher made", "matcher compiled",
              "worker forked", "first request (ours)", "first request received", "worker warm-up starts", "first poll back",
              "worker warm",
              "every poll back", "last request received", "worker closing", "worker closed", "store done", "FTS done",
              "rules done", "run recorded", "database closed", "run done", "exit")


def main(argv=None) -> int:
    import argparse
    import json
    import shutil
    import statistics
    import subprocess
    from pathlib import Path

    here = Path(__file__).resolve().parent
    repo = here.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--entries", type=int, default=20)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--old", default="", help="a tree holding another monitor package (git archive): its runs "
                    "alternate with this tree's (new, old, old, new, ...)")
    ap.add_argument("--no-floor", action="store_true", help="no floor run after each run")
    ap.add_argument("--json", default="", help="write every run's marks here")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(here))
    sys.path.insert(0, str(repo))
    from workspace import ENV, farm_workspace

    farm, conn, urls, tmp, cfg, uf = farm_workspace(a, "nbn-timeline-")
    if a.old:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(a.old) / "monitor")], env=ENV,
                       capture_output=True)
    sides: dict[str, list[dict]] = {"this tree": [], "old tree": [], "floor": []}

    def farm_times(m: dict, started: float) -> None:
        conn.send("times")
        first, last = conn.recv()
        if first is not None:
            m["first request received"] = (first - started) * 1000
            m["last request received"] = (last - started) * 1000

    try:
        for i in range(a.runs * (2 if a.old else 1)):
            old = bool(a.old) and i % 4 in (1, 2)
            db, outp = tmp / f"run-{i}.db", tmp / f"marks-{i}.json"
            conn.send("times")
            conn.recv()  # (forget whatever came before)
            started = time.monotonic()
            env = {**ENV, "TIMELINE_T0": repr(started), **({"TIMELINE_TREE": a.old} if old else {})}
            proc = subprocess.Popen([sys.executable, str(here / "timeline.py"), "child", str(cfg), str(db), str(outp)],
                                    env=env, cwd=str(repo), stdout=subprocess.DEVNULL)
            _pid, status, usage = os.wait4(proc.pid, 0)
            ended = time.monotonic()
            if os.waitstatus_to_exitcode(status) not in (0, 1):
                raise SystemExit(f"run {i + 1} failed (exit {os.waitstatus_to_exitcode(status)})")
            m = json.loads(outp.read_text())
            m["exit"] = (ended - started) * 1000
            m["CPU (run and worker)"] = (usage.ru_utime + usage.ru_stime) * 1000
            farm_times(m, started)
            wlog = Path(str(outp) + ".worker")
            if wlog.exists():
                for line in wlog.read_text().splitlines():
                    name, _tab, t = line.partition("\t")
                    m.setdefault(name, float(t))
            m["load average"] = os.getloadavg()[0]
            sides["old tree" if old else "this tree"].append(m)
            line = f"run {i + 1}{' OLD' if old else ''} (load {m['load average']:.1f}): exit {m['exit']:.0f} ms"
            if not a.no_floor:
                started = time.monotonic()
                proc = subprocess.Popen([sys.executable, str(here / "baselines.py"), "floor-same", str(uf),
                                         str(a.workers)], env=ENV, cwd=str(repo))
                _pid, status, usage = os.wait4(proc.pid, 0)
                f = {"exit": (time.monotonic() - started) * 1000, "CPU (run and worker)":
                     (usage.ru_utime + usage.ru_stime) * 1000}
                farm_times(f, started)
                sides["floor"].append(f)
                m["run / floor"] = m["exit"] / f["exit"]
                line += f", floor {f['exit']:.0f} ms, ratio {m['run / floor']:.2f}x"
            print(line + "\n  " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(m.items(), key=lambda kv: kv[1])
                                           if k not in ("load average", "run / floor")), flush=True)
            for p in (db, Path(str(db) + "-wal"), Path(str(db) + "-shm")):
                p.unlink(missing_ok=True)
    finally:
        conn.send("stop")
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{a.feeds} feeds x {a.entries} entries, {a.latency_ms:g} ms latency, {a.workers} fetch threads; "
          f"ms from the process's start, min / median / max (load {os.getloadavg()[0]:.1f} at the end):")
    names = [k for k in ORDER_HINT]
    for rs in sides.values():
        for r in rs:
            names += [k for k in r if k not in names]
    shown = [s for s, rs in sides.items() if rs]
    print(f"  {'mark':<28}" + "".join(f"{s:>26}" for s in shown))
    rows = []
    for k in names:
        cells = []
        for s in shown:
            vals = [r[k] for r in sides[s] if k in r]
            cells.append(f"{min(vals):7.0f} /{statistics.median(vals):6.0f} /{max(vals):6.0f}" if vals else "")
        med = statistics.median([r[k] for r in sides["this tree"] if k in r] or [1e9])
        rows.append((k in ("CPU (run and worker)", "load average", "run / floor"), med, k, cells))
    for _last, _med, k, cells in sorted(rows, key=lambda r: (r[0], r[1])):
        if k in ("load average", "run / floor"):
            fmt = [c.replace(" /", " /") for c in cells]
            vals = {s: [r[k] for r in sides[s] if k in r] for s in shown}
            cells = [f"{min(v):7.2f} /{statistics.median(v):6.2f} /{max(v):6.2f}" if v else "" for v in vals.values()]
            del fmt
        print(f"  {k:<28}" + "".join(f"{c:>26}" for c in cells))
    if a.old and sides["old tree"]:
        rs = [n["exit"] / o["exit"] for n, o in zip(sides["this tree"], sides["old tree"])]
        print(f"\npaired exit, this tree / old tree: {min(rs):.2f} / {statistics.median(rs):.2f} / {max(rs):.2f}x "
              f"({len(rs)} pairs)")
    if a.json:
        Path(a.json).write_text(json.dumps(sides, indent=1))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(*sys.argv[2:5])
    else:
        raise SystemExit(main())
