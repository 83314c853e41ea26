"""One source for a turn's facts (issue 9, "The debrief leaves results out"): every move done in a
turn — every move kind of the bundled ruleset — is among that turn's facts for each role that may
see it, and the report's timeline is made of the same facts."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from detente.engine.aar import build, turn_facts
from detente.engine.commands import FACILITATOR
from detente.engine.loader import load_scenario, ruleset_numbers
from detente.engine.randomplay import random_commands
from detente.engine.ruleset import find_ruleset, merge_numbers
from detente.engine.scenario import Scenario
from detente.engine.session import new_session
from detente.engine.state import initial_state
from detente.engine.views import PUBLIC
from detente.engine.visibility import shown

ROOT = Path(__file__).resolve().parents[2]
STEMS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
GAMES = 4


GRAVE = {"incidents": {"base": 1.0, "cap": 1.0, "serious_min": 2, "grave_min": 2}}
"""Numbers under which every close pair has a grave incident each turn: a victim with allies may
then call on them (invoke_collective_defence), which random play seldom gets the chance to."""


def _game(scenario: Scenario, seed: int, numbers: Any = None) -> tuple[Scenario, list[dict[str, Any]], Any]:
    s = new_session(scenario, seed, numbers=numbers)
    events: list[dict[str, Any]] = []
    for cmd in random_commands(s, random.Random(seed)):
        result = s.apply(cmd)
        assert result.accepted
        events += result.events
    return scenario, events, s


def games() -> list[tuple[Scenario, list[dict[str, Any]], Any]]:
    out = []
    for stem in STEMS:
        scenario = load_scenario(ROOT / "scenarios" / f"{stem}.toml")
        for seed in range(GAMES):
            out.append(_game(scenario, seed))
    strait = load_scenario(ROOT / "scenarios" / "strait_standoff.toml")
    out.append(_game(strait, 1, merge_numbers(ruleset_numbers(strait), GRAVE)))
    return out


@pytest.fixture(scope="module")
def played() -> list[tuple[Scenario, list[dict[str, Any]], Any]]:
    return games()


def _turns(events: Sequence[Mapping[str, Any]]) -> list[tuple[int, Mapping[str, Any]]]:
    turn, out = 0, []
    for e in events:
        if e["kind"] == "phase":
            turn = e["turn"]
        out.append((turn, e))
    return out


def test_every_move_done_is_a_fact_of_its_turn_for_each_role_that_sees_it(played) -> None:  # type: ignore[no-untyped-def]
    kinds: set[str] = set()
    for scenario, events, _ in played:
        roles = [*scenario.actor_ids, PUBLIC, FACILITATOR]
        for role in roles:
            cache: dict[int, str] = {}
            for turn, e in _turns(events):
                if e["kind"] not in ("move", "proposal") or shown(e, role, scenario) is None:
                    continue
                if turn not in cache:
                    cache[turn] = "\n".join(f.text for f in turn_facts(events, role, turn, scenario))
                text = cache[turn]
                if e["kind"] == "move":
                    kinds.add(e["order"]["move"])
                    assert e["text"] in text, f"{role}, turn {turn}: {e['text']!r} is not among the facts"
                else:
                    kinds.add(e["order"]["move"])
                    who = scenario.actor(e["by"]).name
                    assert any(who in line and "made" in line for line in text.splitlines()), (
                        f"{role}, turn {turn}: {who}'s {e['order']['move']} is not among the facts"
                    )
    ruleset = find_ruleset("defense-diplomacy")
    assert set(ruleset.moves) <= kinds, f"never played: {set(ruleset.moves) - kinds}"


def test_the_report_timeline_is_the_turn_facts(played) -> None:  # type: ignore[no-untyped-def]
    scenario, events, s = played[0]
    start = initial_state(scenario, s.numbers)
    for role in [*scenario.actor_ids, PUBLIC, FACILITATOR]:
        report = build(start, events, role)
        for turn in range(0, report.turns + 1):
            mine = tuple(e for e in report.timeline if e.turn == turn)
            assert mine == turn_facts(events, role, turn, scenario)


def test_a_team_sees_a_turns_results_only_once_published() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "strait_standoff.toml")
    s = new_session(scenario, 2)
    events: list[dict[str, Any]] = []
    for cmd in random_commands(s, random.Random(2)):
        events += s.apply(cmd).events  # type: ignore[union-attr]
        if s.state.phase == "adjudication":
            break
    moves = [e for e in events if e["kind"] == "move"]
    assert moves
    team = scenario.actor_ids[0]
    # Adjudication's results; what a team agreed to on a call is its own at once.
    assert not any(f.kind == "result" and f.phase == "adjudication"
                   for f in turn_facts(events, team, 1, scenario))
    assert any(f.kind == "result" and f.phase == "adjudication"
               for f in turn_facts(events, FACILITATOR, 1, scenario))


def test_an_objective_fact_reads_as_the_objectives_words_not_its_id(played) -> None:  # type: ignore[no-untyped-def]
    """``Republic of Azuria's objective blue-pledge: met`` named the objective by its id."""
    found = 0
    for scenario, events, _ in played:
        texts = {o.id: o.text for o in scenario.objectives}
        for f in turn_facts(events, FACILITATOR, max(e.get("turn", 0) for e in events), scenario):
            if f.kind != "objective":
                continue
            found += 1
            said = [t for i, t in texts.items() if t in f.text]
            assert said, f.text
            assert not any(i in f.text.replace(said[0], "") for i in texts), f.text
    assert found
