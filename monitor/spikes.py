"""Is the newest hour a spike? Pure arithmetic, no database, so it can be property-tested.

A spike is an hour whose count is

- at least ``min_count`` (a small absolute floor: 3 mentions, not 1), and
- above ``mean + k * sigma`` of the trailing baseline hours, where sigma is the
  baseline's standard deviation but never less than ``sqrt(mean)``, the spread
  of a steady Poisson trickle. Without that floor a perfectly flat baseline
  (sigma 0) would fire on every rise of one.

Warm-up, the minimum spacing between peaks and counting mentions per hour are the
caller's business (``rules.spike_candidates``, in SQL): they depend on the store.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class SpikeCheck:
    fired: bool
    count: int
    mean: float
    sigma: float  # the effective sigma used (after the Poisson floor)
    threshold: float

    def describe(self) -> str:
        return (f"{self.count} in the last hour against a usual {self.mean:.1f} an hour "
                f"(spike threshold {self.threshold:.1f})")


def check(newest: int, baseline: list[int], *, k: float = 3.0, min_count: int = 3) -> SpikeCheck:
    """Compare the newest hour's count with a list of baseline hourly counts."""
    n = len(baseline)
    mean = sum(baseline) / n if n else 0.0
    var = sum((x - mean) ** 2 for x in baseline) / n if n else 0.0
    sigma = max(math.sqrt(var), math.sqrt(mean))
    threshold = mean + k * sigma
    fired = newest >= min_count and newest > threshold
    return SpikeCheck(fired, newest, mean, sigma, threshold)

