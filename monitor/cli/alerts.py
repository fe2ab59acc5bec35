"""monitor silence add/list/expire, and monitor test-alert (every channel of a route)."""

from __future__ import annotations

import sys

import click

from .base import EXIT_CONFIG, Context, NotFound


@click.group()
def silence() -> None:
    """Silence alerts that match for a while (they expire by themselves)."""


@silence.command("add")
@click.option("--match", "matchers", multiple=True, required=True, metavar="KEY=VALUE",
              help="rule, severity, source, category, story or group; * is a wildcard. Repeat to narrow.")
@click.option("--for", "duration", default="24h", show_default=True, help="How long: 30m, 24h, 7d.")
@click.option("--reason", required=True, help="Why (shown in `silence list` and on silenced alerts).")
@click.pass_obj
def silence_add(obj: Context, matchers: tuple[str, ...], duration: str, reason: str) -> None:
    """Add a silence, e.g. --match source=bing-news --for 2d --reason "Bing feed is noisy"."""
    cfg, db = obj.open()
    from .. import alerting
    from ..clock import for_people, utcnow
    from ..config import parse_duration

    try:
        match = alerting.parse_matchers(list(matchers))
        seconds = parse_duration(duration)
    except ValueError as exc:
        raise click.BadParameter(str(exc))
    now = utcnow()
    silence_id = alerting.add_silence(db, match, seconds, reason, now)
    ends = alerting.silences(db, now)[0]["ends"]
    click.echo(f"Silence {silence_id} added until {for_people(ends, cfg.settings.timezone)}: "
               + ", ".join(f"{k}={v}" for k, v in match.items()))
    import fnmatch

    if fnmatch.fnmatchcase("crisis", match.get("severity", "*").lower()):
        click.echo("Note: this can also silence a crisis. Narrow it with --match severity=alert if that is not meant.")


@silence.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include expired silences.")
@click.pass_obj
def silence_list(obj: Context, show_all: bool) -> None:
    """List active silences (and expired ones with --all)."""
    cfg, db = obj.open()
    from .. import alerting
    from ..clock import for_people, utcnow

    rows = alerting.silences(db, utcnow(), active_only=not show_all)
    if not rows:
        click.echo("No active silences." if not show_all else "No silences.")
    for s in rows:
        state = "active" if s["active"] else "expired"
        match = ", ".join(f"{k}={v}" for k, v in s["matchers"].items())
        click.echo(f"{s['id']:>4}  {state:<8} until {for_people(s['ends'], cfg.settings.timezone)}  {match}  ({s['reason']})")


@silence.command("expire")
@click.argument("silence_id", type=int)
@click.pass_obj
def silence_expire(obj: Context, silence_id: int) -> None:
    """End a silence now."""
    cfg, db = obj.open()
    from .. import alerting
    from ..clock import utcnow

    if not alerting.expire_silence(db, silence_id, utcnow()):
        raise NotFound(f"No active silence {silence_id}.")
    click.echo(f"Silence {silence_id} expired.")


@click.command("test-alert")
@click.option("--route", default="crisis", show_default=True,
              help="Which route's channels to test (crisis, alert, watch, escalation).")
@click.pass_obj
def test_alert(obj: Context, route: str) -> None:
    """Send a clearly marked test message through every channel of a route; exit 1 if any failed."""
    cfg = obj.load()
    from ..notify import send_test

    if not cfg.routes.get(route):
        click.echo(f"Route {route!r} has no channels in {cfg.path}.", err=True)
        sys.exit(EXIT_CONFIG)
    failed = 0
    for channel, error in send_test(cfg, route):
        click.echo(f"  {channel:<12} {'sent' if error is None else 'FAILED: ' + error}")
        failed += error is not None
    sys.exit(1 if failed else 0)


COMMANDS = (silence, test_alert)
