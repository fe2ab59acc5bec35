"""``alerts/playbook.yaml``: what the policy says to do, for every category and every alert rule.

Checked against the config it serves: every escalation category in feeds.yaml and every
rule in ``RULE_NAMES`` needs an entry, and an entry that matches neither is reported (a
renamed category would otherwise lose its advice silently). Problems name the playbook
file and its lines.
"""

from __future__ import annotations

from pathlib import Path

from .. import yamlsource
from ..yamlsource import join
from .model import RULE_NAMES, Advice, Category, Playbook
from .reader import Problem, Reader, keys


def read_playbook(config_file: str, alerts_dir: Path, escalation: dict[str, Category],
                  environ) -> tuple[dict[str, Advice], list[Problem]]:
    """The rules' advice, and the problems; fills each category's ``policy`` and ``action``."""
    path = alerts_dir / "playbook.yaml"
    file = str(path)
    try:
        located = yamlsource.load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, [Problem(config_file, "settings.alerts_dir", None, f"{file} is missing: it says what the policy says to do")]
    except Exception as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", None) or str(exc)
        return {}, [Problem(file, "", mark.line + 1 if mark else None, f"not valid YAML: {detail}")]
    r = Reader(file, located, environ)
    doc = r.mapping(located.data, "", keys(Playbook))
    rules: dict[str, Advice] = {}
    for section, names in (("categories", list(escalation)), ("rules", list(RULE_NAMES))):
        entries = r.mapping(doc.get(section), section)
        for name in names:
            p = join(section, name)
            if name not in entries:
                r.problem(section, f"has no entry for {name!r} (policy and action)")
                continue
            advice = r.section(Advice, entries[name], p)
            if section == "categories":
                escalation[name].policy, escalation[name].action = advice.policy, advice.action
            else:
                rules[name] = advice
        for name in entries:
            if name not in names:
                r.problem(join(section, str(name)), "matches no " + ("escalation category in feeds.yaml" if section == "categories" else f"rule (known: {', '.join(RULE_NAMES)})"))
    return rules, r.problems
