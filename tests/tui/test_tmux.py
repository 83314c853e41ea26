"""Détente in real 80x24 terminals, driven through tmux by the scripts beside this file:

- tmux_play.sh: a first-time facilitator plays two days of a three-team scenario hot-seat with
  only the keys the screens name, ends early with `e`, writes the reports from the end screen and
  reads them (no team's copy holds an override's reason);
- tmux_serve.sh: `serve --headless`, then a facilitator and three teams each `join` in their own
  window and play a day together, at once;
- tmux_serve_console.sh: `serve` with the facilitator console in the host's own terminal.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
@pytest.mark.parametrize("script", ["tmux_play", "tmux_serve", "tmux_serve_console"])
def test_a_real_terminal_session(script: str) -> None:
    out = subprocess.run(
        ["bash", str(HERE / f"{script}.sh"), sys.executable, "-m", "detente.tui.cli"],
        capture_output=True, text=True, timeout=400,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{script}: ok" in out.stdout
