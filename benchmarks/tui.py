"""The terminal UI's speed figures.

    python benchmarks/tui.py

Prints one line per figure:

- cold_start_ratio: a fresh process to the first frame of ``detente play`` (the start
  screen), against a bare Textual app with one label, both headless. Target ≤ 1.5.
- repaint_p95_ms: key press to repaint on the facilitator console of a session holding
  about 1,000 events: the matrix key (m), which redraws the relations table, and the
  team chooser opened and closed (t, Escape), after which every panel refreshes.
  Target p95 < 50 ms.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import time, sys
t0 = float(sys.argv[1])
from textual.app import App
from textual.widgets import Label
class Bare(App):
    def compose(self):
        yield Label("hello")
    def on_mount(self):
        self.call_after_refresh(self.exit)
Bare().run(headless=True)
print(time.time() - t0)
"""

DETENTE = """
import time, sys
t0 = float(sys.argv[1])
from detente.tui.app import DetenteApp
from detente.tui.cli import bundled_scenarios
app = DetenteApp(scenarios=bundled_scenarios())
def first_frame():
    app.call_after_refresh(app.exit)
app.call_later(first_frame)
app.run(headless=True)
print(time.time() - t0)
"""


def cold_start(code: str, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code, repr(time.time())], capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def session_with_events(folder: Path, wanted: int = 1000):  # type: ignore[no-untyped-def]
    from detente.engine.loader import load_scenario
    from detente.engine.randomplay import random_commands
    from detente.tui.client import LocalClient

    root = Path(__file__).resolve().parents[1]
    client = LocalClient.new(
        load_scenario(root / "scenarios" / "regional_forum.toml"), folder / "b.jsonl", seed=3
    )
    rng = random.Random(3)
    for cmd in random_commands(client._rec.session, rng):
        client.apply(cmd)
        if len(client.timeline("facilitator")) >= wanted:
            break
    return client


async def repaint_times(client, presses: int = 60) -> list[float]:  # type: ignore[no-untyped-def]
    from detente.tui.app import DetenteApp
    from detente.tui.screens.console import ConsoleScreen

    app = DetenteApp(client=client)
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        for i in range(presses):
            t = time.perf_counter()
            if i % 2:
                await pilot.press("m")  # the relations matrix switches value
            else:
                await pilot.press("t", "escape")  # the team chooser opens and closes: a full refresh
            await pilot.pause()  # until the screen has processed the key and repainted
            times.append((time.perf_counter() - t) * 1000)
    return times


def main() -> int:
    bare = cold_start(BARE)
    ours = cold_start(DETENTE)
    print(f"cold_start_ratio: {ours / bare:.2f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        client = session_with_events(Path(tmp))
        n = len(client.timeline("facilitator"))
        times = asyncio.run(repaint_times(client))
        client.close()
    p95 = statistics.quantiles(times, n=20)[18]
    print(f"repaint_p95_ms: {p95:.1f}")
    print(f"  cold start: detente play {ours:.2f} s, bare Textual app {bare:.2f} s (median of 7, headless)")
    print(
        f"  repaint: {len(times)} key presses on a console holding {n} events; median "
        f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
