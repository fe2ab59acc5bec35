"""Figures bench/run.py adds to the table that live apart from it (run.py is long enough):

- ``naive_at_latency``: the naive-loop rows at a second farm latency (``--naive-latency-ms``, 100 by
  default), at 200 feeds: the cold run and the same-parser floor against the naive loop on a farm whose
  every answer waits that long. At the bench's 50 ms the same-parser floor is itself under 10x the naive
  loop at 200 feeds (its 16 threads take ~75 ms a round of requests, waiting for one interpreter lock, and
  its start is a seventh of its time), so no run can reach the issue's 10x there; see bench/NOTES.md.
- ``model_loads``: the learned parts' load times in fresh processes (``bench/model_cost.py``'s), as the
  judgement issue asks them apart from the per-text cost: the model (target 300 ms), the is-it-us check,
  and both as the run's worker loads them.
"""

from __future__ import annotations


def naive_at_latency(bench, feeds: int, latency_ms: float, tag: str = "cold200") -> None:
    """Paired rows at ``feeds`` feeds on a farm with ``latency_ms``: run vs naive loop, and floor vs naive loop."""
    from figures import Figure, paired, show
    from workspace import baseline, run_monitor, urls_file, write_config

    from farm import Farm

    a, n = bench.a, bench.a.pairs
    farm = Farm(feeds, a.entries, latency_ms).start()
    try:
        urls = farm.urls()
        cfg = write_config(bench.tmp, urls, a.workers, name=f"feeds-{feeds}-{latency_ms:g}ms.yaml")
        uf = urls_file(bench.tmp / f"urls-{feeds}-{latency_ms:g}ms.txt", urls)
        count = [0]

        def monitor():
            count[0] += 1
            db = bench.tmp / f"cold-{feeds}-{latency_ms:g}ms-{count[0]}.db"
            seconds = run_monitor(cfg, db, "run", "--force", "--quiet")[0]
            db.unlink(missing_ok=True)
            return seconds

        floors: list[float] = []

        def naive_and_floor():
            floors.append(baseline("floor-same", uf, a.workers))
            return baseline("naive", uf)

        print(f"naive loop at {latency_ms:g} ms latency: {feeds} feeds", flush=True)
        cmd = bench.cmd(tag, **{"--naive-latency-ms": f"{latency_ms:g}"})
        naive = paired(Figure(f"cold run, {feeds:,} feeds, {latency_ms:g} ms latency, vs naive sequential loop",
                              f"requests.get + feedparser, one by one ({latency_ms:g} ms farm)", ">= 10x faster", cmd),
                       n, monitor, naive_and_floor, bench.report)
        ceiling = Figure(f"same-parser floor, {feeds:,} feeds, {latency_ms:g} ms latency, vs naive sequential loop "
                         f"(the floor fetches with requests on kept connections)", "naive loop, pair i of the row above", "", cmd,
                         pairs=[(f, nv) for f, (_m, nv) in zip(floors, naive.pairs)], loads=list(naive.loads))
        ceiling.note = "faster"
        show(ceiling)
        bench.report.append(ceiling)
    finally:
        farm.stop()


def model_loads(bench) -> None:
    """Load times of the learned parts, fresh processes, wall ms (min / median / max over ``--pairs`` runs)."""
    import os

    from model_cost import LOAD, LOAD_BOTH, LOAD_IDENTITY, load_times
    from figures import Figure, show

    n = bench.a.pairs
    cmd = bench.cmd("analysis")
    for what, code, target in (("judgement model load (fresh process, wall)", LOAD, "< 300 ms"),
                                ("is-it-us check load (fresh process, wall)", LOAD_IDENTITY, ""),
                                ("both loads, as the run's analysis worker pays them (fresh process, wall)", LOAD_BOTH, "")):
        load = os.getloadavg()[0]
        walls, _cpus = load_times(code, n)
        fig = Figure(what, "-", target, cmd, values=[w * 1e3 for w in walls], unit="ms", loads=[load])
        show(fig)
        bench.report.append(fig)
