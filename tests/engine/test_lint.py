"""The scenario linter: each rule fires on a small scenario that breaks it, with the file, the
line and the field; the bundled scenarios are clean; and what it claims holds in play."""

from __future__ import annotations

import doctest
import random
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import scenarios

from detente.engine import lint
from detente.engine.lint import RULES, LintWarning, lint_scenario
from detente.engine.loader import ScenarioError, load_scenario, load_scenario_text
from detente.engine.randomplay import random_commands
from detente.engine.ruleset import find_ruleset
from detente.engine.scenario import Scenario
from detente.engine.session import Session, new_session

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted((ROOT / "scenarios").glob("*.toml"))

# A small scenario that lints clean; each test adds or changes one thing.
BASE = """\
[scenario]
id = "base"
title = "Base"

[turns]
limit = 6

[[actors]]
id = "blue"
name = "Blue"

[[actors]]
id = "red"
name = "Red"

[[regions]]
id = "gap"
name = "The Gap"
near = ["blue", "red"]

[[regions]]
id = "blue-land"
name = "Blue land"
near = ["blue"]

[[forces]]
id = "blue-army"
owner = "blue"
home = "blue-land"

[[objectives]]
id = "blue-calm"
actor = "blue"
text = "Keep calm."
when = "tension('blue', 'red') < 40"

[[objectives]]
id = "red-trust"
actor = "red"
text = "Be trusted."
when = "trust('blue', 'red') >= 60"
check = "ever"
"""


def warnings_of(text: str) -> list[LintWarning]:
    return lint_scenario(load_scenario_text(text, "s.toml"), text, "s.toml")


def line_of(text: str, snippet: str) -> int:
    """The 1-based line of the only line containing ``snippet``."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if snippet in line]
    assert len(hits) == 1, (snippet, hits)
    return hits[0]


def only(text: str, rule: str) -> LintWarning:
    found = [w for w in warnings_of(text) if w.rule == rule]
    assert len(found) == 1, [str(w) for w in warnings_of(text)]
    return found[0]


def test_the_base_scenario_is_clean() -> None:
    assert warnings_of(BASE) == []


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_scenarios_are_clean(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert [str(w) for w in lint_scenario(load_scenario(path), text, str(path))] == []


def test_module_doctests() -> None:
    assert doctest.testmod(lint).failed == 0


def test_warning_format_is_the_loaders_with_the_rule() -> None:
    text = BASE + '\n[[actors]]\nid = "grey"\nname = "Grey"\n'
    w = only(text, "no-objectives")
    line = line_of(text, 'id = "grey"') - 1
    assert str(w) == (f"s.toml:{line}: actors[2]: warning: grey has no objectives: nothing scores "
                      "its play [no-objectives]")
    assert set(RULES) >= {w.rule for w in warnings_of(text)}


# -- conditions that can never be true ---------------------------------------------------------

INJECT = """
[[injects]]
id = "late-news"
title = "News"
when = "{when}"
"""


@pytest.mark.parametrize(("when", "why"), [
    ("tension('blue', 'red') > 150", "tension('blue', 'red') is 0–100"),
    ("information('red', 'blue') >= 1.5", "information('red', 'blue') is 0–1"),
    ("rung('blue', 'red') == 11", "is 0–10"),
    ("tension('red', 'blue') >= 60 and rung('blue', 'red') <= 3", "cannot all hold"),
    ("trust('blue', 'red') > 70 and not trust('blue', 'red') > 50", "cannot all hold"),
    ("40 < threat('blue', 'red') < 30", "cannot all hold"),
    ("turn > 6", "turn is 1–6 (the turn limit)"),
    ("turn > turns", "turn > turns is impossible"),
    ("readiness('red') + 2 > 7", "is impossible"),
    ("forces_in('red', 'gap') >= 1", "forces_in('red', 'gap') is always 0 in this scenario"),
    ("agreement('blue', 'red')", "always false (no move and no inject changes it)"),
    ("fired('late-news')", "an inject's own fired('late-news') is false until it has fired"),
    ("false or pressure('blue') < 0", "pressure('blue') < 0 is impossible"),
])
def test_an_inject_that_can_never_fire(when: str, why: str) -> None:
    text = BASE + INJECT.format(when=when)
    w = only(text, "never-true")
    assert (w.path, w.line, w.field) == ("s.toml", line_of(text, "when = \"" + when), "injects[0].when")
    assert w.message.startswith("can never be true, so the inject never fires: ")
    assert why in w.message


@pytest.mark.parametrize("when", [
    "tension('blue', 'red') >= 100",
    "tension('blue', 'red') > 50 or tension('blue', 'red') > 150",
    "not (tension('blue', 'red') > 150)",
    "information('red', 'blue') > 0.99",
    "turn == 6",
    "forces_in('blue', 'gap') == 1",
    "proximity('blue', 'red') >= 1",
    "hotline('blue', 'red') == true",
    "fired('late-news') or turn >= 2",
    "min(trust('blue', 'red'), 50) > 40",
    "tension('blue', 'red') / 0 > 1",
])
def test_a_condition_that_can_hold_is_not_flagged(when: str) -> None:
    text = BASE + INJECT.format(when=when)
    assert [str(w) for w in warnings_of(text)] == []


def test_an_inject_set_agreement_makes_it_reachable() -> None:
    text = BASE + INJECT.format(when="agreement('red', 'blue')") + """
[[injects]]
id = "treaty"
title = "Treaty"
turn = 3
  [[injects.effects]]
  value = "agreement"
  of = ["blue", "red"]
  set = true
"""
    assert [str(w) for w in warnings_of(text)] == []


def test_proximity_is_bounded_by_the_forces_that_can_come_near() -> None:
    text = BASE + INJECT.format(when="proximity('blue', 'red') >= 2")
    w = only(text, "never-true")
    assert "proximity('blue', 'red') is 0–1" in w.message


def test_objectives_and_endings_that_can_never_be_true() -> None:
    text = BASE.replace("when = \"trust('blue', 'red') >= 60\"",
                        "when = \"trust('blue', 'red') >= 160\"") + """
[[endings]]
id = "never"
when = "threat('red', 'blue') < -1"
reason = "x"
"""
    found = {w.field: w for w in warnings_of(text) if w.rule == "never-true"}
    assert set(found) == {"objectives[1].when", "endings[0].when"}
    assert found["objectives[1].when"].line == line_of(text, ">= 160")
    assert found["objectives[1].when"].message.startswith("can never be met: ")
    assert found["endings[0].when"].line == line_of(text, "< -1")
    assert "this ending never happens" in found["endings[0].when"].message


# -- injects no schedule reaches ------------------------------------------------------------------

def test_a_scheduled_inject_after_an_ending_that_always_stops_the_game() -> None:
    text = BASE + """
[[injects]]
id = "day-five"
title = "Day five"
turn = 5

[[injects]]
id = "day-four"
title = "Day four"
turn = 4

[[endings]]
id = "short"
when = "turn >= 4"
reason = "A short exercise."
"""
    w = only(text, "unreachable")
    assert (w.line, w.field) == (line_of(text, "turn = 5"), "injects[0].turn")
    assert "ending 'short' always ends the exercise after turn 4" in w.message
    # and conditions see the shorter game too
    text += INJECT.format(when="turn >= 5")
    w = only(text, "never-true")
    assert "ending 'short' stops the exercise after turn 4" in w.message


# -- objectives no move can affect ----------------------------------------------------------------

@pytest.mark.parametrize(("when", "expected"), [
    ("turn >= 3", "depends only on the turn"),
    ("tension('blue', 'red') <= 100", "is always true"),
    ("not agreement('blue', 'red') and turn >= 2", "agreement('blue', 'red') stays false"),
    ("forces_in('red', 'gap') == 0", "is always true"),
])
def test_an_objective_no_move_can_affect(when: str, expected: str) -> None:
    text = BASE.replace("when = \"trust('blue', 'red') >= 60\"", f'when = "{when}"')
    w = only(text, "unaffected")
    assert (w.line, w.field) == (line_of(text, f'when = "{when}"'), "objectives[1].when")
    assert expected in w.message


def test_an_objective_is_affected_through_an_inject_that_fires_on_a_condition() -> None:
    text = BASE.replace("when = \"trust('blue', 'red') >= 60\"", "when = \"fired('talks')\"") + """
[[injects]]
id = "talks"
title = "Talks"
when = "trust('blue', 'red') >= 60"
"""
    assert [str(w) for w in warnings_of(text)] == []
    scheduled = text.replace("when = \"trust('blue', 'red') >= 60\"", "turn = 2")
    assert "fired('talks')" in only(scheduled, "unaffected").message


def test_a_ruleset_that_does_not_declare_its_changes_is_not_second_guessed() -> None:
    s = load_scenario_text(BASE.replace("when = \"trust('blue', 'red') >= 60\"",
                                        "when = \"not agreement('blue', 'red')\""))
    ruleset = attrs.evolve(find_ruleset("defense-diplomacy"), changes=None)
    found = lint._Linter(s, ruleset, ruleset.numbers).run()
    assert [rule for _, _, rule in found] == []


# -- actors, regions, forces ----------------------------------------------------------------------

def test_unused_regions_and_forces() -> None:
    text = BASE + """
[[regions]]
id = "nowhere"
name = "Nowhere"
"""
    w = only(text, "unused")
    assert (w.line, w.field) == (line_of(text, 'id = "nowhere"') - 1, "regions[2]")
    assert "region 'nowhere' is never used" in w.message
    # named in a condition, it is used
    text2 = text + INJECT.format(when="forces_in('blue', 'nowhere') >= 1")
    assert [w.rule for w in warnings_of(text2)] == []

    lonely = BASE.replace('near = ["blue", "red"]', 'near = ["blue"]')
    w = only(lonely, "unused")
    assert (w.line, w.field) == (line_of(lonely, 'id = "blue-army"') - 1, "forces[0]")
    assert "force 'blue-army' can never come near another actor" in w.message


# -- overrides ----------------------------------------------------------------------------------

def test_overrides_that_change_nothing() -> None:
    text = BASE + """
[rules.overrides.incidents]
cap = 0.5
base = 0.2

[rules.overrides.costs]
deploy = 3
withdraw = 1

[rules.overrides.perception]
misperception_factor = 2
detect_near = 2.5
"""
    found = {w.field: w for w in warnings_of(text)}
    assert {f: w.rule for f, w in found.items()} == {
        "rules.overrides.incidents.cap": "same-as-ruleset",
        "rules.overrides.costs.withdraw": "same-as-ruleset",
        "rules.overrides.perception.misperception_factor": "same-as-ruleset",
    }
    assert found["rules.overrides.incidents.cap"].line == line_of(text, "cap = 0.5")


def test_probabilities_outside_0_1_are_errors_not_warnings() -> None:
    # Plain `detente validate` refuses them (tests/engine/test_loader_ranges.py): no lint rule.
    assert "probability" not in RULES
    text = BASE + "\n[rules.overrides.incidents]\nbase = 1.2\n"
    with pytest.raises(ScenarioError, match=r"base is a probability or a share, so it must be "
                       r"0–1, got 1\.2"):
        load_scenario_text(text)


# -- what the linter claims holds in play ---------------------------------------------------------

def _changes_seen(path: Path, seeds: int) -> dict[str, set[str]]:
    """Play random games with every move and step wrapped, and note what each changed."""
    scenario = load_scenario(path)
    base = find_ruleset(scenario.rules.name)
    seen: dict[str, set[str]] = {}
    stack: list[tuple[str, object, int]] = []

    def wrap(name: str, fn):  # type: ignore[no-untyped-def]
        def run(r, *args):  # type: ignore[no-untyped-def]
            stack.append((name, r, len(r.events)))
            try:
                return fn(r, *args)
            finally:
                _, _, start = stack.pop()
                for e in r.events[start:]:
                    if e.get("_by") is None:
                        e["_by"] = name
                        seen.setdefault(name, set()).update(_facts(e))
        return run

    moves = {}
    for name, mt in base.moves.items():
        moves[name] = attrs.evolve(mt, **{
            hook: wrap(name, getattr(mt, hook))
            for hook in ("resolve", "accept", "decline") if getattr(mt, hook) is not None
        })
    steps = tuple(attrs.evolve(st, run=wrap(st.name, st.run)) for st in base.steps)
    ruleset = attrs.evolve(base, moves=moves, steps=steps)
    from detente.engine.loader import ruleset_numbers

    for seed in range(seeds):
        session = Session(scenario, ruleset, seed, ruleset_numbers(scenario))
        for command in random_commands(session, random.Random(seed)):
            assert session.apply(command).accepted
    return seen


def _facts(event: dict) -> set[str]:
    kind = event["kind"]
    if kind == "changed":
        return {event["value"]}
    if kind == "force":
        return {"deployed", "forces_in", "proximity"}
    if kind == "incident":
        return {"incidents"}
    if kind == "pledge_status":
        return {"pledged", "broken"}
    return set()


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_rulesets_declared_changes_cover_what_moves_and_steps_do(path: Path) -> None:
    ruleset = find_ruleset("defense-diplomacy")
    assert ruleset.changes is not None
    assert set(ruleset.changes) == set(ruleset.moves) | {s.name for s in ruleset.steps}
    seen = _changes_seen(path, seeds=40)
    assert seen, "the wrapped moves and steps were never called"
    for name, facts in seen.items():
        undeclared = facts - set(ruleset.changes[name])
        assert not undeclared, f"{name} changed {undeclared}, not declared in Ruleset.changes"


def test_injects_flagged_never_true_never_fire_in_play() -> None:
    text = BASE + INJECT.format(when="rung('blue', 'red') >= 5 and tension('blue', 'red') < 45") + """
[[injects]]
id = "maybe"
title = "Maybe"
when = "tension('blue', 'red') >= 5"
"""
    scenario = load_scenario_text(text)
    flagged = {w.field for w in lint_scenario(scenario, text) if w.rule == "never-true"}
    assert flagged == {"injects[0].when"}
    fired: set[str] = set()
    for seed in range(20):
        session = new_session(scenario, seed=seed)
        for command in random_commands(session, random.Random(seed)):
            result = session.apply(command)
            fired |= {e["id"] for e in result.events if e["kind"] == "inject"}
    assert fired == {"maybe"}



@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**16))
def test_what_is_flagged_never_true_never_happens_in_random_scenarios(s: Scenario, seed: int) -> None:
    """Soundness on any valid scenario: the linter runs, and an inject or objective it says can
    never be true does not fire, or is not met, in a random game."""
    found = lint_scenario(s)
    assert all(w.rule in RULES for w in found)
    never = {w.field for w in found if w.rule == "never-true"}
    session = new_session(s, seed=seed)
    events = []
    for command in random_commands(session, random.Random(seed)):
        events += session.apply(command).events  # type: ignore[union-attr]
    index = {inj.id: i for i, inj in enumerate(s.injects)}
    for e in events:
        if e["kind"] == "inject" and e["id"] in index:
            assert f"injects[{index[e['id']]}].when" not in never, e
    objectives = {o.id: i for i, o in enumerate(s.objectives)}
    for e in events:
        if e["kind"] == "objective" and e["met"]:
            assert f"objectives[{objectives[e['id']]}].when" not in never, e


def test_the_authoring_modules_need_no_ui_network_or_validator() -> None:
    """engine/lint.py and engine/schema.py stay in the pure core (like tests/test_import_hygiene.py)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import detente.engine.lint, detente.engine.schema\n"
        "detente.engine.schema.scenario_schema()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'websockets',\n"
        "             'jsonschema') or m.startswith('detente.tui'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_draw_nothing_reads_and_no_team_learns_is_flagged() -> None:
    text = (ROOT / "scenarios" / "strait_standoff.toml").read_text(encoding="utf-8") + (
        '\n[[draws]]\nid = "weather"\ntitle = "Whether a storm comes"\noptions = ["calm", "storm"]\n')
    warnings = lint_scenario(load_scenario_text(text))
    assert [(w.field, w.rule) for w in warnings if w.rule == "unused-draw"] == [("draws[0]", "unused-draw")]
    # Learnt by a team, it informs that team: no warning.
    learnt = lint_scenario(load_scenario_text(text + "hidden_from = []\n"))
    assert not [w for w in learnt if w.rule == "unused-draw"]


def test_a_channel_only_background_actors_can_use_is_flagged() -> None:
    text = (ROOT / "scenarios" / "strait_standoff.toml").read_text(encoding="utf-8")
    for name in ("Corvanian Federation", "Kingdom of Lysmark"):
        text = text.replace(f'name = "{name}"\n', f'name = "{name}"\nplays = "background"\n', 1)
    channel = '\n[[channels]]\nid = "envoy"\nname = "Special envoy"\npairs = [["{}", "green"]]\n'
    idle = lint_scenario(load_scenario_text(text + channel.format("red")))
    assert [w.field for w in idle if w.rule == "idle-channel"] == ["channels[0]"]
    used = lint_scenario(load_scenario_text(text + channel.format("blue")))  # blue sits at a seat
    assert not [w for w in used if w.rule == "idle-channel"]
