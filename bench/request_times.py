"""How long each request of a cold run takes, and where (issue 14, round speed11).

    python bench/request_times.py --feeds 200 --runs 3                 # this tree
    python bench/request_times.py --feeds 200 --runs 3 --tree /tmp/old # another tree (git archive of monitor/)

Same farm as ``bench/run.py`` (``bench/farm.py``: 20 entries a feed, 50 ms latency, 16 fetch threads, served
from its own process). Each run is the real ``monitor run --force --quiet`` in a fresh interpreter
(``python bench/request_times.py child ...``), with ``Fetcher.request``, the plain carrier's ``get`` (up to
the answer's headers) and ``pipeline._poll_and_send`` wrapped to note when each began and ended, per thread.
Prints per run, in ms (p10 / p50 / p90): the whole request (``Fetcher.request``: the host's slot, the GET,
the body), to the headers, the body after the headers, and the fetch thread's work after the request
(parsing, the hand-off to the worker); the first and last request's start from the process's start.
On the farm a body that waited for the client's delayed acknowledgement shows as ~40 ms "body" (round speed11
in bench/NOTES.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(cfg: str, db: str, out: str) -> None:
    sys.path.insert(0, os.environ["REQUEST_TIMES_TREE"])
    log: list = []  # (thread, what, start, end)

    def wrap(obj, attr, what):
        fn = getattr(obj, attr)

        def wrapped(*a, **k):
            started = time.monotonic()
            try:
                return fn(*a, **k)
            finally:
                log.append((threading.get_ident(), what, started, time.monotonic()))
        setattr(obj, attr, wrapped)

    import monitor.cli.run as cli_run
    import monitor.fetch as fetch
    import monitor.fetch_plain as fetch_plain
    import monitor.pipeline as pipeline

    wrap(fetch.Fetcher, "request", "request")
    wrap(fetch_plain.PlainClient, "get", "headers")
    wrap(pipeline, "_poll_and_send", "poll")
    exit_ = cli_run._exit

    def _exit(code):
        Path(out).write_text(json.dumps(log))
        exit_(code)
    cli_run._exit = _exit
    import runpy

    sys.argv = ["monitor", "--config", cfg, "--db", db, "run", "--force", "--quiet"]
    runpy.run_module("monitor", run_name="__main__", alter_sys=True)


def summary(log: list, t0: float) -> str:
    by: dict = {}
    for thread, what, s, e in log:
        by.setdefault(thread, []).append((s, e, what))
    whole, head, body, after = [], [], [], []
    for events in by.values():
        requests = sorted((s, e) for s, e, w in events if w == "request")
        gets = sorted((s, e) for s, e, w in events if w == "headers")
        polls = sorted((s, e) for s, e, w in events if w == "poll")
        for s, e in requests:
            whole.append(e - s)
            inner = [g for g in gets if s <= g[0] and g[1] <= e]
            if inner:
                head.append(inner[-1][1] - s)
                body.append(e - inner[-1][1])
            outer = [p for p in polls if p[0] <= s and e <= p[1]]
            if outer:
                after.append(outer[0][1] - e)

    def q(xs):
        xs = sorted(xs)
        return "/".join(f"{xs[int(p * (len(xs) - 1))] * 1000:.1f}" for p in (0.1, 0.5, 0.9)) if xs else "-"
    starts = [s for _t, w, s, _e in log if w == "request"]
    return (f"first request {(min(starts) - t0) * 1000:.0f}, last {(max(starts) - t0) * 1000:.0f} ms; "
            f"request {q(whole)}; to headers {q(head)}; body {q(body)}; after the request (parse, hand-off) {q(after)}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--entries", type=int, default=20)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tree", default=str(HERE.parent), help="the tree whose monitor package runs (default: this one)")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from workspace import ENV, farm_workspace

    farm, conn, _urls, tmp, cfg, _uf = farm_workspace(a, "nbn-request-times-")
    try:
        for i in range(a.runs):
            db, out = tmp / f"run-{i}.db", tmp / f"log-{i}.json"
            t0 = time.monotonic()
            env = {**ENV, "REQUEST_TIMES_TREE": a.tree}
            subprocess.run([sys.executable, str(HERE / "request_times.py"), "child", str(cfg), str(db), str(out)],
                           env=env, cwd=a.tree, stdout=subprocess.DEVNULL, check=False)
            exit_ms = (time.monotonic() - t0) * 1000
            print(f"run {i + 1} (load {os.getloadavg()[0]:.1f}): exit {exit_ms:.0f} ms; "
                  f"{summary(json.loads(out.read_text()), t0)}", flush=True)
    finally:
        conn.send("stop")
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(*sys.argv[2:5])
    else:
        raise SystemExit(main())
