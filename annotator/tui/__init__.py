"""The terminal app. The only package that imports textual; it never writes SQL nor imports spaCy."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.schema import Schema
    from annotator.store import Store


def run(store: Store, schema: Schema, annotator: str, overlap: int | None, keymap: dict[str, str] | None = None,
        order: str | None = None) -> None:
    from annotator.tui.app import AnnotatorApp

    AnnotatorApp(store, schema, annotator, overlap, keymap, order).run()
