"""`annotator serve` in a real headless Chromium, reached the ways a remote annotator reaches it:
through a tunnel on another local port, and behind a reverse proxy under a path prefix (issue 36
#11: the page named ws://127.0.0.1:PORT, so it loaded and never connected).

The server listens on a port Chromium refuses to open itself (one of its "unsafe" ports, as IRC's
6665-6669 are), so the page works only if every URL it uses goes through the tunnel or the proxy,
as on an annotator's own machine, where the server's port does not exist.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser import Browser, chromium, prefix_proxy, tunnel

NEEDS_CHROMIUM = pytest.mark.skipif(chromium() is None, reason="no Chromium: apt-get install chromium (.ci/run does)")

UNSAFE_PORTS = (6665, 6666, 6667, 6668, 6669, 6697, 10080)  # Chromium blocks these (net/base/port_util.cc)
TEXT = "date 2026-12-06 Wikinews, Geneva\nTunnel talks resume\n\nStaffan de Mistura said the talks resume in Geneva."
# Connected, and the app's first screen came through the websocket (drawn on a canvas, so read off
# the bytes received: escape sequences taken out).
CONNECTED = ("document.querySelector('#terminal.-connected')"
             " && window.__received.replace(/\\x1b\\[[0-9;?$]*[A-Za-z]/g, '').includes('Tunnel talks resume')"
             " && window.__received.replace(/\\x1b\\[[0-9;?$]*[A-Za-z]/g, '')")


def free_port(candidates=None) -> int:
    for port in candidates or (0,):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    pytest.skip(f"none of Chromium's unsafe ports {candidates} is free here")


@pytest.fixture
def served(tmp_path):
    """`annotator serve` on an unsafe port, with one article; yields the port."""
    article = tmp_path / "talks.txt"
    article.write_text(TEXT)
    db = tmp_path / "a.db"
    subprocess.run([sys.executable, "-m", "annotator", "import", str(article), "--db", str(db), "--no-extract"],
                   check=True, capture_output=True)
    port = free_port(UNSAFE_PORTS)
    server = subprocess.Popen([sys.executable, "-m", "annotator", "serve", "--db", str(db), "--port", str(port),
                               "--annotator", "alice"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(200):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        if server.poll() is not None:
            pytest.fail(f"serve ended: {server.stderr.read().decode()}")
        time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(timeout=20)


async def shows_the_app(browser: Browser, url: str, shot: Path) -> str:
    await browser.open(url)
    text = await browser.wait_for(CONNECTED, timeout=40)
    await browser.screenshot(shot)  # kept beside the test's files: look at it when this fails
    if keep := os.environ.get("ANNOTATOR_SCREENSHOTS"):
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / shot.name).write_bytes(shot.read_bytes())
    assert text, f"{url}: the page never connected (screenshot {shot})"
    return text


@NEEDS_CHROMIUM
async def test_serve_works_through_a_tunnel_on_another_port_and_a_proxy_with_a_path_prefix(served, tmp_path):
    tunnel_port, proxy_port = free_port(), free_port()
    forwarder = await tunnel(tunnel_port, served)
    proxy = await prefix_proxy(proxy_port, "/team/annotate/", served)
    browser = Browser()
    try:
        await browser.start()
        through_tunnel = await shows_the_app(browser, f"http://127.0.0.1:{tunnel_port}/", tmp_path / "tunnel.png")
        assert "Tunnel talks resume" in through_tunnel and "Staffan de Mistura" in through_tunnel
        behind_proxy = await shows_the_app(browser, f"http://127.0.0.1:{proxy_port}/team/annotate/",
                                           tmp_path / "proxy.png")
        assert "Tunnel talks resume" in behind_proxy
        # The websocket went through the proxy's prefix, not to the server's own address.
        sockets = await browser.evaluate("window.__sockets")
        assert [url.split("?")[0] for url in sockets] == [f"ws://127.0.0.1:{proxy_port}/team/annotate/ws"]
        # A download (E, e) is opened where textual.js puts it, ORIGIN/download/KEY: under the prefix here.
        await browser.evaluate("window.open(location.origin + '/download/k1?instance=i1', '_blank')")
        opened = await browser.evaluate("window.__opened")
        assert opened == [f"http://127.0.0.1:{proxy_port}/team/annotate/download/k1?instance=i1"]
    finally:
        await browser.close()
        forwarder.close()
        await proxy.cleanup()


@pytest.mark.parametrize(("public_url", "static", "socket"), [
    (None, 'href="static/css/xterm.css"', 'data-session-websocket-url="ws"'),
    ("https://example.org/team", 'href="https://example.org/team/static/css/xterm.css"',
     'data-session-websocket-url="wss://example.org/team/ws"'),
])
async def test_the_page_names_no_address_of_its_own_unless_told(public_url, static, socket):
    """Without --public-url every URL is relative to the page; with it, under that URL. (No browser needed.)"""
    from aiohttp.test_utils import TestClient, TestServer

    from annotator.cli.serving import ClosingServer

    server = ClosingServer("true", host="127.0.0.1", port=8000, title="annotator", public_url=public_url)
    async with TestClient(TestServer(await server._make_app())) as client:
        page = await (await client.get("/")).text()
    assert static in page and socket in page and "127.0.0.1:8000" not in page
    assert page.count("window.open = function") == 1


def test_a_public_url_that_is_no_url_is_one_line_and_status_2(cli, tmp_path):
    db = tmp_path / "a.db"
    db.write_bytes(b"")
    code, _, err = cli("serve", "--db", db, "--public-url", "example.org/annotate")
    assert code == 2 and err.strip() == ("annotator: --public-url 'example.org/annotate' must start with http:// or "
                                         "https://"), err
