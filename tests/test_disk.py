"""A busy or broken disk: plain sentences, distinct exit codes, nothing lost (real SQLite files)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import pytest
from click.testing import CliRunner

from monitor import config as config_mod
from monitor import store
from monitor.cli import cli
EXIT_BUSY, EXIT_DISK_FULL, EXIT_CANNOT_WRITE = 69, 74, 73
from monitor.pipeline import run_cycle

from .conftest import NOW, REPO, rss, write_config

COMPLAINT = {"title": "Really disappointed with New Baby Network", "link": "https://forum.example.org/t/1",
             "description": "I messaged New Baby Network three times and nobody replied. Feel let down."}
OTHER = {"title": "New Baby Network let me down again", "link": "https://forum.example.org/t/2",
         "description": "New Baby Network never replied to my complaint. Disappointed."}


def _setup(tmp_path, httpserver, *items):
    httpserver.expect_request("/f").respond_with_data(rss(*(items or (COMPLAINT,))), content_type="application/rss+xml")
    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                        channels={"email": "mailto://127.0.0.1:9?mode=insecure&from=a@example.org&to=b@example.org"},
                        routes={"alert": ["email"]})
    return path, tmp_path / "monitor.db"


class Holder:
    """Another connection (as Datasette, a backup or a second terminal would be) holding a write transaction:
    for ``seconds``, or with ``seconds=None`` until the ``with`` block ends (however slow the machine is)."""

    def __init__(self, db_path, seconds: float | None):
        self.db_path, self.seconds = db_path, seconds
        self.ready, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self):
        conn = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("insert into silences (created, matchers, starts, ends, reason) values ('x', '{}', 'x', 'x', 'held')")
        self.ready.set()
        if self.seconds is None:
            self.release.wait(60)
        else:
            time.sleep(self.seconds)
        conn.execute("COMMIT")
        conn.close()

    def __enter__(self):
        self.thread.start()
        self.ready.wait(5)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(30)


COMMANDS = (["ack", "1", "--note", "on it"], ["ack", "m1"], ["mark", "m1", "--needs-reply"], ["resolve", "m1"])


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_triage_commands_wait_for_a_writer_instead_of_failing_at_once(tmp_path, httpserver, args):
    path, db_path = _setup(tmp_path, httpserver)
    run_cycle(config_mod.load(path, environ={}), db_path, now=NOW)
    with Holder(db_path, 0.6):
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["--config", str(path), *args])
        waited = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert waited >= 0.3  # it waited for the other writer rather than failing


def test_run_waits_for_a_writer_and_loses_nothing(tmp_path, httpserver):
    path, db_path = _setup(tmp_path, httpserver)
    store.open_db(db_path).close()
    with Holder(db_path, 0.6):
        result = CliRunner().invoke(cli, ["--config", str(path), "run"])
    assert result.exit_code in (0, 1), result.output
    db = store.open_db(db_path)
    assert db["mentions"].count == 1 and db["runs"].count == 1


@pytest.mark.parametrize("args", (["run"], *COMMANDS[1:]), ids=lambda a: " ".join(a[:2]))
def test_a_database_busy_for_too_long_is_one_plain_sentence_and_its_own_exit_code(tmp_path, httpserver, monkeypatch, args):
    path, db_path = _setup(tmp_path, httpserver)
    run_cycle(config_mod.load(path, environ={}), db_path, now=NOW)
    monkeypatch.setattr(store, "BUSY_TIMEOUT", 0.2)
    with Holder(db_path, None):  # still held when the command gives up, on a slow machine too
        result = CliRunner().invoke(cli, ["--config", str(path), *args])
    assert result.exit_code == EXIT_BUSY, result.output
    assert "Traceback" not in result.output and "OperationalError" not in result.output
    assert f"The database {db_path} is busy" in result.output and "try again" in result.output


def _feed(n: int) -> bytes:
    return rss(*({"title": f"New Baby Network complaint number {i}", "link": f"https://forum.example.org/t/{i}",
                  "description": f"I am disappointed with New Baby Network, nobody replied to message {i}. " * 20}
                 for i in range(n)))


def test_a_full_disk_is_one_sentence_exit_74_the_run_is_recorded_and_the_next_run_recovers(tmp_path, httpserver, monkeypatch):
    httpserver.expect_request("/f").respond_with_data(_feed(1), content_type="application/rss+xml")
    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                        rules={"heartbeat_url": httpserver.url_for("/hb")})
    db_path = tmp_path / "monitor.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--config", str(path), "run"]).exit_code == 0
    db = store.open_db(db_path)
    pages = db.execute("pragma page_count").fetchone()[0]
    db.close()
    # SQLite meets a full disk: the database may not grow by more than two pages.
    monkeypatch.setattr(store, "EXTRA_PRAGMAS", [f"PRAGMA max_page_count = {pages + 2}"])
    httpserver.clear()
    httpserver.expect_request("/f").respond_with_data(_feed(40), content_type="application/rss+xml")
    httpserver.expect_request("/hb/fail").respond_with_data("OK")
    result = runner.invoke(cli, ["--config", str(path), "run", "--force"])
    assert result.exit_code == EXIT_DISK_FULL, result.output
    assert [r.path for r, _ in httpserver.log][-1] == "/hb/fail"  # the outside watcher hears of it
    assert "Traceback" not in result.output
    assert f"The disk holding {db_path} is full: free some space" in result.output
    monkeypatch.setattr(store, "EXTRA_PRAGMAS", [])
    db = store.open_db(db_path)
    assert db["mentions"].count == 1  # the failed source's transaction left nothing half-written
    assert [r["exit_code"] for r in db.query("select exit_code from runs order by id")] == [0, EXIT_DISK_FULL]
    db.close()
    again = runner.invoke(cli, ["--config", str(path), "run", "--force"])
    assert again.exit_code == 0, again.output
    assert store.open_db(db_path)["mentions"].count == 40


def _as_unprivileged(args):
    """Run the monitor so that file permissions apply even to root (CI runs as root): drop CAP_DAC_OVERRIDE."""
    cmd = [sys.executable, "-m", "monitor", *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to test permissions as root"
        cmd = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", *cmd]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env, cwd=REPO)


def test_a_read_only_data_folder_or_lock_file_is_one_sentence_exit_73_and_the_next_run_recovers(tmp_path, httpserver):
    httpserver.expect_request("/f").respond_with_data(_feed(2), content_type="application/rss+xml")
    data = tmp_path / "data"
    data.mkdir()
    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                        settings={"database": str(data / "monitor.db")})
    db_path = data / "monitor.db"
    try:
        # 1. A read-only folder before the first run: the lock file cannot be made.
        data.chmod(0o555)
        proc = _as_unprivileged(["--config", str(path), "run"])
        assert proc.returncode == EXIT_CANNOT_WRITE, proc.stderr
        assert "Traceback" not in proc.stderr
        assert f"Cannot write {db_path}.lock: it or its folder is read-only" in proc.stderr
        # 2. The database exists, the folder is read-only: SQLite cannot make its journal.
        data.chmod(0o755)
        assert _as_unprivileged(["--config", str(path), "run"]).returncode == 0
        data.chmod(0o555)
        proc = _as_unprivileged(["--config", str(path), "run", "--force"])
        assert proc.returncode == EXIT_CANNOT_WRITE, proc.stderr
        assert "Traceback" not in proc.stderr and f"Cannot write the database {db_path}" in proc.stderr
        # 3. The folder is fine, the lock file is not writable.
        data.chmod(0o755)
        (data / "monitor.db.lock").chmod(0o400)
        proc = _as_unprivileged(["--config", str(path), "run", "--force"])
        assert proc.returncode == EXIT_CANNOT_WRITE, proc.stderr
        assert f"Cannot write {db_path}.lock" in proc.stderr
        # The next run after the fix recovers.
        (data / "monitor.db.lock").chmod(0o600)
        httpserver.clear()
        httpserver.expect_request("/f").respond_with_data(_feed(3), content_type="application/rss+xml")
        proc = _as_unprivileged(["--config", str(path), "run", "--force"])
        assert proc.returncode == 0, proc.stderr
        assert store.open_db(db_path)["mentions"].count == 3
    finally:
        data.chmod(0o755)


def test_the_cron_wrapper_says_plainly_when_its_log_or_lock_cannot_be_written(tmp_path):
    from .test_cron import project_copy

    proj = project_copy(tmp_path)
    data = proj / "data"
    data.mkdir()
    log = data / "monitor.log"
    cmd = [str(proj / "cron" / "monitor-run"), "check"]
    if os.geteuid() == 0:
        cmd = [shutil.which("setpriv"), "--bounding-set=-dac_override,-dac_read_search", "--", *cmd]
    data.chmod(0o555)  # e.g. data/ belongs to another user than cron's
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    finally:
        data.chmod(0o755)
    assert proc.returncode == EXIT_CANNOT_WRITE, (proc.stdout, proc.stderr)
    assert f"monitor-run: cannot write {log} or {proj}/data/cron.lock: read-only" in proc.stderr
    # A log kept at 0644 by an older version is made private on the next run.
    log.write_text("old\n")
    log.chmod(0o644)
    subprocess.run(cmd, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600 and "--- exit 2" in log.read_text()
