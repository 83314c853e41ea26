"""The facilitator console of a host that runs several syndicates (issue 14), at 80×24: a strip of
every syndicate (turn, phase, who is still to act, each pair's rung), a switcher (s, 1–9) whose
syndicate the status line names, and phase changes for this syndicate or all of them — each logged
in its own log, refusals said per syndicate. The lead facilitator joined over the network gets the
same console; the projector's cohort code shows every syndicate side by side, public views only."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from test_app import STRAIT
from textual.widgets import OptionList, Static

from detente.engine.commands import FACILITATOR, AddInject, Clock, End, Note, Start
from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.recorder import RecordedSession
from detente.net.cohort import CohortHost
from detente.net.host import Host
from detente.net.remote import RemoteClient, join_cohort
from detente.tui.app.app import DetenteApp
from detente.tui.app.hosted import HostedClient, HostThread
from detente.tui.app.screens.console import ConsoleScreen
from detente.tui.app.screens.modals import ConfirmModal
from detente.tui.app.screens.projector import CohortProjectorScreen
from detente.tui.app.syndicates import Syndicate, Syndicates


@pytest.fixture
def three(tmp_path: Path) -> Iterator[tuple[CohortHost, HostThread, list[Path]]]:
    """Three syndicates of the Strait served from a thread; no codes dealt yet."""
    scenario = load_scenario(STRAIT)
    logs = [tmp_path / f"w-s{k}.jsonl" for k in (1, 2, 3)]
    with ExitStack() as stack:
        recs = [stack.enter_context(RecordedSession.create(scenario, log)) for log in logs]
        cohort = CohortHost([Host(rec, {}) for rec in recs])
        served = HostThread(cohort, "127.0.0.1", 0)
        yield cohort, served, logs
        served.stop()


def _text(app: DetenteApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _commands(log: Path) -> list[str]:
    return [r["command"]["type"] for r in read_log(log).records if r["kind"] == "command"]


async def test_the_switcher_and_the_strip_of_every_syndicate_at_80x24(three) -> None:
    cohort, served, logs = three
    cohort.deal_codes(left_out=("facilitator",))
    await asyncio.to_thread(served.start)
    syndicates = Syndicates([Syndicate(h.syndicate, HostedClient(served, h)) for h in cohort.hosts])
    app = DetenteApp(client=syndicates.client, syndicates=syndicates)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        assert _text(app, "#status").startswith(" Syndicate 1 of 3 ")
        # Opening the console began every syndicate.
        assert [_commands(log) for log in logs] == [["start"]] * 3
        strip = _text(app, "#syndicates").splitlines()
        assert len(strip) == 4 and all(len(line) <= 80 for line in strip), strip
        assert "to act" in strip[0] and "Azu–Cor" in strip[0]
        assert [line[:4] for line in strip[1:]] == ["▶ S1", "  S2", "  S3"]
        assert all("Day 1" in line and "briefing" in line for line in strip[1:])
        keys = list(app.screen.query("FooterKey"))
        footer = " ".join(str(key.render()) for key in keys)
        assert "Syndicate" in footer and "keys" in footer and "Team" not in footer, footer
        palette = next(k for k in keys if "palette" in str(k.render()))
        assert all(k.region.right <= palette.region.x for k in keys if k is not palette), footer
        await pilot.press("s")
        await pilot.pause()
        assert app.client is syndicates.members[1].client
        assert _text(app, "#status").startswith(" Syndicate 2 of 3 ")
        assert [line[:4] for line in _text(app, "#syndicates").splitlines()[1:]] == ["  S1", "▶ S2", "  S3"]
        await pilot.press("3")
        await pilot.pause()
        assert _text(app, "#status").startswith(" Syndicate 3 of 3 ")
        await pilot.press("s")  # round to the first again
        await pilot.pause()
        assert _text(app, "#status").startswith(" Syndicate 1 of 3 ")
        # Another syndicate's move shows in the strip without a key press.
        await asyncio.to_thread(served.run, cohort.hosts[1].apply_here(End(reason="called off")))
        for _ in range(30):
            await pilot.pause(0.1)
            if "ended" in _text(app, "#syndicates").splitlines()[2]:
                break
        assert "ended" in _text(app, "#syndicates").splitlines()[2]
        assert isinstance(app.screen, ConsoleScreen), "the shown syndicate's console stays"
    syndicates.close()


async def test_advance_asks_this_syndicate_or_all_and_logs_one_advance_in_each(three) -> None:
    cohort, served, logs = three
    cohort.deal_codes(left_out=("facilitator",))
    await asyncio.to_thread(served.start)
    syndicates = Syndicates([Syndicate(h.syndicate, HostedClient(served, h)) for h in cohort.hosts])
    app = DetenteApp(client=syndicates.client, syndicates=syndicates)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == ["this", "all"]
        await pilot.press("enter")  # this syndicate
        await pilot.pause()
        assert [_commands(log) for log in logs] == [["start", "advance"], ["start"], ["start"]]
        await asyncio.to_thread(served.run, cohort.hosts[2].apply_here(End(reason="the room emptied")))
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("down", "enter")  # all syndicates
        await pilot.pause()
        if isinstance(app.screen, ConfirmModal):  # teams still to act in communications
            await pilot.press("y")
            await pilot.pause()
        for _ in range(20):
            if _commands(logs[1])[-1] == "advance":
                break
            await pilot.pause(0.1)
        assert [_commands(log) for log in logs] == [
            ["start", "advance", "advance"], ["start", "advance"], ["start", "end"]]
        said = " ".join(str(n.message) for n in app._notifications)
        assert "Syndicate 1: advanced — now Day 1, orders" in said
        assert "Syndicate 2: advanced — now Day 1, communications" in said
        assert "Syndicate 3: has ended" in said
        # A command that one syndicate refuses is said for that syndicate alone.
        assert await asyncio.to_thread(served.run, cohort.hosts[0].apply_here(Clock("set", seconds=300)))
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("enter")  # the first choice: start (syndicate 1 has a clock)
        await pilot.pause()
        await pilot.press("down", "enter")  # all syndicates
        await pilot.pause()
        said = " ".join(str(n.message) for n in app._notifications)
        assert "Syndicate 1: clock start" in said and "Syndicate 2: refused" in said, said
        assert app.client.view(FACILITATOR).clock is not None and app.client.view(FACILITATOR).clock.running
    syndicates.close()


async def test_the_lead_facilitator_over_the_network_and_the_projector_of_every_syndicate(three) -> None:
    cohort, served, _ = three
    cohort.deal_codes()
    url = await asyncio.to_thread(served.start)

    async def here(host: Host, command: Any) -> None:
        assert (await asyncio.to_thread(served.run, host.apply_here(command))).accepted

    for host in cohort.hosts:
        await here(host, Start())
    await here(cohort.hosts[0], Note(text="FOR THE FACILITATOR OF S1"))
    await here(cohort.hosts[1], AddInject(title="NEWS OF S2"))

    async def joined(role: str) -> Syndicates:
        answer = await asyncio.to_thread(RemoteClient(url, cohort.codes[role]).join)
        members = await asyncio.to_thread(join_cohort, answer)
        return Syndicates([Syndicate(name, client) for name, client in members])

    lead = await joined("facilitator")
    app = DetenteApp(client=lead.client, syndicates=lead)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        assert _text(app, "#status").startswith(" Syndicate 1 of 3 ")
        assert len(_text(app, "#syndicates").splitlines()) == 4
        await pilot.press("2")
        await pilot.pause()
        assert _text(app, "#status").startswith(" Syndicate 2 of 3 ")
    lead.close()
    # The same code typed on screen (detente join URL, or a browser tab): the same console.
    app = DetenteApp(join_url=url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*cohort.codes["facilitator"], "enter")
        for _ in range(50):
            await pilot.pause(0.1)
            if isinstance(app.screen, ConsoleScreen):
                break
        assert isinstance(app.screen, ConsoleScreen) and app.syndicates is not None
        assert len(app.syndicates) == 3 and _text(app, "#status").startswith(" Syndicate 1 of 3 ")
    room = await joined("spectator")
    app = DetenteApp(client=room.client, syndicates=room)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CohortProjectorScreen)
        heads = [_text(app, f"#cohort-head-{i}") for i in range(3)]
        assert [h.split("\n")[0].strip() for h in heads] == ["Syndicate 1", "Syndicate 2", "Syndicate 3"]
        events = [_text(app, f"#cohort-events-{i}") for i in range(3)]
        assert ["NEWS OF S2" in e for e in events] == [False, True, False]
        everything = " ".join(heads + events)
        assert "FOR THE FACILITATOR" not in everything
    room.close()


async def test_the_comparison_opens_once_every_syndicate_has_ended(three) -> None:
    cohort, served, logs = three
    cohort.deal_codes(left_out=("facilitator",))
    await asyncio.to_thread(served.start)
    syndicates = Syndicates([Syndicate(h.syndicate, HostedClient(served, h)) for h in cohort.hosts])
    app = DetenteApp(client=syndicates.client, syndicates=syndicates)
    opened: list[list[str]] = []
    app.open_compare = opened.append  # type: ignore[attr-defined]  # the comparison's screen, wired later
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for host in cohort.hosts[:2]:
            await asyncio.to_thread(served.run, host.apply_here(End(reason="done")))
        await pilot.pause(0.3)
        assert opened == []
        await asyncio.to_thread(served.run, cohort.hosts[2].apply_here(End(reason="done")))
        for _ in range(30):
            if opened:
                break
            await pilot.pause(0.1)
        assert opened == [[str(log) for log in logs]]
    syndicates.close()
