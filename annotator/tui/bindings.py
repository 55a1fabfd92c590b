"""Textual bindings built from the key map (annotator/keys.py), and the keymap handed to Textual.

Textual applies a keymap by replacing the keys of the bindings it names, and while doing so drops
every other binding on a key it moves: keymap `accept: y` would take `enter` from edit.save too.
So the keymap handed to Textual also names, with their own keys, the bindings that share a key
with a moved one (and those that share one with these), and each is rebuilt on its own keys.
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
    """What App.set_keymap gets: the bindings the keymap moves, and every binding that shares a key
    with one of those (Textual would drop it), each with its keys after the keymap."""
    out: dict[str, str] = {}
    for context in key_map.APPS[app]:
        bound = key_map.effective(context, keymap)
        todo = [key for key, _ in bound if key.id in keymap]
        touched: set[str] = set()
        while todo:
            key = todo.pop()
            if key.id not in touched:
                touched.add(key.id)
                keys = set(key.keys) | set(dict(bound)[key])
                todo += [other for other, other_keys in bound if keys & (set(other.keys) | set(other_keys))]
        out.update({key.id: ",".join(keys) for key, keys in bound if key.id in touched})
    return out


def key_display(binding: Binding) -> str | None:
    """The footer's way of writing a binding's default keys ("j/k", "esc"), also after a keymap rebuilt it."""
    if binding.key_display:
        return binding.key_display
    key = key_map.BY_ID.get(binding.id or "")
    if key is not None and key.key_display and binding.key in key.keys:
        return key.key_display
    return None


def mode_hints(keymap: Mapping[str, str]) -> dict[str, str]:
    """The status line's reminder of the keys of mark and bounds modes, after the keymap."""
    def w(binding_id: str) -> str:
        return key_map.written(binding_id, keymap)

    return {
        "mark": f"MARK: move {w('mark.left')}{w('mark.right')} {w('mark.word_forward')} {w('mark.word_back')} "
                f"{w('mark.up')}{w('mark.down')}, {w('mark.select')} select, label key or {w('relabel')} to create, "
                f"{w('leave')} leaves",
        # Mark mode started by the cue key: the selection becomes the selected quote's cue.
        "cue": f"CUE: move {w('mark.left')}{w('mark.right')} {w('mark.word_forward')} {w('mark.word_back')}, "
               f"{w('mark.select')} select, {w('accept')} makes it the quote's cue, {w('leave')} leaves",
        "edit": f"BOUNDS: {w('edit.start_left')} {w('edit.start_right')} start, {w('edit.end_left')} "
                f"{w('edit.end_right')} end, {w('edit.save')} saves, {w('leave')} cancels",
    }
