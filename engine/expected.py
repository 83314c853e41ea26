"""What became of the injects' expectations, for the report, with the evidence from the log.

An expectation (:class:`~detente.engine.scenario.Expectation`) opens when its inject is
delivered and is decided by the session: met or missed by its condition, or rated by a person
(:class:`~detente.engine.commands.Assess`). :func:`expectation_facts` reads a role's timeline
(the facilitator's: every one; a team's: its own, revealed after the end) and says, for each
one met from the log, which logged events made its condition true: for the calls a condition
makes of ``made``, ``called``, ``answered``, ``pledges`` and ``pledged``, the moves, answers and
pledges that match them between its opening and the phase it was met; for any other condition,
the turn and phase alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from detente.engine.aar_model import Evidence, ExpectationFact
from detente.engine.conditions import compile_scenario
from detente.engine.entries import Answered, Expected, MoveResolved, Pledged, Proposed, TimelineEntry
from detente.engine.scenario import Scenario

__all__ = ["expectation_facts"]

Call = tuple[str, tuple[str, ...]]


def expectation_facts(scenario: Scenario, seen: Sequence[TimelineEntry]) -> tuple[ExpectationFact, ...]:
    """The expectations in ``seen`` (a role's timeline as entries), in the order they opened,
    each with its last status and, when met from the log, its evidence."""
    opened: dict[str, tuple[int, Expected]] = {}
    last: dict[str, tuple[int, Expected]] = {}
    per_team: dict[str, dict[str, Expected]] = {}
    for i, e in enumerate(seen):
        if isinstance(e, Expected):
            if e.status == "open" and e.id not in opened:
                opened[e.id] = (i, e)
            elif e.team:
                per_team.setdefault(e.id, {})[e.team] = e
            else:
                last[e.id] = (i, e)
    conditions = compile_scenario(scenario)
    objectives = scenario.scenario.learning_objectives
    out = []
    for xid, (start, o) in opened.items():
        found = scenario.expectations.get(xid)
        x = found[1] if found is not None else None
        inject = found[0].title if found is not None else o.inject
        end, d = last.get(xid, (start, o))
        cites: tuple[Evidence, ...] = ()
        if d.status == "met" and x is not None and x.when is not None:
            calls = conditions[x.when].names if x.when in conditions else frozenset()
            cites = tuple(_evidence(scenario, _between(seen, start, end), calls))
        elif d is not o:  # the deadline that passed, or a person's rating
            cites = (_decided(scenario, d),)
        teams = per_team.get(xid, {})
        cites += tuple(_decided(scenario, t) for t in teams.values())
        objective, n = "", 0
        if x is not None and x.objective is not None and 1 <= x.objective <= len(objectives):
            objective, n = objectives[x.objective - 1], x.objective
        out.append(ExpectationFact(
            id=xid, inject=inject, who=o.who, text=o.text, status=d.status,
            due=o.due or (o.turn, o.phase), checked=x is not None and x.when is not None,
            turn=_at(d)[0] if d is not o else None, phase=_at(d)[1] if d is not o else "",
            reason=d.reason, evidence=tuple(c.words for c in cites if d.status == "met"),
            objective=objective, capability=x.capability if x is not None else "", objective_n=n,
            cites=cites, teams=tuple((t, e.status, e.reason) for t, e in teams.items()),
        ))
    return tuple(out)


def _between(seen: Sequence[TimelineEntry], start: int, end: int) -> Sequence[TimelineEntry]:
    """The entries of ``seen`` from the one at ``start`` to the one at ``end``, in the log's
    order. A team reads its expectations after the end (revealed), so between their places in
    its timeline lies nothing it did; between their places in the log lies what met them."""
    first, last = seen[start].seq, seen[end].seq
    if not first or not last:  # events without their place in the log: the timeline's order
        return seen[start:end + 1]
    return [e for e in seen if first <= e.seq <= last]


def _at(e: TimelineEntry) -> tuple[int, str]:
    """The turn and phase ``e`` happened in: a decided expectation's own (a team reads it after
    the end, where its entry stands), any other entry's where it stands."""
    if isinstance(e, Expected) and e.revealed:
        turn, phase = e.fields.get("turn"), e.fields.get("phase")
        if isinstance(turn, int) and isinstance(phase, str):
            return turn, phase
    return e.turn, e.phase


def _decided(scenario: Scenario, e: Expected) -> Evidence:
    """The event that decided an expectation (or rated one team of it), as evidence."""
    who = f" for {scenario.actor_names.get(e.team, e.team)}" if e.team else ""
    if e.reason:
        rater = "the evaluator" if e.by == "evaluator" else "the facilitator"
        words = f"{rater} rated it {e.status}{who}: {e.reason}"
    elif e.status == "missed":
        words = "its deadline passed without it"
    else:
        words = f"its condition held ({e.status})"
    return Evidence(e.seq, *_at(e), f"{_when(scenario, e)}: {words}")


def _kw(args: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    """A call's arguments as logged by the compiler: positional ids, then ``name=value``."""
    plain = [a for a in args if "=" not in a]
    named = dict(a.split("=", 1) for a in args if "=" in a)
    return plain, named


def _evidence(scenario: Scenario, window: Sequence[TimelineEntry], calls: Iterable[Call]) -> list[Evidence]:
    """The entries of ``window`` that match one of ``calls``, in words with their turn and
    phase; the event that marked it met alone when none matches."""
    found: list[Evidence] = []
    for e in window:
        words = _matches(scenario, e, calls)
        if words:
            found.append(Evidence(e.seq, e.turn, e.phase, f"{_when(scenario, e)}: {words}"))
    if not found and window:
        e = window[-1]
        found.append(Evidence(e.seq, *_at(e), f"{_when(scenario, e)}: the condition held"))
    return found


def _when(scenario: Scenario, e: TimelineEntry) -> str:
    turn, phase = _at(e)
    return f"{scenario.turns.name(turn)}, {phase}"


def _matches(scenario: Scenario, e: TimelineEntry, calls: Iterable[Call]) -> str:
    """What ``e`` did towards one of ``calls``, in words (empty when it matches none)."""
    def who(a: str) -> str:
        return scenario.actor_names.get(a, a)

    for name, args in calls:
        plain, kw = _kw(args)
        if name == "made" and len(plain) >= 2:
            team, move = plain[0], plain[1]
            target = kw.get("target", "")
            if (isinstance(e, MoveResolved) and e.team == team and e.order.move == move
                    and (not target or e.order.target == target)
                    and (not kw.get("region") or e.order.region == kw["region"])):
                return e.text or f"{who(team)}: {move.replace('_', ' ')}"
            if (isinstance(e, Answered) and e.accept and e.about is not None and e.about.by == team
                    and e.about.order.move == move and (not target or e.by == target)):
                return f"{who(e.by)} accepted {who(team)}'s {move.replace('_', ' ')}"
        elif name == "answered" and len(plain) == 2:
            if (isinstance(e, Answered) and e.accept and e.about is not None
                    and e.about.by == plain[0] and e.by == plain[1]):
                return f"{who(e.by)} answered {who(plain[0])}'s {e.about.order.move.replace('_', ' ')}"
        elif name == "called" and len(plain) == 2:
            if isinstance(e, Proposed) and e.by == plain[0] and plain[1] in e.to:
                return f"{who(e.by)} placed a {e.order.move.replace('_', ' ')} to {who(plain[1])}"
        elif name in ("pledges", "pledged") and plain:
            to = plain[1] if name == "pledged" and len(plain) > 1 else kw.get("to", "")
            if (isinstance(e, Pledged) and e.by == plain[0] and (not to or e.to == to)
                    and (not kw.get("kind") or e.pledge == kw["kind"])):
                where = f" in {scenario.region_names.get(e.region, e.region)}" if e.region else ""
                return (f"{who(e.by)} pledged {e.pledge.replace('_', ' ')}{where} to {who(e.to)} "
                        f"until turn {e.until}")
    return ""
