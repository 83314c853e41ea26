"""`detente play` in a real 80x24 terminal: tests/tui/tmux_play.sh plays two days of a three-team
scenario through tmux with only the keys the screens name, ends early with `e`, writes the
reports from the end screen and reads them (no team's copy holds an override's reason)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("tmux_play.sh")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_a_first_time_facilitator_plays_two_days_ends_early_and_writes_reports() -> None:
    out = subprocess.run(
        ["bash", str(SCRIPT), sys.executable, "-m", "detente.tui.cli"],
        capture_output=True, text=True, timeout=400,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "tmux_play: ok" in out.stdout


SERVE = Path(__file__).with_name("tmux_serve.sh")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_a_host_and_four_joined_terminals_play_a_day_together() -> None:
    out = subprocess.run(
        ["bash", str(SERVE), sys.executable, "-m", "detente.tui.cli"],
        capture_output=True, text=True, timeout=400,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "tmux_serve: ok" in out.stdout


CONSOLE = Path(__file__).with_name("tmux_serve_console.sh")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_serve_runs_the_console_in_its_own_terminal() -> None:
    out = subprocess.run(
        ["bash", str(CONSOLE), sys.executable, "-m", "detente.tui.cli"],
        capture_output=True, text=True, timeout=200,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "tmux_serve_console: ok" in out.stdout
