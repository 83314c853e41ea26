"""The projector (issue 10): the public picture, readable at 80×24 and on a wall — title, turn
and phase, the clock, the escalation ladder, public events and the latest inject to everyone —
and nothing private, ever: no briefing, no sealed order, no private inject, no facilitator's
words, no roll."""

from __future__ import annotations

import json
from pathlib import Path

from test_app import client_for, screen_text
from textual.app import App
from textual.widgets import Digits

from detente.engine.commands import (
    AddInject,
    Advance,
    Clock,
    Note,
    Override,
    Propose,
    Respond,
    Say,
    SubmitOrders,
)
from detente.engine.state import Order
from detente.engine.views import PUBLIC
from detente.tui.app.client import LocalClient
from detente.tui.app.screens import projector
from detente.tui.app.screens.projector import ProjectorScreen
from detente.tui.render.text import clock_text

SECRETS = ("SALTGLASS", "OBSIDIAN", "MARIGOLD")
REASON = "Azurian parliament votes tomorrow"
NOTE = "Red team hesitated before deploying"
PRIVATE = "Submarine contact west of the Rocks"
CALL = "Keep the strait quiet tonight"


class Wall(App[None]):
    def __init__(self, client: LocalClient) -> None:
        super().__init__()
        self.client = client

    def on_mount(self) -> None:
        self.push_screen(ProjectorScreen(self.client))


def played(tmp_path: Path) -> LocalClient:
    """Day 1 of Strait Standoff with everything a projector must not show, and one public inject."""
    client = client_for(tmp_path)
    ok = lambda c: client.apply(c).accepted or (_ for _ in ()).throw(AssertionError(c))  # noqa: E731
    ok(__import__("detente.engine.commands", fromlist=["Start"]).Start())
    ok(Advance())  # communications
    ok(Propose(team="blue", order=Order(move="hotline_call", target="red")))
    ok(Respond(team="red", proposal="1-1", accept=True))
    ok(Say(team="blue", proposal="1-1", text=CALL))
    ok(AddInject(title=PRIVATE, text="Only Azuria's navy knows.", to=("blue",)))
    ok(AddInject(title="Storm warning for the strait", text="Gales from the west tonight."))
    ok(Advance())  # orders
    ok(SubmitOrders(team="red", orders=(Order(move="deploy", force="red-fleet", region="strait"),)))
    ok(SubmitOrders(team="blue", orders=()))
    ok(SubmitOrders(team="green", orders=()))
    ok(Advance())  # adjudication
    ok(Override("tension", ("blue", "red"), 60, REASON))
    ok(Note(NOTE))
    return client


async def test_the_projector_shows_the_public_picture_at_80x24(tmp_path: Path) -> None:
    client = played(tmp_path)
    async with Wall(client).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Strait Standoff" in text and "Day 1" in text and "adjudication" in text
        assert "STORM WARNING FOR THE STRAIT" in text  # the latest inject to everyone, in large type
        assert "Azuria–Corvanian" in text  # the ladder, in names
        assert "F1" in text and "Quit" in text  # its keys
        for leak in (*SECRETS, REASON, NOTE, PRIVATE, CALL, "facilitator adjustment"):
            assert leak not in text, f"the projector shows {leak!r}"


async def test_the_projector_holds_nothing_private_in_any_widget(tmp_path: Path) -> None:
    """Not only what fits on screen: every widget's content, and the view and timeline it reads."""
    client = played(tmp_path)
    async with Wall(client).run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        shown = " ".join(str(w.render()) for w in screen.query("*") if hasattr(w, "render"))
        seen = client.timeline(PUBLIC)
        read = json.dumps([[e.fields for e in seen], repr(seen), repr(client.view(PUBLIC))], default=str)
        for text in (shown, read):
            for leak in (*SECRETS, REASON, NOTE, PRIVATE, CALL, "red-fleet moving"):
                assert leak not in text, f"{leak!r} reaches the projector"
        # Before the results are published, a sealed order is nobody's business.
        assert "deployed" not in shown


async def test_the_clock_counts_down_in_large_digits(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tmp_path)
    client.apply(__import__("detente.engine.commands", fromlist=["Start"]).Start())
    client.apply(Clock("set", seconds=900))
    now = [1000.0]
    monkeypatch.setattr(projector, "_now", lambda: now[0])
    async with Wall(client).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        digits = screen.query_one("#proj-clock", Digits)
        assert digits.value == "15:00" and not digits.has_class("running")
        client.apply(Clock("start"))
        screen.refresh_view()  # what an update from the host does
        now[0] += 65
        screen._tick()
        assert digits.value == "13:55" and digits.has_class("running")
        now[0] += 900
        screen._tick()
        assert digits.value == "00:00" and digits.has_class("ending")


def test_clock_text() -> None:
    assert [clock_text(s) for s in (59.5, 60, 3600, None)] == ["01:00", "01:00", "1:00:00", "--:--"]
