"""Every number a scenario takes has a range that plain ``detente validate`` enforces, so that no
valid scenario can crash play: ruleset overrides (ranges declared in the ruleset's TOML),
probabilities and shares, costs, effects, points, conditions."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import scenarios

from detente.engine.loader import (
    EXAMPLE,
    MAX_CONDITION_LENGTH,
    MAX_EFFECTS,
    ScenarioError,
    load_scenario_text,
)
from detente.engine.randomplay import random_commands
from detente.engine.ruleset import find_ruleset
from detente.engine.scenario import Scenario
from detente.engine.session import new_session
from detente.tui.cli import main

LAST = EXAMPLE.count("\n")


def shown(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "t.toml")
    return [str(p) for p in info.value.problems]


def override(section: str, line: str) -> str:
    return EXAMPLE + f"\n[rules.overrides.{section}]\n{line}\n"


AT = LAST + 3  # the line of an override appended by override()


@pytest.mark.parametrize(("section", "line", "message"), [
    ("perception", "misperception_factor = 1e308",
     "misperception_factor must be 0–10, got 1e+308"),
    ("perception", "misperception_base = 1.5",
     "misperception_base is a probability or a share, so it must be 0–1, got 1.5"),
    ("perception", "info_damping = -0.1",
     "info_damping is a probability or a share, so it must be 0–1, got -0.1"),
    ("incidents", "cap = 2", "cap is a probability or a share, so it must be 0–1, got 2"),
    ("drift", "rate = 1.01", "rate is a probability or a share, so it must be 0–1, got 1.01"),
    ("costs", "deploy = -3", "deploy must be 1–100, got -3"),
    ("costs", "deploy = 0", "deploy must be 1–100, got 0"),
    ("costs", "public_statement = -1", "public_statement must be 1–100, got -1"),  # not listed
    ("hotline", "answered_tension = -5", "answered_tension must be 0–100, got -5"),
    ("incidents", "serious_min = 1000", "serious_min must be 2–30, got 1000"),
    ("end", "conflict_rung = 12", "conflict_rung must be 1–11, got 12"),
    ("end", "deescalation_turns = 0", "deescalation_turns must be 1–200, got 0"),
    ("defaults", "", ""),  # the starting values keep the game's ranges: see below
    ("ladder", 'names = ["Peace"]',
     "expected a list of 11 like the ruleset's (texts), got 1"),
    ("ladder", "names = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]",
     "expected a list of 11 like the ruleset's (texts), got 11 with an item of another kind"),
])
def test_plain_validate_enforces_every_rulesets_range(section: str, line: str,
                                                      message: str) -> None:
    if section == "defaults":
        text = EXAMPLE.replace("tension = 35", "information = 1.5")
        assert shown(text) == ["t.toml:9: rules.overrides.defaults.information: information must "
                               "be 0–1, got 1.5"]
        return
    field = f"rules.overrides.{section}.{line.split(' =')[0]}"
    assert shown(override(section, line)) == [f"t.toml:{AT}: {field}: {message}"]


def test_the_ranges_are_not_an_overridable_section() -> None:
    [problem] = shown(override("ranges", "costs = 1"))
    assert problem.startswith(f"t.toml:{LAST + 2}: rules.overrides.ranges: the defense-diplomacy "
                              "ruleset has no section [ranges]")


def test_every_number_of_the_ruleset_has_a_range_that_holds_its_own_value() -> None:
    ruleset = find_ruleset("defense-diplomacy")
    assert "ranges" not in ruleset.numbers
    for section, values in ruleset.numbers.items():
        for key, v in values.items():
            if type(v) not in (int, float):
                continue
            limits = (ruleset.tracks[key].range if section == "defaults"
                      else ruleset.range_of(section, key))
            assert limits is not None, f"[{section}] {key} has no range"
            assert limits[0] <= v <= limits[1], (section, key, v, limits)
    for move in ruleset.moves:  # any move may be given a cost
        assert ruleset.range_of("costs", move) == (1, 100)


def test_the_ends_of_the_ranges_are_valid() -> None:
    text = override("perception", "misperception_factor = 10\nmisperception_base = 1\n"
                    "info_damping = 0")
    assert load_scenario_text(text).rules.overrides["perception"]["misperception_factor"] == 10


def test_an_effect_adds_at_most_the_width_of_its_values_range() -> None:
    effect = ('\n[[injects]]\nid = "leak"\ntitle = "Leak"\nturn = 2\n'
              '  [[injects.effects]]\n  value = "{value}"\n  of = {of}\n  add = {add}\n')
    pair = '["blue", "red"]'
    assert shown(EXAMPLE + effect.format(value="answer", of=pair, add=-10)) == [
        f"t.toml:{LAST + 9}: injects[0].effects[0].add: answer is 0–1, so add must be between "
        "-1 and 1, got -10 (did you mean -0.1?)"]
    assert shown(EXAMPLE + effect.format(value="tension", of=pair, add=1e308)) == [
        f"t.toml:{LAST + 9}: injects[0].effects[0].add: tension is 0–100, so add must be between "
        "-100 and 100, got 1e+308"]
    s = load_scenario_text(EXAMPLE + effect.format(value="tension", of=pair, add=-100))
    assert s.injects[0].effects[0].add == -100


def test_objective_points_are_at_most_1000() -> None:
    text = EXAMPLE + ('\n[[objectives]]\nid = "o"\nactor = "blue"\ntext = "x"\nwhen = "turn > 1"\n'
                      "points = 1001\n")
    assert shown(text) == [f"t.toml:{LAST + 7}: objectives[0].points: points must be 0–1000, "
                           "got 1001"]


def test_a_condition_too_long_and_too_many_effects() -> None:
    long = " or ".join(["turn > 1"] * (MAX_CONDITION_LENGTH // 10))
    effects = ", ".join(['{ value = "tension", of = ["blue", "red"], add = 1 }'] * (MAX_EFFECTS + 1))
    text = EXAMPLE + (f'\n[[injects]]\nid = "i"\ntitle = "I"\nwhen = "{long}"\n'
                      f"effects = [{effects}]\n")
    assert shown(text) == [
        f"t.toml:{LAST + 5}: injects[0].when: a condition of {len(long):,} characters; the most "
        "is 2,000",
        f"t.toml:{LAST + 6}: injects[0].effects[20]: more than 20 effects, the most an inject may "
        "have",
    ]


def test_validate_refuses_misperception_factor_1e308_without_strict(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.toml"
    path.write_text(override("perception", "misperception_factor = 1e308\n"
                             "misperception_base = 1.5"), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert out.splitlines() == [
        f"{path}:{AT}: rules.overrides.perception.misperception_factor: misperception_factor "
        "must be 0–10, got 1e+308",
        f"{path}:{AT + 1}: rules.overrides.perception.misperception_base: misperception_base is "
        "a probability or a share, so it must be 0–1, got 1.5",
    ]


# -- no valid scenario can crash play --------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(overrides=True))
def test_any_valid_scenario_with_any_numbers_in_range_plays(s: Scenario) -> None:
    from detente.engine.loader import dump_scenario

    s = load_scenario_text(dump_scenario(s))  # valid: the loader accepts it
    session = new_session(s)
    for n, command in enumerate(random_commands(session, random.Random(s.scenario.seed))):
        assert session.apply(command).accepted
        if n > 400:
            break
