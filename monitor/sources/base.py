"""What every source kind shares: its option schema, the item shape, and polite polling.

``Source.poll(fetcher, state)`` returns a ``Poll``: the outcome, the items,
what to remember for next time (ETag, Last-Modified, body hash, a permanent
new address) and the figures for the fetch log. HTTP status handling lives
here once for every kind:

- 304 Not Modified: nothing to do, costs nothing more.
- Same body as last time (hash): not parsed again.
- 429 / 503: failed, and ``Retry-After`` says when we may ask again.
- 410 Gone: the source is disabled; the directors are told via ``monitor sources``.
- Other 4xx/5xx, timeouts, oversize bodies: failed, with the reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from ..config import SourceConfig, is_http_url
from ..fetch import FetchError, Fetcher, Response
from ..urls import canonical
from ..yamlsource import join

REQUIRED = object()


@dataclass(frozen=True)
class Option:
    name: str
    help: str
    type: str = "str"  # str | url | duration | int | bool
    default: Any = REQUIRED


@dataclass
class Item:
    """One entry from any source, in the shape every later stage understands."""

    source: str
    item_id: str
    url: str
    title: str
    text: str
    author: str = ""
    published: datetime | None = None
    publisher: str = ""
    language: str = ""
    reach: dict[str, int] = field(default_factory=dict)

    @property
    def canonical_url(self) -> str:
        return canonical(self.url)


@dataclass
class SourceState:
    """What we remember about a source between runs (a row of the ``sources`` table)."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    moved_to: str | None = None
    cursor: str | None = None


@dataclass
class Poll:
    outcome: str  # new | not_modified | unchanged | failed | gone
    items: list[Item] = field(default_factory=list)
    status: int | None = None
    bytes: int = 0
    duration: float = 0.0
    error: str | None = None
    warning: str | None = None
    retry_after: float | None = None
    remember: dict[str, Any] = field(default_factory=dict)  # updates to SourceState


class SourceFailed(Exception):
    def __init__(self, message: str, *, outcome: str = "failed", status: int | None = None,
                 retry_after: float | None = None, bytes: int = 0, duration: float = 0.0):
        super().__init__(message)
        self.outcome = outcome
        self.status = status
        self.retry_after = retry_after
        self.bytes = bytes
        self.duration = duration


class Source:
    kind: ClassVar[str]
    description: ClassVar[str]
    options: ClassVar[tuple[Option, ...]] = ()

    def __init__(self, config: SourceConfig):
        self.config = config
        self.name = config.name
        for opt in self.options:
            setattr(self, opt.name, config.options.get(opt.name))

    # -- configuration ---------------------------------------------------------------

    @classmethod
    def read_options(cls, r, raw: dict, path: str) -> dict[str, Any]:
        """Validate this kind's options from a ``sources[i]`` mapping; report through ``r``."""
        out: dict[str, Any] = {}
        for opt in cls.options:
            p = join(path, opt.name)
            value = raw.get(opt.name)
            if value is None:
                if opt.default is REQUIRED:
                    r.problem(p, f"is required for kind {cls.kind!r}: {opt.help}")
                out[opt.name] = None if opt.default is REQUIRED else opt.default
                continue
            if opt.type == "url":
                text = r.string(value, p, required=True)
                if text and not is_http_url(text):
                    r.problem(p, f"must be an http:// or https:// address, got {text!r}")
                out[opt.name] = text
            elif opt.type == "duration":
                out[opt.name] = r.duration(value, p, opt.default)
            elif opt.type == "int":
                out[opt.name] = r.integer(value, p, opt.default, 0, 10_000)
            elif opt.type == "bool":
                out[opt.name] = r.boolean(value, p, opt.default)
            else:
                out[opt.name] = r.string(value, p, required=True)
        return out

    # -- polling ---------------------------------------------------------------------

    def poll(self, fetcher: Fetcher, state: SourceState) -> Poll:
        raise NotImplementedError

    def fetch(self, fetcher: Fetcher, url: str, state: SourceState) -> Response:
        """GET with conditional headers; raise SourceFailed for anything that is not 200 or 304."""
        try:
            resp = fetcher.get(url, etag=state.etag, last_modified=state.last_modified)
        except FetchError as exc:
            raise SourceFailed(str(exc)) from None
        if resp.status in (200, 304):
            return resp
        size, took = len(resp.body), resp.elapsed
        if resp.status == 410:
            raise SourceFailed("the server says this feed is gone for good (410); source disabled",
                               outcome="gone", status=410, bytes=size, duration=took)
        if resp.status in (429, 503):
            wait = f"; asked us to wait {resp.retry_after:,.0f}s" if resp.retry_after is not None else ""
            raise SourceFailed(f"server busy or rate-limiting us (HTTP {resp.status}){wait}",
                               status=resp.status, retry_after=resp.retry_after, bytes=size, duration=took)
        raise SourceFailed(f"HTTP {resp.status} from {url}", status=resp.status, bytes=size, duration=took)


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
