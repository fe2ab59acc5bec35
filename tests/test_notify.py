"""Alerts through real apprise to a real SMTP server: arrive once, escaped, never lost."""

from __future__ import annotations

from datetime import timedelta

from monitor import store
from monitor.pipeline import run_cycle

from .conftest import NOW, parts, rss

# Markup that feedparser leaves as markup is stripped before storage; markup written as text
# (double-escaped in the feed) is stored as literal text and must be escaped by the templates.
XSS = {
    "title": 'New Baby Network <script>alert("a")</script> &lt;script&gt;alert("x")&lt;/script&gt; is a scam',
    "link": "https://evil.example/post?<b>",
    "description": "@newbabynetwork New Baby Network are scammers &lt;img src=x onerror=alert(1)&gt;, boycott them "
                   "and share this everywhere! <a href='javascript:alert(1)'>x</a>",
}  # the handle: without it the is-it-us check reads the script markup as noise (45% likely us since round 17's
# retrain, 49% before, against 0.45 to be sure), so the crisis goes out as an email marked alert, not as a crisis
SAFEGUARDING = {"title": "", "link": "https://mastodon.example/@a/1",
                "description": "@newbabynetwork I came to your group. I can't keep myself safe at the moment."}


def test_crisis_email_arrives_with_hostile_text_escaped(httpserver, make_config, smtp):
    httpserver.expect_request("/f").respond_with_data(rss(XSS), content_type="application/rss+xml")
    cfg, db_path = make_config(sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                               channels={"email": smtp.url()}, routes={"crisis": ["email"], "alert": ["email"]})
    summary = run_cycle(cfg, db_path, now=NOW)
    assert summary.alerts_sent == 1
    (stored,) = store.mentions(store.open_db(db_path))
    assert '<script>alert("x")</script>' in stored["title"] and "<img src=x" in stored["text"]  # hostile text reached us
    assert 'alert("a")' not in stored["title"]  # real markup was stripped
    (msg,) = smtp.messages
    assert msg["Subject"].startswith("[CRISIS]")
    html = parts(msg)["text/html"]
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "&lt;img" in html and "javascript:" not in html
    assert "fraud" in html and "directors" in html  # why, and what the policy says to do
    assert 'href="https://evil.example/post?' in html


def test_smtp_outage_keeps_the_alert_and_delivers_it_exactly_once_later(httpserver, make_config, smtp_down):
    httpserver.expect_request("/f").respond_with_data(rss(SAFEGUARDING), content_type="application/rss+xml")
    cfg, db_path = make_config(sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                               channels={"email": smtp_down.url()}, routes={"crisis": ["email"]})
    first = run_cycle(cfg, db_path, now=NOW)
    assert first.alerts_sent == 0 and first.alerts_failed == 1 and first.exit_code == 1
    db = store.open_db(db_path)
    (d,) = list(db["deliveries"].rows)
    assert d["status"] == "failed" and d["attempts"] == 1 and d["error"]

    smtp_down.start()
    second = run_cycle(cfg, db_path, now=NOW + timedelta(minutes=15))
    assert second.alerts_sent == 1 and second.exit_code == 0
    third = run_cycle(cfg, db_path, now=NOW + timedelta(minutes=30))
    assert third.alerts_sent == 0
    assert len(smtp_down.messages) == 1
    (msg,) = smtp_down.messages
    assert "safeguarding" in msg["Subject"] and "safeguarding lead" in parts(msg)["text/plain"]


def test_crash_between_outbox_write_and_send_is_delivered_next_run(httpserver, make_config, smtp, monkeypatch):
    import monitor.pipeline as pipeline

    httpserver.expect_request("/f").respond_with_data(rss(SAFEGUARDING), content_type="application/rss+xml")
    cfg, db_path = make_config(sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                               channels={"email": smtp.url()}, routes={"crisis": ["email"]})

    def crash(*_args, **_kwargs):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr("monitor.notify.deliver_due", crash)
    try:
        run_cycle(cfg, db_path, now=NOW)
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()
    assert smtp.messages == []
    summary = pipeline.run_cycle(cfg, db_path, now=NOW + timedelta(minutes=15))
    assert summary.alerts_sent == 1 and len(smtp.messages) == 1


def test_failed_channel_errors_never_store_the_password(httpserver, make_config, smtp_down):
    httpserver.expect_request("/f").respond_with_data(rss(SAFEGUARDING), content_type="application/rss+xml")
    url = f"mailtos://directors:Sup3rS3cretPw@127.0.0.1:{smtp_down.port}?to=d@example.org&from=m@example.org"
    cfg, db_path = make_config(sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                               channels={"email": url}, routes={"crisis": ["email"]})
    summary = run_cycle(cfg, db_path, now=NOW)
    assert summary.alerts_failed == 1
    stored = [d["error"] for d in store.open_db(db_path)["deliveries"].rows]
    assert stored[0] and not any("Sup3rS3cretPw" in e for e in stored)
    assert not any("Sup3rS3cretPw" in e for e in summary.delivery_errors)


def test_sms_is_at_most_300_characters_and_leads_with_the_action(httpserver, make_config):
    long = dict(SAFEGUARDING, description=SAFEGUARDING["description"] + " " + "I feel so alone. " * 40)
    httpserver.expect_request("/f").respond_with_data(rss(long), content_type="application/rss+xml")
    received = []

    def sink(request):
        from werkzeug import Response

        received.append(request.get_json())
        return Response("ok")

    httpserver.expect_request("/sms").respond_with_handler(sink)
    sms_url = "json://" + httpserver.url_for("/sms").split("://", 1)[1]
    cfg, db_path = make_config(sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                               channels={"sms": {"url": sms_url, "format": "sms"}}, routes={"crisis": ["sms"]})
    assert run_cycle(cfg, db_path, now=NOW).alerts_sent == 1
    (payload,) = received
    assert len(payload["message"]) <= 300
    assert payload["message"].startswith("CRISIS") and "safeguarding lead" in payload["message"]
