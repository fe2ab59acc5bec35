"""The README's table of source kinds, written from each kind's own declarations.

``python -m monitor.sources --readme-table`` prints it; ``--write-readme`` puts it into
README.md between its markers. tests/test_kinds_table.py fails when README and code disagree,
so a kind's ``description``, ``needs``, ``notes`` and ``reach`` are the one place to edit.
"""

from __future__ import annotations

from pathlib import Path

from . import KINDS, get_kind

BEGIN = "<!-- kinds table: written by `python -m monitor.sources --write-readme` from each kind's declarations -->"
END = "<!-- end of kinds table -->"
README = Path(__file__).resolve().parents[2] / "README.md"
HEADER = ("| kind | watches | needs | limits and notes | reach figures |", "|---|---|---|---|---|")


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|") or "–"


def row(name: str) -> str:
    kind = get_kind(name)
    reach = kind.reach_note or ", ".join(kind.reach)
    cells = (f"`{name}`", kind.description, kind.needs, kind.notes, reach)
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def readme_table() -> str:
    """The whole table, one row per kind in the registry's order."""
    return "\n".join([*HEADER, *(row(name) for name in KINDS)])


def table_in(readme_text: str) -> str | None:
    """The table between the markers of a README, or None when the markers are missing."""
    if BEGIN not in readme_text or END not in readme_text:
        return None
    return readme_text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n")


def write_readme(path: Path = README) -> bool:
    """Put the table into the README between its markers; True when it changed."""
    text = path.read_text(encoding="utf-8")
    if table_in(text) is None:
        raise SystemExit(f"{path}: the markers {BEGIN!r} and {END!r} are missing")
    before, rest = text.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    new = f"{before}{BEGIN}\n\n{readme_table()}\n\n{END}{after}"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text
