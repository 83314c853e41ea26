"""The ruleset is a plugin in fact: a second, deliberately different ruleset, installed for the
tests through the ``detente.rulesets`` entry point (tests/plugins: fishing villages that share,
raid and talk, with a catch, goodwill and a quarrel, and a feud as their ending), validates,
plays with bots, replays with --verify, branches and reports through the same engine and CLI,
and its privacy follows its own declarations.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from detente.engine.commands import FACILITATOR
from detente.engine.loader import load_scenario
from detente.engine.ruleset import available_rulesets, find_ruleset

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ROOT / "tests" / "plugins"
HARBOUR = ROOT / "tests" / "data" / "toy" / "harbour.toml"
BOTS = ["--bot", "north=dove", "--bot", "south=hawk", "--bot", "east=tit-for-tat"]


@pytest.fixture(autouse=True)
def toy_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The toy ruleset's distribution on the path, as `pip install` would put it."""
    monkeypatch.syspath_prepend(str(PLUGINS))


def detente(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PLUGINS), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "detente.tui.cli", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_toy_is_found_through_the_entry_point() -> None:
    assert "toy-harbour" in available_rulesets()
    toy = find_ruleset("toy-harbour")
    assert set(toy.moves) == {"share", "raid", "talk"}
    assert set(toy.tracks) == {"catch", "goodwill", "quarrel"}


def test_a_toy_scenario_validates_and_a_bad_one_names_the_toys_values(tmp_path: Path) -> None:
    s = load_scenario(HARBOUR)
    assert s.rules.name == "toy-harbour"
    ok = detente("validate", HARBOUR, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text(HARBOUR.read_text(encoding="utf-8").replace("catch = 70", "tension = 70"),
                   encoding="utf-8")
    out = detente("validate", bad, cwd=tmp_path)
    assert out.returncode != 0
    said = out.stdout + out.stderr
    assert "bad.toml:" in said and "tension" in said and "Traceback" not in said


def test_the_toy_plays_with_bots_replays_branches_and_reports(tmp_path: Path) -> None:
    log = tmp_path / "harbour.jsonl"
    run = detente("run", HARBOUR, *BOTS, "--log", log, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    kinds = {r.get("kind") for r in lines[1:]}
    assert {"orders", "move", "changed", "outcome"} <= kinds
    moved = {r["value"] for r in lines[1:] if r.get("kind") == "changed"}
    assert moved <= {"catch", "goodwill", "quarrel"} and "catch" in moved
    assert detente("replay", "--verify", log, cwd=tmp_path).returncode == 0

    branch = tmp_path / "branch.jsonl"
    cut = detente("branch", log, "--at", "2", "-o", branch, cwd=tmp_path)
    assert cut.returncode == 0, cut.stderr
    more = detente("run", "--resume", branch, *BOTS, cwd=tmp_path)
    assert more.returncode == 0, more.stderr
    assert detente("replay", "--verify", branch, cwd=tmp_path).returncode == 0

    report = detente("report", log, cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert "Northcove" in report.stdout and "Traceback" not in report.stderr
    # A team's report keeps another village's goodwill and briefing out.
    mine = detente("report", log, "--as", "north", cwd=tmp_path)
    assert mine.returncode == 0, mine.stderr
    assert "SOUTH-PRIVATE" not in mine.stdout and "NORTH-PRIVATE" not in detente(
        "report", log, "--as", "south", cwd=tmp_path).stdout


def test_a_toy_dry_run_names_its_own_figures(tmp_path: Path) -> None:
    out = detente("simulate", HARBOUR, "--runs", "12", *BOTS, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "feud" in out.stdout and "Peak quarrel" in out.stdout
    assert "tension" not in out.stdout.lower()


def test_a_villages_goodwill_is_its_own() -> None:
    """The toy declares goodwill as the holder's: no other village ever sees it."""
    from detente.engine.session import new_session
    from detente.engine.views import timeline, view

    session = new_session(load_scenario(HARBOUR))
    from detente.engine.bots import BOTS as POLICIES
    from detente.engine.bots import next_command

    players = {t: POLICIES["hawk"] for t in session.scenario.actor_ids}
    events: list = []
    while (cmd := next_command(session.state, session.ruleset, players, seed=1, events=events)) is not None:
        result = session.apply(cmd)
        assert result.accepted, result
        events += result.events
    for role in session.scenario.actor_ids:
        v = view(session.state, role)
        held = v.values.get("goodwill", {})
        assert held and all(key[0] == role for key in held), (role, held)
        for e in timeline(events, role, session.scenario):
            if e["kind"] in ("changed", "override") and e["value"] == "goodwill":
                assert e["of"][0] == role
    assert view(session.state, FACILITATOR).values["goodwill"]


# -- adding a value to the bundled ruleset is a change in rules/ alone ---------------------------

CREDIBLE_EXTRA = '''
[[injects]]
id = "rumour"
title = "A rumour about Azuria's resolve"
turn = 1
to = ["blue"]
effects = [ { value = "credibility", of = ["blue"], add = -20 } ]

[[objectives]]
id = "blue-word"
actor = "blue"
text = "Keep Azuria's word believed"
when = "credibility('blue') >= 20"
check = "end"
points = 1
'''


def credible_scenario(tmp_path: Path) -> Path:
    """Strait Standoff played under the bundled ruleset plus one value (tests/plugins/
    toy_ruleset/credible.py), with an inject and an objective that name the new value."""
    bundled = ROOT / "scenarios" / "strait_standoff.toml"
    text = bundled.read_text(encoding="utf-8").replace(
        'name = "defense-diplomacy"', 'name = "defense-diplomacy-credibility"', 1)
    path = tmp_path / "credible.toml"
    path.write_text(text + CREDIBLE_EXTRA, encoding="utf-8")
    return path


def test_a_value_added_in_rules_alone_is_stored_shown_to_its_holder_and_reported(tmp_path: Path) -> None:
    from detente.engine.commands import Advance, Start
    from detente.engine.session import new_session
    from detente.engine.views import view

    scenario = load_scenario(credible_scenario(tmp_path))
    session = new_session(scenario)
    assert session.state.value("credibility", "blue") == 50  # the track's default
    session.apply(Start())  # turn 1's briefing: the rumour fires
    assert session.state.value("credibility", "blue") == 30
    assert view(session.state, "blue").values["credibility"] == {"blue": 30}
    assert "blue" not in view(session.state, "red").values.get("credibility", {})
    session.apply(Advance())
    assert session.state.phase == "communications"

    log = tmp_path / "credible.jsonl"
    run = detente("run", credible_scenario(tmp_path), "--bot", "blue=hawk", "--bot", "red=hawk",
                  "--bot", "green=dove", "--log", log, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert detente("replay", "--verify", log, cwd=tmp_path).returncode == 0
    report = detente("report", log, cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert "Credibility" in report.stdout or "credibility" in report.stdout
