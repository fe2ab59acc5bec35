"""feeds.yaml validation: every mistake named by file, key path and line; nothing written."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from monitor import config
from monitor.cli import cli

from .conftest import REPO, write_config

ENV = {"MONITOR_EMAIL_URL": "mailto://127.0.0.1:2525?mode=insecure&to=a@example.org",
       "MONITOR_SMS_URL": "json://127.0.0.1:9/sms"}


def problems(path, environ=None):
    with pytest.raises(config.ConfigError) as exc:
        config.load(path, environ=environ if environ is not None else ENV)
    return exc.value.problems


def test_shipped_feeds_yaml_is_valid_and_routes_crises_to_sms_and_email():
    cfg = config.load(REPO / "feeds.yaml", environ=ENV)
    assert {"New Baby Network", "@newbabynetwork", "#newbabynetwork"} <= set(cfg.organisation.terms)
    assert {"google_news", "bing_news", "mastodon_tag"} <= {s.kind for s in cfg.sources}
    assert cfg.routes["crisis"] == ["sms", "email"]
    assert cfg.escalation["safeguarding"].severity == "crisis"
    for name in ("complaint", "press", "safeguarding", "consent_privacy", "legal", "political",
                 "discrimination", "fraud", "impersonation", "amplification"):
        assert cfg.escalation[name].action, name


def test_shipped_config_without_secrets_names_each_missing_variable():
    found = problems(REPO / "feeds.yaml", environ={})
    text = "\n".join(map(str, found))
    assert "MONITOR_EMAIL_URL is not set" in text and "MONITOR_SMS_URL is not set" in text
    assert all(p.line for p in found)
    assert "feeds.yaml:" in text and "channels.email" in text


def test_missing_secret_of_an_unused_channel_is_fine(tmp_path):
    path = write_config(tmp_path, sources=[{"name": "a", "kind": "rss", "url": "https://example.org/f"}],
                        channels={"pager": "${PAGER_URL}", "email": "mailto://x@example.org"},
                        routes={"crisis": ["email"]})
    cfg = config.load(path, environ={})
    assert cfg.channels["pager"].url is None and cfg.channels["pager"].missing == ["PAGER_URL"]


def copy_shipped(tmp_path, old, new):
    """The shipped feeds.yaml with one edit, next to the shipped alerts/ folder."""
    (tmp_path / "alerts").symlink_to(REPO / "alerts")
    path = tmp_path / "feeds.yaml"
    path.write_text((REPO / "feeds.yaml").read_text().replace(old, new, 1))
    return path


def test_typo_in_a_key_is_an_error_with_line_and_suggestion(tmp_path):
    path = tmp_path / "feeds.yaml"
    path = copy_shipped(tmp_path, "  every: 15m   ", "  evrey: 15m  ")
    found = problems(path)
    assert len(found) == 1
    p = found[0]
    assert p.path == "settings.evrey" and "did you mean 'every'" in p.message
    assert path.read_text().splitlines()[p.line - 1].strip().startswith("evrey:")


def test_bad_source_url_names_the_list_index_and_line(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(textwrap.dedent("""\
        organisation: {name: X, terms: [New Baby Network]}
        sources:
          - {name: one, kind: rss, url: https://example.org/a}
          - name: two
            kind: rss
            url: ftp://example.org/b
          - {name: three, kind: atom, url: https://example.org/c}
        escalation:
          complaint: {keywords: [rude], policy: p, action: a}
        routes: {alert: [email]}
        """))
    found = {p.path: p for p in problems(path)}
    assert found["sources[1].url"].line == 6 and "http:// or https://" in found["sources[1].url"].message
    assert "unknown kind 'atom'" in found["sources[2].kind"].message
    assert "no channel called 'email'" in found["routes.alert[0]"].message


def test_duplicate_keys_and_bad_yaml_are_reported(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("organisation:\n  name: A\n  name: B\n")
    assert any(p.path == "organisation.name" and p.line == 3 and "twice" in p.message for p in problems(path))
    path.write_text("organisation: [unclosed\n")
    (p,) = problems(path)
    assert "not valid YAML" in p.message and p.line


def test_thresholds_must_rise_and_durations_must_parse(tmp_path):
    path = write_config(tmp_path, sources=[{"name": "a", "kind": "rss", "url": "https://e.org/f", "every": "soon"}],
                        thresholds={"watch": 5, "alert": 3, "crisis": 6})
    msgs = {p.path: p.message for p in problems(path)}
    assert "not a duration" in msgs["sources[0].every"]
    assert "must rise" in msgs["thresholds"]


def test_check_exits_2_and_writes_nothing(tmp_path):
    path = copy_shipped(tmp_path, "kind: google_news", "kind: google_newz")
    result = CliRunner().invoke(cli, ["--config", str(path), "check"], env=ENV)
    assert result.exit_code == 2
    assert "sources[0].kind" in result.output and "unknown kind 'google_newz'" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alerts", "feeds.yaml"]


def test_check_summarises_without_printing_secrets(tmp_path):
    env = {"MONITOR_EMAIL_URL": "mailtos://directors:Sup3rS3cretPw@smtp.example.org?to=d@example.org",
           "MONITOR_SMS_URL": "twilio://ACabcdef0123456789:tok3nTOKENtoken99@+441234567890/+447700900000"}
    result = CliRunner().invoke(cli, ["--config", str(REPO / "feeds.yaml"), "check"], env=env)
    assert result.exit_code == 0, result.output
    assert "google-news" in result.output and "crisis -> sms, email" in result.output
    assert "Sup3rS3cretPw" not in result.output and "tok3nTOKENtoken99" not in result.output


def test_config_and_db_precedence(tmp_path):
    path = write_config(tmp_path, sources=[{"name": "a", "kind": "rss", "url": "https://e.org/f"}])
    assert config.config_path("x.yaml", {"MONITOR_CONFIG": "y.yaml"}).name == "x.yaml"
    assert config.config_path(None, {"MONITOR_CONFIG": "y.yaml"}).name == "y.yaml"
    assert config.config_path(None, {}).name == "feeds.yaml"
    cfg = config.load(path, environ={})
    assert config.db_path(cfg, "cli.db", {"MONITOR_DB": "env.db"}).name == "cli.db"
    assert config.db_path(cfg, None, {"MONITOR_DB": "env.db"}).name == "env.db"
    assert config.db_path(cfg, None, {}) == tmp_path / "monitor.db"  # relative to the config file


def test_check_rejects_a_channel_address_apprise_cannot_use(tmp_path):
    path = write_config(tmp_path, sources=[{"name": "a", "kind": "rss", "url": "https://e.org/f"}],
                        channels={"email": "nosuchscheme://x"}, routes={"alert": ["email"]})
    result = CliRunner().invoke(cli, ["--config", str(path), "check"])
    assert result.exit_code == 2 and "channels.email: apprise does not understand" in result.output


def test_playbook_problems_name_the_playbook_file_and_line(tmp_path):
    alerts = tmp_path / "alerts"
    alerts.mkdir()
    for f in (REPO / "alerts").iterdir():
        (alerts / f.name).write_text(f.read_text())
    text = (alerts / "playbook.yaml").read_text().replace("  press:\n", "  pres:\n", 1)
    (alerts / "playbook.yaml").write_text(text)
    path = tmp_path / "feeds.yaml"
    path.write_text((REPO / "feeds.yaml").read_text())
    found = {(p.path, p.message.split(" (")[0]) for p in problems(path)}
    assert ("categories", "has no entry for 'press'") in found
    assert ("categories.pres", "matches no escalation category in feeds.yaml") in found
