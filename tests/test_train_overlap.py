"""Round 27: `monitor train` scores cross-validation's folds in its two processes and chooses the report's per-file
thresholds there while it writes the artefact. Where the work runs, never what it computes: the out-of-fold chances,
the model written and the report are the same, to the last bit, as when one process does it all."""

from __future__ import annotations

import os

import numpy as np
import pytest

from monitor import train, train_pool, train_report
from monitor.train_data import TRAINING_DIR

pytestmark = pytest.mark.model

FILES = [TRAINING_DIR / f for f in ("t15_wirral.jsonl", "t16_norfolk.jsonl", "t17_swansea.jsonl")]


def _pid(_data, k):
    return k, os.getpid()


def test_started_jobs_run_in_other_processes_while_this_one_goes_on(monkeypatch):
    monkeypatch.setattr(train_pool, "WORKERS", 2)
    started = train_pool.start_jobs(_pid, [(k,) for k in range(6)], None)
    here = sum(range(100_000))  # this process is free to work meanwhile
    got = started.get()
    assert here == 4999950000 and [k for k, _p in got] == list(range(6))  # in the order of the jobs
    assert os.getpid() not in {p for _k, p in got}


def test_started_jobs_run_here_when_one_process_is_asked_for(monkeypatch):
    monkeypatch.setattr(train_pool, "WORKERS", 1)
    assert train_pool.start_jobs(_pid, [(0,), (1,)], None).get() == [(0, os.getpid()), (1, os.getpid())]


def test_two_processes_give_the_same_chances_model_and_report_as_one(monkeypatch, tmp_path):
    built = {}
    for workers in (1, 2):
        monkeypatch.setattr(train_pool, "WORKERS", workers)
        out = tmp_path / str(workers)
        result = train.train(FILES, out=out)
        assert result.report is not None and len(result.report) == len(FILES) + 1
        built[workers] = result, (out / "judge.npz").read_bytes(), (out / "judge.json").read_bytes()
    (r1, npz1, json1), (r2, npz2, json2) = built[1], built[2]
    assert np.array_equal(r1.oof, r2.oof) and r1.thresholds == r2.thresholds
    assert npz1 == npz2 and json1 == json2
    assert r1.report == r2.report
    # the report computed while writing is the one computed afterwards, file by file
    r2.report = None
    assert train_report.cv_report(r2) == r1.report
    assert train_report.format_result(r1).splitlines()[1:-1] == train_report.format_result(r2).splitlines()[1:-1]
    assert (r1.oof > 0).any() and any(f["n"] for _name, f in r1.report)  # scored, not left empty


def test_each_fold_is_scored_on_the_writer_it_left_out(monkeypatch):
    """The chances the processes hand back are, row by row, those of the fold that never saw the row's writer."""
    from monitor import embed, train_fit
    from monitor.train_data import writer

    monkeypatch.setattr(train_pool, "WORKERS", 2)
    items = [it for it in train.read_items(FILES) if it.mention and it.severity in train.M.LEVELS]
    feat, y = train.featurise(items, embed.load()), train.targets(items)
    groups, rows = [writer(it.file) for it in items], list(range(len(items)))
    whole, best = train.cross_validate(feat, y, groups, rows, train.Settings())
    for w in sorted(set(groups)):
        held = [r for r in rows if groups[r] == w]
        alone = train_fit.fit_all(feat, y, [[r for r in rows if groups[r] != w]], train.Settings(),
                                  [train_fit.FOLD_TOL_SPARSE], [train_fit.FOLD_DENSE_TOL])[0]
        want_whole, want_best = train_fit.chances(alone, feat, held)
        assert np.array_equal(whole[held], want_whole) and np.array_equal(best[held], want_best), w
    assert len(set(groups)) == 3 and (best > 0).any()


def _slow(_data, k):
    import time

    time.sleep(30)
    return k


def test_started_jobs_can_be_stopped_when_nobody_will_wait_for_them(monkeypatch):
    """A write that fails (a full disk) stops the report's processes at once, and leaves the collector running."""
    import gc
    import time

    monkeypatch.setattr(train_pool, "WORKERS", 2)
    started = train_pool.start_jobs(_slow, [(0,), (1,)], None)
    t = time.monotonic()
    started.cancel()
    assert time.monotonic() - t < 10 and gc.isenabled() and gc.get_freeze_count() == 0


def test_a_failed_write_stops_the_report_and_says_why(monkeypatch, tmp_path):
    monkeypatch.setattr(train_pool, "WORKERS", 2)
    cancelled = []
    real = train_pool.Started.cancel
    monkeypatch.setattr(train_pool.Started, "cancel", lambda self: (cancelled.append(1), real(self)))

    def full_disk(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(train, "write", full_disk)
    with pytest.raises(OSError, match="No space left"):
        train.train(FILES, out=tmp_path / "m")
    assert cancelled == [1]
