"""What ``feeds.yaml`` may say: each section a dataclass, each key a field declared once.

A key's default, kind of value, allowed values or range, and help text are written in its
field's declaration (``key(...)``), and nowhere else: ``reader.Reader`` reads any section
from these declarations (unknown keys, types, ranges, defaults), and the section modules
add only the checks a type and a range cannot say. Adding a key is one line here.

Fields declared without ``key(...)`` are worked out while loading (a source's ``path``, a
category's ``policy`` from the playbook) and are not keys a volunteer writes.
This module imports no other part of the config and no source kind, so anything may
import it (``monitor.sources.base`` does, for ``SourceConfig``).
"""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..levels import ROUTABLE, SEVERITIES

DEFAULT_CONFIG = "feeds.yaml"
DEFAULT_DB = "data/monitor.db"
RULE_NAMES = ("mention", "volume_spike", "negative_spike", "source_down", "source_recovered", "reply_overdue", "test")
CHANNEL_FORMATS = ("email", "sms", "text")
TLS_MODES = ("ssl", "starttls", "none")
IMAP_PORTS = {"ssl": 993, "starttls": 143, "none": 143}  # the replies mailbox's port when none is given
# The templates and playbook that come with the project: used when a config kept elsewhere has none beside it.
PROJECT_ALERTS = Path(__file__).resolve().parents[2] / "alerts"

MINUTE, HOUR, DAY = 60, 3600, 86400


class Kind(StrEnum):
    """The kinds of value a key holds; reader.Reader has one way of reading each."""

    TEXT = "text"  # ${ENV} references expanded; empty means the default
    TEXTS = "texts"  # a list of texts
    NUMBER = "number"  # between lo and hi
    INTEGER = "integer"  # a whole number between lo and hi
    BOOLEAN = "boolean"
    DURATION = "duration"  # 30s, 15m, 2h, 7d; a bare number is seconds
    SIZE = "size"  # 512KB, 5MB; a bare number is bytes
    CHOICE = "choice"  # one of choices
    SECTION = "section"  # a mapping read by the same rules, into the dataclass given as factory
    CUSTOM = "custom"  # declared here, read by its section's module (its shape needs more than a type)


TEXT, TEXTS, NUMBER, INTEGER = Kind.TEXT, Kind.TEXTS, Kind.NUMBER, Kind.INTEGER
BOOLEAN, DURATION, SIZE, CHOICE = Kind.BOOLEAN, Kind.DURATION, Kind.SIZE, Kind.CHOICE
SECTION, CUSTOM = Kind.SECTION, Kind.CUSTOM


def key(default: Any = MISSING, *, kind: Kind, help: str, factory: Any = MISSING, lo: float | None = None,
        hi: float | None = None, choices: tuple[str, ...] = (), required: bool = False, name: str = "") -> Any:
    """A field that is a key in the file: its default (or ``factory``), kind, limits and help, once."""
    meta = {"kind": Kind(kind), "help": help, "lo": lo, "hi": hi, "choices": choices, "required": required,
            "key": name}
    if kind == SECTION and factory is MISSING:
        raise TypeError("a section key needs factory=<its dataclass>")
    return field(default=default, default_factory=factory, metadata=meta)


# --------------------------------------------------------------------------- organisation


@dataclass
class Namesake:
    """Another organisation or thing with our name, known in advance (``organisation.profile.namesakes``)."""

    name: str = key("", kind=TEXT, required=True, help="how people write it")  # "New Baby Network Ltd"
    about: str = key("", kind=TEXT, help="a few words on what it is")  # "an online baby shop"


@dataclass
class Profile:
    """Who we are, in words the identity model compares with a text (see monitor/identity/)."""

    description: str = key("", kind=TEXT, help="a few sentences: what we are and do")
    places: list[str] = key(kind=TEXTS, factory=list, help="towns and areas we work in")
    handles: list[str] = key(kind=TEXTS, factory=list, help="our social media handles (@name)")
    web: list[str] = key(kind=TEXTS, factory=list, help="our web address(es)")
    namesakes: list[Namesake] = key(kind=CUSTOM, factory=list, help="other things called by our name: name and about")
    products: list[str] = key(kind=TEXTS, factory=list,
                              help="our own named things: podcast, shop, sling library, welcome bags, newsletter...")


@dataclass
class Organisation:
    name: str = key("", kind=TEXT, required=True, help="the organisation's name, as alerts show it")
    terms: list[str] = key(kind=TEXTS, factory=list, required=True, help="ways people write our name")
    exclude: list[str] = key(kind=TEXTS, factory=list, help="phrases that look like our name but are not us")
    short_names: list[str] = key(kind=TEXTS, factory=list,
                                 help="short forms others share (NBN): each only a candidate the name check weighs")
    profile: Profile = key(kind=CUSTOM, factory=Profile, help="who we are, to tell us from namesakes")


# --------------------------------------------------------------------------- settings and sources


@dataclass
class Settings:
    database: str = key(DEFAULT_DB, kind=TEXT, help="the SQLite file, relative to the config file")
    timezone: str = key("Europe/London", kind=TEXT, help="how times are shown to people (storage is UTC)")
    contact: str = key("https://github.com/newbabynetwork/monitor", kind=TEXT,
                       help="a web or email address for our User-Agent, so site owners can reach us")
    every: float = key(15 * MINUTE, kind=DURATION, help="default poll interval per source")
    workers: int = key(8, kind=INTEGER, lo=1, hi=64, help="sources fetched at the same time")
    per_host: int = key(2, kind=INTEGER, lo=1, hi=16, help="at most this many requests to one website at once")
    connect_timeout: float = key(10.0, kind=DURATION, help="time to connect to a server")
    read_timeout: float = key(30.0, kind=DURATION, help="time to wait for a server's next bytes")
    fetch_deadline: float = key(70.0, kind=DURATION,
                                help="wall clock for one request, however slowly the server answers")
    max_bytes: int = key(5 * 1024 * 1024, kind=SIZE, help="a bigger reply is cut off and counted as a failure")
    alerts_dir: str = key("alerts", kind=TEXT, help="the alert templates and playbook.yaml")
    public_url: str | None = key(None, kind=TEXT,
                                 help="where `monitor serve` is reached from a phone: alert links point there")
    link_valid: float = key(7 * DAY, kind=DURATION, help="how long a signed link in an alert opens its page")


_PROPER = {"google": "Google", "bing": "Bing", "mastodon": "Mastodon", "bluesky": "Bluesky", "reddit": "Reddit",
           "hn": "Hacker News", "youtube": "YouTube", "gdelt": "GDELT", "rss": "RSS", "bbc": "BBC", "nhs": "NHS",
           "facebook": "Facebook", "instagram": "Instagram", "tiktok": "TikTok", "x": "X", "twitter": "Twitter"}


_NAME_GAPS = re.compile(r"[-_\s.]+")


def readable_name(name: str) -> str:
    """``mastodon-tag`` -> ``Mastodon tag``; ``google-news`` -> ``Google News``."""
    words = [w for w in _NAME_GAPS.split(name or "") if w]
    out = [_PROPER.get(w.lower(), w) for w in words]
    if out and out[0] == words[0]:
        out[0] = out[0][:1].upper() + out[0][1:]
    text = " ".join(out)
    return text.replace("Google news", "Google News").replace("Google alerts", "Google Alerts").replace("Bing news", "Bing News")


@dataclass
class SourceConfig:
    """One entry of ``sources``: these keys, plus the options its kind declares (``monitor.sources``)."""

    name: str = key(kind=CUSTOM, help="unique; names the source in alerts and the database")
    kind: str = key(kind=CUSTOM, help="the source kind (README: What it watches)")
    every: float = key(kind=DURATION, help="how often to poll it (default: settings.every)")
    options: dict[str, Any] = field(default_factory=dict)  # the kind's own options, read from its Option declarations
    path: str = ""  # key path in the config (sources[3]), for messages
    directors: list[str] = field(default_factory=list)  # replies.directors: a kind reading our own mailbox skips them
    enabled: bool = key(True, kind=BOOLEAN, help="false: keep it here but do not poll it")
    expect_within: float | None = key(None, kind=DURATION,
                                      help='no new items for longer than this: the source is "down"')
    backfill: float = key(7 * DAY, kind=DURATION, help="a new source's first poll keeps items at most this old")
    label: str = key("", kind=TEXT, help="what people read (digest, page); default: a readable form of the name")
    local: bool = key(False, kind=BOOLEAN, help="a feed of our own area (a local forum or parents' group): posts naming "
                      "our work without our name ('the baby group') are read, unsure (watch at most; a crisis still reaches you)")

    @property
    def display(self) -> str:
        return self.label or readable_name(self.name)

    def target(self) -> str:
        """What the source points at: a change starts it afresh (new cursor, no ETag)."""
        if self.options.get("url"):
            return str(self.options["url"])
        return "; ".join(f"{k}={v}" for k, v in sorted(self.options.items()) if v and not k.endswith("_env"))


# --------------------------------------------------------------------------- judging a mention


@dataclass
class Category:
    """One category of concern (``escalation.<name>``)."""

    name: str
    weight: float = key(1.0, kind=NUMBER, lo=0, hi=100, help="points added to a mention's score when it fires")
    keywords: list[str] = key(kind=TEXTS, factory=list, help="words or phrases; * = any ending: complain*")
    patterns: list[str] = key(kind=TEXTS, factory=list, help="regular expressions, for experts")
    not_: list[str] = key(kind=TEXTS, factory=list, name="not",
                          help='phrases in which a keyword means something else ("press the button")')
    severity: str = key("info", kind=CHOICE, choices=SEVERITIES, help="the lowest level a mention in it can have")
    lifts: bool = key(False, kind=BOOLEAN, help="raises the level one step when it comes with a serious concern")
    anywhere: bool = key(False, kind=BOOLEAN, help="counts anywhere in a text that mentions us")
    family: str = key("", kind=TEXT, help="the policy family it reports under (default: its own name)")
    not_near: list[str] = key(kind=TEXTS, factory=list,
                              help="words that, in the same sentence, show a keyword means something else")
    unless: list[str] = key(kind=TEXTS, factory=list, help="phrases anywhere in the text that set it aside")
    sarcasm: bool = key(False, kind=BOOLEAN, help="turns praise words about us into criticism")
    guards: bool = key(True, kind=BOOLEAN, help="its negations and its not, not_near and unless phrases may set aside the model's reading of its family (false: a floor only)")
    policy: str = ""  # from alerts/playbook.yaml
    action: str = ""  # from alerts/playbook.yaml


@dataclass
class Thresholds:
    negative: float = key(-0.5, kind=NUMBER, lo=-1, hi=0,
                          help="sentiment about us at or below this counts as negative (VADER, -1 .. 0)")
    sentiment_weight: float = key(3.0, kind=NUMBER, lo=0, hi=100, help="points per unit of negative sentiment")
    watch: float = key(1.0, kind=NUMBER, lo=0, hi=1000, help="a score at least this is watch")
    alert: float = key(3.0, kind=NUMBER, lo=0, hi=1000, help="a score at least this is alert")
    crisis: float = key(9.0, kind=NUMBER, lo=0, hi=1000, help="a score at least this is crisis")
    neutral_phrases: list[str] = key(kind=TEXTS, factory=list,
                                     help="slang that reads as violent or sad to a sentiment scorer but is not")


@dataclass
class Reach:
    """How far a mention travelled raises the stakes of a concern (never creates one)."""

    per_tenfold: float = key(1.0, kind=NUMBER, lo=0, hi=10,
                             help="points per tenfold engagement beyond 10 (likes, reposts, replies, points...)")
    audience_per_tenfold: float = key(0.5, kind=NUMBER, lo=0, hi=10,
                                      help="points per tenfold audience beyond 1,000 (followers, subscribers)")
    max_points: float = key(3.0, kind=NUMBER, lo=0, hi=100, help="the most reach can add")
    outlets: dict[str, float] = key(kind=CUSTOM, factory=dict, help="publisher name or web host -> points (0 to 10)")


# --------------------------------------------------------------------------- alert rules and alerting


@dataclass
class SpikeRule:
    enabled: bool = key(True, kind=BOOLEAN, help="false: no alerts from this rule")
    baseline: float = key(14 * DAY, kind=DURATION, help="the hourly mean and spread are taken over this")
    k: float = key(3.0, kind=NUMBER, lo=0, hi=100, help="standard deviations above the mean")
    min_count: int = key(3, kind=INTEGER, lo=1, hi=100000, help="never fewer mentions in the hour than this")
    min_spacing: float = key(2 * DAY, kind=DURATION, help="at most one spike alert per this")
    warmup: float = key(4 * DAY, kind=DURATION, help="no spike alerts in the first this of history")
    severity: str = key("alert", kind=CHOICE, choices=ROUTABLE, help="the level of a spike alert")


@dataclass
class Rules:
    volume_spike: SpikeRule = key(kind=SECTION, factory=SpikeRule, help="many more mentions than usual")
    negative_spike: SpikeRule = key(kind=SECTION, factory=SpikeRule, help="many more negative mentions than usual")
    source_down_failures: int = key(3, kind=INTEGER, lo=1, hi=1000,
                                    help="a source failing this many polls in a row raises one alert")
    source_down_severity: str = key("alert", kind=CHOICE, choices=ROUTABLE, help="the level of a source-down alert")
    reply_within: float = key(40 * HOUR, kind=DURATION,
                              help="a complaint or question nobody acknowledges within this gets one reminder")
    reply_severity: str = key("alert", kind=CHOICE, choices=ROUTABLE, help="the level of that reminder")
    heartbeat_url: str | None = key(None, kind=CUSTOM,
                                    help="pinged after every run (an unset ${VAR} switches it off)")


@dataclass
class Alerting:
    group_window: float = key(48 * HOUR, kind=DURATION, help="mentions of the same story within this join one alert")
    repeat_interval: float = key(4 * HOUR, kind=DURATION, help="an unacknowledged crisis is sent again this often")
    escalate_after: float = key(2 * HOUR, kind=DURATION, help="...and after this also goes to routes.escalation")
    give_up_after: float = key(24 * HOUR, kind=DURATION, help="a channel that keeps failing is retried until then")
    # ("21:00", "07:30") in settings.timezone
    quiet_hours: tuple[str, str] | None = key(None, kind=CUSTOM, help="21:00-07:30: these levels wait until morning")
    quiet_levels: tuple[str, ...] = key(("alert", "watch"), kind=CUSTOM, help="levels that wait (watch, alert)")


@dataclass
class Advice:
    """A playbook entry: the policy clause and what to do."""

    policy: str = key("", kind=TEXT, required=True, help="the part of the social media policy it comes from")
    action: str = key("", kind=TEXT, required=True, help="what to do, in one or two short sentences")


@dataclass
class Playbook:
    """``alerts/playbook.yaml``: advice for every escalation category and every alert rule."""

    categories: dict[str, Advice] = key(kind=CUSTOM, factory=dict, help="escalation category -> policy and action")
    rules: dict[str, Advice] = key(kind=CUSTOM, factory=dict, help="alert rule -> policy and action")


# --------------------------------------------------------------------------- where alerts go


@dataclass
class Replies:
    """The mailbox directors' replies to alert emails arrive in (read over IMAP, outgoing connections only)."""

    host: str = key("", kind=TEXT, required=True, help="the IMAP server")
    port: int | None = key(None, kind=INTEGER, lo=1, hi=65535,
                           help=f"default {IMAP_PORTS['ssl']} with tls ssl, else {IMAP_PORTS['starttls']}")
    tls: str = key("ssl", kind=CHOICE, choices=TLS_MODES,
                   help="ssl (IMAPS, port 993) or starttls (port 143); none only for a server on this machine")
    username: str | None = key(None, kind=CUSTOM, help="${ENV_VAR}; None when it is not set")
    password: str | None = key(None, kind=CUSTOM, help="${ENV_VAR} (never the password itself)")
    mailbox: str = key("INBOX", kind=TEXT, help="the folder replies arrive in")
    directors: list[str] = key(kind=TEXTS, factory=list, required=True,
                               help="only replies from these addresses count")
    missing: list[str] = field(default_factory=list)  # ${ENV} names that were not set

    @property
    def ready(self) -> bool:
        return bool(self.username and self.password and not self.missing)


@dataclass
class Channel:
    name: str
    raw: str  # the address as written, ${ENV} references unexpanded
    url: str | None = key(None, kind=CUSTOM, help="an apprise address, written as ${ENV_VAR}")  # None: ${ENV} unset
    format: str = key("", kind=CHOICE, choices=CHANNEL_FORMATS,
                      help="email (HTML), sms (300 characters) or text; guessed from the address")
    missing: list[str] = field(default_factory=list)
    path: str = ""  # key path in the config, for error messages


@dataclass
class Digest:
    timezone: str = key("", kind=TEXT, help="weeks run Monday to Sunday in this zone (default: settings.timezone)")


# --------------------------------------------------------------------------- the whole file


@dataclass
class Config:
    path: Path
    organisation: Organisation = key(kind=CUSTOM, help="who we watch for")
    settings: Settings = key(kind=CUSTOM, help="database, timezone, fetching limits")
    sources: list[SourceConfig] = key(kind=CUSTOM, help="what to poll")
    escalation: dict[str, Category] = key(kind=CUSTOM, help="categories of concern")
    thresholds: Thresholds = key(kind=CUSTOM, help="severity cut-offs")
    channels: dict[str, Channel] = key(kind=CUSTOM, help="where alerts go")
    routes: dict[str, list[str]] = key(kind=CUSTOM, help="which severities go to which channels")
    rules: Rules = key(kind=CUSTOM, factory=Rules, help="spike, source-down, reply-overdue and heartbeat settings")
    alerting: Alerting = key(kind=CUSTOM, factory=Alerting, help="grouping, repeats, escalation, retries, quiet hours")
    playbook: dict[str, Advice] = field(default_factory=dict)  # rule name -> advice (alerts/playbook.yaml)
    reach: Reach = key(kind=CUSTOM, factory=Reach, help="how engagement and outlets raise the stakes of a concern")
    retention: float = key(365 * DAY, kind=DURATION, help="how long mention text is kept (UK GDPR)")
    digest: Digest = key(kind=CUSTOM, factory=Digest, help="the weekly digest")
    replies: Replies | None = key(None, kind=CUSTOM,
                                  help="the mailbox directors' replies to alert emails arrive in (reply to acknowledge)")
    alerts_note: str = ""  # why alerts_dir is not the one beside the config (monitor check says so)

    @property
    def digest_timezone(self) -> str:
        """Weeks run Monday to Sunday in this zone."""
        return self.digest.timezone or self.settings.timezone

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
