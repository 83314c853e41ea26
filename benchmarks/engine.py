"""The engine's speed figures, measured in one run on one core.

    python benchmarks/engine.py [--seconds S]

Prints one line per figure, exactly ``games_per_s: N``, ``replay_ratio: X`` and
``load_ratio: X``, followed by detail lines:

- games_per_s: full games of the largest bundled scenario, every team playing random
  legal orders through ``Session.apply`` (no log), per second; the median of 3 runs of
  ``--seconds`` each. Target ≥ 1,000.
- replay_ratio: rebuilding a session from a 100,000-event log (read, verify the hash
  chain, fold every event) against ``json.loads`` of its lines alone. Target ≤ 3.
- load_ratio: loading and checking a ~1 MB scenario against ``tomllib.loads`` of it
  alone. Target ≤ 2.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import tempfile
import time
import tomllib
from importlib.resources import files
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

from detente.engine.loader import load_scenario, load_scenario_text
from detente.engine.log import LogWriter
from detente.engine.randomplay import play_random_game, random_commands
from detente.engine.recorder import RecordedSession, make_header, replay
from detente.engine.session import Session, new_session


def _best(fn, repeat: int = 5, *, gc_paused: bool = False) -> float:  # type: ignore[no-untyped-def]
    """The fastest of ``repeat`` runs. Baselines run with the garbage collector paused, as
    the engine's bulk readers do, so a ratio compares the work and not the collector."""
    times = []
    for _ in range(repeat):
        gc.collect()
        if gc_paused:
            gc.disable()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        gc.enable()
    return min(times)


def largest_bundled() -> Path:
    paths = [Path(str(p)) for p in files("detente.scenarios").iterdir() if p.name.endswith(".toml")]
    return max(paths, key=lambda p: (len(load_scenario(p).actors), p.name))


def games_per_second(seconds: float) -> tuple[float, str]:
    path = largest_bundled()
    scenario = load_scenario(path)
    template = new_session(scenario)
    games = events = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        session = Session(scenario, template.ruleset, games, template.numbers)
        events += play_random_game(session, random.Random(games))
        games += 1
    elapsed = time.perf_counter() - start
    detail = (
        f"{games} games of {path.stem} ({len(scenario.actors)} actors) in {elapsed:.1f} s, "
        f"{events / games:.0f} events a game"
    )
    return games / elapsed, detail


def make_long_log(path: Path, events_wanted: int) -> int:
    """A log of one long random session, its endings switched off."""
    # A session of 100,000 events needs more than the bundled scenarios' few hundred a game:
    # a generated scenario of 16 actors at the longest turn limit the loader accepts.
    from make_big_scenario import make_big_scenario

    scenario = load_scenario_text(make_big_scenario(actors=16, injects=40, objectives=16), "long.toml")
    scenario = attrs.evolve(scenario, turns=attrs.evolve(scenario.turns, limit=200), endings=())
    template = new_session(scenario)
    numbers = {k: dict(v) for k, v in template.numbers.items()}
    numbers["end"].update(conflict_rung=11, fracture_floor=-1, deescalation_turns=10**9)
    numbers["crisis"]["tension"] = 10**6  # no crisis, so no crisis left to fail
    session = Session(scenario, template.ruleset, 1, numbers)
    rec = RecordedSession(session, LogWriter.create(path, make_header(session)))
    # The recorder fsyncs every command; building a benchmark log needs no such promise.
    real_fsync, os.fsync = os.fsync, lambda fd: None
    try:
        n = 0
        for cmd in random_commands(session, random.Random(1), max_commands=10**7):
            result = rec.apply(cmd)
            n += len(result.events) + 1  # type: ignore[union-attr]
            if n >= events_wanted:
                break
    finally:
        os.fsync = real_fsync
        rec.close()
    return n


def replay_ratio(tmp: Path) -> tuple[float, str]:
    path = tmp / "long.jsonl"
    n = make_long_log(path, 100_000)
    lines = path.read_text(encoding="utf-8").splitlines()

    def baseline() -> None:
        # Reading a log means keeping what was read: the parsed lines are kept, as replay keeps them.
        loads = json.loads
        kept = [loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
        assert len(kept) == len(lines)

    def full() -> None:
        replay(path)

    base = _best(baseline, gc_paused=True)
    rebuilt = _best(full)
    size = path.stat().st_size / 1e6
    return rebuilt / base, f"{n} records ({size:.1f} MB): replay {rebuilt:.2f} s, json.loads {base:.2f} s"


def load_ratio() -> tuple[float, str]:
    from make_big_scenario import make_big_scenario

    text = make_big_scenario()
    base = _best(lambda: tomllib.loads(text), gc_paused=True)
    full = _best(lambda: load_scenario_text(text, "big.toml"))
    return full / base, f"{len(text) / 1e6:.2f} MB scenario: load+validate {full:.3f} s, tomllib {base:.3f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=7.0, help="how long each of 3 runs plays games")
    args = parser.parse_args()
    details = []
    runs = sorted((games_per_second(args.seconds) for _ in range(3)), key=lambda r: r[0])
    gps, d = runs[1]  # the median of 3 runs
    print(f"games_per_s: {gps:.0f}", flush=True)
    d += f" (median of 3 runs: {', '.join(f'{g:.0f}' for g, _ in runs)})"
    details.append(d)
    with tempfile.TemporaryDirectory() as tmp:
        ratio, d = replay_ratio(Path(tmp))
    print(f"replay_ratio: {ratio:.2f}", flush=True)
    details.append(d)
    ratio, d = load_ratio()
    print(f"load_ratio: {ratio:.2f}", flush=True)
    details.append(d)
    for d in details:
        print(f"  {d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
