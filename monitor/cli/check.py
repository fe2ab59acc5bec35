"""monitor check: validate the config and summarise it (writes nothing)."""

from __future__ import annotations

import sys

import click

from .base import EXIT_CONFIG, Context, human_seconds


@click.command()
@click.pass_obj
def check(obj: Context) -> None:
    """Validate the config and summarise it. Writes nothing."""
    cfg = obj.load()
    click.echo(f"{cfg.path}: OK")
    click.echo(f"  organisation: {cfg.organisation.name}")
    click.echo(f"  terms ({len(cfg.organisation.terms)}): {', '.join(cfg.organisation.terms)}")
    if cfg.organisation.exclude:
        click.echo(f"  exclude ({len(cfg.organisation.exclude)}): {', '.join(cfg.organisation.exclude)}")
    from ..sources import get_kind

    lines = [f"  sources ({len(cfg.sources)}):"]  # one write, not one flush per source
    kinds = {name: get_kind(name) for name in {s.kind for s in cfg.sources}}
    for s in cfg.sources:
        state = "" if s.enabled else "  [disabled]"
        lines.append(f"    - {s.name} ({s.kind}, every {human_seconds(s.every)}): {s.target()}{state}")
        env = kinds[s.kind].env_needed(s.options)
        if env:
            import os

            have = ", ".join(f"{v} ({'set' if os.environ.get(v) else 'NOT set'})" for v in env)
            lines.append(f"        reads: {have}")
    click.echo("\n".join(lines))
    click.echo(f"  alert templates and playbook: {cfg.alerts_dir}" + (f" ({cfg.alerts_note})" if cfg.alerts_note else ""))
    click.echo(f"  escalation categories ({len(cfg.escalation)}): {', '.join(cfg.escalation)}")
    t = cfg.thresholds
    click.echo(f"  thresholds: watch {t.watch:g}, alert {t.alert:g}, crisis {t.crisis:g}, negative at {t.negative:g}")
    click.echo(f"  channels ({len(cfg.channels)}):")
    for ch in cfg.channels.values():
        shown = _private_url(ch.url) if ch.url else f"(not set: {', '.join(ch.missing)}; unused)"
        click.echo(f"    - {ch.name} [{ch.format}]: {shown}")
    bad = _unusable_channels(cfg)
    for line in bad:
        click.echo(f"  error: {line}", err=True)
    click.echo("  routes:")
    for level in ("crisis", "alert", "watch"):
        if level in cfg.routes:
            click.echo(f"    - {level} -> {', '.join(cfg.routes[level]) or '(nobody)'}")
    if "crisis" not in cfg.routes or not cfg.routes["crisis"]:
        click.echo("  warning: no route for crisis - a crisis would only show in the digest", err=True)
    if cfg.replies is not None:
        rp = cfg.replies
        state = "ready" if rp.ready else f"NOT read: {', '.join(rp.missing) or 'username/password'} not set"
        click.echo(f"  replies: {rp.host}:{rp.port} ({rp.tls}), folder {rp.mailbox}, from {len(rp.directors)} "
                   f"director address{'es' if len(rp.directors) != 1 else ''}: {state}")
    if cfg.settings.public_url:
        click.echo(f"  triage page links: {cfg.settings.public_url} (valid {human_seconds(cfg.settings.link_valid)})")
    click.echo(f"  database: {obj.db_path(cfg)}")
    _show_identity(cfg, obj.db_path(cfg))
    if bad:
        sys.exit(EXIT_CONFIG)


def _show_identity(cfg, db_path) -> None:
    """The profile, and the namesakes learned from "not about us" corrections (read-only)."""
    prof = cfg.organisation.profile
    if prof.description:
        click.echo(f"  profile: {len(prof.description.split())} words; places: {', '.join(prof.places) or '(none)'}; "
                   f"handles: {', '.join(prof.handles) or '(none)'}; web: {', '.join(prof.web) or '(none)'}")
    for ns in prof.namesakes:
        click.echo(f"    known namesake: {ns.name}" + (f" ({ns.about})" if ns.about else ""))
    if prof.description:
        click.echo(f"    our products: {', '.join(prof.products) or '(none listed: see README, Describing the organisation)'}")
    from ..encoder import Missing, model_folder  # no numpy: the package's files are only looked for

    try:
        model_folder()
    except Missing as exc:
        click.echo(f"  is-it-us second look: off, {exc}; the first model decides alone")
    from pathlib import Path

    if not Path(db_path).exists():
        return
    import sqlite3

    from .. import identity
    from ..store.schema import Database  # sqlite-utils as the store imports it: without numpy

    try:
        db = Database(sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True), execute_plugins=False)
        learned = identity.learned_from_db(db, cfg)
    except sqlite3.Error as exc:
        click.echo(f"  learned namesakes: cannot read the database ({exc})", err=True)
        return
    click.echo(f"  learned namesakes ({len(learned)}, from mentions marked not about us):")
    for ln in learned:
        click.echo(f"    - mention {ln.mention_id}: {ln.name}, reads like {ln.kind}: \"{ln.label}\"")


def _private_url(url: str) -> str:
    """apprise's own form of the address with passwords and tokens masked."""
    import apprise

    from ..notify import redact, secrets_of

    plugin = apprise.Apprise.instantiate(url)
    return plugin.url(privacy=True) if plugin else redact(url, secrets_of(url))


def _unusable_channels(cfg) -> list[str]:
    """Channels whose address apprise cannot use (checked here, not on every run: apprise is slow to import)."""
    if not any(ch.url for ch in cfg.channels.values()):
        return []  # nothing to check: spare `monitor check` the imports of apprise and the store
    import apprise

    from ..notify import redact, secrets_of

    out = []
    for ch in cfg.channels.values():
        if ch.url and not apprise.Apprise().add(ch.url):
            shown = redact(ch.url, secrets_of(ch.url))[:60]
            out.append(f"{cfg.path}: {ch.path}: apprise does not understand the address {shown!r} "
                       "(see https://github.com/caronc/apprise/wiki)")
    return out


COMMANDS = (check,)
