"""The Textual app: holds the annotator's session and the one thread that talks to the store."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.screen import Screen

from annotator.schema import Schema
from annotator.session import AnnotationSession
from annotator.store import Store
from annotator.tui.palette import Palette
from annotator.tui.screens.main import MainScreen
from annotator.tui.worker import StoreWorker


class AnnotatorApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "annotator"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, store: Store, schema: Schema, annotator: str, overlap: int | None = 1) -> None:
        super().__init__()
        self.session = AnnotationSession(store, schema, annotator, overlap)
        self.store, self.schema, self.annotator, self.overlap = store, schema, annotator, overlap
        self.palette = Palette(schema)
        self.worker = StoreWorker("store")
        # Start reading the first article now, while Textual is still starting up.
        self._first = self.worker.submit(self.session.open, None)

    def on_mount(self) -> None:
        self.push_screen(MainScreen(self.session, self.palette, self.worker, self._first))

    async def on_unmount(self) -> None:
        self.worker.close()

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
