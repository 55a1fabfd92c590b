"""The Textual app: holds the annotator's session and the one thread that talks to the store."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from annotator import keys as key_map
from annotator.schema import Schema
from annotator.session import AnnotationSession
from annotator.store import Store
from annotator.tui.bindings import key_display, textual_keymap
from annotator.tui.idle_gc import IDLE_S, IdleCollector
from annotator.tui.palette import Palette
from annotator.tui.screens.command_queue import KeysInTurn
from annotator.tui.screens.main import MainScreen
from annotator.tui.worker import StoreWorker


class AnnotatorApp(KeysInTurn, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "annotator"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, store: Store, schema: Schema, annotator: str, overlap: int | None = 1,
                 keymap: dict[str, str] | None = None, order: str | None = None) -> None:
        super().__init__()
        # The team's keys (the schema's), or those and the annotator's own over them (annotator/keymap.py).
        self.keymap = schema.keymap if keymap is None else keymap
        self.set_keymap(textual_keymap("annotate", self.keymap))
        self.session = AnnotationSession(store, schema, annotator, overlap, order)
        self.store, self.schema, self.annotator, self.overlap = store, schema, annotator, overlap
        self.palette = Palette(schema)
        self._collector: IdleCollector | None = None
        self.worker = StoreWorker("store")
        # Start reading the first article now, while Textual is still starting up.
        self._first = self.worker.submit(self.session.open, None)

    def on_mount(self) -> None:
        self.push_screen(MainScreen(self.session, self.palette, self.worker, self._first, self.keymap))
        self.call_after_refresh(self._first_frame_shown)

    def _first_frame_shown(self) -> None:
        # `annotator annotate` opens with the garbage collector off (annotator/cli/__init__.py): freeze
        # everything the open made, so later collections never walk the imports, the article and its
        # spans again (a full collection there took 40 ms), and collect from now on between keys
        # instead of inside them (tui/idle_gc.py).
        if not gc.isenabled() and self._collector is None:
            gc.freeze()
            self._collector = IdleCollector()
            self.set_interval(IDLE_S, self._collector.tick)

    def post_display_hook(self) -> None:
        if self._collector is not None:
            self._collector.frame_shown()

    async def on_unmount(self) -> None:
        self.worker.close()

    @property
    def main(self) -> MainScreen:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("the main screen is not open")

    def get_key_display(self, binding: Binding) -> str:
        return key_display(binding) or super().get_key_display(binding)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Offer every key of the main screen in the command palette (ctrl+p) by its description.
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        seen = set()
        for key, keys in key_map.effective("main", self.keymap):
            if key.action in seen or screen.check_action(key.action_name, ()) is not True:
                continue
            seen.add(key.action)
            shown = key.key_display if keys == key.keys and key.key_display else key_map.shown(keys[0])
            yield SystemCommand(key.description, f"{key.help_text} (key {shown})", partial(screen.run_action, key.action))
        for label in self.schema.labels:
            if label.key and screen.check_action("label_key", ()) is True:
                yield SystemCommand(f"Label {label.name}", f"Label {label.name} (key {label.key})",
                                    partial(screen.run_action, f"label_key('{label.name}')"))
