"""Who may see what: every tracked value by its declaration, and one table for every event kind.

Who may see a tracked value is said by its :class:`~detente.engine.tracks.Track` (``seen_by``):
the ruleset declares its values, the engine its budget, and :func:`may_see` reads the
declarations of the scenario's ruleset (:func:`tracks_of`). Without them a value is the
facilitator's alone. :func:`~detente.engine.views.view` holds only the values :func:`may_see`
allows, and :func:`~detente.engine.views.timeline` passes every event through :func:`shown`.
Nothing else decides what a role may see. docs/log-format.md ("Who sees what") is the same
table for people who read logs.

An event's ``vis`` is stamped when it is emitted (``"all"``, ``"fac"`` or a list of team
ids). The table is applied on top of it when the event is read, so a log written before a
rule was tightened is read under today's rule: an old cohesion change stamped ``"all"``
still reaches only the alliance's members.

For a change of a tracked value (``changed``, ``override``) the stamp says who may read
*why* it changed; the table says who may see the value. A role in both sees the whole
event; a role that may see the value but is outside the stamp sees the value move with
the why taken out (third parties see a public value move, never why, when the why is
private: an answered call, a dialogue's attendance, a private inject); anyone else sees
nothing. So a private inject's effect reaches the intersection of its addressees and who
may see that value.

An override's ``reason`` is the facilitator's words and reaches no one else: a team that sees the
value reads the override's ``public`` text in its place, or :data:`PUBLIC_CAUSE` when there is
none (as in every log written before the public text existed).

>>> shown({"kind": "note", "text": "x", "vis": "fac"}, "blue") is None
True
>>> n = {"kind": "team_note", "team": "blue", "text": "x", "vis": ["blue"]}
>>> shown(n, "blue")["text"], shown(n, "red"), shown(n, "facilitator")
('x', None, None)
>>> shown({"kind": "start", "seed": 7, "vis": "all"}, "blue")
{'kind': 'start', 'vis': 'all'}
>>> from detente.engine.loader import load_scenario_text, EXAMPLE
>>> o = {"kind": "override", "value": "tension", "of": ["blue", "red"], "to": 40, "reason": "mine",
...      "public": "", "vis": "all"}
>>> s = load_scenario_text(EXAMPLE)
>>> shown(o, "blue", s)["reason"], shown(o, "facilitator")["reason"], shown(o, "blue")
('facilitator adjustment', 'mine', None)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from attrs import frozen

from detente.engine.commands import EVALUATOR, FACILITATOR, SEES_ALL
from detente.engine.scenario import Draw, Scenario
from detente.engine.tracks import (
    BUDGET,
    EVERYONE,
    FACILITATOR_ONLY,
    HOLDER,
    MEMBERS,
    PARTIES,
    Audience,
    Track,
)


@cache
def tracks_of(rules: str) -> Mapping[str, Track]:
    """Every value a session under the ruleset called ``rules`` tracks, by name: the engine's
    :data:`~detente.engine.tracks.BUDGET` and the ruleset's declarations (only the budget if no
    installed ruleset has that name)."""
    from detente.engine.ruleset import RulesetNotFound, find_ruleset

    try:
        declared = find_ruleset(rules).tracks
    except RulesetNotFound:
        declared = {}
    return {BUDGET.name: BUDGET, **declared}


def scenario_tracks(scenario: Scenario) -> Mapping[str, Track]:
    """Every value a session of ``scenario`` tracks, by name: :func:`tracks_of` its ruleset, then
    the scenario's own (its ``[[tracks]]``), as the session's state declares them."""
    base = tracks_of(scenario.rules.name)
    own = scenario.own_tracks
    if not own:
        return base
    hit = _SCENARIO_TRACKS.get(id(scenario))
    if hit is not None and hit[0] is scenario:
        return hit[1]
    merged = {**base, **{k: t for k, t in own.items() if k not in base}}
    if len(_SCENARIO_TRACKS) > 64:
        _SCENARIO_TRACKS.clear()
    _SCENARIO_TRACKS[id(scenario)] = (scenario, merged)
    return merged


# Worked out once per scenario (a timeline reads a declaration for every change it shows); the
# scenario is kept with its entry, so an id reused by a later scenario is never taken for it.
_SCENARIO_TRACKS: dict[int, tuple[Scenario, Mapping[str, Track]]] = {}


@cache
def _installed() -> Mapping[str, Track]:
    """Every value any installed ruleset declares (the first declaration of a name wins)."""
    from detente.engine.ruleset import available_rulesets

    out: dict[str, Track] = {}
    for name in available_rulesets():
        for k, t in tracks_of(name).items():
            out.setdefault(k, t)
    return out


@frozen
class EventRule:
    """Who may see one kind of event, and which of its fields."""

    audience: str
    """``stamped``: the event's ``vis``; ``value``: the stamp for the whole event, and whoever may
    see the value (its track's ``seen_by``) for the event without its :attr:`private` fields;
    ``facilitator``; or :data:`DEBRIEF`: the facilitator during play, and the stamp once the
    session has ended (what a team did not know, revealed in the debrief)."""
    owner: str | None = None
    """A field naming the one team (besides the facilitator) the event belongs to, whatever its stamp."""
    private: tuple[str, ...] = ()
    """Fields only the stamped audience reads (the why of a change)."""
    secret: tuple[str, ...] = ()
    """Fields only the facilitator reads."""
    stand_in: tuple[tuple[str, str, str], ...] = ()
    """``(field, source, default)``: a role other than the facilitator reads ``field`` as the
    event's ``source`` (or ``default`` when the event has none, or ``source`` is private to
    the role), and never ``source`` itself. An override's reason is the facilitator's; teams
    read the public text the facilitator gave, or a neutral cause."""
    facilitator: bool = True
    """Whether the facilitator reads it. False for what is a team's own and nobody else's (its
    notepad): then only the :attr:`owner` reads it, in its views, replay and report."""


EVALUATORS = "evaluators"
"""The audience of what evaluators record (observations, HSEEP ratings): the facilitator and the
evaluator, never a team or the public, during play or after."""

DEBRIEF = "debrief"
"""The audience of an event kind that only the facilitator reads during play and its stamp reads
once the session has ended (:func:`revealed`): a breach the victim did not detect, a false
declaration. :func:`shown` gives it to no team; :class:`~detente.engine.views.Timeline` gives it
to the stamped teams after the ``outcome``, marked ``revealed``."""

PUBLIC_CAUSE = "facilitator adjustment"
"""What teams read as the cause of an override the facilitator gave no public text for."""

_STAMPED = EventRule("stamped")
_FACILITATOR = EventRule(FACILITATOR_ONLY)

#: Every event kind (:data:`detente.engine.events.KINDS`) and who may see it. A kind not
#: listed is the facilitator's.
EVENTS: dict[str, EventRule] = {
    "start": EventRule("stamped", secret=("seed",)),
    "draw": _STAMPED,  # stamped with the teams not hidden from it (the scenario's hidden_from)
    "phase": _STAMPED,
    "inject": _STAMPED,  # stamped with its addressees
    "changed": EventRule("value", private=("cause",)),
    # The reason is the facilitator's words; teams read the public text (or the neutral cause).
    "override": EventRule("value", private=("public",), stand_in=(("reason", "public", PUBLIC_CAUSE),)),
    "orders": EventRule("stamped", owner="team"),
    "proposal": _STAMPED,  # stamped with the parties, as are the kinds below to hang_up
    "response": _STAMPED,
    "sent": _STAMPED,  # stamped with the sender: the addressee learns of it when it arrives
    "arrived": _STAMPED,  # stamped with the sender and the addressee
    "unanswered": _STAMPED,
    "settled": _STAMPED,
    "message": _STAMPED,
    "pledge": _STAMPED,
    "pledge_status": _STAMPED,
    # Stamped with the parties, who learn of it only in the debrief: during play the holder of
    # the pledge did not detect it, and the maker does not know whether it was detected.
    "breach": EventRule(DEBRIEF),
    # Stamped with the parties; what was declared against what was there is the facilitator's
    # until the debrief (the receiver had only the declared data).
    "declaration": EventRule(DEBRIEF),
    # Stamped with the parties; a false declaration the verifiers missed reads to them as a
    # confirmation: only the facilitator reads that it was missed.
    "verification": EventRule("stamped", secret=("missed",)),
    "hang_up": _STAMPED,
    "rating": _STAMPED,  # stamped with the call's parties: the facilitator's verdict on their call
    "withdrawn": _STAMPED,
    "move": _STAMPED,  # stamped by the rule that resolved it (a private move: its parties)
    "roll": _FACILITATOR,
    "force": _STAMPED,  # stamped with the teams that know where the force is
    "known": _STAMPED,
    "notice": _STAMPED,
    "flag": _FACILITATOR,
    "mark": _STAMPED,
    # A scripted incident's cause (the inject) is the facilitator's: to teams it just happened.
    "incident": EventRule("stamped", secret=("cause",)),
    "crisis": _STAMPED,  # stamped with the two sides of the crisis
    # Stamped as what it annuls; the reason is the facilitator's, as an override's, and so is
    # the cause of an annulled scripted incident, as the incident's own.
    "annul": EventRule("stamped", secret=("cause",), stand_in=(("reason", "public", PUBLIC_CAUSE),)),
    # The facilitator's private notes: not even the evaluator's (who sees the game as the
    # facilitator does, but not the facilitator's own words to themself).
    "note": _FACILITATOR,
    "observation": EventRule(EVALUATORS),
    "evaluation": EventRule(EVALUATORS),
    # A team's private notepad: that team's alone, not even the facilitator's screens, replay or
    # report show it (the log file holds it, for replay and verification).
    "team_note": EventRule("stamped", owner="team", facilitator=False),
    # Stamped with the teams expected to act: the facilitator's during play (a team is not told
    # what it is expected to do), those teams' own once the session has ended.
    "expectation": EventRule(DEBRIEF),
    "clock": _STAMPED,  # everyone sees the time left: stamped "all"
    "objective": EventRule("stamped", owner="actor"),
    "outcome": _STAMPED,
    "command": _FACILITATOR,
    # Argued actions (engine.argued): the argument is its team's until the facilitator asks others
    # for counter-arguments (stamped then with the arguer and those asked); a counter-argument is
    # its author's alone; the odds and the narrative go to whoever saw the argument, or, when the
    # facilitator announces the result, to everyone (their stamp).
    "argued": EventRule("stamped", owner="by"),
    "counters_asked": _STAMPED,
    "countered": EventRule("stamped", owner="by"),
    "judged": _STAMPED,
    "narrated": _STAMPED,
}

#: The event kinds the facilitator does not read (:attr:`EventRule.facilitator`).
_NOT_FACILITATOR = frozenset(k for k, r in EVENTS.items() if not r.facilitator)
#: The event kinds the evaluator does not read: what the facilitator does not, and the
#: facilitator's private notes.
_NOT_EVALUATOR = _NOT_FACILITATOR | {"note"}
#: Fields the evaluator does not read of an event the facilitator reads whole: the seed, as in
#: the log header (:func:`header_for`): it predicts the rolls to come.
_EVALUATOR_SECRET = {"start": ("seed",)}

#: Log header keys only the facilitator reads: the seed and the dice secret.
HEADER_SECRET: tuple[str, ...] = ("seed", "secret")


def value_audience(value: Track | str, tracks: Mapping[str, Track] | None = None) -> Audience:
    """Who may see a value: one of :data:`EVERYONE`, :data:`HOLDER`, :data:`MEMBERS`,
    :data:`PARTIES`, :data:`FACILITATOR_ONLY` (a value nobody declared), or the teams a
    scenario's own value names. ``value`` is its declaration, or its name looked up in
    ``tracks`` (without them, in every installed ruleset's declarations)."""
    if isinstance(value, Track):
        return value.seen_by
    track = (tracks if tracks is not None else _installed()).get(value)
    return track.seen_by if track is not None else FACILITATOR_ONLY


def in_audience(audience: Audience, role: str, of: Sequence[str], scenario: Scenario | None = None) -> bool:
    """Whether ``role`` is in ``audience`` (:func:`value_audience`) for a value of ``of``.
    Without the scenario, an alliance's members are unknown: nobody but the facilitator.

    >>> in_audience(("usa",), "usa", ()), in_audience(("usa",), "ussr", ())
    (True, False)
    >>> in_audience("parties", "b", ("a", "b")), in_audience("parties", "c", ("a", "b"))
    (True, False)
    """
    if role in SEES_ALL or audience == EVERYONE:
        return True
    if isinstance(audience, tuple):
        return role in audience
    if audience == HOLDER:
        return bool(of) and role == of[0]
    if audience == PARTIES:
        return role in of
    if audience == MEMBERS:
        return scenario is not None and bool(of) and of[0] in scenario.alliances_by_actor.get(role, ())
    return False


def may_see(
    role: str, value: str, of: Sequence[str], scenario: Scenario | None = None,
    tracks: Mapping[str, Track] | None = None,
) -> bool:
    """Whether ``role`` may see ``value`` of ``of``, by the value's declaration (its track's
    ``seen_by``): among ``tracks``, or the scenario's (:func:`scenario_tracks`). A value
    nobody declared, or any value when neither the scenario nor the tracks are given, is the
    facilitator's (and the evaluator's) alone: privacy by default.

    >>> from detente.engine.loader import load_scenario_text, EXAMPLE
    >>> s = load_scenario_text(EXAMPLE)
    >>> may_see("blue", "trust", ["blue", "red"], s), may_see("red", "trust", ["blue", "red"], s)
    (True, False)
    >>> may_see("red", "tension", ["blue", "red"], s), may_see("red", "tension", ["blue", "red"])
    (True, False)
    """
    if role in SEES_ALL:
        return True
    if tracks is None:
        if scenario is None:
            return False
        tracks = scenario_tracks(scenario)
    track = tracks.get(value)
    return track is not None and in_audience(track.seen_by, role, of, scenario)


def shown(
    event: Mapping[str, Any], role: str, scenario: Scenario | None = None
) -> Mapping[str, Any] | None:
    """``event`` as ``role`` may see it: the event itself, a copy without the fields ``role``
    may not read, or None. ``scenario`` says which ruleset declares the values and who belongs
    to an alliance: without it, a change of a tracked value stays with the facilitator."""
    if role == FACILITATOR:
        return None if event["kind"] in _NOT_FACILITATOR else event
    if role == EVALUATOR:
        kind = event["kind"]
        if kind in _NOT_EVALUATOR:
            return None
        return _without(event, _EVALUATOR_SECRET[kind]) if kind in _EVALUATOR_SECRET else event
    rule = EVENTS.get(event["kind"], _FACILITATOR)
    audience = rule.audience
    if audience in (FACILITATOR_ONLY, DEBRIEF, EVALUATORS):
        return None
    # visible_to(event, role), inlined: a bot reads the timeline at every decision.
    vis = event.get("vis", "all")
    whole = (vis == "all" or (vis != "fac" and role in vis)) and (
        rule.owner is None or event.get(rule.owner) == role
    )
    if audience == "value":
        if not may_see(role, event["value"], event["of"], scenario):
            return None
        if not whole:
            return _without(event, rule.private)
    elif not whole:
        return None
    if rule.secret:
        event = _without(event, rule.secret)
    return _stand_in(event, rule.stand_in) if rule.stand_in else event


def revealed(
    event: Mapping[str, Any], role: str, scenario: Scenario | None = None
) -> Mapping[str, Any] | None:
    """``event``, of a kind whose audience is :data:`DEBRIEF`, as ``role`` reads it once the
    session has ended: a copy marked ``revealed`` (without its secret fields) for a role in its
    stamp, else None. None for any other kind, and for the facilitator, who read it when it
    happened (:func:`shown`).

    >>> e = {"kind": "breach", "id": "2-1-1", "by": "red", "to": "blue", "vis": ["blue", "red"]}
    >>> shown(e, "blue") is None, revealed(e, "blue")["revealed"], revealed(e, "green")
    (True, True, None)
    """
    if role in SEES_ALL:
        return None
    rule = EVENTS.get(event["kind"], _FACILITATOR)
    if rule.audience != DEBRIEF:
        return None
    vis = event.get("vis", "all")
    if not (vis == "all" or (vis != "fac" and role in vis)):
        return None
    out = dict(_without(event, rule.secret) if rule.secret else event)
    out["revealed"] = True
    return out


def _stand_in(event: Mapping[str, Any], rules: tuple[tuple[str, str, str], ...]) -> Mapping[str, Any]:
    out = dict(event)
    for field, source, default in rules:
        out[field] = out.pop(source, None) or default
    return out


def _without(event: Mapping[str, Any], fields: tuple[str, ...]) -> Mapping[str, Any]:
    if not any(f in event for f in fields):
        return event
    return {k: v for k, v in event.items() if k not in fields}


def may_see_draw(role: str, draw: Draw, scenario: Scenario) -> bool:
    """Whether ``role`` learns the result of ``draw``: the facilitator always, a team unless
    the scenario hides it from that team (:attr:`Draw.hidden_from`: left out, from every team)."""
    return role in SEES_ALL or role in draw.seen_by(scenario.actor_ids)


def header_for(header: Mapping[str, Any], role: str) -> Mapping[str, Any]:
    """A log header as ``role`` may read it (no seed but for the facilitator: the evaluator,
    who sees every roll, has no need of what predicts the next)."""
    if role == FACILITATOR:
        return header
    return {k: v for k, v in header.items() if k not in HEADER_SECRET}


#: Roles that read only what everyone reads (the projector's spectators).
PUBLIC_ROLES = ("public", "spectator")

def scenario_for(scenario: Scenario, role: str) -> Scenario:
    """``scenario`` as ``role`` may read it before any event: what a network client is sent.

    The facilitator gets it unchanged. A team gets the public parts (title, summary, public
    briefing, turns, rules, actors, regions, forces, alliances, the public starting values) with
    its own private briefing and objectives (without their conditions); every other team's
    briefing and objectives are gone, and every starting value the team may not see (by its
    track's ``seen_by``) is left out, so that it starts at its default (the ruleset's): with the
    bundled ruleset, other actors' budgets and pressure, other alliances' cohesion, other
    actors' trust, threat, information and answer. A directed value the relation gives both
    ways is spelled out in the team's own ``seen_by``. The scenario's own values
    (``[[tracks]]``) keep their declarations, but the ``start`` of one the role sees none of
    is left out (it starts at 0 or false, as far as the role is told). Injects and endings are
    gone (their texts and conditions are the facilitator's; a released inject reaches its
    addressees as an event), and so is the seed. Who plays each actor (``plays``) stays, as the
    room knows who sits where; the bot of an actor no team plays (``bot``) goes. ``public`` or
    ``spectator``: as a team of no actor (no private briefing, no objectives).

    >>> from detente.engine.loader import load_scenario_text, EXAMPLE
    >>> s = load_scenario_text(EXAMPLE)
    >>> scenario_for(s, "facilitator") is s, scenario_for(s, "spectator").injects
    (True, ())
    """
    from attrs import evolve

    if role == FACILITATOR:
        return scenario
    if role == EVALUATOR:  # the whole scenario (injects and their expectations), without the seed
        return evolve(scenario, scenario=evolve(scenario.scenario, seed=0))
    team = None if role in PUBLIC_ROLES else role
    if team is not None and team not in scenario.actor_ids:
        raise ValueError(f"unknown role {role!r}")
    tracks = scenario_tracks(scenario)

    def seen(name: str, *ofs: Sequence[str]) -> bool:
        return name in tracks and all(may_see(role, name, of, scenario, tracks) for of in ofs)

    actors = tuple(
        a if a.id == team else evolve(
            a,
            briefing="",
            budget=a.budget if seen(BUDGET.name, [a.id]) else BUDGET.default,
            values={k: v for k, v in a.values.items() if seen(k, [a.id])},
            bot=None,  # who plays an actor is known in the room (plays); how its bot plays is not
        )
        for a in scenario.actors
    )
    alliances = tuple(
        evolve(al, values={k: v for k, v in al.values.items() if seen(k, [al.id])})
        for al in scenario.alliances
    )
    relations = []
    for rel in scenario.relations:
        a, b = rel.between
        directed = {k: v for k, v in rel.values.items() if k in tracks and tracks[k].scope == "directed"}
        values = {k: v for k, v in rel.values.items()
                  if (seen(k, [a, b], [b, a]) if k in directed else seen(k, [a, b]))}
        seen_by: dict[str, dict[str, bool | int | float]] = {}
        for holder, other in ((a, b), (b, a)):
            # A holder's own outlook, spelled out where the shared values are not for everyone.
            own = rel.seen_by.get(holder, {})
            mine = {k: v for k, v in {**directed, **own}.items()
                    if seen(k, [holder, other]) and (k in own or k not in values)}
            if mine:
                seen_by[holder] = mine
        relations.append(evolve(rel, values=values, seen_by=seen_by))
    # A scenario's own value the role sees none of starts, as far as the role is told, where its
    # type does (0 or false): its declaration is no secret, its starting value is.
    tracks_told = tuple(
        t if t.start is None or any(seen(t.id, of) for of in _holders(t.scope, scenario.actor_ids))
        else evolve(t, start=None)
        for t in scenario.tracks
    )
    return evolve(
        scenario,
        scenario=evolve(scenario.scenario, seed=0),
        tracks=tracks_told,
        actors=actors,
        alliances=alliances,
        relations=tuple(relations),
        injects=(),
        draws=(),  # what a draw may give is the facilitator's; a result reaches who may see it
        # The condition stays with the host, which scores it: it may name injects the team has
        # not seen. The team reads what it is trying to achieve, and how it counts.
        objectives=tuple(evolve(o, when="false") for o in scenario.objectives if o.actor == team),
        endings=(),
    )


def _holders(scope: str, actors: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The ids of every value of ``scope`` among ``actors``."""
    if scope == "global":
        return [()]
    if scope == "actor":
        return [(a,) for a in actors]
    return [(a, b) for a in actors for b in actors if a != b]


__all__ = [
    "DEBRIEF", "EVALUATORS", "EVENTS", "EVERYONE", "FACILITATOR_ONLY", "HEADER_SECRET", "HOLDER", "MEMBERS",
    "PUBLIC_CAUSE", "PUBLIC_ROLES",
    "EventRule", "header_for", "in_audience", "may_see", "may_see_draw", "revealed", "scenario_for",
    "scenario_tracks", "shown", "tracks_of", "value_audience",
]
