"""What an annotator's finished work is: articles, accepted spans and speaker links, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from annotator.model import Article, speaker_links
from annotator.store import Store


class GoldSpan(NamedTuple):  # a NamedTuple: made straight from the store's rows, a million times
    id: int
    start: int
    end: int
    label: str
    kind: str
    speaker_span_id: int | None
    speaker_entity_span_id: int | None
    cue_span_id: int | None = None  # quotes: the cue span ("said", "according to")


@dataclass(frozen=True, slots=True)
class GoldArticle:
    article: Article
    annotator: str
    status: str
    spans: tuple[GoldSpan, ...]
    timestamp: int
    token_json: bytes  # as stored at import: export splices it in
    token_starts: list[int]
    token_ends: list[int]
    work: dict = field(default_factory=dict)  # this annotator's active_seconds and flag note (store/day.py)

    def relations(self) -> list[tuple[int, int, str]]:
        """(head index, child index, label) into `spans`: SPEAKER, SPEAKER_ENTITY when it differs, CUE."""
        where = {span.id: i for i, span in enumerate(self.spans)}
        out = []
        for i, span in enumerate(self.spans):
            if span.kind != "quote":
                continue
            out += [(i, where[ref], label) for ref, label in
                    speaker_links(span.speaker_span_id, span.speaker_entity_span_id, span.cue_span_id) if ref in where]
        return out


def iter_gold(store: Store, annotator: str | None = None, include_unfinished: bool = False,
              after: int = 0, upto: int | None = None) -> Iterator[GoldArticle]:
    """Each (article, annotator) the annotator finished, in article order, read in batches."""
    rows = store.iter_export(annotator, include_unfinished, after, upto)
    for article, token_json, starts, ends, who, status, updated_at, spans, work in rows:
        yield GoldArticle(article, who, status, tuple(map(GoldSpan._make, spans)), int(updated_at),
                          token_json, starts, ends, work)
