"""Small helpers shared by the move families: who is who, rounding, perceived threat."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterator
from typing import TYPE_CHECKING

from detente.engine.ruleset import Step
from detente.engine.state import Order, Reading, pair

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution


def others(state: Reading, team: str) -> tuple[str, ...]:
    """Every actor but ``team``, in the scenario's order."""
    return state.scenario.others[team]


def third_parties(state: Reading, a: str, b: str) -> tuple[str, ...]:
    """Actors that are neither ``a`` nor ``b`` and share no alliance with either: those for
    whom cooperation between ``a`` and ``b`` is a security dilemma (Jervis)."""
    return tuple(
        o for o in state.scenario.actor_ids
        if o not in (a, b) and not state.allied(o, a) and not state.allied(o, b)
    )


def shared_alliances(state: Reading, a: str, b: str) -> tuple[str, ...]:
    """Alliances both ``a`` and ``b`` belong to, in the scenario's order."""
    mine = state.alliances_of(b)
    return tuple(al for al in state.alliances_of(a) if al in mine)


def whole(x: float) -> int:
    """``x`` rounded half away from zero (Python's ``round`` rounds half to even).

    >>> whole(2.5), whole(-2.5), whole(0.4)
    (3, -3, 0)
    """
    return math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1)


def name(state: Reading, actor: str) -> str:
    """An actor's display name."""
    return state.scenario.actor_names[actor]


def region_name(state: Reading, region: str) -> str:
    """A region's display name."""
    return state.scenario.region_names.get(region, region)


def force_name(state: Reading, force: str) -> str:
    """A force's display name (its id if it has none)."""
    return state.scenario.force_names.get(force, force)


def near(state: Reading, region: str) -> tuple[str, ...]:
    """Actors whose territory or waters ``region`` borders."""
    return state.scenario.region_near.get(region, ())


def proximity(state: Reading, a: str, b: str, seen_by: str | None = None) -> int:
    """Force proximity, 0–5: the pair's starting proximity plus each force of one side in a
    region near the other. With ``seen_by``, only the forces that team knows of."""
    total = state.values["proximity"][pair(a, b)]
    scenario = state.scenario
    near = scenario.region_near
    forces = state.forces
    for owner, other in ((a, b), (b, a)):
        for fid in scenario.forces_of.get(owner, ()):
            fs = forces[fid]
            if seen_by is not None and owner != seen_by and seen_by not in fs.known_to:
                continue
            if other in near.get(fs.region, ()):
                total += 1
    return min(5, total)


def notified(state: Reading, team: str, activity: str, region: str) -> bool:
    """Whether ``team`` gave notice of ``activity`` in ``region`` on an earlier turn
    (Vienna Document: notice counts only if given ahead)."""
    return any(
        n.by == team and n.activity == activity and n.region == region and n.turn < state.turn
        for n in state.notices
    )


def proposed(state: Reading, team: str, move: str, target: str) -> bool:
    """Whether ``team`` already made ``move`` to ``target`` this turn (one offer a turn)."""
    return any(
        p.by == team and p.order.move == move and target in p.to for p in state.proposals.values()
    )


def not_proposed(state: Reading, team: str, move: str, targets: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``targets`` that ``team`` has not yet made ``move`` to this turn, in order
    (what :func:`proposed` says of each, with one pass over the proposals)."""
    if not state.proposals:
        return targets
    done: set[str] = set()
    for p in state.proposals.values():
        if p.by == team and p.order.move == move:
            done.update(p.to)
    return tuple(t for t in targets if t not in done) if done else targets


def perceived(
    r: Resolution, observer: str, actor: str, base: float, what: str, *, ahead: bool = False,
) -> int:
    """The threat ``observer`` perceives from a move of ``actor`` whose base threat is ``base``.

    Good information makes a move easier to tell apart from preparation for attack
    (Jervis): ``base × (1 − info_damping × information)``; a notice given ahead halves it
    (``notice_factor``); and with probability ``misperception_base × (1 − information)`` the
    observer reads it as ``misperception_factor`` times as threatening (Able Archer 83).
    ``what`` makes the roll id unique: ``misperceive:<observer>:<actor>:<what>``.
    """
    n = r.numbers["perception"]
    info = r.state.values["information"][(observer, actor)]
    amount = base * (1 - n["info_damping"] * info)
    if ahead:
        amount *= r.numbers["transparency"]["notice_factor"]
    p = n["misperception_base"] * (1 - info)
    if p > 0 and r.roll(
        f"misperceive:{observer}:{actor}:{what}", p,
        about=f"{observer} misreads {actor}'s {what.split(':')[0]} as preparation for attack",
        inputs={"information": info, "misperception_base": n["misperception_base"]},
    ):
        amount *= n["misperception_factor"]
    return whole(amount)


def both_ways(
    r: Resolution, value: str, a: str, b: str, add: float, cause: str,
) -> None:
    """Add to a directed value held by ``a`` about ``b`` and by ``b`` about ``a``."""
    r.change(value, [a, b], add=add, cause=cause)
    r.change(value, [b, a], add=add, cause=cause)


def each_order(state: Reading, moves: tuple[str, ...]) -> Iterator[tuple[str, Order]]:
    """This turn's sealed orders of the given moves: teams in the scenario's order, then
    each team's orders in the order given."""
    for team in state.scenario.actor_ids:
        for order in state.orders.get(team, ()):
            if order.move in moves:
                yield team, order


def index_of(state: Reading, team: str, order: Order) -> int:
    """The position of ``order`` among ``team``'s orders this turn (for unique roll ids
    when a team gives the same order twice)."""
    for i, o in enumerate(state.orders.get(team, ())):
        if o is order:
            return i
    return 0


OnceKey = Callable[[str, Order], Hashable | None]


def order_step(title: str, moves: tuple[str, ...], once: dict[str, OnceKey] | None = None) -> Step:
    """A step that resolves the sealed orders of ``moves`` with each move type's ``resolve``.

    ``once`` maps a move to a key function: an order whose key was already resolved
    this turn is void (a force moves once a turn; a mutual exchange counts once)."""
    once = once or {}

    def run(r: Resolution) -> None:
        seen: set[Hashable] = set()
        for team, order in each_order(r.state, moves):
            key_of = once.get(order.move)
            key = key_of(team, order) if key_of else None
            if key is not None:
                if key in seen:
                    r.move(team, order, "already done this turn: no further effect",
                           result="void", vis=[team])
                    continue
                seen.add(key)
            resolve = r.ruleset.moves[order.move].resolve
            assert resolve is not None, order.move
            resolve(r, team, order)

    return Step(name=title, run=run)


def pair_key(move: str) -> OnceKey:
    """A ``once`` key: the move counts once per pair a turn, whoever ordered it."""
    return lambda team, order: (move, pair(team, order.target))
