"""``monitor serve``: a small triage page a director can use from a phone.

- ``/a/ID?e=...&s=...``: the signed, expiring link every alert message carries (when
  ``settings.public_url`` is set). A valid link opens the alert and gives this browser a
  session (a signed cookie, 12 hours) so the list of open alerts (``/``) opens too.
- ``/``: open alerts, newest first. ``/a/ID``: the post(s), why it matters, what the policy
  says, its history, and four buttons: acknowledge (with a note), resolve, not about us,
  wrong level.
- Every form carries a CSRF token bound to the session; posts must also come from this
  site (Origin/Referer) and the cookie is SameSite=Strict, HttpOnly.
- Every piece of feed text is escaped; links to posts are http(s) only and open without
  a referrer; no script at all (a Content-Security-Policy forbids it), no framework.

Standard library only (``http.server``): it starts fast and has nothing to update. Put it
behind a TLS reverse proxy or tunnel to expose it (see the README), or leave it on
127.0.0.1 and use reply-to-acknowledge instead.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from html import escape
from http import cookies
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from . import store
from .clock import for_people, utcnow
from .config import Config
from .levels import SEVERITIES
from .signing import _mac, check_link, form_token
from .urls import safe_link

SESSION_COOKIE = "nbn_session"
SESSION_SECONDS = 12 * 3600
MAX_FORM = 16 * 1024
COLOURS = {"crisis": "#b00020", "alert": "#c75000", "watch": "#8a6d00", "info": "#555"}
ACTION_WORDS = {"ack": "Acknowledged", "resolve": "Resolved", "not_us": "Marked not about us",
                "wrong_level": "Level corrected"}

CSS = """
*{box-sizing:border-box}body{font-family:-apple-system,Segoe UI,Roboto,Arial,sans-serif;margin:0;background:#f4f4f4;
color:#222;font-size:17px;line-height:1.4}main{max-width:720px;margin:0 auto;padding:12px}
h1{font-size:20px;margin:8px 0 12px}h2{font-size:17px;margin:16px 0 6px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px;margin:0 0 12px}
.lvl{display:inline-block;color:#fff;font-weight:bold;padding:2px 8px;border-radius:3px;font-size:14px}
.muted{color:#666;font-size:15px}.quote{border-left:4px solid #ccc;padding:4px 10px;margin:8px 0;color:#333}
a{color:#1a5f7a}ul{padding-left:20px;margin:4px 0}
form{margin:0 0 10px}label{display:block;font-size:15px;margin:0 0 4px}
input[type=text],textarea,select{width:100%;font-size:17px;padding:8px;border:1px solid #bbb;border-radius:4px}
textarea{min-height:64px}button{width:100%;font-size:17px;padding:12px;border:0;border-radius:6px;margin:6px 0 0;
color:#fff;background:#1a5f7a;font-weight:bold}button.second{background:#555}button.warn{background:#8a3b00}
.done{background:#e6f4ea;border-color:#9cc9a8}.row{display:flex;gap:10px;flex-wrap:wrap}.row>*{flex:1 1 200px}
@media (min-width:900px){main{max-width:860px}}
"""


def _session_value(key: bytes, now: float) -> str:
    expires = int(now + SESSION_SECONDS)
    nonce = secrets.token_hex(8)
    return f"{expires}.{nonce}.{_mac(key, 'session', expires, nonce)[:32]}"


def _session_ok(key: bytes, value: str | None, now: float) -> bool:
    try:
        expires, nonce, mac = (value or "").split(".")
        return int(expires) >= now and hmac.compare_digest(mac, _mac(key, "session", int(expires), nonce)[:32])
    except ValueError:
        return False


class App:
    """Everything the handler needs: config, database path, the clock (tests set it)."""

    def __init__(self, config: Config, db_path: str | Path, clock: Callable[[], datetime] = utcnow):
        self.config, self.db_path, self.clock = config, Path(db_path), clock
        db = store.open_db(self.db_path)
        self.key = store.signing_key(db)
        db.close()

    def db(self):
        return store.open_db(self.db_path)


def make_server(app: App, host: str = "127.0.0.1", port: int = 8080) -> ThreadingHTTPServer:
    handler = type("Handler", (Handler,), {"app": app})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


class Handler(BaseHTTPRequestHandler):
    app: App
    server_version = "nbn-monitor"
    sys_version = ""
    timeout = 20

    def log_message(self, fmt, *args):  # never log query strings: they carry the link signature
        pass

    # ------------------------------------------------------------------ plumbing

    def _send(self, status: int, body: str, headers: dict | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
                         "frame-ancestors 'none'; base-uri 'none'")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("X-Content-Type-Options", "nosniff")
        # same-origin: our own forms carry a real Origin; links to posts leak nothing of this page.
        self.send_header("Referrer-Policy", "same-origin")
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _redirect(self, where: str, headers: dict | None = None) -> None:
        self.send_response(303)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()

    def _cookie(self) -> str | None:
        jar = cookies.SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie") or "")
        except cookies.CookieError:
            return None
        morsel = jar.get(SESSION_COOKIE)
        return morsel.value if morsel else None

    def _page(self, title: str, body: str) -> str:
        org = escape(self.app.config.organisation.name)
        return (f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width,initial-scale=1">'
                f"<title>{escape(title)} - {org}</title><style>{CSS}</style></head><body><main>"
                f'<p class="muted"><a href="/">Open alerts</a> · {org} mention monitor</p>{body}</main></body></html>')

    def _denied(self, why: str) -> None:
        self._send(403, self._page("Link needed", f'<h1>Open this from an alert</h1><div class="card"><p>{escape(why)}</p>'
                                   "<p>Every alert message has a link to its page. You can also reply to an alert "
                                   "email to acknowledge it.</p></div>"))

    def _now(self) -> datetime:
        return self.app.clock()

    # ------------------------------------------------------------------ routes

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        query = parse_qs(url.query)
        now = self._now()
        session = self._cookie()
        if parts == ["healthz"]:
            return self._send(200, "ok")
        if len(parts) == 2 and parts[0] == "a" and parts[1].isdigit() and "s" in query:
            alert_id = int(parts[1])
            problem = check_link(self.app.key, alert_id, query.get("e", [""])[0], query.get("s", [""])[0], now)
            if problem:
                return self._denied(problem)
            # A good link: give this browser a session, and drop the signature from the address bar.
            value = _session_value(self.app.key, now.timestamp())
            cookie = (f"{SESSION_COOKIE}={value}; Path=/; Max-Age={SESSION_SECONDS}; HttpOnly; SameSite=Strict"
                      + ("; Secure" if (self.app.config.settings.public_url or "").startswith("https://") else ""))
            return self._redirect(f"/a/{alert_id}", {"Set-Cookie": cookie})
        if not _session_ok(self.app.key, session, now.timestamp()):
            return self._denied("This page opens from the link in an alert message (links last "
                                f"{int(self.app.config.settings.link_valid // 86400) or 1} days).")
        if not parts:
            return self._send(200, self._list(now))
        if len(parts) == 2 and parts[0] == "a" and parts[1].isdigit():
            body = self._alert(int(parts[1]), session, query.get("done", [""])[0])
            if body is None:
                return self._send(404, self._page("Not found", "<h1>No such alert</h1>"))
            return self._send(200, body)
        return self._send(404, self._page("Not found", "<h1>Not found</h1>"))

    def do_POST(self):
        url = urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        now = self._now()
        session = self._cookie()
        if not _session_ok(self.app.key, session, now.timestamp()):
            return self._denied("Your session has expired. Open the link in the alert message again.")
        if not self._same_origin():
            return self._send(403, self._page("Refused", "<h1>Refused</h1><p>That form did not come from this page.</p>"))
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_FORM:
            return self._send(413, self._page("Too long", "<h1>That note is too long</h1>"))
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        field = lambda name: (form.get(name) or [""])[0]  # noqa: E731
        if not hmac.compare_digest(field("csrf"), form_token(self.app.key, session)):
            return self._send(403, self._page("Refused", "<h1>Refused</h1><p>This form has expired. Go back, reload "
                                              "the page and try again.</p>"))
        if not (len(parts) == 3 and parts[0] == "a" and parts[1].isdigit() and parts[2] == "act"):
            return self._send(404, self._page("Not found", "<h1>Not found</h1>"))
        from .actions import ActionError, act

        alert_id = int(parts[1])
        action = field("action")
        db = self.app.db()
        try:
            act(db, action, now, alert_id=alert_id, by=field("by") or "triage page", via="web",
                note=field("note") or None, level=(field("level") or None) if action == "wrong_level" else None)
        except KeyError:
            return self._send(404, self._page("Not found", "<h1>No such alert</h1>"))
        except ActionError as exc:
            return self._send(400, self._page("Not done", f"<h1>Not done</h1><p>{escape(str(exc))}</p>"))
        finally:
            db.close()
        return self._redirect(f"/a/{alert_id}?done={action}")

    def _same_origin(self) -> bool:
        """A form post must come from this site: Origin (or Referer) must name the host the browser asked for."""
        origin = self.headers.get("Origin") or self.headers.get("Referer")
        if not origin:
            return False
        host = urlsplit(origin).netloc
        allowed = {self.headers.get("Host") or ""}
        if self.app.config.settings.public_url:
            allowed.add(urlsplit(self.app.config.settings.public_url).netloc)
        return host in allowed

    # ------------------------------------------------------------------ pages

    def _list(self, now: datetime) -> str:
        tz = self.app.config.settings.timezone
        db = self.app.db()
        try:
            rows = store.open_alert_cards(db, 100)
        finally:
            db.close()
        cards = []
        for a in rows:
            state = "acknowledged" if a["status"] == "acked" else "open, not acknowledged"
            cards.append(
                f'<a href="/a/{a["id"]}" style="text-decoration:none;color:inherit"><div class="card">'
                f'{_level(a["severity"])} <span class="muted">{escape(for_people(a["created"], tz))} · {state}</span>'
                f'<div style="margin-top:6px;font-weight:bold">{escape(a["post_title"] or a["title"] or "")}</div>'
                + (f'<div class="muted">{escape((a["snippet"] or "")[:160])}</div>' if a["snippet"] else "")
                + "</div></a>")
        body = "<h1>Open alerts</h1>" + ("".join(cards) or '<div class="card">Nothing open. All quiet.</div>')
        return self._page("Open alerts", body)

    def _alert(self, alert_id: int, session: str, done: str) -> str | None:
        from .actions import describe, history
        from .notify import Renderer

        config = self.app.config
        tz = config.settings.timezone
        db = self.app.db()
        try:
            alert = store.alert(db, alert_id)
            if alert is None:
                return None
            ctx = Renderer(config.alerts_dir, tz).context(db, config, alert)
            events = history(db, alert_id=alert_id)
        finally:
            db.close()
        out = []
        if done in ACTION_WORDS:
            out.append(f'<div class="card done"><b>{ACTION_WORDS[done]}.</b> Thank you. It is in the history below.</div>')
        state = {"open": "Open: nobody has acknowledged it yet", "acked": "Acknowledged",
                 "resolved": "Resolved"}.get(alert["status"], escape(alert["status"] or ""))
        out.append(f'<h1>{_level(alert["severity"])} {escape(ctx["what"])}</h1>'
                   f'<p class="muted">{escape(for_people(alert["created"], tz))} · {escape(state)}</p>')
        mentions = ctx["mentions"][-5:]
        for m in mentions:
            href = safe_link(m.get("url"))
            link = (f' · <a href="{escape(href)}" rel="noopener noreferrer" target="_blank">open the post</a>'
                    if href else "")
            out.append('<div class="card">'
                       + (f'<div style="font-weight:bold">{escape(m["title"])}</div>' if m.get("title") else "")
                       + f'<div class="quote">{escape(m.get("snippet") or "")}</div>'
                       f'<div class="muted">{escape(m.get("sources") or "")}'
                       + (f' ({escape(m["publisher"])})' if m.get("publisher") else "")
                       + f', seen {escape(for_people(m.get("first_seen"), tz))}{link}</div></div>')
        if len(ctx["mentions"]) > 5:
            out.append(f'<p class="muted">…and {len(ctx["mentions"]) - 5} earlier posts about the same story.</p>')
        details = ctx["details"]
        if alert["rule"] in ("volume_spike", "negative_spike"):
            stories = "".join(f"<li>{escape(s.get('title') or '')}</li>" for s in details.get("stories", []))
            out.append(f'<div class="card">{escape(details.get("summary") or "")}<ul>{stories}</ul></div>')
        why = "".join(f"<li>{escape(c['name'])}: {escape(', '.join(c['words']))} <i>({escape(c['policy'])})</i></li>"
                      for c in ctx["categories"])
        if why:
            out.append(f"<h2>Why it matters</h2><div class='card'><ul>{why}</ul></div>")
        actions_ = [c["action"] for c in ctx["categories"]] or [getattr(ctx["advice"], "action", "")]
        out.append("<h2>What the policy says to do</h2><div class='card'><ul>"
                   + "".join(f"<li>{escape(a)}</li>" for a in actions_ if a) + "</ul></div>")
        out.append(self._forms(alert_id, alert["severity"], session))
        if events:
            items = "".join(f"<li>{escape(for_people(e['time'], tz))}: {escape(describe(e))}</li>" for e in events)
            out.append(f"<h2>History</h2><div class='card'><ul>{items}</ul></div>")
        return self._page(f"Alert: {ctx['what']}", "".join(out))

    def _forms(self, alert_id: int, severity: str, session: str) -> str:
        """One form, four buttons (the button pressed says which action): no script needed."""
        token = escape(form_token(self.app.key, session))
        levels = "".join(f'<option value="{lv}"{" selected" if lv == "watch" else ""}>{lv}</option>'
                         for lv in SEVERITIES if lv != severity)
        return (
            "<h2>What are you doing about it?</h2>"
            f'<div class="card"><form method="post" action="/a/{alert_id}/act">'
            f'<input type="hidden" name="csrf" value="{token}">'
            '<label for="by">Your name</label><input type="text" id="by" name="by" maxlength="100" autocomplete="name">'
            '<label for="note" style="margin-top:8px">Note (who is handling it, what you will do)</label>'
            '<textarea id="note" name="note" maxlength="1000"></textarea>'
            '<button type="submit" id="ack" name="action" value="ack">Acknowledge: I am on it</button>'
            '<button type="submit" id="resolve" name="action" value="resolve" class="second">Resolve: it is dealt with</button>'
            '<button type="submit" id="not_us" name="action" value="not_us" class="second">Not about us</button>'
            '<label for="level" style="margin-top:12px">Wrong level? It should have been</label>'
            f'<select id="level" name="level">{levels}</select>'
            '<button type="submit" id="wrong_level" name="action" value="wrong_level" class="warn">Correct the level</button>'
            "</form></div>"
        )


def _level(severity: str) -> str:
    return (f'<span class="lvl" style="background:{COLOURS.get(severity, "#555")}">'
            f"{escape((severity or '').upper())}</span>")


def serve(config: Config, db_path: str | Path, host: str, port: int, echo=print) -> None:
    app = App(config, db_path)
    server = make_server(app, host, port)
    echo(f"Serving the triage page on http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    if not config.settings.public_url:
        echo("Note: settings.public_url is not set, so alert messages carry no links to this page.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
