"""How well a careful reader tells us from namesakes, against the labels (issue 15's ceiling).

    python bench/reader_ceiling.py tests/data/blind/readers/n13_reader.jsonl tests/data/blind/blind_n13.jsonl

A reader file holds one line per text, {"id", "us": bool, "sure": bool, "why"}, written by a helper
session that saw only the texts (no labels) and the organisation's profile (the brief beside it in
tests/data/blind/readers/). Prints the same two figures `monitor eval` gives for the watch: true
mentions the reader lost (mention recall) and texts not about us it took for us (per 20).
"""

from __future__ import annotations

import json
import sys


def score(reader_path: str, labelled_path: str) -> dict:
    labels = {str(o["id"]): bool(o["mention"]) for o in map(json.loads, open(labelled_path, encoding="utf-8"))}
    answers = [json.loads(line) for line in open(reader_path, encoding="utf-8")]
    read = {str(a["id"]): bool(a["us"]) for a in answers if str(a["id"]) in labels}
    pos = [i for i in read if labels[i]]
    neg = [i for i in read if not labels[i]]
    lost = sum(1 for i in pos if not read[i])
    taken = sum(1 for i in neg if read[i])
    return {"texts": len(read), "true": len(pos), "not_us": len(neg), "lost": lost, "taken": taken,
            "recall": round(1 - lost / len(pos), 3) if pos else None,
            "taken_per_20": round(20 * taken / len(neg), 2) if neg else None,
            "unsure": sum(1 for a in answers if not a.get("sure", True))}


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(json.dumps(score(sys.argv[1], sys.argv[2])))
