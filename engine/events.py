"""Events: what happened, as plain dicts, and :func:`fold`, which applies one to a state.

An event is a JSON-ready dict with a ``kind`` and a ``vis`` (its stamp, who may see
it: ``"all"``, ``"fac"`` for the facilitator only, or a list of team ids; the
facilitator sees everything). The table in :mod:`detente.engine.visibility`
narrows the stamp when events are read; front ends read them through
:func:`detente.engine.views.timeline`, as typed entries (:mod:`detente.engine.entries`).
Events are dicts rather than classes in the engine, the log and on the network because a
replay reads hundreds of thousands of them and ``json.loads`` already gives dicts; only what a
person will read is typed.

The kinds and their fields are listed in :data:`KINDS`; docs/log-format.md
documents them for people who read logs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from detente.engine.argued import FOLD as ARGUED_FOLD
from detente.engine.argued import KINDS as ARGUED_KINDS
from detente.engine.state import (
    LETTERS,
    OBSERVED,
    Delivery,
    ForceState,
    Message,
    Notice,
    Order,
    Outcome,
    PhaseClock,
    Pledge,
    Proposal,
    Reading,
    State,
    Working,
    changed_copy,
    draw_key,
    expectation_key,
    letter_key,
    pair,
)

Event = dict[str, Any]
Read = Mapping[str, Any]
"""An event as a fold reads it (from a log, a network message, or just made): never changed."""

#: Every event kind, with its fields and what it means. Documentation and a test use it.
KINDS: dict[str, tuple[str, str]] = {
    "start": ("seed", "the session began"),
    "draw": ("id, title, option", "a scenario's draw was made when the session began"),
    "phase": ("turn, phase", "a new phase (and at briefing a new turn) began"),
    "inject": ("id, title, text, to", "an inject was delivered (to: addressees, empty for everyone)"),
    "changed": ("value, of, to, by, cause", "a tracked value changed to `to` (by: the change)"),
    "orders": ("team, orders, cost", "a team's sealed orders for this turn"),
    "proposal": ("id, by, to, order, cost", "a call, request or offer was made"),
    "response": ("id, by, accept", "a target answered a proposal"),
    "unanswered": ("id, by", "the phase ended with these targets not answering"),
    "settled": ("id", "every target of a proposal has answered"),
    "message": ("id, by, text, tone", "a line said on a call (tone: the call tone it was said in, if any)"),
    "sent": ("id, channel, by, to, text, due",
             "a message was sent on a slow channel (due: the [turn, phase] it arrives)"),
    "arrived": ("id, channel, by, to, text, sent", "a message on a slow channel arrived (sent: the turn)"),
    "pledge": ("id, call, by, to, pledge, region, until",
               "a pledge made on a call (pledge: its kind; `kind` is the event's)"),
    "pledge_status": ("id, status", "a pledge was kept (expired) or broken"),
    "breach": ("id, by, to, pledge, region, happened, text",
               "a pledge was breached and its holder did not detect it: the facilitator's during play, "
               "its parties' in the debrief"),
    "declaration": ("by, to, declaration, declared, actual, hidden, truthful, happened, text",
                    "an actor declared its holdings to another, truthfully or not: the facilitator's "
                    "during play, its parties' in the debrief"),
    "verification": ("by, to, how, result, declared_on, hidden, text, missed",
                     "an inspection or observers compared the latest declaration `by` made to `to` with "
                     "what they found: confirmed or exposed (missed, the facilitator's: a false one they "
                     "did not catch)"),
    "hang_up": ("id, by", "a call ended"),
    "rating": ("id, rating", "the facilitator rated an answered call, -2 to +2"),
    "withdrawn": ("id, by, cost", "the proposer withdrew an unanswered call or proposal (cost: returned)"),
    "move": ("team, order, result, text", "a move was resolved, with its result in words"),
    "roll": ("id, p, value, success, inputs, about", "a seeded roll: success when value < p"),
    "force": ("force, region, known_to", "a force moved (known_to: teams that know where it is)"),
    "known": ("force, by", "teams that learned where a force is (detection, notification)"),
    "notice": ("by, activity, region", "a prior notification was given"),
    "flag": ("flag", "a marker for the rest of this turn (e.g. a pair calmed by a call)"),
    "mark": ("key, value", "a marker that lasts across turns (value null removes it)"),
    "incident": ("between, severity, level, text, region, cause, blame",
                 "an incident between two actors (region and cause: one an inject scripted; blame: "
                 "the actor judged to have caused it, empty when it is unclear)"),
    "crisis": ("between, status, resolves, text",
               "a crisis between two actors opened, was defused or failed (resolves: the turn whose "
               "adjudication decides it)"),
    "clock": ("action, seconds, left, running, auto",
              "the facilitator set, started, paused, extended or stopped the phase clock (seconds: "
              "given to the phase; left: at this moment; the time stamp `at` of its line says when)"),
    "override": ("value, of, to, reason, public",
                 "the facilitator set a value, with a reason (the facilitator's) and a public text"),
    "annul": ("target, what, text, between, reason, public, team, order, result, severity, cause",
              "the facilitator annulled a move's result or an incident (what sets it back follows; "
              "team, order, result: the move's; severity, cause: the incident's)"),
    "note": ("text", "a facilitator's observation for the debrief"),
    "team_note": ("team, text", "a line in a team's private notepad (that team's alone)"),
    "expectation": ("id, inject, who, due, text, status, turn, phase, reason, team, by",
                    "an inject's expectation opened (status open; due: the [turn, phase] of its "
                    "deadline) or was decided: met or missed from the log, or rated met, partly or "
                    "missed by a person (by: evaluator, when not the facilitator) with a reason, for "
                    "all the teams expected to act or one of them (team)"),
    "observation": ("id, by, text, on_turn, about, inject, decision, finding, objective, capability",
                    "an evaluator's (or the facilitator's) observation for the after-action report: "
                    "about a team, after an inject, on a logged decision (its seq); a strength or an "
                    "area for improvement, bearing on a learning objective or a capability"),
    "evaluation": ("by, rating, suggested, reason, objective, capability, about",
                   "an evaluator's (or the facilitator's) HSEEP rating (P, S, M, U) of a learning "
                   "objective or capability, for one team (about) or the exercise, with the rating "
                   "the expectations suggested and the reason"),
    "objective": ("id, actor, met", "an objective's tracked status changed"),
    "outcome": ("result, reason, turn, scores", "the session ended"),
    **ARGUED_KINDS,
}


# Each fold function applies one event to a working state, in place (see
# :class:`detente.engine.state.Working`): a table is copied the first time it is written to.


def _changed(w: Working, e: Read) -> None:
    w.set(e["value"], e["of"], e["to"])


def set_value(state: State, value: str, of: list[str] | tuple[str, ...], to: Any) -> State:
    """The state with one tracked value set (no clamping: callers clamp)."""
    w = state.thaw()
    w.set(value, of, to)
    return w.freeze()


def get_value(state: Reading, value: str, of: list[str] | tuple[str, ...]) -> Any:
    """One tracked value (see :class:`detente.engine.tracks.Track`)."""
    return state.value(value, *of)


def _phase(w: Working, e: Read) -> None:
    turn, phase = e["turn"], e["phase"]
    clock = phase_clock(w, turn, phase)
    if turn != w.turn:
        # A new turn: what lasted for a turn is gone.
        w.turn, w.phase, w.orders, w.spent, w.proposals = turn, phase, {}, {}, {}
        w.flags, w.count, w.before, w.clock = frozenset(), 0, None, clock
        return
    w.before = w.freeze() if phase == "adjudication" else None
    w.phase, w.clock = phase, clock


def _clock(w: Working, e: Read) -> None:
    action = e["action"]
    if action == "stop":
        w.clock = None
    elif action not in ("auto", "manual"):
        w.clock = PhaseClock(turn=w.turn, phase=w.phase, seconds=e["seconds"], left=e["left"],
                             running=e["running"])
    w.clock_auto = e["auto"]


def phase_clock(state: Reading, turn: int, phase: str) -> PhaseClock | None:
    """The clock a phase starts with: the scenario's ``[turns] clock`` minutes, paused."""
    minutes = state.scenario.turns.clock.get(phase)
    if not minutes:
        return None
    seconds = round(minutes * 60)
    return PhaseClock(turn=turn, phase=phase, seconds=seconds, left=seconds)


def _inject(w: Working, e: Read) -> None:
    w.own("fired")[e["id"]] = w.turn
    d = Delivery(id=e["id"], turn=w.turn, title=e["title"], text=e["text"], to=tuple(e["to"]))
    w.inbox = (*w.inbox, d)


def _orders(w: Working, e: Read) -> None:
    team = e["team"]
    w.own("orders")[team] = tuple(Order.from_dict(o) for o in e["orders"])
    spent = w.own("spent")
    spent[team] = spent.get(team, 0) + e["cost"]


def _proposal(w: Working, e: Read) -> None:
    order = Order.from_dict(e["order"])
    p = Proposal(id=e["id"], by=e["by"], order=order, to=tuple(e["to"]))
    w.own("proposals")[p.id] = p
    spent = w.own("spent")
    spent[p.by] = spent.get(p.by, 0) + e["cost"]
    w.count += 1
    if _opens_call(w, order.move):
        w.calls = w.calls | {(p.by, t, "called") for t in p.to}


def _opens_call(w: Working, move: str) -> bool:
    """Whether an accepted ``move`` opens a call (what ``called``, ``answered`` and ``declined``
    in conditions are about)."""
    mt = w.ruleset.moves.get(move)
    return mt is not None and mt.opens_call


def _update_proposal(w: Working, pid: str, **changes: Any) -> None:
    proposals = w.own("proposals")
    proposals[pid] = changed_copy(proposals[pid], **changes)


def _response(w: Working, e: Read) -> None:
    p = w.proposals[e["id"]]
    answers = {**p.answers, e["by"]: e["accept"]}
    if e["accept"]:  # a call or proposal is made when accepted: once for each who accepts
        o = p.order
        _tally(w, ("move", p.by, o.move, e["by"], o.region, o.force, o.choice), 1)
    if _opens_call(w, p.order.move):
        if e["accept"]:
            w.calls = w.calls | {(p.by, e["by"], "answered")}
        else:
            w.calls = w.calls | {(p.by, e["by"], "declined"), (p.by, e["by"], "refused")}
        if e["accept"]:
            _update_proposal(w, e["id"], answers=answers, status="talking")
            return
    _update_proposal(w, e["id"], answers=answers)


def _unanswered(w: Working, e: Read) -> None:
    p = w.proposals[e["id"]]
    answers = {**p.answers, **{t: False for t in e["by"]}}
    _update_proposal(w, e["id"], answers=answers, status="settled")
    if _opens_call(w, p.order.move):
        w.calls = w.calls | {(p.by, t, how) for t in e["by"] for how in ("declined", "unanswered")}


def _settled(w: Working, e: Read) -> None:
    _update_proposal(w, e["id"], status="settled")


def _withdrawn(w: Working, e: Read) -> None:
    _update_proposal(w, e["id"], status="withdrawn")
    spent = w.own("spent")
    spent[e["by"]] = spent.get(e["by"], 0) - e["cost"]


def _message(w: Working, e: Read) -> None:
    p = w.proposals[e["id"]]
    tone = e.get("tone", "")
    line = Message(by=e["by"], text=e["text"], tone=tone)
    if tone and not any(m.by == e["by"] and m.tone == tone for m in p.transcript):
        # The first line a side says in a tone on a call: the call counts once for that tone
        # (``made(a, 'hotline_call', tone='apologise')``).
        other = p.to[0] if e["by"] == p.by else p.by
        _tally(w, said_key(e["by"], p.order.move, other, tone), 1)
    _update_proposal(w, e["id"], transcript=(*p.transcript, line))


def _rating(w: Working, e: Read) -> None:
    _update_proposal(w, e["id"], rating=e["rating"])


def _sent(w: Working, e: Read) -> None:
    marks = w.own("marks")
    marks[LETTERS] = int(e["id"])
    marks[letter_key(e["id"])] = {
        "channel": e["channel"], "by": e["by"], "to": e["to"], "text": e["text"], "turn": w.turn,
        "due": list(e["due"]),
    }


def _arrived(w: Working, e: Read) -> None:
    marks = w.own("marks")
    key = letter_key(e["id"])
    if key in marks:  # kept, marked arrived: the addressee's view now holds it
        marks[key] = {**marks[key], "arrived": w.turn}


def _hang_up(w: Working, e: Read) -> None:
    _update_proposal(w, e["id"], status="ended")


def _pledge(w: Working, e: Read) -> None:
    w.own("pledges")[e["id"]] = Pledge(
        id=e["id"], by=e["by"], to=e["to"], kind=e["pledge"], region=e.get("region", ""),
        until=e["until"], made=w.turn,
    )


def _pledge_status(w: Working, e: Read) -> None:
    pledges = w.own("pledges")
    pledges[e["id"]] = changed_copy(pledges[e["id"]], status=e["status"])


def _force(w: Working, e: Read) -> None:
    w.own("forces")[e["force"]] = ForceState(region=e["region"], known_to=frozenset(e["known_to"]))


def _known(w: Working, e: Read) -> None:
    forces = w.own("forces")
    fs = forces[e["force"]]
    forces[e["force"]] = ForceState(region=fs.region, known_to=fs.known_to | frozenset(e["by"]))


def _notice(w: Working, e: Read) -> None:
    w.notices = (*w.notices, Notice(by=e["by"], activity=e["activity"], region=e["region"], turn=w.turn))


def _flag(w: Working, e: Read) -> None:
    w.flags = w.flags | {e["flag"]}


def _mark(w: Working, e: Read) -> None:
    marks = w.own("marks")
    if e["value"] is None:
        marks.pop(e["key"], None)
    else:
        marks[e["key"]] = e["value"]


def _draw(w: Working, e: Read) -> None:
    w.own("marks")[draw_key(e["id"])] = e["option"]


# -- the tally of what happened (State.tally), for conditions ---------------------------------

VOID = "void"
"""The result of a move that had no effect (a force already there): it was not carried out."""


def made_key(team: str, order: Read) -> tuple[str, ...]:
    """The key under which :attr:`State.tally` counts ``team``'s move ``order`` (a logged order:
    a dict) as carried out: ``("move", team, move, target, region, force, choice)``.

    >>> made_key("blue", {"move": "announce", "choice": "calm"})
    ('move', 'blue', 'announce', '', '', '', 'calm')
    """
    get = order.get
    return ("move", team, order["move"], get("target", ""), get("region", ""), get("force", ""),
            get("choice", ""))


def said_key(team: str, move: str, other: str, tone: str) -> tuple[str, ...]:
    """The key under which :attr:`State.tally` counts the calls on which ``team`` spoke to
    ``other`` in ``tone`` (one of the ruleset's call tones): ``("said", team, move, other, tone)``."""
    return ("said", team, move, other, tone)


def incident_key(e: Read) -> tuple[str, ...]:
    """The key under which :attr:`State.tally` counts an ``incident`` event (or the ``annul``
    of one): ``("incident", a, b, severity, cause)``, the pair sorted, the cause ``scripted``
    (an inject made it) or ``rolled``.

    >>> incident_key({"between": ["red", "blue"], "severity": "minor"})
    ('incident', 'blue', 'red', 'minor', 'rolled')
    """
    a, b = pair(*e["between"])
    return ("incident", a, b, e["severity"], "scripted" if e.get("cause") else "rolled")


def _tally(w: Working, key: tuple[str, ...], by: int) -> None:
    tally = w.own("tally")
    n = tally.get(key, 0) + by
    if n > 0:
        tally[key] = n
    else:
        tally.pop(key, None)


def tally_move(w: Working, team: str, order: Read, result: str) -> None:
    """Count a resolved move (a ``move`` event's fields) as carried out, unless it was void or is
    a call or proposal: those are counted when accepted (the ``response``), and a ``move`` event
    of one is what the acceptance did."""
    if result == VOID:
        return
    mt = w.ruleset.moves.get(order["move"])
    if mt is None or mt.phase != "communications":
        _tally(w, made_key(team, order), 1)


def _move(w: Working, e: Read) -> None:
    tally_move(w, e["team"], e["order"], e["result"])


def _incident(w: Working, e: Read) -> None:
    _counted(w, e)
    _tally(w, incident_key(e), 1)


def _counted(w: Working, e: Read) -> None:
    """An event the ruleset counts (:attr:`Ruleset.counts`): one more for the pair it is between."""
    track = w.ruleset.counts.get(e["kind"])
    if track is not None:
        table = w.own_values(track)
        key = pair(*e["between"])
        table[key] += 1


def _annul(w: Working, e: Read) -> None:
    w.flags = w.flags | {f"annulled:{e['target']}"}
    track = w.ruleset.counts.get(e["what"]) if e.get("between") else None
    if track is not None:
        table = w.own_values(track)
        key = pair(*e["between"])
        table[key] = max(0, table[key] - 1)
    # What it annulled no longer counts as having happened (a log written before annulments
    # said what they annulled keeps its count).
    if "order" in e:
        if e.get("result") != VOID:
            _tally(w, made_key(e["team"], e["order"]), -1)
    elif "severity" in e and e.get("between"):
        _tally(w, incident_key(e), -1)


def _objective(w: Working, e: Read) -> None:
    w.own("met")[e["id"]] = e["met"]


def _outcome(w: Working, e: Read) -> None:
    w.outcome = Outcome(result=e["result"], reason=e["reason"], turn=e["turn"], scores=dict(e["scores"]))


def _expectation(w: Working, e: Read) -> None:
    marks = w.own("marks")
    key = expectation_key(e["id"])
    team = e.get("team")
    if team:  # a person's rating of one team of several: that team's status
        old = marks.get(key, {})
        marks[key] = {**old, "teams": {**old.get("teams", {}), team: e["status"]}}
        return
    fields = {k: e[k] for k in _EXPECTATION_FIELDS if k in e}
    marks[key] = {**marks.get(key, {}), **fields}


def _observation(w: Working, e: Read) -> None:
    marks = w.own("marks")
    marks[OBSERVED] = {"n": int(marks.get(OBSERVED, {}).get("n", 0)) + 1}


_EXPECTATION_FIELDS = ("inject", "who", "due", "text", "status", "turn", "phase", "reason")


def _nothing(w: Working, e: Read) -> None:
    return None


FOLD: dict[str, Callable[[Working, Read], None]] = {
    "start": _nothing,
    "draw": _draw,
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
    "sent": _sent,
    "arrived": _arrived,
    "pledge": _pledge,
    "pledge_status": _pledge_status,
    # Records only: an unseen breach leaves the pledge in force as its holder knows it, and a
    # ruleset keeps what it needs of a declaration in its own marks.
    "breach": _nothing,
    "declaration": _nothing,
    "verification": _nothing,
    "hang_up": _hang_up,
    "rating": _rating,
    "withdrawn": _withdrawn,
    "move": _move,
    "roll": _nothing,
    "force": _force,
    "known": _known,
    "notice": _notice,
    "flag": _flag,
    "mark": _mark,
    "incident": _incident,
    "crisis": _nothing,  # what the crisis is, the ruleset keeps in its marks: only recorded
    "clock": _clock,
    "annul": _annul,
    "note": _nothing,
    "team_note": _nothing,
    "expectation": _expectation,
    "observation": _observation,
    "evaluation": _nothing,
    "objective": _objective,
    "outcome": _outcome,
    "command": _nothing,
    **ARGUED_FOLD,
}
"""How each event kind changes a working state, in place."""


def fold_into(w: Working, event: Mapping[str, Any]) -> None:
    """Apply ``event`` to the working state ``w``. Unknown kinds are a ``KeyError`` (a log
    from a newer engine is refused earlier, by its format version)."""
    FOLD[event["kind"]](w, event)


def fold(state: State, event: Mapping[str, Any]) -> State:
    """The state after ``event``. Pure: ``state`` is unchanged."""
    w = state.thaw()
    FOLD[event["kind"]](w, event)
    return w.freeze()


def fold_all(state: State, events: Iterable[Mapping[str, Any]]) -> State:
    """The state after every event in order (one working copy, frozen once at the end)."""
    w = state.thaw()
    table = FOLD
    for e in events:
        table[e["kind"]](w, e)
    return w.freeze()


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
