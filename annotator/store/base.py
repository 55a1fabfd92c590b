"""One open database and its transactions: what every part of the store (articles.py, decisions.py,
routing.py, work.py, day.py, review.py, learning.py) reads and writes through.

Safe to share between the UI thread and one worker: every call holds the database's lock, so the
two never interleave on the connection.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator.dburl import is_url, shown
from annotator.model import IDLE_AFTER_S
from annotator.store import dialect
from annotator.store.connection import open_database
from annotator.store.dialect import Connection


class Database:
    """An SQLite file or a PostgreSQL URL, open; `Store` (store.py) is its face for callers."""

    def __init__(self, path: str | Path, create: bool = True) -> None:
        # An SQLite file's path, or a PostgreSQL URL (kept whole: export's workers open it again).
        self.path: str | Path = path if is_url(path) else Path(path)
        self.where = shown(path)  # how messages name it: a URL without its password
        self.conn: Connection = open_database(self.path, create=create)
        self.dialect: str = dialect.dialect_of(self.conn)  # sqlite | postgresql
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

        if self.dialect != dialect.SQLITE:
            raise TypeError("Store.db is a sqlite-utils view: SQLite databases only")
        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def write(self, bulk: bool = False, annotator: str | None = None, relaxed: bool = False) -> Iterator[Connection]:
        """One write transaction, the writers taking turns (dialect.begin_write: BEGIN IMMEDIATE, or
        PostgreSQL's advisory lock), committed when the block ends, rolled back on an exception.
        `bulk`: an import's batch, with connection.bulk_loading's pragmas (SQLite).
        `annotator`: a write of only that annotator's rows (an answer on an article, an undo, a
        claim at overlap all): on PostgreSQL it runs beside other annotators' decisions and commits
        as SQLite's WAL does, without waiting for the disk (docs/postgres.md). A decision itself
        does the same on PostgreSQL in one call (decisions.decide).
        `relaxed`: a write that runs alone but commits so too (routing's claim)."""
        with self._lock, dialect.bulk(self.conn, bulk):
            try:
                dialect.begin_write(self.conn, self.where, annotator, relaxed)
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                dialect.rollback(self.conn)
                raise

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """One read transaction: every read inside sees one state of the database, whatever others
        write meanwhile (SQLite: a WAL read transaction; PostgreSQL: REPEATABLE READ READ ONLY)."""
        with self._lock:
            dialect.begin_read(self.conn)
            try:
                yield self.conn
            finally:
                self.conn.execute("COMMIT")

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """The connection, held: for a module's several reads in a row, outside any transaction."""
        with self._lock:
            yield self.conn

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """A cursor whose rows read by column name as well as by position."""
        with self._lock:
            cursor = dialect.named_rows(self.conn.cursor(), self.conn)
            try:
                yield cursor
            finally:
                cursor.close()

    # -- reads --------------------------------------------------------------------------

    def query(self, sql: str, params: Any = ()) -> list[Any]:
        """Every row of one statement (rows by position)."""
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: Any = ()) -> Any:
        """The first row of one statement, or None."""
        with self._lock:
            return self.conn.execute(sql, params).fetchone()

    def rows(self, sql: str, params: Any = ()) -> list[Any]:
        """Every row of one statement, read by column name as well."""
        with self.reading() as cursor:
            return cursor.execute(sql, params).fetchall()

    def row(self, sql: str, params: Any = ()) -> Any:
        """The first row of one statement, read by column name as well, or None."""
        with self.reading() as cursor:
            return cursor.execute(sql, params).fetchone()

    def columns(self, table: str) -> list[str]:
        """A table's column names, in their order (what a database made by an older annotator has)."""
        return [row[0] for row in self.query(*dialect.columns_sql(self.conn, table))]
