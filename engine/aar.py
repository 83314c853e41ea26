"""The after-action report's facts: what happened in a session, as one role may know it.

:func:`build` turns a session's events into a :class:`Report`, a frozen value that the
front ends render as Markdown, HTML or CSV (``detente.tui.render.report``). It is pure: no
files, no clock, no randomness. Every fact a role's report holds comes from
:func:`~detente.engine.views.timeline` (the events the role may see, read as typed entries by
:func:`~detente.engine.entries.read`) and
:func:`~detente.engine.views.view` of the state at the end of each turn — never from the
raw events — and the log header as :func:`~detente.engine.visibility.header_for` gives it,
so a team's report cannot hold anything the team could not see. The facilitator-only facts
are the *risk that was run*, because it comes from the dice, and the seed.

This module holds the builders; the report's models (:class:`Report`, :class:`Entry`,
:class:`Risk` …) are in :mod:`detente.engine.aar_model` and re-exported here.

Definitions (docs/report.md explains them for facilitators):

- **p_conflict of a roll**: for a roll of the ruleset's :attr:`~detente.engine.ruleset.Ruleset.hazard`
  (``incident:A:B`` in the bundled ruleset), the roll's probability times the share of its
  outcomes that would have started the ruleset's breakdown (:attr:`Hazard.share
  <detente.engine.ruleset.Hazard.share>`), measured on the state just before the roll.
- **p_conflict of a turn**: ``1 − Π(1 − p)`` over that turn's incident rolls.
- **risk run**: ``1 − Π(1 − p_conflict of each turn)``.
- **near miss**: a pair ending a turn one rung below open conflict; an incident that came
  within :data:`NEAR_TENSION` points of the escalation value at which one of its severity
  starts the breakdown (:attr:`Hazard.line <detente.engine.ruleset.Hazard.line>`); and, for the
  facilitator, an incident roll that could have started a conflict and missed by less than
  :data:`NEAR_ROLL`, or an incident that happened while a conflict-starting severity was
  possible and whose severity dice fell short.
- **gap between words and deeds**: a team that reassured a party in words (a move with an
  :attr:`~detente.engine.ruleset.MoveType.assurance` that reads as cooperative to it: a
  reassuring public statement) or pledged it restraint (a pledge kind whose
  :attr:`~detente.engine.ruleset.PledgeType.restraint` is set), and then — that turn or within
  :data:`GAP_TURNS` turns, or while the pledge was in force — made a move that
  :attr:`~detente.engine.ruleset.MoveType.breaks_restraint` (always, or in a region bordering
  that party: a deployment, a rise in readiness, a joint exercise).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any, Protocol

from detente.engine.aar_eval import evaluation
from detente.engine.aar_model import (
    AllianceInfo,
    AllianceTurn,
    ArgumentFact,
    Call,
    Change,
    Entry,
    Gap,
    IncidentFact,
    NearMiss,
    ObjectiveFact,
    PairTurn,
    PledgeFact,
    Report,
    Risk,
    RiskRoll,
    Team,
    TurnRisk,
)
from detente.engine.argued import argument_facts, odds_words
from detente.engine.commands import EVALUATOR, FACILITATOR, HSEEP, SEES_ALL
from detente.engine.entries import (
    Annulled,
    Answered,
    Argued,
    Arrived,
    Breached,
    CallRated,
    Countered,
    CountersAsked,
    CrisisChanged,
    Declared,
    Drawn,
    Ended,
    Evaluated,
    IncidentHappened,
    InjectDelivered,
    Judged,
    LeftUnanswered,
    MoveResolved,
    Narrated,
    Noted,
    Notified,
    ObjectiveChanged,
    Observed,
    OrdersSealed,
    Overridden,
    Pledged,
    PledgeSettled,
    Proposed,
    Rolled,
    Said,
    Sent,
    TeamNoted,
    TimelineEntry,
    ValueChanged,
    Verified,
    Withdrawn,
    read,
)
from detente.engine.events import fold
from detente.engine.expected import expectation_facts
from detente.engine.ruleset import TONES, MoveType, Ruleset, RulesetNotFound, default_title, find_ruleset
from detente.engine.scenario import Scenario
from detente.engine.state import Order, Outcome, State, pair
from detente.engine.tracks import GLOBAL_KEY
from detente.engine.views import PUBLIC, View, timeline, view
from detente.engine.visibility import header_for

NEAR_ROLL = 0.05
"""A conflict-capable incident roll whose draw missed by less than this is a near miss."""
NEAR_TENSION = 10
"""A grave incident within this many tension points below the conflict tension is a near miss."""
GAP_TURNS = 1
"""How many turns after a reassuring statement an escalatory move still counts as a gap."""




# -- building ------------------------------------------------------------------------------------


def build(
    initial: State,
    events: Sequence[Mapping[str, Any]],
    role: str = FACILITATOR,
    *,
    ladder: tuple[str, ...] = (),
    header: Mapping[str, Any] | None = None,
    warnings: Sequence[str] = (),
    names: Wording | None = None,
) -> Report:
    """The report on a session for ``role``, from its starting state and its events (the log's
    records without the command records, as :func:`detente.engine.recorder.replay` gives them).

    ``header`` is the log header (for the source file, seed and a branch's parent);
    ``warnings`` are the log reader's (a log cut short still reports up to its last good line);
    ``names`` say the timeline's things (:func:`facts`).
    Raises ``ValueError`` for an unknown role.
    """
    if role not in (*SEES_ALL, PUBLIC) and role not in initial.actors:
        raise ValueError(f"unknown role {role!r}")
    header = header_for(header or {}, role)
    scenario = initial.scenario
    ruleset = initial.ruleset
    states, risk = _fold(initial, events, role in SEES_ALL)
    views = {t: view(s, role, ladder, ruleset.escalation) for t, s in states.items()}
    start = view(initial, role, ladder, ruleset.escalation)
    last = max(views) if views else 0
    final = views[last] if views else start
    seen = read(timeline(events, role, scenario))
    top = _breakdown_rung(initial)
    labels = {0: "Start", **{t: scenario.turns.name(t) for t in range(1, last + 1)}}
    entries = facts(scenario, seen, names, ruleset=ruleset)
    calls, pledges = _calls_and_pledges(seen, ruleset)
    outcome = final.outcome
    series = tuple(p for t in sorted(views) if t >= 1 for p in _pair_rows(views[t], t))
    opening = _pair_rows(start, 0)
    hazards = _hazards(initial, seen, views, calls, outcome)
    objectives = _objectives(initial, seen, role)
    expectations = expectation_facts(scenario, seen)
    gaps = _gaps(initial, seen, pledges)
    judged = evaluation(scenario, ruleset, seen, entries, expectations, gaps, role in SEES_ALL)
    scores = dict(outcome.scores) if outcome is not None else {
        a: sum(o.points for o in objectives if o.actor == a and o.met) for a in scenario.actor_ids
    }
    return Report(
        role=role,
        title=scenario.scenario.title,
        scenario_id=scenario.scenario.id,
        summary=scenario.scenario.summary,
        learning_objectives=scenario.scenario.learning_objectives,
        source=str(header.get("source", "")),
        seed=header.get("seed"),
        engine=str(header.get("engine", "")),
        lineage=_lineage(header.get("parent")),
        teams=tuple(Team(a.id, a.name, initial.alliances_of(a.id), a.plays,
                         a.stand_in if a.plays == "background" and role in SEES_ALL else "")
                    for a in scenario.actors),
        alliances=tuple(AllianceInfo(al.id, al.name, tuple(al.members)) for al in scenario.alliances),
        ladder=tuple(ladder),
        breakdown_rung=top,
        turns=last,
        labels=labels,
        outcome=outcome,
        risk=risk,
        timeline=entries,
        calls=calls,
        pledges=pledges,
        hazards=hazards,
        near_misses=_near_misses(initial, views, hazards, risk, top, outcome),
        gaps=gaps,
        changes={
            t.name: tuple(Change(_ids(k), v, final.table(t.name)[k]) for k, v in start.table(t.name).items())
            for t in start.tracks.values()
            if (t.scope in ("directed", "alliance") or t.scenario) and start.table(t.name)
        },
        objectives=objectives,
        scores=scores,
        opening=opening,
        series=series,
        alliance_series=_alliance_rows({0: start, **views}),
        warnings=tuple(warnings),
        pairs=tuple(initial.pairs),
        tracks=start.tracks,
        escalation=start.escalation,
        breakdown=ruleset.breakdown,
        arguments=argument_facts(seen, partial(_change_words, names or ScenarioWords(scenario, ruleset))),
        guard=ruleset.hazard.guard if ruleset.hazard is not None else "",
        expectations=expectations,
        notes=tuple(Entry(e.turn, e.phase, "your note", e.text, e.seq)
                    for e in seen if isinstance(e, TeamNoted) and e.team == role),
        observations=judged.observations,
        ratings=judged.ratings,
        measures=judged.measures,
        responses=judged.responses,
        findings=judged.findings,
    )


def _breakdown_rung(initial: State) -> int | None:
    """The ladder rung at or above which a pair is in the breakdown, from the ruleset's numbers
    (``[end]``'s rung of the breakdown outcome); None if they do not say."""
    breakdown = initial.ruleset.breakdown
    end = initial.numbers.get("end", {})
    value = end.get(f"{breakdown}_rung") if breakdown else None
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _fold(
    initial: State, events: Sequence[Mapping[str, Any]], with_risk: bool
) -> tuple[dict[int, State], Risk | None]:
    """The state at the end of each turn (as :func:`detente.engine.recorder.states_by_turn`),
    and for the facilitator the risk read off the incident rolls on the way."""
    state = initial
    out: dict[int, State] = {}
    rolls: list[RiskRoll] = []
    hazard = initial.ruleset.hazard
    computable = True
    for e in events:
        kind = e["kind"]
        if kind == "command":
            continue
        if kind == "phase" and e["phase"] == "briefing" and state.turn >= 1:
            out[state.turn] = state
        if (with_risk and hazard is not None and kind == "roll" and e.get("p") is not None
                and str(e["id"]).startswith(f"{hazard.roll}:")):
            a, b = str(e["id"])[len(hazard.roll) + 1:].split(":", 1)
            share = hazard.share(state, a, b)
            computable = computable and share is not None
            rolls.append(RiskRoll(
                turn=state.turn, between=pair(a, b), p_incident=float(e["p"]),
                p_conflict_if_incident=share or 0.0, value=float(e["value"]), incident=bool(e["success"]),
            ))
        state = fold(state, e)
    if state.turn >= 1:
        out[state.turn] = state
    if not with_risk:
        return out, None
    turns = []
    for t in sorted(out):
        mine = tuple(r for r in rolls if r.turn == t)
        p_conflict, p_incident = either(r.p_conflict for r in mine), either(r.p_incident for r in mine)
        turns.append(TurnRisk(t, p_conflict, p_incident, mine))
    return out, Risk(
        turns=tuple(turns),
        total=either(t.p_conflict for t in turns),
        incident_total=either(t.p_incident for t in turns),
        incidents_expected=sum(r.p_incident for r in rolls),
        computable=computable,
    )


def either(ps: Any) -> float:
    """The chance that at least one of independent events happens: 1 − Π(1 − p).

    >>> round(either([0.5, 0.5]), 3), either([])
    (0.75, 0.0)
    """
    miss = 1.0
    for p in ps:
        miss *= 1.0 - p
    return 1.0 - miss


def _lineage(parent: Any) -> tuple[tuple[str, str], ...]:
    """One row per log this one descends from, nearest first: its path, then where the branch was
    cut and the SHA-256 of the last line kept (a branch of a branch nests its parent's)."""
    from detente.engine.recorder import lineage

    out: list[tuple[str, str]] = []
    for p in lineage({"parent": parent}):
        cut = p.get("at")
        at: Mapping[str, Any] = cut if isinstance(cut, Mapping) else {}
        where = ", ".join(f"{x} {at[x]}" for x in ("turn", "phase") if x in at) or "?"
        kept = f"line {p['seq']}, " if "seq" in p else ""
        label = "branched from" if not out else "which was branched from"
        out.append((label, f"{p.get('path', '?')} at {where} ({kept}sha256 {p.get('sha256', '?')})"))
    return tuple(out)


def _ids(key: str | tuple[str, str]) -> tuple[str, ...]:
    """A view's table key as the ids it is of (none for a global value)."""
    return key if isinstance(key, tuple) else () if key == GLOBAL_KEY else (key,)


def _pair_rows(v: View, turn: int) -> tuple[PairTurn, ...]:
    """Each pair's values as the role saw them at the end of ``turn``, by column (:attr:`PairTurn.values`)."""
    rows = []
    for p in v.pairs:
        a, b = p.a, p.b
        values: dict[str, Any] = {}
        for t in v.tracks.values():
            if t.scope == "pair":
                values[t.name] = v.value(t.name, a, b)
            elif t.scope == "actor":
                values[f"{t.name}_a"], values[f"{t.name}_b"] = v.value(t.name, a), v.value(t.name, b)
            elif t.scope == "directed":
                values[f"{t.name}_ab"], values[f"{t.name}_ba"] = v.value(t.name, a, b), v.value(t.name, b, a)
        for name, figure in p.figures.items():
            # A figure worked out for the role (force proximity) replaces the stored value it
            # stands for, as the role sees it.
            if name in values and figure is not None:
                values[name] = figure
        r = p.rung if p.rung is not None else 0
        rows.append(PairTurn(turn=turn, a=a, b=b, rung=r,
                             rung_name=v.ladder[r] if 0 <= r < len(v.ladder) else "", values=values))
    return tuple(rows)


def _alliance_rows(views: Mapping[int, View]) -> tuple[AllianceTurn, ...]:
    """Each alliance's values the role saw, per turn (an alliance it sees none of is left out)."""
    out = []
    for t, v in sorted(views.items()):
        tracks = [tr.name for tr in v.tracks.values() if tr.scope == "alliance"]
        ids = dict.fromkeys(k for name in tracks for k in v.table(name))
        for k in ids:
            out.append(AllianceTurn(t, str(k), {name: v.value(name, str(k)) for name in tracks
                                                if v.shows(name, str(k))}))
    return tuple(out)


# -- the timeline --------------------------------------------------------------------------------

def proposal_noun(ruleset: Ruleset | None, move: str) -> str:
    """What a call or proposal of ``move`` is, as a noun phrase: its :attr:`MoveType.noun
    <detente.engine.ruleset.MoveType.noun>` (``offer of a hotline``), else its title in lower
    case (its id in words where the ruleset does not know it)."""
    mt = ruleset.moves.get(move) if ruleset is not None else None
    if mt is None:
        return default_title(move).lower()
    return mt.noun or mt.title.lower()


def _ruleset_of(scenario: Scenario | None) -> Ruleset | None:
    """The scenario's ruleset, or None without a scenario or where it is not installed."""
    if scenario is None:
        return None
    try:
        return find_ruleset(scenario.rules.name)
    except RulesetNotFound:
        return None


class Wording(Protocol):
    """How the timeline names things: what :func:`facts` asks of its ``names``. The TUI passes
    its ``detente.tui.render.text.Names`` (with the ruleset's titles and pledge promises); without
    one, :class:`ScenarioWords`."""

    def actor_name(self, actor: str) -> str: ...
    def actors_names(self, actors: Iterable[str]) -> str: ...
    def region_name(self, region: str | None) -> str: ...
    def choice_name(self, choice: str) -> str: ...
    def value_name(self, value: str) -> str: ...
    def of_text(self, of: Sequence[str]) -> str: ...
    def value_text(self, v: object) -> str: ...
    def objective_name(self, objective: str) -> str: ...
    def outcome_name(self, result: str) -> str: ...
    def proposal_words(self, move: str) -> str: ...
    def order_text(self, o: Mapping[str, Any]) -> str: ...
    def pledge_text(self, kind: str, region: str | None = None, until: int | None = None,
                    made: int | None = None) -> str: ...
    def cause_text(self, cause: str) -> str: ...
    def machine_words(self, text: str) -> str: ...


class ScenarioWords:
    """The timeline's words from the scenario alone: actors, regions, forces, injects and
    objectives by their names; moves and pledge kinds by their ids in words (the ruleset's
    titles are the TUI's ``Names``). A change keeps what changed by ids (``tension of
    blue–red to 55``), for tools that read it; what a person reads is said in ``Names``."""

    _TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

    def __init__(self, scenario: Scenario | None, ruleset: Ruleset | None = None) -> None:
        sc = scenario
        self.actors = ({**{al.id: al.name for al in sc.alliances}, **{a.id: a.name for a in sc.actors}}
                       if sc else {})
        self.regions = dict(sc.region_names) if sc else {}
        self.forces = dict(sc.force_names) if sc else {}
        self.objectives = {o.id: o.text for o in sc.objectives} if sc else {}
        self.injects = {i.id: i.title for i in sc.injects} if sc else {}
        self.turn = sc.turns.name if sc else (lambda t: f"Turn {t}")
        self.ruleset = ruleset or _ruleset_of(sc)

    def actor_name(self, actor: str) -> str:
        return self.actors.get(actor, actor)

    def actors_names(self, actors: Iterable[str]) -> str:
        return ", ".join(self.actor_name(a) for a in actors)

    def region_name(self, region: str | None) -> str:
        return "" if not region else self.regions.get(region, region)

    @staticmethod
    def choice_name(choice: str) -> str:
        return choice.replace("_", " ")

    @staticmethod
    def value_name(value: str) -> str:
        return value

    @staticmethod
    def of_text(of: Sequence[str]) -> str:
        return "–".join(of)

    @staticmethod
    def value_text(v: object) -> str:
        return ("yes" if v else "no") if isinstance(v, bool) else str(v)

    def objective_name(self, objective: str) -> str:
        return self.objectives.get(objective, default_title(objective))

    @staticmethod
    def outcome_name(result: str) -> str:
        return result

    def proposal_words(self, move: str) -> str:
        return proposal_noun(self.ruleset, move)

    def order_text(self, o: Mapping[str, Any]) -> str:
        args = [self.choice_name(str(o["choice"]))] if o.get("choice") else []
        args += [self.forces.get(o["force"], o["force"])] if o.get("force") else []
        args += [self.actor_name(o["target"])] if o.get("target") else []
        args += [self.actors_names(o["targets"])] if o.get("targets") else []
        args += [self.region_name(o["region"])] if o.get("region") else []
        text = default_title(str(o["move"])) + (f": {' '.join(args)}" if args else "")
        return text + (f' "{o["text"]}"' if o.get("text") else "")

    def pledge_text(self, kind: str, region: str | None = None, until: int | None = None,
                    made: int | None = None) -> str:
        where = f" in {self.region_name(region)}" if region else ""
        return f"{default_title(kind).lower()}{where}" + (f" until {self.turn(until)}" if until else "")

    def cause_text(self, cause: str) -> str:
        if cause.startswith("inject ") and cause[7:] in self.injects:
            return f'inject "{self.injects[cause[7:]]}"'
        return cause

    def machine_words(self, text: str) -> str:
        def swap(m: re.Match[str]) -> str:
            w = m.group(0)
            return self.actors.get(w) or self.forces.get(w) or self.regions.get(w) or w
        return self._TOKEN.sub(swap, text)


def tone_title(ruleset: Ruleset | None, tone: str) -> str:
    """A call tone's title (the ruleset's ``[titles.tones]``; its id in words if unknown)."""
    known = ruleset.call_tones.get(tone) if ruleset is not None else None
    return known.title if known is not None else default_title(tone)


Fact = Entry
"""One fact of a turn, in words: the report's timeline and the debrief's "This turn" are made of them."""


def turn_facts(
    events: Sequence[Mapping[str, Any]], role: str, turn: int, scenario: Scenario,
    names: Wording | None = None,
) -> tuple[Fact, ...]:
    """What happened in ``turn`` as ``role`` may know it, in order, each in words: injects,
    sealed orders, calls and answers, every resolved move (deployments, notifications,
    observers, exchanges …), changes, incidents, overrides and annulments, objectives and the
    outcome. ``events`` are the session's events (the facilitator's: they are read through
    :func:`~detente.engine.views.timeline` and :func:`~detente.engine.entries.read` here). The
    report's turn-by-turn timeline is :func:`facts` of the same events, so the debrief and the
    report say the same.

    A team sees a turn's results once they are published: before the debrief they are not here.
    Callers pick the kinds they show (:attr:`Entry.kind`: ``result`` for moves, ``change`` …)."""
    seen = read(timeline(events, role, scenario))
    return tuple(f for f in facts(scenario, seen, names) if f.turn == turn)


def _of(n: Wording, of: Sequence[str]) -> str:
    """`` of`` whose a value is (``" of Azuria–Rubria"``); nothing for a global value."""
    return f" of {n.of_text(of)}" if of else ""


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def facts(
    scenario: Scenario | None, seen: Sequence[TimelineEntry], names: Wording | None = None,
    *, ruleset: Ruleset | None = None,
) -> tuple[Fact, ...]:
    """Every fact of ``seen`` (a role's timeline, read by :func:`detente.engine.entries.read`),
    in order: the report's timeline. Every move, pledge, value, region, force, actor and
    objective is said in ``names`` (the scenario's :class:`ScenarioWords` without them).
    ``ruleset`` (the scenario's, found by name, when not given) says which moves open a call,
    what a proposal is and which values' changes are facts."""
    ruleset = ruleset or _ruleset_of(scenario)
    n: Wording = names if names is not None else ScenarioWords(scenario, ruleset)
    # Changes of headline values are entries; the rest (trust, threat, …) are in the series.
    headlines = None if ruleset is None else {t.name for t in ruleset.tracks.values() if t.headline}
    if headlines is not None and scenario is not None:
        headlines |= set(scenario.own_tracks)  # every change of a scenario's own value is news
    who = n.actor_name
    out: list[Entry] = []
    e: TimelineEntry

    def add(kind: str, text: str) -> None:
        out.append(Entry(e.turn, e.phase, kind, text, e.seq))

    def what(p: Proposed | None) -> str:
        return f"{n.proposal_words(p.order.move)} from {who(p.by)}" if p else "a proposal"

    def day(turn: int) -> str:
        return scenario.turns.name(turn) if scenario is not None else f"turn {turn}"

    channels = {c.id: c.name for c in scenario.channels} if scenario is not None else {}
    on_the_way: dict[str, Sent] = {}
    arguing: dict[str, str] = {}  # argued action id -> the action, for its counter-arguments
    for e in seen:
        match e:
            case Drawn():
                add("draw", f"{e.title}: {e.option}")
            case Sent():
                on_the_way[e.id] = e
                add("message", f"{who(e.by)} sent {who(e.to)} a message by "
                               f"{channels.get(e.channel, e.channel)}: \"{e.text}\"")
            case Arrived():
                on_the_way.pop(e.id, None)
                add("message", f"the message from {who(e.by)} to {who(e.to)} by "
                               f"{channels.get(e.channel, e.channel)} arrived: \"{e.text}\"")
            case InjectDelivered():
                to = f" (to {n.actors_names(e.to)})" if e.to else ""
                add("inject", f"{e.title}{to}: {e.text}" if e.text else f"{e.title}{to}")
            case OrdersSealed():
                shown = "; ".join(n.order_text(o.to_dict()) for o in e.orders) or "no orders"
                add("orders", f"{who(e.team)} sealed its orders: {shown}")
            case Proposed():
                kind = "call" if _opens_call(ruleset, e.order.move) else "proposal"
                add(kind, f"{who(e.by)} made {_a(n.proposal_words(e.order.move))} to {n.actors_names(e.to)}")
            case Answered():
                add("answer", f"{who(e.by)} {'accepted' if e.accept else 'declined'} the {what(e.about)}")
            case LeftUnanswered():
                add("answer", f"{n.actors_names(e.by)} left the {what(e.about)} unanswered")
            case Withdrawn():
                thing = n.proposal_words(e.about.order.move) if e.about else "proposal"
                add("withdrawn", f"{who(e.by)} withdrew its {thing} before it was answered")
            case Said():
                p = e.about
                other = "" if p is None else who(p.by) if p.by != e.by else n.actors_names(p.to)
                on = f" on the call with {other}" if other else ""
                tone = f" ({tone_title(ruleset, e.tone)})" if e.tone else ""
                add("said", f"{who(e.by)}{on}{tone}: \"{e.text}\"")
            case CallRated():
                p = e.about
                between = f"the call between {who(p.by)} and {n.actors_names(p.to)}" if p else "a call"
                add("rating", f"the facilitator rated {between} {e.rating:+d}")
            case Pledged():
                add("pledge", f"{who(e.by)} pledged to {who(e.to)}: "
                              f"{n.pledge_text(e.pledge, e.region, e.until, e.turn)}")
            case PledgeSettled():
                pl = e.pledge
                if pl is None:
                    add("pledge", f"a pledge was {e.status}")
                else:
                    add("pledge", f"{who(pl.by)}'s pledge to {who(pl.to)} was {e.status} "
                                  f"({n.pledge_text(pl.pledge, pl.region, pl.until, pl.turn)})")
            case Breached() if e.revealed:
                add("pledge", f"revealed after the exercise: on {day(e.happened)}, {e.text}; "
                              f"{who(e.to)} did not detect it")
            case Breached():
                add("pledge", f"{e.text} unseen: {who(e.to)} did not detect it (both learn it after the "
                              "exercise)")
            case Declared():
                false = "" if e.truthful else " (a false declaration)"
                revealed = f"revealed after the exercise: on {day(e.happened)}, " if e.revealed else ""
                add("declaration", f"{revealed}{e.text}{false}")
            case Verified():
                add("verification", e.text + (" (it missed a false declaration)" if e.missed else ""))
            case MoveResolved():
                result = "" if e.result in ("", "done") else f" [{e.result}]"
                add("result", f"{e.text}{result}")
            case Rolled():
                add("roll", n.machine_words(roll_words(e)))
            case ValueChanged() if headlines is None or e.value in headlines:
                by = e.by
                delta = f" ({by:+})" if isinstance(by, int | float) and not isinstance(by, bool) else ""
                # Without a cause when the why is not the role's (a call it was not on).
                cause = f": {n.cause_text(e.cause)}" if e.cause else ""
                add("change", f"{n.value_name(e.value)}{_of(n, e.of)} to {n.value_text(e.to)}"
                              f"{delta}{cause}")
            case Argued():
                aimed = f" (aimed at {n.actors_names(e.targets)})" if e.targets else ""
                arguing[e.id] = e.action
                add("argued", f"{who(e.by)} argued an action{aimed}: “{e.action}” — its arguments: "
                              f"{e.arguments}")
            case CountersAsked():
                arguing[e.id] = e.action
                add("argued", f"the facilitator asked {n.actors_names(e.to)} for counter-arguments to "
                              f"{who(e.by)}'s argued action “{e.action}”")
            case Countered():
                about = f" “{arguing[e.id]}”" if e.id in arguing else ""
                add("argued", f"{who(e.by)} argued against the action{about}: {e.text}")
            case Judged():
                result = "it succeeds" if e.success else "it fails"
                add("argued", f"the facilitator gave {who(e.by)}'s argued action “{e.action}” "
                              f"{odds_words(e.odds)} odds; the die rolled {e.roll}: {result}")
            case Narrated():
                if e.success is None:
                    how = "closed without a roll"
                else:
                    how = ("succeeded" if e.success else "failed") + (
                        f" ({odds_words(e.odds)} odds, rolled {e.roll})" if e.odds is not None else "")
                told = " (announced to every team)" if e.public else ""
                add("argued", f"{who(e.by)}'s argued action “{e.action}” {how}{told}: {e.narrative}")
            case IncidentHappened():
                add("incident", e.text + (f" (scripted: {n.cause_text(e.cause)})" if e.cause else ""))
            case CrisisChanged():
                add("crisis", e.text)
            case Notified():
                add("notice", f"{who(e.by)} gave notice of {_a(n.choice_name(e.activity))} in "
                              f"{n.region_name(e.region)}")
            case Overridden():
                # A team's copy holds the public text as its reason (engine.visibility); the
                # facilitator's holds both.
                reason = f": {e.reason}" if e.reason else ""
                told = f" (teams read: {e.public})" if e.public else ""
                add("override", f"the facilitator set {n.value_name(e.value)}{_of(n, e.of)} to "
                                f"{n.value_text(e.to)}{reason}{told}")
            case Annulled():
                reason = f": {e.reason}" if e.reason else ""
                told = f" (teams read: {e.public})" if e.public else ""
                add("annulled", f"the facilitator annulled {e.text}{reason}{told}")
                # The result itself shows as annulled where it stands in the timeline.
                for i in range(len(out) - 1, -1, -1):
                    x = out[i]
                    annulled = x.kind in ("result", "incident", "crisis") and x.text.startswith(e.text)
                    if x.turn == e.turn and annulled:
                        out[i] = Entry(x.turn, x.phase, x.kind, f"{x.text} [annulled]", x.seq)
                        break
            case Noted():
                add("note", e.text)
            case TeamNoted():
                add("your note", e.text)
            case Observed():
                rater = "the evaluator" if e.by == EVALUATOR else "the facilitator"
                whom = f" of {who(e.about)}" if e.about else ""
                kind = {"strength": " (a strength)", "improvement": " (an area for improvement)"}.get(
                    e.finding, "")
                add("observation", f"{rater} observed{whom}{kind}: {e.text}")
            case Evaluated():
                rater = "the evaluator" if e.by == EVALUATOR else "the facilitator"
                objectives = scenario.scenario.learning_objectives if scenario is not None else ()
                rated = (f"learning objective {e.objective}" if e.objective else e.capability)
                if e.objective and e.objective <= len(objectives):
                    rated = f"learning objective {e.objective} ({objectives[e.objective - 1]})"
                whom = f" for {who(e.about)}" if e.about else ""
                hint = f"; the expectations suggested {e.suggested}" if e.suggested else ""
                add("rating", f"{rater} rated {rated}{whom} {e.rating} ({HSEEP.get(e.rating, '')}): "
                              f"{e.reason}{hint}")
            case ObjectiveChanged():
                met = "met" if e.met else "not met"
                add("objective", f"{who(e.actor)}: \"{n.objective_name(e.id)}\" {met}")
            case Ended():
                for m in on_the_way.values():
                    add("message", f"the message from {who(m.by)} to {who(m.to)} by "
                                   f"{channels.get(m.channel, m.channel)} never arrived: the "
                                   "exercise ended first")
                add("outcome", f"{n.outcome_name(e.result)}: {e.reason}")
    return tuple(out)


def _change_words(n: Wording, e: ValueChanged) -> str:
    """A change in words, without its cause: ``tension of blue–red to 45 (-5)``."""
    by = e.by
    delta = f" ({by:+})" if isinstance(by, int | float) and not isinstance(by, bool) else ""
    return f"{n.value_name(e.value)}{_of(n, e.of)} to {n.value_text(e.to)}{delta}"


def _opens_call(ruleset: Ruleset | None, move: str) -> bool:
    mt = ruleset.moves.get(move) if ruleset is not None else None
    return mt is not None and mt.opens_call


def roll_words(e: Rolled) -> str:
    """A roll in words, with its probability, draw and inputs."""
    inputs = ", ".join(f"{k} {v}" for k, v in e.inputs.items())
    if e.p is None:
        return f"{e.about}: rolled {e.value}" + (f" ({inputs})" if inputs else "")
    verdict = "yes" if e.success else "no"
    return f"{e.about}: p {e.p:.2f}, drew {e.value:.2f} → {verdict}" + (f" ({inputs})" if inputs else "")


# -- calls, pledges, incidents -------------------------------------------------------------------


def _calls_and_pledges(
    seen: Sequence[TimelineEntry], ruleset: Ruleset
) -> tuple[tuple[Call, ...], tuple[PledgeFact, ...]]:
    calls: dict[str, dict[str, Any]] = {}
    pledges: dict[str, dict[str, Any]] = {}
    for e in seen:
        match e:
            case Proposed() if _opens_call(ruleset, e.order.move):
                calls[e.id] = {"id": e.id, "turn": e.turn, "by": e.by, "to": e.to,
                               "answers": {}, "transcript": [], "pledges": [], "tones": {}, "rating": None}
            case Answered() if e.id in calls:
                calls[e.id]["answers"][e.by] = "answered" if e.accept else "declined"
            case LeftUnanswered() if e.id in calls:
                for t in e.by:
                    calls[e.id]["answers"][t] = "unanswered"
            case Said() if e.id in calls:
                calls[e.id]["transcript"].append((e.by, e.text))
                if e.tone:
                    calls[e.id]["tones"][e.by] = e.tone
            case CallRated() if e.id in calls:
                calls[e.id]["rating"] = e.rating
            case Pledged():
                if e.call in calls:
                    calls[e.call]["pledges"].append(e.id)
                pledges[e.id] = {"id": e.id, "call": e.call, "turn": e.turn, "by": e.by, "to": e.to,
                                 "kind": e.pledge, "region": e.region, "until": e.until,
                                 "status": "active", "settled": None, "unseen": ()}
            case PledgeSettled() if e.id in pledges:
                pledges[e.id].update(status=e.status, settled=e.turn)
            case Breached() if e.id in pledges:
                pledges[e.id]["unseen"] += (e.happened,)
    return (
        tuple(Call(id=c["id"], turn=c["turn"], by=c["by"], to=c["to"], answers=c["answers"],
                   transcript=tuple(c["transcript"]), pledges=tuple(c["pledges"]), tones=c["tones"],
                   rating=c["rating"]) for c in calls.values()),
        tuple(PledgeFact(**p) for p in pledges.values()),
    )


def _hazards(
    initial: State,
    seen: Sequence[TimelineEntry],
    views: Mapping[int, View],
    calls: Sequence[Call],
    outcome: Outcome | None,
) -> tuple[IncidentFact, ...]:
    ruleset = initial.ruleset
    # The escalation value at each incident, and whether the hazard's guard (an incidents
    # agreement in the bundled ruleset) was in force.
    escalation, guard = ruleset.escalation, ruleset.hazard.guard if ruleset.hazard else ""
    level = {k: initial.value(escalation, *k) if escalation else None for k in initial.pairs}
    guarded = {k: bool(initial.value(guard, *k)) if guard else False for k in initial.pairs}
    found: list[dict[str, Any]] = []
    for e in seen:
        match e:
            case Annulled(what="incident"):
                found = [f for f in found if (f["turn"], f["text"]) != (e.turn, e.text)]
            case IncidentHappened():
                key = pair(*e.between)
                found.append({"turn": e.turn, "between": key, "severity": e.severity, "text": e.text,
                              "before": level[key], "after": level[key], "guarded": guarded[key]})
            case ValueChanged() | Overridden() if guard and e.value == guard:
                guarded[pair(*e.of)] = bool(e.to)
            case ValueChanged() | Overridden() if escalation and e.value == escalation:
                key = pair(*e.of)
                level[key] = e.to
                cause = e.cause if isinstance(e, ValueChanged) else ""
                for f in found:
                    if f["between"] == key and cause == f["text"]:
                        f["after"] = e.to
    out = []
    for f in found:
        a, b = f["between"]
        t = f["turn"]

        def at(turn: int, a: str = a, b: str = b) -> Any:
            v = views.get(turn)
            return v.escalation_of(a, b) if v else None

        end, nxt = at(t), at(t + 1)
        answered = tuple(
            c.id for c in calls
            if c.turn in (t, t + 1) and {c.by, *c.to} >= {a, b} and "answered" in c.answers.values()
        )
        out.append(IncidentFact(
            turn=t, between=(a, b), severity=f["severity"], text=f["text"],
            escalation_before=f["before"], escalation_after=f["after"],
            escalation_end=end, escalation_next=nxt,
            guarded=f["guarded"], calls=answered,
            # The breakdown that turn, or the next: the hours after an incident (a crisis it
            # opened that was not contained) are its aftermath.
            broke_down=_broke_down(initial, outcome, t) or _broke_down(initial, outcome, t + 1),
        ))
    return tuple(out)


def _broke_down(initial: State, outcome: Outcome | None, turn: int | None = None) -> bool:
    """Whether the session ended in the ruleset's breakdown (open conflict), on ``turn`` if given."""
    breakdown = initial.ruleset.breakdown
    return (bool(breakdown) and outcome is not None and outcome.result == breakdown
            and (turn is None or outcome.turn == turn))


def _near_misses(
    initial: State,
    views: Mapping[int, View],
    hazards: Sequence[IncidentFact],
    risk: Risk | None,
    top: int | None,
    outcome: Outcome | None,
) -> tuple[NearMiss, ...]:
    out: list[NearMiss] = []
    hazard, ruleset = initial.ruleset.hazard, initial.ruleset
    track = ruleset.tracks.get(ruleset.escalation)
    for t in sorted(views):
        if t < 1 or top is None or track is None or _broke_down(initial, outcome, t):
            continue
        for p in views[t].pairs:
            if p.rung is not None and p.rung == top - 1:
                out.append(NearMiss(t, "rung", (p.a, p.b),
                                    f"{p.a}–{p.b} ended the turn at rung {p.rung}, one below open conflict "
                                    f"({track.label.lower()} {views[t].escalation_of(p.a, p.b)})"))
    if hazard is not None and track is not None:
        for i in hazards:
            before, line = i.escalation_before, hazard.line(initial, i.severity)
            if line is not None and before is not None and line - NEAR_TENSION <= before < line:
                out.append(NearMiss(i.turn, i.severity, i.between,
                                    f"a {i.severity} incident at {track.label.lower()} {before}, "
                                    f"{line - before} below the {line} at which a {i.severity} incident "
                                    f"starts {hazard.starts}"))
    starts = hazard.starts if hazard is not None else "open conflict"
    if risk is not None:
        for tr in risk.turns:
            for r in tr.rolls:
                if r.p_conflict <= 0:
                    continue
                if not r.incident and r.value - r.p_incident < NEAR_ROLL:
                    out.append(NearMiss(r.turn, "dice", r.between,
                                        f"the incident roll drew {r.value:.3f} against p {r.p_incident:.3f}: "
                                        f"an incident with a {r.p_conflict_if_incident:.0%} chance of "
                                        f"starting {starts} was missed by {r.value - r.p_incident:.3f}"))
                elif r.incident and not _broke_down(initial, outcome, r.turn):
                    out.append(NearMiss(r.turn, "severity", r.between,
                                        f"an incident happened while {r.p_conflict_if_incident:.0%} of its "
                                        f"severities would have started {starts}; the dice fell short"))
    out.sort(key=lambda m: (m.turn, m.between, m.kind))
    return tuple(out)


# -- words and deeds -----------------------------------------------------------------------------


def _gaps(
    initial: State, seen: Sequence[TimelineEntry], pledges: Sequence[PledgeFact]
) -> tuple[Gap, ...]:
    near = {rg.id: tuple(rg.near) for rg in initial.scenario.regions}
    moves, kinds = initial.ruleset.moves, initial.ruleset.pledges
    annulled = annulled_in(seen)
    # (team, to, from turn, until turn, words, words' form with {target} for the party, seq)
    promises: list[tuple[str, str, int, int, str, str, int]] = []
    deeds: list[tuple[str, int, Order, str, int]] = []  # (team, turn, order, words, seq)
    pledged = {e.id: e.seq for e in seen if isinstance(e, Pledged)}
    for e in seen:
        if not isinstance(e, MoveResolved) or e.result not in ("", "done") or (e.turn, e.text) in annulled:
            continue
        o = e.order
        mt = moves.get(o.move)
        if mt is None:
            continue
        if mt.assurance and o.target and _reads_cooperative(mt, o.choice):
            said = f': "{o.text}"' if o.text else ""
            promises.append((e.team, o.target, e.turn, e.turn + GAP_TURNS,
                             mt.assurance.replace("{target}", o.target) + said, mt.assurance, e.seq))
        elif mt.breaks_restraint:
            deeds.append((e.team, e.turn, o, e.text, e.seq))
    for p in pledges:
        pt = kinds.get(p.kind)
        if pt is not None and pt.restraint > 0:
            region = f" in {p.region}" if p.region else ""
            words = f"pledge to {p.to}: {p.kind.replace('_', ' ')}{region} until turn {p.until}"
            promises.append((p.by, p.to, p.turn, p.until, words, "", pledged.get(p.id, 0)))
    out = []
    for team, to, since, until, words, form, said_seq in promises:
        for who, t, o, did, did_seq in deeds:
            if who != team or not since <= t <= until:
                continue
            if moves[o.move].breaks_restraint == "near" and to not in near.get(o.region, ()):
                continue
            out.append(Gap(team=team, to=to, said_turn=since, said=words, did_turn=t, did=did, form=form,
                           said_seq=said_seq, did_seq=did_seq))
    out.sort(key=lambda g: (g.said_turn, g.did_turn, g.team, g.to))
    return tuple(out)


def _reads_cooperative(mt: MoveType, choice: str | None) -> bool:
    """Whether a move of ``mt`` with ``choice`` reads as cooperative to its target (its
    choice's tone where the choice decides it, else its own)."""
    tone = mt.choice_tones.get(choice or "", mt.tone) if mt.choice_tones else mt.tone
    return TONES.get(tone, 0) > 0


def annulled_in(seen: Sequence[TimelineEntry]) -> set[tuple[int, str]]:
    """(turn, text) of every move result and incident the facilitator annulled."""
    return {(e.turn, e.text) for e in seen if isinstance(e, Annulled)}


# -- objectives ----------------------------------------------------------------------------------


def _objectives(initial: State, seen: Sequence[TimelineEntry], role: str) -> tuple[ObjectiveFact, ...]:
    met = {e.id: e.met for e in seen if isinstance(e, ObjectiveChanged)}
    return tuple(
        ObjectiveFact(id=o.id, actor=o.actor, text=o.text, points=o.points, met=met.get(o.id))
        for o in initial.scenario.objectives
        if role in SEES_ALL or o.actor == role
    )


__all__ = [
    "GAP_TURNS",
    "NEAR_ROLL",
    "NEAR_TENSION",
    "ArgumentFact",
    "Call",
    "Change",
    "Entry",
    "Fact",
    "Gap",
    "IncidentFact",
    "NearMiss",
    "ObjectiveFact",
    "PairTurn",
    "PledgeFact",
    "Report",
    "Risk",
    "RiskRoll",
    "ScenarioWords",
    "TurnRisk",
    "Wording",
    "annulled_in",
    "build",
    "either",
    "facts",
    "proposal_noun",
    "roll_words",
    "turn_facts",
]
