"""docs/keys.md's tables, generated from the key map; the prose around them stays as written.

`python -m annotator.keys.doc` rewrites each block between `<!-- keys: WHAT -->` and
`<!-- /keys -->` (WHAT: a context of annotator/keys/map.py, `main.mark` and `main.edit` for main-screen
modes, `screens` for the small screens, `reserved` for the keys labels may not take);
`--check` only says whether the file is stale (tests/test_keymap.py fails when it is).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from annotator.keys import map as key_map

DOC = Path(__file__).resolve().parents[2] / "docs" / "keys.md"
_BLOCK = re.compile(r"(<!-- keys: (?P<what>[\w.]+) -->\n)(?P<body>.*?)(<!-- /keys -->)", re.S)
_SCREENS = {"help": "help (`?`)", "guidelines": "guidelines (`g`)", "picker": "pickers", "done": "done dialog",
            "prompt": "prompts (search)", "flag": "flag note"}


def _keys(names: tuple[str, ...]) -> str:
    return " ".join(f"`{key_map.shown(name)}`" for name in names)


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _what(key: key_map.Key) -> str:
    text = key.doc_text
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def _section(key: key_map.Key) -> str:
    return key.id.split(".")[0] if key.id.startswith(("mark.", "edit.")) else ""


def block(what: str) -> str:
    header = ("key", "binding id", "what it does")
    if what == "reserved":
        def order(key: str) -> tuple[bool, str, str]:
            written = key_map.shown(key)
            return (not (len(written) == 1 and written.isascii()), written.lower(), written)

        keys = sorted(key_map.reserved_keys(), key=order)
        return ("The schema's label keys may not take any key of the main screen (`annotator schema check` "
                f"refuses them): {_keys(tuple(keys))}, or a key the schema's `keys:` gives a binding.\n")
    if what == "screens":
        rows = [(_SCREENS[context], _keys(key.keys), f"`{key.id}`", _what(key))
                for context in _SCREENS for key in key_map.CONTEXTS[context]]
        return _table(rows, ("screen", *header))
    context, _, section = what.partition(".")
    keys = [key for key in key_map.CONTEXTS[context] if context != "main" or _section(key) == section]
    rows = [(_keys(key.keys), f"`{key.id}`", _what(key)) for key in keys]
    if what == "main":
        rows.append(("the schema's label keys (`1`–`9`, `0`)", "`label.NAME`",
                     "relabel to that label and accept in one stroke; in mark mode, create the span with it"))
    return _table(rows, header)


def render(text: str) -> str:
    return _BLOCK.sub(lambda m: m[1] + block(m["what"]) + m[4], text)


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8")
    fresh = render(text)
    if "--check" in argv:
        if fresh != text:
            print(f"{DOC} is stale: run python -m annotator.keys.doc", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
