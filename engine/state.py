"""The state of a running session: everything that changes, as frozen value objects.

A :class:`State` is never mutated. It is the fold of the session's events
(:func:`detente.engine.events.fold`), so a state can always be rebuilt from a
log. Mappings inside a state are plain dicts that nothing writes to after they
are built; a change copies the dict it touches and evolves the state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import field, frozen

from detente.engine.scenario import Scenario

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


def rung(tension: int) -> int:
    """The escalation-ladder rung of a tension value: tension ÷ 10, 0–10.

    >>> rung(47), rung(90), rung(100)
    (4, 9, 10)
    """
    return min(10, max(0, tension // 10))


@frozen(slots=False)
class ActorState:
    """What changes about one actor."""

    readiness: int
    """0 (peacetime) to 4 (war footing)."""
    pressure: int
    """Domestic pressure, 0–100."""
    budget: int
    """Actions per turn, 0–20."""


@frozen(slots=False)
class PairState:
    """Symmetric values between two actors."""

    tension: int
    """0–100; rung = tension ÷ 10, rung 9 is open conflict."""
    hotline: bool
    """A direct channel exists."""
    agreement: bool
    """An incidents-at-sea style agreement is in force."""
    proximity: int
    """Starting force proximity, 0–5; deployed forces add to it (:meth:`State.proximity`)."""
    incidents: int = 0
    """Incidents so far."""


@frozen(slots=False)
class Outlook:
    """What one actor holds about another (directed)."""

    trust: int
    """0–100."""
    threat: int
    """Threat perceived, 0–100."""
    information: float
    """Quality of information, 0–1."""
    answer: float
    """Probability that the other side answers this actor's call, 0–1."""


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
        return cls(
            move=d["move"],
            target=d.get("target", ""),
            targets=tuple(d.get("targets", ())),
            region=d.get("region", ""),
            force=d.get("force", ""),
            choice=d.get("choice", ""),
            text=d.get("text", ""),
        )


@frozen
class Message:
    """One line of a hotline call's transcript."""

    by: str
    text: str


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


@frozen(eq=False, slots=False)
class State:
    """The whole state of a session at one moment."""

    scenario: Scenario = field(repr=False)
    """The scenario being played (static)."""
    numbers: Mapping[str, Mapping[str, Any]] = field(repr=False)
    """The ruleset's numbers with the scenario's overrides (static)."""
    turn: int
    """1-based; 0 before the session starts."""
    phase: str
    """One of :data:`detente.engine.scenario.PHASES`, or ``"setup"`` before the start."""
    actors: Mapping[str, ActorState]
    pairs: Mapping[Pair, PairState]
    outlooks: Mapping[Pair, Outlook]
    """Keyed ``(holder, other)``."""
    cohesion: Mapping[str, int]
    """Per alliance, 0–100."""
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
    """``(caller, callee, how)`` with how in ``called``, ``answered``, ``declined``."""
    flags: frozenset[str] = frozenset()
    """Markers that last for this turn only (an answered call calms the pair)."""
    marks: Mapping[str, Any] = field(factory=dict)
    """Markers that last across turns, keyed by the rule that set them."""
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

    # -- reading -------------------------------------------------------------------------
    def tension(self, a: str, b: str) -> int:
        """The pair's tension, 0–100."""
        return self.pairs[pair(a, b)].tension

    def outlook(self, holder: str, other: str) -> Outlook:
        """What ``holder`` holds about ``other``."""
        return self.outlooks[(holder, other)]

    def proximity(self, a: str, b: str, seen_by: str | None = None) -> int:
        """Force proximity, 0–5: the starting value plus each force of one side
        in a region near the other. With ``seen_by``, only the forces that team knows of."""
        total = self.pairs[pair(a, b)].proximity
        scenario = self.scenario
        near = scenario.region_near
        forces = self.forces
        for owner, other in ((a, b), (b, a)):
            for fid in scenario.forces_of.get(owner, ()):
                fs = forces[fid]
                if seen_by is not None and owner != seen_by and seen_by not in fs.known_to:
                    continue
                if other in near.get(fs.region, ()):
                    total += 1
        return min(5, total)

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

    def replace(self, **changes: Any) -> State:
        """A copy with some fields changed (no validation: the fold is the only writer)."""
        return with_changes(self, changes)


def with_changes(obj: T, changes: Mapping[str, Any]) -> T:
    """A copy of a frozen (non-slotted) value object with some fields changed.

    ``attrs.evolve`` re-runs ``__init__``, which costs several microseconds for the state's
    two dozen fields; folding a long log does this once per event, so the copy is a plain
    dictionary merge instead. Only for classes declared ``slots=False`` in this module."""
    new = _new(obj.__class__)
    # The frozen class refuses ``new.__dict__ = ...``; object's own setter does not ask it.
    _set(new, "__dict__", obj.__dict__ | changes)  # type: ignore[operator]
    return new


_new = object.__new__
_set = object.__setattr__


def initial_state(scenario: Scenario, numbers: Mapping[str, Mapping[str, Any]]) -> State:
    """The state before the first turn: the scenario's starting values, with the
    ruleset's ``[defaults]`` wherever the scenario is silent."""
    d = numbers["defaults"]
    ids = scenario.actor_ids
    actors = {
        a.id: ActorState(readiness=a.readiness, pressure=a.pressure, budget=a.budget)
        for a in scenario.actors
    }
    given = {pair(*r.between): r for r in scenario.relations}
    pairs: dict[Pair, PairState] = {}
    outlooks: dict[Pair, Outlook] = {}
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            key = pair(a, b)
            r = given.get(key)

            def pick(name: str, r: Any = r) -> Any:
                v = getattr(r, name) if r is not None else None
                return d[name] if v is None else v

            pairs[key] = PairState(
                tension=pick("tension"),
                hotline=pick("hotline"),
                agreement=pick("agreement"),
                proximity=pick("proximity"),
            )
            for holder, other in ((a, b), (b, a)):
                own = r.seen_by.get(holder) if r is not None else None

                def pick2(name: str, own: Any = own, pick: Any = pick) -> Any:
                    v = getattr(own, name) if own is not None else None
                    return pick(name) if v is None else v

                outlooks[(holder, other)] = Outlook(
                    trust=pick2("trust"),
                    threat=pick2("threat"),
                    information=float(pick2("information")),
                    answer=float(pick2("answer")),
                )
    forces = {f.id: ForceState(region=f.home, known_to=frozenset({f.owner})) for f in scenario.forces}
    # Forces at home are public knowledge: everyone knows where a fleet is based.
    everyone = frozenset(ids)
    forces = {fid: ForceState(region=fs.region, known_to=everyone) for fid, fs in forces.items()}
    return State(
        scenario=scenario,
        numbers=numbers,
        turn=0,
        phase="setup",
        actors=actors,
        pairs=pairs,
        outlooks=outlooks,
        cohesion={al.id: al.cohesion for al in scenario.alliances},
        forces=forces,
    )
