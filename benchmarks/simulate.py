"""Dry-run speed: games per second on one core, and the speed-up with two processes.

    python benchmarks/simulate.py [--runs N] [--scenario NAME] [--bot TEAM=POLICY ...]

First prints ``bot_games_per_s: N``: runs of the largest bundled scenario (or ``--scenario``)
with every team a bot, the policies mixed (dove, hawk, tit-for-tat, random in turn over the
teams, unless ``--bot`` says), played in this process on one core: the median of 3 runs of
``N`` games. Target ≥ 300.

Plays the same ``N`` runs (every team a ``random`` bot unless ``--bot`` says otherwise, as
``detente simulate`` does) once with one job and once with two, through the same function
``detente simulate`` uses (process start-up included), and prints exactly
``games_per_s_1_job: N``, ``games_per_s_2_jobs: N`` and ``speedup_2_jobs: X``, then a detail line.
The two runs must give identical results; the script says so and fails if they do not.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from detente.engine.bots import parse_bot_specs
from detente.engine.loader import load_scenario
from detente.engine.simulate import play_runs
from detente.tui.cli.common import resolve_scenario
from detente.tui.cli.simulate import run_all
from engine import largest_bundled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--scenario", default="")
    parser.add_argument("--bot", action="append", default=[], metavar="TEAM=POLICY")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    path = resolve_scenario(args.scenario) if args.scenario else largest_bundled()
    scenario = load_scenario(path)
    mixed = ("dove", "hawk", "tit-for-tat", "random")
    specs = args.bot or [f"{t}={mixed[i % len(mixed)]}" for i, t in enumerate(scenario.actor_ids)]
    bots = parse_bot_specs(specs, scenario)
    names = {t: bots[t].name if t in bots else "random" for t in scenario.actor_ids}
    one_core = []
    for _ in range(3):
        start = time.perf_counter()
        play_runs(scenario, bots, seed=args.seed, runs=range(args.runs))
        one_core.append(args.runs / (time.perf_counter() - start))
    one_core.sort()
    print(f"bot_games_per_s: {one_core[1]:.1f}", flush=True)
    timings = {}
    results = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        results[jobs] = run_all(str(path), names, args.seed, args.runs, jobs)
        timings[jobs] = time.perf_counter() - start
    same = results[1] == results[2]
    print(f"games_per_s_1_job: {args.runs / timings[1]:.1f}")
    print(f"games_per_s_2_jobs: {args.runs / timings[2]:.1f}")
    print(f"speedup_2_jobs: {timings[1] / timings[2]:.2f}")
    bots_text = ", ".join(f"{t}={p}" for t, p in names.items())
    print(
        f"{args.runs} runs of {path.stem} ({bots_text}): in this process "
        f"{', '.join(f'{g:.0f}' for g in one_core)} games/s (3 runs); {timings[1]:.1f} s with 1 job, "
        f"{timings[2]:.1f} s with 2 (process start-up included); results identical: {same}"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
