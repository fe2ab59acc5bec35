"""``monitor``: a thin click layer over the library, one module per family of commands.

- ``base``    the context (config, database closed on exit), exit codes, id types, helpers
- ``check``   check (validate and summarise the config)
- ``run``     run (one cycle, what cron runs), demo
- ``lists``   mentions, sources, alerts
- ``triage``  ack, inbox, show, resolve, mark, suggest-excludes, search, export, purge
- ``alerts``  silence add/list/expire, test-alert
- ``digest``  digest
- ``learn``   eval, train, train-identity
- ``serve``   serve (the triage page)

Exit codes are listed in ``base``'s docstring and the README.
"""

from __future__ import annotations

from .. import collector_paused

# Round 26: the cyclic garbage collector is paused while click and the command modules are imported (classes,
# functions and declarations that live as long as the process: its passes over them were wasted), as config.load
# pauses it while it reads; it runs again from the end of this import on.
with collector_paused():
    import click

    from . import alerts, check, digest, learn, lists, run, serve, triage
    from .base import Context, MonitorGroup


@click.group(cls=MonitorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_opt", metavar="FILE", help="Config file (else $MONITOR_CONFIG, else ./feeds.yaml).")
@click.option("--db", "db_opt", metavar="FILE", help="Database (else $MONITOR_DB, else settings.database, else data/monitor.db).")
@click.version_option(package_name="nbn-monitor")
@click.pass_context
def cli(ctx: click.Context, config_opt: str | None, db_opt: str | None) -> None:
    """Watch the web for mentions of New Baby Network and alert the directors."""
    import os

    # Everything we create (database, digests, logs, folders) holds other people's words: owner only.
    previous = os.umask(0o077)
    ctx.call_on_close(lambda: os.umask(previous))
    ctx.obj = Context(config_opt, db_opt)


for _module in (check, run, lists, triage, alerts, digest, learn, serve):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    cli(prog_name="monitor")


if __name__ == "__main__":
    main()
