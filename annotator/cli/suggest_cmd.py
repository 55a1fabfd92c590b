"""`annotator suggest --db DB --model PATH`: a new model re-suggests the untouched articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from annotator.cli import options
from annotator.cli.options import db_option


def register(app: typer.Typer) -> None:
    @app.command("suggest")
    def suggest(
        db: Any = db_option(),
        model: str = typer.Option(..., "--model", help="A pipeline folder `annotator train` wrote, or a model name."),
        schema: Path = options.SCHEMA,
    ) -> None:
        """Replace the model suggestions of articles nobody has opened by MODEL's."""
        from rich.console import Console

        from annotator.schema import default_schema_path, load_schema
        from annotator.store import Store

        label_schema = load_schema(schema or default_schema_path())
        with Store(db, create=False) as store:
            summary = run_suggest(store, label_schema, model, Console(stderr=True))
        print_summary(summary)


def run_suggest(store, schema, model, console, should_stop=lambda: False, extractor=None):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from annotator.learn.suggest import load_model, suggest
    from annotator.store import learning

    extractor = extractor or load_model(schema, model)
    total = learning.untouched_count(store)
    with Progress(TextColumn("re-suggesting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("suggest", total=total)
        return suggest(store, schema, model, extractor=extractor, should_stop=should_stop,
                       advance=lambda n: bar.advance(task, n))


def print_summary(summary) -> None:
    passed = f", {summary.passed_over} opened meanwhile and left as they were" if summary.passed_over else ""
    print(f"re-suggested {summary.resuggested} of {summary.articles} untouched articles with {summary.model}: "
          f"{summary.added} suggestions added, {summary.removed} removed, {summary.unchanged} unchanged{passed}")
    print(f"ranked {summary.ranked} articles by how unsure the model is (annotate --order uncertain)")
