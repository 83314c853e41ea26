"""The session as the terminal UI sees it: commands in, views out.

Screens talk to a :class:`SessionClient`, never to a state, and never ask which one they
have. :class:`LocalClient` runs the session in this process and writes its log (the hot-seat
default); :class:`detente.net.remote.RemoteClient` (``detente join``) is one role's seat at a
workshop host over the network, and :class:`detente.tui.app.hosted.HostedClient` the facilitator's
console in the terminal of ``detente serve`` itself.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any, Protocol

from attrs import evolve

from detente.engine.adjudicate import LegalMove, legal_moves
from detente.engine.commands import FACILITATOR, Advance, Clock, Command
from detente.engine.entries import Reader, TimelineEntry
from detente.engine.events import Event
from detente.engine.recorder import (
    RecordedSession,
    author,
    describe_lineage,
    make_header,
    numbered,
    states_by_turn,
)
from detente.engine.scenario import Scenario
from detente.engine.session import Result
from detente.engine.views import Timeline, View, view

if TYPE_CHECKING:
    from detente.engine.bots import Policy


#: PBKDF2 rounds for the facilitator PIN's hash: a short PIN is guessable anyway; the log holds no
#: PIN in clear, and reading it back costs a guess some work.
PIN_ROUNDS = 100_000


def pin_setting(pin: str) -> dict[str, Any]:
    """The header setting that remembers a facilitator PIN: a random salt and the PBKDF2 hash,
    never the PIN itself."""
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), PIN_ROUNDS).hex()
    return {"salt": salt, "sha256": digest, "rounds": PIN_ROUNDS}


def pin_matches(setting: Mapping[str, Any], pin: str) -> bool:
    """Whether ``pin`` is the PIN a :func:`pin_setting` remembers."""
    try:
        salt = bytes.fromhex(str(setting["salt"]))
        rounds = int(setting.get("rounds", PIN_ROUNDS))
        want = str(setting["sha256"])
    except (KeyError, ValueError, TypeError):
        return False
    got = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, rounds).hex()
    return hmac.compare_digest(got, want)


class SessionClient(Protocol):
    """Everything a front end may ask of a running session: the screens use this and nothing
    else, so they work the same with a session in this process (:class:`LocalClient`, hot-seat)
    and with a host over the network (:class:`detente.net.remote.RemoteClient`, ``detente join``)."""

    joined: str | None
    """The role a network client joined as (a team id, ``facilitator``, ``evaluator`` or
    ``spectator``); None for hot-seat, where one keyboard is handed around. Screens use it only
    to leave out hand-overs (and keys that are another seat's over the network)."""

    @property
    def bots(self) -> Mapping[str, Any]:
        """Teams a bot plays: team → its policy (something with a ``name``)."""
        ...

    bot_problems: list[str]
    """Commands a bot made that the session refused, in words (the console shows and clears them)."""

    provenance: tuple[str, list[str]]

    @property
    def scenario(self) -> Scenario: ...

    @property
    def ladder(self) -> tuple[str, ...]: ...

    @property
    def log_path(self) -> str:
        """The log: its path here, or (over the network) its name on the host."""
        ...

    @property
    def log_here(self) -> bool:
        """Whether the log is on this machine (reports can be written from it here)."""
        ...

    @property
    def connected(self) -> bool:
        """Whether commands reach the session now (a network client may be reconnecting)."""
        ...

    @property
    def warnings(self) -> list[str]: ...

    @property
    def settings(self) -> Mapping[str, Any]: ...

    @property
    def has_pin(self) -> bool: ...

    def pin_matches(self, pin: str) -> bool: ...

    def lineage(self) -> list[str]: ...

    def status(self) -> str:
        """A line for the title bar: where the session is (empty for hot-seat)."""
        ...

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after the session changed by someone else's command (a network
        client calls it from its own thread; hot-seat never needs it)."""
        ...

    def notices(self) -> list[str]:
        """What the host told this role since last asked (the phase clock ran out), in words."""
        ...

    def view(self, role: str) -> View:
        """The session as ``role`` sees it now."""
        ...

    def timeline(self, role: str) -> list[TimelineEntry]:
        """The events ``role`` may see so far, as typed entries (:mod:`detente.engine.entries`)."""
        ...

    def apply(self, command: Command) -> Result:
        """Send a command; it is logged before the result comes back."""
        ...

    def play_bots(self) -> int:
        """Let the bots act; how many commands they made."""
        ...

    def waiting_for(self) -> tuple[str, ...]:
        """Teams the current phase still waits for."""
        ...

    def moves(self, team: str) -> list[LegalMove]:
        """The moves ``team`` may make in the current phase."""
        ...

    def priced_moves(self, team: str, phase: str | None = None) -> list[LegalMove]:
        """The moves of the current (or given) phase ``team`` could make with its whole turn's
        budget: what it may plan, affordable now or not, and those the rules bar now
        (:attr:`LegalMove.barred` says why)."""
        ...

    def clock_left(self) -> float | None:
        """Seconds left on the phase clock now, or None when the phase has no clock."""
        ...

    def escalation_history(self) -> dict[tuple[str, str], list[int]]:
        """The escalation value (the ruleset's, as the tension bar shows it) per pair at the end
        of each turn so far; empty if the ruleset has none."""
        ...

    def turn_facts(self, role: str, turn: int) -> tuple[Any, ...]: ...

    def move_types(self) -> Mapping[str, Any]: ...

    def annullable(self) -> list[Any]: ...

    def pledge_kinds(self) -> dict[str, tuple[str, bool]]: ...

    def close(self) -> None: ...


class LocalClient:
    """A session in this process, recorded to its log as it goes."""

    def __init__(
        self,
        recorded: RecordedSession,
        events: Sequence[Event] = (),
        bots: Mapping[str, Policy] | None = None,
    ) -> None:
        self._rec = recorded
        self._events: list[Event] = list(events)
        self._seen: dict[str, tuple[Timeline, Reader, list[int]]] = {}
        """Each role's timeline read so far, and how many events it has read."""
        self.bots = dict(bots or {})
        self.bot_problems: list[str] = []
        """Commands a bot made that the session refused (the bots stop until the next command)."""
        self._clock_at: float | None = None
        """While the phase clock runs: the monotonic time it had ``state.clock.left`` left (this
        front end runs the clock, as the host does for a network session)."""
        self._listeners: list[Callable[[], None]] = []
        self._notices: list[str] = []
        state = recorded.state
        if state.clock is not None and state.clock.running:
            # A resumed session's clock ran when the log stopped: it waits, paused, for the
            # facilitator (what ran meanwhile is not known here).
            self._apply(Clock("pause", left=state.clock.left))

    @classmethod
    def new(
        cls,
        scenario: Scenario,
        log_path: str | Path,
        seed: int | None = None,
        source: str = "",
        bots: Mapping[str, Policy] | None = None,
        pin: str = "",
    ) -> LocalClient:
        """Start a new session of a loaded scenario, logging to ``log_path`` (which must not exist).
        A ``pin`` locks the hand-back screen; the header keeps only its salted hash."""
        if not pin:
            return cls(RecordedSession.create(scenario, log_path, seed=seed, source=source), bots=bots)
        # RecordedSession.create, with the front end's settings in the header.
        from detente.engine.log import LogWriter
        from detente.engine.session import new_session
        from detente.engine.signing import dice_secret, machine_key

        key = machine_key()
        seed = scenario.scenario.seed if seed is None else seed
        session = new_session(scenario, seed, secret=dice_secret(key, seed))
        header = make_header(session, source, settings={"pin": pin_setting(pin)})
        client = cls(RecordedSession(session, LogWriter.create(log_path, header, key=key)), bots=bots)
        client._new_header = header
        return client

    @classmethod
    def resume(cls, log_path: str | Path, bots: Mapping[str, Policy] | None = None) -> LocalClient:
        """Re-open a session from its log, exactly where it stopped (bots catch up at once)."""
        from detente.tui.render.provenance import notes

        rec = RecordedSession.resume(log_path)
        assert rec.contents is not None
        events = [r for r in rec.contents.records if r["kind"] != "command"]
        client = cls(rec, events, bots)
        client.provenance = notes(str(log_path), rec.contents)
        if client.view(FACILITATOR).phase != "setup":
            client.play_bots()
        return client

    joined: str | None = None
    """Hot-seat: one keyboard, every role (see :attr:`SessionClient.joined`)."""

    _bots: dict[str, Policy]

    @property
    def bots(self) -> dict[str, Policy]:
        """Teams a bot plays (team → policy); they act as soon as a phase lets them. Always
        with the scenario's background actors (:func:`detente.engine.bots.seated`)."""
        return self._bots

    @bots.setter
    def bots(self, bots: Mapping[str, Policy]) -> None:
        from detente.engine.bots import seated

        self._bots = seated(self.scenario, bots)

    @property
    def warnings(self) -> list[str]:
        return self._rec.warnings

    @property
    def connected(self) -> bool:
        return True

    @property
    def log_here(self) -> bool:
        return True

    def status(self) -> str:
        return ""

    def on_change(self, callback: Callable[[], None]) -> None:
        """Nothing changes here but by this front end's own commands, and the clock running out."""
        self._listeners.append(callback)

    def notices(self) -> list[str]:
        """What the facilitator is to be told (the clock ran out), each once."""
        out, self._notices = self._notices, []
        return out

    _new_header: Mapping[str, Any] = {}
    """A new session's header, when the client wrote it (a resumed one reads it from the log)."""

    provenance: tuple[str, list[str]] = ("", [])
    """For a resumed session: who vouches for its log, and whether its scenario file changed
    (see :func:`detente.tui.render.provenance.notes`)."""

    @property
    def header(self) -> Mapping[str, Any]:
        """The log's header (its settings, a branch's parent)."""
        if self._rec.contents is not None:
            return self._rec.contents.header
        return self._new_header

    @property
    def settings(self) -> Mapping[str, Any]:
        """The front end's settings remembered in the header (``pin``: the PIN's salted hash)."""
        settings = self.header.get("settings")
        return settings if isinstance(settings, Mapping) else {}

    def pin_matches(self, pin: str) -> bool:
        """Whether ``pin`` is the facilitator PIN chosen at the start (False when none was)."""
        setting = self.settings.get("pin")
        return isinstance(setting, Mapping) and pin_matches(setting, pin)

    @property
    def has_pin(self) -> bool:
        return isinstance(self.settings.get("pin"), Mapping)

    def lineage(self) -> list[str]:
        """For a what-if branch: which log and turn it was branched from, one line per ancestor."""
        return describe_lineage(self.header)

    @property
    def scenario(self) -> Scenario:
        return self._rec.session.scenario

    @property
    def ladder(self) -> tuple[str, ...]:
        return self._rec.session.ruleset.ladder

    @property
    def log_path(self) -> str:
        return self._rec.path

    def view(self, role: str) -> View:
        return view(self._rec.state, role, self.ladder)

    def timeline(self, role: str) -> list[TimelineEntry]:
        # Each role's timeline is read once, as the session goes: only new events are filtered.
        seen = self._seen.get(role)
        if seen is None:
            seen = self._seen[role] = (Timeline(role, self.scenario), Reader(), [0])
        filtered, reader, count = seen
        if count[0] < len(self._events):
            reader.read(filtered.feed(self._events[count[0]:]))
            count[0] = len(self._events)
        return list(reader.entries)

    def apply(self, command: Command) -> Result:
        """Apply a person's command (one made for an actor the facilitator plays is logged as the
        facilitator's); then the bots make whatever moves it opened to them."""
        result = self._apply(command, author(self.scenario, command))
        if result.accepted:
            self.play_bots()
        return result

    def _apply(self, command: Command, by: str = "") -> Result:
        command = self._measured(command)
        before = self._rec.state.clock
        result = self._rec.apply(command, by=by)
        if result.accepted:
            self._events += numbered(result.events, self._rec.writer.next_seq)
            clock = self._rec.state.clock
            if clock is None or not clock.running:
                self._clock_at = None
            elif clock != before:  # started, extended, or a new phase's clock
                self._clock_at = monotonic()
        return result

    def _measured(self, command: Command) -> Command:
        """A pause or extension of the running clock says how much was left: this front end
        measured it (the engine reads no clock)."""
        if isinstance(command, Clock) and command.left == -1 and command.action in ("pause", "extend"):
            left = self._left_now()
            if left is not None:
                return evolve(command, left=math.ceil(left))
        return command

    def _left_now(self) -> float | None:
        clock = self._rec.state.clock
        if clock is None:
            return None
        if not clock.running or self._clock_at is None:
            return float(clock.left)
        return max(0.0, clock.left - (monotonic() - self._clock_at))

    def play_bots(self) -> int:
        """Let the bots act until none has anything left to do in this phase; how many commands
        they made. Bots answer calls, seal orders and talk through the same commands a team
        at the keyboard uses, each logged like any other."""
        if not self.bots:
            return 0
        from detente.engine.bots import play_bots

        return play_bots(self._rec.session, self.bots, self._apply, self._events, self.bot_problems)

    def waiting_for(self) -> tuple[str, ...]:
        return self._rec.session.waiting_for()

    def moves(self, team: str) -> list[LegalMove]:
        return legal_moves(self._rec.state, team, self._rec.session.ruleset)

    def priced_moves(self, team: str, phase: str | None = None) -> list[LegalMove]:
        state = self._rec.state
        unspent = state.replace(spent={**state.spent, team: 0})
        return legal_moves(unspent, team, self._rec.session.ruleset, phase, barred=True)

    def clock_left(self) -> float | None:
        """Seconds left now. Reading it runs the clock out: at 0 the clock is paused (logged),
        the facilitator is told, and with auto-advance on, the phase advances — as the host does
        for a network session; the screens read it every second."""
        left = self._left_now()
        clock = self._rec.state.clock
        if left is not None and left <= 0 and clock is not None and clock.running:
            self._apply(Clock("pause", left=0))
            phase = self._rec.state.phase
            self._notices.append(f"Time is up for {phase}: advance or extend")
            if self._rec.state.clock_auto:
                self.apply(Advance())
            for callback in self._listeners:
                callback()
            return 0.0
        return left

    def escalation_history(self) -> dict[tuple[str, str], list[int]]:
        """The escalation value per pair at the end of each turn so far (the ruleset's
        :attr:`~detente.engine.ruleset.Ruleset.escalation`; empty if it has none)."""
        name = self._rec.session.ruleset.escalation
        if not name:
            return {}
        by_turn = states_by_turn(self._rec.session, self._events)
        turns = sorted(t for t in by_turn if t >= 1)
        pairs = self._rec.state.values[name]
        return {key: [by_turn[t].values[name][key] for t in turns] for key in pairs}

    def turn_facts(self, role: str, turn: int) -> tuple[Any, ...]:
        """What happened in ``turn`` as ``role`` may know it, in words: the same facts as the
        report's timeline (:func:`detente.engine.aar.turn_facts`)."""
        from detente.engine.aar import turn_facts
        from detente.tui.render.text import Names

        return turn_facts(self._events, role, turn, self.scenario, Names.of(self.scenario))

    def move_types(self) -> Mapping[str, Any]:
        """The ruleset's moves by id (each with its ``title``)."""
        return self._rec.session.ruleset.moves

    def annullable(self) -> list[Any]:
        """Each move's result and incident of the adjudication under review (for the review's
        annul): :class:`detente.engine.annul.Annullable`."""
        from detente.engine.annul import annullable

        return annullable(self._rec.session)

    def pledge_kinds(self) -> dict[str, tuple[str, bool]]:
        """The ruleset's pledges: name → (description, needs a region)."""
        return {k: (p.description, p.needs_region) for k, p in self._rec.session.ruleset.pledges.items()}

    def close(self) -> None:
        self._rec.close()


__all__ = ["FACILITATOR", "LocalClient", "SessionClient"]
