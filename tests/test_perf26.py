"""Round 26 (perf26): `monitor check` starts faster, and reports exactly what it reported before.

A category's patterns are checked by parsing them (``sections.pattern_error``) rather than compiling them,
the config is read with the cyclic garbage collector paused, the namesakes share one compiled set of our
terms, and hashlib and calendar are imported where a feed is read, not where its options are declared.
"""

from __future__ import annotations

import copy
import gc
import re

import pytest
from click.testing import CliRunner

from monitor import config as config_mod
from monitor.cli import cli
from monitor.config.sections import pattern_error

from .conftest import SHIPPED, write_config

# Each is compiled by re.compile and by pattern_error; the errors must be the same, word for word. The look-behinds
# are the ones only the compiler rejects (a width that is not fixed), so they prove the full compile is kept there.
PATTERNS = [
    r"\bcrisis\b", r"(?i)\bself[- ]harm", r"(?<!not )\bunsafe\b", r"(?<=\bgot )worse", r"(?<!a|b)c",
    r"(unclosed", r"*leading", r"a{3,1}", r"[z-a]", r"\q", r"(?P<n>a)(?P=m)", r"(a)\2", r"x(?i)y",
    r"(?<=ab+)c", r"(?<!a|bc)x", r"(?<=(?P<g>a)|bb)c", r"[", r"a)", "",
]


def _compile_error(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("pattern", PATTERNS)
def test_pattern_error_is_what_compiling_raises(pattern):
    exc = pattern_error(pattern)
    assert (None if exc is None else str(exc)) == _compile_error(pattern)


def test_the_list_holds_both_kinds_of_bad_pattern():
    """Not a vacuous comparison: some patterns are fine, some fail in the parser, some only in the compiler."""
    import re._parser as parser

    bad = [p for p in PATTERNS if _compile_error(p)]
    assert 0 < len(bad) < len(PATTERNS)

    def parses(p):
        try:
            parser.parse(p, 0)
        except re.error:
            return False
        return True

    assert [p for p in bad if parses(p)] == [r"(?<=ab+)c", r"(?<!a|bc)x", r"(?<=(?P<g>a)|bb)c"]


def _config_with_patterns(tmp_path, category: str, patterns: list[str]):
    escalation = copy.deepcopy(SHIPPED["escalation"])
    escalation[category]["patterns"] = patterns
    return write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": "https://example.org/feed"}],
                        escalation=escalation)


def test_a_bad_pattern_in_feeds_yaml_is_still_reported_by_monitor_check(tmp_path):
    category = next(iter(SHIPPED["escalation"]))
    patterns = [r"\bfine\b", r"(unclosed", r"(?<=ab+)c"]
    path = _config_with_patterns(tmp_path, category, patterns)
    result = CliRunner().invoke(cli, ["--config", str(path), "check"], env={})
    assert result.exit_code == 2, result.output
    assert f"Configuration error in {path}:" in result.output
    for j in (1, 2):
        said = f"escalation.{category}.patterns[{j}]: not a valid regular expression: {_compile_error(patterns[j])}"
        assert said in result.output, result.output
    assert "patterns[0]" not in result.output
    assert "look-behind requires fixed-width pattern" in result.output  # the compiler's own error, still found


def test_good_patterns_still_load(tmp_path):
    category = next(iter(SHIPPED["escalation"]))
    path = _config_with_patterns(tmp_path, category, [r"(?<!not )\bunsafe\b", r"\bfine\b"])
    cfg = config_mod.load(path, environ={})
    assert cfg.escalation[category].patterns == [r"(?<!not )\bunsafe\b", r"\bfine\b"]


def test_every_namesake_is_checked_against_our_terms(tmp_path):
    """One compiled set of terms for all the namesakes (it was one per namesake): each is still checked."""
    org = copy.deepcopy(SHIPPED["organisation"])
    org.setdefault("profile", {"description": "A perinatal support charity."})
    org["profile"]["namesakes"] = [{"name": "Baby Network Stores", "about": "a shop"},
                                   {"name": org["terms"][0] + " Ltd", "about": "a shop"},
                                   "Little Ones Club"]
    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": "https://example.org/feed"}],
                        organisation=org)
    with pytest.raises(config_mod.ConfigError) as caught:
        config_mod.load(path, environ={})
    said = [str(p) for p in caught.value.problems]
    assert len(said) == 2, said
    assert "organisation.profile.namesakes[0].name: 'Baby Network Stores' does not contain any of our terms" in said[0]
    assert "organisation.profile.namesakes[2].name: 'Little Ones Club' does not contain any of our terms" in said[1]


def test_the_garbage_collector_is_running_again_after_a_load(tmp_path):
    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": "https://example.org/feed"}])
    assert gc.isenabled()
    config_mod.load(path, environ={})
    assert gc.isenabled()
    bad = _config_with_patterns(tmp_path, next(iter(SHIPPED["escalation"])), ["(unclosed"])
    with pytest.raises(config_mod.ConfigError):
        config_mod.load(bad, environ={})
    assert gc.isenabled()


def test_the_collector_is_paused_while_a_config_is_read(tmp_path, monkeypatch):
    """Round 27: one ``monitor.collector_paused`` for the three places that pause it; paused inside, even when the
    read fails, and running again after."""
    from monitor.config import loader

    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": "https://example.org/feed"}])
    seen, read = [], loader._load

    def reading(*args):
        seen.append(gc.isenabled())
        return read(*args)

    monkeypatch.setattr(loader, "_load", reading)
    config_mod.load(path, environ={})
    with pytest.raises(config_mod.ConfigError):
        config_mod.load(_config_with_patterns(tmp_path, next(iter(SHIPPED["escalation"])), ["(unclosed"]), environ={})
    assert seen == [False, False] and gc.isenabled()


def test_a_paused_collector_is_left_paused(tmp_path):
    """A caller that paused the collector itself finds it paused still."""
    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": "https://example.org/feed"}])
    gc.disable()
    try:
        config_mod.load(path, environ={})
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_check_imports_neither_hashlib_nor_calendar(tmp_path):
    """Declaring a feed's options needs no hashing and no calendar: those are imported when a feed is read."""
    from .test_cli import _heavy_modules_loaded

    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": "https://example.org/feed"}])
    commands = (f"r = CliRunner().invoke(cli, ['--config', {str(path)!r}, 'check'])\n"
                "assert r.exit_code == 0, r.output\n")
    assert _heavy_modules_loaded(commands, ("hashlib", "calendar")) == []


def test_a_feed_still_gets_its_hash_and_date():
    """The two functions whose imports moved still work (body hash, an entry without id or link, its date)."""
    import hashlib
    import time

    from monitor.sources.base import body_hash
    from monitor.sources.rss import entry_item

    assert body_hash(b"abc") == hashlib.sha256(b"abc").hexdigest()
    item = entry_item("f", {"title": "Hello", "summary": "there", "published": "Mon, 23 Nov 2026 10:00:00 GMT",
                            "published_parsed": time.strptime("2026-11-23 10:00:00", "%Y-%m-%d %H:%M:%S")})
    assert item.item_id == hashlib.sha1("Hellothere".encode()).hexdigest()
    assert item.published is not None and item.published.isoformat() == "2026-11-23T10:00:00+00:00"


def test_the_collector_runs_again_after_the_cli_is_imported_and_a_command_loads_its_config(tmp_path):
    """The pauses around the CLI's imports and the config's are undone, in a fresh interpreter as in this one."""
    import subprocess
    import sys

    from .conftest import REPO

    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": "https://example.org/feed"}])
    code = ("import gc\nimport monitor.cli\nfrom click.testing import CliRunner\nprint(gc.isenabled())\n"
            f"r = CliRunner().invoke(monitor.cli.cli, ['--config', {str(path)!r}, 'check'])\n"
            "assert r.exit_code == 0, r.output\nprint(gc.isenabled())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]
    assert CliRunner().invoke(cli, ["--config", str(path), "check"], env={}).exit_code == 0
    assert gc.isenabled()
