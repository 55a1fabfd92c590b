"""Decisions and states: the append-only log of what each annotator decided on each span, and the
state each span is left in per annotator (session.fold_state, the rule, kept per span in `states`).

A decision is one write transaction: the span and its standing decisions are read, the new state
is folded (session.fold_state), and the decision, the state, the annotator's place and their active
time are written. On SQLite that is append() below. On PostgreSQL it is one round trip: the
server-side function annotator_decide (migration 7, dialect.DECIDE) does the same, its fold the
same rule said in SQL (tests/test_store.py runs both side by side); docs/postgres.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotator.errors import UserError
from annotator.model import ACTIONS, Decision, SpanDraft, SpanView
from annotator.session import SpanState, fold_state
from annotator.store import articles, day, dialect, routing
from annotator.store.base import Database
from annotator.store.dialect import Connection

# The span (as SpanView's columns, the state's left out), with the kind of a span named as its speaker.
_SPAN = ('SELECT s.id, s.article_id, s.kind, s.origin, s.label, s.start, s."end", s.speaker_span_id,'
         " s.speaker_entity_span_id, s.cue_start, s.cue_end, s.created_by,"
         " (SELECT k.kind FROM spans k WHERE k.id = ?), s.cue_span_id FROM spans s WHERE s.id = ?")
# One annotator's decisions on one span that stand (neither an undo nor undone), oldest first.
_STANDING = ('SELECT d.id, d.action, d.label, d.start, d."end", d.speaker_span_id, sp.kind FROM decisions d'
             " LEFT JOIN spans sp ON sp.id = d.speaker_span_id"
             " WHERE d.annotator = ? AND d.article_id = (SELECT s.article_id FROM spans s WHERE s.id = ?) AND d.span_id = ?"
             " AND d.action != 'undo'"
             " AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id) ORDER BY d.id")
_INSERT = ('INSERT INTO decisions (span_id, article_id, annotator, action, label, start, "end", speaker_span_id,'
           " undoes, session, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_STATE = ('INSERT OR REPLACE INTO states (span_id, annotator, article_id, status, label, start, "end",'
          " speaker_span_id, speaker_entity_span_id, cue_span_id, decision_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {})")


def _read(conn: Connection, span_id: int, annotator: str, speaker_span_id: int | None = None) -> tuple[Any, list]:
    """The span and its standing decisions (PostgreSQL: with the BEGIN before them, one round trip)."""
    found, standing = dialect.batch(conn, [(_SPAN, (speaker_span_id, span_id)),
                                           (_STANDING, (annotator, span_id, span_id))])
    if not found:
        raise UserError(f"no span {span_id}")
    return found[0], standing


def append(db: Database, conn: Connection, annotator: str, span_id: int, action: str, label: str | None = None,
           start: int | None = None, end: int | None = None, speaker_span_id: int | None = None) -> SpanView:
    """Inside write(): log one decision and refresh the span's state, place and active time; the
    span as it now stands. The writes wait for the COMMIT (dialect.later: one round trip)."""
    span, standing = _read(conn, span_id, annotator, speaker_span_id)
    article_id, suggested, speaker_kind = span[1], span[4:9], span[12]
    state = fold_state(SpanState("undecided", *suggested), [
        *(row[1:] for row in standing), (action, label, start, end, speaker_span_id, speaker_kind)])
    now = db.clock()
    dialect.later(conn, _INSERT, (span_id, article_id, annotator, action, label, start, end, speaker_span_id, None,
                                  db.session, now))
    # The state's decision is the one just logged: its id is the connection's last inserted.
    dialect.later(conn, _STATE.format(dialect.LAST_ID[dialect.dialect_of(conn)]), (span_id, annotator, article_id,
                                                                                   *state))
    routing.keep_place(conn, article_id, annotator, now, dialect.later)
    day.count_action(conn, article_id, annotator, now, db.idle_after, dialect.later)
    cue = (span[9], span[10]) if span[9] is not None else None
    return SpanView._make((*span[:7], *state[:6], cue, span[11], state.cue if state.cue is not None else span[13]))


def refresh_state(conn: Connection, span_id: int, annotator: str) -> None:
    """Recompute one span's state for one annotator from its standing decisions (after an undo)."""
    span, rows = _read(conn, span_id, annotator)
    article_id, base = span[1], span[4:9]
    if not rows:
        conn.execute("DELETE FROM states WHERE span_id = ? AND annotator = ?", (span_id, annotator))
        return
    state = fold_state(SpanState("undecided", *base), [row[1:] for row in rows])
    conn.execute(_STATE.format("?"), (span_id, annotator, article_id, *state, rows[-1][0]))


def decide(db: Database, annotator: str, span_id: int, action: str, *, label: str | None = None,
           start: int | None = None, end: int | None = None, speaker_span_id: int | None = None) -> SpanView:
    """Append one decision and return the span's new state. Committed before it returns."""
    if action not in ACTIONS or action == "undo":
        raise ValueError(f"unknown action {action!r}")
    on_server = dialect.DECIDE[db.dialect]
    if on_server is None:
        with db.write(annotator=annotator) as conn:
            return append(db, conn, annotator, span_id, action, label, start, end, speaker_span_id)
    # PostgreSQL: the same, and the write's locks and COMMIT, in one call (one round trip).
    with db.connection() as conn:
        answer = dialect.decide(conn, on_server, (span_id, speaker_span_id, annotator, action, label, start, end,
                                                  db.session, db.clock(), db.idle_after))
    if not answer:
        raise UserError(f"no span {span_id}")
    row = answer[0]
    cue = (row[13], row[14]) if row[13] is not None else None
    return SpanView._make((*row[:13], cue, row[15], row[16]))


def decide_many(db: Database, annotator: str, decisions: Iterable[tuple[int, str, str | None]]) -> int:
    """Several (span_id, action, label) decisions in one transaction (accept all, imports)."""
    count = 0
    with db.write() as conn:
        for span_id, action, label in decisions:
            append(db, conn, annotator, span_id, action, label)
            count += 1
    return count


def add_span(db: Database, annotator: str, article_id: int, start: int, end: int, label: str, kind: str,
             speaker_of: int | None = None, cue_of: int | None = None) -> SpanView:
    """A span the annotator marked themselves: origin manual, accepted at once; with `speaker_of`
    (`cue_of`), also made that quote's speaker (cue), in the same transaction."""
    with db.write() as conn:
        (span_id,) = articles.insert_spans(conn, article_id, [SpanDraft(start, end, label, kind)],  # type: ignore[arg-type]
                                           "manual", annotator)
        append(db, conn, annotator, span_id, "accept", label)
        if speaker_of is not None:
            append(db, conn, annotator, speaker_of, "speaker", speaker_span_id=span_id)
        if cue_of is not None:
            append(db, conn, annotator, cue_of, "cue", speaker_span_id=span_id)
    view = articles.span(db, span_id, annotator)
    assert view is not None
    return view


def undo(db: Database, annotator: str, article_id: int) -> SpanView | None:
    """Reverse this annotator's latest standing decision in the article (appends an undo).

    Returns the span as it now stands, or None when there is nothing left to undo.
    """
    with db.write(annotator=annotator) as conn:
        row = conn.execute(
            "SELECT d.id, d.span_id FROM decisions d WHERE d.annotator = ? AND d.article_id = ?"
            " AND d.action != 'undo' AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id)"
            " ORDER BY d.id DESC LIMIT 1",
            (annotator, article_id),
        ).fetchone()
        if row is None:
            return None
        target, span_id = row
        now = db.clock()
        conn.execute(_INSERT, (span_id, article_id, annotator, "undo", None, None, None, None, target, db.session, now))
        refresh_state(conn, span_id, annotator)
        day.count_action(conn, article_id, annotator, now, db.idle_after)
    return articles.span(db, span_id, annotator)


def decisions(db: Database, annotator: str | None = None, article_id: int | None = None) -> list[Decision]:
    where, params = [], []
    if annotator is not None:
        where.append("annotator = ?")
        params.append(annotator)
    if article_id is not None:
        where.append("article_id = ?")
        params.append(article_id)
    sql = ('SELECT id, span_id, article_id, annotator, action, label, start, "end", speaker_span_id, undoes,'
           " created_at FROM decisions")
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [Decision(*row) for row in db.query(sql + " ORDER BY id", params)]


# -- the annotator's answer on the article ------------------------------------------------------


def finish(db: Database, article_id: int, annotator: str, accept: Iterable[int] = ()) -> None:
    """Done: accept these spans and mark the article done, in one transaction."""
    span_ids = list(accept)
    with db.write() as conn:
        now = db.clock()
        if span_ids:
            _accept_many(db, conn, article_id, annotator, span_ids, now)
        routing.set_progress(conn, article_id, annotator, "done", now)
        day.count_action(conn, article_id, annotator, now, db.idle_after)


def _accept_many(db: Database, conn: Connection, article_id: int, annotator: str, span_ids: list[int],
                 now: float) -> None:
    """One accept per span, in bulk: as many `append` calls, in a fraction of the time (each of those
    folds the span's decisions: 10,000 spans took 8.8 s). An accept over a span's standing state is
    that state, accepted: no fold is needed."""
    (before,) = conn.execute("SELECT coalesce(max(id), 0) FROM decisions").fetchone()
    conn.executemany(
        "INSERT INTO decisions (span_id, article_id, annotator, action, session, created_at)"
        " SELECT id, article_id, ?, 'accept', ?, ? FROM spans WHERE id = ? AND article_id = ?",
        [(annotator, db.session, now, span_id, article_id) for span_id in span_ids])
    conn.execute(
        'INSERT INTO states (span_id, annotator, article_id, status, label, start, "end", speaker_span_id,'
        " speaker_entity_span_id, decision_id)"
        ' SELECT s.id, d.annotator, s.article_id, \'accepted\', s.label, s.start, s."end", s.speaker_span_id,'
        " s.speaker_entity_span_id, d.id FROM decisions d JOIN spans s ON s.id = d.span_id"
        " WHERE d.id > ? AND d.annotator = ? AND d.article_id = ?"
        " ON CONFLICT (span_id, annotator) DO UPDATE SET status = 'accepted', decision_id = excluded.decision_id",
        (before, annotator, article_id))
    routing.keep_place(conn, article_id, annotator, now)
    for _ in span_ids:  # each accept is an action, as `append` counts it
        day.count_action(conn, article_id, annotator, now, db.idle_after)


def set_status(db: Database, article_id: int, annotator: str, status: str) -> None:
    """An annotator's answer on the article (done, skipped…): an action, counted in active time.
    Only this annotator's rows: it runs beside other annotators' decisions, as a decision does."""
    with db.write(annotator=annotator) as conn:
        now = db.clock()
        dialect.later(conn, *routing.progress_upsert(article_id, annotator, status, now))
        day.count_action(conn, article_id, annotator, now, db.idle_after, dialect.later)


def status(db: Database, article_id: int, annotator: str) -> str:
    row = db.one("SELECT status FROM progress WHERE article_id = ? AND annotator = ?", (article_id, annotator))
    return row[0] if row else "todo"


def progress_counts(db: Database, annotator: str, article_id: int | None) -> tuple[int, int, int]:
    """(spans decided in the article, spans in it, articles this annotator finished)."""
    decided = total = 0
    if article_id is not None:
        decided, total = db.one(
            "SELECT count(*) FILTER (WHERE st.status IN ('accepted', 'rejected')), count(*)"
            " FROM spans s LEFT JOIN states st ON st.span_id = s.id AND st.annotator = ?"
            " WHERE s.article_id = ? AND (s.created_by IS NULL OR st.span_id IS NOT NULL)",
            (annotator, article_id),
        )
    done = db.one("SELECT count(*) FROM progress WHERE annotator = ? AND status = 'done'", (annotator,))[0]
    return decided, total, done

