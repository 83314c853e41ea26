"""The checks beyond types: references, ranges, counts, ruleset overrides and conditions.

:func:`check_data` runs them on a scenario's parsed tables (not on the models), so that a value
of the wrong type — reported by structuring (:mod:`detente.engine.structure`) — does not hide a
bad reference elsewhere: every mistake is found in one go, each as a ``(field path, message)``.
The limits and vocabularies they check against (:data:`LIMITS`, :data:`ID_KINDS`,
:data:`COLOURS` …) live here too; the JSON schema (:mod:`detente.engine.schema`) is built from
them. Called by the loader (:mod:`detente.engine.loader`).
"""

from __future__ import annotations

import difflib
import json
import keyword
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeGuard

from detente.engine import expr
from detente.engine.conditions import move_choices
from detente.engine.expr import ExpressionError
from detente.engine.locate import FieldPath
from detente.engine.problems import ID, cut, describe, nice, one_line, suggest
from detente.engine.ruleset import Ruleset, RulesetNotFound, find_ruleset, functions_for, ruleset_ids
from detente.engine.scenario import (
    CHANNEL_UNITS,
    EXPECT_UNITS,
    MAX_WITHIN,
    OUTCOMES,
    PLAYS,
    TRACK_AUDIENCES,
    TRACK_ID,
    TRACK_SCOPES,
    TRACK_TYPES,
    Rules,
    Scenario,
    declared_tracks,
)
from detente.engine.tomlfile import MAX_COUNTS, too_many
from detente.engine.tracks import BUDGET, SCOPES, Track

MAX_EFFECTS = 20
"""The most effects one inject may have."""
MAX_CONDITION_LENGTH = 2_000
"""A ``when`` condition is at most this many characters (it is checked every turn)."""


def too_many_tables(data: Any) -> list[tuple[FieldPath, str]]:
    """Tables of a kind beyond :data:`MAX_COUNTS` (written as inline lists, they pass
    :func:`check_size`); found before any other check, which would take long on them."""
    found: list[tuple[FieldPath, str]] = []
    if isinstance(data, Mapping):
        for key, most in MAX_COUNTS.items():
            tables = data.get(key)
            if isinstance(tables, list) and len(tables) > most:
                found.append(((key, most), too_many(key)))
    return found


ID_KINDS = (
    ("actor", "actors"),
    ("alliance", "alliances"),
    ("region", "regions"),
    ("force", "forces"),
    ("inject", "injects"),
    ("objective", "objectives"),
    ("ending", "endings"),
    ("draw", "draws"),
    ("channel", "channels"),
)
INJECT_PHASES = ("briefing", "communications", "orders")
#: The phases a clock can time (the adjudication is the facilitator's review: it may be timed too).
CLOCK_PHASES = ("briefing", "communications", "orders", "adjudication", "debrief")
CHECKS = ("end", "ever", "always")
LIMITS: dict[str, tuple[float, float]] = {"budget": (1, 20)}
"""Ranges of the engine's own starting values (a starting budget of 0 would leave a team with
no moves); the ruleset's values keep the ranges their tracks declare (:func:`start_range`)."""
POINTS = (0, 1000)
MAX_DELAY = 20
"""The longest a slow channel may take, in its unit."""
"""An objective's points."""
_COUNT_WORDS = {1: "one", 2: "two"}
_SCOPE_ORDER = tuple(SCOPES)


def bot_names() -> tuple[str, ...]:
    """The bot policies an actor's ``bot`` may name (:data:`detente.engine.bots.BOTS`)."""
    from detente.engine.bots import BOTS  # the bots play sessions: loaded only when asked

    return tuple(BOTS)


def ending_outcomes(ruleset: Ruleset) -> tuple[str, ...]:
    """The outcomes a scenario's ``[[endings]]`` may give: the ruleset's, and ``scenario``.

    >>> ending_outcomes(find_ruleset("defense-diplomacy"))
    ('conflict', 'de-escalation', 'fracture', 'scenario')
    """
    return (*sorted(ruleset.outcomes), OUTCOMES[0])


def settable(ruleset: Ruleset, own: Mapping[str, Track] | None = None) -> dict[str, Track]:
    """The values an effect or an override may change, by name: the ruleset's settable tracks,
    the budget and the scenario's ``own`` values (its ``[[tracks]]``), pair values first, then
    directed, actor, alliance and global ones."""
    extra = [t for name, t in (own or {}).items() if name not in ruleset.tracks and name != BUDGET.name]
    tracks = [t for t in (*ruleset.tracks.values(), BUDGET, *extra) if t.settable]
    return {t.name: t for t in sorted(tracks, key=lambda t: _SCOPE_ORDER.index(t.scope))}


def start_range(track: Track) -> tuple[float, float] | None:
    """The range of a starting value of ``track``: its own, or :data:`LIMITS`' for the budget."""
    return LIMITS.get(track.name, track.range) if track is BUDGET else track.range


def scenario_ruleset(data: Mapping[str, Any]) -> Ruleset | None:
    """The ruleset the parsed scenario names (by default the bundled one); None if there is
    none of that name."""
    rules = data.get("rules") if isinstance(data, Mapping) else None
    name = rules.get("name", Rules().name) if isinstance(rules, Mapping) else Rules().name
    if not isinstance(name, str):
        return None
    try:
        return find_ruleset(name)
    except RulesetNotFound:
        return None
COLOURS = frozenset(
    ["aliceblue", "antiquewhite", "aqua", "aquamarine", "azure", "beige", "bisque", "black", "blanchedalmond", "blue", "blueviolet", "brown", "burlywood", "cadetblue", "chartreuse", "chocolate", "coral", "cornflowerblue", "cornsilk", "crimson", "cyan", "darkblue", "darkcyan", "darkgoldenrod", "darkgray", "darkgreen", "darkgrey", "darkkhaki", "darkmagenta", "darkolivegreen", "darkorange", "darkorchid", "darkred", "darksalmon", "darkseagreen", "darkslateblue", "darkslategray", "darkslategrey", "darkturquoise", "darkviolet", "deeppink", "deepskyblue", "dimgray", "dimgrey", "dodgerblue", "firebrick", "floralwhite", "forestgreen", "fuchsia", "gainsboro", "ghostwhite", "gold", "goldenrod", "gray", "green", "greenyellow", "grey", "honeydew", "hotpink", "indianred", "indigo", "ivory", "khaki", "lavender", "lavenderblush", "lawngreen", "lemonchiffon", "lightblue", "lightcoral", "lightcyan", "lightgoldenrodyellow", "lightgray", "lightgreen", "lightgrey", "lightpink", "lightsalmon", "lightseagreen", "lightskyblue", "lightslategray", "lightslategrey", "lightsteelblue", "lightyellow", "lime", "limegreen", "linen", "magenta", "maroon", "mediumaquamarine", "mediumblue", "mediumorchid", "mediumpurple", "mediumseagreen", "mediumslateblue", "mediumspringgreen", "mediumturquoise", "mediumvioletred", "midnightblue", "mintcream", "mistyrose", "moccasin", "navajowhite", "navy", "oldlace", "olive", "olivedrab", "orange", "orangered", "orchid", "palegoldenrod", "palegreen", "paleturquoise", "palevioletred", "papayawhip", "peachpuff", "peru", "pink", "plum", "powderblue", "purple", "rebeccapurple", "red", "rosybrown", "royalblue", "saddlebrown", "salmon", "sandybrown", "seagreen", "seashell", "sienna", "silver", "skyblue", "slateblue", "slategray", "slategrey", "snow", "springgreen", "steelblue", "tan", "teal", "thistle", "tomato", "turquoise", "violet", "wheat", "white", "whitesmoke", "yellow", "yellowgreen", "ansi_black", "ansi_red", "ansi_green", "ansi_yellow", "ansi_blue", "ansi_magenta", "ansi_cyan", "ansi_white", "ansi_bright_black", "ansi_bright_red", "ansi_bright_green", "ansi_bright_yellow", "ansi_bright_blue", "ansi_bright_magenta", "ansi_bright_cyan", "ansi_bright_white"]  # noqa: E501
)
"""Colour names the terminal understands (the CSS names and the 16 ANSI ones)."""
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _is_int(v: Any) -> TypeGuard[int]:
    return type(v) is int


def _is_number(v: Any) -> TypeGuard[int | float]:
    return type(v) in (int, float)


def _range_text(lo: float, hi: float) -> str:
    return f"{lo:g}–{hi:g}"


def _listing(kind: str, known: Iterable[str]) -> str:
    names = sorted(known)
    if not names:
        return f"the scenario has no {kind}s"
    shown = ", ".join(one_line(n) for n in names[:12]) + (", …" if len(names) > 12 else "")
    return f"{kind}s: {shown}"


class ScenarioChecks:
    """The checks beyond types, on the parsed data so that every mistake is found in one go.

    Values of the wrong type are skipped here: structuring has reported them already.
    """

    def __init__(self, data: Mapping[str, Any], scenario: Scenario | None = None) -> None:
        self.data = data if isinstance(data, Mapping) else {}
        self.scenario = scenario
        """The scenario structured from ``data``, if it could be: the choices of the ruleset's
        moves are worked out on it (:meth:`add_choices`)."""
        self._choices = False
        self.found: list[tuple[FieldPath, str]] = []
        self.ids: dict[str, set[str]] = {}
        self.compiled: dict[str, ExpressionError | None] = {}
        self.expectation_ids: dict[str, FieldPath] = {}
        """Where each expectation id was first given (they are unique across the injects)."""
        self.draw_options: dict[str, tuple[str, ...]] = {}
        """Each draw's options, by its id (:meth:`check_draws`)."""
        turns = self.table("turns")
        limit = turns.get("limit")
        self.limit: int | None = limit if _is_int(limit) and limit >= 1 else None
        self.ruleset = scenario_ruleset(self.data)
        tracks = self.ruleset.tracks if self.ruleset is not None else {}
        self.own: dict[str, Track] = {k: t for k, t in declared_tracks(self.data).items()
                                      if k not in tracks and k != BUDGET.name}
        """The scenario's own values (``[[tracks]]``) as far as they can be read, but those whose
        name the ruleset already uses (:meth:`check_tracks` reports them)."""
        self.tracks: dict[str, Track] = {BUDGET.name: BUDGET, **tracks, **self.own}
        self._ranges: dict[tuple[str, ...], dict[str, tuple[float, float]]] = {}
        self.settable = settable(self.ruleset, self.own) if self.ruleset is not None else None
        """What an effect may change (worked out once: a big scenario has thousands of effects)."""

    # helpers
    def add(self, path: FieldPath, message: str) -> None:
        self.found.append((path, message))

    def table(self, key: str, within: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        v = (self.data if within is None else within).get(key)
        return v if isinstance(v, dict) else {}

    def tables(self, key: str) -> list[tuple[int, Mapping[str, Any]]]:
        v = self.data.get(key)
        if not isinstance(v, list):
            return []
        return [(i, t) for i, t in enumerate(v) if isinstance(t, dict)]

    def within(self, path: FieldPath, value: Any, lo: float, hi: float, what: str = "") -> None:
        if _is_number(value) and math.isfinite(value) and not lo <= value <= hi:
            name = what or str(path[-1])
            self.add(path, f"{name} must be {_range_text(lo, hi)}, got {value!r}")

    def starting(self, here: FieldPath, table: Mapping[str, Any], *scopes: str) -> None:
        """The starting values of ``table`` (of tracks of ``scopes``) within their ranges."""
        ranges = self._ranges.get(scopes)
        if ranges is None:
            ranges = self._ranges[scopes] = {
                name: rng for name, t in self.tracks.items()
                if t.scope in scopes and (rng := start_range(t)) is not None
            }
        for name, rng in ranges.items():
            if name in table:
                self.within((*here, name), table[name], *rng)

    def ref(self, path: FieldPath, value: Any, kind: str) -> bool:
        """Whether ``value`` is a known id of ``kind``; reports it if not."""
        if not isinstance(value, str):
            return False
        known = self.ids.get(kind, set())
        if value in known:
            return True
        close = difflib.get_close_matches(value, sorted(known), n=1)
        hint = f"did you mean '{close[0]}'?" if close else _listing(kind, known)
        self.add(path, f"unknown {kind} '{one_line(value)}' ({hint})")
        return False

    # the checks
    def run(self) -> list[tuple[FieldPath, str]]:
        self.collect_ids()
        self.check_draws()  # before the conditions: they may name the draws' options
        self.check_tracks()
        self.check_meta()
        self.check_actors()
        self.check_alliances()
        self.check_regions_and_forces()
        self.check_relations()
        self.check_injects()
        self.check_channels()
        self.check_objectives_and_endings()
        self.check_rules()
        return self.found

    def collect_ids(self) -> None:
        for kind, key in ID_KINDS:
            first: dict[str, int] = {}
            for i, t in self.tables(key):
                v = t.get("id")
                if not isinstance(v, str):
                    continue
                if not ID.fullmatch(v):
                    self.add((key, i, "id"), f"the id {json.dumps(cut(v), ensure_ascii=False)} may "
                             "contain only letters, digits, '-' and '_'")
                if v in first:
                    self.add((key, i, "id"), f"the {kind} id '{one_line(v)}' is already used by "
                             f"{key}[{first[v]}]")
                else:
                    first[v] = i
            self.ids[kind] = set(first)
        if self.ruleset is not None:  # what conditions may name of the ruleset: moves, pledges …
            self.ids.update({kind: set(ids) for kind, ids in ruleset_ids(self.ruleset).items()})

    def check_meta(self) -> None:
        v = self.table("scenario").get("id")
        if isinstance(v, str) and not ID.fullmatch(v):
            self.add(("scenario", "id"), f"the id {json.dumps(cut(v), ensure_ascii=False)} may contain "
                     "only letters, digits, '-' and '_'")
        turns = self.table("turns")
        self.within(("turns", "limit"), turns.get("limit"), 1, 200)
        labels = turns.get("labels")
        if isinstance(labels, list) and self.limit is not None and len(labels) > self.limit:
            self.add(("turns", "labels"), f"{len(labels)} labels for {self.limit} turns; "
                     "give at most one per turn")
        clock = turns.get("clock")
        if isinstance(clock, dict):
            for phase, minutes in clock.items():
                if phase not in CLOCK_PHASES:
                    self.add(("turns", "clock", phase), _one_of("phase", phase, CLOCK_PHASES))
                else:
                    self.within(("turns", "clock", phase), minutes, 0.5, 600, "minutes")

    def check_actors(self) -> None:
        actors = self.data.get("actors")
        if isinstance(actors, list) and len(actors) < 2:
            self.add(("actors",), f"a scenario needs at least two actors (it has {len(actors)})")
        playing = 0
        for i, t in self.tables("actors"):
            self.starting(("actors", i), t, "actor")
            plays, bot = t.get("plays", PLAYS[0]), t.get("bot")
            if isinstance(plays, str) and plays not in PLAYS:
                self.add(("actors", i, "plays"), _one_of("plays", plays, PLAYS))
            playing += plays == PLAYS[0] or plays not in PLAYS  # a wrong one is reported once
            if isinstance(bot, str) and bot not in (names := bot_names()):
                self.add(("actors", i, "bot"), _one_of("bot", bot, names))
            colour = t.get("colour")
            if (isinstance(colour, str) and colour not in COLOURS
                    and not _HEX_COLOUR.fullmatch(colour)):
                hint = suggest(colour.lower().replace(" ", ""), COLOURS)
                self.add(("actors", i, "colour"), f"unknown colour '{one_line(colour)}'{hint}; use a colour "
                         'name such as "blue" or "#rrggbb"')
        if isinstance(actors, list) and len(actors) >= 2 and not playing:
            self.add(("actors",), 'no actor is played by a team: give at least one plays = "team" '
                     "(or leave plays out, as a team plays it by default)")

    def check_alliances(self) -> None:
        for i, t in self.tables("alliances"):
            members = t.get("members")
            if isinstance(members, list):
                distinct = []
                for j, m in enumerate(members):
                    if isinstance(m, str) and m in distinct:
                        self.add(("alliances", i, "members", j), f"'{one_line(m)}' is listed twice")
                    elif self.ref(("alliances", i, "members", j), m, "actor"):
                        distinct.append(m)
                if len(set(m for m in members if isinstance(m, str))) < 2:
                    self.add(("alliances", i, "members"), "an alliance needs at least two members")
            self.starting(("alliances", i), t, "alliance")

    def check_regions_and_forces(self) -> None:
        for i, t in self.tables("regions"):
            near = t.get("near")
            if isinstance(near, list):
                for j, a in enumerate(near):
                    self.ref(("regions", i, "near", j), a, "actor")
        for i, t in self.tables("forces"):
            self.ref(("forces", i, "owner"), t.get("owner"), "actor")
            self.ref(("forces", i, "home"), t.get("home"), "region")
            start, regions = t.get("start"), t.get("regions")
            if start not in (None, ""):
                self.ref(("forces", i, "start"), start, "region")
            if not isinstance(regions, list):
                continue
            if not regions:
                self.add(("forces", i, "regions"), "an empty list would keep the force at home: leave "
                         "regions out to let it go anywhere")
            for j, r in enumerate(regions):
                self.ref(("forces", i, "regions", j), r, "region")
            if isinstance(start, str) and start and regions and start not in (*regions, t.get("home")):
                self.add(("forces", i, "start"), f"the force starts in '{one_line(start)}', which is "
                         "not one of its regions: add it to regions, or start it elsewhere")

    def check_relations(self) -> None:
        first: dict[frozenset[str], int] = {}
        for i, t in self.tables("relations"):
            pair: list[str] = []
            between = t.get("between")
            if isinstance(between, list) and len(between) == 2:
                ok = [self.ref(("relations", i, "between", j), a, "actor")
                      for j, a in enumerate(between)]
                if all(ok):
                    pair = list(between)
                    if pair[0] == pair[1]:
                        self.add(("relations", i, "between"),
                                 f"a relation is between two different actors, not '{one_line(pair[0])}' "
                                 "and itself")
                        pair = []
                    elif frozenset(pair) in first:
                        self.add(("relations", i, "between"),
                                 f"{pair[0]} and {pair[1]} already have a relation: "
                                 f"relations[{first[frozenset(pair)]}]")
                    else:
                        first[frozenset(pair)] = i
            self.starting(("relations", i), t, "pair", "directed")
            seen_by = t.get("seen_by")
            if isinstance(seen_by, dict):
                for who, view in seen_by.items():
                    if pair and who not in pair:
                        self.add(("relations", i, "seen_by", who),
                                 f"'{one_line(who)}' is not one of the pair; seen_by takes '{pair[0]}' or "
                                 f"'{pair[1]}'")
                    if isinstance(view, dict):
                        self.starting(("relations", i, "seen_by", who), view, "directed")

    def check_injects(self) -> None:
        for i, t in self.tables("injects"):
            here: FieldPath = ("injects", i)
            turn, when = t.get("turn"), t.get("when")
            if turn is None and when is None:
                self.add(here, "an inject needs either turn = N (scheduled) or when = \"...\" "
                         "(conditional)")
            elif turn is not None and when is not None:
                self.add((*here, "when"), "an inject has either turn (scheduled) or when "
                         "(conditional), not both")
            if _is_int(turn):
                if self.limit is not None and not 1 <= turn <= self.limit:
                    self.add((*here, "turn"), f"turn must be 1–{self.limit} (the turn limit), "
                             f"got {turn}")
                elif turn < 1:
                    self.add((*here, "turn"), f"turn must be 1 or more, got {turn}")
            phase = t.get("phase")
            if isinstance(phase, str) and phase not in INJECT_PHASES:
                self.add((*here, "phase"), _one_of("phase", phase, INJECT_PHASES))
            if t.get("repeat") is True and when is None:
                self.add((*here, "repeat"), "repeat = true needs a condition (when); a scheduled "
                         "inject fires once")
            to = t.get("to")
            if isinstance(to, list):
                for j, a in enumerate(to):
                    self.ref((*here, "to", j), a, "actor")
            effects = t.get("effects")
            if isinstance(effects, list) and len(effects) > MAX_EFFECTS:
                self.add((*here, "effects", MAX_EFFECTS), f"more than {MAX_EFFECTS} effects, the "
                         "most an inject may have")
            elif isinstance(effects, list):
                for j, e in enumerate(effects):
                    if isinstance(e, dict):
                        self.check_effect((*here, "effects", j), e)
            self.condition((*here, "when"), when)
            incident = t.get("incident")
            if isinstance(incident, dict):
                self.check_incident((*here, "incident"), incident)
            expect = t.get("expect")
            if isinstance(expect, list):
                for j, x in enumerate(expect):
                    if isinstance(x, dict):
                        self.check_expectation((*here, "expect", j), x)

    def check_expectation(self, here: FieldPath, x: Mapping[str, Any]) -> None:
        """An inject's expectation: an id unique in the scenario, known teams, a learning
        objective that exists, a deadline of 1–50 turns or phases, a valid condition."""
        xid = x.get("id")
        if isinstance(xid, str):
            if not ID.fullmatch(xid):
                self.add((*here, "id"), f"the id {json.dumps(cut(xid), ensure_ascii=False)} may "
                         "contain only letters, digits, '-' and '_'")
            first = self.expectation_ids.setdefault(xid, here)
            if first != here:
                self.add((*here, "id"), f"the expectation id '{one_line(xid)}' is already used by "
                         f"injects[{first[1]}].expect[{first[3]}]")
        who = x.get("who")
        if isinstance(who, list):
            for j, a in enumerate(who):
                self.ref((*here, "who", j), a, "actor")
        objective = x.get("objective")
        objectives = self.table("scenario").get("learning_objectives")
        count = len(objectives) if isinstance(objectives, list) else 0
        if _is_int(objective) and not 1 <= objective <= count:
            self.add((*here, "objective"), (
                f"objective must be 1–{count} (the number of the learning objective it serves), "
                f"got {objective}" if count else
                "objective names one of [scenario] learning_objectives, and this scenario has none"))
        self.within((*here, "within"), x.get("within"), 1, MAX_WITHIN)
        unit = x.get("unit")
        if isinstance(unit, str) and unit not in EXPECT_UNITS:
            self.add((*here, "unit"), _one_of("unit", unit, EXPECT_UNITS))
        self.condition((*here, "when"), x.get("when"))

    def draw_mismatch(
        self, source: str, calls: Iterable[tuple[str, tuple[str, ...]]]
    ) -> ExpressionError | None:
        """A ``drew('draw', 'option')`` whose option is another draw's, as the condition's error."""
        for name, args in calls:
            if name != "drew" or len(args) != 2:
                continue
            draw, option = args
            known = self.draw_options.get(draw)
            if known is not None and option not in known:
                at = max(source.find(f"'{option}'"), source.find(f'"{option}"'), 0)
                line = source.count("\n", 0, at) + 1
                column = at - (source.rfind("\n", 0, at) + 1) + 1
                return ExpressionError(f"the draw '{draw}' has no option '{option}' (its options: "
                                       f"{', '.join(known)})", column, source, line)
        return None

    def check_draws(self) -> None:
        options: set[str] = set()
        for i, t in self.tables("draws"):
            here: FieldPath = ("draws", i)
            opts, weights, hidden = t.get("options"), t.get("weights"), t.get("hidden_from")
            if isinstance(opts, list):
                if len(opts) < 2:
                    self.add((*here, "options"), "a draw needs at least two options to choose from")
                seen: set[Any] = set()
                for j, o in enumerate(opts):
                    if isinstance(o, str) and not ID.fullmatch(o):
                        shown = json.dumps(cut(o), ensure_ascii=False)
                        self.add((*here, "options", j), f"the option {shown} may contain only "
                                 "letters, digits, '-' and '_' (conditions name it)")
                    elif o in seen:
                        self.add((*here, "options", j), f"the option '{one_line(str(o))}' is given twice")
                    seen.add(o)
                options |= {o for o in opts if isinstance(o, str)}
                if isinstance(t.get("id"), str):
                    self.draw_options[t["id"]] = tuple(o for o in opts if isinstance(o, str))
                if isinstance(weights, list) and weights and len(weights) != len(opts):
                    self.add((*here, "weights"), f"one weight per option: {len(opts)} options, "
                             f"{len(weights)} weight{'s' if len(weights) != 1 else ''}")
            if isinstance(weights, list):
                for j, w in enumerate(weights):
                    if _is_number(w) and w <= 0:
                        self.add((*here, "weights", j), f"a weight is more than 0, got {w}")
            if isinstance(hidden, list):
                for j, a in enumerate(hidden):
                    self.ref((*here, "hidden_from", j), a, "actor")
        self.ids["option"] = options

    def check_pairs(self, here: FieldPath, pairs: Any) -> None:
        """``pairs`` (of ``[rules.moves]`` or a channel): each two known, different actors."""
        if not isinstance(pairs, list):
            return
        for j, p in enumerate(pairs):
            if not (isinstance(p, list) and len(p) == 2):
                continue
            ok = [self.ref((*here, "pairs", j, k), a, "actor") for k, a in enumerate(p)]
            if all(ok) and p[0] == p[1]:
                self.add((*here, "pairs", j), f"a pair is two different actors, not "
                         f"'{one_line(p[0])}' and itself")

    def check_channels(self) -> None:
        """Each slow channel: a delay of 1 to :data:`MAX_DELAY`, a unit, pairs of two actors."""
        for i, t in self.tables("channels"):
            here: FieldPath = ("channels", i)
            if "delay" in t:
                self.within((*here, "delay"), t["delay"], 1, MAX_DELAY)
            unit = t.get("unit")
            if isinstance(unit, str) and unit not in CHANNEL_UNITS:
                self.add((*here, "unit"), _one_of("unit", unit, CHANNEL_UNITS))
            pairs = t.get("pairs")
            if pairs == []:
                self.add((*here, "pairs"), "an empty list links no one: leave pairs out for a "
                         "channel between any two actors")
            self.check_pairs(here, pairs)

    def check_tracks(self) -> None:
        """``[[tracks]]``: ids conditions can call and no one else uses, a scope and a type,
        a number's range and every starting value within it, who sees it."""
        first: dict[str, int] = {}
        reserved = self.reserved_names()
        for i, t in self.tables("tracks"):
            here: FieldPath = ("tracks", i)
            name = t.get("id")
            if isinstance(name, str):
                taken = reserved.get(name)
                if not TRACK_ID.fullmatch(name):
                    shown = json.dumps(cut(name), ensure_ascii=False)
                    self.add((*here, "id"), f"the id {shown} is what conditions call the value: letters, "
                             "digits and '_', starting with a letter (crew_detained)")
                elif keyword.iskeyword(name):
                    self.add((*here, "id"), f"'{name}' is a word of the condition language: give the "
                             "value another id")
                elif taken is not None:
                    self.add((*here, "id"), f"'{name}' is already {taken}: give the scenario's value "
                             "another id")
                elif name in first:
                    self.add((*here, "id"), f"the track id '{name}' is already used by "
                             f"tracks[{first[name]}]")
                else:
                    first[name] = i
            scope, kind = t.get("scope", "global"), t.get("type", "number")
            if isinstance(scope, str) and scope not in TRACK_SCOPES:
                self.add((*here, "scope"), _one_of("scope", scope, TRACK_SCOPES))
            if isinstance(kind, str) and kind not in TRACK_TYPES:
                self.add((*here, "type"), _one_of("type", kind, tuple(TRACK_TYPES)))
            what = name if isinstance(name, str) else "this value"
            rng, start = t.get("range"), t.get("start")
            if kind == "flag":
                if rng is not None:
                    self.add((*here, "range"), f"{what} is true or false: leave range out")
                if start is not None and type(start) is not bool:
                    self.add((*here, "start"), f"{what} is true or false, got {describe(start)}")
            elif kind == "number":
                if rng is None:
                    self.add(here, f"{what} is a number: give its lowest and highest value, "
                             "range = [0, 10]")
                elif (isinstance(rng, list) and len(rng) == 2 and all(_is_int(x) for x in rng)
                      and rng[0] >= rng[1]):
                    self.add((*here, "range"), f"a range goes from the lowest value to the highest, "
                             f"[{min(rng)}, {max(rng)}]; got [{rng[0]}, {rng[1]}]")
                elif isinstance(rng, list) and len(rng) == 2 and all(_is_int(x) for x in rng):
                    self.within((*here, "start"), start, rng[0], rng[1], what=f"the start of {what}")
                if type(start) is bool:
                    self.add((*here, "start"), f"{what} is a number, got {describe(start)}")
            self.check_audience((*here, "audience"), t.get("audience"), scope)

    def check_audience(self, here: FieldPath, audience: Any, scope: Any) -> None:
        """A scenario value's ``audience``: a word of :data:`TRACK_AUDIENCES`, or teams."""
        if isinstance(audience, str):
            if audience not in TRACK_AUDIENCES:
                hint = " (or a list of teams, [\"blue\"])"
                self.add(here, _one_of("audience", audience, TRACK_AUDIENCES) + hint)
            elif audience == "holder" and scope == "global":
                self.add(here, "a global value belongs to no one: its audience is everyone, "
                         "facilitator or a list of teams")
        elif isinstance(audience, list):
            if not audience:
                self.add(here, 'an empty list lets no team see it: write audience = "facilitator"')
            seen: set[str] = set()
            for j, a in enumerate(audience):
                if isinstance(a, str) and a in seen:
                    self.add((*here, j), f"'{one_line(a)}' is listed twice")
                elif self.ref((*here, j), a, "actor"):
                    seen.add(a)

    def reserved_names(self) -> dict[str, str]:
        """The names a scenario's own value may not take, with what each already is."""
        ruleset = self.ruleset
        out: dict[str, str] = {"true": "a word of the condition language",
                               "false": "a word of the condition language"}
        out |= {v: "a number conditions read" for v in expr.VARIABLES}
        out |= {name: "a function conditions call" for name in expr.ENGINE_FUNCTIONS}
        out[BUDGET.name] = "a value of every scenario (each team's actions per turn)"
        if ruleset is not None:
            out |= {name: f"a function of the {ruleset.name} ruleset" for name in ruleset.functions}
            out |= {name: f"a value of the {ruleset.name} ruleset" for name in ruleset.tracks}
        return out

    def check_incident(self, here: FieldPath, t: Mapping[str, Any]) -> None:
        """An inject's scripted incident: two different actors, a severity of the ruleset, a region."""
        ruleset = self.ruleset
        hazard = ruleset.hazard if ruleset is not None else None
        if ruleset is not None and (hazard is None or hazard.happen is None):
            self.add(here, f"the {ruleset.name} ruleset has no incidents a scenario can script")
            return
        between = t.get("between")
        if isinstance(between, list) and len(between) == 2:
            ok = [self.ref((*here, "between", j), a, "actor") for j, a in enumerate(between)]
            if all(ok) and between[0] == between[1]:
                self.add((*here, "between"), f"an incident is between two different actors, not "
                         f"'{one_line(between[0])}' and itself")
        sev = t.get("severity")
        if hazard is not None and isinstance(sev, str) and sev not in hazard.severities:
            self.add((*here, "severity"), _one_of("severity", sev, hazard.severities))
        region = t.get("region")
        if region not in (None, ""):
            self.ref((*here, "region"), region, "region")

    def check_effect(self, here: FieldPath, e: Mapping[str, Any]) -> None:
        value = e.get("value")
        known = self.settable
        track = known.get(value) if known is not None and isinstance(value, str) else None
        if isinstance(value, str) and known is not None and track is None:
            hint = suggest(value, known) or f" (values: {', '.join(known)})"
            self.add((*here, "value"), f"unknown value '{one_line(value)}'{hint}")
        add, setting = e.get("add"), e.get("set")
        if add is None and setting is None:
            self.add(here, "an effect needs add = N or set = N")
        elif add is not None and setting is not None:
            self.add((*here, "set"), "an effect has either add or set, not both")
        if track is not None and isinstance(value, str):  # found only for a str value
            boolean = track.type is bool
            if boolean and add is not None:
                self.add((*here, "add"), f"{value} is true or false: use set = true or set = false")
            if boolean and setting is not None and type(setting) is not bool:
                self.add((*here, "set"), f"{value} is true or false, got {describe(setting)}")
            if not boolean and type(setting) is bool:
                self.add((*here, "set"), f"{value} is a number, got {describe(setting)}")
            if not boolean and track.range is not None:
                lo, hi = track.range
                self.within((*here, "set"), setting, lo, hi, what=value)
                if _is_number(add) and math.isfinite(add) and not lo - hi <= add <= hi - lo:
                    hint = f" (did you mean {add / 100:g}?)" if hi - lo == 1 else ""
                    self.add((*here, "add"), f"{value} is {_range_text(lo, hi)}, so add must be "
                             f"between {lo - hi:g} and {hi - lo:g}, got {add:g}{hint}")
            of = e.get("of", [])
            if isinstance(of, list):
                self.check_of((*here, "of"), value, track.scope, of)

    def check_of(self, here: FieldPath, value: str, scope: str, of: list[Any]) -> None:
        id_kind, wanted = SCOPES[scope]
        if wanted == 0:
            if of:
                self.add(here, f"{value} is one value for the whole exercise: leave of out")
            return
        if len(of) != wanted:
            example = ('["blue", "red"]' if wanted == 2
                       else '["pact"]' if id_kind == "alliance" else '["blue"]')
            held = f"{_COUNT_WORDS[wanted]} {id_kind}{'s' if wanted > 1 else ''}"
            if not of:
                self.add(here, f"{value} is held by {held}: give of = {example}")
            else:
                self.add(here, f"{value} is held by {held}: of = {example}; this has {len(of)}")
            return
        for j, x in enumerate(of):
            self.ref((*here, j), x, id_kind)
        if wanted == 2 and of[0] == of[1] and isinstance(of[0], str):
            self.add(here, f"{value} is between two different actors, not '{one_line(of[0])}' twice")

    def check_objectives_and_endings(self) -> None:
        for i, t in self.tables("objectives"):
            self.ref(("objectives", i, "actor"), t.get("actor"), "actor")
            check = t.get("check")
            if isinstance(check, str) and check not in CHECKS:
                self.add(("objectives", i, "check"), _one_of("check", check, CHECKS))
            self.within(("objectives", i, "points"), t.get("points"), *POINTS)
            self.condition(("objectives", i, "when"), t.get("when"))
        outcomes = ending_outcomes(self.ruleset) if self.ruleset is not None else None
        for i, t in self.tables("endings"):
            outcome = t.get("outcome")
            if isinstance(outcome, str) and outcomes is not None and outcome not in outcomes:
                self.add(("endings", i, "outcome"), _one_of("outcome", outcome, outcomes))
            self.condition(("endings", i, "when"), t.get("when"))

    def condition(self, here: FieldPath, source: Any) -> None:
        if not isinstance(source, str):
            return
        if len(source) > MAX_CONDITION_LENGTH:
            self.add(here, f"a condition of {nice(len(source))} characters; the most is "
                     f"{nice(MAX_CONDITION_LENGTH)}")
            return
        if source not in self.compiled:
            if not self._choices and _CHOOSES.search(source):
                self.add_choices()
            try:
                calls = check_condition(source, self.ids, self.ruleset, self.own)
                self.compiled[source] = self.draw_mismatch(source, calls)
            except ExpressionError as e:
                self.compiled[source] = e
            except Exception as e:
                self.compiled[source] = ExpressionError(f"cannot check this condition ({e!r})", 1,
                                                        source)
        error = self.compiled[source]
        if error is not None:
            where = f"column {error.column}"
            if error.line > 1:
                where = f"line {error.line} of the condition, {where}"
            self.add(here, f"{where}: {error.message}")

    def add_choices(self) -> None:
        """The choices of the ruleset's moves of fixed choices, among the ids conditions may
        name (a ``made(…, tone='warn')`` names one); worked out once, on the scenario, for the
        first condition that may need them. Without a scenario (it has mistakes of type, which
        are reported) any choice passes."""
        self._choices = True
        if self.scenario is None or self.ruleset is None:
            return
        try:
            choices = move_choices(self.scenario, self.ruleset)
        except Exception:  # a scenario the other checks refuse: they say why
            return
        self.ids.update({kind: set(ids) for kind, ids in choices.items()})

    def check_rules(self) -> None:
        rules = self.table("rules")
        name = rules.get("name", "defense-diplomacy")
        if not isinstance(name, str):
            return
        try:
            ruleset = find_ruleset(name)
        except RulesetNotFound as e:
            close = difflib.get_close_matches(name, e.known, n=1)
            self.add(("rules", "name"), str(e) + (f"; did you mean '{close[0]}'?" if close else ""))
            return
        self.check_moves(rules, ruleset, name)
        overrides = rules.get("overrides")
        if not isinstance(overrides, dict):
            return
        numbers = ruleset.numbers
        for section, values in overrides.items():
            here: FieldPath = ("rules", "overrides", section)
            if section not in numbers:
                hint = suggest(section, numbers) or f" (sections: {', '.join(numbers)})"
                self.add(here, f"the {name} ruleset has no section [{one_line(section)}]{hint}")
                continue
            if not isinstance(values, dict):
                continue
            defaults = numbers[section]
            for key, v in values.items():
                if key in defaults:
                    default = defaults[key]
                elif section == "costs" and key in ruleset.moves:
                    default = 1  # a move not listed in [costs] costs one action
                else:
                    hint = suggest(key, defaults)
                    self.add((*here, key), f"the {name} ruleset has no number '{one_line(key)}' in "
                             f"[{section}]{hint}")
                    continue
                if not self.check_override((*here, key), v, default):
                    continue
                # The starting values keep the game's own ranges; every other number has the
                # range its ruleset declares next to it.
                track = ruleset.tracks.get(key)
                limits = ((track.range if track is not None else None) if section == "defaults"
                          else ruleset.range_of(section, key))
                if limits is not None:
                    what = (f"{key} is a probability or a share, so it" if limits == (0, 1)
                            and section != "defaults" else key)
                    self.within((*here, key), v, *limits, what=what)

    def check_moves(self, rules: Mapping[str, Any], ruleset: Ruleset, name: str) -> None:
        """``[rules.moves]``: each key a move of the ruleset, each actor one of the scenario's."""
        moves = rules.get("moves")
        if not isinstance(moves, dict):
            return
        for move, rule in moves.items():
            here: FieldPath = ("rules", "moves", move)
            if move not in ruleset.moves:
                hint = suggest(move, ruleset.moves) or f" (moves: {', '.join(ruleset.moves)})"
                self.add(here, f"the {name} ruleset has no move '{one_line(move)}'{hint}")
                continue
            if not isinstance(rule, dict):
                continue
            actors, pairs = rule.get("actors"), rule.get("pairs")
            if rule.get("enabled") is False and (actors or pairs):
                self.add((*here, "enabled"), "a move that is off has no actors or pairs: write "
                         f"{move} = false, or leave enabled out")
            for key, value in (("actors", actors), ("pairs", pairs)):
                if value == []:
                    self.add((*here, key), f"an empty list lets no one be named: leave {key} out for "
                             f"every actor, or write {move} = false for no one")
            if isinstance(actors, list):
                for j, a in enumerate(actors):
                    self.ref((*here, "actors", j), a, "actor")
            self.check_pairs(here, pairs)

    def check_override(self, here: FieldPath, v: Any, default: Any) -> bool:
        """Whether ``v`` is of the kind of the ruleset's ``default`` (a list: as long, with
        items of the same kinds); reports it if not."""
        if type(default) is bool:
            ok, wanted = type(v) is bool, "true or false"
        elif type(default) is int:
            ok, wanted = type(v) is int, "a whole number"
        elif type(default) is float:
            ok, wanted = type(v) in (int, float), "a number"
        elif type(default) is str:
            ok, wanted = type(v) is str, "text in quotes"
        elif isinstance(default, list):
            ok, wanted = isinstance(v, list), "a list"
        else:
            ok, wanted = True, ""
        if not ok:
            if isinstance(default, list):
                self.add(here, f"expected {wanted} like the ruleset's value, got {describe(v)}")
                return False
            shown = (json.dumps(default, ensure_ascii=False) if type(default) is str
                     else str(default).lower() if type(default) is bool else repr(default))
            self.add(here, f"expected {wanted} like the ruleset's value ({shown}), "
                     f"got {describe(v)}")
            return False
        if isinstance(default, list):
            kinds = {type(x) for x in default}
            if len(v) != len(default) or any(type(x) not in kinds for x in v):
                of = " or ".join(sorted(_KIND_WORDS.get(k, k.__name__) for k in kinds))
                self.add(here, f"expected a list of {len(default)} like the ruleset's ({of}), "
                         f"got {len(v)}" + ("" if len(v) != len(default) else
                                            " with an item of another kind"))
                return False
        return True


_CHOOSES = re.compile(r"\b(choice|tone)\s*=(?!=)")
"""A condition that may name a move's choice (``made(…, tone='warn')``)."""

_KIND_WORDS = {str: "texts", int: "whole numbers", float: "numbers", bool: "true/false"}


def check_data(data: Mapping[str, Any], scenario: Scenario | None = None) -> list[tuple[FieldPath, str]]:
    """Every mistake beyond types in a scenario's parsed tables, each as ``(field path, message)``;
    ``scenario`` is the scenario structured from them, if it could be (conditions' choices of
    moves are checked on it).

    >>> check_data({"turns": {"limit": 500}})[0]
    (('turns', 'limit'), 'limit must be 1–200, got 500')
    """
    return ScenarioChecks(data, scenario).run()


def check_condition(
    source: str, ids: Mapping[str, Any], ruleset: Ruleset | None = None,
    own: Mapping[str, Track] | None = None,
) -> frozenset[tuple[str, tuple[str, ...]]]:
    """Raise ExpressionError if ``source`` is not a valid condition under ``ruleset`` (the
    default ruleset's functions if None) and the scenario's ``own`` values; else the calls it
    makes. Only checks: compiling costs twice as much again, and sessions compile (once,
    cached) when they start."""
    if ruleset is None and own:
        ruleset = find_ruleset(Rules().name)
    functions = None if ruleset is None else functions_for(ruleset, own or {})
    return expr.check_condition(source, ids, functions)


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> str:
    return (f"{name} must be one of {', '.join(allowed)}; got '{one_line(value)}'"
            f"{suggest(value, allowed)}")
