"""What the feedparser-rs fast path still buys, now that it is used only where it agrees.

    python bench/fastpath.py [--feeds 500] [--entries 20] [--latency-ms 50] [--workers 16]

1. Parse only, per feed: the bench farm's synthetic feeds and the four bundled real-format
   feeds (Google News, Google Alerts, Bing News, Mastodon), through ``parse_feed`` with the
   fast path and with feedparser alone.
2. A cold ``run_cycle`` (in this process, fresh database each) over the loopback farm, with
   and without the fast path.
Prints a small table; the figures are recorded in bench/NOTES.md by hand.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from farm import Farm  # noqa: E402


def per_feed_ms(bodies: list[bytes], fast: bool, rounds: int = 3) -> float:
    from monitor.sources import rss

    saved = rss._fast_parse
    if not fast:
        rss._fast_parse = lambda _body: None
    try:
        best = float("inf")
        for _ in range(rounds):
            started = time.perf_counter()
            for body in bodies:
                rss.parse_feed("s", body, {"content-type": "application/rss+xml"}, "http://127.0.0.1/feed")
            best = min(best, time.perf_counter() - started)
        return best / len(bodies) * 1000
    finally:
        rss._fast_parse = saved


def cold_run(urls: list[str], workers: int, fast: bool) -> float:
    from monitor import config as config_mod
    from monitor.pipeline import run_cycle
    from monitor.sources import rss
    from workspace import write_config

    saved = rss._fast_parse
    if not fast:
        rss._fast_parse = lambda _body: None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = write_config(Path(tmp), urls, workers)
            cfg = config_mod.load(path, environ={})
            started = time.perf_counter()
            run_cycle(cfg, Path(tmp) / "monitor.db")
            return time.perf_counter() - started
    finally:
        rss._fast_parse = saved


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--entries", type=int, default=20)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--workers", type=int, default=16)
    args = ap.parse_args(argv)

    from monitor.sources import rss

    farm = Farm(args.feeds, args.entries, args.latency_ms).start()
    try:
        synthetic = list(farm.bodies.values())
        real = [p.read_bytes() for p in sorted((REPO / "monitor" / "demo" / "feeds").glob("*.xml"))]
        rows = []
        for name, bodies in (("synthetic farm feed", synthetic[:300]), ("bundled real-format feed", real * 50)):
            taken = sum(rss._fast_parse(b) is not None for b in bodies)
            fast, slow = per_feed_ms(bodies, True), per_feed_ms(bodies, False)
            rows.append((f"parse one {name} (fast path taken {taken}/{len(bodies)})", f"{fast:.2f} ms",
                         f"{slow:.2f} ms", f"{slow / fast:.1f}x"))
        urls = farm.urls()
        slow_run = cold_run(urls, args.workers, fast=False)
        fast_run = cold_run(urls, args.workers, fast=True)
        rows.append((f"cold run, {args.feeds} feeds x {args.entries} entries, {args.latency_ms:g} ms latency",
                     f"{fast_run:.2f} s", f"{slow_run:.2f} s", f"{slow_run / fast_run:.2f}x"))
    finally:
        farm.stop()
    print(f"{'figure':<72} {'fast path':>10} {'feedparser':>11} {'gain':>6}")
    for row in rows:
        print(f"{row[0]:<72} {row[1]:>10} {row[2]:>11} {row[3]:>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
