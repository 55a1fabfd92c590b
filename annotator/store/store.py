"""All reads and writes of annotation data. The TUI and the CLI both call this; SQL lives in annotator/store/ only."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from annotator.dburl import is_url, shown
from annotator.errors import UserError
from annotator.model import ACTIONS, IDLE_AFTER_S, Article, ArticleDraft, Decision, Progress, SpanView
from annotator.store import bulk, day, ordering
from annotator.store.codec import decode_bounds, encode_spans, encode_tokens, token_json
from annotator.store.connection import BUSY_TIMEOUT_MS, bulk_loading, open_database
from annotator.store.paging import pages
from annotator.store.rows import ExportPiece, SpanRow, WorkRow

FINISHED = ("done", "skipped", "rejected", "ignored")
# An article someone opened and then left alone this long no longer holds their place: others
# may take it (Prodigy calls this work stealing). Their work stays theirs, and they may finish it.
IDLE_CLAIM_S = 30 * 60
# Places an article has: annotators who finished it, or hold it and were active lately.
_PLACES_TAKEN = ("(SELECT count(*) FROM progress q WHERE q.article_id = a.id"
                 " AND (q.status != 'doing' OR q.updated_at >= :active_since))")
WRITE_WAIT_S = 10.0  # how long a write waits for the lock before saying the database is busy

_SPAN_VIEW_SQL = """
SELECT s.id, s.article_id, s.kind, s.origin, s.label, s.start, s."end",
       coalesce(st.status, 'undecided'), coalesce(st.label, s.label),
       coalesce(st.start, s.start), coalesce(st."end", s."end"),
       CASE WHEN st.span_id IS NULL THEN s.speaker_span_id ELSE st.speaker_span_id END,
       CASE WHEN st.span_id IS NULL THEN s.speaker_entity_span_id ELSE st.speaker_entity_span_id END,
       s.cue_start, s.cue_end, s.created_by
FROM spans s LEFT JOIN states st ON st.span_id = s.id AND st.annotator = :annotator
"""


def _span_view(row: Sequence[Any]) -> SpanView:
    # Columns in SpanView's field order; the cue's two columns become one (start, end) or None.
    cue = (row[13], row[14]) if row[13] is not None else None
    return SpanView._make((*row[:13], cue, row[15]))


def _article(row: Sequence[Any]) -> Article:
    return Article(
        id=row[0], hash=row[1], text=row[2], title=row[3], source=row[4], date=row[5],
        dateline=row[6], meta=json.loads(row[7] or "{}"), token_bounds=row[8] or b"",
    )


_ARTICLE_SQL = "SELECT id, hash, text, title, source, date, dateline, meta, token_bounds FROM articles"


class Store:
    """One database. Safe to share between the UI thread and one worker: calls are serialised."""

    def __init__(self, path: str | Path, create: bool = True) -> None:
        # An SQLite file's path, or a PostgreSQL URL (kept whole: export's workers open it again).
        self.path: str | Path = path if is_url(path) else Path(path)
        self.where = shown(path)  # how messages name it: a URL without its password
        self.conn: Any = open_database(self.path, create=create)
        self.dialect: str = getattr(self.conn, "dialect", "sqlite")  # sqlite | postgresql
        self.session = uuid.uuid4().hex[:12]
        self._lock = threading.RLock()
        # Active time (store/day.py): the schema's idle_after, set by whoever opens the store for an
        # annotator; the clock is a seam for tests (a fake clock makes idle gaps in no time).
        self.idle_after = IDLE_AFTER_S
        self.clock = time.time

    @property
    def db(self):
        """A sqlite-utils view of the same connection, for scripts and tests (not imported on open). SQLite only."""
        import sqlite_utils

        if self.dialect != "sqlite":
            raise TypeError("Store.db is a sqlite-utils view: SQLite databases only")

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def write(self, bulk: bool = False) -> Iterator[Any]:
        """BEGIN IMMEDIATE ... COMMIT: take the write lock before reading, retry while busy.
        (PostgreSQL: BEGIN and the writers' advisory lock, the same rule: _write_postgres.)
        `bulk`: an import's batch, with connection.bulk_loading's pragmas (SQLite).

        We poll for the lock every 0.5-5 ms (jittered) for at most WRITE_WAIT_S, then say the
        database is busy. SQLite's own busy handler sleeps up to 100 ms between tries, so with
        eight writers one could wait over a second while the others took turns; and 50 tries of
        its 10 s timeout once meant a stall of eight minutes. benchmarks/concurrency.py measures it.
        """
        with self._lock:
            if self.dialect != "sqlite":
                yield from self._write_postgres()
                return
            with bulk_loading(self.conn) if bulk else nullcontext():
                yield from self._write_sqlite()

    def _write_sqlite(self) -> Iterator[Any]:
        deadline = time.monotonic() + WRITE_WAIT_S
        delay = 0.0005
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                    if time.monotonic() >= deadline:
                        raise UserError(f"{self.where}: the database stayed busy for {WRITE_WAIT_S:.0f} s;"
                                        " try again in a moment") from None
                    time.sleep(delay * (0.5 + random.random()))
                    delay = min(delay * 1.5, 0.005)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _write_postgres(self) -> Iterator[Any]:
        """BEGIN, then the writers' advisory lock (store/postgres.py): writers take turns as with
        BEGIN IMMEDIATE, waiting at most WRITE_WAIT_S."""
        self.conn.begin_write(WRITE_WAIT_S)
        try:
            yield self.conn
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    @contextmanager
    def snapshot(self) -> Iterator[Any]:
        """One read transaction: every read inside sees one state of the database, whatever others
        write meanwhile (SQLite: a WAL read transaction; PostgreSQL: REPEATABLE READ READ ONLY)."""
        with self._lock:
            if self.dialect == "sqlite":
                self.conn.execute("BEGIN")
            else:
                self.conn.begin_read()
            try:
                yield self.conn
            finally:
                self.conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """A cursor for the store's own modules (review.py, day.py…) to read with: rows by name.

        Holds the store's lock, so the UI thread and a worker never interleave on the connection.
        """
        with self._lock:
            cursor = self.conn.cursor()
            if self.dialect == "sqlite":
                cursor.row_factory = sqlite3.Row  # PostgreSQL's rows are read by name already
            try:
                yield cursor
            finally:
                cursor.close()

    def columns(self, table: str) -> list[str]:
        """A table's column names, in their order (what a database made by an older annotator has)."""
        if self.dialect == "sqlite":
            return [row[1] for row in self._query(f"PRAGMA table_info({table})")]
        return [row[0] for row in self._query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ? ORDER BY ordinal_position", (table,))]

    def _query(self, sql: str, params: Any = ()) -> list[Any]:
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Any = ()) -> Any:
        with self._lock:
            return self.conn.execute(sql, params).fetchone()

    # -- articles -----------------------------------------------------------------------

    def has_hash(self, digest: str) -> bool:
        return self._one("SELECT 1 FROM articles WHERE hash = ?", (digest,)) is not None

    def insert_article(self, conn: sqlite3.Connection, draft: ArticleDraft, digest: str,
                       tokens: Sequence[tuple[int, int]], origin: str, with_spans: bool = True,
                       model: str | None = None) -> int | None:
        """Insert one article (and its spans as suggestions) inside an open write(); None when it is already there."""
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

    def insert_spans(self, conn: sqlite3.Connection, article_id: int, drafts: Sequence[Any], origin: str,
                     created_by: str | None = None) -> list[int]:
        """Insert span drafts; their speaker links are indexes into `drafts`, turned into ids here."""
        return list(bulk.insert_span_rows(conn, article_id, encode_spans(drafts), origin, created_by))

    def article_id_of(self, conn: sqlite3.Connection, digest: str) -> int | None:
        row = conn.execute("SELECT id FROM articles WHERE hash = ?", (digest,)).fetchone()
        return row[0] if row else None

    def record_answers(self, conn: sqlite3.Connection, answers: Sequence[bulk.Answer]) -> list[int | None]:
        """Annotated lines as annotators' work, inside write(); see store/bulk.py."""
        return bulk.record_answers(conn, answers, self.session, self._set_status)

    def article(self, article_id: int) -> Article | None:
        row = self._one(_ARTICLE_SQL + " WHERE id = ?", (article_id,))
        return _article(row) if row else None

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        """Every article in id order, fetched in batches (never the whole table at once)."""
        for rows in pages(lambda last: self._query(_ARTICLE_SQL + " WHERE id > ? ORDER BY id LIMIT ?", (last, batch)),
                          batch):
            yield from map(_article, rows)

    def article_count(self) -> int:
        return self._one("SELECT count(*) FROM articles")[0]

    def position(self, article_id: int, order: str = "import", seed: int = 0) -> tuple[int, int]:
        """(n, total): this is article n of total in routing's `order` (store/ordering.py)."""
        if order == "import":
            n = self._one("SELECT count(*) FROM articles WHERE id <= ?", (article_id,))[0]
            return n, self.article_count()
        here = self._one(ordering.here_key_sql(order, seed), {"here": article_id})
        if here is None:
            return 0, self.article_count()
        key = ordering.sort_key(order, seed)
        n = self._one(f"SELECT count(*) FROM articles a{ordering.join(order)}"
                      f" WHERE {key} < :key OR ({key} = :key AND a.id <= :here)",
                      {"key": here[0], "here": article_id})[0]
        return n, self.article_count()

    def neighbour(self, article_id: int, step: int, annotator: str | None = None,
                  overlap: int | None = None, idle_s: float = IDLE_CLAIM_S, order: str = "import",
                  seed: int = 0) -> int | None:
        """The next (step > 0) or previous article id in routing's `order` (store/ordering.py), or
        None at either end: `]` from the article routing gave goes where routing would go next.

        With an annotator and an overlap, articles that already have `overlap` other annotators
        are passed over: browsing to one and deciding on it would take a place it does not have.
        """
        params: dict[str, Any] = {"here": article_id}
        joined, where, order_by = ordering.neighbour_sql(order, step, seed)
        if order != "import":
            here = self._one(ordering.here_key_sql(order, seed), params)
            if here is None:
                return None
            params["here_key"] = here[0]
        if annotator is not None and overlap is not None:
            where += (" AND (EXISTS (SELECT 1 FROM progress p WHERE p.article_id = a.id AND p.annotator = :annotator)"
                      f" OR {_PLACES_TAKEN} < :overlap)")
            params |= {"annotator": annotator, "overlap": overlap, "active_since": time.time() - idle_s}
        row = self._one(f"SELECT a.id FROM articles a{joined} WHERE {where} ORDER BY {order_by} LIMIT 1", params)
        return row[0] if row else None

    def next_article(self, annotator: str, overlap: int | None = 1, idle_s: float = IDLE_CLAIM_S,
                     order: str = "import", seed: int = 0) -> int | None:
        """Where this annotator resumes or starts: their unfinished article, else claim a new one,
        the first in `order` (store/ordering.py: import, uncertain by the stored rank, random).

        Claiming happens inside BEGIN IMMEDIATE, so two annotators starting in the same second
        never both take an article that has room for only one of them. overlap=None: everyone.
        A place held by someone idle for `idle_s` is free (IDLE_CLAIM_S).
        """
        row = self._one(
            "SELECT article_id FROM progress WHERE annotator = ? AND status = 'doing' ORDER BY article_id LIMIT 1",
            (annotator,),
        )
        if row:
            return row[0]
        with self.write() as conn:
            sql = (f"SELECT a.id FROM articles a{ordering.join(order)} WHERE NOT EXISTS (SELECT 1 FROM progress p"
                   " WHERE p.article_id = a.id AND p.annotator = :annotator)")
            params: dict[str, Any] = {"annotator": annotator}
            if overlap is not None:
                sql += f" AND {_PLACES_TAKEN} < :overlap"
                params |= {"overlap": overlap, "active_since": time.time() - idle_s}
            found = conn.execute(sql + f" ORDER BY {ordering.sort_key(order, seed)}, a.id LIMIT 1", params).fetchone()
            if not found:
                return None
            self._set_status(conn, found[0], annotator, "doing")
            return found[0]

    # -- spans --------------------------------------------------------------------------

    def spans(self, article_id: int, annotator: str) -> list[SpanView]:
        """The article's spans as this annotator sees them, in text order.

        Manual spans are private to their maker; one whose making was undone is hidden.
        """
        rows = self._query(
            _SPAN_VIEW_SQL + " WHERE s.article_id = :article AND (s.created_by IS NULL OR st.span_id IS NOT NULL)"
            ' ORDER BY coalesce(st.start, s.start), coalesce(st."end", s."end") DESC, s.id',
            {"annotator": annotator, "article": article_id},
        )
        return [_span_view(row) for row in rows]

    def span(self, span_id: int, annotator: str) -> SpanView | None:
        row = self._one(_SPAN_VIEW_SQL + " WHERE s.id = :span", {"annotator": annotator, "span": span_id})
        return _span_view(row) if row else None

    # -- decisions ----------------------------------------------------------------------

    def decide(self, annotator: str, span_id: int, action: str, *, label: str | None = None,
               start: int | None = None, end: int | None = None,
               speaker_span_id: int | None = None) -> SpanView:
        """Append one decision and return the span's new state. Committed before it returns."""
        if action not in ACTIONS or action == "undo":
            raise ValueError(f"unknown action {action!r}")
        with self.write() as conn:
            self._append(conn, annotator, span_id, action, label, start, end, speaker_span_id)
        view = self.span(span_id, annotator)
        assert view is not None
        return view

    def decide_many(self, annotator: str, decisions: Iterable[tuple[int, str, str | None]]) -> int:
        """Several (span_id, action, label) decisions in one transaction (accept all, imports)."""
        count = 0
        with self.write() as conn:
            for span_id, action, label in decisions:
                self._append(conn, annotator, span_id, action, label, None, None, None)
                count += 1
        return count

    def add_span(self, annotator: str, article_id: int, start: int, end: int, label: str, kind: str,
                 speaker_of: int | None = None) -> SpanView:
        """A span the annotator marked themselves: origin manual, accepted at once; with `speaker_of`,
        also made that quote's speaker, in the same transaction."""
        from annotator.model import SpanDraft

        with self.write() as conn:
            (span_id,) = self.insert_spans(conn, article_id, [SpanDraft(start, end, label, kind)], "manual", annotator)  # type: ignore[arg-type]
            self._append(conn, annotator, span_id, "accept", label, None, None, None)
            if speaker_of is not None:
                self._append(conn, annotator, speaker_of, "speaker", None, None, None, span_id)
        view = self.span(span_id, annotator)
        assert view is not None
        return view

    def _append(self, conn: sqlite3.Connection, annotator: str, span_id: int, action: str, label: str | None,
                start: int | None, end: int | None, speaker_span_id: int | None) -> int:
        span = conn.execute("SELECT article_id FROM spans WHERE id = ?", (span_id,)).fetchone()
        if span is None:
            raise UserError(f"no span {span_id}")
        article_id = span[0]
        now = self.clock()
        cur = conn.execute(
            'INSERT INTO decisions (span_id, article_id, annotator, action, label, start, "end", speaker_span_id,'
            " session, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (span_id, article_id, annotator, action, label, start, end, speaker_span_id, self.session, now),
        )
        self._refresh_state(conn, span_id, annotator, article_id)
        self._keep_place(conn, article_id, annotator, now)
        day.count_action(conn, article_id, annotator, now, self.idle_after)
        return cur.lastrowid

    @staticmethod
    def _keep_place(conn: sqlite3.Connection, article_id: int, annotator: str, now: float) -> None:
        # The first action takes the article's place; each one keeps it (see IDLE_CLAIM_S).
        conn.execute(
            "INSERT INTO progress (article_id, annotator, status, updated_at) VALUES (?, ?, 'doing', ?)"
            " ON CONFLICT (article_id, annotator) DO UPDATE SET updated_at = excluded.updated_at"
            " WHERE progress.status = 'doing'", (article_id, annotator, now))

    def _refresh_state(self, conn: sqlite3.Connection, span_id: int, annotator: str, article_id: int) -> None:
        """Recompute one span's state for one annotator by folding its decisions that stand."""
        base = conn.execute(
            'SELECT label, start, "end", speaker_span_id, speaker_entity_span_id FROM spans WHERE id = ?', (span_id,)
        ).fetchone()
        rows = conn.execute(
            'SELECT d.id, d.action, d.label, d.start, d."end", d.speaker_span_id, sp.kind FROM decisions d'
            " LEFT JOIN spans sp ON sp.id = d.speaker_span_id"
            " WHERE d.annotator = ? AND d.article_id = ? AND d.span_id = ? AND d.action != 'undo'"
            " AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id) ORDER BY d.id",
            (annotator, article_id, span_id),
        ).fetchall()
        if not rows:
            conn.execute("DELETE FROM states WHERE span_id = ? AND annotator = ?", (span_id, annotator))
            return
        status, (label, start, end, speaker, speaker_entity) = "undecided", base
        for _, action, d_label, d_start, d_end, d_speaker, d_speaker_kind in rows:
            if action == "accept":
                status, label = "accepted", d_label or label
            elif action == "reject":
                status = "rejected"
            elif action == "relabel":
                status, label = "accepted", d_label or label
            elif action == "adjust":
                status, start, end = "accepted", d_start, d_end
            elif action == "speaker":  # choosing a quote's speaker decides the quote, as a relabel does
                status, speaker = "accepted", d_speaker
                speaker_entity = d_speaker if d_speaker_kind == "entity" else None
        conn.execute(
            'INSERT OR REPLACE INTO states (span_id, annotator, article_id, status, label, start, "end",'
            " speaker_span_id, speaker_entity_span_id, decision_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (span_id, annotator, article_id, status, label, start, end, speaker, speaker_entity, rows[-1][0]),
        )

    def undo(self, annotator: str, article_id: int) -> SpanView | None:
        """Reverse this annotator's latest standing decision in the article (appends an undo).

        Returns the span as it now stands, or None when there is nothing left to undo.
        """
        with self.write() as conn:
            row = conn.execute(
                "SELECT d.id, d.span_id FROM decisions d WHERE d.annotator = ? AND d.article_id = ?"
                " AND d.action != 'undo' AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id)"
                " ORDER BY d.id DESC LIMIT 1",
                (annotator, article_id),
            ).fetchone()
            if row is None:
                return None
            target, span_id = row
            now = self.clock()
            conn.execute(
                "INSERT INTO decisions (span_id, article_id, annotator, action, undoes, session, created_at)"
                " VALUES (?, ?, ?, 'undo', ?, ?, ?)",
                (span_id, article_id, annotator, target, self.session, now),
            )
            self._refresh_state(conn, span_id, annotator, article_id)
            day.count_action(conn, article_id, annotator, now, self.idle_after)
        return self.span(span_id, annotator)

    def decisions(self, annotator: str | None = None, article_id: int | None = None) -> list[Decision]:
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
        return [Decision(*row) for row in self._query(sql + " ORDER BY id", params)]

    # -- article status -----------------------------------------------------------------

    def _set_status(self, conn: sqlite3.Connection, article_id: int, annotator: str, status: str,
                    when: float | None = None) -> None:
        # updated_at of a finished article is its answer's time: export's _timestamp.
        conn.execute(
            "INSERT INTO progress (article_id, annotator, status, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (article_id, annotator) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
            (article_id, annotator, status, time.time() if when is None else when),
        )

    def finish(self, article_id: int, annotator: str, accept: Iterable[int] = ()) -> None:
        """Done: accept these spans and mark the article done, in one transaction."""
        span_ids = [(span_id,) for span_id in accept]
        with self.write() as conn:
            now = self.clock()
            if span_ids:
                self._accept_many(conn, article_id, annotator, span_ids, now)
            self._set_status(conn, article_id, annotator, "done", now)
            day.count_action(conn, article_id, annotator, now, self.idle_after)

    def _accept_many(self, conn: sqlite3.Connection, article_id: int, annotator: str,
                     span_ids: list[tuple[int]], now: float) -> None:
        """One accept per span, in bulk: as many _append calls, in a fraction of the time (each of
        those folds the span's decisions by scanning the article's: 10,000 spans took 8.8 s).
        An accept over a span's standing state is that state, accepted: no fold is needed."""
        (before,) = conn.execute("SELECT coalesce(max(id), 0) FROM decisions").fetchone()
        conn.executemany(
            'INSERT INTO decisions (span_id, article_id, annotator, action, session, created_at)'
            " SELECT id, article_id, ?, 'accept', ?, ? FROM spans WHERE id = ? AND article_id = ?",
            [(annotator, self.session, now, span_id, article_id) for (span_id,) in span_ids])
        conn.execute(
            'INSERT INTO states (span_id, annotator, article_id, status, label, start, "end", speaker_span_id,'
            " speaker_entity_span_id, decision_id)"
            " SELECT s.id, d.annotator, s.article_id, 'accepted', s.label, s.start, s.\"end\", s.speaker_span_id,"
            " s.speaker_entity_span_id, d.id FROM decisions d JOIN spans s ON s.id = d.span_id"
            " WHERE d.id > ? AND d.annotator = ? AND d.article_id = ?"
            " ON CONFLICT (span_id, annotator) DO UPDATE SET status = 'accepted', decision_id = excluded.decision_id",
            (before, annotator, article_id))
        self._keep_place(conn, article_id, annotator, now)
        for _ in span_ids:  # each accept is an action, as _append counts it
            day.count_action(conn, article_id, annotator, now, self.idle_after)

    def set_status(self, article_id: int, annotator: str, status: str) -> None:
        """An annotator's answer on the article (done, skipped…): an action, counted in active time."""
        with self.write() as conn:
            now = self.clock()
            self._set_status(conn, article_id, annotator, status, now)
            day.count_action(conn, article_id, annotator, now, self.idle_after)

    # -- the annotator's day: active time and flags (store/day.py) ---------------------------

    def start_stretch(self, article_id: int, annotator: str) -> None:
        """The annotator opened the article: active time counts again from now."""
        with self.write() as conn:
            day.start_stretch(conn, article_id, annotator, self.clock())

    def active_seconds(self, article_id: int, annotator: str) -> float:
        row = self._one("SELECT active_s FROM activity WHERE article_id = ? AND annotator = ?", (article_id, annotator))
        return row[0] if row else 0.0

    def set_flag(self, article_id: int, annotator: str, note: str) -> str | None:
        """Flag the article with a note (one line), or clear the flag with an empty one; the flag now."""
        note = " ".join(note.split())
        with self.write() as conn:
            now = self.clock()
            day.set_flag(conn, article_id, annotator, note, now)
            self._keep_place(conn, article_id, annotator, now)
            day.count_action(conn, article_id, annotator, now, self.idle_after)
        return note or None

    def flag(self, article_id: int, annotator: str) -> str | None:
        row = self._one("SELECT note FROM flags WHERE article_id = ? AND annotator = ?", (article_id, annotator))
        return row[0] if row else None

    def next_flagged(self, annotator: str, after: int) -> int | None:
        """This annotator's next flagged article after `after`, going round to the first; None when none."""
        row = self._one(
            "SELECT article_id FROM flags WHERE annotator = ? ORDER BY article_id <= ?, article_id LIMIT 1",
            (annotator, after))
        return row[0] if row else None

    def flags(self, annotator: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return day.flag_rows(self.conn, annotator)

    def work_meta(self, article_ids: Sequence[int]) -> dict[tuple[int, str], dict[str, Any]]:
        """What export adds to `meta` of each (article, annotator): active seconds, the flag's note."""
        with self._lock:
            return day.work_meta(self.conn, list(article_ids))

    def record_work_meta(self, conn: sqlite3.Connection, article_id: int, annotator: str,
                         meta: dict[str, Any]) -> None:
        """An imported line's active seconds and flag, inside write(): back as that annotator's."""
        active, note = meta.get(day.ACTIVE_KEY), meta.get(day.FLAG_KEY)
        if isinstance(active, int | float) and not isinstance(active, bool) and active >= 0:
            day.add_active(conn, article_id, annotator, float(active), self.clock())
        if isinstance(note, str) and note.strip():
            day.set_flag(conn, article_id, annotator, " ".join(note.split()), self.clock())

    def status(self, article_id: int, annotator: str) -> str:
        row = self._one("SELECT status FROM progress WHERE article_id = ? AND annotator = ?", (article_id, annotator))
        return row[0] if row else "todo"

    def progress(self, annotator: str, article_id: int | None = None) -> Progress:
        decided = total = 0
        if article_id is not None:
            decided, total = self._one(
                "SELECT count(*) FILTER (WHERE st.status IN ('accepted', 'rejected')), count(*)"
                " FROM spans s LEFT JOIN states st ON st.span_id = s.id AND st.annotator = ?"
                " WHERE s.article_id = ? AND (s.created_by IS NULL OR st.span_id IS NOT NULL)",
                (annotator, article_id),
            )
        done = self._one(
            "SELECT count(*) FROM progress WHERE annotator = ? AND status = 'done'", (annotator,)
        )[0]
        return Progress(decided, total, done, self.article_count())

    # -- export -------------------------------------------------------------------------

    @staticmethod
    def _work_filter(annotator: str | None, include_unfinished: bool) -> str:
        statuses = "" if include_unfinished else " AND status IN ('done', 'rejected', 'ignored')"
        return statuses + (" AND annotator = :annotator" if annotator is not None else "")

    def count_work(self, annotator: str | None, include_unfinished: bool) -> int:
        where = self._work_filter(annotator, include_unfinished)
        return self._one("SELECT count(*) FROM progress WHERE TRUE" + where, {"annotator": annotator})[0]

    def work_bounds(self, annotator: str | None, include_unfinished: bool, parts: int) -> list[int]:
        """Article ids that cut the finished work into `parts` runs of about equal size (for workers)."""
        where = self._work_filter(annotator, include_unfinished)
        params = {"annotator": annotator}
        total = self.count_work(annotator, include_unfinished)
        cuts = []
        for part in range(1, parts):
            row = self._one("SELECT article_id FROM progress WHERE TRUE" + where +
                            " ORDER BY article_id, annotator LIMIT 1 OFFSET :n", {**params, "n": total * part // parts})
            if row and (not cuts or row[0] > cuts[-1]):
                cuts.append(row[0])
        return cuts

    def iter_work(self, annotator: str | None = None, include_unfinished: bool = False,
                  batch: int = 500, after: int = 0, upto: int | None = None
                  ) -> Iterator[list[WorkRow]]:
        """Batches of finished work, in article order, for articles after `after` and up to `upto` (inclusive)."""
        where = self._work_filter(annotator, include_unfinished) + " AND article_id > :after"
        if upto is not None:
            where += " AND article_id <= :upto"

        def fetch(last: tuple[int, str]) -> list[WorkRow]:
            return [WorkRow._make(row) for row in self._query(
                "SELECT article_id, annotator, status, updated_at FROM progress"
                " WHERE (article_id > :a OR (article_id = :a AND annotator > :n))" + where +
                " ORDER BY article_id, annotator LIMIT :batch",
                {"a": last[0], "n": last[1], "annotator": annotator, "batch": batch, "upto": upto, "after": after},
            )]

        yield from pages(fetch, batch, start=(0, ""), key=lambda row: (row.article_id, row.annotator))

    def iter_export(self, annotator: str | None = None, include_unfinished: bool = False,
                    after: int = 0, upto: int | None = None) -> Iterator[ExportPiece]:
        """Each piece of finished work, in article order. A few queries per batch of 500, whatever the size."""
        for work in self.iter_work(annotator, include_unfinished, after=after, upto=upto):
            ids = sorted({row.article_id for row in work})
            marks = ",".join("?" * len(ids))
            articles = {
                row[0]: row for row in self._query(
                    "SELECT id, hash, text, title, source, date, dateline, meta, NULL, tokens, token_bounds"
                    f" FROM articles WHERE id IN ({marks})", ids)
            }
            spans = self.exported_spans(ids)
            extra = self.work_meta(ids)
            for article_id, who, status, updated_at in work:
                row = articles[article_id]
                starts, ends = decode_bounds(row[10])
                yield ExportPiece(_article(row[:9]), token_json(row[9]), starts, ends, who, status, updated_at,
                                  spans.get((article_id, who), []), extra.get((article_id, who), {}))

    def exported_spans(self, article_ids: Sequence[int]) -> dict[tuple[int, str], list[SpanRow]]:
        """What export writes of each (article, annotator) among these articles: the spans they accepted (relabelled,
        adjusted, manual included), plus the speaker mentions of their accepted quotes that they
        did not decide on themselves, unless they rejected them. A few queries, whatever the count.
        The one rule for export, agreement and review."""
        if not article_ids:
            return {}  # `IN ()` is SQLite's only, and there is nothing to read
        marks = ",".join("?" * len(article_ids))
        rows: dict[tuple[int, str], list[SpanRow]] = {}
        for row in self._query(
            'SELECT st.article_id, st.annotator, s.id, st.start, st."end", st.label, s.kind, st.speaker_span_id,'
            " st.speaker_entity_span_id FROM states st JOIN spans s ON s.id = st.span_id"
            f" WHERE st.article_id IN ({marks}) AND st.status = 'accepted' ORDER BY st.article_id, st.annotator, s.id",
            list(article_ids),
        ):
            rows.setdefault((row[0], row[1]), []).append(SpanRow._make(row[2:]))
        wanted = {
            key: ({sid for row in got if row.kind == "quote" for sid in (row.speaker_id, row.entity_id) if sid is not None}
                  - {r.span_id for r in got})
            for key, got in rows.items()
        }
        every = sorted(set().union(*wanted.values())) if wanted else []
        base: dict[int, tuple] = {}
        states: dict[tuple[int, str], tuple] = {}
        for at in range(0, len(every), 500):
            chunk = every[at:at + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._query(f'SELECT id, start, "end", label, kind FROM spans WHERE id IN ({marks})', chunk):
                base[row[0]] = tuple(row)
            for row in self._query(
                    f'SELECT span_id, annotator, status, start, "end", label FROM states WHERE span_id IN ({marks})',
                    chunk):
                states[(row[0], row[1])] = tuple(row)
        for (article_id, who), ids in wanted.items():
            for sid in sorted(ids):
                if sid not in base:
                    continue
                _, start, end, label, kind = base[sid]
                state = states.get((sid, who))
                if state is not None:
                    if state[2] == "rejected":
                        continue
                    start, end, label = state[3], state[4], state[5]
                rows[(article_id, who)].append(SpanRow(sid, start, end, label, kind, None, None))
        return rows

    def undecided_suggestions(self, article_ids: Sequence[int]) -> dict[int, list[SpanRow]]:
        """For each article, the shared suggestions that nobody has decided on (Label Studio's predictions)."""
        out: dict[int, list[SpanRow]] = {}
        for at in range(0, len(article_ids), 500):
            chunk = list(article_ids[at:at + 500])
            marks = ",".join("?" * len(chunk))
            for row in self._query(
                'SELECT s.article_id, s.id, s.start, s."end", s.label, s.kind, s.speaker_span_id,'
                f" s.speaker_entity_span_id FROM spans s WHERE s.article_id IN ({marks}) AND s.created_by IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM states st WHERE st.span_id = s.id) ORDER BY s.id", chunk):
                out.setdefault(row[0], []).append(SpanRow._make(row[1:]))
        return out

    # -- counts for `stats` -------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        q = self._query
        return {
            "articles": self.article_count(),
            "spans": self._one("SELECT count(*) FROM spans")[0],
            "spans_by_label": dict(q("SELECT label, count(*) FROM spans GROUP BY label ORDER BY count(*) DESC, label")),
            "spans_by_origin": dict(q("SELECT origin, count(*) FROM spans GROUP BY origin ORDER BY count(*) DESC, origin")),
            # Standing decisions (an undo row and the decision it reverses count for nothing); the log's size apart.
            "decisions": self._one(
                "SELECT count(*) FILTER (WHERE action != 'undo') - count(*) FILTER (WHERE action = 'undo')"
                " FROM decisions")[0],
            "decision_log": self._one("SELECT count(*) FROM decisions")[0],
            "flags": self._one("SELECT count(*) FROM flags")[0],
            "annotators": self.annotator_figures(),
        }

    def annotator_figures(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return day.annotator_figures(self.conn)
