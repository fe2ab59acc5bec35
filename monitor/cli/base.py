"""What every command shares: the context (config, database), exit codes, id types, small helpers.

Exit codes: 0 all well; 1 some sources failed or alerts are undelivered
(everything else was still stored and sent), or the alert, mention or silence
named does not exist; 2 configuration error; 69 the database was busy
(another program kept it locked for longer than we wait); 73 a file or folder
cannot be written (read-only, another owner, the lock file); 74 the disk is
full or failing; 75 another run holds the lock (EX_TEMPFAIL: cron will simply
try again next time). 69, 73 and 74 come with one plain sentence saying what,
which file and what to do.

Only click is imported here: every library module is imported inside the
command that needs it, so ``monitor --help`` stays light.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone

import click

EXIT_CONFIG = 2
EXIT_NOT_FOUND = 1
EXIT_BUSY = 69  # the same numbers as monitor.store's (kept here so importing the CLI stays light)
EXIT_CANNOT_WRITE = 73
EXIT_DISK_FULL = 74
EXIT_LOCKED = 75


class NotFound(click.ClickException):
    """An alert, mention or silence that does not exist: exit 1, the sentence alone (no "Error:")."""

    exit_code = EXIT_NOT_FOUND

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True, file=file)


class Context:
    def __init__(self, config_opt: str | None, db_opt: str | None):
        self.config_opt = config_opt
        self.db_opt = db_opt
        self.last_db_path = None

    def load(self, secrets: bool = True):
        """The validated config, or exit 2 with every problem listed."""
        from .. import collector_paused

        with collector_paused():  # while the config package (and PyYAML) is imported: see monitor/cli/__init__.py
            from .. import config
        path = config.config_path(self.config_opt)
        try:
            return config.load(path, secrets=secrets)
        except config.ConfigError as exc:
            click.echo(f"Configuration error in {path}:", err=True)
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(EXIT_CONFIG)

    def db_path(self, cfg):
        from .. import config

        self.last_db_path = config.db_path(cfg, self.db_opt)
        return self.last_db_path

    def open_db(self, path):
        """The database at ``path``, closed when the command ends (however it ends)."""
        from .. import store

        db = store.open_db(path)
        click.get_current_context().call_on_close(db.close)
        return db

    def open(self):
        """The validated config (secrets not needed: this command sends nothing) and its database."""
        cfg = self.load(secrets=False)
        return cfg, self.open_db(self.db_path(cfg))


class MonitorGroup(click.Group):
    """Every command: a busy, full, read-only or failing disk is one plain sentence and its own exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from ..store import storage_problem

            obj = ctx.obj if isinstance(ctx.obj, Context) else None
            problem = storage_problem(exc, obj.last_db_path if obj else None)
            if problem is None:
                raise
            click.echo(f"monitor {ctx.invoked_subcommand or ''}: {problem}".replace("  ", " "), err=True)
            sys.exit(problem.exit_code)


# --------------------------------------------------------------------------- ids on the command line


class AlertOrMentionId(click.ParamType):
    """``12``, ``a12`` or ``#12`` -> ("alert", 12); ``m12`` -> ("mention", 12)."""

    name = "ID"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        t = str(value).strip().lower()
        kind = "mention" if t.startswith("m") else "alert"
        digits = t.lstrip("am#")
        if not digits.isdigit():
            self.fail(f"{value!r}: use an alert number (12) or a mention number (m12)", param, ctx)
        return kind, int(digits)


class MentionId(click.ParamType):
    """``12``, ``m12`` or ``#12`` -> 12."""

    name = "ID"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        digits = str(value).strip().lower().lstrip("m#")
        if not digits.isdigit():
            self.fail(f"{value!r} is not a mention number (12 or m12)", param, ctx)
        return int(digits)


ALERT_OR_MENTION = AlertOrMentionId()
MENTION = MentionId()


# --------------------------------------------------------------------------- small helpers


def who() -> str | None:
    """Who is at the keyboard, for the history (``--by`` says it better)."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return None


def parse_date(text: str) -> datetime:
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date like 2026-11-20 or 2026-11-20T09:00", param_hint="--since")
    if dt.tzinfo is None:
        from zoneinfo import ZoneInfo

        dt = dt.replace(tzinfo=ZoneInfo("Europe/London"))
    return dt.astimezone(timezone.utc)


def human_seconds(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
