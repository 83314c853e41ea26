"""Shared by the plain-words tests (issue 9): which ids a person must never read, which text people
wrote (taken out before a scan), and the scan itself; and the "broken" session — a call with two
pledges, one broken the same turn, an override and a note."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from detente.engine.commands import Command, Note, Override
from detente.engine.loader import load_scenario
from detente.engine.orders import next_command, parse_script
from detente.engine.recorder import RecordedSession
from detente.engine.scenario import Scenario
from detente.engine.state import State
from detente.tui.render.text import Names

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
EXAMPLES = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
PLEDGE_ID = re.compile(r"(?<![\w-])\d+-\d+-\d+(?![\w-])")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")

# A pledge made on a call and broken the same turn, an override and a note: the words a
# facilitator and the teams read of each.
BROKEN = """
[[turn]]
turn = 1
  [[turn.moves]]
  team = "blue"
  move = "hotline_call"
  target = "red"
  [[turn.answers]]
  team = "red"
  from = "blue"
  move = "hotline_call"
  accept = true
  transcript = [ { by = "blue", text = "Keep the strait quiet." } ]
  pledges = [ { by = "red", kind = "no_deployment", region = "strait", turns = 2 },
              { by = "blue", kind = "no_readiness_increase", turns = 2 } ]
  [turn.orders]
  red = [ { move = "deploy", force = "red-fleet", region = "strait" } ]
  blue = [ { move = "raise_readiness" } ]
"""


def play_broken(log: Path, stop: Callable[[State, Command], bool] | None = None) -> Path:
    """Play the broken session into ``log``: to its end, or up to the first command for which
    ``stop(state, command)`` holds (that command is not given)."""
    script = parse_script(BROKEN, "broken")
    extra: dict[tuple[int, str], list[Command]] = {
        (1, "orders"): [Override("tension", ("blue", "red"), 70, "a reason")],
        (1, "debrief"): [Note("a note")],
    }
    with RecordedSession.create(load_scenario(STRAIT), log) as rec:
        while True:
            for c in extra.pop((rec.state.turn, rec.state.phase), []):
                assert rec.apply(c).accepted
            cmd = next_command(rec.state, script)
            if cmd is None or (stop is not None and stop(rec.state, cmd)):
                break
            assert rec.apply(cmd).accepted
    return log


def forbidden(scenario: Scenario, ruleset: Any) -> dict[str, str]:
    """Each id a person must not read → what it is, where the id is not its own display text.
    Move and pledge-kind ids are checked where they cannot be an English word of a sentence
    (``hotline_call``, not ``deploy``: "deploy no forces" is a pledge's words)."""
    ids: dict[str, str] = {}

    def add(kind: str, pairs: Iterable[tuple[str, str]]) -> None:
        for i, shown in pairs:
            if i != shown and not re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", shown):
                ids[i] = kind

    add("actor", ((a.id, a.name) for a in scenario.actors))
    add("alliance", ((a.id, a.name) for a in scenario.alliances))
    add("region", ((r.id, r.name) for r in scenario.regions))
    add("force", ((f.id, f.name) for f in scenario.forces if f.name))
    add("objective", ((o.id, o.text) for o in scenario.objectives))
    add("inject", ((i.id, i.title) for i in scenario.injects))
    add("move", ((m.name, m.title) for m in ruleset.moves.values() if "_" in m.name))
    add("pledge kind", ((p.name, p.title) for p in ruleset.pledges.values() if "_" in p.name))
    add("outcome", [("turn-limit", Names.outcome_name("turn-limit"))])
    return ids


def written(scenario: Scenario, events: Iterable[Mapping[str, Any]]) -> list[str]:
    """Text people wrote (or typed: a condition), longest first (so that a text inside another
    goes after it)."""
    out = [scenario.scenario.summary, scenario.scenario.briefing, scenario.scenario.title]
    out += [a.briefing for a in scenario.actors]
    out += [t for i in scenario.injects for t in (i.title, i.text)]
    # An inject's condition is an expression the author typed, ids and all (the console's
    # inject table shows it as written).
    out += [i.when for i in scenario.injects if i.when]
    out += [o.text for o in scenario.objectives] + [e.reason for e in scenario.endings]
    for e in events:
        for key in ("text", "reason", "public"):
            if e["kind"] in ("message", "note", "inject", "override", "annul", "outcome") and e.get(key):
                out.append(str(e[key]))
        for o in e.get("orders", []) if e["kind"] == "orders" else [e.get("order", {})]:
            if o.get("text"):
                out.append(str(o["text"]))
    return sorted({t for t in out if t}, key=len, reverse=True)


def leaks(text: str, ids: Mapping[str, str], authored: Iterable[str]) -> list[str]:
    """Each raw id, pledge id or unfilled template in ``text`` once the ``authored`` text is out."""
    for t in authored:
        text = text.replace(t, " ")
    found = [f"{kind} id {i!r}" for i, kind in ids.items()
             if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    found += [f"pledge id {m!r}" for m in PLEDGE_ID.findall(text)]
    found += [f"template {m!r}" for m in PLACEHOLDER.findall(text)]
    return found
