"""One reader for every section: typed values out of the parsed file, every problem with its line.

``Reader.section(Settings, raw, "settings")`` reads a whole section from its declarations in
model.py: keys that are not declared are reported with a "did you mean" hint and the list
of keys allowed there, each declared key is read by its kind (text, duration, number in a
range, one of some choices, a nested section...) and falls back to its declared default.
A problem never stops the reading: all of them are collected, so one edit-and-check round
fixes them all. Source kinds read their own options through the same reader
(``monitor.sources.base.Source.read_options``).
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from functools import cache
from typing import Any, Callable

from .. import yamlsource
from ..yamlsource import join
from .model import BOOLEAN, CHOICE, CUSTOM, DURATION, INTEGER, NUMBER, SECTION, SIZE, TEXT, TEXTS
from .values import expand_env, parse_duration, parse_size


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


# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Key:
    """A key as model.py declares it (a dataclass field with ``key(...)`` metadata)."""

    attr: str  # the field's name
    name: str  # as written in the file (``not`` for ``Category.not_``)
    kind: str
    help: str
    lo: float | None
    hi: float | None
    choices: tuple[str, ...]
    required: bool
    default: Any  # MISSING when the field has none
    factory: Any  # MISSING, or a callable giving the default (a nested section's dataclass)

    @property
    def plain_when_absent(self) -> bool:
        """Left out, it simply takes its default (no problem to report, no section to read)."""
        return not self.required and self.kind != SECTION

    def default_value(self) -> Any:
        if self.default is not MISSING:
            return self.default
        return None if self.factory is MISSING else self.factory()


@cache
def declared(cls: type) -> tuple[Key, ...]:
    """The keys of a section, in declaration order (which is also the order "allowed here" lists them)."""
    out = []
    for f in fields(cls):
        meta = f.metadata
        if "kind" in meta:
            out.append(Key(f.name, meta["key"] or f.name, meta["kind"], meta["help"], meta["lo"], meta["hi"],
                           meta["choices"], meta["required"], f.default, f.default_factory))
    return tuple(out)


@cache
def keys(cls: type) -> dict[str, str]:
    """``{key as written: help}`` for a section (shared: do not change it)."""
    return {k.name: k.help for k in declared(cls)}


def key_of(cls: type, attr: str) -> Key:
    return next(k for k in declared(cls) if k.attr == attr)


# A check run right after a key is read, in reading order: check(reader, value, path) -> value to keep.
Check = Callable[["Reader", Any, str], Any]


# --------------------------------------------------------------------------- the reader


class Reader:
    """Collects problems while reading typed values out of the parsed document."""

    def __init__(self, file: str, located: yamlsource.Located, environ: dict[str, str]):
        self.file = file
        self.located = located
        self.environ = environ
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, self.located.line(path), message))

    # -- sections, from their declarations --------------------------------------------

    def section(self, cls: type, raw: Any, path: str, *, defaults: dict[str, Any] | None = None,
                after: dict[str, Check] | None = None, **extra: Any) -> Any:
        """A whole section: its mapping checked for unknown keys, every declared key read.

        ``extra`` gives the fields that are not keys in the file (a category's name).
        """
        values = self.fields(cls, self.mapping(raw, path, keys(cls)), path, defaults=defaults, after=after)
        return cls(**values, **extra)

    def fields(self, cls: type, mapping: dict, path: str, *, skip: tuple[str, ...] = (),
               defaults: dict[str, Any] | None = None, after: dict[str, Check] | None = None) -> dict[str, Any]:
        """``{attribute: value}`` for every declared key of ``cls`` that is not CUSTOM (nor skipped).

        ``defaults`` replaces declared defaults that depend on another section (a source's
        ``every`` defaults to ``settings.every``); ``after`` checks a value as soon as it is read.
        """
        out: dict[str, Any] = {}
        for k in declared(cls):
            if k.kind == CUSTOM or k.attr in skip:
                continue
            raw = mapping.get(k.name)
            default = defaults.get(k.attr, MISSING) if defaults else MISSING
            if raw is None and k.plain_when_absent and not (after and k.attr in after):
                # Left out: its default, no problem possible (most keys of most entries; keeps check fast).
                value = k.default_value() if default is MISSING else default
                out[k.attr] = list(value) if k.kind == TEXTS else value
                continue
            p = join(path, k.name)
            value = self.value(k, raw, p, default)
            if after and k.attr in after:
                value = after[k.attr](self, value, p)
            out[k.attr] = value
        return out

    def field(self, cls: type, attr: str, mapping: dict, path: str, default: Any = MISSING) -> Any:
        """One declared key of ``cls``, read from ``mapping`` (the section at ``path``)."""
        k = key_of(cls, attr)
        return self.value(k, mapping.get(k.name), join(path, k.name), default)

    def value(self, k: Key, raw: Any, path: str, default: Any = MISSING) -> Any:
        """``raw`` read as the kind ``k`` declares; its default when absent or wrong (with a problem)."""
        if default is MISSING:
            default = k.default_value()
        kind = k.kind
        if kind == TEXT:
            return self.string(raw, path, required=k.required) or default
        if kind == TEXTS:
            return self.strings(raw, path, required=k.required) or list(default)
        if kind == DURATION:
            return self.duration(raw, path, default)
        if kind == NUMBER:
            return self.number(raw, path, default, k.lo, k.hi)
        if kind == INTEGER:
            return self.integer(raw, path, default, k.lo, k.hi)
        if kind == BOOLEAN:
            return self.boolean(raw, path, default)
        if kind == CHOICE:
            return self.choice(raw, path, k.choices, default)
        if kind == SIZE:
            return self.size(raw, path, default)
        if kind == SECTION:
            return self.section(k.factory, raw, path)
        raise TypeError(f"{path}: a {kind} key is read by its section's module, not by Reader.value")

    # -- values -------------------------------------------------------------------------

    def mapping(self, value: Any, path: str, allowed: dict[str, str] | None = None) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(path, f"must be a mapping of keys to values, not {kind_of(value)}")
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
            self.problem(path, f"must be text, not {kind_of(value)}")
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
            self.problem(path, f"must be a list, not {kind_of(value)}")
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
            self.problem(path, f"must be a number, not {kind_of(value)}")
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
        return self._parsed(parse_duration, value, path, default)

    def size(self, value: Any, path: str, default: int) -> int:
        return self._parsed(parse_size, value, path, default)

    def _parsed(self, parse, value: Any, path: str, default):
        """``parse(value)``; its ValueError is a problem at ``path`` (and the default is used)."""
        if value is None:
            return default
        try:
            return parse(value)
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


def kind_of(value: Any) -> str:
    """How a problem names what was written instead: ``a mapping``, ``a list``, ``text``..."""
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", type(None): "empty"}.get(
        type(value), type(value).__name__
    )


def _close(word: str, allowed) -> str:
    import difflib

    match = difflib.get_close_matches(word, list(allowed), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""
