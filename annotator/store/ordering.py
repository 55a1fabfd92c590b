"""Which article next (issue 28): the stored ranks routing reads, and the order of each `--order`.

Routing (Store.next_article, Store.neighbour) only reads here: a rank is computed when a model
scores the articles (`suggest`, `learn`: annotator/learn/ranking.py), never when a key is pressed.

- `import`: article id order, as before.
- `uncertain`: `article_scores.rank` (1 = the article the model is least sure of, after
  diversification); articles without a score come after every scored one, in import order.
- `random`: a stable shuffle, the same for everyone and every run: the article's text hash (a
  SHA-1 in hex) read from the seed's digit on. Each digit of a SHA-1 is as good as a random draw,
  so seeds 0-39 give 40 different orders; `substr` is standard SQL (SQLite and PostgreSQL).

Every statement is portable SQL (no SQLite-only functions; the upsert is ON CONFLICT ... DO
UPDATE, which SQLite and PostgreSQL both accept), with `?` placeholders as the store's others.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from annotator.model import ORDERS

UNRANKED = 1 << 62  # the rank of an article without a score: after every scored one
HASH_DIGITS = 40


def check(order: str) -> str:
    if order not in ORDERS:
        raise ValueError(f"order {order!r}: give one of {', '.join(ORDERS)}")
    return order


def join(order: str) -> str:
    """What routing's FROM articles a needs joined for this order's sort key."""
    return " LEFT JOIN article_scores sc ON sc.article_id = a.id" if check(order) == "uncertain" else ""


def sort_key(order: str, seed: int = 0) -> str:
    """The SQL expression routing sorts by (then by a.id, which breaks every tie)."""
    if check(order) == "uncertain":
        return f"coalesce(sc.rank, {UNRANKED})"
    if order == "random":
        return f"substr(a.hash, {1 + int(seed) % HASH_DIGITS})"
    return "a.id"


def neighbour_sql(order: str, step: int, seed: int = 0) -> tuple[str, str, str]:
    """(join, where, order by) of the article after (step > 0) or before `:here` in this order; the
    where part reads `:here_key`, the sort key of `:here` (see here_key_sql)."""
    key = sort_key(order, seed)
    if order == "import":
        return "", ("a.id > :here" if step > 0 else "a.id < :here"), ("a.id" if step > 0 else "a.id DESC")
    if step > 0:
        where = f"({key} > :here_key OR ({key} = :here_key AND a.id > :here))"
        return join(order), where, f"{key}, a.id"
    where = f"({key} < :here_key OR ({key} = :here_key AND a.id < :here))"
    return join(order), where, f"{key} DESC, a.id DESC"


def here_key_sql(order: str, seed: int = 0) -> str:
    return f"SELECT {sort_key(order, seed)} FROM articles a{join(order)} WHERE a.id = :here"


# -- writing a ranking (inside Store.write()) ---------------------------------------------------

def write_ranking(conn: Any, model: str, ranked: Sequence[tuple[int, float]], now: float | None = None) -> int:
    """One scoring's ranking replaces the last: `ranked` is (article id, uncertainty), best first
    (rank 1 is handed out first).

    A scoring ranks the untouched articles only; the ones it leaves out were ranked before and
    opened since. They keep their score and go first, in their old order: with an overlap above 1
    an article one annotator started still has places, and the team fills those before starting
    new articles (else it would wait behind every newly ranked one)."""
    now = time.time() if now is None else now
    scored = {article_id for article_id, _ in ranked}
    kept = [row[0] for row in conn.execute("SELECT article_id FROM article_scores ORDER BY rank, article_id").fetchall()
            if row[0] not in scored]
    conn.executemany("UPDATE article_scores SET rank = ? WHERE article_id = ?",
                     [(rank, article_id) for rank, article_id in enumerate(kept, start=1)])
    start = len(kept) + 1
    conn.executemany(
        "INSERT INTO article_scores (article_id, model, uncertainty, rank, scored_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (article_id) DO UPDATE SET model = excluded.model, uncertainty = excluded.uncertainty,"
        " rank = excluded.rank, scored_at = excluded.scored_at",
        [(article_id, model, float(u), rank, now) for rank, (article_id, u) in enumerate(ranked, start=start)])
    return len(ranked)


# -- reading ---------------------------------------------------------------------------------

def ranked_count(store: Any) -> int:
    with store.reading() as db:
        return db.execute("SELECT count(*) FROM article_scores").fetchone()[0]


def top(store: Any, limit: int = 5) -> list[dict[str, Any]]:
    """The first `limit` articles of the `uncertain` order that nobody has finished: what `stats` shows."""
    with store.reading() as db:
        rows = db.execute(
            "SELECT sc.rank, sc.article_id, a.title, sc.uncertainty, sc.model, sc.scored_at"
            " FROM article_scores sc JOIN articles a ON a.id = sc.article_id"
            " WHERE NOT EXISTS (SELECT 1 FROM progress p WHERE p.article_id = sc.article_id AND p.status != 'doing')"
            " ORDER BY sc.rank LIMIT ?", (limit,)).fetchall()
    return [dict(row) for row in rows]


def ranks(store: Any) -> dict[int, int]:
    """article id -> rank, for every scored article."""
    with store.reading() as db:
        return {row[0]: row[1] for row in db.execute("SELECT article_id, rank FROM article_scores")}
