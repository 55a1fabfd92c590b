"""Loose ends seen trying the tool as a new user (issue 19): empty import paths, export targets inside a
file, `annotator serve` stopping at once on SIGTERM with its sessions closed."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import REPO, SEEDS


@pytest.mark.parametrize("shape", ["empty", "loop"])
def test_import_of_a_folder_with_no_articles_names_it_and_exits_1(cli, tmp_path, shape):
    folder = tmp_path / "articles"
    folder.mkdir()
    if shape == "loop":
        (folder / "again").symlink_to(folder)
    db = tmp_path / "a.db"
    code, out, err = cli("import", folder, "--db", db, "--no-extract")
    assert code == 1 and err.startswith(f"annotator: {folder}: holds no article files (") and "Traceback" not in err
    assert not db.exists()  # nothing made


def test_export_into_a_file_as_if_it_were_a_folder_names_the_file(cli, tmp_path):
    db = tmp_path / "a.db"
    assert cli("import", SEEDS, "--db", db, "--no-extract")[0] == 0
    blocker = tmp_path / "exports"
    blocker.write_text("not a folder\n")
    for target in (blocker / "gold.jsonl", blocker / "deeper" / "gold.jsonl"):
        code, _, err = cli("export", "--db", db, "-o", target)
        assert code == 1 and err.strip() == (f"annotator: {blocker}: is a file, not a folder, so {target} cannot go"
                                             " inside it; give -o a path in a folder")
    assert blocker.read_text() == "not a folder\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_stops_at_once_on_sigterm_closing_its_sessions(tmp_path, cli):
    pytest.importorskip("textual_serve")
    aiohttp = pytest.importorskip("aiohttp")
    db = tmp_path / "a.db"
    assert cli("import", SEEDS, "--db", db, "--no-extract")[0] == 0
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    server = subprocess.Popen([sys.executable, "-m", "annotator", "serve", "--db", str(db), "--port", str(port),
                               "--annotator", "alice"], env=env, cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)

    async def browse() -> None:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30")
            frames = 0

            async def read() -> None:
                nonlocal frames
                async for _ in ws:
                    frames += 1

            reader = asyncio.create_task(read())
            for _ in range(300):  # the app is up: it has drawn its screen
                if frames >= 10:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(2)
            await ws.send_json(["stdin", "d"])  # the first article has no spans: d finishes it
            for _ in range(100):
                with sqlite3.connect(db) as conn:
                    if conn.execute("SELECT count(*) FROM progress WHERE status = 'done'").fetchone()[0]:
                        break
                await asyncio.sleep(0.1)
            server.send_signal(signal.SIGTERM)
            started = time.monotonic()
            while server.poll() is None and time.monotonic() - started < 15:
                await asyncio.sleep(0.05)
            reader.cancel()

    try:
        asyncio.run(browse())
        # A liveness bound, not a speed figure: the stock server waited out its sessions (13-22 s).
        assert server.poll() is not None, "serve did not exit within 15 s of SIGTERM"
        assert server.returncode == 0, server.stderr.read().decode()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    apps = subprocess.run(["pgrep", "-f", f"annotate --db {db.resolve()}"], capture_output=True, text=True).stdout
    assert not apps.split()  # every session's app quit with the server
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM progress WHERE annotator = 'alice' AND status = 'done'").fetchone()[0] == 1
    assert Path(db).exists()
