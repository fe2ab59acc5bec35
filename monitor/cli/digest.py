"""monitor digest: build the weekly digest and optionally send it."""

from __future__ import annotations

import sys

import click

from .base import EXIT_CONFIG, Context


@click.command()
@click.option("--week", metavar="YYYY-Www", help="Which week, e.g. 2026-W47 (default: the last complete week).")
@click.option("--send", is_flag=True, help="Send it through the `digest` route.")
@click.option("--force", is_flag=True, help="With --send: send again even if this week was sent already.")
@click.option("--out", "out", metavar="PATH", help="Folder to save it in (default: data/digests beside the database).")
@click.pass_obj
def digest(obj: Context, week: str | None, send: bool, force: bool, out: str | None) -> None:
    """Build the weekly digest (HTML with its chart, and text) and optionally send it."""
    cfg = obj.load(secrets=send)
    from pathlib import Path

    from .. import digest as dg
    from ..clock import for_people, utcnow

    now = utcnow()
    week = week or dg.last_complete_week(now, cfg.digest_timezone)
    db_path = obj.db_path(cfg)
    db = obj.open_db(db_path)
    try:
        d = dg.build(db, cfg, week)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--week")
    paths = dg.write(db, cfg, d, Path(out) if out else Path(db_path).parent / "digests")
    click.echo(f"Digest {week}: {d.total} mentions ({d.change_text}); saved {paths['html']}")
    if not send:
        return
    if not cfg.routes.get("digest"):
        click.echo(f"No `digest` route in {cfg.path}: add e.g. `digest: [email]` under routes.", err=True)
        sys.exit(EXIT_CONFIG)
    try:
        results = dg.send(db, cfg, d, now, force=force)
    except dg.AlreadySent as exc:
        click.echo(f"Already sent on {for_people(str(exc), cfg.settings.timezone)}; use --force to send it again.")
        return
    for channel, error in results:
        click.echo(f"  {channel:<12} {'sent' if error is None else 'FAILED: ' + error}")
    sys.exit(1 if any(e for _c, e in results) else 0)


COMMANDS = (digest,)
