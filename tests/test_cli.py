"""The command line itself: ids, "not found" (exit 1, not the config error's 2), the database closed, eval's options."""

from __future__ import annotations

import ast
import json
import sqlite3

import pytest
from click.testing import CliRunner

from monitor import store
from monitor.cli import cli
from monitor.evaluate import TARGETS

from .conftest import REPO


@pytest.fixture
def invoke(make_config):
    cfg, db_path = make_config(sources=[{"name": "blog", "kind": "rss", "url": "http://127.0.0.1:9/feed"}])
    store.open_db(db_path).close()  # an empty, migrated database

    def run(*args):
        return CliRunner().invoke(cli, ["--config", str(cfg.path), "--db", str(db_path), *args], env={})

    return run


@pytest.mark.parametrize("args, sentence", [
    (["ack", "5"], "There is no alert 5; `monitor alerts` lists them."),
    (["ack", "a5"], "There is no alert 5; `monitor alerts` lists them."),
    (["ack", "#5"], "There is no alert 5; `monitor alerts` lists them."),
    (["ack", "m5"], "There is no mention 5; `monitor inbox` lists them."),
    (["show", "m5"], "There is no mention 5."),
    (["show", "5"], "There is no mention 5."),
    (["resolve", "M5"], "There is no mention 5."),
    (["mark", "m5", "--no-reply"], "There is no mention 5."),
    (["silence", "expire", "3"], "No active silence 3."),
])
def test_what_does_not_exist_exits_1_with_one_sentence(invoke, args, sentence):
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    assert result.output.strip() == sentence  # the sentence alone: no "Error:", no traceback


@pytest.mark.parametrize("args, says", [
    (["ack", "x12"], "use an alert number (12) or a mention number (m12)"),
    (["ack", "m"], "use an alert number (12) or a mention number (m12)"),
    (["show", "a12"], "is not a mention number (12 or m12)"),
    (["resolve", "twelve"], "is not a mention number (12 or m12)"),
])
def test_an_id_that_is_no_number_is_a_usage_error(invoke, args, says):
    result = invoke(*args)
    assert result.exit_code == 2 and says in result.output


def test_every_command_closes_its_database_however_it_ends(invoke, monkeypatch):
    opened = []
    real = store.open_db

    def spy(path):
        opened.append(real(path))
        return opened[-1]

    monkeypatch.setattr(store, "open_db", spy)
    for args, code in ((["mentions"], 0), (["alerts", "--json"], 0), (["show", "m9"], 1), (["inbox"], 0)):
        before = len(opened)
        assert invoke(*args).exit_code == code
        assert len(opened) == before + 1
        with pytest.raises(sqlite3.ProgrammingError):  # "Cannot operate on a closed database"
            opened[-1].execute("select 1")


def test_every_target_has_an_eval_option_that_overrides_the_file(tmp_path):
    help_text = CliRunner().invoke(cli, ["eval", "--help"]).output
    for target in TARGETS.values():
        assert target.option in help_text
    path = tmp_path / "mini.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in [
        {"header": {"targets": {}}},
        {"id": "a", "title": "", "body": "New Baby Network volunteers are lovely", "mention": True,
         "families": [], "severity": "info"},
    ]))
    base = ["--config", str(REPO / "feeds.yaml"), "eval", str(path), "--rules-only"]
    assert CliRunner().invoke(cli, base, env={}).exit_code == 0
    for option, value, says in (("--min-mention-f1", "1.5", "mention_f1 is 1.0, target at least 1.5"),
                                ("--max-info-raised", "-1", "info_raised_to_alert is 0, target at most -1")):
        result = CliRunner().invoke(cli, base + [option, value], env={})
        assert result.exit_code == 1 and says in result.output, result.output


def _heavy_modules_loaded(commands: str, heavy: tuple[str, ...]) -> list[str]:
    """Run ``commands`` (CLI invocations) in a fresh interpreter; the modules of ``heavy`` it imported."""
    import subprocess
    import sys

    code = ("import sys\nfrom click.testing import CliRunner\nfrom monitor.cli import cli\n" + commands
            + f"print([m for m in {heavy!r} if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert out.returncode == 0, out.stderr
    return ast.literal_eval(out.stdout.strip())


def test_help_imports_no_library_module():
    """`monitor --help` stays light: the command modules import click and small declarations only."""
    commands = "assert CliRunner().invoke(cli, ['--help']).exit_code == 0\n"
    assert _heavy_modules_loaded(commands, ('monitor.config', 'monitor.store', 'monitor.sources', 'monitor.analyse',
                                            'monitor.notify', 'requests', 'yaml', 'sqlite_utils', 'apprise',
                                            'numpy')) == []


def test_check_and_search_on_an_existing_database_stay_light(tmp_path):
    """`monitor check` (and a store command) with a real database: no numpy, model, apprise or plugin scan."""
    from monitor import store

    from .conftest import write_config

    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": "https://example.org/feed"}])
    store.open_db(tmp_path / "monitor.db").close()
    commands = (f"for args in (['check'], ['search', 'x']):\n"
                f"    r = CliRunner().invoke(cli, ['--config', {str(path)!r}, '--db', {str(tmp_path / 'monitor.db')!r}, *args])\n"
                "    assert r.exit_code == 0, r.output\n")
    assert _heavy_modules_loaded(commands, ('numpy', 'sklearn', 'apprise', 'matplotlib', 'monitor.model',
                                            'importlib.metadata')) == []


def test_every_command_is_still_there():
    assert sorted(cli.commands) == sorted([
        "check", "run", "mentions", "sources", "alerts", "ack", "silence", "test-alert", "digest", "inbox", "show",
        "resolve", "mark", "suggest-excludes", "search", "export", "purge", "eval", "train", "train-identity", "serve",
        "demo"])
    assert sorted(cli.commands["silence"].commands) == ["add", "expire", "list"]
