"""feedparser's own test corpus (~2,200 hostile, broken and odd feeds) against the real monitor.

1. Served over loopback as one source each, in one `monitor run`: no crash, exit 0 or 1.
2. Differential: every feed through the fast path (feedparser-rs where it is used) and through
   feedparser alone gives the same items: entry count, title, link, published, summary.

The corpus is fetched from PyPI on first use (see tests/corpus.py): not committed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from werkzeug import Response

from monitor import store
from monitor.sources import rss as rss_mod

from .conftest import REPO, SHIPPED
from .corpus import corpus_or_skip, fixtures


@pytest.fixture(scope="module")
def corpus() -> tuple[Path, list[Path]]:
    root = corpus_or_skip()
    return root, fixtures(root)


def _items(body: bytes, *, fast: bool):
    saved = rss_mod._fast_parse
    if not fast:
        rss_mod._fast_parse = lambda _body: None
    try:
        items, _warning = rss_mod.parse_feed("s", body, {"content-type": "application/xml"}, "http://127.0.0.1/feed")
        return [(i.title, i.url, i.published, i.text) for i in items]
    except rss_mod.SourceFailed as exc:
        return f"failed: {exc}"
    finally:
        rss_mod._fast_parse = saved


def test_fast_path_reads_every_corpus_feed_as_feedparser_does(corpus):
    root, files = corpus
    used_fast, differ = 0, []
    for path in files:
        body = path.read_bytes()
        if rss_mod._fast_parse(body) is not None:
            used_fast += 1
        got, want = _items(body, fast=True), _items(body, fast=False)
        if got != want:
            differ.append(f"{path.relative_to(root)}: fast {str(got)[:200]} / feedparser {str(want)[:200]}")
    assert not differ, f"{len(differ)} of {len(files)} feeds read differently:\n" + "\n".join(differ[:20])
    # Not vacuous: the fast path still takes the plain feeds (44 of 2,248 in feedparser 6.0.14's corpus,
    # which is nearly all edge cases; the bundled real-format feeds all take it, see test_collect.py).
    assert used_fast > 20


def test_the_whole_corpus_served_as_sources_in_one_run_never_crashes(corpus, httpserver, tmp_path):
    root, files = corpus
    bodies = {f"/c/{i}": path.read_bytes() for i, path in enumerate(files)}

    def handler(request):
        return Response(bodies[request.path], content_type="application/xml")

    httpserver.expect_request(re.compile(r"^/c/\d+$")).respond_with_handler(handler)
    sources = [{"name": f"c{i}-{path.stem[:40]}", "kind": "rss", "url": httpserver.url_for(f"/c/{i}")}
               for i, path in enumerate(files)]
    cfg = {
        "organisation": SHIPPED["organisation"],
        "settings": {"database": str(tmp_path / "monitor.db"), "alerts_dir": str(REPO / "alerts"),
                     "read_timeout": "5s", "connect_timeout": "2s", "fetch_deadline": "10s", "workers": 8,
                     "per_host": 8},
        "sources": sources, "escalation": SHIPPED["escalation"], "thresholds": SHIPPED["thresholds"],
        "channels": {}, "routes": {},
    }
    config = tmp_path / "feeds.yaml"
    config.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "run"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "MONITOR_DB": str(tmp_path / "monitor.db")})
    took = time.monotonic() - started
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-2000:])
    db = store.open_db(tmp_path / "monitor.db")
    polled = db.execute("select count(*) from fetches").fetchone()[0]
    outcomes = dict(db.execute("select outcome, count(*) from fetches group by outcome").fetchall())
    assert polled == len(files), outcomes  # every source was polled and recorded, none lost to another
    assert outcomes.get("new", 0) > 0.8 * len(files), outcomes
    (run,) = db.query("select * from runs")
    assert run["exit_code"] == proc.returncode and run["polled"] == len(files)
    print(f"{len(files)} corpus feeds in one run: {outcomes}, exit {proc.returncode}, {took:.1f}s")
