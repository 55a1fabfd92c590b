"""Drive `annotator annotate` on a pseudo-terminal and read its screen with pyte (for tests/test_kill.py)."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

import pyte

ROW = re.compile(r"▏ ([✓✗·]) (\S+) ")
STATUS = re.compile(r"spans (\d+)/(\d+) decided")
POSITION = re.compile(r"article (\d+) of (\d+)")
ICON_STATUS = {"✓": "accepted", "✗": "rejected", "·": "undecided"}


def _default_hangup() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


@dataclass
class Shown:
    """What one screen showed: the article's position, and each span row's (status, label)."""

    position: int | None
    rows: list[tuple[str, str]]
    decided: int | None


class PtyApp:
    def __init__(self, db: Path, annotator: str, schema: Path, cols: int = 100, lines: int = 30) -> None:
        self.cols, self.lines = cols, lines
        self.screen = pyte.Screen(cols, lines)
        self.stream = pyte.ByteStream(self.screen)
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, cols, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(lines),
               "TEXTUAL_ANIMATIONS": "none"}
        env.pop("TEXTUAL", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "annotator", "annotate", "--db", str(db), "--annotator", annotator,
             "--schema", str(schema)],
            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True,
            # A user's shell leaves SIGHUP at its default; a test run started under nohup would pass
            # its SIG_IGN on, and the app would then (rightly) outlive the dropped link.
            preexec_fn=_default_hangup,
        )
        os.close(slave)
        self.master = master
        self.closed = False
        self.history: list[Shown] = []  # every distinct screen state read, oldest first

    # -- reading ---------------------------------------------------------------------------------

    def pump(self, timeout: float) -> bool:
        """Read what the app wrote within `timeout`; False when nothing came."""
        if self.closed:
            return False
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:  # EIO: the app is gone and the pty drained
            return False
        if not data:
            return False
        self.stream.feed(data)
        shown = self.shown()
        if not self.history or self.history[-1] != shown:
            self.history.append(shown)
        return True

    def settle(self, quiet: float = 0.04, limit: float = 2.0) -> None:
        """Read until the app has been quiet for `quiet` seconds (or `limit` passed)."""
        end = time.monotonic() + limit
        while time.monotonic() < end and self.pump(quiet):
            pass

    def wait_for(self, predicate, limit: float = 20.0) -> bool:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if predicate(self.shown()):
                return True
            self.pump(0.05)
            if self.proc.poll() is not None:
                self.drain()
                return predicate(self.shown())
        return False

    def drain(self) -> None:
        """After the app died: everything it wrote before, onto the screen."""
        while self.pump(0.05):
            pass

    def text(self) -> list[str]:
        return list(self.screen.display)

    def shown(self) -> Shown:
        position = decided = None
        rows: list[tuple[str, str]] = []
        for line in self.screen.display:
            if position is None and (found := POSITION.search(line)):
                position = int(found.group(1))
            if found := STATUS.search(line):
                decided = int(found.group(1))
            if found := ROW.search(line):
                rows.append((ICON_STATUS[found.group(1)], found.group(2)))
        return Shown(position, rows, decided)

    # -- keys and signals ------------------------------------------------------------------------

    def press(self, key: str) -> None:
        os.write(self.master, key.encode())

    def kill(self, sig: int) -> None:
        if sig == signal.SIGHUP:
            # A dropped SSH link: the terminal goes away and the session gets SIGHUP.
            try:
                os.killpg(self.proc.pid, signal.SIGHUP)
            except ProcessLookupError:
                pass
        else:
            try:
                self.proc.send_signal(sig)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=30)
        self.drain()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        if not self.closed:
            os.close(self.master)
            self.closed = True
