"""Every query a cold run makes on a large store, with SQLite's plan for it: which ones read a whole table?

    python bench/queryplans.py --history 1000000 --feeds 100

Seeds a database as ``bench/run.py --only history`` does (``--history`` mentions over a year, 1% needing a
reply, a run 30 days old, the spike rules on), runs one cold ``run_cycle`` against a loopback farm with
every statement traced (``sqlite3`` trace callback), then prints each distinct statement (numbers and
strings folded) with how often it ran and ``EXPLAIN QUERY PLAN`` of one of its instances. A plan line
``SCAN <table>`` without an index, on a table that grows with the history, is the kind of query whose
cost grows with the store; ``SEARCH ... USING INDEX`` reads only its rows.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import sqlite3
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

GROWS = ("mentions", "mention_sources", "mentions_fts", "alerts", "alert_mentions", "deliveries", "fetches", "runs",
         "messages")


def shape(sql: str) -> str:
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    sql = re.sub(r"\(\?(?:, ?\?)+\)", "(?...)", sql)
    return " ".join(sql.split())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--history", type=int, default=1_000_000)
    ap.add_argument("--feeds", type=int, default=100)
    a = ap.parse_args(argv)
    from farm import Farm
    from workspace import seed_history, write_config

    from monitor import config as config_mod
    from monitor import pipeline, store

    tmp = Path(tempfile.mkdtemp(prefix="nbn-plans-"))
    farm = Farm(a.feeds, 20, 0).start()
    try:
        now = datetime.now(timezone.utc)
        seeded = tmp / "seed.db"
        seconds = seed_history(seeded, a.history, now)
        print(f"seeded {a.history:,} mentions in {seconds:.0f} s", flush=True)
        db_path = tmp / "run.db"
        shutil.copyfile(seeded, db_path)
        cfg = config_mod.load(write_config(tmp, farm.urls(), 16, spikes=True), secrets=False)
        seen: dict[str, list] = collections.defaultdict(list)
        open_db = store.open_db

        def traced(path):
            db = open_db(path)
            db.conn.set_trace_callback(lambda sql: seen[shape(sql)].append(sql))
            return db

        store.open_db = traced
        # (pipeline calls store.open_db through the module, patched above)
        pipeline.run_cycle(cfg, db_path, now=now, force=True)
        conn = sqlite3.connect(db_path)
        flagged = 0
        for key, instances in sorted(seen.items(), key=lambda kv: -len(kv[1])):
            if not re.match(r"\s*(select|insert|update|delete|with)\b", key, re.I):
                continue
            try:
                plan = [row[3] for row in conn.execute("explain query plan " + instances[0])]
            except sqlite3.Error as exc:
                plan = [f"(no plan: {exc})"]
            scans = [p for p in plan if re.match(r"SCAN (\w+)", p) and re.match(r"SCAN (\w+)", p).group(1) in GROWS
                     and "USING" not in p]
            flagged += bool(scans)
            print(f"\n{'!! ' if scans else ''}{len(instances)}x {key[:300]}")
            for p in plan:
                print(f"    {p}")
        print(f"\n{len(seen)} distinct statements; {flagged} scan a table that grows with the history")
    finally:
        farm.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
