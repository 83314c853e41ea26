"""The scenario: what a facilitator writes in TOML, as frozen value objects.

A scenario is static. Everything that changes during a session lives in
:class:`detente.engine.state.State`. The loader (:mod:`detente.engine.loader`)
turns a TOML file into a :class:`Scenario` and reports every mistake with its
file, line and field; the models here only say what the fields are.

Field names are the TOML keys. Conditions (``when``) are kept as source text
here and compiled once by :func:`detente.engine.conditions.compile_scenario`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from attrs import field, frozen

from detente.engine.tracks import (
    AUDIENCE_BY_SCOPE,
    EVERYONE,
    FACILITATOR_ONLY,
    HOLDER,
    PARTIES,
    Audience,
    Track,
)

PHASES: tuple[str, ...] = ("briefing", "communications", "orders", "adjudication", "debrief")
PLAYS: tuple[str, ...] = ("team", "facilitator", "background")
"""Who plays an actor (:attr:`Actor.plays`): a team at its own seat, the facilitator from the
console, or a bot in the background."""
DEFAULT_BOT = "tit-for-tat"
"""The bot of an actor no team plays whose table names none (see
:data:`detente.engine.bots.BACKGROUND` for why)."""
OUTCOMES: tuple[str, ...] = ("scenario", "turn-limit", "ended")
"""The engine's own outcomes: a scenario's ending, the turn limit, the facilitator's end. A
ruleset adds those of its endings (:attr:`detente.engine.ruleset.Ruleset.outcomes`)."""

Value = bool | int | float
"""A tracked value as a scenario gives it (its type is its track's)."""

Values = dict[str, Value]
"""Tracked values by name: those of the ruleset's tracks (:mod:`detente.engine.tracks`) the
file gives for one actor, alliance, relation or holder. The TOML keys are the tracks' names
(``readiness = 2`` in ``[[actors]]``); what is left out starts at the ruleset's default."""


@frozen
class Meta:
    """The ``[scenario]`` table: who wrote it and what it is."""

    id: str
    """A short identifier, letters, digits and dashes (``"strait-standoff"``)."""
    title: str
    """The title shown on the start screen and in reports."""
    summary: str = ""
    """One or two sentences for the scenario list."""
    author: str = ""
    """Who wrote it."""
    version: str = "1"
    """The author's version of this scenario."""
    seed: int = 0
    """The default seed of the dice; ``--seed`` overrides it."""
    briefing: str = ""
    """The public briefing every team and observer reads at the start."""
    learning_objectives: tuple[str, ...] = ()
    """What the exercise trains, one sentence each: in the facilitator's briefing and the report."""


@frozen
class Turns:
    """The ``[turns]`` table: how long the exercise runs and what a turn is called."""

    limit: int
    """How many turns at most (1–200); the exercise ends after the last one."""
    label: str = "Turn {turn}"
    """How a turn is named; ``{turn}`` is replaced by its number (``"Day {turn}"``)."""
    labels: tuple[str, ...] = ()
    """Explicit names per turn (``["12 May", "13 May"]``); where given they win over ``label``."""
    clock: dict[str, float] = field(factory=dict)
    """Minutes on the phase clock per phase (``{ communications = 15, orders = 10 }``); a phase
    not named has no clock until the facilitator sets one. The facilitator starts, pauses,
    extends and stops it during the session."""

    def name(self, turn: int) -> str:
        """The name of ``turn`` (1-based).

        >>> Turns(limit=3, label="Day {turn}").name(2)
        'Day 2'
        """
        if 1 <= turn <= len(self.labels):
            return self.labels[turn - 1]
        return self.label.replace("{turn}", str(turn))


@frozen
class MoveRule:
    """Where one move exists in this scenario (a key of ``[rules.moves]``): ``move = false``
    for nowhere, or a table naming who may make it (``{ actors = ["red"] }``) or between whom
    (``{ pairs = [["blue", "red"]] }``). A move the table does not name exists everywhere the
    ruleset lets it.

    >>> r = MoveRule(pairs=(("blue", "red"),))
    >>> r.allows("red", "blue"), r.allows("red", "green"), r.allows("green"), MoveRule(False).allows("red")
    (True, False, False, False)
    """

    enabled: bool = True
    """False: no one may make the move in this scenario."""
    actors: tuple[str, ...] = ()
    """Only these actors may make it (empty: every actor)."""
    pairs: tuple[tuple[str, str], ...] = ()
    """Only between these actors, either way (empty: between any): the maker and every target
    must be one of the pairs; a move without a target needs its maker in one of them."""

    def allows(self, actor: str, target: str | None = None) -> bool:
        """Whether ``actor`` may make the move (aimed at ``target``, when it has one)."""
        if not self.enabled or (self.actors and actor not in self.actors):
            return False
        if not self.pairs:
            return True
        if target is None:
            return any(actor in p for p in self.pairs)
        return (actor, target) in self.pairs or (target, actor) in self.pairs


@frozen
class Rules:
    """The ``[rules]`` table: which ruleset adjudicates, the numbers this scenario changes and
    where its moves exist."""

    name: str = "defense-diplomacy"
    """The ruleset's registered name."""
    overrides: dict[str, dict[str, bool | int | float | str]] = field(factory=dict)
    """``[rules.overrides.SECTION]`` tables; each key must exist in the ruleset with the same type."""
    moves: dict[str, MoveRule] = field(factory=dict)
    """``[rules.moves]``: the moves this scenario limits or turns off, by name (instead of
    pricing them out of reach)."""

    def allows(self, move: str, actor: str, target: str | None = None) -> bool:
        """Whether this scenario lets ``actor`` make ``move`` (at ``target``)."""
        rule = self.moves.get(move)
        return rule is None or rule.allows(actor, target)


@frozen
class Actor:
    """A state or organisation (``[[actors]]``): played by a team, by the facilitator, or by a
    bot in the background (:attr:`plays`). Whoever plays it, it is a full actor in the rules."""

    id: str
    """Short identifier used everywhere else (``"blue"``)."""
    name: str
    """Display name (``"Republic of Azuria"``)."""
    colour: str = "white"
    """Colour in the terminal: a name (``"blue"``) or ``"#rrggbb"``."""
    briefing: str = ""
    """The team's private briefing: no other team ever sees it."""
    budget: int = 3
    """Actions per turn (1–20); every move costs at least one."""
    values: Values = field(factory=dict)
    """Starting values of the ruleset's actor tracks, written as keys of the table
    (``readiness = 2``)."""
    plays: str = "team"
    """Who plays it: ``team`` (a seat and a join code), ``facilitator`` (no seat: the
    facilitator gives its orders and answers from the console, when it wants to) or
    ``background`` (no seat: its ``bot`` plays it every turn)."""
    bot: str | None = None
    """The bot that plays it when no person does (``random``, ``dove``, ``hawk`` or
    ``tit-for-tat``): always for a background actor, and in dry runs (``detente simulate``)
    for one the facilitator plays. Left out: ``tit-for-tat``, a state that answers in kind."""

    @property
    def playing(self) -> bool:
        """Whether a team sits at it (a seat, a join code, a hand-over)."""
        return self.plays == "team"

    @property
    def stand_in(self) -> str:
        """The name of the bot that plays it when no person does: :attr:`bot` or :data:`DEFAULT_BOT`."""
        return self.bot or DEFAULT_BOT


@frozen
class Alliance:
    """A standing alliance (``[[alliances]]``); the ruleset may track values of it."""

    id: str
    """Short identifier (``"pact"``)."""
    name: str
    """Display name."""
    members: tuple[str, ...]
    """Actor ids, two or more."""
    values: Values = field(factory=dict)
    """Starting values of the ruleset's alliance tracks, written as keys of the table."""


@frozen
class Region:
    """A place where forces can go (``[[regions]]``)."""

    id: str
    """Short identifier (``"strait"``)."""
    name: str
    """Display name."""
    near: tuple[str, ...] = ()
    """Actors whose territory or waters the region borders: another actor's force here
    raises proximity with each of them."""
    description: str = ""
    """What the region is, for briefings."""


@frozen
class Force:
    """A unit that can be deployed (``[[forces]]``)."""

    id: str
    """Short identifier (``"blue-fleet"``)."""
    owner: str
    """The actor it belongs to."""
    home: str
    """The region it withdraws to (and starts in, unless :attr:`start` says otherwise)."""
    kind: str = "ground"
    """``naval``, ``air``, ``ground`` or any word the scenario uses."""
    name: str = ""
    """Display name; the id if empty."""
    start: str | None = None
    """The region it is deployed in when the exercise begins (left out: its home)."""
    regions: tuple[str, ...] | None = None
    """The only regions it may be deployed to besides its home (left out: any region)."""

    @property
    def starts_in(self) -> str:
        """The region it begins the exercise in."""
        return self.start or self.home

    def may_enter(self, region: str) -> bool:
        """Whether it may be deployed to ``region`` (its home, or one of :attr:`regions`)."""
        return self.regions is None or region == self.home or region in self.regions


@frozen
class Relation:
    """Starting values between two actors (``[[relations]]``).

    Values left out come from the ruleset's ``[defaults]``. Directed values (held by one
    actor about the other) apply both ways unless ``seen_by`` gives one side its own.
    """

    between: tuple[str, str]
    """The two actor ids."""
    values: Values = field(factory=dict)
    """Starting values of the ruleset's pair and directed tracks, written as keys of the table
    (``tension = 45``)."""
    seen_by: dict[str, Values] = field(factory=dict)
    """``[relations.seen_by.ACTOR]``: that actor's own directed values about the other."""


@frozen
class Effect:
    """A change to the state that an inject (or the facilitator) makes."""

    value: str
    """What changes: a settable value the ruleset tracks, ``budget``, or one of the scenario's
    own values (``[[tracks]]``)."""
    of: tuple[str, ...] = ()
    """Ids: one actor or alliance, or two actors (for directed values the first holds the view);
    none for a global value of the scenario's."""
    add: float | None = None
    """Amount to add (negative to lower); the result is kept within range."""
    set: bool | float | None = None
    """Value to set instead of adding (``true``/``false`` for hotline and agreement)."""


@frozen
class ScriptedIncident:
    """An incident an inject makes happen (``incident = { between = [...], severity = "..." }``):
    it counts as any incident of the ruleset (its consequences, conditions, endings, reports)."""

    between: tuple[str, str]
    """The two actors."""
    severity: str
    """One of the ruleset's severities (``minor``, ``serious``, ``grave`` for the bundled one)."""
    region: str = ""
    """Where it happened (empty: where the two sides' forces are near each other, if anywhere)."""


EXPECT_UNITS: tuple[str, ...] = ("turns", "phases")
"""What an expectation's deadline (:attr:`Expectation.within`) is counted in."""
MAX_WITHIN = 50
"""The longest deadline of an expectation, in its unit."""


@frozen
class Expectation:
    """What an inject's addressees are expected to do (``[[injects.expect]]``): checked from the
    log when it has a condition, judged by a person when it has none."""

    id: str
    """Short identifier, unique among all expectations of the scenario."""
    text: str
    """What is expected, in words (``"Azuria calls Corvania on the hotline"``)."""
    who: tuple[str, ...] = ()
    """The teams expected to act; empty: the inject's addressees (or every team)."""
    when: str | None = None
    """The machine check, a condition; none: a person judges it (the facilitator's Assess)."""
    within: int = 1
    """The deadline, 1–50 turns or phases counted from when the inject is delivered."""
    unit: str = "turns"
    """What ``within`` counts: ``turns`` or ``phases`` (five a turn)."""
    objective: int | None = None
    """Which of ``[scenario] learning_objectives`` it serves (1 is the first)."""
    capability: str = ""
    """The capability it exercises (an HSEEP core capability, or the scenario's own words)."""


@frozen
class Inject:
    """A scripted event in the master scenario events list (``[[injects]]``)."""

    id: str
    """Short identifier."""
    title: str
    """Headline shown to its addressees."""
    text: str = ""
    """The message itself."""
    turn: int | None = None
    """Scheduled: the turn it arrives."""
    phase: str = "briefing"
    """Scheduled: the phase it arrives in (``briefing``, ``communications``, ``orders``)."""
    when: str | None = None
    """Conditional: an expression checked at each briefing; the inject fires when true."""
    repeat: bool = False
    """Conditional: may fire again on a later turn (at most once a turn)."""
    to: tuple[str, ...] = ()
    """Addressed teams; empty means everyone. Addressed text is private to them."""
    effects: tuple[Effect, ...] = ()
    """State changes applied when it fires."""
    incident: ScriptedIncident | None = None
    """An incident it makes happen when it fires."""
    expect: tuple[Expectation, ...] = ()
    """What its addressees are expected to do once it is delivered (``[[injects.expect]]``)."""
    notes: str = ""
    """The facilitator's own notes on it (an MSEL's controller notes): how to stage it, what
    to watch for. Never shown to a team, in no team's view or report."""


@frozen
class Draw:
    """A random draw made when the session starts (``[[draws]]``): which of its options holds
    in this run of the exercise — how one side reads the other's exercise, whether a storm
    comes. Made from the session's seed, logged as a roll, read by conditions (``drew``)."""

    id: str
    """Short identifier, used in ``drew('id', 'option')``."""
    title: str
    """What is drawn, in words (``"How Corvania reads the Azurian exercise"``)."""
    options: tuple[str, ...]
    """The possible results: short ids (``["routine", "threat"]``)."""
    weights: tuple[float, ...] = ()
    """How likely each option is, relative to the others (empty: all equally likely)."""
    hidden_from: tuple[str, ...] | None = None
    """The teams that do not learn the result; left out, every team (only the facilitator
    knows). ``[]``: every team learns it."""

    def seen_by(self, actor_ids: tuple[str, ...]) -> tuple[str, ...]:
        """The teams that learn the result."""
        hidden = set(actor_ids) if self.hidden_from is None else set(self.hidden_from)
        return tuple(a for a in actor_ids if a not in hidden)


CHANNEL_UNITS: tuple[str, ...] = ("turns", "phases")
"""How a channel's delay is counted."""


@frozen
class Channel:
    """A slow channel (``[[channels]]``): letters, cables, envoys. A message sent on it arrives
    :attr:`delay` turns (at the next briefings) or phases later, and may be overtaken by events;
    the hotline is the fast channel.

    >>> c = Channel("cable", "Diplomatic cable", delay=2, pairs=(("blue", "red"),))
    >>> c.links("red", "blue"), c.links("red", "green"), Channel("post", "Post").links("a", "b")
    (True, False, True)
    """

    id: str
    """Short identifier (``"cable"``)."""
    name: str
    """What people read (``"Diplomatic cable"``)."""
    delay: int = 1
    """How long a message takes, in :attr:`unit` (1 or more)."""
    unit: str = "turns"
    """``turns``: it arrives at the briefing ``delay`` turns on; ``phases``: when the phase
    ``delay`` phases on begins (the five phases of a turn count)."""
    pairs: tuple[tuple[str, str], ...] | None = None
    """Only between these actors, either way (left out: between any two actors)."""

    def links(self, a: str, b: str) -> bool:
        """Whether ``a`` can send ``b`` a message on it."""
        return a != b and (self.pairs is None or (a, b) in self.pairs or (b, a) in self.pairs)


TRACK_SCOPES: tuple[str, ...] = ("global", "actor", "pair", "directed")
"""What a scenario's own value may belong to (``[[tracks]] scope``)."""
TRACK_TYPES: dict[str, type] = {"number": int, "flag": bool}
"""What a scenario's own value may be: a whole number within a range, or true/false."""
TRACK_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
"""What a scenario's own value may be called: conditions call it by its id."""
TRACK_AUDIENCES: tuple[str, ...] = (EVERYONE, HOLDER, FACILITATOR_ONLY)
"""The words ``[[tracks]] audience`` may be (or it lists the teams that see the value)."""


@frozen
class ScenarioTrack:
    """A value the scenario itself keeps (``[[tracks]]``): crew detained, a leader's face, ships
    at the quarantine line. Inject effects and overrides set it, conditions read it
    (``crew_detained()``, ``face('usa')``), and views and reports show it to its audience like
    the ruleset's values. Only injects and the facilitator change it: no move does."""

    id: str
    """What conditions, effects and overrides call it: letters, digits and ``_``, starting with
    a letter (``"crew_detained"``), and no name the ruleset or the engine already uses."""
    title: str = ""
    """What people read for it (``"Crew detained"``); its id in words if empty."""
    doc: str = ""
    """What it means, with its unit, for the facilitator (and the reference of conditions)."""
    scope: str = "global"
    """What it belongs to: ``global`` (one value for the whole exercise: ``crew_detained()``),
    ``actor`` (one per actor: ``face('usa')``), ``pair`` (one per two actors, either way round)
    or ``directed`` (what the first actor holds about the second)."""
    type: str = "number"
    """``number`` (a whole number within :attr:`range`) or ``flag`` (true or false)."""
    range: tuple[int, int] | None = None
    """A number's lowest and highest value, ``[lo, hi]`` (every change is kept within them);
    required for a number, not given for a flag."""
    start: bool | int | None = None
    """Its starting value (left out: 0, or the range's lowest if 0 is outside it; false for a
    flag). An actor's table, or a relation's, may give its own (``face = 3`` in ``[[actors]]``)."""
    audience: str | tuple[str, ...] | None = None
    """Who sees it besides the facilitator: ``everyone``, ``holder`` (the actor it belongs to,
    the holder of a directed value, both actors of a pair), ``facilitator`` (no team), or a list
    of the teams that do (``["usa"]``). Left out: everyone for a global or pair value, the
    holder for an actor or directed one."""

    @property
    def default(self) -> bool | int:
        """Its starting value where nothing else gives one."""
        if self.type == "flag":
            return bool(self.start) if self.start is not None else False
        if self.start is not None:
            return int(self.start)
        lo, hi = self.range or (0, 0)
        return 0 if lo <= 0 <= hi else lo

    @property
    def track(self) -> Track:
        """Its declaration, as the engine keeps, checks, shows and hides every value."""
        audience: Audience
        if isinstance(self.audience, tuple):
            audience = self.audience
        elif self.audience == HOLDER and self.scope == "pair":
            audience = PARTIES
        else:
            audience = self.audience or AUDIENCE_BY_SCOPE.get(self.scope, EVERYONE)
        return Track(
            self.id, self.scope, TRACK_TYPES.get(self.type, int),
            None if self.type == "flag" or self.range is None else (self.range[0], self.range[1]),
            audience, self.doc, self.default, settable=True, title=self.title, headline=True,
            scenario=True,
        )


def declared_tracks(data: Mapping[str, Any]) -> dict[str, Track]:
    """The scenario's own values as its parsed ``[[tracks]]`` declare them, as far as they can be
    read (the checks report the rest): what an actor's or a relation's table may give a starting
    value of, before the scenario is made."""
    tables = data.get("tracks") if isinstance(data, Mapping) else None
    out: dict[str, Track] = {}
    if not isinstance(tables, list):
        return out
    for t in tables:
        if not isinstance(t, Mapping):
            continue
        name, scope, kind = t.get("id"), t.get("scope", "global"), t.get("type", "number")
        if not (isinstance(name, str) and TRACK_ID.fullmatch(name)) or name in out:
            continue
        if scope not in TRACK_SCOPES or kind not in TRACK_TYPES:
            continue
        rng = t.get("range")
        bounds = ((rng[0], rng[1]) if isinstance(rng, list) and len(rng) == 2
                  and all(type(x) is int for x in rng) else None)
        out[name] = Track(name, scope, TRACK_TYPES[kind], None if kind == "flag" else bounds,
                          scenario=True)
    return out


@frozen
class Objective:
    """What a team is trying to achieve (``[[objectives]]``), scored at the end."""

    id: str
    """Short identifier."""
    actor: str
    """Whose objective it is."""
    text: str
    """What the team reads."""
    when: str
    """The condition that makes it met."""
    check: str = "end"
    """``end``: met if true when the game ends; ``ever``: met if true after any turn;
    ``always``: met only if true after every turn."""
    points: int = 1
    """Weight in the team's score."""


@frozen
class Ending:
    """A scenario-specific end condition (``[[endings]]``), beyond the ruleset's."""

    id: str
    """Short identifier."""
    when: str
    """The condition, checked when each turn's results are published."""
    reason: str
    """What the end screen and the report say."""
    outcome: str = "scenario"
    """``scenario``, or an outcome of the ruleset's endings (``conflict``…)."""


@frozen
class Scenario:
    """A whole scenario file."""

    scenario: Meta
    """The ``[scenario]`` table."""
    turns: Turns
    """The ``[turns]`` table."""
    actors: tuple[Actor, ...]
    """Two or more actors."""
    rules: Rules = field(factory=Rules)
    """The ``[rules]`` table."""
    alliances: tuple[Alliance, ...] = ()
    regions: tuple[Region, ...] = ()
    forces: tuple[Force, ...] = ()
    relations: tuple[Relation, ...] = ()
    injects: tuple[Inject, ...] = ()
    objectives: tuple[Objective, ...] = ()
    endings: tuple[Ending, ...] = ()
    draws: tuple[Draw, ...] = ()
    channels: tuple[Channel, ...] = ()
    tracks: tuple[ScenarioTrack, ...] = ()
    """The scenario's own values (``[[tracks]]``), beside the ruleset's."""

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id (``KeyError`` if none)."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    @cached_property
    def actor_ids(self) -> tuple[str, ...]:
        """Actor ids in the order they were declared (the fixed resolution order)."""
        return tuple(a.id for a in self.actors)

    # Lookup tables the engine and the rules ask thousands of times a game. A scenario is
    # frozen, so each is a pure function of it, computed on first use and kept with it.

    @cached_property
    def own_tracks(self) -> Mapping[str, Track]:
        """The declarations of the scenario's own values (:attr:`tracks`), by id, in order."""
        return {t.id: t.track for t in self.tracks}

    @cached_property
    def team_ids(self) -> tuple[str, ...]:
        """The actors a team plays (``plays = "team"``), in declared order: those with a seat."""
        return tuple(a.id for a in self.actors if a.playing)

    @cached_property
    def facilitator_played(self) -> tuple[str, ...]:
        """The actors the facilitator plays from the console, in declared order."""
        return tuple(a.id for a in self.actors if a.plays == "facilitator")

    @cached_property
    def background(self) -> tuple[str, ...]:
        """The actors a bot plays in the background, in declared order."""
        return tuple(a.id for a in self.actors if a.plays == "background")

    @cached_property
    def actor_names(self) -> Mapping[str, str]:
        """Actor id → display name."""
        return {a.id: a.name for a in reversed(self.actors)}

    @cached_property
    def others(self) -> Mapping[str, tuple[str, ...]]:
        """Actor id → every other actor id, in declared order."""
        ids = self.actor_ids
        return {t: tuple(a for a in ids if a != t) for t in ids}

    @cached_property
    def alliances_by_actor(self) -> Mapping[str, tuple[str, ...]]:
        """Actor id → ids of the alliances it belongs to, in declared order (absent if none)."""
        member: dict[str, tuple[str, ...]] = {}
        for al in self.alliances:
            for m in al.members:
                member[m] = (*member.get(m, ()), al.id)
        return member

    @cached_property
    def allies(self) -> Mapping[str, frozenset[str]]:
        """Actor id → the actors it shares an alliance with, itself included (absent if none)."""
        allies: dict[str, frozenset[str]] = {}
        for al in self.alliances:
            for m in al.members:
                allies[m] = allies.get(m, frozenset()) | frozenset(al.members)
        return allies

    @cached_property
    def region_ids(self) -> tuple[str, ...]:
        """Region ids in declared order."""
        return tuple(r.id for r in self.regions)

    @cached_property
    def region_names(self) -> Mapping[str, str]:
        """Region id → display name."""
        return {r.id: r.name for r in reversed(self.regions)}

    @cached_property
    def region_near(self) -> Mapping[str, tuple[str, ...]]:
        """Region id → the actors it borders (:attr:`Region.near`)."""
        return {r.id: tuple(r.near) for r in reversed(self.regions)}

    @cached_property
    def force_owner(self) -> Mapping[str, str]:
        """Force id → the actor it belongs to."""
        return {f.id: f.owner for f in self.forces}

    @cached_property
    def force_by_id(self) -> Mapping[str, Force]:
        """Force id → the force (the first of an id, as the checks keep it)."""
        return {f.id: f for f in reversed(self.forces)}

    @cached_property
    def force_home(self) -> Mapping[str, str]:
        """Force id → its home region."""
        return {f.id: f.home for f in reversed(self.forces)}

    @cached_property
    def force_names(self) -> Mapping[str, str]:
        """Force id → display name (its id if it has none)."""
        return {f.id: f.name or f.id for f in reversed(self.forces)}

    @cached_property
    def forces_of(self) -> Mapping[str, tuple[str, ...]]:
        """Actor id → ids of its forces, in declared order (absent if it has none)."""
        own: dict[str, tuple[str, ...]] = {}
        for f in self.forces:
            own[f.owner] = (*own.get(f.owner, ()), f.id)
        return own

    def ids(self) -> dict[str, frozenset[str]]:
        """Every id by kind, for checking references and conditions."""
        return {
            "actor": frozenset(a.id for a in self.actors),
            "alliance": frozenset(a.id for a in self.alliances),
            "region": frozenset(r.id for r in self.regions),
            "force": frozenset(f.id for f in self.forces),
            "inject": frozenset(i.id for i in self.injects),
            "objective": frozenset(o.id for o in self.objectives),
            "draw": frozenset(d.id for d in self.draws),
            "channel": frozenset(c.id for c in self.channels),
            "option": frozenset(o for d in self.draws for o in d.options),
        }

    @cached_property
    def expectations(self) -> Mapping[str, tuple[Inject, Expectation]]:
        """Expectation id → its inject and itself, in the order written (the first of an id)."""
        out: dict[str, tuple[Inject, Expectation]] = {}
        for i in self.injects:
            for x in i.expect:
                out.setdefault(x.id, (i, x))
        return out
