"""Garbage collection between keys instead of inside them.

With the collector on, a key's frame sometimes ran a collection of the young generations: one key
in about 25 took 5-7 ms more (the lines and rows a key builds, each strip with its caches, fill the
young generations), which is what a p95 of key latency measures. So after the app's first frame
the automatic collector stays off (what the open made is frozen: annotator/tui/app.py) and the
app collects when it is idle: once no frame has been drawn for IDLE_S, and at once if garbage
piles up without a pause (a held key). Objects without cycles are freed by reference counting
as ever; only cycles wait for the next pause.
"""

from __future__ import annotations

import gc
import time

IDLE_S = 0.15  # no frame for this long: the user is reading, not typing
PILE = 20_000  # allocations since the last collection after which one runs even without a pause
FULL_EVERY = 50  # every so many idle collections, one of every generation


class IdleCollector:
    def __init__(self) -> None:
        self._last_frame = time.monotonic()
        self._dirty = False
        self._runs = 0

    def frame_shown(self) -> None:
        self._last_frame = time.monotonic()
        self._dirty = True
        if gc.get_count()[0] > PILE:
            gc.collect(1)

    def tick(self) -> None:
        """Called every IDLE_S or so: collect if the app has been idle since a frame."""
        if not self._dirty or time.monotonic() - self._last_frame < IDLE_S:
            return
        self._dirty = False
        self._runs += 1
        gc.collect(2 if self._runs % FULL_EVERY == 0 else 1)
