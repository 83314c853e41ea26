"""The phase clock (issue 10): a scenario default per phase, and the facilitator's set, start,
pause, extend, stop and auto-advance, as logged commands that replay to the same events. The
engine reads no clock: the front end running it says what was left when it pauses or extends."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.engine.commands import Advance, Clock, Propose, Start
from detente.engine.loader import ScenarioError, load_scenario
from detente.engine.recorder import RecordedSession, verify
from detente.engine.session import Accepted, Rejected, Session, new_session
from detente.engine.state import Order
from detente.engine.views import PUBLIC, timeline, view

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


def timed(tmp_path: Path, clock: str = "{ communications = 15, orders = 0.5 }") -> Path:
    path = tmp_path / "timed.toml"
    path.write_text(MINI.read_text().replace("[turns]", f"[turns]\nclock = {clock}", 1))
    return path


@pytest.fixture
def session(tmp_path: Path) -> Session:
    s = new_session(load_scenario(timed(tmp_path)))
    assert isinstance(s.apply(Start()), Accepted)
    return s


def ok(s: Session, command: object) -> None:
    assert isinstance(s.apply(command), Accepted), s.decide(command)  # type: ignore[arg-type]


def refused(s: Session, command: object) -> str:
    result = s.apply(command)  # type: ignore[arg-type]
    assert isinstance(result, Rejected), f"{command} was accepted"
    return result.reason


def test_each_phase_begins_with_the_scenarios_minutes_paused(session: Session) -> None:
    assert session.state.phase == "briefing" and session.state.clock is None  # no minutes given
    ok(session, Advance())
    c = session.state.clock
    assert c is not None and (c.phase, c.seconds, c.left, c.running) == ("communications", 900, 900, False)
    ok(session, Advance())
    assert session.state.clock.seconds == 30  # type: ignore[union-attr]  # half a minute


def test_start_pause_extend_stop(session: Session) -> None:
    ok(session, Advance())  # communications: 15 minutes
    ok(session, Clock("start"))
    assert session.state.clock.running  # type: ignore[union-attr]
    assert "left" in refused(session, Clock("pause"))  # the front end must say what is left
    ok(session, Clock("pause", left=600))
    c = session.state.clock
    assert (c.left, c.running) == (600, False)  # type: ignore[union-attr]
    ok(session, Clock("extend", seconds=120))
    assert (session.state.clock.seconds, session.state.clock.left) == (1020, 720)  # type: ignore[union-attr]
    ok(session, Clock("start"))
    assert "left" in refused(session, Clock("extend", seconds=60))
    ok(session, Clock("extend", seconds=60, left=700))
    assert session.state.clock.left == 760 and session.state.clock.running  # type: ignore[union-attr]
    ok(session, Clock("stop"))
    assert session.state.clock is None
    assert "no clock" in refused(session, Clock("start"))


def test_nonsense_is_refused_and_changes_nothing(session: Session) -> None:
    ok(session, Advance())
    before = session.state.clock
    assert "one of" in refused(session, Clock("rewind"))
    assert "not running" in refused(session, Clock("pause", left=10))
    assert "not possible" in refused(session, Clock("extend", seconds=5, left=5000))
    assert "1 second" in refused(session, Clock("set", seconds=0))
    assert "1 second" in refused(session, Clock("set", seconds=10**6))
    ok(session, Clock("start"))
    ok(session, Clock("pause", left=0))
    assert "time is up" in refused(session, Clock("start"))
    assert session.state.clock != before


def test_set_gives_a_phase_without_minutes_a_clock_and_auto_lasts_across_phases(session: Session) -> None:
    ok(session, Clock("set", seconds=300))
    assert session.state.clock.seconds == 300 and not session.state.clock.running  # type: ignore[union-attr]
    ok(session, Clock("auto"))
    ok(session, Advance())
    assert session.state.clock_auto and view(session.state, "blue").clock.auto  # type: ignore[union-attr]
    ok(session, Clock("manual"))
    assert not session.state.clock_auto


def test_a_new_phase_drops_the_old_phases_clock(session: Session) -> None:
    ok(session, Clock("set", seconds=300))
    ok(session, Advance())  # communications: its own 15 minutes, not the briefing's 5
    assert session.state.clock.seconds == 900  # type: ignore[union-attr]


def test_every_role_sees_the_clock_and_only_the_facilitator_commands_it(session: Session) -> None:
    ok(session, Advance())
    ok(session, Clock("start"))
    for role in ("facilitator", "blue", "red", PUBLIC):
        v = view(session.state, role)
        assert v.clock is not None and v.clock.running and v.clock.seconds == 900, role
    from detente.engine.commands import actor_of

    assert actor_of(Clock("start")) == "facilitator"
    # A team's own commands go on while the clock runs.
    ok(session, Propose(team="blue", order=Order(move="hotline_call", target="red")))


def test_a_logged_clock_replays_and_verifies(tmp_path: Path) -> None:
    log = tmp_path / "s.jsonl"
    with RecordedSession.create(load_scenario(timed(tmp_path)), log, key=None) as rec:
        for c in (Start(), Advance(), Clock("start"), Clock("pause", left=421), Clock("extend", seconds=60),
                  Clock("auto")):
            assert isinstance(rec.apply(c), Accepted)
        state = rec.state
    problems = verify(log)
    assert not problems, problems
    resumed = RecordedSession.resume(log)
    try:
        assert resumed.state.clock == state.clock and resumed.state.clock_auto
        assert resumed.state.clock.left == 481  # type: ignore[union-attr]
    finally:
        resumed.close()
    from detente.engine.recorder import replay

    rep = replay(log)
    seen = timeline(rep.events, "red", rep.session.scenario)
    assert [e["action"] for e in seen if e["kind"] == "clock"] == ["start", "pause", "extend", "auto"]


@pytest.mark.parametrize("clock, problem", [
    ("{ lunch = 5 }", "turns.clock.lunch: phase must be one of"),
    ("{ orders = 0 }", "turns.clock.orders: minutes must be"),
    ('{ orders = "ten" }', "turns.clock.orders: expected a number"),
])
def test_a_bad_clock_in_a_scenario_names_its_field(tmp_path: Path, clock: str, problem: str) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(timed(tmp_path, clock))
    assert problem in str(err.value) and "timed.toml:" in str(err.value)
