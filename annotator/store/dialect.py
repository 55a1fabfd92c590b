"""Where SQLite and PostgreSQL differ, in one place: the connection type both drivers satisfy, how
each begins a transaction, and the few statements each says its own way.

Everything else in the store is one SQL for both: PostgreSQL's driver translates placeholders and
`INSERT OR …` (store/postgres.py), and SQLite's connection has PostgreSQL's GREATEST and LEAST
(store/connection.py). The SQLite driver is store/connection.py, PostgreSQL's store/postgres.py.
"""

from __future__ import annotations

import sqlite3
from contextlib import nullcontext
from typing import Any, Protocol

from annotator.store import connection

SQLITE, POSTGRESQL = "sqlite", "postgresql"
# Both drivers raise this for a broken constraint (PostgreSQL's is translated: postgres.PgConnection.run).
IntegrityError = sqlite3.IntegrityError


class Cursor(Protocol):
    """What the store reads of a cursor (sqlite3's, or postgres.PgCursor)."""

    @property
    def rowcount(self) -> int: ...
    @property
    def lastrowid(self) -> int | None: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchmany(self, size: int) -> list[Any]: ...
    def close(self) -> None: ...


class Connection(Protocol):
    """The store's one connection type: sqlite3.Connection and postgres.PgConnection both satisfy it."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...
    def executemany(self, sql: str, rows: Any, /) -> Any: ...
    def cursor(self) -> Any: ...
    def close(self) -> None: ...


def dialect_of(conn: Connection) -> str:
    """'sqlite' or 'postgresql': PgConnection says so; an sqlite3 connection has no such attribute."""
    return getattr(conn, "dialect", SQLITE)


# -- transactions ------------------------------------------------------------------------------


def begin_write(conn: Connection, where: str, annotator: str | None = None, relaxed: bool = False) -> None:
    """Take the writers' lock: BEGIN IMMEDIATE (SQLite), or BEGIN and the advisory lock (PostgreSQL);
    each waits at most connection.WRITE_WAIT_S, then says the database is busy. `annotator`: one
    key's decision, which PostgreSQL runs beside other annotators' (postgres.PgConnection.begin_own_write);
    `relaxed`: PostgreSQL's COMMIT does not wait for the disk (SQLite's WAL never does)."""
    if dialect_of(conn) == POSTGRESQL and annotator is not None:
        conn.begin_own_write(connection.WRITE_WAIT_S, annotator)  # type: ignore[attr-defined]
    elif dialect_of(conn) == POSTGRESQL:
        conn.begin_write(connection.WRITE_WAIT_S, relaxed)  # type: ignore[attr-defined]
    else:
        connection.begin_immediate(conn, where)  # type: ignore[arg-type]


def begin_read(conn: Connection) -> None:
    """One read transaction (SQLite: a WAL snapshot; PostgreSQL: REPEATABLE READ READ ONLY)."""
    if dialect_of(conn) == POSTGRESQL:
        conn.begin_read()  # type: ignore[attr-defined]
    else:
        conn.execute("BEGIN")


def rollback(conn: Connection) -> None:
    """End a failed write; nothing when it never began (BEGIN IMMEDIATE found the database busy).
    PostgreSQL answers a ROLLBACK outside a transaction with a warning only."""
    if dialect_of(conn) == POSTGRESQL:
        conn.rollback()  # type: ignore[attr-defined]
    elif conn.in_transaction:  # type: ignore[attr-defined]
        conn.execute("ROLLBACK")


def named_rows(cursor: Any, conn: Connection) -> Any:
    """The cursor, its rows read by column name as well as position (PostgreSQL's already are)."""
    if dialect_of(conn) == SQLITE:
        cursor.row_factory = sqlite3.Row
    return cursor


def bulk(conn: Connection, on: bool) -> Any:
    """An import's pragmas around its write (SQLite; PostgreSQL needs none)."""
    return connection.bulk_loading(conn) if on and dialect_of(conn) == SQLITE else nullcontext()  # type: ignore[arg-type]


def batch(conn: Connection, statements: list[tuple[str, Any]]) -> list[list[Any]]:
    """Each statement's rows; PostgreSQL sends them in one round trip (postgres.PgConnection.batch)."""
    if dialect_of(conn) == POSTGRESQL:
        return conn.batch(statements)  # type: ignore[attr-defined]
    return [conn.execute(sql, params).fetchall() for sql, params in statements]


def later(conn: Connection, sql: str, params: Any = (), answer: list | None = None) -> None:
    """A statement PostgreSQL sends with the next one (the COMMIT, at the latest); SQLite runs it now.
    Its rows go into `answer`, when one is given, once it has run."""
    if dialect_of(conn) == POSTGRESQL:
        conn.later(sql, params, answer)  # type: ignore[attr-defined]
    elif answer is None:
        conn.execute(sql, params)
    else:
        answer.extend(conn.execute(sql, params).fetchall())


# Whether routing looks for an annotator's unfinished article in the same round trip as a claim at
# overlap all (routing.next_article): PostgreSQL, where a round trip costs; SQLite looks first.
RESUME_WITH_CLAIM = {SQLITE: False, POSTGRESQL: True}


def claim(conn: Connection, select: str, params: dict, place: tuple[str, tuple, str], claimed: list) -> None:
    """Routing's claim, inside write(relaxed=True): the first article `select` finds (`:name` params)
    and its place taken, `place` being (INSERT INTO … (columns), the values after the article's id,
    ON CONFLICT …: routing.progress_upsert's parts); its id goes into `claimed`. SQLite reads, then
    writes (INSERT … VALUES). PostgreSQL does both in one INSERT … SELECT … RETURNING, sent with the
    BEGIN, the writers' lock and the COMMIT: one round trip, and the lock every other writer waits
    for is not held across the network."""
    insert, values, conflict = place
    if dialect_of(conn) == SQLITE:
        found = conn.execute(select, params).fetchone()
        if found:
            conn.execute(f"{insert} VALUES ({', '.join('?' * (len(values) + 1))}){conflict}", (found[0], *values))
            claimed.append(found)
        return
    named = {f"place_{i}": value for i, value in enumerate(values)}
    conn.later(f"{insert} SELECT c.id, {', '.join(':' + name for name in named)} FROM ({select}) c{conflict}"  # type: ignore[attr-defined]
               " RETURNING article_id", {**params, **named}, claimed)


def stream(conn: Connection, sql: str, batch: int) -> Any:
    """A cursor over a big read: PostgreSQL's server-side cursor keeps the table out of memory."""
    if dialect_of(conn) == POSTGRESQL:
        return conn.stream(sql, batch)  # type: ignore[attr-defined]
    return conn.execute(sql)


def continue_ids(conn: Connection, tables: Any) -> None:
    """After rows were copied with their ids: new rows' ids go on after them (PostgreSQL's
    sequences; SQLite's rowids do so by themselves)."""
    if dialect_of(conn) == POSTGRESQL:
        from annotator.store.postgres import reset_sequences

        reset_sequences(conn, tables)


def columns_sql(conn: Connection, table: str) -> tuple[str, tuple]:
    """The statement that lists a table's columns in order (the name is each row's first or second field)."""
    if dialect_of(conn) == SQLITE:
        return f"SELECT name FROM pragma_table_info('{table}') ORDER BY cid", ()
    return ("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ? ORDER BY ordinal_position", (table,))


# -- statements said two ways -------------------------------------------------------------------

# One key's decision on the server, one statement in a transaction of its own (migration 7's
# annotator_decide): the locks, the span and its standing decisions read, the fold, the decision, the
# state, the place and the active time; its row is the span as it now stands (SpanView's columns, the
# cue as two offsets), none when there is no such span. SQLite has none: store/decisions.py folds in
# Python, in write() (its calls cost no round trip). Parameters: span, speaker span, annotator, action,
# label, start, end, session, now, idle_after (decide() adds the lock and the wait).
DECIDE = {SQLITE: None, POSTGRESQL: "SELECT * FROM annotator_decide(CAST(? AS bigint), CAST(? AS bigint), ?, ?, ?,"
                                    " CAST(? AS bigint), CAST(? AS bigint), ?, CAST(? AS double precision),"
                                    " CAST(? AS double precision), CAST(? AS integer), CAST(? AS integer))"}


def decide(conn: Connection, sql: str, params: tuple) -> list:
    """DECIDE's rows: PostgreSQL runs it as one statement, its own transaction, prepared
    (postgres.PgConnection.call), the writers' lock waited for at most connection.WRITE_WAIT_S."""
    return conn.call(sql, params, connection.WRITE_WAIT_S)  # type: ignore[attr-defined]


# The id of the last row this connection inserted (decisions numbered in one statement run on from it).
LAST_ID = {SQLITE: "last_insert_rowid()", POSTGRESQL: "lastval()"}

# Packed span rows (store/codec.py) as spans, ids given explicitly (:first + position) so that a
# row's speaker links, positions in the same array, become ids in the same statement.
INSERT_SPAN_ROWS = {
    SQLITE: (
        'INSERT INTO spans (id, article_id, start, "end", label, kind, origin, speaker_span_id, speaker_entity_span_id,'
        " cue_start, cue_end, created_by, created_at, model, cue_span_id)"
        " SELECT :first + j.key, :article_id, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, :origin,"
        " :first + (j.value ->> 4), :first + (j.value ->> 5), j.value ->> 6, j.value ->> 7, :created_by, :created_at,"
        " :model, :first + (j.value ->> 8)"
        " FROM json_each(:rows) j"
    ),
    # The same rows from jsonb_array_elements (->> gives text there, hence the casts).
    POSTGRESQL: (
        'INSERT INTO spans (id, article_id, start, "end", label, kind, origin, speaker_span_id, speaker_entity_span_id,'
        " cue_start, cue_end, created_by, created_at, model, cue_span_id)"
        " SELECT :first + j.n - 1, :article_id, (j.value ->> 0)::bigint, (j.value ->> 1)::bigint, j.value ->> 2,"
        " j.value ->> 3, :origin, :first + (j.value ->> 4)::bigint, :first + (j.value ->> 5)::bigint,"
        " (j.value ->> 6)::bigint, (j.value ->> 7)::bigint, :created_by, :created_at, :model,"
        " :first + (j.value ->> 8)::bigint"
        " FROM jsonb_array_elements(CAST(:rows AS jsonb)) WITH ORDINALITY AS j(value, n) ORDER BY j.n"
    ),
}


def json_param(conn: Connection, rows: bytes) -> Any:
    """Packed JSON as a parameter: SQLite's json_each reads bytes, PostgreSQL's jsonb wants text."""
    return rows.decode() if dialect_of(conn) == POSTGRESQL else rows


STAGED_ANSWERS = {
    SQLITE: "CREATE TEMP TABLE IF NOT EXISTS staged_answers (seq INTEGER PRIMARY KEY, article_id, annotator, ts,"
            ' start, "end", label, kind, speaker, entity, shared_id)',
    POSTGRESQL: "CREATE TEMP TABLE IF NOT EXISTS staged_answers (seq bigint PRIMARY KEY, article_id bigint,"
                ' annotator text, ts double precision, start bigint, "end" bigint, label text, kind text,'
                " speaker bigint, entity bigint, shared_id bigint)",
}


def last_row_per_key(conn: Connection) -> tuple[str, str]:
    """(prefix after SELECT, ORDER BY suffix) so that one upsert statement meets each key once: SQLite's
    OR REPLACE keeps the later row by itself; PostgreSQL refuses to upsert one row twice in a statement."""
    if dialect_of(conn) == POSTGRESQL:
        return "DISTINCT ON (1, 2) ", " ORDER BY 1, 2, a.seq DESC"
    return "", ""
