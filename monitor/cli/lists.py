"""monitor mentions, sources, alerts: what is stored, as a table or JSON lines."""

from __future__ import annotations

import json

import click

from .base import Context, parse_date


@click.command("mentions")
@click.option("--since", metavar="DATE", help="Only mentions first seen on or after DATE (2026-11-20 or 2026-11-20T09:00).")
@click.option("--severity", type=click.Choice(["info", "watch", "alert", "crisis"]), help="This level or worse.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_obj
def mentions_cmd(obj: Context, since: str | None, severity: str | None, as_json: bool) -> None:
    """List stored mentions, newest first."""
    cfg, db = obj.open()
    from .. import store
    from ..report import mentions_table

    since_dt = parse_date(since) if since else None
    rows = store.mentions(db, since=since_dt, severity=severity)
    if as_json:
        for row in rows:
            click.echo(json.dumps(_public(row), ensure_ascii=False))
        return
    click.echo(mentions_table(rows, cfg.settings.timezone) if rows else "No mentions stored yet.")


def _public(row: dict) -> dict:
    keys = ("id", "url", "canonical_url", "title", "sources", "published", "first_seen", "sentiment",
            "targeted_sentiment", "severity", "score", "categories", "matched_terms", "reasons", "needs_reply", "reach")
    out = {k: row.get(k) for k in keys}
    judgement = row.get("judgement") or {}
    out["snippet"] = row.get("snippet")
    out["families"] = judgement.get("families", [])
    out["driving_sentence"] = judgement.get("driving_sentence")
    out["nearest_example"] = judgement.get("nearest_example")
    out["model"] = judgement.get("model")
    return out


@click.command("sources")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_obj
def sources_cmd(obj: Context, as_json: bool) -> None:
    """List each source: kind, last success, last error, failures in a row, next poll, items seen, cursor."""
    cfg, db = obj.open()
    from .. import store
    from ..report import sources_table

    rows = []
    for sc in cfg.sources:
        row = store.public_source(store.source_row(db, sc.name) or {"name": sc.name, "kind": sc.kind})
        row["configured"] = "yes" if sc.enabled else "disabled in feeds.yaml"
        rows.append(row)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    click.echo(sources_table(rows, cfg.settings.timezone))


@click.command("alerts")
@click.option("--open", "open_only", is_flag=True, help="Only alerts nobody has acknowledged yet.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_obj
def alerts_cmd(obj: Context, open_only: bool, as_json: bool) -> None:
    """List alerts, newest first: what fired, who it went to, and who acknowledged it."""
    cfg, db = obj.open()
    from .. import store
    from ..report import alerts_table

    rows = store.alerts(db, open_only=open_only)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    click.echo(alerts_table(rows, cfg.settings.timezone) if rows else "No alerts.")


COMMANDS = (mentions_cmd, sources_cmd, alerts_cmd)
