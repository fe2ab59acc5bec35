"""A figure of bench/run.py: one line of the results table, how it is measured in pairs, printed, kept
as JSON and written to bench/RESULTS.md.

- ``Figure``: per-pair (monitor, baseline) seconds, or plain values, with its target and the load average
  while it was measured; ``summary`` gives the table's cells and whether the target was met.
- ``paired``: ``n`` pairs, alternating which side goes first; ``show``: the printed line.
- ``keep_json`` / ``render``: a run's figures kept with ``--json`` and RESULTS.md written from them again
  (``bench/run.py --render``); ``write_results``: the RESULTS.md table, its commands and bench/NOTES.md.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import statistics
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Figure:
    """One line of the results table: per-pair (monitor, baseline) seconds, or plain values."""

    name: str
    baseline: str
    target: str  # "<= 1.1x", ">= 10x faster", "< 1 s", "< 200 MB", "" (shown, no target)
    command: str
    pairs: list[tuple[float, float]] = field(default_factory=list)
    values: list[float] = field(default_factory=list)  # absolute figures (seconds or MB)
    unit: str = "s"
    note: str = ""
    absolute: bool = False  # paired, but the target is on the monitor's own time (median), not the ratio
    loads: list[float] = field(default_factory=list)  # 1-minute load average before each pair (or at the end)

    def load(self) -> str:
        """The load average while it was measured: min-max over its pairs."""
        if not self.loads:
            return "-"
        lo, hi = min(self.loads), max(self.loads)
        return f"{lo:.1f}" if f"{lo:.1f}" == f"{hi:.1f}" else f"{lo:.1f}-{hi:.1f}"

    @property
    def speedup(self) -> bool:
        return "faster" in self.target or self.note == "faster"

    def ratios(self) -> list[float]:
        if self.speedup:
            return [b / m for m, b in self.pairs if m]
        return [m / b for m, b in self.pairs if b]

    def summary(self) -> tuple[str, str, str, str]:
        """(monitor, baseline, ratio min/median/max, met)."""
        if self.pairs:
            mon = statistics.median(m for m, _b in self.pairs)
            base = statistics.median(b for _m, b in self.pairs)
            rs = self.ratios()
            med = statistics.median(rs)
            ratio = f"{min(rs):.2f} / **{med:.2f}** / {max(rs):.2f}x"
            if self.speedup:
                ratio = f"{min(rs):.1f} / **{med:.1f}** / {max(rs):.1f}x faster"
            if self.absolute:
                ms = [m for m, _b in self.pairs]
                return (f"{min(ms):.3f} / **{mon:.3f}** / {max(ms):.3f} s", f"{base:.3f} s", ratio, self._met(mon))
            return f"{mon:.3f} s", f"{base:.3f} s", ratio, self._met(med)
        vs = self.values
        med = statistics.median(vs)
        return (f"{min(vs):.2f} / **{med:.2f}** / {max(vs):.2f} {self.unit}", "-", "-", self._met(med))

    def _met(self, value: float) -> str:
        if not self.target:
            return "(no target)"
        num = float(self.target.split()[1].rstrip("x"))
        if self.target.startswith(">="):
            return "yes" if value >= num else "**no**"
        if self.target.startswith("<="):
            return "yes" if value <= num else "**no**"
        return "yes" if value < num else "**no**"

    @property
    def n(self) -> int:
        return len(self.pairs) or len(self.values)


def paired(fig: Figure, n: int, monitor, baseline, report=None) -> Figure:
    """n pairs, alternating which side goes first; ``monitor``/``baseline`` return seconds."""
    for i in range(n):
        fig.loads.append(os.getloadavg()[0])
        if i % 2 == 0:
            m = monitor()
            b = baseline()
        else:
            b = baseline()
            m = monitor()
        fig.pairs.append((m, b))
        print(f"    pair {i + 1}: monitor {m:.3f} s, baseline {b:.3f} s", flush=True)
    show(fig)
    if report is not None:
        report.append(fig)
    return fig


def show(fig: Figure) -> None:
    if not fig.loads:
        fig.loads.append(os.getloadavg()[0])
    mon, base, ratio, met = fig.summary()
    print(f"  {fig.name:<60} {mon:>26} {base:>10} {ratio:>28}  {fig.target:<14} {met}  (n={fig.n})",
          flush=True)


def this_machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def write_results(path: Path, args, only, report: list[Figure], measured: str, machine: str = "") -> None:
    lines = [
        "# Benchmark results", "",
        f"Measured {measured} on {machine or this_machine()}; the load column is the "
        "1-minute load average before each pair (min-max): other developers' jobs share the two cores.", "",
        f"`python bench/run.py --pairs {args.pairs} --entries {args.entries} --latency-ms {args.latency_ms:g} "
        f"--workers {args.workers} --feeds {args.feeds} --history {args.history}"
        + (f" --only {','.join(only)}" if args.only else "") + "`", "",
        "Each ratio is monitor time / baseline time within one pair (for \"faster\": baseline / monitor), "
        "shown as min / **median** / max over the pairs; a target is judged on the median. Absolute figures "
        "show min / **median** / max over the runs.", "",
        "| figure | baseline | n | monitor (median) | baseline (median) | ratio min / median / max | target | met | load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for f in report:
        mon, base, ratio, met = f.summary()
        lines.append(f"| {f.name} | {f.baseline} | {f.n} | {mon} | {base} | {ratio} | {f.target or '-'} | {met} "
                     f"| {f.load()} |")
    lines += ["", "Re-run one figure:", ""]
    seen = set()
    for f in report:
        if f.command not in seen:
            seen.add(f.command)
            lines.append(f"- `{f.command}`")
    notes = HERE / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    path.write_text("\n".join(lines) + "\n")


def keep_json(path: Path, args, only: list[str], measured: str, report: list[Figure]) -> None:
    """Every figure of a run, with the options it ran with, for ``render`` (``bench/run.py --json``)."""
    keep = {k: getattr(args, k) for k in ("pairs", "entries", "latency_ms", "workers", "feeds", "history", "only",
                                          "naive_latency_ms")}
    path.write_text(json.dumps({"args": keep, "only": only, "measured": measured, "machine": this_machine(),
                                "figures": [dataclasses.asdict(f) for f in report]}, indent=1))


def render(kept_path: Path, args, out: Path) -> None:
    """Measure nothing: write ``out`` from the figures a run kept with ``--json`` (``bench/run.py --render``),
    with bench/NOTES.md as it is now."""
    kept = json.loads(kept_path.read_text())
    for k, v in kept["args"].items():
        setattr(args, k, v)
    report = [Figure(**{**f, "pairs": [tuple(p) for p in f["pairs"]]}) for f in kept["figures"]]
    write_results(out, args, kept["only"], report, kept["measured"], kept.get("machine", ""))
