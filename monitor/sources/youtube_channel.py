"""Kind ``youtube_channel``: a YouTube channel's uploads (its public Atom feed).

Watches: new videos on one channel (e.g. a local council's or a parenting vlogger's).
Options: ``channel_id`` (UC..., from the channel's page source or "Share -> Copy channel ID"),
``base_url`` (https://www.youtube.com).
New items: like ``rss``; the feed lists the latest 15 uploads.
Reach: none in the feed.
"""

from __future__ import annotations

from .base import Option, base_url_option
from .rss import RssSource


class YoutubeChannelSource(RssSource):
    kind = "youtube_channel"
    description = "a channel's uploads (`channel_id`)"
    notes = "the feed lists the latest 15 videos"
    options = (Option("channel_id", "the channel's id, starting UC"), base_url_option("https://www.youtube.com"))

    def feed_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/feeds/videos.xml?channel_id={self.channel_id}"
