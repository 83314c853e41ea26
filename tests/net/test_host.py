"""The workshop host with real WebSocket clients on an ephemeral loopback port: who may join as
what, what a connection may send, commands applied once and acknowledged after the log has
them, and what each role receives — never more than replay shows it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from wire import Client, closed

from detente.engine.commands import (
    SEES_ALL,
    Advance,
    End,
    Note,
    Override,
    Propose,
    Start,
    SubmitOrders,
)
from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.randomplay import random_orders, random_proposal
from detente.engine.recorder import RecordedSession
from detente.engine.state import Order
from detente.engine.views import timeline
from detente.engine.visibility import tracks_of
from detente.net import host as host_module
from detente.net.codes import new_codes
from detente.net.host import ABUSE, Host
from detente.net.protocol import view_from_dict

TRACKS = tracks_of("defense-diplomacy")

STRAIT = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"
TEAMS = ("blue", "red", "green")
CODEWORDS = {"blue": "SALTGLASS", "red": "OBSIDIAN", "green": "MARIGOLD"}
ROLES = (*TEAMS, "facilitator", "spectator")


@pytest.fixture
def rec(tmp_path: Path) -> RecordedSession:
    recorded = RecordedSession.create(load_scenario(STRAIT), tmp_path / "s.jsonl")
    yield recorded
    recorded.close()


@pytest.fixture
def codes() -> dict[str, str]:
    return new_codes(ROLES)


@pytest.fixture
async def served(rec: RecordedSession, codes: dict[str, str]) -> AsyncIterator[tuple[Host, str]]:
    host = Host(rec, codes)
    async with host.serving("127.0.0.1", 0) as url:
        yield host, url


def lines(rec: RecordedSession) -> int:
    return len(read_log(rec.path).records)


# -- joining ---------------------------------------------------------------------------------


async def test_each_code_opens_its_own_role_and_nothing_else(served, codes) -> None:
    host, url = served
    assert host.port and url == f"ws://127.0.0.1:{host.port}"
    for role, code in codes.items():
        typed = code.lower().replace("-", " ")  # as read aloud and typed
        client = await Client.join(url, typed)
        welcome = client.welcome
        assert (welcome["type"], welcome["role"]) == ("welcome", role)
        v = view_from_dict(welcome["view"], TRACKS)
        assert v.role == ("public" if role == "spectator" else role)
        text = json.dumps(welcome, ensure_ascii=False)
        for team, word in CODEWORDS.items():
            assert (word in text) == (team == role or role == "facilitator"), (role, word)
        await client.ws.close()
    assert [host.role_name(r) for r in ("blue", "facilitator", "spectator")] == [
        load_scenario(STRAIT).actor("blue").name, "Facilitator", "Spectator"]


async def test_a_wrong_code_is_refused_later_each_time_and_closed(served, codes) -> None:
    _, url = served
    took = []
    wrong = codes["blue"][:-1] + ("Z" if codes["blue"][-1] != "Z" else "Y")
    for _ in range(2):
        async with connect(url) as ws:
            start = time.monotonic()
            await ws.send(json.dumps({"v": 2, "type": "hello", "code": wrong}))
            reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
            took.append(time.monotonic() - start)
            assert reply["type"] == "error" and reply["error"] == "bad-code"
            assert await closed(ws) == ABUSE
    # 0.2 s for the first failure from this address, twice that for the second (lower bounds: a
    # loaded machine may take longer either time, never less).
    assert took[0] >= 0.19
    assert took[1] >= 0.39


async def test_nothing_but_hello_is_taken_before_a_code(served) -> None:
    _, url = served
    async with connect(url) as ws:
        await ws.send(json.dumps({"v": 2, "type": "command", "id": "a", "command": {"type": "start"}}))
        reply = json.loads(await ws.recv())
        assert reply["error"] == "hello-first"


async def test_a_connection_that_never_says_hello_is_closed(served, monkeypatch) -> None:
    monkeypatch.setattr(host_module, "HELLO_WITHIN", 0.3)
    _, url = served
    async with connect(url) as ws:
        assert await closed(ws) == ABUSE


# -- what a connection may send ----------------------------------------------------------------


BAD_FRAMES = [
    ("{oops", "bad-json", "JSON"),
    ('{"v": 2, "type": "shout"}', "unknown-type", "shout"),
    ('{"v": 2, "type": "command", "id": "x"}', "missing-field", "command"),
    ('{"v": 2, "type": "ping", "also": 2}', "extra-field", "also"),
    ('{"v": 9, "type": "ping"}', "version", "version 2"),
    ('{"v": 2, "type": "command", "id": 5, "command": {}}', "wrong-type", "id"),
    ('{"v": 2, "type": "command", "id": "c", "command": {"type": "fly"}}', "bad-command", "fly"),
    ('{"v": 2, "type": "hello", "code": "x"}', "already-joined", "blue"),
]


async def test_every_bad_message_gets_an_error_naming_it_and_ten_close_the_connection(served, codes) -> None:
    _, url = served
    blue = await Client.join(url, codes["blue"])
    for frame, slug, named in BAD_FRAMES:
        await blue.ws.send(frame)
        reply = await blue.recv()
        assert reply["type"] == "error" and reply["error"] == slug, frame
        assert named in reply["detail"], (frame, reply)
    await blue.send(type="ping")
    assert (await blue.recv())["type"] == "pong"  # still connected after eight
    await blue.ws.send("[]")
    await blue.recv()
    await blue.ws.send("[]")
    assert await closed(blue.ws) == ABUSE


async def test_an_oversize_frame_closes_the_connection(served, codes) -> None:
    _, url = served
    blue = await Client.join(url, codes["blue"])
    await blue.send(type="command", id="big", command={"type": "note", "text": "x" * 70_000})
    assert await closed(blue.ws) == 1009  # message too big


async def test_flooding_is_told_to_slow_down_and_then_closed(served, codes) -> None:
    _, url = served
    blue = await Client.join(url, codes["blue"])
    for _ in range(80):
        await blue.send(type="ping")
    replies = []
    with pytest.raises(ConnectionClosed):
        while True:
            replies.append(await blue.recv())
    slow = [r for r in replies if r["type"] == "error"]
    assert slow and all("slow down" in r["detail"] for r in slow)
    assert sum(r["type"] == "pong" for r in replies) >= 30
    assert blue.ws.close_code == ABUSE


async def test_a_command_told_to_slow_down_is_named_so_its_sender_knows(served, codes) -> None:
    """A client waits for the answer to each command by its id: a refusal for speed must carry
    it, or the sender waits forever (benchmarks/net.py did, at its 41st quick command)."""
    _, url = served
    fac = await Client.join(url, codes["facilitator"])
    for i in range(60):
        await fac.send(type="command", id=f"n{i}", command={"type": "note", "text": f"note {i}"})
    answered: set[str] = set()
    with contextlib.suppress(TimeoutError, ConnectionClosed):
        while len(answered) < 60:
            msg = await fac.recv(2)
            if msg["type"] in ("ack", "error"):
                assert "id" in msg, msg
                answered.add(msg["id"])
    slow = [m for m in fac.received if m["type"] == "error"]
    assert slow and all(m["id"].startswith("n") for m in slow)


async def test_a_role_may_send_only_its_own_commands(served, codes, rec) -> None:
    _, url = served
    fac = await Client.join(url, codes["facilitator"])
    blue = await Client.join(url, codes["blue"])
    spectator = await Client.join(url, codes["spectator"])
    assert (await fac.command("f1", Start()))["accepted"]
    assert (await fac.command("f2", Advance()))["accepted"]
    assert (await fac.command("f3", Advance()))["accepted"]  # orders
    before = lines(rec)
    refused = [
        (blue, SubmitOrders(team="red", orders=()), "only for itself"),
        (blue, Advance(), "only the facilitator may advance"),
        (blue, Override(value="tension", of=("blue", "red"), to=0, reason="r"), "only the facilitator"),
        (blue, End(reason="bored"), "only the facilitator may end"),
        (fac, SubmitOrders(team="blue", orders=()), "does not act for a team"),
        (spectator, Note(text="hi"), "spectators watch"),
        (spectator, SubmitOrders(team="blue", orders=()), "spectators watch"),
    ]
    for i, (client, command, reason) in enumerate(refused):
        ack = await client.command(f"r{i}", command)
        assert ack["type"] == "ack" and ack["accepted"] is False, command
        assert reason in ack["reason"], (command, ack)
    assert lines(rec) == before
    assert rec.state.orders == {}
    # A command the engine refuses is acknowledged as refused, with the engine's reason.
    ack = await blue.command("b1", Propose(team="blue", order=_any_call(rec)))
    assert ack["accepted"] is False and ack["reason"]
    assert lines(rec) == before


async def test_a_command_the_engine_trips_on_changes_nothing_and_the_host_goes_on(
    served, codes, rec: RecordedSession, monkeypatch
) -> None:
    _, url = served
    fac = await Client.join(url, codes["facilitator"])
    before = lines(rec)

    def trip(command):  # type: ignore[no-untyped-def]
        raise TypeError("a bug in the engine")

    monkeypatch.setattr(rec.session, "decide", trip)
    ack = await fac.command("f1", Start())
    assert ack["accepted"] is False and "nothing changed" in ack["reason"]
    monkeypatch.undo()
    assert lines(rec) == before
    assert (await fac.command("f2", Start()))["accepted"]


async def test_a_connection_that_stops_reading_holds_up_no_one(served, codes, monkeypatch) -> None:
    host, url = served
    monkeypatch.setattr(host_module, "SEND_WITHIN", 0.3)
    fac = await Client.join(url, codes["facilitator"])
    stuck = await Client.join(url, codes["red"])
    blue = await Client.join(url, codes["blue"])
    (server_side,) = [ws for ws, seat in host._seats.items() if seat.role == "red"]

    async def never(message: str) -> None:  # its buffers are full: a send waits for ever
        await asyncio.Event().wait()

    monkeypatch.setattr(server_side, "send", never)
    start = time.monotonic()
    assert (await fac.command("f1", Start()))["accepted"]
    assert (await blue.recv())["type"] == "update"
    assert time.monotonic() - start < 2
    assert await closed(stuck.ws) is not None  # cut off; it may reconnect and be welcomed afresh
    assert (await fac.command("f2", Advance()))["accepted"]
    assert (await blue.recv())["view"]["phase"] == "communications"
    again = await Client.join(url, codes["red"])
    assert again.welcome["view"]["phase"] == "communications"


def _any_call(rec: RecordedSession):  # type: ignore[no-untyped-def]
    """A communications move blue could make (in the orders phase it is refused)."""
    from detente.engine.state import Order

    return Order(move="hotline_call", target="red")


# -- a command applied once ----------------------------------------------------------------------


async def test_a_retried_command_id_is_applied_once_even_after_a_restart(
    rec: RecordedSession, codes, tmp_path: Path
) -> None:
    host = Host(rec, codes)
    async with host.serving() as url:
        fac = await Client.join(url, codes["facilitator"])
        first = await fac.command("start-1", Start())
        again = await fac.command("start-1", Start())
        assert first == again == {"v": 2, "type": "ack", "id": "start-1", "accepted": True}
        note = await fac.command("note-1", Note(text="once"))
        assert note["accepted"]
        # Another facilitator connection retrying the same id (a reconnect) gets the same ack.
        fac2 = await Client.join(url, codes["facilitator"])
        assert await fac2.command("note-1", Note(text="once")) == note
    rec.close()
    kinds = [r["command"]["type"] for r in read_log(rec.path).records if r["kind"] == "command"]
    assert kinds == ["start", "note"]
    with RecordedSession.resume(rec.path) as resumed:
        async with Host(resumed, codes).serving() as url:
            fac = await Client.join(url, codes["facilitator"])
            assert await fac.command("note-1", Note(text="once")) == note
            assert (await fac.command("note-2", Note(text="twice")))["accepted"]
    kinds = [r["command"]["type"] for r in read_log(rec.path).records if r["kind"] == "command"]
    assert kinds == ["start", "note", "note"]


# -- a turn played by everyone at once, and what each was told ----------------------------------


def _call_for(rec: RecordedSession, team: str) -> Order | None:
    """A random call, request or offer that leaves the team an action for its orders."""
    ruleset, state = rec.session.ruleset, rec.state
    for seed in range(3, 53):
        order = random_proposal(state, team, ruleset, random.Random(seed))
        if order is not None and ruleset.moves[order.move].cost(state.numbers) < state.left(team):
            return order
    return None


def _orders_for(rec: RecordedSession, team: str) -> SubmitOrders:
    for seed in range(50):
        orders = random_orders(rec.state, team, rec.session.ruleset, random.Random(seed))
        if orders:
            return SubmitOrders(team=team, orders=orders)
    raise AssertionError(f"no orders for {team}")


def _private_texts(team: str) -> list[str]:
    """Sentences of every other team's private briefing, and their objectives."""
    scenario = load_scenario(STRAIT)
    found = []
    for a in scenario.actors:
        if a.id != team:
            found += [s.strip() for s in re.split(r"[.\n]", a.briefing) if len(s.strip()) > 25]
    return found + [o.text for o in scenario.objectives if o.actor != team]


async def test_a_full_turn_played_at_once_tells_each_role_only_what_replay_shows_it(
    served, codes, rec: RecordedSession
) -> None:
    _, url = served
    clients = {role: await Client.join(url, codes[role]) for role in ROLES}
    fac = clients["facilitator"]
    assert (await fac.command("f-start", Start()))["accepted"]
    assert (await fac.command("f-comms", Advance()))["accepted"]
    # Calls placed at the same moment by every team (each leaving room for orders).
    calls = {t: _call_for(rec, t) for t in TEAMS}
    acks = await asyncio.gather(*(
        clients[t].command(f"{t}-call", Propose(team=t, order=calls[t])) for t in TEAMS if calls[t]
    ))
    assert all(a["type"] == "ack" for a in acks)
    assert (await fac.command("f-note", Note(text="NOTE-FOR-THE-FACILITATOR-ONLY")))["accepted"]
    override = Override(value="tension", of=("blue", "red"), to=55, reason="REASON-FOR-THE-FACILITATOR-ONLY",
                        public="a public cause")
    assert (await fac.command("f-override", override))["accepted"]
    assert (await fac.command("f-orders", Advance()))["accepted"]
    sealed = {t: _orders_for(rec, t) for t in TEAMS}
    acks = await asyncio.gather(*(clients[t].command(f"{t}-orders", sealed[t]) for t in TEAMS))
    assert [a["accepted"] for a in acks] == [True, True, True]
    assert (await fac.command("f-adjudicate", Advance()))["accepted"]
    in_review = {t: len(clients[t].received) for t in TEAMS}
    assert (await fac.command("f-publish", Advance()))["accepted"]
    assert rec.state.phase == "debrief"
    for client in clients.values():
        await client.drain()

    events = [{k: v for k, v in r.items() if k != "sha256"}
              for r in read_log(rec.path).records if r["kind"] != "command"]
    scenario = load_scenario(STRAIT)
    for role, client in clients.items():
        as_role = "public" if role == "spectator" else role
        # Only the roles that see every line are told each event's line in the log.
        told = events if role in SEES_ALL else [{k: v for k, v in e.items() if k != "seq"} for e in events]
        want = json.loads(json.dumps(timeline(told, as_role, scenario)))
        assert client.timeline() == want, role
        last = [m for m in client.received if m["type"] == "update"][-1]
        assert view_from_dict(last["view"], TRACKS) == view_from_dict(
            json.loads(json.dumps(_view_dict(rec, as_role))), TRACKS)
        if role == "facilitator":
            continue
        text = json.dumps([client.welcome, *client.received], ensure_ascii=False)
        for secret in ("NOTE-FOR-THE-FACILITATOR-ONLY", "REASON-FOR-THE-FACILITATOR-ONLY", '"kind":"roll"'):
            assert secret not in text, (role, secret)
        for team, word in CODEWORDS.items():
            assert (word in text) == (team == role), (role, word)
        for secret in _private_texts(role):
            assert secret not in text, (role, secret[:50])
        for msg in [client.welcome, *client.received]:
            for e in msg.get("events", msg.get("timeline", [])):
                assert not (e["kind"] == "orders" and e["team"] != role), (role, e)
            if "view" in msg:
                assert set(msg["view"]["orders"]) <= {role}
        if role in TEAMS:
            # While the facilitator reviewed the adjudication, no result reached the team.
            before_publish = json.dumps(client.received[:in_review[role]])
            assert '"kind":"move"' not in before_publish.replace(" ", "")


def _view_dict(rec: RecordedSession, role: str) -> dict[str, Any]:
    from detente.engine.views import view
    from detente.net.protocol import view_to_dict

    return view_to_dict(view(rec.state, role, rec.session.ruleset.ladder))


# -- a host killed mid-turn ----------------------------------------------------------------------


async def test_a_restarted_host_welcomes_back_with_every_acknowledged_command(
    rec: RecordedSession, codes
) -> None:
    async with Host(rec, codes).serving() as url:
        fac = await Client.join(url, codes["facilitator"])
        blue = await Client.join(url, codes["blue"])
        for i, command in enumerate((Start(), Advance(), Advance())):
            assert (await fac.command(f"f{i}", command))["accepted"]
        orders = _orders_for(rec, "blue")
        assert (await blue.command("b-orders", orders))["accepted"]
    rec.close()  # the host is gone mid-turn; its log is closed and unlocked
    with RecordedSession.resume(rec.path) as resumed:
        async with Host(resumed, codes).serving() as url:
            blue = await Client.join(url, codes["blue"])
            v = view_from_dict(blue.welcome["view"], TRACKS)
            assert (v.phase, v.orders) == ("orders", {"blue": orders.orders})
            assert next(a for a in v.actors if a.id == "blue").submitted
            red = await Client.join(url, codes["red"])
            assert view_from_dict(red.welcome["view"], TRACKS).orders == {}
            ack = await blue.command("b-orders", orders)  # its retry after the restart
            assert ack == {"v": 2, "type": "ack", "id": "b-orders", "accepted": True}
            assert (await red.command("r-orders", _orders_for(resumed, "red")))["accepted"]
            update = await blue.recv()  # red's sealing reaches blue as "red has submitted"
            assert update["type"] == "update"
            assert next(a for a in update["view"]["actors"] if a["id"] == "red")["submitted"]


async def test_the_first_update_after_an_ack_shows_the_command_while_the_room_is_busy(
    served, codes, monkeypatch
) -> None:
    """Updates are made while other commands come in; one made before a connection's own
    command must not reach it after that command's ack (a client reads the update after its
    ack as the state its command made)."""
    host, url = served
    made = host._view

    def slow(role: str) -> dict[str, Any]:  # a big room: the other roles' views take a while
        if role != "facilitator":
            until = time.perf_counter() + 0.003
            while time.perf_counter() < until:
                pass
        return made(role)

    monkeypatch.setattr(host, "_view", slow)
    fac = await Client.join(url, codes["facilitator"])
    assert (await fac.command("s", Start()))["accepted"]
    assert (await fac.command("a", Advance()))["accepted"]
    watching = [await Client.join(url, codes[r]) for r in (*TEAMS, "spectator")]
    second = await Client.join(url, codes["facilitator"])  # a second laptop, busy with notes
    for c in [fac, *watching, second]:
        await c.drain(0.1)

    async def chatter() -> None:
        for i in range(40):
            assert (await second.command(f"x{i}", Note(text="x")))["accepted"]

    async def notes() -> None:
        for i in range(25):
            text = f"note {i}"
            ack = await fac.command(f"n{i}", Note(text=text))
            assert ack["accepted"]
            seen = json.dumps(fac.timeline())
            while text not in seen:
                msg = await fac.recv()
                assert msg["type"] != "update" or text in json.dumps(fac.timeline()), (
                    f"an update after the ack of {text!r} does not show it")
                seen = json.dumps(fac.timeline())

    await asyncio.gather(notes(), chatter())
    await asyncio.gather(*(c.drain(0.2) for c in [fac, *watching, second]))  # so they can close
