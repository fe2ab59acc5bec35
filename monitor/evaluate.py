"""``monitor eval``: measure matching and scoring on a labelled file.

Runs the real ``Analyser`` (no network, no database) over a JSONL file whose
first line may be a header ``{"header": {"targets": {...}}}`` and whose other
lines are items: ``title``, ``body``, ``mention``, ``families``, ``severity``
(plus optional ``id``, ``split``, ``tags``, ``note``). Reports mention
precision/recall/F1, near-miss false positives (every ``mention: false`` item taken
for us, also per 20 such items, and apart for items tagged ``namesake`` and
``ordinary-phrase``), a severity confusion matrix,
crisis recall and precision, the share of crises graded alert or worse,
alert-or-worse recall and precision, info items raised to alert or crisis,
per-family precision/recall (micro-averaged for the targets), and every miss
with the analyser's reasons, crises graded below alert first (the worst error).
By default it grades with the model and the rules together, as a run does;
``rules_only`` measures the rules alone. An item labelled ``to_us: true`` (sent to the charity:
an email or contact form to it or to someone who works there, a direct message, a reply under
its own post) is read as a run reads a message from our own mailbox or replies (``imap_inbox``,
``mastodon_replies``: about us by definition, no name check); ``to_us: false`` as a public post.
Older sets have no ``to_us`` field: there ``kind: contact_form`` is read as sent to us and every
other kind as a public post. The report says how many were read so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .eval_targets import TARGETS, Target  # noqa: F401 (Target: re-exported)
from .levels import SEVERITIES, Severity, at_least

if TYPE_CHECKING:
    from .config import Config

LEVELS = ("none",) + SEVERITIES  # "none" = not detected as a mention
TO_US_KINDS = ("contact_form",)  # labelled kinds that reach us only through our own inbox (read with to_us)


def sent_to_us(item: dict) -> bool:
    """Whether a labelled item reaches us through our own inbox or replies: its ``to_us`` label
    when it has one, else (older sets) whether it is a contact form."""
    if isinstance(item.get("to_us"), bool):
        return item["to_us"]
    return item.get("kind") in TO_US_KINDS  # a contact form reaches only our inbox


class LabelError(ValueError):
    pass


@dataclass
class Labelled:
    header: dict
    items: list[dict]


PLACES_SUFFIX = ".places.json"


def places_sidecar(path: str | Path) -> Path:
    """Where a labelled file's places live: ``X.places.json`` beside ``X.jsonl``."""
    path = Path(path)
    return path.with_name(path.name.removesuffix(".jsonl") + PLACES_SUFFIX)


def read_places(path: str | Path) -> tuple[str, list[str], list[str]] | None:
    """``(area, places, products)`` from a labelled file's sidecar (where the charity works in that file's world, and
    since round 16 its own named things: podcast, shop, sling library...; an empty list when the sidecar lists none),
    or None when it has none. A broken sidecar is refused with its file name, like a broken labelled file."""
    side = places_sidecar(path)
    if not side.is_file():
        return None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LabelError(f"{side}: not valid JSON: {exc}") from None
    places = data.get("places") if isinstance(data, dict) else None
    area = data.get("area", "") if isinstance(data, dict) else None
    if not isinstance(places, list) or not all(isinstance(p, str) and p.strip() for p in places) or not places:
        raise LabelError(f'{side}: needs "places": a list of town or area names, e.g. {{"area": "Wirral", '
                         f'"places": ["Birkenhead", "Wallasey"]}}')
    if not isinstance(area, str):
        raise LabelError(f'{side}: "area" must be text')
    products = data.get("products", [])
    if not isinstance(products, list) or not all(isinstance(p, str) and p.strip() for p in products):
        raise LabelError(f'{side}: "products" must be a list of the charity\'s own named things, e.g. '
                         f'["The Small Hours podcast", "sling library"]')
    return area.strip(), [p.strip() for p in places], [" ".join(p.split()) for p in products]


def read_labelled(path: str | Path, split: str | None = None) -> Labelled:
    header: dict = {}
    items: list[dict] = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelError(f"{path}:{n}: not valid JSON: {exc.msg}") from None
        if "header" in row:
            header = row["header"]
            continue
        missing = [k for k in ("body", "mention") if k not in row]
        if missing:
            raise LabelError(f"{path}:{n}: item lacks {', '.join(missing)}")
        if row["mention"] and row.get("severity") not in SEVERITIES:
            raise LabelError(f"{path}:{n}: a mention needs severity info, watch, alert or crisis")
        row.setdefault("id", f"line{n}")
        row.setdefault("title", "")
        if split in (None, "all") or row.get("split") == split:
            items.append(row)
    return Labelled(header, items)


@dataclass
class Report:
    n: int = 0
    mention: dict = field(default_factory=dict)
    near_miss_false_positives: int = 0  # items labelled not about us that the watch took for us
    near_misses: int = 0  # items labelled not about us (mention: false), whatever their tags
    near_miss_per_20: float = 0.0  # near_miss_false_positives per 20 of them (issue 15: at most 1 in 20)
    near_miss_at_alert: int = 0  # of those taken for us, how many were graded alert or crisis (a director is told)
    near_miss_kinds: dict = field(default_factory=dict)  # "namesake" / "ordinary phrase" / "other" -> {taken, of}
    confusion: dict = field(default_factory=dict)  # gold -> predicted -> count
    crisis_recall: float = 1.0
    crisis_precision: float = 1.0
    crises_at_alert_or_worse: float = 1.0
    crises_below_alert: int = 0
    alert_or_worse_recall: float = 1.0
    alert_or_worse_precision: float = 1.0
    info_raised_to_alert: int = 0
    families: dict = field(default_factory=dict)  # family -> {tp, fp, fn, precision, recall}
    family_precision: float = 1.0
    family_recall: float = 1.0
    misses: list = field(default_factory=list)
    failed_targets: list = field(default_factory=list)
    identity: dict = field(default_factory=dict)  # issue 15: what the is-it-us check did (counts)
    to_us: int = 0  # items read as sent to our inbox (kind contact_form): about us, no name check
    products: str = ""  # whose products the name check used (round 16): the file's sidecar or the profile's
    places: str = ""  # whose places the name check used: the file's sidecar or the profile's (feeds.yaml)

    def figures(self) -> dict:
        return {
            "mention_f1": self.mention["f1"],
            "near_miss_false_positives": self.near_miss_false_positives,
            "near_miss_per_20": self.near_miss_per_20,
            "crisis_recall": self.crisis_recall,
            "crisis_precision": self.crisis_precision,
            "crises_at_alert_or_worse": self.crises_at_alert_or_worse,
            "alert_or_worse_recall": self.alert_or_worse_recall,
            "alert_or_worse_precision": self.alert_or_worse_precision,
            "info_raised_to_alert": self.info_raised_to_alert,
            "family_precision": self.family_precision,
            "family_recall": self.family_recall,
        }


def set_family_figures(rep: "Report", fam: dict[str, dict[str, int]]) -> None:
    """Per-family precision/recall from their tp/fp/fn counts, and the micro-averaged figures."""
    for c in fam.values():
        c["precision"], c["recall"] = _ratio(c["tp"], c["tp"] + c["fp"]), _ratio(c["tp"], c["tp"] + c["fn"])
    rep.families = dict(sorted(fam.items()))
    all_tp = sum(c["tp"] for c in fam.values())
    rep.family_precision = _ratio(all_tp, all_tp + sum(c["fp"] for c in fam.values()))
    rep.family_recall = _ratio(all_tp, all_tp + sum(c["fn"] for c in fam.values()))


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 1.0


def evaluate(config: Config, items: list[dict], targets: dict | None = None, analyser=None,
             rules_only: bool = False, places: tuple | None = None, places_from: str = "", local: bool = False) -> Report:
    """``places``: ``(area, places[, products])`` where the charity works in this file's world and what it names its
    own things there (its sidecar, ``read_places``): the name check reads place and product evidence with them
    instead of the profile's; ``places_from`` says where they came from, for the report. ``local``: every text read
    as if from a source of our own area (``local: true``: our work named plainly counts, ``identity.local_work``)."""
    from .analyse import Analyser

    analyser = analyser or Analyser(config, model=None if rules_only else "auto")
    rep = Report(n=len(items))
    judge = analyser.identity
    judge.use_sidecar(places or None)
    if places:
        rep.places = f"{', '.join(judge.places)} (from {places_from or 'the file'}, not feeds.yaml)"
        rep.products = f"{', '.join(judge.products) or 'none listed'} (from {places_from or 'the file'}, not feeds.yaml)"
    else:
        rep.places = f"{', '.join(judge.places) or 'none listed'} (feeds.yaml's profile)"
        rep.products = f"{', '.join(judge.products) or 'none listed'} (feeds.yaml's profile)"
    rep.confusion = {g: {p: 0 for p in LEVELS} for g in SEVERITIES}
    tp = fp = fn = 0
    crisis = [0, 0]
    crisis_graded = [0, 0]  # (crises graded crisis, texts graded crisis)
    crisis_alert = [0, 0]
    alert_up = [0, 0]
    alert_graded = [0, 0]
    fam: dict[str, dict[str, int]] = {}
    # Every text labelled not about us is a near miss, whatever its tags say; the tags only
    # split the count (a namesake, our name as an ordinary phrase).
    kinds = {it_kind: {"taken": 0, "of": 0} for it_kind in NEAR_MISS_KINDS.values()}
    kinds["other"] = {"taken": 0, "of": 0}
    for item in items:
        to_us = sent_to_us(item)
        rep.to_us += int(to_us)
        a = analyser.analyse(item.get("title") or "", item.get("body") or "", to_us=to_us, local=local and not to_us)
        predicted = a is not None
        _count_identity(rep.identity, analyser.last_identity, bool(item["mention"]))
        gold = bool(item["mention"])
        tags = item.get("tags") or []
        why = a.reasons if a else [analyser.last_identity.reason if analyser.last_identity
                                   else "no mention of the organisation found"]
        problems = []
        if predicted and gold:
            tp += 1
        elif predicted:
            fp += 1
            problems.append("taken for a mention but is not")
        elif gold:
            fn += 1
            problems.append("a mention that was missed")
        if not gold:
            rep.near_misses += 1
            rep.near_miss_false_positives += int(predicted)
            rep.near_miss_at_alert += int(predicted and at_least(a.severity, Severity.ALERT))
            kind = near_miss_kind(tags)
            kinds[kind]["of"] += 1
            kinds[kind]["taken"] += int(predicted)
        if gold:
            level = a.severity if a else "none"
            want = item["severity"]
            rep.confusion[want][level] += 1
            if want == "crisis":
                crisis[1] += 1
                crisis[0] += int(level == "crisis")
                crisis_alert[1] += 1
                crisis_alert[0] += int(at_least(level, Severity.ALERT))
                if not at_least(level, Severity.ALERT):
                    problems.insert(0, "CRISIS GRADED BELOW ALERT")
            if level == "crisis":
                crisis_graded[1] += 1
                crisis_graded[0] += int(want == "crisis")
            if at_least(level, Severity.ALERT):
                alert_graded[1] += 1
                alert_graded[0] += int(at_least(want, Severity.ALERT))
            if at_least(want, Severity.ALERT):
                alert_up[1] += 1
                alert_up[0] += int(at_least(level, Severity.ALERT))
            if want == "info" and at_least(level, Severity.ALERT):
                rep.info_raised_to_alert += 1
            if predicted and level != want:
                problems.append(f"severity {level}, labelled {want}")
            got_f = set(a.families if a else [])
            want_f = set(item.get("families") or [])
            for f in got_f | want_f:
                c = fam.setdefault(f, {"tp": 0, "fp": 0, "fn": 0})
                c["tp" if f in got_f and f in want_f else "fp" if f in got_f else "fn"] += 1
            if predicted and got_f != want_f:
                extra, lacking = sorted(got_f - want_f), sorted(want_f - got_f)
                problems.append("families: " + ", ".join(
                    [f"+{f}" for f in extra] + [f"-{f}" for f in lacking]))
        if problems:
            rep.misses.append({"id": item["id"], "problems": problems, "text": _short(item), "note": item.get("note", ""),
                               "why": why})
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
    rep.mention = {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}
    rep.near_miss_per_20 = round(20 * rep.near_miss_false_positives / rep.near_misses, 2) if rep.near_misses else 0.0
    if any(c["of"] for k, c in kinds.items() if k != "other"):  # split only when the tags say which
        rep.near_miss_kinds = {k: c for k, c in kinds.items() if c["of"]}
    rep.crisis_recall = _ratio(*crisis)
    rep.crisis_precision = _ratio(*crisis_graded)
    rep.crises_at_alert_or_worse = _ratio(*crisis_alert)
    rep.crises_below_alert = crisis_alert[1] - crisis_alert[0]
    rep.alert_or_worse_recall = _ratio(*alert_up)
    rep.alert_or_worse_precision = _ratio(*alert_graded)
    # The worst errors first: a crisis graded below alert, then other crises missed, then the rest.
    rep.misses.sort(key=lambda m: (0 if m["problems"][0] == "CRISIS GRADED BELOW ALERT"
                                   else 1 if any("labelled crisis" in p for p in m["problems"]) else 2))
    set_family_figures(rep, fam)
    rep.failed_targets = check_targets(rep, targets or {})
    return rep


NEAR_MISS_KINDS = {"namesake": "namesake", "ordinary-phrase": "ordinary phrase"}  # tag -> what the report calls it


def near_miss_kind(tags) -> str:
    """What kind of not-about-us text the tags say it is: "namesake", "ordinary phrase", else "other"."""
    for tag in tags or []:
        kind = NEAR_MISS_KINDS.get(str(tag).strip().lower().replace("_", "-").replace(" ", "-"))
        if kind:
            return kind
    return "other"


def _count_identity(counts: dict, decision, gold: bool) -> None:
    """Name matches the identity check set aside as not us, or kept at watch as unsure, by gold label."""
    if decision is None:
        return
    key = {"not_us": "set_aside", "unsure": "unsure", "us": "us"}[decision.verdict]
    key += "_true" if gold else "_false"
    counts[key] = counts.get(key, 0) + 1


def check_targets(rep: Report, targets: dict) -> list[str]:
    failed = []
    figures = rep.figures()
    for name, value in targets.items():
        if name not in TARGETS or value is None:
            continue
        direction = TARGETS[name].direction
        got = figures[name]
        if (direction == "min" and got < value) or (direction == "max" and got > value):
            failed.append(f"{name} is {got}, target {'at least' if direction == 'min' else 'at most'} {value}")
    return failed


def _short(item: dict) -> str:
    text = " / ".join(x for x in (item.get("title"), item.get("body")) if x)
    return text if len(text) <= 140 else text[:139] + "…"


def _near_miss_line(rep: Report) -> str:
    """``near-misses     3 of 40 taken for mentions (1.5 per 20; 2 at alert or worse): namesakes 3 of 30, ...``"""
    line = f"  near-misses     {rep.near_miss_false_positives} of {rep.near_misses} taken for mentions"
    if rep.near_misses:
        line += f" ({rep.near_miss_per_20:g} per 20; {rep.near_miss_at_alert} at alert or worse)"
    if rep.near_miss_kinds:
        names = {"namesake": "namesakes", "ordinary phrase": "ordinary phrases", "other": "others"}
        line += ": " + ", ".join(f"{names[k]} {c['taken']} of {c['of']}" for k, c in rep.near_miss_kinds.items())
    return line


def format_report(rep: Report, label: str = "") -> str:
    m = rep.mention
    lines = [
        f"Evaluated {rep.n} items{(' (' + label + ')') if label else ''}",
        f"  mentions        precision {m['precision']:.3f}  recall {m['recall']:.3f}  F1 {m['f1']:.3f}"
        f"  (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})",
        _near_miss_line(rep),
        f"  sent to us      {rep.to_us} items read as arriving in our inbox or replies (labelled to_us, or"
        " kind contact_form where unlabelled; no name check)",
        f"  our places      {rep.places}",
        f"  our products    {rep.products}",
        f"  is it us?       of the texts naming us, {rep.identity.get('set_aside_false', 0)} namesakes and "
        f"{rep.identity.get('set_aside_true', 0)} true mentions set aside as not us; "
        f"{rep.identity.get('unsure_true', 0) + rep.identity.get('unsure_false', 0)} kept at watch as unsure",
        f"  crisis          recall {rep.crisis_recall:.3f}  precision {rep.crisis_precision:.3f}",
        f"  crises graded alert or worse: {rep.crises_at_alert_or_worse:.3f}"
        f" ({rep.crises_below_alert} graded below alert)",
        f"  alert-or-worse  recall {rep.alert_or_worse_recall:.3f}  precision {rep.alert_or_worse_precision:.3f}",
        f"  info raised to alert/crisis: {rep.info_raised_to_alert}",
        f"  families        precision {rep.family_precision:.3f}  recall {rep.family_recall:.3f} (micro-average)",
        "",
        "  severity: labelled (rows) vs found (columns)",
        "           " + "".join(f"{p:>8}" for p in LEVELS),
    ]
    for g in SEVERITIES:
        lines.append(f"    {g:<7}" + "".join(f"{rep.confusion[g][p]:>8}" for p in LEVELS))
    lines += ["", "  family            precision  recall   tp  fp  fn"]
    for name, c in rep.families.items():
        lines.append(f"    {name:<16} {c['precision']:>8.3f} {c['recall']:>7.3f} {c['tp']:>4} {c['fp']:>3} {c['fn']:>3}")
    if rep.misses:
        lines += ["", f"  misses ({len(rep.misses)}):"]
        for miss in rep.misses:
            lines.append(f"    {miss['id']}: {'; '.join(miss['problems'])}")
            lines.append(f"      text: {miss['text']}")
            if miss["note"]:
                lines.append(f"      label note: {miss['note']}")
            lines.append(f"      why: {' | '.join(miss['why'])}")
    lines.append("")
    if rep.failed_targets:
        lines.append("TARGETS NOT MET: " + "; ".join(rep.failed_targets))
    else:
        lines.append("All targets met.")
    return "\n".join(lines)
