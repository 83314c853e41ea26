"""Prior notification, observers, data exchange and inspection."""

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
    propose,
    put,
    run,
    start,
)

from detente.engine.state import ForceState, Order
from detente.rules.common import whole

T = N["transparency"]
D = N["deployment"]
INFO = N["defaults"]["information"]


def test_notice_is_public_and_halves_a_later_deployments_threat() -> None:
    st = give(start(QUIET), "blue", Order("notify_activity", choice="deploy", region="strait"))
    events, st = run(st)
    (notice,) = of_kind(events, "notice")
    assert notice["vis"] == "all"
    assert (notice["activity"], notice["region"]) == ("deploy", "strait")
    assert changed(events, "trust", ("red", "blue")) == T["notice_trust"]
    st = give(next_turn(st), "blue", Order("deploy", force="blue-fleet", region="strait"))
    events, after = run(st)
    base = D["deploy_threat"] * (1 - N["perception"]["info_damping"] * INFO)
    assert changed(events, "threat", ("red", "blue")) == whole(base * T["notice_factor"])
    # Notified: everyone knows where the fleet went, without rolling for it.
    assert after.forces["blue-fleet"].known_to == {"blue", "red", "green"}
    assert not [e for e in of_kind(events, "roll") if e["id"].startswith("detect:")]


def test_notice_the_same_turn_does_not_count() -> None:
    st = start(QUIET)
    st = put(st, "information", ("red", "blue"), 1.0)  # red surely detects
    st = give(st, "blue", Order("notify_activity", choice="deploy", region="strait"),
              Order("deploy", force="blue-fleet", region="strait"))
    events, _ = run(st)
    full = whole(D["deploy_threat"] * (1 - N["perception"]["info_damping"] * 1.0))
    assert changed(events, "threat", ("red", "blue"), "deployed") == full


def test_observers_learn_information_trust_and_force_positions() -> None:
    # The blue fleet went north unseen on an earlier turn.
    st = put(start(QUIET), "information", ("red", "blue"), 0.0)
    st = st.replace(forces={**st.forces, "blue-fleet": ForceState("north", frozenset({"blue"}))})
    events, after = run(give(st, "blue", Order("invite_observers", target="red")))
    gained = changed(events, "information", ("red", "blue"))
    assert gained == pytest.approx(T["observers_information"])
    assert changed(events, "trust", ("red", "blue")) == T["observers_trust"]
    assert "red" in after.forces["blue-fleet"].known_to
    assert "green" not in after.forces["blue-fleet"].known_to
    assert all(e["vis"] in (["blue", "red"], ["red"], "fac") for e in events)


def test_observers_see_this_turns_deployment() -> None:
    st = put(start(QUIET), "information", ("red", "blue"), 0.0)
    st = give(st, "blue", Order("invite_observers", target="red"),
              Order("deploy", force="blue-fleet", region="north"))
    _, after = run(st)
    assert "red" in after.forces["blue-fleet"].known_to


def test_one_sided_data_exchange_informs_only_the_target() -> None:
    events, _ = run(give(start(QUIET), "blue", Order("data_exchange", target="red")))
    gained = changed(events, "information", ("red", "blue"))
    assert gained == pytest.approx(T["exchange_information"])
    assert changed(events, "trust", ("red", "blue")) == T["exchange_trust"]
    assert changed(events, "information", ("blue", "red")) == 0


def test_mutual_data_exchange_counts_once_each_way() -> None:
    st = give(start(QUIET), "blue", Order("data_exchange", target="red"),
              Order("data_exchange", target="red"))
    st = give(st, "red", Order("data_exchange", target="blue"))
    events, _ = run(st)
    for a, b in (("red", "blue"), ("blue", "red")):
        gained = changed(events, "information", (a, b))
        assert gained == pytest.approx(T["exchange_information"])
    assert [e["result"] for e in of_kind(events, "move")].count("void") == 1


def test_accepted_inspection_informs_the_requester() -> None:
    st, p = propose(start(QUIET, phase="communications"), "blue",
                    Order("request_inspection", target="red"))
    events, _ = answer(st, p.id, "red", True)
    gained = changed(events, "information", ("blue", "red"))
    assert gained == pytest.approx(T["inspection_information"])
    assert changed(events, "trust", ("blue", "red")) == T["inspection_trust"]


@pytest.mark.parametrize("accept", [False, None])
def test_refused_inspection_is_a_signal(accept: bool | None) -> None:
    st, p = propose(start(QUIET, phase="communications"), "blue",
                    Order("request_inspection", target="red"))
    events, _ = answer(st, p.id, "red", accept)
    assert changed(events, "threat", ("blue", "red")) == T["inspection_refused_threat"]
    assert changed(events, "trust", ("blue", "red")) == -T["inspection_refused_trust"]
