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

from . import urls, yamlsource
from .yamlsource import join

from .levels import ROUTABLE, ROUTE_NAMES, SEVERITIES  # noqa: F401  (re-exported for older imports)
RULE_NAMES = ("mention", "volume_spike", "negative_spike", "source_down", "source_recovered", "reply_overdue", "test")
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
class Namesake:
    """Another organisation or thing with our name, known in advance (``organisation.profile.namesakes``)."""

    name: str  # as people write it: "New Baby Network Ltd"
    about: str = ""  # a few words: "an online baby shop"


@dataclass
class Profile:
    """Who we are, in words the identity model compares with a text (see monitor/identity.py)."""

    description: str = ""
    places: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    web: list[str] = field(default_factory=list)
    namesakes: list[Namesake] = field(default_factory=list)


@dataclass
class Organisation:
    name: str
    terms: list[str]
    exclude: list[str]
    profile: Profile = field(default_factory=Profile)


# The templates and playbook that come with the project: used when a config kept elsewhere has none beside it.
PROJECT_ALERTS = Path(__file__).resolve().parents[1] / "alerts"


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
    fetch_deadline: float = 70.0  # wall clock for one request, however slowly the server answers
    max_bytes: int = 5 * 1024 * 1024
    alerts_dir: str = "alerts"
    public_url: str | None = None  # where `monitor serve` is reached from a phone: alert links point there
    link_valid: float = 7 * 86400  # how long a signed link in an alert opens its page


@dataclass
class SourceConfig:
    name: str
    kind: str
    every: float
    enabled: bool
    options: dict[str, Any]
    path: str
    expect_within: float | None = None  # no new items for longer than this: the source is "down"
    backfill: float = 7 * 86400  # a new source's first poll keeps items at most this old
    label: str = ""  # what people read (digest, page); default: a readable form of the name

    @property
    def display(self) -> str:
        return self.label or readable_name(self.name)

    def target(self) -> str:
        """What the source points at: a change starts it afresh (new cursor, no ETag)."""
        if self.options.get("url"):
            return str(self.options["url"])
        return "; ".join(f"{k}={v}" for k, v in sorted(self.options.items()) if v and not k.endswith("_env"))


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
class Reach:
    """How far a mention travelled raises the stakes of a concern (never creates one)."""

    per_tenfold: float = 1.0  # points per tenfold engagement beyond 10 (likes, reposts, replies, points...)
    audience_per_tenfold: float = 0.5  # points per tenfold audience beyond 1,000 (followers, subscribers)
    max_points: float = 3.0
    outlets: dict[str, float] = field(default_factory=dict)  # publisher name or web host -> points


@dataclass
class Advice:
    """A playbook entry: the policy clause and what to do."""

    policy: str
    action: str


@dataclass
class SpikeRule:
    enabled: bool = True
    baseline: float = 14 * 86400
    k: float = 3.0
    min_count: int = 3
    min_spacing: float = 2 * 86400
    warmup: float = 4 * 86400
    severity: str = "alert"


@dataclass
class Rules:
    volume_spike: SpikeRule = field(default_factory=SpikeRule)
    negative_spike: SpikeRule = field(default_factory=SpikeRule)
    source_down_failures: int = 3
    source_down_severity: str = "alert"
    reply_within: float = 40 * 3600
    reply_severity: str = "alert"
    heartbeat_url: str | None = None


@dataclass
class Alerting:
    group_window: float = 48 * 3600
    repeat_interval: float = 4 * 3600
    escalate_after: float = 2 * 3600
    give_up_after: float = 24 * 3600
    quiet_hours: tuple[str, str] | None = None  # ("21:00", "07:30") in settings.timezone
    quiet_levels: tuple[str, ...] = ("alert", "watch")


@dataclass
class Replies:
    """The mailbox directors' replies to alert emails arrive in (read over IMAP, outgoing connections only)."""

    host: str
    port: int
    tls: str  # ssl (IMAPS, port 993) | starttls (port 143) | none (only for a server on this machine)
    username: str | None  # None when its ${ENV} is not set
    password: str | None
    mailbox: str = "INBOX"
    directors: list[str] = field(default_factory=list)  # only replies from these addresses count
    missing: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return bool(self.username and self.password and not self.missing)


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
    rules: Rules = field(default_factory=Rules)
    alerting: Alerting = field(default_factory=Alerting)
    playbook: dict[str, Advice] = field(default_factory=dict)  # rule name -> advice
    reach: Reach = field(default_factory=Reach)
    retention: float = 365 * 86400  # mention text older than this is purged by `monitor purge`
    digest_timezone: str = "Europe/London"  # weeks run Monday to Sunday in this zone
    replies: Replies | None = None  # reply-to-acknowledge mailbox, when configured
    alerts_note: str = ""  # why alerts_dir is not the one beside the config (monitor check says so)

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
    if "${" not in value:
        return value, missing

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in environ and environ[name] != "":
            return environ[name]
        missing.append(name)
        return m.group(0)

    return _ENV_REF.sub(sub, value), missing


def is_http_url(value: str) -> bool:
    return urls.is_http_url(value)


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
    "rules": "spike, source-down, reply-overdue and heartbeat settings",
    "alerting": "grouping, repeats, escalation, retries, quiet hours",
    "reach": "how engagement and outlets raise the stakes of a concern",
    "retention": "how long mention text is kept (UK GDPR)",
    "digest": "the weekly digest",
    "replies": "the mailbox directors' replies to alert emails arrive in (reply to acknowledge)",
}
_ORG = {"name": "", "terms": "", "exclude": "", "profile": "who we are, to tell us from namesakes"}
_PROFILE = {
    "description": "a few sentences: what we are and do",
    "places": "towns and areas we work in",
    "handles": "our social media handles (@name)",
    "web": "our web address(es)",
    "namesakes": "other things called by our name: name and about",
}
_NAMESAKE = {"name": "how people write it", "about": "a few words on what it is"}
_SETTINGS = {f: "" for f in Settings.__dataclass_fields__}
_SOURCE_COMMON = {"name": "", "kind": "", "every": "", "enabled": "", "expect_within": "", "backfill": "", "label": ""}
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
    profile = _read_profile(r, org.get("profile"), terms)
    return Organisation(name=name, terms=terms, exclude=exclude, profile=profile)


def _read_profile(r: _Reader, raw: Any, terms: list[str]) -> Profile:
    p = "organisation.profile"
    prof = r.mapping(raw, p, _PROFILE)
    description = r.string(prof.get("description"), join(p, "description")) or ""
    places = r.strings(prof.get("places"), join(p, "places"))
    handles = r.strings(prof.get("handles"), join(p, "handles"))
    for i, h in enumerate(handles):
        if not re.fullmatch(r"@[A-Za-z0-9_.]{2,64}(@[A-Za-z0-9.-]+)?", h):
            r.problem(join(join(p, "handles"), i), f"{h!r} is not a handle such as @newbabynetwork")
    web = r.strings(prof.get("web"), join(p, "web"))
    for i, w in enumerate(web):
        if not re.fullmatch(r"(?i)(https?://)?[a-z0-9-]+(\.[a-z0-9-]+)+/?", w.strip()):
            r.problem(join(join(p, "web"), i), f"{w!r} is not a web address such as newbabynetwork.org.uk")
    namesakes: list[Namesake] = []
    raw_ns = prof.get("namesakes")
    if raw_ns is not None and not isinstance(raw_ns, list):
        r.problem(join(p, "namesakes"), f"must be a list of name/about entries, not {_kind(raw_ns)}")
        raw_ns = []
    for i, item in enumerate(raw_ns or []):
        path = join(join(p, "namesakes"), i)
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            r.problem(path, f"must be a mapping with name and about, not {_kind(item)}")
            continue
        r.mapping(item, path, _NAMESAKE)
        name = r.string(item.get("name"), join(path, "name"), required=True) or ""
        about = r.string(item.get("about"), join(path, "about")) or ""
        if name and terms:
            from .matching import Matcher

            if not Matcher(terms).find(name):
                r.problem(join(path, "name"), f"{name!r} does not contain any of our terms, so it can never be mistaken for us")
        if name:
            namesakes.append(Namesake(name=name, about=about))
    if raw is not None and not description:
        r.problem(join(p, "description"), "is required in a profile: a sentence or two on who we are")
    return Profile(description=description, places=places, handles=handles, web=web, namesakes=namesakes)


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
        fetch_deadline=r.duration(s.get("fetch_deadline"), join(p, "fetch_deadline"), d.fetch_deadline),
        max_bytes=r.size(s.get("max_bytes"), join(p, "max_bytes"), d.max_bytes),
        alerts_dir=r.string(s.get("alerts_dir"), join(p, "alerts_dir")) or d.alerts_dir,
        public_url=_public_url(r, s.get("public_url")),
        link_valid=r.duration(s.get("link_valid"), join(p, "link_valid"), d.link_valid),
    )


def _public_url(r: _Reader, raw: Any) -> str | None:
    url = r.string(raw, "settings.public_url")
    if not url:
        return None
    if not is_http_url(url):
        r.problem("settings.public_url", f"must be an http(s) address like https://monitor.example.org, got {url!r}")
        return None
    return url.rstrip("/")


_PROPER = {"google": "Google", "bing": "Bing", "mastodon": "Mastodon", "bluesky": "Bluesky", "reddit": "Reddit",
           "hn": "Hacker News", "youtube": "YouTube", "gdelt": "GDELT", "rss": "RSS", "bbc": "BBC", "nhs": "NHS",
           "facebook": "Facebook", "instagram": "Instagram", "tiktok": "TikTok", "x": "X", "twitter": "Twitter"}


def readable_name(name: str) -> str:
    """``mastodon-tag`` -> ``Mastodon tag``; ``google-news`` -> ``Google News``."""
    words = [w for w in re.split(r"[-_\s.]+", name or "") if w]
    out = [_PROPER.get(w.lower(), w) for w in words]
    if out and out[0] == words[0]:
        out[0] = out[0][:1].upper() + out[0][1:]
    text = " ".join(out)
    return text.replace("Google news", "Google News").replace("Google alerts", "Google Alerts").replace("Bing news", "Bing News")


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
    allowed_by_kind: dict[str, dict[str, str]] = {}
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
        allowed = allowed_by_kind.get(kind_name)
        if allowed is None:
            allowed = allowed_by_kind[kind_name] = {**_SOURCE_COMMON, **{o.name: o.help for o in kind.options}}
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
                expect_within=r.duration(item.get("expect_within"), join(path, "expect_within"), None),
                backfill=r.duration(item.get("backfill"), join(path, "backfill"), 7 * 86400),
                label=(r.string(item.get("label"), join(path, "label")) or "").strip()[:80],
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
            policy="",
            action="",
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
    routes = r.mapping(raw, "routes", {s: "" for s in ROUTE_NAMES})
    out: dict[str, list[str]] = {}
    for severity, names in routes.items():
        if severity not in ROUTE_NAMES:
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


_SPIKE = {f: "" for f in SpikeRule.__dataclass_fields__}
_RULES = {"volume_spike": "", "negative_spike": "", "source_down_failures": "", "source_down_severity": "",
          "reply_within": "", "reply_severity": "", "heartbeat_url": ""}
_ALERTING = {"group_window": "", "repeat_interval": "", "escalate_after": "", "give_up_after": "",
             "quiet_hours": "", "quiet_levels": ""}


def _read_spike(r: _Reader, raw: Any, path: str) -> SpikeRule:
    m = r.mapping(raw, path, _SPIKE)
    d = SpikeRule()
    return SpikeRule(
        enabled=r.boolean(m.get("enabled"), join(path, "enabled"), d.enabled),
        baseline=r.duration(m.get("baseline"), join(path, "baseline"), d.baseline),
        k=r.number(m.get("k"), join(path, "k"), d.k, 0, 100),
        min_count=r.integer(m.get("min_count"), join(path, "min_count"), d.min_count, 1, 100000),
        min_spacing=r.duration(m.get("min_spacing"), join(path, "min_spacing"), d.min_spacing),
        warmup=r.duration(m.get("warmup"), join(path, "warmup"), d.warmup),
        severity=r.choice(m.get("severity"), join(path, "severity"), ROUTABLE, d.severity),
    )


def _read_rules(r: _Reader, raw: Any) -> Rules:
    m = r.mapping(raw, "rules", _RULES)
    d = Rules()
    hb = r.string(m.get("heartbeat_url"), "rules.heartbeat_url", env=False)
    if hb:
        hb, missing = expand_env(hb, r.environ)
        if missing:
            hb = None  # optional: an unset ${VAR} switches the heartbeat off
        elif not is_http_url(hb):
            r.problem("rules.heartbeat_url", f"must be an http(s) address, got {hb!r}")
    return Rules(
        volume_spike=_read_spike(r, m.get("volume_spike"), "rules.volume_spike"),
        negative_spike=_read_spike(r, m.get("negative_spike"), "rules.negative_spike"),
        source_down_failures=r.integer(m.get("source_down_failures"), "rules.source_down_failures",
                                       d.source_down_failures, 1, 1000),
        source_down_severity=r.choice(m.get("source_down_severity"), "rules.source_down_severity", ROUTABLE,
                                      d.source_down_severity),
        reply_within=r.duration(m.get("reply_within"), "rules.reply_within", d.reply_within),
        reply_severity=r.choice(m.get("reply_severity"), "rules.reply_severity", ROUTABLE, d.reply_severity),
        heartbeat_url=hb or None,
    )


def _read_alerting(r: _Reader, raw: Any) -> Alerting:
    m = r.mapping(raw, "alerting", _ALERTING)
    d = Alerting()
    quiet = None
    if m.get("quiet_hours") is not None:
        text = r.string(m.get("quiet_hours"), "alerting.quiet_hours") or ""
        match = re.fullmatch(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*", text)
        if not match:
            r.problem("alerting.quiet_hours", f"must look like 21:00-07:30, got {text!r}")
        else:
            a, b, c, e = match.groups()
            quiet = (f"{int(a):02d}:{b}", f"{int(c):02d}:{e}")
    levels = r.strings(m.get("quiet_levels"), "alerting.quiet_levels") or list(d.quiet_levels)
    for i, level in enumerate(levels):
        if level not in ("watch", "alert"):
            r.problem(join("alerting.quiet_levels", i), f"only watch and alert can wait for morning, not {level!r}")
    return Alerting(
        group_window=r.duration(m.get("group_window"), "alerting.group_window", d.group_window),
        repeat_interval=r.duration(m.get("repeat_interval"), "alerting.repeat_interval", d.repeat_interval),
        escalate_after=r.duration(m.get("escalate_after"), "alerting.escalate_after", d.escalate_after),
        give_up_after=r.duration(m.get("give_up_after"), "alerting.give_up_after", d.give_up_after),
        quiet_hours=quiet,
        quiet_levels=tuple(x for x in levels if x in ("watch", "alert")),
    )


_REPLIES = {"host": "", "port": "", "tls": "", "username": "", "password": "", "mailbox": "", "directors": ""}


def _read_replies(r: _Reader, raw: Any, secrets: bool = True) -> Replies | None:
    if raw is None:
        return None
    m = r.mapping(raw, "replies", _REPLIES)
    host = r.string(m.get("host"), "replies.host", required=True) or ""
    tls = r.choice(m.get("tls"), "replies.tls", ("ssl", "starttls", "none"), "ssl")
    if tls == "none" and host not in ("127.0.0.1", "localhost", "::1"):
        r.problem("replies.tls", "none is only allowed for a server on this machine (127.0.0.1); use ssl or starttls")
    port = r.integer(m.get("port"), "replies.port", 993 if tls == "ssl" else 143, 1, 65535)
    missing: list[str] = []
    creds = {}
    for key in ("username", "password"):
        text = r.string(m.get(key), f"replies.{key}", required=True, env=False) or ""
        if key == "password" and text and not _ENV_REF.search(text):
            r.problem("replies.password", "write the password as ${ENV_VAR} (e.g. ${MONITOR_REPLY_PASSWORD}), never in this file")
        value, miss = expand_env(text, r.environ)
        missing += miss
        creds[key] = None if miss else value
    # An unset ${VAR} is not fatal (alerts must still go out): each run says the mailbox was not read.
    directors = [d.strip().lower() for d in r.strings(m.get("directors"), "replies.directors", required=True)]
    for i, d in enumerate(directors):
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", d):
            r.problem(join("replies.directors", i), f"{d!r} is not an email address")
    return Replies(host=host, port=port, tls=tls, username=creds["username"], password=creds["password"],
                   mailbox=r.string(m.get("mailbox"), "replies.mailbox") or "INBOX", directors=directors,
                   missing=missing)


def _read_reach(r: _Reader, raw: Any) -> Reach:
    m = r.mapping(raw, "reach", {f: "" for f in Reach.__dataclass_fields__})
    d = Reach()
    outlets = {}
    for name, value in r.mapping(m.get("outlets"), "reach.outlets").items():
        outlets[str(name).lower()] = r.number(value, join("reach.outlets", str(name)), 0.0, 0, 10)
    return Reach(
        per_tenfold=r.number(m.get("per_tenfold"), "reach.per_tenfold", d.per_tenfold, 0, 10),
        audience_per_tenfold=r.number(m.get("audience_per_tenfold"), "reach.audience_per_tenfold",
                                      d.audience_per_tenfold, 0, 10),
        max_points=r.number(m.get("max_points"), "reach.max_points", d.max_points, 0, 100),
        outlets=outlets,
    )


def _read_playbook(config_file: str, alerts_dir: Path, escalation: dict[str, Category], environ) -> tuple[dict[str, Advice], list[Problem]]:
    """alerts/playbook.yaml: policy and action for every category and rule (fills Category.policy/action)."""
    path = alerts_dir / "playbook.yaml"
    file = str(path)
    try:
        located = yamlsource.load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, [Problem(config_file, "settings.alerts_dir", None, f"{file} is missing: it says what the policy says to do")]
    except Exception as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", None) or str(exc)
        return {}, [Problem(file, "", mark.line + 1 if mark else None, f"not valid YAML: {detail}")]
    r = _Reader(file, located, environ)
    doc = r.mapping(located.data, "", {"categories": "", "rules": ""})
    rules: dict[str, Advice] = {}
    for section, names in (("categories", list(escalation)), ("rules", list(RULE_NAMES))):
        entries = r.mapping(doc.get(section), section)
        for name in names:
            p = join(section, name)
            if name not in entries:
                r.problem(section, f"has no entry for {name!r} (policy and action)")
                continue
            body = r.mapping(entries[name], p, {"policy": "", "action": ""})
            advice = Advice(policy=r.string(body.get("policy"), join(p, "policy"), required=True) or "",
                            action=r.string(body.get("action"), join(p, "action"), required=True) or "")
            if section == "categories":
                escalation[name].policy, escalation[name].action = advice.policy, advice.action
            else:
                rules[name] = advice
        for name in entries:
            if name not in names:
                r.problem(join(section, str(name)), "matches no " + ("escalation category in feeds.yaml" if section == "categories" else f"rule (known: {', '.join(RULE_NAMES)})"))
    return rules, r.problems


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
    rules = _read_rules(r, doc.get("rules"))
    alerting = _read_alerting(r, doc.get("alerting"))
    reach = _read_reach(r, doc.get("reach"))
    replies = _read_replies(r, doc.get("replies"), secrets)
    retention = r.duration(doc.get("retention"), "retention", 365 * 86400)
    dg = r.mapping(doc.get("digest"), "digest", {"timezone": ""})
    digest_tz = r.string(dg.get("timezone"), "digest.timezone") or settings.timezone
    alerts_dir = Path(settings.alerts_dir).expanduser()
    alerts_dir = alerts_dir if alerts_dir.is_absolute() else path.resolve().parent / alerts_dir
    alerts_note = ""
    if not alerts_dir.is_dir() and settings.alerts_dir == Settings.alerts_dir and PROJECT_ALERTS.is_dir():
        # A config kept elsewhere (/etc/nbn/feeds.yaml) without its own alerts/: the project's templates.
        alerts_note = f"none beside {path.resolve()}, so the project's own"
        alerts_dir = PROJECT_ALERTS
        settings.alerts_dir = str(PROJECT_ALERTS)
    playbook, more = _read_playbook(file, alerts_dir, escalation, environ)
    r.problems += more
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
        rules=rules,
        alerting=alerting,
        playbook=playbook,
        reach=reach,
        retention=retention,
        digest_timezone=digest_tz,
        replies=replies,
        alerts_note=alerts_note,
    )
