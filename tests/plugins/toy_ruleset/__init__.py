"""A deliberately different ruleset, for the tests: fishing villages sharing one sea.

It shares nothing with defense-diplomacy but the engine: its own values (each village's catch,
one village's goodwill toward another, a pair's quarrel), its own moves (share the catch, raid
another village's nets, talk things over), its own ending (a feud) and numbers. It is installed
for the tests only, through the ``detente.rulesets`` entry point of the distribution beside it
(``toy_ruleset-1.0.dist-info``), exactly as a training centre would ship its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from detente.engine.adjudicate import Resolution
from detente.engine.expr import Signature
from detente.engine.ruleset import (
    AIMED,
    COERCIVE,
    COOPERATIVE,
    Ending,
    Function,
    MoveType,
    Param,
    Ruleset,
    Step,
)
from detente.engine.state import Order, Proposal, Reading
from detente.engine.tracks import EVERYONE, HOLDER, Track

NUMBERS: dict[str, dict[str, Any]] = {
    "defaults": {"catch": 50, "goodwill": 5, "quarrel": 10},
    "costs": {"share": 1, "raid": 1, "talk": 1},
    "sea": {"share_amount": 10, "share_goodwill": 2, "raid_amount": 15, "raid_goodwill": 3,
            "raid_quarrel": 12, "talk_quarrel": 6, "feud_at": 60},
    "ranges": {"sea": {"*": (0, 100)}, "defaults": {"*": (0, 100)}, "costs": {"*": (1, 5)}},
}

TRACKS = (
    Track("catch", "actor", int, (0, 200), EVERYONE, "The village's catch this season, 0–200."),
    Track("goodwill", "directed", int, (0, 10), HOLDER,
          "How kindly the first village thinks of the second, 0–10 (one-way)."),
    Track("quarrel", "pair", int, (0, 100), EVERYONE,
          "How bitter the quarrel between the two villages is, 0–100.", headline=True),
)


def _name(state: Reading, village: str) -> str:
    return state.scenario.actor_names[village]


def _others(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {"target": state.scenario.others[team]}


def _share(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["sea"]
    given = min(n["share_amount"], r.state.value("catch", team))
    text = f"{_name(r.state, team)} shared {given} of its catch with {_name(r.state, order.target)}"
    r.move(team, order, text)
    r.change("catch", [team], add=-given, cause=text)
    r.change("catch", [order.target], add=given, cause=text)
    r.change("goodwill", [order.target, team], add=n["share_goodwill"], cause=text)


def _raid(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["sea"]
    taken = min(n["raid_amount"], r.state.value("catch", order.target))
    text = f"{_name(r.state, team)} raided the nets of {_name(r.state, order.target)}"
    r.move(team, order, text)
    r.change("catch", [order.target], add=-taken, cause=text)
    r.change("catch", [team], add=taken, cause=text)
    r.change("goodwill", [order.target, team], add=-n["raid_goodwill"], cause=text)
    r.change("quarrel", [team, order.target], add=n["raid_quarrel"], cause=text)


def _talked(r: Resolution, p: Proposal, responder: str) -> None:
    n = r.numbers["sea"]
    text = f"{_name(r.state, p.by)} and {_name(r.state, responder)} talked things over"
    r.emit("move", "all", team=p.by, order=p.order.to_dict(), result="accepted", text=text)
    r.change("quarrel", [p.by, responder], add=-n["talk_quarrel"], cause=text)
    for a, b in ((p.by, responder), (responder, p.by)):
        r.change("goodwill", [a, b], add=1, cause=text)


def _turned_away(r: Resolution, p: Proposal, responder: str, silent: bool) -> None:
    text = f"{_name(r.state, responder)} would not talk to {_name(r.state, p.by)}"
    r.change("goodwill", [p.by, responder], add=-1, cause=text)


def _resolve_orders(r: Resolution) -> None:
    for team in r.state.scenario.actor_ids:
        for order in r.state.orders.get(team, ()):
            resolve = r.ruleset.moves[order.move].resolve
            assert resolve is not None
            resolve(r, team, order)


def _feud(r: Resolution) -> str | None:
    at = r.numbers["sea"]["feud_at"]
    for (a, b), q in r.state.values["quarrel"].items():
        if q >= at:
            return f"{_name(r.state, a)} and {_name(r.state, b)} fell into a feud"
    return None


def _richest(state: Reading, village: str) -> bool:
    catch = state.values["catch"]
    return catch[village] == max(catch.values())


MOVES = (
    MoveType(name="share", family="sea", phase="orders", description="Share some of your catch.",
             params=(Param("target", "the village to share with"),), choices=_others,
             resolve=_share, tone=COOPERATIVE, read_by=AIMED),
    MoveType(name="raid", family="sea", phase="orders", description="Raid another village's nets.",
             params=(Param("target", "the village to raid"),), choices=_others, resolve=_raid,
             tone=COERCIVE, read_by=AIMED),
    MoveType(name="talk", family="sea", phase="communications", description="Offer to talk things over.",
             params=(Param("target", "the village to talk to"),), choices=_others, consent=True,
             accept=_talked, decline=_turned_away, tone=COOPERATIVE, noun="offer to talk"),
)

ruleset = Ruleset(
    name="toy-harbour",
    numbers=NUMBERS,
    moves={m.name: m for m in MOVES},
    steps=(Step("the sea", _resolve_orders),),
    tracks=TRACKS,
    endings=(Ending("feud", "feud", "a feud between two villages", _feud),),
    functions={"richest": Function(Signature("richest", ("actor",), "bool",
                                             "True if no village has a bigger catch."), _richest)},
    escalation="quarrel",
    breakdown="feud",
)
