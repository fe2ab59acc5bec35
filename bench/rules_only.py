"""``monitor`` with its learned parts taken out: the cold run's like-for-like figure (issue 14).

    python bench/rules_only.py --config FEEDS --db DB run --force --quiet

The same command line as ``python -m monitor``; the run grades by the rules alone (no judgement
model: ``analyse.DEFAULT_MODEL = None``, as the test suite pins it) and takes every name match as
us (no is-it-us check, as the bench's "rules path" row). Everything else (fetching, parsing, the
analysis worker, storing, rules, delivery) is the run's own code. The learned parts' own cost is
measured apart (``bench/model_cost.py``, the analysis rows).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor import analyse  # noqa: E402


class _NoNameCheck:
    """Stands in for the is-it-us check (monitor/identity/): every name match is us."""

    def decide(self, *_args):
        return None

    def names_product(self, _text):  # round 16: no products read either
        return None

    def product_only(self, _short_form):  # a look-alike the text doubts: taken as us too
        return None

    def learned(self):  # read by the analysis worker before it forks
        return []


analyse.DEFAULT_MODEL = None
analyse.Analyser.identity = property(lambda self: _NoNameCheck())

if __name__ == "__main__":
    from monitor.cli import main

    sys.argv[0] = "monitor"
    main()
