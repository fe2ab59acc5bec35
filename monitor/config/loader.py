"""``load()``: read a config file, check every section and how they fit together, report all problems.

The order of work: the YAML (with the line of every key), each section through its reader
(sections.py, organisation.py, delivery.py, and ``sources`` here, whose options each source
kind declares itself), then what spans sections: routes must name defined channels whose
${ENV} is set, and alerts/playbook.yaml must cover every category and rule. Nothing is
written; a ``ConfigError`` lists every problem with its file and line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .. import collector_paused, yamlsource
from ..sources import KINDS, get_kind
from ..yamlsource import join
from .delivery import read_channels, read_replies, read_routes
from .model import DEFAULT_CONFIG, PROJECT_ALERTS, Config, Digest, Settings, SourceConfig
from .organisation import read_organisation
from .playbook import read_playbook
from .reader import ConfigError, Problem, Reader, keys, kind_of
from .sections import read_alerting, read_escalation, read_reach, read_rules, read_settings, read_thresholds

_SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


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

    The cyclic garbage collector is paused while the file is read (round 26): the YAML nodes,
    values and dataclasses built here are all kept or freed by reference counting, and on a
    1,000-source config its passes over them were 4-6 ms of the 130-140 ms `monitor check` takes.
    """
    with collector_paused():
        return _load(path, environ, secrets)


def _load(path: str | os.PathLike, environ: dict[str, str] | None, secrets: bool) -> Config:
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

    r = Reader(file, located, environ)
    for key, line in located.duplicates:
        r.problems.append(Problem(file, key, line, "is written twice; the second would silently win"))
    doc = r.mapping(located.data, "", keys(Config))
    if located.data is None:
        r.problem("", "the file is empty")
    organisation = read_organisation(r, doc.get("organisation"))
    settings = read_settings(r, doc.get("settings"))
    sources = read_sources(r, doc.get("sources"), settings)
    escalation = read_escalation(r, doc.get("escalation"))
    thresholds = read_thresholds(r, doc.get("thresholds"))
    channels = read_channels(r, doc.get("channels"))
    routes = read_routes(r, doc.get("routes"), channels, secrets)
    rules = read_rules(r, doc.get("rules"))
    alerting = read_alerting(r, doc.get("alerting"))
    reach = read_reach(r, doc.get("reach"))
    replies = read_replies(r, doc.get("replies"), secrets)
    for sc in sources:  # imap_inbox never reads the directors' own mail (replies to alerts among it)
        sc.directors = list(replies.directors) if replies else []
    retention = r.field(Config, "retention", doc, "")
    digest = r.section(Digest, doc.get("digest"), "digest", defaults={"timezone": settings.timezone})
    alerts_dir, alerts_note = _alerts_dir(path, settings)
    playbook, more = read_playbook(file, alerts_dir, escalation, environ)
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
        digest=digest,
        replies=replies,
        alerts_note=alerts_note,
    )


def _alerts_dir(path: Path, settings: Settings) -> tuple[Path, str]:
    """The templates and playbook: beside the config, else (when left at its default) the project's own."""
    alerts_dir = Path(settings.alerts_dir).expanduser()
    alerts_dir = alerts_dir if alerts_dir.is_absolute() else path.resolve().parent / alerts_dir
    if not alerts_dir.is_dir() and settings.alerts_dir == Settings.alerts_dir and PROJECT_ALERTS.is_dir():
        # A config kept elsewhere (/etc/nbn/feeds.yaml) without its own alerts/: the project's templates.
        settings.alerts_dir = str(PROJECT_ALERTS)
        return PROJECT_ALERTS, f"none beside {path.resolve()}, so the project's own"
    return alerts_dir, ""


def read_sources(r: Reader, raw: Any, settings: Settings) -> list[SourceConfig]:
    """``sources``: the keys every source has (SourceConfig) plus the options its kind declares."""
    if raw is None:
        r.problem("sources", "is required: a list of feeds to poll")
        return []
    if not isinstance(raw, list):
        r.problem("sources", f"must be a list, not {kind_of(raw)}")
        return []
    out: list[SourceConfig] = []
    names: set[str] = set()
    by_kind: dict[str, tuple[Any, dict[str, str]]] = {}  # kind name -> (its class, the keys allowed)
    every = {"every": settings.every}
    for i, item in enumerate(raw):
        path = join("sources", i)
        if not isinstance(item, dict):
            r.problem(path, f"must be a mapping with name, kind and url, not {kind_of(item)}")
            continue
        name = r.string(item.get("name"), join(path, "name"), required=True)
        if name and not _SOURCE_NAME.fullmatch(name):
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
        kind, allowed = by_kind.get(kind_name) or (None, None)
        if kind is None:  # once per kind, not per source
            kind = get_kind(kind_name)
            allowed = {**keys(SourceConfig), **{o.name: o.help for o in kind.options}}
            by_kind[kind_name] = kind, allowed
        r.mapping(item, path, allowed)
        options = kind.read_options(r, item, path)
        values = r.fields(SourceConfig, item, path, defaults=every)
        values["label"] = values["label"].strip()[:80]
        out.append(SourceConfig(name=name or f"source-{i}", kind=kind_name, options=options, path=path, **values))
    if not out and not r.problems:
        r.problem("sources", "lists no sources: add at least one feed to watch")
    return out
