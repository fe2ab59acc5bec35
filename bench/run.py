"""Benchmark the monitor against baselines measured side by side, in paired runs.

    python bench/run.py                  # every figure, 5 pairs each, writes bench/RESULTS.md (25-35 min on 2 cores)
    python bench/run.py --quick          # for iterating: smaller sizes, 3 pairs, prints only (~2 min)
    python bench/run.py --only cold200,analysis --pairs 7   # some figures only (prints; --out to write)
    python bench/run.py --smoke          # seconds: proves the harness works (part of make test; prints only)

Drives the real ``monitor`` as a subprocess against a loopback feed farm (``bench/farm.py``), a
temporary config and temporary databases. Every figure is a ratio of the monitor's time to a
baseline's time measured right next to it: one *pair* is one monitor run and one baseline run,
in alternating order from pair to pair so that drift on a shared machine falls on both sides.
Each figure reports the median of the per-pair ratios with their min and max.

Figures (ids for ``--only``):

Every baseline runs as its own process (``bench/baselines.py``), timed the same way as the
monitor, so both sides pay interpreter start and imports, and neither shares a process (or the
GIL) with the feed farm.

- ``cold1000`` / ``cold200``: a cold ``monitor run`` against
  * the floor with the *same parser the run uses* (concurrent fetch-only at the same pool size,
    then single-process parse of the same bodies with ``monitor.sources.rss``'s parser choice),
  * the floor with feedparser (shown for comparison with earlier results, no target),
  * the naive loop (sequential ``requests.get`` + ``feedparser.parse``, what a user writes first),
    and at 200 feeds the same again on a farm with ``--naive-latency-ms`` (100 by default:
    ``bench/run_more.py``, where the reason is);
  and the peak RSS of the run.
- ``warm``: a warm run (every feed answers 304) against a bare concurrent conditional-GET pass.
- ``unchanged``: the server ignores ETags (same body each time) against the fetch-only floor.
- ``analysis``: ``Analyser.analyse`` per text against raw VADER ``polarity_scores`` on the same
  texts (in-process CPU time), on a 5% mix and on texts that all mention us: the rules path
  (no is-it-us check, no model), before the model (+ the is-it-us check) and with everything
  (+ the learned model); then the learned parts' own cost, in CPU ms per text that mentions us,
  and their load times in fresh processes (the model's target: 300 ms).
- ``history``: a cold run on a database holding ``--history`` mentions (1% needing a reply),
  a run 30 days old and the spike rules on, against the same on an empty database (same run
  row, same rules).
- ``digest``: ``monitor digest`` over ``--history`` mentions (1% and then 10% unanswered), paired with
  ``python -c "import click"`` (target on the digest's own median time), and build + render in process.
- ``startup``: ``monitor check`` on a 1,000-source config, ``monitor --help`` and ``monitor
  search`` on an empty database against ``python -c "import click"``.

Prints a table; writes bench/RESULTS.md (figures, machine, date, commands) unless ``--quick``,
``--smoke`` or ``--only`` is given without ``--out``.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

# This file: the figures' stages (``Bench``) and the command line. Beside it, each with one job:
# figures.py (a figure: measured in pairs, shown, kept as JSON, written to RESULTS.md), workspace.py (the
# processes timed, the configs, the seeded databases) and analysis_timing.py (the analysis's CPU per text).
from analysis_timing import (learned_parts_per_text, make_analyser, make_analyser_without_name_check,  # noqa: E402
                             texts_for, time_analysis, time_vader)
from farm import Farm  # noqa: E402
from figures import Figure, keep_json, paired, render, show, write_results  # noqa: E402
from workspace import (baseline, compile_package, copy_settled, run_monitor, seed_history, seed_run,  # noqa: E402
                       timed, urls_file, write_config)

FIGURES = ("cold1000", "cold200", "warm", "unchanged", "analysis", "history", "digest", "startup")


# --------------------------------------------------------------------------- the figures


class Bench:
    def __init__(self, args, tmp: Path):
        self.a = args
        self._seeded = None  # (database, config, time) seeded by the history figure
        self.tmp = tmp
        self.report: list[Figure] = []
        self.farms: dict[int, Farm] = {}
        from baselines import same_parser

        self.parser_name = same_parser()[0]

    def cmd(self, only: str, **extra) -> str:
        a = self.a
        opts = {"--pairs": a.pairs, "--entries": a.entries, "--latency-ms": f"{a.latency_ms:g}",
                "--workers": a.workers, **extra}
        return f"python bench/run.py --only {only} " + " ".join(f"{k} {v}" for k, v in opts.items())

    def farm(self, feeds: int) -> Farm:
        if feeds not in self.farms:
            self.farms[feeds] = Farm(feeds, self.a.entries, self.a.latency_ms).start()
        return self.farms[feeds]

    def stop(self) -> None:
        for f in self.farms.values():
            f.stop()

    def cold(self, feeds: int, tag: str) -> None:
        a, n = self.a, self.a.pairs
        farm = self.farm(feeds)
        urls = farm.urls()
        cfg = write_config(self.tmp, urls, a.workers, name=f"feeds-{feeds}.yaml")
        rss: list[float] = []
        count = [0]

        def monitor(rules_only: bool = False):
            count[0] += 1
            db = self.tmp / f"cold-{feeds}-{count[0]}.db"
            seconds, peak, line = run_monitor(cfg, db, "run", "--force", "--quiet", rules_only=rules_only)
            if not rules_only:
                rss.append(peak)
            db.unlink(missing_ok=True)
            return seconds

        print(f"{tag}: {feeds} feeds x {a.entries} entries; same parser = {self.parser_name}", flush=True)
        cmd = self.cmd(tag)
        uf = urls_file(self.tmp / f"urls-{feeds}.txt", urls)
        same = paired(Figure(f"cold run, {feeds:,} feeds, vs floor with the same parser", f"fetch-only + {self.parser_name}",
                             "<= 1.1x", cmd), n, monitor, lambda: baseline("floor-same", uf, a.workers), self.report)
        # Like for like (issue 14: the model's own cost is reported apart): the same run without the learned
        # parts, against the same floor. The full run's row above is the one the target is judged on.
        paired(Figure(f"cold run, {feeds:,} feeds, rules only (no is-it-us check, no model: bench/rules_only.py), "
                      f"vs floor with the same parser", f"fetch-only + {self.parser_name}", "", cmd),
               n, lambda: monitor(rules_only=True), lambda: baseline("floor-same", uf, a.workers), self.report)
        paired(Figure(f"cold run, {feeds:,} feeds, vs floor with feedparser", "fetch-only + feedparser", "", cmd),
               n, monitor, lambda: baseline("floor-feedparser", uf, a.workers), self.report)
        if not a.skip_naive:
            naive = paired(Figure(f"cold run, {feeds:,} feeds, vs naive sequential loop",
                                  "requests.get + feedparser, one by one", ">= 10x faster", cmd),
                           n, monitor, lambda: baseline("naive", uf), self.report)
            # How far ahead of the naive loop the floor itself is (pair i of each row, measured in the same round).
            # Since round speed11 the run can beat it: the floor fetches with requests on kept connections and
            # waits for the farm's delayed ACKs; the run's plain GETs ask for immediate ACKs (bench/NOTES.md).
            ceiling = Figure(f"same-parser floor, {feeds:,} feeds, vs naive sequential loop (the floor fetches with requests on kept connections)",
                             "naive loop, pair i of the row above", "", cmd,
                             pairs=[(f, nv) for (_m, f), (_m2, nv) in zip(same.pairs, naive.pairs)])
            ceiling.note = "faster"
            show(ceiling)
            self.report.append(ceiling)
            if (feeds == 200 or a.smoke) and a.naive_latency_ms and a.naive_latency_ms != a.latency_ms:
                from run_more import naive_at_latency  # the same rows on a farm with a real site's latency

                naive_at_latency(self, feeds, a.naive_latency_ms, tag)
        fig = Figure(f"peak RSS of the cold run, {feeds:,} feeds", "-", "< 200 MB", cmd, values=rss, unit="MB")
        show(fig)
        self.report.append(fig)

    def _farm_run(self, db_name: str):
        """The --feeds farm, its addresses, a config over them and a fresh database file (warm, unchanged)."""
        farm = self.farm(self.a.feeds)
        urls = farm.urls()
        cfg = write_config(self.tmp, urls, self.a.workers, name=f"feeds-{self.a.feeds}.yaml")
        return farm, urls, cfg, self.tmp / db_name

    def warm(self) -> None:
        a, n = self.a, self.a.pairs
        farm, urls, cfg, db = self._farm_run("warm.db")
        print(f"warm: {a.feeds} feeds", flush=True)
        run_monitor(cfg, db, "run", "--force", "--quiet")
        uf = urls_file(self.tmp / f"urls-{a.feeds}-etags.txt", urls, farm.etags)
        paired(Figure(f"warm run (304s), {a.feeds:,} feeds, vs bare conditional-GET pass", "concurrent conditional GETs",
                      "<= 1.5x", self.cmd("warm", **{"--feeds": a.feeds})), n,
               lambda: run_monitor(cfg, db, "run", "--force", "--quiet")[0],
               lambda: baseline("conditional", uf, a.workers), self.report)

    def unchanged(self) -> None:
        a, n = self.a, self.a.pairs
        farm, urls, cfg, db = self._farm_run("noetag.db")
        print(f"unchanged: {a.feeds} feeds, server ignores ETags", flush=True)
        farm.etag = False
        try:
            run_monitor(cfg, db, "run", "--force", "--quiet")
            uf = urls_file(self.tmp / f"urls-{a.feeds}.txt", urls)
            paired(Figure(f"unchanged bodies, no ETag, {a.feeds:,} feeds, vs fetch-only floor", "concurrent fetch-only",
                          "<= 2x", self.cmd("unchanged", **{"--feeds": a.feeds})), n,
                   lambda: run_monitor(cfg, db, "run", "--force", "--quiet")[0],
                   lambda: baseline("fetch", uf, a.workers), self.report)
        finally:
            farm.etag = True

    def analysis(self) -> None:
        """Per text, in-process CPU time against raw VADER on the same texts, in pairs:
        the rules path (no is-it-us check, no model; target <= 2x), before the model (rules path +
        is-it-us check) and with everything (+ the learned model); then the learned parts' own
        cost in ms per text that mentions us (is-it-us check, judgement model; <= 5 ms together)."""
        a, n = self.a, self.a.pairs
        rules = make_analyser_without_name_check()
        analyser = make_analyser()
        model = make_analyser(with_model=True)
        texts_n = max(200, min(4000, a.feeds * a.entries))
        cpu = "VADER polarity_scores per text (CPU time, same process)"
        for share in (0.05, 1.0):
            farm = Farm(max(1, texts_n // a.entries), a.entries, 0, mention_share=share)
            texts = texts_for(farm)
            for an in (rules, analyser, model):  # load what each needs (VADER, the name check, the model)
                an.analyse("Thank you New Baby Network", "The volunteers at New Baby Network were lovely.")
            label = f"{share:.0%} mention us"
            print(f"analysis: {len(texts)} texts, {label}", flush=True)
            cmd = self.cmd("analysis")
            paired(Figure(f"analysis, rules path, {label} ({len(texts)} texts; matching, keyword categories, "
                          f"sentiment, grading; no is-it-us check, no model), vs raw VADER", cpu, "<= 2x", cmd), n,
                   lambda: time_analysis(rules, texts), lambda: time_vader(texts), self.report)
            paired(Figure(f"analysis before the model, {label} ({len(texts)} texts; rules path + is-it-us check), "
                          f"vs raw VADER", cpu, "", cmd), n,
                   lambda: time_analysis(analyser, texts), lambda: time_vader(texts), self.report)
            paired(Figure(f"analysis with the learned model, {label} (with everything: rules path, is-it-us check, "
                          f"model), vs raw VADER", cpu, "", cmd), n,
                   lambda: time_analysis(model, texts), lambda: time_vader(texts), self.report)
            if share == 1.0:
                from run_more import model_loads  # the judgement issue's load time, apart from the per-text cost

                model_loads(self)
                runs = [learned_parts_per_text(model, texts) for _ in range(n)]
                for k, (what, target) in enumerate((("is-it-us check", ""), ("judgement model", ""),
                                                    ("is-it-us check + judgement model", "<= 5 ms"))):
                    fig = Figure(f"{what}, per text that mentions us (median CPU ms per text, {len(texts)} texts)",
                                 "-", target, cmd, values=[r[k] for r in runs], unit="ms")
                    show(fig)
                    self.report.append(fig)

    def history(self) -> None:
        a, n = self.a, self.a.pairs
        farm = self.farm(a.feeds)
        urls = farm.urls()
        cfg = write_config(self.tmp, urls, a.workers, spikes=True, name=f"feeds-{a.feeds}-spikes.yaml")
        now = datetime.now(timezone.utc)
        seeded = self.tmp / "history-seed.db"
        seed_s = seed_history(seeded, a.history, now)
        print(f"history: seeded {a.history:,} mentions (1% needing a reply) and a run 30 days old in {seed_s:.1f} s; "
              f"spike rules on", flush=True)
        count = [0]

        def with_history():
            count[0] += 1
            db = self.tmp / f"history-{count[0]}.db"
            copy_settled(seeded, db)
            seconds = run_monitor(cfg, db, "run", "--force", "--quiet")[0]
            db.unlink()
            return seconds

        def empty():
            count[0] += 1
            db = self.tmp / f"empty-{count[0]}.db"
            seed_run(db, now)
            seconds = run_monitor(cfg, db, "run", "--force", "--quiet")[0]
            db.unlink()
            return seconds

        cmd = self.cmd("history", **{"--feeds": a.feeds, "--history": a.history})
        paired(Figure(f"cold run, {a.feeds:,} feeds, with {a.history:,} mentions vs empty database",
                      "same run on an empty database (same run row, spikes on)", "<= 1.05x", cmd), n,
               with_history, empty, self.report)
        self._seeded = (seeded, cfg, now)  # the digest figure reads the same database

    def seeded_history(self):
        """(database with --history mentions and a run 30 days old, a --feeds config, the time it was seeded for)."""
        a = self.a
        cfg = write_config(self.tmp, self.farm(a.feeds).urls(), a.workers, spikes=True, name=f"feeds-{a.feeds}-spikes.yaml")
        now = datetime.now(timezone.utc)
        seeded = self.tmp / "history-seed.db"
        seed_s = seed_history(seeded, a.history, now)
        print(f"digest: seeded {a.history:,} mentions (1% needing a reply) in {seed_s:.1f} s", flush=True)
        return seeded, cfg, now

    def digest(self) -> None:
        """The weekly digest over --history mentions, 1% and then 10% of them unanswered: ``monitor digest``
        as a process, paired with ``python -c "import click"`` (the target is on the digest's own time), and
        build + render in process (the part that grows with the store)."""
        a, n = self.a, self.a.pairs
        seeded, cfg, now = self._seeded or self.seeded_history()
        cmd = self.cmd("digest", **{"--feeds": a.feeds, "--history": a.history})
        week = (now - timedelta(days=7)).strftime("%G-W%V")
        click_only = [sys.executable, "-c", "import click"]
        timed(click_only)
        for share in ("1%", "10%"):
            if share == "10%":
                conn = sqlite3.connect(seeded)
                conn.execute("update mentions set needs_reply = 1, reply_reminded_at = coalesce(reply_reminded_at, first_seen) "
                             "where id % 10 = 3")
                conn.commit()
                conn.close()
            print(f"digest: {share} unanswered", flush=True)
            paired(Figure(f"weekly digest over {a.history:,} mentions, {share} unanswered (`monitor digest`)",
                          "python -c 'import click'", "< 1 s", cmd, absolute=True), n,
                   lambda: run_monitor(cfg, seeded, "digest", "--week", week, "--out", str(self.tmp / "digests"))[0],
                   lambda: timed(click_only), self.report)
            inproc = [digest_in_process(cfg, seeded, week) for _ in range(n)]
            fig = Figure(f"weekly digest over {a.history:,} mentions, {share} unanswered (build + render)",
                         "-", "< 1 s", cmd, values=inproc)
            show(fig)
            self.report.append(fig)
            size = (self.tmp / "digests" / f"{week}.html").stat().st_size
            print(f"    digest HTML {size / 1024:.0f} KB", flush=True)

    def startup(self) -> None:
        a, n = self.a, self.a.pairs
        sources = 50 if a.smoke else 1000
        urls = [f"http://127.0.0.{1 + i % 16}:8{i % 16:03d}/feed/{i}.xml" for i in range(sources)]
        cfg = write_config(self.tmp, urls, a.workers, name="feeds-check-1000.yaml")
        click_only = [sys.executable, "-c", "import click"]
        base = [sys.executable, "-m", "monitor", "--config", str(cfg)]
        db = self.tmp / "search-empty.db"
        run_monitor(cfg, db, "search", "anything")
        cmd = self.cmd("startup")
        print("startup", flush=True)
        timed(click_only)
        for name, argv, target in (
            (f"`monitor check` on a {sources:,}-source config", [*base, "check"], "<= 3x"),
            ("`monitor --help`", [sys.executable, "-m", "monitor", "--help"], "<= 1.5x"),
            (f"`monitor search` on an empty database, {sources:,}-source config", [*base, "--db", str(db), "search", "x"], ""),
        ):
            paired(Figure(f"{name} vs `python -c 'import click'`", "python -c 'import click'", target, cmd),
                   n if a.smoke else max(n, 7), lambda argv=argv: timed(argv), lambda: timed(click_only), self.report)


def digest_in_process(cfg_path: Path, db_path: Path, week: str) -> float:
    """build + render in this process (no interpreter start): the part that grows with the store."""
    from monitor import config as config_mod
    from monitor import digest, store

    cfg = config_mod.load(cfg_path, secrets=False)
    db = store.open_db(db_path)
    started = time.perf_counter()
    d = digest.build(db, cfg, week)
    digest.render(d, cfg)
    seconds = time.perf_counter() - started
    db.close()
    return seconds

# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=1000, help="feeds for warm, unchanged and history")
    ap.add_argument("--entries", type=int, default=20)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--history", type=int, default=1_000_000)
    ap.add_argument("--pairs", type=int, default=5, help="paired runs per figure (at least 5 for RESULTS.md)")
    ap.add_argument("--only", default="", help=f"comma-separated figure ids: {', '.join(FIGURES)}")
    ap.add_argument("--skip-naive", action="store_true", help="skip the slow sequential baseline")
    ap.add_argument("--naive-latency-ms", type=float, default=100, help="the naive-loop rows at 200 feeds again on a "
                    "farm with this latency (0: not; bench/run_more.py)")
    ap.add_argument("--quick", action="store_true", help="for iterating: 200 feeds, 100,000 mentions, 3 pairs, no naive at 1,000")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, one pair: proves the harness works in seconds")
    ap.add_argument("--out", default=None, help="where to write the results (default bench/RESULTS.md for a full run)")
    ap.add_argument("--json", default=None, help="also keep every figure here (for --render)")
    ap.add_argument("--render", default=None, metavar="JSON", help="measure nothing: write --out (default "
                    "bench/RESULTS.md) from the figures a run kept with --json, with bench/NOTES.md as it is now")
    args = ap.parse_args(argv)
    if args.render:
        out = Path(args.out or HERE / "RESULTS.md")
        render(Path(args.render), args, out)
        print(f"Wrote {out} from {args.render}")
        return 0
    only = [x.strip() for x in args.only.split(",") if x.strip()] or list(FIGURES)
    unknown = set(only) - set(FIGURES)
    if unknown:
        ap.error(f"unknown figure(s) {', '.join(sorted(unknown))}; choose from {', '.join(FIGURES)}")
    if args.quick:
        args.feeds, args.history, args.pairs = 200, 100_000, min(args.pairs, 3)
        only = [f for f in only if f != "cold1000"]
    if args.smoke:
        args.feeds, args.entries, args.latency_ms, args.history, args.pairs = 24, 5, 5, 2000, 1
        args.naive_latency_ms = args.naive_latency_ms and 10
        only = [f for f in only if f != "cold1000"]  # cold200 runs the same code at smoke size
    out = args.out or (None if (args.quick or args.only or args.smoke) else str(HERE / "RESULTS.md"))

    tmp = Path(tempfile.mkdtemp(prefix="nbn-bench-"))
    print(f"{', '.join(only)}; {args.pairs} pairs each; {args.entries} entries per feed, {args.latency_ms:g} ms "
          f"latency, {args.workers} workers; work in {tmp}", flush=True)
    compile_package()
    bench = Bench(args, tmp)
    started, started_wall = time.perf_counter(), time.time()
    try:
        for fig in only:
            if fig == "cold1000":
                bench.cold(args.feeds if args.smoke else 1000, "cold1000")
            elif fig == "cold200":
                bench.cold(min(args.feeds, 200) if args.smoke else 200, "cold200")
            else:
                getattr(bench, fig)()
    finally:
        bench.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"took {time.perf_counter() - started:.0f} s", flush=True)
    measured = (f"{datetime.fromtimestamp(started_wall, timezone.utc):%Y-%m-%d %H:%M}-"
                f"{datetime.now(timezone.utc):%H:%M} UTC")
    if args.json:
        keep_json(Path(args.json), args, only, measured, bench.report)
    if out:
        write_results(Path(out), args, only, bench.report, measured)
        print(f"Wrote {out}")
    return 0 if args.smoke or all(f.summary()[3] != "**no**" for f in bench.report) else 1


if __name__ == "__main__":
    raise SystemExit(main())
