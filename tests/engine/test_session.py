"""Sessions: phases, commands, rejections that change nothing, injects, endings."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.engine.commands import (
    AddInject,
    Advance,
    End,
    HangUp,
    MakePledge,
    Note,
    Override,
    Propose,
    Respond,
    Say,
    Start,
    SubmitOrders,
)
from detente.engine.loader import load_scenario
from detente.engine.scenario import Effect
from detente.engine.session import Accepted, Rejected, Session, new_session
from detente.engine.state import Order

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


@pytest.fixture
def session() -> Session:
    return new_session(load_scenario(MINI))


def ok(session: Session, command) -> Accepted:  # type: ignore[no-untyped-def]
    result = session.apply(command)
    assert isinstance(result, Accepted), getattr(result, "reason", result)
    return result


def to_phase(session: Session, phase: str) -> None:
    if session.state.phase == "setup":
        ok(session, Start())
    while session.state.phase != phase:
        ok(session, Advance())


def kinds(result: Accepted) -> list[str]:
    return [e["kind"] for e in result.events]


def test_start_opens_turn_one_briefing_with_scheduled_injects(session: Session) -> None:
    result = ok(session, Start())
    assert (session.state.turn, session.state.phase) == (1, "briefing")
    delivered = [e["id"] for e in result.events if e["kind"] == "inject"]
    assert delivered == ["opening", "red-only"]
    red_only = next(e for e in result.events if e.get("id") == "red-only")
    assert red_only["vis"] == ["red"]


def test_phases_run_in_order_and_turns_advance(session: Session) -> None:
    ok(session, Start())
    seen = []
    for _ in range(5):
        ok(session, Advance())
        seen.append((session.state.turn, session.state.phase))
    assert seen == [
        (1, "communications"), (1, "orders"), (1, "adjudication"), (1, "debrief"), (2, "briefing"),
    ]


@pytest.mark.parametrize(
    ("command", "phase", "reason"),
    [
        (SubmitOrders("blue", ()), "briefing", "orders phase"),
        (Propose("blue", Order("hotline_call", target="red")), "orders", "communications phase"),
        (SubmitOrders("green", ()), "orders", "unknown team"),
        (SubmitOrders("blue", (Order("teleport"),)), "orders", "unknown move"),
        (SubmitOrders("blue", (Order("deploy", force="red-fleet", region="strait"),)), "orders",
         "not a valid force"),
        (Propose("blue", Order("hotline_call", target="blue")), "communications", "not a valid target"),
        (Respond("red", "9-9", True), "communications", "no call or proposal"),
        (Override("tension", ("blue", "red"), 80, ""), "orders", "needs a reason"),
        (Override("tension", ("blue", "red"), 180, "test"), "orders", "between"),
        (Note(""), "orders", "empty"),
        (Start(), "orders", "already started"),
    ],
)
def test_rejected_commands_leave_the_state_exactly_as_it_was(
    session: Session, command, phase: str, reason: str  # type: ignore[no-untyped-def]
) -> None:
    to_phase(session, phase)
    before = session.state
    result = session.apply(command)
    assert isinstance(result, Rejected)
    assert reason in result.reason
    assert session.state is before


def test_nothing_but_start_before_the_session_starts(session: Session) -> None:
    result = session.apply(Advance())
    assert isinstance(result, Rejected) and "not started" in result.reason


def test_orders_are_sealed_once(session: Session) -> None:
    to_phase(session, "orders")
    ok(session, SubmitOrders("blue", ()))
    result = session.apply(SubmitOrders("blue", (Order("raise_readiness"),)))
    assert isinstance(result, Rejected) and "already sealed" in result.reason
    assert session.waiting_for() == ("red",)


def test_orders_over_budget_are_refused(session: Session) -> None:
    to_phase(session, "orders")
    budget = session.state.actors["blue"].budget
    many = tuple(Order("public_statement", choice="neutral") for _ in range(budget + 1))
    result = session.apply(SubmitOrders("blue", many))
    assert isinstance(result, Rejected) and "left this turn" in result.reason


def test_answered_call_transcript_pledge_and_hang_up(session: Session) -> None:
    to_phase(session, "communications")
    tension = session.state.value("tension", "blue", "red")
    placed = ok(session, Propose("blue", Order("hotline_call", target="red")))
    pid = placed.events[0]["id"]
    assert session.waiting_for() == ("red",)
    ok(session, Respond("red", pid, True))
    ok(session, Say("blue", pid, "Our fleet stays in port."))
    ok(session, Say("red", pid, "Noted."))
    ok(session, MakePledge("blue", pid, "no_deployment", region="strait", turns=2))
    # What the call does waits for its end (what was said on it decides).
    assert session.state.value("tension", "blue", "red") == tension
    ok(session, HangUp("red", pid))
    assert session.state.value("tension", "blue", "red") < tension
    call = session.state.proposals[pid]
    assert [m.text for m in call.transcript] == ["Our fleet stays in port.", "Noted."]
    assert call.status == "ended"
    (pledge,) = session.state.pledges.values()
    assert (pledge.by, pledge.to, pledge.region, pledge.until) == ("blue", "red", "strait", 2)
    assert ("blue", "red", "answered") in session.state.calls
    # A pledge cannot be made once the call is over.
    assert isinstance(session.apply(MakePledge("red", pid, "stand_down")), Rejected)


def test_broken_pledge_is_an_event_and_costs_trust(session: Session) -> None:
    to_phase(session, "communications")
    pid = ok(session, Propose("blue", Order("hotline_call", target="red"))).events[0]["id"]
    ok(session, Respond("red", pid, True))
    ok(session, MakePledge("blue", pid, "no_deployment", region="strait", turns=2))
    ok(session, HangUp("blue", pid))
    ok(session, Advance())
    ok(session, SubmitOrders("blue", (Order("deploy", force="blue-fleet", region="strait"),)))
    trust = session.state.outlook("red", "blue").trust
    result = ok(session, Advance())  # adjudication
    statuses = [e for e in result.events if e["kind"] == "pledge_status"]
    assert [e["status"] for e in statuses] == ["broken"]
    assert session.state.outlook("red", "blue").trust < trust


def test_declined_and_unanswered_calls_are_signals(session: Session) -> None:
    to_phase(session, "communications")
    threat = session.state.outlook("blue", "red").threat
    pid = ok(session, Propose("blue", Order("hotline_call", target="red"))).events[0]["id"]
    ok(session, Respond("red", pid, False))
    assert session.state.outlook("blue", "red").threat > threat
    assert ("blue", "red", "declined") in session.state.calls

    ok(session, Advance())
    ok(session, Advance())
    ok(session, Advance())
    ok(session, Advance())  # turn 2 briefing
    ok(session, Advance())  # communications
    threat = session.state.outlook("red", "blue").threat
    pid = ok(session, Propose("red", Order("hotline_call", target="blue"))).events[0]["id"]
    result = ok(session, Advance())  # blue never answered
    assert "unanswered" in kinds(result)
    assert session.state.proposals[pid].status == "settled"
    assert session.state.outlook("red", "blue").threat > threat


def test_conditional_inject_fires_at_a_briefing_once(session: Session) -> None:
    to_phase(session, "orders")
    ok(session, Override("tension", ("blue", "red"), 50, "raise the stakes"))
    ok(session, Advance())
    ok(session, Advance())
    result = ok(session, Advance())  # turn 2 briefing
    assert [e["id"] for e in result.events if e["kind"] == "inject"] == ["tense"]
    for _ in range(5):
        result = ok(session, Advance())
        assert "tense" not in [e.get("id") for e in result.events if e["kind"] == "inject"]


def test_adhoc_inject_with_effects_and_addressees(session: Session) -> None:
    to_phase(session, "communications")
    trust = session.state.outlook("red", "blue").trust
    effect = Effect(value="trust", of=("red", "blue"), add=-10)
    result = ok(session, AddInject("Leaked memo", "A memo leaks.", ("red",), (effect,)))
    inject = result.events[0]
    assert inject["id"] == "adhoc-1" and inject["vis"] == ["red"]
    assert session.state.outlook("red", "blue").trust == trust - 10
    bad = session.apply(AddInject("x", "", ("green",), ()))
    assert isinstance(bad, Rejected)


def test_override_is_logged_with_its_reason(session: Session) -> None:
    to_phase(session, "adjudication")
    result = ok(session, Override("tension", ("blue", "red"), 12, "facilitator judgement"))
    (event,) = result.events
    assert event["kind"] == "override" and event["reason"] == "facilitator judgement"
    assert session.state.value("tension", "red", "blue") == 12


@pytest.mark.parametrize("to", ["40", None, [40], {"x": 1}])
def test_an_override_to_something_not_a_number_is_refused_not_a_crash(session: Session, to: object) -> None:
    to_phase(session, "adjudication")
    result = session.apply(Override("tension", ("blue", "red"), to, "typo"))
    assert isinstance(result, Rejected) and "number" in result.reason


def test_turn_limit_ends_and_scores_objectives(session: Session) -> None:
    ok(session, Start())
    while not session.state.ended:
        ok(session, Advance())
    outcome = session.state.outcome
    assert outcome is not None and outcome.result in ("turn-limit", "de-escalation", "conflict")
    assert session.state.phase == "debrief"
    assert set(outcome.scores) == {"blue", "red"}
    rejected = session.apply(Advance())
    assert isinstance(rejected, Rejected) and "ended" in rejected.reason
    assert isinstance(session.apply(Note("after the end")), Accepted)


def test_facilitator_can_end_early_with_a_reason(session: Session) -> None:
    to_phase(session, "orders")
    assert isinstance(session.apply(End("  ")), Rejected)
    ok(session, End("out of time"))
    assert session.state.outcome.result == "ended"  # type: ignore[union-attr]
    assert session.state.outcome.reason == "out of time"  # type: ignore[union-attr]


def test_conflict_rung_ends_the_game(session: Session) -> None:
    to_phase(session, "adjudication")
    ok(session, Override("tension", ("blue", "red"), 95, "test escalation"))
    result = ok(session, Advance())
    outcome = [e for e in result.events if e["kind"] == "outcome"]
    assert outcome and outcome[0]["result"] == "conflict"


def test_a_budget_cut_below_what_was_spent_still_lets_a_team_pass(session: Session) -> None:
    """An override (or an inject's effect) can leave a team with less than nothing this turn:
    it can no longer pay for a move, but it can still seal its (empty) orders."""
    ok(session, Start())
    while session.state.phase != "communications":
        ok(session, Advance())
    ok(session, Propose("blue", Order("hotline_call", target="red")))
    while session.state.phase != "orders":
        ok(session, Advance())
    assert session.state.spent["blue"] >= 1
    ok(session, Override(value="budget", of=("blue",), to=0, reason="sanctions"))
    refused = session.apply(SubmitOrders(team="blue", orders=(Order("public_statement", choice="neutral"),)))
    assert isinstance(refused, Rejected) and "left this turn" in refused.reason
    ok(session, SubmitOrders(team="blue", orders=()))
