"""Options several commands share, defined once: each command names them as its parameters' defaults."""

from __future__ import annotations

from typing import Any

import typer

from annotator.dburl import database


def db_option(default: Any = "annotations.db", help: str = "The database.") -> Any:
    """--db: an SQLite file's Path, or a postgresql:// URL kept as it is (a Path would fold its `//`)."""
    return typer.Option(default, "--db", parser=database, metavar="PATH|URL", help=help)


# The label schema: import, annotate, export, extract, suggest, train, learn.
SCHEMA = typer.Option(None, "--schema", help="Label schema YAML (default: schemas/news.yaml).")

# What `train` and `learn` train on and from (learn trains a round the way train does).
BASE = typer.Option(None, "--base", help="Pipeline to start from (default: the schema's model).")
LEARN_ANNOTATOR = typer.Option(None, "--annotator", help="Learn from this annotator's work only.")
GOLD = typer.Option(False, "--gold", help="Learn from reviewed or agreed work (as export --gold).")
SEED = typer.Option(0, "--seed", help="Random seed (the same seed and work give the same model).")
MAX_EPOCHS = typer.Option(30, "--max-epochs", min=1, help="Epochs a training at most (early stopping ends sooner).")
