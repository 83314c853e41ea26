"""`detente serve` without --headless (issue 10): the facilitator console runs in the host's own
terminal while teams join over the network. The console's commands go through the host (logged
once, heard by every connection) and a team's command over the network redraws the console."""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_app import STRAIT

from detente.engine.commands import FACILITATOR, Propose
from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.recorder import RecordedSession
from detente.engine.state import Order
from detente.net.codes import new_codes
from detente.net.host import Host
from detente.net.remote import RemoteClient
from detente.tui.app.app import DetenteApp
from detente.tui.app.hosted import HostedClient, HostThread
from detente.tui.app.screens.console import ConsoleScreen


async def until(pilot, check, seconds: float = 10) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds * 10)):
        if check():
            return
        await pilot.pause(0.1)
    raise AssertionError("timed out")


async def test_the_console_in_the_hosts_terminal_and_a_team_over_the_network(tmp_path: Path) -> None:
    log = tmp_path / "s.jsonl"
    with RecordedSession.create(load_scenario(STRAIT), log) as rec:
        host = Host(rec, {})
        host.codes = new_codes(["blue", "red", "green", "spectator"])  # the console needs none
        served = HostThread(host, "127.0.0.1", 0)
        url = await asyncio.to_thread(served.start)
        console = HostedClient(served)
        app = DetenteApp(client=console)
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                assert isinstance(app.screen, ConsoleScreen)
                blue = await asyncio.to_thread(RemoteClient(url, host.codes["blue"]).join)
                try:
                    await pilot.press("n")  # the console's key reaches the joined team
                    await until(pilot, lambda: blue.view("blue").phase == "communications")
                    result = await asyncio.to_thread(
                        blue.apply, Propose(team="blue", order=Order(move="hotline_call", target="red")))
                    assert result.accepted
                    # The team's call, made over the network, is on the console without a key press.
                    await until(pilot, lambda: "hotline call" in " ".join(
                        str(line) for line in app.screen.query_one("#timeline").lines))
                    assert [p.by for p in console.view(FACILITATOR).proposals] == ["blue"]
                finally:
                    await asyncio.to_thread(blue.close)
        finally:
            await asyncio.to_thread(served.stop)
    kinds = [r["command"]["type"] for r in read_log(log).records if r["kind"] == "command"]
    assert kinds == ["start", "advance", "propose"], "each command logged once, in order"
