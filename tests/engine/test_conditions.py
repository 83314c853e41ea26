"""Compiled conditions and the facts they read: each function answers from the state."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import scenarios

from detente.engine.conditions import Facts, compile_scenario
from detente.engine.events import set_value
from detente.engine.expr import VARIABLES
from detente.engine.loader import load_scenario, ruleset_numbers
from detente.engine.ruleset import find_ruleset, functions_of
from detente.engine.scenario import Scenario
from detente.engine.state import ForceState, Pledge, State, initial_state

VALID = Path(__file__).parent.parent / "data" / "valid.toml"


@pytest.fixture
def scenario() -> Scenario:
    return load_scenario(VALID)


@pytest.fixture
def state(scenario: Scenario) -> State:
    return initial_state(scenario, ruleset_numbers(scenario))


def test_facts_has_every_function_conditions_may_call(state: State) -> None:
    builtins = {"min", "max", "abs"}  # evaluated by expr itself, never asked of the facts
    facts = Facts(state)
    for name in set(functions_of(find_ruleset("defense-diplomacy"))) - builtins:
        assert callable(getattr(facts, name)), name
    assert set(VARIABLES) == {"turn", "turns"}


def test_pair_values_come_from_the_scenario_and_the_ruleset(state: State) -> None:
    f = Facts(state)
    assert f.tension("blue", "red") == f.tension("red", "blue") == 45
    assert f.tension("blue", "green") == 10
    assert f.tension("red", "green") == 30  # the scenario's override of the default
    assert f.rung("blue", "red") == 4
    assert f.hotline("blue", "red") is False
    assert f.agreement("green", "blue") is True
    assert f.incidents("blue", "red") == 0


def test_directed_values_use_seen_by(state: State) -> None:
    f = Facts(state)
    assert f.trust("blue", "red") == f.trust("red", "blue") == 30
    assert f.threat("red", "blue") == 60  # red's own view
    assert f.threat("blue", "red") == 20  # the ruleset default
    assert f.answer("red", "blue") == 0.4
    assert f.answer("blue", "red") == 0.7
    assert f.information("blue", "red") == 0.5
    assert f.information("green", "red") == 0.4  # the override


def test_actor_alliance_and_turn_values(state: State) -> None:
    f = Facts(state)
    assert f.readiness("blue") == 1
    assert f.pressure("blue") == 40 and f.pressure("red") == 30
    assert f.cohesion("pact") == 65
    assert f.turn == 0 and f.turns == 8


def test_forces_and_proximity(state: State) -> None:
    f = Facts(state)
    assert f.deployed("red-fleet", "strait") is True
    assert f.deployed("blue-fleet", "strait") is False
    assert f.forces_in("red", "strait") == 1
    assert f.forces_in("blue", "strait") == 0
    assert f.proximity("blue", "red") == 1  # red's fleet sits in a region near blue
    at_sea = ForceState("strait", frozenset({"blue"}))
    moved = state.replace(forces={**state.forces, "blue-fleet": at_sea})
    g = Facts(moved)
    assert g.deployed("blue-fleet", "strait") and g.forces_in("blue", "strait") == 1
    assert g.proximity("blue", "red") == 2


def test_calls_pledges_and_injects(state: State) -> None:
    f = Facts(state)
    assert not f.called("blue", "red") and not f.pledged("blue", "red") and f.broken("blue") == 0
    assert not f.fired("summit")
    later = state.replace(
        calls=frozenset({("blue", "red", "called"), ("blue", "red", "answered"),
                         ("red", "green", "called"), ("red", "green", "declined")}),
        pledges={
            "p1": Pledge("p1", "blue", "red", "no_deployment", "strait", until=5, made=2),
            "p2": Pledge("p2", "red", "blue", "no_deployment", "strait", until=5, made=2,
                         status="broken"),
            "p3": Pledge("p3", "red", "green", "no_exercise", "", until=3, made=1, status="kept"),
        },
        fired={"summit": 3},
        turn=4,
    )  # fmt: skip
    g = Facts(later)
    assert g.called("blue", "red") and g.answered("blue", "red") and not g.declined("blue", "red")
    assert not g.called("red", "blue")
    assert g.called("red", "green") and g.declined("red", "green")
    assert not g.answered("red", "green")
    assert g.pledged("blue", "red")
    assert not g.pledged("red", "blue") and not g.pledged("red", "green")  # broken; kept
    assert g.broken("red") == 1 and g.broken("blue") == 0
    assert g.fired("summit") and not g.fired("fishing-boat")
    assert g.turn == 4


def test_compile_scenario_compiles_each_distinct_condition_once(scenario: Scenario) -> None:
    compiled = compile_scenario(scenario)
    assert set(compiled) == {
        "tension('blue', 'red') >= 60 and turn >= 3",
        "rung('blue', 'red') < 7",
        "hotline('blue', 'red')",
        "tension('blue', 'red') >= 90",
    }
    assert all(source == c.source for source, c in compiled.items())


def test_conditions_evaluate_against_facts(scenario: Scenario, state: State) -> None:
    compiled = compile_scenario(scenario)
    f = Facts(state)
    assert compiled["rung('blue', 'red') < 7"](f) is True
    assert compiled["hotline('blue', 'red')"](f) is False
    assert compiled["tension('blue', 'red') >= 60 and turn >= 3"](f) is False
    hot = set_value(set_value(state, "tension", ("blue", "red"), 95), "hotline", ("blue", "red"), True)
    hot = hot.replace(turn=3)
    g = Facts(hot)
    assert compiled["tension('blue', 'red') >= 90"](g) is True
    assert compiled["tension('blue', 'red') >= 60 and turn >= 3"](g) is True
    assert compiled["hotline('blue', 'red')"](g) is True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_generated_condition_evaluates_on_the_initial_state(s: Scenario) -> None:
    facts = Facts(initial_state(s, ruleset_numbers(s)))
    for condition in compile_scenario(s).values():
        assert condition(facts) in (True, False)
