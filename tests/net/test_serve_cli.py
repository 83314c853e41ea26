"""``detente serve --headless`` as a user runs it: codes printed and written privately, a client
joins with one, Ctrl+C stops it cleanly with the log closed and a line saying how to resume."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from websockets.asyncio.client import connect

from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.recorder import RecordedSession

CLI = [sys.executable, "-m", "detente.tui.cli"]


def _start(*args: str, cwd: Path) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen([*CLI, "serve", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out: list[str] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        out.append(line.rstrip("\n"))
        if line.startswith("Serving."):
            return proc, out
    proc.kill()
    raise AssertionError(f"the host did not start: {out} {proc.stderr.read() if proc.stderr else ''}")


async def _join_and_start(url: str, code: str) -> dict:
    async with connect(url) as ws:
        await ws.send(json.dumps({"v": 2, "type": "hello", "code": code}))
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome" and welcome["role"] == "facilitator"
        await ws.send(json.dumps({"v": 2, "type": "command", "id": "s1", "command": {"type": "start"}}))
        return json.loads(await ws.recv())


def test_serve_prints_and_writes_codes_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    proc, out = _start("strait_standoff", "--headless", "--port", "0", "--codes", "codes.toml",
                       "--log", "s.jsonl", cwd=tmp_path)
    try:
        codes_file = tmp_path / "codes.toml"
        assert stat.S_IMODE(os.stat(codes_file).st_mode) == 0o600
        written = tomllib.loads(codes_file.read_text())
        assert set(written["codes"]) == {"blue", "red", "green", "facilitator", "evaluator", "spectator"}
        assert written["url"].startswith("ws://127.0.0.1:") and f"URL: {written['url']}" in out
        for role, code in written["codes"].items():
            assert any(line.split()[:1] == [role] and line.endswith(code) for line in out), role
        ack = asyncio.run(_join_and_start(written["url"], written["codes"]["facilitator"]))
        assert ack == {"v": 2, "type": "ack", "id": "s1", "accepted": True}
    finally:
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Resume with: detente serve --resume s.jsonl --headless" in rest
    log = tmp_path / "s.jsonl"
    text = log.read_text()
    assert not any(code in text for code in written["codes"].values())  # codes never in the log
    assert [r["command"]["type"] for r in read_log(log).records if r["kind"] == "command"] == ["start"]
    RecordedSession.resume(log).close()  # the lock was released


def test_serve_resumes_a_log_and_never_writes_codes_over_a_log(tmp_path: Path) -> None:
    strait = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"
    RecordedSession.create(load_scenario(strait), tmp_path / "s.jsonl").close()
    before = (tmp_path / "s.jsonl").read_bytes()
    refused = subprocess.run([*CLI, "serve", "--resume", "s.jsonl", "--headless", "--port", "0",
                              "--codes", "s.jsonl"], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert refused.returncode == 1 and "session log" in refused.stderr
    assert (tmp_path / "s.jsonl").read_bytes() == before
    proc, out = _start("--resume", "s.jsonl", "--headless", "--port", "0", cwd=tmp_path)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert any("Setup" in line for line in out)


def test_a_host_reachable_from_other_machines_warns_that_nothing_is_encrypted(tmp_path: Path) -> None:
    proc, _ = _start("strait_standoff", "--headless", "--host", "0.0.0.0", "--port", "0", "--log", "s.jsonl",
                     cwd=tmp_path)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert "not encrypted" in err
