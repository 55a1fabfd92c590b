"""The one thread each app talks to its store on: calls run off the UI loop, in the order made."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any


class StoreWorker:
    """One thread, so store calls never block a repaint and never overtake each other."""

    def __init__(self, name: str = "store") -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def submit(self, fn: Any, *args: Any, **kwargs: Any) -> Future[Any]:
        """Start a call now (before the UI loop runs, e.g. reading the first article during start-up)."""
        return self._executor.submit(fn, *args, **kwargs)

    async def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, partial(fn, *args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=True)
