"""Errors the user caused: the CLI prints the message as one line and exits with `exit_code`."""

from __future__ import annotations

# Exit statuses, documented in the README.
EXIT_INPUT = 1  # bad article/JSONL input under --strict, or nothing could be read
EXIT_SCHEMA = 2  # the schema file is wrong (and usage errors, as Typer does)
EXIT_DATABASE = 3  # the database cannot be opened or is from a newer version
EXIT_EXISTS = 4  # the output file exists and --force was not given


class UserError(Exception):
    """An error to show as one line, with no traceback."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class SchemaError(UserError):
    exit_code = EXIT_SCHEMA


class DatabaseError(UserError):
    exit_code = EXIT_DATABASE


class InputError(UserError):
    exit_code = EXIT_INPUT


class Refused(UserError):
    """A rule said no; the message says why (and what to do instead)."""

