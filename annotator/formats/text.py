"""Plain-text articles: an optional `date YYYY-MM-DD SOURCE[, DATELINE]` line, then paragraphs."""

from __future__ import annotations

from pathlib import Path

from annotator.formats.registry import Format, ReadOptions
from annotator.ingest.readers import read_txt


def read(path: Path, options: ReadOptions):
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
