"""monitor eval, train, train-identity: measure the judgement and rebuild the models."""

from __future__ import annotations

import sys

import click

from ..eval_targets import TARGETS
from .base import EXIT_CONFIG, Context


def target_options(command):
    """One ``--min-…``/``--max-…`` option per target in ``eval_targets.TARGETS``, named as the target is."""
    for name, target in reversed(TARGETS.items()):  # click lists the last decorator applied first
        command = click.option(target.option, name, type=target.type, help=target.help)(command)
    return command


@click.command("eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--split", type=click.Choice(["all", "tune", "holdout"]), default="all", show_default=True,
              help="Which part of the labelled file to evaluate.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures and misses as JSON (a list for several files).")
@click.option("--rules-only", is_flag=True, help="Grade with the keyword rules alone, without the model.")
@click.option("--profile-places", is_flag=True,
              help="Use the places in feeds.yaml's profile even where a file has its own (FILE.places.json).")
@click.option("--local", is_flag=True, help="Read every text as if from a source of our own area (`local: true`).")
@target_options
@click.pass_obj
def eval_cmd(obj: Context, files: tuple[str, ...], split: str, as_json: bool, rules_only: bool, profile_places: bool,
             local: bool, **overrides) -> None:
    """Measure matching and grading on labelled JSONL files, each reported on its own; exit 1 when a target is missed.

    Uses the terms and escalation rules of the config and the committed model (no network, no database).
    Re-run it after editing keywords in feeds.yaml or after `monitor train` to see what changed.
    A file X.jsonl may have X.places.json beside it ({"area": "...", "places": ["Town", ...]}): where the
    charity works in that file's world; the name check then uses those places instead of feeds.yaml's.
    """
    cfg = obj.load(secrets=False)
    from ..analyse import Analyser
    from ..evaluate import LabelError, evaluate, format_report, places_sidecar, read_labelled, read_places

    try:
        labelled = [(file, read_labelled(file, split)) for file in files]
        where = {file: None if profile_places else read_places(file) for file in files}
    except LabelError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_CONFIG)
    analyser = Analyser(cfg, model=None if rules_only else "auto")
    how = ("rules only" if rules_only else "model and rules") + (", every text as from a local source" if local else "")
    failed, out = False, []
    for file, data in labelled:
        targets = dict(data.header.get("targets") or {})
        targets.update({name: v for name, v in overrides.items() if v is not None})
        report = evaluate(cfg, data.items, targets, analyser=analyser, places=where[file],
                          places_from=str(places_sidecar(file)), local=local)
        failed = failed or bool(report.failed_targets)
        if as_json:
            from dataclasses import asdict

            out.append({"file": file, "split": split, "graded_by": how, "targets": targets, **asdict(report)})
        else:
            click.echo(format_report(report, f"{file}, split {split}, {how}, rules from {cfg.path}"))
            if len(labelled) > 1:
                click.echo("")
    if as_json:
        import json

        click.echo(json.dumps(out[0] if len(out) == 1 else out, indent=2, ensure_ascii=False))
    sys.exit(1 if failed else 0)


@click.command()
@click.option("--db", "train_db", metavar="FILE", type=click.Path(exists=True, dir_okay=False),
              help="Also learn from the directors' corrections in this database ('not about us', corrected levels).")
@click.option("--training", metavar="DIR", type=click.Path(exists=True, file_okay=False),
              help="Folder of labelled *.jsonl files (default: training/ in the repository).")
@click.option("--out", metavar="DIR", type=click.Path(file_okay=False),
              help="Where to write judge.npz and judge.json (default: the model the monitor uses).")
@click.pass_obj
def train(obj: Context, train_db: str | None, training: str | None, out: str | None) -> None:
    """Rebuild the judgement model from the labelled files (and corrections); prints cross-validation figures."""
    from pathlib import Path

    from .. import train as trainer

    folder = Path(training) if training else trainer.TRAINING_DIR
    files = trainer.training_files(folder)
    if not files:
        click.echo(f"No labelled *.jsonl files in {folder}.", err=True)
        sys.exit(EXIT_CONFIG)
    db = train_db or obj.db_opt
    try:
        result = trainer.train(files, db=db, out=Path(out) if out else trainer.M.MODEL_DIR,
                               log=lambda m: click.echo(m),
                               cache=None if training else trainer.FEATURE_CACHE)  # the repository's files only
    except Exception as exc:  # a bad file or database: say which, keep the old model
        from ..evaluate import LabelError

        if isinstance(exc, (LabelError, ValueError, OSError)):
            click.echo(f"monitor train: {exc}", err=True)
            sys.exit(EXIT_CONFIG)
        raise
    click.echo(trainer.format_result(result))


@click.command("train-identity")
@click.option("--cv", "show_cv", is_flag=True, help="Also print cross-validation figures, each file held out in turn.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the model here (default: monitor/model/identity.npz).")
@click.pass_obj
def train_identity(obj: Context, show_cv: bool, out: str | None) -> None:
    """Rebuild the is-it-us model from the labelled files (deterministic; commit the result)."""
    cfg = obj.load(secrets=False)
    from pathlib import Path

    from .. import identity

    try:
        meta = identity.train(cfg, out=Path(out) if out else identity.MODEL_PATH)
    except (OSError, ValueError) as exc:
        click.echo(f"Cannot train: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    click.echo(f"Trained on {meta['candidates']} texts that name us ({meta['true']} about us, {meta['false']} not) "
               f"from {len(meta['files'])} files -> {out or identity.MODEL_PATH}")
    if show_cv:
        click.echo(identity.cv_report(cfg))


COMMANDS = (eval_cmd, train, train_identity)
