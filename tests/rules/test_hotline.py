"""Hotline calls, proposing a hotline, and pledges."""

from __future__ import annotations

import pytest
from rules_support import (
    QUIET,
    N,
    answer,
    changed,
    give,
    next_turn,
    of_kind,
    pledge,
    propose,
    put,
    run,
    start,
)

from detente.engine.adjudicate import legal_moves
from detente.engine.state import Order
from detente.rules import ruleset

H = N["hotline"]
P = N["pledges"]


def with_hotline(state=None):  # type: ignore[no-untyped-def]
    state = state or start(QUIET, phase="communications")
    return put(state, "hotline", ("blue", "red"), True)


def test_call_targets_only_hotline_partners_and_once_a_turn() -> None:
    st = start(phase="communications")
    assert "hotline_call" not in {m.move.name for m in legal_moves(st, "blue", ruleset)}
    st = with_hotline(st)
    (call,) = [m for m in legal_moves(st, "blue", ruleset) if m.move.name == "hotline_call"]
    assert call.choices["target"] == ("red",)
    st, _ = propose(st, "blue", Order("hotline_call", target="red"))
    assert "hotline_call" not in {m.move.name for m in legal_moves(st, "blue", ruleset)}
    st = next_turn(st, "communications")
    assert "hotline_call" in {m.move.name for m in legal_moves(st, "blue", ruleset)}


def test_answered_call_lowers_tension_calms_and_builds_trust() -> None:
    st, p = propose(with_hotline(), "blue", Order("hotline_call", target="red"))
    events, after = answer(st, p.id, "red", True)
    assert changed(events, "tension", ("blue", "red")) == -H["answered_tension"]
    assert changed(events, "trust", ("blue", "red")) == H["answered_trust"]
    assert changed(events, "trust", ("red", "blue")) == H["answered_trust"]
    assert "calm:blue:red" in after.flags
    # A private call: green sees neither the tension change's cause nor the flag.
    for e in events:
        assert e["vis"] != "all"
        assert "green" not in e["vis"]


@pytest.mark.parametrize("how", ["declined", "unanswered"])
def test_refused_call_raises_callers_threat_and_lowers_trust(how: str) -> None:
    st, p = propose(with_hotline(), "blue", Order("hotline_call", target="red"))
    events, _ = answer(st, p.id, "red", False if how == "declined" else None)
    assert changed(events, "threat", ("blue", "red")) == H[f"{how}_threat"]
    assert changed(events, "trust", ("blue", "red")) == -H[f"{how}_trust"]
    assert changed(events, "trust", ("red", "blue")) == 0
    for e in of_kind(events, "changed"):
        assert e["vis"] == ["blue"]  # what the caller feels is its own


def test_proposed_hotline_accepted_opens_a_channel() -> None:
    st, p = propose(start(QUIET, phase="communications"), "blue",
                    Order("propose_hotline", target="red"))
    events, after = answer(st, p.id, "red", True)
    assert after.pairs[("blue", "red")].hotline is True
    assert changed(events, "trust", ("red", "blue")) == H["established_trust"]
    opts = {m.move.name: m for m in legal_moves(after, "blue", ruleset)}
    assert opts["propose_hotline"].choices["target"] == ("green",)


def test_proposed_hotline_declined_costs_trust() -> None:
    st, p = propose(start(QUIET, phase="communications"), "blue",
                    Order("propose_hotline", target="red"))
    events, after = answer(st, p.id, "red", False)
    assert after.pairs[("blue", "red")].hotline is False
    assert changed(events, "trust", ("blue", "red")) == -H["refused_trust"]


# -- pledges -----------------------------------------------------------------------------------

def test_no_deployment_pledge_broken_by_a_deployment_there() -> None:
    # A deployment is a hidden breach, detected on a roll (tests/rules/test_verification.py):
    # here the holder is sure to detect it.
    seen = {**QUIET, "verification": {"detect_base": 1.0, "detect_cap": 1.0}}
    st = pledge(start(seen), "blue", "red", "no_deployment", region="strait", until=3)
    st = give(st, "blue", Order("deploy", force="blue-fleet", region="strait"))
    events, after = run(st)
    (status,) = of_kind(events, "pledge_status")
    assert status["status"] == "broken" and status["vis"] == ["blue", "red"]
    assert after.pledges["1-1-1"].status == "broken"
    assert changed(events, "trust", ("red", "blue"), "pledge") == -P["broken_trust"]
    assert changed(events, "threat", ("red", "blue"), "pledge") == P["broken_threat"]
    # Red detected the breach: it sees the deployment that made it.
    assert "red" in after.forces["blue-fleet"].known_to


def test_pledge_kept_to_its_end_builds_trust() -> None:
    st = pledge(start(QUIET), "blue", "red", "no_deployment", region="strait", until=2)
    st = give(st, "blue", Order("deploy", force="blue-fleet", region="north"))
    events, st = run(st)
    assert not of_kind(events, "pledge_status")  # still in force
    events, st = run(next_turn(st))
    (status,) = of_kind(events, "pledge_status")
    assert status["status"] == "kept"
    assert changed(events, "trust", ("red", "blue")) == P["kept_trust"]
    events, _ = run(next_turn(st))
    assert not of_kind(events, "pledge_status")  # settled pledges are not checked again


def test_no_readiness_increase_broken_by_raising_readiness() -> None:
    st = pledge(start(QUIET), "red", "blue", "no_readiness_increase")
    events, _ = run(give(st, "red", Order("raise_readiness")))
    assert of_kind(events, "pledge_status")[0]["status"] == "broken"


@pytest.mark.parametrize(("orders", "readiness", "status"), [
    ((Order("stand_down"),), 2, "kept"),
    ((), 2, "broken"),
    ((), 0, "kept"),  # nothing left to stand down from
])
def test_stand_down_pledge(orders: tuple[Order, ...], readiness: int, status: str) -> None:
    st = put(start(QUIET), "readiness", ("red",), readiness)
    st = give(pledge(st, "red", "blue", "stand_down"), "red", *orders)
    events, _ = run(st)
    assert of_kind(events, "pledge_status")[0]["status"] == status


def test_notify_activities_pledge_needs_notice_a_turn_ahead() -> None:
    st = give(start(QUIET), "blue", Order("notify_activity", choice="deploy", region="strait"))
    _, st = run(st)
    st = pledge(next_turn(st), "blue", "red", "notify_activities", until=3)
    st = give(st, "blue", Order("deploy", force="blue-fleet", region="strait"))
    events, st = run(st)
    assert not of_kind(events, "pledge_status")
    # An exercise agreed with a partner, never notified, breaks it.
    st = next_turn(st, "communications")
    st, p = propose(st, "blue", Order("joint_exercise", target="green", region="north"))
    _, st = answer(st, p.id, "green", True)
    events, _ = run(st)
    assert of_kind(events, "pledge_status")[0]["status"] == "broken"


def test_pledge_kinds_are_described() -> None:
    assert set(ruleset.pledges) == {"no_deployment", "no_readiness_increase", "stand_down",
                                    "notify_activities"}
    assert ruleset.pledges["no_deployment"].needs_region
    assert "{region}" in ruleset.pledges["no_deployment"].description
