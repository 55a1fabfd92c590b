"""`annotator annotate` without Typer, so the app opens sooner: its arguments read from argv, and
the function that opens the app (annotate_cmd.py registers the same function with Typer).

Only the plain forms are taken: a bare `annotator`, or `annotate` followed by its six options,
each given once, as `--db X` or `--db=X`. Anything else (--help, an unknown or repeated option, a
missing value, a value that looks like an option) returns None and goes to Typer, which says
what is wrong exactly as it always did.
"""

from __future__ import annotations

import getpass
import subprocess
import sys
from pathlib import Path
from typing import Any

from annotator.cli.names import check_name
from annotator.dburl import database, shown
from annotator.errors import UserError

OPTIONS = {"--db": "db", "--schema": "schema", "--annotator": "annotator", "--overlap": "overlap", "--seed": "seed",
           "--order": "order"}
PATHS = {"db", "schema", "seed"}


def annotate_arguments(argv: list[str]) -> dict[str, Any] | None:
    """The keyword arguments of annotate(), or None when Typer should read argv."""
    if not argv:  # a bare `annotator`: ./annotations.db, importing seeds/ when it is empty
        return {"db": Path("annotations.db"), "schema": None, "annotator": None, "overlap": None,
                "seed": Path("seeds") if Path("seeds").is_dir() else None, "order": None}
    if argv[0] != "annotate":
        return None
    given: dict[str, str] = {}
    rest = iter(argv[1:])
    for word in rest:
        option, equals, value = word.partition("=")
        if option not in OPTIONS or OPTIONS[option] in given:
            return None
        if not equals:
            value = next(rest, "")
        if not value or value.startswith("-"):
            return None
        given[OPTIONS[option]] = value
    arguments: dict[str, Any] = {name: None for name in OPTIONS.values()}
    arguments["db"] = Path("annotations.db")
    for name, value in given.items():
        arguments[name] = (database(value) if name == "db" else Path(value)) if name in PATHS else value
    return arguments


def parse_overlap(value: str | None, default: int | None) -> int | None:
    """'all' -> None (everyone annotates every article); a number >= 1; None -> the schema's."""
    if value is None:
        return default
    from annotator.schema import overlap_of

    try:
        return overlap_of(value)
    except ValueError:
        raise UserError(f"--overlap {value!r}: give a whole number of at least 1, or 'all'", exit_code=2) from None


def seed_if_empty(db: Path | str, seed: Path | None, schema: Path | None) -> None:
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


def parse_order(value: str | None, default: str) -> str:
    """--order: import, uncertain or random; None -> the schema's `order:` (else import)."""
    if value is None:
        return default
    from annotator.store.ordering import ORDERS

    if value not in ORDERS:
        raise UserError(f"--order {value!r}: give one of {', '.join(ORDERS)}", exit_code=2)
    return value


def has_terminal() -> bool:
    """A terminal on stdin and stdout, or a browser session (`annotator serve` names its own driver in
    TEXTUAL_DRIVER and has none)."""
    import os

    return bool(os.environ.get("TEXTUAL_DRIVER")) or (sys.stdin.isatty() and sys.stdout.isatty())


def need_terminal() -> None:
    """Refuse to open the app without a terminal: Textual then writes escape codes into the file and
    waits on a stdin that never types, at full CPU, for ever (issue 36 #1)."""
    if not has_terminal():
        where = "stdin" if not sys.stdin.isatty() else "stdout"
        raise UserError(f"the annotation app needs a terminal, and {where} is not one; run it in a terminal"
                        " (scripts: annotator import, export, stats)", exit_code=2)


def annotate(db: Path | str, schema: Path | None, annotator: str | None, overlap: str | None, seed: Path | None,
             order: str | None = None) -> None:
    from annotator.keys.keymap import for_annotate
    from annotator.schema import default_schema_path, load_schema
    from annotator.store import Store

    label_schema = load_schema(schema or default_schema_path())
    keymap = for_annotate(label_schema)  # the team's keys, then the annotator's own (a bad file stops here)
    name = check_name(annotator or getpass.getuser())
    share = parse_overlap(overlap, label_schema.overlap)
    routing = parse_order(order, label_schema.order)
    # Bad input is named first, with its own status; then no terminal stops it, before any seeding.
    if seed is not None:
        need_terminal()
    seed_if_empty(db, seed, schema)
    from annotator.tui import run

    # create=False: a mistyped --db names the problem instead of opening an empty new database.
    with Store(db, create=False) as store:
        need_terminal()
        if routing == "uncertain":
            warn_if_unranked(store, db)
        run(store, label_schema, name, share, keymap, routing)


def warn_if_unranked(store: Any, db: Path | str) -> None:
    """--order uncertain before any model scored the articles: say how to rank them (routing falls
    back to import order); the line stays on the terminal when the app's screen closes."""
    from annotator.extract import installed_default_model
    from annotator.store import ordering

    if ordering.ranked_count(store) == 0:
        model = installed_default_model() or "MODEL"
        print(f"note: no article of {shown(db)} is ranked yet, so --order uncertain hands them out in import order;"
              f" `annotator suggest --db {shown(db)} --model {model}` ranks them by the base model's doubt,"
              " and `annotator learn` re-ranks after each retrain", file=sys.stderr)
