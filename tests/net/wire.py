"""A WebSocket client for the host's tests: it keeps every message it receives."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from detente.engine.commands import Command, command_to_dict


class Client:
    """A WebSocket client that keeps every message it receives."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.received: list[dict[str, Any]] = []
        self.welcome: dict[str, Any] = {}

    @classmethod
    async def join(cls, url: str, code: str) -> Client:
        client = cls(await connect(url))
        await client.send(type="hello", code=code)
        client.welcome = await client.recv()
        return client

    async def send(self, **msg: Any) -> None:
        await self.ws.send(json.dumps({"v": 2, **msg}))

    async def recv(self, timeout: float = 5.0) -> dict[str, Any]:
        msg = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.received.append(msg)
        return msg

    async def command(self, cid: str, command: Command | dict[str, Any]) -> dict[str, Any]:
        """Send a command and read until its ack (or an error naming it)."""
        data = command if isinstance(command, dict) else command_to_dict(command)
        await self.send(type="command", id=cid, command=data)
        while True:
            msg = await self.recv()
            if msg["type"] in ("ack", "error") and msg.get("id") == cid:
                return msg

    async def drain(self, quiet: float = 0.3) -> None:
        """Read whatever else comes until nothing has for ``quiet`` seconds."""
        with pytest.raises((TimeoutError, ConnectionClosed)):
            while True:
                await self.recv(quiet)

    def timeline(self) -> list[Any]:
        """The timeline as this client was told it: the welcome's, then each update's new entries."""
        entries = list(self.welcome["timeline"])
        for msg in self.received:
            if msg["type"] == "update":
                entries += msg["events"]
        return entries


async def closed(ws: ClientConnection) -> int | None:
    """Wait for the host to close the connection; its close code."""
    with pytest.raises(ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), 5)
    return ws.close_code
