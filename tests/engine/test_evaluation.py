"""The evaluator (issue 13): sees the game as the facilitator does but not the facilitator's notes
or the seed; records observations and HSEEP ratings that reach only the facilitator and the
evaluator; rates an expectation for one team of several; a rating is suggested from the
expectations and confirmed with a reason. All of it is logged, replayed and verified."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.engine.aar import build
from detente.engine.commands import (
    EVALUATOR,
    FACILITATOR,
    Advance,
    Assess,
    End,
    Evaluate,
    Note,
    Observe,
    Start,
    SubmitOrders,
)
from detente.engine.loader import load_scenario
from detente.engine.recorder import RecordedSession, replay, verify
from detente.engine.state import initial_state
from detente.engine.views import PUBLIC, timeline, view
from detente.engine.visibility import header_for, scenario_for
from detente.tui.render.report import render_markdown

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
FAC_NOTE = "Facilitator only: I nudged red with the storm inject"
SEEN = "Red held its submarine back and said so on the hotline"
WHY = "Both used the hotline, but late and without substance"


def to_turn(rec: RecordedSession, turn: int) -> None:
    """Advance (sealing empty orders) until ``turn``'s briefing."""
    while rec.session.state.turn < turn:
        st = rec.session.state
        if st.phase == "orders":
            for t in rec.session.waiting_for():
                assert rec.apply(SubmitOrders(t, ())).accepted
        assert rec.apply(Advance()).accepted


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log = tmp_path_factory.mktemp("eval") / "eval.jsonl"
    scenario = load_scenario(STRAIT)
    with RecordedSession.create(scenario, log) as rec:
        assert rec.apply(Start()).accepted
        assert rec.apply(Note(FAC_NOTE)).accepted
        to_turn(rec, 2)
        first_line = 3  # the start events follow the first command's line
        assert rec.apply(Observe(SEEN, about="red", inject="submarine-contact", decision=first_line,
                                 finding="strength", objective=3)).accepted
        assert rec.apply(Evaluate("S", WHY, objective=1)).accepted
        to_turn(rec, 4)
        assert rec.apply(Advance()).accepted  # the ISA offer is delivered in communications
        assert rec.apply(Assess("strait-isa-talks", "met", "Azuria proposed talks at once",
                                team="blue", by=EVALUATOR)).accepted
        assert rec.apply(Assess("strait-isa-talks", "missed", "Corvania never answered",
                                team="red", by=EVALUATOR)).accepted
        assert rec.apply(End("time")).accepted
        # After the end: the hot wash.
        assert rec.apply(Observe("Azuria's cabinet line held", about="blue", finding="improvement",
                                 turn=3, capability="Operational communications")).accepted
        assert rec.apply(Evaluate("M", "Talks offered, not taken up", objective=2, about="red")).accepted
    return log


def test_the_evaluator_sees_the_facilitators_game_but_not_its_notes_nor_the_seed(played: Path) -> None:
    rep = replay(played)
    s = rep.session
    fac = timeline(rep.events, FACILITATOR, s.scenario)
    ev = timeline(rep.events, EVALUATOR, s.scenario)
    assert FAC_NOTE in str(fac) and FAC_NOTE not in str(ev)
    # Everything else the facilitator reads, the evaluator reads: rolls, sealed orders, notes aside.
    assert [e for e in fac if e["kind"] != "note"][1:] == ev[1:]
    assert ev[0]["kind"] == "start" and "seed" not in ev[0] and "seed" in fac[0]
    assert any(e["kind"] == "roll" for e in ev)
    ladder = s.ruleset.ladder
    assert view(s.state, EVALUATOR, ladder).values == view(s.state, FACILITATOR, ladder).values
    assert "seed" not in header_for(rep.contents.header, EVALUATOR)
    whole = scenario_for(s.scenario, EVALUATOR)
    assert whole.injects == s.scenario.injects and whole.scenario.seed == 0


def test_observations_and_ratings_reach_only_the_facilitator_and_the_evaluator(played: Path) -> None:
    rep = replay(played)
    s = rep.session
    start = initial_state(s.scenario, s.numbers)
    for role in (*s.scenario.actor_ids, PUBLIC, FACILITATOR, EVALUATOR):
        seen = str(timeline(rep.events, role, s.scenario))
        md = render_markdown(build(start, rep.events, role, ladder=s.ruleset.ladder))
        for secret in (SEEN, WHY, "Talks offered, not taken up", "Azuria's cabinet line held"):
            if role in (FACILITATOR, EVALUATOR):
                assert secret in seen
            else:
                assert secret not in seen, (role, secret)
                assert secret not in md, (role, secret)


def test_an_observation_is_bound_to_its_turn_team_inject_and_decision(played: Path) -> None:
    rep = replay(played)
    s = rep.session
    r = build(initial_state(s.scenario, s.numbers), rep.events, EVALUATOR, ladder=s.ruleset.ladder)
    first, late = r.observations
    assert (first.turn, first.about, first.finding, first.objective_n) == (2, "red", "strength", 3)
    assert first.inject == "Naval intelligence: a submarine is shadowing the task group"
    assert first.decision is not None and first.decision.seq == 3
    assert (late.turn, late.capability, late.by) == (3, "Operational communications", EVALUATOR)
    # Findings: each observation marked a strength or an improvement, resting on its evidence.
    found = [f for f in r.findings if f.source == "observation"]
    assert [f.kind for f in found] == ["strength", "improvement"]
    assert found[0].evidence[0].seq == 3 and found[0].evidence[-1].seq == first.seq


def test_a_rating_is_suggested_from_the_expectations_and_confirmed_with_a_reason(played: Path) -> None:
    rep = replay(played)
    ratings = [e for e in rep.events if e["kind"] == "evaluation"]
    assert ratings[0]["rating"] == "S" and ratings[0]["reason"] == WHY
    s = rep.session
    r = build(initial_state(s.scenario, s.numbers), rep.events, FACILITATOR, ladder=s.ruleset.ladder)
    by = {(x.objective_n, x.objective, x.about): x for x in r.ratings}
    isa = s.scenario.scenario.learning_objectives[1]
    # Talks: Azuria met, Corvania missed — for the exercise the worst of the two, for each its own.
    assert by[(2, isa, "blue")].suggested == "P"
    assert by[(2, isa, "red")].suggested == "U"
    assert by[(2, isa, "red")].rating == "M" and by[(2, isa, "red")].by == EVALUATOR
    assert by[(2, isa, "")].suggested == "U" and by[(2, isa, "")].rating == ""


def test_a_per_team_rating_of_an_expectation_is_that_teams(played: Path) -> None:
    rep = replay(played)
    s = rep.session
    mark = s.state.marks["expect:strait-isa-talks"]
    assert mark["teams"] == {"blue": "met", "red": "missed"} and mark["status"] == "open"
    blue = str(timeline(rep.events, "blue", s.scenario))
    # After the end each team reads its own rating, not the other's.
    assert "Azuria proposed talks at once" in blue and "Corvania never answered" not in blue
    r = build(initial_state(s.scenario, s.numbers), rep.events, FACILITATOR, ladder=s.ruleset.ladder)
    talks = next(x for x in r.expectations if x.id == "strait-isa-talks")
    assert dict((t, st) for t, st, _ in talks.teams) == {"blue": "met", "red": "missed"}
    kinds = {(f.kind, f.teams) for f in r.findings if f.source == "expectation" and "talks" in f.text.lower()}
    assert kinds >= {("strength", ("blue",)), ("improvement", ("red",))}


def test_the_log_replays_and_verifies(played: Path) -> None:
    assert verify(played) == []


@pytest.mark.parametrize(("command", "why"), [
    (Observe("  "), "empty"),
    (Observe("x", about="nobody"), "unknown team"),
    (Observe("x", inject="no-such"), "no inject"),
    (Observe("x", finding="great"), "strength, an improvement"),
    (Observe("x", turn=9), "has not been played"),
    (Observe("x", objective=9), "no learning objective 9"),
    (Observe("x", by="blue"), "not 'blue'"),
    (Evaluate("A", "why", objective=1), "HSEEP"),
    (Evaluate("P", "  ", objective=1), "say why"),
    (Evaluate("P", "why"), "one learning objective or one capability"),
    (Evaluate("P", "why", objective=1, capability="Comms"), "one learning objective or one capability"),
    (Assess("strait-isa-talks", "met", "why", team="green"), "not expected"),
])
def test_a_bad_observation_or_rating_is_refused_with_a_reason(
    tmp_path: Path, command: object, why: str,
) -> None:
    scenario = load_scenario(STRAIT)
    with RecordedSession.create(scenario, tmp_path / "bad.jsonl") as rec:
        assert rec.apply(Start()).accepted
        to_turn(rec, 4)
        assert rec.apply(Advance()).accepted
        before = rec.writer.next_seq
        result = rec.apply(command)  # type: ignore[arg-type]
        assert not result.accepted and why in result.reason, result
        assert rec.writer.next_seq == before  # nothing logged


def test_an_observation_cannot_name_a_line_the_log_does_not_hold(tmp_path: Path) -> None:
    with RecordedSession.create(load_scenario(STRAIT), tmp_path / "x.jsonl") as rec:
        assert rec.apply(Start()).accepted
        result = rec.apply(Observe("x", decision=rec.writer.next_seq))
        assert not result.accepted and "no event" in result.reason
        assert rec.apply(Observe("x", decision=rec.writer.next_seq - 1)).accepted


@pytest.fixture(scope="module")
def at_turn_four() -> object:
    from detente.engine.session import new_session

    s = new_session(load_scenario(STRAIT), seed=3)
    assert s.apply(Start()).accepted
    while s.state.turn < 4:
        if s.state.phase == "orders":
            for t in s.waiting_for():
                assert s.apply(SubmitOrders(t, ())).accepted
        assert s.apply(Advance()).accepted
    return s


def test_any_observation_or_rating_is_taken_or_refused_in_words(at_turn_four: object) -> None:
    """Fuzz: whatever a client types into the fields (of the right types, as the network checks
    them), the session accepts it or says why, and never changes the game."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    s = at_turn_four
    words = st.text(max_size=40)
    ids = st.sampled_from(["", "blue", "red", "green", "nobody", "strait-isa-talks", "isa-offer", "P", "S"])
    number = st.integers(min_value=-3, max_value=12)
    by = st.sampled_from([FACILITATOR, EVALUATOR, "blue", ""])
    command = st.one_of(
        st.builds(Observe, text=words, about=ids, inject=ids, decision=number, turn=number,
                  finding=st.sampled_from(["", "strength", "improvement", "other"]), objective=number,
                  capability=words, by=by),
        st.builds(Evaluate, rating=ids | words, reason=words, objective=number, capability=words, about=ids,
                  by=by),
        st.builds(Assess, expectation=ids, status=st.sampled_from(["met", "partly", "missed", "x"]),
                  reason=words, team=ids, by=by),
    )

    @settings(max_examples=300, deadline=None)
    @given(command)
    def check(c: object) -> None:
        before = s.state  # type: ignore[attr-defined]
        result = s.decide(c)  # type: ignore[attr-defined]
        if not result.accepted:
            assert result.reason and "\n" not in result.reason
            return
        kinds = {e["kind"] for e in result.events}
        assert kinds <= {"observation", "evaluation", "expectation"}, kinds
        assert s.state is before  # type: ignore[attr-defined]

    check()
