"""A run's start (issue 14): the first requests go out as soon as the sources to poll are known.

A first run (no database yet) makes its database while its first requests are out; the analyser is
compiled where it is first used (``analyse_worker.Deferred``), so when the worker analyses, the main
process never compiles it; what is stored stays what it was (tests/test_analyse_worker.py compares
worker on and off; bench/same_store.py whole runs against an older tree)."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest

from monitor import store
from monitor.pipeline import _no_database_yet, run_cycle

from .conftest import NOW, rss

TEXTS = [
    {"title": "Really disappointed with New Baby Network", "description":
     "I messaged New Baby Network three times and nobody replied. Feel let down."},
    {"title": "Southvale mums praise New Baby Network", "description": "The volunteers were lovely. Thank you!"},
    {"title": "Local news", "description": "The council met about parking. Nothing about babies."},
]
ONE = [{"name": "x", "kind": "rss", "url": "https://x.example/feed"}]


def _sources(httpserver, n: int, prefix: str = "s") -> list[dict]:
    out = []
    for i in range(n):
        items = [{**t, "link": f"https://{prefix}{i}.example/{k}"} for k, t in enumerate(TEXTS)]
        httpserver.expect_request(f"/{prefix}/{i}").respond_with_data(rss(*items), content_type="application/rss+xml")
        out.append({"name": f"{prefix}{i}", "kind": "rss", "url": httpserver.url_for(f"/{prefix}/{i}")})
    return out


def test_a_first_run_sends_its_requests_before_it_makes_its_database(monkeypatch, httpserver, make_config, tmp_path):
    from werkzeug import Response

    asked = threading.Event()

    def answer(_request):
        asked.set()
        return Response(rss(*[{**t, "link": f"https://a.example/{k}"} for k, t in enumerate(TEXTS)]),
                        content_type="application/rss+xml")

    httpserver.expect_request("/a").respond_with_handler(answer)
    real_open = store.open_db
    asked_before_open: list[bool] = []

    def open_db(path):
        # a first run's request is already out: this returns at once (on the old order it waited 10 s, then False)
        asked_before_open.append(asked.wait(10) if not asked_before_open else asked.is_set())
        return real_open(path)

    monkeypatch.setattr(store, "open_db", open_db)
    cfg, _ = make_config(sources=[{"name": "a", "kind": "rss", "url": httpserver.url_for("/a")}])
    db_path = tmp_path / "first.db"
    first = run_cycle(cfg, db_path, now=NOW)
    assert asked_before_open == [True]
    assert len(first.new_mention_ids) == 2 and first.sources[0].outcome == "new"
    asked.clear()
    second = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1), force=True)  # the database is there: read first
    assert asked_before_open == [True, False] and asked.is_set()
    assert second.new_mention_ids == []
    db = real_open(db_path)
    assert db["mentions"].count == 2 and store.source_row(db, "a")["items_seen"] == 3


def test_a_first_run_of_many_sources_makes_its_database_first(monkeypatch, httpserver, make_config, tmp_path):
    """Above ``FETCH_FIRST_UP_TO`` sources the database is made before any request (made behind the fetch
    threads it was ready 2 s into a first run of 1,000 feeds); what is stored is the same."""
    from monitor import pipeline
    from monitor.fetch import Fetcher

    asked = threading.Event()
    opened: list[str] = []
    opens_seen: list[int] = []  # by each request: how many databases were opened before it
    real_open, real_request = store.open_db, Fetcher.request

    def open_db(path):
        asked.wait(1)  # with requests first, one is out by now (and sees no database)
        opened.append(str(path))
        return real_open(path)

    def request(self, *a, **k):
        opens_seen.append(len(opened))
        asked.set()
        return real_request(self, *a, **k)

    monkeypatch.setattr(store, "open_db", open_db)
    monkeypatch.setattr(Fetcher, "request", request)
    cfg, _ = make_config(sources=_sources(httpserver, 3))
    monkeypatch.setattr(pipeline, "FETCH_FIRST_UP_TO", 2)
    many = run_cycle(cfg, tmp_path / "many.db", now=NOW)
    assert opens_seen == [1, 1, 1]
    monkeypatch.setattr(pipeline, "FETCH_FIRST_UP_TO", 3)  # three sources: requests first
    asked.clear()
    opens_seen.clear()
    few = run_cycle(cfg, tmp_path / "few.db", now=NOW)
    assert opens_seen[0] == 1 and len(opens_seen) == 3  # (1: the first run's database, not this one's)
    assert sorted(len(s.new_ids) for s in many.sources) == sorted(len(s.new_ids) for s in few.sources) == [2, 2, 2]


def test_what_counts_as_no_database_yet(tmp_path):
    db = tmp_path / "m.db"
    assert _no_database_yet(db)
    db.write_bytes(b"")
    assert _no_database_yet(db)  # an empty file: nothing in it
    (tmp_path / "m.db-wal").write_bytes(b"x" * 32)  # a write-ahead log may hold a whole database
    assert not _no_database_yet(db)
    (tmp_path / "m.db-wal").unlink()
    store.open_db(db).close()
    assert not _no_database_yet(db)


def test_a_first_run_whose_database_cannot_be_made_says_so_and_the_next_run_recovers(monkeypatch, httpserver,
                                                                                      make_config, tmp_path):
    cfg, _ = make_config(sources=_sources(httpserver, 3))
    db_path = tmp_path / "full.db"
    monkeypatch.setattr(store, "EXTRA_PRAGMAS", ["PRAGMA max_page_count = 3"])  # the disk fills at once
    with pytest.raises(store.StorageProblem) as err:
        run_cycle(cfg, db_path, now=NOW)
    assert err.value.exit_code == store.EXIT_DISK_FULL and "is full" in str(err.value)
    monkeypatch.setattr(store, "EXTRA_PRAGMAS", [])
    again = run_cycle(cfg, db_path, now=NOW)
    assert len(again.new_mention_ids) == 6 and again.exit_code == 0


def test_the_main_process_never_compiles_the_analyser_when_the_worker_analyses(monkeypatch, httpserver,
                                                                                make_config, tmp_path):
    from monitor import analyse, analyse_worker

    made = tmp_path / "compiled-by"
    real_init = analyse.Analyser.__init__

    def init(self, *args, **kwargs):
        with open(made, "a") as f:
            f.write(f"{os.getpid()}\n")
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(analyse.Analyser, "__init__", init)
    monkeypatch.setenv("MONITOR_ANALYSIS_WORKER", "1")
    monkeypatch.setattr(analyse_worker, "MIN_SOURCES", 4)  # a first run of four sources: the worker forked at once
    cfg, _ = make_config(sources=_sources(httpserver, 4))
    summary = run_cycle(cfg, tmp_path / "w.db", now=NOW)
    assert len(summary.new_mention_ids) == 8
    pids = made.read_text().split()
    assert pids and str(os.getpid()) not in pids  # compiled in the worker only


def test_the_deferred_analyser_answers_as_the_analyser(make_config, tmp_path):
    from monitor.analyse import Analyser
    from monitor.analyse_worker import Deferred

    cfg, _ = make_config(sources=ONE)
    deferred, plain = Deferred(cfg, list), Analyser(cfg, learned=[])
    texts = [(t["title"], t["description"]) for t in TEXTS] + [
        ("", "new baby netwrok was great"), ("NBN", "the nbn rollout"), ("@newbabynetwork_uk", "follow us"),
        ("", "a new baby network of friends"), ("", "")]
    for title, body in texts:
        assert deferred.matcher.could_mention(f"{title}\n{body}") == plain.matcher.could_mention(f"{title}\n{body}")
        assert deferred.analyse(title, body) == plain.analyse(title, body)
    assert deferred.compiled is deferred.compiled  # compiled once


def test_a_deferred_analyser_whose_corrections_cannot_be_read_decides_without_them(make_config):
    from monitor.analyse_worker import Deferred

    def busy():
        raise OSError("database is locked")

    cfg, _ = make_config(sources=ONE)
    deferred = Deferred(cfg, busy)
    assert isinstance(deferred.rows(), OSError)
    a = deferred.analyse("Thank you New Baby Network", "The volunteers at New Baby Network were lovely.")
    assert a is not None and deferred.identity.learned() == []


def test_source_rows_are_each_sources_row(make_config, tmp_path):
    cfg, _ = make_config(sources=[{"name": f"r{i}", "kind": "rss", "url": f"https://r{i}.example/feed"}
                                  for i in range(3)])
    db = store.open_db(tmp_path / "r.db")
    store.sync_sources(db, cfg.sources, NOW)
    db.execute("update sources set etag = 'x', consecutive_failures = 2 where name = 'r1'")
    rows = store.source_rows(db)
    assert sorted(rows) == ["r0", "r1", "r2"]
    assert all(rows[name] == store.source_row(db, name) for name in rows)


@pytest.mark.model
def test_the_namesakes_learned_from_rows_are_those_learned_from_the_database(make_config, tmp_path):
    """The run's deferred analyser learns from the rows read before the worker forks what a check that
    reads the database itself learns."""
    from monitor.analyse_worker import Deferred
    from monitor.identity import learned_from_db
    from monitor.identity.learned import LEARNED_LIMIT

    cfg, _ = make_config(sources=ONE)
    db = store.open_db(tmp_path / "l.db")
    for i, (title, text) in enumerate([
            ("New Baby Network camera review", "The New Baby Network wi-fi camera has a clear night mode."),
            ("Order", "My New Baby Network pram order from the online shop never arrived."),
            ("Nothing", "no name here")]):
        db.execute("insert into mentions (canonical_url, url, title, text, source, first_seen, severity, "
                   "false_positive) values (?, ?, ?, ?, 's', '2026-11-20T09:00:00Z', 'info', 1)",
                   [f"https://l.example/{i}", f"https://l.example/{i}", title, text])
    db.conn.commit()
    expected = learned_from_db(db, cfg)
    got = Deferred(cfg, lambda: store.marked_not_about_us(db, LEARNED_LIMIT)).learned()
    assert len(expected) == 2 and [ln.mention_id for ln in got] == [ln.mention_id for ln in expected]
    for a, b in zip(got, expected):
        assert (a.name, a.kind, a.label, a.marked) == (b.name, b.kind, b.label, b.marked)
        assert a.after == b.after and a.ctx.tolist() == b.ctx.tolist() and a.doc.tolist() == b.doc.tolist()
