"""Same stored results: a cold run by an older tree and by this one, every table dumped and compared.

    git archive 4a4f9e4 monitor | tar -x -C /tmp/old        # the older tree's package
    python bench/same_store.py --old /tmp/old --feeds 1000 [--runs 2]

Both trees run ``python -m monitor run --force`` (each from its own directory, so each imports its own
package) against the same bench farm (``bench/farm.py``) with the same config, each into a fresh
database; runs alternate old, new, old, new. Every table is then dumped with what differs between
any two runs of the same code taken out: row ids (a mention is named by its canonical URL, an alert
by its rule and group, wherever another row points at them), and the clock (when the run happened,
how long a fetch took). The full-text index is dumped through its rows (the canonical URL, title and
text it holds for each) and checked with FTS5's integrity check. Prints the counts per table and the
first differences; exit 1 if any run differs from the first old run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# Columns that hold the run's clock or its order of events, not its results.
CLOCK = {"first_seen", "last_seen", "created", "started", "finished", "time", "last_polled", "next_poll",
         "last_success", "last_new_item", "duration_ms", "seconds", "hold_until", "updated", "sent_at",
         "queued", "next_attempt", "last_attempt", "attempted", "due"}
SKIP_TABLES = {"_sqlite_migrations", "sqlite_sequence", "keys"}  # keys: a random signing key per database

# Texts that raise alerts of every level (complaints, praise, a crisis, a press deadline, a namesake), put
# into every tenth feed by ``--varied`` so the comparison covers alerts, groups and deliveries too.
VARIED = [
    ("Really disappointed with New Baby Network",
     "I messaged New Baby Network three times and nobody replied. Feel let down."),
    ("Southvale mums praise New Baby Network", "The volunteers were lovely. Thank you!"),
    ("Worried", "New Baby Network volunteer said I should not be alone with the baby. "
     "I keep thinking everyone would be better off without me."),
    ("New Baby Network of friends", "our new baby network of friends is growing"),
    ("Journalist here", "The Gazette news desk is asking New Baby Network for comment "
     "on the safeguarding concerns by 5pm today."),
    ("New Baby Network volunteer accused", "Parents say a New Baby Network volunteer shared private details "
     "of families online. Data breach reported to the council."),
]


def varied_body(i: int, entries: int) -> bytes:
    from xml.sax.saxutils import escape

    items = []
    for j in range(entries):
        title, text = VARIED[j] if j < len(VARIED) else (f"Local story {i}-{j}", "Parking and weather.")
        # Each feed's own headlines: one story carried by many feeds is grouped under whichever copy is stored
        # first, which depends on the order the polls come back (in any tree), not on the code.
        title = f"{title} ({i})"
        items.append(f"<item><title>{escape(title)}</title><link>https://varied{i}.example/{j}</link>"
                     f"<guid>https://varied{i}.example/{j}</guid><description>{escape(text)}</description>"
                     f"<pubDate>Mon, 23 Nov 2026 {j % 24:02d}:00:00 GMT</pubDate></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Varied {i}</title>'
            f"<link>https://varied{i}.example/</link><description>varied</description>{''.join(items)}"
            "</channel></rss>").encode()


_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")


def _clockless(v, since: str):
    """A time the run wrote from its clock (at or after ``since``, the run's start) -> "<clock>"."""
    if isinstance(v, str) and _ISO.fullmatch(v) and v >= since:
        return "<clock>"
    return v


def dump(db_path: Path, since: str) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db_path)
    out: dict[str, list[tuple]] = {}
    mention_key = dict(con.execute("select id, canonical_url from mentions"))
    alert_key = {i: f"{r}|{g}" for i, r, g in con.execute("select id, rule, group_key from alerts")}
    tables = [r[0] for r in con.execute("select name from sqlite_master where type = 'table' order by name")]
    for table in tables:
        if table in SKIP_TABLES or table.startswith("mentions_fts"):
            continue
        cols = [r[1] for r in con.execute(f"pragma table_info([{table}])")]
        keep = [c for c in cols if c not in CLOCK and not c.endswith("_at") and c != "id"]
        rows = []
        for row in con.execute(f"select {', '.join(f'[{c}]' for c in keep)} from [{table}]"):
            named = []
            for c, v in zip(keep, row):
                if c == "mention_id" or (table == "mentions" and c == "duplicate_of"):
                    v = mention_key.get(v, v)
                elif c in ("alert_id", "down_alert_id"):
                    v = alert_key.get(v, v)
                named.append(_clockless(v, since))
            rows.append(tuple(named))
        out[table] = sorted(rows, key=repr)
    # A message carries the alerts due when it was sent: with early delivery (an alert waiting 10 s while
    # feeds are still read) how they split into messages depends on the run's speed, so the messages are
    # compared by what they carried: each alert (by rule and group), its channel, level and outcome.
    messages = out.pop("messages")
    out["messages (each alert carried: channel, level, alert, error)"] = sorted(
        ((channel, severity, alert_key.get(i, i), error)
         for channel, severity, ids, error in con.execute("select channel, severity, alert_ids, error from messages")
         for i in json.loads(ids or "[]")), key=repr)
    del messages
    out["mentions_fts (rows)"] = sorted(
        con.execute("select m.canonical_url, f.title, f.text from mentions_fts f join mentions m on m.id = f.rowid"),
        key=repr)
    out["mentions_fts (rowids not in mentions)"] = list(con.execute(
        "select rowid from mentions_fts where rowid not in (select id from mentions)"))
    con.execute("insert into mentions_fts(mentions_fts) values('integrity-check')")  # raises if the index is wrong
    con.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", required=True, help="a directory holding the older tree's monitor package")
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--entries", type=int, default=20)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--varied", action="store_true", help="every tenth feed carries texts that raise alerts")
    ap.add_argument("--runs", type=int, default=1, help="runs of each tree (alternated)")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from farm import Farm
    from workspace import ENV, write_config

    farm = Farm(a.feeds, a.entries, a.latency_ms)
    if a.varied:
        for n, path in enumerate(list(farm.bodies)):
            if n % 10 == 0:
                farm.bodies[path] = varied_body(n, a.entries)
    farm.start()
    tmp = Path(tempfile.mkdtemp(prefix="nbn-same-store-"))
    cfg = write_config(tmp, farm.urls(), a.workers)
    if a.varied:  # alerts routed to a channel that refuses at once (loopback port 9): outbox rows, no message leaves
        import yaml

        doc = yaml.safe_load(cfg.read_text())
        doc["channels"] = {"hook": "json://127.0.0.1:9/"}
        doc["routes"] = {"crisis": ["hook"], "alert": ["hook"]}
        cfg.write_text(yaml.safe_dump(doc, sort_keys=False))
    dumps = []
    for i in range(2 * a.runs):
        tree = a.old if i % 2 == 0 else str(REPO)
        db = tmp / f"run-{i}.db"
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
        proc = subprocess.run([sys.executable, "-m", "monitor", "--config", str(cfg), "--db", str(db), "run", "--force"],
                              cwd=tree, env=ENV, capture_output=True, text=True)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{tree}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
        label = ("old" if i % 2 == 0 else "new") + f" #{i // 2 + 1}"
        dumps.append((label, dump(db, since)))
        print(f"{label}: {proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ''}", flush=True)
    farm.stop()
    ref_label, ref = dumps[0]
    print("\nrows per table (" + ref_label + "): " + ", ".join(f"{t} {len(rows)}" for t, rows in ref.items()))
    same = True
    for label, d in dumps[1:]:
        diff = [t for t in sorted(set(ref) | set(d)) if ref.get(t) != d.get(t)]
        print(f"{label} vs {ref_label}: " + ("identical, every table" if not diff else f"DIFFERENT in {diff}"))
        for t in diff[:3]:
            a_rows, b_rows = set(ref.get(t, [])), set(d.get(t, []))
            print(f"  {t}: {len(a_rows - b_rows)} rows only in {ref_label}, {len(b_rows - a_rows)} only in {label}")
            for row in list(a_rows - b_rows)[:2]:
                print(f"    - {str(row)[:300]}")
            for row in list(b_rows - a_rows)[:2]:
                print(f"    + {str(row)[:300]}")
        same = same and not diff
    for p in tmp.iterdir():
        p.unlink()
    os.rmdir(tmp)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
