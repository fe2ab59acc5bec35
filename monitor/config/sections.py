"""The sections read straight from their declarations, plus the checks a type and a range cannot say.

``settings`` (a real time zone, a contact address, an http(s) public_url), ``escalation``
(valid regular expressions, something to recognise each category by), ``thresholds`` (they
must rise), ``rules`` (the heartbeat address), ``alerting`` (quiet hours and the levels that
wait for them) and ``reach`` (points per outlet). Keys, defaults and ranges: model.py.
"""

from __future__ import annotations

import re
from typing import Any

from ..urls import is_http_url
from ..yamlsource import join
from .model import Alerting, Category, Reach, Rules, Settings, Thresholds
from .reader import Reader, keys
from .values import expand_env

# --------------------------------------------------------------------------- settings


def _timezone(r: Reader, tz: str, path: str) -> str:
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(tz)
    except Exception:
        r.problem(path, f"unknown time zone {tz!r} (try Europe/London)")
        return Settings.timezone
    return tz


def _contact(r: Reader, contact: str, path: str) -> str:
    if not is_http_url(contact) and not re.fullmatch(r"[^@\s]+@[^@\s]+", contact):
        r.problem(path, "must be a web address or an email address (it goes in our User-Agent)")
    return contact


def _public_url(r: Reader, url: str | None, path: str) -> str | None:
    if not url:
        return None
    if not is_http_url(url):
        r.problem(path, f"must be an http(s) address like https://monitor.example.org, got {url!r}")
        return None
    return url.rstrip("/")


def read_settings(r: Reader, raw: Any) -> Settings:
    return r.section(Settings, raw, "settings",
                     after={"timezone": _timezone, "contact": _contact, "public_url": _public_url})


# --------------------------------------------------------------------------- judging


# Round 26 (start-up): a pattern is checked by parsing it, which raises the same ``re.error`` as compiling it for
# everything but a look-behind whose width is not fixed (that error comes from the compiler), so a pattern with a
# look-behind is still compiled in full. Parsing is about half the cost of compiling, and the compiled pattern was
# thrown away: the analysis compiles every category's patterns together, when a text needs them. ``monitor check``
# on a 1,000-source config compiled 65 patterns in 7-8 ms; they are parsed in 4-5 ms.
_parse = getattr(getattr(re, "_parser", None), "parse", None)


def pattern_error(pattern: str) -> re.error | None:
    """The error ``re.compile(pattern)`` would raise, or None: the same check, without building the matcher."""
    try:
        if _parse is None or "(?<" in pattern:
            re.compile(pattern)
        else:
            _parse(pattern, 0)
    except re.error as exc:
        return exc
    return None


def _patterns(r: Reader, patterns: list[str], path: str) -> list[str]:
    for j, pattern in enumerate(patterns):
        exc = pattern_error(pattern)
        if exc is not None:
            r.problem(join(path, j), f"not a valid regular expression: {exc}")
    return patterns


def read_escalation(r: Reader, raw: Any) -> dict[str, Category]:
    if raw is None:
        r.problem("escalation", "is required: the categories of concern (see the shipped feeds.yaml)")
        return {}
    out: dict[str, Category] = {}
    for name, body in r.mapping(raw, "escalation").items():
        path = join("escalation", str(name))
        category = r.section(Category, body, path, defaults={"family": str(name)}, after={"patterns": _patterns},
                             name=str(name))
        if not category.keywords and not category.patterns:
            r.problem(path, "needs keywords (or patterns) to recognise it")
        out[str(name)] = category
    return out


def read_thresholds(r: Reader, raw: Any) -> Thresholds:
    out = r.section(Thresholds, raw, "thresholds")
    if not out.watch < out.alert < out.crisis:
        r.problem("thresholds", f"must rise: watch ({out.watch}) < alert ({out.alert}) < crisis ({out.crisis})")
    return out


def read_reach(r: Reader, raw: Any) -> Reach:
    m = r.mapping(raw, "reach", keys(Reach))
    outlets = {}
    for name, value in r.mapping(m.get("outlets"), "reach.outlets").items():
        outlets[str(name).lower()] = r.number(value, join("reach.outlets", str(name)), 0.0, 0, 10)
    return Reach(outlets=outlets, **r.fields(Reach, m, "reach"))


# --------------------------------------------------------------------------- rules and alerting


def read_rules(r: Reader, raw: Any) -> Rules:
    m = r.mapping(raw, "rules", keys(Rules))
    hb = r.string(m.get("heartbeat_url"), "rules.heartbeat_url", env=False)
    if hb:
        hb, missing = expand_env(hb, r.environ)
        if missing:
            hb = None  # optional: an unset ${VAR} switches the heartbeat off
        elif not is_http_url(hb):
            r.problem("rules.heartbeat_url", f"must be an http(s) address, got {hb!r}")
    return Rules(heartbeat_url=hb or None, **r.fields(Rules, m, "rules"))


_QUIET = re.compile(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*")
_CAN_WAIT = ("watch", "alert")  # a crisis never waits for morning


def read_alerting(r: Reader, raw: Any) -> Alerting:
    m = r.mapping(raw, "alerting", keys(Alerting))
    quiet = None
    if m.get("quiet_hours") is not None:
        text = r.string(m.get("quiet_hours"), "alerting.quiet_hours") or ""
        match = _QUIET.fullmatch(text)
        if not match:
            r.problem("alerting.quiet_hours", f"must look like 21:00-07:30, got {text!r}")
        else:
            a, b, c, e = match.groups()
            quiet = (f"{int(a):02d}:{b}", f"{int(c):02d}:{e}")
    levels = r.strings(m.get("quiet_levels"), "alerting.quiet_levels") or list(Alerting.quiet_levels)
    for i, level in enumerate(levels):
        if level not in _CAN_WAIT:
            r.problem(join("alerting.quiet_levels", i), f"only watch and alert can wait for morning, not {level!r}")
    return Alerting(quiet_hours=quiet, quiet_levels=tuple(x for x in levels if x in _CAN_WAIT),
                    **r.fields(Alerting, m, "alerting"))
