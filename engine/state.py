"""The state of a running session: everything that changes, as frozen value objects.

A :class:`State` is never mutated. It is the fold of the session's events
(:func:`detente.engine.events.fold`), so a state can always be rebuilt from a
log. Folding and adjudication change a :class:`Working` copy in place, which copies
each table the first time it writes to it, and freeze it into one new State per
command: a change costs the same whatever the size of the state.

Tracked values (tension, trust … whatever the ruleset declares, see
:mod:`detente.engine.tracks`) live in one table per track, in :attr:`State.values`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import evolve, field, frozen

from detente.engine.scenario import Scenario
from detente.engine.tracks import BUDGET, Track

if TYPE_CHECKING:
    from detente.engine.ruleset import Ruleset

T = TypeVar("T")

Pair = tuple[str, str]
"""Two actor ids. Symmetric values use the sorted pair (:func:`pair`); directed
values use ``(holder, other)``."""


def pair(a: str, b: str) -> Pair:
    """The key of a symmetric value between ``a`` and ``b``.

    >>> pair("red", "blue")
    ('blue', 'red')
    """
    return (a, b) if a < b else (b, a)


def rung(value: int) -> int:
    """The escalation-ladder rung of a value of the ruleset's escalation track (0–100, see
    :attr:`~detente.engine.ruleset.Ruleset.escalation`): the value ÷ 10, 0–10.

    >>> rung(47), rung(90), rung(100)
    (4, 9, 10)
    """
    return min(10, max(0, value // 10))


@frozen(slots=False)
class ForceState:
    """Where a force is and who knows it."""

    region: str
    """The region it is in."""
    known_to: frozenset[str]
    """Teams that know where it is (its owner always does)."""


@frozen
class Order:
    """One move a team makes: a sealed order, or a communications move.

    Which arguments a move takes is said by its move type's ``params``.
    """

    move: str
    """The move type's name (``"deploy"``)."""
    target: str = ""
    """An actor the move is aimed at."""
    targets: tuple[str, ...] = ()
    """Several actors (a multilateral dialogue)."""
    region: str = ""
    """A region."""
    force: str = ""
    """One of the team's forces."""
    choice: str = ""
    """A named option (a stance, an area, an activity)."""
    text: str = ""
    """Free text (a public statement's words)."""

    def to_dict(self) -> dict[str, Any]:
        """The order as a compact dict, leaving out empty arguments (as logged)."""
        d: dict[str, Any] = {"move": self.move}
        if self.target:
            d["target"] = self.target
        if self.region:
            d["region"] = self.region
        if self.force:
            d["force"] = self.force
        if self.choice:
            d["choice"] = self.choice
        if self.text:
            d["text"] = self.text
        if self.targets:
            d["targets"] = list(self.targets)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Order:
        """The inverse of :meth:`to_dict`."""
        get = d.get
        # Positional, in the order of the fields: the fold makes an order of every one logged.
        return cls(
            d["move"], get("target", ""), tuple(get("targets", ())), get("region", ""),
            get("force", ""), get("choice", ""), get("text", ""),
        )


def draw_key(draw: str) -> str:
    """The mark a draw's result is kept under (:attr:`State.marks`)."""
    return f"draw:{draw}"


LETTERS = "letters"
"""The mark counting the messages sent on slow channels (the next one's id is one more)."""
OBSERVED = "observations"
"""The mark counting the observations recorded (the next one's id is ``o`` and one more)."""
LETTER_PREFIX = "letter:"
"""Marks under this prefix, and the message's id, hold each message sent
(:func:`letter_key`): channel, by, to, text, the turn sent, ``due`` ``[turn, phase]``, and
once it has arrived ``arrived`` (the turn)."""


def letter_key(letter: str) -> str:
    """The mark a message on its way is kept under (:attr:`State.marks`)."""
    return f"{LETTER_PREFIX}{letter}"


EXPECTATION_PREFIX = "expect:"
"""Marks under this prefix, and an expectation's id, hold each expectation opened
(:func:`expectation_key`): inject, who, due ``[turn, phase]``, text, status (``open``,
``met``, ``partly``, ``missed``) and, once decided, the turn and phase and a person's reason."""


def expectation_key(expectation: str) -> str:
    """The mark an expectation is kept under once its inject is delivered (:attr:`State.marks`)."""
    return f"{EXPECTATION_PREFIX}{expectation}"


@frozen
class Message:
    """One line of a hotline call's transcript."""

    by: str
    text: str
    tone: str = ""
    """The call tone it was said in (the ruleset's); empty: none given."""


@frozen(slots=False)
class Proposal:
    """A communications move that needs an answer: a call, a request, an offer."""

    id: str
    """``"T-N"``: turn and number within the turn (``"3-1"``)."""
    by: str
    """The proposing team."""
    order: Order
    """The move and its arguments."""
    to: tuple[str, ...]
    """Who must answer."""
    answers: Mapping[str, bool] = field(factory=dict)
    """Answers so far: True accepted, False declined."""
    status: str = "open"
    """``open``, ``settled`` (everyone answered or time ran out), or for a call ``talking``/``ended``."""
    transcript: tuple[Message, ...] = ()
    """For an answered call: what was said."""
    rating: int | None = None
    """For an answered call: the facilitator's rating of it (-2 to +2), None while unrated."""

    def tone_of(self, team: str) -> str:
        """The call tone ``team`` chose on this call: that of its last line that gave one;
        empty if none did."""
        return next((m.tone for m in reversed(self.transcript) if m.by == team and m.tone), "")


@frozen(slots=False)
class Pledge:
    """A commitment made on a call, checked at each adjudication while in force."""

    id: str
    by: str
    """Who pledged."""
    to: str
    """To whom."""
    kind: str
    """One of the ruleset's pledge kinds (``"no_deployment"``)."""
    region: str
    """For pledges about a region; empty otherwise."""
    until: int
    """The last turn it is in force."""
    made: int
    """The turn it was made."""
    status: str = "active"
    """``active``, ``kept`` or ``broken``."""


@frozen
class Notice:
    """A prior notification of an activity (Vienna Document style)."""

    by: str
    activity: str
    """``deploy`` or ``exercise``."""
    region: str
    turn: int
    """The turn it was given; it counts for activities on later turns."""


@frozen
class Delivery:
    """An inject as delivered to its addressees."""

    id: str
    turn: int
    title: str
    text: str
    to: tuple[str, ...]
    """Empty for everyone."""


@frozen
class Outcome:
    """How the session ended."""

    result: str
    """One of :data:`detente.engine.scenario.OUTCOMES`."""
    reason: str
    """In words, for the end screen and the report."""
    turn: int
    scores: Mapping[str, int] = field(factory=dict)
    """Objective points per actor."""


@frozen
class PhaseClock:
    """The clock of the current phase, in seconds. The engine never reads a clock: ``left`` is
    what was left at the last clock command (the edge that runs the clock measures the time
    that passes while it runs, and says how much was left when it pauses or extends it)."""

    turn: int
    phase: str
    seconds: int
    """How long the phase was given (the scenario's ``[turns] clock``, or as set or extended)."""
    left: int
    """Seconds left at the last clock command."""
    running: bool = False


class Entry:
    """One actor's, pair's or alliance's tracked values, read by name (``entry.tension``).

    A window on the state's tables, not a copy: it reads the value when asked."""

    __slots__ = ("_key", "_values")

    def __init__(self, values: Mapping[str, Mapping[Any, Any]], key: Any) -> None:
        self._values = values
        self._key = key

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name][self._key]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"Entry({self._key!r})"


class Reading:
    """The questions every state answers: a frozen :class:`State` and the :class:`Working`
    copy that adjudication changes in place alike."""

    __slots__ = ()

    # The fields both have (documented on State).
    scenario: Scenario
    numbers: Mapping[str, Mapping[str, Any]]
    tracks: Mapping[str, Track]
    ruleset: Ruleset
    turn: int
    phase: str
    values: Mapping[str, Mapping[Any, Any]]
    forces: Mapping[str, ForceState]
    orders: Mapping[str, tuple[Order, ...]]
    spent: Mapping[str, int]
    proposals: Mapping[str, Proposal]
    pledges: Mapping[str, Pledge]
    notices: tuple[Notice, ...]
    inbox: tuple[Delivery, ...]
    fired: Mapping[str, int]
    calls: frozenset[tuple[str, str, str]]
    flags: frozenset[str]
    marks: Mapping[str, Any]
    tally: Mapping[tuple[str, ...], int]
    met: Mapping[str, bool]
    outcome: Outcome | None
    before: State | None
    count: int
    clock: PhaseClock | None
    clock_auto: bool

    def value(self, name: str, *of: str) -> Any:
        """One tracked value: ``state.value("tension", "red", "blue")``."""
        return self.values[name][self.tracks[name].key(of)]

    def _entries(self, scope: str) -> dict[Any, Entry]:
        values = self.values
        keys = next((values[t.name].keys() for t in self.tracks.values() if t.scope == scope), ())
        return {k: Entry(values, k) for k in keys}

    @property
    def actors(self) -> Mapping[str, Entry]:
        """Each actor's values by name (``state.actors["red"].budget``), keyed by actor id."""
        values = self.values
        return {a: Entry(values, a) for a in self.scenario.actor_ids}

    @property
    def pairs(self) -> Mapping[Pair, Entry]:
        """Each pair's symmetric values, keyed by :func:`pair`."""
        return self._entries("pair")

    @property
    def outlooks(self) -> Mapping[Pair, Entry]:
        """What each actor holds about each other, keyed ``(holder, other)``."""
        return self._entries("directed")

    def outlook(self, holder: str, other: str) -> Entry:
        """What ``holder`` holds about ``other``."""
        return Entry(self.values, (holder, other))

    def left(self, team: str) -> int:
        """What is left of ``team``'s budget this turn."""
        return int(self.values["budget"][team]) - self.spent.get(team, 0)

    def owner(self, force: str) -> str:
        """The actor a force belongs to."""
        return self.scenario.force_owner[force]

    def alliances_of(self, actor: str) -> tuple[str, ...]:
        """Ids of the alliances the actor belongs to."""
        return self.scenario.alliances_by_actor.get(actor, ())

    def allied(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` share an alliance."""
        return b in self.scenario.allies.get(a, ())

    @property
    def ended(self) -> bool:
        """Whether the session is over."""
        return self.outcome is not None

    def label(self) -> str:
        """The current turn's name (``"Day 3"``)."""
        return self.scenario.turns.name(self.turn)


@frozen(eq=False, slots=False)
class State(Reading):
    """The whole state of a session at one moment. Never changed: adjudication changes a
    :class:`Working` copy (:meth:`thaw`) and freezes it again, once per command."""

    scenario: Scenario = field(repr=False)
    """The scenario being played (static)."""
    numbers: Mapping[str, Mapping[str, Any]] = field(repr=False)
    """The ruleset's numbers with the scenario's overrides (static)."""
    tracks: Mapping[str, Track] = field(repr=False)
    """The tracked values' declarations, by name: the engine's, the ruleset's and the scenario's
    own (static)."""
    ruleset: Ruleset = field(repr=False)
    """The ruleset adjudicating (static)."""
    turn: int
    """1-based; 0 before the session starts."""
    phase: str
    """One of :data:`detente.engine.scenario.PHASES`, or ``"setup"`` before the start."""
    values: Mapping[str, Mapping[Any, Any]]
    """Every tracked value: track name → key (:meth:`Track.key`) → value."""
    forces: Mapping[str, ForceState]
    orders: Mapping[str, tuple[Order, ...]] = field(factory=dict)
    """This turn's sealed orders, per team that has submitted."""
    spent: Mapping[str, int] = field(factory=dict)
    """Budget used this turn, per team."""
    proposals: Mapping[str, Proposal] = field(factory=dict)
    """This turn's calls and proposals."""
    pledges: Mapping[str, Pledge] = field(factory=dict)
    notices: tuple[Notice, ...] = ()
    inbox: tuple[Delivery, ...] = ()
    fired: Mapping[str, int] = field(factory=dict)
    """Inject id → the last turn it fired."""
    calls: frozenset[tuple[str, str, str]] = frozenset()
    """``(caller, callee, how)`` with how in ``called``, ``answered``, ``refused`` or
    ``unanswered`` (the callee did not answer before the phase ended), and ``declined`` with
    either of the last two."""
    flags: frozenset[str] = frozenset()
    """Markers that last for this turn only (an answered call calms the pair)."""
    marks: Mapping[str, Any] = field(factory=dict)
    """Markers that last across turns, keyed by the rule that set them."""
    tally: Mapping[tuple[str, ...], int] = field(factory=dict)
    """What happened so far, counted, for conditions (:func:`detente.engine.events.made_key`,
    :func:`~detente.engine.events.incident_key`): moves carried out, keyed ``("move", actor,
    move, target, region, force, choice)``, and incidents, keyed ``("incident", a, b, severity,
    cause)`` (the sorted pair; cause ``rolled`` or ``scripted``). An annulled one is taken back;
    a count never stays at 0. Folded from the events like everything else; never shown to a
    team (the facilitator's conditions read it)."""
    met: Mapping[str, bool] = field(factory=dict)
    """Objective id → tracked status (``ever`` / ``always`` checks)."""
    outcome: Outcome | None = None
    before: State | None = field(default=None, repr=False)
    """During adjudication: the state teams still see until results are published."""
    count: int = 0
    """Proposals made so far this turn (for their ids)."""
    clock: PhaseClock | None = None
    """The phase clock, if this phase has one."""
    clock_auto: bool = False
    """When a phase clock runs out, the phase advances by itself (the front end running the
    clock sends the Advance); otherwise the facilitator is told and decides."""
    memo: dict[Any, Any] = field(factory=dict, init=False, repr=False)
    """What has been worked out about this state (the legal moves of a team), kept because a
    state never changes. Not part of the state."""

    def replace(self, **changes: Any) -> State:
        """A copy with some fields changed (for tests and views; play changes a :meth:`thaw`)."""
        return evolve(self, **changes)

    def thaw(self) -> Working:
        """A working copy to change in place; it shares this state's tables until it writes
        to one (copy on write), so thawing costs nothing whatever the state's size."""
        return Working(self)


class Working(Reading):
    """A state being changed: by the fold of events and by adjudication, in place.

    Each table (a mapping field, and each track's table of values) is copied the first time
    it is written to (:meth:`own`, :meth:`own_values`), so the frozen state it came from and
    any state :meth:`freeze` gave out never change. Only the engine's fold and
    :class:`~detente.engine.adjudicate.Resolution` write to it."""

    def __init__(self, state: State) -> None:
        # A State keeps its fields in its __dict__ (it is not slotted): one update copies them.
        self.__dict__.update(state.__dict__)
        del self.__dict__["memo"]
        self._owned: set[str] = set()

    def own(self, name: str) -> dict[Any, Any]:
        """The mapping field ``name``, copied if this working state has not yet written to it."""
        table = getattr(self, name)
        if name not in self._owned:
            table = dict(table)
            setattr(self, name, table)
            self._owned.add(name)
        return table

    def own_values(self, track: str) -> dict[Any, Any]:
        """The table of one track's values, copied if not yet written to."""
        if track in self._owned:
            return self.values[track]  # type: ignore[return-value]  # an owned table is this copy's dict
        values = self.own("values")
        table = values[track] = dict(values[track])
        self._owned.add(track)
        return table

    def set(self, track: str, of: Sequence[str], to: Any) -> None:
        """Set one tracked value (no clamping: the caller clamps)."""
        self.own_values(track)[self.tracks[track].key(of)] = to

    def freeze(self) -> State:
        """The state as it is now. Later changes to this working copy do not reach it."""
        # Every command freezes once: filling the new State's __dict__ directly skips the
        # generated __init__ and its two dozen keyword arguments (a State has no validators,
        # and its only default made here is the empty memo).
        state = object.__new__(State)
        fields = state.__dict__
        fields.update(self.__dict__)
        del fields["_owned"]
        fields["memo"] = {}
        self._owned = set()
        return state


def changed_copy(obj: T, **changes: Any) -> T:
    """A copy of ``obj`` (a :class:`Proposal`, a :class:`Pledge`: a frozen value object that keeps
    its fields in its ``__dict__``) with ``changes`` made. What ``attrs.evolve`` does, without its
    walk over the class's fields: the fold changes a proposal at nearly every answer. The caller
    names real fields."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__, **changes)
    return new


def starting_values(
    scenario: Scenario, numbers: Mapping[str, Mapping[str, Any]], tracks: Iterable[Track],
) -> dict[str, dict[Any, Any]]:
    """Every track's table before the first turn. A value comes from the scenario where it
    gives one (an actor's, an alliance's or a relation's ``values``, or a relation's
    ``seen_by`` for a directed value), else from the ruleset's ``[defaults]``, else from the
    track's own default. The budget is an actor's own field."""
    defaults = numbers.get("defaults", {})
    ids = scenario.actor_ids
    given = {pair(*r.between): r for r in scenario.relations}
    out: dict[str, dict[Any, Any]] = {}
    for t in tracks:
        # A scenario's own value starts where its declaration says: the ruleset's [defaults]
        # are the ruleset's values'.
        fallback = t.default if t.scenario else defaults.get(t.name, t.default)

        def pick(*sources: Mapping[str, Any] | None, t: Track = t, fallback: Any = fallback) -> Any:
            for source in sources:
                v = source.get(t.name) if source is not None else None
                if v is not None:
                    return t.type(v)
            return fallback if fallback is None else t.type(fallback)

        table: dict[Any, Any] = {}
        if t.name == BUDGET.name:
            for actor in scenario.actors:
                table[actor.id] = t.type(actor.budget)
        elif t.scope == "actor":
            for actor in scenario.actors:
                table[actor.id] = pick(actor.values)
        elif t.scope == "alliance":
            for al in scenario.alliances:
                table[al.id] = pick(al.values)
        elif t.scope == "global":
            table[t.key(())] = pick()
        else:
            for i, a in enumerate(ids):
                for b in ids[i + 1:]:
                    r = given.get(pair(a, b))
                    if t.scope == "pair":
                        table[pair(a, b)] = pick(r.values if r is not None else None)
                    else:
                        for holder, other in ((a, b), (b, a)):
                            own = r.seen_by.get(holder) if r is not None else None
                            table[(holder, other)] = pick(own, r.values if r is not None else None)
        out[t.name] = table
    return out


def initial_state(
    scenario: Scenario, numbers: Mapping[str, Mapping[str, Any]], ruleset: Ruleset | None = None,
) -> State:
    """The state before the first turn: the scenario's starting values, with the
    ruleset's ``[defaults]`` wherever the scenario is silent. The values tracked are the
    engine's budget, the ruleset's and the scenario's own (``[[tracks]]``). ``ruleset`` is the scenario's
    (found by its name if not given)."""
    if ruleset is None:
        from detente.engine.ruleset import find_ruleset

        ruleset = find_ruleset(scenario.rules.name)
    # The scenario's own values come after the ruleset's (a checked scenario reuses no name).
    declared = {t.name: t for t in (BUDGET, *ruleset.tracks.values(), *scenario.own_tracks.values())}
    # Forces at home are public knowledge: everyone knows where a fleet is based.
    everyone = frozenset(scenario.actor_ids)
    forces = {f.id: ForceState(region=f.starts_in, known_to=everyone) for f in scenario.forces}
    return State(
        scenario=scenario,
        numbers=numbers,
        tracks=declared,
        ruleset=ruleset,
        turn=0,
        phase="setup",
        values=starting_values(scenario, numbers, declared.values()),
        forces=forces,
    )
