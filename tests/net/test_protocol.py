"""Messages are checked strictly before anything reaches the session, and views survive the wire."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.engine.commands import (
    COMMAND_TYPES,
    Advance,
    Override,
    Propose,
    RateCall,
    Say,
    SubmitOrders,
)
from detente.engine.loader import load_scenario
from detente.engine.randomplay import random_commands
from detente.engine.session import new_session
from detente.engine.state import Order
from detente.engine.views import PUBLIC, view
from detente.engine.visibility import tracks_of
from detente.net.protocol import (
    ProtocolError,
    command_from_wire,
    parse_client,
    scenario_from_dict,
    scenario_to_dict,
    view_from_dict,
    view_to_dict,
)

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize(
    ("frame", "slug", "named"),
    [
        ("{not json", "bad-json", "JSON"),
        ("[1, 2]", "not-an-object", "object"),
        ('{"v": 1, "type": "ping"}', "version", "version 2"),
        ('{"v": true, "type": "ping"}', "version", "version 2"),
        ('{"type": "ping"}', "version", "version 2"),
        ('{"v": 2, "type": "shout"}', "unknown-type", "'shout'"),
        ('{"v": 2, "type": "hello"}', "missing-field", "'code'"),
        ('{"v": 2, "type": "hello", "code": 7}', "wrong-type", "'code'"),
        ('{"v": 2, "type": "ping", "extra": 1}', "extra-field", "'extra'"),
        ('{"v": 2, "type": "command", "id": "", "command": {}}', "wrong-type", "'id'"),
        ('{"v": 2, "type": "command", "id": "' + "x" * 65 + '", "command": {}}', "wrong-type", "'id'"),
    ],
)
def test_a_bad_message_is_named(frame: str, slug: str, named: str) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_client(frame)
    assert info.value.error == slug
    assert named in info.value.detail


def test_binary_frames_are_refused() -> None:
    with pytest.raises(ProtocolError, match="binary"):
        parse_client(b'{"v": 2, "type": "ping"}')


@pytest.mark.parametrize(
    ("command", "named"),
    [
        ({"type": "fly"}, "'fly'"),
        ({"type": "advance", "team": "blue"}, "'team'"),
        ({"type": "orders", "team": "blue"}, "'orders'"),
        ({"type": "orders", "team": ["blue"], "orders": []}, "'team'"),
        ({"type": "orders", "team": "blue", "orders": [{"target": "red"}]}, "'orders'"),
        ({"type": "orders", "team": "blue", "orders": [{"move": "x", "bogus": 1}]}, "'orders'"),
        ({"type": "respond", "team": "red", "proposal": "1-1", "accept": 1}, "'accept'"),
        ({"type": "pledge", "team": "red", "proposal": "1-1", "kind": "k", "turns": True}, "'turns'"),
        ({"type": "override", "value": "tension", "of": ["a", 1], "to": 3, "reason": "r"}, "'of'"),
        ({"type": "override", "value": "tension", "of": ["a"], "to": {"x": 1}, "reason": "r"}, "'to'"),
        ({"type": "override", "value": "tension", "of": ["a", "b"], "to": "high", "reason": "r"}, "'to'"),
        ({"type": "inject", "title": "t", "effects": [{"value": "tension", "of": ["a"], "add": "1"}]},
         "'effects'"),
        ({"type": "note", "text": "x" * 9000}, "'text'"),
        ({"type": "clock", "action": "start", "seconds": "600"}, "'seconds'"),
    ],
)
def test_a_command_the_engine_does_not_take_is_refused_before_the_engine(command, named) -> None:
    with pytest.raises(ProtocolError) as info:
        command_from_wire(command)
    assert info.value.error == "bad-command"
    assert named in info.value.detail


def test_well_formed_commands_come_through_as_the_engine_writes_them() -> None:
    from detente.engine.commands import command_to_dict

    for command in (
        Advance(),
        SubmitOrders(team="blue", orders=(Order(move="deploy", force="f", region="r"),)),
        Propose(team="red", order=Order(move="dialogue", targets=("blue", "green"))),
        Override(value="tension", of=("blue", "red"), to=40, reason="why", public="because"),
        Say(team="blue", proposal="1-1", text="We mean no harm.", tone="reassure"),
        RateCall(proposal="1-1", rating=-2),
    ):
        assert command_from_wire(json.loads(json.dumps(command_to_dict(command)))) == command


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_roles_view_of_a_played_session_survives_json(path: Path) -> None:
    scenario = load_scenario(path)
    session = new_session(scenario, 5)
    for command in random_commands(session, random.Random(2), max_commands=80):
        assert session.apply(command).accepted
    assert session.state.turn >= 2
    for role in ("facilitator", PUBLIC, *scenario.actor_ids):
        v = view(session.state, role, session.ruleset.ladder)
        wire = json.loads(json.dumps(view_to_dict(v)))
        assert view_from_dict(wire, tracks_of(scenario.rules.name)) == v
        # Values travel as [*ids, value] rows; the declarations stay with the ruleset.
        assert "tracks" not in wire and all(isinstance(rows, list) for rows in wire["values"].values())
    assert scenario_from_dict(json.loads(json.dumps(scenario_to_dict(scenario)))) == scenario


def test_module_doctests() -> None:
    import doctest

    from detente.net import codes, host, protocol

    assert doctest.testmod(protocol).failed == 0
    assert doctest.testmod(codes).failed == 0
    assert doctest.testmod(host).failed == 0


def test_the_network_side_never_imports_textual() -> None:
    """Arrows run one way: tui → net → engine. The host runs without a terminal UI."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import detente.net.protocol, detente.net.codes, detente.net.host\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual' "
        "or m.startswith('detente.tui'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
_command_like = st.fixed_dictionaries(
    {"type": st.sampled_from(sorted(COMMAND_TYPES))},
    optional={k: _json for k in ("team", "order", "orders", "proposal", "accept", "text", "kind", "region",
                                 "turns", "title", "to", "effects", "value", "of", "reason", "public",
                                 "target", "action", "seconds", "left")},
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | _json.map(json.dumps) | _command_like.map(
    lambda c: json.dumps({"v": 2, "type": "command", "id": "x", "command": c})))
def test_no_frame_raises_anything_but_a_protocol_error(frame: str) -> None:
    try:
        msg = parse_client(frame)
        if msg["type"] == "command":
            command_from_wire(msg["command"])
    except ProtocolError as exc:
        assert exc.error and exc.detail
