"""What ``monitor train`` learns from: the labelled files, the directors' corrections, and the answers
each head is taught (:func:`targets`).

A labelled file is read as ``monitor eval`` reads it (:func:`monitor.evaluate.read_labelled`); its writer is
the part of its name before the first "_", which is how cross-validation holds whole writers out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import model as M

REPO = Path(__file__).resolve().parent.parent
TRAINING_DIR = REPO / "training"
# Files in training/identity/ whose true mentions also teach the grading (their namesakes teach only
# the is-it-us model, which reads that folder itself): see training/README.md.
GRADED_TOO = ("identity/t10_namesakes_uk.jsonl", "identity/t11_namesakes_world.jsonl",
              "identity/t12_namesakes_pairs.jsonl", "identity/t14_namesakes_kinds.jsonl")


@dataclass
class Item:
    id: str
    file: str
    title: str
    body: str
    mention: bool
    severity: str | None
    families: list[str]


def writer(file_name: str) -> str:
    """Who wrote a file: the part of its name before the first "_" (team_labelled and team_fresh
    are both the team's), so cross-validation never scores a writer with a model that saw them."""
    return file_name.split("_", 1)[0].removesuffix(".jsonl")


def training_files(folder: Path | None = None) -> list[Path]:
    """What ``monitor train`` learns from: every ``*.jsonl`` at the top of ``folder`` (default
    ``training/``), and the files of GRADED_TOO that exist under it."""
    folder = Path(folder) if folder is not None else TRAINING_DIR
    return sorted(folder.glob("*.jsonl")) + [folder / f for f in GRADED_TOO if (folder / f).is_file()]


def writer_order(name: str) -> tuple:
    """Sort key of a writer: the team first, then helper sessions by number (t2 before t10), then the rest."""
    import re

    m = re.fullmatch(r"t(\d+)", name)
    return (0 if name == "team" else 1 if m else 2, int(m.group(1)) if m else 0, name)


def read_items(files: list[Path]) -> list[Item]:
    from .evaluate import read_labelled

    out: list[Item] = []
    for path in files:
        for row in read_labelled(path).items:
            fams = [f for f in (row.get("families") or []) if f in M.FAMILIES]
            out.append(Item(str(row["id"]), path.name, row.get("title") or "", row.get("body") or "",
                            bool(row["mention"]), row.get("severity"), fams))
    return out


def corrections(db_path: str | Path) -> list[Item]:
    """Directors' corrections in a monitor database, as labelled items (file name ``corrections``)."""
    from . import store

    out = []
    for mid, title, text, fp, fixed, _cats, judgement in store.corrected(db_path):
        if text is None and title is None:
            continue  # purged
        if fp:
            out.append(Item(f"db-m{mid}", "corrections", title or "", text or "", False, None, []))
        elif fixed in M.LEVELS:
            fams = []
            if fixed != "info" and judgement:
                fams = [f for f in (json.loads(judgement).get("families") or []) if f in M.FAMILIES]
            out.append(Item(f"db-m{mid}", "corrections", title or "", text or "", True, fixed, fams))
    return out


def targets(items: list[Item]):
    import numpy as np

    y = np.zeros((len(items), len(M.HEADS)), dtype=np.int8)
    for r, it in enumerate(items):
        lvl = M.LEVELS.index(it.severity)
        for c, h in enumerate(M.SEVERITY_HEADS):
            y[r, c] = int(lvl >= M.LEVELS.index(h))
        for f in it.families:
            y[r, M.HEADS.index(f)] = 1
    return y
