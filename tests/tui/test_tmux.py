"""`detente play` in a real terminal: tests/tui/tmux_play.sh drives it through tmux."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("tmux_play.sh")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_play_a_turn_in_tmux() -> None:
    out = subprocess.run(
        ["bash", str(SCRIPT), sys.executable, "-m", "detente.tui.cli"],
        capture_output=True, text=True, timeout=180,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "tmux_play: ok" in out.stdout
