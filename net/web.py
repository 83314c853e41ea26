"""The browser front (``detente serve --web PORT``): the join TUI in a browser tab, nothing to
install.

A small web server (textual-serve, on aiohttp) serves a page; each tab that opens it gets its
own ``detente join URL`` process on this machine, whose screen the page shows (textual-serve's
xterm.js terminal), and that process joins the host like any other client and asks for a code.
The page loads nothing from the internet — a workshop room may have none: the template
(``net/templates/app_index.html``) is textual-serve's without its Google Fonts link, with
textual-serve's own RobotoMono as an ``@font-face``, and it names every asset by path on this
server and its socket by the address the browser used.
"""

from __future__ import annotations

import contextlib
import shlex
import ssl
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent / "templates"
"""Our page template (absolute: textual-serve resolves a relative one against its own folder)."""


def join_command(url: str, cafile: str | None = None) -> str:
    """The shell command each browser tab runs: this Python's ``detente join URL`` (trusting the
    host's own certificate, ``cafile``, when it serves ``wss://``)."""
    trust = f" --cafile {shlex.quote(cafile)}" if cafile else ""
    return f"{shlex.quote(sys.executable)} -m detente.tui.cli join {shlex.quote(url)}{trust}"


def local_url(url: str, host: str) -> str:
    """The URL a join process on this machine uses to reach the host at ``url`` (listening on
    ``host``): loopback when the host listens on every address or on loopback."""
    scheme, rest = url.split("://", 1)
    port = rest.rsplit(":", 1)[1]
    if host in ("0.0.0.0", "::", "localhost") or host.startswith("127.") or host == "::1":
        return f"{scheme}://127.0.0.1:{port}" if scheme == "ws" else url
    return url


def _server(command: str, title: str) -> Any:
    from textual_serve.server import Server

    class _Quiet(Server):
        async def on_startup(self, app: Any) -> None:
            """textual-serve prints its logo here; ``detente serve`` says what it serves itself."""

    return _Quiet(command, title=title, templates_path=str(TEMPLATES))


@contextlib.asynccontextmanager
async def serving_web(
    join_url: str, host: str = "127.0.0.1", port: int = 0, *, title: str = "Détente",
    tls: ssl.SSLContext | None = None, cafile: str | None = None,
) -> AsyncIterator[str]:
    """Serve the page on ``host``:``port`` (0: any free port) in the running event loop while
    the block runs; yields its URL (``https://`` with ``tls``). Each tab runs
    ``detente join join_url``."""
    from aiohttp import web

    server = _server(join_command(join_url, cafile), title)
    app = await server._make_app()
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, ssl_context=tls)
        await site.start()
        # The port bound (0 asks for any): aiohttp keeps the server private and typed Optional.
        bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        server.public_url = f"{'https' if tls else 'http'}://{host}:{bound}"
        where = f"[{host}]" if ":" in host else host
        yield f"{'https' if tls else 'http'}://{where}:{bound}"
    finally:
        await runner.cleanup()


__all__ = ["TEMPLATES", "join_command", "local_url", "serving_web"]
