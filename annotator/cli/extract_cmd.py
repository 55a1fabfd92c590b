"""`annotator extract` (placeholder until pre-extraction lands)."""

import typer


def register(app: typer.Typer) -> None:
    pass
