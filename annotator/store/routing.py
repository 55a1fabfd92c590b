"""Routing: which article an annotator works on next, where an article stands in the order, and the
places (`progress` rows) annotators hold. The orders' SQL is store/ordering.py."""

from __future__ import annotations

import time
from typing import Any

from annotator.store import dialect, ordering
from annotator.store.base import Database
from annotator.store.dialect import Connection

# An article someone opened and then left alone this long no longer holds their place: others
# may take it (Prodigy calls this work stealing). Their work stays theirs, and they may finish it.
IDLE_CLAIM_S = 30 * 60
# Places an article has: annotators who finished it, or hold it and were active lately.
PLACES_TAKEN = ("(SELECT count(*) FROM progress q WHERE q.article_id = a.id"
                " AND (q.status != 'doing' OR q.updated_at >= :active_since))")


def progress_upsert(article_id: int, annotator: str, status: str, when: float | None = None) -> tuple[str, tuple]:
    """The statement that sets the annotator's status on the article (doing, done, skipped…).
    updated_at of a finished article is its answer's time: export's _timestamp."""
    return (f"{_PROGRESS} VALUES (?, ?, ?, ?){_PROGRESS_CONFLICT}",
            (article_id, annotator, status, time.time() if when is None else when))


_RESUME = "SELECT article_id FROM progress WHERE annotator = :annotator AND status = 'doing' ORDER BY article_id LIMIT 1"
_PROGRESS = "INSERT INTO progress (article_id, annotator, status, updated_at)"
_PROGRESS_CONFLICT = " ON CONFLICT (article_id, annotator) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at"


def set_progress(conn: Connection, article_id: int, annotator: str, status: str, when: float | None = None) -> None:
    """The annotator's status on the article, inside write()."""
    conn.execute(*progress_upsert(article_id, annotator, status, when))


def keep_place(conn: Connection, article_id: int, annotator: str, now: float, run: Any = None) -> None:
    """The first action takes the article's place; each one keeps it (see IDLE_CLAIM_S).
    `run(conn, sql, params)`: how to send it (dialect.later), else at once."""
    (run or _now)(
        conn,
        "INSERT INTO progress (article_id, annotator, status, updated_at) VALUES (?, ?, 'doing', ?)"
        " ON CONFLICT (article_id, annotator) DO UPDATE SET updated_at = excluded.updated_at"
        " WHERE progress.status = 'doing'", (article_id, annotator, now))


def _count(db: Database) -> int:
    return db.one("SELECT count(*) FROM articles")[0]


def _now(conn: Connection, sql: str, params: Any) -> None:
    conn.execute(sql, params)


def position(db: Database, article_id: int, order: str = "import", seed: int = 0) -> tuple[int, int]:
    """(n, total): this is article n of total in routing's `order` (store/ordering.py)."""
    if order == "import":
        n = db.one("SELECT count(*) FROM articles WHERE id <= ?", (article_id,))[0]
        return n, _count(db)
    here = db.one(ordering.here_key_sql(order, seed), {"here": article_id})
    if here is None:
        return 0, _count(db)
    key = ordering.sort_key(order, seed)
    n = db.one(f"SELECT count(*) FROM articles a{ordering.join(order)}"
               f" WHERE {key} < :key OR ({key} = :key AND a.id <= :here)",
               {"key": here[0], "here": article_id})[0]
    return n, _count(db)


def neighbour(db: Database, article_id: int, step: int, annotator: str | None = None,
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
        here = db.one(ordering.here_key_sql(order, seed), params)
        if here is None:
            return None
        params["here_key"] = here[0]
    if annotator is not None and overlap is not None:
        where += (" AND (EXISTS (SELECT 1 FROM progress p WHERE p.article_id = a.id AND p.annotator = :annotator)"
                  f" OR {PLACES_TAKEN} < :overlap)")
        params |= {"annotator": annotator, "overlap": overlap, "active_since": time.time() - idle_s}
    row = db.one(f"SELECT a.id FROM articles a{joined} WHERE {where} ORDER BY {order_by} LIMIT 1", params)
    return row[0] if row else None


def next_article(db: Database, annotator: str, overlap: int | None = 1, idle_s: float = IDLE_CLAIM_S,
                 order: str = "import", seed: int = 0) -> int | None:
    """Where this annotator resumes or starts: their unfinished article, else claim a new one,
    the first in `order` (store/ordering.py: import, uncertain by the stored rank, random).

    Claiming happens inside the write lock, so two annotators starting in the same second
    never both take an article that has room for only one of them. overlap=None: everyone.
    A place held by someone idle for `idle_s` is free (IDLE_CLAIM_S).
    """
    # With overlap all, a claim reads and writes only this annotator's rows (no place of another is
    # counted): on PostgreSQL it runs beside the others' decisions, as a decision does (the writers'
    # lock shared, its annotator's own), and the look for an unfinished article goes in the same
    # round trip (dialect.RESUME_WITH_CLAIM); one that counts places takes the lock whole, after the
    # look. SQLite: the look, then BEGIN IMMEDIATE, either way.
    together = overlap is None and dialect.RESUME_WITH_CLAIM[db.dialect]
    if not together:
        row = db.one(_RESUME, {"annotator": annotator})
        if row:
            return row[0]
    resumed: list = []
    claimed: list = []
    with db.write(relaxed=True, annotator=annotator if overlap is None else None) as conn:
        sql = (f"SELECT a.id FROM articles a{ordering.join(order)} WHERE NOT EXISTS (SELECT 1 FROM progress p"
               " WHERE p.article_id = a.id AND p.annotator = :annotator)")
        params: dict[str, Any] = {"annotator": annotator}
        if overlap is not None:
            sql += f" AND {PLACES_TAKEN} < :overlap"
            params |= {"overlap": overlap, "active_since": time.time() - idle_s}
        if together:  # claims nothing when there is an unfinished article
            dialect.later(conn, _RESUME, {"annotator": annotator}, resumed)
            sql += " AND NOT EXISTS (SELECT 1 FROM progress d WHERE d.annotator = :annotator AND d.status = 'doing')"
        # SQLite: the read, then the place taken; PostgreSQL: both in one statement, sent with the
        # BEGIN, the lock and the COMMIT (dialect.claim).
        dialect.claim(conn, sql + f" ORDER BY {ordering.sort_key(order, seed)}, a.id LIMIT 1", params,
                      (_PROGRESS, (annotator, "doing", time.time()), _PROGRESS_CONFLICT), claimed)
    if resumed:
        return resumed[0][0]
    return claimed[0][0] if claimed else None
