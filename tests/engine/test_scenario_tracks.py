"""A scenario's own values (issue 12, "Scenario tracks"): ``[[tracks]]`` declares a number with a
range or a flag, global, per actor, per pair or one-way, and who sees it; injects and overrides
set it, conditions and objectives read it, views, timelines and reports show it to its audience
only, and a logged session with them replays and verifies."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from detente.engine.aar import build
from detente.engine.commands import FACILITATOR, Advance, Override, Start
from detente.engine.conditions import Facts
from detente.engine.lint import lint_scenario
from detente.engine.loader import (
    ScenarioError,
    dump_scenario,
    load_scenario_text,
    structure_scenario,
    unstructure_scenario,
)
from detente.engine.recorder import RecordedSession, branch, replay, verify
from detente.engine.schema import scenario_schema
from detente.engine.session import Session, new_session
from detente.engine.state import initial_state
from detente.engine.views import PUBLIC, timeline, view
from detente.engine.visibility import scenario_for
from detente.tui.render.report import named, render_csv, render_html, render_markdown
from detente.tui.render.text import Names, render_view

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("blue", "red", "green", PUBLIC, FACILITATOR)

BASE = """\
[scenario]
id = "detained-crew"
title = "A detained crew"

[turns]
limit = 6

[[tracks]]
id = "crew_detained"
title = "Crew detained"
doc = "True while Rubria holds the crew."
type = "flag"
start = true
audience = "facilitator"

[[tracks]]
id = "face"
title = "Face"
scope = "actor"
range = [0, 5]
start = 3
audience = "everyone"

[[tracks]]
id = "ships_at_line"
title = "Ships at the quarantine line"
range = [0, 20]
audience = ["blue"]

[[tracks]]
id = "talks"
title = "Rounds of talks"
scope = "pair"
range = [0, 9]
audience = "holder"

[[tracks]]
id = "suspicion"
scope = "directed"
range = [0, 10]
start = 4

[[actors]]
id = "blue"
name = "Azuria"

[[actors]]
id = "red"
name = "Rubria"
face = 2

[[actors]]
id = "green"
name = "Verdia"

[[relations]]
between = ["blue", "red"]
tension = 45
talks = 1
suspicion = 6

  [relations.seen_by.red]
  suspicion = 8

[[injects]]
id = "release"
title = "Rubria releases the crew"
when = "face('red') >= 3"
to = ["red"]

  [[injects.effects]]
  value = "crew_detained"
  set = false

  [[injects.effects]]
  value = "ships_at_line"
  add = 20

[[injects]]
id = "blockade"
title = "Azurian ships reach the line"
turn = 2

  [[injects.effects]]
  value = "face"
  of = ["red"]
  add = -5

  [[injects.effects]]
  value = "talks"
  of = ["red", "blue"]
  add = 2

  [[injects.effects]]
  value = "suspicion"
  of = ["green", "blue"]
  add = 1

[[objectives]]
id = "crew-home"
actor = "blue"
text = "Bring the crew home"
when = "not crew_detained() and ships_at_line() >= 5"
check = "ever"

[[objectives]]
id = "keep-face"
actor = "red"
text = "Keep face"
when = "face('red') >= 1 and talks('blue', 'red') >= 1 and suspicion('red', 'blue') < 10"

[[objectives]]
id = "quiet"
actor = "green"
text = "Stay out of it"
when = "suspicion('green', 'blue') <= 5"
"""


def load(text: str = BASE, path: str = "t.toml") -> Any:
    return load_scenario_text(text, path)


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load(text)
    return [str(p) for p in info.value.problems]


def started(text: str = BASE) -> tuple[Session, list[dict[str, Any]]]:
    s = new_session(load(text))
    events = list(s.apply(Start()).events)  # type: ignore[union-attr]
    return s, events


def advance_to(s: Session, events: list[dict[str, Any]], turn: int, phase: str) -> None:
    while (s.state.turn, s.state.phase) != (turn, phase) and not s.state.ended:
        events += s.apply(Advance()).events  # type: ignore[union-attr]


def override(s: Session, events: list[dict[str, Any]], value: str, of: tuple[str, ...], to: Any,
             public: str = "") -> None:
    result = s.apply(Override(value=value, of=of, to=to, reason="the facilitator's why", public=public))
    assert result.accepted, result
    events += result.events  # type: ignore[union-attr]


# -- loading ------------------------------------------------------------------------------------


def test_each_track_starts_where_the_scenario_says() -> None:
    state = initial_state(s := load(), {"defaults": {}})
    assert state.value("crew_detained") is True
    assert state.value("ships_at_line") == 0  # no start: 0
    assert (state.value("face", "blue"), state.value("face", "red")) == (3, 2)  # the actor's own
    assert state.value("talks", "red", "blue") == 1 and state.value("talks", "blue", "green") == 0
    # A one-way value given in the relation holds both ways unless seen_by gives one side its own.
    assert (state.value("suspicion", "blue", "red"), state.value("suspicion", "red", "blue")) == (6, 8)
    assert state.value("suspicion", "green", "blue") == 4
    assert [t.label for t in s.own_tracks.values()] == [
        "Crew detained", "Face", "Ships at the quarantine line", "Rounds of talks", "Suspicion"]


def test_the_tracks_round_trip_through_a_log_header_and_toml() -> None:
    s = load()
    assert structure_scenario(json.loads(json.dumps(unstructure_scenario(s)))) == s
    assert load(dump_scenario(s)) == s


def test_a_scenario_with_tracks_passes_the_schema() -> None:
    validator = Draft202012Validator(scenario_schema())
    assert [e.message for e in validator.iter_errors(tomllib.loads(BASE))] == []


def test_the_documented_example_loads_and_plays() -> None:
    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    example = doc.split("### `[[tracks]]`", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    tracks, rest = example.split("[[actors]]", 1)
    text = ('[scenario]\nid = "x"\ntitle = "X"\n[turns]\nlimit = 3\n' + tracks
            + '[[actors]]\nid = "blue"\nname = "Azuria"\n[[actors]]' + rest)
    s = load(text)
    assert set(s.own_tracks) == {"crew_detained", "face", "ships_at_line"}
    state = initial_state(s, {"defaults": {}})
    assert (state.value("face", "red"), state.value("face", "blue")) == (2, 3)
    assert state.value("crew_detained") is True


@pytest.mark.parametrize(("snippet", "expected"), [
    ('[[tracks]]\nid = "tension"\nrange = [0, 5]\n',
     "t.toml:7: tracks[0].id: 'tension' is already a value of the defense-diplomacy ruleset: give the "
     "scenario's value another id"),
    ('[[tracks]]\nid = "rung"\ntype = "flag"\n',
     "t.toml:7: tracks[0].id: 'rung' is already a function of the defense-diplomacy ruleset: give the "
     "scenario's value another id"),
    ('[[tracks]]\nid = "fired"\ntype = "flag"\n',
     "t.toml:7: tracks[0].id: 'fired' is already a function conditions call: give the scenario's "
     "value another id"),
    ('[[tracks]]\nid = "turn"\ntype = "flag"\n',
     "t.toml:7: tracks[0].id: 'turn' is already a number conditions read: give the scenario's value "
     "another id"),
    ('[[tracks]]\nid = "crew-detained"\ntype = "flag"\n',
     "t.toml:7: tracks[0].id: the id \"crew-detained\" is what conditions call the value: letters, "
     "digits and '_', starting with a letter (crew_detained)"),
    ('[[tracks]]\nid = "face"\nscope = "alliance"\nrange = [0, 5]\n',
     "t.toml:8: tracks[0].scope: scope must be one of global, actor, pair, directed; got 'alliance'"),
    ('[[tracks]]\nid = "face"\n', "t.toml:6: tracks[0]: face is a number: give its lowest and highest "
                                   "value, range = [0, 10]"),
    ('[[tracks]]\nid = "face"\nrange = [5, 0]\n',
     "t.toml:8: tracks[0].range: a range goes from the lowest value to the highest, [0, 5]; got [5, 0]"),
    ('[[tracks]]\nid = "face"\nrange = [0, 5]\nstart = 9\n',
     "t.toml:9: tracks[0].start: the start of face must be 0–5, got 9"),
    ('[[tracks]]\nid = "held"\ntype = "flag"\nstart = 1\n',
     "t.toml:9: tracks[0].start: held is true or false, got the number 1"),
    ('[[tracks]]\nid = "held"\ntype = "flag"\naudience = "holder"\n',
     "t.toml:9: tracks[0].audience: a global value belongs to no one: its audience is everyone, "
     "facilitator or a list of teams"),
    ('[[tracks]]\nid = "held"\ntype = "flag"\naudience = ["blu"]\n',
     "t.toml:9: tracks[0].audience[0]: unknown actor 'blu' (did you mean 'blue'?)"),
    ('[[tracks]]\nid = "held"\ntype = "flag"\n[[tracks]]\nid = "held"\ntype = "number"\nrange = [0, 1]\n',
     "t.toml:10: tracks[1].id: the track id 'held' is already used by tracks[0]"),
])
def test_a_mistake_in_a_track_is_reported_with_file_line_and_field(snippet: str, expected: str) -> None:
    text = '[scenario]\nid = "x"\ntitle = "X"\n[turns]\nlimit = 3\n' + snippet + (
        '[[actors]]\nid = "blue"\nname = "Azuria"\n[[actors]]\nid = "red"\nname = "Rubria"\n')
    assert expected in problems(text)


def test_a_value_given_in_the_wrong_table_or_changed_with_the_wrong_ids_is_reported() -> None:
    text = BASE.replace('name = "Verdia"', 'name = "Verdia"\nships_at_line = 3').replace(
        'value = "ships_at_line"\n  add = 20', 'value = "ships_at_line"\n  of = ["blue"]\n  add = 20')
    found = problems(text)
    assert any(p.startswith("t.toml:55: actors[2].ships_at_line: ships_at_line is one value for the "
                            "whole exercise") for p in found), found
    assert any("injects[0].effects[1].of: ships_at_line is one value for the whole exercise: leave of "
               "out" in p for p in found), found
    wrong = BASE.replace("when = \"face('red') >= 3\"", "when = \"crew_detained('red')\"")
    assert any("injects[0].when: column 1: crew_detained takes no arguments, not 1: write "
               "crew_detained()" in p for p in problems(wrong))


# -- play ---------------------------------------------------------------------------------------


def test_injects_change_tracks_within_their_ranges_and_conditions_read_them() -> None:
    s, events = started()
    advance_to(s, events, 2, "briefing")
    # The blockade: red's face 2 - 5 is kept at 0; talks and a one-way value move.
    assert s.state.value("face", "red") == 0
    assert s.state.value("talks", "blue", "red") == 3
    assert s.state.value("suspicion", "green", "blue") == 5
    assert not Facts(s.state).fired("release")
    override(s, events, "face", ("red",), 4)
    advance_to(s, events, 3, "briefing")
    # face('red') >= 3 fired the release: the flag cleared, the ships counted.
    assert Facts(s.state).fired("release")
    assert s.state.value("crew_detained") is False and s.state.value("ships_at_line") == 20
    facts = Facts(s.state)
    assert facts.crew_detained() is False and facts.ships_at_line() == 20 and facts.face("red") == 4
    changed = [e for e in events if e["kind"] == "changed" and e["value"] == "crew_detained"]
    assert changed == [{"kind": "changed", "value": "crew_detained", "of": [], "to": False, "by": None,
                        "cause": "inject release", "vis": ["red"]}]


def test_objectives_score_on_tracks() -> None:
    s, events = started()
    advance_to(s, events, 2, "briefing")
    override(s, events, "face", ("red",), 4)
    advance_to(s, events, 3, "briefing")
    assert s.state.met.get("crew-home") is False  # released this briefing: checked when the turn is out
    advance_to(s, events, 4, "briefing")
    assert s.state.met.get("crew-home") is True


def test_an_override_sets_a_global_value_and_refuses_what_does_not_fit() -> None:
    s, events = started()
    override(s, events, "ships_at_line", (), 7)
    assert s.state.value("ships_at_line") == 7
    refusals = {
        Override(value="ships_at_line", of=(), to=21, reason="x"): "ships_at_line must be between 0 and 20",
        Override(value="ships_at_line", of=("blue",), to=2, reason="x"):
            "ships_at_line is one value for the whole exercise: it takes no ids",
        Override(value="crew_detained", of=(), to=3, reason="x"): "crew_detained is set to true or false",
        Override(value="face", of=(), to=3, reason="x"): "face takes 1 actor id",
    }
    for command, reason in refusals.items():
        result = s.apply(command)
        assert not result.accepted and reason in result.reason, result  # type: ignore[union-attr]


# -- who sees what ------------------------------------------------------------------------------


def may_see(role: str, value: str, of: tuple[str, ...]) -> bool:
    """Who may see each track, written out from the declarations above."""
    if role == FACILITATOR:
        return True
    return {
        "crew_detained": False,
        "face": True,
        "ships_at_line": role == "blue",
        "talks": role in of,
        "suspicion": bool(of) and role == of[0],
    }.get(value, True)


OWN = ("crew_detained", "face", "ships_at_line", "talks", "suspicion")


@pytest.fixture(scope="module")
def played() -> tuple[Session, list[dict[str, Any]]]:
    s, events = started()
    advance_to(s, events, 2, "communications")
    override(s, events, "crew_detained", (), False, public="Leakcheck crew freed")
    override(s, events, "ships_at_line", (), 13)
    override(s, events, "talks", ("blue", "red"), 7)
    override(s, events, "face", ("red",), 4)
    advance_to(s, events, 4, "briefing")
    return s, events


@pytest.mark.parametrize("role", ROLES)
def test_a_view_holds_only_the_tracks_its_role_may_see(played: Any, role: str) -> None:
    s, _ = played
    v = view(s.state, role)
    ids = s.scenario.actor_ids
    for name in OWN:
        track = s.state.tracks[name]
        ofs: list[tuple[str, ...]] = {
            "global": [()], "actor": [(a,) for a in ids],
            "pair": [(a, b) for a in ids for b in ids if a < b],
            "directed": [(a, b) for a in ids for b in ids if a != b],
        }[track.scope]
        for of in ofs:
            shown = v.value(name, *of)
            assert (shown is not None) == may_see(role, name, of), (name, of)
            if shown is not None:
                assert shown == s.state.value(name, *of)


@pytest.mark.parametrize("role", ROLES)
def test_a_timeline_holds_only_the_changes_its_role_may_see(played: Any, role: str) -> None:
    s, events = played
    seen = timeline(events, role, s.scenario)
    mine = [e for e in seen if e["kind"] in ("changed", "override") and e["value"] in OWN]
    for e in mine:
        assert may_see(role, e["value"], tuple(e["of"])), e
        if role != FACILITATOR:
            assert e.get("reason") != "the facilitator's why"
    everything = [e for e in events if e["kind"] in ("changed", "override") and e["value"] in OWN]
    expected = [e for e in everything if may_see(role, e["value"], tuple(e["of"]))]
    assert len(mine) == len(expected)
    if role in ("red", "green", PUBLIC):
        assert "Leakcheck" not in json.dumps(seen)  # the crew flag and its public text: the facilitator's
        assert not any(e.get("value") == "ships_at_line" for e in seen)


@pytest.mark.parametrize("role", ROLES)
def test_a_report_holds_only_the_tracks_its_role_may_see(played: Any, role: str) -> None:
    s, events = played
    names = Names.of(s.scenario)
    r = named(build(initial_state(s.scenario, s.numbers), events, role, ladder=s.ruleset.ladder,
                    names=names), names)
    texts = {"md": render_markdown(r), "html": render_html(r), "csv": render_csv(r)}
    facts = " ".join(f.text for f in r.timeline)
    for title, value in (("Crew detained", "crew_detained"),
                         ("Ships at the quarantine line", "ships_at_line")):
        allowed = may_see(role, value, ())
        assert (title in texts["md"]) == allowed, (role, title)
        assert (title in texts["html"]) == allowed, (role, title)
        assert (title.lower() in facts) == allowed, (role, title)
    # Each team is one of the actors of two of the three pairs: it sees their talks.
    assert ("Rounds of talks" in texts["md"]) == (role != PUBLIC)
    assert "Leakcheck" not in texts["md"] or role == FACILITATOR
    assert "Face" in texts["md"]  # everyone's


def test_the_facilitators_report_shows_each_value_from_start_to_end(played: Any) -> None:
    s, events = played
    names = Names.of(s.scenario)
    r = named(build(initial_state(s.scenario, s.numbers), events, FACILITATOR, ladder=s.ruleset.ladder,
                    names=names), names)
    md = render_markdown(r)
    section = md.split("## The scenario's values", 1)[1].split("\n## ", 1)[0]
    assert "| Crew detained | — | yes | no |  |" in section
    assert "| Ships at the quarantine line | — | 0 | 20 | +20 |" in section  # 13, then the release's +20
    assert "| Face | Rubria | 2 | 4 | +2 |" in section
    assert "| Rounds of talks | Azuria–Rubria | 1 | 7 | +6 |" in section
    assert "| Suspicion | Verdia→Azuria | 4 | 5 | +1 |" in section
    facts = [f.text for f in r.timeline]
    assert "the facilitator set ships at the quarantine line to 13: the facilitator's why" in facts
    assert any(f.startswith("face of Rubria to 0 (-2)") for f in facts), facts


def test_a_teams_copy_of_the_scenario_hides_the_start_of_a_value_it_never_sees() -> None:
    s = load()
    red = {t.id: t for t in scenario_for(s, "red").tracks}
    blue = {t.id: t for t in scenario_for(s, "blue").tracks}
    assert red["crew_detained"].start is None and red["crew_detained"].title == "Crew detained"
    assert red["face"].start == 3 and blue["ships_at_line"].start is None  # never given
    assert red["suspicion"].start == 4  # red sees its own
    assert [a.values for a in scenario_for(s, "blue").actors] == [{}, {"face": 2}, {}]


def test_the_text_view_names_the_global_values_its_role_sees(played: Any) -> None:
    s, _ = played
    blue = render_view(view(s.state, "blue"), s.scenario)
    assert "Ships at the quarantine line: 20" in blue and "Crew detained" not in blue
    fac = render_view(view(s.state, FACILITATOR), s.scenario)
    assert "Crew detained: no" in fac and "Ships at the quarantine line: 20" in fac
    assert "Ships at the quarantine line" not in render_view(view(s.state, "red"), s.scenario)


# -- the log ------------------------------------------------------------------------------------


def test_a_logged_session_replays_branches_and_verifies(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    with RecordedSession.create(load(), path) as rec:
        assert rec.apply(Start()).accepted
        while (rec.state.turn, rec.state.phase) != (2, "communications"):
            assert rec.apply(Advance()).accepted
        assert rec.apply(Override(value="ships_at_line", of=(), to=9, reason="why")).accepted
        assert rec.apply(Override(value="face", of=("red",), to=5, reason="why")).accepted
        while (rec.state.turn, rec.state.phase) != (3, "orders"):
            assert rec.apply(Advance()).accepted
        final = rec.state
    assert verify(path) == []
    again = replay(path).session.state
    assert view(again, FACILITATOR) == view(final, FACILITATOR)
    assert again.value("crew_detained") is False and again.value("ships_at_line") == 20
    out = tmp_path / "what-if.jsonl"
    b = branch(path, out, 2, "orders")
    assert b.state.value("ships_at_line") == 9 and b.state.value("crew_detained") is True
    assert verify(out) == []


# -- lint ---------------------------------------------------------------------------------------


def test_the_linter_warns_of_a_track_nothing_changes_or_nothing_reads() -> None:
    text = BASE + '\n[[tracks]]\nid = "idle"\ntype = "flag"\naudience = "facilitator"\n'
    warnings = [str(w) for w in lint_scenario(load(text), text, "t.toml")]
    idle = [w for w in warnings if "idle" in w]
    assert idle == [
        "t.toml:118: tracks[5]: warning: no inject changes idle: it stays at its starting values unless "
        "the facilitator overrides it [unused-track]",
        "t.toml:118: tracks[5]: warning: no condition reads idle and no team sees it: it changes nothing "
        "in the exercise [unused-track]",
    ]
    assert not [w for w in warnings if "unused-track" in w and "idle" not in w]


def test_the_linter_bounds_a_track_by_its_range_and_by_what_injects_change() -> None:
    never = BASE.replace("ships_at_line() >= 5", "ships_at_line() >= 21")
    [w] = [str(w) for w in lint_scenario(load(never), never, "t.toml") if "never-true" in str(w)]
    assert "ships_at_line() >= 21 is impossible: ships_at_line() is 0–20" in w
    # talks('blue', 'green'): no inject changes it, so it stays at its start, 0.
    fixed = BASE.replace("talks('blue', 'red') >= 1", "talks('green', 'blue') >= 1")
    [w] = [str(w) for w in lint_scenario(load(fixed), fixed, "t.toml") if "never-true" in str(w)]
    assert "talks('blue', 'green') is always 0 (no move and no inject changes it)" in w
    # A pair's track is the same either way round: the blockade changes talks('red', 'blue').
    assert not [w for w in lint_scenario(load(), BASE) if w.rule in ("never-true", "unaffected")]
