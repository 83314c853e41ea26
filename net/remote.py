"""A session on a workshop host, as one role's front end sees it: the network client of
``detente join``.

:class:`RemoteClient` implements :class:`detente.tui.app.client.SessionClient` over WebSocket, so
the screens that play hot-seat play over the network unchanged. The WebSocket runs in a thread
of its own with its own asyncio loop; :meth:`RemoteClient.apply` stays synchronous for the
screens: it sends the command with a fresh id and waits for the host's ``ack`` (and the update
that follows it). Everything the client holds comes from the host's ``welcome`` and
``update`` messages — its role's view, timeline and scenario, never more.

A dropped connection is retried with the same code (0.5 s, doubling to 5 s, until
:meth:`RemoteClient.close`); a command sent but not acknowledged when it dropped is sent again
with the same id after the new welcome (the host applies an id once). No Textual here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from detente.engine.aar import Wording
from detente.engine.adjudicate import LegalMove
from detente.engine.commands import FACILITATOR, Command, command_to_dict
from detente.engine.entries import (
    InjectDelivered,
    Overridden,
    PhaseBegan,
    Reader,
    TimelineEntry,
    ValueChanged,
)
from detente.engine.scenario import Scenario
from detente.engine.session import Accepted, Rejected, Result
from detente.engine.views import View
from detente.engine.visibility import scenario_tracks
from detente.net import protocol

ANSWER_WITHIN = 10.0
"""Seconds :meth:`RemoteClient.apply` waits for the host's ack."""

UPDATE_WITHIN = 2.0
"""Seconds it then waits for the update that follows an accepted command."""

BACKOFF_FIRST, BACKOFF_MAX = 0.5, 5.0
"""Reconnecting: the first wait, doubled after each failure up to the last."""

CONNECT_WITHIN = 5.0
"""Seconds to open a connection and be welcomed."""

NOT_CONNECTED = "not connected to the host — reconnecting"
NO_ANSWER = "the host did not answer"


def unreachable(url: str) -> str:
    """What a client says when no host answers at ``url``."""
    return f"cannot reach {url}: is `detente serve` running?"


class JoinError(Exception):
    """The host would not let this client join (a wrong code), in the host's words."""


class HostUnreachable(Exception):
    """No host answered at the URL."""


class _CohortAnswer(Exception):
    """The code was one for every syndicate of the host: the answer holds each syndicate's code."""


class BotSeat:
    """A team a bot plays on the host (the host names only the team)."""

    name = "host's"

    def __repr__(self) -> str:
        return "BotSeat()"


class RemoteClient:
    """One role's seat at a workshop host (see the module's docstring)."""

    provenance: tuple[str, list[str]] = ("", [])
    """Who vouches for a log: the host's business, not a joined client's."""

    def __init__(
        self, url: str, code: str, cafile: str | None = None,
        wording: Callable[[Scenario], Wording] | None = None,
    ) -> None:
        """Not connected yet: :meth:`join` connects (or use :func:`join`). ``cafile``: a PEM
        certificate to trust for a ``wss://`` host (a workshop's self-signed one); without it the
        system's certificate authorities. ``wording`` says a turn's facts in a front end's words
        (the terminal UI's titles); without it, the scenario's names (the network layer knows
        nothing of the UI)."""
        self.url = url
        self._wording = wording
        self._code = code
        self._cafile = cafile
        self.joined: str | None = None
        self.name = ""
        self.syndicate = ""
        """The syndicate the code opened, by name, when the host runs several; else empty."""
        self.syndicates: list[dict[str, str]] = []
        """When the code was one for every syndicate (the lead facilitator's, the projector's):
        each syndicate's ``name``, ``code`` and ``log`` as the host answered; this client then holds
        no session: :func:`join_cohort` joins each syndicate."""
        self.bots: dict[str, BotSeat] = {}
        self.bot_problems: list[str] = []
        self.warnings: list[str] = []
        self.settings: Mapping[str, Any] = {}
        self._scenario: Scenario | None = None
        self._named: tuple[Any, int, Any] = (None, 0, None)
        """The scenario with the injects delivered so far, and the timeline length it was made at."""
        self._ruleset: Any = None
        self._view: View | None = None
        self._timeline: list[dict[str, Any]] = []
        self._reader = Reader()
        """The timeline read into typed entries, up to :attr:`_read` events."""
        self._read = 0
        self._moves: list[dict[str, Any]] = []
        self._priced: dict[str, list[dict[str, Any]]] = {}
        self._waiting: tuple[str, ...] = ()
        self._played: dict[str, dict[str, Any]] = {}
        """The facilitator's: each actor it plays, its view (read) and its moves as sent."""
        self._annullable: list[dict[str, Any]] = []
        self._clock: tuple[float | None, float] = (None, 0.0)
        self._log = ""
        self._connected = False
        self._closed = False
        self.failure = ""
        """Why the client stopped trying (a code the host no longer takes), or empty."""
        self._callbacks: list[Callable[[], None]] = []
        self._notices: list[str] = []
        self._lock = threading.Condition()
        self._updates = 0
        self._pending: dict[str, dict[str, Any]] = {}
        """Commands sent and not answered yet (id → command): sent again after a reconnect."""
        self._answers: dict[str, tuple[bool, str, int]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ws: ClientConnection | None = None
        self._thread: threading.Thread | None = None
        self._first: threading.Event = threading.Event()
        self._first_error: Exception | None = None

    # -- connecting --------------------------------------------------------------------------

    def join(self, timeout: float = CONNECT_WITHIN + 6.0) -> RemoteClient:
        """Connect and wait for the welcome. Raises :class:`JoinError` (a wrong code: the
        host's words) or :class:`HostUnreachable`; afterwards reconnects by itself."""
        self._thread = threading.Thread(target=self._run, name=f"detente-join {self.url}", daemon=True)
        self._thread.start()
        if not self._first.wait(timeout):
            self.close()
            raise HostUnreachable(unreachable(self.url))
        if self._first_error is not None:
            self.close()
            raise self._first_error
        return self

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        wait = BACKOFF_FIRST
        tls = None
        if self.url.startswith("wss://"):
            try:
                tls = ssl.create_default_context(cafile=self._cafile)
            except (OSError, ssl.SSLError) as exc:
                self._first_error = HostUnreachable(f"--cafile {self._cafile}: {exc}")
                self._first.set()
                return
        while not self._closed:
            try:
                async with asyncio.timeout(CONNECT_WITHIN):
                    ws = await connect(self.url, max_size=None, open_timeout=CONNECT_WITHIN, ssl=tls)
            except ssl.SSLCertVerificationError as exc:
                if not self._first.is_set():
                    self._first_error = HostUnreachable(
                        f"{self.url}: its certificate is not trusted ({exc.verify_message}): give the "
                        "host's certificate with --cafile PEM")
                    self._first.set()
                    return
                await self._sleep(wait)
                wait = min(BACKOFF_MAX, wait * 2)
                continue
            except (OSError, TimeoutError, InvalidHandshake, InvalidURI):
                if not self._first.is_set():
                    self._first_error = HostUnreachable(unreachable(self.url))
                    self._first.set()
                    return
                await self._sleep(wait)
                wait = min(BACKOFF_MAX, wait * 2)
                continue
            try:
                if await self._session(ws):
                    wait = BACKOFF_FIRST
            except _CohortAnswer:
                self._first.set()
                return
            except JoinError as exc:
                self.failure = str(exc)
                if not self._first.is_set():
                    self._first_error = exc
                    self._first.set()
                    return
                self._set_connected(False)
                return
            except (ConnectionClosed, OSError):
                pass
            finally:
                self._ws = None
                await ws.close()
            if not self._first.is_set():
                self._first_error = HostUnreachable(unreachable(self.url))
                self._first.set()
                return
            self._set_connected(False)
            if not self._closed:
                await self._sleep(wait)
                wait = min(BACKOFF_MAX, wait * 2)

    async def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self._closed and time.monotonic() < end:
            await asyncio.sleep(min(0.05, seconds))

    async def _session(self, ws: ClientConnection) -> bool:
        """One connection: hello, welcome, then messages until it drops. True once welcomed."""
        await ws.send(protocol.encode(protocol.message("hello", code=self._code)))
        async with asyncio.timeout(CONNECT_WITHIN):
            first = json.loads(await ws.recv())
        if first.get("type") == "error":
            raise JoinError(str(first.get("detail") or first.get("error") or "the host refused the code"))
        if first.get("type") == "cohort" and not self._first.is_set():
            self.joined = str(first.get("role") or "")
            self.syndicates = [{k: str(s.get(k) or "") for k in ("name", "code", "log")}
                               for s in first.get("syndicates") or () if isinstance(s, dict)]
            raise _CohortAnswer
        if first.get("type") != "welcome":
            raise ConnectionClosed(None, None)
        self._welcome(first)
        self._ws = ws
        self._set_connected(True)
        self._first.set()
        # What was sent but not acknowledged before a drop goes again, with the same id.
        for cid, data in list(self._pending.items()):
            await ws.send(protocol.encode(protocol.message("command", id=cid, command=data)))
        async for frame in ws:
            self._receive(json.loads(frame))
        return True

    def _set_connected(self, connected: bool) -> None:
        with self._lock:
            self._connected = connected
            self._lock.notify_all()
        self._changed()

    # -- what the host says ---------------------------------------------------------------------

    def _welcome(self, msg: Mapping[str, Any]) -> None:
        from detente.engine.ruleset import find_ruleset

        scenario = protocol.scenario_from_dict(msg["scenario"])
        ruleset = find_ruleset(scenario.rules.name)
        with self._lock:
            self.joined = str(msg["role"])
            self.name = str(msg.get("name", self.joined))
            self.syndicate = str(msg.get("syndicate") or "")
            self._scenario = scenario
            self._ruleset = ruleset
            self._view = protocol.view_from_dict(msg["view"], scenario_tracks(scenario))
            self._timeline = list(msg.get("timeline") or [])
            self._reader, self._read = Reader(), 0
            self.bots = {t: BotSeat() for t in msg.get("bots") or ()}
            self._log = str(msg.get("log") or "")
            self._extras(msg)
            self._updates += 1
            self._lock.notify_all()

    def _extras(self, msg: Mapping[str, Any]) -> None:
        self._moves = list(msg.get("moves") or [])
        self._priced = {k: list(v) for k, v in (msg.get("priced") or {}).items()}
        self._waiting = tuple(msg.get("waiting") or ())
        tracks = self._tracks()
        self._played = {a: {**more, "view": protocol.view_from_dict(more["view"], tracks)}
                        for a, more in (msg.get("played") or {}).items()}
        self._annullable = list(msg.get("annullable") or [])
        left = msg.get("clock_left")
        self._clock = (float(left) if isinstance(left, int | float) else None, time.monotonic())

    def _tracks(self) -> Mapping[str, Any]:
        """The declarations of the values the views hold (the engine's, the ruleset's and the
        scenario's own)."""
        return scenario_tracks(self._scenario) if self._scenario is not None else {}

    def _receive(self, msg: Mapping[str, Any]) -> None:
        kind = msg.get("type")
        if kind == "update":
            with self._lock:
                self._view = protocol.view_from_dict(msg["view"], self._tracks())
                self._timeline += list(msg.get("events") or [])
                self._extras(msg)
                self._updates += 1
                self._lock.notify_all()
            self._changed()
        elif kind == "ack" or (kind == "error" and "id" in msg):
            cid = str(msg.get("id"))
            accepted = bool(msg.get("accepted")) if kind == "ack" else False
            reason = str(msg.get("reason") or msg.get("detail") or "refused")
            with self._lock:
                if self._pending.pop(cid, None) is not None:
                    self._answers[cid] = (accepted, reason, self._updates)
                    self._lock.notify_all()
        elif kind == "notice":
            with self._lock:
                self._notices.append(str(msg.get("text", "")))
            self._changed()

    def _changed(self) -> None:
        for callback in list(self._callbacks):
            with contextlib.suppress(Exception):  # a front end's refresh never stops the client
                callback()

    # -- the SessionClient interface ----------------------------------------------------------

    def on_change(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def notices(self) -> list[str]:
        """What the host told this role (the facilitator: the clock ran out) since last asked."""
        with self._lock:
            out, self._notices = self._notices, []
        return out

    @property
    def connected(self) -> bool:
        return self._connected

    def status(self) -> str:
        where = self.url.split("://", 1)[-1]
        if self.failure:
            return f"disconnected from {where}: {self.failure}"
        if not self._connected:
            return "reconnecting…"
        return f"connected to {where} as {self.name}" + (f" ({self.syndicate})" if self.syndicate else "")

    @property
    def scenario(self) -> Scenario:
        """The scenario as this role may read it; a team's (which holds no injects) with the
        injects its timeline delivered — their titles and words, nothing of when or why — so the
        screens name them as hot-seat does."""
        base = self._scenario
        assert base is not None, "not joined"
        count = len(self._timeline)
        if self._named[0] is base and self._named[1] == count:
            return self._named[2]
        known = {i.id for i in base.injects}
        delivered: dict[str, InjectDelivered] = {}
        for e in self.timeline(self.joined or ""):
            if isinstance(e, InjectDelivered) and e.id not in known and e.title:
                delivered.setdefault(e.id, e)
        scenario = base
        if delivered:
            import attrs

            from detente.engine.scenario import Inject

            stubs = tuple(Inject(id=i, title=e.title, text=e.text, to=e.to) for i, e in delivered.items())
            scenario = attrs.evolve(base, injects=(*base.injects, *stubs))
        self._named = (base, count, scenario)
        return scenario

    @property
    def ladder(self) -> tuple[str, ...]:
        return self.view(self.joined or FACILITATOR).ladder

    @property
    def log_path(self) -> str:
        return self._log or "(on the host)"

    @property
    def log_here(self) -> bool:
        return False

    @property
    def has_pin(self) -> bool:
        return False

    def pin_matches(self, pin: str) -> bool:
        return False

    def lineage(self) -> list[str]:
        return []

    def view(self, role: str) -> View:
        """This role's view (the only one a network client has), or, for the facilitator, that
        of an actor it plays."""
        played = self._played.get(role)
        if played is not None and role != self.joined:
            return played["view"]
        assert self._view is not None, "not joined"
        return self._view

    def timeline(self, role: str) -> list[TimelineEntry]:
        """This role's timeline (the only one a network client has), read as it comes."""
        with self._lock:
            if self._read < len(self._timeline):
                self._reader.read(self._timeline[self._read:])
                self._read = len(self._timeline)
            return list(self._reader.entries)

    def apply(self, command: Command) -> Result:
        """Send ``command`` and wait for the host's answer (and the update an accepted command
        brings): refused at once when not connected, and after :data:`ANSWER_WITHIN` without one."""
        loop = self._loop
        if not self._connected or loop is None or self._closed:
            return Rejected(NOT_CONNECTED)
        cid = uuid.uuid4().hex
        data = command_to_dict(command)
        with self._lock:
            self._pending[cid] = data
        ws = self._ws
        if ws is not None:
            send = ws.send(protocol.encode(protocol.message("command", id=cid, command=data)))
            asyncio.run_coroutine_threadsafe(_quiet(send), loop)
        deadline = time.monotonic() + ANSWER_WITHIN
        with self._lock:
            while cid not in self._answers:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._pending.pop(cid, None)
                    return Rejected(NO_ANSWER)
                self._lock.wait(left)
            accepted, reason, seen = self._answers.pop(cid)
            if not accepted:
                return Rejected(reason)
            until = time.monotonic() + UPDATE_WITHIN
            while self._updates <= seen and time.monotonic() < until:
                self._lock.wait(until - time.monotonic())
        return Accepted(events=())

    def play_bots(self) -> int:
        """Bots play on the host."""
        return 0

    def waiting_for(self) -> tuple[str, ...]:
        return self._waiting

    def _legal(self, items: list[dict[str, Any]]) -> list[LegalMove]:
        moves = self._ruleset.moves if self._ruleset is not None else {}
        return [
            LegalMove(move=moves[m["move"]], cost=int(m["cost"]),
                      choices={k: tuple(v) for k, v in (m.get("choices") or {}).items()},
                      barred=str(m.get("barred") or ""))
            for m in items if m.get("move") in moves
        ]

    def moves(self, team: str) -> list[LegalMove]:
        if team in self._played:
            return self._legal(self._played[team]["moves"])
        return self._legal(self._moves) if team == self.joined else []

    def priced_moves(self, team: str, phase: str | None = None) -> list[LegalMove]:
        key = phase or (self._view.phase if self._view is not None else "")
        if team in self._played:
            return self._legal(self._played[team]["priced"].get(key, []))
        if team != self.joined:
            return []
        return self._legal(self._priced.get(key, []))

    def clock_left(self) -> float | None:
        left, when = self._clock
        if left is None:
            return None
        clock = self._view.clock if self._view is not None else None
        if clock is not None and clock.running:
            return max(0.0, left - (time.monotonic() - when))
        return left

    def annullable(self) -> list[Any]:
        from detente.engine.annul import Annullable

        return [Annullable(target=str(a["target"]), kind=str(a["kind"]), team=str(a.get("team", "")),
                           text=str(a.get("text", "")), changes=int(a.get("changes", 0)),
                           annulled=bool(a.get("annulled", False)))
                for a in self._annullable]

    def move_types(self) -> Mapping[str, Any]:
        return self._ruleset.moves if self._ruleset is not None else {}

    def pledge_kinds(self) -> dict[str, tuple[str, bool]]:
        pledges = self._ruleset.pledges if self._ruleset is not None else {}
        return {k: (p.description, p.needs_region) for k, p in pledges.items()}

    def turn_facts(self, role: str, turn: int) -> tuple[Any, ...]:
        """What happened in ``turn`` as this role knows it: the report's facts of its timeline."""
        from detente.engine.aar import facts

        scenario = self.scenario
        words = self._wording(scenario) if self._wording is not None else None
        return tuple(f for f in facts(scenario, self.timeline(role), words) if f.turn == turn)

    def escalation_history(self) -> dict[tuple[str, str], list[int]]:
        """The escalation value (the ruleset's, :attr:`Ruleset.escalation`) per pair at the end
        of each turn so far, from the starting values and the changes of it in the timeline
        (the role sees what its view shows of it); empty if the ruleset has none."""
        from detente.engine.loader import ruleset_numbers
        from detente.engine.state import initial_state, pair

        name = self._ruleset.escalation if self._ruleset is not None else ""
        if not name:
            return {}
        start = initial_state(self.scenario, ruleset_numbers(self.scenario))
        level: dict[tuple[str, str], int] = dict(start.values[name])
        by_turn: dict[int, dict[tuple[str, str], int]] = {}
        turn = 0
        for e in self.timeline(self.joined or ""):
            if isinstance(e, PhaseBegan):
                if e.phase == "briefing" and turn >= 1:
                    by_turn[turn] = dict(level)
                turn = e.turn
            elif (isinstance(e, ValueChanged | Overridden) and e.value == name and len(e.of) == 2
                  and isinstance(e.to, int | float)):
                level[pair(*e.of)] = int(e.to)
        if self._view is not None:
            for k, v in self._view.table(name).items():
                if isinstance(k, tuple) and len(k) == 2:
                    level[pair(*k)] = int(v)
        by_turn[turn] = dict(level)
        turns = sorted(t for t in by_turn if t >= 1)
        return {key: [by_turn[t].get(key, 0) for t in turns] for key in level}

    def close(self) -> None:
        """Stop reconnecting and close the connection."""
        self._closed = True
        loop, ws = self._loop, self._ws
        if loop is not None and ws is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                asyncio.run_coroutine_threadsafe(_quiet(ws.close()), loop)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=3)
        with self._lock:
            self._connected = False
            self._lock.notify_all()


async def _quiet(coro: Any) -> None:
    with contextlib.suppress(ConnectionClosed, OSError):
        await coro


def join(
    url: str, code: str, cafile: str | None = None, wording: Callable[[Scenario], Wording] | None = None,
) -> RemoteClient:
    """A client joined to the host at ``url`` with ``code`` (see :meth:`RemoteClient.join`)."""
    return RemoteClient(url, code, cafile, wording).join()


def join_cohort(answer: RemoteClient) -> list[tuple[str, RemoteClient]]:
    """Each syndicate a cohort code opened (``answer.syndicates``), joined with its own code on a
    connection of its own: (the syndicate's name, its client), in the host's order. Raises what
    :meth:`RemoteClient.join` raises (after closing those already joined)."""
    joined: list[tuple[str, RemoteClient]] = []
    try:
        for s in answer.syndicates:
            client = RemoteClient(answer.url, s["code"], answer._cafile, answer._wording).join()
            joined.append((s["name"] or client.syndicate, client))
    except BaseException:
        for _, client in joined:
            client.close()
        raise
    if not joined:
        raise JoinError("that code opens no syndicate here")
    return joined


__all__ = ["BotSeat", "HostUnreachable", "JoinError", "RemoteClient", "join", "join_cohort", "unreachable"]
