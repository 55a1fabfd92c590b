"""`annotator export --db DB -o FILE`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from annotator.errors import UserError


class Format(str, Enum):
    jsonl = "jsonl"
    spacy = "spacy"


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export(
        db: Path = typer.Option(..., "--db", help="The database."),
        output: Path = typer.Option(..., "-o", "--output", help="The file to write (e.g. exports/gold.jsonl)."),
        annotator: str = typer.Option(None, "--annotator", help="Only this annotator's work."),
        format: Format = typer.Option(Format.jsonl, "--format", help="jsonl (Prodigy) or spacy (DocBin)."),
        include_unfinished: bool = typer.Option(False, "--include-unfinished", help="Also articles not marked done."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
        schema: Path = typer.Option(None, "--schema", help="Label schema YAML (for --format spacy)."),
        gold: bool = typer.Option(False, "--gold", help="Adjudicated gold: one line per article, the reviewer's "
                                  "version, else the spans all its annotators agree on."),
    ) -> None:
        """Export accepted spans of finished articles: one line per article and annotator."""
        # Imported here: `annotator` starts the app without loading what other commands need.
        from annotator.export import check_target, iter_gold, write_docbin, write_jsonl
        from annotator.export.parallel import export_jsonl
        from annotator.schema import default_schema_path, load_schema
        from annotator.store import Store

        check_target(output, force)
        try:
            with Store(db, create=False) as store:
                if gold:
                    from annotator.export.adjudicated import iter_adjudicated

                    golds = iter_adjudicated(store)
                else:
                    golds = iter_gold(store, annotator, include_unfinished)
                if format is Format.spacy:
                    kinds = {label.name: label.kind for label in load_schema(schema or default_schema_path()).labels}
                    count, spans = write_docbin(golds, output, kinds)
                elif gold:
                    count, spans = write_jsonl(golds, output)
                else:  # the plain export runs on several cores when there is a lot of it
                    count, spans = export_jsonl(store, output, annotator, include_unfinished)
        except OSError as exc:  # a folder not writable, a full disk: one line, no traceback
            raise UserError(f"{output}: cannot write the export ({exc.strerror or exc})") from None
        print(f"exported {count} articles ({spans} spans) to {output}")
