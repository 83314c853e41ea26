"""The network client of ``detente join`` against a real host on an ephemeral loopback port:
what a role is welcomed with, commands answered as the hot-seat client answers them, a dropped
connection mended by itself, a wrong code refused, and nothing of another team kept."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from detente.engine.commands import Advance, Propose, RateCall, Respond, Say, Start, SubmitOrders
from detente.engine.entries import InjectDelivered, PhaseBegan, Said
from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.recorder import RecordedSession
from detente.engine.state import Order
from detente.net.codes import new_codes
from detente.net.host import Host
from detente.net.protocol import scenario_to_dict, view_to_dict
from detente.net.remote import NOT_CONNECTED, JoinError, RemoteClient, join
from detente.tui.app.client import LocalClient

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
STRAIT = SCENARIOS / "strait_standoff.toml"
ROLES = ("blue", "red", "green", "facilitator", "spectator")


class ServedHost:
    """A :class:`Host` serving in a thread of its own (its own asyncio loop), as ``detente serve``
    runs it, so a test can drive blocking clients from the main thread."""

    def __init__(self, rec: RecordedSession, codes: dict[str, str], port: int = 0, tls: Any = None) -> None:
        self.rec, self.codes, self.port, self.tls = rec, codes, port, tls
        self.url = ""
        self.host: Host | None = None

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
        async with self.host.serving("127.0.0.1", self.port, tls=self.tls) as url:
            self.url, self.port = url, self.host.port or 0
            ready.set()
            await self._stop.wait()

    def call(self, fn: Callable[[], Any]) -> None:
        """Run ``fn`` in the host's loop."""
        self.loop.call_soon_threadsafe(fn)

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


def until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


@pytest.fixture
def rec(tmp_path: Path) -> Iterator[RecordedSession]:
    recorded = RecordedSession.create(load_scenario(STRAIT), tmp_path / "s.jsonl")
    yield recorded
    recorded.close()


@pytest.fixture
def codes() -> dict[str, str]:
    return new_codes(ROLES)


@pytest.fixture
def served(rec: RecordedSession, codes: dict[str, str]) -> Iterator[ServedHost]:
    with ServedHost(rec, codes) as s:
        yield s


@pytest.fixture
def clients() -> Iterator[list[RemoteClient]]:
    made: list[RemoteClient] = []
    yield made
    for c in made:
        c.close()


def joined(clients: list[RemoteClient], served: ServedHost, role: str) -> RemoteClient:
    """A client of ``role``, wording a turn's facts as the terminal UI does (its Names)."""
    from detente.tui.render.text import Names

    c = join(served.url, served.codes[role], wording=Names.of)
    clients.append(c)
    return c


def to_communications(fac: RemoteClient) -> None:
    assert fac.apply(Start()).accepted
    while fac.view("facilitator").phase != "communications":
        assert fac.apply(Advance()).accepted


def test_welcome_gives_the_role_its_view(served, rec, clients) -> None:
    blue = joined(clients, served, "blue")
    assert blue.joined == "blue" and blue.connected
    assert "Republic" in blue.name or blue.name == rec.session.scenario.actor("blue").name
    v = blue.view("blue")
    assert v.role == "blue"
    assert v.private_briefing == rec.session.scenario.actor("blue").briefing
    assert blue.scenario.scenario.id == rec.session.scenario.scenario.id
    assert blue.status() == f"connected to 127.0.0.1:{served.port} as {blue.name}"
    fac = joined(clients, served, "facilitator")
    assert fac.joined == "facilitator" and fac.view("facilitator").role == "facilitator"
    spectator = joined(clients, served, "spectator")
    assert spectator.joined == "spectator" and spectator.view("spectator").private_briefing == ""


def test_apply_is_accepted_or_refused_as_the_local_client_answers(served, rec, clients, tmp_path) -> None:
    local = LocalClient.new(load_scenario(STRAIT), tmp_path / "local.jsonl")
    fac, blue = joined(clients, served, "facilitator"), joined(clients, served, "blue")
    red = joined(clients, served, "red")
    # Before the start a team's orders are refused, with the engine's reason, by both.
    early = SubmitOrders(team="blue", orders=())
    here, there = local.apply(early), blue.apply(early)
    assert not here.accepted and not there.accepted
    assert there.reason == here.reason  # type: ignore[union-attr]
    to_communications(fac)
    # The update came with the ack: the team's view is the new phase when apply returns.
    until(lambda: blue.view("blue").phase == "communications")
    call = Propose(team="blue", order=Order(move="hotline_call", target="red"))
    assert blue.apply(call).accepted
    pid = blue.view("blue").proposals[-1].id
    until(lambda: any(p.id == pid for p in red.view("red").proposals))
    # A team acts only for itself; the host says so.
    refused = blue.apply(Respond(team="red", proposal=pid, accept=True))
    assert not refused.accepted and "only for itself" in refused.reason  # type: ignore[union-attr]
    assert red.apply(Respond(team="red", proposal=pid, accept=True)).accepted
    until(lambda: any(p.status == "talking" for p in blue.view("blue").proposals))
    assert blue.apply(Say(team="blue", proposal=pid, text="Stand down?", tone="demand")).accepted
    until(lambda: any(p.transcript for p in red.view("red").proposals if p.id == pid))
    said = [e for e in red.timeline("red") if isinstance(e, Said)][-1]
    assert (said.text, said.tone) == ("Stand down?", "demand")
    # The tone travels in the view, and the facilitator (only) rates the call over the wire.
    assert next(p for p in red.view("red").proposals if p.id == pid).tone_of("blue") == "demand"
    assert not blue.apply(RateCall(proposal=pid, rating=2)).accepted
    assert fac.apply(RateCall(proposal=pid, rating=-1)).accepted
    until(lambda: next(p for p in red.view("red").proposals if p.id == pid).rating == -1)
    # The team's moves come from the host, as the local ruleset's move types; another team's
    # are not this client's to know.
    assert "hotline_call" in {lm.move.name for lm in blue.moves("blue")}
    assert blue.moves("red") == []
    planned = {lm.move.name for lm in blue.priced_moves("blue", "orders")}
    assert planned and "hotline_call" not in planned
    local.close()


def test_the_same_command_from_two_clients_of_one_team(served, rec, clients) -> None:
    fac = joined(clients, served, "facilitator")
    first, second = joined(clients, served, "blue"), joined(clients, served, "blue")
    to_communications(fac)
    fac.apply(Advance())  # orders
    until(lambda: first.view("blue").phase == "orders" and second.view("blue").phase == "orders")
    seal = SubmitOrders(team="blue", orders=())
    assert first.apply(seal).accepted
    # The second laptop saw the first seal them; sealing again is refused by the engine.
    until(lambda: "blue" in second.view("blue").orders)
    again = second.apply(seal)
    assert not again.accepted and again.reason  # type: ignore[union-attr]
    sealed = [r for r in read_log(rec.path).records if r["kind"] == "orders" and r["team"] == "blue"]
    assert len(sealed) == 1


def test_a_dropped_connection_reconnects_by_itself_and_gets_the_current_view(served, rec, clients) -> None:
    blue = joined(clients, served, "blue")
    fac = joined(clients, served, "facilitator")
    changes: list[int] = []
    blue.on_change(lambda: changes.append(1))
    assert fac.apply(Start()).accepted
    until(lambda: blue.view("blue").phase == "briefing")

    # The host cuts every connection.
    def cut() -> None:
        assert served.host is not None
        for ws in list(served.host._seats):
            ws.transport.abort()

    served.call(cut)
    until(lambda: not blue.connected, 5)
    assert blue.status() == "reconnecting…"
    refused = blue.apply(SubmitOrders(team="blue", orders=()))
    assert not refused.accepted and refused.reason == NOT_CONNECTED  # type: ignore[union-attr]
    until(lambda: blue.connected and fac.connected, 10)
    assert changes  # the screens were told
    # Meanwhile the session moved on; the new welcome brings the current view and timeline.
    assert fac.apply(Advance()).accepted
    until(lambda: blue.view("blue").phase == "communications")
    phases = [e.phase for e in blue.timeline("blue") if isinstance(e, PhaseBegan)]
    assert phases == ["briefing", "communications"]  # the welcome's timeline replaced, not doubled


def test_a_restarted_host_is_rejoined_with_the_same_code(rec, codes, clients) -> None:
    with ServedHost(rec, codes) as first:
        port = first.port
        blue = join(first.url, codes["blue"])
        clients.append(blue)
        fac = join(first.url, codes["facilitator"])
        clients.append(fac)
        assert fac.apply(Start()).accepted
    until(lambda: not blue.connected, 5)
    with ServedHost(rec, codes, port=port):
        until(lambda: blue.connected and fac.connected, 15)
        assert fac.apply(Advance()).accepted
        until(lambda: blue.view("blue").phase == "communications")


def test_a_wrong_code_is_a_join_error_in_the_hosts_words(served) -> None:
    with pytest.raises(JoinError, match="that code opens nothing here"):
        join(served.url, "0000-0000-0000-0000-0000-0000-00")


def test_an_unreachable_host_is_said(tmp_path) -> None:
    from detente.net.remote import HostUnreachable

    with pytest.raises(HostUnreachable, match=r"cannot reach ws://127\.0\.0\.1:9"):
        join("ws://127.0.0.1:9", "x")


def held(client: RemoteClient) -> str:
    """Everything the client keeps, as JSON text."""
    parts: list[Any] = [
        scenario_to_dict(client.scenario), view_to_dict(client.view(client.joined or "")),
        [e.fields for e in client.timeline(client.joined or "")],
        client._moves, client._priced, client._annullable,
    ]
    for name, value in vars(client).items():
        if name.startswith("_") and isinstance(value, str | int | float | list | dict | tuple):
            try:
                parts.append(json.loads(json.dumps(value, default=str)))
            except (TypeError, ValueError):
                parts.append(repr(value))
    return json.dumps(parts, default=str)


def test_a_team_client_never_holds_another_teams_briefing(served, rec, clients) -> None:
    scenario = rec.session.scenario
    blue, fac = joined(clients, served, "blue"), joined(clients, served, "facilitator")
    to_communications(fac)
    red = joined(clients, served, "red")
    red.apply(Propose(team="red", order=Order(move="hotline_call", target="green")))
    fac.apply(Advance())
    until(lambda: blue.view("blue").phase == "orders")
    text = held(blue)
    assert scenario.actor("blue").briefing.strip()[:40] in text
    for other in ("red", "green"):
        secret = scenario.actor(other).briefing.strip()
        assert secret and secret[:40] not in text, f"blue holds {other}'s briefing"
    for obj in scenario.objectives:
        if obj.actor != "blue":
            assert obj.text not in text, f"blue holds {obj.actor}'s objective"


def test_the_debrief_facts_and_escalation_history_are_the_hot_seat_ones(served, rec, clients) -> None:
    from detente.engine.aar import turn_facts
    from detente.engine.recorder import states_by_turn
    from detente.tui.render.text import Names

    fac, blue = joined(clients, served, "facilitator"), joined(clients, served, "blue")
    to_communications(fac)
    blue.apply(Propose(team="blue", order=Order(move="hotline_call", target="red")))
    while fac.view("facilitator").phase != "debrief":
        assert fac.apply(Advance()).accepted
    until(lambda: blue.view("blue").phase == "debrief")
    assert served.host is not None
    events = served.host._events
    names = Names.of(rec.session.scenario)
    for client, role in ((fac, "facilitator"), (blue, "blue")):
        want = turn_facts(events, role, 1, rec.session.scenario, names)
        assert want and client.turn_facts(role, 1) == want
    # The team's scenario names the injects it was delivered, and holds nothing of when or why.
    delivered = {i.id: i for i in blue.scenario.injects}
    assert delivered["survey-ship"].title == "Survey vessel inside the inner channel"
    assert delivered["survey-ship"].effects == () and delivered["survey-ship"].when is None
    assert set(delivered) == {e.id for e in blue.timeline("blue") if isinstance(e, InjectDelivered)}
    by_turn = states_by_turn(rec.session, events)
    want_history = {key: [by_turn[1].value("tension", *key)] for key in rec.state.pairs}
    assert fac.escalation_history() == want_history
    assert blue.escalation_history() == want_history  # tension is public


def test_a_wss_host_is_joined_with_its_certificate_and_refused_without(rec, codes, clients, tmp_path) -> None:
    from test_tls import self_signed

    from detente.net.host import tls_context
    from detente.net.remote import HostUnreachable

    cert, key = self_signed(tmp_path)
    with ServedHost(rec, codes, tls=tls_context(str(cert), str(key))) as served:
        assert served.url.startswith("wss://")
        with pytest.raises(HostUnreachable, match=r"certificate is not trusted.*--cafile"):
            join(served.url, codes["blue"])
        blue = join(served.url, codes["blue"], cafile=str(cert))
        clients.append(blue)
        assert blue.joined == "blue" and blue.view("blue").role == "blue"


def test_the_clock_counts_down_here_and_the_facilitator_is_told_when_it_runs_out(served, clients) -> None:
    from detente.engine.commands import Clock

    fac, blue = joined(clients, served, "facilitator"), joined(clients, served, "blue")
    assert fac.apply(Start()).accepted
    assert blue.clock_left() is None
    assert fac.apply(Clock("set", seconds=2)).accepted
    until(lambda: blue.clock_left() == 2)
    assert fac.apply(Clock("start")).accepted
    until(lambda: blue.view("blue").clock is not None and blue.view("blue").clock.running)
    until(lambda: (blue.clock_left() or 2) < 1.5, 3)  # counted down here, between updates
    told: list[str] = []
    until(lambda: told.extend(fac.notices()) or told, 5)
    assert blue.notices() == []  # the facilitator decides; teams are not told
    until(lambda: not blue.view("blue").clock.running)  # the host paused it at 0
    assert blue.clock_left() == 0


def test_a_host_that_does_not_answer_is_said_and_missing_fields_count_as_empty(rec, monkeypatch) -> None:
    """An older host's welcome (no moves, priced, waiting, bots, log …) still opens the role; a
    command it never acknowledges is refused after the wait, in words."""
    from websockets.asyncio.server import serve

    from detente.engine.views import view
    from detente.engine.visibility import scenario_for
    from detente.net import protocol
    from detente.net import remote as remote_module

    monkeypatch.setattr(remote_module, "ANSWER_WITHIN", 0.5)
    scenario = rec.session.scenario
    old_welcome = protocol.message(
        "welcome", role="blue", name="Republic of Azuria",
        scenario=scenario_to_dict(scenario_for(scenario, "blue")),
        view=view_to_dict(view(rec.state, "blue", rec.session.ruleset.ladder)), timeline=[])

    async def silent(ws: Any) -> None:
        await ws.recv()
        await ws.send(json.dumps(old_welcome))
        async for _ in ws:
            pass  # never an ack

    ready, stop = threading.Event(), threading.Event()
    where: list[str] = []

    async def main() -> None:
        async with serve(silent, "127.0.0.1", 0) as server:
            where.append(f"ws://127.0.0.1:{next(iter(server.sockets)).getsockname()[1]}")
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.05)

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(5)
    client = join(where[0], "any")
    try:
        assert client.joined == "blue" and client.view("blue").role == "blue"
        assert client.moves("blue") == [] and client.waiting_for() == () and client.bots == {}
        assert client.clock_left() is None and client.annullable() == []
        refused = client.apply(Start())
        assert not refused.accepted and refused.reason == "the host did not answer"  # type: ignore[union-attr]
    finally:
        client.close()
        stop.set()
        thread.join(5)
