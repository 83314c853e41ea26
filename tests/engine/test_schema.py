"""The scenario JSON Schema: well-formed for draft 2020-12 and for Taplo's draft 4, accepts every
scenario the loader accepts, and refuses extra keys, wrong types and values out of range."""

from __future__ import annotations

import copy
import doctest
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft4Validator, Draft202012Validator
from strategies import scenarios

from detente.engine import schema as schema_module
from detente.engine.loader import ScenarioError, load_scenario_text, unstructure_scenario
from detente.engine.scenario import Scenario
from detente.engine.schema import DRAFT, scenario_schema

ROOT = Path(__file__).resolve().parents[2]
VALID = [*sorted((ROOT / "scenarios").glob("*.toml")), ROOT / "tests" / "data" / "valid.toml",
         ROOT / "tests" / "data" / "mini.toml"]
SCHEMA = scenario_schema()
VALIDATOR = Draft202012Validator(SCHEMA)


def errors(data: dict[str, Any]) -> list[str]:
    return sorted(f"{'.'.join(str(p) for p in e.absolute_path)}: {e.message}"
                  for e in VALIDATOR.iter_errors(data))


def test_the_schema_is_a_valid_draft_2020_12_and_draft_4_schema() -> None:
    assert SCHEMA["$schema"] == DRAFT
    Draft202012Validator.check_schema(SCHEMA)
    Draft4Validator.check_schema(SCHEMA)  # what Taplo implements
    assert "$ref" not in json.dumps(SCHEMA)  # Taplo drops x-taplo and docs next to a $ref


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_every_bundled_and_valid_scenario_passes(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    assert errors(data) == []
    assert Draft4Validator(SCHEMA).is_valid(data)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_whatever_the_loader_accepts_the_schema_accepts(s: Scenario) -> None:
    assert errors(unstructure_scenario(s)) == []


def _strait() -> dict[str, Any]:
    return tomllib.loads((ROOT / "scenarios" / "strait_standoff.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d.update(extra=1), ": Additional properties are not allowed ('extra' was unexpected)"),
    # A key no field has may be a starting value of the scenario's own (the loader knows which).
    (lambda d: d["actors"][0].update(budjet="3"), "actors.0.budjet: '3' is not of type 'integer', 'boolean'"),
    (lambda d: d["rules"].setdefault("overrides", {}).update(incident={"base": 0.1}),
     "rules.overrides: Additional properties"),
    (lambda d: d["rules"].setdefault("overrides", {}).update(incidents={"bogus": 0.1}),
     "rules.overrides.incidents: Additional properties"),
    (lambda d: d["actors"][0].update(budget="3"), "actors.0.budget: '3' is not of type 'integer'"),
    (lambda d: d["relations"][0].update(hotline="yes"), "relations.0.hotline: 'yes' is not of type"),
    (lambda d: d["scenario"].update(version=2), "scenario.version: 2 is not of type 'string'"),
    (lambda d: d["actors"][0].update(readiness=7), "actors.0.readiness: 7 is greater than"),
    (lambda d: d["relations"][0].update(information=1.5), "relations.0.information: 1.5 is greater"),
    (lambda d: d["turns"].update(limit=0), "turns.limit: 0 is less than the minimum of 1"),
    (lambda d: d["injects"][0].update(phase="lunch"), "injects.0.phase: 'lunch' is not one of"),
    (lambda d: d["objectives"][0].update(check="sometimes"), "objectives.0.check: 'sometimes'"),
    (lambda d: d["injects"][0]["effects"][0].update(value="tension level"), "injects.0.effects.0.value"),
    (lambda d: d["actors"][0].update(id="blue team"), "actors.0.id: 'blue team' does not match"),
    (lambda d: d["actors"][0].update(colour="sky blue"), "actors.0.colour: 'sky blue' is not valid"),
    (lambda d: d["scenario"].pop("title"), "scenario: 'title' is a required property"),
    (lambda d: d.update(actors=d["actors"][:1]), "actors: [{"),
    (lambda d: d["alliances"][0].update(members=["blue"]), "alliances.0.members: ['blue'] is too short"),
    (lambda d: d["rules"].setdefault("overrides", {}).update(defaults={"answer": 1.2}),
     "rules.overrides.defaults.answer: 1.2 is greater than the maximum of 1"),
    (lambda d: d["rules"].setdefault("overrides", {}).update(costs={"deploy": 1.5}),
     "rules.overrides.costs.deploy: 1.5 is not of type 'integer'"),
])
def test_mistakes_are_rejected_as_the_loader_rejects_them(change: Any, where: str) -> None:
    data = _strait()
    change(data)
    found = errors(data)
    assert any(e.startswith(where) for e in found), found
    with pytest.raises(ScenarioError):  # the loader agrees
        load_scenario_text(_toml(data))


def _toml(data: dict[str, Any]) -> str:
    import tomli_w

    return tomli_w.dumps(data)


def test_costs_accept_any_move_of_the_ruleset() -> None:
    data = _strait()
    data["rules"]["overrides"] = {"costs": {"deploy": 3, "public_statement": 2}}
    assert errors(data) == []
    load_scenario_text(_toml(data))


def test_fields_carry_their_docstrings_and_defaults() -> None:
    actor = SCHEMA["properties"]["actors"]["items"]
    assert actor["required"] == ["id", "name"]
    assert actor["properties"]["budget"]["description"] == (
        "Actions per turn (1–20); every move costs at least one.")
    assert actor["properties"]["budget"]["default"] == 3
    assert (actor["properties"]["budget"]["minimum"], actor["properties"]["budget"]["maximum"]) == (1, 20)
    inject = SCHEMA["properties"]["injects"]["items"]["properties"]
    assert inject["phase"]["default"] == "briefing"
    assert "`briefing`" in inject["phase"]["description"]  # reStructuredText ``x`` made Markdown
    assert SCHEMA["properties"]["injects"]["items"]["properties"]["effects"]["items"][
        "properties"]["value"]["description"] == (
        "What changes: a settable value the ruleset tracks, `budget`, or one of the scenario's own "
        "values (`[[tracks]]`).")
    overrides = SCHEMA["properties"]["rules"]["properties"]["overrides"]["properties"]
    assert overrides["incidents"]["properties"]["base"] == {"type": "number", "default": 0.02,
                                                            "minimum": 0, "maximum": 1}


def test_every_ruleset_number_has_the_range_the_ruleset_declares() -> None:
    overrides = SCHEMA["properties"]["rules"]["properties"]["overrides"]["properties"]
    assert "ranges" not in overrides  # the declaration is not a number
    perception = overrides["perception"]["properties"]
    assert (perception["misperception_factor"]["minimum"],
            perception["misperception_factor"]["maximum"]) == (0, 10)
    assert overrides["costs"]["properties"]["public_statement"]["minimum"] == 1
    for section, spec in overrides.items():
        for key, prop in spec["properties"].items():
            if prop["type"] in ("integer", "number"):
                assert prop["minimum"] <= prop["default"] <= prop["maximum"], (section, key)
    names = overrides["ladder"]["properties"]["names"]
    assert (names["minItems"], names["maxItems"], names["items"]) == (11, 11, {"type": "string"})


def test_the_schema_carries_the_size_limits() -> None:
    props = SCHEMA["properties"]
    assert props["actors"]["maxItems"] == 50 and props["injects"]["maxItems"] == 500
    inject = props["injects"]["items"]["properties"]
    assert inject["effects"]["maxItems"] == 20 and inject["when"]["maxLength"] == 2000


def test_without_source_the_schema_still_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_source(_: object) -> str:
        raise OSError("no source")

    monkeypatch.setattr(schema_module.inspect, "getsource", no_source)
    bare = scenario_schema()
    assert "description" not in bare["properties"]["actors"]["items"]["properties"]["budget"]
    Draft202012Validator.check_schema(bare)


def test_docs_copy_is_up_to_date() -> None:
    """docs/scenario.schema.json is what ``detente schema`` prints (regenerate it with
    ``detente schema -o docs/scenario.schema.json``)."""
    path = ROOT / "docs" / "scenario.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == SCHEMA


def test_module_doctests() -> None:
    assert doctest.testmod(schema_module).failed == 0


def test_the_schema_does_not_change_when_built_twice() -> None:
    assert scenario_schema() == copy.deepcopy(SCHEMA)
