"""A team withdraws its own unanswered call or proposal (issue 9, "A team's own calls and proposals")."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.engine.commands import (
    Advance,
    Respond,
    Start,
    Withdraw,
    command_from_dict,
    command_to_dict,
)
from detente.engine.commands import Propose as Place
from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.randomplay import play_random_game, random_commands
from detente.engine.recorder import RecordedSession, verify
from detente.engine.session import Accepted, Rejected, Session, new_session
from detente.engine.state import Order
from detente.engine.views import timeline, view

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini.toml"
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
FORUM = ROOT / "scenarios" / "regional_forum.toml"


@pytest.fixture
def session() -> Session:
    s = new_session(load_scenario(MINI))
    s.apply(Start())
    while s.state.phase != "communications":
        s.apply(Advance())
    return s


def ok(session: Session, command) -> Accepted:  # type: ignore[no-untyped-def]
    result = session.apply(command)
    assert isinstance(result, Accepted), getattr(result, "reason", result)
    return result


def refused(session: Session, command) -> str:  # type: ignore[no-untyped-def]
    before = session.state
    result = session.apply(command)
    assert isinstance(result, Rejected), f"{command!r} was accepted"
    assert session.state is before
    return result.reason


def test_an_unanswered_call_is_withdrawn_and_its_cost_returned(session: Session) -> None:
    spent = session.state.spent.get("blue", 0)
    pid = ok(session, Place("blue", Order("hotline_call", target="red"))).events[0]["id"]
    assert session.state.spent["blue"] > spent
    assert session.waiting_for() == ("red",)
    result = ok(session, Withdraw("blue", pid))
    assert [e["kind"] for e in result.events] == ["withdrawn"]
    assert session.state.proposals[pid].status == "withdrawn"
    assert session.state.spent["blue"] == spent
    assert session.waiting_for() == ()
    # The target can no longer answer, and closing the phase leaves it alone.
    assert "already answered" in refused(session, Respond("red", pid, True))
    closed = ok(session, Advance())
    assert not any(e.get("id") == pid for e in closed.events if e["kind"] != "phase")


def test_the_parties_see_the_withdrawal_and_no_one_else_does(session: Session) -> None:
    events: list = []
    events += ok(session, Place("blue", Order("hotline_call", target="red"))).events
    pid = events[0]["id"]
    events += ok(session, Withdraw("blue", pid)).events
    sc = session.scenario
    for role in ("blue", "red"):
        assert [e["kind"] for e in timeline(events, role, sc)] == ["proposal", "withdrawn"]
        (p,) = view(session.state, role).proposals
        assert p.status == "withdrawn"
    for other in [a for a in sc.actor_ids if a not in ("blue", "red")] + ["public"]:
        assert timeline(events, other, sc) == []


def test_withdrawing_is_refused_with_a_reason(session: Session) -> None:
    pid = ok(session, Place("blue", Order("hotline_call", target="red"))).events[0]["id"]
    assert "only" in refused(session, Withdraw("red", pid))
    assert "no call or proposal" in refused(session, Withdraw("blue", "9-9"))
    ok(session, Respond("red", pid, False))
    assert "already been answered" in refused(session, Withdraw("blue", pid))

    other = ok(session, Place("red", Order("hotline_call", target="blue"))).events[0]["id"]
    ok(session, Withdraw("red", other))
    assert "already withdrawn" in refused(session, Withdraw("red", other))


def test_withdrawing_is_for_the_communications_phase(session: Session) -> None:
    pid = ok(session, Place("blue", Order("hotline_call", target="red"))).events[0]["id"]
    ok(session, Advance())  # orders
    assert "communications phase" in refused(session, Withdraw("blue", pid))


def test_the_command_round_trips_as_logged() -> None:
    c = Withdraw("blue", "1-2")
    assert command_from_dict(command_to_dict(c)) == c
    assert command_to_dict(c) == {"type": "withdraw", "team": "blue", "proposal": "1-2"}


def test_a_log_with_withdrawals_replays_and_verifies(tmp_path: Path) -> None:
    log = tmp_path / "w.jsonl"
    with RecordedSession.create(load_scenario(STRAIT), log, seed=3) as rec:
        for cmd in random_commands(rec.session, random.Random(3), withdraw=0.5):
            assert rec.apply(cmd).accepted
        assert rec.state.ended
    assert any(r.get("kind") == "withdrawn" for r in read_log(log).records)
    assert verify(log) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=st.sampled_from([STRAIT, FORUM]), seed=st.integers(0, 2**32))
def test_random_play_with_withdrawals_is_always_accepted(scenario: Path, seed: int) -> None:
    session = new_session(load_scenario(scenario), seed)
    play_random_game(session, random.Random(seed), withdraw=0.3)
    assert session.state.ended
