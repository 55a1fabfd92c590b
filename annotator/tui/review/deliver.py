"""Exports from inside an app: a browser download under `annotator serve`, a file in a terminal.

Usable by any screen: `await deliver_export(app, write, "gold.jsonl", Path("exports"))`, where
`write(path) -> (lines, spans)` is an export writer, e.g.
`partial(write_gold_jsonl, store)` or `lambda p: write_jsonl(iter_gold(store, annotator), p)`.
Run the writer off the UI loop (it reads the store): pass `run`, an awaitable runner such as the
app's store thread.
"""

from __future__ import annotations

import io
import mimetypes
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.app import App


def stamped(stem: str, suffix: str = ".jsonl") -> str:
    return f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}{suffix}"


async def deliver_export(app: App[Any], write: Callable[[Path], tuple[int, int]], name: str, folder: Path,
                         run: Callable[..., Awaitable[Any]]) -> str:
    """Write the export and hand it over; returns a message for the status line."""
    if app.is_web:
        # The download is handed over from memory, so the file written for it is gone at once: the
        # server keeps no copy of each export in its temporary folder.
        with tempfile.TemporaryDirectory(prefix="annotator-export-") as work:
            target = Path(work) / name
            count, spans = await run(write, target)
            # What deliver_text(path) sends: the bytes, no encoding, a text type unless the name says another.
            kind = mimetypes.guess_type(name)[0] or "text/plain"
            app.deliver_binary(io.BytesIO(target.read_bytes()), save_filename=name, mime_type=kind)
        return f"exported {count} articles ({spans} spans): downloading {name}"
    folder.mkdir(parents=True, exist_ok=True)
    count, spans = await run(write, folder / name)
    return f"exported {count} articles ({spans} spans) to {folder / name}"
