"""``python -m monitor.sources --readme-table`` prints the README's table of kinds;
``--write-readme [README.md]`` writes it into the README between its markers."""

from __future__ import annotations

import argparse
from pathlib import Path

from .table import README, readme_table, write_readme


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitor.sources", description=__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--readme-table", action="store_true", help="print the table of kinds (Markdown)")
    group.add_argument("--write-readme", nargs="?", const=str(README), metavar="README",
                       help="write the table into README.md between its markers")
    args = parser.parse_args(argv)
    if args.readme_table:
        print(readme_table())
    else:
        changed = write_readme(Path(args.write_readme))
        print(f"{args.write_readme}: table of kinds {'updated' if changed else 'already up to date'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
