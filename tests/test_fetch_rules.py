"""The Fetcher's own rules: a per-host minimum interval declared by a kind, and errors named by their type."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import MaxRetryError, NameResolutionError

from monitor.fetch import FetchError, Fetcher, _short
from monitor.pipeline import run_cycle
from monitor.sources import gdelt
from monitor.sources.base import Source

from .conftest import NOW


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_a_paced_host_is_asked_at_most_once_per_interval_even_across_fetchers(server):
    starts = []
    for _ in range(3):
        f = Fetcher(contact="test@example.org")  # each run has its own Fetcher: the interval still holds
        try:
            starts.append(time.monotonic())
            assert f.get(server + "/a", min_interval=0.4).status == 200
        finally:
            f.close()
    took = time.monotonic() - starts[0]
    assert took >= 0.8  # three requests, two intervals


def test_pacing_holds_up_neither_unpaced_requests_nor_other_hosts(server):
    f = Fetcher(contact="test@example.org")
    try:
        paced = server.replace("127.0.0.1", "localhost")  # a host no other test paces
        f.get(paced + "/paced", min_interval=30)
        started = time.monotonic()
        f.get(server + "/other-host", min_interval=0.01)  # another host: its own clock
        f.get(paced + "/unpaced")  # no interval declared: not held
        assert time.monotonic() - started < 5
    finally:
        f.close()


def test_gdelt_declares_its_interval_and_the_base_helpers_pass_a_kinds_declaration_on(monkeypatch):
    monkeypatch.setattr(gdelt, "SPACING", 5.0)
    assert Source.min_interval == 0.0
    assert gdelt.GdeltSource.__dict__["min_interval"].fget(None) == 5.0
    assert not hasattr(gdelt, "_wait_turn") and not hasattr(gdelt, "_last_request")  # no module-global clock


def _through_requests(reason: Exception) -> requests.exceptions.RequestException:
    """An error shaped exactly as requests raises it: ConnectionError(MaxRetryError(pool, url, reason))."""
    pool = HTTPConnectionPool("feeds.example.org", port=80)
    return requests.exceptions.ConnectionError(MaxRetryError(pool, "/feed", reason))


def test_errors_are_named_by_their_type_not_their_wording():
    # a name lookup failure whose words mention none of the usual phrases
    lookup = NameResolutionError("feeds.example.org", None, socket.gaierror(socket.EAI_AGAIN, "try later"))
    assert _short(_through_requests(lookup)) == (
        "cannot find feeds.example.org (name lookup failed): is this machine online, and is the address right?")
    refused = ConnectionRefusedError(111, "nope")
    assert _short(_through_requests(refused)) == "feeds.example.org refused the connection (nothing listening there?)"
    unreachable = OSError(101, "gone")  # ENETUNREACH
    assert _short(_through_requests(unreachable)) == "cannot reach feeds.example.org: network unreachable"
    # words that once matched by accident no longer decide: a plain error that merely says "Connection refused"
    assert _short(requests.exceptions.RequestException("the page says: Connection refused")) == (
        "the page says: Connection refused")


def test_tls_to_a_plain_http_server_is_a_certificate_problem_in_plain_words(server):
    f = Fetcher(contact="test@example.org", connect_timeout=3, read_timeout=3)
    try:
        with pytest.raises(FetchError) as caught:
            f.get(server.replace("http://", "https://") + "/feed")
    finally:
        f.close()
    assert str(caught.value) == "secure connection to 127.0.0.1 failed (certificate problem)"


def test_a_kind_that_calls_the_fetcher_directly_fails_in_the_same_words(make_config, monkeypatch):
    """The wrappers are gone: a transport failure reaches the pipeline as FetchError and reads the same."""
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    cfg, db_path = make_config(sources=[
        {"name": "refused", "kind": "rss", "url": f"{base}/feed"},
        {"name": "rd", "kind": "reddit", "query": "x", "base_url": base},
        {"name": "tag", "kind": "mastodon_tag", "instance": base, "tag": "nbn"},
    ])
    errors = {s.name: s.error for s in run_cycle(cfg, db_path, now=NOW).sources}
    assert errors["refused"] == "127.0.0.1 refused the connection (nothing listening there?)"
    assert errors["rd"] == errors["refused"] and errors["tag"] == errors["refused"]


def test_requests_still_reads_proxies_and_logins_from_the_environment_when_there_are_some(monkeypatch, tmp_path):
    """The fetcher tells requests not to look in the environment only when there is nothing to find."""
    from monitor.fetch import Fetcher

    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy",
                 "NO_PROXY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NETRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Fetcher(contact="x@example.org").session.trust_env is False
    for name, value in (("HTTPS_PROXY", "http://proxy.example:3128"), ("NETRC", str(tmp_path / "logins"))):
        monkeypatch.setenv(name, value)
        assert Fetcher(contact="x@example.org").session.trust_env is True, name
        monkeypatch.delenv(name)
    (tmp_path / ".netrc").write_text("machine feeds.example login a password b\n")
    assert Fetcher(contact="x@example.org").session.trust_env is True


@pytest.mark.parametrize("env", [{}, {"REQUESTS_CA_BUNDLE": "/etc/ssl/ca.pem"}, {"CURL_CA_BUNDLE": "/etc/ssl/curl.pem"},
                                 {"REQUESTS_CA_BUNDLE": "/etc/ssl/ca.pem", "CURL_CA_BUNDLE": "/etc/ssl/curl.pem"},
                                 {"HTTPS_PROXY": "http://proxy.example:3128", "NO_PROXY": "local.example"},
                                 {"REQUESTS_CA_BUNDLE": "/etc/ssl/ca.pem", "HTTP_PROXY": "http://proxy.example:3128"}])
def test_the_fetcher_sends_what_requests_would_with_the_environment(monkeypatch, tmp_path, env):
    """Told not to look in the environment (no proxy, no login there), the session still verifies with the CA
    bundle a variable names: every request gets the proxies and the certificate check a plain requests
    session, reading the environment, would give it."""
    import requests

    from monitor.fetch import Fetcher

    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy",
                 "NO_PROXY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NETRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ours, plain = Fetcher(contact="x@example.org").session, requests.Session()
    assert ours.trust_env is bool({"HTTPS_PROXY", "HTTP_PROXY"} & env.keys())
    for url in ("https://feeds.example/rss", "http://feeds.example/rss", "https://local.example/x"):
        # (verify=None: the fetcher never passes one per request; session.request merges with these arguments)
        assert ours.merge_environment_settings(url, {}, None, None, None) == \
            plain.merge_environment_settings(url, {}, None, None, None), url


@pytest.mark.parametrize("env", [{}, {"https_proxy": "http://p.example:3128"}, {"Https_Proxy": "http://p.example:3128"},
                                 {"ALL_PROXY": "socks5://p.example"}, {"ftp_proxy": "http://p.example"},
                                 {"no_proxy": "local.example"}, {"NO_PROXY": "*"}, {"http_proxy": ""},
                                 {"HTTP_PROXY": "http://p.example", "http_proxy": ""},
                                 {"HTTP_PROXY": "http://p.example", "REQUEST_METHOD": "GET"},
                                 {"PROXY": "http://p.example", "MY_PROXY_HOST": "p.example"}])
def test_the_environment_is_read_without_urllib_as_urllib_reads_it(monkeypatch, tmp_path, env):
    """Whenever urllib (what requests asks) finds a proxy setting, the fetcher lets requests look in the environment:
    its own reading of the variables (urllib.request is no longer imported for it) is never the less cautious."""
    import os
    import urllib.request

    from monitor.fetch import _nothing_in_environment

    for name in [n for n in os.environ if n.lower().endswith("proxy")] + ["REQUEST_METHOD", "NETRC"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if urllib.request.getproxies():
        assert _nothing_in_environment() is False
    assert _nothing_in_environment() is (not any(v for n, v in env.items() if n.lower().endswith("_proxy")))


def test_making_a_fetcher_imports_no_urllib_request():
    import subprocess
    import sys

    code = ("import sys; from monitor.fetch import Fetcher; f = Fetcher(contact='x@example.org'); "
            "print(f.trust_env or 'urllib.request' not in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "True", out.stderr
