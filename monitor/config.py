"""Load and validate ``feeds.yaml``.

Everything a run needs is checked here, before anything is fetched or written:
unknown keys (typos), wrong types, bad URLs, unknown source kinds, routes that
name missing channels, and ``${ENV_VAR}`` references whose variable is not set.
Every problem names the file, the key path (``sources[3].url``) and the line,
and all problems are reported together so one edit-and-check round fixes them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import yamlsource
from .yamlsource import join

SEVERITIES = ("info", "watch", "alert", "crisis")
ROUTABLE = ("watch", "alert", "crisis")
DEFAULT_CONFIG = "feeds.yaml"
DEFAULT_DB = "data/monitor.db"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


# --------------------------------------------------------------------------- errors


@dataclass
class Problem:
    file: str
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ConfigError(Exception):
    """One or more problems in a config file; ``str()`` lists them one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --------------------------------------------------------------------------- model


@dataclass
class Organisation:
    name: str
    terms: list[str]
    exclude: list[str]


@dataclass
class Settings:
    database: str = DEFAULT_DB
    timezone: str = "Europe/London"
    contact: str = "https://github.com/newbabynetwork/monitor"
    every: float = 15 * 60
    workers: int = 8
    per_host: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    alerts_dir: str = "alerts"


@dataclass
class SourceConfig:
    name: str
    kind: str
    every: float
    enabled: bool
    options: dict[str, Any]
    path: str


@dataclass
class Category:
    name: str
    weight: float
    keywords: list[str]
    patterns: list[str]
    not_: list[str]
    severity: str
    lifts: bool
    anywhere: bool
    family: str
    not_near: list[str]
    unless: list[str]
    sarcasm: bool
    policy: str
    action: str


@dataclass
class Thresholds:
    negative: float = -0.3
    sentiment_weight: float = 3.0
    watch: float = 1.0
    alert: float = 3.0
    crisis: float = 6.0
    neutral_phrases: list[str] = field(default_factory=list)


@dataclass
class Channel:
    name: str
    raw: str
    format: str
    url: str | None  # None when an ${ENV} reference is missing (allowed only if unused)
    missing: list[str] = field(default_factory=list)
    path: str = ""  # key path in the config, for error messages


@dataclass
class Config:
    path: Path
    organisation: Organisation
    settings: Settings
    sources: list[SourceConfig]
    escalation: dict[str, Category]
    thresholds: Thresholds
    channels: dict[str, Channel]
    routes: dict[str, list[str]]

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def resolve(self, relative: str) -> Path:
        """Paths in the config are relative to the config file, so cron's cwd does not matter."""
        p = Path(relative).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    @property
    def alerts_dir(self) -> Path:
        return self.resolve(self.settings.alerts_dir)

    def channels_for(self, severity: str) -> list[Channel]:
        return [self.channels[name] for name in self.routes.get(severity, [])]


# --------------------------------------------------------------------------- parsing helpers

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZES = {"": 1, "b": 1, "kb": 1024, "k": 1024, "mb": 1024**2, "m": 1024**2, "gb": 1024**3}


def parse_duration(value: Any) -> float:
    """``"15m"`` -> 900.0; a bare number is seconds. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30s, 15m, 2h or 7d")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", str(value).lower())
        if not m:
            raise ValueError(f"{value!r} is not a duration such as 30s, 15m, 2h or 7d")
        seconds = float(m.group(1)) * _UNITS[m.group(2) or "s"]
    if seconds <= 0:
        raise ValueError("must be more than zero")
    return seconds


def parse_size(value: Any) -> int:
    """``"5MB"`` -> 5242880; a bare number is bytes. Raises ValueError."""
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    else:
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*", str(value).lower())
        if not m:
            raise ValueError(f"{value!r} is not a size such as 512KB or 5MB")
        size = int(float(m.group(1)) * _SIZES[m.group(2)])
    if size <= 0:
        raise ValueError("must be more than zero")
    return size


def expand_env(value: str, environ: dict[str, str]) -> tuple[str, list[str]]:
    """Replace ``${VAR}`` references; return the text and the names that were not set."""
    missing: list[str] = []

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in environ and environ[name] != "":
            return environ[name]
        missing.append(name)
        return m.group(0)

    return _ENV_REF.sub(sub, value), missing


def is_http_url(value: str) -> bool:
    return bool(re.match(r"(?i)^https?://[^\s/?#]+", value or ""))


class _Reader:
    """Collects problems while reading typed values out of the parsed document."""

    def __init__(self, file: str, located: yamlsource.Located, environ: dict[str, str]):
        self.file = file
        self.located = located
        self.environ = environ
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, self.located.line(path), message))

    def mapping(self, value: Any, path: str, allowed: dict[str, str] | None = None) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(path, f"must be a mapping of keys to values, not {_kind(value)}")
            return {}
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    hint = _close(str(key), allowed)
                    self.problem(join(path, str(key)), f"unknown key{hint}; allowed here: {', '.join(allowed)}")
        return value

    def string(self, value: Any, path: str, *, required: bool = False, env: bool = True) -> str | None:
        if value is None:
            if required:
                self.problem(path, "is required")
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(path, f"must be text, not {_kind(value)}")
            return None
        text = str(value)
        if env:
            text, missing = expand_env(text, self.environ)
            for name in missing:
                self.problem(path, f"environment variable {name} is not set (referenced as ${{{name}}})")
        if required and not text.strip():
            self.problem(path, "must not be empty")
        return text

    def strings(self, value: Any, path: str, *, required: bool = False) -> list[str]:
        if value is None:
            if required:
                self.problem(path, "is required (a list)")
            return []
        if not isinstance(value, list):
            self.problem(path, f"must be a list, not {_kind(value)}")
            return []
        out = []
        for i, item in enumerate(value):
            text = self.string(item, join(path, i), required=True)
            if text:
                out.append(text)
        if required and not out and value == []:
            self.problem(path, "must list at least one entry")
        return out

    def number(self, value: Any, path: str, default: float, lo: float | None = None, hi: float | None = None) -> float:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(path, f"must be a number, not {_kind(value)}")
            return default
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            self.problem(path, f"must be between {lo} and {hi}, got {value}")
            return default
        return float(value)

    def integer(self, value: Any, path: str, default: int, lo: int = 1, hi: int = 1000) -> int:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.problem(path, f"must be a whole number from {lo} to {hi}, got {value!r}")
            return default
        return value

    def boolean(self, value: Any, path: str, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(path, f"must be true or false, not {value!r}")
            return default
        return value

    def duration(self, value: Any, path: str, default: float) -> float:
        if value is None:
            return default
        try:
            return parse_duration(value)
        except ValueError as exc:
            self.problem(path, str(exc))
            return default

    def size(self, value: Any, path: str, default: int) -> int:
        if value is None:
            return default
        try:
            return parse_size(value)
        except ValueError as exc:
            self.problem(path, str(exc))
            return default

    def choice(self, value: Any, path: str, choices: tuple[str, ...], default: str) -> str:
        if value is None:
            return default
        if value not in choices:
            self.problem(path, f"must be one of {', '.join(choices)}, not {value!r}")
            return default
        return value


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", type(None): "empty"}.get(
        type(value), type(value).__name__
    )


def _close(word: str, allowed) -> str:
    import difflib

    match = difflib.get_close_matches(word, list(allowed), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


# --------------------------------------------------------------------------- sections

_TOP = {
    "organisation": "who we watch for",
    "settings": "database, timezone, fetching limits",
    "sources": "what to poll",
    "escalation": "categories of concern",
    "thresholds": "severity cut-offs",
    "channels": "where alerts go",
    "routes": "which severities go to which channels",
}
_ORG = {"name": "", "terms": "", "exclude": ""}
_SETTINGS = {f: "" for f in Settings.__dataclass_fields__}
_SOURCE_COMMON = {"name": "", "kind": "", "every": "", "enabled": ""}
_CATEGORY = {
    "weight": "",
    "keywords": "",
    "patterns": "",
    "not": "",
    "severity": "",
    "lifts": "",
    "anywhere": "",
    "family": "",
    "not_near": "",
    "unless": "",
    "sarcasm": "",
    "policy": "",
    "action": "",
}
_THRESHOLDS = {f: "" for f in Thresholds.__dataclass_fields__}
_CHANNEL = {"url": "", "format": ""}
CHANNEL_FORMATS = ("email", "sms", "text")


def _read_organisation(r: _Reader, raw: Any) -> Organisation:
    org = r.mapping(raw, "organisation", _ORG)
    if raw is None:
        r.problem("organisation", "is required: the organisation's name and the terms to look for")
    name = r.string(org.get("name"), "organisation.name", required=True) or ""
    terms = r.strings(org.get("terms"), "organisation.terms", required=True)
    exclude = r.strings(org.get("exclude"), "organisation.exclude")
    return Organisation(name=name, terms=terms, exclude=exclude)


def _read_settings(r: _Reader, raw: Any) -> Settings:
    s = r.mapping(raw, "settings", _SETTINGS)
    d = Settings()
    p = "settings"
    tz = r.string(s.get("timezone"), join(p, "timezone")) or d.timezone
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(tz)
    except Exception:
        r.problem(join(p, "timezone"), f"unknown time zone {tz!r} (try Europe/London)")
        tz = d.timezone
    contact = r.string(s.get("contact"), join(p, "contact")) or d.contact
    if not is_http_url(contact) and not re.fullmatch(r"[^@\s]+@[^@\s]+", contact):
        r.problem(join(p, "contact"), "must be a web address or an email address (it goes in our User-Agent)")
    return Settings(
        database=r.string(s.get("database"), join(p, "database")) or d.database,
        timezone=tz,
        contact=contact,
        every=r.duration(s.get("every"), join(p, "every"), d.every),
        workers=r.integer(s.get("workers"), join(p, "workers"), d.workers, 1, 64),
        per_host=r.integer(s.get("per_host"), join(p, "per_host"), d.per_host, 1, 16),
        connect_timeout=r.duration(s.get("connect_timeout"), join(p, "connect_timeout"), d.connect_timeout),
        read_timeout=r.duration(s.get("read_timeout"), join(p, "read_timeout"), d.read_timeout),
        max_bytes=r.size(s.get("max_bytes"), join(p, "max_bytes"), d.max_bytes),
        alerts_dir=r.string(s.get("alerts_dir"), join(p, "alerts_dir")) or d.alerts_dir,
    )


def _read_sources(r: _Reader, raw: Any, settings: Settings) -> list[SourceConfig]:
    from .sources import KINDS, get_kind

    if raw is None:
        r.problem("sources", "is required: a list of feeds to poll")
        return []
    if not isinstance(raw, list):
        r.problem("sources", f"must be a list, not {_kind(raw)}")
        return []
    out: list[SourceConfig] = []
    names: set[str] = set()
    for i, item in enumerate(raw):
        path = join("sources", i)
        if not isinstance(item, dict):
            r.problem(path, f"must be a mapping with name, kind and url, not {_kind(item)}")
            continue
        name = r.string(item.get("name"), join(path, "name"), required=True)
        if name and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
            r.problem(join(path, "name"), f"{name!r}: use letters, digits, '-', '_' or '.' (it names the source in alerts and the database)")
        if name in names:
            r.problem(join(path, "name"), f"{name!r} is used by another source; names must be unique")
        names.add(name or "")
        kind_name = r.string(item.get("kind"), join(path, "kind"), required=True)
        if kind_name and kind_name not in KINDS:
            r.problem(join(path, "kind"), f"unknown kind {kind_name!r}; known kinds: {', '.join(sorted(KINDS))}")
            continue
        if not kind_name:
            continue
        kind = get_kind(kind_name)
        allowed = {**_SOURCE_COMMON, **{o.name: o.help for o in kind.options}}
        r.mapping(item, path, allowed)
        options = kind.read_options(r, item, path)
        out.append(
            SourceConfig(
                name=name or f"source-{i}",
                kind=kind_name,
                every=r.duration(item.get("every"), join(path, "every"), settings.every),
                enabled=r.boolean(item.get("enabled"), join(path, "enabled"), True),
                options=options,
                path=path,
            )
        )
    if not out and not r.problems:
        r.problem("sources", "lists no sources: add at least one feed to watch")
    return out


def _read_escalation(r: _Reader, raw: Any) -> dict[str, Category]:
    if raw is None:
        r.problem("escalation", "is required: the categories of concern (see the shipped feeds.yaml)")
        return {}
    cats = r.mapping(raw, "escalation")
    out: dict[str, Category] = {}
    for name, body in cats.items():
        path = join("escalation", str(name))
        body = r.mapping(body, path, _CATEGORY)
        keywords = r.strings(body.get("keywords"), join(path, "keywords"))
        patterns = r.strings(body.get("patterns"), join(path, "patterns"))
        for j, pattern in enumerate(patterns):
            try:
                re.compile(pattern)
            except re.error as exc:
                r.problem(join(join(path, "patterns"), j), f"not a valid regular expression: {exc}")
        if not keywords and not patterns:
            r.problem(path, "needs keywords (or patterns) to recognise it")
        out[str(name)] = Category(
            name=str(name),
            weight=r.number(body.get("weight"), join(path, "weight"), 1.0, 0, 100),
            keywords=keywords,
            patterns=patterns,
            not_=r.strings(body.get("not"), join(path, "not")),
            severity=r.choice(body.get("severity"), join(path, "severity"), SEVERITIES, "info"),
            lifts=r.boolean(body.get("lifts"), join(path, "lifts"), False),
            anywhere=r.boolean(body.get("anywhere"), join(path, "anywhere"), False),
            family=r.string(body.get("family"), join(path, "family")) or str(name),
            not_near=r.strings(body.get("not_near"), join(path, "not_near")),
            unless=r.strings(body.get("unless"), join(path, "unless")),
            sarcasm=r.boolean(body.get("sarcasm"), join(path, "sarcasm"), False),
            policy=r.string(body.get("policy"), join(path, "policy"), required=True) or "",
            action=r.string(body.get("action"), join(path, "action"), required=True) or "",
        )
    return out


def _read_thresholds(r: _Reader, raw: Any) -> Thresholds:
    t = r.mapping(raw, "thresholds", _THRESHOLDS)
    d = Thresholds()
    p = "thresholds"
    out = Thresholds(
        neutral_phrases=r.strings(t.get("neutral_phrases"), join(p, "neutral_phrases")),
        negative=r.number(t.get("negative"), join(p, "negative"), d.negative, -1, 0),
        sentiment_weight=r.number(t.get("sentiment_weight"), join(p, "sentiment_weight"), d.sentiment_weight, 0, 100),
        watch=r.number(t.get("watch"), join(p, "watch"), d.watch, 0, 1000),
        alert=r.number(t.get("alert"), join(p, "alert"), d.alert, 0, 1000),
        crisis=r.number(t.get("crisis"), join(p, "crisis"), d.crisis, 0, 1000),
    )
    if not out.watch < out.alert < out.crisis:
        r.problem(p, f"must rise: watch ({out.watch}) < alert ({out.alert}) < crisis ({out.crisis})")
    return out


def _channel_format(url: str) -> str:
    scheme = url.split(":", 1)[0].lower()
    if scheme in ("mailto", "mailtos", "ses", "sendgrid", "mailgun", "sparkpost", "smtp2go", "resend", "brevo"):
        return "email"
    if scheme in (
        "twilio", "sns", "msg91", "clicksend", "vonage", "nexmo", "d7sms", "bulksms", "sinch", "smseagle",
        "kavenegar", "bulkvs", "plivo", "seven", "signal", "smsmgr", "voipms", "messagebird", "httpsms",
    ):
        return "sms"
    return "text"


def _read_channels(r: _Reader, raw: Any) -> dict[str, Channel]:
    chans = r.mapping(raw, "channels")
    out: dict[str, Channel] = {}
    for name, body in chans.items():
        path = join("channels", str(name))
        fmt = None
        if isinstance(body, dict):
            r.mapping(body, path, _CHANNEL)
            fmt = r.choice(body.get("format"), join(path, "format"), CHANNEL_FORMATS, "") or None
            url_path, body = join(path, "url"), body.get("url")
        else:
            url_path = path
        raw_url = r.string(body, url_path, required=True, env=False) or ""
        url, missing = expand_env(raw_url, r.environ)
        out[str(name)] = Channel(
            name=str(name),
            raw=raw_url,
            format=fmt or _channel_format(url),
            url=None if missing else url,
            missing=missing,
            path=url_path,
        )
    return out


def _read_routes(r: _Reader, raw: Any, channels: dict[str, Channel], secrets: bool = True) -> dict[str, list[str]]:
    routes = r.mapping(raw, "routes", {s: "" for s in ROUTABLE})
    out: dict[str, list[str]] = {}
    for severity, names in routes.items():
        if severity not in ROUTABLE:
            continue
        path = join("routes", severity)
        names = r.strings(names, path)
        for j, name in enumerate(names):
            if name not in channels:
                r.problem(join(path, j), f"no channel called {name!r}; defined channels: {', '.join(channels) or 'none'}")
        out[severity] = [n for n in names if n in channels]
    # A channel with a missing secret is fine until a route uses it.
    used = {n for names in out.values() for n in names} if secrets else set()
    for name in sorted(used):
        ch = channels[name]
        for var in ch.missing:
            users = ", ".join(s for s, ns in out.items() if name in ns)
            r.problem(ch.path, f"environment variable {var} is not set; channel {name!r} is used by routes: {users}")
    return out


# --------------------------------------------------------------------------- entry points


def config_path(explicit: str | os.PathLike | None = None, environ: dict[str, str] | None = None) -> Path:
    """``--config`` beats ``$MONITOR_CONFIG`` beats ``./feeds.yaml``."""
    environ = os.environ if environ is None else environ
    return Path(explicit or environ.get("MONITOR_CONFIG") or DEFAULT_CONFIG)


def db_path(config: Config, explicit: str | os.PathLike | None = None, environ: dict[str, str] | None = None) -> Path:
    """``--db`` beats ``$MONITOR_DB`` beats ``settings.database`` in the config beats ``data/monitor.db``."""
    environ = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if environ.get("MONITOR_DB"):
        return Path(environ["MONITOR_DB"])
    return config.resolve(config.settings.database)


def load(path: str | os.PathLike, environ: dict[str, str] | None = None, *, secrets: bool = True) -> Config:
    """Read and validate a config file; raise ConfigError listing every problem.

    ``secrets=False`` is for commands that never send (``eval``): channels whose
    ``${VAR}`` is unset are then allowed even when a route uses them.
    """
    path = Path(path)
    environ = dict(os.environ if environ is None else environ)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([Problem(file, "", None, "config file not found (use --config or MONITOR_CONFIG)")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(file, "", None, f"cannot read config file: {exc}")]) from None
    try:
        located = yamlsource.load(text)
    except Exception as exc:  # yaml.YAMLError and friends
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        detail = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([Problem(file, "", line, f"not valid YAML: {detail}")]) from None

    r = _Reader(file, located, environ)
    for key, line in located.duplicates:
        r.problems.append(Problem(file, key, line, "is written twice; the second would silently win"))
    doc = r.mapping(located.data, "", _TOP)
    if located.data is None:
        r.problem("", "the file is empty")
    organisation = _read_organisation(r, doc.get("organisation"))
    settings = _read_settings(r, doc.get("settings"))
    sources = _read_sources(r, doc.get("sources"), settings)
    escalation = _read_escalation(r, doc.get("escalation"))
    thresholds = _read_thresholds(r, doc.get("thresholds"))
    channels = _read_channels(r, doc.get("channels"))
    routes = _read_routes(r, doc.get("routes"), channels, secrets)
    if r.problems:
        raise ConfigError(r.problems)
    return Config(
        path=path.resolve(),
        organisation=organisation,
        settings=settings,
        sources=sources,
        escalation=escalation,
        thresholds=thresholds,
        channels=channels,
        routes=routes,
    )
