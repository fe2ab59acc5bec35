"""A run adds its new mentions to the full-text index in one pass at its end (store migration m011):
search finds them after the run, a run stopped before that pass leaves them for the next, and the
index never drifts from the table (FTS5's integrity check) through links, purges and deletes."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from monitor import store
from monitor.pipeline import run_cycle

from .conftest import NOW, rss


def _item(n: int, words: str):
    return SimpleNamespace(source="f", item_id=str(n), url=f"https://a.example/{n}", title=f"title {n} {words}",
                           text=f"text about {words}", author=None, publisher="", published=NOW, reach={})


def _analysis():
    return SimpleNamespace(snippet="s", sentiment=0.0, targeted_sentiment=0.0, severity="info", score=0.0,
                           categories={}, matched_terms=[], reasons=[], actions=[], needs_reply=False, judgement=None)


def _found(db, word: str) -> list[int]:
    return sorted(m["id"] for m in store.mentions(db, fts=word))


def _intact(db) -> None:
    db.execute("insert into mentions_fts (mentions_fts) values ('integrity-check')")  # raises when the index drifted


def test_pending_mentions_are_indexed_in_one_pass(tmp_path):
    db = store.open_db(tmp_path / "m.db")
    with db.atomic():
        now_id = store.insert_mention(db, _item(1, "walrus"), "https://a.example/1", _analysis(), NOW)
        later_id = store.insert_mention(db, _item(2, "narwhal"), "https://a.example/2", _analysis(), NOW,
                                        index_later=True)
    assert _found(db, "walrus") == [now_id] and _found(db, "narwhal") == []  # not searchable until the pass
    _intact(db)
    with db.atomic():
        assert store.index_pending(db) == 1
        assert store.index_pending(db) == 0
    assert _found(db, "narwhal") == [later_id]
    _intact(db)
    # a link (last_seen) leaves the index alone; a purge takes the words out; a delete too
    with db.atomic():
        store.link_source(db, later_id, SimpleNamespace(source="g", item_id="9", url="https://b.example/9"), NOW)
        store.retention.purge_mention(db, now_id, "https://a.example/1")
    assert _found(db, "walrus") == [] and _found(db, "narwhal") == [later_id]
    _intact(db)
    with db.atomic():
        db.execute("delete from mention_sources where mention_id = ?", [later_id])
        db.execute("delete from mentions where id = ?", [later_id])
    assert _found(db, "narwhal") == []
    _intact(db)


def test_a_pending_mention_purged_before_the_pass_is_never_indexed(tmp_path):
    db = store.open_db(tmp_path / "m.db")
    with db.atomic():
        mid = store.insert_mention(db, _item(3, "okapi"), "https://a.example/3", _analysis(), NOW, index_later=True)
        store.retention.purge_mention(db, mid, "https://a.example/3")
        store.index_pending(db)
    assert _found(db, "okapi") == []
    _intact(db)


def test_a_run_indexes_its_mentions_and_what_a_stopped_run_left(httpserver, make_config, tmp_path):
    items = [{"title": f"Parents praise New Baby Network {k}", "link": f"https://s.example/{k}",
              "description": "New Baby Network volunteers were lovely, said the quokka club."} for k in range(3)]
    httpserver.expect_request("/f").respond_with_data(rss(*items), content_type="application/rss+xml")
    cfg, _ = make_config(sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}])
    db_path = tmp_path / "run.db"
    summary = run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)
    assert len(summary.new_mention_ids) == 3
    assert _found(db, "quokka") == sorted(summary.new_mention_ids)
    assert db.execute("select count(*) from mentions where fts_pending = 1").fetchone()[0] == 0
    # a run stopped after storing but before its pass: the next run (even one with nothing new) indexes them
    with db.atomic():
        stray = store.insert_mention(db, _item(7, "quokka"), "https://a.example/7", _analysis(), NOW, index_later=True)
    assert stray not in _found(db, "quokka")
    db.close()
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    db = store.open_db(db_path)
    assert _found(db, "quokka") == sorted([*summary.new_mention_ids, stray])
    _intact(db)
