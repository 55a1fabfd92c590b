"""Rows the store hands out, with names: callers read fields, not positions (they are still tuples)."""

from __future__ import annotations

from typing import Any, NamedTuple

from annotator.model import Article


class SpanRow(NamedTuple):
    """A span as export writes it (Store.exported_spans, undecided_suggestions)."""

    span_id: int
    start: int
    end: int
    label: str
    kind: str
    speaker_id: int | None
    entity_id: int | None
    cue_id: int | None = None  # quotes: the cue span (the model's link; it goes with the quote)


class WorkRow(NamedTuple):
    """One annotator's answer on one article (a `progress` row)."""

    article_id: int
    annotator: str
    status: str
    updated_at: float


class ExportPiece(NamedTuple):
    """Everything export writes of one (article, annotator)."""

    article: Article
    token_json: Any
    starts: Any
    ends: Any
    annotator: str
    status: str
    updated_at: float
    spans: list[SpanRow]
    work: dict[str, Any]
