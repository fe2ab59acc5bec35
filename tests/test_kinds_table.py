"""The README's table of source kinds is written from the kinds' own declarations, and checked against them."""

from __future__ import annotations

import re

from monitor.sources import KINDS, get_kind
from monitor.sources.__main__ import main
from monitor.sources.table import README, readme_table, table_in, write_readme


def test_every_kind_in_the_registry_has_its_row_in_the_readme():
    table = table_in(README.read_text(encoding="utf-8"))
    assert table is not None, "the README lost the kinds table's markers"
    named = re.findall(r"(?m)^\| `([a-z_]+)` \|", table)
    assert named == list(KINDS)  # every kind, none extra, in the registry's order


def test_the_readme_table_is_what_the_kinds_declare():
    table = table_in(README.read_text(encoding="utf-8"))
    assert table == readme_table(), "README and code disagree: run `python -m monitor.sources --write-readme`"


def test_every_kind_declares_what_the_table_needs():
    for name in KINDS:
        kind = get_kind(name)
        assert kind.kind == name
        assert kind.description.strip() and kind.needs.strip() and kind.notes.strip(), name


def test_write_readme_puts_a_changed_declaration_into_the_readme(tmp_path, capsys):
    copy = tmp_path / "README.md"
    text = README.read_text(encoding="utf-8")
    copy.write_text(text.replace("| `youtube_channel` | a channel's uploads", "| `youtube_channel` | old words"),
                    encoding="utf-8")
    assert table_in(copy.read_text(encoding="utf-8")) != readme_table()
    assert main(["--write-readme", str(copy)]) == 0
    assert "updated" in capsys.readouterr().out
    assert copy.read_text(encoding="utf-8") == text
    assert write_readme(copy) is False
    main(["--readme-table"])
    assert capsys.readouterr().out.strip() == readme_table()
