"""Deployments, withdrawals, readiness: detection, threat, misperception, who sees what."""

from __future__ import annotations

import pytest
from rules_support import (
    QUIET,
    N,
    changed,
    give,
    next_turn,
    of_kind,
    put,
    run,
    start,
)

from detente.engine.adjudicate import check_order, legal_moves
from detente.engine.state import Order
from detente.rules import ruleset
from detente.rules.common import proximity, whole

D = N["deployment"]
PER = N["perception"]

DEPLOY = Order("deploy", force="blue-fleet", region="strait")


def seen_by_all(state):  # type: ignore[no-untyped-def]
    for o in ("red", "green"):
        state = put(state, "information", (o, "blue"), 1.0)
    return state


def test_detected_deployment_threatens_the_neighbour_and_reassures_the_ally() -> None:
    st = seen_by_all(start(QUIET))
    events, after = run(give(st, "blue", DEPLOY))
    assert after.forces["blue-fleet"].region == "strait"
    assert after.forces["blue-fleet"].known_to == {"blue", "red", "green"}
    felt = whole(D["deploy_threat"] * (1 - PER["info_damping"]))
    assert changed(events, "threat", ("red", "blue")) == felt
    assert changed(events, "trust", ("green", "blue")) == D["ally_trust"]
    assert changed(events, "threat", ("green", "blue")) == 0
    assert proximity(after, "blue", "red") == 1


def test_undetected_deployment_is_hidden_but_raises_proximity() -> None:
    st = start(QUIET)
    for o in ("red", "green"):
        st = put(st, "information", (o, "blue"), 0.0)
    events, after = run(give(st, "blue", DEPLOY))
    assert after.forces["blue-fleet"].known_to == {"blue"}
    assert changed(events, "threat", ("red", "blue")) == 0
    assert proximity(after, "blue", "red") == 1
    for e in events:
        if e["kind"] in ("force", "move", "changed"):
            assert e["vis"] == ["blue"], e
    detect = [e for e in of_kind(events, "roll") if e["id"].startswith("detect:")]
    assert {e["id"] for e in detect} == {"detect:blue-fleet:red", "detect:blue-fleet:green"}
    assert all(e["vis"] == "fac" for e in detect)


def test_detection_chance_is_information_times_factors() -> None:
    st = start(QUIET)
    events, _ = run(give(st, "blue", DEPLOY))
    p = {e["id"]: e["p"] for e in of_kind(events, "roll")}
    info = N["defaults"]["information"]
    near = min(1, info * PER["detect_factor"] * PER["detect_near"])
    assert p["detect:blue-fleet:red"] == pytest.approx(near)
    assert p["detect:blue-fleet:green"] == pytest.approx(info * PER["detect_factor"])


def test_misperception_doubles_the_threat() -> None:
    # Information 0.5 seen through a sure misreading: detected (p = 1) and misread (p = 1).
    st = start({**QUIET, "perception": {"misperception_base": 2.0, "detect_factor": 2.0}})
    events, _ = run(give(st, "blue", DEPLOY))
    rid = "misperceive:red:blue:deploy:blue-fleet"
    (roll,) = [e for e in of_kind(events, "roll") if e["id"] == rid]
    assert roll["success"] and roll["p"] == 1.0
    info = N["defaults"]["information"]
    damped = D["deploy_threat"] * (1 - PER["info_damping"] * info)
    expected = whole(damped * PER["misperception_factor"])
    assert changed(events, "threat", ("red", "blue")) == expected


def test_deploy_check_refuses_the_current_region_and_others_forces() -> None:
    st = start(QUIET)
    here = check_order(st, "blue", Order("deploy", force="blue-fleet", region="bay"), ruleset,
                       "orders")
    assert here is not None and "already" in here
    theirs = check_order(st, "blue", Order("deploy", force="red-fleet", region="strait"), ruleset,
                         "orders")
    assert theirs is not None and "not a valid force" in theirs
    assert check_order(st, "blue", DEPLOY, ruleset, "orders") is None


def test_a_force_moves_once_a_turn() -> None:
    st = seen_by_all(start(QUIET))
    again = Order("deploy", force="blue-fleet", region="north")
    events, after = run(give(st, "blue", DEPLOY, again))
    assert after.forces["blue-fleet"].region == "strait"
    assert [e["result"] for e in of_kind(events, "move")] == ["done", "void"]


def test_withdraw_brings_the_force_home_and_eases_the_neighbour() -> None:
    st = seen_by_all(start(QUIET))
    assert "withdraw" not in {m.move.name for m in legal_moves(st, "blue", ruleset)}
    _, st = run(give(st, "blue", DEPLOY))
    st = next_turn(st)
    assert "withdraw" in {m.move.name for m in legal_moves(st, "blue", ruleset)}
    events, after = run(give(st, "blue", Order("withdraw", force="blue-fleet")))
    assert after.forces["blue-fleet"].region == "bay"
    assert after.forces["blue-fleet"].known_to == {"blue", "red", "green"}
    assert changed(events, "threat", ("red", "blue")) == -D["withdraw_threat"]
    assert proximity(after, "blue", "red") == 0


def test_raise_readiness_is_public_and_threatens_non_allies() -> None:
    st = start(QUIET)
    events, after = run(give(st, "red", Order("raise_readiness")))
    assert after.actors["red"].readiness == st.actors["red"].readiness + 1
    (ready,) = [e for e in of_kind(events, "changed") if e["value"] == "readiness"]
    assert ready["vis"] == "all"
    info = N["defaults"]["information"]
    expected = whole(D["readiness_threat"] * (1 - PER["info_damping"] * info))
    assert changed(events, "threat", ("blue", "red")) == expected
    assert changed(events, "threat", ("green", "red")) == expected
    # No relief at home: escalation is not a safety valve for domestic pressure (Fearon).
    assert changed(events, "pressure", ("red",)) == 0
    # Allies are not threatened by each other's mobilisation.
    events, _ = run(give(st, "blue", Order("raise_readiness")))
    assert changed(events, "threat", ("green", "blue")) == 0


def test_readiness_limits_make_moves_unavailable() -> None:
    st = put(start(QUIET), "readiness", ("blue",), 4)
    names = {m.move.name for m in legal_moves(st, "blue", ruleset)}
    assert "raise_readiness" not in names and "stand_down" in names
    st = put(st, "readiness", ("blue",), 0)
    names = {m.move.name for m in legal_moves(st, "blue", ruleset)}
    assert "stand_down" not in names and "raise_readiness" in names


def test_stand_down_lowers_readiness_and_everyones_threat() -> None:
    st = start(QUIET)
    events, after = run(give(st, "red", Order("stand_down")))
    assert after.actors["red"].readiness == st.actors["red"].readiness - 1
    assert changed(events, "threat", ("blue", "red")) == -D["stand_down_threat"]
    assert changed(events, "threat", ("green", "red")) == -D["stand_down_threat"]
    assert changed(events, "pressure", ("red",)) == D["stand_down_pressure"]
