"""Bounds: whether a scenario's condition can ever be true, or is true whatever happens.

The analysis is sound but not complete: when it says a condition can never be true it is always
right (given the ruleset's declared effects), but not every impossible condition is found. It
works on intervals: each value a condition reads has a range in a scenario (:class:`Ranges`:
tension 0–100, ``forces_in`` up to the actor's number of forces, a value nothing in the game can
change only its starting value), and the condition is split into alternatives (``or``) of bounds
(``and``); an alternative whose bounds on one value do not meet cannot hold.

>>> from detente.engine.loader import EXAMPLE, load_scenario_text, ruleset_numbers
>>> from detente.engine.ruleset import find_ruleset
>>> s = load_scenario_text(EXAMPLE)
>>> ranges = Ranges(s, find_ruleset(s.rules.name), ruleset_numbers(s))
>>> ranges.never("turn > turns", {})
'turn > turns is impossible: turn is 1–6 (the turn limit)'
>>> ranges.never("turn >= 2", {}) is None
True

Everything here is pure: no I/O, only the scenario, its ruleset and its numbers.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from typing import Any

from attrs import frozen

from detente.engine.conditions import Facts
from detente.engine.expr import compile_condition
from detente.engine.ruleset import Ruleset, find_ruleset, functions_for, functions_of
from detente.engine.scenario import Rules, Scenario
from detente.engine.state import initial_state, pair

__all__ = ["INF", "Key", "Kinds", "Ranges", "Span", "call_text", "calls", "key_of", "kinds_of", "number",
           "scenario_kinds"]

Key = tuple[str, tuple[str, ...]]
"""A value a condition reads: a function and its ids (``("tension", ("blue", "red"))``), or
``("turn", ())``."""

_ARITHMETIC = frozenset({"min", "max", "abs"})


@frozen
class Kinds:
    """What the functions of a ruleset's conditions are, as the linter needs to know them."""

    symmetric: frozenset[str]
    """Functions of two actors that are the same either way round (a pair's values)."""
    boolean: frozenset[str]
    """Functions that are true or false."""
    fractions: frozenset[str]
    """Values that are shares, 0–1, rather than whole numbers."""


def kinds_of(ruleset: Ruleset | None = None) -> Kinds:
    """The :class:`Kinds` of a ruleset's functions (the default ruleset's if none is given)."""
    if ruleset is None:
        ruleset = find_ruleset(Rules().name)
    found = _KINDS.get(ruleset.name)
    if found is None or found[0] is not ruleset:
        tracks = ruleset.tracks.values()
        kinds = Kinds(
            symmetric=frozenset({t.name for t in tracks if t.scope == "pair"}
                                | {n for n, f in ruleset.functions.items() if f.symmetric}),
            boolean=frozenset(n for n, sig in functions_of(ruleset).items() if sig.returns == "bool"),
            fractions=frozenset(t.name for t in tracks if t.type is float),
        )
        found = _KINDS[ruleset.name] = (ruleset, kinds)
    return found[1]


_KINDS: dict[str, tuple[Ruleset, Kinds]] = {}
INF = math.inf


def scenario_kinds(s: Scenario, ruleset: Ruleset | None = None) -> Kinds:
    """The :class:`Kinds` of the functions of ``s``'s conditions: its ruleset's (the one named
    if not given) and those of its own values (``[[tracks]]``)."""
    kinds = kinds_of(ruleset or find_ruleset(s.rules.name))
    own = s.own_tracks.values()
    if not own:
        return kinds
    return Kinds(
        symmetric=kinds.symmetric | {t.name for t in own if t.scope == "pair"},
        boolean=kinds.boolean | {t.name for t in own if t.type is bool},
        fractions=kinds.fractions,
    )


@frozen
class Span:
    """An interval of numbers; ``lo_open``/``hi_open`` leave the end out."""

    lo: float
    """The lower end; ``-INF`` for none."""
    hi: float
    """The upper end; ``INF`` for none."""
    lo_open: bool = False
    """Whether ``lo`` itself is left out."""
    hi_open: bool = False
    """Whether ``hi`` itself is left out."""

    @property
    def empty(self) -> bool:
        """Whether no number is in the span."""
        return self.lo > self.hi or (self.lo == self.hi and (self.lo_open or self.hi_open))

    @property
    def point(self) -> bool:
        """Whether exactly one number is in the span.

        >>> Span(3, 3).point, Span(3, 4).point
        (True, False)
        """
        return self.lo == self.hi and not self.empty

    def meet(self, other: Span) -> Span:
        """The numbers in both spans (possibly :attr:`empty`).

        >>> print(Span(0, 10).meet(Span(5, INF)))
        5–10
        """
        lo, lo_open = max((self.lo, self.lo_open), (other.lo, other.lo_open),
                          key=lambda e: (e[0], e[1]))
        hi, hi_open = min((self.hi, not self.hi_open), (other.hi, not other.hi_open),
                          key=lambda e: (e[0], e[1]))
        return Span(lo, hi, lo_open, not hi_open)

    def __str__(self) -> str:
        if self.point:
            return number(self.lo)
        if self.hi == INF:
            return f"{number(self.lo)} or more"
        return f"{number(self.lo)}–{number(self.hi)}"


def number(x: float) -> str:
    """A number as a warning shows it: ``60``, ``0.5``, ``∞``."""
    return "∞" if x == INF else f"{x:g}"


def key_of(name: str, args: tuple[str, ...], kinds: Kinds | None = None) -> Key:
    """The value ``name(*args)`` reads, with the ids of a symmetric pair in order.

    >>> key_of("tension", ("red", "blue"))
    ('tension', ('blue', 'red'))
    """
    symmetric = (kinds or kinds_of()).symmetric
    return (name, pair(*args) if name in symmetric and len(args) == 2 else args)


def call_text(key: Key) -> str:
    """A value as a condition writes it: ``tension('blue', 'red')``, ``turn``."""
    name, args = key
    if not args and name in ("turn", "turns"):
        return name
    return f"{name}({', '.join(repr(a) for a in args)})"


def calls(source: str, kinds: Kinds | None = None) -> set[Key]:
    """The values a (valid) condition reads, ``turn`` included when it is used.

    >>> sorted(calls("turn > 3 and tension('red', 'blue') >= min(50, 60)"))
    [('tension', ('blue', 'red'))]
    """
    tree = ast.parse(source.lstrip(), mode="eval")
    out: set[Key] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id not in _ARITHMETIC):
            # In a valid condition only min, max and abs take numbers: every other argument is an id.
            args = tuple(a.value for a in node.args
                         if isinstance(a, ast.Constant) and isinstance(a.value, str))
            out.add(key_of(node.func.id, args, kinds))
    return out


class Ranges:
    """What each value a condition reads can be during play of one scenario, and whether a
    condition can be true there."""

    def __init__(self, s: Scenario, ruleset: Ruleset, numbers: Mapping[str, Any]) -> None:
        self.s = s
        self.ruleset = ruleset
        self.kinds = scenario_kinds(s, ruleset)
        self.functions = functions_for(ruleset, s.own_tracks)
        self.own = frozenset(s.own_tracks)
        """The scenario's own values: only injects (and the facilitator) change them."""
        self.start = initial_state(s, numbers, ruleset)
        self.facts = Facts(self.start)
        self.ids = s.ids()
        changes = ruleset.changes
        self.ruleset_changes: frozenset[str] | None = (
            None if changes is None
            else frozenset(v for values in changes.values() for v in values))
        """The values the ruleset's moves and steps change; None if it does not say."""
        self.inject_changes: set[Key] = set()
        """The values an inject's effects change."""
        for inj in s.injects:
            for e in inj.effects:
                self.inject_changes.add(key_of(e.value, tuple(e.of), self.kinds))
        self.forces_of = {a: tuple(f.id for f in s.forces if f.owner == a) for a in s.actor_ids}
        self.last_turn, self.cut_by = self._last_turn()

    def moved_by_play(self, key: Key) -> bool:
        """Whether a move, a step of the ruleset or an inject can change this value."""
        name, args = key
        if name in ("fired", "drew"):
            return True  # injects fire as turns go by; a draw is made when the session starts
        if name in self.own:  # no move and no step of the ruleset changes a scenario's own value
            return key in self.inject_changes
        own = self.ruleset.functions.get(name)
        value = own.steps_of if own is not None and own.steps_of else name
        if self.ruleset_changes is None or value in self.ruleset_changes:
            return not self.static(key).point if name not in self.kinds.boolean else True
        return key_of(value, args, self.kinds) in self.inject_changes

    def static(self, key: Key) -> Span:
        """The range a numeric value can take in this scenario, whatever happens."""
        name, args = key
        if name == "turn":
            return Span(1, self.last_turn)
        if name == "turns":
            return Span(self.s.turns.limit, self.s.turns.limit)
        own = self.ruleset.functions.get(name)
        if own is not None:
            if own.span is not None:
                return Span(*own.span(self.start, args))
            if own.steps_of:
                lo, hi = self.static((own.steps_of, args)).lo, self.static((own.steps_of, args)).hi
                return Span(lo // own.step, hi // own.step)
            return Span(0, INF)
        track = self.start.tracks.get(name)
        if track is not None and track.range is not None:
            return Span(*track.range)
        if name == "forces_in":
            return Span(0, len(self.forces_of[args[0]]))
        return Span(0, INF)  # broken, and any count

    def start_value(self, key: Key) -> Any:
        """The value at the start of the exercise."""
        name, args = key
        return getattr(self.facts, name)(*args)

    def domain(self, key: Key) -> Span | frozenset[bool]:
        """What a value can be during play: its range, or its starting value if nothing in
        the game changes it."""
        name = key[0]
        if name in ("turn", "turns"):
            return self.static(key)
        moved = self.moved_by_play(key)
        if name in self.kinds.boolean:
            return frozenset({False, True}) if moved else frozenset({bool(self.start_value(key))})
        if moved:
            return self.static(key)
        v = self.start_value(key)
        return Span(v, v)

    def _last_turn(self) -> tuple[int, int | None]:
        """The last turn that can be played, and the ending (index) that stops it there: an
        ending that reads only the turn is certain to end the exercise."""
        last, by = self.s.turns.limit, None
        for i, e in enumerate(self.s.endings):
            cond = compile_condition(e.when, self.ids, self.functions)
            if cond.names:
                continue
            for t in range(1, last):
                # Only the turn: the condition reads nothing else (cond.names is empty).
                if cond(_TurnOnly(t, self.s.turns.limit)):  # type: ignore[arg-type]
                    last, by = t, i
                    break
        return last, by

    def never(self, source: str, fixed: Mapping[Key, bool]) -> str | None:
        """Why ``source`` can never be true, or None if it may be; ``fixed`` pins boolean
        values (an inject's own ``fired``) for the question."""
        tree = ast.parse(source.lstrip(), mode="eval")
        solver = _Solver(self, fixed)
        if solver.alternatives(tree.body, True):
            return None
        return solver.reasons[0] if solver.reasons else "it is false whatever happens"

    def always(self, source: str) -> bool:
        """Whether ``source`` is true whatever happens (its negation can never hold)."""
        tree = ast.parse(source.lstrip(), mode="eval")
        return not _Solver(self, {}).alternatives(tree.body, False)


class _TurnOnly:
    """Facts for a condition that reads only the turn."""

    def __init__(self, turn: int, turns: int) -> None:
        self.turn = turn
        self.turns = turns


# A conjunct: every value it bounds, with its allowed values and the conditions that bound it.
Bound = tuple[Span | frozenset[bool], tuple[str, ...]]
Conjunct = dict[Key, Bound]

_FLIP = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq,
         ast.NotEq: ast.NotEq}
_NEGATE = {ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt, ast.Eq: ast.NotEq,
           ast.NotEq: ast.Eq}
_SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_MAX_ALTERNATIVES = 256
_ANY: list[Conjunct] = [{}]


class _Solver:
    """Turns a condition into alternatives of bounds, dropping those that cannot hold."""

    def __init__(self, ranges: Ranges, fixed: Mapping[Key, bool]) -> None:
        self.ranges = ranges
        self.kinds = ranges.kinds
        self.fixed = fixed
        self.reasons: list[str] = []

    def domain(self, key: Key) -> Span | frozenset[bool]:
        if key in self.fixed:
            return frozenset({self.fixed[key]})
        return self.ranges.domain(key)

    def alternatives(self, node: ast.expr, positive: bool) -> list[Conjunct]:
        """The conjuncts one of which holds whenever ``node`` is ``positive``; [{}] if unknown."""
        if isinstance(node, ast.BoolOp):
            conjunctive = isinstance(node.op, ast.And) == positive
            parts = [self.alternatives(v, positive) for v in node.values]
            if not conjunctive:
                joined = [c for p in parts for c in p]
                return joined if len(joined) <= _MAX_ALTERNATIVES else _ANY
            out: list[Conjunct] = [{}]
            for p in parts:
                out = [m for a in out for b in p if (m := self.merge(a, b)) is not None]
                if len(out) > _MAX_ALTERNATIVES:
                    return _ANY
            return out
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self.alternatives(node.operand, not positive)
        truth = _truth(node)
        if truth is not None:
            return _ANY if truth == positive else []
        if isinstance(node, ast.Call):
            key = self.variable(node)
            if key is not None:
                text = _source(node) if positive else f"not {_source(node)}"
                return self.bound(key, frozenset({positive}), text)
            return _ANY
        if isinstance(node, ast.Compare):
            return self.compare(node, positive)
        return _ANY

    def compare(self, node: ast.Compare, positive: bool) -> list[Conjunct]:
        pieces: list[tuple[ast.expr, type[ast.cmpop], ast.expr]] = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            pieces.append((left, type(op), right))
            left = right
        if positive:  # a < b < c: every piece holds
            out: list[Conjunct] = [{}]
            for piece in pieces:
                out = [m for a in out for b in self.piece(*piece) if (m := self.merge(a, b))
                       is not None]
            return out
        # not (a < b < c): one of the pieces fails
        joined = [c for lt, op, rt in pieces for c in self.piece(lt, _NEGATE[op], rt)]
        return joined if len(joined) <= _MAX_ALTERNATIVES else _ANY

    def piece(self, left: ast.expr, op: type[ast.cmpop], right: ast.expr) -> list[Conjunct]:
        text = f"{_source(left)} {_SYMBOL[op]} {_source(right)}"
        for var, other, o in ((left, right, op), (right, left, _FLIP[op])):
            key = self.variable(var)
            if key is None:
                continue
            truth = _truth(other)
            if key[0] in self.kinds.boolean and truth is not None and o in (ast.Eq, ast.NotEq):
                return self.bound(key, frozenset({truth == (o is ast.Eq)}), text)
            c = self.value(other)
            if key[0] not in self.kinds.boolean and c is not None and c.point:
                return self.numeric(key, o, c.lo, text)
        lo, hi = self.value(left), self.value(right)
        if lo is None or hi is None:
            return _ANY
        if _possible(op, lo, hi):
            return _ANY
        self.reasons.append(f"{text} is impossible ({_source(left)} is {lo}, "
                            f"{_source(right)} is {hi})")
        return []

    def numeric(self, key: Key, op: type[ast.cmpop], c: float, text: str) -> list[Conjunct]:
        if op is ast.NotEq:
            return (self.numeric(key, ast.Lt, c, text) + self.numeric(key, ast.Gt, c, text))
        integer = key[0] not in self.kinds.fractions and key[0] != "turns"
        if integer:
            lo, hi = -INF, INF
            if op is ast.Gt:
                lo = math.floor(c) + 1
            elif op is ast.GtE:
                lo = math.ceil(c)
            elif op is ast.Lt:
                hi = math.ceil(c) - 1
            elif op is ast.LtE:
                hi = math.floor(c)
            elif float(c).is_integer():
                lo = hi = c
            else:
                lo, hi = 1, 0  # a whole number never equals a fraction
            own = self.ranges.ruleset.functions.get(key[0])
            if own is not None and own.steps_of:  # a rung = tension // 10: bound the tension itself
                step = own.step
                key = (own.steps_of, key[1])
                lo, hi = lo * step, (hi * step + step - 1 if hi != INF else INF)
            span = Span(lo, hi)
        else:
            span = {
                ast.Gt: Span(c, INF, lo_open=True), ast.GtE: Span(c, INF),
                ast.Lt: Span(-INF, c, hi_open=True), ast.LtE: Span(-INF, c), ast.Eq: Span(c, c),
            }[op]
        return self.bound(key, span, text)

    def bound(self, key: Key, allowed: Span | frozenset[bool], text: str) -> list[Conjunct]:
        merged = self.merge({key: (self.domain(key), ())}, {key: (allowed, (text,))})
        return [] if merged is None else [{key: merged[key]}]

    def merge(self, a: Conjunct, b: Conjunct) -> Conjunct | None:
        out = dict(a)
        for key, (allowed, texts) in b.items():
            if key not in out:
                out[key] = (allowed, texts)
                continue
            had, had_texts = out[key]
            both = _meet(had, allowed)
            all_texts = had_texts + tuple(t for t in texts if t not in had_texts)
            if both is None:
                self.reasons.append(self.why(key, all_texts))
                return None
            out[key] = (both, all_texts)
        return out

    def why(self, key: Key, texts: tuple[str, ...]) -> str:
        if len(texts) > 1:
            return f"{' and '.join(texts)} cannot all hold"
        text, call, d = texts[0], call_text(key), self.domain(key)
        shown = str(d) if isinstance(d, Span) else str(next(iter(d))).lower()
        if key in self.fixed:
            return f"{text} is impossible: an inject's own {call} is false until it has fired"
        if key[0] == "turn":
            cut = self.ranges.cut_by
            stop = (f"ending '{self.ranges.s.endings[cut].id}' stops the exercise after turn "
                    f"{self.ranges.last_turn}" if cut is not None else "the turn limit")
            return f"{text} is impossible: turn is {shown} ({stop})"
        if key[0] not in self.kinds.boolean and self.ranges.static(key).point:
            return f"{text} is impossible: {call} is always {shown} in this scenario"
        if not self.ranges.moved_by_play(key):
            return (f"{text} is impossible: {call} is always {shown} (no move and no inject "
                    "changes it)")
        return f"{text} is impossible: {call} is {shown}"

    def variable(self, node: ast.expr) -> Key | None:
        """The value a node reads directly (a call or ``turn``), or None."""
        if isinstance(node, ast.Name) and node.id == "turn":
            return ("turn", ())
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id not in _ARITHMETIC):
            ids = tuple(a.value for a in node.args
                        if isinstance(a, ast.Constant) and isinstance(a.value, str))
            if len(ids) == len(node.args):  # every argument a literal id
                return key_of(node.func.id, ids, self.kinds)
        return None

    def value(self, node: ast.expr) -> Span | None:
        """The range of a numeric expression, or None if unknown."""
        if isinstance(node, ast.Constant) and (type(node.value) is int or type(node.value) is float):
            return Span(node.value, node.value)
        if isinstance(node, ast.Name) and node.id == "turns":
            return self.ranges.static(("turns", ()))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            v = self.value(node.operand)
            if v is None or isinstance(node.op, ast.UAdd):
                return v
            return Span(-v.hi, -v.lo)
        if isinstance(node, ast.BinOp):
            a, b = self.value(node.left), self.value(node.right)
            if a is None or b is None:
                return None
            return _arithmetic(node.op, a, b)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in _ARITHMETIC):
            spans = [self.value(a) for a in node.args]
            if any(s is None for s in spans):
                return None
            known = [s for s in spans if s is not None]
            if node.func.id == "min":
                return Span(min(s.lo for s in known), min(s.hi for s in known))
            if node.func.id == "max":
                return Span(max(s.lo for s in known), max(s.hi for s in known))
            s = known[0]
            if s.lo >= 0:
                return Span(s.lo, s.hi)
            return Span(0 if s.hi >= 0 else -s.hi, max(-s.lo, s.hi))
        key = self.variable(node)
        if key is not None and key[0] not in self.kinds.boolean:
            d = self.domain(key)
            return d if isinstance(d, Span) else None
        return None


def _truth(node: ast.expr) -> bool | None:
    """``true``/``false`` written in a condition, or None."""
    if isinstance(node, ast.Name) and node.id in ("true", "false"):
        return node.id == "true"
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    return None


def _source(node: ast.expr) -> str:
    return ast.unparse(node).replace('"', "'")


def _meet(a: Span | frozenset[bool], b: Span | frozenset[bool]) -> Span | frozenset[bool] | None:
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        both = a & b
        return both or None
    if isinstance(a, Span) and isinstance(b, Span):
        m = a.meet(b)
        return None if m.empty else m
    return None


def _possible(op: type[ast.cmpop], a: Span, b: Span) -> bool:
    """Whether ``x op y`` can hold for some x in ``a`` and y in ``b`` (ends taken as closed)."""
    if op is ast.Lt:
        return a.lo < b.hi
    if op is ast.LtE:
        return a.lo <= b.hi
    if op is ast.Gt:
        return a.hi > b.lo
    if op is ast.GtE:
        return a.hi >= b.lo
    if op is ast.Eq:
        return a.lo <= b.hi and b.lo <= a.hi
    return not (a.point and b.point and a.lo == b.lo)


def _arithmetic(op: ast.operator, a: Span, b: Span) -> Span | None:
    if isinstance(op, ast.Add):
        return Span(a.lo + b.lo, a.hi + b.hi)
    if isinstance(op, ast.Sub):
        return Span(a.lo - b.hi, a.hi - b.lo)
    if isinstance(op, ast.Mult | ast.Div):
        if isinstance(op, ast.Div):
            if b.lo <= 0 <= b.hi:
                return None  # a division by zero makes the condition false; too rare to track
            b = Span(1 / b.hi, 1 / b.lo)
        corners = [x * y for x in (a.lo, a.hi) for y in (b.lo, b.hi)
                   if not (math.isinf(x) and y == 0) and not (math.isinf(y) and x == 0)]
        if not corners:
            return None
        return Span(min(corners), max(corners))
    return None
