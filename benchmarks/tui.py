"""The terminal UI's speed figures.

    python benchmarks/tui.py

Prints one line per figure:

- cold_start_ratio: a fresh process to the first frame of ``detente play`` (the start
  screen), against a bare Textual app with one label, both headless. Target ≤ 1.5.
- repaint_p95_ms: key press to repaint on the facilitator console of a session holding
  at least 1,000 events: the matrix key (m), which redraws the relations table, and the
  team chooser opened and closed (t, then Escape, after which every panel refreshes). Each
  key is timed from the moment it reaches the app until the end of the first update of the
  screen that shows its result (the compositor's refresh), so Textual's test pilot's own
  idle-waiting (it sleeps in 20 ms slices until the process is idle) is not counted.
  Target p95 < 50 ms.
- settled_p95_ms: the same keys, until the last update they caused (the footer redraws its
  keys a little later when the focused screen changes).
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
from detente.tui.app.app import DetenteApp
from detente.tui.cli.common import bundled_scenarios
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
    """A session of the regional forum (five teams) played at random until it holds ``wanted``
    events, in a game long enough to get there."""
    import attrs

    from detente.engine.loader import load_scenario
    from detente.engine.randomplay import random_commands
    from detente.tui.app.client import LocalClient

    root = Path(__file__).resolve().parents[1]
    scenario = load_scenario(root / "scenarios" / "regional_forum.toml")
    scenario = attrs.evolve(scenario, turns=attrs.evolve(scenario.turns, limit=40))
    for seed in range(1, 200):
        client = LocalClient.new(scenario, folder / f"b{seed}.jsonl", seed=seed)
        for cmd in random_commands(client._rec.session, random.Random(seed)):
            client.apply(cmd)
            if len(client.timeline("facilitator")) >= wanted:
                return client
        client.close()
    raise RuntimeError(f"no random game reached {wanted} events")


async def repaint_times(client, presses: int = 60) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    from textual import events
    from textual.screen import Screen

    from detente.tui.app.app import DetenteApp
    from detente.tui.app.screens.console import ConsoleScreen

    refreshed: list[tuple[Screen, bool, float]] = []  # type: ignore[type-arg]
    original = Screen._compositor_refresh

    def timed_refresh(self: Screen) -> None:  # type: ignore[type-arg]
        drew = bool(self._layout_required or self._dirty_widgets)
        original(self)
        refreshed.append((self, drew, time.perf_counter()))

    Screen._compositor_refresh = timed_refresh  # type: ignore[method-assign]
    app = DetenteApp(client=client)
    first: list[float] = []
    settled: list[float] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ConsoleScreen)
            # m: the relations matrix switches value; t then Escape: the team chooser opens and
            # closes, after which every panel of the console refreshes.
            keys = ["m", "t", "escape"] * (presses // 3)
            for key in keys:
                refreshed.clear()
                event = events.Key(key, key if len(key) == 1 else None)
                event.set_sender(app)
                t = time.perf_counter()
                app._driver.send_message(event)  # type: ignore[union-attr]
                await pilot.pause()  # until the app is idle again
                shown = [at for screen, drew, at in refreshed if screen is app.screen and drew]
                first.append((shown[0] - t) * 1000)
                settled.append((refreshed[-1][2] - t) * 1000)
            assert isinstance(app.screen, ConsoleScreen)
    finally:
        Screen._compositor_refresh = original  # type: ignore[method-assign]
    return first, settled


def main() -> int:
    bare = cold_start(BARE)
    ours = cold_start(DETENTE)
    print(f"cold_start_ratio: {ours / bare:.2f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        client = session_with_events(Path(tmp))
        n = len(client.timeline("facilitator"))
        times, settled = asyncio.run(repaint_times(client))
        client.close()
    p95 = statistics.quantiles(times, n=20)[18]
    print(f"repaint_p95_ms: {p95:.1f}")
    print(f"settled_p95_ms: {statistics.quantiles(settled, n=20)[18]:.1f}")
    print(f"  cold start: detente play {ours:.2f} s, bare Textual app {bare:.2f} s (median of 7, headless)")
    print(
        f"  repaint: {len(times)} key presses on a console holding {n} events; median "
        f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
