"""A scenario's starting values, effects and endings are those its ruleset declares: a toy
ruleset with values of its own is loaded, checked and described as the bundled one is, and
the bundled ruleset's names mean nothing to it."""

from __future__ import annotations

import math

import pytest

from detente.engine import ruleset as ruleset_module
from detente.engine.loader import ScenarioError, load_scenario_text
from detente.engine.ruleset import Ending, Ruleset
from detente.engine.schema import scenario_schema
from detente.engine.state import starting_values
from detente.engine.tracks import BUDGET, Track

TOY = Ruleset(
    name="toy",
    numbers={"defaults": {"rapport": 0.25}},
    moves={},
    tracks=(
        Track("credibility", "actor", int, (0, 10), default=5),
        Track("alarm", "pair", bool, default=False),
        Track("count", "pair", int, (0, math.inf), default=0, settable=False),
        Track("rapport", "directed", float, (0.0, 1.0)),
        Track("unity", "alliance", int, (0, 100), default=50),
    ),
    endings=(Ending("collapse", "collapse", "everything fell apart", lambda r: None),),
)

HEAD = """\
[scenario]
id = "toy"
title = "Toy"

[turns]
limit = 3

[rules]
name = "toy"

[[actors]]
id = "blue"
name = "Azuria"
{blue}

[[actors]]
id = "red"
name = "Rubria"

[[actors]]
id = "green"
name = "Verdia"

[[alliances]]
id = "pact"
name = "Pact"
members = ["blue", "green"]
{pact}

[[relations]]
between = ["blue", "red"]
{relation}
"""


@pytest.fixture(autouse=True)
def toy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ruleset_module._LOADED, "toy", TOY)


def scenario(blue: str = "", pact: str = "", relation: str = "", tail: str = "") -> str:
    return HEAD.format(blue=blue, pact=pact, relation=relation) + tail


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "t.toml")
    return [f"{p.line}: {p.field}: {p.message}" for p in info.value.problems]


def test_the_values_of_its_ruleset_are_keys_of_the_tables_and_start_the_game() -> None:
    s = load_scenario_text(scenario(
        blue="credibility = 7", pact="unity = 80",
        relation="alarm = true\nrapport = 0.5\n[relations.seen_by.red]\nrapport = 0.9"))
    assert s.actors[0].values == {"credibility": 7}
    start = starting_values(s, TOY.numbers, (BUDGET, *TOY.tracks.values()))
    assert start["credibility"] == {"blue": 7, "red": 5, "green": 5}
    assert start["unity"] == {"pact": 80}
    assert start["alarm"][("blue", "red")] is True and start["alarm"][("green", "red")] is False
    assert start["rapport"][("blue", "red")] == 0.5 and start["rapport"][("red", "blue")] == 0.9
    assert start["rapport"][("green", "red")] == 0.25  # the ruleset's [defaults]


def test_the_bundled_rulesets_values_are_unknown_to_it() -> None:
    assert problems(scenario(blue="readiness = 2", relation="tension = 40\ntrust = 30")) == [
        "14: actors[0].readiness: unknown field 'readiness'",
        "32: relations[0].tension: unknown field 'tension'",
        "33: relations[0].trust: unknown field 'trust'",
    ]


def test_a_misspelt_value_is_named_with_the_nearest_of_its_ruleset() -> None:
    assert problems(scenario(blue="credibilty = 2", pact="untiy = 3")) == [
        "14: actors[0].credibilty: unknown field 'credibilty' (did you mean 'credibility'?)",
        "28: alliances[0].untiy: unknown field 'untiy' (did you mean 'unity'?)",
    ]


def test_types_and_ranges_are_the_declared_ones() -> None:
    assert problems(scenario(
        blue="credibility = 11", pact="unity = 2.5",
        relation='alarm = 1\nrapport = "0.5"\n[relations.seen_by.red]\nrapport = 1.5\ncredibility = 1',
    )) == [
        "14: actors[0].credibility: credibility must be 0–10, got 11",
        "28: alliances[0].unity: expected a whole number, got the number 2.5 (no fractions here)",
        "32: relations[0].alarm: expected true or false, got the number 1",
        "33: relations[0].rapport: expected a number, got the text \"0.5\" (remove the quotes)",
        "35: relations[0].seen_by.red.rapport: rapport must be 0–1, got 1.5",
        "36: relations[0].seen_by.red.credibility: unknown field 'credibility'",
    ]


def test_effects_and_endings_are_checked_against_the_declarations() -> None:
    tail = """
[[injects]]
id = "news"
title = "News"
turn = 1
  [[injects.effects]]
  value = "credibilty"
  of = ["blue"]
  add = 1
  [[injects.effects]]
  value = "count"
  of = ["blue", "red"]
  add = 1
  [[injects.effects]]
  value = "credibility"
  of = ["blue", "red"]
  add = 1
  [[injects.effects]]
  value = "alarm"
  of = ["blue", "red"]
  set = 1
  [[injects.effects]]
  value = "unity"
  of = ["pact"]
  set = 60

[[endings]]
id = "war"
when = "turn >= 2"
reason = "war"
outcome = "conflict"

[[endings]]
id = "fell"
when = "turn >= 3"
reason = "it fell apart"
outcome = "collapse"
"""
    found = problems(scenario(tail=tail))
    assert [f.split(": ", 1)[1] for f in found] == [
        "injects[0].effects[0].value: unknown value 'credibilty' (did you mean 'credibility'?)",
        "injects[0].effects[1].value: unknown value 'count' (did you mean 'unity'?)",  # not settable
        'injects[0].effects[2].of: credibility is held by one actor: of = ["blue"]; this has 2',
        "injects[0].effects[3].set: alarm is true or false, got the number 1",
        "endings[0].outcome: outcome must be one of collapse, scenario; got 'conflict'",
    ]


def test_the_schema_describes_the_rulesets_values() -> None:
    schema = scenario_schema("toy")["properties"]
    actor = schema["actors"]["items"]["properties"]
    assert "readiness" not in actor and actor["credibility"]["maximum"] == 10
    assert actor["credibility"]["default"] == 5
    relation = schema["relations"]["items"]["properties"]
    assert relation["alarm"]["type"] == "boolean"
    assert "maximum" not in relation["count"]  # an open end: JSON has no infinity
    assert set(relation["seen_by"]["additionalProperties"]["properties"]) == {"rapport"}
    assert relation["rapport"]["default"] == 0.25
    effect = schema["injects"]["items"]["properties"]["effects"]["items"]["properties"]
    # The ruleset's settable values, listed for the editor; or a scenario's own ([[tracks]]).
    ruleset_values, own = effect["value"]["anyOf"]
    assert ruleset_values["enum"] == ["alarm", "rapport", "credibility", "budget", "unity"]
    assert own["pattern"].startswith("^[A-Za-z]")
    assert schema["endings"]["items"]["properties"]["outcome"]["enum"] == ["collapse", "scenario"]
