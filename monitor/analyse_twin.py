"""The analysis worker's twin: a copy of the warm worker for its backlog in a cold run.

The worker (``analyse_worker``) is forked at a first run's start and loads VADER, the is-it-us check and
the model (about 0.5 s) while the first polls come back and queue behind the loads; at the end of a cold
run of 200 feeds it still had 40-70 polls to analyse when the last feed was read. A new process would
pay the loads again; a fork of the warm worker pays none of them. With ``MONITOR_ANALYSIS_WORKERS=2``
the worker forks its twin once it has a backlog; the twin takes polls from the same queue (the process
pool's call queue, which several readers may share) and sends its answers to the same result queue, so
the main process sees them as the worker's. It ends when the pool says so (it passes the pool's last
word back to the worker) or when the worker ends.

If the twin dies on a poll, the worker answers that poll with an error, and the main process analyses
it itself (as for a worker that dies). Off by default (bench/NOTES.md, round speed8).
"""

from __future__ import annotations

import os
import sys
import threading
import time


def _pool_queues():
    """(call queue, result queue) of the process pool's worker loop this process runs, or None."""
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code.co_name == "_process_worker" and "call_queue" in frame.f_locals:
            return frame.f_locals["call_queue"], frame.f_locals["result_queue"]
        frame = frame.f_back
    return None


def fork_twin(backlog_at_least: int, task) -> int | None:
    """In the worker, inside a task: fork a twin when ``backlog_at_least`` polls or more wait in the queue;
    its pid, or None. ``task``: shared memory where the twin notes the work id it is on."""
    queues = _pool_queues()
    if queues is None:
        return None
    call_queue, result_queue = queues
    try:
        if call_queue.qsize() < backlog_at_least:
            return None
    except (NotImplementedError, OSError):
        return None
    worker = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            _twin(worker, call_queue, result_queue, task)
            code = 0
        finally:
            os._exit(code)
    threading.Thread(target=_reap, args=(pid, result_queue, task), name="reap-twin", daemon=True).start()
    return pid


def _twin(worker: int, call_queue, result_queue, task) -> None:
    """The twin's loop: the pool's worker loop, without telling the pool it exists."""
    from concurrent.futures.process import _ExceptionWithTraceback, _sendback_result

    def watch() -> None:
        while os.getppid() == worker:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watch, name="watch-worker", daemon=True).start()
    while True:
        item = call_queue.get(block=True)
        if item is None:  # the pool's word to its one worker: passed back to it
            call_queue.put(None)
            call_queue.close()
            call_queue.join_thread()
            return
        task.value = item.work_id
        try:
            result = item.fn(*item.args, **item.kwargs)
        except BaseException as exc:
            _sendback_result(result_queue, item.work_id, exception=_ExceptionWithTraceback(exc, exc.__traceback__))
        else:
            _sendback_result(result_queue, item.work_id, result=result)
        task.value = 0


def _reap(pid: int, result_queue, task) -> None:
    """In the worker: wait for the twin; if it died on a poll, answer that poll with an error (the main
    process then analyses it itself; an answer the pool already had is ignored)."""
    from concurrent.futures.process import _sendback_result

    _pid, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 and task.value:
        _sendback_result(result_queue, task.value, exception=RuntimeError("the analysis worker's twin died"))
