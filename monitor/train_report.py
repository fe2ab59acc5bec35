"""The cross-validation report ``monitor train`` prints: per file, the figures ``monitor eval``
reports, for out-of-fold chances (each file scored by a model that never saw its writer)."""

from __future__ import annotations

from . import train_pool
from .train_thresholds import _figures, choose_thresholds


def cv_report(result) -> list[tuple[str, dict]]:
    """Per file: its out-of-fold figures at thresholds chosen on the other writers' out-of-fold chances (the
    report ``start_report`` began, if it did)."""
    if getattr(result, "report", None) is not None:
        return result.report
    return [_file_figures(result, name) for name in _file_names(result)] + [_all_files(result)]


def start_report(result) -> train_pool.Started:
    """``cv_report``'s per-file figures, computed in ``train_pool``'s processes from now on (each file's thresholds
    are chosen anew on every other writer's chances: some 7 s on one core for 139 files), while ``monitor train``
    writes the artefact; ``get()`` gives the same list ``cv_report`` would."""
    return train_pool.start_jobs(_file_figures, [(name,) for name in _file_names(result)], result,
                                 then=lambda rows: rows + [_all_files(result)])


def _file_names(result) -> list[str]:
    return sorted(set(result.item_files or result.groups))


def _file_figures(result, name: str) -> tuple[str, dict]:
    import numpy as np

    groups = np.array(result.groups)
    files = np.array(result.item_files or result.groups)
    held = files == name
    others = groups != groups[held][0]  # thresholds from other writers' out-of-fold chances
    other = None if getattr(result, "other", None) is None else result.other[others]
    th = choose_thresholds(result.oof[others], result.y[others], other) if others.any() else result.thresholds
    return name, _figures(result.oof[held], result.y[held], th)


def _all_files(result) -> tuple[str, dict]:
    return "all files (thresholds as trained)", _figures(result.oof, result.y, result.thresholds)


def format_result(result) -> str:
    lines = [f"Trained on {result.items} labelled items in {result.seconds:.0f} s: "
             + ", ".join(f"{name} {n}" for name, n in sorted(result.files.items())),
             "Thresholds (chosen by leave-one-writer-out cross-validation): "
             + ", ".join(f"{k} {v:.3f}" for k, v in result.thresholds.items())
             + f"; a sentence on its own counts at {result.sentence_weight:g} of its chance"
             + (f"; alert and crisis chances times (watch chance)^{result.watch_agreement:g}"
                if result.watch_agreement else "")]
    if result.oof is not None:
        lines.append("Cross-validation, each file scored by a model trained without its writer's files:")
        lines.append(f"  {'file':<34} {'n':>4} {'crisis R/P':>11} {'crisis>=alert':>13} {'alert+ R/P':>11}"
                     f" {'info->alert':>11} {'family P/R':>11}")
        for name, f in cv_report(result):
            def pr(a, b):
                return f"{_fmt(f[a])}/{_fmt(f[b])}"
            lines.append(f"  {name[:34]:<34} {f['n']:>4} {pr('crisis_recall', 'crisis_precision'):>11}"
                         f" {_fmt(f['crises_at_alert_or_worse']):>13} {pr('alert_or_worse_recall', 'alert_or_worse_precision'):>11}"
                         f" {f['info_raised_to_alert']:>11} {pr('family_precision', 'family_recall'):>11}")
    if result.path is not None:
        lines.append(f"Model written to {result.path}/judge.npz and judge.json.")
    return "\n".join(lines)


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.2f}"
