"""Reading a gold JSONL file for training: each line an article, checked as it is read; a bad line
is one error naming the file and line (train-quotes, train-attributions)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


def read_gold_lines(path: Path, what: str, check: Callable[[dict], None]) -> list[dict]:
    """The rows of `path`; `check` raises ValueError, KeyError or TypeError on a row that is not
    `what` ("gold quotes"), which becomes `FILE:LINE: not a <what> line (why)`."""
    from annotator.errors import InputError

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                check(row)
            except (ValueError, KeyError, TypeError) as exc:
                why = exc.args[0] if isinstance(exc, ValueError) and exc.args else f"missing or bad field {exc}"
                raise InputError(f"{path}:{n}: not a {what} line ({why})") from None
            rows.append(row)
    if not rows:
        raise InputError(f"{path}: no articles")
    return rows


def training_inputs(output: Path, force: bool, data: list[Path], dev: Path | None, model: str | None,
                    read: Callable[[Path], list[dict]], what: str) -> tuple[list[dict], list[dict], Any]:
    """(training rows, dev rows, the extractor whose pipeline parses them) for a train-* command, or the one-line error:
    an output that exists without --force, a bad gold line, no model with a parser."""
    from annotator.errors import EXIT_EXISTS, InputError, UserError
    from annotator.extract import load_extractor

    if output.exists() and not force:
        raise UserError(f"{output}: exists; pass --force to overwrite it", EXIT_EXISTS)
    rows = [row for path in data for row in read(path)]
    dev_rows = read(dev) if dev else []
    extractor = load_extractor(model=model)
    if extractor.model_name is None:
        raise InputError(f"training the {what} needs a spaCy model with a parser; " + (extractor.warning or ""))
    return rows, dev_rows, extractor
