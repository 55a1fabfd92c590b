"""What an annotator's finished work is: articles, accepted spans and speaker links, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from annotator.model import Article
from annotator.store import Store


@dataclass(frozen=True, slots=True)
class GoldSpan:
    id: int
    start: int
    end: int
    label: str
    kind: str
    speaker_span_id: int | None
    speaker_entity_span_id: int | None


@dataclass(frozen=True, slots=True)
class GoldArticle:
    article: Article
    annotator: str
    status: str
    spans: tuple[GoldSpan, ...]
    timestamp: int

    def relations(self) -> list[tuple[int, int, str]]:
        """(head index, child index, label) into `spans`: SPEAKER, and SPEAKER_ENTITY when it differs."""
        where = {span.id: i for i, span in enumerate(self.spans)}
        out = []
        for i, span in enumerate(self.spans):
            if span.kind != "quote":
                continue
            if span.speaker_span_id in where:
                out.append((i, where[span.speaker_span_id], "SPEAKER"))
            entity = span.speaker_entity_span_id
            if entity in where and entity != span.speaker_span_id:
                out.append((i, where[entity], "SPEAKER_ENTITY"))
        return out


def iter_gold(store: Store, annotator: str | None = None, include_unfinished: bool = False) -> Iterator[GoldArticle]:
    """Each (article, annotator) the annotator finished, in article order, one at a time."""
    for article_id, who, status in store.iter_work(annotator, include_unfinished):
        article = store.article(article_id)
        if article is None:
            continue
        spans, timestamp = store.accepted_spans(article_id, who)
        yield GoldArticle(article, who, status, tuple(GoldSpan(*row) for row in spans), int(timestamp))
