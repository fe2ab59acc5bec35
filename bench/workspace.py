"""What the bench's figures run, set up and timed as cron would run it: the ``monitor`` and baseline
processes, the temporary configs and URL lists over a feed farm, and the seeded databases.

- ``run_monitor`` / ``timed`` / ``baseline``: one process, timed (``ENV``: bytecode cached, output
  buffered, as cron runs it; ``compile_package`` caches the bytecode first);
- ``write_config`` / ``urls_file`` / ``farm_workspace``: a config and a URL list over a farm's feeds;
- ``seed_history`` / ``seed_run`` / ``copy_settled``: a store holding a year of mentions and a run 30
  days old, copied and settled on the disk before a run.

Used by bench/run.py and the scripts beside it (breakdown, stages, timeline, request_times, versions, ...).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))  # this tree's monitor package (the venv's editable install may name another tree)
sys.path.insert(0, str(HERE))

import yaml  # noqa: E402


# As cron runs it: bytecode cached, output buffered (this sandbox sets both variables, which cost
# every command a recompile of the package and a flush per line).
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}


def run_monitor(config: Path, db: Path | None, *args: str, rules_only: bool = False) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, last output line) of one `monitor` subprocess; ``rules_only``: without
    the learned parts (``bench/rules_only.py``: no is-it-us check, no judgement model)."""
    out = tempfile.TemporaryFile()
    cmd = [sys.executable, *([str(HERE / "rules_only.py")] if rules_only else ["-m", "monitor"]), "--config", str(config)]
    if db is not None:
        cmd += ["--db", str(db)]
    started = time.perf_counter()
    proc = subprocess.Popen([*cmd, *args], stdout=out, stderr=subprocess.STDOUT, cwd=str(REPO), env=ENV)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    out.seek(0)
    text = out.read().decode(errors="replace").strip()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"monitor {' '.join(args)} failed:\n{text[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, text.splitlines()[-1] if text else ""


def compile_package() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "monitor")], check=True, env=ENV,
                   capture_output=True)


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=str(REPO), env=ENV)
    return time.perf_counter() - started


def write_config(tmp: Path, urls: list[str], workers: int, *, spikes: bool = False, name: str = "feeds.yaml") -> Path:
    shipped = yaml.safe_load((REPO / "feeds.yaml").read_text())
    rules = {} if spikes else {"volume_spike": {"enabled": False}, "negative_spike": {"enabled": False}}
    doc = {
        "organisation": shipped["organisation"],
        "settings": {"database": "monitor.db", "alerts_dir": str(REPO / "alerts"), "workers": workers,
                     "per_host": 4, "connect_timeout": "10s", "read_timeout": "30s"},
        "sources": [{"name": f"feed-{i}", "kind": "rss", "url": u} for i, u in enumerate(urls)],
        "escalation": shipped["escalation"],
        "thresholds": shipped["thresholds"],
        "rules": rules,
        "channels": {}, "routes": {},
    }
    path = tmp / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def baseline(mode: str, urls_file: Path, workers: int = 1) -> float:
    """Seconds of one baseline process (bench/baselines.py), timed like a monitor run."""
    return timed([sys.executable, str(HERE / "baselines.py"), mode, str(urls_file), str(workers)])


def urls_file(path: Path, urls: list[str], etags: dict | None = None) -> Path:
    path.write_text("".join(f"{u}\t{etags[urlsplit(u).path]}\n" if etags else f"{u}\n" for u in urls))
    return path


def farm_workspace(a, prefix: str, *, spikes: bool = False):
    """The set-up bench/breakdown.py, stages.py and timeline.py share: a farm of ``a.feeds`` feeds served
    from a forked process, a temporary folder with a config (``a.workers``) and a URL list, the package
    compiled. Returns ``(farm process, its pipe, urls, folder, config path, urls file)``."""
    from farm import farm_in_child

    farm, conn, urls = farm_in_child(a.feeds, a.entries, a.latency_ms)
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    cfg = write_config(tmp, urls, a.workers, spikes=spikes)
    uf = urls_file(tmp / "urls.txt", urls)
    compile_package()
    return farm, conn, urls, tmp, cfg, uf


def seed_history(db_path: Path, count: int, now: datetime, reply_share: float = 0.01) -> float:
    """A database holding ``count`` mentions spread over the last year (``reply_share`` of them
    needing a reply and never answered) and one run 30 days old, so the spike rules are past their
    warm-up and count their baseline."""
    from monitor import store

    for old in (db_path, *(db_path.with_name(db_path.name + x) for x in ("-wal", "-shm"))):
        old.unlink(missing_ok=True)  # from scratch: the digest figure may have seeded this path first
    store.open_db(db_path).close()
    started = time.perf_counter()
    conn = sqlite3.connect(db_path)
    # Index once at the end instead of row by row, then put the insert trigger back as it was.
    trigger = conn.execute("select sql from sqlite_master where type = 'trigger' and name = 'mentions_ai'").fetchone()[0]
    conn.execute("drop trigger mentions_ai")
    every = max(1, round(1 / reply_share)) if reply_share else 0

    def row(i):
        seen = now - timedelta(minutes=i * 525600 // max(count, 1))
        reply = 1 if every and i % every == 3 else 0
        # Earlier runs reminded the directors of each unanswered one once (rules.reply_candidates).
        reminded = (seen + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ") if reply and seen < now - timedelta(days=2) else None
        return (f"https://seed.example/{i}", f"https://seed.example/{i}", f"Old story {i} about New Baby Network",
                f"Seeded mention text {i} with some words about families", f"snippet {i}", "seed",
                seen.strftime("%Y-%m-%dT%H:%M:%SZ"),
                ("info", "watch", "alert", "crisis")[i % 4] if i % 10 == 0 else "info", 0.1, 0.1, "{}", "[]", "[]", "[]",
                reply, reminded)

    conn.executemany(
        "insert into mentions (canonical_url, url, title, text, snippet, source, first_seen, severity, sentiment, "
        "targeted_sentiment, categories, matched_terms, reasons, actions, needs_reply, reply_reminded_at) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (row(i) for i in range(count)))
    conn.execute("insert into mentions_fts(mentions_fts) values ('rebuild')")
    conn.execute(trigger)
    conn.commit()
    conn.close()
    seed_run(db_path, now)
    return time.perf_counter() - started


def copy_settled(src: Path, dst: Path) -> None:
    """Copy a database and have its pages written to the disk before the run: a freshly copied file of
    half a gigabyte left dirty in the page cache made the run's first checkpoint fsync write all of it
    (a store that has sat on the disk since the last cron run has nothing of the kind to flush)."""
    shutil.copyfile(src, dst)
    with open(dst, "rb+") as f:
        os.fsync(f.fileno())


def seed_run(db_path: Path, now: datetime) -> None:
    from monitor import store

    db = store.open_db(db_path)
    old = (now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    store.record_run(db, {"started": old, "finished": old, "exit_code": 0})
    db.close()
