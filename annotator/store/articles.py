"""Articles and their spans: importing them, reading them, and how one annotator sees a span."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from typing import Any

from annotator.model import Article, ArticleDraft, SpanDraft, SpanView
from annotator.store import bulk
from annotator.store.base import Database
from annotator.store.codec import encode_spans, encode_tokens
from annotator.store.dialect import Connection
from annotator.store.paging import pages

# A span as one annotator sees it: their state over the suggestion.
SPAN_VIEW_SQL = """
SELECT s.id, s.article_id, s.kind, s.origin, s.label, s.start, s."end",
       coalesce(st.status, 'undecided'), coalesce(st.label, s.label),
       coalesce(st.start, s.start), coalesce(st."end", s."end"),
       CASE WHEN st.span_id IS NULL THEN s.speaker_span_id ELSE st.speaker_span_id END,
       CASE WHEN st.span_id IS NULL THEN s.speaker_entity_span_id ELSE st.speaker_entity_span_id END,
       s.cue_start, s.cue_end, s.created_by, coalesce(st.cue_span_id, s.cue_span_id)
FROM spans s LEFT JOIN states st ON st.span_id = s.id AND st.annotator = :annotator
"""
ARTICLE_SQL = "SELECT id, hash, text, title, source, date, dateline, meta, token_bounds FROM articles"


def span_view(row: Sequence[Any]) -> SpanView:
    # Columns in SpanView's field order; the cue's two columns become one (start, end) or None.
    cue = (row[13], row[14]) if row[13] is not None else None
    return SpanView._make((*row[:13], cue, row[15], row[16]))


def article_of(row: Sequence[Any]) -> Article:
    return Article(
        id=row[0], hash=row[1], text=row[2], title=row[3], source=row[4], date=row[5],
        dateline=row[6], meta=json.loads(row[7] or "{}"), token_bounds=row[8] or b"",
    )


# -- import (inside an open write) ------------------------------------------------------------


def insert_article(conn: Connection, draft: ArticleDraft, digest: str, tokens: Sequence[tuple[int, int]],
                   origin: str, with_spans: bool = True, model: str | None = None) -> int | None:
    """Insert one article (and its spans as suggestions); None when it is already there."""
    encoded = draft.encoded_tokens or encode_tokens(draft.text, tokens, draft.token_dicts)
    cur = conn.execute(
        "INSERT OR IGNORE INTO articles (hash, title, source, date, dateline, text, meta, tokens, token_bounds,"
        " imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (digest, draft.title, draft.source, draft.date, draft.dateline, draft.text,
         json.dumps(draft.meta, ensure_ascii=False), *encoded, time.time()),
    )
    if cur.rowcount == 0:
        return None
    article_id = cur.lastrowid
    if with_spans and draft.span_count:
        bulk.insert_span_rows(conn, article_id, bulk.span_rows(draft.packed_spans or draft.spans), origin,
                              model=model if origin == "model" else None)
    return article_id


def insert_spans(conn: Connection, article_id: int, drafts: Sequence[SpanDraft], origin: str,
                 created_by: str | None = None) -> list[int]:
    """Insert span drafts; their speaker links are indexes into `drafts`, turned into ids here."""
    return list(bulk.insert_span_rows(conn, article_id, encode_spans(drafts), origin, created_by))


def article_id_of(conn: Connection, digest: str) -> int | None:
    row = conn.execute("SELECT id FROM articles WHERE hash = ?", (digest,)).fetchone()
    return row[0] if row else None


# -- reads ------------------------------------------------------------------------------------


def has_hash(db: Database, digest: str) -> bool:
    return db.one("SELECT 1 FROM articles WHERE hash = ?", (digest,)) is not None


def article(db: Database, article_id: int) -> Article | None:
    row = db.one(ARTICLE_SQL + " WHERE id = ?", (article_id,))
    return article_of(row) if row else None


def iter_articles(db: Database, batch: int = 500) -> Iterator[Article]:
    """Every article in id order, fetched in batches (never the whole table at once)."""
    for rows in pages(lambda last: db.query(ARTICLE_SQL + " WHERE id > ? ORDER BY id LIMIT ?", (last, batch)), batch):
        yield from map(article_of, rows)


def article_count(db: Database) -> int:
    return db.one("SELECT count(*) FROM articles")[0]


def spans(db: Database, article_id: int, annotator: str) -> list[SpanView]:
    """The article's spans as this annotator sees them, in text order.

    Manual spans are private to their maker; one whose making was undone is hidden.
    """
    rows = db.query(
        SPAN_VIEW_SQL + " WHERE s.article_id = :article AND (s.created_by IS NULL OR st.span_id IS NOT NULL)"
        ' ORDER BY coalesce(st.start, s.start), coalesce(st."end", s."end") DESC, s.id',
        {"annotator": annotator, "article": article_id},
    )
    return [span_view(row) for row in rows]


def span(db: Database, span_id: int, annotator: str) -> SpanView | None:
    row = db.one(SPAN_VIEW_SQL + " WHERE s.id = :span", {"annotator": annotator, "span": span_id})
    return span_view(row) if row else None


def stats(db: Database) -> dict[str, Any]:
    """Counts for `stats`: articles, spans by label and origin, standing decisions, flags."""
    q, one = db.query, db.one
    return {
        "articles": article_count(db),
        "spans": one("SELECT count(*) FROM spans")[0],
        "spans_by_label": dict(q("SELECT label, count(*) FROM spans GROUP BY label ORDER BY count(*) DESC, label")),
        "spans_by_origin": dict(q("SELECT origin, count(*) FROM spans GROUP BY origin ORDER BY count(*) DESC, origin")),
        # Standing decisions (an undo row and the decision it reverses count for nothing); the log's size apart.
        "decisions": one(
            "SELECT count(*) FILTER (WHERE action != 'undo') - count(*) FILTER (WHERE action = 'undo')"
            " FROM decisions")[0],
        "decision_log": one("SELECT count(*) FROM decisions")[0],
        "flags": one("SELECT count(*) FROM flags")[0],
    }
