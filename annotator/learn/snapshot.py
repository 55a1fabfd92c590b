"""The finished work, copied out of the database in one read transaction.

Training then runs with no database connection open: annotators go on writing (WAL readers never
block writers), and the model learns from one consistent state of the work.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from annotator.learn.train import TrainArticle

HELD_SHARE = 0.1   # of the finished articles, held back for early stopping and the scores
MIN_HELD = 5
MIN_TRAIN = 5      # fewer finished articles than MIN_HELD + MIN_TRAIN: nothing worth training on
MIN_ARTICLES = MIN_HELD + MIN_TRAIN
CORPUS_ARTICLES = 3000  # texts read besides the finished work (finished or not): see learn/relabel.py


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    speaker: tuple[int, int] | None
    cue: tuple[int, int] | None = None


@dataclass(frozen=True)
class Finished:
    """One finished article as training reads it."""

    article: TrainArticle
    hash: str
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class Snapshot:
    articles: tuple[Finished, ...]
    source: str  # "done" (annotators' finished articles) or "gold"
    corpus: tuple[str, ...] = ()  # the text of up to CORPUS_ARTICLES articles of the database, finished or not

    def split(self, share: float = HELD_SHARE, minimum: int = MIN_HELD) -> tuple[list[Finished], list[Finished]]:
        """(train, held back). An article's place depends on its text alone, so the articles held
        back stay held back as more work is finished (`learn` compares models on them)."""
        keyed = sorted(self.articles, key=lambda f: _fraction(f.hash))
        held = [f for f in keyed if _fraction(f.hash) < share]
        if len(held) < minimum:
            held = keyed[:minimum]
        chosen = {f.article.id for f in held}
        return [f for f in self.articles if f.article.id not in chosen], held


def _fraction(digest: str) -> float:
    return int(hashlib.sha1(("held:" + digest).encode()).hexdigest()[:8], 16) / 0x1_0000_0000


def read_snapshot(store: Any, schema: Any, annotator: str | None = None, gold: bool = False) -> Snapshot:
    """Every finished article (the latest finished work when several annotators did it), its accepted
    entity spans and its accepted quotes with their speakers, read in one transaction."""
    from annotator.export.gold import iter_gold

    entity_labels = {label.name for label in schema.labels_of("entity")}
    picked: dict[int, Any] = {}
    with store.snapshot():  # the store's connection, in one read transaction: one consistent state
        if gold:
            from annotator.export.adjudicated import iter_adjudicated

            works = list(iter_adjudicated(store))
        else:
            works = [w for w in iter_gold(store, annotator) if w.status == "done"]
    for work in works:
        kept = picked.get(work.article.id)
        if kept is None or work.timestamp >= kept.timestamp:
            picked[work.article.id] = work
    articles = []
    for article_id in sorted(picked):
        work = picked[article_id]
        by_id = {span.id: span for span in work.spans}
        entities = tuple(sorted({(s.start, s.end, s.label) for s in work.spans
                                 if s.kind == "entity" and s.label in entity_labels}))
        quotes = []
        for span in work.spans:
            if span.kind != "quote":
                continue
            speaker = by_id.get(span.speaker_span_id) if span.speaker_span_id is not None else None
            cue = by_id.get(span.cue_span_id) if span.cue_span_id is not None else None
            quotes.append(Quote(span.start, span.end, (speaker.start, speaker.end) if speaker else None,
                                (cue.start, cue.end) if cue else None))
        article = TrainArticle(article_id, work.article.text, _without_overlaps(entities))
        articles.append(Finished(article, work.article.hash, tuple(sorted(quotes, key=lambda q: q.start))))
    from annotator.store.learning import article_texts

    return Snapshot(tuple(articles), "gold" if gold else "done", tuple(article_texts(store, CORPUS_ARTICLES)))


def _without_overlaps(spans: tuple[tuple[int, int, str], ...]) -> tuple[tuple[int, int, str], ...]:
    """The recognizer tags each token once: of overlapping spans, keep the first, longest."""
    out: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if out and span[0] < out[-1][1]:
            continue
        out.append(span)
    return tuple(out)
