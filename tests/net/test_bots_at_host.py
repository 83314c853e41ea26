"""`detente serve --bot TEAM=POLICY` (issue 10): bots play some seats at the host while people
join the others. A bot's seat has no code, acts as soon as the phase lets it, through the same
logged commands, and the facilitator is never left waiting for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from wire import Client

from detente.engine.bots import parse_bot_specs
from detente.engine.commands import Advance, Start, SubmitOrders
from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.recorder import RecordedSession
from detente.net.codes import new_codes
from detente.net.host import Host

STRAIT = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"


async def test_bots_play_their_seats_and_the_facilitator_waits_only_for_people(tmp_path: Path) -> None:
    scenario = load_scenario(STRAIT)
    bots = parse_bot_specs(["red=hawk", "green=dove"], scenario)
    with RecordedSession.create(scenario, tmp_path / "s.jsonl") as rec:
        host = Host(rec, {}, bots=bots)
        assert host.roles() == ["blue", "facilitator", "evaluator", "spectator"]  # no code for a bot's seat
        host.codes = new_codes(host.roles())
        async with host.serving() as url:
            fac = await Client.join(url, host.codes["facilitator"])
            assert sorted(fac.welcome["bots"]) == ["green", "red"]
            blue = await Client.join(url, host.codes["blue"])
            for i, command in enumerate((Start(), Advance(), Advance())):  # to the orders
                assert (await fac.command(f"f{i}", command))["accepted"]
            await fac.drain()
            # The bots sealed their orders the moment the phase began: only Azuria is awaited.
            waiting = [m for m in fac.received if m["type"] == "update"][-1]["waiting"]
            assert waiting == ["blue"]
            assert (await blue.command("b1", SubmitOrders(team="blue", orders=())))["accepted"]
            await blue.drain()
    sealed = [r["command"]["team"] for r in read_log(tmp_path / "s.jsonl").records
              if r["kind"] == "command" and r["command"]["type"] == "orders"]
    assert sorted(sealed) == ["blue", "green", "red"]


def test_a_bot_and_a_code_for_one_seat_are_refused(tmp_path: Path) -> None:
    scenario = load_scenario(STRAIT)
    bots = parse_bot_specs(["red=hawk"], scenario)
    log = tmp_path / "s.jsonl"
    with RecordedSession.create(scenario, log) as rec, pytest.raises(ValueError, match="bot"):
        Host(rec, {"red": "X"}, bots=bots)


def test_serve_bot_prints_no_code_for_the_bots_seat(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "detente.tui.cli", "serve", "strait_standoff", "--headless", "--port", "0",
         "--bot", "red=hawk", "--log", "s.jsonl"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    out = []
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            out.append(line)
            if line.startswith("Serving."):
                break
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
    text = "".join(out)
    assert "played by the hawk bot" in text
    red = [line for line in out if line.split()[:1] == ["red"]]
    assert len(red) == 1 and "bot" in red[0], red
    bad = subprocess.run([sys.executable, "-m", "detente.tui.cli", "serve", "strait_standoff", "--headless",
                          "--bot", "purple=hawk", "--log", "t.jsonl"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=30)
    assert bad.returncode != 0 and "--bot" in bad.stderr and "Traceback" not in bad.stderr
