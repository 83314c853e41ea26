"""The facilitator plays the actors no team plays from the console (issue 12): key p opens the
team screen of that actor, at 80x24, with no hand-over; the hand-over list and the projector
know who sits where; ``simulate`` plays them with their bots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_app import client_for, screen_text
from test_team_issue9 import highlight, to_phase, visible_footer_keys
from textual.widgets import OptionList, Select

from detente.engine.commands import Propose
from detente.engine.state import Order
from detente.tui.app.app import DetenteApp
from detente.tui.app.screens.console import ConsoleScreen
from detente.tui.app.screens.forms import OrderModal
from detente.tui.app.screens.modals import ChooseModal, ConfirmModal, HelpModal
from detente.tui.app.screens.team import PlayedScreen

COASTAL = Path(__file__).resolve().parents[1] / "data" / "coastal.toml"
SMALL = (80, 24)


def flat(app: DetenteApp) -> str:
    return " ".join(screen_text(app).split())


def logged_commands(path: str) -> list[dict[str, object]]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()[1:]
    return [r for r in map(json.loads, lines) if r["kind"] == "command"]


async def test_the_console_plays_the_facilitators_actor_with_the_team_screen(tmp_path: Path) -> None:
    client = client_for(tmp_path, COASTAL)
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        to_phase(client, "communications")
        client.apply(Propose(team="blue", order=Order(move="hotline_call", target="coast")))
        call = next(p.id for p in client.view("facilitator").proposals if p.to == ("coast",))
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        console.refresh_view()
        await pilot.pause()
        assert "p" in visible_footer_keys(app), "the key is in the footer at 80 columns"
        assert "you play Lirania: 1 to answer (p)" in flat(app)
        # Lirania has no seat to hand over: t lists the teams only.
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        ids = {app.screen.query_one(OptionList).get_option_at_index(i).id
               for i in range(app.screen.query_one(OptionList).option_count)}
        assert ids == {"blue", "red"}
        await pilot.press("escape")
        await pilot.pause()

        # p: Lirania's own screen at once (no hand-over: the facilitator sees everything anyway).
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PlayedScreen) and app.screen.team == "coast"
        text = flat(app)
        assert "Lirania (you play it)" in text and "COAST-SECRET" in text
        await highlight(pilot, f"in:{call}")
        await pilot.press("a")
        await pilot.pause()
        assert next(p for p in client.view("facilitator").proposals if p.id == call).status == "talking"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)

        # Orders: a deployment for Lirania's coast guard, sealed from its screen.
        to_phase(client, "orders")
        await pilot.press("p")
        await pilot.pause()
        await highlight(pilot, "mv:deploy")
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OrderModal)
        form.query_one("#p-force", Select).value = "coast-guard"
        form.query_one("#p-region", Select).value = "shelf"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")
        await pilot.pause()
        assert client.view("facilitator").orders["coast"] == (Order(move="deploy", force="coast-guard",
                                                                    region="shelf"),)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
    given = [(r["command"]["type"], r.get("by")) for r in logged_commands(client.log_path)
             if r["command"].get("team") == "coast"]
    assert given == [("respond", "facilitator"), ("orders", "facilitator")]


async def test_the_play_key_is_named_in_the_help_only_where_there_is_an_actor_to_play(tmp_path: Path) -> None:
    for scenario, offered in ((COASTAL, True), (None, False)):
        folder = tmp_path / ("coastal" if offered else "strait")
        folder.mkdir()
        client = client_for(folder, scenario) if scenario else client_for(folder)
        app = DetenteApp(client=client)
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            assert ("p" in visible_footer_keys(app)) is offered
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpModal)
            assert ("play an actor no team plays" in flat(app)) is offered


def test_simulate_plays_the_actors_no_team_plays_with_their_bots(capsys: pytest.CaptureFixture[str]) -> None:
    from detente.tui.cli import main

    assert main(["simulate", str(COASTAL), "--runs", "2"]) == 0
    out = capsys.readouterr().out
    assert "bots blue=random, red=random, coast=tit-for-tat, fish=dove" in out
    assert main(["simulate", str(COASTAL), "--runs", "2", "--sensitivity"]) == 0
    out = capsys.readouterr().out
    assert "Azuria (blue)" in out and "Corvania (red)" in out
    assert "(coast)" not in out and "(fish)" not in out  # only the teams are tried
    assert "Played by their bots throughout (no team plays them): Lirania (tit-for-tat), Pescaria (dove)." \
        in " ".join(out.split())
