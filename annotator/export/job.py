"""One export: where to, and of which work (an annotator's, everyone's, or the adjudicated gold).
A format's writer takes it (formats/registry.py: WriteJob) and writes what `golds` streams."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.export.adjudicated import iter_adjudicated
from annotator.export.gold import iter_gold
from annotator.export.parallel import write_in_parts
from annotator.formats.registry import PartWriter
from annotator.model import GoldArticle
from annotator.schema import Schema, default_schema_path, load_schema
from annotator.store import Store


@dataclass
class ExportJob:
    store: Store
    output: Path
    schema: Schema | None = None  # None: the default schema
    annotator: str | None = None
    include_unfinished: bool = False
    gold: bool = False
    include_suggestions: bool = False
    parallel: bool = True  # may a big export use worker processes (not from inside the app)

    @property
    def label_schema(self) -> Schema:
        if self.schema is None:
            self.schema = load_schema(default_schema_path())
        return self.schema

    def golds(self) -> Iterator[GoldArticle]:
        """The finished work to write, streamed in article order."""
        if self.gold:
            return iter_adjudicated(self.store)
        return iter_gold(self.store, self.annotator, self.include_unfinished)

    def in_parts(self, write: PartWriter) -> tuple[int, int] | None:
        """The plain export on two cores when it is big (export/parallel.py); None otherwise."""
        if self.gold or not self.parallel:
            return None
        return write_in_parts(self.store, self.output, write, self.annotator, self.include_unfinished)
