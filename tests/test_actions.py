"""History and corrections: every action from any channel lands in `actions` (real SQLite, real SMTP)."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner

from monitor import actions, alerting, store
from monitor.cli import cli
from monitor.pipeline import run_cycle

from .conftest import NOW
from .test_alerting import CRISIS, complaint, setup, sms  # noqa: F401 (fixture)


def test_acknowledging_again_adds_and_never_erases(httpserver, make_config, smtp, sms):
    box = [[CRISIS]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box)
    run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)
    (alert,) = store.alerts(db)
    alerting.ack(db, alert["id"], NOW + timedelta(minutes=5), note="Sam is ringing her", by="Sam")
    alerting.ack(db, alert["id"], NOW + timedelta(minutes=9), note="Jo too", by="Jo", via="email")
    kept = store.alert(db, alert["id"])
    assert (kept["acked_by"], kept["note"], kept["acked_at"]) == ("Sam", "Sam is ringing her", "2026-11-24T09:05:00Z")
    rows = actions.history(db, alert_id=alert["id"])
    assert [(r["action"], r["by"], r["via"], r["note"]) for r in rows] == [
        ("ack", "Sam", "cli", "Sam is ringing her"), ("ack", "Jo", "email", "Jo too")]
    # The mention's own history shows the alert's actions too.
    assert len(actions.history(db, mention_id=alert["mention_id"])) == 2


def test_not_us_and_wrong_level_from_the_command_line_are_labelled_examples(httpserver, make_config, smtp, sms):
    box = [[complaint(1), complaint(2, headline="New Baby Network praised by local MP")]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box)
    run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)
    m1, m2 = [r[0] for r in db.execute("select id from mentions order by id")]
    runner = CliRunner()
    base = ["--config", str(cfg.path), "--db", str(db_path)]
    out = runner.invoke(cli, base + ["mark", f"m{m1}", "--level", "watch", "--note", "just a gripe", "--by", "Ann"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(cli, base + ["mark", f"m{m2}", "--not-us", "--by", "Ann"])
    assert out.exit_code == 0, out.output
    rows = {r["id"]: r for r in db.query("select id, corrected_severity, false_positive, severity from mentions")}
    assert rows[m1]["corrected_severity"] == "watch" and rows[m1]["false_positive"] == 0
    assert rows[m2]["false_positive"] == 1 and rows[m2]["corrected_severity"] is None
    assert runner.invoke(cli, base + ["mark", f"m{m1}", "--level", "severe"]).exit_code == 2
    shown = runner.invoke(cli, base + ["show", f"m{m1}"]).output
    assert "said the level should be watch by Ann (cli): just a gripe" in shown
    assert "level corrected to: watch" in shown
    # "not about us" on an alert resolves it and labels every mention in it.
    alert_id = store.alerts(db)[-1]["id"]
    actions.act(db, "not_us", NOW + timedelta(hours=1), alert_id=alert_id, by="Bo", via="web")
    assert store.alert(db, alert_id)["status"] == "resolved"
    assert store.alert(db, alert_id)["status_reason"] == "not about us"
    assert db.execute("select count(*) from actions").fetchone()[0] == 3


def test_resolve_cancels_what_has_not_gone_yet(httpserver, make_config, smtp, sms):
    box = [[complaint(1)]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box, alerting={"quiet_hours": "00:00-23:59"})
    run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)
    (alert,) = store.alerts(db)
    assert smtp.messages == []  # held by quiet hours
    actions.act(db, "resolve", NOW + timedelta(minutes=1), alert_id=alert["id"], note="replied already")
    assert db.execute("select status from deliveries").fetchone()[0] == "cancelled"
    assert db.execute("select resolved_at from mentions").fetchone()[0] == "2026-11-24T09:01:00Z"
