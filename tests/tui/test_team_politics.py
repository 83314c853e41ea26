"""Issue 12, domestic politics on the team's screen: a move high pressure at home rules out stays
listed, greyed, with the reason in words, at 80×24."""

from __future__ import annotations

from pathlib import Path

from test_app import client_for, take_keyboard
from test_team_issue9 import SMALL, flat, highlight, notes, option_ids, option_text, to_phase

from detente.engine.commands import Override
from detente.rules import ruleset
from detente.tui.app.app import DetenteApp
from detente.tui.app.screens.team import TeamScreen

HIGH = ruleset.numbers["politics"]["pressure_high"]


async def test_a_move_high_pressure_rules_out_is_greyed_with_the_reason(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    to_phase(client, "orders")
    assert client.apply(Override("pressure", ("red",), HIGH + 2, "a hostile press")).accepted
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        screen = await take_keyboard(pilot, "red")
        ids = option_ids(screen)
        assert "no:stand_down" in ids and "mv:stand_down" not in ids
        assert "mv:raise_readiness" in ids, "escalation stays open: only backing down is ruled out"
        assert "domestic pressure" in option_text(screen, "no:stand_down")
        await highlight(pilot, "no:stand_down")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen), "no form opens for a move the rules bar"
        told = " ".join(notes(app))
        assert f"domestic pressure is {HIGH + 2}" in told and "cannot be seen to back down" in told
        assert "Stand down" in flat(app)
