"""Commands: what a team or the facilitator asks the session to do.

A command is an intent. :meth:`detente.engine.session.Session.apply` either
rejects it with a reason (the state does not change) or turns it into events.
Accepted commands are logged before their events, so ``replay --verify`` can run
them again and compare.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from attrs import asdict, field, fields, frozen

from detente.engine.scenario import Effect
from detente.engine.state import Order

FACILITATOR = "facilitator"
EVALUATOR = "evaluator"
"""The evaluator's role: sees the game as the facilitator does (not the facilitator's private
notes, nor any team's notepad) and cannot change it; records observations and ratings."""
SEES_ALL = (FACILITATOR, EVALUATOR)
"""The roles that see the whole game: every value, every sealed order, every roll."""
#: The HSEEP rating scale, best first: performed without challenges, with some challenges, with
#: major challenges, unable to be performed.
HSEEP = {"P": "performed without challenges", "S": "performed with some challenges",
         "M": "performed with major challenges", "U": "unable to be performed"}
#: What an observation records: a strength, an area for improvement, or neither (a plain note).
FINDINGS = ("strength", "improvement", "")


@frozen
class Start:
    """Begin the session: turn 1, briefing."""

    type: ClassVar[str] = "start"


@frozen
class Advance:
    """The facilitator moves on to the next phase (and at the end of a debrief, the next turn)."""

    type: ClassVar[str] = "advance"


@frozen
class Propose:
    """A team places a communications move: a hotline call, a request, an offer."""

    type: ClassVar[str] = "propose"
    team: str
    order: Order


@frozen
class Respond:
    """A target answers a proposal: accept (answer the call) or decline."""

    type: ClassVar[str] = "respond"
    team: str
    proposal: str
    accept: bool


@frozen
class Say:
    """A line said on an answered call."""

    type: ClassVar[str] = "say"
    team: str
    proposal: str
    text: str
    tone: str = ""
    """The tone the line is said in (one of the ruleset's call tones: a reassurance, a warning
    …); empty: none. A side's tone for the call is that of its last line that gave one."""


@frozen
class Send:
    """A team sends a message on one of the scenario's slow channels (``[[channels]]``): it
    arrives later, when the channel's delay has passed."""

    type: ClassVar[str] = "send"
    team: str
    channel: str
    to: str
    text: str


@frozen
class MakePledge:
    """A team pledges something on an answered call (a ruleset pledge kind)."""

    type: ClassVar[str] = "pledge"
    team: str
    proposal: str
    kind: str
    region: str = ""
    turns: int = 1
    """How many turns it stays in force, counting the current one."""


@frozen
class HangUp:
    """Either side ends a call."""

    type: ClassVar[str] = "hang_up"
    team: str
    proposal: str


@frozen
class RateCall:
    """The facilitator rates an answered call of this turn, in progress or ended: how much what
    was said helped (+1, +2) or harmed (-1, -2); the ruleset says what a rating does."""

    type: ClassVar[str] = "rate_call"
    proposal: str
    """The call's id (``"3-1"``)."""
    rating: int
    """-2 to +2 (:data:`detente.engine.ruleset.RATINGS`)."""


@frozen
class Withdraw:
    """A team takes back a call or proposal it placed this turn that no one has answered yet
    (communications phase only); what it cost is returned to the team's budget."""

    type: ClassVar[str] = "withdraw"
    team: str
    proposal: str
    """The proposal's id (``"3-1"``)."""


@frozen
class SubmitOrders:
    """A team seals its orders for the turn (an empty list passes)."""

    type: ClassVar[str] = "orders"
    team: str
    orders: tuple[Order, ...]


@frozen
class AddInject:
    """The facilitator delivers an ad-hoc inject."""

    type: ClassVar[str] = "inject"
    title: str
    text: str = ""
    to: tuple[str, ...] = ()
    effects: tuple[Effect, ...] = ()


@frozen
class Override:
    """The facilitator sets a value, with a reason that is logged."""

    type: ClassVar[str] = "override"
    value: str
    of: tuple[str, ...]
    to: Any
    reason: str
    """Why, in the facilitator's words: the facilitator's alone (the log, the facilitator's report)."""
    public: str = ""
    """What the teams who see the value read as its cause; empty: ``facilitator adjustment``."""


@frozen
class Annul:
    """The facilitator annuls a move's result or an incident during the adjudication review:
    what it changed is set back (see :mod:`detente.engine.annul`)."""

    type: ClassVar[str] = "annul"
    target: str
    """``move-N``, ``incident-N`` or ``crisis-N``: the Nth move, incident or crisis event of this
    adjudication, from 1 (:func:`detente.engine.annul.annullable` lists them with their text)."""
    reason: str
    """Why, in the facilitator's words: the facilitator's alone."""
    public: str = ""
    """What the teams who saw the result read; empty: ``facilitator adjustment``."""


@frozen
class Note:
    """The facilitator records an observation for the debrief."""

    type: ClassVar[str] = "note"
    text: str


@frozen
class TeamNote:
    """A team writes in its private notepad: logged, read back to that team alone (its screens,
    its replay, its report), never to another team nor to the facilitator. Allowed in any phase
    while the session runs, and after the end (the hot wash)."""

    type: ClassVar[str] = "team_note"
    team: str
    text: str


@frozen
class Assess:
    """The facilitator (or an evaluator) rates an expectation a person judges (one without a
    condition): ``met``, ``partly`` or ``missed``, with the reason. Allowed once its inject has
    been delivered, during play and after the end (the hot wash); a later rating replaces an
    earlier one."""

    type: ClassVar[str] = "assess"
    expectation: str
    """The expectation's id (``[[injects.expect]]``)."""
    status: str
    """``met``, ``partly`` or ``missed``."""
    reason: str
    """Why, in words: what the team did or did not do (it goes in the report)."""
    team: str = ""
    """The one team of several expected to act this rating is for; empty: all of them."""
    by: str = FACILITATOR
    """Who rates: ``facilitator`` or ``evaluator``."""


@frozen
class Observe:
    """The evaluator (or the facilitator) records an observation for the after-action report,
    bound to a turn and, where it applies, a team, an inject and the logged decision it refers
    to. Never shown to a team or the public. Allowed during play and after the end."""

    type: ClassVar[str] = "observe"
    text: str
    """What was seen, in words."""
    about: str = ""
    """The team observed (an actor id); empty: the exercise as a whole."""
    inject: str = ""
    """The inject it follows (an inject id); empty: none."""
    decision: int = 0
    """The logged event it refers to, by its line in the log (``seq``); 0: none."""
    turn: int = 0
    """The turn it concerns; 0: the current one."""
    finding: str = ""
    """``strength``, ``improvement`` (an area for improvement) or empty (a plain observation)."""
    objective: int = 0
    """The learning objective it bears on (1 is the first); 0: none."""
    capability: str = ""
    """The capability it bears on (as the expectations name them); empty: none."""
    by: str = EVALUATOR
    """Who observed: ``evaluator`` or ``facilitator``."""


@frozen
class Evaluate:
    """The evaluator (or the facilitator) rates a learning objective or a capability on the
    HSEEP scale (:data:`HSEEP`), for one team or the exercise as a whole, with the reason. The
    rating the expectations suggest is logged beside it. A later rating of the same thing
    replaces an earlier one. Allowed during play and after the end."""

    type: ClassVar[str] = "evaluate"
    rating: str
    """``P``, ``S``, ``M`` or ``U``."""
    reason: str
    """Why, in words (it goes in the after-action report)."""
    objective: int = 0
    """The learning objective rated (1 is the first); 0 when a capability is rated."""
    capability: str = ""
    """The capability rated; empty when an objective is."""
    about: str = ""
    """The team rated (an actor id); empty: the exercise as a whole."""
    by: str = EVALUATOR
    """Who rates: ``evaluator`` or ``facilitator``."""


@frozen
class Clock:
    """The facilitator runs the phase clock: ``set`` gives this phase ``seconds`` (paused),
    ``start`` runs it, ``pause`` stops it with ``left`` seconds left, ``extend`` adds ``seconds``
    (``left``: what was left, when it runs), ``stop`` takes the clock away, ``auto``/``manual``
    say whether the phase advances by itself when the time runs out. ``left`` is measured by the
    front end that runs the clock (the engine reads no clock), so a replay gives the same events."""

    type: ClassVar[str] = "clock"
    action: str
    seconds: int = 0
    left: int = -1
    """Seconds left now, as the front end measured them (pause, extend while running); -1: not given."""


@frozen
class End:
    """The facilitator ends the session early."""

    type: ClassVar[str] = "end"
    reason: str


@frozen
class Argue:
    """A team argues for an action no move covers, in words (a matrix game's argument): what it
    does, and why it should work. The facilitator may ask other teams for counter-arguments,
    sets the odds (:class:`Judge`), and narrates what came of it (:class:`Narrate`); see
    :mod:`detente.engine.argued`. Communications or orders phase; one a turn; it costs actions."""

    type: ClassVar[str] = "argue"
    team: str
    action: str
    """What the team does, in a line (at most :data:`~detente.engine.argued.MAX_ACTION` characters)."""
    arguments: str
    """Why it should work: the team's reasons (at most
    :data:`~detente.engine.argued.MAX_ARGUMENTS` characters)."""
    targets: tuple[str, ...] = field(default=(), converter=tuple)
    """The actors it is aimed at, if any (the facilitator's first guess of whom to ask for
    counter-arguments)."""


@frozen
class AskCounters:
    """The facilitator asks teams for counter-arguments to an open argued action: it is shown
    to them, and each may answer with a :class:`Counter` until the odds are set."""

    type: ClassVar[str] = "ask_counters"
    argument: str
    """The argued action's id."""
    teams: tuple[str, ...] = field(converter=tuple)
    """The teams asked (not the one that argued)."""


@frozen
class Counter:
    """A team asked for counter-arguments says why an argued action should fail (or how)."""

    type: ClassVar[str] = "counter"
    team: str
    argument: str
    text: str


@frozen
class Judge:
    """The facilitator sets the odds of an argued action: a die decides at once (a logged roll)."""

    type: ClassVar[str] = "judge"
    argument: str
    odds: int
    """The chance it succeeds, in percent (0–100); :data:`~detente.engine.argued.ODDS` names the
    usual bands (very unlikely 10 … very likely 90)."""


@frozen
class Narrate:
    """The facilitator says what came of an argued action and closes it: a narrative, and
    effects on values the arguing team is part of (none: no effect). Before the odds are set,
    it closes the argument without a roll (and without effects)."""

    type: ClassVar[str] = "narrate"
    argument: str
    narrative: str
    effects: tuple[Effect, ...] = ()
    public: bool = False
    """Announce the action, its result and the narrative to every team (otherwise only those who
    saw the argument read them; teams that see a value still see it move, without the why)."""


Command = (
    Start
    | Advance
    | Propose
    | Respond
    | Say
    | Send
    | MakePledge
    | HangUp
    | RateCall
    | Withdraw
    | SubmitOrders
    | AddInject
    | Override
    | Annul
    | Note
    | TeamNote
    | Assess
    | Observe
    | Evaluate
    | Clock
    | End
    | Argue
    | AskCounters
    | Counter
    | Judge
    | Narrate
)

COMMAND_TYPES: dict[str, type] = {
    c.type: c
    for c in (
        Start,
        Advance,
        Propose,
        Respond,
        Say,
        Send,
        MakePledge,
        HangUp,
        RateCall,
        Withdraw,
        SubmitOrders,
        AddInject,
        Override,
        Annul,
        Note,
        TeamNote,
        Assess,
        Observe,
        Evaluate,
        Clock,
        End,
        Argue,
        AskCounters,
        Counter,
        Judge,
        Narrate,
    )
}
"""Every command class by its ``type`` (as logged and as sent over the network)."""


def actor_of(command: Command) -> str:
    """Who issues the command: a team id, ``facilitator`` or ``evaluator``."""
    if isinstance(command, Assess | Observe | Evaluate):
        return command.by
    return getattr(command, "team", FACILITATOR)


def command_to_dict(command: Command) -> dict[str, Any]:
    """The command as a JSON-ready dict (as logged)."""
    d: dict[str, Any] = {"type": command.type}
    for f in fields(type(command)):
        v = getattr(command, f.name)
        if isinstance(v, Order):
            v = v.to_dict()
        elif f.name == "orders":
            v = [o.to_dict() for o in v]
        elif f.name == "effects":
            v = [{k: x for k, x in asdict(e).items() if x is not None} for e in v]
            for e in v:
                e["of"] = list(e["of"])
        elif isinstance(v, tuple):
            v = list(v)
        d[f.name] = v
    return d


def command_from_dict(d: Mapping[str, Any]) -> Command:
    """The inverse of :func:`command_to_dict`."""
    cls = COMMAND_TYPES[d["type"]]
    kw = {k: v for k, v in d.items() if k != "type"}
    if "order" in kw:
        kw["order"] = Order.from_dict(kw["order"])
    if "orders" in kw:
        kw["orders"] = tuple(Order.from_dict(o) for o in kw["orders"])
    if "effects" in kw:
        kw["effects"] = tuple(
            Effect(value=e["value"], of=tuple(e.get("of", ())), add=e.get("add"), set=e.get("set"))
            for e in kw["effects"]
        )
    for k in ("to", "of"):
        if isinstance(kw.get(k), list):
            kw[k] = tuple(kw[k])
    return cls(**kw)
