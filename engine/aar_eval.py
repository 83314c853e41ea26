"""The evaluation in an after-action report: findings with their evidence, ratings, measures.

:func:`evaluation` reads a role's timeline (typed entries, as :func:`detente.engine.aar.build`
has them) and what the report has already worked out from it (the expectations and the gaps
between words and deeds), and gives the parts of the report that HSEEP's after-action report
asks for (docs/report.md, "After-action report"):

- **findings**: strengths and areas for improvement, each resting on logged events
  (:class:`~detente.engine.aar_model.Evidence`: the event's ``seq``, where the replay viewer
  opens, and what it was in words). An expectation met is a strength, resting on the events that
  met it; one missed or met only in part is an area for improvement, resting on the deadline that
  passed or a person's rating; an observation marked a strength or an area for improvement rests
  on the decision it names and on itself; a gap between words and deeds is an area for
  improvement, resting on the words and the deed. Nothing else becomes a finding, so every
  finding names its evidence.
- **ratings**: every learning objective an expectation serves and every capability it names,
  for the exercise and each team expected to act, with the HSEEP rating its expectations
  suggest (:func:`~detente.engine.evaluation.rating_for`) and the last one a person confirmed.
- **measures** per team and turn (:class:`~detente.engine.aar_model.TurnMeasure`), and the
  **time from each inject to a team's first response**, in phases.

It is pure, as the rest of the report's builders: a role's report holds what the role may see,
so a team's holds no observation or rating (they are the facilitator's and the evaluator's) and
only its own expectations, revealed after the end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from attrs import frozen

from detente.engine.aar_model import (
    Entry,
    Evidence,
    ExpectationFact,
    Finding,
    Gap,
    ObservationFact,
    RatingFact,
    Response,
    TurnMeasure,
)
from detente.engine.commands import EVALUATOR
from detente.engine.entries import (
    Answered,
    Argued,
    Evaluated,
    InjectDelivered,
    LeftUnanswered,
    MoveResolved,
    Observed,
    Pledged,
    Proposed,
    Said,
    Sent,
    TimelineEntry,
)
from detente.engine.evaluation import rating_for
from detente.engine.ruleset import COERCIVE, TONES, Ruleset
from detente.engine.scenario import PHASES, Scenario

__all__ = ["Evaluation", "evaluation"]


@frozen
class Evaluation:
    """What :func:`evaluation` gives: the report's fields of the same names."""

    observations: tuple[ObservationFact, ...]
    ratings: tuple[RatingFact, ...]
    measures: tuple[TurnMeasure, ...]
    responses: tuple[Response, ...]
    findings: tuple[Finding, ...]


def evaluation(
    scenario: Scenario,
    ruleset: Ruleset,
    seen: Sequence[TimelineEntry],
    timeline: Sequence[Entry],
    expectations: Sequence[ExpectationFact],
    gaps: Sequence[Gap],
    role_sees_all: bool,
) -> Evaluation:
    """The evaluation parts of a role's report (module docstring). ``timeline`` is the report's
    timeline in words (its entries carry their ``seq``), for saying a cited event in words;
    ``role_sees_all``: the facilitator's or the evaluator's report (ratings for every team)."""
    words = _words(scenario, timeline)
    objectives = scenario.scenario.learning_objectives

    at_seq = {e.seq: e for e in seen if e.seq > 0}

    def evidence_at(seq: int) -> Evidence | None:
        e = at_seq.get(seq)
        if e is None:
            return None
        return Evidence(seq, e.turn, e.phase, words.get(seq) or _when(scenario, e.turn, e.phase))

    observations = tuple(
        ObservationFact(
            id=e.id, by=e.by, text=e.text, turn=e.on_turn or e.turn, seq=e.seq, about=e.about,
            inject=_inject_title(scenario, e.inject), finding=e.finding, objective_n=e.objective,
            objective=objectives[e.objective - 1] if 1 <= e.objective <= len(objectives) else "",
            capability=e.capability, decision=evidence_at(e.decision),
        )
        for e in seen if isinstance(e, Observed)
    )
    return Evaluation(
        observations=observations,
        ratings=_ratings(scenario, seen, expectations, role_sees_all),
        measures=_measures(ruleset, seen),
        responses=_responses(scenario, seen, words),
        findings=_findings(scenario, expectations, observations, gaps, evidence_at),
    )


def _when(scenario: Scenario, turn: int, phase: str) -> str:
    return f"{scenario.turns.name(turn)}, {phase}" if turn >= 1 else "before the first turn"


def _words(scenario: Scenario, timeline: Sequence[Entry]) -> dict[int, str]:
    """Each logged event's first line in the report's timeline, by its ``seq``."""
    out: dict[int, str] = {}
    for x in timeline:
        if x.seq and x.seq not in out:
            out[x.seq] = f"{_when(scenario, x.turn, x.phase)}: {x.text}"
    return out


def _inject_title(scenario: Scenario, inject: str) -> str:
    for i in scenario.injects:
        if i.id == inject:
            return i.title
    return inject


def _name(scenario: Scenario, team: str) -> str:
    return scenario.actor_names.get(team, team)


# -- ratings --------------------------------------------------------------------------------------


def _ratings(
    scenario: Scenario,
    seen: Sequence[TimelineEntry],
    expectations: Sequence[ExpectationFact],
    all_teams: bool,
) -> tuple[RatingFact, ...]:
    objectives = scenario.scenario.learning_objectives
    # What is rated: every objective and capability an expectation serves, or a rating names.
    targets: dict[tuple[int, str], str] = {}
    for x in expectations:
        if x.objective_n:
            targets.setdefault((x.objective_n, ""), x.objective)
        if x.capability.strip():
            targets.setdefault((0, x.capability.strip().casefold()), x.capability.strip())
    last: dict[tuple[int, str, str], Evaluated] = {}
    for e in seen:
        if isinstance(e, Evaluated):
            key = (e.objective, e.capability.strip().casefold())
            if e.objective:
                targets.setdefault(key, objectives[e.objective - 1] if e.objective <= len(objectives) else "")
            else:
                targets.setdefault(key, e.capability.strip())
            last[(*key, e.about)] = e
    out = []
    order = sorted(targets.items(), key=lambda kv: (kv[0][0] == 0, kv[0][0], kv[1].casefold()))
    for (n, cap), label in order:
        serving = [x for x in expectations
                   if (n and x.objective_n == n) or (cap and x.capability.strip().casefold() == cap)]
        named = {t for x in serving for t in x.who} | {a for (k, c, a) in last if (k, c) == (n, cap) and a}
        teams = sorted(named, key=scenario.actor_ids.index) if all_teams else []
        for about in ("", *teams):
            statuses = [_status(x, about) for x in serving if not about or about in x.who]
            q = last.get((n, cap, about))
            out.append(RatingFact(
                objective_n=n, objective=label, about=about, suggested=rating_for(statuses) or "",
                rating=q.rating if q else "", reason=q.reason if q else "", by=q.by if q else "",
                seq=q.seq if q else 0, turn=q.turn if q else 0, phase=q.phase if q else "",
            ))
    return tuple(out)


def _status(x: ExpectationFact, team: str) -> str:
    """An expectation's status for ``team`` (empty: all its teams): see
    :func:`detente.engine.evaluation.decided_for`."""
    rated = {t: s for t, s, _ in x.teams}
    if team and team in rated:
        return rated[team]
    if x.status != "open" or not rated or team:
        return x.status
    order = ("missed", "partly", "met")
    return min(rated.values(), key=lambda s: order.index(s) if s in order else 3)


# -- measures -------------------------------------------------------------------------------------


def _coercive(ruleset: Ruleset, e: MoveResolved) -> bool:
    mt = ruleset.moves.get(e.order.move)
    if mt is None:
        return False
    tone = mt.choice_tones.get(e.order.choice or "", mt.tone) if mt.choice_tones else mt.tone
    return tone == COERCIVE or TONES.get(tone, 0) < 0


def _measures(ruleset: Ruleset, seen: Sequence[TimelineEntry]) -> tuple[TurnMeasure, ...]:
    counts: dict[tuple[str, int], dict[str, int]] = {}

    def add(team: str, turn: int, what: str) -> None:
        if team and turn >= 1:
            c = counts.setdefault((team, turn), {})
            c[what] = c.get(what, 0) + 1

    calls: dict[str, Proposed] = {}
    for e in seen:
        if isinstance(e, Proposed):
            mt = ruleset.moves.get(e.order.move)
            if mt is not None and mt.opens_call:
                calls[e.id] = e
                add(e.by, e.turn, "calls_placed")
            else:
                add(e.by, e.turn, "proposals")
        elif isinstance(e, Answered):
            if e.accept:
                add(e.by, e.turn, "answered_others")
                if e.about is not None and e.about.id in calls:
                    add(e.about.by, e.about.turn, "calls_answered")
            else:
                add(e.by, e.turn, "declined_others")
        elif isinstance(e, LeftUnanswered):
            for t in e.by:
                add(t, e.turn, "declined_others")
        elif isinstance(e, Said | Pledged):
            add(e.by, e.turn, "statements")
        elif isinstance(e, MoveResolved) and e.result in ("", "done"):
            mt = ruleset.moves.get(e.order.move)
            if mt is None:
                continue
            if _coercive(ruleset, e):
                add(e.team, e.turn, "escalations")
            if mt.assurance:
                add(e.team, e.turn, "statements")
            else:
                add(e.team, e.turn, "actions")
    return tuple(TurnMeasure(team=t, turn=n, **c) for (t, n), c in
                 sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0])))


def _step(turn: int, phase: str) -> int:
    return turn * len(PHASES) + (PHASES.index(phase) if phase in PHASES else 0)


def _actor(e: TimelineEntry) -> str:
    """The team that acted in ``e`` (empty: not an act of a team)."""
    if isinstance(e, Proposed | Answered | Pledged | Sent | Argued | Said):
        return e.by
    if isinstance(e, MoveResolved) and e.order.move:
        return e.team
    return ""


def _responses(
    scenario: Scenario, seen: Sequence[TimelineEntry], words: Mapping[int, str],
) -> tuple[Response, ...]:
    out = []
    teams = scenario.team_ids or scenario.actor_ids
    for i, e in enumerate(seen):
        if not isinstance(e, InjectDelivered):
            continue
        said = words.get(e.seq) or f"{_when(scenario, e.turn, e.phase)}: {e.title}"
        delivered = Evidence(e.seq, e.turn, e.phase, said)
        for team in (t for t in teams if not e.to or t in e.to):
            first = next((x for x in seen[i + 1:] if _actor(x) == team), None)
            out.append(Response(
                team=team, inject=e.title, delivered=delivered,
                first=None if first is None else Evidence(
                    first.seq, first.turn, first.phase,
                    words.get(first.seq) or _when(scenario, first.turn, first.phase)),
                phases=None if first is None else _step(first.turn, first.phase) - _step(e.turn, e.phase),
            ))
    return tuple(out)


# -- findings -------------------------------------------------------------------------------------


def _findings(
    scenario: Scenario,
    expectations: Sequence[ExpectationFact],
    observations: Sequence[ObservationFact],
    gaps: Sequence[Gap],
    evidence_at: Callable[[int], Evidence | None],
) -> tuple[Finding, ...]:
    out: list[Finding] = []

    def names(teams: Sequence[str]) -> str:
        return ", ".join(_name(scenario, t) for t in teams)

    for x in expectations:
        rated = {t: (s, r) for t, s, r in x.teams}
        groups: list[tuple[str, tuple[str, ...], str]] = []  # (status, teams, reason)
        if x.status != "open":
            groups.append((x.status, tuple(t for t in x.who if t not in rated), x.reason))
        for t, (s, r) in rated.items():
            groups.append((s, (t,), r))
        for status, teams, reason in groups:
            if not teams or status not in ("met", "partly", "missed"):
                continue
            cites = tuple(c for c in x.cites if c.seq) or ()
            if len(rated) and len(teams) == 1:
                cites = tuple(c for c in x.cites if names(teams) in c.words) or cites
            if not cites:
                continue
            after = f"after “{x.inject}”"
            if status == "met":
                text = f"{names(teams)} did what was expected {after}: {x.text}"
            elif status == "partly":
                text = f"{names(teams)} did only part of what was expected {after}: {x.text}"
            else:
                text = f"{names(teams)} did not do what was expected {after}: {x.text}"
            if reason:
                text += f" ({reason})"
            out.append(Finding(kind="strength" if status == "met" else "improvement", text=text,
                               evidence=cites, teams=teams, objective_n=x.objective_n,
                               capability=x.capability.strip(), source="expectation"))
    for o in observations:
        if o.finding not in ("strength", "improvement"):
            continue
        # Where the observation stands in the log (the replay opens there), in words with the
        # turn it concerns when that is another: no id, as everything a person reads.
        at = evidence_at(o.seq)
        turn, phase = (at.turn, at.phase) if at is not None else (o.turn, "")
        rater = "the evaluator" if o.by == EVALUATOR else "the facilitator"
        about = f" of {_name(scenario, o.about)}" if o.about else ""
        of = f", {scenario.turns.name(o.turn)}" if o.turn != turn else ""
        own = Evidence(o.seq, turn, phase,
                       f"{_when(scenario, turn, phase) if phase else scenario.turns.name(turn)}: "
                       f"{rater}'s observation{about}{of}: {o.text}")
        cites = (o.decision, own) if o.decision is not None else (own,)
        out.append(Finding(kind=o.finding, text=o.text, evidence=cites, teams=(o.about,) if o.about else (),
                           objective_n=o.objective_n, capability=o.capability, source="observation"))
    for g in gaps:
        cites = tuple(c for c in (evidence_at(g.said_seq), evidence_at(g.did_seq)) if c is not None)
        if not cites:
            continue
        out.append(Finding(
            kind="improvement", source="gap", teams=(g.team,), evidence=cites,
            text=(f"{_name(scenario, g.team)} reassured {_name(scenario, g.to)} "
                  f"({scenario.turns.name(g.said_turn)}) and then acted against it "
                  f"({scenario.turns.name(g.did_turn)})"),
        ))
    return tuple(out)
