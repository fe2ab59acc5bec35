"""Where a cold run spends the CPU its floor does not: CPU seconds per process and per stage.

    python bench/breakdown.py --feeds 1000 --runs 3      # run, floor, run, floor, ...; medians printed
    python bench/breakdown.py --feeds 200 --runs 5 --old /tmp/old   # and another tree's run, alternated

Same farm as ``bench/run.py`` and ``bench/stages.py`` (``bench/farm.py``: 20 entries a feed, 50 ms
latency, 16 fetch threads), served by its own process so its CPU can be read (``/proc/PID/stat``)
before and after each run. Each run is a fresh interpreter (``python bench/breakdown.py child ...``)
that imports the package as ``monitor run`` does and calls ``pipeline.run_cycle`` with functions
wrapped to add up the CPU time (``time.thread_time``: the calling thread's own CPU, so a thread
waiting for the interpreter lock adds nothing) of each stage:

- fetch threads: ``Fetcher.request`` (requests, the socket reads, the size cap) and the rest of
  ``_poll_and_send`` (parsing the feed into items unless the worker takes it: feedparser-rs or
  feedparser, ``tidy``, the items; sending what could name us to the worker);
- main thread: start-up (imports and config), opening the store and reading the sources,
  sending polls to the worker (``Background.submit``) and taking its answers (``ready``), storing
  (``_store_poll``, split into the story keys, the known-story lookups, the analysis calls,
  inserts, links, the rules and alerting for each new mention, the poll's record, and the rest:
  savepoints, commits, the loop), the full-text pass, the store-wide rules, delivery, the run's
  row; and its wall time spent waiting for the next finished poll or analysis (``_finished``);
- other threads of the main process (the worker pool's manager and queue feeder, which pickle
  the payloads and unpickle the answers; the fetch watchdog): the process's CPU less the above;
- the analysis worker: its start (fork to the end of the warm-up: VADER, the is-it-us check and
  the model loaded), then in its batches: the pre-check on texts that do not name us, the
  is-it-us check, the learned model, the rest of the rules path, and pickling/queues (the rest);
- the farm process; and the same-parser floor: its CPU, fetch (wall and CPU) and parse (CPU).

Prints every run and the min / median / max of each figure over the runs.
"""

from __future__ import annotations

import time

T0 = time.monotonic()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int | str = "self") -> float:
    """utime + stime of a process (all its threads, live or ended), seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class Acc:
    """CPU seconds per stage, added from any thread (``thread_time`` deltas: inclusive of nested stages)."""

    def __init__(self):
        self.cpu: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.lock = threading.Lock()

    def add(self, name: str, seconds: float) -> None:
        with self.lock:
            self.cpu[name] = self.cpu.get(name, 0.0) + seconds
            self.calls[name] = self.calls.get(name, 0) + 1

    def wrap(self, obj, attr: str, name: str, main_only: bool = False):
        original = getattr(obj, attr)
        acc = self

        def wrapped(*a, **k):
            if main_only and threading.current_thread() is not threading.main_thread():
                return original(*a, **k)
            t = time.thread_time()
            try:
                return original(*a, **k)
            finally:
                acc.add(name, time.thread_time() - t)

        wrapped.__name__ = getattr(original, "__name__", attr)
        wrapped.__qualname__ = getattr(original, "__qualname__", attr)
        wrapped.__module__ = getattr(original, "__module__", None)
        setattr(obj, attr, wrapped)
        return original


def child(cfg_path: str, db_path: str, out_path: str) -> None:
    sys.path.insert(0, os.environ.get("STAGES_TREE") or str(REPO))  # --old: another tree's monitor package
    import resource

    from monitor.cli import cli  # noqa: F401  (what `monitor run` imports)
    from monitor import config as config_mod

    cfg = config_mod.load(cfg_path)
    out: dict[str, float] = {"main: start-up (imports, config)": time.process_time()}
    from monitor import alerting, analyse, analyse_worker, fetch, notify, pipeline, rules, store

    acc = Acc()
    # fetch threads
    # (_poll_and_send, not _poll: since speed7 a feed's parse runs after _poll, here or in the worker)
    acc.wrap(pipeline, "_poll_and_send" if hasattr(pipeline, "_poll_and_send") else "_poll",
             "fetch threads: _poll (fetch + parse)")
    acc.wrap(fetch.Fetcher, "request", "fetch threads: Fetcher.request")
    request = fetch.Fetcher.request
    first_request: list[float] = []

    def _request(*a, **k):
        if not first_request:
            first_request.append(time.monotonic() - T0)
        return request(*a, **k)

    fetch.Fetcher.request = _request
    # main thread
    for mod, attr, name in (
        (store, "open_db", "main: open store"), (store, "sync_sources", "main: open store"),
        (store, "source_row", "main: open store"),
        (analyse_worker.Background, "start", "main: fork the worker"),
        (analyse_worker.Background, "submit", "main: send polls to the worker"),
        (analyse_worker.Background, "ready", "main: take the worker's answers"),
        (pipeline, "_store_poll", "main: storing (all)"),
        (pipeline, "story_keys", "main: storing: story keys"),
        (store, "KnownStories", "main: storing: known-story lookups"),
        (pipeline, "analysis_of", "main: storing: analysis (answers, or here)"),
        (store, "insert_mention", "main: storing: insert mention"),
        (store, "link_source", "main: storing: link known story"),
        (store, "mention", "main: storing: rules+alerting per new mention"),
        (rules, "for_mention", "main: storing: rules+alerting per new mention"),
        (alerting, "handle", "main: storing: rules+alerting per new mention"),
        (store, "record_poll", "main: storing: record poll"),
        (store, "index_pending", "main: FTS pass"),
        (pipeline, "evaluate_rules", "main: store-wide rules"),
        (alerting, "repeat_and_escalate", "main: store-wide rules"),
        (notify, "deliver_due", "main: delivery"),
        (store, "record_run", "main: run row"),
        (fetch.Fetcher, "close", "main: close fetcher+worker"),
        (analyse_worker.Background, "close", "main: close fetcher+worker"),
    ):
        acc.wrap(mod, attr, name, main_only=True)
    finished = pipeline._finished
    waits = [0.0, 0.0]

    def _finished(*a, **k):
        t, c = time.monotonic(), time.thread_time()
        try:
            return finished(*a, **k)
        finally:
            waits[0] += time.monotonic() - t
            waits[1] += time.thread_time() - c

    pipeline._finished = _finished
    polls = pipeline._poll
    marks: dict[str, float] = {}

    back: dict[int, float] = {}
    lags: list[float] = []

    def _poll(*a, **k):
        r = polls(*a, **k)
        marks.setdefault("first poll back", time.monotonic() - T0)
        marks["every poll back"] = time.monotonic() - T0
        back[id(r.items)] = time.monotonic()
        return r

    submit = analyse_worker.Background.submit

    def _submit(self, items):
        if id(items) in back:
            lags.append(time.monotonic() - back[id(items)])
        return submit(self, items)

    analyse_worker.Background.submit = _submit

    pipeline._poll = _poll

    # the worker: everything wrapped before the fork, so its copy is wrapped too
    wacc = Acc()
    wlog = out_path + ".worker"
    wacc.wrap(analyse.Analyser, "analyse", "worker: analyse (all)")
    wacc.wrap(analyse.Analyser, "judge", "worker: learned model (judge)")
    from monitor.identity import decide as identity_decide

    wacc.wrap(identity_decide.Judge, "decide", "worker: is-it-us check (decide)")
    warm = analyse_worker._warm_up

    def _warm_up():
        warm()
        with open(wlog, "a") as f:
            f.write(json.dumps({"warm": time.process_time(), "warm_end": time.monotonic() - T0}) + "\n")

    _warm_up.__qualname__ = _warm_up.__name__ = "_warm_up"
    _warm_up.__module__ = "monitor.analyse_worker"
    analyse_worker._warm_up = _warm_up
    batch = analyse_worker._analyse_batch

    def _analyse_batch(payload):
        started = time.monotonic() - T0
        t = time.thread_time()
        r = batch(payload)
        wacc.add("worker: batches (all)", time.thread_time() - t)
        passed = sum(1 for ok, a in r if ok and a is not None)
        with wacc.lock:
            wacc.cpu["worker: texts seen"] = wacc.cpu.get("worker: texts seen", 0) + len(payload)
            wacc.cpu["worker: mentions"] = wacc.cpu.get("worker: mentions", 0) + passed
        with open(wlog, "a") as f:
            f.write(json.dumps({"start": started, "cpu": wacc.cpu, "calls": wacc.calls, "process": time.process_time(),
                                "end": time.monotonic() - T0}) + "\n")
        return r

    _analyse_batch.__qualname__ = _analyse_batch.__name__ = "_analyse_batch"
    _analyse_batch.__module__ = "monitor.analyse_worker"
    analyse_worker._analyse_batch = _analyse_batch

    if os.environ.get("BD_EXTRA_QUEUED"):  # experiment: a deeper queue to the worker
        import concurrent.futures.process as cfp

        cfp.EXTRA_QUEUED_CALLS = int(os.environ["BD_EXTRA_QUEUED"])
    if os.environ.get("BD_SWITCH"):  # experiment: the interpreter's switch interval
        sys.setswitchinterval(float(os.environ["BD_SWITCH"]))
    prof = None
    if os.environ.get("BD_PROFILE"):  # the main thread's own profile (cProfile sees only the thread it runs in)
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    summary = pipeline.run_cycle(cfg, db_path, force=True)
    if prof is not None:
        prof.disable()
        prof.dump_stats(os.environ["BD_PROFILE"])
    marks["run_cycle done"] = time.monotonic() - T0
    out.update(acc.cpu)
    out["main: waiting (wall)"] = waits[0]
    out["main: waiting (CPU)"] = waits[1]
    out["main thread CPU"] = time.thread_time()
    out["main process CPU"] = time.process_time()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["worker process CPU"] = ru.ru_utime + ru.ru_stime
    out["new mentions"] = len(summary.new_mention_ids)
    out.update({f"at {k}": v for k, v in marks.items()})
    if first_request:
        out["at first request"] = first_request[0]
    if os.path.exists(wlog):
        lines = [json.loads(x) for x in open(wlog)]
        for x in lines:
            if "warm" in x:
                out["worker: start + loads (fork to warm-up end)"] = x["warm"]
                out["at worker warm"] = x["warm_end"]
        last = [x for x in lines if "cpu" in x]
        fetched = marks.get("every poll back", 0)
        out["worker: busy (wall) before every poll back"] = sum(
            min(x["end"], fetched) - x["start"] for x in last if x["start"] < fetched)
        out["worker: backlog batches when every poll back"] = sum(1 for x in last if x["end"] > fetched)
        if lags:
            lags.sort()
            out["main: poll back -> sent to worker, median (ms)"] = 1000 * lags[len(lags) // 2]
            out["main: poll back -> sent to worker, 90th pct (ms)"] = 1000 * lags[int(len(lags) * 0.9)]
        if last:
            out.update(last[-1]["cpu"])
            out["worker: CPU at its last batch"] = last[-1]["process"]
            out["at last analysis"] = last[-1]["end"]
    Path(out_path).write_text(json.dumps(out))
    sys.stdout.flush()
    os._exit(0)  # as `monitor run` ends (no interpreter teardown)


def floor_child(urls_file: str, workers: str, out_path: str) -> None:
    """The same-parser floor (bench/baselines.py floor-same) with its fetch and parse timed apart."""
    sys.path.insert(0, str(HERE))
    import baselines

    lines = [x for x in Path(urls_file).read_text().split("\n") if x]
    parse = baselines.same_parser()[1]
    t, c = time.monotonic(), time.process_time()
    started = t - T0
    bodies = baselines.fetch_all(lines, int(workers))
    fetch_wall, fetch_cpu = time.monotonic() - t, time.process_time() - c
    c = time.process_time()
    for body in bodies:
        parse(body)
    parse_cpu = time.process_time() - c
    Path(out_path).write_text(json.dumps({"floor: at fetch start": started, "floor: start-up (CPU)": time.process_time() - fetch_cpu - parse_cpu,
                                          "floor: fetch (wall)": fetch_wall, "floor: fetch (CPU)": fetch_cpu,
                                          "floor: parse (CPU)": parse_cpu}))
    sys.stdout.flush()
    os._exit(0)


def _run(cmd, env, cwd=None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of it and its children)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd or str(REPO))
    _pid, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{cmd} failed")
    return time.monotonic() - started, usage.ru_utime + usage.ru_stime


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--entries", type=int, default=20)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--old", default="", help="a tree holding another monitor package (git archive): its runs "
                    "alternate with this tree's (new, old, old, new, ...), each followed by the floor")
    ap.add_argument("--new", default="", help="the tree for the other side (default: this one)")
    ap.add_argument("--new-env", default="", metavar="NAME=VALUE", help="set only for this tree's runs (experiments)")
    ap.add_argument("--no-floor", action="store_true")
    ap.add_argument("--json", default="", help="write every run's figures here")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(REPO))
    from workspace import ENV, farm_workspace

    farm, parent, urls, tmp, cfg, uf = farm_workspace(a, "nbn-breakdown-")
    sides: dict[str, list[dict]] = {"this tree": [], "old tree": []}
    for i in range(a.runs * (2 if a.old else 1)):
        old = bool(a.old) and i % 4 in (1, 2)
        env = {**ENV, "STAGES_TREE": a.old} if old else {**ENV, "STAGES_TREE": a.new} if a.new else ENV
        if a.new_env and not old:
            env = {**env, a.new_env.partition("=")[0]: a.new_env.partition("=")[2]}
        db, outp = tmp / f"run-{i}.db", tmp / f"out-{i}.json"
        farm0 = _proc_cpu(farm.pid)
        wall, cpu = _run([sys.executable, str(HERE / "breakdown.py"), "child", str(cfg), str(db), str(outp)], env)
        m = json.loads(outp.read_text())
        m["run: wall"], m["run: CPU (main + worker)"] = wall, cpu
        m["farm CPU during the run"] = _proc_cpu(farm.pid) - farm0
        m["load average"] = os.getloadavg()[0]
        if not a.no_floor:
            farm0 = _proc_cpu(farm.pid)
            fwall, fcpu = _run([sys.executable, str(HERE / "breakdown.py"), "floor", str(uf), str(a.workers),
                                str(outp) + ".floor"], ENV)
            m.update(json.loads(Path(str(outp) + ".floor").read_text()))
            m["floor: wall"], m["floor: CPU"] = fwall, fcpu
            m["farm CPU during the floor"] = _proc_cpu(farm.pid) - farm0
            m["run / floor (wall)"] = wall / fwall
        sides["old tree" if old else "this tree"].append(m)
        print(f"run {i + 1}{' OLD' if old else ''}: load {m['load average']:.1f}, wall {wall:.2f} s, CPU {cpu:.2f} s"
              + (f", floor {m['floor: wall']:.2f} s wall / {m['floor: CPU']:.2f} s CPU" if not a.no_floor else "")
              + f", farm {m['farm CPU during the run']:.2f} s", flush=True)
        for p in (db, Path(str(db) + "-wal"), Path(str(db) + "-shm")):
            p.unlink(missing_ok=True)
    for label, rs in sides.items():
        if not rs:
            continue
        print(f"\n{label}{' (' + a.old + ')' if label == 'old tree' else ''}: min / median / max over {len(rs)} runs, "
              f"{a.feeds} feeds x {a.entries} entries:")
        keys = []
        for r in rs:
            keys += [k for k in r if k not in keys]
        for k in sorted(keys, key=lambda k: (k.split(":")[0].split(" ")[0], k)):
            vals = [r[k] for r in rs if k in r]
            print(f"  {k:<58} {min(vals):8.3f} / {statistics.median(vals):8.3f} / {max(vals):8.3f}")
    if a.old and sides["old tree"]:
        print("\npaired, this tree / old tree (pair i = the i-th run of each side; min / median / max):")
        for k in ("run: wall", "at every poll back", "run: CPU (main + worker)", "main process CPU", "main thread CPU",
                  "worker process CPU"):
            rs = [n[k] / o[k] for n, o in zip(sides["this tree"], sides["old tree"]) if k in n and k in o and o[k]]
            if rs:
                print(f"  {k:<58} {min(rs):8.3f} / {statistics.median(rs):8.3f} / {max(rs):8.3f}")
    if a.json:
        Path(a.json).write_text(json.dumps(sides, indent=1))
    parent.send("stop")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(*sys.argv[2:5])
    elif len(sys.argv) > 1 and sys.argv[1] == "floor":
        floor_child(*sys.argv[2:5])
    else:
        raise SystemExit(main())
