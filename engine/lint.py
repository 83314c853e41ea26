"""Lint: what a scenario says that is legal but is probably not what its author meant.

The loader (:mod:`detente.engine.loader`) refuses what cannot be played. The linter finds what
can be played but will not do what was meant — an inject whose condition can never be true, an
objective no move can affect, a region nothing uses — and reports each warning in the loader's
``FILE:LINE: field: message`` form, with the rule's name at the end. ``detente validate
--strict`` prints them.

>>> from detente.engine.loader import EXAMPLE, load_scenario_text
>>> for w in lint_scenario(load_scenario_text(EXAMPLE), EXAMPLE, "example.toml"):
...     print(w)
example.toml:11: actors[0]: warning: blue has no objectives: nothing scores its play [no-objectives]
example.toml:15: actors[1]: warning: red has no objectives: nothing scores its play [no-objectives]

Whether a condition can ever be true, or is true whatever the teams do, is worked out in
:mod:`detente.engine.bounds`; the rules here turn its answers into warnings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from attrs import frozen

from detente.engine.bounds import Key, Ranges, call_text, calls, number
from detente.engine.loader import ruleset_numbers
from detente.engine.locate import FieldPath, field_lines, nearest_line
from detente.engine.problems import format_path
from detente.engine.ruleset import Ruleset, find_ruleset
from detente.engine.scenario import Scenario
from detente.engine.tracks import FACILITATOR_ONLY

__all__ = ["RULES", "LintWarning", "lint_scenario"]

RULES: dict[str, str] = {
    "never-true": "a condition (inject, objective or ending) that can never be true",
    "unreachable": "a scheduled inject that arrives after an ending always stops the exercise",
    "unaffected": "an objective whose condition reads only what no move and no inject changes",
    "no-objectives": "an actor a team plays with no objectives",
    "idle-bot": "a bot named for an actor a team plays (it plays only actors nobody sits at)",
    "unused": "a region or force that nothing uses",
    "same-as-ruleset": "a ruleset override equal to the ruleset's own number",
    "priced-out": "a move whose cost no team can pay: turn it off in [rules.moves] instead",
    "unused-track": "a value of the scenario's own ([[tracks]]) that no inject changes, or that no "
                    "condition reads and no team sees",
    "unused-draw": "a draw ([[draws]]) that no condition reads and no team learns",
    "idle-channel": "a slow channel ([[channels]]) on which no one at a seat or the console can write",
}
"""The lint rules, by the name printed at the end of each warning."""


@frozen
class LintWarning:
    """Something in a scenario that is allowed but probably a mistake."""

    path: str
    """The file (or ``"<scenario>"``)."""
    line: int | None
    """1-based line in the file; None when unknown."""
    field: str
    """The field path, ``injects[2].when``."""
    message: str
    """What looks wrong and why, in words for facilitators."""
    rule: str
    """The rule that found it: one of :data:`RULES`."""

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: warning: {self.message} [{self.rule}]"


def lint_scenario(scenario: Scenario, text: str | None = None,
                  path: str = "<scenario>") -> list[LintWarning]:
    """Every lint warning of a loaded scenario, sorted by line; ``text`` (the TOML source, if
    there is one) gives the lines, ``path`` names the file in the warnings."""
    ruleset = find_ruleset(scenario.rules.name)
    found = _Linter(scenario, ruleset, ruleset_numbers(scenario)).run()
    lines = field_lines(text.removeprefix("\ufeff")) if text is not None else {}
    out = []
    for field_path, message, rule in found:
        line = nearest_line(lines, field_path)
        out.append(LintWarning(path, line, format_path(field_path) or "<scenario>", message, rule))
    out.sort(key=lambda w: -1 if w.line is None else w.line)
    return out


class _Linter:
    """Runs every rule over one scenario; ``found`` holds (field path, message, rule)."""

    def __init__(self, s: Scenario, ruleset: Ruleset, numbers: Mapping[str, Any]) -> None:
        self.s = s
        self.ruleset = ruleset
        self.numbers = numbers
        self.ranges = Ranges(s, ruleset, numbers)
        self.found: list[tuple[FieldPath, str, str]] = []

    def add(self, path: FieldPath, message: str, rule: str) -> None:
        self.found.append((path, message, rule))

    def run(self) -> list[tuple[FieldPath, str, str]]:
        self.check_injects()
        self.check_objectives()
        self.check_endings()
        self.check_actors()
        self.check_regions_and_forces()
        self.check_overrides()
        self.check_tracks()
        self.check_draws_and_channels()
        return self.found

    # -- the rules ---------------------------------------------------------------------
    def check_injects(self) -> None:
        last, cut_by = self.ranges.last_turn, self.ranges.cut_by
        for i, inj in enumerate(self.s.injects):
            if inj.turn is not None and inj.turn > last and cut_by is not None:
                ending = self.s.endings[cut_by]
                self.add(("injects", i, "turn"),
                         f"arrives on turn {inj.turn}, but ending '{ending.id}' always ends the "
                         f"exercise after turn {last}", "unreachable")
            if inj.when is not None:
                # fired('itself') is false until the first time it fires, repeating or not
                why = self.ranges.never(inj.when, {("fired", (inj.id,)): False})
                if why is not None:
                    self.add(("injects", i, "when"),
                             f"can never be true, so the inject never fires: {why}", "never-true")

    def check_objectives(self) -> None:
        for i, o in enumerate(self.s.objectives):
            why = self.ranges.never(o.when, {})
            if why is not None:
                self.add(("objectives", i, "when"), f"can never be met: {why}", "never-true")
                continue
            reads = sorted(calls(o.when, self.ranges.kinds))
            if self.ranges.always(o.when):
                fixed = [self._describe_fixed(k) for k in reads if not self.affects_objective(k)]
                because = f" ({', '.join(fixed)})" if fixed else ""
                self.add(("objectives", i, "when"),
                         f"is always true{because}: it is met whatever the teams do", "unaffected")
                continue
            if not reads:
                self.add(("objectives", i, "when"),
                         "depends only on the turn: it is met or not whatever the teams do",
                         "unaffected")
                continue
            if self.ranges.ruleset_changes is None:
                continue
            if not any(self.affects_objective(k) for k in reads):
                shown = ", ".join(self._describe_fixed(k) for k in reads)
                self.add(("objectives", i, "when"),
                         f"no move of the {self.ruleset.name} ruleset and no inject changes what it "
                         f"reads ({shown}): it is met or not whatever the teams do", "unaffected")

    def affects_objective(self, key: Key) -> bool:
        if key[0] == "fired":
            return any(inj.id == key[1][0] and inj.when is not None for inj in self.s.injects)
        if key[0] in ("turn", "turns"):
            return False
        return self.ranges.moved_by_play(key)

    def _describe_fixed(self, key: Key) -> str:
        if key[0] in ("turn", "turns", "fired"):
            return call_text(key)
        v = self.ranges.start_value(key)
        shown = str(v).lower() if isinstance(v, bool) else number(v)
        return f"{call_text(key)} stays {shown}"

    def check_endings(self) -> None:
        for i, e in enumerate(self.s.endings):
            why = self.ranges.never(e.when, {})
            if why is not None:
                self.add(("endings", i, "when"),
                         f"can never be true, so this ending never happens: {why}", "never-true")

    def check_actors(self) -> None:
        scored = {o.actor for o in self.s.objectives}
        for i, a in enumerate(self.s.actors):
            # An actor nobody sits at needs none: no team's play is scored by it.
            if a.id not in scored and a.playing:
                self.add(("actors", i), f"{a.id} has no objectives: nothing scores its play",
                         "no-objectives")
            if a.bot is not None and a.playing:
                self.add(("actors", i, "bot"), f"{a.id} is played by a team, so its bot never plays: "
                         'give it plays = "background" or "facilitator", or leave bot out', "idle-bot")

    def check_regions_and_forces(self) -> None:
        named: set[str] = set()
        for source in self._conditions():
            for _, args in calls(source, self.ranges.kinds):
                named.update(a.split("=", 1)[-1] for a in args)  # ids, and keywords' ids
        homes = {f.home for f in self.s.forces} | {f.starts_in for f in self.s.forces}
        for i, r in enumerate(self.s.regions):
            if r.id in homes or r.id in named or r.near:
                continue
            self.add(("regions", i), f"region '{r.id}' is never used: no force is based there, "
                     "no condition names it, and it borders no actor, so a force deployed there "
                     "comes near no one", "unused")
        for i, f in enumerate(self.s.forces):
            if f.id in named:
                continue
            reach = [r for r in self.s.regions if f.may_enter(r.id) or r.id == f.starts_in]
            if not any(a != f.owner for r in reach for a in r.near):
                where = "region it may go to" if f.regions is not None else "region"
                self.add(("forces", i), f"force '{f.id}' can never come near another actor (no "
                         f"{where} borders anyone but {f.owner}) and no condition names it",
                         "unused")

    def check_overrides(self) -> None:
        defaults = self.ruleset.numbers
        for section, values in self.s.rules.overrides.items():
            for key, v in values.items():
                if key in defaults.get(section, {}):
                    default = defaults[section][key]
                elif section == "costs":
                    default = 1
                else:
                    continue
                same_type = type(v) is type(default) or (type(default) is float and type(v) is int)
                if same_type and v == default:
                    self.add(("rules", "overrides", section, key),
                             f"{v!r} is the ruleset's own value: this override changes nothing",
                             "same-as-ruleset")
        most = max((a.budget for a in self.s.actors), default=0)
        for move, cost in self.s.rules.overrides.get("costs", {}).items():
            rule = self.s.rules.moves.get(move)
            if isinstance(cost, int) and cost > most and (rule is None or rule.enabled):
                self.add(("rules", "overrides", "costs", move),
                         f"costs {cost}, more than any team's budget ({most}): no one can make it, yet "
                         f"every team screen shows it greyed; write {move} = false in [rules.moves]",
                         "priced-out")

    def check_tracks(self) -> None:
        """A scenario's own value is there to be changed by injects (or the facilitator) and to
        be read by conditions or seen by teams."""
        changed = {e.value for inj in self.s.injects for e in inj.effects}
        read = {name for source in self._conditions() for name, _ in calls(source, self.ranges.kinds)}
        for i, t in enumerate(self.s.tracks):
            track = self.s.own_tracks[t.id]
            if t.id not in changed:
                self.add(("tracks", i), f"no inject changes {t.id}: it stays at its starting values "
                         "unless the facilitator overrides it", "unused-track")
            if t.id not in read and track.seen_by == FACILITATOR_ONLY:
                self.add(("tracks", i), f"no condition reads {t.id} and no team sees it: it changes "
                         "nothing in the exercise", "unused-track")

    def check_draws_and_channels(self) -> None:
        """A draw is there to be read by conditions or learnt by teams; a slow channel to be
        written on by a team or the facilitator (a bot in the background writes no messages)."""
        read = {args[0] for source in self._conditions()
                for name, args in calls(source, self.ranges.kinds) if name == "drew" and args}
        for i, d in enumerate(self.s.draws):
            if d.id not in read and not d.seen_by(self.s.actor_ids):
                self.add(("draws", i), f"no condition reads the draw '{d.id}' and no team learns it: "
                         "it changes nothing in the exercise", "unused-draw")
        writers = [a.id for a in self.s.actors if a.plays != "background"]
        for i, c in enumerate(self.s.channels):
            if not any(c.links(a, b) for a in writers for b in self.s.actor_ids):
                self.add(("channels", i), f"no team and no actor the facilitator plays can write on "
                         f"{c.name}: its pairs link only actors a bot plays in the background",
                         "idle-channel")

    def _conditions(self) -> Iterator[str]:
        yield from (inj.when for inj in self.s.injects if inj.when is not None)
        yield from (o.when for o in self.s.objectives)
        yield from (e.when for e in self.s.endings)
