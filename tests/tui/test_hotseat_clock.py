"""The phase clock in a hot-seat session (issue 10): this front end runs it, as the host does for
a network session — it measures what is left when the facilitator pauses or extends it, and when
it runs out it is paused (logged), the facilitator is told, and with auto-advance on the phase
moves on. The engine reads no clock: the measured seconds go into the logged command."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app import client_for

from detente.engine.commands import Advance, Clock, Start
from detente.engine.log import read_log
from detente.tui.app import client as client_module
from detente.tui.app.app import DetenteApp
from detente.tui.app.client import LocalClient


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    t = [5000.0]
    monkeypatch.setattr(client_module, "monotonic", lambda: t[0])
    return t


def started(tmp_path: Path) -> LocalClient:
    client = client_for(tmp_path)
    assert client.apply(Start()).accepted and client.apply(Advance()).accepted  # communications
    return client


def test_pause_and_extend_carry_the_measured_time_into_the_log(tmp_path: Path, now: list[float]) -> None:
    client = started(tmp_path)
    assert client.apply(Clock("set", seconds=600)).accepted
    assert client.apply(Clock("start")).accepted
    now[0] += 100.4
    assert client.clock_left() == pytest.approx(499.6)
    assert client.apply(Clock("pause")).accepted, "hot-seat pause needs no seconds from the screen"
    assert client.view("facilitator").clock.left == 500  # rounded up: never less time than shown
    assert client.apply(Clock("start")).accepted
    now[0] += 50
    assert client.apply(Clock("extend", seconds=120)).accepted
    assert client.view("facilitator").clock.left == 570
    logged = [r["command"] for r in read_log(tmp_path / "s.jsonl").records
              if r["kind"] == "command" and r["command"]["type"] == "clock"]
    assert [(c["action"], c["left"]) for c in logged] == [
        ("set", -1), ("start", -1), ("pause", 500), ("start", -1), ("extend", 450)]


def test_running_out_pauses_the_clock_tells_the_facilitator_and_can_advance(
    tmp_path: Path, now: list[float]
) -> None:
    client = started(tmp_path)
    told = []
    client.on_change(lambda: told.append(True))
    client.apply(Clock("set", seconds=60))
    client.apply(Clock("start"))
    now[0] += 59
    assert client.clock_left() == pytest.approx(1) and not told
    now[0] += 2
    assert client.clock_left() == 0
    clock = client.view("facilitator").clock
    assert clock is not None and not clock.running and clock.left == 0
    assert client.notices() == ["Time is up for communications: advance or extend"] and told
    assert client.view("facilitator").phase == "communications"  # the facilitator decides
    client.apply(Clock("extend", seconds=30))
    client.apply(Clock("auto"))
    client.apply(Clock("start"))
    now[0] += 31
    client.clock_left()
    assert client.view("facilitator").phase == "orders", "auto-advance moved on when time ran out"


def test_a_resumed_session_whose_clock_ran_waits_paused(tmp_path: Path, now: list[float]) -> None:
    client = started(tmp_path)
    client.apply(Clock("set", seconds=300))
    client.apply(Clock("start"))
    client.close()
    resumed = LocalClient.resume(tmp_path / "s.jsonl")
    try:
        clock = resumed.view("facilitator").clock
        assert clock is not None and not clock.running and clock.left == 300
    finally:
        resumed.close()


async def test_the_console_tells_the_facilitator_when_time_is_up(tmp_path: Path, now: list[float]) -> None:
    client = started(tmp_path)
    client.apply(Clock("set", seconds=10))
    client.apply(Clock("start"))
    app = DetenteApp(client=client)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        now[0] += 11
        await pilot.pause(1.2)  # the console reads the clock each second
        await pilot.pause()
        assert any("Time is up" in n.message for n in app._notifications)
        assert not client.view("facilitator").clock.running  # type: ignore[union-attr]


async def test_the_call_screen_shows_the_time_left(tmp_path: Path, now: list[float]) -> None:
    from textual.app import App
    from textual.widgets import Static

    from detente.engine.commands import Propose, Respond
    from detente.engine.state import Order
    from detente.tui.app.screens.team import CallScreen

    client = started(tmp_path)
    client.apply(Propose(team="blue", order=Order(move="hotline_call", target="red")))
    client.apply(Respond(team="red", proposal="1-1", accept=True))
    client.apply(Clock("set", seconds=300))
    client.apply(Clock("start"))

    class Call(App[None]):
        def on_mount(self) -> None:
            self.push_screen(CallScreen(client, "blue", "1-1"))

    async with Call().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = pilot.app.screen.query_one("#call-status", Static)
        assert "clock 05:00" in str(header.render())
        now[0] += 61
        pilot.app.screen._tick()  # type: ignore[attr-defined]
        await pilot.pause()
        assert "clock 03:59" in str(header.render())


async def test_the_review_and_the_debrief_show_the_time_left(tmp_path: Path, now: list[float]) -> None:
    from textual.app import App
    from textual.widgets import Static

    from detente.tui.app.screens.debrief import DebriefScreen, ReviewScreen

    client = started(tmp_path)
    client.apply(Advance())  # orders
    client.apply(Advance())  # adjudication: the review
    client.apply(Clock("set", seconds=120))
    client.apply(Clock("start"))

    class Review(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ReviewScreen(client))

    async with Review().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        status = pilot.app.screen.query_one("#review-status", Static)
        assert "clock 02:00" in str(status.render())
        now[0] += 30
        pilot.app.screen._tick()  # type: ignore[attr-defined]
        assert "clock 01:30" in str(status.render())

    client.apply(Advance())  # the debrief, with a clock of its own
    client.apply(Clock("set", seconds=600))

    class Debrief(App[None]):
        def on_mount(self) -> None:
            self.push_screen(DebriefScreen(client, "blue"))

    async with Debrief().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        status = pilot.app.screen.query_one("#debrief-status", Static)
        assert "clock 10:00 (paused)" in str(status.render())
