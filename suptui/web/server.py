"""``suptui serve [TREE]``: the playground in a browser, through textual-serve.

Each browser tab that opens the page gets its own app process (``python -m suptui [TREE]`` under
Textual's web driver), so each tab is its own run; when the tab closes (its websocket ends), the
process is asked to quit and, if it has not ended within :data:`STOP_GRACE_S`, killed: no run
outlives its tab.

The page is our own template (``templates/app_index.html``): textual-serve's loads Roboto Mono from
Google Fonts, which fails offline and leaves glyphs missing. Ours loads Roboto Mono from
textual-serve's own static files and, under the same family name, a small font of the symbols the
app draws (``static/suptui-symbols.ttf``, see ``static/README``) that Roboto Mono lacks (the
header's icon among them), and starts the terminal only once both have loaded. The page also builds
its websocket address from the address the browser used, so it works behind any host name.

Serving on anything but loopback is the user's explicit choice, with a warning: whoever can reach
the port can run the trees, and a tree can name Python worker modules.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import logging
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

log = logging.getLogger("suptui.web")

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
STOP_GRACE_S = 5.0
"""How long a closed tab's app may take to quit before it is killed."""
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (``localhost``, ``127.x``, ``::1``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def public_warning(host: str, port: int) -> str:
    """The warning printed when serving beyond this machine."""
    return (f"suptui: warning: serving on {host}:{port}, not loopback: anyone who can reach this "
            "address can open the playground and run its trees (and the Python worker code they "
            "name). Serve on 127.0.0.1 (the default) unless the network is yours.")


def app_command(tree: str | None) -> str:
    """The shell command each tab's app runs: this Python, ``-m suptui``, the tree if any.

    ``exec``: the shell textual-serve starts becomes the app, so stopping it stops the app. A tree
    given as a file path is made absolute.
    """
    argv = [sys.executable, "-m", "suptui"]
    if tree is not None:
        path = Path(tree)
        argv.append(str(path.resolve()) if path.is_file() else tree)
    return "exec " + shlex.join(argv)


def check_port_free(host: str, port: int) -> None:
    """Raise ``OSError`` if ``host:port`` cannot be listened on (in use, no such address, no rights)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
        probe.bind(address)


def describe_bind_error(host: str, port: int, exc: OSError) -> str:
    """One line for a port that cannot be served on."""
    if exc.errno == errno.EADDRINUSE:
        why = "the port is in use (another server, or another suptui serve?); pick another with --port"
    elif exc.errno == errno.EACCES:
        why = "permission denied (ports below 1024 need privileges); pick another with --port"
    elif exc.errno == errno.EADDRNOTAVAIL:
        why = "this machine has no such address"
    else:
        why = exc.strerror or str(exc)
    return f"cannot serve on {host}:{port}: {why}"


class _TabApp(AppService):
    """One tab's app process; stopping it asks it to quit, then kills it if it does not."""

    async def stop(self) -> None:
        """Ask the app to quit (textual-serve's stop); kill it if it has not ended in the grace time.

        No cancellation is used to end the wait: textual-serve's reader swallows it.
        """
        process = self._process
        quitting = asyncio.ensure_future(super().stop())
        waits: list[asyncio.Future[object]] = [quitting]
        if process is not None:
            waits.append(asyncio.ensure_future(process.wait()))
        await asyncio.wait(waits, timeout=STOP_GRACE_S)
        if process is not None and process.returncode is None:
            log.warning("a closed tab's app did not quit within %g s; killing it", STOP_GRACE_S)
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        # the app is gone, so its output ends and textual-serve's reader with it
        await asyncio.wait([quitting], timeout=STOP_GRACE_S)
        for wait in waits:
            if not wait.done():
                wait.cancel()


class PlaygroundServer(Server):
    """textual-serve's server with suptui's page and a stop that cannot leave an app behind."""

    def __init__(self, tree: str | None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 title: str | None = None) -> None:
        super().__init__(app_command(tree), host=host, port=port,
                         title=title or f"suptui · {tree or 'playground'}",
                         templates_path=TEMPLATES)
        self.tree = tree
        self._sockets: set[web.WebSocketResponse] = set()

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.DEBUG if self.debug else logging.WARNING,
                            format="suptui serve: %(message)s")

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_static("/suptui-static", STATIC, name="suptui-static")
        return app

    async def on_shutdown(self, app: web.Application) -> None:
        """Ctrl+C or SIGTERM: close every tab's socket, so each handler stops its app now (aiohttp
        would otherwise wait up to a minute for the browsers to hang up)."""
        await asyncio.gather(*(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")
                               for ws in list(self._sockets)), return_exceptions=True)

    async def on_startup(self, app: web.Application) -> None:
        host = f"[{self.host}]" if ":" in self.host else self.host
        what = self.tree or "the picker"
        print(f"suptui: serving {what} on http://{host}:{self.port}/ (each browser tab is its own "
              "run; Ctrl+C stops)", flush=True)

    async def handle_index(self, request: web.Request) -> web.Response:
        import aiohttp_jinja2

        context: dict[str, Any] = {
            "title": self.title,
            "font_size": _int(request.query.get("fontsize", "16"), 16),
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's handler with :class:`_TabApp`: the tab's app ends with its socket."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _int(request.query.get("width", "80"), 80)
        height = _int(request.query.get("height", "24"), 24)
        app_service: _TabApp | None = None
        try:
            await websocket.prepare(request)
            self._sockets.add(websocket)
            app_service = _TabApp(self.command, write_bytes=websocket.send_bytes,
                                  write_str=websocket.send_str, close=websocket.close,
                                  download_manager=self.download_manager, debug=self.debug)
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:
            log.exception("a tab's connection failed")
        finally:
            self._sockets.discard(websocket)
            if app_service is not None:
                await asyncio.shield(app_service.stop())
        return websocket


def _int(text: str, default: int) -> int:
    try:
        return max(1, min(int(text), 1000))
    except ValueError:
        return default


def serve(tree: str | None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve until Ctrl+C or SIGTERM; raises ``OSError`` when ``host:port`` cannot be listened on."""
    check_port_free(host, port)
    PlaygroundServer(tree, host=host, port=port).serve()
