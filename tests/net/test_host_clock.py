"""The phase clock at the host (the engine reads no clock; the host does): a pause or extend that
does not say what is left gets the host's measurement in the logged command, everyone gets the
time left as measured now, a clock that runs out is paused at 0 and the facilitator told (and
the phase advanced on auto), and a host resumed on a log whose clock ran resumes it paused."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from wire import Client

from detente.engine.commands import Advance, Clock, Note, Start
from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.recorder import RecordedSession
from detente.net.codes import new_codes
from detente.net.host import Host

STRAIT = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"
ROLES = ("blue", "red", "green", "facilitator", "spectator")


@pytest.fixture
def codes() -> dict[str, str]:
    return new_codes(ROLES)


@pytest.fixture
async def room(tmp_path: Path, codes) -> AsyncIterator[tuple[RecordedSession, Client, Client]]:
    """A served session in its communications phase: the facilitator and blue at the table."""
    with RecordedSession.create(load_scenario(STRAIT), tmp_path / "s.jsonl") as rec:
        async with Host(rec, codes).serving() as url:
            fac = await Client.join(url, codes["facilitator"])
            blue = await Client.join(url, codes["blue"])
            for i, command in enumerate((Start(), Advance()), 1):
                assert (await fac.command(f"f{i}", command))["accepted"]
            yield rec, fac, blue


def logged_clocks(rec: RecordedSession) -> list[dict]:
    return [r["command"] for r in read_log(rec.path).records
            if r["kind"] == "command" and r["command"]["type"] == "clock"]


async def until(client: Client, kind: str, within: float = 5.0) -> dict:
    deadline = time.monotonic() + within
    while True:
        msg = await client.recv(max(0.01, deadline - time.monotonic()))
        if msg["type"] == kind:
            return msg


async def test_a_pause_without_left_is_logged_with_what_the_host_measured(room) -> None:
    rec, fac, blue = room
    assert (await fac.command("c1", Clock("set", seconds=3)))["accepted"]
    assert (await fac.command("c2", Clock("start")))["accepted"]
    await asyncio.sleep(1.2)
    await blue.drain(0.05)
    ack = await fac.command("c3", {"type": "clock", "action": "pause"})  # no left: the host measures
    assert ack["accepted"], ack
    paused = logged_clocks(rec)[-1]
    assert paused["action"] == "pause" and paused["left"] in (1, 2)  # 3 s less 1.2 s, rounded up
    assert rec.state.clock.left == paused["left"] and not rec.state.clock.running
    update = await until(blue, "update")
    assert update["clock_left"] == paused["left"]


async def test_every_update_says_the_time_left_measured_now(room) -> None:
    _, fac, blue = room
    assert (await fac.command("c1", Clock("set", seconds=60)))["accepted"]
    assert (await fac.command("c2", Clock("start")))["accepted"]
    await asyncio.sleep(0.6)
    await blue.drain(0.05)
    assert (await fac.command("n", Note(text="halfway")))["accepted"]
    update = await until(blue, "update")
    assert 58.5 < update["clock_left"] < 59.5 and update["view"]["clock"]["left"] == 60


async def test_time_up_pauses_at_zero_and_tells_the_facilitator(room) -> None:
    rec, fac, blue = room
    assert (await fac.command("c1", Clock("set", seconds=1)))["accepted"]
    assert (await fac.command("c2", Clock("start")))["accepted"]
    notice = await until(fac, "notice", 4)
    assert notice["text"] == "Time is up for communications: advance or extend"
    assert rec.state.clock.left == 0 and not rec.state.clock.running
    assert rec.state.phase == "communications"  # the facilitator decides
    assert logged_clocks(rec)[-1] == {"type": "clock", "action": "pause", "seconds": 0, "left": 0}
    await blue.drain(0.3)
    assert not [m for m in blue.received if m["type"] == "notice"]  # teams just see the clock at 0
    assert [m for m in blue.received if m["type"] == "update"][-1]["clock_left"] == 0


async def test_time_up_on_auto_advances_the_phase(room) -> None:
    rec, fac, _ = room
    for i, command in enumerate((Clock("auto"), Clock("set", seconds=1), Clock("start")), 1):
        assert (await fac.command(f"c{i}", command))["accepted"]
    await until(fac, "notice", 4)
    await fac.drain(0.3)
    assert rec.state.phase == "orders"
    commands = [r["command"]["type"] for r in read_log(rec.path).records if r["kind"] == "command"]
    assert commands[-2:] == ["clock", "advance"]


async def test_a_host_resumed_on_a_running_clock_resumes_it_paused(tmp_path: Path, codes) -> None:
    log = tmp_path / "s.jsonl"
    with RecordedSession.create(load_scenario(STRAIT), log) as rec:
        for command in (Start(), Advance(), Clock("set", seconds=100), Clock("start")):
            assert rec.apply(command).accepted
        time.sleep(1.3)
        assert rec.apply(Note(text="the host dies after this")).accepted  # the log's last `at`
    with RecordedSession.resume(log) as rec:
        host = Host(rec, codes)
        assert rec.state.clock is not None and not rec.state.clock.running
        assert rec.state.clock.left in (98, 99)  # 100 s less the 1.3 s between the lines, rounded up
        assert host.clock_left() == rec.state.clock.left
        assert logged_clocks(rec)[-1]["action"] == "pause"
        async with host.serving() as url:
            fac = await Client.join(url, codes["facilitator"])
            assert fac.welcome["clock_left"] == rec.state.clock.left
            assert not fac.welcome["view"]["clock"]["running"]
