"""The facilitator's console in the host's own terminal (``detente serve`` without
``--headless``): the host runs in a thread of its own, with its own event loop, serving the
teams and the projector over the network; the console is a :class:`HostedClient`, the hot-seat
client whose commands go through the host, so they are logged once and every connection hears
of them, and whose screens redraw when a team's command arrives over the network.

With several syndicates (``serve --syndicates N``) the thread serves a
:class:`~detente.net.cohort.CohortHost` and the console holds one :class:`HostedClient` per
syndicate, each bound to its syndicate's host (:mod:`detente.tui.app.syndicates`)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
from collections.abc import Callable
from typing import Any

from detente.engine.commands import Command
from detente.engine.session import Rejected, Result
from detente.net.cohort import CohortHost
from detente.net.host import Host
from detente.tui.app.client import LocalClient

#: How long the console waits for the host to apply a command (it is on this machine).
APPLY_WITHIN = 10.0


class HostThread:
    """A :class:`Host` (or a :class:`CohortHost`: every syndicate on one port) serving from a
    thread of its own until :meth:`stop`."""

    def __init__(self, host: Host | CohortHost, address: str, port: int, tls: ssl.SSLContext | None = None,
                 web: int | None = None, web_url: Callable[[str], str] | None = None,
                 cafile: str | None = None) -> None:
        self.host = host
        self.loop = asyncio.new_event_loop()
        self.url = ""
        self.page = ""
        self.error: BaseException | None = None
        self._address, self._port, self._tls, self._web, self._web_url = address, port, tls, web, web_url
        self._cafile = cafile
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="detente-host", daemon=True)

    def start(self) -> str:
        """Start serving; the URL clients join (raises what stopped the host from listening)."""
        self._thread.start()
        self._ready.wait()
        if self.error is not None:
            raise self.error
        return self.url

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to start() before the console opens
            self.error = exc
            self._ready.set()
        finally:
            self.loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        async with contextlib.AsyncExitStack() as stack:
            serving = self.host.serving(self._address, self._port, self._tls)
            self.url = await stack.enter_async_context(serving)
            if self._web is not None:
                from detente.net.web import serving_web

                join = self._web_url(self.url) if self._web_url else self.url
                self.page = await stack.enter_async_context(
                    serving_web(join, self._address, self._web, tls=self._tls, cafile=self._cafile))
            self._ready.set()
            await self._stop.wait()

    def run(self, coroutine: Any, timeout: float = APPLY_WITHIN) -> Any:
        """Run ``coroutine`` in the host's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self.loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(10)


class HostedClient(LocalClient):
    """The hot-seat client of a session a :class:`HostThread` serves: what it shows is the host's
    session; what it sends goes through the host. ``host``: which syndicate's, when the thread
    serves several (a :class:`CohortHost`)."""

    def __init__(self, served: HostThread, host: Host | None = None) -> None:
        if host is None:
            assert isinstance(served.host, Host), "a cohort's console names the syndicate's host"
            host = served.host
        self._served = served
        self._host = host
        self._host_notices: list[str] = []
        self._lock = threading.Lock()
        super().__init__(host.recorded, bots=host.bots)
        self._events = host._events  # one list: the host appends each command's events
        host.listeners.append(self._changed)

    def _changed(self, notice: str | None) -> None:  # in the host's thread
        if notice:
            with self._lock:
                self._host_notices.append(f"{self._host.syndicate}: {notice}" if self._host.syndicate
                                          else notice)
        for callback in self._listeners:
            callback()

    def _apply(self, command: Command, by: str = "") -> Result:
        # The host says who gave it (apply_here): the console is the facilitator's.
        try:
            result: Result = self._served.run(self._host.apply_here(command))
        except TimeoutError:
            return Rejected("the host did not apply it in time; nothing changed")
        return result

    def play_bots(self) -> int:
        return 0  # the host plays its bots after every command

    def clock_left(self) -> float | None:
        return self._host.clock_left()

    def notices(self) -> list[str]:
        with self._lock:
            out, self._host_notices = self._host_notices, []
        return out

    def status(self) -> str:
        if self._host.syndicate:
            return f"hosting {self._host.syndicate} at {self._served.url}"
        return f"hosting at {self._served.url}"

    def close(self) -> None:
        """Stop serving (the log is closed by whoever opened it)."""
        self._served.stop()


__all__ = ["HostThread", "HostedClient"]
