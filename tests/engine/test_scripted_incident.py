"""Scripted incidents (issue 12): an inject makes an incident happen with a severity and a
place, and it counts as any incident — its consequences, the conditions that count incidents,
the report — while what scripted it stays the facilitator's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.engine.aar import build
from detente.engine.commands import Advance, Start
from detente.engine.conditions import Facts
from detente.engine.entries import IncidentHappened, read
from detente.engine.loader import ScenarioError, load_scenario_text
from detente.engine.session import Session, new_session
from detente.engine.state import initial_state
from detente.engine.views import timeline

ROOT = Path(__file__).resolve().parents[2]
STRAIT = (ROOT / "scenarios" / "strait_standoff.toml").read_text(encoding="utf-8")
INJECT = '''
[[injects]]
id = "collision"
turn = 1
phase = "communications"
title = "A frigate and a trawler collide"
to = ["blue"]
incident = { between = ["blue", "red"], severity = "SEVERITY", region = "strait" }
'''


def scenario_text(severity: str = "serious", extra: str = "") -> str:
    return STRAIT.replace("[[injects]]", INJECT.replace("SEVERITY", severity) + extra + "\n[[injects]]", 1)


def played_to(phase: str, severity: str = "serious") -> tuple[Session, list[dict]]:
    s = new_session(load_scenario_text(scenario_text(severity)))
    events = list(s.apply(Start()).events)  # type: ignore[union-attr]
    while s.state.phase != phase:
        events += s.apply(Advance()).events  # type: ignore[union-attr]
    return s, events


def test_it_happens_when_the_inject_fires_with_the_consequences_of_any_incident() -> None:
    before, _ = played_to("briefing")
    tension = before.state.value("tension", "blue", "red")
    s, events = played_to("communications")
    (incident,) = [e for e in events if e["kind"] == "incident"]
    assert incident["between"] == ["blue", "red"] and incident["severity"] == "serious"
    assert incident["region"] == "strait" and incident["cause"] == "inject collision"
    assert "Velin Strait" in incident["text"]
    assert s.state.value("tension", "blue", "red") > tension  # the ruleset's consequences
    assert s.state.value("incidents", "blue", "red") == 1
    assert Facts(s.state).incidents("blue", "red") == 1  # conditions count it


def test_everyone_sees_it_but_only_the_facilitator_what_scripted_it() -> None:
    s, events = played_to("communications")
    for role in ("blue", "red", "green", "public"):
        (seen,) = [e for e in read(timeline(events, role, s.scenario)) if isinstance(e, IncidentHappened)]
        assert seen.cause == "" and "cause" not in seen.fields and "inject" not in json.dumps(seen.fields)
    (fac,) = [e for e in read(timeline(events, "facilitator", s.scenario)) if isinstance(e, IncidentHappened)]
    assert fac.cause == "inject collision"


def test_the_report_lists_it_and_marks_it_scripted_for_the_facilitator_only() -> None:
    s, events = played_to("communications")
    start = initial_state(s.scenario, s.numbers)
    fac = build(start, events, "facilitator")
    red = build(start, events, "red")
    (line,) = [f.text for f in fac.timeline if f.kind == "incident"]
    assert "scripted" in line and "A frigate and a trawler collide" in line
    (seen,) = [f.text for f in red.timeline if f.kind == "incident"]
    assert "scripted" not in seen and "frigate" not in seen  # red was not told of the inject


def test_a_grave_one_at_high_tension_opens_a_crisis_like_a_rolled_one() -> None:
    raise_tension = '\n  [[injects.effects]]\n  value = "tension"\n  of = ["blue", "red"]\n  set = 75\n'
    for severity, crisis in (("grave", True), ("serious", False)):
        s = new_session(load_scenario_text(scenario_text(severity).replace(
            'region = "strait" }\n', 'region = "strait" }\n' + raise_tension, 1)))
        s.apply(Start())
        while s.state.phase != "communications":
            s.apply(Advance())
        assert "conflict" not in s.state.marks and s.state.outcome is None
        # Scripted before this turn's communications closed: the crisis is decided this turn.
        opened = s.state.marks.get("crisis:blue:red")
        assert (opened is not None and opened["turn"] == 1) is crisis, severity


@pytest.mark.parametrize(("incident", "where", "says"), [
    ('{ between = ["blue", "blue"], severity = "minor" }', "between", "two different actors"),
    ('{ between = ["blue", "rde"], severity = "minor" }', "between[1]", "unknown actor 'rde'"),
    ('{ between = ["blue", "red"], severity = "awful" }', "severity", "one of minor, serious, grave"),
    ('{ between = ["blue", "red"], severity = "minor", region = "strat" }', "region",
     "did you mean 'strait'?"),
    ('{ between = ["blue"], severity = "minor" }', "between", "a list of 2 values"),
])
def test_a_mistake_names_file_line_and_field(incident: str, where: str, says: str) -> None:
    text = STRAIT.replace("[[injects]]", INJECT.replace(
        'incident = { between = ["blue", "red"], severity = "SEVERITY", region = "strait" }',
        f"incident = {incident}") + "\n[[injects]]", 1)
    line = text.splitlines().index(f"incident = {incident}") + 1
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, path="s.toml")
    first = next(p for p in str(caught.value).splitlines() if "incident" in p)
    assert first.startswith(f"s.toml:{line}: injects[0].incident.{where}"), first
    assert says in str(caught.value)
