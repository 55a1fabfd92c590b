"""Writing many rows at once, inside an open Store.write(): spans from packed rows, and
annotated lines (Prodigy db-out, our own export) as annotators' decisions.

Import spends its time here, so rows are made by SQLite, not bound one by one from Python:
spans come from json_each over the packed rows a parsing worker made (store/codec.py), and the
decisions and states of a batch come from set-based INSERT … SELECT.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import NamedTuple

from annotator.model import PackedSpans, SpanDraft
from annotator.store import dialect
from annotator.store.codec import decode_spans, encode_spans
from annotator.store.dialect import Connection
from annotator.store.routing import set_progress

_LAST_ID = {name: f"SELECT {expression}" for name, expression in dialect.LAST_ID.items()}


def next_span_id(conn: Connection) -> int:
    return conn.execute("SELECT coalesce(max(id), 0) + 1 FROM spans").fetchone()[0]


def insert_span_rows(conn: Connection, article_id: int, rows: bytes, origin: str,
                     created_by: str | None = None, created_at: float | None = None,
                     first: int | None = None, model: str | None = None) -> range:
    """Insert packed span rows (codec.encode_spans) of one article; the ids they got, in order.
    `first`: the next span id, when the caller already knows it; `model`: the model that suggested them."""
    first = next_span_id(conn) if first is None else first
    cur = conn.execute(dialect.INSERT_SPAN_ROWS[dialect.dialect_of(conn)], {
        "first": first, "article_id": article_id, "rows": dialect.json_param(conn, rows), "origin": origin,
        "created_by": created_by,
        "created_at": time.time() if created_at is None else created_at, "model": model,
    })
    return range(first, first + cur.rowcount)


def span_rows(spans: Sequence[SpanDraft] | PackedSpans) -> bytes:
    return spans.rows if isinstance(spans, PackedSpans) else encode_spans(spans)


def span_drafts(spans: Sequence[SpanDraft] | PackedSpans) -> Sequence[SpanDraft]:
    if not isinstance(spans, PackedSpans):
        return spans
    return [SpanDraft(s, e, label, kind, speaker, entity, (cs, ce) if cs is not None else None, cue)  # type: ignore[arg-type]
            for s, e, label, kind, speaker, entity, cs, ce, cue in decode_spans(spans.rows)]


class Answer(NamedTuple):
    """An annotated line, its article already in the store."""

    article_id: int
    new_article: bool  # made by this import: nobody has worked on it, it has no suggestions
    annotator: str
    spans: Sequence[SpanDraft] | PackedSpans
    answer: str  # accept | reject | ignore
    timestamp: float


_STATUS = {"accept": "done", "reject": "rejected", "ignore": "ignored"}


def record_answers(conn: Connection, answers: Sequence[Answer], session: str) -> list[int | None]:
    """Each answer as its annotator's work. accept: every span accepted with its label and speaker,
    the article done; reject/ignore: kept as the article's status. Spans that match a shared
    suggestion exactly are decided on; the others become that annotator's own spans.
    Per answer: the number of spans recorded, or None when the annotator had already worked on it.
    """
    results: list[int | None] = []
    own: list[Answer] = []  # articles without suggestions: every span is the annotator's own
    matched: list[tuple[Answer, dict]] = []  # articles with suggestions to match spans against
    for item in answers:
        if not item.new_article and conn.execute(
                "SELECT 1 FROM progress WHERE article_id = ? AND annotator = ? AND status != 'todo'",
                (item.article_id, item.annotator)).fetchone():
            results.append(None)
            continue
        set_progress(conn, item.article_id, item.annotator, _STATUS[item.answer], item.timestamp)
        count = item.spans.count if isinstance(item.spans, PackedSpans) else len(item.spans)
        results.append(count if item.answer == "accept" else 0)
        if item.answer != "accept" or not count:
            continue
        shared = {} if item.new_article else {
            (start, end, label): (sid, speaker, entity)
            for sid, start, end, label, speaker, entity in conn.execute(
                'SELECT id, start, "end", label, speaker_span_id, speaker_entity_span_id FROM spans'
                " WHERE article_id = ? AND created_by IS NULL", (item.article_id,))
        }
        if shared:
            matched.append((item, shared))
        else:
            own.append(item)
    if own:
        _record_own(conn, own, session)
    if matched:
        _record_matched(conn, matched, session)
    return results


def _record_own(conn: Connection, answers: Sequence[Answer], session: str) -> None:
    """Spans from json_each, then their accept decisions and states from the new spans' id range."""
    first = next_id = next_span_id(conn)
    for item in answers:
        next_id = insert_span_rows(conn, item.article_id, span_rows(item.spans), "import", item.annotator,
                                   item.timestamp, next_id).stop
    cur = conn.execute(
        "INSERT INTO decisions (span_id, article_id, annotator, action, label, session, created_at)"
        " SELECT id, article_id, created_by, 'accept', label, :session, created_at FROM spans"
        " WHERE id >= :first ORDER BY id", {"first": first, "session": session})
    # Spans and their decisions were numbered in the same order, without gaps.
    first_decision = conn.execute(_LAST_ID[dialect.dialect_of(conn)]).fetchone()[0] - cur.rowcount + 1
    conn.execute(
        'INSERT INTO states (span_id, annotator, article_id, status, label, start, "end",'
        " speaker_span_id, speaker_entity_span_id, decision_id)"
        ' SELECT id, created_by, article_id, \'accepted\', label, start, "end", speaker_span_id,'
        " speaker_entity_span_id, :first_decision + id - :first FROM spans WHERE id >= :first",
        {"first": first, "first_decision": first_decision})


def _record_matched(conn: Connection, answers: Sequence[tuple[Answer, dict]], session: str) -> None:
    """Answers on articles with suggestions. Spans are bound from Python once, into a temporary
    table; the spans, decisions and states rows are then made from it by set-based INSERT … SELECT.
    A quote matched to a suggestion whose speaker differs gets a speaker decision as well."""
    staged: list[tuple] = []
    speaker_changes: list[tuple] = []
    base = next_span_id(conn)  # we hold the write lock
    for item, shared in answers:
        drafts = span_drafts(item.spans)
        first = len(staged)
        ids = [shared[key][0] if (key := (d.start, d.end, d.label)) in shared else base + first + n
               for n, d in enumerate(drafts)]
        for n, d in enumerate(drafts):
            speaker = first + d.speaker if d.speaker is not None else None
            entity = first + d.speaker_entity if d.speaker_entity is not None else None
            suggested = shared.get((d.start, d.end, d.label))
            staged.append((first + n, item.article_id, item.annotator, item.timestamp, d.start, d.end, d.label,
                           d.kind, speaker, entity, suggested[0] if suggested else None))
            if suggested is not None and d.kind == "quote":
                line_speaker = ids[d.speaker] if d.speaker is not None else None
                line_entity = ids[d.speaker_entity] if d.speaker_entity is not None else None
                if suggested[1:] != (line_speaker, line_entity):
                    speaker_changes.append((ids[n], item.article_id, item.annotator, line_speaker, session,
                                            item.timestamp))
    conn.execute(dialect.STAGED_ANSWERS[dialect.dialect_of(conn)])
    conn.execute("DELETE FROM temp.staged_answers")
    conn.executemany("INSERT INTO temp.staged_answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", staged)
    span_id = "coalesce(a.shared_id, :base + a.seq)"
    linked = "(SELECT coalesce(b.shared_id, :base + b.seq) FROM temp.staged_answers b WHERE b.seq = a.{})"
    speaker, entity = linked.format("speaker"), linked.format("entity")
    conn.execute(
        'INSERT INTO spans (id, article_id, start, "end", label, kind, origin, created_by, created_at,'
        f" speaker_span_id, speaker_entity_span_id) SELECT :base + a.seq, a.article_id, a.start, a.\"end\","
        f" a.label, a.kind, 'import', a.annotator, a.ts, {speaker}, {entity}"
        " FROM temp.staged_answers a WHERE a.shared_id IS NULL ORDER BY a.seq", {"base": base})
    cur = conn.execute(
        "INSERT INTO decisions (span_id, article_id, annotator, action, label, session, created_at)"
        f" SELECT {span_id}, a.article_id, a.annotator, 'accept', a.label, :session, a.ts"
        " FROM temp.staged_answers a ORDER BY a.seq", {"base": base, "session": session})
    first_decision = conn.execute(_LAST_ID[dialect.dialect_of(conn)]).fetchone()[0] - cur.rowcount + 1
    conn.executemany(
        "INSERT INTO decisions (span_id, article_id, annotator, action, speaker_span_id, session, created_at)"
        " VALUES (?, ?, ?, 'speaker', ?, ?, ?)", speaker_changes)
    # A state's decision_id is the span's accept (decisions were numbered in staging order). A line
    # that gives a suggested span twice stages it twice: SQLite's OR REPLACE keeps the later row;
    # PostgreSQL refuses to upsert one row twice in a statement, so it is given the later row alone.
    last_only, last_order = dialect.last_row_per_key(conn)
    conn.execute(
        'INSERT OR REPLACE INTO states (span_id, annotator, article_id, status, label, start, "end",'
        " speaker_span_id, speaker_entity_span_id, decision_id)"
        f" SELECT {last_only}{span_id}, a.annotator, a.article_id, 'accepted',"
        f" a.label, a.start, a.\"end\", {speaker}, {entity}, :first_decision + a.seq FROM temp.staged_answers a"
        + last_order,
        {"base": base, "first_decision": first_decision})
    conn.execute("DELETE FROM temp.staged_answers")
