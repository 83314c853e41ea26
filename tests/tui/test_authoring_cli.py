"""The authoring commands: ``validate --strict``, ``schema`` and ``new`` (a starter that
validates, lints clean and plays to its end)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from detente.engine.loader import load_scenario
from detente.engine.randomplay import play_random_game
from detente.engine.schema import scenario_schema
from detente.engine.session import new_session
from detente.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted(str(p) for p in (ROOT / "scenarios").glob("*.toml"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# -- validate --strict -----------------------------------------------------------------------------

LINTY = """\
[scenario]
id = "linty"
title = "Linty"

[turns]
limit = 4

[rules.overrides.incidents]
cap = 0.5

[[actors]]
id = "blue"
name = "Blue"

[[actors]]
id = "red"
name = "Red"

[[injects]]
id = "never"
title = "Never"
when = "tension('blue', 'red') > 100"

[[objectives]]
id = "calm"
actor = "blue"
text = "Calm"
when = "tension('blue', 'red') < 30"
"""


def test_strict_lints_the_bundled_scenarios_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--strict", *BUNDLED)
    assert code == 0, out
    assert out.splitlines() == [f"{p}: ok" for p in BUNDLED]


def test_strict_prints_warnings_with_file_line_field_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "linty.toml"
    path.write_text(LINTY, encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(path))
    assert (code, out.strip()) == (0, f"{path}: ok")  # warnings only with --strict

    code, out, _ = run(capsys, "validate", "--strict", str(path), BUNDLED[0])
    assert code == 1
    lines = out.splitlines()
    assert lines == [
        f"{path}:9: rules.overrides.incidents.cap: warning: 0.5 is the ruleset's own value: this "
        "override changes nothing [same-as-ruleset]",
        f"{path}:15: actors[1]: warning: red has no objectives: nothing scores its play "
        "[no-objectives]",
        f"{path}:22: injects[0].when: warning: can never be true, so the inject never fires: "
        "tension('blue', 'red') > 100 is impossible: tension('blue', 'red') is 0–100 [never-true]",
        f"{path}: 3 warnings",
        f"{BUNDLED[0]}: ok",
    ]


def test_strict_reports_errors_first_and_does_not_lint_a_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(LINTY.replace('name = "Red"', 'name = "Red"\nbudget = "3"'), encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--strict", str(path))
    assert code == 1
    assert f"{path}:18: actors[1].budget: expected a whole number" in out
    assert "warning" not in out


def test_validate_help_documents_strict_and_its_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--strict" in out and "exit status 1" in out


# -- schema -----------------------------------------------------------------------------------------

def test_schema_prints_the_generated_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert json.loads(out) == scenario_schema()
    dest = tmp_path / "scenario.schema.json"
    code, out, _ = run(capsys, "schema", "-o", str(dest))
    assert (code, out) == (0, "")
    assert json.loads(dest.read_text(encoding="utf-8")) == scenario_schema()


def test_schema_with_an_unknown_ruleset_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schema", "--ruleset", "defence-diplomacy")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "unknown ruleset 'defence-diplomacy'" in err


# -- new --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("actors", [2, 3, 5, 8])
def test_new_writes_a_starter_that_validates_lints_clean_and_plays(
    actors: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "new", "harbour_dispute", "--actors", str(actors))
    assert code == 0
    path = tmp_path / "harbour_dispute.toml"
    assert f"Wrote harbour_dispute.toml: {actors} actors" in out
    text = path.read_text(encoding="utf-8")
    assert "docs/authoring.md" in text and text.count("\n#") > 30  # commented to teach

    code, out, _ = run(capsys, "validate", "--strict", str(path))
    assert (code, out.strip()) == (0, f"{path}: ok")

    scenario = load_scenario(path)
    assert scenario.scenario.id == "harbour_dispute"
    assert len(scenario.actors) == actors
    assert all(a.briefing.strip() for a in scenario.actors)
    assert scenario.scenario.briefing.strip()
    assert any(i.to for i in scenario.injects) and any(i.when for i in scenario.injects)
    assert {o.actor for o in scenario.objectives} == set(scenario.actor_ids)
    outcomes = set()
    for seed in range(6):
        session = new_session(scenario, seed=seed)
        play_random_game(session, random.Random(seed))
        assert session.state.outcome is not None
        outcomes.add(session.state.outcome.result)
    assert outcomes <= {"conflict", "de-escalation", "fracture", "turn-limit"}


def test_new_plays_from_an_orders_file_with_detente_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "new", "crisis.toml")[0] == 0
    orders = tmp_path / "orders.toml"
    orders.write_text("""\
[[turn]]
turn = 1
  [[turn.moves]]
  team = "blue"
  move = "hotline_call"
  target = "red"
  [[turn.answers]]
  team = "red"
  from = "blue"
  move = "hotline_call"
  accept = true
  [turn.orders]
  red = [ { move = "deploy", force = "red-brigade", region = "border" } ]
""", encoding="utf-8")
    code, out, _ = run(capsys, "run", "crisis.toml", "--orders", str(orders), "--log", "s.jsonl")
    assert code == 0, out
    assert "OUTCOME:" in out
    events = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text().splitlines()[1:]]
    fired = {e["id"] for e in events if e.get("kind") == "inject"}
    assert {"border-incident", "intelligence-report", "talks-offer"} <= fired


def test_new_refuses_to_overwrite_and_checks_the_actor_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "mine.toml"
    existing.write_text("# my own work\n", encoding="utf-8")
    code, out, err = run(capsys, "new", "mine")
    assert (code, out) == (1, "")
    assert err == "detente: mine.toml: already exists; choose another name (nothing was written)\n"
    assert existing.read_text(encoding="utf-8") == "# my own work\n"
    for n in ("1", "9"):
        code, _, err = run(capsys, "new", "other", "--actors", n)
        assert code == 1 and err.count("\n") == 1 and "2 to 8 actors" in err
    assert not (tmp_path / "other.toml").exists()


def test_the_docs_example_of_warnings_is_real_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    command = "$ detente validate --strict harbour_dispute.toml\n"
    shown = doc[doc.index(command) + len(command):].split("```", 1)[0].splitlines()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "harbour_dispute.toml").write_text(
        LINTY.replace("blue", "north").replace("red", "south"), encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--strict", "harbour_dispute.toml")
    assert code == 1
    assert out.splitlines() == shown


NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight")


@pytest.mark.parametrize("actors", range(2, 9))
def test_new_starter_text_fits_the_number_of_actors(
    actors: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``new --actors 4`` once wrote "Two rivals…": the summary counts the actors the file has,
    and the public briefing names every one of them; the file still lints clean and plays."""
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "new", "ex", "--actors", str(actors))[0] == 0
    path = tmp_path / "ex.toml"
    code, out, _ = run(capsys, "validate", "--strict", str(path))
    assert (code, out.strip()) == (0, f"{path}: ok")
    scenario = load_scenario(path)
    summary = scenario.scenario.summary
    assert summary.split()[0].strip(":,").lower() == NUMBER_WORDS[actors - 2], summary
    assert all(w not in summary.lower().split() for w in NUMBER_WORDS[actors - 1:]) or actors == 2
    if actors > 2:
        assert summary.startswith(f"{NUMBER_WORDS[actors - 2].capitalize()} states:")
    briefing = " ".join(scenario.scenario.briefing.split())
    for actor in scenario.actors:
        assert actor.name in briefing, (actor.name, briefing)
    session = new_session(scenario, seed=actors)
    play_random_game(session, random.Random(actors))
    assert session.state.outcome is not None
