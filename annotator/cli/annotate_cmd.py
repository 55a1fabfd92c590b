"""`annotator annotate` and a bare `annotator`: open the annotation app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from annotator.cli import options
from annotator.cli.options import db_option
from annotator.cli.quick import annotate


def register(app: typer.Typer) -> None:
    @app.command("annotate")
    def annotate_command(
        db: Any = db_option(),
        schema: Path = options.SCHEMA,
        annotator: str = typer.Option(None, "--annotator", help="Whose decisions these are (default: login name)."),
        overlap: str = typer.Option(None, "--overlap", help="Annotators per article: a number or 'all' (default: the schema's)."),
        seed: Path = typer.Option(None, "--seed", help="Import this folder first when the database is empty."),
        order: str = typer.Option(None, "--order",
                                  help="Which article next: uncertain, import or random (default: the schema's, else import)."),
    ) -> None:
        """Correct the spans of one article after another: keys a accept, x reject, l relabel, ? help."""
        annotate(db, schema, annotator, overlap, seed, order)

    @app.callback(invoke_without_command=True)
    def default(ctx: typer.Context) -> None:
        """With no command: annotate ./annotations.db (importing seeds/ when it is empty)."""
        if ctx.invoked_subcommand is None:
            annotate(Path("annotations.db"), None, None, None, Path("seeds") if Path("seeds").is_dir() else None)
