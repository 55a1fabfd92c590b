"""Keyset paging: read a table in batches after the last key seen, never the whole table at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any


def pages(fetch: Callable[[Any], Sequence[Any]], batch: int, start: Any = 0,
          key: Callable[[Any], Any] = lambda row: row[0]) -> Iterator[Sequence[Any]]:
    """Batches of rows: `fetch(last)` returns up to `batch` rows after key `last`, in key order.

    Stops at the first short batch, so the table is never read one query past its end.
    """
    last = start
    while True:
        rows = fetch(last)
        if rows:
            yield rows
        if len(rows) < batch:
            return
        last = key(rows[-1])


def paged_ids(fetch: Callable[[Any], Sequence[Any]], batch: int, start: int = 0) -> Iterator[int]:
    """The first column of every row, when that column is the key (article ids)."""
    for rows in pages(fetch, batch, start):
        for row in rows:
            yield row[0]
