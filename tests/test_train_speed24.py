"""Round 24: `monitor train` in less time, deciding the same. The heads' jobs are handed out longest first; the
folds' word-vector heads stop at a looser tolerance than the model written (as their n-gram heads have since
round 23); the processes that fit the heads keep the memory a job frees for the next job."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import numpy as np
import pytest

from monitor import embed, train, train_fit, train_pool
from monitor.train_data import REPO, TRAINING_DIR


def test_every_job_is_handed_out_once_the_longest_first():
    tols = [train_fit.FOLD_TOL_SPARSE] * 5 + [train_fit.TOL_SPARSE]
    jobs = train_fit._job_order(6, 13, tols)
    want = {(k, "dense", None) for k in range(6)} | {(k, "sparse", c) for k in range(6) for c in range(13)}
    assert len(jobs) == len(want) and set(jobs) == want
    assert [j[1] for j in jobs[:6]] == ["dense"] * 6  # the word-vector jobs (a whole fit's heads each) first
    assert [j[0] for j in jobs[6:19]] == [5] * 13 and [j[2] for j in jobs[6:19]] == list(range(13))  # then the model's
    assert [j[0] for j in jobs[19:]] == sorted(j[0] for j in jobs[19:])  # then the folds, in order
    # Every fit at one tolerance (``train.fit``, the tests' fits): the order they came in.
    assert train_fit._job_order(2, 3, [1e-3, 1e-3])[2:] == [(k, "sparse", c) for k in range(2) for c in range(3)]


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                     "fsmblks", "uordblks", "fordblks", "keepcost")]


def _where_a_freed_block_goes(keep: bool) -> tuple[int, int]:
    """In this (forked) process: bytes glibc mapped apart for a 64 MB block (as liblinear allocates its copy of the
    rows), and the free bytes it keeps in its heap once the block is freed (``mallinfo2``: glibc's own accounting,
    which the kernel's huge pages do not blur, as page-fault counts are)."""
    if keep:
        train_pool.keep_freed_memory()
    libc = ctypes.CDLL(None)
    libc.malloc.restype, libc.malloc.argtypes, libc.free.argtypes = ctypes.c_void_p, [ctypes.c_size_t], [ctypes.c_void_p]
    libc.mallinfo2.restype = _Mallinfo2
    block = libc.malloc(64 << 20)
    ctypes.memset(block, 1, 64 << 20)
    mapped_apart = libc.mallinfo2().hblkhd
    libc.free(block)
    return mapped_apart, libc.mallinfo2().fordblks


def _glibc_with_mallinfo2() -> bool:
    try:
        return hasattr(ctypes.CDLL(None), "mallinfo2")
    except OSError:
        return False


def _in_a_fresh_process(keep: bool) -> tuple[int, int]:
    """``_where_a_freed_block_goes`` in a new interpreter: a long-lived process (pytest after hundreds of tests) may
    already hold 64 MB free in its heap, and a fork of it would take the block from there either way."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from tests.test_train_speed24 import _where_a_freed_block_goes as f; print(*f(sys.argv[2] == 'keep'))")
    out = subprocess.run([sys.executable, "-c", code, str(REPO), "keep" if keep else "plain"], capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


@pytest.mark.skipif(not _glibc_with_mallinfo2(), reason="reads glibc's mallinfo2")
def test_a_fitting_process_keeps_the_memory_a_job_frees():
    """Without it each fit's copies of its rows are mapped apart, unmapped when freed and faulted in page by page
    again by the next (some 6 million faults a run, a tenth of its CPU time in the kernel); with it the block comes
    from the heap and stays there, free, for the next job."""
    plain_apart, _plain_free = _in_a_fresh_process(False)
    kept_apart, kept_free = _in_a_fresh_process(True)
    assert plain_apart >= 64 << 20  # glibc maps a block this big apart (and unmaps it when freed)
    assert kept_apart < 64 << 20 and kept_free >= 64 << 20  # from the heap, and kept there once freed


@pytest.mark.model
def test_the_folds_word_vector_tolerance_leaves_the_model_written_unchanged(monkeypatch):
    """The folds' word-vector heads at FOLD_DENSE_TOL, the model written at DENSE_TOL: fitted beside such a fold, the
    whole-data fit has the same weights to the last bit as fitted alone, and the fold stops earlier (its word-vector
    weights differ: the tolerance is used); its n-gram heads are untouched by it. ``train.cross_validate`` fits its
    folds so."""
    assert train_fit.FOLD_DENSE_TOL > train_fit.DENSE_TOL
    items = [it for it in train.read_items([TRAINING_DIR / "t15_wirral.jsonl", TRAINING_DIR / "t16_norfolk.jsonl"])
             if it.mention and it.severity in train.M.LEVELS]
    y, rows = train.targets(items), list(range(len(items)))
    feat = train.featurise(items, embed.load())
    half = rows[::2]
    alone = train_fit.fit_all(feat, y, [half, rows], train.Settings())
    mixed = train_fit.fit_all(feat, y, [half, rows], train.Settings(), None,
                              [train_fit.FOLD_DENSE_TOL, train_fit.DENSE_TOL])
    for name in ("w_sparse", "b_sparse", "w_dense", "b_dense"):
        assert np.array_equal(getattr(alone[1], name), getattr(mixed[1], name)), name
    assert np.array_equal(alone[0].w_sparse, mixed[0].w_sparse)
    assert not np.array_equal(alone[0].w_dense, mixed[0].w_dense)
    assert np.abs(alone[0].w_dense - mixed[0].w_dense).max() < 0.05  # close: the same minimum, reached less exactly

    seen = []
    monkeypatch.setattr(train, "fit_all", lambda *a: seen.append(a) or [None] * len(a[2]))
    monkeypatch.setattr(train, "chances", lambda f, feat, held: (0, 0))
    groups = [train.writer(it.file) for it in items]
    train.cross_validate(feat, y, groups, rows, train.Settings(), final=True)
    (_feat, _y, sets, _how, tols, dense_tols), = seen
    assert len(sets) == len(tols) == len(dense_tols) >= 2
    assert tols == [train_fit.FOLD_TOL_SPARSE] * (len(sets) - 1) + [train_fit.TOL_SPARSE]
    assert dense_tols == [train_fit.FOLD_DENSE_TOL] * (len(sets) - 1) + [train_fit.DENSE_TOL]
