"""Fuzz: mutated scenarios and orders files are loaded, linted and played — never a traceback,
never a hang, never a memory blow-up; every problem is one ``FILE:LINE: field: message`` line.

A seeded generator (case ``i`` is ``random.Random(i)``), so any failure names the case that
reproduces it. CI runs a couple of thousand cases on the small fixtures; more, on every bundled
scenario too, with ``DETENTE_FUZZ=10000 pytest tests/engine/test_fuzz_loader.py -s``.
"""

from __future__ import annotations

import os
import random
import resource
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from detente.engine.lint import lint_scenario
from detente.engine.loader import ScenarioError, load_scenario, load_scenario_text
from detente.engine.orders import ScriptError, next_command, parse_script
from detente.engine.randomplay import random_commands
from detente.engine.scenario import Scenario
from detente.engine.session import new_session

ROOT = Path(__file__).resolve().parents[2]
CASES = int(os.environ.get("DETENTE_FUZZ", "0")) or 3000
BIG = CASES > 3000
HANG_SECONDS = 5.0
MEMORY_LIMIT = 1 << 30  # bytes
PLAY_COMMANDS = 300 if BIG else 60

SCENARIOS = [ROOT / "tests" / "data" / "mini.toml", ROOT / "tests" / "data" / "valid.toml"]
if BIG:
    SCENARIOS += sorted((ROOT / "scenarios").glob("*.toml"))
ORDERS = ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml"

INTERESTING = [
    "[", "]", "{", "}", "[[", "]]", '"', "'", '"""', "'''", "=", ".", ",", "\n", "#", "\\",
    "\r\n", "\u2028", "\x00", "\ufeff", " = ", "true", "false", "nan", "inf", "-inf", "1e308",
    "-1e308", "1e-320", "-1", "0", "1.5", "9" * 25, "9" * 4400, "0x" + "f" * 40,
    "-9223372036854775809", "9223372036854775807", "1979-05-27T07:32:00Z", "[[actors]]\n",
    "[[injects]]\n", "[[relations]]\n", "[turns]\n", "[rules.overrides.perception]\n",
    "[rules.overrides.costs]\n", "[[turn]]\n", "[turn.orders]\n", "turn = 5\n",
    'when = "turn > 1"\n', "misperception_factor = 1e308\n", "deploy = -3\n",
    "a." * 40, "x = " + "[" * 40, "{ a = " * 20,
]
NUMBERS = ["0", "-1", "1", "2", "5", "11", "200", "201", "1000", "1e308", "-1e308", "0.5", "1.5",
           "-0.0", "nan", "inf", "9223372036854775807", "-9223372036854775808",
           "1" + "0" * 400, "0x7fffffffffffffff"]

VALUES = [*NUMBERS, "true", '"x"', '"bl\\nue"', "[]", "{}", '["blue", "red"]']


class Hang(Exception):
    """A case ran longer than HANG_SECONDS."""


@contextmanager
def watchdog(seconds: float) -> Iterator[None]:
    def ring(signum: int, frame: object) -> None:
        raise Hang(f"over {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def mutate(text: str, rng: random.Random) -> str:
    """One to three random changes to ``text``."""
    for _ in range(rng.randint(1, 3)):
        n = len(text)
        at = rng.randrange(n + 1)
        lines = text.split("\n")
        kind = rng.randrange(9)
        if kind == 0 and n:  # delete a span
            text = text[:at] + text[at + rng.randint(1, 40):]
        elif kind == 1:  # insert something that breaks parsers
            text = text[:at] + rng.choice(INTERESTING) + text[at:]
        elif kind == 2:  # replace a number
            starts = [i for i in range(1, n) if text[i].isdigit() and not text[i - 1].isalnum()]
            if starts:
                i = rng.choice(starts)
                j = i
                while j < n and (text[j].isalnum() or text[j] in "._+-"):
                    j += 1
                text = text[:i] + rng.choice(NUMBERS) + text[j:]
        elif kind == 3:  # repeat a line many times
            i = rng.randrange(len(lines))
            times = rng.choice([2, 3, 60, 600] + ([6000, 20000] if BIG else []))
            lines[i:i + 1] = [lines[i]] * times
            text = "\n".join(lines)
        elif kind == 4:  # swap two lines
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif kind == 5 and n:  # change one character
            text = text[:at] + chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x10FFFF)
                                               & 0xFFFF | 0x20])) + text[at + 1:]
        elif kind == 6:  # duplicate a block of lines
            i = rng.randrange(len(lines))
            j = min(len(lines), i + rng.randint(1, 12))
            lines[j:j] = lines[i:j]
            text = "\n".join(lines)
        elif kind == 7:  # nest a value deeply
            depth = rng.choice([3, 15, 17, 100, 1000])
            text = text[:at] + "[" * depth + "1" + "]" * depth + text[at:]
        else:  # a value of another kind
            i = rng.randrange(len(lines))
            if " = " in lines[i]:
                key = lines[i].split(" = ")[0]
                lines[i] = f"{key} = {rng.choice(VALUES)}"
                text = "\n".join(lines)
    return text


def check_problems(lines: list[str], path: str) -> None:
    for line in lines:
        assert "\n" not in line and "\r" not in line, line
        assert line.startswith(path), line
        assert len(line) < 1500, line


def play(scenario: Scenario, commands: Callable[[object], Iterator[object]]) -> None:
    session = new_session(scenario)
    for n, command in enumerate(commands(session)):
        session.apply(command)  # type: ignore[arg-type]
        if n >= PLAY_COMMANDS:
            break


OUTCOMES: dict[str, int] = {}
"""How the cases ended (refused, played …), to see that the mutations reach play."""


def scenario_case(rng: random.Random) -> None:
    base = rng.choice(SCENARIOS)
    text = mutate(base.read_text(encoding="utf-8"), rng)
    try:
        s = load_scenario_text(text, "fuzz.toml")
    except ScenarioError as e:
        assert e.problems
        check_problems(str(e).split("\n"), "fuzz.toml")
        OUTCOMES["scenario refused"] = OUTCOMES.get("scenario refused", 0) + 1
        return
    OUTCOMES["scenario played"] = OUTCOMES.get("scenario played", 0) + 1
    for w in lint_scenario(s, text, "fuzz.toml"):
        check_problems([str(w)], "fuzz.toml")
    play(s, lambda session: random_commands(session, random.Random(rng.random())))


_STRAIT: list[Scenario] = []


def orders_case(rng: random.Random) -> None:
    text = mutate(ORDERS.read_text(encoding="utf-8"), rng)
    try:
        script = parse_script(text, "orders.toml")
    except ScriptError as e:
        assert e.problems
        check_problems(e.problems, "orders.toml")
        OUTCOMES["orders refused"] = OUTCOMES.get("orders refused", 0) + 1
        return
    OUTCOMES["orders played"] = OUTCOMES.get("orders played", 0) + 1
    if not _STRAIT:
        _STRAIT.append(load_scenario(ROOT / "scenarios" / "strait_standoff.toml"))

    def scripted(session: object) -> Iterator[object]:
        while (command := next_command(session.state, script)) is not None:  # type: ignore[attr-defined]
            yield command

    play(_STRAIT[0], scripted)


def run_case(i: int) -> None:
    rng = random.Random(i)
    (orders_case if rng.random() < 0.25 else scenario_case)(rng)


def test_fuzz_mutated_scenarios_and_orders_files() -> None:
    failures: list[str] = []
    slowest = (0.0, -1)
    started = time.perf_counter()
    for i in range(CASES):
        t0 = time.perf_counter()
        try:
            with watchdog(HANG_SECONDS):
                run_case(i)
        except Exception:
            failures.append(f"case {i}: {traceback.format_exc(limit=-3)}")
        slowest = max(slowest, (time.perf_counter() - t0, i))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"\nfuzz: {CASES} cases in {time.perf_counter() - started:.1f} s, slowest case "
          f"{slowest[1]} {slowest[0]:.2f} s, peak memory {peak / 2**20:.0f} MB, "
          f"{len(failures)} failures; {OUTCOMES}")
    assert not failures, "\n".join(failures[:10])
    assert peak < MEMORY_LIMIT


@pytest.mark.parametrize("case", [0, 1, 2])
def test_a_case_is_reproducible_from_its_number(case: int) -> None:
    text = ORDERS.read_text(encoding="utf-8")
    assert mutate(text, random.Random(case)) == mutate(text, random.Random(case))
