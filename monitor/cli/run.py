"""monitor run (one cycle, what cron runs) and monitor demo."""

from __future__ import annotations

import sys

import click

from .base import EXIT_LOCKED, Context


@click.command()
@click.option("--force", is_flag=True, help="Poll every source now, even if it is not due (Retry-After is still honoured).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line and errors.")
@click.pass_obj
def run(obj: Context, force: bool, quiet: bool) -> None:
    """Run one monitoring cycle (what cron runs every 15 minutes)."""
    cfg = obj.load()
    from ..lock import Locked
    from ..pipeline import run_cycle

    warn = lambda m: click.echo(f"warning: {m}", err=True)  # noqa: E731
    try:
        summary = run_cycle(cfg, obj.db_path(cfg), force=force, log=warn)
    except Locked as exc:
        click.echo(f"monitor run: {exc}; not running twice at once", err=True)
        sys.exit(EXIT_LOCKED)
    except Exception as exc:
        from ..pipeline import heartbeat
        from ..store import storage_problem

        problem = storage_problem(exc, obj.last_db_path)
        if problem is None:
            raise
        heartbeat(cfg, True, warn)  # the outside watcher hears of it too
        raise problem from None
    if not quiet:
        from ..report import source_lines

        for line in source_lines(summary):
            click.echo(line)
    click.echo(summary.line())
    _exit(summary.exit_code)


def _exit(code: int) -> None:
    """Exit with ``code``; as the program itself (``monitor run``, ``python -m monitor run``), without the
    interpreter's teardown, which took 0.1-0.3 s after a run of 200 sources (bench/stages.py): a tenth
    of such a run. ``run_cycle`` has closed the database and ended its threads and worker; output and
    log files are flushed here. Inside anything else (a test runner) it is an ordinary exit."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if getattr(spec, "name", "") == "monitor.__main__" or getattr(main, "__file__", "").endswith(("/monitor", "\\monitor")):
        import logging
        import os

        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


@click.command()
@click.option("--keep", is_flag=True, help="Keep the demo database from last time instead of starting afresh.")
def demo(keep: bool) -> None:
    """Run two cycles on bundled demo feeds served from this machine (no internet)."""
    from ..demo import run_demo

    sys.exit(run_demo(fresh=not keep, echo=click.echo))


COMMANDS = (run, demo)
