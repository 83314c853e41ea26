"""Exercises, exchanges, agreements, commitments, dialogue and statements."""

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

from detente.engine.adjudicate import check_order, legal_moves
from detente.engine.events import Event, fold
from detente.engine.state import Order, State
from detente.engine.views import view
from detente.rules import ruleset
from detente.rules.common import whole

C = N["cooperation"]
PER = N["perception"]
INFO = N["defaults"]["information"]


def damped(base: float, info: float = INFO) -> int:
    return whole(base * (1 - PER["info_damping"] * info))


def agreed(st: State, team: str, order: Order, accept: bool | None = True) -> tuple[list[Event], State]:
    """``team`` proposes ``order`` in communications and its target answers."""
    st = fold(st, {"kind": "phase", "turn": st.turn, "phase": "communications"})
    st, p = propose(st, team, order)
    return answer(st, p.id, order.target, accept)


def test_joint_exercise_needs_the_partners_consent_and_shows_it_where() -> None:
    """Issue 12, 'consent where practice needs it': an exercise is a proposal the partner sees,
    with its place, and accepts or declines; declined or unanswered, nothing happens."""
    st = start(QUIET)
    exercise = Order("joint_exercise", target="green", region="north")
    st1 = fold(st, {"kind": "phase", "turn": st.turn, "phase": "communications"})
    st1, p = propose(st1, "blue", exercise)
    seen = [q for q in view(st1, "green").proposals if q.id == p.id]
    assert seen and seen[0].order.region == "north"
    for no in (False, None):
        _, declined = agreed(st, "blue", exercise, no)
        events, _ = run(declined)
        assert changed(events, "trust", ("blue", "green")) == 0 and not of_kind(events, "move")


def test_joint_exercise_bonds_partners_and_worries_outsiders() -> None:
    st = start(QUIET)
    _, st = agreed(st, "blue", Order("joint_exercise", target="green", region="north"))
    events, after = run(st)
    assert changed(events, "trust", ("blue", "green")) == C["exercise_trust"]
    assert changed(events, "trust", ("green", "blue")) == C["exercise_trust"]
    assert after.value("cohesion", "pact") == st.value("cohesion", "pact") + C["exercise_cohesion"]
    assert changed(events, "threat", ("red", "blue")) == damped(C["exercise_threat"])
    assert changed(events, "threat", ("red", "green")) == damped(C["exercise_threat"])
    assert all(e["vis"] == "all" for e in of_kind(events, "move"))


def test_notified_exercise_halves_the_security_dilemma() -> None:
    st = give(start(QUIET), "blue", Order("notify_activity", choice="exercise", region="north"))
    _, st = run(st)
    _, st = agreed(next_turn(st), "blue", Order("joint_exercise", target="green", region="north"))
    events, _ = run(st)
    notice = N["transparency"]["notice_factor"]
    base = C["exercise_threat"] * (1 - PER["info_damping"] * INFO) * notice
    assert changed(events, "threat", ("red", "blue"), "exercise") == whole(base)


def test_exercise_agreed_by_both_partners_counts_once() -> None:
    _, st = agreed(start(QUIET), "blue", Order("joint_exercise", target="green", region="north"))
    _, st = agreed(st, "green", Order("joint_exercise", target="blue", region="north"))
    events, _ = run(st)
    assert changed(events, "trust", ("blue", "green")) == C["exercise_trust"]


def test_mil_to_mil_talks_need_the_other_side_and_raise_answer_probability_both_ways() -> None:
    events, _ = agreed(start(QUIET), "blue", Order("mil_to_mil_exchange", target="red"))
    for a, b in (("blue", "red"), ("red", "blue")):
        assert changed(events, "answer", (a, b)) == pytest.approx(C["m2m_answer"])
        assert changed(events, "trust", (a, b)) == C["m2m_trust"]
    assert all(e["vis"] != "all" for e in events)
    declined, _ = agreed(start(QUIET), "blue", Order("mil_to_mil_exchange", target="red"), False)
    assert changed(declined, "answer", ("blue", "red")) == 0


def test_intelligence_sharing_closes_part_of_the_gap() -> None:
    st = put(start(QUIET), "information", ("blue", "red"), 0.9)
    st = put(st, "information", ("green", "red"), 0.3)
    events, _ = run(give(st, "blue", Order("intelligence_sharing", target="green")))
    gained = changed(events, "information", ("green", "red"))
    assert gained == pytest.approx(C["sharing_fraction"] * 0.6)
    assert changed(events, "trust", ("green", "blue")) == C["sharing_trust"]


def test_intelligence_sharing_needs_a_third_actor() -> None:
    st = start(QUIET, actors=2)
    assert "intelligence_sharing" not in {m.move.name for m in legal_moves(st, "blue", ruleset)}


def test_defence_cooperation_agreement_lasts_and_pays_each_turn() -> None:
    st = start(QUIET, phase="communications")
    order = Order("defense_cooperation_agreement", target="green", choice="training")
    st, p = propose(st, "blue", order)
    events, st = answer(st, p.id, "green", True)
    assert st.marks["dca:blue:green:training"] == 1
    assert changed(events, "trust", ("blue", "green")) == C["dca_trust"]
    assert changed(events, "threat", ("red", "blue")) == damped(C["dca_threat"])
    assert check_order(st, "blue", order, ruleset, "communications") is not None
    for _ in range(2):
        events, st = run(st)
        assert changed(events, "trust", ("green", "blue")) == C["dca_training_trust"]
        st = next_turn(st)


def test_declined_agreement_costs_trust() -> None:
    st, p = propose(start(QUIET, phase="communications"), "blue",
                    Order("defense_cooperation_agreement", target="red", choice="technology"))
    events, st = answer(st, p.id, "red", False)
    assert changed(events, "trust", ("blue", "red")) == -C["dca_declined_trust"]
    assert not any(k.startswith("dca:") for k in st.marks)


def test_alliance_commitment_raises_cohesion_or_trust() -> None:
    st, p = propose(start(QUIET, phase="communications"), "blue",
                    Order("alliance_commitment", target="green"))
    events, after = answer(st, p.id, "green", True)
    assert after.value("cohesion", "pact") == st.value("cohesion", "pact") + C["commitment_cohesion"]
    assert changed(events, "threat", ("red", "green")) == damped(C["commitment_threat"])
    st, p = propose(start(QUIET, phase="communications"), "blue",
                    Order("alliance_commitment", target="red"))
    events, _ = answer(st, p.id, "red", True)
    assert changed(events, "trust", ("red", "blue")) == C["commitment_trust"]
    # green is allied with blue, so it is no third party to a blue–red commitment
    assert changed(events, "threat", ("green", "red")) == 0


def test_multilateral_dialogue_eases_tension_with_each_attendee() -> None:
    st = start(QUIET, phase="communications")
    order = Order("multilateral_dialogue", targets=("red", "green"))
    assert check_order(st, "blue", Order("multilateral_dialogue", targets=("red",)), ruleset,
                       "communications") is not None
    st, p = propose(st, "blue", order)
    events, st = answer(st, p.id, "red", True)
    assert changed(events, "tension", ("blue", "red")) == -C["dialogue_tension"]
    assert changed(events, "trust", ("red", "blue")) == C["dialogue_trust"]
    events, st = answer(st, p.id, "green", True)
    # The last answer is in: the attendees' own pair eases too, once.
    assert changed(events, "tension", ("red", "green")) == -C["dialogue_attendee_tension"]


def test_staying_away_from_dialogue_costs_a_little_trust() -> None:
    st, p = propose(start(QUIET, phase="communications"), "blue",
                    Order("multilateral_dialogue", targets=("red", "green")))
    events, st = answer(st, p.id, "red", False)
    assert changed(events, "trust", ("blue", "red")) == -C["dialogue_declined_trust"]
    events, _ = answer(st, p.id, "green", None)
    assert changed(events, "trust", ("blue", "green")) == -C["dialogue_declined_trust"]
    assert changed(events, "tension", ("red", "green")) == 0


@pytest.mark.parametrize(("stance", "target", "value", "of", "delta"), [
    ("reassure", "red", "threat", ("red", "blue"), -C["statement_reassure"]),
    ("warn", "red", "threat", ("red", "blue"), C["statement_warn"]),
    ("support", "green", "cohesion", ("pact",), C["statement_support_cohesion"]),
    ("neutral", "", "threat", ("red", "blue"), 0),
])
def test_public_statements(stance: str, target: str, value: str, of: tuple[str, ...],
                           delta: int) -> None:
    order = Order("public_statement", choice=stance, target=target, text="We mean it.")
    events, after = run(give(start(QUIET), "blue", order))
    assert changed(events, value, of) == delta
    assert after.marks[f"statement:blue:{after.turn}"] == stance
    (move,) = of_kind(events, "move")
    assert move["vis"] == "all" and "We mean it." in move["text"]


def test_statement_checks() -> None:
    st = start(QUIET)
    assert check_order(st, "blue", Order("public_statement", choice="support", target="red"),
                       ruleset, "orders") is not None
    assert check_order(st, "blue", Order("public_statement", choice="warn"), ruleset, "orders")
    neutral = Order("public_statement", choice="neutral")
    assert check_order(st, "blue", neutral, ruleset, "orders") is None


def test_a_dialogue_everyone_attends_agrees_its_text_and_binds_every_party() -> None:
    """A forum produces something (ADMM-Plus, CUES 2014): with every invitee there, the chair's
    draft is agreed by consensus, and what it commits them to binds each party to each other
    as a pledge the rules check, for ``cooperation.forum_turns`` turns."""
    st = start(QUIET, phase="communications")
    order = Order("multilateral_dialogue", targets=("red", "green"), choice="no_deployment",
                  region="strait", text="Code for unplanned encounters")
    st, p = propose(st, "blue", order)
    _, st = answer(st, p.id, "red", True)
    events, st = answer(st, p.id, "green", True)
    (result,) = of_kind(events, "move")
    assert result["result"] == "agreed"
    assert "chaired by Azuria" in result["text"] and "Code for unplanned encounters" in result["text"]
    assert result["vis"] == ["blue", "green", "red"]  # the parties read it; no one else
    bound = {(pl.by, pl.to) for pl in st.pledges.values()}
    assert bound == {(a, b) for a in ("blue", "red", "green") for b in ("blue", "red", "green") if a != b}
    assert {(pl.kind, pl.region, pl.until, pl.status) for pl in st.pledges.values()} == {
        ("no_deployment", "strait", st.turn + C["forum_turns"] - 1, "active")}
    assert changed(events, "trust", ("red", "green"), "agreed a text by consensus") == C["forum_trust"]


def test_a_dialogue_with_anyone_missing_ends_with_a_chairs_statement_only() -> None:
    st, p = propose(start(QUIET, phase="communications"), "blue",
                    Order("multilateral_dialogue", targets=("red", "green"), choice="no_readiness_increase"))
    _, st = answer(st, p.id, "red", True)
    events, st = answer(st, p.id, "green", False)
    (result,) = of_kind(events, "move")
    assert result["result"] == "no consensus" and "Cardia stayed away" in result["text"]
    assert st.pledges == {}


@pytest.mark.parametrize(("choice", "region", "says"), [
    ("no_deployment", "", "needs a region"),
    ("stand_down", "strait", "only a text about a region"),
    ("declaration", "strait", "only a text about a region"),
])
def test_a_forum_text_names_a_region_exactly_when_it_is_about_one(
    choice: str, region: str, says: str,
) -> None:
    st = start(QUIET, phase="communications")
    order = Order("multilateral_dialogue", targets=("red", "green"), choice=choice, region=region)
    reason = check_order(st, "blue", order, ruleset, "communications")
    assert reason is not None and says in reason
