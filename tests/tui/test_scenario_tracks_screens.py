"""A scenario's own values on the screens (issue 12, "Scenario tracks"): a team's picture shows
those it may see, by title, and not the others; the console lists them all under the matrix; the
facilitator sets one, global ones included, from the override form."""

from __future__ import annotations

from pathlib import Path

from test_app import give_back, screen_text, take_keyboard
from test_full_session import type_into
from textual.widgets import Select

from detente.engine.loader import load_scenario
from detente.tui.app.app import DetenteApp
from detente.tui.app.client import FACILITATOR, LocalClient
from detente.tui.app.screens.forms import WHOLE_EXERCISE, OverrideModal

SIZE = (120, 40)

SCENARIO = """\
[scenario]
id = "crew"
title = "A detained crew"

[turns]
limit = 4

[[tracks]]
id = "crew_detained"
title = "Crew detained"
type = "flag"
start = true
audience = "facilitator"

[[tracks]]
id = "ships_at_line"
title = "Ships at the quarantine line"
range = [0, 20]
start = 6
audience = ["blue"]

[[tracks]]
id = "face"
title = "Standing at home"
scope = "actor"
range = [0, 5]
start = 3
audience = "everyone"

[[actors]]
id = "blue"
name = "Azuria"

[[actors]]
id = "red"
name = "Rubria"
face = 2

[[relations]]
between = ["blue", "red"]
tension = 45
"""


def client_for(tmp_path: Path) -> LocalClient:
    path = tmp_path / "crew.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return LocalClient.new(load_scenario(path), tmp_path / "s.jsonl")


async def test_a_team_sees_its_own_tracks_by_title_and_not_the_hidden_ones(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await take_keyboard(pilot, "blue")
        blue = " ".join(screen_text(app).split())
        assert "Ships at the quarantine line: 6" in blue
        assert "Standing at home: Azuria 3, Rubria 2" in blue
        assert "Crew detained" not in blue
        await give_back(pilot)
        await take_keyboard(pilot, "red")
        red = " ".join(screen_text(app).split())
        assert "Standing at home: Azuria 3, Rubria 2" in red
        assert "Ships at the quarantine line" not in red and "Crew detained" not in red
        await give_back(pilot)
        console = " ".join(screen_text(app).split())
        assert "Crew detained: yes" in console and "Ships at the quarantine line: 6" in console


async def test_the_facilitator_sets_a_global_track_from_the_override_form(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, OverrideModal)
        modal.query_one("#value", Select).value = "ships_at_line"
        await pilot.pause()
        modal.query_one("#of", Select).value = ""  # the one choice: refused if it were not offered
        await pilot.pause()
        assert WHOLE_EXERCISE in screen_text(app)
        await type_into(pilot, "#to", "11")
        await type_into(pilot, "#reason", "a sighting from the patrol aircraft")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert client.view(FACILITATOR).value("ships_at_line") == 11
        assert client.view("blue").value("ships_at_line") == 11
        assert client.view("red").value("ships_at_line") is None
        assert "Ships at the quarantine line: 11" in " ".join(screen_text(app).split())
