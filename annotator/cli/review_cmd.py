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
        exports: Path = typer.Option(Path("exports"), "--exports", help="Where the e key writes the gold export."),
    ) -> None:
        """Adjudicate: pick the right version of every span annotators disagree on.

        For each article finished by several annotators; the result is stored under the reviewer and leaves
        with `export --gold`."""
        name = check_name(reviewer or getpass.getuser(), "--reviewer")
        from annotator.keys.keymap import for_review
        from annotator.tui.review import ReviewApp

        keymap = for_review()  # the review.* keys of ~/.config/annotator/keys.yaml (a bad file stops here)
        with Store(db, create=False) as store:
            ReviewApp(store, name, exports, keymap).run()
