"""Where forces start and may go (issue 12): a force can begin the exercise deployed away from
home, and a scenario can limit the regions it may enter. The loader checks both with lines; the
session starts the force there and refuses a deployment elsewhere with the reason; bots keep to
it; the linter reads the limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from detente.engine.adjudicate import check_order
from detente.engine.bots import BOTS, next_command
from detente.engine.commands import Advance, Start, SubmitOrders
from detente.engine.lint import lint_scenario
from detente.engine.loader import ScenarioError, load_scenario_text
from detente.engine.session import Accepted, Rejected, Session, new_session
from detente.engine.state import Order
from detente.engine.views import view

ROOT = Path(__file__).resolve().parents[2]
STRAIT = (ROOT / "scenarios" / "strait_standoff.toml").read_text(encoding="utf-8")
FLEET = 'name = "Azurian Eastern Squadron"\n'


def strait(extra: str) -> str:
    """Strait Standoff with ``extra`` lines in the Azurian squadron's table."""
    assert FLEET in STRAIT
    return STRAIT.replace(FLEET, FLEET + extra, 1)


def session(extra: str) -> Session:
    s = new_session(load_scenario_text(strait(extra)))
    s.apply(Start())
    while s.state.phase != "orders":
        s.apply(Advance())
    return s


def test_a_force_starts_where_the_scenario_puts_it() -> None:
    s = session('start = "strait"\n')
    assert s.state.forces["blue-fleet"].region == "strait"
    assert s.state.forces["blue-air"].region == "azurian-waters"  # the others start at home
    # Everyone sees where it starts, and its owner may bring it home on the first turn.
    fleet = {f.id: f for f in view(s.state, "red").forces}["blue-fleet"]
    assert fleet.region == "strait"
    home = Order("withdraw", force="blue-fleet")
    assert check_order(s.state, "blue", home, s.ruleset, "orders") is None


def test_a_force_goes_only_where_it_may() -> None:
    s = session('regions = ["strait"]\n')
    far = Order("deploy", force="blue-fleet", region="southern-approaches")
    reason = check_order(s.state, "blue", far, s.ruleset, "orders")
    assert reason is not None and "cannot go to" in reason and "Velin Strait" in reason
    spent = dict(s.state.spent)
    result = s.apply(SubmitOrders("blue", (far,)))
    assert isinstance(result, Rejected) and s.state.spent == spent
    near = Order("deploy", force="blue-fleet", region="strait")
    assert isinstance(s.apply(SubmitOrders("blue", (near,))), Accepted)
    # Another force of the same team is not limited.
    other = Order("deploy", force="blue-air", region="southern-approaches")
    assert check_order(s.state, "red", other, s.ruleset, "orders") is not None  # not red's
    assert check_order(session("").state, "blue", other, s.ruleset, "orders") is None


@pytest.mark.parametrize("policy", ["random", "hawk"])
def test_bots_keep_a_force_where_it_may_go(policy: str) -> None:
    s = session('regions = ["strait"]\n')
    bots = {t: BOTS[policy] for t in s.scenario.actor_ids}
    events: list[dict[str, Any]] = []
    while (c := next_command(s.state, s.ruleset, bots, seed=3, events=events)) is not None:
        result = s.apply(c)
        assert isinstance(result, Accepted), result
        events += result.events
        assert s.state.forces["blue-fleet"].region in ("strait", "azurian-waters")


@pytest.mark.parametrize(("extra", "where", "says"), [
    ('start = "strat"\n', "forces[0].start", "unknown region 'strat' (did you mean 'strait'?)"),
    ('regions = ["strait", "nowhere"]\n', "forces[0].regions[1]", "unknown region 'nowhere'"),
    ("regions = []\n", "forces[0].regions", "an empty list would keep the force at home"),
    ('start = "lysmark-roads"\nregions = ["strait"]\n', "forces[0].start", "not one of its regions"),
])
def test_a_mistake_names_file_line_and_field(extra: str, where: str, says: str) -> None:
    text = strait(extra)
    line = text.splitlines().index(extra.splitlines()[0]) + 1
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, path="s.toml")
    assert f"s.toml:{line}: {where}: " in str(caught.value) and says in str(caught.value), str(caught.value)


def test_the_linter_reads_where_a_force_may_go() -> None:
    text = strait('regions = ["azurian-waters"]\n')
    found = [w for w in lint_scenario(load_scenario_text(text), text) if w.rule == "unused"]
    assert any("blue-fleet" in w.message and "no region it may go to" in w.message for w in found), found
    assert not [w for w in lint_scenario(load_scenario_text(STRAIT), STRAIT) if w.rule == "unused"]
