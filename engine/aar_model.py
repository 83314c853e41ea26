"""The after-action report's models: the frozen values a renderer reads.

:class:`Report` and the facts it holds (:class:`Entry`, :class:`Risk`, :class:`IncidentFact`,
:class:`PairTurn` …) — what a Markdown, HTML or CSV renderer (``detente.tui``) and the debrief
screen read. They hold facts, not logic: :mod:`detente.engine.aar` builds them from a session's
events (:func:`detente.engine.aar.build`) and re-exports every name here, so
``from detente.engine.aar import Report`` keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping

from attrs import field, frozen

from detente.engine.state import Outcome, pair


@frozen
class Team:
    """A team (actor) of the scenario."""

    id: str
    name: str
    alliances: tuple[str, ...]
    """Ids of the alliances it belongs to."""


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
    """``inject``, ``orders``, ``call``, ``answer``, ``withdrawn``, ``annulled``, ``said``, ``pledge``,
    ``proposal``, ``result``, ``roll``, ``change``, ``incident``, ``notice``, ``override``, ``note``,
    ``objective`` or ``outcome``."""
    text: str
    """The entry in words (team-written text inside is not escaped: renderers escape)."""


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


@frozen
class IncidentFact:
    """An incident and how it was contained."""

    turn: int
    between: tuple[str, str]
    severity: str
    text: str
    tension_before: int | None
    """The pair's tension just before the incident, 0–100."""
    tension_after: int | None
    """Just after its own rise."""
    tension_end: int | None
    """At the end of the incident's turn."""
    tension_next: int | None
    """At the end of the next turn (None if the log ends first)."""
    agreement: bool
    """Whether an incidents agreement was in force at the time."""
    calls: tuple[str, ...]
    """Ids of answered calls between the two, that turn or the next (as far as the role saw)."""
    conflict: bool
    """Whether the session ended in conflict on that turn."""

    @property
    def contained(self) -> bool:
        """No conflict followed, and tension was no higher a turn later than just after it."""
        later = self.tension_next if self.tension_next is not None else self.tension_end
        if self.conflict:
            return False
        return later is None or self.tension_after is None or later <= self.tension_after


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


@frozen
class Change:
    """A value at the start and at the end."""

    of: tuple[str, ...]
    """(holder, other) for trust; (alliance,) for cohesion."""
    start: int
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
    """Every value tracked between two actors at the end of a turn (None: not visible to the role)."""

    turn: int
    a: str
    b: str
    tension: int
    rung: int
    rung_name: str
    hotline: bool
    agreement: bool
    proximity: int
    incidents: int
    readiness_a: int
    readiness_b: int
    trust_ab: int | None
    trust_ba: int | None
    threat_ab: int | None
    threat_ba: int | None
    information_ab: float | None
    information_ba: float | None
    answer_ab: float | None
    answer_ba: float | None


@frozen
class AllianceTurn:
    """An alliance's cohesion at the end of a turn."""

    turn: int
    alliance: str
    cohesion: int


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
    conflict_rung: int
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
    incidents: tuple[IncidentFact, ...]
    near_misses: tuple[NearMiss, ...]
    gaps: tuple[Gap, ...]
    trust: tuple[Change, ...]
    cohesion: tuple[Change, ...]
    objectives: tuple[ObjectiveFact, ...]
    scores: Mapping[str, int]
    """Objective points per team: the outcome's, or what is met so far."""
    opening: tuple[PairTurn, ...]
    """The pairs before the first turn."""
    series: tuple[PairTurn, ...]
    """One per pair per turn (turns 1..turns), in turn then pair order."""
    cohesion_series: tuple[AllianceTurn, ...]
    """Cohesion per alliance per turn the role may see, from turn 0."""
    warnings: tuple[str, ...] = ()
    """What the log reader dropped (a log cut short)."""
    pairs: tuple[tuple[str, str], ...] = field(default=())
    """Every pair, in the scenario's order."""

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

    def peak(self, a: str, b: str) -> int:
        """The pair's highest tension at the start or at the end of any turn."""
        return max(p.tension for p in (*self.opening, *self.series) if (p.a, p.b) == pair(a, b))
