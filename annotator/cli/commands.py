"""The `annotator` command line: the Typer app, one module a command group."""

from __future__ import annotations

import sys

import typer

from annotator.errors import UserError

app = typer.Typer(
    name="annotator",
    help="Correct machine-made annotations of news articles in the terminal.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module adds its commands; keeping them apart lets each grow on its own.
from annotator.cli import (  # noqa: E402
    agreement_cmd,
    annotate_cmd,
    export_cmd,
    extract_cmd,
    formats_cmd,
    import_cmd,
    learn_cmd,
    migrate_cmd,
    review_cmd,
    schema_cmd,
    serve_cmd,
    stats_cmd,
    suggest_cmd,
    train_attributions_cmd,
    train_cmd,
    train_quotes_cmd,
)

for _module in (import_cmd, export_cmd, stats_cmd, schema_cmd, extract_cmd, annotate_cmd, agreement_cmd, review_cmd,
                serve_cmd, formats_cmd, train_cmd, suggest_cmd, learn_cmd, migrate_cmd,
                train_quotes_cmd, train_attributions_cmd):
    _module.register(app)


def main() -> None:
    """Entry point: user errors become one line on stderr and their exit status, no traceback."""
    try:
        app(standalone_mode=False)
    except UserError as exc:
        print(f"annotator: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click's usage errors
        import click

        try:  # Typer 0.2x raises the exceptions of its own copy of click
            from typer import _click as typer_click
        except ImportError:
            typer_click = click
        if isinstance(exc, click.exceptions.ClickException | typer_click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort | getattr(typer, "Abort", click.exceptions.Abort)):
            sys.exit(130)
        raise
