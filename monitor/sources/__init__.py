"""Source kinds: one module per kind, each describing itself.

A kind is a ``sources.base.Source`` subclass with a ``kind`` name, a
``description``, its ``options`` (with defaults and help), and ``poll()``,
which asks the service for what is new since the source's stored state.
Kinds are imported only when a config uses them, to keep start-up light.
"""

from __future__ import annotations

import importlib

KINDS = {
    "rss": "monitor.sources.rss:RssSource",
}


def get_kind(name: str):
    module, _, attr = KINDS[name].partition(":")
    return getattr(importlib.import_module(module), attr)
