"""`annotator annotate` (placeholder until the app lands)."""

import typer


def register(app: typer.Typer) -> None:
    pass
