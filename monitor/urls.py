"""Canonical URLs: one mention per story, however many feeds and trackers carried it.

``canonical()`` unwraps redirect wrappers (Google Alerts' ``google.com/url``,
Bing News' ``apiclick.aspx``), lower-cases scheme and host, drops default
ports, fragments and tracking parameters, and sorts what is left. ``safe_link()``
is what templates use: only http(s) links are ever shown as links.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_gl", "ocid", "cvid", "ei", "ved", "usg", "sa", "ref_src", "ref_url", "cmpid",
    "s_cid", "spm", "twclid", "wt.mc_id", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
    "__twitter_impression", "si", "at_medium", "at_campaign", "ref", "ref_source",
}
TRACKING_PREFIXES = ("utm_", "hsa_", "pk_", "mtm_")

# (host pattern, path pattern, query parameter holding the real address)
WRAPPERS = (
    (re.compile(r"(^|\.)google\.[a-z.]+$"), re.compile(r"^/url$"), ("url", "q")),
    (re.compile(r"(^|\.)bing\.com$"), re.compile(r"^/news/apiclick\.aspx$", re.I), ("url",)),
    (re.compile(r"(^|\.)news\.google\.com$"), re.compile(r"^/__i/rss/rd/articles/"), ("url",)),
)


def unwrap(url: str) -> str:
    """Follow known redirect wrappers (several levels deep) to the real address."""
    for _ in range(4):
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:  # "http://[" and the like: not a wrapper we know
            return url
        for host_re, path_re, keys in WRAPPERS:
            if host_re.search(host) and path_re.search(parts.path):
                query = dict(parse_qsl(parts.query, keep_blank_values=True))
                target = next((query[k] for k in keys if is_http(query.get(k, ""))), None)
                if target:
                    url = target
                    break
        else:
            return url
    return url


def is_http_url(value: str | None) -> bool:
    """An absolute http(s) address with a host (what a config field may hold)."""
    return bool(re.match(r"(?i)^https?://[^\s/?#]+", value or ""))


def is_http(url: str | None) -> bool:
    return bool(url) and re.match(r"(?i)^https?://[^\s/?#]", url or "") is not None


def canonical(url: str) -> str:
    """The form two copies of the same story share; '' for something that is not a web address.

    Never raises: a link Python cannot split ("http://[", a port over 65535) is not a web
    address, and its entry is then told apart by its source and id instead.
    """
    url = (url or "").strip()
    plain = plain_canonical(url)
    if plain is not None:
        return plain
    if not is_http(url):
        return ""
    try:
        return _canonical(unwrap(url))
    except ValueError:
        return ""


# Most article links: http(s), a lower-case host, a plain path, and no port, query, fragment or
# user. Their canonical form only drops "www." and one trailing slash and makes them https; working
# that out by splitting them (twice, with ``unwrap``) was a tenth of a cold run's main thread. No
# wrapper can unwrap such a link: every one in ``WRAPPERS`` reads the real address from the query.
_PLAIN_URL = re.compile(r"https?://(?:www\.)?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)"
                        r"((?:/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*)/?")


def plain_canonical(url: str) -> str | None:
    """``canonical(url)`` of a plain article link (see ``_PLAIN_URL``) without splitting it, else None."""
    m = _PLAIN_URL.fullmatch(url)
    return None if m is None else f"https://{m.group(1)}{m.group(2) or '/'}"


def _canonical(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):  # a wrapper pointed somewhere odd
        return ""
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return ""
    if host.startswith("www."):
        host = host[4:]
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    port = parts.port if parts.port and (scheme, parts.port) not in (("http", 80), ("https", 443)) else None
    netloc = f"{host}:{port}" if port else host
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    # http and https copies of one page are one story.
    return urlunsplit(("https" if scheme == "http" else scheme, netloc, path, urlencode(sorted(query)), ""))


def clean_link(url: str | None) -> str:
    """The link a director taps: unwrapped from Google/Bing redirects, without utm_*/fbclid/ref trackers.

    Unlike ``canonical`` it keeps the address as the publisher wrote it (case, scheme,
    fragment, parameter order); something that is not an http(s) address is returned as given.
    """
    url = (url or "").strip()
    if not is_http(url):
        return url
    try:
        parts = urlsplit(unwrap(url))
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)]
        query = parts.query if len(kept) == len(parse_qsl(parts.query, keep_blank_values=True)) else urlencode(kept)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
    except ValueError:  # e.g. "http://[": not a usable address; keep what the feed said
        return url


def safe_link(url: str | None) -> str | None:
    """The link to show a person, or None when it is not plain http(s) (javascript:, data:, ...)."""
    url = (url or "").strip()
    if not is_http(url):
        return None
    url = unwrap(url)
    return url if is_http(url) else None
