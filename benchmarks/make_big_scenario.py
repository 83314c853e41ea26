"""How long loading and checking a big (~1 MB) scenario takes, against tomllib alone.

    .venv/bin/python benchmarks/make_big_scenario.py [--write big.toml]

A facilitator's file is a few kilobytes; this one has 60 actors, every pair's relation,
thousands of injects with distinct conditions, and objectives, so that the cost of each
stage of the loader shows. The target is at most twice the time of ``tomllib.loads``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time
import tomllib
from collections.abc import Callable
from itertools import combinations
from typing import Any

from detente.engine import loader
from detente.engine.checks import ScenarioChecks, check_condition
from detente.engine.locate import field_lines
from detente.engine.structure import converter


def make_big_scenario(actors: int = 45, injects: int = 400, objectives: int = 160) -> str:
    """A valid scenario as TOML text, written the way a person would; by default a large one that
    stays within the loader's limits (docs/authoring.md, Limits: its 20,000 keys and items bind
    first, at about 45 actors with every pair's relation written out)."""
    ids = [f"state-{i:02d}" for i in range(actors)]
    regions = [f"region-{i:02d}" for i in range(actors // 2)]
    out = [
        '[scenario]\nid = "big"\ntitle = "A very big exercise"\nseed = 1\n'
        'briefing = """\nA long public briefing.\n"""\n\n'
        '[turns]\nlimit = 60\nlabel = "Day {turn}"\n\n'
        "[rules.overrides.defaults]\ntension = 25\ninformation = 0.4\n"
    ]
    for i, a in enumerate(ids):
        out.append(
            f'\n[[actors]]\nid = "{a}"\nname = "The State of {a.title()}"\n'
            f'colour = "#{(i * 40503) % 0xFFFFFF:06x}"\nbudget = {1 + i % 5}\n'
            f"readiness = {i % 5}\npressure = {(i * 7) % 101}\n"
            f'briefing = "Private briefing of {a}: keep your allies close and the strait open."\n'
        )
    for i in range(actors // 4):
        members = ", ".join(f'"{m}"' for m in ids[i * 4 : i * 4 + 4])
        out.append(f'\n[[alliances]]\nid = "bloc-{i}"\nname = "Bloc {i}"\nmembers = [{members}]\n'
                   f"cohesion = {50 + i}\n")  # fmt: skip
    for i, r in enumerate(regions):
        near = ", ".join(f'"{a}"' for a in ids[i * 2 : i * 2 + 2])
        out.append(f'\n[[regions]]\nid = "{r}"\nname = "Region {i}"\nnear = [{near}]\n'
                   f'description = "Waters and airspace between two states."\n')  # fmt: skip
    for i, a in enumerate(ids):
        for k, kind in enumerate(("naval", "air")):
            home = regions[(i + k) % len(regions)]
            out.append(f'\n[[forces]]\nid = "{a}-{kind}"\nowner = "{a}"\n'
                       f'home = "{home}"\nkind = "{kind}"\n')  # fmt: skip
    for n, (a, b) in enumerate(combinations(ids, 2)):
        out.append(f'\n[[relations]]\nbetween = ["{a}", "{b}"]\ntension = {n % 90}\n'
                   f"trust = {(n * 3) % 100}\ninformation = {(n % 10) / 10}\n")  # fmt: skip
        if n % 7 == 0:
            out.append(f"[relations.seen_by.{a}]\nthreat = {n % 100}\nanswer = 0.5\n")
    for n in range(injects):
        a, b = ids[n % actors], ids[(n * 7 + 1) % actors]
        if a == b:
            b = ids[(n + 1) % actors]
        out.append(f'\n[[injects]]\nid = "inject-{n}"\ntitle = "Event number {n}"\n'
                   f'text = "Something happens between {a} and {b}; both react."\n')  # fmt: skip
        if n % 2:
            out.append(f"turn = {1 + n % 60}\n")
        else:
            out.append(f"when = \"tension('{a}', '{b}') >= {n % 100} and turn >= {1 + n % 59}\"\n")
        out.append(f'to = ["{a}", "{b}"]\neffects = [\n'
                   f'  {{ value = "tension", of = ["{a}", "{b}"], add = {n % 11 - 5} }},\n'
                   f'  {{ value = "pressure", of = ["{a}"], add = 3 }},\n]\n')  # fmt: skip
    for n in range(objectives):
        a, b = ids[n % actors], ids[(n + 1) % actors]
        out.append(f'\n[[objectives]]\nid = "objective-{n}"\nactor = "{a}"\n'
                   f'text = "Keep {b} calm."\nwhen = "rung(\'{a}\', \'{b}\') < {3 + n % 7}"\n'
                   f'check = "end"\npoints = {1 + n % 3}\n')  # fmt: skip
    out.append("\n[[endings]]\nid = \"war\"\nwhen = \"tension('state-00', 'state-01') >= 95\"\n"
               'reason = "War between the first two."\noutcome = "conflict"\n')  # fmt: skip
    return "".join(out)


def best(f: Callable[[], Any], repeat: int = 7) -> float:
    """The fastest of ``repeat`` runs, in CPU seconds of this process (other work on the
    machine does not count), with the garbage collector paused: when it runs depends on
    what earlier runs left, which made the same measurement vary by a factor of two."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            t = time.process_time()
            f()
            times.append(time.process_time() - t)
        finally:
            gc.enable()
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", help="also write the scenario to this file")
    parser.add_argument("--profile", action="store_true", help="print the top of a profile")
    args = parser.parse_args()
    text = make_big_scenario()
    if args.write:
        with open(args.write, "w", encoding="utf-8") as f:
            f.write(text)
    data = tomllib.loads(text)
    s = loader.load_scenario_text(text)  # also proves it is valid

    parse = best(lambda: tomllib.loads(text))
    total = best(lambda: loader.load_scenario_text(text))
    structure = best(lambda: converter.structure(data, type(s)))
    checks = best(lambda: ScenarioChecks(data).run())
    ids = s.ids()
    sources = {i.when for i in s.injects if i.when} | {o.when for o in s.objectives}
    compiling = best(lambda: [check_condition(src, ids) for src in sources])
    lines = best(lambda: field_lines(text), repeat=1)

    kib = len(text.encode()) / 1024
    print(f"scenario: {kib:.0f} KiB, {len(s.actors)} actors, {len(s.relations)} relations, "
          f"{len(s.injects)} injects, {len(s.objectives)} objectives, "
          f"{len(sources)} distinct conditions")  # fmt: skip
    print(f"tomllib.loads alone         {parse * 1000:8.1f} ms")
    print(f"load_scenario_text (total)  {total * 1000:8.1f} ms   ratio {total / parse:.2f}x")
    print(f"  of which structure        {structure * 1000:8.1f} ms")
    print(f"  of which checks           {checks * 1000:8.1f} ms  (conditions included)")
    print(f"    of which conditions     {compiling * 1000:8.1f} ms")
    print(f"tomlkit lines (errors only) {lines * 1000:8.1f} ms")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(loader.load_scenario_text, text)
        pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
