"""The benchmark harness works (a seconds-long run at tiny sizes). The figures themselves live in bench/RESULTS.md."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO


def test_bench_harness_smoke(tmp_path):
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--smoke", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = out.read_text()
    for figure in ("vs floor with the same parser", "vs floor with feedparser", "vs naive sequential loop",
                   "peak RSS of the cold run", "warm run (304s)", "unchanged bodies",
                   "analysis before the model, 5% mention us", "analysis before the model, 100% mention us",
                   "analysis, rules path, 100% mention us", "analysis with the learned model, 100% mention us",
                   "is-it-us check, per text that mentions us", "judgement model, per text that mentions us",
                   "is-it-us check + judgement model, per text that mentions us",
                   "with 2,000 mentions vs empty database", "weekly digest over 2,000 mentions, 1% unanswered",
                   "weekly digest over 2,000 mentions, 10% unanswered", "`monitor check` on a 50-source config",
                   "`monitor --help`", "python bench/run.py --only cold200",
                   "10 ms latency, vs naive sequential loop", "24 feeds, 10 ms latency, vs naive sequential loop (the floor fetches",
                   "judgement model load (fresh process, wall)", "both loads, as the run's analysis worker pays them"):
        assert figure in text, figure
    assert "cores, Python 3." in text and " / **" in text  # min / median / max


def test_timeline_smoke(tmp_path):
    """bench/timeline.py marks a real `monitor run` as it goes and reads the farm's first request, for the run and
    for the floor (with the analysis worker: MONITOR_ANALYSIS_WORKER=1 with a few feeds)."""
    import json
    import os

    out = tmp_path / "timeline.json"
    env = {**os.environ, "MONITOR_ANALYSIS_WORKER": "1"}
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "timeline.py"), "--feeds", "12", "--entries", "3",
                           "--latency-ms", "5", "--runs", "1", "--json", str(out)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    sides = json.loads(out.read_text())
    (run,), (floor,) = sides["this tree"], sides["floor"]
    order = ["interpreter up", "monitor.cli imported", "config loaded", "run_cycle", "lock taken", "fetcher made",
             "worker forked", "first request received", "every poll back", "store done", "run done", "exit"]
    assert [run[k] for k in order] == sorted(run[k] for k in order), run
    assert run["first request (ours)"] <= run["first request received"] and run["worker closed"] <= run["store done"]
    assert run["source rows read"] > run["first request received"]  # a first run: its database made after
    assert 0 < floor["first request received"] < floor["exit"]
    assert "first request received" in proc.stdout
