"""The workshop host: one authoritative session, many WebSocket connections, one firewall.

The host owns a :class:`~detente.engine.recorder.RecordedSession` (a new session or one resumed
from its log). Each connection says who it is with a join code (:mod:`detente.net.codes`) and
from then on receives only what its role may see: ``view(state, role)`` and the role's
``timeline`` — the same functions replay and the hot-seat screens use. A command is checked
against the sender's role, applied under a lock (the recorder fsyncs before it returns), and
only then acknowledged; every connection then gets its role's new view and the timeline
entries it has not had yet. A command id already applied (in this run, or in the log as its
``cid``) is acknowledged again and not applied twice.

Nothing a client sends reaches the session unchecked (:mod:`detente.net.protocol`); a client
that keeps sending what the protocol does not allow, or too much of it, is disconnected.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import os
import ssl
import sys
import time
import traceback
from collections.abc import AsyncIterator, Callable, Collection, Coroutine, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from detente.engine.adjudicate import legal_moves
from detente.engine.annul import annullable
from detente.engine.bots import Policy, play_bots, seated
from detente.engine.commands import (
    EVALUATOR,
    FACILITATOR,
    SEES_ALL,
    Advance,
    Assess,
    Clock,
    Command,
    Evaluate,
    Observe,
    actor_of,
)
from detente.engine.events import Event
from detente.engine.recorder import RecordedSession, author, numbered
from detente.engine.session import Result
from detente.engine.state import PhaseClock
from detente.engine.views import PUBLIC, Timeline, view
from detente.engine.visibility import scenario_for
from detente.net import protocol
from detente.net.codes import role_for
from detente.net.protocol import ProtocolError

SPECTATOR = "spectator"
"""The role of the projector and anyone watching: what everyone may see (the ``public`` view)."""

ABUSE = 1008
"""WebSocket close code for a connection closed for what it sent (policy violation)."""

HELLO_WITHIN = 10.0
"""Seconds a new connection has to send its ``hello``."""

MAX_ERRORS = 10
"""Messages the protocol does not allow before the connection is closed."""

RATE, BURST = 20.0, 40
"""Messages per second a connection may send on average, and in one burst."""

SEND_WITHIN = 5.0
"""Seconds a connection has to take a message before it is cut off."""

FAILED_DELAY, FAILED_CAP, FAILED_FORGET = 0.2, 5.0, 300.0
"""A wrong code from an address is answered after 0.2 s × 2^(earlier failures), at most 5 s; an
address's failures are forgotten 5 minutes after its last one."""


MAX_CONNECTIONS, MAX_UNJOINED = 200, 20
"""Connections the host keeps open at once, and of them not yet joined (no good code yet) from
one address; one more is closed with :data:`TRY_AGAIN`."""

TRY_AGAIN = 1013
"""WebSocket close code for a connection refused because the host is full (try again later)."""

_LOG_KEYS = ("sha256",)
"""What a resumed log's events lose, to be as a fresh session's are (:func:`numbered`)."""


class _Feed:
    """One role's timeline as the events come, each event filtered once.

    ``engine.views.timeline`` holds back an adjudication's results from teams until the
    facilitator publishes them, and what the debrief reveals until the session ends, so filtering
    only the newest events would lose what was held. The feed keeps one
    :class:`~detente.engine.views.Timeline`, which holds them, and feeds it each event once: its
    output is the whole timeline's (tests/net/test_feed.py checks this over every bundled
    scenario)."""

    __slots__ = ("entries", "filter", "read")

    def __init__(self) -> None:
        self.entries: list[Any] = []
        """The role's whole timeline so far."""
        self.filter: Timeline | None = None
        self.read = 0
        """Events of the session fed to the filter so far."""

    def catch_up(self, events: Sequence[Event], role: str, scenario: Any) -> None:
        if self.read == len(events):
            return
        if self.filter is None:
            self.filter = Timeline(role, scenario)
        new = events[self.read :]
        if role not in SEES_ALL:
            # An event's line in the log is for those who see every line: the gaps would tell
            # a team how much happened out of its sight.
            new = [{k: v for k, v in e.items() if k != "seq"} for e in new]
        self.entries += self.filter.feed(new)
        self.read = len(events)


class _Seat:
    """One connection's place at the table: its role and how much of its timeline it has had."""

    __slots__ = ("acked", "closing", "errors", "role", "sent", "tokens", "when")

    def __init__(self, role: str) -> None:
        self.role = role
        self.closing = False
        self.sent = 0
        self.acked = 0
        """Commands of this connection applied so far (see :meth:`Host._update_to`)."""
        self.errors = 0
        self.tokens = float(BURST)
        self.when = time.monotonic()

    def take(self) -> bool:
        """A token of the rate limit, if one is left."""
        now = time.monotonic()
        self.tokens = min(float(BURST), self.tokens + (now - self.when) * RATE)
        self.when = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def view_role(role: str) -> str:
    """The role :func:`detente.engine.views.view` knows a connection's role by."""
    return PUBLIC if role == SPECTATOR else role


#: What an evaluator may send: observations, HSEEP ratings and ratings of expectations, as itself.
EVALUATOR_COMMANDS = (Observe, Evaluate, Assess)


def may_send(role: str, command: Command, played: Collection[str] = ()) -> str | None:
    """Why ``role`` may not send ``command``, in words, or None if it may. The facilitator acts
    for the actors it plays (``played``) and for no team; the evaluator changes nothing in the
    game: it observes and rates (:data:`EVALUATOR_COMMANDS`), as the evaluator.

    >>> from detente.engine.commands import Advance, SubmitOrders
    >>> may_send("blue", SubmitOrders(team="blue", orders=())) is None
    True
    >>> may_send("blue", SubmitOrders(team="red", orders=()))
    'a team acts only for itself: this command is red’s'
    >>> may_send("blue", Advance())
    'only the facilitator may advance'
    >>> may_send("facilitator", SubmitOrders(team="red", orders=()))
    'the facilitator does not act for a team: red sends its own commands'
    >>> may_send("facilitator", SubmitOrders(team="red", orders=()), played={"red"}) is None
    True
    >>> may_send("evaluator", Advance())
    'an evaluator observes and rates and changes nothing in the game: no “advance” command'
    """
    actor = actor_of(command)
    if role == SPECTATOR:
        return "spectators watch: they send no commands"
    if role == EVALUATOR:
        if not isinstance(command, EVALUATOR_COMMANDS):
            return ("an evaluator observes and rates and changes nothing in the game: no "
                    f"“{command.type.replace('_', ' ')}” command")
        return None if actor == EVALUATOR else f"an evaluator records as the evaluator, not as {actor}"
    if actor == EVALUATOR:
        return "observations and ratings as the evaluator come from the evaluator's seat"
    if role == FACILITATOR:
        return None if actor == FACILITATOR or actor in played else (
            f"the facilitator does not act for a team: {actor} sends its own commands"
        )
    if actor == FACILITATOR:
        return f"only the facilitator may {command.type.replace('_', ' ')}"
    if actor != role:
        return f"a team acts only for itself: this command is {actor}’s"
    return None


Attend = Callable[[ServerConnection], Coroutine[Any, Any, None]]
"""What a connection with a good code gets: a seat at a host's table (:meth:`Host.attend`), or
(a code for a whole cohort) the codes it opens (:class:`detente.net.cohort.CohortHost`)."""


def close_later(ws: ServerConnection, reason: str, tasks: set[asyncio.Task[None]]) -> None:
    """Close for abuse without waiting here: the handler goes on reading (and dropping) what
    the client had already sent, or the client's answer to the close would queue behind it."""
    task = asyncio.create_task(ws.close(ABUSE, reason))
    tasks.add(task)
    task.add_done_callback(tasks.discard)


class Door:
    """Where connections come in: the limits on how many, the ``hello`` each must send first,
    the wait after a wrong code. ``route`` says what a code opens (None: nothing), so one door
    serves one host (:class:`Host`) or several behind one listener (a cohort of syndicates)."""

    def __init__(self, route: Callable[[str], Attend | None]) -> None:
        self.route = route
        self._open = 0
        self._unjoined: dict[str, int] = {}
        self._failures: dict[str, tuple[int, float]] = {}
        self._closing: set[asyncio.Task[None]] = set()

    async def handle(self, ws: ServerConnection) -> None:
        address = str(ws.remote_address[0]) if ws.remote_address else "?"
        if self._open >= MAX_CONNECTIONS or self._unjoined.get(address, 0) >= MAX_UNJOINED:
            with contextlib.suppress(ConnectionClosed):
                await ws.close(TRY_AGAIN, "try again later")
            return
        self._open += 1
        self._unjoined[address] = self._unjoined.get(address, 0) + 1
        try:
            try:
                attend = await self._join(ws)
            finally:
                self._unjoined[address] -= 1
                if not self._unjoined[address]:
                    del self._unjoined[address]
            if attend is not None:
                await attend(ws)
        except ConnectionClosed:
            pass
        finally:
            self._open -= 1

    async def _join(self, ws: ServerConnection) -> Attend | None:
        """Wait for a ``hello`` with a good code: what it opens (or None: the connection is closed)."""
        errors = 0
        try:
            async with asyncio.timeout(HELLO_WITHIN):
                async for frame in ws:
                    if errors >= MAX_ERRORS:
                        continue  # closing: what is still queued is read and dropped
                    try:
                        msg = protocol.parse_client(frame)
                        if msg["type"] != "hello":
                            raise ProtocolError("hello-first", "say who you are first: hello {code}")
                    except ProtocolError as exc:
                        errors += 1
                        await ws.send(protocol.encode(protocol.error(exc.error, exc.detail)))
                        if errors >= MAX_ERRORS:
                            close_later(ws, "too many messages the protocol does not allow", self._closing)
                        continue
                    attend = self.route(msg["code"])
                    if attend is None:
                        await self._refuse(ws)
                    return attend
        except TimeoutError:
            await ws.close(ABUSE, f"no hello within {HELLO_WITHIN:g} seconds")
        return None

    async def _refuse(self, ws: ServerConnection) -> None:
        """A wrong code: answered late (later with each failure from the address), then closed."""
        address = str(ws.remote_address[0]) if ws.remote_address else "?"
        now = time.monotonic()
        for stale in [a for a, (_, last) in self._failures.items() if now - last > FAILED_FORGET]:
            del self._failures[stale]
        count = self._failures.get(address, (0, now))[0]
        self._failures[address] = (count + 1, now)
        await asyncio.sleep(min(FAILED_CAP, FAILED_DELAY * 2**count))
        await ws.send(protocol.encode(protocol.error("bad-code", "that code opens nothing here")))
        await ws.close(ABUSE, "wrong code")


@contextlib.asynccontextmanager
async def listening(
    handler: Callable[[ServerConnection], Coroutine[Any, Any, None]], host: str = "127.0.0.1", port: int = 0,
    tls: ssl.SSLContext | None = None,
) -> AsyncIterator[tuple[str, int]]:
    """A WebSocket listener on ``host``:``port`` (0: any free port) while the block runs; yields
    the URL clients join (``wss://`` with ``tls``) and the port bound. Leaving the block closes
    every connection."""
    async with serve(handler, host, port, max_size=protocol.MAX_FRAME, ssl=tls, compression=None) as server:
        bound = next(iter(server.sockets)).getsockname()[1]
        where = f"[{host}]" if ":" in host else host
        yield f"{'wss' if tls is not None else 'ws'}://{where}:{bound}", bound


class Host:
    """An authoritative session served over WebSocket (see the module's docstring)."""

    def __init__(
        self, recorded: RecordedSession, codes: Mapping[str, str], bots: Mapping[str, Policy] | None = None,
    ) -> None:
        """A host for ``recorded`` with one join code per role (role id → code).

        Roles are the scenario's team ids, ``facilitator``, ``evaluator`` and ``spectator``; a role
        without a code cannot be joined. ``bots`` (team → policy) play those teams at the host: they act
        as soon as a phase lets them, through the same logged commands, and have no code."""
        self.recorded = recorded
        self.codes = dict(codes)
        scenario = recorded.session.scenario
        self.bots: dict[str, Policy] = seated(scenario, bots or {})
        """Teams a bot plays, the scenario's background actors always among them."""
        self.bot_problems: list[str] = []
        """Commands a bot made that the session refused (the bots stop until the next command)."""
        self.played: frozenset[str] = frozenset(scenario.facilitator_played) - set(self.bots)
        """The actors the facilitator plays (from the console, or joined with the facilitator's
        code): no code, no seat; the facilitator's commands for them are theirs."""
        unknown = set(self.codes) - {*scenario.actor_ids, FACILITATOR, EVALUATOR, SPECTATOR}
        if unknown:
            raise ValueError(f"codes for unknown roles: {', '.join(sorted(unknown))}")
        if seatless := sorted(set(self.codes) & (set(scenario.actor_ids) - set(scenario.team_ids))):
            raise ValueError(f"no team plays {', '.join(seatless)}: it has no code")
        if both := sorted(set(self.codes) & set(self.bots)):
            raise ValueError(f"a bot plays {', '.join(both)}: it has no code")
        self.port: int | None = None
        """The port the host listens on, once :meth:`serving` has bound it."""
        self._events: list[Event] = []
        if recorded.contents is not None:
            # As a fresh session's events are: with their line in the log, without its chain.
            self._events = [{k: v for k, v in r.items() if k not in _LOG_KEYS}
                            for r in recorded.contents.records if r["kind"] != "command"]
        self.syndicate = ""
        """The syndicate this session is, by name (``Syndicate 2``), when it is one of several
        behind one listener (:class:`detente.net.cohort.CohortHost`); empty for a host of one."""
        self._lock = asyncio.Lock()
        self._feeds: dict[str, _Feed] = {}
        self._dirty = asyncio.Event()
        self._door = Door(self._route)
        self._seats: dict[ServerConnection, _Seat] = {}
        self._acks: dict[tuple[str, str], dict[str, Any]] = {}
        self._closing: set[asyncio.Task[None]] = set()
        self._clock_seen: PhaseClock | None = None
        self._clock_at: float | None = None
        """The monotonic time the running clock had ``state.clock.left`` left (None: not running)."""
        self._clock_timer: asyncio.TimerHandle | None = None
        self._live = False
        self.listeners: list[Callable[[str | None], None]] = []
        """Front ends in the host's own process: called (in the host's loop) after every change,
        with a notice for the facilitator (the clock ran out) or None."""
        if recorded.contents is not None:
            self._resume_paused(recorded.contents.records)

    # -- what a role reads ---------------------------------------------------------------------

    def role_name(self, role: str) -> str:
        """How a role is named on screen."""
        if role == FACILITATOR:
            return "Facilitator"
        if role == EVALUATOR:
            return "Evaluator"
        if role == SPECTATOR:
            return "Spectator"
        return self.recorded.session.scenario.actor(role).name

    def roles(self) -> list[str]:
        """Every role a person can join as, teams first, in the scenario's order (a bot's team
        is the bot's; an actor no team plays has no seat)."""
        teams = [t for t in self.recorded.session.scenario.team_ids if t not in self.bots]
        return [*teams, FACILITATOR, EVALUATOR, SPECTATOR]

    def _view(self, role: str) -> dict[str, Any]:
        ladder = self.recorded.session.ruleset.ladder
        return protocol.view_to_dict(view(self.recorded.state, view_role(role), ladder))

    def _timeline(self, role: str) -> list[Any]:
        """The role's whole timeline so far (filtering only the events it has not seen yet)."""
        as_role = view_role(role)
        feed = self._feeds.setdefault(as_role, _Feed())
        feed.catch_up(self._events, as_role, self.recorded.session.scenario)
        return feed.entries

    def _extras(self, role: str) -> dict[str, Any]:
        """What the role's screens need beside its view (docs/protocol.md, "Beside the view"):
        a team's legal moves now and with its whole turn's budget, the facilitator's waiting
        teams, the results it may annul and the views and moves of the actors it plays,
        everyone's clock as measured now."""
        session = self.recorded.session
        st = session.state
        more = protocol.extras(clock_left=self.clock_left())
        if role in session.scenario.actor_ids:
            more.update(self._moves(role))
        elif role == FACILITATOR:
            more["waiting"] = list(session.waiting_for())
            if st.phase == "adjudication":
                more["annullable"] = [attrs.asdict(a) for a in annullable(session)]
            # What the screen of each actor the facilitator plays needs: its view and moves.
            more["played"] = {a: {"view": self._view(a), **self._moves(a)}
                              for a in session.scenario.actor_ids if a in self.played}
        return more

    def _moves(self, actor: str) -> dict[str, Any]:
        """``moves`` and ``priced`` of an actor: its legal moves now, and with its whole turn's
        budget in this phase and in orders."""
        session = self.recorded.session
        st = session.state
        unspent = st.replace(spent={**st.spent, actor: 0})
        return {
            "moves": protocol.legal_to_dict(legal_moves(st, actor, session.ruleset)),
            "priced": {phase: protocol.legal_to_dict(legal_moves(unspent, actor, session.ruleset, phase,
                                                                 barred=True))
                       for phase in dict.fromkeys((st.phase, "orders"))},
        }

    # -- the phase clock -----------------------------------------------------------------------

    def clock_left(self) -> float | None:
        """Seconds left on the phase clock now, as this host measures them, or None when the
        phase has no clock. The engine holds what was left at the last clock command; while the
        clock runs, the host subtracts the time since it saw that command applied."""
        clock = self.recorded.state.clock
        if clock is None:
            return None
        if not clock.running or self._clock_at is None:
            return float(clock.left)
        return round(max(0.0, clock.left - (time.monotonic() - self._clock_at)), 3)

    def _measured(self, command: Command) -> Command:
        """A facilitator's ``pause`` or ``extend`` of the running clock that does not say what
        is left (``left`` = -1) gets the host's measurement (whole seconds, rounded up), so the
        logged command holds it and replays to the same events."""
        clock = self.recorded.state.clock
        if (isinstance(command, Clock) and command.left == -1 and command.action in ("pause", "extend")
                and clock is not None and clock.running):
            left = self.clock_left()
            assert left is not None
            return attrs.evolve(command, left=min(clock.left, math.ceil(left)))
        return command

    def _clock_changed(self) -> None:
        """After anything applied: a clock that changed starts its measurement now, and a running
        one has its time-up timer set afresh."""
        clock = self.recorded.state.clock
        if clock == self._clock_seen:
            return
        self._clock_seen = clock
        self._clock_at = time.monotonic() if clock is not None and clock.running else None
        self._set_timer()

    def _set_timer(self) -> None:
        if self._clock_timer is not None:
            self._clock_timer.cancel()
            self._clock_timer = None
        clock = self.recorded.state.clock
        if clock is None or not clock.running or not self._live:
            return  # not serving yet: serving() sets it
        left = self.clock_left() or 0.0
        self._clock_timer = asyncio.get_running_loop().call_later(left, self._time_up_soon, clock)

    def _time_up_soon(self, clock: PhaseClock) -> None:
        task = asyncio.create_task(self._time_up(clock))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _time_up(self, clock: PhaseClock) -> None:
        """The running clock ran out: the host pauses it at 0 (logged), tells every facilitator
        connection, and advances the phase itself when the clock is on auto."""
        async with self._lock:
            if self.recorded.state.clock != clock or not clock.running:
                return  # paused, extended or gone while the timer was on its way
            phase = self.recorded.state.phase
            if not self._apply(Clock("pause", left=0)).accepted:  # pragma: no cover - checked above
                return
            text = f"Time is up for {phase}: advance or extend"
            for listener in list(self.listeners):
                listener(text)
            await asyncio.gather(*(self._send(ws, protocol.notice(text))
                                   for ws, seat in list(self._seats.items()) if seat.role == FACILITATOR))
            if self.recorded.state.clock_auto:
                self._apply(Advance())

    def _resume_paused(self, records: Sequence[Mapping[str, Any]]) -> None:
        """A log whose clock was running when the host stopped resumes with the clock paused:
        at what was left at its last clock event less the time from that event's command to the
        log's last command (by their ``at``), rounded up, at least 0."""
        clock = self.recorded.state.clock
        if clock is None or not clock.running:
            self._clock_seen = clock
            return
        at = clock_at = last_at = None
        for r in records:
            if r["kind"] == "command":
                at = r.get("at")
                last_at = at or last_at
            elif r["kind"] == "clock":
                clock_at = at
        elapsed = 0.0
        if clock_at and last_at:
            elapsed = (datetime.fromisoformat(last_at) - datetime.fromisoformat(clock_at)).total_seconds()
        left = max(0, min(clock.left, math.ceil(clock.left - elapsed)))
        self._apply(Clock("pause", left=left))

    # -- serving ---------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def serving(
        self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> AsyncIterator[str]:
        """Listen on ``host``:``port`` (0: any free port; :attr:`port` says which) while the
        block runs; yields the URL clients join (``wss://`` with ``tls``, a server context
        holding the certificate and key). Leaving the block closes every connection."""
        async with listening(self._door.handle, host, port, tls) as (url, self.port), self.running():
            yield url

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The host at work while the block runs: its publisher sends each change to the
        connections, its phase clock counts. :meth:`serving` runs it behind a listener of its
        own; a :class:`~detente.net.cohort.CohortHost` runs several behind one."""
        self._live = True
        self._clock_seen, self._clock_at = None, None
        self._clock_changed()  # a clock already running starts counting now
        publisher = asyncio.create_task(self._publishing())
        try:
            yield
        finally:
            self._live = False
            if self._clock_timer is not None:
                self._clock_timer.cancel()
            publisher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await publisher

    def _route(self, code: str) -> Attend | None:
        """What a connection that said ``code`` gets: a seat as the role the code opens, or None."""
        role = role_for(self.codes, code)
        return None if role is None else functools.partial(self.attend, role=role)

    async def attend(self, ws: ServerConnection, role: str) -> None:
        """Seat a connection whose code opened ``role``: welcome it, then take what it sends until
        it goes."""
        seat = await self._welcome(ws, role)
        try:
            async for frame in ws:
                await self._receive(ws, seat, frame)
        finally:
            self._seats.pop(ws, None)

    async def _welcome(self, ws: ServerConnection, role: str) -> _Seat:
        seat = _Seat(role)
        scenario = scenario_for(self.recorded.session.scenario, role)
        async with self._lock:  # no update between the welcome's timeline and the seat's count
            entries = self._timeline(role)
            seat.sent = len(entries)
            msg = protocol.welcome(role, self.role_name(role), protocol.scenario_to_dict(scenario),
                                   self._view(role), entries, self._extras(role), bots=tuple(self.bots),
                                   log=os.path.basename(self.recorded.path), syndicate=self.syndicate)
            await ws.send(protocol.encode(msg))
            self._seats[ws] = seat
        return seat

    async def _receive(self, ws: ServerConnection, seat: _Seat, frame: str | bytes) -> None:
        command_id = None
        if seat.closing:
            return  # read and dropped, so the closing handshake is not stuck behind a full queue
        try:
            msg = protocol.parse_client(frame)  # first: a refusal names the command it refuses
            if msg["type"] == "command":
                command_id = msg["id"]
            if not seat.take():
                raise ProtocolError("slow-down", f"slow down: at most {RATE:g} messages a second")
            if msg["type"] == "ping":
                await ws.send(protocol.encode(protocol.message("pong")))
                return
            if msg["type"] == "hello":
                raise ProtocolError("already-joined", f"this connection is already {seat.role}")
            command_id = msg["id"]
            command = protocol.command_from_wire(msg["command"])
        except ProtocolError as exc:
            seat.errors += 1
            reply = protocol.error(exc.error, exc.detail)
            if command_id is not None:
                reply["id"] = command_id
            await ws.send(protocol.encode(reply))
            if seat.errors >= MAX_ERRORS:
                seat.closing = True
                close_later(ws, "too many messages the protocol does not allow", self._closing)
            return
        await self._command(ws, seat, command_id, command)

    async def _command(self, ws: ServerConnection, seat: _Seat, command_id: str, command: Command) -> None:
        refusal = may_send(seat.role, command, self.played)
        if refusal is not None:
            await ws.send(protocol.encode(protocol.ack(command_id, False, refusal)))
            return
        key = (actor_of(command), command_id)
        async with self._lock:
            again = self._acks.get(key)
            if again is None and key in self.recorded.applied_ids():
                again = protocol.ack(command_id, True)  # applied before the host restarted
            if again is not None:
                await ws.send(protocol.encode(again))
                return
            try:
                result = self._apply(self._measured(command), cid=command_id,
                                     by=author(self.recorded.session.scenario, command))
            except Exception:  # a bug or a full disk: the session is as it was, the host goes on
                traceback.print_exc(file=sys.stderr)
                await ws.send(protocol.encode(protocol.ack(
                    command_id, False, "the host could not apply this command; nothing changed")))
                return
            if not result.accepted:
                reply = protocol.ack(command_id, False, getattr(result, "reason", "refused"))
                self._acks[key] = reply
                await ws.send(protocol.encode(reply))
                return
            seat.acked += 1
            reply = protocol.ack(command_id, True)
            self._acks[key] = reply
            await self._send(ws, reply)

    def _apply(self, command: Command, cid: str = "", by: str = "") -> Result:
        """Apply and log (fsync) a command (``by``: who gave it for its actor, see
        :meth:`RecordedSession.apply`); the host's own events and clock follow it, and every
        connection is told (soon: :meth:`_publish`)."""
        result = self.recorded.apply(command, cid=cid, by=by)
        if result.accepted:
            self._events += numbered(result.events, self.recorded.writer.next_seq)
            self.play_bots()
            self._clock_changed()
            self._publish()
        return result

    def play_bots(self) -> int:
        """Let the bots act until none has anything left to do now; how many commands they made
        (each logged like a team's, without a client's id)."""
        if not self.bots:
            return 0
        return play_bots(self.recorded.session, self.bots, self._apply_bot, self._events, self.bot_problems)

    def _apply_bot(self, command: Command) -> Result:
        result = self.recorded.apply(command)
        if result.accepted:
            self._events += numbered(result.events, self.recorded.writer.next_seq)
        return result

    def _publish(self) -> None:
        """Have every connection told what changed, soon: the publisher (:meth:`_publishing`)
        does it outside the command's turn, so the next command need not wait for the room.
        A console in the host's own process (:attr:`listeners`) is told at once."""
        self._dirty.set()
        for listener in list(self.listeners):
            listener(None)

    async def apply_here(self, command: Command) -> Result:
        """A command from a front end in the host's own process (the facilitator's console in
        the host's terminal): applied, logged and published like a connection's."""
        async with self._lock:
            return self._apply(self._measured(command), by=author(self.recorded.session.scenario, command))

    async def _publishing(self) -> None:
        """While serving: after each change, every connection gets its role's view and the
        timeline entries it has not had. Changes that come while it works go in its next round
        (one update for several commands).

        A round works out one role at a time and lets the event loop run between roles, so a
        command arriving meanwhile is applied and acknowledged at once instead of waiting for
        the whole room's updates (a role made after it simply includes it; the others get it
        next round). Each role's view, timeline and extras are read in one go, with no await
        between them and its seats' counts, so they always agree. The round's messages go to
        every connection at once: one slow connection holds up no other (and is dropped after
        :data:`SEND_WITHIN`)."""
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            sends: list[Coroutine[Any, Any, None]] = []
            try:
                for role in dict.fromkeys(seat.role for seat in self._seats.values()):
                    sends += self._updates(role)
                    await asyncio.sleep(0)
            except Exception:  # a bug: say so and go on (the next change tries again)
                traceback.print_exc(file=sys.stderr)
            await asyncio.gather(*sends)

    def _updates(self, role: str) -> list[Coroutine[Any, Any, None]]:
        """The sends of ``role``'s updates: its view and extras worked out once, and each
        distinct message (by how much of the timeline a seat has had) encoded once."""
        seats = [(ws, seat) for ws, seat in self._seats.items() if seat.role == role]
        if not seats:
            return []
        shown, entries, more = self._view(role), self._timeline(role), self._extras(role)
        frames: dict[int, str] = {}
        sends = []
        for ws, seat in seats:
            frame = frames.get(seat.sent)
            if frame is None:
                frame = protocol.encode(protocol.update(shown, entries[seat.sent :], more))
                frames[seat.sent] = frame
            sends.append(self._update_to(ws, seat, frame, seat.sent, seat.acked))
            seat.sent = len(entries)
        return sends

    async def _update_to(self, ws: ServerConnection, seat: _Seat, frame: str, had: int, acked: int) -> None:
        """Send an update made for ``seat`` — unless one of its own commands was applied since
        it was made: then its ack may already be out, and the first update after an ack must
        show that command. It is dropped and its entries go in the next round (which that
        command's change has already called for)."""
        if seat.acked != acked:
            seat.sent = had
            return
        await self._send(ws, frame)

    async def _send(self, ws: ServerConnection, msg: Mapping[str, Any] | str) -> None:
        """Send (a message, or one already encoded), unless the connection has gone (it will
        reconnect and be welcomed afresh). A connection that takes more than
        :data:`SEND_WITHIN` to take a message is cut off: the session waits for no one (its
        client reconnects and gets the current view)."""
        data = msg if isinstance(msg, str) else protocol.encode(msg)
        try:
            async with asyncio.timeout(SEND_WITHIN):
                await ws.send(data)
        except ConnectionClosed:
            pass
        except TimeoutError:
            self._seats.pop(ws, None)
            ws.transport.abort()


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    """A server TLS context from a PEM certificate (chain) and its PEM private key; raises
    OSError or ssl.SSLError when they cannot be read or do not match."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


__all__ = [
    "ABUSE", "MAX_CONNECTIONS", "MAX_UNJOINED", "SPECTATOR", "TRY_AGAIN", "Attend", "Door", "Host",
    "close_later", "listening", "may_send", "tls_context", "view_role",
]
