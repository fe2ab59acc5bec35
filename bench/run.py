"""Benchmark the monitor against baselines measured in the same run.

    python bench/run.py [--feeds 1000] [--entries 20] [--latency-ms 50] [--workers 16] [--history 1000000]
    python bench/run.py --smoke          # seconds: proves the harness works (part of make test)

Drives the real ``monitor run`` as a subprocess against a loopback feed farm
(``bench/farm.py``), a temporary config and a temporary database, and compares it with:

1. cold run vs the naive loop (sequential requests.get + feedparser.parse) and vs the floor
   (concurrent fetch-only at the same pool size + single-process parse of the same bodies);
2. warm run (nothing changed, conditional GET honoured) vs a bare concurrent conditional-GET pass;
3. warm run where the server ignores ETags (same 200 body every time) vs the fetch-only floor;
4. analysis (matching, escalation, targeted sentiment) vs raw VADER polarity_scores on the same texts;
   the learned model: median ms per mention once loaded (model + rules, on the labelled mentions in
   training/), and the time to load it in a fresh process (it loads only when a run has new text);
5. cold run with HISTORY mentions already stored vs an empty database; the weekly digest over it;
6. ``monitor --help`` vs ``python -c "import click"``; peak RSS of the cold run.

Prints a table and writes bench/RESULTS.md (figures, machine, date). Targets are ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from farm import Farm  # noqa: E402

import yaml  # noqa: E402


def write_config(tmp: Path, urls: list[str], workers: int) -> Path:
    shipped = yaml.safe_load((REPO / "feeds.yaml").read_text())
    doc = {
        "organisation": shipped["organisation"],
        "settings": {"database": "monitor.db", "alerts_dir": str(REPO / "alerts"), "workers": workers,
                     "per_host": 4, "connect_timeout": "10s", "read_timeout": "30s"},
        "sources": [{"name": f"feed-{i}", "kind": "rss", "url": u} for i, u in enumerate(urls)],
        "escalation": shipped["escalation"],
        "thresholds": shipped["thresholds"],
        "rules": {"volume_spike": {"enabled": False}, "negative_spike": {"enabled": False}},
        "channels": {}, "routes": {},
    }
    path = tmp / "feeds.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def run_monitor(config: Path, db: Path, *args: str) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, last output line) of one `monitor` subprocess."""
    out = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config), "--db", str(db), *args],
                            stdout=out, stderr=subprocess.STDOUT, cwd=str(REPO))
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    out.seek(0)
    text = out.read().decode(errors="replace").strip()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"monitor {' '.join(args)} failed:\n{text}")
    return seconds, usage.ru_maxrss / 1024, text.splitlines()[-1] if text else ""


def naive(urls: list[str]) -> float:
    """What a user would write first: one request after another, parse each."""
    import feedparser
    import requests

    started = time.perf_counter()
    for u in urls:
        feedparser.parse(requests.get(u, timeout=30).content)
    return time.perf_counter() - started


def fetch_all(urls: list[str], workers: int, etags: dict | None = None) -> tuple[float, list[bytes]]:
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_connections=workers, pool_maxsize=workers))

    def get(u):
        headers = {"If-None-Match": etags[u]} if etags else {}
        return session.get(u, headers=headers, timeout=30).content

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        bodies = list(pool.map(get, urls))
    return time.perf_counter() - started, bodies


def parse_all(bodies: list[bytes]) -> float:
    import feedparser

    started = time.perf_counter()
    for b in bodies:
        feedparser.parse(b, response_headers={"content-type": "application/rss+xml"})
    return time.perf_counter() - started


def analysis(farm: Farm) -> tuple[float, float, int]:
    """(our analysis seconds, raw VADER seconds, texts) on the farm's entry texts."""
    import feedparser

    from monitor import config as config_mod
    from monitor.analyse import Analyser, vader

    texts = []
    for body in farm.bodies.values():
        for e in feedparser.parse(body).entries:
            texts.append((e.title, e.summary))
    cfg = config_mod.load(REPO / "feeds.yaml", secrets=False)
    analyser, v = Analyser(cfg, model=None), vader()  # the rules; the model is measured on its own below
    analyser.analyse(*texts[0])
    best_ours = best_vader = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for title, body in texts:
            analyser.analyse(title, body)
        best_ours = min(best_ours, time.perf_counter() - t)
        t = time.perf_counter()
        for title, body in texts:
            v.polarity_scores(f"{title}. {body}")
        best_vader = min(best_vader, time.perf_counter() - t)
    return best_ours, best_vader, len(texts)


def model_speed(limit: int = 500) -> tuple[float, float]:
    """(median seconds per mention with model + rules, seconds to load the model in a fresh process)."""
    import statistics

    from monitor import config as config_mod
    from monitor.analyse import Analyser

    texts = []
    for path in sorted((REPO / "training").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row.get("mention"):
                texts.append((row.get("title") or "", row.get("body") or ""))
    texts = texts[::max(1, len(texts) // limit)][:limit]
    analyser = Analyser(config_mod.load(REPO / "feeds.yaml", secrets=False), model="auto")
    analyser.analyse(*texts[0])
    times = []
    for title, body in texts:
        t = time.perf_counter()
        analyser.analyse(title, body)
        times.append(time.perf_counter() - t)
    code = ("import time; t = time.perf_counter(); from monitor import model; m = model.load(); "
            "m.predict('', 'New Baby Network'); print(time.perf_counter() - t)")
    loads = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                  cwd=REPO).stdout) for _ in range(3)]
    return statistics.median(times), min(loads)


def seed_history(db_path: Path, count: int) -> float:
    """A database that already holds ``count`` mentions spread over the last year."""
    from monitor import store

    store.open_db(db_path).close()
    started = time.perf_counter()
    conn = sqlite3.connect(db_path)
    now = datetime.now(timezone.utc)
    # Index once at the end instead of row by row, then put the insert trigger back as it was.
    trigger = conn.execute("select sql from sqlite_master where type = 'trigger' and name = 'mentions_ai'").fetchone()[0]
    conn.execute("drop trigger mentions_ai")
    rows = (
        (f"https://seed.example/{i}", f"https://seed.example/{i}", f"Old story {i} about New Baby Network",
         f"Seeded mention text {i} with some words about families", f"snippet {i}", "seed",
         (now - timedelta(minutes=i * 525600 // max(count, 1))).strftime("%Y-%m-%dT%H:%M:%SZ"),
         ("info", "watch", "alert", "crisis")[i % 4] if i % 10 == 0 else "info", 0.1, 0.1, "{}", "[]", "[]", "[]", 0)
        for i in range(count)
    )
    conn.executemany(
        "insert into mentions (canonical_url, url, title, text, snippet, source, first_seen, severity, sentiment, "
        "targeted_sentiment, categories, matched_terms, reasons, actions, needs_reply) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("insert into mentions_fts(mentions_fts) values ('rebuild')")
    conn.execute(trigger)
    conn.commit()
    conn.close()
    return time.perf_counter() - started


def startup(config: Path) -> tuple[float, float]:
    def best(cmd):
        times = []
        for _ in range(7):
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=str(REPO))
            times.append(time.perf_counter() - t)
        return min(times)

    return best([sys.executable, "-m", "monitor", "--help"]), best([sys.executable, "-c", "import click"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--entries", type=int, default=20)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--history", type=int, default=1_000_000)
    ap.add_argument("--skip-naive", action="store_true", help="skip the slow sequential baseline")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes: proves the harness works in seconds")
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"))
    args = ap.parse_args(argv)
    if args.smoke:
        args.feeds, args.entries, args.latency_ms, args.history = 24, 5, 5, 2000

    rows: list[tuple] = []

    def row(name, ours, base, target, kind="ratio"):
        if kind == "ratio":
            ratio = ours / base if base else float("inf")
            ok = ratio <= target
            rows.append((name, f"{ours:.2f} s", f"{base:.2f} s", f"{ratio:.2f}x", f"<= {target}x", ok))
        elif kind == "speedup":
            ratio = base / ours if ours else float("inf")
            ok = ratio >= target
            rows.append((name, f"{ours:.2f} s", f"{base:.2f} s", f"{ratio:.1f}x faster", f">= {target}x faster", ok))
        else:  # absolute
            ok = ours <= target
            rows.append((name, f"{ours:.2f} {kind}", "-", "-", f"< {target} {kind}", ok))
        print(f"  {rows[-1][0]:<58} {rows[-1][1]:>10} {rows[-1][2]:>10} {rows[-1][3]:>14}  {rows[-1][4]:<16} {'ok' if ok else 'MISSED'}",
              flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="nbn-bench-"))
    print(f"Feed farm: {args.feeds} feeds x {args.entries} entries, {args.latency_ms:g} ms latency, "
          f"{args.workers} workers; work in {tmp}", flush=True)
    try:
        farm = Farm(args.feeds, args.entries, args.latency_ms).start()
        urls = farm.urls()
        cfg = write_config(tmp, urls, args.workers)

        # 1. cold run
        cold, rss_mb, line = run_monitor(cfg, tmp / "cold.db", "run", "--force", "--quiet")
        print(f"  monitor run (cold): {line}", flush=True)
        fetch_s, bodies = fetch_all(urls, args.workers)
        parse_s = parse_all(bodies)
        if not args.skip_naive:
            row("1. cold run vs naive sequential loop", cold, naive(urls), 10, "speedup")
        row("1. cold run vs floor (concurrent fetch + parse)", cold, fetch_s + parse_s, 1.5)

        # 2. warm run, conditional GET honoured
        warm, _r, line = run_monitor(cfg, tmp / "cold.db", "run", "--force", "--quiet")
        etag_s, _b = fetch_all(urls, args.workers, etags={u: farm.etags[urlsplit(u).path] for u in urls})
        row("2. warm run (304s) vs bare conditional-GET pass", warm, etag_s, 1.5)

        # 3. server ignores ETags: unchanged bodies must not be parsed again
        farm.etag = False
        run_monitor(cfg, tmp / "noetag.db", "run", "--force", "--quiet")
        unchanged, _r, line = run_monitor(cfg, tmp / "noetag.db", "run", "--force", "--quiet")
        fetch2_s, _b = fetch_all(urls, args.workers)
        row("3. unchanged bodies, no ETag, vs fetch-only floor", unchanged, fetch2_s, 2)
        farm.etag = True

        # 4. analysis
        ours, raw, n = analysis(farm)
        row(f"4. analysis vs raw VADER ({n} texts)", ours, raw, 1.3)
        per_mention, load_s = model_speed(50 if args.smoke else 500)
        row("4. model + rules, median per mention", per_mention * 1000, 0, 5, "ms")
        row("4. model load in a fresh process", load_s * 1000, 0, 300, "ms")

        # 5. history
        hist_db = tmp / "history.db"
        seed_s = seed_history(hist_db, args.history)
        print(f"  seeded {args.history:,} mentions in {seed_s:.1f} s", flush=True)
        fresh, _r, _l = run_monitor(cfg, tmp / "empty.db", "run", "--force", "--quiet")
        with_history, _r, _l = run_monitor(cfg, hist_db, "run", "--force", "--quiet")
        row(f"5. cold run with {args.history:,} mentions vs empty database", with_history, fresh, 1.2)
        week = (datetime.now(timezone.utc) - timedelta(days=7)).strftime("%G-W%V")
        digest_s, _r, _l = run_monitor(cfg, hist_db, "digest", "--week", week, "--out", str(tmp / "digests"))
        row(f"5. weekly digest over {args.history:,} mentions", digest_s, 0, 2, "s")

        # 6. start-up and memory
        ours_help, click_only = startup(cfg)
        row("6. `monitor --help` vs `python -c 'import click'`", ours_help, click_only, 1.5)
        row("6. peak RSS of the cold run", rss_mb, 0, 200, "MB")
        farm.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    write_results(Path(args.out), args, rows)
    print(f"Wrote {args.out}")
    return 0 if all(r[5] for r in rows) or args.smoke else 1


def write_results(path: Path, args, rows) -> None:
    lines = [
        "# Benchmark results", "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}.", "",
        f"`python bench/run.py --feeds {args.feeds} --entries {args.entries} --latency-ms {args.latency_ms:g} "
        f"--workers {args.workers} --history {args.history}`", "",
        "| figure | monitor | baseline | ratio | target | met |", "|---|---|---|---|---|---|",
    ]
    lines += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {'yes' if r[5] else '**no**'} |" for r in rows]
    notes = HERE / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
