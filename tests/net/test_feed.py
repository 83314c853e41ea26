"""The host filters each role's timeline as events come (each event once, not the whole log on
every command): what it sends a role must be exactly replay's timeline for that role at every
moment — also across an adjudication review, whose results teams get only when published."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from detente.engine.commands import FACILITATOR
from detente.engine.loader import load_scenario
from detente.engine.orders import load_script, next_command
from detente.engine.randomplay import random_commands
from detente.engine.session import new_session
from detente.engine.views import PUBLIC, timeline
from detente.net.host import _Feed

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("how", ["script", "random"])
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_timeline_fed_command_by_command_is_replays_at_every_step(path: Path, how: str) -> None:
    scenario = load_scenario(path)
    session = new_session(scenario)
    roles = [*scenario.actor_ids, FACILITATOR, PUBLIC]
    feeds = {role: _Feed() for role in roles}
    events: list = []
    naive: dict[str, list] = {role: [] for role in roles}  # each command's new events filtered alone
    if how == "script":
        script = load_script(ROOT / "scenarios" / "examples" / f"{path.stem}.orders.toml")
        commands = iter(lambda: next_command(session.state, script), None)
    else:
        commands = random_commands(session, random.Random(7), withdraw=0.2)
    for command in commands:
        result = session.apply(command)
        assert result.accepted, (command, result)
        before = len(events)
        events += result.events
        for role in roles:
            feeds[role].catch_up(events, role, scenario)
            assert feeds[role].entries == timeline(events, role, scenario), (role, command)
            naive[role] += timeline(events[before:], role, scenario)
    assert session.state.ended
    # Why the feed keeps its place: filtering each command's events alone gives teams the
    # adjudication's results before the facilitator publishes them.
    assert any(naive[role] != timeline(events, role, scenario) for role in scenario.actor_ids)
