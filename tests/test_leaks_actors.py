"""Actors no team plays leak nothing new to the teams (issue 12).

tests/data/coastal.toml is played with the facilitator speaking and giving orders for Lirania
(``plays = "facilitator"``) and a dove bot playing Pescaria in the background. Every team and the
public are then held to the rules of tests/test_leaks.py after every command (views, timelines,
the report), and beyond them: no team learns a background actor's bot, nor the facilitator's
actor's orders, briefing or objectives — and the control, the facilitator, does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from test_leaks import (
    Played,
    _json,
    assert_clean,
    check_report,
    check_timeline,
    check_view,
    seen_by,
)

from detente.engine.aar import build
from detente.engine.bots import parse_bot_specs, play_bots
from detente.engine.commands import FACILITATOR, Advance, Command, Propose, Respond, Say, Start, SubmitOrders
from detente.engine.loader import load_scenario
from detente.engine.recorder import RecordedSession, author, replay
from detente.engine.state import Order, initial_state
from detente.engine.views import PUBLIC, view
from detente.engine.visibility import scenario_for
from detente.tui.render.report import render_markdown

COASTAL = Path(__file__).resolve().parent / "data" / "coastal.toml"
LINE = "COAST-LINE: Lirania will not be a battlefield"
"""What the facilitator says for Lirania on its call with Azuria: Azuria's and no one else's."""


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    scenario = load_scenario(COASTAL)
    log = tmp_path_factory.mktemp("leaks") / "coastal.jsonl"
    bots = parse_bot_specs([], scenario)
    groups: list[list[dict[str, Any]]] = []
    states: list[Any] = []
    with RecordedSession.create(scenario, log) as rec:

        def apply(command: Command, by: str = "") -> Any:
            result = rec.apply(command, by=by)
            if result.accepted:
                groups.append(json.loads(json.dumps(list(result.events))))
                states.append(rec.state)
            return result

        def send(command: Command | Any) -> None:
            if callable(command):
                command = command()
            result = apply(command, author(scenario, command))
            assert result.accepted, getattr(result, "reason", "")
            play_bots(rec.session, bots, apply, [e for g in groups for e in g], [])

        def call_id() -> str:
            return next(p.id for p in rec.state.proposals.values() if p.to == ("coast",))

        for command in (
            Start(), Advance(),
            Propose(team="blue", order=Order(move="hotline_call", target="coast")),
            lambda: Respond(team="coast", proposal=call_id(), accept=True),
            lambda: Say(team="coast", proposal=call_id(), text=LINE),
            Advance(),
            SubmitOrders(team="blue", orders=()), SubmitOrders(team="red", orders=()),
            SubmitOrders(team="coast", orders=(Order(move="deploy", force="coast-guard", region="shelf"),)),
            Advance(), Advance(),
        ):
            send(command)
        seed = rec.session.seed
    return Played(scenario, log, seed, groups, states)


def test_the_session_reached_what_the_checks_look_for(played: Played) -> None:
    kinds = {(e["kind"], str(e.get("team") or e.get("by"))) for e in played.events}
    assert ("orders", "coast") in kinds and ("orders", "fish") in kinds and ("message", "coast") in kinds
    assert played.states[-1].phase == "debrief"


@pytest.mark.parametrize("role", ["blue", "red", PUBLIC])
def test_teams_and_the_public_see_nothing_new(played: Played, role: str) -> None:
    p = played
    done = 0
    for group, state in zip(p.groups, p.states, strict=True):
        done += len(group)
        v = view(state, role)
        check_view(p, v, role)  # no other actor's sealed orders, spending, private values
        assert_clean(_json(attrs.asdict(v)), p, role, "view")  # nor Lirania's or Pescaria's briefing
        check_timeline(p, seen_by(p, p.events[:done], role), role)
    seen = _json(seen_by(p, p.events, role))
    assert (LINE in seen) == (role == "blue"), "the facilitator's words for Lirania reach its party alone"
    # Who plays each actor is the room's knowledge; how a bot plays it is not.
    shown = scenario_for(p.scenario, role)
    assert [a.plays for a in shown.actors] == ["team", "team", "facilitator", "background"]
    assert all(a.bot is None for a in shown.actors)
    assert all(o.actor == role for o in shown.objectives) and shown.actor("coast").briefing == ""
    rep = replay(p.log)
    s = rep.session
    report = build(initial_state(s.scenario, s.numbers), rep.events, role, ladder=s.ruleset.ladder,
                   header=rep.contents.header)
    check_report(p, report, role)
    text = render_markdown(report)
    assert_clean(text, p, role, "Markdown report")
    assert "played by the facilitator" in text and "background" in text
    assert "dove" not in text and "Keep the shelf calm" not in text


def test_the_facilitator_sees_what_the_teams_do_not(played: Played) -> None:
    """The control: the same checks would have found it."""
    p = played
    rep = replay(p.log)
    s = rep.session
    report = build(initial_state(s.scenario, s.numbers), rep.events, FACILITATOR, ladder=s.ruleset.ladder,
                   header=rep.contents.header)
    text = render_markdown(report)
    assert "background: the dove bot" in text and "Keep the shelf calm" in text
    assert "coast-guard" in _json(attrs.asdict(view(p.states[-1], FACILITATOR)))
    assert scenario_for(p.scenario, FACILITATOR).actor("fish").bot == "dove"
