"""One writer per log: a second writer is refused at once and told who holds the log; a killed
writer's lock never blocks the next one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from detente.engine.loader import load_scenario
from detente.engine.log import LogError, LogWriter, read_log
from detente.engine.orders import load_script, next_command
from detente.engine.recorder import RecordedSession, verify

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
STRAIT_ORDERS = ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml"


def started(path: Path, commands: int = 6) -> Path:
    script = load_script(STRAIT_ORDERS)
    with RecordedSession.create(load_scenario(STRAIT), path) as rec:
        for _ in range(commands):
            assert rec.apply(next_command(rec.state, script)).accepted  # type: ignore[arg-type]
    return path


def test_a_second_writer_is_refused_and_told_who_holds_the_log(tmp_path: Path) -> None:
    path = started(tmp_path / "s.jsonl")
    with RecordedSession.resume(path):
        with pytest.raises(LogError) as caught:
            RecordedSession.resume(path)
        message = str(caught.value)
        assert f"pid {os.getpid()} on " in message
        assert "is being written by another Détente" in message
        assert (tmp_path / ".s.jsonl.lock").exists()
    assert not (tmp_path / ".s.jsonl.lock").exists()  # released and tidied on close
    with RecordedSession.resume(path):  # and free again
        pass


def test_a_new_log_is_locked_from_its_first_byte(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    with (
        RecordedSession.create(load_scenario(STRAIT), path),
        pytest.raises(LogError, match="another Détente"),
    ):
        LogWriter.resume(path)


def test_two_writers_taking_turns_leave_a_log_that_reads_and_verifies(tmp_path: Path) -> None:
    path = started(tmp_path / "s.jsonl")
    script = load_script(STRAIT_ORDERS)
    refused = 0
    for _ in range(10):
        with RecordedSession.resume(path) as rec:
            try:
                RecordedSession.resume(path)
            except LogError:
                refused += 1
            cmd = next_command(rec.state, script)
            if cmd is not None:
                rec.apply(cmd)
    assert refused == 10
    assert verify(path) == []


HOLD = """
import sys, time
from detente.engine.recorder import RecordedSession
rec = RecordedSession.resume(sys.argv[1])
print("holding", flush=True)
time.sleep(60)
"""


def test_a_killed_writer_does_not_block_and_a_live_one_is_named(tmp_path: Path) -> None:
    path = started(tmp_path / "s.jsonl")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), "--marker"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(LogError) as caught:
            RecordedSession.resume(path)
        assert f"pid {holder.pid} on " in str(caught.value)
        assert "--marker" in str(caught.value)  # the holder's command line
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
    finally:
        if holder.poll() is None:
            holder.kill()
    assert (tmp_path / ".s.jsonl.lock").exists()  # the killed writer's note is left behind ...
    start = time.monotonic()
    with RecordedSession.resume(path):  # ... and does not block
        assert time.monotonic() - start < 5
    assert read_log(path).records
