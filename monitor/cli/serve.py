"""monitor serve: the mobile triage page."""

from __future__ import annotations

import sys

import click

from .base import EXIT_CONFIG, Context


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. Keep 127.0.0.1 behind a TLS proxy or tunnel (see the README).")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.pass_obj
def serve(obj: Context, host: str, port: int) -> None:
    """Serve the mobile triage page (open alerts; acknowledge, resolve, not about us, wrong level)."""
    cfg, db = obj.open()
    db.close()
    from ..web import serve as run_server

    try:
        run_server(cfg, obj.db_path(cfg), host, port, echo=click.echo)
    except OSError as exc:
        click.echo(f"Cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_CONFIG)


COMMANDS = (serve,)
