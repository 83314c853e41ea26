"""The after-action report's models: the frozen values a renderer reads.

:class:`Report` and the facts it holds (:class:`Entry`, :class:`Risk`, :class:`IncidentFact`,
:class:`PairTurn` …) — what a Markdown, HTML or CSV renderer (``detente.tui``) and the debrief
screen read. They hold facts, not logic: :mod:`detente.engine.aar` builds them from a session's
events (:func:`detente.engine.aar.build`) and re-exports every name here, so
``from detente.engine.aar import Report`` keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from detente.engine.state import Outcome, pair
from detente.engine.tracks import Track


@frozen
class Team:
    """A team (actor) of the scenario."""

    id: str
    name: str
    alliances: tuple[str, ...]
    """Ids of the alliances it belongs to."""
    plays: str = "team"
    """Who plays it: ``team``, ``facilitator`` or ``background`` (the scenario's ``plays``)."""
    bot: str = ""
    """The bot of a background actor, in the facilitator's report only (teams never learn it)."""


@frozen
class AllianceInfo:
    """An alliance of the scenario."""

    id: str
    name: str
    members: tuple[str, ...]


@frozen
class Entry:
    """One line of the turn-by-turn timeline."""

    turn: int
    """0 before the first turn."""
    phase: str
    """The phase the role saw it in (a team sees adjudication results at the debrief)."""
    kind: str
    """``inject``, ``orders``, ``call``, ``answer``, ``withdrawn``, ``annulled``, ``said``,
    ``message`` (a slow channel's), ``pledge``, ``proposal``, ``result``, ``roll``, ``change``,
    ``incident``, ``crisis``, ``notice``, ``declaration``, ``verification``, ``override``, ``note``,
    ``your note`` (a team's own notepad, in its report only), ``observation`` and ``rating``
    (the evaluator's or the facilitator's, in their reports only),
    ``argued`` (an argued action, its counter-arguments, odds and narrative), ``objective`` or
    ``outcome``."""
    text: str
    """The entry in words (team-written text inside is not escaped: renderers escape)."""
    seq: int = field(default=0, eq=False)
    """The event's line in the log (``seq``): where the replay viewer opens on it; 0: unknown (a
    team over the network is not told where an event stands in the log). Not part of equality:
    the same fact is the same fact wherever it was read."""


@frozen
class RiskRoll:
    """One incident roll and the share of it that could have started open conflict."""

    turn: int
    between: tuple[str, str]
    p_incident: float
    """The roll's probability of an incident, 0–1."""
    p_conflict_if_incident: float
    """The share of severity outcomes that would have started conflict, 0–1."""
    value: float
    """The draw; an incident happened when value < p_incident."""
    incident: bool

    @property
    def p_conflict(self) -> float:
        """p_incident × p_conflict_if_incident."""
        return self.p_incident * self.p_conflict_if_incident


@frozen
class TurnRisk:
    """One turn's chances, from its incident rolls."""

    turn: int
    p_conflict: float
    """1 − Π(1 − p_conflict) over the turn's incident rolls."""
    p_incident: float
    """1 − Π(1 − p_incident): the chance of at least one incident."""
    rolls: tuple[RiskRoll, ...]


@frozen
class Risk:
    """The risk that was run: the facilitator's report only (it comes from the dice)."""

    turns: tuple[TurnRisk, ...]
    total: float
    """1 − Π(1 − p_conflict per turn), 0–1."""
    incident_total: float
    """1 − Π(1 − p_incident per turn): the chance of at least one incident in the session."""
    incidents_expected: float
    """The expected number of incidents (the sum of the incident rolls' probabilities)."""
    computable: bool = True
    """False when the ruleset's numbers lack what the definition needs (then every p_conflict is 0)."""


@frozen
class Call:
    """A hotline call and how each callee answered."""

    id: str
    turn: int
    by: str
    to: tuple[str, ...]
    answers: Mapping[str, str]
    """Callee → ``answered``, ``declined`` or ``unanswered`` (missing while still open)."""
    transcript: tuple[tuple[str, str], ...]
    """(speaker, words) in order."""
    pledges: tuple[str, ...] = ()
    """Ids of the pledges made on the call."""
    tones: Mapping[str, str] = field(factory=dict)
    """Side → the call tone it chose (that of its last line that gave one); a side that chose
    none is left out."""
    rating: int | None = None
    """The facilitator's rating of the call (-2 to +2), None if not rated."""


@frozen
class PledgeFact:
    """A pledge made on a call and what became of it."""

    id: str
    call: str
    turn: int
    """The turn it was made."""
    by: str
    to: str
    kind: str
    region: str
    until: int
    """The last turn it was in force."""
    status: str
    """``kept``, ``broken`` or ``active`` (still in force when the log ends)."""
    settled: int | None
    """The turn it was kept or broken."""
    unseen: tuple[int, ...] = ()
    """The turns it was breached without its holder detecting it (kept or still in force in the
    holder's eyes): the facilitator's, and the parties' once the session has ended."""


@frozen
class IncidentFact:
    """An incident and how it was contained."""

    turn: int
    between: tuple[str, str]
    severity: str
    text: str
    escalation_before: int | None
    """The pair's escalation value (:attr:`Report.escalation`) just before the incident; None
    without one."""
    escalation_after: int | None
    """Just after its own rise."""
    escalation_end: int | None
    """At the end of the incident's turn."""
    escalation_next: int | None
    """At the end of the next turn (None if the log ends first)."""
    guarded: bool
    """Whether the hazard's guard (:attr:`Report.guard`: an incidents agreement) was in force."""
    calls: tuple[str, ...]
    """Ids of answered calls between the two, that turn or the next (as far as the role saw)."""
    broke_down: bool
    """Whether the session ended in the ruleset's breakdown (:attr:`Report.breakdown`) on that turn
    or the next (the hours after an incident: a crisis it opened that was not contained)."""

    @property
    def contained(self) -> bool:
        """No breakdown followed, and the escalation value was no higher a turn later than just
        after it."""
        later = self.escalation_next if self.escalation_next is not None else self.escalation_end
        if self.broke_down:
            return False
        return later is None or self.escalation_after is None or later <= self.escalation_after


@frozen
class NearMiss:
    """A moment the session came close to open conflict (see the module's definitions)."""

    turn: int
    kind: str
    """``rung``, ``grave``, ``dice`` or ``severity``."""
    between: tuple[str, str]
    text: str


@frozen
class Gap:
    """A team said one thing and did another."""

    team: str
    to: str
    """The party it reassured or pledged restraint to."""
    said_turn: int
    said: str
    """What it said, by ids (``public statement reassuring red: "…"``)."""
    did_turn: int
    did: str
    form: str = ""
    """How the ruleset words the words it said, with ``{target}`` for the party
    (:attr:`~detente.engine.ruleset.MoveType.assurance`), so that a renderer can name it; empty
    for a pledge."""
    said_seq: int = 0
    """The logged event of the words (the statement or the pledge): its ``seq``."""
    did_seq: int = 0
    """The logged event of the deed: its ``seq``."""


@frozen
class Change:
    """A value at the start and at the end."""

    of: tuple[str, ...]
    """(holder, other) for a directed value; (alliance,) for an alliance's; () for a global one."""
    start: int
    """Where it started (a flag: true or false)."""
    end: int

    @property
    def delta(self) -> int:
        return self.end - self.start


@frozen
class ObjectiveFact:
    """An objective and whether it was met."""

    id: str
    actor: str
    text: str
    points: int
    met: bool | None
    """None when its status was never tracked (a log that ends before the first debrief)."""


@frozen
class PairTurn:
    """Every value tracked between two actors at the end of a turn."""

    turn: int
    a: str
    b: str
    rung: int
    """The ladder rung of the pair's escalation value (0 without one)."""
    rung_name: str
    values: Mapping[str, Any]
    """Each value by its column: a pair value by its track's name, each side's actor values by
    the name and ``_a`` or ``_b``, the directed values each way by the name and ``_ab`` (held by
    ``a`` about ``b``) or ``_ba``; None where the role may not see it. A figure the view works
    out for the pair (:class:`~detente.engine.views.PairView`: the proximity of the forces the
    role knows of) stands in for the stored value of its name."""


@frozen
class AllianceTurn:
    """An alliance's values at the end of a turn."""

    turn: int
    alliance: str
    values: Mapping[str, Any]
    """Each alliance value the role may see, by its track's name."""


@frozen
class ArgumentFact:
    """An argued action, as far as the role saw it (:mod:`detente.engine.argued`)."""

    id: str
    turn: int
    """The turn it was argued in (or, for a role that read only its announced result, narrated in)."""
    by: str
    action: str
    arguments: str = ""
    """Empty where the role did not read them (an announced result only)."""
    targets: tuple[str, ...] = ()
    asked: tuple[str, ...] = ()
    """The teams asked for counter-arguments, as far as the role knows."""
    counters: tuple[tuple[str, str], ...] = ()
    """``(team, text)``: every one for the facilitator, a team's own for a team."""
    odds: int | None = None
    roll: int | None = None
    success: bool | None = None
    narrative: str = ""
    public: bool = False
    closed: bool = False
    """Narrated and closed (otherwise still open, or judged and waiting for the narrative)."""
    changes: tuple[str, ...] = ()
    """What it changed, in words (``tension of blue–red to 45 (-5)``), as the role saw it."""


@frozen
class Evidence:
    """A logged event a finding rests on: its place in the log (the replay position) and what it
    was, in words."""

    seq: int
    """Its line in the log (``seq``): ``detente play --replay LOG --at SEQ`` opens there."""
    turn: int
    phase: str
    words: str


@frozen
class ObservationFact:
    """An evaluator's (or the facilitator's) observation (the facilitator's and evaluator's report only)."""

    id: str
    by: str
    text: str
    turn: int
    """The turn it concerns."""
    seq: int
    """Where it was recorded in the log."""
    about: str = ""
    """The team observed (id); empty: the exercise."""
    inject: str = ""
    """The inject it follows, by title."""
    finding: str = ""
    """``strength``, ``improvement`` or empty."""
    objective_n: int = 0
    objective: str = ""
    capability: str = ""
    decision: Evidence | None = None
    """The logged decision it refers to, when it names one the role may see."""


@frozen
class RatingFact:
    """The last HSEEP rating of a learning objective or capability, for one team or the exercise,
    and what the expectations suggest (:func:`detente.engine.evaluation.rating_for`)."""

    objective_n: int
    """The learning objective (1 is the first); 0 for a capability."""
    objective: str
    """The learning objective in words, or the capability."""
    about: str
    """The team (id); empty: the exercise as a whole."""
    suggested: str
    """What the expectations that serve it suggest now (P, S, M, U; empty: none decided)."""
    rating: str = ""
    """The rating a person confirmed (empty: not rated)."""
    reason: str = ""
    by: str = ""
    seq: int = 0
    """Where the rating stands in the log (0: not rated)."""
    turn: int = 0
    phase: str = ""


@frozen
class TurnMeasure:
    """What one team did in one turn, counted from its timeline (docs/report.md defines each)."""

    team: str
    turn: int
    calls_placed: int = 0
    """Calls it placed (moves that open a call)."""
    calls_answered: int = 0
    """Of those, the ones the other side answered."""
    proposals: int = 0
    """Other proposals it made (requests and offers)."""
    answered_others: int = 0
    """Calls and proposals to it that it accepted."""
    declined_others: int = 0
    """Calls and proposals to it that it declined or left unanswered."""
    escalations: int = 0
    """Moves it made that read as coercive."""
    statements: int = 0
    """What it said: lines on calls, statements of reassurance, pledges made."""
    actions: int = 0
    """Other moves it made (deployments, measures, exchanges)."""


@frozen
class Response:
    """How long a team took to act on an inject delivered to it."""

    team: str
    inject: str
    """The inject's title."""
    delivered: Evidence
    first: Evidence | None
    """Its first act after delivery (a call, an answer, a move, a pledge, a message, an
    argument); None: none before the session ended."""
    phases: int | None
    """Phases from delivery to that act (0: in the same phase); None: no act."""


@frozen
class Finding:
    """A strength or an area for improvement in the after-action report, with its evidence."""

    kind: str
    """``strength`` or ``improvement``."""
    text: str
    """The finding in words (team names filled in)."""
    evidence: tuple[Evidence, ...]
    """The logged events it rests on (never empty)."""
    teams: tuple[str, ...] = ()
    """The teams it is about (ids); empty: the exercise."""
    objective_n: int = 0
    """The learning objective it bears on (1 is the first); 0: none."""
    capability: str = ""
    source: str = ""
    """``expectation``, ``observation`` or ``gap`` (words against deeds)."""


@frozen
class ExpectationFact:
    """One of an inject's expectations and what became of it (:mod:`detente.engine.expected`)."""

    id: str
    inject: str
    """The inject's title."""
    who: tuple[str, ...]
    """The teams expected to act (ids)."""
    text: str
    """What was expected, in words."""
    status: str
    """``open`` (not decided), ``met``, ``partly`` or ``missed``."""
    due: tuple[int, str]
    """The deadline: ``(turn, phase)``."""
    checked: bool
    """Decided from the log (a condition); otherwise judged by a person."""
    turn: int | None = None
    """When it was decided (met, missed, or rated): the turn…"""
    phase: str = ""
    """… and the phase."""
    reason: str = ""
    """A person's reason for the rating."""
    evidence: tuple[str, ...] = ()
    """For one met from the log: the logged events that made its condition true, in words
    (``Turn 1, communications: Rubria answered Azuria's hotline call``)."""
    objective: str = ""
    """The learning objective it serves, in words (empty: none named)."""
    capability: str = ""
    objective_n: int = 0
    """The learning objective it serves, by number (1 is the first; 0: none)."""
    cites: tuple[Evidence, ...] = ()
    """The logged events it was decided by, with their place in the log: those that met it, the
    deadline that passed (the event that marked it missed), or a person's rating."""
    teams: tuple[tuple[str, str, str], ...] = ()
    """A person's rating of one team of several: ``(team, status, reason)`` each, the last of each."""


@frozen
class Report:
    """Everything an after-action report says, for one role."""

    role: str
    """A team id, ``facilitator`` or ``public``."""
    title: str
    scenario_id: str
    summary: str
    source: str
    """The scenario file's name, from the log header."""
    seed: int | None
    """The facilitator's report only (None for a team or the public)."""
    engine: str
    lineage: tuple[tuple[str, str], ...]
    """For a branched log: the header's ``parent`` keys and values, in words."""
    teams: tuple[Team, ...]
    alliances: tuple[AllianceInfo, ...]
    ladder: tuple[str, ...]
    breakdown_rung: int | None
    """The ladder rung at or above which a pair is in the ruleset's breakdown; None if the
    ruleset's numbers do not say."""
    turns: int
    """The last turn the log reaches."""
    labels: Mapping[int, str]
    """Turn → its name (``Day 3``); 0 is ``Start``."""
    outcome: Outcome | None
    risk: Risk | None
    """None for a team or the public: the dice are the facilitator's."""
    timeline: tuple[Entry, ...]
    calls: tuple[Call, ...]
    pledges: tuple[PledgeFact, ...]
    hazards: tuple[IncidentFact, ...]
    """Each event of the ruleset's hazard (an ``incident`` event) the role saw, and how it was contained."""
    near_misses: tuple[NearMiss, ...]
    gaps: tuple[Gap, ...]
    changes: Mapping[str, tuple[Change, ...]]
    """Each directed and alliance value the role sees, and each of the scenario's own, by its
    track's name: from the start to the end, one :class:`Change` per holder and other (or
    alliance, actor, pair; none for a global value)."""
    objectives: tuple[ObjectiveFact, ...]
    scores: Mapping[str, int]
    """Objective points per team: the outcome's, or what is met so far."""
    opening: tuple[PairTurn, ...]
    """The pairs before the first turn."""
    series: tuple[PairTurn, ...]
    """One per pair per turn (turns 1..turns), in turn then pair order."""
    alliance_series: tuple[AllianceTurn, ...]
    """The alliance values per alliance per turn the role may see, from turn 0."""
    warnings: tuple[str, ...] = ()
    """What the log reader dropped (a log cut short)."""
    learning_objectives: tuple[str, ...] = ()
    """What the exercise trains (the scenario's ``learning_objectives``): the debrief's yardstick."""
    pairs: tuple[tuple[str, str], ...] = field(default=())
    """Every pair, in the scenario's order."""
    tracks: Mapping[str, Track] = field(factory=dict)
    """Every tracked value's declaration, by name, in the ruleset's order (as a view has them)."""
    escalation: str = ""
    """The pair value the escalation ladder reads (:attr:`Ruleset.escalation
    <detente.engine.ruleset.Ruleset.escalation>`); empty if none."""
    breakdown: str = ""
    """The ruleset's worst outcome (:attr:`Ruleset.breakdown
    <detente.engine.ruleset.Ruleset.breakdown>`); empty if none."""
    arguments: tuple[ArgumentFact, ...] = ()
    """The argued actions the role saw, in the order argued."""
    expectations: tuple[ExpectationFact, ...] = ()
    """The injects' expectations the role may see (the facilitator's; a team's own after the
    end), in the order they opened."""
    notes: tuple[Entry, ...] = ()
    """A team's own notepad, in the order written (``team_note``): in that team's report only."""
    observations: tuple[ObservationFact, ...] = ()
    """The evaluators' and facilitator's observations (their reports only)."""
    ratings: tuple[RatingFact, ...] = ()
    """Every learning objective and capability, for the exercise and each team expected to act:
    its suggested rating and the last confirmed one."""
    measures: tuple[TurnMeasure, ...] = ()
    """Per team and turn: calls, answers, escalation steps, statements and actions."""
    responses: tuple[Response, ...] = ()
    """Per inject delivered and team it reached: the first act after it."""
    findings: tuple[Finding, ...] = ()
    """Strengths and areas for improvement, each with its evidence."""
    guard: str = ""
    """The pair flag that contains the ruleset's hazard (:attr:`Hazard.guard
    <detente.engine.ruleset.Hazard.guard>`); empty if none."""

    # -- derived counts --------------------------------------------------------------------
    def count_calls(self, how: str | None = None) -> int:
        """Calls placed (``how`` None), or callee answers of one kind (``answered``,
        ``declined``, ``unanswered``)."""
        if how is None:
            return len(self.calls)
        return sum(1 for c in self.calls for a in c.answers.values() if a == how)

    def name(self, actor: str) -> str:
        """A team's display name (the id if unknown)."""
        for t in self.teams:
            if t.id == actor:
                return t.name
        for al in self.alliances:
            if al.id == actor:
                return al.name
        return actor

    def peak(self, a: str, b: str) -> int | None:
        """The pair's highest escalation value at the start or at the end of any turn (None
        without one, or where the role sees none)."""
        seen = [p.values.get(self.escalation) for p in (*self.opening, *self.series)
                if (p.a, p.b) == pair(a, b)]
        return max((x for x in seen if x is not None), default=None)
