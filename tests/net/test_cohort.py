"""Several syndicates under one host (issue 14): N sessions of one scenario behind one port,
each with its own log, codes, clock and bots. A code alone opens one syndicate's seat; a
connection hears only its own syndicate — checked over every message of a three-syndicate
session."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from wire import Client, closed

from detente.engine.commands import (
    SEES_ALL,
    AddInject,
    Advance,
    Clock,
    End,
    Note,
    Override,
    Propose,
    Respond,
    Say,
    Start,
    SubmitOrders,
    TeamNote,
)
from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.recorder import RecordedSession
from detente.engine.state import Order
from detente.engine.views import timeline, view
from detente.net.codes import normalise
from detente.net.cohort import CohortHost
from detente.net.host import ABUSE, Host
from detente.net.remote import RemoteClient, join_cohort

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
STRAIT = SCENARIOS / "strait_standoff.toml"
TEAMS = ("blue", "red", "green")
ROLES = (*TEAMS, "facilitator", "evaluator", "spectator")


@pytest.fixture
def recs(tmp_path: Path) -> Iterator[list[RecordedSession]]:
    scenario = load_scenario(STRAIT)
    made = [RecordedSession.create(scenario, tmp_path / f"w-s{k}.jsonl") for k in (1, 2, 3)]
    yield made
    for rec in made:
        rec.close()


@pytest.fixture
async def cohort(recs: list[RecordedSession]) -> AsyncIterator[tuple[CohortHost, str]]:
    made = CohortHost([Host(rec, {}) for rec in recs])
    made.deal_codes()
    async with made.serving() as url:
        yield made, url


def _every_code(cohort: CohortHost) -> list[str]:
    return [*cohort.codes.values(), *(c for h in cohort.hosts for c in h.codes.values())]


async def test_every_code_is_unique_and_opens_its_own_syndicate_and_role(cohort) -> None:
    made, url = cohort
    codes = _every_code(made)
    assert len(codes) == 3 * len(ROLES) + 2 and len(set(map(normalise, codes))) == len(codes)
    for host in made.hosts:
        assert set(host.codes) == set(ROLES)
        for role, code in host.codes.items():
            client = await Client.join(url, code.lower().replace("-", " "))  # as typed
            w = client.welcome
            assert (w["type"], w["role"], w["syndicate"]) == ("welcome", role, host.syndicate)
            assert w["log"] == os.path.basename(host.recorded.path)
            await client.ws.close()
    assert [h.syndicate for h in made.hosts] == ["Syndicate 1", "Syndicate 2", "Syndicate 3"]
    # A command from one syndicate's seat lands in that syndicate's log and no other.
    fac2 = await Client.join(url, made.hosts[1].codes["facilitator"])
    assert (await fac2.command("s", Start()))["accepted"]
    assert [len(read_log(h.recorded.path).records) > 0 for h in made.hosts] == [False, True, False]


async def test_a_wrong_code_is_refused_as_by_a_host_of_one(cohort) -> None:
    _, url = cohort
    async with connect(url) as ws:
        await ws.send(json.dumps({"v": 2, "type": "hello", "code": "7WQ3-M0KD-1100"}))
        assert json.loads(await ws.recv())["error"] == "bad-code"
        assert await closed(ws) == ABUSE


async def test_a_cohort_code_answers_with_each_syndicates_code_for_its_role(cohort) -> None:
    made, url = cohort
    for role in ("facilitator", "spectator"):
        async with connect(url) as ws:
            await ws.send(json.dumps({"v": 2, "type": "hello", "code": made.codes[role]}))
            answer = json.loads(await ws.recv())
            assert answer == {"v": 2, "type": "cohort", "role": role, "syndicates": [
                {"name": h.syndicate, "code": h.codes[role], "log": os.path.basename(h.recorded.path)}
                for h in made.hosts]}
            assert await closed(ws) == 1000
    # The network client joins every syndicate with its code, one connection each.
    answer = await asyncio.to_thread(RemoteClient(url, made.codes["facilitator"]).join)
    joined = await asyncio.to_thread(join_cohort, answer)
    try:
        assert [(name, c.joined, c.syndicate) for name, c in joined] == [
            (h.syndicate, "facilitator", h.syndicate) for h in made.hosts]
        assert "(Syndicate 2)" in joined[1][1].status()
    finally:
        for _, c in joined:
            await asyncio.to_thread(c.close)


def test_one_code_in_two_places_and_syndicates_of_two_scenarios_are_refused(tmp_path: Path) -> None:
    strait, forum = load_scenario(STRAIT), load_scenario(SCENARIOS / "regional_forum.toml")
    with RecordedSession.create(strait, tmp_path / "a.jsonl") as a, \
            RecordedSession.create(strait, tmp_path / "b.jsonl") as b, \
            RecordedSession.create(forum, tmp_path / "c.jsonl") as c:
        with pytest.raises(ValueError, match="every code opens one place"):
            CohortHost([Host(a, {"blue": "AAAA-BBBB"}), Host(b, {"red": "aaaa bbbb"})])
        with pytest.raises(ValueError, match="one scenario"):
            CohortHost([Host(a, {}), Host(c, {})])


# -- nothing crosses between syndicates ------------------------------------------------------------


async def _play_a_turn(k: int, host: Host, clients: dict[str, Client], secrets: dict[str, str]) -> None:
    """Syndicate ``k``'s turn, with words and numbers of its own at every level of privacy."""
    fac, blue, red = clients["facilitator"], clients["blue"], clients["red"]

    async def ok(client: Client, cid: str, command: Any) -> None:
        reply = await client.command(cid, command)
        assert reply.get("accepted"), (k, cid, reply)

    await ok(fac, "start", Start())
    await ok(fac, "clock", Clock("set", seconds=60 * k))  # each syndicate's own phase clock
    await ok(fac, "note", Note(text=secrets["note"]))
    await ok(fac, "inject", AddInject(title=secrets["inject"], text=secrets["inject"] + " for everyone"))
    await ok(fac, "override", Override(value="tension", of=("blue", "red"), to=30 + 7 * k,
                                       reason=secrets["reason"], public=secrets["public"]))
    await ok(blue, "notepad", TeamNote(team="blue", text=secrets["team"]))
    await ok(fac, "comms", Advance())
    await ok(blue, "call", Propose(team="blue", order=Order(move="hotline_call", target="red")))
    call = view(host.recorded.state, "facilitator").proposals[-1].id
    await ok(red, "answer", Respond(team="red", proposal=call, accept=True))
    await ok(blue, "line", Say(team="blue", proposal=call, text=secrets["line"]))
    await ok(fac, "orders", Advance())
    for t in TEAMS:
        await ok(clients[t], "sealed", SubmitOrders(team=t, orders=()))
    await ok(fac, "adjudicate", Advance())
    await ok(fac, "publish", Advance())
    if k == 3:
        await ok(fac, "end", End(reason=secrets["end"]))


async def test_nothing_crosses_between_three_syndicates(cohort) -> None:
    made, url = cohort
    secrets = {k: {what: f"{what.upper()}-OF-SYNDICATE-{k}-ONLY" for what in
                   ("note", "inject", "reason", "public", "team", "line", "end")} for k in (1, 2, 3)}
    seats = {k: {role: await Client.join(url, h.codes[role]) for role in ROLES}
             for k, h in enumerate(made.hosts, 1)}
    await asyncio.gather(*(_play_a_turn(k, h, seats[k], secrets[k]) for k, h in enumerate(made.hosts, 1)))
    for clients in seats.values():
        for client in clients.values():
            await client.drain(0.2)

    scenario = load_scenario(STRAIT)
    for k, host in enumerate(made.hosts, 1):
        others = [h for h in made.hosts if h is not host]
        # What is another syndicate's alone: its codes, its name, its log, its words.
        foreign = [*(c for h in others for c in h.codes.values()), *made.codes.values(),
                   *(h.syndicate for h in others), *(os.path.basename(h.recorded.path) for h in others),
                   *(text for j, words in secrets.items() if j != k for text in words.values())]
        events = [{key: v for key, v in r.items() if key != "sha256"}
                  for r in read_log(host.recorded.path).records if r["kind"] != "command"]
        for role, client in seats[k].items():
            messages = [client.welcome, *client.received]
            text = json.dumps(messages, ensure_ascii=False)
            for token in foreign:
                assert token not in text, (k, role, token)
            # Every event a seat was told is its own syndicate's, as replay of that log shows it.
            told = events if role in SEES_ALL else [{key: v for key, v in e.items() if key != "seq"}
                                                   for e in events]
            as_role = "public" if role == "spectator" else role
            assert client.timeline() == json.loads(json.dumps(timeline(told, as_role, scenario))), (k, role)
            assert {m.get("syndicate") for m in messages if m["type"] == "welcome"} == {host.syndicate}
            clocks = {m["view"]["clock"]["left"] for m in messages if m.get("view", {}).get("clock")}
            assert clocks == {60 * k}, (k, role, clocks)
        # What this syndicate said reached its own facilitator.
        fac = json.dumps([seats[k]["facilitator"].welcome, *seats[k]["facilitator"].received])
        assert secrets[k]["note"] in fac and secrets[k]["line"] in fac
    assert [h.recorded.state.ended for h in made.hosts] == [False, False, True]
