"""HSEEP ratings suggested from expectations, and the decision-timeline measures.

An evaluator rates each learning objective and capability on the HSEEP scale
(:data:`~detente.engine.commands.HSEEP`: P, S, M, U). :func:`suggested` proposes a rating from
what became of the expectations that serve it; the person confirms or changes it, with a reason
(:class:`~detente.engine.commands.Evaluate`), and both are logged. The rule is one line, so a
trainer can say where a suggestion came from: each decided expectation scores met 1, partly ½,
missed 0, and the mean gives

- **P** when every one was met (mean 1),
- **S** from ⅔ up to 1,
- **M** from ⅓ up to ⅔,
- **U** below ⅓;

no suggestion while none is decided. An expectation still open does not count.

>>> rating_for(["met", "met"]), rating_for(["met", "partly", "met"]), rating_for(["met", "missed"])
('P', 'S', 'M')
>>> rating_for(["missed", "missed", "partly"]), rating_for([]), rating_for(["open"])
('U', None, None)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from detente.engine.entries import Expected, TimelineEntry
from detente.engine.scenario import Scenario
from detente.engine.state import expectation_key

__all__ = ["SCORE", "decided_for", "marks_from", "rating_for", "suggested"]

#: What each decided status of an expectation scores towards a suggested rating.
SCORE = {"met": 1.0, "partly": 0.5, "missed": 0.0}


def rating_for(statuses: Iterable[str]) -> str | None:
    """The HSEEP rating the statuses of some expectations suggest (module docstring), or None
    when none is decided."""
    scores = [SCORE[s] for s in statuses if s in SCORE]
    if not scores:
        return None
    mean = sum(scores) / len(scores)
    if mean >= 1:
        return "P"
    if mean >= 2 / 3:
        return "S"
    if mean >= 1 / 3:
        return "M"
    return "U"


def decided_for(mark: Mapping[str, Any], team: str = "") -> str:
    """An expectation's status for ``team`` (empty: all the teams expected to act): a person's
    rating of that team when there is one, else the expectation's own status; for all teams, when
    only some were rated one by one, the worst of those ratings (``open`` until one is)."""
    teams: Mapping[str, str] = mark.get("teams", {})
    own = str(mark.get("status", "open"))
    if team:
        return teams.get(team, own)
    if own != "open" or not teams:
        return own
    return min(teams.values(), key=lambda s: SCORE.get(s, 2.0))


def suggested(
    scenario: Scenario, marks: Mapping[str, Any], objective: int = 0, capability: str = "", team: str = "",
) -> str | None:
    """The rating the expectations serving learning objective ``objective`` (1-based) or
    ``capability`` suggest, for ``team`` (empty: the exercise as a whole), from their marks in
    a state (:attr:`~detente.engine.state.State.marks`); None when none of them is decided."""
    statuses = []
    for _inject, x in scenario.expectations.values():
        if objective and x.objective != objective:
            continue
        if capability and x.capability.strip().casefold() != capability.strip().casefold():
            continue
        if not objective and not capability:
            continue
        mark = marks.get(expectation_key(x.id))
        if mark is None or (team and team not in mark.get("who", ())):
            continue
        statuses.append(decided_for(mark, team))
    return rating_for(statuses)


#: What an expectation's mark keeps of its events (as the fold does, engine/events.py).
_MARK_FIELDS = ("inject", "who", "due", "text", "status", "turn", "phase", "reason")


def marks_from(entries: Iterable[TimelineEntry]) -> dict[str, dict[str, Any]]:
    """The expectations' marks as a state holds them (what :func:`suggested` and
    :func:`decided_for` read), from a timeline's :class:`~detente.engine.entries.Expected`
    entries: for a front end that has a role's timeline and no state (an evaluator over the
    network). The same fold as the state's, so both suggest the same.

    >>> from detente.engine.entries import read
    >>> m = marks_from(read([
    ...     {"kind": "expectation", "id": "x1", "who": ["blue", "red"], "status": "open", "turn": 1},
    ...     {"kind": "expectation", "id": "x1", "status": "partly", "team": "red", "turn": 2}]))
    >>> decided_for(m["expect:x1"], "red"), decided_for(m["expect:x1"], "blue")
    ('partly', 'open')
    """
    marks: dict[str, dict[str, Any]] = {}
    for e in entries:
        if not isinstance(e, Expected):
            continue
        key = expectation_key(e.id)
        old = marks.get(key, {})
        if e.team:  # a person's rating of one team of several
            marks[key] = {**old, "teams": {**old.get("teams", {}), e.team: e.status}}
        else:
            marks[key] = {**old, **{k: e.fields[k] for k in _MARK_FIELDS if k in e.fields}}
    return marks
