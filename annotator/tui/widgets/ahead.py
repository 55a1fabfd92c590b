"""Lines built ahead of need: after a scroll, the screen above and below the one shown.

A key that scrolls a pane redraws all its lines; built beforehand, after the frame that scrolled
(when the app waits for the next key), they come from the cache, and the frame that scrolls
costs Textual's part only. They are built DELAY_S after the request, not as soon as the frame is
sent: Textual writes the frame on its own thread, which needs the interpreter's lock, and a build
started at once held it for the 3-5 ms of the build (the lock changes hands every 5 ms), so the
scrolling frame reached the terminal that much later.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import Widget

DELAY_S = 0.025  # after the frame is written; a key pressed before then is handled first


def rows_ahead(top: int, height: int, total: int) -> range | list[int]:
    """The rows of one screen below the shown one, then of half a screen above it."""
    if height <= 0:
        return []
    return [*range(top + height, min(total, top + 2 * height)), *range(max(0, top - height // 2), top)]


class Ahead:
    """Runs `build` once, DELAY_S after it is asked, however many times it is asked before that."""

    def __init__(self, widget: Widget, build: Callable[[], None]) -> None:
        self._widget, self._build, self._pending = widget, build, False

    def schedule(self) -> None:
        if not self._pending:
            self._pending = True
            self._widget.set_timer(DELAY_S, self._run)

    def _run(self) -> None:
        self._pending = False
        self._build()
