"""A cold run of many feeds analyses on the spare core (monitor/analyse_worker.py): what it
stores and alerts must be exactly what analysing in the main process stores and alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from monitor import store
from monitor.pipeline import run_cycle

from .conftest import NOW, rss

TEXTS = [
    {"title": "Really disappointed with New Baby Network", "description":
     "I messaged New Baby Network three times and nobody replied. Feel let down."},
    {"title": "Southvale mums praise New Baby Network", "description": "The volunteers were lovely. Thank you!"},
    {"title": "Worried", "description": "New Baby Network volunteer said I should not be alone with the baby. "
     "I keep thinking everyone would be better off without me."},
    {"title": "Local news", "description": "The council met about parking. Nothing about babies."},
    {"title": "New Baby Network of friends", "description": "our new baby network of friends is growing"},
    {"title": "Journalist here", "description": "The Gazette news desk is asking New Baby Network for comment "
     "on the safeguarding concerns by 5pm today."},
]


def _run(monkeypatch, httpserver, make_config, tmp_path, worker: str, feeds: int = 6):
    from monitor import analyse_worker

    monkeypatch.setenv("MONITOR_ANALYSIS_WORKER", worker)
    sent = []  # items sent to the worker: to analyse, or in a body to parse (``Background.parse``)
    submit, parse = analyse_worker.Background.submit, analyse_worker.Background.parse
    monkeypatch.setattr(analyse_worker.Background, "submit", lambda self, items: sent.append(len(items)) or submit(self, items))
    monkeypatch.setattr(analyse_worker.Background, "parse",
                        lambda self, *a: (lambda f: (f is not None and sent.append(len(TEXTS))) or f)(parse(self, *a)))
    sources = []
    for i in range(feeds):
        items = [{**t, "link": f"https://site{i}.example/{k}"} for k, t in enumerate(TEXTS)]
        httpserver.expect_request(f"/w{worker}/{i}").respond_with_data(rss(*items), content_type="application/rss+xml")
        sources.append({"name": f"f{i}", "kind": "rss", "url": httpserver.url_for(f"/w{worker}/{i}")})
    cfg, db_path = make_config(sources=sources)
    db_path = tmp_path / f"worker-{worker}.db"
    summary = run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)
    cols = "canonical_url, title, severity, sentiment, targeted_sentiment, categories, reasons, actions, needs_reply, snippet"
    mentions = sorted(tuple(r) for r in db.execute(f"select {cols} from mentions").fetchall())
    alerts = sorted(tuple(r) for r in db.execute("select rule, severity, group_key, title from alerts").fetchall())
    assert sum(sent) == (feeds * len(TEXTS) if worker == "1" else 0)  # every poll went to the worker, or none
    return summary, mentions, alerts


def _same(monkeypatch, httpserver, make_config, tmp_path):
    off, m_off, a_off = _run(monkeypatch, httpserver, make_config, tmp_path, "0")
    on, m_on, a_on = _run(monkeypatch, httpserver, make_config, tmp_path, "1")
    assert len(m_off) == 6 * 4 and {"alert", "crisis"} & {m[2] for m in m_off}  # complaints, praise, a crisis, press
    assert m_on == m_off
    assert a_on == a_off
    assert len(on.new_mention_ids) == len(off.new_mention_ids) and on.entries == off.entries


def test_the_worker_stores_what_the_main_process_would_rules(monkeypatch, httpserver, make_config, tmp_path):
    _same(monkeypatch, httpserver, make_config, tmp_path)


@pytest.mark.model
def test_the_worker_stores_what_the_main_process_would_with_the_model(monkeypatch, httpserver, make_config, tmp_path):
    _same(monkeypatch, httpserver, make_config, tmp_path)


def test_a_worker_that_dies_costs_nothing(monkeypatch, httpserver, make_config, tmp_path):
    from monitor import analyse_worker

    def die(payload):
        import os

        os._exit(3)  # the worker process vanishes mid-run

    _off, m_off, _a = _run(monkeypatch, httpserver, make_config, tmp_path, "0")
    monkeypatch.setattr(analyse_worker, "_analyse_batch", die)
    _on, m_on, _a = _run(monkeypatch, httpserver, make_config, tmp_path, "1")
    assert m_on == m_off


def test_a_run_with_nothing_new_never_starts_the_worker(monkeypatch, httpserver, make_config, tmp_path):
    from monitor import analyse_worker

    monkeypatch.setenv("MONITOR_ANALYSIS_WORKER", "1")
    started = []
    real = analyse_worker.Background._started
    monkeypatch.setattr(analyse_worker.Background, "_started", lambda self: started.append(1) or real(self))
    httpserver.expect_request("/quiet").respond_with_data(rss(*[{**t, "link": f"https://q.example/{k}"}
                                                                for k, t in enumerate(TEXTS)]),
                                                          content_type="application/rss+xml")
    cfg, _ = make_config(sources=[{"name": "quiet", "kind": "rss", "url": httpserver.url_for("/quiet")}])
    db_path = tmp_path / "quiet.db"
    first = run_cycle(cfg, db_path, now=NOW)
    assert first.new_mention_ids and started  # new items: the worker analysed them
    started.clear()
    second = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    assert second.sources[0].outcome in ("unchanged", "not_modified") and not started


def test_the_outlet_host_is_urlsplits_hostname():
    """``outlet`` reads the host of a canonical URL without splitting it: the same as urlsplit's hostname."""
    from urllib.parse import urlsplit

    from monitor.analyse_worker import _host
    from monitor.urls import canonical

    links = ["https://a.example/x", "http://WWW.Example.COM:8080/a?b=1#c", "https://[::1]:8080/x",
             "http://user:pw@host.example/x", "https://host.example:443", "http://h.example?q=1", "https://h.example./x",
             "https://news.google.com/__i/rss/rd/articles/x?url=https://Real.example/p",
             "https://www.google.com/url?q=https://Deep.Example:81/p&sa=U", "https://xn--bcher-kva.example/%41?x=%2F",
             "ftp://files.example/x", "not a link", ""]
    seen = 0
    for link in links:
        c = canonical(link)
        assert _host(c) == (urlsplit(c).hostname or ""), link
        seen += bool(_host(c))
    assert seen == 10


def test_an_entry_whose_analysis_fails_costs_only_itself(monkeypatch, httpserver, make_config, tmp_path):
    """Analysis runs outside any savepoint (it writes nothing): a text that breaks it is skipped and
    named, the poll's other entries and the source's state are still stored."""
    from monitor.analyse import Analyser

    real = Analyser.analyse

    def analyse(self, title, body, reach=None, outlet=""):
        if "Worried" in (title or ""):
            raise ValueError("injected fault")
        return real(self, title, body, reach, outlet)

    monkeypatch.setenv("MONITOR_ANALYSIS_WORKER", "0")
    monkeypatch.setattr(Analyser, "analyse", analyse)
    items = [{**t, "link": f"https://p.example/{k}"} for k, t in enumerate(TEXTS)]
    httpserver.expect_request("/p").respond_with_data(rss(*items), content_type="application/rss+xml")
    cfg, _ = make_config(sources=[{"name": "p", "kind": "rss", "url": httpserver.url_for("/p")}])
    logged: list[str] = []
    summary = run_cycle(cfg, tmp_path / "p.db", now=NOW, log=logged.append)
    db = store.open_db(tmp_path / "p.db")
    titles = {r[0] for r in db.execute("select title from mentions")}
    assert len(titles) == 3 and "Worried" not in titles  # the other three about us are stored
    assert [line for line in logged if "injected fault" in line] == \
        ["p: entry 'https://p.example/2' skipped: ValueError: injected fault"]
    assert store.source_row(db, "p")["last_success"] and summary.exit_code == 0


def test_a_twin_of_the_warm_worker_shares_the_backlog_and_stores_the_same(monkeypatch, httpserver, make_config, tmp_path):
    """With ``MONITOR_ANALYSIS_WORKERS=2`` a worker with a backlog forks a warm twin of itself (``analyse_twin``),
    which takes polls from the same queue: two processes analyse, and what is stored and alerted stays the same
    as analysing in the main process."""
    from monitor import analyse_worker

    _off, m_off, a_off = _run(monkeypatch, httpserver, make_config, tmp_path, "0", feeds=20)
    monkeypatch.setattr(analyse_worker, "_analyse_batch", _slow_batch)
    monkeypatch.setattr(analyse_worker, "TWIN_BACKLOG", 2)
    monkeypatch.setenv("MONITOR_ANALYSIS_WORKERS", "2")
    monkeypatch.setenv("TEST_BATCH_PIDS", str(tmp_path / "pids"))
    _on, m_on, a_on = _run(monkeypatch, httpserver, make_config, tmp_path, "1", feeds=20)
    pids = (tmp_path / "pids").read_text().split()
    assert len(pids) == 20 and len(set(pids)) == 2  # every poll analysed once, by the worker or its twin
    assert m_on == m_off and a_on == a_off


def test_a_twin_that_dies_on_a_poll_costs_nothing(monkeypatch, httpserver, make_config, tmp_path):
    """The twin killed in the middle of a poll: the worker answers that poll with an error, the main process
    analyses it itself, and the run stores what it would have stored (and does not wait for ever)."""
    from monitor import analyse_worker

    _off, m_off, a_off = _run(monkeypatch, httpserver, make_config, tmp_path, "0", feeds=20)
    monkeypatch.setattr(analyse_worker, "_analyse_batch", _slow_batch)
    monkeypatch.setattr(analyse_worker, "TWIN_BACKLOG", 2)
    monkeypatch.setenv("MONITOR_ANALYSIS_WORKERS", "2")
    monkeypatch.setenv("TEST_BATCH_PIDS", str(tmp_path / "pids"))
    monkeypatch.setenv("TEST_KILL_TWIN", "1")
    _on, m_on, a_on = _run(monkeypatch, httpserver, make_config, tmp_path, "1", feeds=20)
    assert (tmp_path / "pids.killed").exists()  # the twin was killed on a poll
    assert m_on == m_off and a_on == a_off


def _slow_batch(payload):
    """The worker falling behind the fetching, as in a cold run of many feeds (module level: sent to the worker
    by name). ``TEST_BATCH_PIDS``: each batch's process id is written there; ``TEST_KILL_TWIN``: a twin (a
    process whose parent is not the run) kills itself in its first batch."""
    import os
    import signal
    import time

    time.sleep(0.3)
    out = _REAL_BATCH(payload)  # (forks the twin, with a backlog)
    where = os.environ.get("TEST_BATCH_PIDS")
    if where and os.environ.get("TEST_KILL_TWIN") and os.getppid() != _RUN_PID:
        open(where + ".killed", "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    if where:
        with open(where, "a") as f:
            f.write(f"{os.getpid()}\n")
    return out


_RUN_PID = __import__("os").getpid()  # the test process: the worker's parent (a twin's parent is the worker)


from monitor.analyse_worker import _analyse_batch as _REAL_BATCH  # noqa: E402


def test_a_first_run_forks_the_worker_at_once_and_stores_the_same(monkeypatch, httpserver, make_config, tmp_path):
    """Sources never read before: the worker is forked before any poll is back and loads what analysis
    needs (analyse_worker._warm_up); what it stores is still what the main process would store."""
    from monitor import analyse_worker

    _off, m_off, a_off = _run(monkeypatch, httpserver, make_config, tmp_path, "0")
    monkeypatch.setattr(analyse_worker, "MIN_SOURCES", 6)  # the six sources of _run, all never read
    warmed = []
    warm_up = analyse_worker.Background.warm_up
    monkeypatch.setattr(analyse_worker.Background, "warm_up", lambda self: warmed.append(self.pool) or warm_up(self))
    _on, m_on, a_on = _run(monkeypatch, httpserver, make_config, tmp_path, "1")
    assert warmed == [None]  # once, with no worker yet: forked here, not on the first poll
    assert m_on == m_off and a_on == a_off


def test_sources_read_before_fork_no_worker_until_a_poll_brings_items(monkeypatch):
    from monitor import analyse_worker

    monkeypatch.delenv("MONITOR_ANALYSIS_WORKER", raising=False)
    monkeypatch.setattr(analyse_worker.os, "cpu_count", lambda: 2)
    due = analyse_worker.MIN_SOURCES
    assert analyse_worker.Background.start(object(), due - 1, due - 1) is None  # few sources: analysed here
    warm = analyse_worker.Background.start(object(), due, due - 1)  # most were read before: a warm run
    assert warm is not None and warm.pool is None  # nothing forked, nothing loaded (yet)


_KILLED_RUN = r"""
import sys, time
from monitor.lock import RunLock
from monitor.analyse_worker import Background

class Analyser:  # stands in: the worker only has to be forked and running
    class identity:
        @staticmethod
        def learned():
            return []

with RunLock(sys.argv[1]) as lock:
    background = Background(Analyser(), lock.fileno())
    pool = background._started()
    print(pool.submit(__import__("os").getpid).result(), flush=True)  # the worker's pid, once it runs
    time.sleep(60)
"""


def test_a_killed_run_leaves_neither_its_worker_nor_its_lock(tmp_path):
    """SIGKILL a run whose analysis worker is running: the worker ends, and the next run gets the lock
    (the worker held a copy of the lock and waited for its next poll for ever: every later run said
    another run was going on)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from monitor.lock import Locked, RunLock

    db = tmp_path / "k.db"
    run = subprocess.Popen([sys.executable, "-c", _KILLED_RUN, str(db)], stdout=subprocess.PIPE, text=True)
    worker = int(run.stdout.readline())
    with pytest.raises(Locked):  # the run holds it
        RunLock(db).__enter__()
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(worker, signal.SIGKILL)
        raise AssertionError("the worker outlived its run")
    with RunLock(db):  # free again
        pass


def test_feeds_parsed_by_the_worker_store_the_same(monkeypatch, httpserver, make_config, tmp_path):
    """A fetch thread leaves a feed's body to a running worker with little in hand (``Background.parse``): the
    worker parses it with the same ``RssSource.parse`` and analyses it; what is stored and alerted, and the
    polls' outcomes and warnings, are what the main process makes of the same feeds."""
    from monitor import analyse_worker

    off, m_off, a_off = _run(monkeypatch, httpserver, make_config, tmp_path, "0", feeds=12)
    monkeypatch.setattr(analyse_worker, "MIN_SOURCES", 12)  # a first run: the worker is running before any poll
    monkeypatch.setattr(analyse_worker, "PARSE_AHEAD", 100)  # every feed to the worker
    parsed = []
    real = analyse_worker.Background.parsed
    monkeypatch.setattr(analyse_worker.Background, "parsed", lambda self, f, p: parsed.append(1) or real(self, f, p))
    on, m_on, a_on = _run(monkeypatch, httpserver, make_config, tmp_path, "1", feeds=12)
    assert len(parsed) == 12
    assert m_on == m_off and a_on == a_off
    assert sorted((r.name, str(r.outcome), r.entries, r.warning) for r in on.sources) == \
        sorted((r.name, str(r.outcome), r.entries, r.warning) for r in off.sources)


def _hostile_feeds(httpserver, tag: str) -> list[dict]:
    """Four feeds whose parsing fails or warns, and one good one: each costs only itself, wherever it is parsed."""
    good = rss(*[{**t, "link": f"https://g.example/{k}"} for k, t in enumerate(TEXTS)])
    bodies = {
        "page": (b"<!doctype html><html><body>Not a feed</body></html>", "text/html"),
        "empty": (b"", "application/rss+xml"),
        "garbage": (b"\x00\x01 this is not xml at all <<<", "application/rss+xml"),
        "broken": (good.replace(b"</channel>", b"<item><title>New Baby Network & friends</title></channel>"),
                   "application/rss+xml"),
        "good": (good, "application/rss+xml"),
    }
    sources = []
    for name, (body, ctype) in bodies.items():
        httpserver.expect_request(f"/h{tag}/{name}").respond_with_data(body, content_type=ctype)
        sources.append({"name": name, "kind": "rss", "url": httpserver.url_for(f"/h{tag}/{name}")})
    return sources


def _hostile_run(monkeypatch, httpserver, make_config, tmp_path, tag: str):
    cfg, _ = make_config(sources=_hostile_feeds(httpserver, tag))
    db_path = tmp_path / f"hostile-{tag}.db"
    summary = run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)
    mentions = sorted(tuple(r) for r in db.execute("select canonical_url, title, severity from mentions"))
    fetches = sorted(tuple(r) for r in db.execute("select source, outcome, status, bytes, error, warning from fetches"))
    states = sorted(tuple(r) for r in db.execute("select name, etag, body_hash, consecutive_failures from sources"))
    reports = sorted((r.name, str(r.outcome), r.entries, r.error, r.warning) for r in summary.sources)
    return reports, mentions, fetches, states


def test_a_feed_that_breaks_the_parser_in_the_worker_costs_only_itself(monkeypatch, httpserver, make_config, tmp_path):
    """An HTML page, an empty reply, garbage and broken XML, parsed by the worker: the same failures, warnings,
    fetch log and source state as parsed by the fetch thread; the good feed's mentions stored."""
    from monitor import analyse_worker

    monkeypatch.setenv("MONITOR_ANALYSIS_WORKER", "0")
    here = _hostile_run(monkeypatch, httpserver, make_config, tmp_path, "a")
    assert {r[0]: r[1] for r in here[0]} == {"page": "failed", "empty": "failed", "garbage": "failed",
                                             "broken": "new", "good": "new"} and here[1]
    monkeypatch.setenv("MONITOR_ANALYSIS_WORKER", "1")
    monkeypatch.setattr(analyse_worker, "MIN_SOURCES", 5)
    monkeypatch.setattr(analyse_worker, "PARSE_AHEAD", 100)
    parsed = []
    real = analyse_worker.Background.parsed
    monkeypatch.setattr(analyse_worker.Background, "parsed", lambda self, f, p: parsed.append(1) or real(self, f, p))
    there = _hostile_run(monkeypatch, httpserver, make_config, tmp_path, "b")
    assert len(parsed) == 5
    swap = lambda rows: [tuple(str(c).replace("/hb/", "/ha/") for c in r) for r in rows]  # noqa: E731
    assert [swap(part) for part in there] == [swap(part) for part in here]


def _die_parsing(source, unparsed):
    import os

    os._exit(3)  # the worker process vanishes while parsing


def test_a_worker_that_dies_while_parsing_costs_nothing(monkeypatch, httpserver, make_config, tmp_path):
    from monitor import analyse_worker

    _off, m_off, a_off = _run(monkeypatch, httpserver, make_config, tmp_path, "0", feeds=8)
    monkeypatch.setattr(analyse_worker, "MIN_SOURCES", 8)
    monkeypatch.setattr(analyse_worker, "PARSE_AHEAD", 100)
    monkeypatch.setattr(analyse_worker, "_parse_and_analyse", _die_parsing)
    _on, m_on, a_on = _run(monkeypatch, httpserver, make_config, tmp_path, "1", feeds=8)
    assert m_on == m_off and a_on == a_off
