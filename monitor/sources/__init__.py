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
    "google_alerts": "monitor.sources.google_alerts:GoogleAlertsSource",
    "google_news": "monitor.sources.google_news:GoogleNewsSource",
    "bing_news": "monitor.sources.bing_news:BingNewsSource",
    "mastodon_tag": "monitor.sources.mastodon_tag:MastodonTagSource",
    "mastodon_account": "monitor.sources.mastodon_account:MastodonAccountSource",
    "mastodon_replies": "monitor.sources.mastodon_replies:MastodonRepliesSource",
    "bluesky_search": "monitor.sources.bluesky_search:BlueskySearchSource",
    "bluesky_profile": "monitor.sources.bluesky_profile:BlueskyProfileSource",
    "bluesky_replies": "monitor.sources.bluesky_replies:BlueskyRepliesSource",
    "reddit": "monitor.sources.reddit:RedditSource",
    "hn": "monitor.sources.hn:HackerNewsSource",
    "youtube_channel": "monitor.sources.youtube_channel:YoutubeChannelSource",
    "gdelt": "monitor.sources.gdelt:GdeltSource",
    "imap_inbox": "monitor.sources.imap_inbox:ImapInboxSource",
}


def get_kind(name: str):
    module, _, attr = KINDS[name].partition(":")
    return getattr(importlib.import_module(module), attr)
