"""The cohort debrief's engine (detente.engine.compare): three syndicates of a bundled scenario
played by bots under different policies, same seed — the divergence point is the first phase
whose team commands differ in the logs, each outcome is the log's, and every figure is the one
in that syndicate's own report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from cohort import FORUM, POLICIES, STRAIT, play, syndicates

from detente.engine.aar import ScenarioWords
from detente.engine.compare import (
    ChoiceWords,
    Comparison,
    ComparisonError,
    divergence,
    phases,
    same_scenario,
)
from detente.engine.log import read_log
from detente.tui.render.compare import load_comparison
from detente.tui.render.report import NamedReport, load_report, render_markdown


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return syndicates(tmp_path_factory.mktemp("syndicates"))


@pytest.fixture(scope="module")
def comparison(logs: list[Path]) -> Comparison:
    return load_comparison(logs)


def team_commands(log: Path) -> list[tuple[tuple[int, str], list[str]]]:
    """Per phase, in order: the teams' commands given in it (each as JSON without the id of the
    call it answers), as a sorted list — read straight from the log's records."""
    out: list[tuple[tuple[int, str], list[str]]] = [((0, "setup"), [])]
    for r in read_log(log).records:
        if r["kind"] == "phase":
            out.append(((r["turn"], r["phase"]), []))
        elif r["kind"] == "command" and "team" in r["command"] and r["command"]["type"] != "team_note":
            c = {k: v for k, v in r["command"].items() if k != "proposal"}
            out[-1][1].append(json.dumps(c, sort_keys=True))
    return [(k, sorted(v)) for k, v in out]


def first_difference(all_logs: list[Path]) -> tuple[int, str]:
    per_log = [team_commands(p) for p in all_logs]
    for rows in zip(*per_log, strict=False):
        assert len({k for k, _ in rows}) == 1
        if len({json.dumps(v) for _, v in rows}) > 1:
            return rows[0][0]
    raise AssertionError("the logs never differ")


def test_names_the_phase_where_the_team_commands_first_differ_and_what_each_chose(
    logs: list[Path], comparison: Comparison
) -> None:
    d = comparison.divergence
    assert d is not None
    assert (d.turn, d.phase) == first_difference(logs)
    assert (d.turn, d.phase) != (0, "setup")
    # What each chose there is the commands that log holds in that phase, by those teams.
    for log, chose in zip(logs, d.chose, strict=True):
        records = read_log(log).records
        for x in chose:
            assert x.actor in d.actors and x.words
            if x.seq:
                command = next(r for r in records if r["seq"] == x.seq)
                assert command["kind"] == "command" and command["command"]["team"] == x.actor
    # Each syndicate's own words differ: the point is where they part.
    said = [tuple(x.words for x in chose) for chose in d.chose]
    assert len(set(said)) == len(said)
    assert comparison.same_dice and comparison.dice is None and comparison.warnings == ()


def test_each_outcome_is_the_one_its_log_ends_with(logs: list[Path], comparison: Comparison) -> None:
    results = set()
    for log, s in zip(logs, comparison.syndicates, strict=True):
        ended = next(r for r in read_log(log).records if r["kind"] == "outcome")
        o = s.figures.outcome
        assert o is not None
        assert (o.result, o.reason, o.turn) == (ended["result"], ended["reason"], ended["turn"])
        assert s.file == log.name and s.seed == 5
        results.add(o.result)
    assert len(results) > 1  # the policies led to different ends: a comparison worth making
    assert [s.name for s in comparison.syndicates] == ["Syndicate 1", "Syndicate 2", "Syndicate 3"]


def test_every_figure_is_the_one_in_each_syndicates_own_report(
    logs: list[Path], comparison: Comparison
) -> None:
    for log, s in zip(logs, comparison.syndicates, strict=True):
        own = load_report(log)
        f = s.figures
        assert f.outcome == own.outcome and f.turns == own.turns and dict(f.scores) == dict(own.scores)
        assert isinstance(own, NamedReport)
        assert f.ending == own.ending_name and f.ending
        esc = own.escalation
        assert esc and comparison.escalation == esc
        assert [(p.a, p.b) for p in f.pairs] == list(own.pairs)
        for p in f.pairs:
            mine = [x for x in (*own.opening, *own.series) if (x.a, x.b) == (p.a, p.b)]
            assert dict(p.values) == {x.turn: x.values[esc] for x in mine}
            assert dict(p.rungs) == {x.turn: x.rung for x in mine}
            assert p.peak == max(x.values[esc] for x in mine)
            assert p.final == mine[-1].values[esc] and p.final_rung == mine[-1].rung
        answers = [a for c in own.calls for a in c.answers.values()]
        assert (f.calls_placed, f.calls_answered, f.calls_declined, f.calls_unanswered) == (
            len(own.calls), answers.count("answered"), answers.count("declined"), answers.count("unanswered"))
        statuses = [p.status for p in own.pledges]
        assert (f.pledges_made, f.pledges_kept, f.pledges_broken, f.pledges_active) == (
            len(statuses), statuses.count("kept"), statuses.count("broken"), statuses.count("active"))
        assert f.incidents_happened == len(own.hazards)
        assert f.incidents_contained == sum(1 for i in own.hazards if i.contained)
        assert f.near_misses == len(own.near_misses) and f.gaps == len(own.gaps)
        assert own.risk is not None
        assert (f.risk, f.incident_chance, f.incidents_expected) == (
            own.risk.total, own.risk.incident_total, own.risk.incidents_expected)
        assert [(x.id, x.status) for x in f.expectations] == [(x.id, x.status) for x in own.expectations]
        assert f.expectations and f.ratings == own.ratings
        # And as the syndicate's own report says them, word for word.
        md = render_markdown(own)
        assert (f"Placed {f.calls_placed}, answered {f.calls_answered}, declined {f.calls_declined}, "
                f"unanswered {f.calls_unanswered}.") in md
        assert (f"Made {f.pledges_made}: kept {f.pledges_kept}, broken {f.pledges_broken}, still in force "
                f"when the log ends {f.pledges_active}.") in md
        assert f"Risk of open conflict run: {f.risk:.1%}" in md
        assert f"incidents that happened {f.incidents_happened}." in md


def test_the_same_choices_have_no_divergence_point(logs: list[Path], tmp_path: Path) -> None:
    copy = shutil.copy(logs[0], tmp_path / "again.jsonl")
    c = load_comparison([logs[0], copy])
    assert c.divergence is None and c.dice is None
    last = [r for r in read_log(logs[0]).records if r["kind"] == "phase"][-1]
    assert c.alike_until == (last["turn"], last["phase"])


def test_logs_of_different_scenarios_are_refused_by_their_scenario_hash(
    logs: list[Path], tmp_path: Path
) -> None:
    other = play(FORUM, tmp_path / "forum.jsonl", ("red=dove",))
    with pytest.raises(ComparisonError, match=rf"^{logs[0]} and {other}: sessions of different scenarios"):
        load_comparison([logs[0], logs[1], other])
    headers = [(str(p), read_log(p).header) for p in (logs[0], other)]
    with pytest.raises(ComparisonError):
        same_scenario(headers)
    same_scenario([headers[0], (str(logs[1]), read_log(logs[1]).header)])


def test_different_seeds_are_warned_and_the_dice_located(logs: list[Path], tmp_path: Path) -> None:
    other = play(STRAIT, tmp_path / "seed-6.jsonl", POLICIES[0], seed=6)
    c = load_comparison([logs[0], other])
    assert not c.same_dice
    assert any("seeds differ" in w and "Syndicate 1 5" in w and "Syndicate 2 6" in w for w in c.warnings)
    # Where the rolls first differ, read from the two logs, phase by phase.
    rolls = []
    for log in (logs[0], other):
        per: dict[tuple[int, str], list[tuple[str, float]]] = {(0, "setup"): []}
        where = (0, "setup")
        for r in read_log(log).records:
            if r["kind"] == "phase":
                where = (r["turn"], r["phase"])
                per[where] = []
            elif r["kind"] == "roll":
                per[where].append((r["id"], r["value"]))
        rolls.append(per)
    order = list(rolls[0])
    first = next(k for k in order if k in rolls[1] and rolls[0][k] != rolls[1][k])
    if c.divergence is None or order.index(first) <= order.index((c.divergence.turn, c.divergence.phase)):
        assert c.dice == first
    else:  # the choices differed first (a bot's choices follow the seed too)
        assert c.dice is None
    assert c.dice is not None or c.divergence is not None

def test_one_log_and_one_log_twice_are_refused(logs: list[Path], tmp_path: Path) -> None:
    with pytest.raises(ComparisonError, match="two or more"):
        load_comparison([logs[0]])
    link = tmp_path / "link.jsonl"
    link.symlink_to(logs[0])
    with pytest.raises(ComparisonError, match="the same log twice"):
        load_comparison([logs[0], link])


# -- the divergence rule, on records made by hand --------------------------------------------------------


def _records(*commands: dict[str, Any], first: str = "communications") -> list[dict[str, Any]]:
    """A phase, then each command with the events it makes, then the next phase."""
    out: list[dict[str, Any]] = [{"kind": "phase", "turn": 1, "phase": first, "seq": 1}]
    for c in commands:
        out.append({"kind": "command", "command": c, "n": len(c.get("_events", [])), "seq": len(out) + 1,
                    "at": f"2026-01-01T00:00:0{len(out)}.000Z"})
        out += c.pop("_events", [])
    out.append({"kind": "phase", "turn": 1, "phase": "orders", "seq": len(out) + 1})
    return out


def test_order_within_a_phase_ids_notes_and_the_clock_are_not_choices() -> None:
    from detente.engine.loader import load_scenario
    from detente.engine.ruleset import find_ruleset

    scenario = load_scenario(STRAIT)
    ruleset = find_ruleset(scenario.rules.name)
    words = ChoiceWords(scenario, ruleset, ScenarioWords(scenario, ruleset))
    call = {"move": "hotline_call", "target": "red"}
    offer = {"move": "joint_exercise", "target": "blue", "region": "strait"}

    def propose(pid: str, by: str, to: str, order: dict[str, Any]) -> dict[str, Any]:
        """The command, with the proposal event it makes."""
        made = {"kind": "proposal", "id": pid, "by": by, "to": [to], "order": order}
        return {"type": "propose", "team": by, "order": order, "_events": [made]}

    one = _records(
        propose("1-1", "blue", "red", call),
        propose("1-2", "red", "blue", offer),
        {"type": "respond", "team": "red", "proposal": "1-1", "accept": True},
    )
    # The other syndicate: the same choices in another order (so other proposal ids), with a
    # facilitator's note and a clock command between them.
    two = _records(
        propose("1-1", "red", "blue", offer),
        {"type": "note", "text": "quiet room"},
        {"type": "clock", "action": "start"},
        propose("1-2", "blue", "red", call),
        {"type": "respond", "team": "red", "proposal": "1-2", "accept": True},
    )
    logs = [phases(one, words), phases(two, words)]
    point, last = divergence(logs, scenario.actor_ids)
    assert point is None and last is not None and (last.turn, last.phase) == (1, "orders")
    # Declining the call instead is a different choice, named in words.
    three = _records(
        propose("1-1", "blue", "red", call),
        propose("1-2", "red", "blue", offer),
        {"type": "respond", "team": "red", "proposal": "1-1", "accept": False},
    )
    point, _ = divergence([phases(one, words), phases(three, words)], scenario.actor_ids)
    assert point is not None and (point.turn, point.phase, point.actors) == (1, "communications", ("red",))
    first, second = ([x.words for x in chose] for chose in point.chose)
    assert "accepted Republic of Azuria's hotline call" in first
    assert "declined Republic of Azuria's hotline call" in second
    assert not any("blue" in w or "hotline_call" in w for w in first + second)

