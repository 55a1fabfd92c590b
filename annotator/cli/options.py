"""Options several commands share."""

from __future__ import annotations

from typing import Any

import typer

from annotator.dburl import database


def db_option(default: Any = "annotations.db", help: str = "The database.") -> Any:
    """--db: an SQLite file's Path, or a postgresql:// URL kept as it is (a Path would fold its `//`)."""
    return typer.Option(default, "--db", parser=database, metavar="PATH|URL", help=help)
