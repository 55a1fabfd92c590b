"""`annotator import PATH... --db DB`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from annotator.cli import options
from annotator.cli.options import db_option
from annotator.errors import EXIT_INPUT, InputError


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_(
        paths: list[Path] = typer.Argument(..., help=".txt or .jsonl files, or folders (read recursively)."),
        db: Any = db_option(help="The database (created if missing)."),
        schema: Path = options.SCHEMA,
        no_extract: bool = typer.Option(False, "--no-extract", help="Do not pre-extract entities and quotes."),
        model: str = typer.Option(None, "--model", help="spaCy model for pre-extraction."),
        strict: bool = typer.Option(False, "--strict", help="Any bad file or line aborts the whole import."),
        n_process: int = typer.Option(1, "--n-process", min=1, help="Processes for extraction."),
        batch_size: int = typer.Option(64, "--batch-size", min=1, help="Texts per spaCy batch."),
        annotator: str = typer.Option(None, "--annotator", help="Whose work answered lines are (default: their "
                                      "_annotator_id); for CoNLL files, makes them this annotator's finished work."),
        format: str = typer.Option(None, "--format", help="The files' format (default: told from each file's "
                                   "content); `annotator formats` lists them."),
    ) -> None:
        """Import articles. Importing the same article twice adds nothing."""
        # Imported here: `annotator` starts the app without loading what other commands need.
        from rich.console import Console

        from annotator.formats import get, readable_suffixes
        from annotator.ingest.files import list_files
        from annotator.schema import default_schema_path, load_schema

        suffixes = get(format, "read").suffixes if format else readable_suffixes()
        label_schema = load_schema(schema or default_schema_path())
        err = Console(stderr=True)
        for path in paths:  # a folder with nothing to read is a mistake to name, not "imported 0 articles"
            if path.is_dir() and not any(isinstance(p, Path) for p in list_files([path], suffixes, bool(format))):
                kinds = ", ".join(sorted(suffixes))
                raise InputError(f"{path}: holds no article files ({kinds}), not even in its subfolders"
                                 " (or only a symlink loop); give the folder or files that hold the articles")
        total = sum(p.stat().st_size for p in list_files(paths, suffixes, bool(format)) if isinstance(p, Path))
        new_database = isinstance(db, Path) and not db.exists()
        try:
            _import(db, paths, label_schema, no_extract, model, strict, n_process, batch_size, annotator, err, total,
                    format)
        except InputError:
            if new_database:  # a failed import leaves things as they were: no empty database behind
                for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                    leftover.unlink(missing_ok=True)
            raise


def _import(db, paths, label_schema, no_extract, model, strict, n_process, batch_size, annotator, err, total, format):
    """Run the import with a progress bar; what it did, or InputError when nothing could be imported."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from annotator.ingest import import_paths
    from annotator.store import Store

    with Store(db) as store, Progress(
        TextColumn("importing"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=total < 2_000_000,
    ) as bar:
        task = bar.add_task("import", total=total)
        summary = import_paths(
            store, paths, label_schema, extract=not no_extract, model=model, strict=strict,
            n_process=n_process, batch_size=batch_size, annotator=annotator,
            advance=lambda n: bar.advance(task, n),
            on_problem=lambda problem: err.print(f"skipped {problem}", markup=False, highlight=False, soft_wrap=True),
            format=format,
        )
    if summary.warning:
        err.print(f"warning: {summary.warning}", markup=False, highlight=False, soft_wrap=True)
    for note in summary.label_notes(label_schema):
        err.print(note, markup=False, highlight=False, soft_wrap=True)
    annotated = f", {summary.annotated} annotated lines" if summary.annotated else ""
    print(f"imported {summary.imported} articles ({summary.spans} spans){annotated}, "
          f"{summary.duplicates} duplicates, {summary.skipped} skipped")
    if summary.imported == 0 and summary.duplicates == 0 and summary.skipped:
        raise InputError("nothing could be imported")
    if summary.refused:  # someone's finished work left behind: fail loudly, but keep what was imported
        raise SystemExit(EXIT_INPUT)  # (typer.Exit would be returned, not raised, under standalone_mode=False)
    return summary
