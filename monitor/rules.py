"""Decide which alerts a new mention raises.

Rule ``mention`` (serious mention): a new mention whose severity has a route
in ``feeds.yaml`` raises one alert, delivered to each channel of that route.
Its ``group_key`` is the story's canonical URL, so later stages (grouping,
inhibition, silences) can find every alert about one story.
"""

from __future__ import annotations

from .config import Config


def alerts_for_mention(mention: dict, config: Config) -> list[tuple[dict, list[str]]]:
    """``[(alert row, channel names)]`` for one newly stored mention."""
    channels = config.routes.get(mention["severity"], [])
    if not channels:
        return []
    categories = mention["categories"]
    alert = {
        "rule": "mention",
        "severity": mention["severity"],
        "group_key": f"story:{mention['canonical_url']}",
        "mention_id": mention["id"],
        "title": mention["title"],
        "details": {
            "categories": categories,
            "policy": {c: config.escalation[c].policy for c in categories if c in config.escalation},
        },
    }
    return [(alert, channels)]
