"""`annotator migrate`: one database copied into another, SQLite to PostgreSQL or back, exactly:
every table, every row, the same ids, so that both export the same bytes.

The source is read in one read transaction (Store.snapshot: one state, whatever annotators write
meanwhile); the target is written in one write transaction, so a failed copy leaves it empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotator.errors import UserError
from annotator.store import dialect
from annotator.store.migrations import TABLES
from annotator.store.store import Store

BATCH = 2000
# Links between rows of the same table that may point forward (a quote's speaker can come after
# it): copied as NULL first, then set once every row of the table is in.
_FORWARD = {"spans": ("speaker_span_id", "speaker_entity_span_id", "cue_span_id")}
_ORDER = {"states": "span_id, annotator", "progress": "article_id, annotator", "reviews": "article_id, reviewer",
          "activity": "article_id, annotator", "flags": "annotator, article_id",
          "article_scores": "article_id"}


def counts(store: Store) -> dict[str, int]:
    return {table: store.one(f"SELECT count(*) FROM {table}")[0] for table in TABLES}


def copy_database(source: Store, target: Store, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every row of `source` into the empty `target`; the rows copied per table."""
    there = {table: n for table, n in counts(target).items() if n}
    if there:
        what = ", ".join(f"{n:,} {table}" for table, n in there.items())
        raise UserError(f"{target.where}: not empty ({what}); migrate copies into an empty database only", 1)
    copied: dict[str, int] = {}
    with source.snapshot() as read, target.write() as write:
        with_ids = []
        for table in TABLES:
            names = source.columns(table)
            wanted = set(target.columns(table))
            missing = [n for n in names if n not in wanted]
            if missing:
                raise UserError(f"{target.where}: table {table} has no column {missing[0]}", 3)
            copied[table] = _copy_table(read, write, table, names)
            if "id" in wanted:
                with_ids.append(table)
            if progress:
                progress(table, copied[table])
        dialect.continue_ids(write, with_ids)
    return copied


def _copy_table(read: Any, write: Any, table: str, names: list[str]) -> int:
    quoted = ", ".join(f'"{n}"' for n in names)
    forward = [names.index(c) for c in _FORWARD.get(table, ())]
    insert = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(names))})"
    links: list[tuple] = []
    order = _ORDER.get(table, "id")
    sql = f"SELECT {quoted} FROM {table} ORDER BY {order}"
    # PostgreSQL: a server-side cursor, so a big table is never held in memory whole.
    cursor = dialect.stream(read, sql, BATCH)
    total = 0
    while rows := cursor.fetchmany(BATCH):
        rows = [tuple(row) for row in rows]
        if forward:
            key = names.index("id")
            for row in rows:
                if any(row[i] is not None for i in forward):
                    links.append((*(row[i] for i in forward), row[key]))
            rows = [tuple(None if i in forward else v for i, v in enumerate(row)) for row in rows]
        write.executemany(insert, rows)
        total += len(rows)
    if links:
        sets = ", ".join(f'"{names[i]}" = ?' for i in forward)
        write.executemany(f"UPDATE {table} SET {sets} WHERE id = ?", links)
    cursor.close()
    return total
