"""Slow channels (issue 12): a scenario's ``[[channels]]`` carry messages that arrive after a
delay in turns or phases, and can be overtaken by events. The sender reads its message at once,
the addressee only once it has arrived, no one else ever (the facilitator always); a message
still on its way when the exercise ends never arrives, and the report says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.engine.aar import build
from detente.engine.commands import Advance, End, Send, Start
from detente.engine.entries import Arrived, Sent, read
from detente.engine.loader import ScenarioError, load_scenario_text
from detente.engine.recorder import RecordedSession, replay, verify
from detente.engine.session import Session, new_session
from detente.engine.state import initial_state
from detente.engine.views import timeline, view
from detente.net.protocol import view_from_dict, view_to_dict

ROOT = Path(__file__).resolve().parents[2]
STRAIT = (ROOT / "scenarios" / "strait_standoff.toml").read_text(encoding="utf-8")
CHANNELS = '''
[[channels]]
id = "cable"
name = "Diplomatic cable"
delay = 1

[[channels]]
id = "envoy"
name = "Special envoy"
delay = 3
unit = "phases"
pairs = [["blue", "red"]]
'''
SCENARIO = load_scenario_text(STRAIT + CHANNELS)
ROLES = ("blue", "red", "green", "facilitator")


def running() -> tuple[Session, list[dict]]:
    s = new_session(SCENARIO, seed=3)
    events = list(s.apply(Start()).events)  # type: ignore[union-attr]
    events += s.apply(Advance()).events  # type: ignore[union-attr]  # communications
    return s, events


def advance(s: Session, events: list[dict]) -> None:
    result = s.apply(Advance())
    assert result.accepted, result
    events += result.events  # type: ignore[union-attr]


def send(s: Session, events: list[dict], c: Send) -> None:
    result = s.apply(c)
    assert result.accepted, result
    events += result.events  # type: ignore[union-attr]


def letters(s: Session, role: str) -> list[tuple[str, bool]]:
    return [(m.text, m.arrived) for m in view(s.state, role).letters]


def test_a_message_arrives_after_the_channels_delay_and_only_then_reaches_its_addressee() -> None:
    s, events = running()
    send(s, events, Send("blue", "cable", "red", "The exercise is routine."))
    # The sender reads it at once, on its way and when it is due; the addressee nothing yet.
    (mine,) = view(s.state, "blue").letters
    assert (mine.to, mine.due, mine.arrived) == ("red", (2, "briefing"), False)
    assert letters(s, "red") == [] and letters(s, "green") == []
    while (s.state.turn, s.state.phase) != (2, "briefing"):
        assert letters(s, "red") == []
        advance(s, events)
    # At the next turn's briefing it has arrived: the addressee reads it, a third team never.
    assert letters(s, "red") == [("The exercise is routine.", True)]
    assert letters(s, "blue") == [("The exercise is routine.", True)]
    assert letters(s, "green") == []
    assert letters(s, "facilitator") == [("The exercise is routine.", True)]
    (arrived,) = [e for e in read(timeline(events, "red", SCENARIO)) if isinstance(e, Arrived)]
    assert (arrived.by, arrived.sent, arrived.turn, arrived.phase) == ("blue", 1, 2, "briefing")
    assert not [e for e in read(timeline(events, "red", SCENARIO)) if isinstance(e, Sent)]


def test_a_delay_in_phases_can_land_within_the_turn() -> None:
    s, events = running()
    send(s, events, Send("blue", "envoy", "red", "Our envoy brings terms."))
    # Sent in communications: three phases on is the debrief of the same turn.
    advance(s, events)  # orders
    advance(s, events)  # adjudication
    assert letters(s, "red") == []
    advance(s, events)  # debrief
    assert letters(s, "red") == [("Our envoy brings terms.", True)]


@pytest.mark.parametrize(("command", "says"), [
    (Send("blue", "envoy", "green", "x"), "the Special envoy does not link"),
    (Send("blue", "pigeon", "red", "x"), "unknown channel 'pigeon' (channels: cable, envoy)"),
    (Send("blue", "cable", "blue", "x"), "a message goes to another actor"),
    (Send("blue", "cable", "zed", "x"), "unknown addressee 'zed'"),
    (Send("blue", "cable", "red", "   "), "the message is empty"),
    (Send("blue", "cable", "red", "x" * 2001), "the message is too long"),
    (Send("nobody", "cable", "red", "x"), "unknown team 'nobody'"),
])
def test_a_message_that_cannot_go_is_refused_with_the_reason(command: Send, says: str) -> None:
    s, _ = running()
    before = s.state
    result = s.apply(command)
    assert not result.accepted and says in result.reason  # type: ignore[union-attr]
    assert s.state is before


def test_nothing_is_sent_before_the_start_or_in_a_scenario_without_channels() -> None:
    s = new_session(SCENARIO)
    result = s.apply(Send("blue", "cable", "red", "early"))
    assert not result.accepted and "not started" in result.reason  # type: ignore[union-attr]
    plain = new_session(load_scenario_text(STRAIT))
    plain.apply(Start())
    result = plain.apply(Send("blue", "cable", "red", "x"))
    assert not result.accepted and "no slow channels" in result.reason  # type: ignore[union-attr]


def test_no_other_team_ever_reads_a_message_in_any_view_timeline_report_or_network_message() -> None:
    s, events = running()
    secret = "SECRET-TERMS-FOR-CORVANIA"
    send(s, events, Send("blue", "envoy", "red", secret))
    send(s, events, Send("red", "cable", "blue", "REPLY-TO-AZURIA"))
    early = {role: json.dumps(view_to_dict(view(s.state, role))) for role in ROLES}
    assert secret not in early["red"] and secret not in early["green"] and secret in early["blue"]
    while s.state.outcome is None and s.state.turn < 2:
        advance(s, events)
    start = initial_state(SCENARIO, s.numbers)
    for role in ("green",):
        seen = json.dumps([
            view_to_dict(view(s.state, role)),
            [e.fields for e in read(timeline(events, role, SCENARIO))],
            [f.text for f in build(start, events, role).timeline],
        ])
        assert secret not in seen and "REPLY-TO-AZURIA" not in seen
    red = json.dumps([f.text for f in build(start, events, "red").timeline])
    assert secret in red and "REPLY-TO-AZURIA" in red
    # The view crosses the network whole.
    v = view(s.state, "red")
    assert view_from_dict(view_to_dict(v), v.tracks).letters == v.letters


def test_a_message_still_on_its_way_at_the_end_never_arrives_and_the_report_says_so() -> None:
    s, events = running()
    send(s, events, Send("blue", "cable", "red", "Too late."))
    result = s.apply(End("the room needs the hall"))
    assert result.accepted
    events += result.events  # type: ignore[union-attr]
    assert letters(s, "red") == []
    start = initial_state(SCENARIO, s.numbers)
    report = [f.text for f in build(start, events, "facilitator").timeline]
    assert any("never arrived" in t and "Diplomatic cable" in t for t in report)
    assert not any("Too late." in t for t in (f.text for f in build(start, events, "red").timeline))


def test_a_logged_session_with_messages_replays_and_verifies(tmp_path: Path) -> None:
    log = tmp_path / "s.jsonl"
    with RecordedSession.create(SCENARIO, log, seed=5) as rec:
        rec.apply(Start())
        rec.apply(Advance())
        rec.apply(Send("blue", "cable", "red", "One."))
        rec.apply(Send("red", "envoy", "blue", "Two."))
        for _ in range(5):
            rec.apply(Advance())
        state = rec.state
    assert verify(log) == []
    again = replay(log).session.state
    assert view(again, "red").letters == view(state, "red").letters
    assert [m.arrived for m in view(again, "facilitator").letters] == [True, True]


@pytest.mark.parametrize(("change", "where", "says"), [
    ("delay = 0", "channels[0].delay", "delay must be 1–20, got 0"),
    ('unit = "days"', "channels[0].unit", "unit must be one of turns, phases; got 'days'"),
    ('pairs = [["blue", "blue"]]', "channels[0].pairs[0]", "a pair is two different actors"),
    ('pairs = [["blue", "zed"]]', "channels[0].pairs[0][1]", "unknown actor 'zed'"),
    ("pairs = []", "channels[0].pairs", "an empty list links no one"),
])
def test_a_mistake_names_file_line_and_field(change: str, where: str, says: str) -> None:
    text = STRAIT + CHANNELS.replace("delay = 1\n", f"delay = 1\n{change}\n" if "delay" not in change
                                     else f"{change}\n", 1)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "bad.toml")
    message = str(caught.value)
    line = text[: text.index(change)].count("\n") + 1
    assert f"bad.toml:{line}: {where}: {says}" in message, message
