"""``[rules.moves]``: a scenario says which moves exist here, for whom and between whom, instead
of pricing them out. The file is checked with lines, the schema and the linter know it, a
session never offers or accepts a move the scenario does not allow, and bots keep to it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from detente.engine.adjudicate import legal_moves
from detente.engine.bots import BOTS, next_command
from detente.engine.commands import Advance, Propose, Start, SubmitOrders
from detente.engine.lint import lint_scenario
from detente.engine.loader import EXAMPLE, ScenarioError, load_scenario, load_scenario_text
from detente.engine.schema import scenario_schema
from detente.engine.session import Accepted, Rejected, Session, new_session
from detente.engine.state import Order
from detente.net.protocol import scenario_from_dict, scenario_to_dict

ROOT = Path(__file__).resolve().parents[2]

LIMITS = """[rules.moves]
joint_exercise = false
hotline_call = { pairs = [["blue", "red"]] }
raise_readiness = { actors = ["red"] }
"""


def with_moves(table: str, base: str = EXAMPLE) -> str:
    """``base`` with ``table`` written before its first actor."""
    return base.replace("[[actors]]", table + "\n[[actors]]", 1)


def test_the_table_is_read_into_rules() -> None:
    s = load_scenario_text(with_moves(LIMITS))
    rules = s.rules
    assert not rules.allows("joint_exercise", "blue", "red")
    assert rules.allows("hotline_call", "blue", "red") and rules.allows("hotline_call", "red", "blue")
    assert rules.allows("raise_readiness", "red") and not rules.allows("raise_readiness", "blue")
    assert rules.allows("deploy", "blue")  # not named: everywhere


@pytest.mark.parametrize(("table", "where", "says"), [
    ("joint_exrcise = false", "rules.moves.joint_exrcise", "did you mean 'joint_exercise'?"),
    ('deploy = "no"', "rules.moves.deploy", "expected true/false or a table"),
    ('deploy = { actors = ["rde"] }', "rules.moves.deploy.actors[0]",
     "unknown actor 'rde' (did you mean 'red'?)"),
    ('hotline_call = { pairs = [["blue", "blue"]] }', "rules.moves.hotline_call.pairs[0]",
     "a pair is two different actors"),
    ('hotline_call = { pairs = [["blue"]] }', "rules.moves.hotline_call.pairs[0]", "a list of 2 values"),
    ('deploy = { actors = [] }', "rules.moves.deploy.actors", "an empty list lets no one be named"),
    ('deploy = { enabled = false, actors = ["red"] }', "rules.moves.deploy.enabled",
     "a move that is off has no actors or pairs"),
    ('deploy = { who = ["red"] }', "rules.moves.deploy.who", "unknown field"),
])
def test_a_mistake_names_file_line_and_field(table: str, where: str, says: str) -> None:
    text = with_moves(f"[rules.moves]\n{table}\n")
    line = text.splitlines().index(table) + 1
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, path="s.toml")
    message = str(caught.value)
    assert f"s.toml:{line}: {where}: " in message and says in message, message


def test_the_schema_knows_the_table() -> None:
    schema = scenario_schema()
    data = {"scenario": {"id": "x", "title": "X"}, "turns": {"limit": 3},
            "rules": {"moves": {"joint_exercise": False, "hotline_call": {"pairs": [["blue", "red"]]}}},
            "actors": [{"id": "blue", "name": "B"}, {"id": "red", "name": "R"}]}
    jsonschema.validate(data, schema)
    for wrong in ({"joint_exrcise": False}, {"deploy": "no"}, {"deploy": {"pairs": [["blue"]]}}):
        data["rules"]["moves"] = wrong
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, schema)


def test_pricing_a_move_out_is_a_warning_that_names_the_table() -> None:
    text = with_moves("[rules.overrides.costs]\njoint_exercise = 99\n")
    found = [w for w in lint_scenario(load_scenario_text(text), text) if w.rule == "priced-out"]
    assert len(found) == 1 and "joint_exercise = false in [rules.moves]" in found[0].message
    off = with_moves("[rules.moves]\njoint_exercise = false\n[rules.overrides.costs]\njoint_exercise = 99\n")
    assert not [w for w in lint_scenario(load_scenario_text(off), off) if w.rule == "priced-out"]


def test_a_network_client_gets_the_same_limits() -> None:
    s = load_scenario_text(with_moves(LIMITS))
    again = scenario_from_dict(json.loads(json.dumps(scenario_to_dict(s))))
    assert again.rules.moves == s.rules.moves


def test_bundled_scenarios_still_load() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        load_scenario(path)


# -- in play -------------------------------------------------------------------------------------

STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
# Azuria (blue), Corvania (red) and Lysmark (green): the only hotline is blue–red, no one holds
# joint exercises, and only Corvania raises readiness.
STRAIT_LIMITS = LIMITS


def strait(table: str = STRAIT_LIMITS) -> Session:
    text = with_moves(table, STRAIT.read_text(encoding="utf-8"))
    s = new_session(load_scenario_text(text, path=str(STRAIT)))
    s.apply(Start())
    while s.state.phase != "communications":
        s.apply(Advance())
    return s


def names(s: Session, team: str, phase: str | None = None) -> dict[str, Mapping[str, tuple[str, ...]]]:
    return {lm.move.name: lm.choices for lm in legal_moves(s.state, team, s.ruleset, phase)}


def test_the_moves_offered_keep_to_the_table() -> None:
    s = strait()
    free = strait("")
    for team in ("blue", "red", "green"):
        assert "joint_exercise" in names(free, team)
        assert "joint_exercise" not in names(s, team)
    assert "raise_readiness" in names(s, "red", "orders")
    assert "raise_readiness" not in names(s, "blue", "orders")
    assert names(s, "blue")["hotline_call"]["target"] == ("red",)
    assert names(s, "red")["hotline_call"]["target"] == ("blue",)
    assert "hotline_call" not in names(s, "green")  # in no pair: nobody to call
    assert "hotline_call" in names(free, "green")


def test_a_move_the_scenario_does_not_allow_is_refused_and_costs_nothing() -> None:
    s = strait()
    before = s.state
    result = s.apply(Propose("green", Order("hotline_call", target="blue")))
    assert isinstance(result, Rejected) and "does not let green make hotline_call" in result.reason
    result = s.apply(Propose("blue", Order("hotline_call", target="green")))
    assert isinstance(result, Rejected) and "'green' is not a valid target" in result.reason
    assert s.state is before
    result = s.apply(Propose("blue", Order("joint_exercise", target="red", region="strait")))
    assert isinstance(result, Rejected) and "does not let blue make joint_exercise" in result.reason
    assert s.state is before
    assert isinstance(s.apply(Propose("blue", Order("hotline_call", target="red"))), Accepted)
    while s.state.phase != "orders":
        s.apply(Advance())
    spent = dict(s.state.spent)
    result = s.apply(SubmitOrders("blue", (Order("raise_readiness"),)))
    assert isinstance(result, Rejected) and "does not let blue make raise_readiness" in result.reason
    assert s.state.spent == spent


@pytest.mark.parametrize("policy", sorted(BOTS))
def test_bots_keep_to_the_table(policy: str) -> None:
    s = strait()
    bots = {t: BOTS[policy] for t in s.scenario.actor_ids}
    events: list[dict[str, Any]] = []
    while (c := next_command(s.state, s.ruleset, bots, seed=7, events=events)) is not None:
        result = s.apply(c)
        assert isinstance(result, Accepted), result
        events += result.events
    orders = [(e["team"], o) for e in events if e["kind"] == "orders" for o in e["orders"]]
    calls = [(e["by"], e["order"]) for e in events if e["kind"] == "proposal"]
    assert orders or calls
    for team, o in orders + calls:
        assert s.scenario.rules.allows(o["move"], team, o.get("target")), (team, o)
