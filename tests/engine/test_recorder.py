"""The log as the session's memory: determinism, replay, verify, resume after a crash."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.engine.commands import FACILITATOR
from detente.engine.loader import load_scenario
from detente.engine.log import read_log, write_log
from detente.engine.orders import load_script, next_command
from detente.engine.randomplay import random_commands
from detente.engine.recorder import RecordedSession, replay, verify
from detente.engine.views import view

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
STRAIT_ORDERS = ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml"
FORUM = ROOT / "scenarios" / "regional_forum.toml"


def scripted_log(
    path: Path, scenario: Path = STRAIT, orders: Path = STRAIT_ORDERS, seed: int | None = None
) -> Path:
    script = load_script(orders)
    with RecordedSession.create(load_scenario(scenario), path, seed=seed) as rec:
        while (cmd := next_command(rec.state, script)) is not None:
            assert rec.apply(cmd).accepted
    return path


def events_of(path: Path) -> list[dict]:
    """Every record without the wall-clock field and what covers it (the hash, the signature)."""
    return [{k: v for k, v in r.items() if k not in ("at", "sha256", "sig")} for r in read_log(path).records]


def test_same_scenario_seed_and_orders_give_the_same_events(tmp_path: Path) -> None:
    a = events_of(scripted_log(tmp_path / "a.jsonl"))
    b = events_of(scripted_log(tmp_path / "b.jsonl"))
    assert a == b
    assert any(r["kind"] == "roll" for r in a)


def test_a_different_seed_changes_the_rolls(tmp_path: Path) -> None:
    a = [r for r in events_of(scripted_log(tmp_path / "a.jsonl", seed=1)) if r["kind"] == "roll"]
    b = [r for r in events_of(scripted_log(tmp_path / "b.jsonl", seed=2)) if r["kind"] == "roll"]
    assert [r["value"] for r in a] != [r["value"] for r in b]


def test_replay_rebuilds_the_live_state_and_verifies(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    script = load_script(STRAIT_ORDERS)
    with RecordedSession.create(load_scenario(STRAIT), path) as rec:
        while (cmd := next_command(rec.state, script)) is not None:
            rec.apply(cmd)
        live = view(rec.state, FACILITATOR)
    rebuilt = replay(path).session.state
    assert view(rebuilt, FACILITATOR) == live
    assert verify(path) == []


def test_verify_names_the_first_event_that_differs(tmp_path: Path) -> None:
    path = scripted_log(tmp_path / "s.jsonl")
    contents = read_log(path)
    records = [dict(r) for r in contents.records]
    i = next(i for i, r in enumerate(records) if r["kind"] == "changed")
    records[i]["to"] = records[i]["to"] + 1 if isinstance(records[i]["to"], int) else records[i]["to"]
    forged = tmp_path / "forged.jsonl"
    write_log(forged, contents.header, records)  # a well-formed log whose events were edited
    problems = verify(forged)
    assert problems and problems[0].startswith(f"line {records[i]['seq'] + 1}:")


def test_resume_continues_exactly_where_the_log_stops(tmp_path: Path) -> None:
    full = events_of(scripted_log(tmp_path / "full.jsonl"))
    path = tmp_path / "part.jsonl"
    script = load_script(STRAIT_ORDERS)
    with RecordedSession.create(load_scenario(STRAIT), path) as rec:
        for _ in range(23):
            rec.apply(next_command(rec.state, script))  # type: ignore[arg-type]
    with RecordedSession.resume(path) as rec:
        while (cmd := next_command(rec.state, script)) is not None:
            rec.apply(cmd)
    assert events_of(path) == full


def _detente(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from detente.tui.cli import main; sys.exit(main())", *args]


@pytest.mark.parametrize("kill_after", [0.25, 0.5, 0.8, 1.1, 1.5])
def test_a_run_killed_at_any_moment_resumes_to_the_same_events(tmp_path: Path, kill_after: float) -> None:
    """Kill `detente run` with SIGKILL at a random moment, resume, compare with a run never interrupted."""
    reference = events_of(scripted_log(tmp_path / "ref.jsonl"))
    log = tmp_path / "killed.jsonl"
    jitter = random.Random(kill_after).uniform(0, 0.1)
    proc = subprocess.Popen(
        _detente("run", str(STRAIT), "--orders", str(STRAIT_ORDERS), "--log", str(log)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(kill_after + jitter)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    if not log.exists():  # killed before the header was written: start again
        out = subprocess.run(
            _detente("run", str(STRAIT), "--orders", str(STRAIT_ORDERS), "--log", str(log)),
            capture_output=True,
            text=True,
        )
    else:
        out = subprocess.run(
            _detente("run", "--resume", str(log), "--orders", str(STRAIT_ORDERS)),
            capture_output=True,
            text=True,
        )
    assert out.returncode == 0, out.stderr
    assert events_of(log) == reference


def test_cut_short_log_resumes_with_a_warning(tmp_path: Path) -> None:
    path = scripted_log(tmp_path / "s.jsonl")
    reference = events_of(path)
    data = path.read_bytes()
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(data[: len(data) * 2 // 3])
    rec = RecordedSession.resume(cut)
    assert rec.warnings
    script = load_script(STRAIT_ORDERS)
    with rec:
        while (cmd := next_command(rec.state, script)) is not None:
            rec.apply(cmd)
    assert events_of(cut) == reference


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), game=st.integers(0, 2**16))
def test_random_legal_play_never_breaks_an_invariant_and_replays_to_the_same_state(
    tmp_path_factory: pytest.TempPathFactory, seed: int, game: int
) -> None:
    path = tmp_path_factory.mktemp("rand") / "r.jsonl"
    rng = random.Random(game)
    with RecordedSession.create(load_scenario(FORUM), path, seed=seed) as rec:
        for cmd in random_commands(rec.session, rng):
            result = rec.apply(cmd)
            assert result.accepted, result
            s = rec.state
            for name, table in s.values.items():
                bounds = s.tracks[name].range
                if bounds is not None:
                    lo, hi = bounds
                    assert all(lo <= x <= hi for x in table.values()), name
            assert all(0 <= a.readiness <= 4 and 0 <= a.pressure <= 100 for a in s.actors.values())
        assert rec.state.ended
        live = view(rec.state, FACILITATOR)
    assert view(replay(path).session.state, FACILITATOR) == live
    # Every line is valid JSON with the documented keys.
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        record = json.loads(line)
        assert {"seq", "kind", "sha256"} <= set(record)
