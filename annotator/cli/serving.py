"""textual-serve's Server, stopping in a second on SIGTERM or ctrl+c, every session closed first,
and reachable at any address that leads to it.

The stock page names the server's own http://HOST:PORT in its websocket and static URLs, so through
an SSH tunnel on another port, or behind a proxy under a path prefix, it loads but cannot connect.
Here the page's URLs are relative to the page itself (the websocket's is made from the page's
address in the browser), unless --public-url names where browsers reach it.

The stock server waits for open browser sessions until aiohttp's shutdown timeout (60 s; a tab's
websocket heartbeat ended most of them after 13–22 s). Here, on shutdown, each session's app is
told to quit (as closing its tab does: the app finishes its queued decisions, each committed
before it was shown, and exits), then its websocket is closed, so the server exits at once.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

log = logging.getLogger("textual")
STOP_WAIT_S = 3.0  # how long one session's app may take to quit before we stop waiting for it

# Run in the page before textual.js connects (it does on window.onload). The websocket URL from the
# page's own address; and downloads, which textual.js opens at ORIGIN/download/..., under the page's
# folder, so that they pass a proxy's path prefix too.
PAGE_SCRIPT = """<script>
(function () {
  const base = new URL(".", window.location.href);
  const terminal = document.getElementById("terminal");
  if (terminal && terminal.dataset.sessionWebsocketUrl === "ws") {
    terminal.dataset.sessionWebsocketUrl = new URL("ws", base).href.replace(/^http/, "ws");
  }
  const open = window.open.bind(window);
  window.open = function (url, ...rest) {
    const target = new URL(url, window.location.href);
    if (target.origin === window.location.origin && target.pathname.startsWith("/download/")) {
      url = new URL(target.pathname.slice(1) + target.search, base).href;
    }
    return open(url, ...rest);
  };
})();
</script>
"""


class ClosingServer(Server):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.relative = kwargs.get("public_url") is None  # no --public-url: the page's URLs are relative
        super().__init__(*args, **kwargs)
        self.sessions: dict[web.WebSocketResponse, AppService] = {}

    async def handle_index(self, request: web.Request) -> web.Response:
        """textual-serve's page, its URLs relative to itself (or under --public-url), with PAGE_SCRIPT."""
        if self.relative:
            context = {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": "ws",  # made absolute in the browser, by PAGE_SCRIPT
                "config": {"static": {"url": "static/"}},
                "application": {"name": self.title},
            }
            response = aiohttp_jinja2.render_template("app_index.html", request, context)
        else:
            response = await super().handle_index(request)
        response.text = response.text.replace("</body>", PAGE_SCRIPT + "</body>", 1)
        return response

    def serve(self, debug: bool = False) -> None:  # as Server.serve, with a short shutdown timeout
        import signal

        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop,
                    print=lambda *args: None, shutdown_timeout=STOP_WAIT_S)

    async def on_shutdown(self, app: web.Application) -> None:
        """Quit every session's app, then close its websocket: the handlers end, nothing waits."""
        sessions = list(self.sessions.items())
        await asyncio.gather(*(self._stop(service) for _, service in sessions))
        await asyncio.gather(*(socket.close() for socket, _ in sessions), return_exceptions=True)

    @staticmethod
    async def _stop(service: AppService) -> None:
        try:
            await asyncio.wait_for(service.stop(), STOP_WAIT_S)
        except (TimeoutError, Exception) as error:  # a stuck app must not keep the server up
            log.warning("a session did not stop cleanly: %s", error)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Server.handle_websocket (textual-serve 1.1), keeping each open session so shutdown can close it."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None
        try:
            await websocket.prepare(request)
            app_service = AppService(self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                                     close=websocket.close, download_manager=self.download_manager,
                                     debug=self.debug)
            self.sessions[websocket] = app_service
            await app_service.start(width, height)
            try:
                await self._process_messages(websocket, app_service)
            finally:
                await app_service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            self.sessions.pop(websocket, None)
            if app_service is not None:
                await app_service.stop()
        return websocket
