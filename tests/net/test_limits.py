"""The host's limits: at most so many connections at once, and so many from one address that have
not yet given a good code; one more is told politely to try again later (close 1013), and a
place freed is a place taken again."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from wire import Client, closed

from detente.engine.loader import load_scenario
from detente.engine.recorder import RecordedSession
from detente.net import host as host_module
from detente.net.codes import new_codes
from detente.net.host import TRY_AGAIN, Host

STRAIT = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"
ROLES = ("blue", "red", "green", "facilitator", "spectator")


@pytest.fixture
def codes() -> dict[str, str]:
    return new_codes(ROLES)


@pytest.fixture
async def url(tmp_path: Path, codes) -> AsyncIterator[str]:
    with RecordedSession.create(load_scenario(STRAIT), tmp_path / "s.jsonl") as rec:
        async with Host(rec, codes).serving() as where:
            yield where


async def refused(where: str) -> tuple[int | None, str | None]:
    ws = await connect(where)
    code = await closed(ws)
    return code, ws.close_reason


def test_the_limits_are_200_in_all_and_20_waiting_per_address() -> None:
    assert (host_module.MAX_CONNECTIONS, host_module.MAX_UNJOINED, TRY_AGAIN) == (200, 20, 1013)


async def test_too_many_connections_without_a_code_from_one_address_are_turned_away(
    monkeypatch, codes, url
) -> None:
    monkeypatch.setattr(host_module, "MAX_UNJOINED", 2)
    waiting = [await connect(url), await connect(url)]
    assert await refused(url) == (TRY_AGAIN, "try again later")
    # Once one of them has joined, its place among the waiting is free again.
    await waiting[0].send(json.dumps({"v": 2, "type": "hello", "code": codes["blue"]}))
    assert json.loads(await waiting[0].recv())["type"] == "welcome"
    blue = await Client.join(url, codes["blue"])
    assert blue.welcome["role"] == "blue"
    for ws in waiting:
        await ws.close()


async def test_a_full_host_turns_away_one_more_and_takes_one_when_a_place_frees(
    monkeypatch, codes, url
) -> None:
    monkeypatch.setattr(host_module, "MAX_CONNECTIONS", 3)
    seated = [await Client.join(url, codes[r]) for r in ("blue", "red", "spectator")]
    assert await refused(url) == (TRY_AGAIN, "try again later")
    await seated[0].ws.close()
    await seated[0].ws.wait_closed()
    await asyncio.sleep(0.1)  # the host's side of the close
    again = await Client.join(url, codes["blue"])
    assert again.welcome["role"] == "blue"
