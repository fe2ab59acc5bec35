"""`monitor run` as a program leaves without the interpreter's teardown (monitor/cli/run.py ``_exit``):
its output and exit code must still come out whole, through a pipe and a file."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO, rss, write_config


def test_monitor_run_as_a_program_flushes_its_output_and_keeps_its_exit_code(tmp_path, httpserver):
    httpserver.expect_request("/ok").respond_with_data(rss({"title": "New Baby Network is great"}),
                                                       content_type="application/rss+xml")
    httpserver.expect_request("/gone").respond_with_data("no", status=500)
    path = write_config(tmp_path, sources=[{"name": "ok", "kind": "rss", "url": httpserver.url_for("/ok")},
                                           {"name": "broken", "kind": "rss", "url": httpserver.url_for("/gone")}])
    cmd = [sys.executable, "-m", "monitor", "--config", str(path), "--db", str(tmp_path / "m.db"), "run"]
    piped = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=REPO)
    assert piped.returncode == 1, piped.stderr  # one source failed
    assert "broken" in piped.stdout and "new mentions 1" in piped.stdout.splitlines()[-1]
    with open(tmp_path / "out.txt", "w") as out:
        again = subprocess.run([*cmd, "--force"], stdout=out, stderr=subprocess.STDOUT, timeout=60, cwd=REPO)
    assert again.returncode == 1
    assert "new mentions 0" in (tmp_path / "out.txt").read_text().splitlines()[-1]
