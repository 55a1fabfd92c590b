"""A decision the screen showed survives kill -9: run the real command in a pty, kill it, read the database."""

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

from annotator.store import Store
from tests.tui.conftest import ANNOTATOR, ROOT

ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[>=]|\x1b\][^\x07]*\x07")


def test_shown_decisions_survive_kill(db_path):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = dict(os.environ, TERM="xterm-256color")
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator", "annotate", "--db", str(db_path), "--annotator", ANNOTATOR,
         "--schema", str(ROOT / "schemas" / "news.yaml")],
        stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True,
    )
    os.close(slave)
    seen = b""

    def wait_for(pattern: bytes, timeout: float = 20.0) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                seen += ANSI.sub(b"", os.read(master, 65536))
                if re.search(pattern, seen):
                    return
        raise AssertionError(f"never showed {pattern!r}: {seen[-500:]!r}")

    try:
        wait_for(rb"spans 0/6 decided")
        time.sleep(0.3)  # some active time before the first key
        os.write(master, b"a")
        wait_for(rb"spans 1/6 decided")
        os.write(master, b"x")
        wait_for(rb"spans 2/6 decided")
        os.kill(proc.pid, signal.SIGKILL)  # no clean exit, no chance to flush anything
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    with Store(db_path) as store:
        assert [d.action for d in store.decisions(ANNOTATOR)] == ["accept", "reject"]
        # The active time up to the last decision is stored with it, not held by the app (issue 19).
        first, last = (d.created_at for d in store.decisions(ANNOTATOR))
        assert store.active_seconds(1, ANNOTATOR) >= 0.3 + (last - first)
