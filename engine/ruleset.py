"""The ruleset interface: move types, pledge kinds, adjudication steps, and lookup by name.

A ruleset is a plugin. It is found by name through the ``detente.rulesets``
entry-point group, so the engine never imports :mod:`detente.rules`; the bundled
``defense-diplomacy`` ruleset registers itself in ``pyproject.toml`` like any
third-party one would.

Each move type says when it can be made, what it costs, which arguments it
takes and which values are valid now (``choices``), and how it resolves. Numbers
live in the ruleset's TOML (``numbers``) and a scenario may override any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from attrs import evolve, field, frozen

from detente.engine.expr import ENGINE_FUNCTIONS, Signature
from detente.engine.state import Order, Pledge, Proposal, Reading
from detente.engine.tracks import SCOPES, Track

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution

ENTRY_POINT_GROUP = "detente.rulesets"

Numbers = Mapping[str, Mapping[str, Any]]

Ranges = Mapping[str, Mapping[str, tuple[float, float]]]
"""What each number may be, ``[lowest, highest]`` by section and name; ``"*"`` covers a
section's numbers not named."""

RANGES = "ranges"
"""The section of a ruleset's numbers that holds :data:`Ranges` rather than numbers."""

TITLES = "titles"
"""The section of a ruleset's numbers that holds the titles people read: ``moves``, ``pledges``
and ``tones`` tables of id → title. Taken out of the numbers into :attr:`MoveType.title`,
:attr:`PledgeType.title` and :attr:`CallTone.title`, so no scenario can override it."""


def default_title(name: str) -> str:
    """The title of a move or pledge whose ruleset declares none: its id in words.

    >>> default_title("hotline_call")
    'Hotline call'
    """
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]

COOPERATIVE, TRANSPARENT, COERCIVE, NEUTRAL = "cooperative", "transparent", "coercive", "neutral"
SOLIDARITY = "solidarity"
#: How a move can read to another team, and its sign: +1 cooperative, -1 escalatory, 0 neither.
#: A ``solidarity`` move (a show of support for allies) reads as neither to others; hawkish
#: bots favour it.
TONES: dict[str, int] = {COOPERATIVE: 1, TRANSPARENT: 1, COERCIVE: -1, NEUTRAL: 0, SOLIDARITY: 0}

AIMED, EVERYONE, NEAR, NON_ALLIES = "aimed", "everyone", "near", "non-allies"
#: Who reads a move's tone: its targets, everyone, the actors its region borders, non-allies.
READERS = (AIMED, EVERYONE, NEAR, NON_ALLIES)

#: Order fields a move parameter may name.
PARAM_FIELDS = ("target", "targets", "region", "force", "choice", "text")


@frozen
class Param:
    """One argument of a move."""

    name: str
    """The :class:`~detente.engine.state.Order` field it fills (one of :data:`PARAM_FIELDS`)."""
    doc: str
    """What to pick, in a few words (``"the force to deploy"``)."""
    optional: bool = False
    """Whether the move can be made without it."""


def _no_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {}


def _no_check(state: Reading, team: str, order: Order) -> str | None:
    return None


@frozen
class MoveType:
    """A kind of move a team can make."""

    name: str
    """Identifier used in orders files and logs (``"hotline_call"``)."""
    family: str
    """The rules module it belongs to (``"hotline"``, ``"transparency"`` …)."""
    phase: str
    """``"communications"`` (placed and answered live) or ``"orders"`` (sealed, resolved at adjudication)."""
    description: str
    """One line for the team's move list."""
    title: str = ""
    """What people read for it (``"Hotline call"``); ids are for orders files and logs. Filled
    from the ruleset's ``[titles.moves]`` (or :func:`default_title`) when the ruleset is made."""
    params: tuple[Param, ...] = ()
    """Its arguments."""
    choices: Callable[[Reading, str], Mapping[str, tuple[str, ...]]] = _no_choices
    """Valid values per argument for this team now. A required argument with no
    valid value makes the move unavailable. ``text`` arguments are free and not listed."""
    check: Callable[[Reading, str, Order], str | None] = _no_check
    """A precondition beyond the choices: returns the reason the move is refused, or None."""
    fixed_choices: bool = False
    """Whether :attr:`choices` depends on the scenario, the numbers and the team alone, never on
    what happened (the regions, the other actors), and so (for a move without required arguments)
    does :attr:`check`: legal moves then work them out once per session and team rather than on
    every state (a random or bot player asks for them at nearly every decision)."""
    resolve: Callable[[Resolution, str, Order], None] | None = None
    """Orders-phase moves: apply the move of ``team`` at adjudication."""
    consent: bool = False
    """Communications moves that the targets must answer (a call, a request, an offer)."""
    accept: Callable[[Resolution, Proposal, str], None] | None = None
    """Consent moves: a target (third argument) accepted."""
    decline: Callable[[Resolution, Proposal, str, bool], None] | None = None
    """Consent moves: a target declined (fourth argument False) or left it unanswered (True)."""
    opens_call: bool = False
    """Whether acceptance opens a call where the two sides talk and may pledge."""
    ended: Callable[[Resolution, Proposal], None] | None = None
    """Calls: the call ended (either side hung up, or communications closed with it open): what
    was said on it (each side's :class:`CallTone`, the pledges made) takes effect, once."""
    rated: Callable[[Resolution, Proposal, int], None] | None = None
    """Calls: the facilitator rated the answered call (:data:`RATINGS`); its effect, at once.
    None: the facilitator cannot rate calls of this move."""
    tone: str = NEUTRAL
    """How other teams read the move (:data:`TONES`): what bots weigh, and how a report sums up a
    team's conduct. A ``transparent`` move reads as cooperative and is a transparency measure."""
    read_by: str = AIMED
    """Who reads it that way (:data:`READERS`): its targets, everyone, the actors its region
    borders, or everyone but the mover's allies."""
    outsiders: str = NEUTRAL
    """With ``read_by = "aimed"``: how actors neither aimed at nor allied with the mover read it
    (a joint exercise reassures the partner and worries outsiders)."""
    choice_tones: Mapping[str, str] = field(factory=dict)
    """A tone per choice, where the choice decides it (a statement that warns or reassures)."""
    deceptive: tuple[str, ...] = ()
    """Choices that deceive the move's target, who cannot tell them from the honest ones (a
    false declaration). Bots that deceive name one; honest bots leave the choice empty, which
    must then be the honest default (docs/bots.md)."""
    noun: str = ""
    """What a call or proposal of it is in a sentence (``"offer of a hotline"``); its title in
    lower case if empty."""
    breaks_restraint: str = ""
    """Whether it goes against a promise of restraint made to another team (a pledge of
    restraint, a reassuring statement): ``"always"``, ``"near"`` (when its region borders
    that team) or empty (never). A report lists such a move as a gap between words and deeds."""
    assurance: str = ""
    """What it is when it reads as cooperative to its target (:attr:`choice_tones`, :attr:`tone`):
    words of restraint a report holds the team to as it holds a pledge of restraint, with
    ``{target}`` for the target (``"public statement reassuring {target}"``); empty if it is
    never such words."""

    def cost(self, numbers: Numbers) -> int:
        """What it costs against the team's budget (``[costs]`` in the ruleset numbers)."""
        return int(numbers["costs"].get(self.name, 1))

    @cached_property
    def required(self) -> tuple[str, ...]:
        """The arguments that must be given and picked from the choices (all but optional
        ones and free text)."""
        return tuple(p.name for p in self.params if not p.optional and p.name != "text")

    @cached_property
    def unused_fields(self) -> tuple[str, ...]:
        """The :class:`~detente.engine.state.Order` fields it takes no argument in, in the
        order :func:`~detente.engine.adjudicate.check_order` names them."""
        taken = {p.name for p in self.params}
        return tuple(f for f in ("target", "region", "force", "choice", "targets", "text") if f not in taken)


@frozen
class PledgeType:
    """A kind of commitment a team can make on a call."""

    name: str
    """Identifier (``"no_deployment"``)."""
    description: str
    """What the pledging team promises, in words; ``{region}`` and ``{turns}`` are filled in."""
    needs_region: bool
    """Whether the pledge names a region."""
    broken: Callable[[Reading, Pledge, tuple[Order, ...]], bool]
    """Given the pledging team's sealed orders this turn, whether they break it."""
    title: str = ""
    """What people read for the kind (``"No deployment"``). Filled from the ruleset's
    ``[titles.pledges]`` (or :func:`default_title`) when the ruleset is made."""
    restraint: int = 0
    """Whether it promises restraint (0: it does not), and if so the order in which a bot
    prefers to offer it on a call (1 first). A report holds a team to a promise of restraint."""


RATINGS = range(-2, 3)
"""What the facilitator may rate an answered call: -2 (it made things much worse) to +2 (it
helped a great deal); 0 records a call that changed nothing."""


@frozen
class CallTone:
    """A tone a side of an answered call can give its words (a reassurance, a warning …): what
    the call carried, which decides its effect when it ends (:attr:`MoveType.ended`)."""

    name: str
    """Identifier, in commands and logs (the tone of a ``say`` command)."""
    reads: str
    """How the other side takes it (:data:`TONES`): what a bot weighs when it picks one."""
    description: str
    """What saying it does, in a few words, for the call screen's choice."""
    title: str = ""
    """What people read for it (``"Reassure"``). Filled from the ruleset's ``[titles.tones]``
    (or :func:`default_title`) when the ruleset is made."""


def _tones_by_name(tones: Mapping[str, CallTone] | Iterable[CallTone]) -> Mapping[str, CallTone]:
    return tones if isinstance(tones, Mapping) else {t.name: t for t in tones}


@frozen
class Function:
    """A function the ruleset lets conditions call, beyond the one each tracked value gives."""

    signature: Signature
    """Its name, the kinds of its arguments, what it gives and its doc line."""
    run: Callable[..., Any]
    """``run(state, *ids)``: its value on a state (:class:`~detente.engine.state.Reading`)."""
    symmetric: bool = False
    """The same whichever way round its two actors are given."""
    steps_of: str = ""
    """A tracked value it is this value divided by :attr:`step`, rounded down (a rung of the
    escalation ladder is tension ÷ 10): the scenario linter bounds the value itself."""
    step: int = 1
    span: Callable[[Reading, tuple[str, ...]], tuple[float, float]] | None = None
    """The least and most it can ever be in a scenario (its starting state and the ids), for the
    linter; None for 0 or more."""


def functions_of(ruleset: Ruleset) -> dict[str, Signature]:
    """Every function a condition under ``ruleset`` may call, by name: one per tracked value (the
    value itself: ``tension('blue', 'red')``), the ruleset's own (which win over a value of the
    same name), then the engine's (:data:`~detente.engine.expr.ENGINE_FUNCTIONS`)."""
    found = _FUNCTIONS.get(ruleset.name)
    if found is not None and found[0] is ruleset:
        return found[1]
    out: dict[str, Signature] = {}
    for t in ruleset.tracks.values():
        if t.name in ruleset.functions:
            continue
        out[t.name] = track_signature(t)
    for name, fn in ruleset.functions.items():
        out[name] = fn.signature
    for name, sig in ENGINE_FUNCTIONS.items():
        out.setdefault(name, sig)
    _FUNCTIONS[ruleset.name] = (ruleset, out)
    return out


_FUNCTIONS: dict[str, tuple[Ruleset, dict[str, Signature]]] = {}


def track_signature(t: Track) -> Signature:
    """How a condition reads a tracked value: a function of its ids (none for a global value:
    ``crew_detained()``)."""
    kind, n = SCOPES[t.scope]
    return Signature(t.name, (kind,) * n, "bool" if t.type is bool else "number", t.doc or t.label)


def functions_for(ruleset: Ruleset, own: Mapping[str, Track]) -> dict[str, Signature]:
    """Every function a condition of a scenario may call: :func:`functions_of` its ruleset, and
    one per value the scenario itself tracks (``own``: its ``[[tracks]]``; a name the ruleset or
    the engine already uses stays theirs, and the loader refuses the scenario)."""
    base = functions_of(ruleset)
    if not own:
        return base
    out = dict(base)
    for name, t in own.items():
        out.setdefault(name, track_signature(t))
    return out


@frozen
class Figure:
    """Something the ruleset works out for a pair of actors as one role sees it, not a value it
    stores (how close two sides' forces are, counting the forces the role knows of). Views
    carry it (:attr:`~detente.engine.views.PairView.figures`)."""

    name: str
    """What screens and reports call it."""
    run: Callable[[Reading, str, str, str | None], Any]
    """``run(state, a, b, seen_by)``: its value for the pair as ``seen_by`` (a team id, or
    ``"public"``) sees it; with None, as the facilitator sees it (everything)."""
    doc: str = ""


@frozen
class Ending:
    """A way the ruleset ends a session: checked, in the ruleset's order, when an adjudication's
    results are published, before the scenario's own ``[[endings]]`` and the turn limit."""

    name: str
    """A key for dry runs and reports (``"conflict-rung"``)."""
    outcome: str
    """The outcome it gives (``"conflict"``); several endings may share one. A scenario's own
    endings may name any outcome of the ruleset's endings (or ``scenario``)."""
    summary: str
    """What it is, in a few words, for a dry run's table of endings (``"lasting calm"``)."""
    check: Callable[[Resolution], str | None]
    """The reason in words if the session ends this way now, else None. It may emit events
    (a count of calm turns, say) through the resolution."""
    mark: str = ""
    """A marker (:attr:`State.marks`) that is set when, and only when, this ending is the cause
    among those of its outcome: a dry run tells the endings of one outcome apart by it."""


def _no_line(state: Reading, severity: str) -> int | None:
    return None


@frozen
class Hazard:
    """A chance event the ruleset rolls for between two actors, which can start its
    :attr:`~Ruleset.breakdown` (the bundled ruleset's incidents): what a report needs from the
    ruleset to weigh the risk that was run. The event itself is an ``incident`` event."""

    roll: str
    """The prefix of its rolls' ids: a roll ``<roll>:A:B`` is the chance of it between A and B."""
    share: Callable[[Reading, str, str], float | None]
    """The share of its outcomes between ``a`` and ``b`` that would start the breakdown, on
    ``state`` just before the roll; None when the numbers do not say how it works."""
    line: Callable[[Reading, str], int | None] = _no_line
    """The value of the :attr:`~Ruleset.escalation` track at or above which one of the given
    severity starts the breakdown outright, or None: those just below it are near misses."""
    guard: str = ""
    """A pair flag (a ``bool`` pair track) that contains it while true (an incidents
    agreement): a report says whether it was in force at each one; empty if none."""
    severities: tuple[str, ...] = ()
    """Its severities, the mildest first: what a scenario's scripted one may be."""
    happen: Callable[[Resolution, str, str, str, str, str], None] | None = None
    """Make one happen without a roll, as an inject scripts it: ``(resolution, a, b, severity,
    region, cause)``, with its consequences as if rolled; the ``incident`` event carries the
    region and the cause (``inject ID``). None: scenarios cannot script one."""


@frozen
class Step:
    """One step of adjudication, run in the ruleset's fixed order."""

    name: str
    """What the step does, for the log and docs (``"incidents"``)."""
    run: Callable[[Resolution], None]


def _by_name(tracks: Mapping[str, Track] | Iterable[Track]) -> Mapping[str, Track]:
    return tracks if isinstance(tracks, Mapping) else {t.name: t for t in tracks}


@frozen
class Ruleset:
    """A named set of move types, pledges, adjudication steps and their numbers."""

    name: str
    numbers: Numbers
    """Default numbers, by section; a scenario may override any of them. A ``[ranges]``
    section (:data:`RANGES`) given here is taken out into :attr:`ranges`."""
    moves: Mapping[str, MoveType]
    """All move types, by name."""
    pledges: Mapping[str, PledgeType] = field(factory=dict)
    call_tones: Mapping[str, CallTone] = field(factory=dict, converter=_tones_by_name)
    """The tones a side of an answered call can give its words, by name, in the order screens
    offer them (a sequence is keyed by name); empty: calls carry no tone."""
    default_tone: str = ""
    """The tone (a key of :attr:`call_tones`) a side that chose none on an answered call counts
    as; empty if none."""
    steps: tuple[Step, ...] = ()
    """Adjudication, in order. A step may resolve one family of sealed orders or run a
    turn-wide process (incidents, collective defence, end checks)."""
    ladder: tuple[str, ...] = ()
    """Names of the escalation-ladder rungs 0–10."""
    endings: tuple[Ending, ...] = ()
    """How the rules end a session, in the order they are checked."""
    functions: Mapping[str, Function] = field(factory=dict)
    """What conditions may call beyond the tracked values, by name (a pair's rung, its
    proximity counting deployed forces)."""
    figures: Mapping[str, Figure] = field(factory=dict)
    """What views show for each pair as the role sees it, worked out rather than stored."""
    counts: Mapping[str, str] = field(factory=dict)
    """Event kinds the engine counts for it, and the pair value each adds one to: every
    ``incident`` event between two actors adds one to their ``incidents`` (an annulled one
    takes it back)."""
    breakdown: str = ""
    """The outcome a dry run times (when, in the runs that ended so, it broke out): the worst one,
    ``conflict`` for the bundled ruleset; empty for none."""
    escalation: str = ""
    """The pair value (a :class:`~detente.engine.tracks.Track` of 0–100) the escalation ladder
    reads: rung = value ÷ 10. Reports chart it and dry runs give its peak; empty if none."""
    hazard: Hazard | None = None
    """The chance event that can start the breakdown, for a report's risk run (:class:`Hazard`);
    None if the ruleset has none."""
    outcome_points: str = ""
    """The section of :attr:`numbers` that gives every team points for how the session ended,
    by outcome (a war is a loss for everyone), added to its objectives' points; empty for none.
    A scenario may override them like any number."""
    changes: Mapping[str, tuple[str, ...]] | None = None
    """What each move type and each adjudication step can change, by name, in the names
    conditions read (``"tension"``, ``"deployed"``, ``"pledged"`` …; see
    :data:`detente.engine.expr.FUNCTIONS`). The scenario linter uses it to find objectives
    no move can affect; None if the ruleset does not say (then anything may change)."""

    tracks: Mapping[str, Track] = field(factory=dict, converter=_by_name)
    """The values this ruleset tracks, by name (:class:`~detente.engine.tracks.Track`): the
    engine stores, checks, shows and hides them by these declarations alone. A sequence of
    tracks is accepted and keyed by name."""

    ranges: Ranges = field(factory=dict)
    """What each number may be, declared as data next to the numbers (the ``[ranges]``
    section of the ruleset's TOML, merged with any given here): the loader refuses an
    override outside its range, so that no scenario can make play overflow or stall."""

    def __attrs_post_init__(self) -> None:
        if self.default_tone and self.default_tone not in self.call_tones:
            raise ValueError(f"default_tone {self.default_tone!r} is not one of the call tones")
        self._take_titles()
        declared = self.numbers.get(RANGES)
        if declared is None:
            return
        ranges = {section: {key: (lo, hi) for key, (lo, hi) in values.items()}
                  for section, values in declared.items()}
        for section, values in self.ranges.items():
            ranges.setdefault(section, {}).update(values)
        # Frozen: the declaration is read once, here, and the numbers keep only numbers.
        object.__setattr__(self, "numbers", {k: v for k, v in self.numbers.items() if k != RANGES})
        object.__setattr__(self, "ranges", ranges)

    def _take_titles(self) -> None:
        # Frozen, like the ranges: the titles are declared as data next to the numbers, read
        # once here into each move and pledge kind, and the numbers keep only numbers.
        titles = self.numbers.get(TITLES, {})
        moves, pledges, tones = titles.get("moves", {}), titles.get("pledges", {}), titles.get("tones", {})
        object.__setattr__(self, "moves", {
            k: mt if mt.title and k not in moves else evolve(mt, title=moves.get(k) or default_title(k))
            for k, mt in self.moves.items()
        })
        object.__setattr__(self, "pledges", {
            k: pt if pt.title and k not in pledges else evolve(pt, title=pledges.get(k) or default_title(k))
            for k, pt in self.pledges.items()
        })
        object.__setattr__(self, "call_tones", {
            k: ct if ct.title and k not in tones else evolve(ct, title=tones.get(k) or default_title(k))
            for k, ct in self.call_tones.items()
        })
        if TITLES in self.numbers:
            object.__setattr__(self, "numbers", {k: v for k, v in self.numbers.items() if k != TITLES})

    def range_of(self, section: str, key: str) -> tuple[float, float] | None:
        """The range of number ``key`` in ``section`` (its own or the section's ``"*"``), or
        None if the ruleset declares none.

        >>> find_ruleset("defense-diplomacy").range_of("perception", "misperception_base")
        (0, 1)
        """
        values = self.ranges.get(section, {})
        return values.get(key) or values.get("*")

    @cached_property
    def outcomes(self) -> tuple[str, ...]:
        """The outcomes of its endings, in order, each once."""
        return tuple(dict.fromkeys(e.outcome for e in self.endings))

    @cached_property
    def moves_by_phase(self) -> Mapping[str, tuple[MoveType, ...]]:
        """The move types made in each phase, in the order of :attr:`moves`."""
        by_phase: dict[str, tuple[MoveType, ...]] = {}
        for mt in self.moves.values():
            by_phase[mt.phase] = (*by_phase.get(mt.phase, ()), mt)
        return by_phase


class RulesetNotFound(LookupError):
    """No installed ruleset has that name."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        shown = ", ".join(sorted(known)) or "none"
        super().__init__(f"unknown ruleset {name!r} (installed rulesets: {shown})")


def available_rulesets() -> list[str]:
    """Names of the installed rulesets."""
    return sorted({ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)})


_LOADED: dict[str, Ruleset] = {}


def find_ruleset(name: str) -> Ruleset:
    """The installed ruleset called ``name`` (``RulesetNotFound`` if none).

    >>> find_ruleset("defense-diplomacy").name
    'defense-diplomacy'
    """
    if name in _LOADED:
        return _LOADED[name]
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            rs = ep.load()
            if callable(rs) and not isinstance(rs, Ruleset):
                rs = rs()
            _LOADED[name] = rs
            return rs
    raise RulesetNotFound(name, available_rulesets())


def merge_numbers(defaults: Numbers, overrides: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The ruleset's numbers with a scenario's overrides applied (checked by the loader)."""
    merged = {section: dict(values) for section, values in defaults.items()}
    for section, values in overrides.items():
        merged.setdefault(section, {}).update(values)
    return merged
