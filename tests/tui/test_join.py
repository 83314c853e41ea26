"""``detente join``: the hot-seat screens over the network, each role on its own app, against a
real host on an ephemeral loopback port (in a thread of its own, as ``detente serve`` runs it).
A team's screen opens at once (no hand-over); a call placed on one team's screen rings on the
other's, which answers it, and lines typed on either side appear on both; the facilitator's
console moves the phase on and the teams' screens follow without a key; the session's end
reaches every screen."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, RichLog, Select

from detente.engine.commands import Advance, End, Start
from detente.engine.entries import Said
from detente.engine.loader import load_scenario
from detente.engine.recorder import RecordedSession
from detente.net.codes import new_codes
from detente.net.host import Host
from detente.net.remote import RemoteClient, join
from detente.tui.app.app import DetenteApp
from detente.tui.app.screens.debrief import EndScreen
from detente.tui.app.screens.forms import OrderModal
from detente.tui.app.screens.team import CallScreen, HandoverScreen, TeamScreen

STRAIT = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"
ROLES = ("blue", "red", "green", "facilitator", "spectator")
SIZE = (110, 32)


class ServedHost:
    """A :class:`Host` serving in a thread with its own asyncio loop (the apps' loop is the test's)."""

    def __init__(self, rec: RecordedSession, codes: dict[str, str]) -> None:
        self.rec, self.codes = rec, codes
        self.url = ""

    def __enter__(self) -> ServedHost:
        ready = threading.Event()
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(ready),), daemon=True)
        self._thread.start()
        assert ready.wait(10), "the host did not start"
        return self

    async def _main(self, ready: threading.Event) -> None:
        self.loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.host = Host(self.rec, self.codes)
        async with self.host.serving("127.0.0.1", 0) as url:
            self.url = url
            ready.set()
            await self._stop.wait()

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedHost]:
    rec = RecordedSession.create(load_scenario(STRAIT), tmp_path / "s.jsonl")
    with ServedHost(rec, new_codes(ROLES)) as s:
        yield s
    rec.close()


@pytest.fixture
def clients() -> Iterator[list[RemoteClient]]:
    made: list[RemoteClient] = []
    yield made
    for c in made:
        c.close()


def joined(clients: list[RemoteClient], served: ServedHost, role: str) -> RemoteClient:
    c = join(served.url, served.codes[role])
    clients.append(c)
    return c


async def until(check: Callable[[], Any], timeout: float = 10.0) -> None:
    """Let the apps run until ``check()`` holds."""
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        await asyncio.sleep(0.05)


def notes(app: DetenteApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def transcript(app: DetenteApp) -> str:
    return " ".join(strip.text for strip in app.screen.query_one("#transcript", RichLog).lines)


def status(app: DetenteApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def highlight(app: DetenteApp, key: str) -> None:
    actions = app.screen.query_one("#actions", OptionList)
    ids = [actions.get_option_at_index(i).id for i in range(actions.option_count)]
    actions.highlighted = ids.index(key)
    actions.focus()


async def test_a_team_screen_opens_at_once_and_a_call_rings_and_talks_both_ways(served, clients) -> None:
    fac = joined(clients, served, "facilitator")
    assert fac.apply(Start()).accepted and fac.apply(Advance()).accepted  # communications
    blue_app = DetenteApp(client=joined(clients, served, "blue"))
    red_app = DetenteApp(client=joined(clients, served, "red"))
    rings: list[str] = []
    red_app.bell = lambda: rings.append("ring")  # type: ignore[method-assign]
    async with blue_app.run_test(size=SIZE) as blue, red_app.run_test(size=SIZE) as red:
        await blue.pause()
        await red.pause()
        # The team's own screen, at once: no hand-over, nothing to hand back.
        assert isinstance(blue_app.screen, TeamScreen) and blue_app.screen.team == "blue"
        assert not any(isinstance(s, HandoverScreen) for s in blue_app.screen_stack)
        assert blue_app.screen.check_action("finish", ()) is False
        assert f"connected to {served.url[5:]} as Republic of Azuria" in status(blue_app, "#team-status")

        # Blue places a call on its screen.
        await highlight(blue_app, "mv:hotline_call")
        await blue.press("enter")
        await blue.pause()
        form = blue_app.screen
        assert isinstance(form, OrderModal)
        form.query_one("#p-target", Select).value = "red"
        await blue.pause()
        await blue.press("ctrl+s")
        await blue.pause()
        assert isinstance(blue_app.screen, TeamScreen)

        # It rings on red's screen at once: a bell and a notification, and the call to answer.
        await until(lambda: any("is calling" in n for n in notes(red_app)))
        assert "Republic of Azuria is calling — a answers" in notes(red_app)
        assert rings
        pid = fac.view("facilitator").proposals[-1].id
        await until(lambda: f"in:{pid}" in [
            red_app.screen.query_one("#actions", OptionList).get_option_at_index(i).id
            for i in range(red_app.screen.query_one("#actions", OptionList).option_count)])
        await highlight(red_app, f"in:{pid}")
        await red.press("a")
        await red.pause()

        # Both open the call; each types on its own screen; the other side's lines arrive.
        await until(lambda: any(p.status == "talking" for p in blue_app.client.view("blue").proposals))
        await blue.press("c")
        await red.press("c")
        await until(lambda: isinstance(blue_app.screen, CallScreen)
                    and isinstance(red_app.screen, CallScreen))
        await blue.pause()
        assert "types on its own screen" in status(blue_app, "#call-status")
        blue_app.screen.query_one("#say", Input).value = "Will you pull back from the Rocks?"
        await blue.press("enter")
        await until(lambda: "Will you pull back from the Rocks?" in transcript(red_app))
        red_app.screen.query_one("#say", Input).value = "If your carrier does."
        await red.press("enter")
        await until(lambda: "If your carrier does." in transcript(blue_app))
        # Still blue's voice on blue's screen: no keyboard passes between laptops.
        assert blue_app.screen.speaker == "blue" and red_app.screen.speaker == "red"
        blue_app.screen.query_one("#say", Input).value = "Agreed."
        await blue.press("enter")
        await until(lambda: "Agreed." in transcript(red_app))
        said = [(e.by, e.text) for e in fac.timeline("facilitator") if isinstance(e, Said)]
        assert said == [("blue", "Will you pull back from the Rocks?"), ("red", "If your carrier does."),
                        ("blue", "Agreed.")]


async def test_the_console_moves_the_phase_on_and_the_teams_follow_without_a_key(served, clients) -> None:
    fac_app = DetenteApp(client=joined(clients, served, "facilitator"))
    blue_app = DetenteApp(client=joined(clients, served, "blue"))
    red_app = DetenteApp(client=joined(clients, served, "red"))
    async with fac_app.run_test(size=SIZE) as fac, blue_app.run_test(size=SIZE) as blue, \
            red_app.run_test(size=SIZE) as red:
        await fac.pause()
        console = fac_app.screen
        assert type(console).__name__ == "ConsoleScreen"
        assert console.check_action("team", ()) is False  # no hand-over key: teams have laptops
        # The console started the session (as hot-seat does); the teams' screens show it.
        await until(lambda: "briefing" in status(blue_app, "#team-status"))
        while fac_app.client.view("facilitator").phase != "orders":
            await fac.press("n")
            await fac.pause()
        await until(lambda: "orders" in status(blue_app, "#team-status")
                    and "orders" in status(red_app, "#team-status"))
        # The console names the teams still to act.
        await until(lambda: "waiting for:" in status(fac_app, "#status"))
        assert "Republic of Azuria" in status(fac_app, "#status")

        # Blue drafts an order; red seals; blue's draft survives the update that brings.
        await blue.pause()
        blue_screen = blue_app.screen
        assert isinstance(blue_screen, TeamScreen)
        from detente.engine.commands import SubmitOrders
        from detente.engine.state import Order

        blue_screen.draft.append(Order(move="hold"))
        assert red_app.client.apply(SubmitOrders(team="red", orders=())).accepted
        await until(lambda: "Republic of Azuria" in status(fac_app, "#status")
                    and "Corvanian" not in status(fac_app, "#status").split("waiting for:")[-1])
        await red.pause()
        assert blue_screen.draft == [Order(move="hold")]

        # On to adjudication (asked first: blue has not sealed): the review opens on the console,
        # with the results the facilitator may annul; publishing opens the debrief, and the teams
        # are in the debrief too.
        from detente.tui.app.screens.debrief import DebriefScreen, ReviewScreen
        from detente.tui.app.screens.modals import ConfirmModal

        await fac.press("n")
        await until(lambda: isinstance(fac_app.screen, ConfirmModal))
        await fac.press("enter")
        await until(lambda: isinstance(fac_app.screen, ReviewScreen))
        await fac.pause()
        await fac.press("p")
        await until(lambda: isinstance(fac_app.screen, DebriefScreen))
        await until(lambda: "debrief" in status(blue_app, "#team-status")
                    and "debrief" in status(red_app, "#team-status"))
        await fac.pause()
        assert "Tension per pair" in " ".join(str(w.render()) for w in fac_app.screen.query("Static"))


async def test_the_end_of_the_session_reaches_every_joined_screen(served, clients) -> None:
    fac = joined(clients, served, "facilitator")
    assert fac.apply(Start()).accepted
    blue_app = DetenteApp(client=joined(clients, served, "blue"))
    async with blue_app.run_test(size=SIZE) as blue:
        await blue.pause()
        assert fac.apply(End(reason="time is up")).accepted
        await until(lambda: isinstance(blue_app.screen, EndScreen))
        await blue.pause()
        end = blue_app.screen
        assert end.check_action("report", ()) is False  # the log is on the host
        text = " ".join(str(w.render()) for w in end.query("Static"))
        assert "The report is written on the host with: detente report s.jsonl" in text
        assert "time is up" in text


async def test_the_spectator_opens_the_projector(served, clients) -> None:
    try:
        from detente.tui.app.screens.projector import ProjectorScreen
    except ImportError:
        pytest.skip("the projector screen is not there yet")
    app = DetenteApp(client=joined(clients, served, "spectator"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProjectorScreen)


async def test_a_join_without_a_code_asks_for_it_on_screen_and_a_wrong_one_ends_with_1(served) -> None:
    from detente.tui.app.screens.modals import TextModal

    app = DetenteApp(join_url=served.url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TextModal)
        assert app.screen.query_one(Input).password
        await pilot.press(*"WRONG")
        await pilot.press("enter")
        await until(lambda: app.return_code is not None, 15)
    assert app.return_code == 1


async def test_a_join_without_a_code_opens_the_teams_screen_with_the_right_one(served, clients) -> None:
    app = DetenteApp(join_url=served.url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one(Input).value = served.codes["green"]
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, TeamScreen), 15)
        assert app.screen.team == "green"
        clients.append(app.client)  # type: ignore[arg-type]


async def test_a_dropped_connection_says_reconnecting_then_connected(served, clients) -> None:
    app = DetenteApp(client=joined(clients, served, "blue"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        def cut() -> None:
            for ws in list(served.host._seats):
                ws.transport.abort()

        served.loop.call_soon_threadsafe(cut)
        await until(lambda: "reconnecting…" in status(app, "#team-status"), 5)
        assert app.sub_title == "reconnecting…"
        await until(lambda: "connected to" in status(app, "#team-status"), 10)


async def test_a_joined_team_may_leave_its_own_laptop(served, clients) -> None:
    from detente.tui.app.screens.modals import ConfirmModal

    app = DetenteApp(client=joined(clients, served, "blue"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.action_quit()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "join again with the same code" in str(app.screen.detail)
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code in (0, None)


def test_join_with_a_wrong_code_or_no_host_says_so_and_exits_1(served, capsys) -> None:
    from detente.tui.cli import main

    assert main(["join", served.url, "--code", "0000-0000-0000-0000-0000-0000-00"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"detente: {served.url}: that code opens nothing here"
    assert main(["join", "127.0.0.1:9", "--code", "x"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "detente: cannot reach ws://127.0.0.1:9: is `detente serve` running?"


async def test_the_console_runs_the_phase_clock_and_every_team_sees_the_time_left(served, clients) -> None:
    from detente.tui.app.screens.modals import ChooseModal, TextModal

    fac_app = DetenteApp(client=joined(clients, served, "facilitator"))
    blue_app = DetenteApp(client=joined(clients, served, "blue"))
    async with fac_app.run_test(size=SIZE) as fac, blue_app.run_test(size=SIZE):
        await fac.pause()
        await until(lambda: "briefing" in status(blue_app, "#team-status"))
        assert "clock" not in status(blue_app, "#team-status")

        async def clock(action: str, minutes: str = "") -> None:
            await fac.press("k")
            await until(lambda: isinstance(fac_app.screen, ChooseModal))
            choices = fac_app.screen.query_one(OptionList)
            ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
            choices.highlighted = ids.index(action)
            await fac.press("enter")
            if minutes:
                await until(lambda: isinstance(fac_app.screen, TextModal))
                fac_app.screen.query_one(Input).value = minutes
                await fac.press("enter")

        await clock("set", "2")
        await until(lambda: "clock 02:00 (paused)" in status(blue_app, "#team-status"))
        assert "clock 02:00 (paused)" in status(fac_app, "#status")
        await clock("start")
        await until(lambda: "clock 01:5" in status(blue_app, "#team-status"), 5)  # counting down
        assert "(paused)" not in status(blue_app, "#team-status")
        await clock("pause")
        await until(lambda: "(paused)" in status(blue_app, "#team-status"))
        await clock("stop")
        await until(lambda: "clock" not in status(blue_app, "#team-status"))
