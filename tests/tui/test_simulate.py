"""``detente simulate`` and ``detente run --bot``: dry runs that give the same results for any
number of processes, their per-run files, one-line errors, and bot runs that replay."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from detente.engine.loader import load_scenario
from detente.engine.ruleset import find_ruleset
from detente.engine.simulate import ending_name, ending_of, rule_endings
from detente.engine.state import Outcome
from detente.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
MINI = str(ROOT / "tests" / "data" / "mini.toml")
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
OUTCOME_LINE = re.compile(r"^(conflict|de-escalation|fracture|turn-limit|scenario|ended)\s+(\d+)\s", re.M)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def simulate(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = run(capsys, "simulate", MINI, *args)
    assert code == 0, err
    return out


def test_one_job_and_two_give_the_same_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    common = ("--runs", "14", "--seed", "5", "--bot", "red=hawk")
    out1 = simulate(capsys, *common, "--jobs", "1", "--out", str(one))
    out2 = simulate(capsys, *common, "--jobs", "2", "--out", str(two))
    assert out1.replace(str(one), "F") == out2.replace(str(two), "F")
    assert one.read_bytes() == two.read_bytes()
    # Another seed plays other games.
    other = tmp_path / "other.json"
    simulate(capsys, "--runs", "14", "--seed", "6", "--bot", "red=hawk", "--out", str(other))
    assert json.loads(other.read_text())["results"] != json.loads(one.read_text())["results"]


def test_the_summary_accounts_for_every_run(capsys: pytest.CaptureFixture[str]) -> None:
    out = simulate(capsys, "--runs", "12", "--bot", "blue=dove", "--bot", "red=tit-for-tat")
    counts = {m.group(1): int(m.group(2)) for m in OUTCOME_LINE.finditer(out)}
    assert {"conflict", "de-escalation", "fracture", "turn-limit"} <= set(counts)
    assert sum(counts.values()) == 12
    assert "95% CI" in out and "Peak tension: mean" in out and "Conflict turn" in out
    # Every inject of the scenario is listed with its share; the opening one always fires.
    assert re.search(r"100\.0%\s+opening:", out)
    assert "red-only" in out and "tense" in out
    assert re.search(r"blue\s+mean \d", out) and re.search(r"red\s+mean \d", out)
    assert "bots blue=dove, red=tit-for-tat" in out


def test_out_writes_one_row_or_record_per_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c, j = tmp_path / "r.csv", tmp_path / "r.json"
    simulate(capsys, "--runs", "6", "--seed", "1", "--out", str(c))
    simulate(capsys, "--runs", "6", "--seed", "1", "--out", str(j))
    rows = list(csv.DictReader(c.open(encoding="utf-8")))
    doc = json.loads(j.read_text(encoding="utf-8"))
    assert [int(r["run"]) for r in rows] == list(range(6)) == [r["run"] for r in doc["results"]]
    assert doc["runs"] == 6 and doc["seed"] == 1 and doc["bots"] == {"blue": "random", "red": "random"}
    for row, rec in zip(rows, doc["results"], strict=True):
        assert row["outcome"] == rec["outcome"] and int(row["peak_tension"]) == rec["peak_tension"]
        assert int(row["score_blue"]) == rec["scores"]["blue"]
        assert row["fired_opening"] == "1" and "opening" in rec["injects"]
        assert 40 <= rec["peak_tension"] <= 100  # mini starts at tension 40
        assert (rec["conflict_turn"] is not None) == (rec["outcome"] == "conflict")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-scenario"], "no-such-scenario: no such scenario file"),
        ([MINI, "--bot", "purple=hawk"], "unknown team 'purple' (teams: blue, red)"),
        ([MINI, "--bot", "red=owl"], "unknown policy 'owl' (policies: random, dove, hawk, tit-for-tat)"),
        ([MINI, "--bot", "red"], "expected TEAM=POLICY"),
        ([MINI, "--out", "results.txt"], "--out results.txt: the file must end in .csv or .json"),
        ([MINI, "--runs", "0"], "--runs 0: play at least one run"),
        ([MINI, "--jobs", "0"], "--jobs 0"),
        ([MINI, "--sensitivity", "--bot", "blue=hawk"], "leave out --bot"),
        ([MINI, "--sensitivity", "--out", "x.csv"], "--out is for the runs of one set of bots"),
    ],
)
def test_mistakes_are_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "simulate", *args)
    assert code == 1 and out == ""
    assert err.startswith("detente: ") and err.count("\n") == 1 and message in err


def _events(log: Path) -> list[dict]:
    lines = log.read_text(encoding="utf-8").splitlines()[1:]
    return [{k: v for k, v in json.loads(x).items() if k not in ("sha256", "at", "sig")} for x in lines]


def test_run_with_bots_plays_to_the_end_and_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "bots.jsonl"
    bots = ("--bot", "blue=dove", "--bot", "red=tit-for-tat")
    code, out, _ = run(capsys, "run", MINI, *bots, "--log", str(log))
    assert code == 0 and "Bots: blue=dove, red=tit-for-tat" in out and "OUTCOME:" in out
    code, out, _ = run(capsys, "replay", str(log), "--verify")
    assert code == 0 and "Verified" in out
    kinds = {json.loads(x)["kind"] for x in log.read_text(encoding="utf-8").splitlines()[1:]}
    assert {"orders", "proposal", "response", "outcome"} <= kinds

    # Stopped part-way and resumed with the same bots, the run carries on exactly as it would have.
    cut = tmp_path / "cut.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    cut.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    code, _, _ = run(capsys, "run", "--resume", str(cut), *bots)
    assert code == 0
    assert _events(cut) == _events(log)


def test_run_with_bots_and_orders_ignores_the_orders_of_bot_teams(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = tmp_path / "o.toml"
    orders.write_text(
        '[[turn]]\nturn = 1\n[turn.orders]\nblue = [ { move = "raise_readiness" } ]\n'
        'red = [ { move = "raise_readiness" } ]\n',
        encoding="utf-8",
    )
    log = tmp_path / "mixed.jsonl"
    code, _, err = run(capsys, "run", MINI, "--orders", str(orders), "--bot", "blue=dove", "--log", str(log))
    assert code == 0, err
    sealed = [e for e in _events(log) if e["kind"] == "orders" and e["team"] in ("blue", "red")]
    first = {e["team"]: [o["move"] for o in e["orders"]] for e in sealed[:2]}
    assert first["red"] == ["raise_readiness"]
    assert "raise_readiness" not in first["blue"] and first["blue"]


def test_run_needs_orders_or_bots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "run", MINI, "--log", str(tmp_path / "x.jsonl"))
    assert code == 1 and "--orders" in err and "--bot" in err
    assert not (tmp_path / "x.jsonl").exists()
    code, _, err = run(capsys, "run", MINI, "--bot", "green=dove", "--log", str(tmp_path / "y.jsonl"))
    assert code == 1 and "unknown team 'green'" in err
    assert not (tmp_path / "y.jsonl").exists()


# -- endings: which way each run ended, beyond its outcome class -------------------------------------

INVASION = """
[[endings]]
id = "invasion"
when = "readiness('red') >= 3 and turn >= 3"
outcome = "conflict"
reason = "Red's columns cross the border."

[[endings]]
id = "never"
when = "turn > 99"
outcome = "de-escalation"
reason = "Never."
"""


def test_the_summary_gives_the_share_of_each_ending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scenario ending that is a conflict is told apart from the ruleset's conflicts: each
    ending is listed (a scenario's by id, the ruleset's by name), with its outcome and share."""
    path = tmp_path / "mini_end.toml"
    path.write_text(Path(MINI).read_text(encoding="utf-8") + INVASION, encoding="utf-8")
    j, c = tmp_path / "r.json", tmp_path / "r.csv"
    common = ("simulate", str(path), "--runs", "20", "--seed", "3", "--bot", "red=hawk")
    code, out, _ = run(capsys, *common, "--out", str(j))
    assert code == 0
    ending_lines = re.findall(r"^  (\S.*?)\s{2,}(scenario|rules)\s+(\S+)\s+(\d+)\s+([\d.]+)%", out, re.M)
    endings = {name: (by, outcome, int(k)) for name, by, outcome, k, _ in ending_lines}
    assert endings["invasion"][:2] == ("scenario", "conflict") and endings["invasion"][2] > 0
    assert endings["never"] == ("scenario", "de-escalation", 0)  # listed, though no run reached it
    assert sum(k for _, _, k in endings.values()) == 20
    named = {n for _, n in rule_endings(find_ruleset("defense-diplomacy")).values()}
    assert all(by == "scenario" or name in named for name, (by, _, _) in endings.items())
    counts = {m.group(1): int(m.group(2)) for m in OUTCOME_LINE.finditer(out)}
    assert sum(k for by, o, k in endings.values() if o == "conflict") == counts["conflict"]
    # The per-run files say which ending each run reached.
    doc = json.loads(j.read_text(encoding="utf-8"))
    assert {(r["ending_from"], r["ending"]) for r in doc["results"]} >= {("scenario", "invasion")}
    assert run(capsys, *common, "--out", str(c))[0] == 0
    rows = list(csv.DictReader(c.open(encoding="utf-8")))
    assert [(r["ending_from"], r["ending"]) for r in rows] == [
        (r["ending_from"], r["ending"]) for r in doc["results"]]
    # Two processes give the same endings.
    two = tmp_path / "two.json"
    assert run(capsys, *common, "--jobs", "2", "--out", str(two))[0] == 0
    assert json.loads(two.read_text(encoding="utf-8"))["results"] == doc["results"]


def test_rule_endings_are_told_apart() -> None:
    scenario = load_scenario(STRAIT)
    conflict = Outcome("conflict", "A and B reached rung 9 (Open conflict)", 4)
    assert ending_of(scenario, conflict, {}) == ("rules", "conflict-rung")
    assert ending_of(scenario, conflict, {"conflict": "a crisis not contained"}) == ("rules", "failed-crisis")
    shots = next(e for e in scenario.endings if e.id == "shots-fired")
    assert ending_of(scenario, Outcome("conflict", shots.reason, 5), {}) == ("scenario", "shots-fired")
    assert ending_of(scenario, Outcome("de-escalation", "calm", 5), {}) == ("rules", "calm")
    assert ending_of(scenario, Outcome("ended", shots.reason, 5), {}) == ("rules", "ended")
    assert ending_name(scenario, "rules", "failed-crisis") == "a crisis not contained"
    assert ending_name(scenario, "scenario", "shots-fired") == "shots-fired"


def test_sensitivity_says_what_each_teams_choices_change(capsys: pytest.CaptureFixture[str]) -> None:
    """--sensitivity: per team, by its name, each outcome with the team a dove and a hawk and
    the change with its interval, then its mean score; the same for any --jobs."""
    out = simulate(capsys, "--sensitivity", "--runs", "30", "--seed", "5")
    again = simulate(capsys, "--sensitivity", "--runs", "30", "--seed", "5", "--jobs", "2")
    assert out == again
    scenario = load_scenario(MINI)
    for actor in scenario.actors:
        assert f"{actor.name} ({actor.id})" in out
    assert out.count("mean score") == len(scenario.actors)
    assert "30 runs each" in out
    assert ("Choices that change nothing" in out) != ("Every team's choices matter" in out)
    for line in out.splitlines():
        assert len(line) <= 80, line


def test_a_team_whose_play_moves_nothing_is_flagged() -> None:
    from detente.engine.sensitivity import team_sensitivity
    from detente.engine.simulate import RunResult

    def runs(outcomes: str, score: int) -> list[RunResult]:
        named = {"c": "conflict", "t": "turn-limit"}
        return [RunResult(run=i, seed=i, outcome=named[o], reason="", turn=6, peak=50, injects=(),
                          scores={"blue": score}) for i, o in enumerate(outcomes)]

    same = team_sensitivity("blue", runs("ct" * 50, 2), runs("tc" * 50, 2), ("conflict", "turn-limit"))
    assert not same.matters and same.outcomes[0].change == 0
    war = team_sensitivity("blue", runs("t" * 100, 2), runs("c" * 20 + "t" * 80, 2), ("conflict",))
    assert war.matters and war.outcomes[0].change == pytest.approx(0.2)
    assert war.outcomes[0].low > 0.1  # 20 of 100 against none: clearly more
    score = team_sensitivity("blue", runs("t" * 10, 1), runs("t" * 10, 3), ())
    assert score.matters and score.score.change == 2
