"""Issue 9: a team should be able to make a deployment, a transparency move and one cooperative
move in one turn, or the scenario should say why not, where the teams read it (its briefing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.engine.loader import load_scenario
from detente.engine.ruleset import find_ruleset

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_budget_too_small_for_the_three_kinds_of_move_is_explained_in_the_briefing(path: Path) -> None:
    scenario = load_scenario(path)
    ruleset = find_ruleset(scenario.rules.name)

    def cheapest(family: str) -> int:
        return min(m.cost(ruleset.numbers) for m in ruleset.moves.values()
                   if m.family == family and m.phase == "orders")

    deploy = ruleset.moves["deploy"].cost(ruleset.numbers)
    needed = deploy + cheapest("transparency") + cheapest("cooperation")
    assert needed == 4
    briefing = " ".join(scenario.scenario.briefing.split())
    for actor in scenario.actors:
        if actor.budget >= needed:
            continue
        # The public briefing names the team and says why its budget is short on purpose.
        assert actor.name.split()[-1] in briefing and "deliberate" in briefing, (
            f"{path.name}: {actor.name} has {actor.budget} actions, {needed} are needed for a "
            "deployment, a transparency move and a cooperative one, and the briefing does not say why"
        )
        assert f"{'two' if actor.budget == 2 else 'three'}" in briefing
