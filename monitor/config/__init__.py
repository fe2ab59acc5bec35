"""Load and validate ``feeds.yaml``.

Everything a run needs is checked here, before anything is fetched or written:
unknown keys (typos), wrong types, bad URLs, unknown source kinds, routes that
name missing channels, and ``${ENV_VAR}`` references whose variable is not set.
Every problem names the file, the key path (``sources[3].url``) and the line,
and all problems are reported together so one edit-and-check round fixes them.

Where things are:

- ``model.py``: every section as a dataclass, every key declared once with its default,
  kind, limits and help. Start here to add or change a key.
- ``reader.py``: the one reader that reads a section from those declarations, and the
  problems it reports (``Problem``, ``ConfigError``).
- ``values.py``: durations, sizes, ``${ENV_VAR}`` references.
- ``organisation.py``, ``sections.py``, ``delivery.py``, ``playbook.py``: the checks each
  section needs beyond a type and a range.
- ``loader.py``: ``load()``, the ``sources`` list (each kind's own option declarations in
  ``monitor.sources``), and the checks that span sections. (Not ``load.py``: a submodule
  called ``load`` would replace the ``load`` function on this package once imported.)

``load``, ``config_path`` and ``db_path`` are imported on first use: the loader imports the
source registry, and ``monitor.sources.base`` imports this package for ``SourceConfig``,
so importing this package must not import the loader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..levels import ROUTABLE, ROUTE_NAMES, SEVERITIES
from .model import (
    CHANNEL_FORMATS,
    DEFAULT_CONFIG,
    DEFAULT_DB,
    PROJECT_ALERTS,
    RULE_NAMES,
    Advice,
    Alerting,
    Category,
    Channel,
    Config,
    Digest,
    Namesake,
    Organisation,
    Profile,
    Reach,
    Replies,
    Rules,
    Settings,
    SourceConfig,
    SpikeRule,
    Thresholds,
    readable_name,
)
from .reader import ConfigError, Problem
from .values import expand_env, parse_duration, parse_size

if TYPE_CHECKING:
    from .loader import config_path, db_path, load

__all__ = [
    "CHANNEL_FORMATS", "DEFAULT_CONFIG", "DEFAULT_DB", "PROJECT_ALERTS", "ROUTABLE", "ROUTE_NAMES", "RULE_NAMES",
    "SEVERITIES", "Advice", "Alerting", "Category", "Channel", "Config", "ConfigError", "Digest", "Namesake",
    "Organisation", "Problem", "Profile", "Reach", "Replies", "Rules", "Settings", "SourceConfig", "SpikeRule",
    "Thresholds", "config_path", "db_path", "expand_env", "load", "parse_duration", "parse_size", "readable_name",
]

_FROM_LOADER = ("load", "config_path", "db_path")


def __getattr__(name: str) -> Any:
    if name in _FROM_LOADER:
        from . import loader

        value = globals()[name] = getattr(loader, name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
