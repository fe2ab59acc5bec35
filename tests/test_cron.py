"""The cron wrapper: flock, the project's venv, an append-only log, secrets from monitor.env."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO, rss, write_config

pytestmark = pytest.mark.skipif(shutil.which("flock") is None, reason="flock (util-linux) not installed")


def project_copy(tmp_path: Path) -> Path:
    """A throw-away project folder whose .venv is this one, so the wrapper runs as cron would."""
    proj = tmp_path / "proj"
    (proj / "cron").mkdir(parents=True)
    shutil.copy(REPO / "cron" / "monitor-run", proj / "cron" / "monitor-run")
    (proj / ".venv").symlink_to(REPO / ".venv")
    return proj


def test_wrapper_runs_with_secrets_from_env_file_and_appends_to_the_log(tmp_path, httpserver):
    httpserver.expect_request("/f").respond_with_data(rss({"title": "New Baby Network is great"}),
                                                      content_type="application/rss+xml")
    proj = project_copy(tmp_path)
    write_config(proj, sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                 channels={"email": "${TEST_EMAIL_URL}"}, routes={"crisis": ["email"]})
    (proj / "cron" / "monitor.env").write_text("TEST_EMAIL_URL='mailto://127.0.0.1:9?mode=insecure&to=a@example.org'\n")
    for _ in range(2):
        proc = subprocess.run([str(proj / "cron" / "monitor-run")], capture_output=True, text=True, timeout=60,
                              env={"PATH": "/usr/bin:/bin"})
        assert proc.returncode == 0, (proc.stdout, proc.stderr, (proj / "data" / "monitor.log").read_text())
    log = (proj / "data" / "monitor.log").read_text()
    assert log.count("--- exit 0") == 2 and "new mentions 1" in log and "new mentions 0" in log


def test_wrapper_skips_while_another_run_holds_the_lock(tmp_path):
    proj = project_copy(tmp_path)
    (proj / "data").mkdir()
    holder = subprocess.Popen(["flock", str(proj / "data" / "cron.lock"), "sleep", "5"])
    try:
        import time

        time.sleep(0.3)
        proc = subprocess.run([str(proj / "cron" / "monitor-run")], capture_output=True, text=True, timeout=30)
    finally:
        holder.kill()
    assert proc.returncode == 75
    assert "previous run still going" in (proj / "data" / "monitor.log").read_text()
