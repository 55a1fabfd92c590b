"""Textual bindings built from the key map (annotator/keys.py), and the keymap handed to Textual.

Textual applies a keymap by replacing the keys of the bindings it names, and while doing so drops
every other binding on a key it moves: keymap `accept: y` would take `enter` from edit.save too.
So when anything is remapped the app hands Textual a complete keymap, every binding id with its
keys after the remapping, and each binding is rebuilt on its own keys.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import Binding

from annotator import keys as key_map
from annotator.schema import Schema


def bindings(context: str) -> list[Binding]:
    """The context's bindings with their default keys (a keymap moves them when the app runs)."""
    return [Binding(",".join(key.keys), key.action, key.description, show=key.show, key_display=key.key_display,
                    id=key.id, tooltip=key.help) for key in key_map.CONTEXTS[context]]


def label_bindings(schema: Schema) -> list[Binding]:
    """The schema's label keys: bindings with ids like any other (listed in help and the palette)."""
    return [Binding(label.key, f"label_key('{label.name}')", f"Label {label.name}", show=False,
                    id=f"{key_map.LABEL_PREFIX}{label.name}") for label in schema.labels if label.key]


def textual_keymap(app: str, keymap: Mapping[str, str]) -> dict[str, str]:
    """What App.set_keymap gets: nothing when nothing moves, else every binding id of the app."""
    if not keymap:
        return {}
    return {key.id: ",".join(keys) for context in key_map.APPS[app] for key, keys in key_map.effective(context, keymap)}


def key_display(binding: Binding) -> str | None:
    """The footer's way of writing a binding's default keys ("j/k", "esc"), also after a keymap rebuilt it."""
    if binding.key_display:
        return binding.key_display
    key = key_map.BY_ID.get(binding.id or "")
    if key is not None and key.key_display and binding.key in key.keys:
        return key.key_display
    return None
