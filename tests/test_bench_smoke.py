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
    for figure in ("1. cold run vs naive", "2. warm run", "3. unchanged bodies", "4. analysis vs raw VADER", "4. model + rules, median", "4. model load",
                   "5. cold run with 2,000 mentions", "5. weekly digest", "6. `monitor --help`", "6. peak RSS"):
        assert figure in text, figure
    assert "cores, Python 3." in text
