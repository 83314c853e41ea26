"""Expectations of an inject: written in the scenario, checked from the log, rated by a person."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.engine.commands import FACILITATOR, Advance, Assess, End, Note, Propose, Respond, Start
from detente.engine.loader import ScenarioError, load_scenario_text
from detente.engine.recorder import RecordedSession, replay, verify
from detente.engine.session import Session, new_session
from detente.engine.state import Order, expectation_key
from detente.engine.views import timeline

HEAD = """
[scenario]
id = "x"
title = "X"
learning_objectives = ["Use the hotline", "Keep pledges"]

[turns]
limit = 4

[[actors]]
id = "blue"
name = "Azuria"

[[actors]]
id = "red"
name = "Rubria"

[[relations]]
between = ["blue", "red"]
hotline = true
tension = 60
"""

GOOD = HEAD + """
[[injects]]
id = "ship"
turn = 1
title = "A survey ship"
to = ["blue"]
  [[injects.expect]]
  id = "blue-calls"
  text = "Azuria calls Rubria on the hotline"
  when = "made('blue', 'hotline_call', target='red') >= 1"
  within = 2
  objective = 1
  capability = "Operational communications"
  [[injects.expect]]
  id = "red-pledges"
  text = "Rubria pledges restraint at once"
  who = ["red"]
  when = "pledges('red') >= 1"
  within = 2
  unit = "phases"
  objective = 2
  [[injects.expect]]
  id = "blue-explains"
  text = "Azuria explains its survey to the press"
"""


def session(text: str = GOOD) -> Session:
    return new_session(load_scenario_text(text, "x.toml"))


def ok(s: Session | RecordedSession, command: object) -> list[dict]:
    result = s.apply(command)  # type: ignore[arg-type]
    assert result.accepted, getattr(result, "reason", "")
    return list(result.events)


def decided(events: list[dict]) -> dict[str, dict]:
    return {e["id"]: e for e in events if e["kind"] == "expectation" and e["status"] != "open"}


def call_and_answer(s: Session | RecordedSession) -> list[dict]:
    """From the briefing: communications, Azuria calls, Rubria answers, on to orders."""
    out = ok(s, Advance())
    pid = ok(s, Propose("blue", Order("hotline_call", target="red")))[0]["id"]
    out += ok(s, Respond("red", pid, True))
    return out + ok(s, Advance())


# -- the scenario format --------------------------------------------------------------------------


def test_expectations_load_with_their_defaults() -> None:
    s = load_scenario_text(GOOD, "x.toml")
    calls, pledges, explains = s.injects[0].expect
    assert (calls.within, calls.unit, calls.objective, calls.who) == (2, "turns", 1, ())
    assert calls.capability == "Operational communications"
    assert (pledges.unit, pledges.who) == ("phases", ("red",))
    assert explains.when is None and explains.within == 1
    assert list(s.expectations) == ["blue-calls", "red-pledges", "blue-explains"]


def test_mistakes_are_reported_with_file_line_and_field() -> None:
    bad = HEAD + """
[[injects]]
id = "ship"
turn = 1
title = "A survey ship"
  [[injects.expect]]
  id = "calls"
  text = "Azuria calls"
  [[injects.expect]]
  id = "calls"
  text = "again"
  who = ["green"]
  objective = 3
  within = 0
  unit = "days"
  when = "made('blue', 'hotline_cal') >= 1"

[[injects]]
id = "later"
turn = 2
title = "Later"
  [[injects.expect]]
  id = "late"
  text = "anything"
  within = 51
"""
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(bad, "x.toml")
    found = {(p.line, p.field): p.message for p in info.value.problems}
    lines = bad.splitlines()

    def line(start: str, after: int = 0) -> int:
        return next(i for i, text in enumerate(lines, 1) if i > after and text.strip().startswith(start))

    second = line('id = "calls"', line('id = "calls"'))
    assert "already used by injects[0].expect[0]" in found[second, "injects[0].expect[1].id"]
    assert "unknown actor 'green'" in found[line("who"), "injects[0].expect[1].who[0]"]
    assert "must be 1–2" in found[line("objective"), "injects[0].expect[1].objective"]
    assert "within must be 1–50, got 0" in found[line("within = 0"), "injects[0].expect[1].within"]
    assert "unit must be one of turns, phases" in found[line("unit"), "injects[0].expect[1].unit"]
    assert "hotline_cal" in found[line("when"), "injects[0].expect[1].when"]
    assert "got 51" in found[line("within = 51"), "injects[1].expect[0].within"]


def test_an_objective_index_needs_learning_objectives() -> None:
    text = GOOD.replace('learning_objectives = ["Use the hotline", "Keep pledges"]', "")
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "x.toml")
    assert any("has none" in p.message and p.field.endswith(".objective") for p in info.value.problems)


# -- checked from the log -------------------------------------------------------------------------


def test_delivering_the_inject_opens_its_expectations_with_deadlines() -> None:
    s = session()
    opened = {e["id"]: e for e in ok(s, Start()) if e["kind"] == "expectation"}
    assert opened["blue-calls"]["due"] == [3, "briefing"]  # two turns from turn 1's briefing
    assert opened["blue-calls"]["who"] == ["blue"]  # the inject's addressees
    assert opened["red-pledges"]["due"] == [1, "orders"]  # two phases
    assert opened["blue-explains"]["status"] == "open"
    assert s.state.marks[expectation_key("blue-calls")]["status"] == "open"


def test_a_condition_that_comes_true_in_time_is_met_when_and_by_what() -> None:
    s = session()
    ok(s, Start())
    events = call_and_answer(s)
    met = decided(events)["blue-calls"]
    assert (met["status"], met["turn"], met["phase"]) == ("met", 1, "orders")
    mark = s.state.marks[expectation_key("blue-calls")]
    assert (mark["status"], mark["turn"], mark["phase"]) == ("met", 1, "orders")


def test_a_deadline_in_phases_passes_and_the_expectation_is_missed() -> None:
    s = session()
    ok(s, Start())
    events = ok(s, Advance())  # communications: not yet due
    assert "red-pledges" not in decided(events)
    events = ok(s, Advance())  # orders: the deadline, no pledge
    missed = decided(events)["red-pledges"]
    assert (missed["status"], missed["turn"], missed["phase"]) == ("missed", 1, "orders")


def test_a_deadline_in_turns_passes_and_the_end_decides_what_is_left() -> None:
    s = session()
    ok(s, Start())
    seen: dict[str, dict] = {}
    while s.state.turn < 3:
        seen |= decided(ok(s, Advance()))
    assert seen["blue-calls"]["status"] == "missed"
    assert (seen["blue-calls"]["turn"], seen["blue-calls"]["phase"]) == (3, "briefing")
    assert "blue-explains" not in seen  # judged by a person: open until rated
    ok(s, End("time"))
    assert s.state.marks[expectation_key("blue-explains")]["status"] == "open"


def test_the_end_of_the_session_closes_open_machine_checks() -> None:
    text = GOOD.replace("within = 2\n  objective = 1", "within = 9\n  objective = 1")
    s = session(text)
    ok(s, Start())
    events = ok(s, End("stopped early"))
    assert decided(events)["blue-calls"]["status"] == "missed"
    assert [e["kind"] for e in events][-1] == "outcome"


# -- judged by a person ---------------------------------------------------------------------------


def test_a_person_rates_a_judged_expectation_with_a_reason_and_it_replays(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    with RecordedSession.create(load_scenario_text(GOOD, "x.toml"), path) as rec:
        assert not rec.apply(Assess("blue-explains", "met", "early")).accepted  # not started
        ok(rec, Start())
        for bad, why in (
            (Assess("nope", "met", "x"), "no expectation 'nope'"),
            (Assess("blue-calls", "met", "x"), "checked from the log"),
            (Assess("blue-explains", "great", "x"), "met, partly, missed"),
            (Assess("blue-explains", "met", "  "), "say why"),
        ):
            result = rec.apply(bad)
            assert not result.accepted and why in result.reason
        ok(rec, Assess("blue-explains", "partly", "A statement, but a day late"))
        ok(rec, End("time"))
        ok(rec, Assess("blue-explains", "met", "On reflection, the statement did the job"))  # hot wash
        live = dict(rec.state.marks[expectation_key("blue-explains")])
    assert live["status"] == "met" and live["reason"] == "On reflection, the statement did the job"
    assert replay(path).session.state.marks[expectation_key("blue-explains")] == live
    assert verify(path) == []


def test_a_judged_expectation_is_rated_only_once_its_inject_is_delivered() -> None:
    text = GOOD.replace("turn = 1\ntitle", "turn = 2\ntitle")
    s = session(text)
    ok(s, Start())
    result = s.apply(Assess("blue-explains", "met", "fine"))
    assert not result.accepted and "has not been delivered" in result.reason


# -- who sees them --------------------------------------------------------------------------------


def test_teams_do_not_see_expectations_during_play_and_see_their_own_after_the_end() -> None:
    s = session()
    events = ok(s, Start())
    events += call_and_answer(s)
    events += ok(s, Assess("blue-explains", "partly", "late"))
    events += ok(s, Note("watch blue"))
    for role in ("blue", "red", "public"):
        assert not [e for e in timeline(events, role, s.scenario) if e["kind"] == "expectation"], role
    assert len([e for e in timeline(events, FACILITATOR, s.scenario) if e["kind"] == "expectation"]) >= 5
    events += ok(s, End("time"))
    after = {role: [e for e in timeline(events, role, s.scenario) if e["kind"] == "expectation"]
             for role in ("blue", "red", "public")}
    assert {e["id"] for e in after["blue"]} == {"blue-calls", "blue-explains"}
    assert all(e["revealed"] for e in after["blue"])
    assert {e["id"] for e in after["red"]} == {"red-pledges"}
    assert after["public"] == []


# -- the report -----------------------------------------------------------------------------------


def test_the_facilitators_report_lists_each_expectation_with_its_evidence(tmp_path: Path) -> None:
    from detente.tui.render.report import load_report, render

    path = tmp_path / "s.jsonl"
    with RecordedSession.create(load_scenario_text(GOOD, "x.toml"), path) as rec:
        ok(rec, Start())
        call_and_answer(rec)
        ok(rec, Assess("blue-explains", "partly", "A statement, but a day late"))
        ok(rec, End("time"))
    report = load_report(path)
    facts = {x.id: x for x in report.expectations}
    calls = facts["blue-calls"]
    assert (calls.status, calls.turn, calls.phase) == ("met", 1, "orders")
    assert calls.objective == "Use the hotline" and calls.capability == "Operational communications"
    assert any("communications" in e and "Rubria accepted Azuria's hotline call" in e for e in calls.evidence)
    assert facts["red-pledges"].status == "missed" and facts["red-pledges"].due == (1, "orders")
    assert facts["blue-explains"].reason == "A statement, but a day late"
    md = render(report, "md")
    section = md.split("## Expectations", 1)[1].split("\n## ", 1)[0]
    assert "Azuria calls Rubria on the hotline" in section
    assert "Rubria accepted Azuria's hotline call" in section
    assert "deadline Turn 1, orders passed" in section
    assert "partly (rated)" in section and "A statement, but a day late" in section
    assert "## Expectations" in render(report, "html").replace("<h2>", "## ").replace("</h2>", "")
    # A team's report holds its own expectations (after the end), never another team's.
    blue = load_report(path, "blue")
    assert {x.id for x in blue.expectations} == {"blue-calls", "blue-explains"}
    assert "Rubria pledges restraint" not in render(blue, "md")
