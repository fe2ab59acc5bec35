"""How ``monitor train`` runs its jobs (reading the texts, fitting the heads): in ``WORKERS`` forked processes that
share the parent's memory, each keeping the memory a job frees for the next. Where the work runs, never what it
computes: the same jobs give the same results to the last bit in one process or two (``tests/test_train_processes.py``).
"""

from __future__ import annotations

import gc

# How many processes fit the heads (the two cores of the machine `monitor train` is bounded on). Processes,
# not threads: liblinear draws its coordinate order from C's rand(), seeded at the start of each fit, so two
# of its fits at once in one process are not reproducible; in processes of their own each fit is alone with
# its seed and gives the same weights to the last bit whichever process runs it. Until round 16 two threads
# fitted the n-gram heads in one and the word-vector heads in the other: the n-gram thread, the longer, set
# the pace while the other core idled for a quarter of each fit.
WORKERS = 2
_JOB_DATA = None  # what the forked processes read: set just before they fork, cleared after


def run_jobs(job, jobs: list, data) -> list:
    """``[job(data, *j) for j in jobs]``, in ``WORKERS`` forked processes when the platform forks."""
    import multiprocessing

    global _JOB_DATA
    if WORKERS < 2 or len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [job(data, *j) for j in jobs]
    _JOB_DATA = (job, data, jobs)
    # The processes share the parent's memory until they write to it; the garbage collector writes to every
    # object it visits (millions: the features), so what exists now is frozen out of its reach first.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(WORKERS, initializer=keep_freed_memory) as pool:
            return pool.map(_forked_job, range(len(jobs)), chunksize=1)
    finally:
        _JOB_DATA = None
        gc.unfreeze()


class Started:
    """Jobs running in forked processes while the parent goes on (``start_jobs``): ``get()`` waits for their results,
    in the order of the jobs (passed through ``then``), and closes the processes; ``cancel()`` stops them (the parent's
    own work failed and nobody will wait for them)."""

    def __init__(self, pool=None, pending=None, now=None, then=None):
        self._pool, self._pending, self._now, self._then = pool, pending, now, then or (lambda results: results)

    def get(self) -> list:
        if self._pool is None:
            return self._then(self._now())
        try:
            return self._then(self._pending.get())
        finally:
            self._close(self._pool.close)

    def cancel(self) -> None:
        if self._pool is not None:
            self._close(self._pool.terminate)

    def _close(self, how) -> None:
        pool, self._pool = self._pool, None
        self._now = lambda: []
        how()
        pool.join()
        gc.unfreeze()


def start_jobs(job, jobs: list, data, then=None) -> Started:
    """``run_jobs`` that returns at once: the processes fork now (each with ``job``, ``data`` and ``jobs`` as they are
    now) and work while the parent does something else, e.g. write the artefact while they compute the report
    (round 27); ``then(results)`` is what ``get()`` gives. Where the platform does not fork, the jobs run in this
    process when ``get()`` is called."""
    import multiprocessing

    global _JOB_DATA
    if WORKERS < 2 or len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return Started(now=lambda: [job(data, *j) for j in jobs], then=then)
    _JOB_DATA = (job, data, jobs)
    gc.freeze()  # as in run_jobs: what exists now stays out of the collector's reach, so the processes share it
    try:
        pool = multiprocessing.get_context("fork").Pool(WORKERS, initializer=keep_freed_memory)
    except BaseException:
        gc.unfreeze()
        raise
    finally:
        _JOB_DATA = None  # the forked processes keep their own copy
    return Started(pool, pool.map_async(_forked_job, range(len(jobs)), chunksize=1), then=then)


def keep_freed_memory():
    """In a forked process: glibc's malloc keeps the memory a job frees for the next job, instead of handing it back
    to the system and having every page of it faulted in and zeroed again (round 24). Each n-gram fit copies its
    rows twice (to float64, then to liblinear's own nodes: some 300 MB); 84 fits gave some 6 million page faults and
    a tenth of `monitor train`'s CPU time in the kernel. Only where the memory goes changes: the same weights to the
    last bit. Without glibc (no ``mallopt``), nothing changes."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    mallopt(-4, 0)            # M_MMAP_MAX: large blocks from the heap, not mmap (which unmaps them when freed)
    mallopt(-1, 1 << 30)      # M_TRIM_THRESHOLD: free heap kept up to 1 GB, not trimmed back
    mallopt(-2, 64 << 20)     # M_TOP_PAD: the heap grows 64 MB at a time


def _forked_job(k: int):
    job, data, jobs = _JOB_DATA
    return job(data, *jobs[k])
