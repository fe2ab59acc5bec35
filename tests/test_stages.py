"""Alerting's named stages (monitor/alerting.py): the same mutes on the new-alert and the join path,
the route checked once. Real SMTP, a real SQLite file, an SMS webhook on loopback; only the clock is ours."""

from __future__ import annotations

from datetime import timedelta

from monitor import alerting, store
from monitor.pipeline import run_cycle
from monitor.rules import Candidate

from .conftest import NOW
from .test_alerting import complaint, feed, setup, sms  # noqa: F401  (sms is a fixture)


def test_a_silence_added_after_a_group_opened_also_mutes_what_joins_it(httpserver, make_config, smtp, sms):  # noqa: F811
    box = [[complaint(i) for i in range(2)]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box)
    run_cycle(cfg, db_path, now=NOW)
    assert len(smtp.messages) == 1  # the story's group opened and was told
    db = store.open_db(db_path)
    alerting.add_silence(db, {"category": "complaint"}, 6 * 3600, "we know", NOW + timedelta(minutes=5))
    feed(box, *[complaint(i) for i in range(4)])  # two more papers join the open group
    summary = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1), force=True)
    assert len(summary.new_mention_ids) == 2 and summary.alerts_sent == 0 and len(smtp.messages) == 1
    (group,) = store.alerts(db)
    assert group["mentions"] == 4 and group["round"] == 0  # recorded in the group, no update round
    # Without the silence the same join is an update (the mute, not something else, held it back).
    store.expire_silence(db, 1, NOW + timedelta(hours=2))
    feed(box, *[complaint(i) for i in range(5)])
    assert run_cycle(cfg, db_path, now=NOW + timedelta(hours=2), force=True).alerts_sent == 1
    db.close()


def test_an_unrouted_level_records_nothing_and_the_mutes_run_in_order(httpserver, make_config, smtp, sms):  # noqa: F811
    cfg, db_path = setup(httpserver, make_config, smtp, sms, [[]])
    db = store.open_db(db_path)
    watch = Candidate(rule="mention", severity="watch", group_key="story:x", title="t")
    assert alerting.route(cfg, "watch") == [] and alerting.handle(db, cfg, watch, NOW) is None
    assert db["alerts"].count == 0
    assert [m.__name__ for m in alerting.MUTES] == ["inhibit", "silence"]
    db.close()
