"""The one thread each app talks to its store on: calls run off the UI loop, in the order made.

A decision (one span accepted, rejected or undone: a few rows and one commit) may instead run on
the UI thread, when nothing is queued or running on the store's thread (so it overtakes nothing).
On SQLite it takes a fraction of a millisecond; the hop to the thread and back costs two thread
wake-ups, which on a busy machine took up to 4 ms of a key's repaint (p95). The store serialises
its calls (Store._lock), so both threads may use it.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class StoreWorker:
    """One thread, so store calls never block a repaint and never overtake each other."""

    def __init__(self, name: str = "store", inline: bool = False) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._last: Future[Any] | None = None  # the latest call sent: when done, all before it are
        self.inline = inline  # short calls may run on the caller's thread (SQLite: no network wait)

    def submit(self, fn: Any, *args: Any, **kwargs: Any) -> Future[Any]:
        """Start a call now (before the UI loop runs, e.g. reading the first article during start-up)."""
        self._last = future = self._executor.submit(fn, *args, **kwargs)
        return future

    def idle(self) -> bool:
        return self._last is None or self._last.done()

    async def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.wrap_future(self.submit(fn, *args, **kwargs))

    async def call_short(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """A short write (one decision): on this thread when allowed and the store's thread is idle."""
        if self.inline and self.idle():
            return fn(*args, **kwargs)
        return await self.call(fn, *args, **kwargs)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
