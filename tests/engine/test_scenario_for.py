"""What a network client is sent of the scenario: for a team, nothing of another team's briefing,
objectives or hidden starting values, nothing of the facilitator's injects and endings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from detente.engine.loader import load_scenario, structure_scenario, unstructure_scenario
from detente.engine.session import new_session
from detente.engine.views import view
from detente.engine.visibility import scenario_for

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.toml"))

#: Each strait_standoff team's codeword, from its private briefing.
CODEWORDS = {"blue": "SALTGLASS", "red": "OBSIDIAN", "green": "MARIGOLD"}


def _cases() -> list[tuple[Path, str]]:
    return [(p, role) for p in SCENARIOS
            for role in (*load_scenario(p).actor_ids, "public", "spectator", "facilitator")]


def _secrets(scenario, role: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Text the role must not read: sentences of others' briefings, others' objectives, injects."""
    found = []
    for a in scenario.actors:
        if a.id != role:
            found += [s.strip() for s in re.split(r"[.\n]", a.briefing) if len(s.strip()) > 25]
    found += [o.text for o in scenario.objectives if o.actor != role]
    found += [o.when for o in scenario.objectives if o.actor != role]
    for inj in scenario.injects:
        found += [inj.title, inj.text] if len(inj.text) > 10 else [inj.text]
        if inj.when:
            found.append(inj.when)
    found += [e.reason for e in scenario.endings] + [e.when for e in scenario.endings]
    return [s for s in found if s and s not in (scenario.scenario.briefing, scenario.scenario.summary)]


@pytest.mark.parametrize(("path", "role"), _cases(), ids=lambda x: getattr(x, "stem", x))
def test_a_role_reads_nothing_of_the_scenario_it_may_not(path: Path, role: str) -> None:
    scenario = load_scenario(path)
    mine = scenario_for(scenario, role)
    text = json.dumps(unstructure_scenario(mine), ensure_ascii=False)
    if role == "facilitator":
        assert mine == scenario
        return
    for secret in _secrets(scenario, role):
        assert secret not in text, f"{role} reads {secret[:60]!r}"
    if path.stem == "strait_standoff":
        for team, word in CODEWORDS.items():
            assert (word in text) == (team == role), (team, word)
    # What the role sees of the starting state is what its view of a new session shows.
    for a, b in zip(new_session(mine, 1).state.actors.items(), new_session(scenario, 1).state.actors.items(),
                    strict=True):
        assert a[1].readiness == b[1].readiness
    assert mine.scenario.seed == 0
    assert mine.injects == () and mine.endings == ()
    assert [o.text for o in mine.objectives] == [o.text for o in scenario.objectives if o.actor == role]
    assert {o.when for o in mine.objectives} <= {"false"}
    assert [x.name for x in mine.actors] == [x.name for x in scenario.actors]
    assert (mine.turns, mine.forces, mine.regions) == (scenario.turns, scenario.forces, scenario.regions)
    # It still loads (a client rebuilds it), and the role's own view of the start is the same.
    assert structure_scenario(json.loads(text)) == mine
    as_role = "public" if role == "spectator" else role
    own = view(new_session(scenario, 1).state, as_role)
    sent = view(new_session(mine, 1).state, as_role)
    assert (sent.actors, sent.pairs, sent.values, sent.private_briefing) == (
        own.actors, own.pairs, own.values, own.private_briefing)


def test_others_hidden_starting_values_fall_back_to_defaults() -> None:
    scenario = load_scenario(SCENARIOS[[p.stem for p in SCENARIOS].index("strait_standoff")])
    blue = scenario_for(scenario, "blue")
    red = next(a for a in blue.actors if a.id == "red")
    assert scenario.actor("red").values["pressure"] != 30  # what blue must not learn
    assert (red.budget, red.briefing) == (3, "")
    assert "pressure" not in red.values
    assert red.values["readiness"] == scenario.actor("red").values["readiness"]  # everyone sees it
    assert new_session(blue, 1).state.value("pressure", "red") == 30  # the ruleset's default
    assert next(a for a in blue.actors if a.id == "blue") == scenario.actor("blue")
    for rel in blue.relations:
        assert set(rel.seen_by) <= {"blue"}
        assert not {"trust", "threat", "information", "answer"} & set(rel.values)
        assert "tension" in rel.values  # everyone sees it
    compact = next(al for al in blue.alliances if al.id == "compact")
    assert compact.values == scenario.alliances[0].values  # blue is a member: it sees cohesion
    red_view = scenario_for(scenario, "red")
    assert next(al for al in red_view.alliances if al.id == "compact").values == {}


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        scenario_for(load_scenario(SCENARIOS[0]), "purple")


def test_module_doctests() -> None:
    import doctest

    from detente.engine import visibility

    assert doctest.testmod(visibility).failed == 0
