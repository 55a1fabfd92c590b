"""The `annotator` command line: thin Typer commands over the core (annotator/cli/commands.py).

`annotator annotate` with plain options (and a bare `annotator`) is parsed without Typer: Typer
and the pydantic it builds its option parsers with cost the app's open 0.15 s, a third of it
(annotator/cli/quick.py). Anything else, --help and every mistake included, goes through Typer.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

from annotator.errors import UserError


def main() -> None:
    """Entry point: user errors become one line on stderr and their exit status, no traceback."""
    from annotator.cli.quick import annotate_arguments

    arguments = annotate_arguments(sys.argv[1:])
    if arguments is None:
        from annotator.cli.commands import main as with_typer

        with_typer()
        return
    # No garbage collection while the app opens: a full collection among the imports cost the open
    # 40 ms. The app turns it back on after its first frame (AnnotatorApp._first_frame_shown).
    gc.disable()
    try:
        from annotator.cli.quick import annotate

        annotate(**arguments)
    except UserError as exc:
        print(f"annotator: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        gc.enable()


def __getattr__(name: str) -> Any:
    if name == "app":  # the Typer app, built on first use
        from annotator.cli.commands import app

        return app
    raise AttributeError(name)
