"""Kind ``google_alerts``: a Google Alerts feed (Atom).

Watches: whatever the alert's search finds across the web (news, blogs, forums).
Options: ``url``: the alert's feed address, from google.com/alerts -> Deliver to: RSS feed.
New items: like ``rss`` (conditional GET, unchanged bodies skipped).
Links: Google wraps every link as ``google.com/url?...&url=REAL``; the real address is
what is stored and deduplicated (``urls.canonical`` unwraps it).
Reach: none.
"""

from __future__ import annotations

from .base import Option
from .rss import RssSource


class GoogleAlertsSource(RssSource):
    kind = "google_alerts"
    description = "a Google Alerts feed (`url`)"
    notes = "best coverage of blogs and forums; links unwrapped from `google.com/url`"
    options = (Option("url", "the alert's feed address, https://www.google.com/alerts/feeds/NNN/NNN", type="url"),)
    needs = "a Google account, once, to create the alert"
