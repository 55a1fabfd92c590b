"""A real headless Chromium, driven over the DevTools protocol (aiohttp's websocket client: no
Selenium), and the two ways a browser reaches `annotator serve` from elsewhere: a TCP tunnel on
another port (as `ssh -L 9000:127.0.0.1:8000` is) and a reverse proxy under a path prefix."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, WSMsgType, web

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
RECORD_WEBSOCKETS = """
window.__opened = [];
window.open = (url) => { window.__opened.push(String(url)); return null; };  // downloads: where they would go
window.__received = "";
window.__sockets = [];
const Native = window.WebSocket;
window.WebSocket = function (url, ...rest) {
  const socket = new Native(url, ...rest);
  window.__sockets.push(socket.url);
  socket.addEventListener("message", (event) => {
    window.__received += typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data);
  });
  return socket;
};
"""


def chromium() -> str | None:
    return next(filter(None, map(shutil.which, BROWSERS)), None)


class Browser:
    """One headless Chromium with one page; `open` loads a URL, `evaluate` runs JavaScript in it."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="annotator-chromium-")
        self.process = subprocess.Popen(
            [chromium() or "chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-dev-shm-usage", f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
             "--window-size=1100,750", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ids = itertools.count(1)
        self.session: ClientSession | None = None
        self.socket = None

    async def start(self) -> None:
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _ in range(300):  # Chromium writes its DevTools port here once it listens
            if port_file.exists() and port_file.read_text().strip():
                break
            await asyncio.sleep(0.1)
        port = port_file.read_text().split()[0]
        self.session = ClientSession()
        async with self.session.get(f"http://127.0.0.1:{port}/json/list") as response:
            pages = [target for target in await response.json() if target["type"] == "page"]
        self.socket = await self.session.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0)
        # The terminal draws on a canvas: keep what every websocket received, as text, to read the screen by;
        # and the URLs window.open was given (downloads) instead of opening them.
        await self.call("Page.enable")
        await self.call("Page.addScriptToEvaluateOnNewDocument", source=RECORD_WEBSOCKETS)

    async def call(self, method: str, **params):
        ident = next(self.ids)
        await self.socket.send_str(json.dumps({"id": ident, "method": method, "params": params}))
        async for message in self.socket:
            if message.type != WSMsgType.TEXT:
                break
            reply = json.loads(message.data)
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
        raise RuntimeError("the browser went away")

    async def open(self, url: str) -> None:
        await self.call("Page.navigate", url=url)

    async def evaluate(self, expression: str):
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def wait_for(self, expression: str, timeout: float = 30.0):
        """The expression's value once it is truthy; None when it never was."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.25)
        return None

    async def screenshot(self, path: Path) -> None:
        shot = await self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self.session is not None:
            await self.session.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


async def tunnel(listen_port: int, target_port: int) -> asyncio.Server:
    """Bytes both ways between a local port and the server's, as an SSH tunnel on another port is."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        target_reader, target_writer = await asyncio.open_connection("127.0.0.1", target_port)
        await asyncio.gather(pipe(reader, target_writer), pipe(target_reader, writer))

    return await asyncio.start_server(handle, "127.0.0.1", listen_port)


async def prefix_proxy(listen_port: int, prefix: str, target_port: int) -> web.AppRunner:
    """A reverse proxy that serves the server under `prefix` (e.g. /team/annotate/), as nginx's
    `location /team/annotate/ { proxy_pass http://127.0.0.1:8000/; }` does, websockets included."""
    session = ClientSession(auto_decompress=False)

    async def forward(request: web.Request) -> web.StreamResponse:
        path = "/" + request.path_qs[len(prefix):]
        if request.headers.get("Upgrade", "").lower() == "websocket":
            browser_side = web.WebSocketResponse()
            await browser_side.prepare(request)
            async with session.ws_connect(f"ws://127.0.0.1:{target_port}{path}") as server_side:
                async def down() -> None:
                    async for message in server_side:
                        if message.type == WSMsgType.BINARY:
                            await browser_side.send_bytes(message.data)
                        elif message.type == WSMsgType.TEXT:
                            await browser_side.send_str(message.data)
                    await browser_side.close()

                task = asyncio.create_task(down())
                async for message in browser_side:
                    if message.type == WSMsgType.BINARY:
                        await server_side.send_bytes(message.data)
                    elif message.type == WSMsgType.TEXT:
                        await server_side.send_str(message.data)
                task.cancel()
            return browser_side
        async with session.get(f"http://127.0.0.1:{target_port}{path}", allow_redirects=False) as upstream:
            body = await upstream.read()
            headers = {k: v for k, v in upstream.headers.items() if k.lower() in ("content-type", "content-encoding")}
            return web.Response(status=upstream.status, body=body, headers=headers)

    app = web.Application()
    app.router.add_route("GET", prefix + "{tail:.*}", forward)
    app.on_cleanup.append(lambda _: session.close())
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", listen_port).start()
    return runner
