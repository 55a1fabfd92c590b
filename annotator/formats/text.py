"""Plain-text articles: an optional `date YYYY-MM-DD SOURCE[, DATELINE]` line, then paragraphs.
Read only (the text carries no annotations; import pre-extracts them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.formats.base import Advance, Item, Problem, noop, read_text, too_long
from annotator.formats.registry import Format, ReadOptions
from annotator.model import ArticleDraft

_HEADER = re.compile(r"^date\s+(\d{4}-\d{2}-\d{2})(?:\s+(.*?))?\s*$")
_TITLE_MAX = 150


def _title_of(body: str) -> str | None:
    """A short first paragraph that is not a sentence is the headline (as in Wikinews files)."""
    first = body.split("\n\n", 1)[0].strip()
    if "\n" in first or len(first) > _TITLE_MAX or not first or first[-1] in ".!?\"”'’:":
        return None
    return first


def parse_txt(text: str, where: str) -> ArticleDraft | Problem:
    """A .txt article: optional `date YYYY-MM-DD SOURCE[, DATELINE]` line, then paragraphs."""
    meta: dict[str, Any] = {"file": Path(where).name}
    date = source = dateline = None
    first, _, rest = text.partition("\n")
    header = _HEADER.match(first.strip())
    if header:
        date = header.group(1)
        place = header.group(2) or ""
        source, _, dateline = (part.strip() for part in place.partition(","))
        source, dateline = source or None, dateline or None
        text = rest
    body = text.strip()
    if not body:
        return Problem(where, "empty: no article text")
    if why := too_long(body):
        return Problem(where, why)
    for key, value in (("date", date), ("source", source), ("dateline", dateline)):
        if value:
            meta[key] = value
    return ArticleDraft(body, _title_of(body), source, date, dateline, meta, origin=where)


def read_txt(path: Path, advance: Advance = noop) -> Iterator[Item]:
    text = read_text(path, advance)
    yield text if isinstance(text, Problem) else parse_txt(text, str(path))


def read(path: Path, options: ReadOptions) -> Iterator[Item]:
    return read_txt(path, options.advance)


FORMAT = Format(
    name="text",
    title="plain-text articles (.txt, the seed header optional)",
    keeps="the text; date, source and dateline from the header line; a short first paragraph as the title",
    loses="(nothing to lose: no annotations; they are pre-extracted on import)",
    suffixes=(".txt",),
    read=read,
    order=90,
)
