"""`annotator annotate` and a bare `annotator`: open the annotation app."""

from __future__ import annotations

import getpass
import subprocess
import sys
from pathlib import Path

import typer

from annotator.cli.names import check_name
from annotator.errors import UserError


def parse_overlap(value: str | None, default: int | None) -> int | None:
    """'all' -> None (everyone annotates every article); a number >= 1; None -> the schema's."""
    if value is None:
        return default
    from annotator.schema import overlap_of

    try:
        return overlap_of(value)
    except ValueError:
        raise UserError(f"--overlap {value!r}: give a whole number of at least 1, or 'all'", exit_code=2) from None


def seed_if_empty(db: Path, seed: Path | None, schema: Path | None) -> None:
    """Import the seed folder into an empty database, in a child process.

    A child process, so that spaCy (which pre-extraction loads) never lives in the app's process.
    """
    if seed is None:
        return
    from annotator.store import Store

    with Store(db) as store:
        if store.article_count():
            return
    if not seed.exists():
        raise UserError(f"{seed}: no such seed folder")
    print(f"annotator: the database is empty; importing {seed} (once)", file=sys.stderr)
    command = [sys.executable, "-m", "annotator", "import", str(seed), "--db", str(db)]
    if schema is not None:
        command += ["--schema", str(schema)]
    if subprocess.run(command).returncode:
        raise UserError(f"importing {seed} failed; see the messages above")


def annotate(db: Path, schema: Path | None, annotator: str | None, overlap: str | None, seed: Path | None) -> None:
    from annotator.keymap import for_annotate
    from annotator.schema import default_schema_path, load_schema
    from annotator.store import Store

    label_schema = load_schema(schema or default_schema_path())
    keymap = for_annotate(label_schema)  # the team's keys, then the annotator's own (a bad file stops here)
    name = check_name(annotator or getpass.getuser())
    share = parse_overlap(overlap, label_schema.overlap)
    seed_if_empty(db, seed, schema)
    from annotator.tui import run

    # create=False: a mistyped --db names the problem instead of opening an empty new database.
    with Store(db, create=False) as store:
        run(store, label_schema, name, share, keymap)


def register(app: typer.Typer) -> None:
    @app.command("annotate")
    def annotate_command(
        db: Path = typer.Option(Path("annotations.db"), "--db", help="The database."),
        schema: Path = typer.Option(None, "--schema", help="Label schema YAML (default: schemas/news.yaml)."),
        annotator: str = typer.Option(None, "--annotator", help="Whose decisions these are (default: login name)."),
        overlap: str = typer.Option(None, "--overlap", help="Annotators per article: a number or 'all' (default: the schema's)."),
        seed: Path = typer.Option(None, "--seed", help="Import this folder first when the database is empty."),
    ) -> None:
        """Correct the spans of one article after another: keys a accept, x reject, l relabel, ? help."""
        annotate(db, schema, annotator, overlap, seed)

    @app.callback(invoke_without_command=True)
    def default(ctx: typer.Context) -> None:
        """With no command: annotate ./annotations.db (importing seeds/ when it is empty)."""
        if ctx.invoked_subcommand is None:
            annotate(Path("annotations.db"), None, None, None, Path("seeds") if Path("seeds").is_dir() else None)
