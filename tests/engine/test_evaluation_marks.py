"""The evaluator's screen suggests HSEEP ratings from the timeline it is told (it has no state):
what it reads of the expectations (``marks_from``) suggests what the engine logs beside each
rating — for every objective, capability and team, all through a played session with ratings of
one team of several. And the evaluator is never told the seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.engine.commands import EVALUATOR, FACILITATOR, Assess
from detente.engine.entries import read
from detente.engine.evaluation import marks_from, suggested
from detente.engine.loader import load_scenario
from detente.engine.orders import load_script, next_command
from detente.engine.recorder import RecordedSession
from detente.engine.views import timeline

ROOT = Path(__file__).resolve().parents[2]
STEMS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("stem", STEMS)
def test_the_timeline_suggests_what_the_state_does_at_every_step(stem: str, tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "scenarios" / f"{stem}.toml")
    if not scenario.expectations:
        pytest.skip(f"{stem} has no expectations")
    script = load_script(ROOT / "scenarios" / "examples" / f"{stem}.orders.toml")
    goals = range(1, len(scenario.scenario.learning_objectives) + 1)
    capabilities = {x.capability for _, x in scenario.expectations.values() if x.capability}
    rated: set[str] = set()
    compared = 0
    with RecordedSession.create(scenario, tmp_path / "s.jsonl", seed=424_242) as rec:
        events: list[dict] = []
        while (command := next_command(rec.state, script)) is not None:
            result = rec.apply(command)
            assert result.accepted, getattr(result, "reason", "")
            events += result.events
            # Each judged expectation, once out: its first team rated apart, the others together.
            for xid, (_, x) in scenario.expectations.items():
                mark = rec.state.marks.get(f"expect:{xid}")
                if x.when is None and mark is not None and xid not in rated and rec.state.outcome is None:
                    rated.add(xid)
                    who = list(mark["who"])
                    for team, status in ((who[0], "partly"), ("", "missed")):
                        by = EVALUATOR if team else FACILITATOR
                        rating = Assess(expectation=xid, status=status, reason="seen", team=team, by=by)
                        done = rec.apply(rating)
                        assert done.accepted, getattr(done, "reason", "")
                        events += done.events
            seen = timeline(events, EVALUATOR, scenario)
            assert all("seed" not in e for e in seen)
            marks = marks_from(read(seen))
            for team in ("", *scenario.team_ids):
                for objective in goals:
                    want = suggested(scenario, rec.state.marks, objective, "", team)
                    assert suggested(scenario, marks, objective, "", team) == want, (objective, team)
                    compared += want is not None
                for capability in capabilities:
                    want = suggested(scenario, rec.state.marks, 0, capability, team)
                    assert suggested(scenario, marks, 0, capability, team) == want, (capability, team)
    assert compared, "no suggestion was ever made: the comparison proves nothing"
