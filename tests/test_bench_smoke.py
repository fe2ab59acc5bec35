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
                   "`monitor --help`", "python bench/run.py --only cold200"):
        assert figure in text, figure
    assert "cores, Python 3." in text and " / **" in text  # min / median / max
