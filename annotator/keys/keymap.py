"""The keymap an app runs with: the schema's (the team's), then the annotator's own keys.yaml over it.

~/.config/annotator/keys.yaml (or $XDG_CONFIG_HOME/annotator/keys.yaml) has the shape of the
schema's `keys:`, binding id -> keys, and may also name the review app's bindings (review.*).
Every problem is a one-line SchemaError naming FILE:LINE:COL.
"""

from __future__ import annotations

import os
from pathlib import Path

from annotator.errors import SchemaError
from annotator.keys import map as key_map
from annotator.schema import Schema, compose, keymap_entries


def personal_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "annotator" / "keys.yaml"


def load_personal(path: Path | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(binding id -> keys, binding id -> FILE:LINE:COL) of the personal keymap; empty when there is none."""
    path = path or personal_path()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}, {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError(f"{path}:1:1: cannot read your keymap ({getattr(exc, 'strerror', None) or exc})") from None
    root = compose(text, str(path))
    if root is None:  # an empty file: no keys changed
        return {}, {}
    keymap, nodes = keymap_entries(str(path), root, app="any")
    return keymap, {id: f"{path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}" for id, node in nodes.items()}


def _checked(keymap: dict[str, str], at: dict[str, str], label_keys: dict[str, str], app: str) -> dict[str, str]:
    """The keymap's entries for one app, once the whole keymap was found free of clashes."""
    found = key_map.clash(keymap, label_keys)
    if found is not None:
        where = at.get(found.second) or at.get(found.first) or "keys.yaml:1:1"
        raise SchemaError(f"{where}: {found}")
    return {id: keys for id, keys in keymap.items() if key_map.CONTEXT_OF[id] in key_map.APPS[app]}


def for_annotate(schema: Schema, personal: tuple[dict[str, str], dict[str, str]] | None = None) -> dict[str, str]:
    """The annotation app's keymap: the schema's, the personal one over it, checked against the label keys.

    The whole personal file is checked, its review.* keys too: a bad file stops both apps alike.
    """
    mine, mine_at = personal if personal is not None else load_personal()
    label_keys = {label.name: label.key for label in schema.labels if label.key}
    return _checked({**schema.keymap, **mine}, {**schema.keymap_at, **mine_at}, label_keys, "annotate")


def for_review(personal: tuple[dict[str, str], dict[str, str]] | None = None) -> dict[str, str]:
    """The review app's keymap: the review.* entries of the personal one."""
    mine, mine_at = personal if personal is not None else load_personal()
    return _checked(mine, mine_at, {}, "review")
