"""What every format shares, and what the layers above take from it: an input `Problem` (FILE or
FILE:LINE and one line of why), the `Item` a reader yields, reading and decoding a file's text,
and checking an output target before anything is written.

Readers yield ArticleDraft for what they could read and Problem for what they could not; they
never raise for bad input, so one bad file or line spoils nothing else.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from annotator.errors import EXIT_EXISTS, UserError
from annotator.model import ArticleDraft

# spaCy's nlp.max_length: a longer text makes extraction raise; no news article comes near it.
MAX_CHARS = 1_000_000
UTF16_JSONL = "UTF-16 JSONL; save the file as UTF-8"
NO_LINES = "empty: no lines"


@dataclass(frozen=True, slots=True)
class Problem:
    """Input that could not be read: `where` is FILE or FILE:LINE."""

    where: str
    message: str
    # (label, spans) of labels the schema neither has, maps nor drops: the import summary adds them up.
    unknown: tuple[tuple[str, int], ...] = ()

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


Item = ArticleDraft | Problem
Advance = Callable[[int], None]


def noop(_: int) -> None:
    pass


def unknown_problem(where: str, counts: Iterable[tuple[str, int]], first: int) -> Problem:
    """A line refused for its unknown labels (finished work, or any line under --strict)."""
    counts = tuple(counts)
    message = f"span {first} has label {counts[0][0]!r}, which the schema neither has nor maps"
    return Problem(where, message, counts)


def too_long(text: str) -> str | None:
    """Why an article's text is too long for extraction, or None."""
    if len(text) <= MAX_CHARS:
        return None
    return f"the article is {len(text):,} characters, more than the {MAX_CHARS:,} one article may have; split it"


def unreadable(where: str | Path, exc: OSError) -> Problem:
    return Problem(str(where), f"cannot read the file ({exc.strerror})")


def is_utf16(first_line: bytes) -> bool:
    return first_line.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode(raw: bytes, where: str) -> str | Problem:
    """Bytes to text: UTF-8 (BOM or not) or UTF-16 with a BOM; CRLF and CR become LF."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            return Problem(where, "starts like UTF-16 but is not valid UTF-16; save it as UTF-8")
    else:
        if b"\x00" in raw[:8192]:
            return Problem(where, "a binary file (it holds NUL bytes), not article text")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            return Problem(f"{where}:{line}", f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
    if "\x00" in text:
        return Problem(where, "holds NUL characters, not article text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, advance: Advance = noop) -> str | Problem:
    """A whole file's text (its bytes counted as read), or why it cannot be read or decoded."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return unreadable(str(path), exc)
    advance(len(raw))
    return decode(raw, str(path))


def check_target(path: Path, force: bool) -> None:
    """Refuse, in one line naming the wrong path, a target that cannot be written or would overwrite."""
    for ancestor in path.parents:  # the nearest one that exists must be a folder
        if ancestor.exists():
            if not ancestor.is_dir():
                raise UserError(f"{ancestor}: is a file, not a folder, so {path} cannot go inside it;"
                                " give -o a path in a folder")
            break
    if path.exists() and not force:
        raise UserError(f"{path}: exists; pass --force to overwrite it", EXIT_EXISTS)
    if path.parent and not path.parent.is_dir():
        raise UserError(f"{path.parent}: no such folder for the export")
