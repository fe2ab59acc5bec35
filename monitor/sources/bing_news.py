"""Kind ``bing_news``: a Bing News search, as RSS.

Watches: news articles matching ``query``.
Options: ``query`` (required), ``mkt`` (en-GB), ``base_url`` (https://www.bing.com).
New items: like ``rss``; the URL is ``BASE/news/search?q=QUERY&format=rss&mkt=..``.
Links: Bing wraps links as ``bing.com/news/apiclick.aspx?...&url=REAL``; the real address
is stored and deduplicated, so the same article from Google Alerts is one mention.
Reach: none (outlet weights in ``reach.outlets`` apply).
"""

from __future__ import annotations

from urllib.parse import urlencode

from .base import Option, base_url_option
from .rss import RssSource


class BingNewsSource(RssSource):
    kind = "bing_news"
    description = "a Bing News search (`query`, `mkt`)"
    notes = "links unwrapped from `apiclick.aspx`"
    reach_note = "outlet weight"  # no figures of its own: the outlet weights in `reach.outlets` apply
    options = (
        Option("query", 'what to search for, e.g. "New Baby Network"'),
        Option("mkt", "market", default="en-GB"),
        base_url_option("https://www.bing.com"),
    )

    def feed_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/news/search?" + urlencode({"q": self.query, "format": "rss", "mkt": self.mkt})
