"""Golden sessions: each bundled scenario played with its example orders gives exactly the
events recorded in tests/data/golden. A change to the rules that alters play must update
them on purpose (run this file with GOLDEN_UPDATE=1 and review the diff)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from detente.engine.loader import load_scenario
from detente.engine.orders import load_script, next_command
from detente.engine.session import new_session

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden"
STEMS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))


def play(stem: str) -> list[dict]:
    session = new_session(load_scenario(ROOT / "scenarios" / f"{stem}.toml"))
    script = load_script(ROOT / "scenarios" / "examples" / f"{stem}.orders.toml")
    events: list[dict] = []
    while (command := next_command(session.state, script)) is not None:
        result = session.apply(command)
        assert result.accepted, result
        events += result.events
    return json.loads(json.dumps(events))


@pytest.mark.parametrize("stem", STEMS)
def test_example_session_matches_its_golden_events(stem: str) -> None:
    path = GOLDEN / f"{stem}.events.jsonl"
    events = play(stem)
    if os.environ.get("GOLDEN_UPDATE"):
        path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    golden = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for i, (want, got) in enumerate(zip(golden, events, strict=False)):
        assert got == want, f"event {i} differs"
    assert len(events) == len(golden)
