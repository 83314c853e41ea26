"""The workshop host's speed on loopback: 10 teams and 40 spectators through 20 turns.

    .venv/bin/python benchmarks/net.py [--turns 20] [--spectators 40]

A host runs as users run it (``detente serve --headless --codes F`` in its own process) on a
generated 10-team scenario (benchmarks/make_big_scenario.py). One process holds every client
(WebSocket, asyncio): the facilitator, one connection per team and the spectators. Each turn
the facilitator advances through the phases; in communications each team places a proposal
(a move from its ``moves``), in orders each team sends its sealed orders. Prints:

- rtt_p50_ms / rtt_p95_ms: a command sent to its ``ack`` received (every command: the teams'
  and the facilitator's). The host acknowledges after the log is fsynced. Target p95 < 25 ms.
  rtt_teams_p95_ms and rtt_facilitator_p95_ms split it (an advance runs the engine's turn).
- fanout_p50_ms / fanout_p95_ms: the facilitator's ``advance`` sent to the moment the last of
  the 50 team and spectator connections has the update showing the new phase.
- host_rss_mb: the host process's resident memory at the end (VmRSS; host_peak_rss_mb: VmHWM).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_big_scenario import make_big_scenario

from detente.net.protocol import VERSION

_PHASE = re.compile(r'"turn":(\d+),"label":"(?:[^"\\]|\\.)*","phase":"(\w+)"')


class Seat:
    """One connection: a reader task notes when each (turn, phase) first reaches it and resolves
    acks by id. Updates are parsed only when read (:attr:`view`, :attr:`moves`): one process
    plays 51 laptops here, and parsing every update at once would put this process's own work
    into the host's figures."""

    def __init__(self, ws: ClientConnection, welcome: dict[str, Any]) -> None:
        self.ws = ws
        self.welcome = welcome
        self._latest: dict[str, Any] = welcome
        self._raw: str | None = None
        self.acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.seen: dict[tuple[int, str], float] = {}  # (turn, phase) → when its update arrived
        self.n = 0
        self.last = 0.0
        self.sent_at = 0.0
        self.rtts: list[float] = []
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def join(cls, url: str, code: str) -> Seat:
        ws = await connect(url, max_size=None)
        await ws.send(json.dumps({"v": VERSION, "type": "hello", "code": code}))
        return cls(ws, json.loads(await ws.recv()))

    @property
    def view(self) -> dict[str, Any]:
        return self._parsed()["view"]

    @property
    def moves(self) -> list[dict[str, Any]]:
        return self._parsed()["moves"]

    def _parsed(self) -> dict[str, Any]:
        if self._raw is not None:
            self._latest, self._raw = json.loads(self._raw), None
        return self._latest

    async def _read(self) -> None:
        async for frame in self.ws:
            assert isinstance(frame, str)
            if frame.startswith(f'{{"v":{VERSION},"type":"update"'):
                now = time.perf_counter()
                m = _PHASE.search(frame, 0, 4000)
                assert m is not None, frame[:300]
                self.seen.setdefault((int(m[1]), m[2]), now)
                self._raw = frame
                continue
            msg = json.loads(frame)
            if msg["type"] in ("ack", "error") and msg.get("id") in self.acks:
                self.acks.pop(msg["id"]).set_result(msg)

    async def command(self, command: dict[str, Any], rtts: list[float]) -> dict[str, Any]:
        # The host allows a connection 20 messages a second (net/host.py RATE): a seat keeps
        # under it, as people do, so what is measured is the round trip, not the limit.
        wait = self.last + 1 / 18 - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        self.last = time.perf_counter()
        self.n += 1
        cid = f"c{self.n}"
        done: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.acks[cid] = done
        start = self.sent_at = time.perf_counter()
        await self.ws.send(json.dumps({"v": VERSION, "type": "command", "id": cid, "command": command}))
        ack = await asyncio.wait_for(done, 30)
        rtts.append(time.perf_counter() - start)
        self.rtts.append(rtts[-1])
        return ack


def _order(move: dict[str, Any]) -> dict[str, Any]:
    """An order for a legal move: its first choice for each argument."""
    order: dict[str, Any] = {"move": move["move"]}
    for param, ids in move["choices"].items():
        if ids:
            order[param] = [ids[0]] if param == "targets" else ids[0]
    return order


async def _until_seen(seats: list[Seat], key: tuple[int, str], within: float = 30.0) -> float:
    deadline = time.monotonic() + within
    while any(key not in s.seen for s in seats):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not every connection saw {key}")
        await asyncio.sleep(0.0005)
    return max(s.seen[key] for s in seats)


async def play(url: str, codes: dict[str, str], turns: int, spectators: int) -> dict[str, list[float]]:
    teams = [r for r in codes if r not in ("facilitator", "spectator")]
    fac = await Seat.join(url, codes["facilitator"])
    team_seats = {t: await Seat.join(url, codes[t]) for t in teams}
    watchers = [await Seat.join(url, codes["spectator"]) for _ in range(spectators)]
    audience = [*team_seats.values(), *watchers]
    rtts: list[float] = []
    fanouts: list[float] = []
    refused: list[str] = []

    async def advance(kind: str = "advance") -> None:
        before = set(fac.seen)
        ack = await fac.command({"type": kind}, rtts)
        start = fac.sent_at  # when the command left (after keeping under the rate limit)
        assert ack["accepted"], ack
        # The facilitator's own update follows its ack: it names the new (turn, phase).
        while not set(fac.seen) - before:
            await asyncio.sleep(0.0005)
        (key,) = set(fac.seen) - before
        fanouts.append(await _until_seen(audience, key) - start)

    await advance("start")
    played = 0
    for _ in range(turns):
        if fac.view.get("outcome"):
            break
        played += 1
        while fac.view["phase"] != "communications":
            await advance()
        for t, seat in team_seats.items():
            move = next((m for m in seat.moves if m["choices"]), None)
            if move is not None:
                order = _order(move)
                ack = await seat.command({"type": "propose", "team": t, "order": order}, rtts)
                if not ack.get("accepted"):
                    refused.append(ack.get("reason") or ack.get("detail"))
        await advance()  # → orders
        for t, seat in team_seats.items():
            orders: list[dict[str, Any]] = []
            forces: set[Any] = set()
            for m in seat.moves[:3]:
                o = _order(m)
                if o.get("force") in forces:
                    continue
                forces.add(o.get("force"))
                orders.append(o)
            ack = await seat.command({"type": "orders", "team": t, "orders": orders}, rtts)
            if not ack.get("accepted"):
                refused.append(ack.get("reason") or ack.get("detail"))
                ack = await seat.command({"type": "orders", "team": t, "orders": []}, rtts)
                assert ack["accepted"], ack
        await advance()  # → adjudication
        await advance()  # → debrief (published)
        if not fac.view.get("outcome"):
            await advance()  # → the next turn's briefing
    for s in [fac, *audience]:
        s.reader.cancel()
        await s.ws.close()
    return {"rtt": rtts, "fanout": fanouts, "refused": refused, "turns": played, "fac": fac.rtts,
            "outcome": fac.view.get("outcome")}


def _rss(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--spectators", type=int, default=40)
    parser.add_argument("--profile", metavar="PATH", help="run the host under cProfile, its stats to PATH")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scenario = folder / "ten.toml"
        # Alliances that hold together for 20 turns (the generator's fracture after about 9).
        big = make_big_scenario(actors=10, injects=60, objectives=20)
        text = re.sub(r"cohesion = \d+", "cohesion = 95", big)
        scenario.write_text(text)
        python = [sys.executable, *(["-m", "cProfile", "-o", args.profile] if args.profile else [])]
        cmd = [*python, "-m", "detente.tui.cli", "serve", str(scenario), "--headless", "--port", "0",
               "--codes", str(folder / "codes.toml"), "--log", str(folder / "s.jsonl")]
        host = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            assert host.stdout is not None
            for line in host.stdout:
                if line.startswith("Serving."):
                    break
            else:
                raise SystemExit(f"the host did not start: {host.stderr.read() if host.stderr else ''}")
            written = tomllib.loads((folder / "codes.toml").read_text())
            started = time.perf_counter()
            got = asyncio.run(play(written["url"], written["codes"], args.turns, args.spectators))
            took = time.perf_counter() - started
            rss, peak = _rss(host.pid)
        finally:
            host.terminate()
            host.communicate(timeout=30)
    print(f"turns_played: {got['turns']}" + (f" (the session ended: {got['outcome']['reason']})"
                                            if got["outcome"] else ""))
    print(f"commands: {len(got['rtt'])} ({len(got['refused'])} refused by the engine)")
    print(f"advances: {len(got['fanout'])}")
    print(f"seconds: {took:.1f}")
    print(f"rtt_p50_ms: {_pct(got['rtt'], 50):.1f}")
    print(f"rtt_p95_ms: {_pct(got['rtt'], 95):.1f}")
    team = [x for x in got["rtt"] if x not in set(got["fac"])]
    print(f"rtt_teams_p95_ms: {_pct(team, 95):.1f}")
    print(f"rtt_facilitator_p95_ms: {_pct(got['fac'], 95):.1f} (start and advance: the engine's turn work)")
    print(f"fanout_p50_ms: {_pct(got['fanout'], 50):.1f}")
    print(f"fanout_p95_ms: {_pct(got['fanout'], 95):.1f}")
    print(f"host_rss_mb: {rss:.1f}")
    print(f"host_peak_rss_mb: {peak:.1f}")


if __name__ == "__main__":
    main()
