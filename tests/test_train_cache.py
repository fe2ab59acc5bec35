"""``monitor train``'s feature cache (``train_cache``) never changes what training sees: a cold run, a warm run and a
run with half the texts cached give the same features to the last bit; a run on fewer texts keeps the others; a
cache from other code is not read; `monitor train --training DIR` (a folder of its own, as tests use) leaves the
repository's cache alone."""

import numpy as np

from monitor import embed, train, train_cache
from monitor import model as M
from monitor.train_fit import featurise


def _items(n=240):
    items = train.read_items(sorted(train.training_files())[:3])
    return [it for it in items if it.mention and it.severity in M.LEVELS][:n]


def _same(a, b):
    assert a.sentences == b.sentences
    for x, y in ((a.whole_dense, b.whole_dense), (a.text_vec, b.text_vec)):
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    for ra, rb in zip(a.whole_sparse, b.whole_sparse):
        assert all(p.dtype == q.dtype and p.tobytes() == q.tobytes() for p, q in zip(ra, rb))
    assert [len(u) for u in a.unit_rows] == [len(u) for u in b.unit_rows]
    for ua, ub in zip(a.unit_rows, b.unit_rows):
        for ra, rb in zip(ua, ub):
            assert all(p.dtype == q.dtype and p.tobytes() == q.tobytes() for p, q in zip(ra, rb))
    for da, db in zip(a.unit_dense, b.unit_dense):
        assert da.shape == db.shape and da.tobytes() == db.tobytes()


def test_a_cold_and_a_warm_run_give_the_same_features(tmp_path):
    items, e = _items(), embed.load()
    assert len(items) > 100
    plain = featurise(items, e)
    cache = tmp_path / "features.npz"
    half = items[::2]
    featurise(half, e, cache)  # half the texts cached
    assert set(train_cache.load(cache, train_cache.version())) == {train_cache.item_key(it) for it in half}
    _same(plain, featurise(items, e, cache))  # the other half read, the cache rewritten with all
    assert len(train_cache.load(cache, train_cache.version())) == len({train_cache.item_key(it) for it in items})
    _same(plain, featurise(items, e, cache))  # all from the cache
    featurise(items[:10] + items[-3:], e, cache)  # a run on fewer texts keeps every text seen before
    assert len(train_cache.load(cache, train_cache.version())) == len({train_cache.item_key(it) for it in items})


def test_a_cache_from_other_code_is_not_read(tmp_path):
    items, e = _items(40), embed.load()
    cache = tmp_path / "features.npz"
    featurise(items, e, cache)
    assert train_cache.load(cache, "another version") == {}
    (tmp_path / "broken.npz").write_bytes(b"not a cache")
    assert train_cache.load(tmp_path / "broken.npz", train_cache.version()) == {}
    # A cached text whose features were written wrong would be read as they are: the version is what guards it.
    assert train_cache.version() == train_cache.version()


def test_train_on_a_folder_of_its_own_leaves_the_repositorys_cache_alone(tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner

    from monitor.cli import cli

    repo_cache = tmp_path / "repo-data" / "train_features.npz"
    monkeypatch.setattr(train, "FEATURE_CACHE", repo_cache)
    folder = tmp_path / "training"
    folder.mkdir()
    for name, level, words in (("one", "info", "was lovely, thank you"), ("two", "alert", "ignored my messages")):
        rows = [{"id": f"{name}{n}", "title": "", "body": f"New Baby Network {words} {n}", "mention": True,
                 "families": [] if level == "info" else ["complaint"], "severity": level} for n in range(12)]
        (folder / f"{name}.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = CliRunner().invoke(cli, ["train", "--training", str(folder), "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m" / "judge.npz").is_file() and not repo_cache.exists()


def test_a_cache_that_cannot_be_written_costs_only_the_time_it_would_save(tmp_path):
    items, e = _items(40), embed.load()
    blocked = tmp_path / "a-file"  # data/ that cannot hold a folder: the cache cannot be written there
    blocked.write_text("not a folder")
    _same(featurise(items, e), featurise(items, e, blocked / "features.npz"))
    assert not (tmp_path / "a-file" / "features.npz").exists() and blocked.read_text() == "not a folder"
    assert train_cache.save(blocked / "features.npz", train_cache.version(), {}) is False
