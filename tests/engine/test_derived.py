"""Derived values kept for speed equal the values worked out the slow way.

The scenario's lookup tables (:class:`~detente.engine.scenario.Scenario` cached properties),
the ruleset's moves by phase and the move types' argument lists are computed once per frozen
object; proximity and the communications choices take shortcuts. Each is compared here with
a direct computation from the objects they come from, at every state of random games.
"""

from __future__ import annotations

import random
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import scenarios

from detente.engine.adjudicate import legal_moves
from detente.engine.randomplay import random_commands
from detente.engine.ruleset import PARAM_FIELDS
from detente.engine.scenario import Scenario
from detente.engine.session import new_session
from detente.engine.state import State, pair
from detente.rules import ruleset
from detente.rules.common import proposed, proximity

BUNDLED = sorted(
    Path(str(p)) for p in files("detente.scenarios").iterdir() if p.name.endswith(".toml")
)


def slow_proximity(state: State, a: str, b: str, seen_by: str | None = None) -> int:
    """Proximity as the rules define it: every force, its owner looked up by a scan."""
    total = state.pairs[pair(a, b)].proximity
    for fid, fs in state.forces.items():
        owner = next(f.owner for f in state.scenario.forces if f.id == fid)
        if seen_by is not None and owner != seen_by and seen_by not in fs.known_to:
            continue
        near = next((tuple(r.near) for r in state.scenario.regions if r.id == fs.region), ())
        if (owner == a and b in near) or (owner == b and a in near):
            total += 1
    return min(5, total)


def check_tables(s: Scenario) -> None:
    ids = [a.id for a in s.actors]
    assert s.actor_names == {a.id: a.name for a in s.actors}
    assert s.others == {t: tuple(a for a in ids if a != t) for t in ids}
    for a in ids:
        mine = tuple(al.id for al in s.alliances if a in al.members)
        assert s.alliances_by_actor.get(a, ()) == mine
        for b in ids:
            shared = any(a in al.members and b in al.members for al in s.alliances)
            assert (b in s.allies.get(a, ())) == shared
        assert s.forces_of.get(a, ()) == tuple(f.id for f in s.forces if f.owner == a)
    assert s.region_ids == tuple(r.id for r in s.regions)
    assert s.region_names == {r.id: r.name for r in s.regions}
    assert s.region_near == {r.id: tuple(r.near) for r in s.regions}
    assert s.force_owner == {f.id: f.owner for f in s.forces}
    assert s.force_home == {f.id: f.home for f in s.forces}
    assert s.force_names == {f.id: f.name or f.id for f in s.forces}


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_scenario_tables_match_the_scenario(path: Path) -> None:
    from detente.engine.loader import load_scenario

    check_tables(load_scenario(path))


@given(scenarios())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_scenario_tables_match_any_scenario(s: Scenario) -> None:
    check_tables(s)


def test_ruleset_tables_match_its_moves() -> None:
    for phase in ("communications", "orders"):
        assert ruleset.moves_by_phase[phase] == tuple(
            mt for mt in ruleset.moves.values() if mt.phase == phase
        )
    for mt in ruleset.moves.values():
        assert mt.required == tuple(
            p.name for p in mt.params if not p.optional and p.name != "text"
        )
        assert set(mt.unused_fields) == set(PARAM_FIELDS) - {p.name for p in mt.params}


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_shortcuts_match_the_slow_way_in_random_games(path: Path) -> None:
    from detente.engine.loader import load_scenario

    scenario = load_scenario(path)
    ids = scenario.actor_ids
    for seed in range(6):
        session = new_session(scenario, seed=seed)
        for command in random_commands(session, random.Random(seed)):
            assert session.apply(command).accepted
            st = session.state
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    for seen_by in (None, *ids):
                        assert proximity(st, a, b, seen_by) == slow_proximity(st, a, b, seen_by)
            if st.phase == "communications":
                for team in ids:
                    for move, keep in SLOW_TARGETS.items():
                        expected = tuple(
                            o for o in ids
                            if o != team and keep(st, team, o) and not proposed(st, team, move, o)
                        )
                        assert ruleset.moves[move].choices(st, team)["target"] == expected
                    for lm in legal_moves(st, team, ruleset, "communications"):
                        assert lm.cost == lm.move.cost(st.numbers)


#: The communications moves whose targets skip those already offered the move this turn,
#: with which other actors they may otherwise be aimed at.
SLOW_TARGETS = {
    "hotline_call": lambda st, team, o: st.pairs[pair(team, o)].hotline,
    "propose_hotline": lambda st, team, o: not st.pairs[pair(team, o)].hotline,
    "request_inspection": lambda st, team, o: True,
    "alliance_commitment": lambda st, team, o: True,
}
