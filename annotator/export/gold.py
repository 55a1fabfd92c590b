"""What an annotator's finished work is: articles, accepted spans and speaker links, streamed."""

from __future__ import annotations

from collections.abc import Iterator

from annotator.model import GoldArticle, GoldSpan
from annotator.store import Store


def iter_gold(store: Store, annotator: str | None = None, include_unfinished: bool = False,
              after: int = 0, upto: int | None = None) -> Iterator[GoldArticle]:
    """Each (article, annotator) the annotator finished, in article order, read in batches."""
    rows = store.iter_export(annotator, include_unfinished, after, upto)
    for article, token_json, starts, ends, who, status, updated_at, spans, work in rows:
        yield GoldArticle(article, who, status, tuple(map(GoldSpan._make, spans)), int(updated_at),
                          token_json, starts, ends, work)
