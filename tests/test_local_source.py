"""A source of our own area (``local: true``, round 30): posts there naming our work without our name ("the baby
group", "the sling library lady", "the home visitor") are read, unsure (watch at most; a crisis by email unless the
model is 90% sure of it), and us with one of our places (``identity.local_work``). From any other source such words are everyone's and
the post is not read at all."""

from __future__ import annotations

import pytest

from monitor import config
from monitor.analyse import Analyser
from monitor.identity.local_work import local_work

from .conftest import REPO, write_config

ENV = {"MONITOR_EMAIL_URL": "mailto://a@example.org", "MONITOR_SMS_URL": "json://127.0.0.1:9/"}


@pytest.fixture(scope="module")
def cfg():
    return config.load(REPO / "feeds.yaml", environ=ENV)

THREAT = ("My husband has started saying that if I tell anyone at the baby group about his moods he'll take the kids "
          "to his mum's and I'll never find them. I don't know what to do.")


def test_the_option_is_read_and_checked(tmp_path):
    path = write_config(tmp_path, sources=[{"name": "forum", "kind": "rss", "url": "https://forum.example.org/f.rss",
                                            "local": True}, {"name": "news", "kind": "rss",
                                                             "url": "https://news.example.org/f.rss"}])
    cfg = config.load(path, environ={})
    assert [s.local for s in cfg.sources] == [True, False]
    path = write_config(tmp_path, sources=[{"name": "forum", "kind": "rss", "url": "https://forum.example.org/f.rss",
                                            "local": "sometimes"}])
    with pytest.raises(config.ConfigError) as err:
        config.load(path, environ={})
    assert "local" in str(err.value) and "sources[0]" in str(err.value)


@pytest.mark.parametrize("text,words", [
    (THREAT, "the baby group"),
    ("the sling library lady saw the marks on my arms and didnt say anything", "the sling library"),
    ("The home visitor who came on Tuesday smelt of drink and nearly dropped him", "home visitor"),
    ("Someone from the online baby group screenshotted me crying and shared it", "online baby group"),
])
def test_our_work_named_plainly_is_read_only_from_a_local_source(cfg, text, words):
    found = local_work(text)
    assert found is not None and found.rule == "local work" and words in found.lower(), found
    an = Analyser(cfg)
    assert an.analyse("", text) is None  # a national feed: everyone's words
    a = an.analyse("", text, local=True)
    assert a is not None and an.last_identity.verdict == "unsure", an.last_identity
    assert "in a local source" in a.reasons[0]


@pytest.mark.parametrize("text", [
    "Got a lovely bag of clothes from the charity shop on the high street",
    "Running the charity 10k for the hospice on Sunday, sponsor me!",
    "New baby lambs at the farm park this weekend",
    "Volunteer arrested at baby charity. A volunteer with Nurture Baby Network, a charity in south Wales, was held.",
])
def test_other_local_posts_stay_out(cfg, text):
    assert local_work(text) is None
    assert Analyser(cfg).analyse("", text, local=True) is None


def test_with_one_of_our_places_it_is_us(cfg):
    place = cfg.organisation.profile.places[0]
    an = Analyser(cfg)
    a = an.analyse("", f"The swap in {place} was heaving today, a volunteer shouted at my toddler.", local=True)
    assert a is not None and an.last_identity.verdict == "us", an.last_identity


@pytest.mark.model  # graded as a run grades: the committed judgement model and the rules
def test_a_run_emails_a_crisis_from_a_local_forum_and_ignores_it_elsewhere(httpserver, make_config, smtp, monkeypatch):
    """End to end (real feeds over loopback, a real SQLite file, a real SMTP server driven by real apprise): the same
    post in a feed marked local is stored and emailed to the directors (unsure whether it is ours, it is a crisis
    only when the model reads one at 90% or more, as for any unsure text); in an ordinary feed it is not stored."""
    from monitor import notify, store
    from monitor.pipeline import run_cycle

    from .conftest import NOW, rss

    post = {"title": "Can I ask something, bit awkward", "link": "https://forum.example.org/t/1", "description": THREAT}
    for path in ("/local", "/news"):
        httpserver.expect_request(path).respond_with_data(rss(post), content_type="application/rss+xml")
    monkeypatch.setattr(notify, "SEND_INTERVAL", 0)
    cfg, db_path = make_config(
        sources=[{"name": "village-forum", "kind": "rss", "url": httpserver.url_for("/local"), "local": True},
                 {"name": "news", "kind": "rss", "url": httpserver.url_for("/news")}],
        channels={"email": smtp.url(), "sms": "json://127.0.0.1:9/"},
        routes={"crisis": ["email", "sms"], "alert": ["email"]})
    report = run_cycle(cfg, db_path, now=NOW)
    rows = list(store.open_db(db_path).query("select source, severity, reasons from mentions"))
    assert [r["source"] for r in rows] == ["village-forum"] and len(report.new_mention_ids) == 1, rows
    assert rows[0]["severity"] in ("alert", "crisis") and "in a local source" in rows[0]["reasons"]
    assert len(smtp.messages) == 1
    assert "baby group" in smtp.messages[0].get_body(preferencelist=("plain", "html")).get_content()


def test_the_workers_first_look_reads_a_local_post(cfg):
    """The run's first look (``_could_name_us``, before the analyser is compiled) sends a local post naming our work
    to the analysis, and leaves the same post from any other source out."""
    from types import SimpleNamespace

    from monitor.analyse_worker import Deferred, _could_name_us

    lazy = Deferred(cfg, list)
    assert _could_name_us(lazy, SimpleNamespace(title="", text=THREAT, to_us=False, local=True))
    assert not _could_name_us(lazy, SimpleNamespace(title="", text=THREAT, to_us=False, local=False))
    assert not _could_name_us(lazy, SimpleNamespace(title="", text=THREAT, to_us=False))  # a stand-in without it
