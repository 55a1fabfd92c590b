"""Lines of `annotator extract`: an article in, one JSONL line of suggestions out.

Both ways of running extraction go through `extracted_lines`, so they write the same bytes:
`annotator extract` in one process (annotator/cli/extract_cmd.py) and `annotator extract --ray`
in a pool of Ray actors (annotator/extract/distributed.py), whose actors each load an
`ExtractionJob` once and hand it records (a .txt file's bytes, or a .jsonl line).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from annotator import extract
from annotator.formats.base import Problem, decode
from annotator.formats.jsonl import parse_raw_line
from annotator.formats.prodigy import task_from_drafts
from annotator.formats.text import parse_txt
from annotator.model import ArticleDraft, SpanDraft
from annotator.schema import default_schema_path, load_schema
from annotator.tokens import token_offsets

Tokens = tuple[tuple[int, int], ...]


def extracted(extractor: Any, articles: Iterable[ArticleDraft], n_process: int = 1,
              batch_size: int = 64) -> Iterator[tuple[ArticleDraft, list[SpanDraft], Tokens]]:
    """(article, drafts, tokens) in order; articles with spans of their own keep them."""
    stream = iter(articles)
    chunk = max(batch_size * max(n_process, 1) * 4, 256)
    while True:
        batch = list(islice(stream, chunk))
        if not batch:
            return
        todo = [a for a in batch if not a.spans]
        found = iter(extractor.pipe_with_tokens((a.text for a in todo), n_process=n_process, batch_size=batch_size))
        for article in batch:
            if article.spans:
                tokens = article.tokens or _tokens(article.text)
                yield article, list(article.spans), tokens
            else:
                drafts, tokens = next(found)
                yield article, drafts, article.tokens or tokens


def line_of(article: ArticleDraft, drafts: list[SpanDraft], tokens: Tokens) -> bytes:
    """The JSONL line `annotator extract` writes for one article (with its newline)."""
    return orjson.dumps(task_from_drafts(article, drafts, tokens)) + b"\n"


def extracted_lines(extractor: Any, articles: Iterable[ArticleDraft], n_process: int = 1,
                    batch_size: int = 64) -> Iterator[tuple[ArticleDraft, bytes]]:
    """(article, its line) for each article, in order: the one function both extract paths use."""
    for article, drafts, tokens in extracted(extractor, articles, n_process, batch_size):
        yield article, line_of(article, drafts, tokens)


def _tokens(text: str) -> Tokens:
    return next(token_offsets([text]))


# What a Ray actor reads: (where, number, raw), a whole .txt file (`number` 0), or one line of a
# .jsonl file (`number` as `parse_raw_line` takes it: 1 only for the file's first line).
Record = tuple[str, int, bytes]


@dataclass(frozen=True)
class ExtractionJob:
    """What every actor of a distributed run needs to make the lines `annotator extract` makes:
    small and picklable; `load` runs once per actor (loads the schema and the model)."""

    schema_path: str | None = None
    model: str | None = None
    batch_size: int = 64

    def load(self) -> ExtractionWorker:
        schema = load_schema(Path(self.schema_path) if self.schema_path else default_schema_path())
        return ExtractionWorker(extract.load_extractor(schema, self.model), schema, self.batch_size)


class ExtractionWorker:
    def __init__(self, extractor: Any, schema: Any, batch_size: int) -> None:
        self.extractor = extractor
        self.schema = schema
        self.batch_size = batch_size

    def parse(self, record: Record) -> ArticleDraft | Problem:
        where, number, raw = record
        if number == 0:  # a .txt file, as read_txt reads it
            text = decode(raw, where)
            return text if isinstance(text, Problem) else parse_txt(text, where)
        return parse_raw_line(where, number, raw, self.schema)

    def run(self, records: list[Record]) -> Iterator[tuple[int, bytes | Problem, int]]:
        """(index of the record, its line or its Problem, words of its text), records in order."""
        parsed = [self.parse(r) for r in records]
        articles = [item for item in parsed if not isinstance(item, Problem)]
        lines = extracted_lines(self.extractor, articles, batch_size=self.batch_size)
        for index, item in enumerate(parsed):
            if isinstance(item, Problem):
                yield index, item, 0
            else:
                article, line = next(lines)
                yield index, line, len(article.text.split())
