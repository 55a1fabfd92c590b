"""The store's face: one object with every read and write of annotation data, for the TUI and the
CLI. Each method hands over to the part of the store that holds what it is about:
articles.py (articles, spans, import), decisions.py (decisions and states), routing.py (which
article next, places), work.py (finished work for export), day.py (active time, flags),
review.py (adjudication), learning.py (the model in the loop). SQL lives in annotator/store/ only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from annotator.model import Article, ArticleDraft, Decision, Progress, SpanView
from annotator.store import articles, bulk, day, decisions, review, routing, work
from annotator.store.base import Database
from annotator.store.dialect import Connection
from annotator.store.routing import IDLE_CLAIM_S
from annotator.store.rows import ExportPiece, SpanRow, WorkRow

FINISHED = ("done", "skipped", "rejected", "ignored")

__all__ = ["FINISHED", "IDLE_CLAIM_S", "Store"]


class Store(Database):
    """One database. Safe to share between the UI thread and one worker: calls are serialised."""

    # -- articles and import ------------------------------------------------------------

    def has_hash(self, digest: str) -> bool:
        return articles.has_hash(self, digest)

    def insert_article(self, conn: Connection, draft: ArticleDraft, digest: str,
                       tokens: Sequence[tuple[int, int]], origin: str, with_spans: bool = True,
                       model: str | None = None) -> int | None:
        """Insert one article (and its spans as suggestions) inside an open write(); None when it is already there."""
        return articles.insert_article(conn, draft, digest, tokens, origin, with_spans, model)

    def insert_spans(self, conn: Connection, article_id: int, drafts: Sequence[Any], origin: str,
                     created_by: str | None = None) -> list[int]:
        return articles.insert_spans(conn, article_id, drafts, origin, created_by)

    def article_id_of(self, conn: Connection, digest: str) -> int | None:
        return articles.article_id_of(conn, digest)

    def record_answers(self, conn: Connection, answers: Sequence[bulk.Answer]) -> list[int | None]:
        """Annotated lines as annotators' work, inside write(); see store/bulk.py."""
        return bulk.record_answers(conn, answers, self.session)

    def record_work_meta(self, conn: Connection, article_id: int, annotator: str, meta: dict[str, Any]) -> None:
        day.record_work_meta(self, conn, article_id, annotator, meta)

    def article(self, article_id: int) -> Article | None:
        return articles.article(self, article_id)

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        return articles.iter_articles(self, batch)

    def article_count(self) -> int:
        return articles.article_count(self)

    def spans(self, article_id: int, annotator: str) -> list[SpanView]:
        return articles.spans(self, article_id, annotator)

    def span(self, span_id: int, annotator: str) -> SpanView | None:
        return articles.span(self, span_id, annotator)

    # -- routing ------------------------------------------------------------------------

    def position(self, article_id: int, order: str = "import", seed: int = 0) -> tuple[int, int]:
        return routing.position(self, article_id, order, seed)

    def neighbour(self, article_id: int, step: int, annotator: str | None = None, overlap: int | None = None,
                  idle_s: float = IDLE_CLAIM_S, order: str = "import", seed: int = 0) -> int | None:
        return routing.neighbour(self, article_id, step, annotator, overlap, idle_s, order, seed)

    def next_article(self, annotator: str, overlap: int | None = 1, idle_s: float = IDLE_CLAIM_S,
                     order: str = "import", seed: int = 0) -> int | None:
        return routing.next_article(self, annotator, overlap, idle_s, order, seed)

    # -- decisions and states -----------------------------------------------------------

    def decide(self, annotator: str, span_id: int, action: str, *, label: str | None = None,
               start: int | None = None, end: int | None = None, speaker_span_id: int | None = None) -> SpanView:
        return decisions.decide(self, annotator, span_id, action, label=label, start=start, end=end,
                                speaker_span_id=speaker_span_id)

    def decide_many(self, annotator: str, made: Iterable[tuple[int, str, str | None]]) -> int:
        return decisions.decide_many(self, annotator, made)

    def add_span(self, annotator: str, article_id: int, start: int, end: int, label: str, kind: str,
                 speaker_of: int | None = None, cue_of: int | None = None) -> SpanView:
        return decisions.add_span(self, annotator, article_id, start, end, label, kind, speaker_of, cue_of)

    def undo(self, annotator: str, article_id: int) -> SpanView | None:
        return decisions.undo(self, annotator, article_id)

    def decisions(self, annotator: str | None = None, article_id: int | None = None) -> list[Decision]:
        return decisions.decisions(self, annotator, article_id)

    def set_progress(self, conn: Connection, article_id: int, annotator: str, status: str,
                     when: float | None = None) -> None:
        """The annotator's status on the article, inside write()."""
        routing.set_progress(conn, article_id, annotator, status, when)

    def finish(self, article_id: int, annotator: str, accept: Iterable[int] = ()) -> None:
        decisions.finish(self, article_id, annotator, accept)

    def set_status(self, article_id: int, annotator: str, status: str) -> None:
        decisions.set_status(self, article_id, annotator, status)

    def status(self, article_id: int, annotator: str) -> str:
        return decisions.status(self, article_id, annotator)

    def progress(self, annotator: str, article_id: int | None = None) -> Progress:
        return Progress(*decisions.progress_counts(self, annotator, article_id), self.article_count())

    # -- the annotator's day: active time and flags -------------------------------------

    def start_stretch(self, article_id: int, annotator: str) -> None:
        day.open_article(self, article_id, annotator)

    def active_seconds(self, article_id: int, annotator: str) -> float:
        return day.active_seconds(self, article_id, annotator)

    def set_flag(self, article_id: int, annotator: str, note: str) -> str | None:
        return day.flag_article(self, article_id, annotator, note)

    def flag(self, article_id: int, annotator: str) -> str | None:
        return day.flag_of(self, article_id, annotator)

    def next_flagged(self, annotator: str, after: int) -> int | None:
        return day.next_flagged(self, annotator, after)

    def flags(self, annotator: str | None = None) -> list[dict[str, Any]]:
        with self.connection() as conn:
            return day.flag_rows(conn, annotator)

    def work_meta(self, article_ids: Sequence[int]) -> dict[tuple[int, str], dict[str, Any]]:
        return day.work_meta_of(self, list(article_ids))

    # -- finished work, for export ------------------------------------------------------

    def count_work(self, annotator: str | None, include_unfinished: bool) -> int:
        return work.count_work(self, annotator, include_unfinished)

    def work_bounds(self, annotator: str | None, include_unfinished: bool, parts: int) -> list[int]:
        return work.work_bounds(self, annotator, include_unfinished, parts)

    def iter_work(self, annotator: str | None = None, include_unfinished: bool = False, batch: int = 500,
                  after: int = 0, upto: int | None = None) -> Iterator[list[WorkRow]]:
        return work.iter_work(self, annotator, include_unfinished, batch, after, upto)

    def iter_export(self, annotator: str | None = None, include_unfinished: bool = False,
                    after: int = 0, upto: int | None = None) -> Iterator[ExportPiece]:
        return work.iter_export(self, annotator, include_unfinished, after, upto)

    def exported_spans(self, article_ids: Sequence[int]) -> dict[tuple[int, str], list[SpanRow]]:
        return work.exported_spans(self, article_ids)

    def undecided_suggestions(self, article_ids: Sequence[int]) -> dict[int, list[SpanRow]]:
        return work.undecided_suggestions(self, article_ids)

    # -- review (adjudication) ----------------------------------------------------------

    def next_review(self, reviewer: str, after: int | None = None, step: int = 1,
                    include_gold: bool = False) -> int | None:
        return review.next_review(self, reviewer, after, step, include_gold)

    def load_review(self, article_id: int, reviewer: str) -> review.ReviewArticle:
        return review.load_review(self, article_id, reviewer)

    def review_summary(self) -> dict[str, int]:
        return review.review_summary(self)

    def choose_review(self, article: review.ReviewArticle, index: int, marks: Iterable[Any]) -> review.ReviewArticle:
        return review.choose(self, article, index, marks)

    def finish_review(self, article: review.ReviewArticle, force: bool = False) -> review.ReviewArticle:
        return review.finish(self, article, force)

    # -- counts for `stats` -------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        return articles.stats(self) | {"annotators": self.annotator_figures()}

    def annotator_figures(self) -> dict[str, dict[str, Any]]:
        with self.connection() as conn:
            return day.annotator_figures(conn)
