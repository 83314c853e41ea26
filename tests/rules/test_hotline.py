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
from detente.engine.commands import (
    Advance,
    Command,
    HangUp,
    MakePledge,
    Propose,
    RateCall,
    Respond,
    Say,
)
from detente.engine.events import Event
from detente.engine.session import Accepted, Session
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


def test_answering_calms_the_pair_and_changes_nothing_until_the_call_ends() -> None:
    st, p = propose(with_hotline(), "blue", Order("hotline_call", target="red"))
    events, after = answer(st, p.id, "red", True)
    assert "calm:blue:red" in after.flags
    assert of_kind(events, "changed") == [], "what the call does waits for what is said on it"


# -- what is said on a call (issue 12) ----------------------------------------------------------


def on_a_call(overrides: dict[str, dict[str, float]] | None = None) -> Session:
    """A session in communications where red has answered blue's call (id 1-1)."""
    st = with_hotline(start({**QUIET, **(overrides or {})}, phase="communications"))
    s = Session(st.scenario, ruleset, 1, st.numbers, state=st)
    for c in (Propose("blue", Order("hotline_call", target="red")), Respond("red", "1-1", accept=True)):
        assert s.apply(c).accepted
    return s


def send(s: Session, *commands: Command) -> list[Event]:
    """Apply each command (all must be accepted); their events."""
    out: list[Event] = []
    for c in commands:
        result = s.apply(c)
        assert isinstance(result, Accepted), getattr(result, "reason", "")
        out += result.events
    return out


def test_a_reassuring_call_with_a_pledge_lowers_tension_about_as_much_as_any_answered_call_did() -> None:
    s = on_a_call()
    events = send(
        s,
        Say("blue", "1-1", "We mean no harm: the patrol turns back tonight.", tone="reassure"),
        MakePledge("blue", "1-1", "no_readiness_increase", turns=2),
        Say("red", "1-1", "Then we will stay calm too.", tone="reassure"),
    )
    assert of_kind(events, "changed") == [], "nothing moves until the call ends"
    events = send(s, HangUp("red", "1-1"))
    tension = changed(events, "tension", ("blue", "red"))
    assert tension == -(H["answered_tension"] + 2 * H["reassure_tension"] + H["pledge_tension"])
    assert -6 <= tension <= -4, "a helpful call does about what every answered call did before (-5)"
    # What each side hears: reassurance (and blue's pledge) lowers the threat it feels.
    assert changed(events, "threat", ("red", "blue")) == -(H["reassure_threat"] + H["pledge_threat"])
    assert changed(events, "threat", ("blue", "red")) == -H["reassure_threat"]
    assert changed(events, "trust", ("red", "blue")) == H["answered_trust"]
    (cause,) = {e["cause"] for e in of_kind(events, "changed")}
    assert "Azuria reassured" in cause and "Borealis reassured" in cause and "1 pledge" in cause
    # The call is private: green may see tension move, never why.
    assert all(e["vis"] != "all" and "green" not in e["vis"] for e in events)


def test_a_call_that_only_trades_demands_raises_tension() -> None:
    s = on_a_call()
    events = send(
        s,
        Say("blue", "1-1", "Withdraw your fleet from the strait.", tone="demand"),
        Say("red", "1-1", "You withdraw first.", tone="demand"),
        HangUp("blue", "1-1"),
    )
    assert changed(events, "tension", ("blue", "red")) == 2 * H["demand_tension"] - H["answered_tension"] > 0
    assert changed(events, "trust", ("red", "blue")) == H["answered_trust"] - H["demand_trust"] < 0
    assert "made demands" in of_kind(events, "changed")[0]["cause"]


def test_a_warning_is_felt_as_threat_and_tells_where_the_line_is() -> None:
    s = on_a_call()
    events = send(s, Say("blue", "1-1", "A step further and we respond.", tone="warn"), HangUp("red", "1-1"))
    assert changed(events, "threat", ("red", "blue")) == H["warn_threat"]
    assert changed(events, "information", ("red", "blue")) == H["warn_information"]
    assert changed(events, "tension", ("blue", "red")) == -H["answered_tension"]


def test_a_side_that_chooses_no_tone_counts_as_informing_and_the_last_tone_it_gave_counts() -> None:
    s = on_a_call()
    events = send(
        s,
        Say("blue", "1-1", "Leave the strait now.", tone="demand"),
        Say("blue", "1-1", "I spoke in haste: we are sorry about the collision.", tone="apologise"),
        Say("blue", "1-1", "We will call again tomorrow."),  # no tone: blue's stays an apology
        Say("red", "1-1", "Noted."),
        HangUp("red", "1-1"),
    )
    assert changed(events, "information", ("blue", "red")) == ruleset.numbers["hotline"]["inform_information"]
    assert changed(events, "trust", ("red", "blue")) == H["answered_trust"] + H["apologise_trust"]
    assert changed(events, "tension", ("blue", "red")) == -(H["answered_tension"] + H["apologise_tension"])
    assert "Borealis informed (no tone chosen)" in of_kind(events, "changed")[0]["cause"]
    # A call where neither side chose a tone still calms a little.
    s = on_a_call()
    events = send(s, HangUp("blue", "1-1"))
    assert changed(events, "tension", ("blue", "red")) == -H["answered_tension"]


def test_a_tone_the_rules_do_not_have_is_refused() -> None:
    s = on_a_call()
    result = s.apply(Say("blue", "1-1", "Hello", tone="flatter"))
    assert not result.accepted and "unknown tone 'flatter'" in result.reason  # type: ignore[union-attr]
    assert "reassure" in result.reason  # type: ignore[union-attr]


@pytest.mark.parametrize("rating", [2, -2])
def test_the_facilitators_rating_changes_what_a_call_does(rating: int) -> None:
    said = (Say("blue", "1-1", "We are ready to talk.", tone="inform"),)
    plain = send(on_a_call(), *said, HangUp("blue", "1-1"))
    s = on_a_call()
    rated = send(s, *said, RateCall("1-1", rating), HangUp("blue", "1-1"))
    (event,) = of_kind(rated, "rating")
    assert event["rating"] == rating and event["vis"] == ["blue", "red"]
    delta = changed(rated, "tension", ("blue", "red")) - changed(plain, "tension", ("blue", "red"))
    assert delta == -rating * H["rating_tension"]
    trust = changed(rated, "trust", ("red", "blue")) - changed(plain, "trust", ("red", "blue"))
    assert trust == rating * H["rating_trust"]
    assert any(f"the facilitator rated the call between Azuria and Borealis {rating:+d}" in e["cause"]
               for e in of_kind(rated, "changed"))
    # Once per call; a call that ended can still be rated until the orders are in.
    again = s.apply(RateCall("1-1", 1))
    assert not again.accepted and "already rated" in again.reason  # type: ignore[union-attr]
    s = on_a_call()
    send(s, HangUp("blue", "1-1"), Advance())
    assert s.state.phase == "orders"
    assert of_kind(send(s, RateCall("1-1", 1)), "rating")


def test_only_an_answered_call_is_rated_from_minus_two_to_two() -> None:
    s = on_a_call()
    for rating in (3, -3):
        result = s.apply(RateCall("1-1", rating))
        assert not result.accepted and "from -2 to +2" in result.reason  # type: ignore[union-attr]
    st, p = propose(with_hotline(), "blue", Order("hotline_call", target="red"))
    ringing = Session(st.scenario, ruleset, 1, st.numbers, state=st)
    result = ringing.apply(RateCall(p.id, 1))
    assert not result.accepted and "not answered" in result.reason  # type: ignore[union-attr]


def test_a_call_still_open_when_communications_close_takes_effect_once() -> None:
    s = on_a_call()
    send(s, Say("blue", "1-1", "Stand down your aircraft.", tone="demand"))
    events = send(s, Advance())
    (hang_up,) = of_kind(events, "hang_up")
    assert hang_up["by"] == "facilitator"
    assert changed(events, "tension", ("blue", "red")) == H["demand_tension"] - H["answered_tension"]
    assert not s.apply(HangUp("red", "1-1")).accepted, "the call is over"
    later = send(s, Advance(), Advance())  # adjudication, then the debrief
    assert not [e for e in of_kind(later, "changed") if "hotline call" in e["cause"]]


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
