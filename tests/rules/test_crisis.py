"""Incidents have a cause and a crisis; alliances decide (issue 12).

An incident is attributed (who came closer, who was more ready, who gave no notice — or nobody);
a grave one at high tension opens a crisis that the two sides defuse by talking or stepping back,
or lose to open conflict; allies are drawn in only when asked, each answering for itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rules_support import QUIET, N, answer, changed, give, next_turn, of_kind, propose, put, run, start

from detente.engine.adjudicate import legal_moves
from detente.engine.commands import Advance, HangUp, Override, Propose, Respond, Start, SubmitOrders
from detente.engine.events import fold
from detente.engine.loader import load_scenario, ruleset_numbers
from detente.engine.ruleset import merge_numbers
from detente.engine.session import Session, new_session
from detente.engine.state import ForceState, Notice, Order, State
from detente.rules import ruleset
from detente.rules.incidents import blame

INC, CRISIS, AL = N["incidents"], N["crisis"], N["alliances"]
EVERYONE = frozenset({"blue", "red", "green"})
MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


def at(state: State, **where: str) -> State:
    """Forces moved: ``at(st, red="strait")`` puts red's fleet in the strait, seen by everyone."""
    forces = {**state.forces, **{f"{a}-fleet": ForceState(r, EVERYONE) for a, r in where.items()}}
    return state.replace(forces=forces)


def sure(**more: int | float) -> dict[str, dict[str, int | float]]:
    """Numbers under which every close pair has an incident, a grave one."""
    return {**QUIET, "incidents": {"base": 1.0, "cap": 1.0, "serious_min": 2, "grave_min": 2, **more}}


# -- who caused it ---------------------------------------------------------------------------------


def test_the_side_whose_force_came_closer_unannounced_is_blamed() -> None:
    st = at(start(), red="strait")
    assert blame(st, "blue", "red", "strait") == (
        "red", "Borealis's red-fleet came closer and gave no notice")


def test_the_side_on_higher_alert_is_blamed_when_both_came_as_close() -> None:
    st = put(at(start(), red="strait", blue="strait"), "readiness", ("red",), 3)
    assert blame(st, "blue", "red") == ("red", "Borealis was on higher alert")
    st = put(put(at(start(), red="strait"), "readiness", ("red",), 3), "readiness", ("blue",), 0)
    assert blame(st, "blue", "red") == (
        "red", "Borealis's red-fleet came closer, was on higher alert and gave no notice")


def test_the_side_that_gave_no_notice_is_blamed() -> None:
    st = at(start(), red="strait", blue="strait")
    st = st.replace(notices=(Notice("blue", "deploy", "strait", 0),))
    assert blame(st, "blue", "red") == ("red", "Borealis gave no notice")


@pytest.mark.parametrize("case", ["nothing separates them", "findings cancel out"])
def test_blame_is_unclear_when_the_findings_do_not_separate_the_sides(case: str) -> None:
    if case == "nothing separates them":
        st = at(start(), red="strait", blue="strait")
    else:  # red came closer but had notified it; blue was on higher alert
        st = put(at(start(), red="strait"), "readiness", ("blue",), 3)
        st = st.replace(notices=(Notice("red", "deploy", "strait", 0),))
    assert blame(st, "blue", "red") == ("", "")


def test_the_blamed_side_is_named_and_its_victim_feels_more_threat() -> None:
    from detente.engine.conditions import Facts

    events, after = run(at(start(sure(grave_min=13, serious_min=13)), red="strait"))
    facts = Facts(after)
    assert (facts.blamed("red", "blue"), facts.blamed("blue", "red")) == (1, 0)
    (inc,) = of_kind(events, "incident")
    assert inc["blame"] == "red" and inc["severity"] == "minor"
    assert inc["text"] == ("A minor incident between Azuria and Borealis in the Strait "
                           "(Borealis's red-fleet came closer and gave no notice)")
    assert changed(events, "threat", ("blue", "red")) == INC["minor_threat"] + INC["blame_threat"]
    assert changed(events, "threat", ("red", "blue")) == INC["minor_threat"]
    assert changed(events, "trust", ("blue", "red")) == -INC["blame_trust"]
    assert changed(events, "trust", ("red", "blue")) == 0


def test_an_unclear_incident_weighs_on_both_sides_alike() -> None:
    events, _ = run(at(start(sure(grave_min=13, serious_min=13)), red="strait", blue="strait"))
    (inc,) = of_kind(events, "incident")
    assert inc["blame"] == "" and inc["text"].endswith("(who caused it is unclear)")
    assert changed(events, "threat", ("blue", "red")) == changed(events, "threat", ("red", "blue"))


# -- a grave incident at high tension opens a crisis ---------------------------------------------


def test_a_grave_incident_at_high_tension_opens_a_crisis_not_a_war() -> None:
    st = put(at(start(sure()), red="strait"), "tension", ("blue", "red"), CRISIS["tension"])
    events, after = run(st)
    assert of_kind(events, "incident")[0]["severity"] == "grave"
    assert "conflict" not in after.marks
    assert after.marks["crisis:blue:red"] == {"turn": 2, "blame": "red"}
    (opened,) = of_kind(events, "crisis")
    assert opened["status"] == "opened" and opened["resolves"] == 2 and opened["vis"] == ["blue", "red"]
    # Below the line, a grave incident is only a grave incident.
    _, calm = run(put(st, "tension", ("blue", "red"), CRISIS["tension"] - 1))
    assert "crisis:blue:red" not in calm.marks


def mini(**over: dict[str, int | float]) -> Session:
    """Azuria and Corvania at the crisis line (tension 70), every close pair sure to have a grave
    incident (unless a call calmed it), no drift or misperception."""
    sc = load_scenario(MINI)
    numbers = merge_numbers(ruleset_numbers(sc), {**sure(calm_factor=0.0), **over})
    s = new_session(sc, numbers=numbers)
    s.apply(Start())
    return s


def ok(s: Session, *commands: object) -> None:
    for c in commands:
        result = s.apply(c)  # type: ignore[arg-type]
        assert result.accepted, result


def to_phase(s: Session, phase: str) -> None:
    while s.state.phase != phase:
        ok(s, Advance())


def crisis_turn() -> Session:
    """A session on the second day's communications, a crisis open between the two since a
    grave incident on the first (Corvania's fleet came into the strait unannounced)."""
    s = mini()
    to_phase(s, "orders")
    ok(s, Override("tension", ("blue", "red"), CRISIS["tension"], "to the crisis line"),
       SubmitOrders("red", (Order("deploy", force="red-fleet", region="strait"),)),
       SubmitOrders("blue", ()))
    to_phase(s, "debrief")
    assert s.state.outcome is None, "a grave incident alone no longer ends the exercise"
    assert s.state.marks["crisis:blue:red"]["turn"] == 2
    to_phase(s, "briefing")
    to_phase(s, "communications")
    return s


def test_on_the_crisis_turn_the_two_sides_are_told_and_the_hotline_is_free() -> None:
    from detente.engine.views import view

    s = crisis_turn()
    for team, other in (("blue", "Corvania"), ("red", "Azuria")):
        (alert,) = view(s.state, team).alerts
        assert alert.startswith(f"Crisis with {other}: the hotline first")
    assert view(s.state, "facilitator").alerts[0].startswith("Crisis between Azuria and Corvania")
    assert view(s.state, "public").alerts == ()
    call = next(lm for lm in legal_moves(s.state, "blue", ruleset) if lm.move.name == "hotline_call")
    assert call.cost == 0
    result = s.apply(Propose("blue", Order("hotline_call", target="red")))
    assert result.accepted and result.events[0]["cost"] == 0
    assert s.state.left("blue") == s.state.value("budget", "blue")


def test_an_answered_call_defuses_the_crisis() -> None:
    s = crisis_turn()
    ok(s, Propose("blue", Order("hotline_call", target="red")), Respond("red", "2-1", True),
       HangUp("blue", "2-1"))
    to_phase(s, "orders")
    ok(s, SubmitOrders("blue", ()), SubmitOrders("red", ()))
    result = s.apply(Advance())  # to adjudication
    (defused,) = of_kind(list(result.events), "crisis")  # type: ignore[union-attr]
    assert defused["text"] == ("The crisis between Azuria and Corvania was defused: Azuria and Corvania "
                               "spoke on the hotline")
    to_phase(s, "debrief")
    assert s.state.outcome is None
    assert "crisis:blue:red" not in s.state.marks


@pytest.mark.parametrize(("orders", "why"), [
    ({}, "neither side spoke or stepped back"),
    ({"red": (Order("raise_readiness"),)}, "Corvania raised readiness"),
])
def test_a_crisis_left_to_run_or_escalated_ends_in_open_conflict(orders: dict[str, tuple[Order, ...]],
                                                                  why: str) -> None:
    s = crisis_turn()
    to_phase(s, "orders")
    ok(s, *(SubmitOrders(t, orders.get(t, ())) for t in ("blue", "red")))
    to_phase(s, "debrief")
    assert s.state.outcome is not None and s.state.outcome.result == "conflict"
    assert s.state.outcome.reason == f"The crisis between Azuria and Corvania was not contained: {why}"


def test_talking_does_not_excuse_an_escalation_the_same_turn() -> None:
    s = crisis_turn()
    ok(s, Propose("blue", Order("hotline_call", target="red")), Respond("red", "2-1", True),
       HangUp("blue", "2-1"))
    to_phase(s, "orders")
    ok(s, SubmitOrders("blue", ()), SubmitOrders("red", (Order("raise_readiness"),)))
    to_phase(s, "debrief")
    assert s.state.outcome is not None and s.state.outcome.result == "conflict"


def test_stepping_back_defuses_a_crisis_without_a_call() -> None:
    st = put(at(start(QUIET), red="strait"), "tension", ("blue", "red"), CRISIS["tension"])
    st = fold(st, {"kind": "mark", "key": "crisis:blue:red", "value": {"turn": 1, "blame": "red"},
                   "vis": ["blue", "red"]})
    events, after = run(give(st, "red", Order("withdraw", force="red-fleet")))
    (defused,) = of_kind(events, "crisis")
    assert defused["status"] == "defused"
    assert defused["text"] == ("The crisis between Azuria and Borealis was defused: "
                               "Borealis withdrew red-fleet")
    assert changed(events, "tension", ("blue", "red"), "defused") == -CRISIS["defused_tension"]
    assert "crisis:blue:red" not in after.marks and "conflict" not in after.marks


# -- alliances decide ----------------------------------------------------------------------------


def talks(state: State) -> State:
    return fold(state, {"kind": "phase", "turn": state.turn, "phase": "communications"})


def test_an_incident_no_longer_drags_allies_in_by_itself() -> None:
    events, after = run(at(start(sure()), red="strait"))
    assert changed(events, "tension", ("green", "red")) == 0
    assert changed(events, "cohesion", ("pact",)) == 0
    assert after.marks["attacked:blue:red"] == 2  # blue may call on its allies next turn


def test_the_side_to_blame_cannot_invoke_collective_defence() -> None:
    _, after = run(at(start(sure()), blue="strait"))  # blue came closer, unannounced
    assert not any(k.startswith("attacked:") for k in after.marks)
    moves = {lm.move.name for lm in legal_moves(talks(next_turn(after)), "blue", ruleset)}
    assert "invoke_collective_defence" not in moves and "consultations" in moves


def attacked() -> State:
    """The turn after a grave incident red was blamed for: blue may invoke collective defence."""
    _, after = run(at(start(sure()), red="strait"))
    return talks(next_turn(after).replace(numbers=start(QUIET).numbers))


@pytest.mark.parametrize("reply", [True, False, None])
def test_each_ally_answers_a_call_for_collective_defence(reply: bool | None) -> None:
    st = attacked()
    (lm,) = [lm for lm in legal_moves(st, "blue", ruleset) if lm.move.name == "invoke_collective_defence"]
    assert lm.choices["targets"] == ("green",)
    st, p = propose(st, "blue", Order("invoke_collective_defence", targets=("green",)))
    events, _ = answer(st, p.id, "green", reply)
    (said,) = of_kind(events, "move")
    assert said["vis"] == ["blue", "green"]  # the alliance hears how its member answered
    if reply:  # solidarity
        assert said["result"] == "solidarity"
        assert changed(events, "cohesion", ("pact",)) == AL["solidarity_cohesion"]
        assert changed(events, "threat", ("red", "green")) == AL["solidarity_threat"]
        assert changed(events, "tension", ("green", "red")) == AL["solidarity_tension"]
        assert changed(events, "tension", ("blue", "red")) == 0
    else:  # restraint, or silence
        assert changed(events, "cohesion", ("pact",)) == -AL["restraint_cohesion"]
        assert changed(events, "threat", ("red", "green")) == 0
        eased = 0 if reply is None else -AL["restraint_tension"]
        assert changed(events, "tension", ("blue", "red")) == eased


def test_collective_defence_is_invoked_once() -> None:
    st, _ = propose(attacked(), "blue", Order("invoke_collective_defence", targets=("green",)))
    assert "invoke_collective_defence" not in {lm.move.name for lm in legal_moves(st, "blue", ruleset)}


def test_the_chance_to_invoke_closes_with_its_turn() -> None:
    st = attacked()
    _, later = run(st.replace(phase="orders"))
    assert "attacked:blue:red" not in later.marks


@pytest.mark.parametrize("reply", [True, False])
def test_consultations_move_cohesion_and_the_requesters_sense_of_threat(reply: bool) -> None:
    st, p = propose(talks(start(QUIET)), "blue", Order("consultations", targets=("green",)))
    events, _ = answer(st, p.id, "green", reply)
    if reply:
        assert changed(events, "cohesion", ("pact",)) == AL["consultations_cohesion"]
        assert changed(events, "threat", ("blue", "red")) == -AL["consultations_threat"]
    else:
        assert changed(events, "cohesion", ("pact",)) == -AL["consultations_declined_cohesion"]
        assert changed(events, "threat", ("blue", "red")) == 0


def test_an_actor_without_allies_cannot_ask_for_consultations() -> None:
    assert "consultations" not in {lm.move.name for lm in legal_moves(talks(start()), "red", ruleset)}


def test_the_facilitator_can_annul_a_failed_crisis_and_no_war_follows() -> None:
    from detente.engine.annul import annullable
    from detente.engine.commands import Annul

    s = crisis_turn()
    to_phase(s, "orders")
    ok(s, SubmitOrders("blue", ()), SubmitOrders("red", ()))
    to_phase(s, "adjudication")
    failed = next(a for a in annullable(s) if a.kind == "crisis" and "not contained" in a.text)
    ok(s, Annul(failed.target, "the two sides were talking through the embassy all day"))
    assert "conflict" not in s.state.marks
    # The day's new grave incident would lift the pair to the top of the ladder, and open a new
    # crisis: annulled too.
    incident = next(a for a in annullable(s) if a.kind == "incident")
    ok(s, Annul(incident.target, "no second collision"))
    assert "crisis:blue:red" not in s.state.marks
    to_phase(s, "debrief")
    assert s.state.outcome is None
