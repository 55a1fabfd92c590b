"""`annotator export --db DB -o FILE [--format NAME]`: any format the registry can write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from annotator.cli import options
from annotator.cli.options import db_option
from annotator.errors import UserError


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export(
        db: Any = db_option(...),
        output: Path = typer.Option(..., "-o", "--output", help="The file (or folder) to write, e.g. exports/gold.jsonl."),
        annotator: str = typer.Option(None, "--annotator", help="Only this annotator's work."),
        format: str = typer.Option("jsonl", "--format", help="jsonl (ours, Prodigy), spacy (DocBin) or another; "
                                   "`annotator formats` lists them with what each keeps."),
        include_unfinished: bool = typer.Option(False, "--include-unfinished", help="Also articles not marked done."),
        include_suggestions: bool = typer.Option(False, "--include-suggestions", help="Also the suggestions nobody "
                                                 "decided on (as Label Studio predictions)."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
        schema: Path = options.SCHEMA,
        gold: bool = typer.Option(False, "--gold", help="Adjudicated gold: one line per article, the reviewer's "
                                  "version, else the spans all its annotators agree on."),
    ) -> None:
        """Export accepted spans of finished articles: one line per article and annotator."""
        # Imported here: `annotator` starts the app without loading what other commands need.
        from annotator.export import ExportJob
        from annotator.formats import check_target, get
        from annotator.schema import default_schema_path, load_schema
        from annotator.store import Store

        fmt = get(format, "write")
        if include_suggestions and not fmt.suggestions:
            raise UserError(f"--include-suggestions: the {fmt.name} format has no place for suggestions", 2)
        for target in (output, *fmt.also_writes(output)):
            check_target(target, force)
        label_schema = load_schema(schema or default_schema_path())
        try:
            with Store(db, create=False) as store:
                job = ExportJob(store, output, label_schema, annotator, include_unfinished, gold, include_suggestions)
                count, spans = fmt.write(job)  # type: ignore[misc]
        except OSError as exc:  # a folder not writable, a full disk: one line, no traceback
            raise UserError(f"{output}: cannot write the export ({exc.strerror or exc})") from None
        beside = "".join(f" and {extra}" for extra in fmt.also_writes(output))
        print(f"exported {count} articles ({spans} spans) to {output}{beside}")
