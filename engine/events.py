"""Events: what happened, as plain dicts, and :func:`fold`, which applies one to a state.

An event is a JSON-ready dict with a ``kind`` and a ``vis`` (its stamp, who may see
it: ``"all"``, ``"fac"`` for the facilitator only, or a list of team ids; the
facilitator sees everything). The table in :mod:`detente.engine.visibility`
narrows the stamp when events are read; front ends read them through
:func:`detente.engine.views.timeline`. Events are dicts rather than classes because a
replay reads hundreds of thousands of them and ``json.loads`` already gives dicts.

The kinds and their fields are listed in :data:`KINDS`; docs/log-format.md
documents them for people who read logs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from detente.engine.scenario import VALUE_KINDS
from detente.engine.state import (
    Delivery,
    ForceState,
    Message,
    Notice,
    Order,
    Outcome,
    PhaseClock,
    Pledge,
    Proposal,
    State,
    pair,
    with_changes,
)

Event = dict[str, Any]

#: Every event kind, with its fields and what it means. Documentation and a test use it.
KINDS: dict[str, tuple[str, str]] = {
    "start": ("seed", "the session began"),
    "phase": ("turn, phase", "a new phase (and at briefing a new turn) began"),
    "inject": ("id, title, text, to", "an inject was delivered (to: addressees, empty for everyone)"),
    "changed": ("value, of, to, by, cause", "a tracked value changed to `to` (by: the change)"),
    "orders": ("team, orders, cost", "a team's sealed orders for this turn"),
    "proposal": ("id, by, to, order, cost", "a call, request or offer was made"),
    "response": ("id, by, accept", "a target answered a proposal"),
    "unanswered": ("id, by", "the phase ended with these targets not answering"),
    "settled": ("id", "every target of a proposal has answered"),
    "message": ("id, by, text", "a line said on a call"),
    "pledge": ("id, call, by, to, pledge, region, until",
               "a pledge made on a call (pledge: its kind; `kind` is the event's)"),
    "pledge_status": ("id, status", "a pledge was kept (expired) or broken"),
    "hang_up": ("id, by", "a call ended"),
    "withdrawn": ("id, by, cost", "the proposer withdrew an unanswered call or proposal (cost: returned)"),
    "move": ("team, order, result, text", "a move was resolved, with its result in words"),
    "roll": ("id, p, value, success, inputs, about", "a seeded roll: success when value < p"),
    "force": ("force, region, known_to", "a force moved (known_to: teams that know where it is)"),
    "known": ("force, by", "teams that learned where a force is (detection, notification)"),
    "notice": ("by, activity, region", "a prior notification was given"),
    "flag": ("flag", "a marker for the rest of this turn (e.g. a pair calmed by a call)"),
    "mark": ("key, value", "a marker that lasts across turns (value null removes it)"),
    "incident": ("between, severity, level, text", "an incident between two actors"),
    "clock": ("action, seconds, left, running, auto",
              "the facilitator set, started, paused, extended or stopped the phase clock (seconds: "
              "given to the phase; left: at this moment; the time stamp `at` of its line says when)"),
    "override": ("value, of, to, reason, public",
                 "the facilitator set a value, with a reason (the facilitator's) and a public text"),
    "annul": ("target, what, text, between, reason, public",
              "the facilitator annulled a move's result or an incident (what sets it back follows)"),
    "note": ("text", "a facilitator's observation for the debrief"),
    "objective": ("id, actor, met", "an objective's tracked status changed"),
    "outcome": ("result, reason, turn, scores", "the session ended"),
}


def _changed(state: State, e: Event) -> State:
    return set_value(state, e["value"], e["of"], e["to"])


def set_value(state: State, value: str, of: list[str] | tuple[str, ...], to: Any) -> State:
    """The state with one tracked value set (no clamping: callers clamp)."""
    field, key = locate(value, of)
    return put_value(state, field, key, value, to)


def put_value(state: State, field: str, key: Any, value: str, to: Any) -> State:
    """:func:`set_value` for a value already located (:func:`locate`)."""
    table = dict(getattr(state, field))
    table[key] = to if field == "cohesion" else with_changes(table[key], {value: to})
    return with_changes(state, {field: table})


def get_value(state: State, value: str, of: list[str] | tuple[str, ...]) -> Any:
    """One tracked value (see :data:`detente.engine.scenario.VALUE_KINDS`)."""
    field, key = locate(value, of)
    held = getattr(state, field)[key]
    return held if field == "cohesion" else getattr(held, value)


def locate(value: str, of: list[str] | tuple[str, ...]) -> tuple[str, Any]:
    """Where a tracked value is kept: the state's field (``pairs``, ``outlooks``, ``actors``
    or ``cohesion``) and its key there."""
    kind = VALUE_KINDS[value]
    if kind == "pair":
        return "pairs", pair(of[0], of[1])
    if kind == "directed":
        return "outlooks", (of[0], of[1])
    return ("actors" if kind == "actor" else "cohesion"), of[0]


def _phase(state: State, e: Event) -> State:
    turn, phase = e["turn"], e["phase"]
    clock = phase_clock(state, turn, phase)
    if turn != state.turn:
        # A new turn: what lasted for a turn is gone.
        return state.replace(
            turn=turn, phase=phase, orders={}, spent={}, proposals={}, flags=frozenset(),
            count=0, before=None, clock=clock,
        )
    if phase == "adjudication":
        return state.replace(phase=phase, before=state, clock=clock)
    return state.replace(phase=phase, before=None, clock=clock)


def _clock(state: State, e: Event) -> State:
    action = e["action"]
    if action in ("auto", "manual"):
        clock = state.clock
    elif action == "stop":
        clock = None
    else:
        clock = PhaseClock(turn=state.turn, phase=state.phase, seconds=e["seconds"], left=e["left"],
                           running=e["running"])
    return state.replace(clock=clock, clock_auto=e["auto"])


def phase_clock(state: State, turn: int, phase: str) -> PhaseClock | None:
    """The clock a phase starts with: the scenario's ``[turns] clock`` minutes, paused."""
    minutes = state.scenario.turns.clock.get(phase)
    if not minutes:
        return None
    seconds = round(minutes * 60)
    return PhaseClock(turn=turn, phase=phase, seconds=seconds, left=seconds)


def _inject(state: State, e: Event) -> State:
    fired = dict(state.fired)
    fired[e["id"]] = state.turn
    d = Delivery(id=e["id"], turn=state.turn, title=e["title"], text=e["text"], to=tuple(e["to"]))
    return state.replace(fired=fired, inbox=(*state.inbox, d))


def _orders(state: State, e: Event) -> State:
    orders = dict(state.orders)
    orders[e["team"]] = tuple(Order.from_dict(o) for o in e["orders"])
    spent = dict(state.spent)
    spent[e["team"]] = spent.get(e["team"], 0) + e["cost"]
    return state.replace(orders=orders, spent=spent)


def _proposal(state: State, e: Event) -> State:
    order = Order.from_dict(e["order"])
    p = Proposal(id=e["id"], by=e["by"], order=order, to=tuple(e["to"]))
    proposals = dict(state.proposals)
    proposals[p.id] = p
    spent = dict(state.spent)
    spent[p.by] = spent.get(p.by, 0) + e["cost"]
    calls = state.calls
    if order.move == "hotline_call":
        calls = calls | {(p.by, t, "called") for t in p.to}
    return state.replace(proposals=proposals, spent=spent, count=state.count + 1, calls=calls)


def _update_proposal(state: State, pid: str, **changes: Any) -> State:
    proposals = dict(state.proposals)
    p = proposals[pid]
    proposals[pid] = with_changes(p, changes)
    return state.replace(proposals=proposals)


def _response(state: State, e: Event) -> State:
    p = state.proposals[e["id"]]
    answers = {**p.answers, e["by"]: e["accept"]}
    state = _update_proposal(state, e["id"], answers=answers)
    if p.order.move == "hotline_call":
        how = "answered" if e["accept"] else "declined"
        state = state.replace(calls=state.calls | {(p.by, e["by"], how)})
        if e["accept"]:
            state = _update_proposal(state, e["id"], status="talking")
    return state


def _unanswered(state: State, e: Event) -> State:
    p = state.proposals[e["id"]]
    answers = {**p.answers, **{t: False for t in e["by"]}}
    state = _update_proposal(state, e["id"], answers=answers, status="settled")
    if p.order.move == "hotline_call":
        state = state.replace(calls=state.calls | {(p.by, t, "declined") for t in e["by"]})
    return state


def _settled(state: State, e: Event) -> State:
    return _update_proposal(state, e["id"], status="settled")


def _withdrawn(state: State, e: Event) -> State:
    state = _update_proposal(state, e["id"], status="withdrawn")
    spent = dict(state.spent)
    spent[e["by"]] = spent.get(e["by"], 0) - e["cost"]
    return state.replace(spent=spent)


def _message(state: State, e: Event) -> State:
    p = state.proposals[e["id"]]
    return _update_proposal(state, e["id"], transcript=(*p.transcript, Message(by=e["by"], text=e["text"])))


def _hang_up(state: State, e: Event) -> State:
    return _update_proposal(state, e["id"], status="ended")


def _pledge(state: State, e: Event) -> State:
    pledges = dict(state.pledges)
    pledges[e["id"]] = Pledge(
        id=e["id"], by=e["by"], to=e["to"], kind=e["pledge"], region=e.get("region", ""),
        until=e["until"], made=state.turn,
    )
    return state.replace(pledges=pledges)


def _pledge_status(state: State, e: Event) -> State:
    pledges = dict(state.pledges)
    p = pledges[e["id"]]
    pledges[e["id"]] = with_changes(p, {"status": e["status"]})
    return state.replace(pledges=pledges)


def _force(state: State, e: Event) -> State:
    forces = dict(state.forces)
    forces[e["force"]] = ForceState(region=e["region"], known_to=frozenset(e["known_to"]))
    return state.replace(forces=forces)


def _known(state: State, e: Event) -> State:
    forces = dict(state.forces)
    fs = forces[e["force"]]
    forces[e["force"]] = ForceState(region=fs.region, known_to=fs.known_to | frozenset(e["by"]))
    return state.replace(forces=forces)


def _notice(state: State, e: Event) -> State:
    n = Notice(by=e["by"], activity=e["activity"], region=e["region"], turn=state.turn)
    return state.replace(notices=(*state.notices, n))


def _flag(state: State, e: Event) -> State:
    return state.replace(flags=state.flags | {e["flag"]})


def _mark(state: State, e: Event) -> State:
    marks = dict(state.marks)
    if e["value"] is None:
        marks.pop(e["key"], None)
    else:
        marks[e["key"]] = e["value"]
    return state.replace(marks=marks)


def _incident(state: State, e: Event) -> State:
    key = pair(*e["between"])
    pairs = dict(state.pairs)
    ps = pairs[key]
    pairs[key] = with_changes(ps, {"incidents": ps.incidents + 1})
    return state.replace(pairs=pairs)


def _annul(state: State, e: Event) -> State:
    state = state.replace(flags=state.flags | {f"annulled:{e['target']}"})
    if e.get("between"):
        key = pair(*e["between"])
        pairs = dict(state.pairs)
        ps = pairs[key]
        pairs[key] = with_changes(ps, {"incidents": max(0, ps.incidents - 1)})
        state = state.replace(pairs=pairs)
    return state


def _objective(state: State, e: Event) -> State:
    met = dict(state.met)
    met[e["id"]] = e["met"]
    return state.replace(met=met)


def _outcome(state: State, e: Event) -> State:
    return state.replace(
        outcome=Outcome(result=e["result"], reason=e["reason"], turn=e["turn"], scores=dict(e["scores"]))
    )


def _nothing(state: State, e: Event) -> State:
    return state


_FOLD: dict[str, Callable[[State, Event], State]] = {
    "start": _nothing,
    "phase": _phase,
    "inject": _inject,
    "changed": _changed,
    "override": _changed,
    "orders": _orders,
    "proposal": _proposal,
    "response": _response,
    "unanswered": _unanswered,
    "settled": _settled,
    "message": _message,
    "pledge": _pledge,
    "pledge_status": _pledge_status,
    "hang_up": _hang_up,
    "withdrawn": _withdrawn,
    "move": _nothing,
    "roll": _nothing,
    "force": _force,
    "known": _known,
    "notice": _notice,
    "flag": _flag,
    "mark": _mark,
    "incident": _incident,
    "clock": _clock,
    "annul": _annul,
    "note": _nothing,
    "objective": _objective,
    "outcome": _outcome,
    "command": _nothing,
}


def fold(state: State, event: Mapping[str, Any]) -> State:
    """The state after ``event``. Pure; unknown kinds are a ``KeyError`` (a log from a
    newer engine is refused earlier, by its format version)."""
    return _FOLD[event["kind"]](state, event)  # type: ignore[arg-type]


def fold_all(state: State, events: Iterable[Mapping[str, Any]]) -> State:
    """The state after every event in order."""
    table = _FOLD
    for e in events:
        state = table[e["kind"]](state, e)  # type: ignore[arg-type]
    return state


def visible_to(event: Mapping[str, Any], role: str) -> bool:
    """Whether ``event``'s stamp (``vis``) lets ``role`` (a team id, ``"facilitator"`` or
    ``"public"``) see it. The stamp alone: :func:`detente.engine.visibility.shown` applies
    the table on top of it, and is what front ends use."""
    vis = event.get("vis", "all")
    if role == "facilitator":
        return True
    if vis == "all":
        return True
    if vis == "fac" or role == "public":
        return False
    return role in vis
