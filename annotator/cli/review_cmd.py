"""`annotator review --db DB [--reviewer NAME]`: adjudicate annotators' disagreements."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

import typer

from annotator.cli.names import check_name
from annotator.cli.options import db_option
from annotator.store import Store


def register(app: typer.Typer) -> None:
    @app.command("review")
    def review(
        db: Any = db_option(),
        reviewer: str = typer.Option(None, "--reviewer", help="Whose gold this is (default: your login name)."),
        exports: Path = typer.Option(Path("exports"), "--exports", help="Where the E key writes the gold export."),
        schema: Path = typer.Option(None, "--schema",
                                    help="Label schema YAML for your own version's labels (default: schemas/news.yaml)."),
    ) -> None:
        """Adjudicate: pick the right version of every span annotators disagree on.

        For each article finished by several annotators; the result is stored under the reviewer and leaves
        with `export --gold`."""
        name = check_name(reviewer or getpass.getuser(), "--reviewer")
        from annotator.keys.keymap import for_annotate, for_review
        from annotator.schema import default_schema_path, load_schema
        from annotator.tui.review import ReviewApp

        label_schema = load_schema(schema or default_schema_path())
        # The review.* keys of ~/.config/annotator/keys.yaml, and the annotation keys for your own version
        # (the schema's, then yours); a bad file stops here.
        keymap = {**for_annotate(label_schema), **for_review()}
        with Store(db, create=False) as store:
            ReviewApp(store, name, exports, keymap, label_schema).run()
