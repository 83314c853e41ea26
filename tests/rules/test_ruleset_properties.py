"""The ruleset as a whole: legal moves, checks, determinism, unique rolls, and random play."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from rules_support import N, answer, give, next_turn, pledge, propose, put, run, start

from detente.engine.adjudicate import LegalMove, adjudicate, check_order, legal_moves
from detente.engine.events import Event, fold
from detente.engine.state import Order, State
from detente.rules import ruleset
from detente.rules.common import proximity


def test_every_move_has_a_cost_and_a_resolver() -> None:
    for mt in ruleset.moves.values():
        assert mt.name in N["costs"], mt.name
        if mt.phase == "orders":
            assert mt.resolve is not None, mt.name
        else:
            # A refusal may have no consequence of its own (talks or an exercise declined), so
            # only the acceptance must do something.
            assert mt.consent and mt.accept is not None, mt.name


def test_legal_moves_are_affordable_with_valid_targets() -> None:
    st = start()
    st = st.replace(spent={"blue": st.actors["blue"].budget - 1})
    moves = legal_moves(st, "blue", ruleset, "orders")
    names = {m.move.name for m in moves}
    assert "deploy" not in names and "joint_exercise" not in names  # they cost 2
    assert all(m.cost <= 1 for m in moves)
    for m in moves:
        for param, values in m.choices.items():
            assert "blue" not in values or param not in ("target", "targets"), (m.move.name, values)
    comms = {m.move.name: m for m in legal_moves(start(), "blue", ruleset, "communications")}
    assert "hotline_call" not in comms  # no channel in the test world
    assert set(comms["multilateral_dialogue"].choices["targets"]) == {"red", "green"}


def test_check_order_rejects_bad_targets_and_arguments() -> None:
    st = start()
    bad = [
        Order("data_exchange", target="blue"),
        Order("data_exchange", target="nobody"),
        Order("data_exchange"),
        Order("notify_activity", choice="invade", region="strait"),
        Order("joint_exercise", target="green", region="moon"),
        Order("stand_down", target="red"),
        Order("hotline_call", target="red"),
    ]
    for order in bad:
        phase = ruleset.moves[order.move].phase
        assert check_order(st, "blue", order, ruleset, phase) is not None, order


def busy(seed_state: State | None = None) -> State:
    """A turn where much happens: forces close, readiness up, many orders."""
    st = seed_state or start()
    st = put(put(st, "tension", ("blue", "red"), 60), "readiness", ("red",), 3)
    st = pledge(st, "red", "blue", "no_readiness_increase")
    st = give(st, "blue", Order("deploy", force="blue-fleet", region="strait"),
              Order("raise_readiness"), Order("data_exchange", target="red"))
    st = give(st, "red", Order("deploy", force="red-fleet", region="strait"),
              Order("raise_readiness"), Order("public_statement", choice="warn", target="blue"))
    return give(st, "green", Order("joint_exercise", target="blue", region="north"),
                Order("intelligence_sharing", target="blue"))


def test_same_seed_same_events_whatever_order_teams_submitted() -> None:
    st = busy()
    once = adjudicate(fold(st, {"kind": "phase", "turn": 1, "phase": "adjudication"}), ruleset, 11)
    again = adjudicate(fold(st, {"kind": "phase", "turn": 1, "phase": "adjudication"}), ruleset, 11)
    assert once == again
    reordered = st.replace(orders=dict(reversed(list(st.orders.items()))))
    phase = {"kind": "phase", "turn": 1, "phase": "adjudication"}
    other = adjudicate(fold(reordered, phase), ruleset, 11)
    assert other == once


def test_roll_ids_are_unique_within_a_turn() -> None:
    for seed in range(30):
        events, _ = run(busy(), seed=seed)
        ids = Counter(e["id"] for e in events if e["kind"] == "roll")
        assert ids and max(ids.values()) == 1, ids.most_common(3)


# -- random play -------------------------------------------------------------------------------

def _pick(data: Any, lm: LegalMove) -> Order:
    args: dict[str, Any] = {}
    for p in lm.move.params:
        if p.name == "text":
            if data.draw(hs.booleans()):
                args["text"] = data.draw(hs.text(max_size=20))
            continue
        values = lm.choices.get(p.name, ())
        if p.optional and (not values or data.draw(hs.booleans())):
            continue
        if p.name == "targets":
            # Two or more for a dialogue; one ally is enough to consult.
            args["targets"] = tuple(data.draw(hs.lists(hs.sampled_from(values), min_size=min(2, len(values)),
                                                       max_size=len(values), unique=True)))
        else:
            args[p.name] = data.draw(hs.sampled_from(values))
    return Order(lm.move.name, **args)


def _communications(data: Any, st: State) -> State:
    for team in st.scenario.actor_ids:
        for _ in range(data.draw(hs.integers(0, 2))):
            options = legal_moves(st, team, ruleset, "communications")
            if not options:
                break
            order = _pick(data, data.draw(hs.sampled_from(options)))
            if check_order(st, team, order, ruleset, "communications") is not None:
                continue
            st, p = propose(st, team, order)
            for target in p.to:
                reply = data.draw(hs.sampled_from([True, False, None]))
                _, st = answer(st, p.id, target, reply)
                if reply and p.order.move == "hotline_call" and data.draw(hs.booleans()):
                    kind = data.draw(hs.sampled_from(sorted(ruleset.pledges)))
                    region = "strait" if ruleset.pledges[kind].needs_region else ""
                    st = pledge(st, target, team, kind, region=region,
                                until=st.turn + data.draw(hs.integers(0, 2)), pid=f"{p.id}-1")
    return st


def _orders(data: Any, st: State) -> State:
    for team in st.scenario.actor_ids:
        chosen: list[Order] = []
        left = st.actors[team].budget - st.spent.get(team, 0)
        while data.draw(hs.booleans()):
            options = [m for m in legal_moves(st, team, ruleset, "orders") if m.cost <= left]
            if not options:
                break
            lm = data.draw(hs.sampled_from(options))
            order = _pick(data, lm)
            if check_order(st, team, order, ruleset, "orders") is None:
                chosen.append(order)
                left -= lm.cost
        if chosen:
            st = give(st, team, *chosen)
    return st


def _in_range(st: State) -> None:
    """Every tracked value within its declared range (and of its declared type)."""
    for name, table in st.values.items():
        track = st.tracks[name]
        for key, x in table.items():
            assert isinstance(x, track.type), (name, key, x)
            if track.range is not None:
                lo, hi = track.range
                assert lo <= x <= hi, (name, key, x)
    for a, b in st.pairs:
        assert 0 <= proximity(st, a, b) <= 5


def _visibility(events: list[Event], ids: tuple[str, ...]) -> None:
    for e in events:
        vis = e["vis"]
        assert vis in ("all", "fac") or (isinstance(vis, list) and set(vis) <= set(ids)), e


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=hs.data(), seed=hs.integers(0, 2**32), actors=hs.sampled_from([2, 3]))
def test_random_legal_play_never_raises_and_stays_in_range(
    data: Any, seed: int, actors: int,
) -> None:
    st = start(actors=actors, phase="communications")
    for _ in range(4):
        st = _communications(data, st)
        st = fold(st, {"kind": "phase", "turn": st.turn, "phase": "orders"})
        st = _orders(data, st)
        events, st = run(st, seed=seed)
        _in_range(st)
        _visibility(events, st.scenario.actor_ids)
        rolls = Counter(e["id"] for e in events if e["kind"] == "roll")
        assert not rolls or max(rolls.values()) == 1
        st = next_turn(st, "communications")
