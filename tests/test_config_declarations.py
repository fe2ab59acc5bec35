"""The config's keys are declared once (monitor/config/model.py) and everything else follows from that:
the keys allowed in each section, the hints for a typo, and the value a key left out takes."""

from __future__ import annotations

import dataclasses

import pytest
import yaml
from click.testing import CliRunner

from monitor import config
from monitor.cli import cli
from monitor.config import model
from monitor.config.reader import declared, keys

from .conftest import REPO, SHIPPED, write_config

SOURCE = [{"name": "a", "kind": "rss", "url": "https://example.org/feed"}]

# Every section a volunteer writes as a mapping of keys, with where it sits in the file.
SECTIONS = [
    (model.Config, ""),
    (model.Organisation, "organisation"),
    (model.Profile, "organisation.profile"),
    (model.Settings, "settings"),
    (model.Thresholds, "thresholds"),
    (model.Rules, "rules"),
    (model.SpikeRule, "rules.volume_spike"),
    (model.Alerting, "alerting"),
    (model.Reach, "reach"),
    (model.Digest, "digest"),
    (model.Replies, "replies"),
]


def _classes():
    return {cls for cls in vars(model).values() if dataclasses.is_dataclass(cls) and isinstance(cls, type)}


def test_every_declared_key_has_a_kind_and_help():
    with pytest.raises(ValueError):
        model.key(kind="duraton", help="a typo in a kind is an error at import")
    for cls in _classes():
        for k in declared(cls):
            assert k.help.strip(), f"{cls.__name__}.{k.attr} has no help"
            assert isinstance(k.kind, model.Kind), (cls, k)
            if k.kind == model.CHOICE:
                assert k.choices and (k.default in k.choices or k.default == ""), (cls, k)
            if k.kind in (model.NUMBER, model.INTEGER):
                assert k.lo is not None and k.hi is not None, (cls, k)


def _put(doc: dict, path: str, key: str, value) -> None:
    for part in filter(None, path.split(".")):
        doc = doc.setdefault(part, {})
    doc[key] = value


@pytest.mark.parametrize("cls,path", SECTIONS, ids=[p or "top" for _, p in SECTIONS])
def test_a_misspelt_key_is_named_with_its_line_a_hint_and_the_declared_keys(tmp_path, cls, path):
    first = next(iter(keys(cls)))
    typo = first[:-1] + "x" + first[-1]
    extra = {"replies": {"host": "127.0.0.1", "tls": "none", "username": "u", "password": "${P}",
                         "directors": ["d@example.org"]}} if cls is model.Replies else {}
    doc_path = write_config(tmp_path, sources=SOURCE, **extra)
    doc = yaml.safe_load(doc_path.read_text())
    _put(doc, path, typo, 1)
    doc_path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(config.ConfigError) as err:
        config.load(doc_path, environ={"P": "x"})
    where = f"{path}.{typo}" if path else typo
    (problem,) = [p for p in err.value.problems if p.path == where]
    assert problem.message == f"unknown key (did you mean {first!r}?); allowed here: {', '.join(keys(cls))}"
    assert doc_path.read_text().splitlines()[problem.line - 1].strip().startswith(f"{typo}:")


def test_a_key_left_out_takes_its_declared_default(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_text(yaml.safe_dump({"organisation": SHIPPED["organisation"], "sources": SOURCE,
                                    "escalation": SHIPPED["escalation"]}))
    cfg = config.load(path, environ={})
    assert cfg.thresholds == model.Thresholds()
    assert cfg.rules == model.Rules() and cfg.alerting == model.Alerting() and cfg.reach == model.Reach()
    # No alerts/ beside it: the project's own, and check says so.
    assert cfg.settings == dataclasses.replace(model.Settings(), alerts_dir=str(model.PROJECT_ALERTS))
    assert cfg.alerts_note and model.Settings.alerts_dir == "alerts"
    assert cfg.retention == 365 * 86400 and cfg.digest_timezone == model.Settings.timezone == "Europe/London"
    assert cfg.replies is None and cfg.channels == {} and cfg.routes == {}
    (source,) = cfg.sources
    assert (source.every, source.enabled, source.backfill, source.expect_within, source.label) == (
        15 * 60, True, 7 * 86400, None, "")


def test_crisis_threshold_default_is_the_one_in_force():
    """The shipped feeds.yaml (and every config made from it) sets crisis 9 and negative -0.5; a
    config that leaves them out gets the same, and the README says so."""
    assert model.Thresholds().crisis == SHIPPED["thresholds"]["crisis"] == 9
    assert (model.Thresholds().watch, model.Thresholds().alert) == (SHIPPED["thresholds"]["watch"],
                                                                     SHIPPED["thresholds"]["alert"])
    assert model.Thresholds().negative == SHIPPED["thresholds"]["negative"] == -0.5
    readme = (REPO / "README.md").read_text()
    assert "crisis 9" in readme and "-0.5 or below counts as negative" in readme


def test_check_shows_the_default_crisis_threshold(tmp_path):
    path = write_config(tmp_path, sources=SOURCE, thresholds={"watch": 1, "alert": 3})
    result = CliRunner().invoke(cli, ["--config", str(path), "check"], env={})
    assert result.exit_code == 0, result.output
    assert "thresholds: watch 1, alert 3, crisis 9, negative at -0.5" in result.output
    path = write_config(tmp_path, sources=SOURCE, thresholds={"watch": 1, "alert": 9.5})
    result = CliRunner().invoke(cli, ["--config", str(path), "check"], env={})
    assert result.exit_code == 2 and "must rise: watch (1.0) < alert (9.5) < crisis (9.0)" in result.output
