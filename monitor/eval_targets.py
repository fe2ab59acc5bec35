"""The targets ``monitor eval`` holds a report to, and the command-line option that overrides each.

Apart from ``evaluate`` so that declaring ``monitor eval``'s options (``cli.learn``) costs every
command, ``monitor --help`` included, no more than this table.
"""

from __future__ import annotations

from typing import NamedTuple


class Target(NamedTuple):
    """A target a report can be held to: min targets must be reached, max targets must not be exceeded."""

    direction: str  # min | max
    default: float
    option: str  # the `monitor eval` option that overrides a file's target
    help: str = "Override the file's target."

    @property
    def type(self) -> type:
        """A count (its default a whole number) takes whole numbers; a share or a rate takes any number."""
        return int if isinstance(self.default, int) else float


TARGETS: dict[str, Target] = {
    "mention_f1": Target("min", 0.98, "--min-mention-f1"),
    "near_miss_false_positives": Target("max", 0, "--max-near-miss-fp",
                                        "Override the file's target (texts labelled not about us taken for us)."),
    "near_miss_per_20": Target("max", 1.0, "--max-near-miss-per-20",
                               "Override the file's target (the same per 20 texts labelled not about us; "
                               "issue 15: at most 1)."),
    "crisis_recall": Target("min", 1.0, "--min-crisis-recall"),
    "crisis_precision": Target("min", 0.5, "--min-crisis-precision"),
    "crises_at_alert_or_worse": Target("min", 0.97, "--min-crises-at-alert",
                                       "Override the file's target (share of crises graded alert or worse)."),
    "alert_or_worse_recall": Target("min", 0.95, "--min-alert-recall",
                                    "Override the file's target (alert-or-worse recall)."),
    "alert_or_worse_precision": Target("min", 0.75, "--min-alert-precision",
                                       "Override the file's target (alert-or-worse precision)."),
    "info_raised_to_alert": Target("max", 0, "--max-info-raised",
                                   "Override the file's target (info items raised to alert/crisis)."),
    "family_precision": Target("min", 0.90, "--min-family-precision"),
    "family_recall": Target("min", 0.85, "--min-family-recall"),
}
