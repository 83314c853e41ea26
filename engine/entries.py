"""Timeline entries: the events a role may see, as typed values for screens and reports.

Events are dicts in the engine, the log and on the network (:mod:`detente.engine.events` says
why); :func:`detente.engine.views.timeline` filters them for a role. A screen, a summary or the
report reads the filtered events through :class:`Reader` instead, which gives each one as a
typed entry (:class:`Proposed`, :class:`Answered`, :class:`MoveResolved` …) that knows the turn
and phase it happened in and, for an event about an earlier one, that earlier entry: an answer,
a line said, a hang-up or a withdrawal carries the call or proposal it is about (``about``), and
a kept or broken pledge the pledge (``pledge``, with the turn it was made). So nothing that
shows a timeline keeps its own memory of what came before.

An entry holds only what the role saw: a field the visibility table took away (a change's
cause, an override's reason) reads as its default, and ``about`` is None when the role never
saw what the event is about.

>>> r = Reader()
>>> call, answer = r.read([
...     {"kind": "phase", "turn": 2, "phase": "communications"},
...     {"kind": "proposal", "id": "2-1", "by": "blue", "to": ["red"], "order": {"move": "hotline_call",
...      "target": "red"}, "cost": 1},
...     {"kind": "response", "id": "2-1", "by": "red", "accept": True},
... ])[1:]
>>> answer.accept, answer.turn, answer.about is call, call.order.move
(True, 2, True, 'hotline_call')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from attrs import field, fields, frozen

from detente.engine.state import Order


def _names(value: Any) -> tuple[str, ...]:
    """A list of ids as a tuple (a single id as a tuple of one)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(x) for x in value)


def _order(value: Any) -> Order:
    return value if isinstance(value, Order) else Order.from_dict(value or {"move": ""})


def _due(value: Any) -> tuple[int, str]:
    """A ``[turn, phase]`` as logged, as a tuple."""
    return (int(value[0]), str(value[1]))


def _maybe_due(value: Any) -> tuple[int, str] | None:
    return None if value is None else _due(value)


def _orders(value: Any) -> tuple[Order, ...]:
    return tuple(_order(o) for o in value or ())


@frozen
class TimelineEntry:
    """What every entry has: where in the session it happened, and its fields as logged."""

    kind: ClassVar[str] = ""
    turn: int
    """The turn it happened in (0 before the first)."""
    phase: str
    """The phase it happened in (``setup`` before the first)."""
    seq: int = 0
    """Its place in the log (0 when the event came without one)."""
    fields: Mapping[str, Any] = field(factory=dict, repr=False, eq=False)
    """The event as the role saw it (JSON-ready): what a log, a CSV or the network carries."""

    def involves(self, actor: str) -> bool:
        """Whether ``actor`` is a party to it: the team that acted, proposed, answered or spoke,
        an addressee, or an actor whose value changed or who had an incident."""
        for name in ("team", "by", "to", "of", "between"):
            value = getattr(self, name, None)
            if value == actor or (isinstance(value, tuple) and actor in value):
                return True
        return False


@frozen
class Started(TimelineEntry):
    kind: ClassVar[str] = "start"
    seed: int | None = None
    """The seed of the dice (the facilitator's alone: None for anyone else)."""


@frozen
class Drawn(TimelineEntry):
    """A scenario's draw made when the session began (seen by the teams it is not hidden from)."""

    kind: ClassVar[str] = "draw"
    id: str = ""
    title: str = ""
    option: str = ""


@frozen
class PhaseBegan(TimelineEntry):
    """A new phase began; at ``briefing``, a new turn (:attr:`turn` and :attr:`phase` are the new ones)."""

    kind: ClassVar[str] = "phase"


@frozen
class InjectDelivered(TimelineEntry):
    kind: ClassVar[str] = "inject"
    id: str = ""
    title: str = ""
    text: str = ""
    to: tuple[str, ...] = field(default=(), converter=_names)
    """Its addressees (empty: everyone)."""


@frozen
class ValueChanged(TimelineEntry):
    kind: ClassVar[str] = "changed"
    value: str = ""
    of: tuple[str, ...] = field(default=(), converter=_names)
    to: Any = None
    by: Any = None
    """The change (a number), or None."""
    cause: str = ""
    """Why, in the engine's words; empty when the why is not the role's to read."""


@frozen
class Overridden(TimelineEntry):
    """The facilitator set a value. A team reads the public text as the reason."""

    kind: ClassVar[str] = "override"
    value: str = ""
    of: tuple[str, ...] = field(default=(), converter=_names)
    to: Any = None
    reason: str = ""
    public: str = ""
    """The text teams read (the facilitator's copy only)."""


@frozen
class OrdersSealed(TimelineEntry):
    kind: ClassVar[str] = "orders"
    team: str = ""
    orders: tuple[Order, ...] = field(default=(), converter=_orders)
    cost: int = 0


@frozen
class Proposed(TimelineEntry):
    """A call, request or offer was made."""

    kind: ClassVar[str] = "proposal"
    id: str = ""
    by: str = ""
    to: tuple[str, ...] = field(default=(), converter=_names)
    order: Order = field(default=Order(""), converter=_order)
    cost: int = 0


@frozen
class _AboutProposal(TimelineEntry):
    id: str = ""
    about: Proposed | None = field(default=None, eq=False)
    """The call or proposal this is about, if the role saw it."""


@frozen
class Answered(_AboutProposal):
    kind: ClassVar[str] = "response"
    by: str = ""
    accept: bool = False


@frozen
class LeftUnanswered(_AboutProposal):
    """The phase ended with these targets not answering."""

    kind: ClassVar[str] = "unanswered"
    by: tuple[str, ...] = field(default=(), converter=_names)


@frozen
class Settled(_AboutProposal):
    """Every target of a proposal has answered."""

    kind: ClassVar[str] = "settled"


@frozen
class Said(_AboutProposal):
    """A line said on a call."""

    kind: ClassVar[str] = "message"
    by: str = ""
    text: str = ""
    tone: str = ""
    """The call tone it was said in (the ruleset's); empty: none given."""


@frozen
class Sent(TimelineEntry):
    """A message was sent on a slow channel (the sender's and the facilitator's)."""

    kind: ClassVar[str] = "sent"
    id: str = ""
    channel: str = ""
    by: str = ""
    to: str = ""
    text: str = ""
    due: tuple[int, str] = field(default=(0, ""), converter=_due)
    """The turn and phase it arrives in."""


@frozen
class Arrived(TimelineEntry):
    """A message on a slow channel reached its addressee."""

    kind: ClassVar[str] = "arrived"
    id: str = ""
    channel: str = ""
    by: str = ""
    to: str = ""
    text: str = ""
    sent: int = 0
    """The turn it was sent in."""


@frozen
class HungUp(_AboutProposal):
    kind: ClassVar[str] = "hang_up"
    by: str = ""


@frozen
class CallRated(_AboutProposal):
    """The facilitator rated an answered call."""

    kind: ClassVar[str] = "rating"
    rating: int = 0
    """-2 (it made things much worse) to +2 (it helped a great deal)."""


@frozen
class Withdrawn(_AboutProposal):
    kind: ClassVar[str] = "withdrawn"
    by: str = ""
    cost: int = 0
    """What the withdrawal gave back."""


@frozen
class Pledged(TimelineEntry):
    """A pledge made on a call (:attr:`turn` is the turn it was made)."""

    kind: ClassVar[str] = "pledge"
    id: str = ""
    call: str = ""
    by: str = ""
    to: str = ""
    pledge: str = ""
    """The pledge's kind (the ruleset's)."""
    region: str = ""
    until: int = 0


@frozen
class PledgeSettled(TimelineEntry):
    """A pledge was kept (it expired) or broken."""

    kind: ClassVar[str] = "pledge_status"
    id: str = ""
    status: str = ""
    pledge: Pledged | None = field(default=None, eq=False)
    """The pledge, if the role saw it made."""


@frozen
class Breached(TimelineEntry):
    """A pledge was breached and its holder did not detect it. The facilitator reads it when it
    happened; its parties only in the debrief (:attr:`revealed`): the holder did not know, and
    the maker did not know that it went unseen."""

    kind: ClassVar[str] = "breach"
    id: str = ""
    """The pledge's id."""
    by: str = ""
    """Who made the pledge (and breached it)."""
    to: str = ""
    """Whom it was made to (who did not detect the breach)."""
    pledge: str = ""
    """The pledge's kind (the ruleset's)."""
    region: str = ""
    happened: int = 0
    """The turn it happened (a revealed entry is read after the end)."""
    text: str = ""
    """What happened, in words."""
    revealed: bool = False
    """Read after the session ended, by a team that did not know it during play."""


@frozen
class Declared(TimelineEntry):
    """An actor declared its holdings to another, truthfully or not. The facilitator reads it
    when it happened; the two parties only in the debrief (:attr:`revealed`)."""

    kind: ClassVar[str] = "declaration"
    by: str = ""
    to: str = ""
    declaration: str = ""
    """What the declarer chose to declare (the ruleset's word: ``full``, ``understated``)."""
    declared: Mapping[str, Any] = field(factory=dict)
    """What it declared (the ruleset's terms: where each force is)."""
    actual: Mapping[str, Any] = field(factory=dict)
    """What was there."""
    hidden: tuple[str, ...] = field(default=(), converter=_names)
    """What the declaration left out or misstated (ids), empty when it was true."""
    truthful: bool = True
    happened: int = 0
    """The turn it happened."""
    text: str = ""
    """The declaration against the truth, in words."""
    revealed: bool = False
    """Read after the session ended, by a team that did not know it during play."""


@frozen
class Verified(TimelineEntry):
    """An inspection or observers compared the latest declaration ``by`` made to ``to`` with
    what they found."""

    kind: ClassVar[str] = "verification"
    by: str = ""
    """The declarer, whose forces were inspected or observed."""
    to: str = ""
    """The verifier, to whom the declaration was made."""
    how: str = ""
    """The means (the ruleset's word: ``inspection``, ``observers``)."""
    result: str = ""
    """``confirmed`` or ``exposed``."""
    declared_on: int = 0
    """The turn of the declaration."""
    hidden: tuple[str, ...] = field(default=(), converter=_names)
    """What an exposure found (ids)."""
    text: str = ""
    missed: bool = False
    """A false declaration the verifiers did not catch (the facilitator's alone: to the parties
    it reads as confirmed)."""


@frozen
class MoveResolved(TimelineEntry):
    """A move was resolved, with its result in words."""

    kind: ClassVar[str] = "move"
    team: str = ""
    order: Order = field(default=Order(""), converter=_order)
    result: str = ""
    text: str = ""


@frozen
class Rolled(TimelineEntry):
    """A seeded roll: a success when ``value < p`` (``p`` None: a draw from a table)."""

    kind: ClassVar[str] = "roll"
    id: str = ""
    p: float | None = None
    value: float = 0.0
    success: bool | None = None
    inputs: Mapping[str, Any] = field(factory=dict)
    about: str = ""


@frozen
class ForceMoved(TimelineEntry):
    kind: ClassVar[str] = "force"
    force: str = ""
    region: str = ""
    known_to: tuple[str, ...] = field(default=(), converter=_names)


@frozen
class ForceLocated(TimelineEntry):
    """Teams learned where a force is."""

    kind: ClassVar[str] = "known"
    force: str = ""
    by: tuple[str, ...] = field(default=(), converter=_names)


@frozen
class Notified(TimelineEntry):
    """A prior notification was given."""

    kind: ClassVar[str] = "notice"
    by: str = ""
    activity: str = ""
    region: str = ""


@frozen
class Flagged(TimelineEntry):
    kind: ClassVar[str] = "flag"
    flag: str = ""


@frozen
class Marked(TimelineEntry):
    kind: ClassVar[str] = "mark"
    key: str = ""
    value: Any = None


@frozen
class IncidentHappened(TimelineEntry):
    kind: ClassVar[str] = "incident"
    between: tuple[str, ...] = field(default=(), converter=_names)
    severity: str = ""
    level: int = 0
    text: str = ""
    region: str = ""
    """Where a scripted one happened (a rolled one says it in its text)."""
    cause: str = ""
    """What scripted it (``inject ID``; the facilitator's alone); empty for a rolled one."""
    blame: str = ""
    """The actor judged to have caused it (whose forces came closer, were more ready, gave no
    notice); empty when it is unclear (and in logs written before incidents were attributed)."""


@frozen
class CrisisChanged(TimelineEntry):
    """A crisis between two actors opened, was defused, or failed (the ruleset says how)."""

    kind: ClassVar[str] = "crisis"
    between: tuple[str, ...] = field(default=(), converter=_names)
    status: str = ""
    """``opened``, ``defused`` or ``failed``."""
    resolves: int = 0
    """The turn whose adjudication decides it."""
    text: str = ""


@frozen
class ClockSet(TimelineEntry):
    """The facilitator set, started, paused, extended or stopped the phase clock."""

    kind: ClassVar[str] = "clock"
    action: str = ""
    seconds: int = 0
    left: int = 0
    running: bool = False
    auto: bool = False


@frozen
class Annulled(TimelineEntry):
    """The facilitator annulled a move's result or an incident."""

    kind: ClassVar[str] = "annul"
    target: str = ""
    what: str = ""
    text: str = ""
    between: tuple[str, ...] = field(default=(), converter=_names)
    reason: str = ""
    public: str = ""


@frozen
class Noted(TimelineEntry):
    """A facilitator's observation for the debrief."""

    kind: ClassVar[str] = "note"
    text: str = ""


@frozen
class TeamNoted(TimelineEntry):
    """A line in a team's private notepad: only that team reads it."""

    kind: ClassVar[str] = "team_note"
    team: str = ""
    text: str = ""


@frozen
class Expected(TimelineEntry):
    """An inject's expectation opened (``status`` ``open``, with what and by when) or was
    decided: met or missed from the log, or rated by a person with a reason. The facilitator
    reads it when it happens; the teams expected to act only after the end (:attr:`revealed`)."""

    kind: ClassVar[str] = "expectation"
    id: str = ""
    """The expectation's id."""
    inject: str = ""
    """The inject it belongs to (on opening)."""
    who: tuple[str, ...] = field(default=(), converter=_names)
    """The teams expected to act (on opening)."""
    due: tuple[int, str] | None = field(default=None, converter=_maybe_due)
    """The deadline, ``(turn, phase)`` (on opening)."""
    text: str = ""
    """What is expected, in words (on opening)."""
    status: str = "open"
    """``open``, ``met``, ``partly`` or ``missed``."""
    reason: str = ""
    """A person's reason for the rating (empty when the log decided it)."""
    team: str = ""
    """A person's rating of one team of several: that team (empty: all of them)."""
    by: str = ""
    """``evaluator`` when the evaluator rated it (empty: the facilitator, or the log)."""
    revealed: bool = False
    """Read after the session ended, by a team expected to act."""


@frozen
class Observed(TimelineEntry):
    """An evaluator's (or the facilitator's) observation for the after-action report: theirs
    alone, never a team's."""

    kind: ClassVar[str] = "observation"
    id: str = ""
    by: str = ""
    """``evaluator`` or ``facilitator``."""
    text: str = ""
    on_turn: int = 0
    """The turn it concerns (the entry's :attr:`turn` is when it was recorded)."""
    about: str = ""
    """The team observed; empty: the exercise."""
    inject: str = ""
    decision: int = 0
    """The logged event it refers to (its ``seq``); 0: none."""
    finding: str = ""
    """``strength``, ``improvement`` or empty."""
    objective: int = 0
    capability: str = ""


@frozen
class Evaluated(TimelineEntry):
    """An evaluator's (or the facilitator's) HSEEP rating of a learning objective or capability,
    for one team or the exercise, with the rating the expectations suggested."""

    kind: ClassVar[str] = "evaluation"
    by: str = ""
    rating: str = ""
    """``P``, ``S``, ``M`` or ``U``."""
    suggested: str = ""
    reason: str = ""
    objective: int = 0
    capability: str = ""
    about: str = ""


@frozen
class ObjectiveChanged(TimelineEntry):
    kind: ClassVar[str] = "objective"
    id: str = ""
    actor: str = ""
    met: bool = False


@frozen
class Ended(TimelineEntry):
    """The session ended."""

    kind: ClassVar[str] = "outcome"
    result: str = ""
    reason: str = ""
    scores: Mapping[str, int] = field(factory=dict)


@frozen
class Argued(TimelineEntry):
    """A team argued an action in words (:mod:`detente.engine.argued`): the team's and the
    facilitator's."""

    kind: ClassVar[str] = "argued"
    id: str = ""
    by: str = ""
    action: str = ""
    arguments: str = ""
    targets: tuple[str, ...] = field(default=(), converter=_names)
    cost: int = 0


@frozen
class CountersAsked(TimelineEntry):
    """The facilitator showed an argued action to teams and asked them for counter-arguments."""

    kind: ClassVar[str] = "counters_asked"
    id: str = ""
    by: str = ""
    """The team that argued it."""
    action: str = ""
    arguments: str = ""
    targets: tuple[str, ...] = field(default=(), converter=_names)
    to: tuple[str, ...] = field(default=(), converter=_names)
    """The teams asked."""


@frozen
class Countered(TimelineEntry):
    """A counter-argument (its author's and the facilitator's)."""

    kind: ClassVar[str] = "countered"
    id: str = ""
    """The argued action's id."""
    by: str = ""
    text: str = ""


@frozen
class Judged(TimelineEntry):
    """The facilitator set the odds of an argued action and a d100 decided."""

    kind: ClassVar[str] = "judged"
    id: str = ""
    by: str = ""
    action: str = ""
    odds: int = 0
    """Percent."""
    roll: int = 0
    """The d100 (1–100): success at the odds or under."""
    success: bool = False


@frozen
class Narrated(TimelineEntry):
    """The facilitator said what came of an argued action and closed it."""

    kind: ClassVar[str] = "narrated"
    id: str = ""
    by: str = ""
    action: str = ""
    success: bool | None = None
    """None: closed without a roll."""
    odds: int | None = None
    roll: int | None = None
    narrative: str = ""
    public: bool = False
    """Announced to every team."""


@frozen
class Other(TimelineEntry):
    """An event of a kind this engine does not know (a newer log): only its :attr:`fields`."""


#: The entry type of each event kind.
TYPES: dict[str, type[TimelineEntry]] = {
    t.kind: t
    for t in (
        Started, Drawn, PhaseBegan, InjectDelivered, ValueChanged, Overridden, OrdersSealed, Proposed,
        Answered, LeftUnanswered, Settled, Said, Sent, Arrived, HungUp, CallRated, Withdrawn, Pledged,
        PledgeSettled, Breached, Declared, Verified, MoveResolved, Rolled, ForceMoved, ForceLocated,
        Notified, Flagged, Marked, IncidentHappened, CrisisChanged, ClockSet, Annulled, Noted,
        TeamNoted, Expected, Observed, Evaluated, ObjectiveChanged, Ended, Argued, CountersAsked, Countered,
        Judged, Narrated,
    )
}

_BASE = frozenset(("turn", "phase", "seq", "fields"))


def _event_fields(t: type[TimelineEntry]) -> tuple[str, ...]:
    """The fields of ``t`` read from the event: all but the base's and the link the reader
    fills in (``about`` of an answer, ``pledge`` of a pledge's status)."""
    link = "about" if issubclass(t, _AboutProposal) else "pledge" if t is PledgeSettled else ""
    return tuple(a.name for a in fields(t) if a.name not in _BASE and a.name != link)


_FIELDS = {t: _event_fields(t) for t in TYPES.values()}


class Reader:
    """Reads a role's timeline in order, a piece at a time, into typed entries: the one place
    that remembers the turn and phase, each call or proposal (so that an answer says what it
    answers) and each pledge (so that a broken pledge says what was promised)."""

    __slots__ = ("entries", "phase", "pledges", "proposals", "turn")

    def __init__(self) -> None:
        self.turn = 0
        self.phase = "setup"
        self.proposals: dict[str, Proposed] = {}
        self.pledges: dict[str, Pledged] = {}
        self.entries: list[TimelineEntry] = []
        """Every entry read so far."""

    def read(self, events: Iterable[Mapping[str, Any]]) -> list[TimelineEntry]:
        """The next events of the timeline as entries (also appended to :attr:`entries`)."""
        out = [self.entry(e) for e in events]
        self.entries += out
        return out

    def entry(self, e: Mapping[str, Any]) -> TimelineEntry:
        """One event as an entry; remembers what a later event may be about."""
        kind = e.get("kind", "")
        if kind == "phase":
            self.turn = int(e.get("turn", self.turn))
            self.phase = str(e.get("phase", self.phase))
        cls = TYPES.get(kind, Other)
        args: dict[str, Any] = {k: e[k] for k in _FIELDS.get(cls, ()) if e.get(k) is not None}
        if issubclass(cls, _AboutProposal):
            args["about"] = self.proposals.get(str(e.get("id")))
        elif cls is PledgeSettled:
            args["pledge"] = self.pledges.get(str(e.get("id")))
        entry = cls(turn=self.turn, phase=self.phase, seq=int(e.get("seq", 0) or 0), fields=e, **args)
        if isinstance(entry, Proposed):
            self.proposals[entry.id] = entry
        elif isinstance(entry, Pledged):
            self.pledges[entry.id] = entry
        return entry


def read(events: Iterable[Mapping[str, Any]]) -> list[TimelineEntry]:
    """A whole timeline (:func:`detente.engine.views.timeline`'s events) as entries."""
    return Reader().read(events)


__all__ = [
    "TYPES",
    "Annulled",
    "Answered",
    "Argued",
    "Arrived",
    "Breached",
    "CallRated",
    "ClockSet",
    "Countered",
    "CountersAsked",
    "CrisisChanged",
    "Declared",
    "Drawn",
    "Ended",
    "Evaluated",
    "Expected",
    "Flagged",
    "ForceLocated",
    "ForceMoved",
    "HungUp",
    "IncidentHappened",
    "InjectDelivered",
    "Judged",
    "LeftUnanswered",
    "Marked",
    "MoveResolved",
    "Narrated",
    "Noted",
    "Notified",
    "ObjectiveChanged",
    "Observed",
    "OrdersSealed",
    "Other",
    "Overridden",
    "PhaseBegan",
    "PledgeSettled",
    "Pledged",
    "Proposed",
    "Reader",
    "Rolled",
    "Said",
    "Sent",
    "Settled",
    "Started",
    "TeamNoted",
    "TimelineEntry",
    "ValueChanged",
    "Verified",
    "Withdrawn",
    "read",
]
