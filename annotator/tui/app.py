"""The Textual app: owns the store, the schema and the one thread that talks to the store."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from annotator.model import Article, Progress, SpanView
from annotator.schema import Schema
from annotator.store import Store
from annotator.tui.palette import Palette
from annotator.tui.screens.main import MainScreen


@dataclass(frozen=True, slots=True)
class Loaded:
    """One article as the main screen opens it."""

    article: Article | None
    spans: list[SpanView]
    position: tuple[int, int]
    progress: Progress
    status: str
    flag: str | None = None  # the annotator's note on this article, when they flagged it


class AnnotatorApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "annotator"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, store: Store, schema: Schema, annotator: str, overlap: int | None = 1) -> None:
        super().__init__()
        self.store = store
        self.schema = schema
        self.annotator = annotator
        self.overlap = overlap
        self.palette = Palette(schema)
        store.idle_after = schema.idle_after  # active time cuts longer gaps to this
        # One thread, so store calls run off the UI loop and still in the order they were made.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        # Start reading the first article now, while Textual is still starting up.
        self._first: Future[Loaded] | None = self._executor.submit(self.load, None)

    def load(self, article_id: int | None) -> Loaded:
        """On the store thread: where to resume (article_id None) and all the screen needs of it."""
        store = self.store
        if article_id is None:
            article_id = store.next_article(self.annotator, self.overlap)
        if article_id is None:
            return Loaded(None, [], (0, 0), store.progress(self.annotator), "todo")
        article = store.article(article_id)
        spans = store.spans(article_id, self.annotator) if article else []
        if article is not None:
            store.start_stretch(article_id, self.annotator)  # active time counts from the moment it opens
        return Loaded(article, spans, store.position(article_id), store.progress(self.annotator, article_id),
                      store.status(article_id, self.annotator), store.flag(article_id, self.annotator))

    async def load_article(self, article_id: int | None) -> Loaded:
        first, self._first = self._first, None
        if article_id is None and first is not None:
            return await asyncio.wrap_future(first)
        return await self.store_call(self.load, article_id)

    async def store_call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, partial(fn, *args, **kwargs))

    def on_mount(self) -> None:
        self.push_screen(MainScreen())

    async def on_unmount(self) -> None:
        self._executor.shutdown(wait=True)

    @property
    def main(self) -> MainScreen:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("the main screen is not open")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Offer every key of the main screen in the command palette (ctrl+p) by its description.
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        seen = set()
        for bindings in screen._bindings.key_to_bindings.values():
            for binding in bindings:
                if not binding.description or binding.action in seen:
                    continue
                if screen.check_action(binding.action.split("(")[0], ()) is not True:
                    continue
                seen.add(binding.action)
                key = binding.key_display or binding.key
                yield SystemCommand(binding.description, f"{binding.tooltip or binding.description} (key {key})",
                                    partial(screen.run_action, binding.action))
