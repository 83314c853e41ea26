"""A small three-actor world and helpers to drive the ruleset without a session.

blue and green are in the ``pact`` alliance; red is outside it. The strait borders
blue and red; the north borders red only; each actor has a home region.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from detente.engine.adjudicate import Resolution, adjudicate
from detente.engine.events import Event, fold, fold_all, set_value
from detente.engine.ruleset import merge_numbers
from detente.engine.scenario import (
    Actor,
    Alliance,
    Force,
    Meta,
    Region,
    Scenario,
    Turns,
)
from detente.engine.state import Order, Proposal, State, initial_state
from detente.rules import ruleset

N = ruleset.numbers
QUIET = {
    "perception": {"misperception_base": 0.0},
    "incidents": {"cap": 0.0},
    "drift": {"rate": 0.0},
}
"""Overrides that switch off misperception, incidents and drift, so sizes can be checked exactly."""


def world(actors: int = 3) -> Scenario:
    """The test scenario (two or three actors)."""
    ids = ("blue", "red", "green")[:actors]
    names = {"blue": "Azuria", "red": "Borealis", "green": "Cardia"}
    homes = {"blue": "bay", "red": "port", "green": "field"}
    return Scenario(
        scenario=Meta(id="test", title="Test"),
        turns=Turns(limit=10),
        actors=tuple(Actor(id=a, name=names[a], budget=6) for a in ids),
        alliances=(
            (Alliance(id="pact", name="Pact", members=("blue", "green")),) if actors > 2 else ()
        ),
        regions=(
            Region(id="strait", name="the Strait", near=("blue", "red")),
            Region(id="north", name="the North", near=("red",)),
            *(Region(id=homes[a], name=f"{a} home", near=(a,)) for a in ids),
        ),
        forces=tuple(Force(id=f"{a}-fleet", owner=a, home=homes[a]) for a in ids),
    )


def start(overrides: Mapping[str, Mapping[str, Any]] | None = None, *, actors: int = 3,
          turn: int = 1, phase: str = "orders") -> State:
    """A state at ``turn`` and ``phase`` with the ruleset's numbers (and overrides)."""
    st = initial_state(world(actors), merge_numbers(N, overrides or {}))
    return fold(st, {"kind": "phase", "turn": turn, "phase": phase})


def give(state: State, team: str, *orders: Order) -> State:
    """``team``'s sealed orders for this turn."""
    cost = sum(ruleset.moves[o.move].cost(state.numbers) for o in orders)
    return fold(state, {"kind": "orders", "team": team, "orders": [o.to_dict() for o in orders],
                        "cost": cost, "vis": [team]})


def run(state: State, seed: int = 1) -> tuple[list[Event], State]:
    """Adjudicate this turn: the events and the state after them."""
    state = fold(state, {"kind": "phase", "turn": state.turn, "phase": "adjudication"})
    events = adjudicate(state, ruleset, seed)
    return events, fold_all(state, events)


def next_turn(state: State, phase: str = "orders") -> State:
    """The next turn (orders, flags and proposals cleared)."""
    return fold(state, {"kind": "phase", "turn": state.turn + 1, "phase": phase})


def put(state: State, value: str, of: tuple[str, ...], to: Any) -> State:
    """The state with one value set."""
    return set_value(state, value, of, to)


def propose(state: State, team: str, order: Order) -> tuple[State, Proposal]:
    """Make a communications move as the session does; returns the proposal."""
    pid = f"{state.turn}-{state.count + 1}"
    to = list(order.targets) or [order.target]
    cost = ruleset.moves[order.move].cost(state.numbers)
    state = fold(state, {"kind": "proposal", "id": pid, "by": team, "to": to,
                         "order": order.to_dict(), "cost": cost, "vis": sorted({team, *to})})
    return state, state.proposals[pid]


def answer(state: State, pid: str, responder: str, accept: bool | None,
           seed: int = 1) -> tuple[list[Event], State]:
    """A target answers (True/False) or leaves it unanswered (None), as the session does."""
    p = state.proposals[pid]
    mt = ruleset.moves[p.order.move]
    r = Resolution(state, ruleset, seed)
    if accept is None:
        r.emit("unanswered", "fac", id=pid, by=[responder])
        if mt.decline is not None:  # a move may have nothing to say to a refusal
            mt.decline(r, r.state.proposals[pid], responder, True)
    else:
        r.emit("response", "fac", id=pid, by=responder, accept=accept)
        current = r.state.proposals[pid]
        if accept:
            assert mt.accept is not None
            mt.accept(r, current, responder)
        elif mt.decline is not None:
            mt.decline(r, current, responder, False)
    return r.events, r.result()


def changed(events: list[Event], value: str, of: tuple[str, ...], cause: str = "") -> int | float:
    """The net change of one value over these events (0 if none); only changes whose cause
    contains ``cause`` if given."""
    total: float = 0
    key = tuple(sorted(of)) if ruleset.tracks[value].scope == "pair" else tuple(of)
    for e in events:
        if e["kind"] != "changed" or e["value"] != value:
            continue
        got = tuple(sorted(e["of"])) if ruleset.tracks[value].scope == "pair" else tuple(e["of"])
        if got == key and cause in e["cause"]:
            total += e["by"] or 0
    return round(total, 3) if isinstance(total, float) else total


def pledge(state: State, by: str, to: str, kind: str, *, region: str = "", until: int | None = None,
           pid: str = "1-1-1") -> State:
    """A pledge made on a call this turn (as the session records it)."""
    return fold(state, {"kind": "pledge", "id": pid, "call": "1-1", "by": by, "to": to,
                        "pledge": kind, "region": region,
                        "until": state.turn if until is None else until, "vis": sorted({by, to})})


def of_kind(events: list[Event], kind: str) -> list[Event]:
    """The events of one kind."""
    return [e for e in events if e["kind"] == kind]
