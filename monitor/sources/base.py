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

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar

from ..config.model import SourceConfig
from ..fetch import FetchError, Fetcher, Response
from ..states import PollOutcome
from ..urls import canonical, is_http_url
from ..yamlsource import join

REQUIRED = object()


@dataclass(frozen=True)
class Option:
    name: str
    help: str
    type: str = "str"  # str | url | duration | int | bool | env (the name of an environment variable)
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
    to_us: bool = False  # written to us (our own mailbox): about us by definition, no name check (imap_inbox)
    local: bool = False  # from a source of our own area (its ``local: true``): our work named plainly is read too

    @property
    def canonical_url(self) -> str:
        """Computed once per address (the run reads it several times per item); recomputed if ``url`` changes."""
        cached = self.__dict__.get("_canonical")
        if cached is None or cached[0] != self.url:
            cached = self.__dict__["_canonical"] = (self.url, canonical(self.url))
        return cached[1]


@dataclass
class SourceState:
    """What we remember about a source between runs (a row of the ``sources`` table)."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    moved_to: str | None = None
    cursor: str | None = None
    session: str | None = None  # login tokens (Bluesky, Reddit): kept apart from the cursor, never shown
    now: datetime | None = None  # the run's clock, for cursors and backfill

    def cursor_dict(self) -> dict:
        try:
            return json.loads(self.cursor or "{}") or {}
        except ValueError:
            return {}


@dataclass
class Poll:
    outcome: PollOutcome  # new | not_modified | unchanged | failed | gone (a typo is a ValueError)
    items: list[Item] = field(default_factory=list)
    status: int | None = None
    bytes: int = 0
    duration: float = 0.0
    error: str | None = None
    warning: str | None = None
    retry_after: float | None = None
    remember: dict[str, Any] = field(default_factory=dict)  # updates to SourceState

    def __post_init__(self):
        self.outcome = PollOutcome(self.outcome)


class SourceFailed(Exception):
    def __init__(self, message: str, *, outcome: str = "failed", status: int | None = None,
                 retry_after: float | None = None, bytes: int = 0, duration: float = 0.0):
        super().__init__(message)
        self.outcome = PollOutcome(outcome)
        self.status = status
        self.retry_after = retry_after
        self.bytes = bytes
        self.duration = duration


class Source:
    kind: ClassVar[str]
    description: ClassVar[str]  # what it watches and its main options (the README's table of kinds)
    options: ClassVar[tuple[Option, ...]] = ()
    reach: ClassVar[tuple[str, ...]] = ()  # the reach figures its items carry
    needs: ClassVar[str] = "nothing"  # what a volunteer must get before using it (README table)
    notes: ClassVar[str] = ""  # its limits and quirks, for the README's table of kinds
    reach_note: ClassVar[str] = ""  # the README's reach column when the bare ``reach`` names say too little
    min_interval: ClassVar[float] = 0.0  # seconds the service asks between two requests from us (Fetcher keeps it)

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
            elif opt.type == "env":
                out[opt.name] = r.string(value, p, required=True, env=False)
            else:
                out[opt.name] = r.string(value, p, required=True)
        return out

    @classmethod
    def env_needed(cls, options: dict[str, Any]) -> list[str]:
        """Environment variables this source reads (credentials), for `monitor check`."""
        return [options[o.name] for o in cls.options if o.type == "env" and options.get(o.name)]

    def secret(self, option: str) -> str | None:
        import os

        name = getattr(self, option, None)
        return os.environ.get(name) if name else None

    # -- polling ---------------------------------------------------------------------

    def poll(self, fetcher: Fetcher, state: SourceState) -> Poll:
        raise NotImplementedError

    def fetch(self, fetcher: Fetcher, url: str, state: SourceState) -> Response:
        """GET with conditional headers; raise SourceFailed for anything that is not 200 or 304."""
        try:
            resp = fetcher.get(url, etag=state.etag, last_modified=state.last_modified, min_interval=self.min_interval)
        except FetchError as exc:
            raise SourceFailed(str(exc)) from None
        return self.check_status(resp, url)

    def get_json(self, fetcher: Fetcher, url: str, *, params: dict | None = None, headers: dict | None = None,
                 method: str = "GET", body: dict | None = None, data: dict | None = None,
                 auth: tuple[str, str] | None = None) -> Any:
        """A JSON API call: the parsed body, or SourceFailed with what the service said instead."""
        try:
            if method == "GET":
                resp = fetcher.get(url, params=params, headers={"Accept": "application/json", **(headers or {})},
                                   min_interval=self.min_interval)
            else:
                resp = fetcher.post(url, json=body, data=data, headers=headers, auth=auth, min_interval=self.min_interval)
        except FetchError as exc:
            raise SourceFailed(str(exc)) from None
        self.check_status(resp, url)
        return self.parse_json(resp)

    def parse_json(self, resp: Response) -> Any:
        ctype = resp.headers.get("content-type", "")
        text = resp.body.decode("utf-8", "replace").strip()
        if "html" in ctype.lower() or text[:15].lower().startswith(("<!doctype html", "<html")):
            raise SourceFailed(f"the service sent a web page instead of data ({ctype or 'HTML'}): check base_url",
                               status=resp.status, bytes=len(resp.body), duration=resp.elapsed)
        try:
            return json.loads(text)
        except ValueError:
            raise SourceFailed(f"the service did not answer with JSON: {text[:120]!r}", status=resp.status,
                               bytes=len(resp.body), duration=resp.elapsed) from None

    def check_status(self, resp: Response, url: str) -> Response:
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
    import hashlib  # here, not at the top: `monitor check` imports this module and never hashes (2-3 ms of start-up)

    return hashlib.sha256(body).hexdigest()


def parse_time(value) -> datetime | None:
    """ISO 8601 text or epoch seconds -> aware UTC datetime (None when missing or unreadable)."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value, tz=timezone.utc)
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def base_url_option(default: str) -> Option:
    return Option("base_url", f"the service's address (default {default}); point it at a self-hosted instance or a test server",
                  type="url", default=default)


def json_object(text: str | None) -> dict:
    """A stored JSON object (a cursor, a login session); {} for nothing, bad JSON or another type."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
