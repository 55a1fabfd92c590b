"""The SQLite driver, and opening a database: pragmas, the version check, backup, migrations, and
BEGIN IMMEDIATE with its wait. A postgresql:// URL goes to store/postgres.py (imported only then),
with the same migrations and the same refusals. What differs between the two: store/dialect.py."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator.dburl import is_url
from annotator.errors import DatabaseError, UserError
from annotator.store.migrations import LATEST, MIGRATIONS, statements

# 'ANNO': marks a database as ours, so a stranger's SQLite file is not migrated by mistake.
APPLICATION_ID = 0x414E4E4F
BUSY_TIMEOUT_MS = 10_000
PAGE_SIZE = 8192
BULK_CACHE_KIB = 65_536  # an import's page cache: its indexes' pages stay in memory between batches
WRITE_WAIT_S = 10.0  # how long a write waits for the lock before saying the database is busy


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a writer takes the lock
    # before it reads (a deferred read-then-write transaction fails at once under contention).
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # PostgreSQL's GREATEST and LEAST (SQLite spells them max() and min() with several arguments),
    # so that the store writes one statement for both databases (store/day.py).
    conn.create_function("greatest", -1, _greatest, deterministic=True)
    conn.create_function("least", -1, _least, deterministic=True)
    return conn


@contextmanager
def bulk_loading(conn: sqlite3.Connection) -> Iterator[None]:
    """Pragmas for an import's write transactions, set outside them (foreign_keys is a no-op inside one).

    Foreign keys are not checked: every row an import writes refers to rows the same transaction
    wrote or read (the store makes the ids). Without the checks, and with the bigger cache, its
    SQLite CPU time is about a fifth less (tests/test_prodigy_import.py runs foreign_key_check
    after imports). Atomicity and
    durability are the same as for any write: each batch commits or rolls back whole."""
    foreign_keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA foreign_keys = {foreign_keys}")
        conn.execute(f"PRAGMA cache_size = {cache}")


def begin_immediate(conn: sqlite3.Connection, where: str) -> None:
    """BEGIN IMMEDIATE: take the write lock before reading, retrying while busy.

    We poll for the lock every 0.5-5 ms (jittered) for at most WRITE_WAIT_S, then say the
    database is busy. SQLite's own busy handler sleeps up to 100 ms between tries, so with
    eight writers one could wait over a second while the others took turns; and 50 tries of
    its 10 s timeout once meant a stall of eight minutes. benchmarks/concurrency.py measures it.
    """
    deadline = time.monotonic() + WRITE_WAIT_S
    delay = 0.0005
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise UserError(f"{where}: the database stayed busy for {WRITE_WAIT_S:.0f} s;"
                                    " try again in a moment") from None
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 1.5, 0.005)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _greatest(*values):
    return max((v for v in values if v is not None), default=None)  # NULLs passed over, as PostgreSQL does


def _least(*values):
    return min((v for v in values if v is not None), default=None)


def _describe(path: Path, exc: sqlite3.Error) -> DatabaseError:
    text = str(exc)
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return DatabaseError(f"{path}: not an annotator database (not a valid SQLite file); give another --db path")
    if "readonly" in text or "read-only" in text:
        return DatabaseError(f"{path}: the database is read-only; check its permissions and those of its folder")
    if "unable to open" in text:
        return DatabaseError(f"{path}: cannot open the database (does its folder exist and is it writable?)")
    return DatabaseError(f"{path}: cannot use the database ({text})")


def open_database(path: str | Path, create: bool = True) -> Any:
    """Open (and if needed create or migrate) an annotator database: an SQLite file, or a
    PostgreSQL database given by a `postgresql://` URL (store/postgres.py)."""
    if is_url(path):
        return _open_postgres(str(path), create)
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder; give a database file path")
    if not path.exists() and not create:
        raise DatabaseError(f"{path}: no such database; import articles first (annotator import PATH --db {path})")
    conn = None
    try:
        conn = _connect(path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        # UnicodeDecodeError: SQLite's message quotes a corrupt schema's bytes, which Python cannot decode.
        if conn is not None:
            conn.close()  # else a -wal and -shm stay beside a file that is not ours
        if isinstance(exc, UnicodeDecodeError):
            raise DatabaseError(f"{path}: not an annotator database (not a valid SQLite file); give another --db path") from None
        raise _describe(path, exc) from None
    if tables and app_id != APPLICATION_ID:
        conn.close()
        raise DatabaseError(f"{path}: an SQLite database, but not an annotator database; give another --db path")
    if version > LATEST:
        conn.close()
        raise DatabaseError(
            f"{path}: made by a newer annotator (database version {version}, this one knows {LATEST}); upgrade annotator"
        )
    try:
        if not tables:
            # Only a new file takes a page size. An article row (text, token JSON, bounds) is
            # some 20 KB: 8 KB pages make imports 3% faster than 4 KB, with decisions as fast
            # (benchmarks/concurrency.py); 16 KB pages made decisions 15% slower.
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL survives a killed process (not power loss) at a fraction of FULL's cost.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if version < LATEST:
            # A backup before a migration that changes the file (not one for PostgreSQL alone, as 7).
            if version > 0 and any(statements(MIGRATIONS[n], "sqlite") for n in range(version, LATEST)):
                _backup(conn, path, version)
            _migrate(conn, version)
    except sqlite3.Error as exc:
        conn.close()
        raise _describe(path, exc) from None
    return conn


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    target = path.with_name(f"{path.name}.v{version}-{time.strftime('%Y%m%d-%H%M%S')}.bak")
    with sqlite3.connect(str(target)) as copy:
        conn.backup(copy)
    copy.close()
    return target


def _open_postgres(url: str, create: bool) -> Any:
    try:
        from annotator.store import postgres
    except ImportError:
        from annotator.dburl import redact

        raise DatabaseError(f"{redact(url)}: a PostgreSQL database needs psycopg:"
                            " pip install 'annotator[postgres]'") from None
    def migrate(conn: Any, version: int) -> None:
        postgres.migrate(conn, lambda number: statements(MIGRATIONS[number], "postgresql"), LATEST, WRITE_WAIT_S)

    return postgres.open_database(url, create, LATEST, migrate)


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the lock.
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for number in range(current, LATEST):
            for statement in statements(MIGRATIONS[number], "sqlite"):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {LATEST}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
