"""``monitor``: a thin click layer over the library. One function per command.

Exit codes: 0 all well; 1 some sources failed or alerts are undelivered
(everything else was still stored and sent); 2 configuration error; 69 the
database was busy (another program kept it locked for longer than we wait);
73 a file or folder cannot be written (read-only, another owner, the lock
file); 74 the disk is full or failing; 75 another run holds the lock
(EX_TEMPFAIL: cron will simply try again next time). 69, 73 and 74 come with
one plain sentence saying what, which file and what to do.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone

import click

EXIT_CONFIG = 2
EXIT_BUSY = 69  # the same numbers as monitor.store's (kept here so importing the CLI stays light)
EXIT_CANNOT_WRITE = 73
EXIT_DISK_FULL = 74
EXIT_LOCKED = 75


class Context:
    def __init__(self, config_opt: str | None, db_opt: str | None):
        self.config_opt = config_opt
        self.db_opt = db_opt
        self.last_db_path = None

    def load(self, secrets: bool = True):
        """The validated config, or exit 2 with every problem listed."""
        from . import config

        path = config.config_path(self.config_opt)
        try:
            return config.load(path, secrets=secrets)
        except config.ConfigError as exc:
            click.echo(f"Configuration error in {path}:", err=True)
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(EXIT_CONFIG)

    def db_path(self, cfg):
        from . import config

        self.last_db_path = config.db_path(cfg, self.db_opt)
        return self.last_db_path

    def open(self):
        """The validated config (secrets not needed: this command sends nothing) and its database."""
        from . import store

        cfg = self.load(secrets=False)
        return cfg, store.open_db(self.db_path(cfg))


class MonitorGroup(click.Group):
    """Every command: a busy, full, read-only or failing disk is one plain sentence and its own exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from .store import storage_problem

            obj = ctx.obj if isinstance(ctx.obj, Context) else None
            problem = storage_problem(exc, obj.last_db_path if obj else None)
            if problem is None:
                raise
            click.echo(f"monitor {ctx.invoked_subcommand or ''}: {problem}".replace("  ", " "), err=True)
            sys.exit(problem.exit_code)


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


@cli.command()
@click.pass_obj
def check(obj: Context) -> None:
    """Validate the config and summarise it. Writes nothing."""
    cfg = obj.load()
    click.echo(f"{cfg.path}: OK")
    click.echo(f"  organisation: {cfg.organisation.name}")
    click.echo(f"  terms ({len(cfg.organisation.terms)}): {', '.join(cfg.organisation.terms)}")
    if cfg.organisation.exclude:
        click.echo(f"  exclude ({len(cfg.organisation.exclude)}): {', '.join(cfg.organisation.exclude)}")
    from .sources import get_kind

    lines = [f"  sources ({len(cfg.sources)}):"]  # one write, not one flush per source
    for s in cfg.sources:
        state = "" if s.enabled else "  [disabled]"
        lines.append(f"    - {s.name} ({s.kind}, every {_human_seconds(s.every)}): {s.target()}{state}")
        env = get_kind(s.kind).env_needed(s.options)
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
        click.echo(f"  triage page links: {cfg.settings.public_url} (valid {_human_seconds(cfg.settings.link_valid)})")
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
    from pathlib import Path

    if not Path(db_path).exists():
        return
    import sqlite3

    import sqlite_utils

    from . import identity

    try:
        db = sqlite_utils.Database(sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True))
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

    from .notify import redact, secrets_of

    plugin = apprise.Apprise.instantiate(url)
    return plugin.url(privacy=True) if plugin else redact(url, secrets_of(url))


def _unusable_channels(cfg) -> list[str]:
    """Channels whose address apprise cannot use (checked here, not on every run: apprise is slow to import)."""
    if not any(ch.url for ch in cfg.channels.values()):
        return []  # nothing to check: spare `monitor check` the imports of apprise and the store
    import apprise

    from .notify import redact, secrets_of

    out = []
    for ch in cfg.channels.values():
        if ch.url and not apprise.Apprise().add(ch.url):
            shown = redact(ch.url, secrets_of(ch.url))[:60]
            out.append(f"{cfg.path}: {ch.path}: apprise does not understand the address {shown!r} "
                       "(see https://github.com/caronc/apprise/wiki)")
    return out


@cli.command()
@click.option("--force", is_flag=True, help="Poll every source now, even if it is not due (Retry-After is still honoured).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line and errors.")
@click.pass_obj
def run(obj: Context, force: bool, quiet: bool) -> None:
    """Run one monitoring cycle (what cron runs every 15 minutes)."""
    cfg = obj.load()
    from .lock import Locked
    from .pipeline import run_cycle

    warn = lambda m: click.echo(f"warning: {m}", err=True)  # noqa: E731
    try:
        summary = run_cycle(cfg, obj.db_path(cfg), force=force, log=warn)
    except Locked as exc:
        click.echo(f"monitor run: {exc}; not running twice at once", err=True)
        sys.exit(EXIT_LOCKED)
    except Exception as exc:
        from .pipeline import heartbeat
        from .store import storage_problem

        problem = storage_problem(exc, obj.last_db_path)
        if problem is None:
            raise
        heartbeat(cfg, True, warn)  # the outside watcher hears of it too
        raise problem from None
    if not quiet:
        from .report import source_lines

        for line in source_lines(summary):
            click.echo(line)
    click.echo(summary.line())
    sys.exit(summary.exit_code)


@cli.command("mentions")
@click.option("--since", metavar="DATE", help="Only mentions first seen on or after DATE (2026-11-20 or 2026-11-20T09:00).")
@click.option("--severity", type=click.Choice(["info", "watch", "alert", "crisis"]), help="This level or worse.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_obj
def mentions_cmd(obj: Context, since: str | None, severity: str | None, as_json: bool) -> None:
    """List stored mentions, newest first."""
    cfg, db = obj.open()
    from . import store
    from .report import mentions_table

    since_dt = _parse_date(since) if since else None
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


def _parse_date(text: str) -> datetime:
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date like 2026-11-20 or 2026-11-20T09:00", param_hint="--since")
    if dt.tzinfo is None:
        from zoneinfo import ZoneInfo

        dt = dt.replace(tzinfo=ZoneInfo("Europe/London"))
    return dt.astimezone(timezone.utc)


def _human_seconds(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


@cli.command("sources")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_obj
def sources_cmd(obj: Context, as_json: bool) -> None:
    """List each source: kind, last success, last error, failures in a row, next poll, items seen, cursor."""
    cfg, db = obj.open()
    from . import store
    from .report import sources_table

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


@cli.command("alerts")
@click.option("--open", "open_only", is_flag=True, help="Only alerts nobody has acknowledged yet.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_obj
def alerts_cmd(obj: Context, open_only: bool, as_json: bool) -> None:
    """List alerts, newest first: what fired, who it went to, and who acknowledged it."""
    cfg, db = obj.open()
    from . import store
    from .report import alerts_table

    rows = store.alerts(db, open_only=open_only)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    click.echo(alerts_table(rows, cfg.settings.timezone) if rows else "No alerts.")


@cli.command()
@click.argument("ident", metavar="ID")
@click.option("--note", help="Who is handling it, or what was done.")
@click.option("--by", help="Your name (recorded with the acknowledgement).")
@click.pass_obj
def ack(obj: Context, ident: str, note: str | None, by: str | None) -> None:
    """Acknowledge alert ID (as alert messages print it), or mention mID (e.g. m12, as `inbox` prints it).

    An alert stops repeating and escalating, and its mentions count as answered.
    """
    cfg, db = obj.open()
    from . import alerting, triage
    from .clock import utcnow

    kind, number = _ident(ident)
    try:
        if kind == "mention":
            triage.ack_mention(db, number, utcnow(), note=note, by=by or _who())
            click.echo(f"Mention {number} acknowledged.")
            return
        alert = alerting.ack(db, number, utcnow(), note=note, by=by or _who())
    except KeyError:
        click.echo(f"There is no {kind} {number}; `monitor {'inbox' if kind == 'mention' else 'alerts'}` lists them.", err=True)
        sys.exit(EXIT_CONFIG)
    click.echo(f"Alert {number} acknowledged ({alert['severity']}: {alert['title'][:80]}).")


def _who() -> str | None:
    """Who is at the keyboard, for the history (``--by`` says it better)."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return None


def _ident(text: str) -> tuple[str, int]:
    """``12`` or ``a12`` -> alert 12; ``m12`` -> mention 12."""
    t = text.strip().lower()
    kind = "mention" if t.startswith("m") else "alert"
    digits = t.lstrip("am#")
    if not digits.isdigit():
        raise click.BadParameter(f"{text!r}: use an alert number (12) or a mention number (m12)")
    return kind, int(digits)


def _mention_arg(text: str) -> int:
    digits = text.strip().lower().lstrip("m#")
    if not digits.isdigit():
        raise click.BadParameter(f"{text!r} is not a mention number (12 or m12)")
    return int(digits)


@cli.group()
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
    from . import alerting
    from .clock import for_people, utcnow
    from .config import parse_duration

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
    from . import alerting
    from .clock import for_people, utcnow

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
    from . import alerting
    from .clock import utcnow

    if not alerting.expire_silence(db, silence_id, utcnow()):
        click.echo(f"No active silence {silence_id}.", err=True)
        sys.exit(EXIT_CONFIG)
    click.echo(f"Silence {silence_id} expired.")


@cli.command("test-alert")
@click.option("--route", default="crisis", show_default=True,
              help="Which route's channels to test (crisis, alert, watch, escalation).")
@click.pass_obj
def test_alert(obj: Context, route: str) -> None:
    """Send a clearly marked test message through every channel of a route; exit 1 if any failed."""
    cfg = obj.load()
    from .notify import send_test

    if not cfg.routes.get(route):
        click.echo(f"Route {route!r} has no channels in {cfg.path}.", err=True)
        sys.exit(EXIT_CONFIG)
    failed = 0
    for channel, error in send_test(cfg, route):
        click.echo(f"  {channel:<12} {'sent' if error is None else 'FAILED: ' + error}")
        failed += error is not None
    sys.exit(1 if failed else 0)


@cli.command()
@click.option("--week", metavar="YYYY-Www", help="Which week, e.g. 2026-W47 (default: the last complete week).")
@click.option("--send", is_flag=True, help="Send it through the `digest` route.")
@click.option("--force", is_flag=True, help="With --send: send again even if this week was sent already.")
@click.option("--out", "out", metavar="PATH", help="Folder to save it in (default: data/digests beside the database).")
@click.pass_obj
def digest(obj: Context, week: str | None, send: bool, force: bool, out: str | None) -> None:
    """Build the weekly digest (HTML, text and chart) and optionally send it."""
    cfg = obj.load(secrets=send)
    from pathlib import Path

    from . import digest as dg
    from . import store
    from .clock import for_people, utcnow

    now = utcnow()
    week = week or dg.last_complete_week(now, cfg.digest_timezone)
    db_path = obj.db_path(cfg)
    db = store.open_db(db_path)
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
        results = dg.send(db, cfg, d, paths["png"], now, force=force)
    except dg.AlreadySent as exc:
        click.echo(f"Already sent on {for_people(str(exc), cfg.settings.timezone)}; use --force to send it again.")
        return
    for channel, error in results:
        click.echo(f"  {channel:<12} {'sent' if error is None else 'FAILED: ' + error}")
    sys.exit(1 if any(e for _c, e in results) else 0)


@cli.command()
@click.pass_obj
def inbox(obj: Context) -> None:
    """What needs attention, most urgent first, with what the policy says to do."""
    cfg, db = obj.open()
    from . import triage
    from .clock import utcnow

    rows = triage.inbox(db)
    if not rows:
        click.echo("Nothing needs attention.")
        return
    now = utcnow()
    from .clock import parse_iso

    for r in rows:
        hours = int((now - parse_iso(r["first_seen"])).total_seconds() // 3600)
        reply = " · needs a reply" if r["needs_reply"] else ""
        click.echo(f"m{r['id']:<5} {r['severity'].upper():<7} {hours:>4}h old{reply}  {(r['title'] or r['snippet'] or '')[:70]}")
        action = (r.get("actions") or [None])[0]
        if action:
            click.echo(f"        do: {action}")
    click.echo("\n`monitor show m12` for the whole story; `monitor ack m12`, `monitor resolve m12 --note ...` when done.")


@cli.command()
@click.argument("ident", metavar="ID")
@click.pass_obj
def show(obj: Context, ident: str) -> None:
    """One mention: every source that carried it, its scores and why, its alerts and its history."""
    cfg, db = obj.open()
    from . import store, triage
    from .clock import for_people

    mid = _mention_arg(ident)
    m = store.mention(db, mid)
    if m is None:
        click.echo(f"There is no mention {mid}.", err=True)
        sys.exit(EXIT_CONFIG)
    tz = cfg.settings.timezone
    click.echo(f"m{m['id']}  {m['severity'].upper()}  score {m['score']}  (sentiment about us {m['targeted_sentiment']:+.2f}, "
               f"whole text {m['sentiment']:+.2f})")
    click.echo(f"  {m['title'] or '(no title)'}")
    click.echo(f"  \"{m['snippet']}\"")
    from .urls import safe_link

    click.echo(f"  link: {safe_link(m['url']) or '(none)'}")
    click.echo(f"  published {for_people(m['published'], tz)}; first seen {for_people(m['first_seen'], tz)}")
    state = "false positive" if m["false_positive"] else "resolved" if m["resolved_at"] else "acknowledged" if m["acked_at"] else "open"
    click.echo(f"  state: {state}{' · needs a reply' if m['needs_reply'] else ''}")
    if m.get("corrected_severity"):
        click.echo(f"  level corrected to: {m['corrected_severity']}")
    click.echo("  sources:")
    for src in store.carriers(db, mid):
        click.echo(f"    - {src['source']} (first seen {for_people(src['first_seen'], tz)}): {src['url']}")
    click.echo("  why:")
    for reason in m["reasons"] or []:
        click.echo(f"    - {reason}")
    if m.get("reach"):
        click.echo("  reach: " + ", ".join(f"{k} {v:,}" for k, v in m["reach"].items()))
    alerts = triage.mention_alerts(db, mid)
    if alerts:
        click.echo("  alerts:")
        for a in alerts:
            acked = f", acknowledged {for_people(a['acked_at'], tz)}" if a["acked_at"] else ""
            click.echo(f"    - #{a['id']} {a['severity']} ({a['rule']}), {a['status']}{acked}")
    events = triage.history(db, mid)
    if events:
        click.echo("  history:")
        from .actions import describe

        for e in events:
            click.echo(f"    - {for_people(e['time'], tz)}: {describe(e)}")


@cli.command()
@click.argument("ident", metavar="ID")
@click.option("--note", help="What was done.")
@click.option("--by", help="Your name (recorded in the history).")
@click.pass_obj
def resolve(obj: Context, ident: str, note: str | None, by: str | None) -> None:
    """Mark a mention dealt with (it leaves the inbox; the note is kept in its history)."""
    cfg, db = obj.open()
    from . import triage
    from .clock import utcnow

    mid = _mention_arg(ident)
    try:
        triage.resolve(db, mid, utcnow(), note, by=by or _who())
    except KeyError:
        click.echo(f"There is no mention {mid}.", err=True)
        sys.exit(EXIT_CONFIG)
    click.echo(f"Mention {mid} resolved.")


@cli.command()
@click.argument("ident", metavar="ID")
@click.option("--needs-reply", "what", flag_value="needs_reply", help="It needs a reply from us.")
@click.option("--no-reply", "what", flag_value="no_reply", help="It does not need a reply.")
@click.option("--not-us", "--false-positive", "what", flag_value="false_positive", help="It is not about us.")
@click.option("--level", type=click.Choice(["info", "watch", "alert", "crisis"]),
              help="The level it should have been (a correction the model learns from).")
@click.option("--note", help="Why.")
@click.option("--by", help="Your name (recorded in the history).")
@click.pass_obj
def mark(obj: Context, ident: str, what: str | None, level: str | None, note: str | None, by: str | None) -> None:
    """Correct a mention: wrong level, not about us, needs a reply or needs none.

    e.g. `monitor mark m12 --level watch` or `monitor mark m12 --not-us`.
    """
    if level and what:
        raise click.UsageError("say one thing at a time: --level, or one of --not-us, --needs-reply, --no-reply")
    if level:
        what = "wrong_level"
    if not what:
        raise click.UsageError("say --level LEVEL, --not-us, --needs-reply or --no-reply")
    cfg, db = obj.open()
    from . import triage
    from .clock import utcnow

    mid = _mention_arg(ident)
    try:
        triage.mark(db, mid, what, utcnow(), note, by=by or _who(), level=level)
    except KeyError:
        click.echo(f"There is no mention {mid}.", err=True)
        sys.exit(EXIT_CONFIG)
    shown = {"false_positive": "not about us", "wrong_level": f"as {level} (level corrected)"}.get(what, what.replace("_", " "))
    click.echo(f"Mention {mid} marked {shown}.")
    if what == "false_positive":
        click.echo("`monitor suggest-excludes` proposes exclude phrases from mentions that are not about us.")


@cli.command("suggest-excludes")
@click.pass_obj
def suggest_excludes(obj: Context) -> None:
    """Propose `exclude` phrases for feeds.yaml from mentions marked as false positives."""
    cfg, db = obj.open()
    from . import triage

    found = triage.suggest_excludes(db, cfg)
    namesakes = triage.suggest_namesakes(db, cfg)
    if not found and not namesakes:
        click.echo("No suggestions: mark mentions that are not about us with `monitor mark ID --false-positive`.")
        return
    if namesakes:
        click.echo("Namesakes learned from mentions marked not about us: later posts about them already stay out.")
        click.echo("To name one for good, add it to organisation.profile.namesakes in feeds.yaml:")
        for ln, hidden in namesakes:
            click.echo(f"    - name: {ln.name}        # from mention {ln.mention_id}, reads like {ln.kind}")
            click.echo(f"      # \"{ln.label}\"")
            if hidden:
                click.echo(f"      # stored posts it would have kept out ({len(hidden)}):")
                for h in hidden[:5]:
                    click.echo(f"      #   mention {h['id']} [{h['severity']}]: {_one_line(h)} ({h['why']})")
            else:
                click.echo("      # no other stored post reads like it")
    if found:
        click.echo("Phrases seen around our name only in mentions marked not about us (count). Add the right")
        click.echo("ones to organisation.exclude in feeds.yaml, then check with `monitor eval`. Each would have")
        click.echo("hidden the mentions listed under it; never add one that could hide a real mention of us.")
        for phrase, n, hidden in found:
            click.echo(f"    - {phrase}    # {n}")
            for m in hidden[:5]:
                click.echo(f"        would have hidden m{m['id']}: {' '.join((m['title'] or '').split())[:80]}")
            if len(hidden) > 5:
                click.echo(f"        ...and {len(hidden) - 5} more")


def _one_line(row: dict) -> str:
    text = " ".join(x for x in (row.get("title"), row.get("text")) if x).replace("\n", " ")
    return text if len(text) <= 90 else text[:89] + "…"


@cli.command("search")
@click.argument("query")
@click.pass_obj
def search_cmd(obj: Context, query: str) -> None:
    """Full-text search of stored mentions (words, "a phrase", OR, NOT)."""
    cfg, db = obj.open()
    from . import triage
    from .report import mentions_table

    rows = triage.search(db, query)
    click.echo(mentions_table(rows, cfg.settings.timezone) if rows else "Nothing found.")


@cli.command("export")
@click.option("--since", metavar="DATE", help="Only mentions first seen on or after DATE.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.pass_obj
def export_cmd(obj: Context, since: str | None, fmt: str) -> None:
    """Write stored mentions to standard output as CSV or JSON lines."""
    cfg, db = obj.open()
    from . import triage

    click.echo(triage.export(db, _parse_date(since) if since else None, fmt), nl=False)


@cli.command()
@click.pass_obj
def purge(obj: Context) -> None:
    """Remove the text, names and links of mentions older than `retention` (counts for trends stay)."""
    cfg, db = obj.open()
    from . import triage
    from .clock import utcnow

    from pathlib import Path

    now = utcnow()
    n = triage.purge(db, cfg, now)
    files = triage.purge_files(db, cfg, Path(obj.db_path(cfg)), now)
    click.echo(f"Removed the text of {n} mention{'s' if n != 1 else ''} older than {int(cfg.retention // 86400)} days"
               f" (and their alerts' titles and links); {files.digests} old digest file{'s' if files.digests != 1 else ''}"
               f" deleted; {files.log_lines} old log line{'s' if files.log_lines != 1 else ''} removed.")


@cli.command("eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--split", type=click.Choice(["all", "tune", "holdout"]), default="all", show_default=True,
              help="Which part of the labelled file to evaluate.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures and misses as JSON (a list for several files).")
@click.option("--rules-only", is_flag=True, help="Grade with the keyword rules alone, without the model.")
@click.option("--min-mention-f1", type=float, help="Override the file's target.")
@click.option("--max-near-miss-fp", type=int, help="Override the file's target.")
@click.option("--min-crisis-recall", type=float, help="Override the file's target.")
@click.option("--min-alert-recall", type=float, help="Override the file's target (alert-or-worse recall).")
@click.option("--max-info-raised", type=int, help="Override the file's target (info items raised to alert/crisis).")
@click.option("--min-family-precision", type=float, help="Override the file's target.")
@click.option("--min-family-recall", type=float, help="Override the file's target.")
@click.pass_obj
def eval_cmd(obj: Context, files: tuple[str, ...], split: str, as_json: bool, rules_only: bool, **overrides) -> None:
    """Measure matching and grading on labelled JSONL files, each reported on its own; exit 1 when a target is missed.

    Uses the terms and escalation rules of the config and the committed model (no network, no database).
    Re-run it after editing keywords in feeds.yaml or after `monitor train` to see what changed.
    """
    cfg = obj.load(secrets=False)
    from .analyse import Analyser
    from .evaluate import LabelError, evaluate, format_report, read_labelled

    try:
        labelled = [(file, read_labelled(file, split)) for file in files]
    except LabelError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_CONFIG)
    names = {"min_mention_f1": "mention_f1", "max_near_miss_fp": "near_miss_false_positives",
             "min_crisis_recall": "crisis_recall", "min_alert_recall": "alert_or_worse_recall",
             "max_info_raised": "info_raised_to_alert", "min_family_precision": "family_precision",
             "min_family_recall": "family_recall"}
    analyser = Analyser(cfg, model=None if rules_only else "auto")
    how = "rules only" if rules_only else "model and rules"
    failed, out = False, []
    for file, data in labelled:
        targets = dict(data.header.get("targets") or {})
        targets.update({names[k]: v for k, v in overrides.items() if v is not None})
        report = evaluate(cfg, data.items, targets, analyser=analyser)
        failed = failed or bool(report.failed_targets)
        if as_json:
            from dataclasses import asdict

            out.append({"file": file, "split": split, "graded_by": how, "targets": targets, **asdict(report)})
        else:
            click.echo(format_report(report, f"{file}, split {split}, {how}, rules from {cfg.path}"))
            if len(labelled) > 1:
                click.echo("")
    if as_json:
        click.echo(json.dumps(out[0] if len(out) == 1 else out, indent=2, ensure_ascii=False))
    sys.exit(1 if failed else 0)


@cli.command()
@click.option("--db", "train_db", metavar="FILE", type=click.Path(exists=True, dir_okay=False),
              help="Also learn from the directors' corrections in this database ('not about us', corrected levels).")
@click.option("--training", metavar="DIR", type=click.Path(exists=True, file_okay=False),
              help="Folder of labelled *.jsonl files (default: training/ in the repository).")
@click.option("--out", metavar="DIR", type=click.Path(file_okay=False),
              help="Where to write judge.npz and judge.json (default: the model the monitor uses).")
@click.pass_obj
def train(obj: Context, train_db: str | None, training: str | None, out: str | None) -> None:
    """Rebuild the judgement model from the labelled files (and corrections); prints cross-validation figures."""
    from pathlib import Path

    from . import train as trainer

    folder = Path(training) if training else trainer.TRAINING_DIR
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        click.echo(f"No labelled *.jsonl files in {folder}.", err=True)
        sys.exit(EXIT_CONFIG)
    db = train_db or obj.db_opt
    try:
        result = trainer.train(files, db=db, out=Path(out) if out else trainer.M.MODEL_DIR,
                               log=lambda m: click.echo(m))
    except Exception as exc:  # a bad file or database: say which, keep the old model
        from .evaluate import LabelError

        if isinstance(exc, (LabelError, ValueError, OSError)):
            click.echo(f"monitor train: {exc}", err=True)
            sys.exit(EXIT_CONFIG)
        raise
    click.echo(trainer.format_result(result))


@cli.command("train-identity")
@click.option("--cv", "show_cv", is_flag=True, help="Also print cross-validation figures, each file held out in turn.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the model here (default: monitor/model/identity.npz).")
@click.pass_obj
def train_identity(obj: Context, show_cv: bool, out: str | None) -> None:
    """Rebuild the is-it-us model from the labelled files (deterministic; commit the result)."""
    cfg = obj.load(secrets=False)
    from pathlib import Path

    from . import identity

    try:
        meta = identity.train(cfg, out=Path(out) if out else identity.MODEL_PATH)
    except (OSError, ValueError) as exc:
        click.echo(f"Cannot train: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    click.echo(f"Trained on {meta['candidates']} texts that name us ({meta['true']} about us, {meta['false']} not) "
               f"from {len(meta['files'])} files -> {out or identity.MODEL_PATH}")
    if show_cv:
        click.echo(identity.cv_report(cfg))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. Keep 127.0.0.1 behind a TLS proxy or tunnel (see the README).")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.pass_obj
def serve(obj: Context, host: str, port: int) -> None:
    """Serve the mobile triage page (open alerts; acknowledge, resolve, not about us, wrong level)."""
    cfg, db = obj.open()
    db.close()
    from .web import serve as run_server

    try:
        run_server(cfg, obj.db_path(cfg), host, port, echo=click.echo)
    except OSError as exc:
        click.echo(f"Cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_CONFIG)


@cli.command()
@click.option("--keep", is_flag=True, help="Keep the demo database from last time instead of starting afresh.")
def demo(keep: bool) -> None:
    """Run two cycles on bundled demo feeds served from this machine (no internet)."""
    from .demo import run_demo

    sys.exit(run_demo(fresh=not keep, echo=click.echo))


def main() -> None:
    cli(prog_name="monitor")


if __name__ == "__main__":
    main()
