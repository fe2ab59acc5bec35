"""Triage from the terminal: ack, inbox, show, resolve, mark, suggest-excludes, search, export, purge."""

from __future__ import annotations

import click

from .base import ALERT_OR_MENTION, MENTION, Context, NotFound, parse_date, who


@click.command()
@click.argument("ident", metavar="ID", type=ALERT_OR_MENTION)
@click.option("--note", help="Who is handling it, or what was done.")
@click.option("--by", help="Your name (recorded with the acknowledgement).")
@click.pass_obj
def ack(obj: Context, ident: tuple[str, int], note: str | None, by: str | None) -> None:
    """Acknowledge alert ID (as alert messages print it), or mention mID (e.g. m12, as `inbox` prints it).

    An alert stops repeating and escalating, and its mentions count as answered.
    """
    cfg, db = obj.open()
    from .. import alerting, triage
    from ..clock import utcnow

    kind, number = ident
    try:
        if kind == "mention":
            triage.ack_mention(db, number, utcnow(), note=note, by=by or who())
            click.echo(f"Mention {number} acknowledged.")
            return
        alert = alerting.ack(db, number, utcnow(), note=note, by=by or who())
    except KeyError:
        raise NotFound(f"There is no {kind} {number}; `monitor {'inbox' if kind == 'mention' else 'alerts'}` lists them.") from None
    click.echo(f"Alert {number} acknowledged ({alert['severity']}: {alert['title'][:80]}).")


@click.command()
@click.pass_obj
def inbox(obj: Context) -> None:
    """What needs attention, most urgent first, with what the policy says to do."""
    cfg, db = obj.open()
    from .. import triage
    from ..clock import utcnow

    rows = triage.inbox(db)
    if not rows:
        click.echo("Nothing needs attention.")
        return
    now = utcnow()
    from ..clock import parse_iso

    for r in rows:
        hours = int((now - parse_iso(r["first_seen"])).total_seconds() // 3600)
        reply = " · needs a reply" if r["needs_reply"] else ""
        click.echo(f"m{r['id']:<5} {r['severity'].upper():<7} {hours:>4}h old{reply}  {(r['title'] or r['snippet'] or '')[:70]}")
        action = (r.get("actions") or [None])[0]
        if action:
            click.echo(f"        do: {action}")
    click.echo("\n`monitor show m12` for the whole story; `monitor ack m12`, `monitor resolve m12 --note ...` when done.")


@click.command()
@click.argument("mid", metavar="ID", type=MENTION)
@click.pass_obj
def show(obj: Context, mid: int) -> None:
    """One mention: every source that carried it, its scores and why, its alerts and its history."""
    cfg, db = obj.open()
    from .. import store, triage
    from ..clock import for_people

    m = store.mention(db, mid)
    if m is None:
        raise NotFound(f"There is no mention {mid}.")
    tz = cfg.settings.timezone
    click.echo(f"m{m['id']}  {m['severity'].upper()}  score {m['score']}  (sentiment about us {m['targeted_sentiment']:+.2f}, "
               f"whole text {m['sentiment']:+.2f})")
    click.echo(f"  {m['title'] or '(no title)'}")
    click.echo(f"  \"{m['snippet']}\"")
    from ..urls import safe_link

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
        from ..actions import describe

        for e in events:
            click.echo(f"    - {for_people(e['time'], tz)}: {describe(e)}")


@click.command()
@click.argument("mid", metavar="ID", type=MENTION)
@click.option("--note", help="What was done.")
@click.option("--by", help="Your name (recorded in the history).")
@click.pass_obj
def resolve(obj: Context, mid: int, note: str | None, by: str | None) -> None:
    """Mark a mention dealt with (it leaves the inbox; the note is kept in its history)."""
    cfg, db = obj.open()
    from .. import triage
    from ..clock import utcnow

    try:
        triage.resolve(db, mid, utcnow(), note, by=by or who())
    except KeyError:
        raise NotFound(f"There is no mention {mid}.") from None
    click.echo(f"Mention {mid} resolved.")


@click.command()
@click.argument("mid", metavar="ID", type=MENTION)
@click.option("--needs-reply", "what", flag_value="needs_reply", help="It needs a reply from us.")
@click.option("--no-reply", "what", flag_value="no_reply", help="It does not need a reply.")
@click.option("--not-us", "--false-positive", "what", flag_value="false_positive", help="It is not about us.")
@click.option("--level", type=click.Choice(["info", "watch", "alert", "crisis"]),
              help="The level it should have been (a correction the model learns from).")
@click.option("--note", help="Why.")
@click.option("--by", help="Your name (recorded in the history).")
@click.pass_obj
def mark(obj: Context, mid: int, what: str | None, level: str | None, note: str | None, by: str | None) -> None:
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
    from .. import triage
    from ..clock import utcnow

    try:
        triage.mark(db, mid, what, utcnow(), note, by=by or who(), level=level)
    except KeyError:
        raise NotFound(f"There is no mention {mid}.") from None
    shown = {"false_positive": "not about us", "wrong_level": f"as {level} (level corrected)"}.get(what, what.replace("_", " "))
    click.echo(f"Mention {mid} marked {shown}.")
    if what == "false_positive":
        click.echo("`monitor suggest-excludes` proposes exclude phrases from mentions that are not about us.")


@click.command("suggest-excludes")
@click.pass_obj
def suggest_excludes(obj: Context) -> None:
    """Propose `exclude` phrases for feeds.yaml from mentions marked as false positives."""
    cfg, db = obj.open()
    from .. import triage

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


@click.command("search")
@click.argument("query")
@click.pass_obj
def search_cmd(obj: Context, query: str) -> None:
    """Full-text search of stored mentions (words, "a phrase", OR, NOT)."""
    cfg, db = obj.open()
    from .. import triage
    from ..report import mentions_table

    rows = triage.search(db, query)
    click.echo(mentions_table(rows, cfg.settings.timezone) if rows else "Nothing found.")


@click.command("export")
@click.option("--since", metavar="DATE", help="Only mentions first seen on or after DATE.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.pass_obj
def export_cmd(obj: Context, since: str | None, fmt: str) -> None:
    """Write stored mentions to standard output as CSV or JSON lines."""
    cfg, db = obj.open()
    from .. import triage

    click.echo(triage.export(db, parse_date(since) if since else None, fmt), nl=False)


@click.command()
@click.pass_obj
def purge(obj: Context) -> None:
    """Remove the text, names and links of mentions older than `retention` (counts for trends stay)."""
    cfg, db = obj.open()
    from .. import triage
    from ..clock import utcnow

    from pathlib import Path

    now = utcnow()
    n = triage.purge(db, cfg, now)
    files = triage.purge_files(db, cfg, Path(obj.db_path(cfg)), now)
    click.echo(f"Removed the text of {n} mention{'s' if n != 1 else ''} older than {int(cfg.retention // 86400)} days"
               f" (and their alerts' titles and links); {files.digests} old digest file{'s' if files.digests != 1 else ''}"
               f" deleted; {files.log_lines} old log line{'s' if files.log_lines != 1 else ''} removed.")


COMMANDS = (ack, inbox, show, resolve, mark, suggest_excludes, search_cmd, export_cmd, purge)
