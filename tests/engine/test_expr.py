"""Safe condition expressions: what they compute, what they refuse, and what it costs."""

from __future__ import annotations

import doctest
import inspect
import operator
import timeit
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from detente.engine import expr
from detente.engine.expr import (
    ENGINE_FUNCTIONS,
    MAX_LENGTH,
    VARIABLES,
    Condition,
    ExpressionError,
    compile_condition,
    compile_expression,
    reference_table,
)
from detente.engine.ruleset import find_ruleset, functions_of

IDS: dict[str, set[str]] = {
    "actor": {"blue", "red", "green"},
    "alliance": {"nato", "pact"},
    "region": {"baltic", "black-sea"},
    "force": {"fleet", "wing"},
    "inject": {"storm", "leak"},
    "draw": {"weather"},
    "option": {"calm-seas", "gale"},
    "move": {"announce", "sail"},
    "choice:announce": {"calm", "stern"},
    "pledge": {"no_sailing"},
    "severity": {"minor", "grave"},
}
SAMPLE = {"actor": ("blue", "red"), "alliance": ("nato",), "region": ("baltic",),
          "force": ("fleet",), "inject": ("storm",), "draw": ("weather",), "option": ("gale",),
          "move": ("announce",)}
FUNCTIONS = functions_of(find_ruleset("defense-diplomacy"))
"""The functions of the bundled ruleset's conditions: its tracked values, its own, the engine's."""
FACT_FUNCTIONS = [name for name in FUNCTIONS if name not in ("min", "max", "abs")]


class FakeFacts:
    """Answers every question: from ``values`` if set there, otherwise a fixed pseudo-random
    value, so that any well-formed call gets an answer."""

    def __init__(self, turn: int = 3, turns: int = 10, seed: int = 0, **values: Any) -> None:
        self.turn = turn
        self.turns = turns
        self.seed = seed
        self.values = values  # "tension:blue:red" -> 75
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def _answer(self, name: str, *args: str, **named: str) -> Any:
        args += tuple(f"{k}={v}" for k, v in sorted(named.items()))
        self.asked.append((name, args))
        key = ":".join((name, *args))
        if key in self.values:
            return self.values[key]
        if name in ("tension", "rung", "proximity", "hotline", "agreement", "incidents", "crisis"):
            args = tuple(sorted(args))  # these are the same either way round
        n = zlib.crc32(f"{self.seed}:{name}:{args}".encode())
        if FUNCTIONS[name].returns == "bool":
            return n % 2 == 0
        return {"information": n % 101 / 100, "answer": n % 11 / 10, "readiness": n % 5,
                "proximity": n % 6, "rung": n % 11}.get(name, n % 101)

    def tension(self, a: str, b: str) -> int:
        return self._answer("tension", a, b)

    def rung(self, a: str, b: str) -> int:
        return self._answer("rung", a, b)

    def proximity(self, a: str, b: str) -> int:
        return self._answer("proximity", a, b)

    def hotline(self, a: str, b: str) -> bool:
        return self._answer("hotline", a, b)

    def agreement(self, a: str, b: str) -> bool:
        return self._answer("agreement", a, b)

    def crisis(self, a: str, b: str) -> bool:
        return self._answer("crisis", a, b)

    def blamed(self, a: str, b: str) -> int:
        return self._answer("blamed", a, b)

    def incidents(self, a: str, b: str) -> int:
        return self._answer("incidents", a, b)

    def trust(self, a: str, b: str) -> int:
        return self._answer("trust", a, b)

    def threat(self, a: str, b: str) -> int:
        return self._answer("threat", a, b)

    def information(self, a: str, b: str) -> float:
        return self._answer("information", a, b)

    def credibility(self, a: str, b: str) -> int:
        return self._answer("credibility", a, b)

    def answer(self, a: str, b: str) -> float:
        return self._answer("answer", a, b)

    def readiness(self, actor: str) -> int:
        return self._answer("readiness", actor)

    def pressure(self, actor: str) -> int:
        return self._answer("pressure", actor)

    def cohesion(self, alliance: str) -> int:
        return self._answer("cohesion", alliance)

    def deployed(self, force: str, region: str) -> bool:
        return self._answer("deployed", force, region)

    def forces_in(self, actor: str, region: str) -> int:
        return self._answer("forces_in", actor, region)

    def called(self, a: str, b: str) -> bool:
        return self._answer("called", a, b)

    def answered(self, a: str, b: str) -> bool:
        return self._answer("answered", a, b)

    def declined(self, a: str, b: str) -> bool:
        return self._answer("declined", a, b)

    def pledged(self, a: str, b: str) -> bool:
        return self._answer("pledged", a, b)

    def broken(self, actor: str) -> int:
        return self._answer("broken", actor)

    def refused(self, a: str, b: str) -> bool:
        return self._answer("refused", a, b)

    def unanswered(self, a: str, b: str) -> bool:
        return self._answer("unanswered", a, b)

    def pledges(self, actor: str, **named: str) -> int:
        return self._answer("pledges", actor, **named)

    def made(self, actor: str, move: str, **named: str) -> int:
        return self._answer("made", actor, move, **named)

    def incidents_of(self, **named: str) -> int:
        return self._answer("incidents_of", **named)

    def fired(self, inject: str) -> bool:
        return self._answer("fired", inject)

    def drew(self, draw: str, option: str) -> bool:
        return self._answer("drew", draw, option)


def _args(name: str) -> tuple[str, ...]:
    used: dict[str, int] = {}
    args = []
    for kind in FUNCTIONS[name].params:
        used[kind] = used.get(kind, -1) + 1
        args.append(SAMPLE[kind][used[kind]])
    return tuple(args)


def _call(name: str, args: tuple[str, ...]) -> str:
    return f"{name}({', '.join(repr(a) for a in args)})"


def _error(source: str, ids: Any = IDS) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        compile_condition(source, ids)
    return caught.value


# -- what conditions compute ------------------------------------------------------------------


@pytest.mark.parametrize("name", FACT_FUNCTIONS)
def test_each_function_asks_the_facts_with_its_ids(name: str) -> None:
    args = _args(name)
    key = ":".join((name, *args))
    if FUNCTIONS[name].returns == "bool":
        condition = compile_condition(_call(name, args), IDS)
        assert condition(FakeFacts(**{key: True})) is True
        assert condition(FakeFacts(**{key: False})) is False
        assert compile_condition("not " + _call(name, args), IDS)(FakeFacts(**{key: False}))
    else:
        condition = compile_condition(f"{_call(name, args)} == 0.25", IDS)
        assert condition(FakeFacts(**{key: 0.25})) is True
        assert condition(FakeFacts(**{key: 1})) is False
    facts = FakeFacts()
    condition(facts)
    assert facts.asked == [(name, args)]
    assert condition.names == {(name, args)}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("min(3, turn, 7) == 3", True),
        ("min(turn, 7) == 4", True),
        ("max(1, turn) == 4", True),
        ("max(1, 2, 3, turn - 10) == 3", True),
        ("abs(turn - 10) == 6", True),
        ("abs(-2.5) == 2.5", True),
        ("turns == 12 and turn == 4", True),
        ("turn >= 3 and turns < 10", False),
        ("turn > 9 or turns > 9", True),
        ("not turn > 9", True),
        ("not not true", True),
        ("2 < turn < 5", True),
        ("2 < turn < 4 < turns", False),
        ("1 <= turn <= 4 <= turns != 11", True),
        ("1 + 2 * 3 == 7", True),
        ("(1 + 2) * 3 == 9", True),
        ("turn / 8 == 0.5", True),
        ("-turn + +turn == 0", True),
        ("turn - 1 - 1 == 2", True),
        ("true and True", True),
        ("false or False", False),
        ("not true or true", True),
        ("true == (turn > 3)", True),
        ("false != true", True),
        ("  turn == 4", True),
    ],
)
def test_operators(source: str, expected: bool) -> None:
    assert compile_condition(source, IDS)(FakeFacts(turn=4, turns=12)) is expected


def test_a_condition_with_a_typical_shape() -> None:
    when = compile_condition("tension('blue', 'red') >= 70 and turn >= 3", IDS)
    assert when(FakeFacts(turn=3, **{"tension:blue:red": 70})) is True
    assert when(FakeFacts(turn=2, **{"tension:blue:red": 70})) is False
    assert when(FakeFacts(turn=3, **{"tension:blue:red": 69})) is False
    assert when.evaluate(FakeFacts(turn=3, **{"tension:blue:red": 70})) is True


def test_a_condition_over_several_lines() -> None:
    source = "\n  (tension('blue', 'red') >= 70\n   and hotline('blue', 'red'))\n"
    when = compile_condition(source, IDS)
    assert when(FakeFacts(**{"tension:blue:red": 80, "hotline:blue:red": True}))
    error = _error("\n  (tension('blue', 'red') >= 70\n   and hotline('blue', 'gren'))")
    assert (error.line, error.column) == (3, 24)
    assert "line 3, column 24" in str(error)


def test_division_by_zero_makes_a_condition_false() -> None:
    when = compile_condition("tension('blue', 'red') / incidents('blue', 'red') < 10", IDS)
    assert when(FakeFacts(**{"tension:blue:red": 50, "incidents:blue:red": 0})) is False
    assert when(FakeFacts(**{"tension:blue:red": 50, "incidents:blue:red": 10})) is True
    assert compile_condition("not (1 / 0 > 0)", IDS)(FakeFacts()) is False
    assert compile_condition("1 / 0.0 > 0 or true", IDS)(FakeFacts()) is False
    assert compile_condition("true or 1 / 0 > 0", IDS)(FakeFacts()) is True


def test_truthy_answers_come_out_as_bools() -> None:
    when = compile_condition("hotline('blue', 'red')", IDS)
    assert when(FakeFacts(**{"hotline:blue:red": 1})) is True
    assert when(FakeFacts(**{"hotline:blue:red": 0})) is False


def test_numeric_expressions() -> None:
    amount = compile_expression("max(0, tension('blue', 'red') - 60) / 2", IDS)
    assert amount(FakeFacts(**{"tension:blue:red": 70})) == 5
    assert amount.names == {("tension", ("blue", "red"))}
    assert compile_expression("turn / (turns - 10)", IDS)(FakeFacts(turns=10)) == 0
    with pytest.raises(ExpressionError, match="must be a number, but `turn > 1` is true or"):
        compile_expression("turn > 1", IDS)


def test_conditions_are_values() -> None:
    a = compile_condition("fired('storm') and not fired('leak')", IDS)
    b = compile_condition("fired('storm') and not fired('leak')", IDS)
    assert a == b and hash(a) == hash(b)
    assert a.names == {("fired", ("storm",)), ("fired", ("leak",))}
    assert "evaluate" not in repr(a)
    assert compile_condition("min(turn, 3) > 1", IDS).names == frozenset()


def test_the_compiled_code_has_no_builtins() -> None:
    when = compile_condition("turn > 1", IDS)
    assert when.evaluate.__globals__["__builtins__"] == {}
    assert set(when.evaluate.__globals__) == {"__builtins__", "ArithmeticError", "min", "max",
                                              "abs", "_compiled"}


# -- what conditions refuse -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "column", "message"),
    [
        ("__import__('os')", 1, "unknown function '__import__'"),
        ("().__class__", 3, "'.__class__' is not allowed"),
        ("tension('blue', 'red').real > 1", 23, "'.real' is not allowed"),
        ("tension('blue', 'red').__class__.__base__", 23, "'.__class__' is not allowed"),
        ("''.join(x)", 3, "'.join' is not allowed"),
        ("[x for x in ()]", 1, "comprehensions"),
        ("turn > 1 and (x for x in ())", 14, "comprehensions"),
        ("lambda: 1", 1, "'lambda' is not allowed"),
        ("(lambda: true)()", 2, "'lambda' is not allowed"),
        ("open('x')", 1, "unknown function 'open'"),
        ("2 ** 999999 > 1", 3, "'**' (power) is not allowed"),
        ("'a' * 10", 1, "text in quotes can only be an id"),
        ("turn == 'x'", 9, "text in quotes can only be an id"),
        ("turn if true else 0", 6, "'... if ... else ...' is not allowed"),
        ("f'{turn}'", 1, "f-strings are not allowed"),
        ("tension(a='blue', b='red') > 1", 9, "give the arguments without names"),
        ("min(1, 2, **{}) > 1", 11, "'**' unpacking is not allowed"),
        ("tension(*['blue', 'red']) > 1", 9, "'*' unpacking is not allowed"),
        ("turns[0] > 1", 6, "indexing with [...] is not allowed"),
        ("(turn := 3) > 1", 7, "':=' is not allowed"),
        ("turn // 2 > 1", 6, "'//' is not allowed"),
        ("turn % 2 == 0", 6, "'%' (remainder) is not allowed"),
        ("turn > 1 | 2", 10, "'|' is not allowed; use 'or'"),
        ("~turn > 0", 1, "'~' is not allowed"),
        ("turn in (1, 2)", 6, "'in' is not allowed"),
        ("turn not in (1, 2)", 6, "'not in' is not allowed"),
        ("turn is 3", 6, "'is' is not allowed"),
        ("import os", 1, "imports are not allowed"),
        ("None", 1, "None is not allowed"),
        ("1j > 0", 1, "imaginary numbers are not allowed"),
        ("[1] == [1]", 1, "lists [...] are not allowed"),
        ("{1} == {1}", 1, "sets {...} are not allowed"),
        ("turn >= 3,", 1, "makes a tuple"),
        ("(yield) > 1", 2, "'yield' is not allowed"),
        ("await turn", 1, "'await' is not allowed"),
        ("1 > 0 and _f", 11, "unknown name '_f'"),
        ("trun > 3", 1, "unknown name 'trun' — did you mean 'turn'?"),
        ("blue", 1, "'blue' is an actor id; ids go in quotes"),
        ("hotline", 1, "hotline is a function; call it, e.g. hotline('blue', 'green')"),
        ("turn() > 1", 1, "turn is a number, not a function"),
        ("Tension('blue', 'red') > 1", 1, "unknown function 'Tension' — did you mean 'tension'?"),
        ("tension('blue', 'red')() > 1", 1, "only the documented functions can be called"),
        ("turn = 3", 6, "use '==' to compare"),
        ("turn > 1 && true", 10, "use 'and' instead of '&&'"),
        ("turn => 3", 6, "write '>=' and '<=' with the '=' last"),
        ("turn > 1 AND true", 10, "in lower case"),
        ("turn ≥ 3", 6, "with plain characters"),
        ("turn > 1 and\nturn < 5", 13, "must be wrapped in parentheses"),
        ("(turn > 1", 1, "was never closed"),
        ("'é' +* 1", 6, "cannot read this"),
        ("'é' .real", 5, "'.real' is not allowed"),
        ("turn > \x00", 8, "the character '\\x00' is not allowed"),
        ("turn > 1 and \ud800", 14, "the character '\\ud800' is not allowed"),
        ("", 1, "a condition is empty"),
        ("  \n ", 1, "a condition is empty"),
    ],
)
def test_forbidden_constructs_are_refused_with_a_column(
    source: str, column: int, message: str
) -> None:
    error = _error(source)
    assert message in error.message
    assert error.column == column, error.message
    assert error.source == source


def test_unknown_ids() -> None:
    error = _error("tension('blue', 'gren') >= 70")
    assert error.message == ("unknown actor 'gren' — did you mean 'green'? "
                             "(known actors: blue, green, red)")
    assert error.column == 17
    assert error.pointer() == "tension('blue', 'gren') >= 70\n                ^"
    error = _error("fired('flood')")
    assert error.message == "unknown inject 'flood' — known injects: leak, storm"
    assert _error("cohesion('nato')", {}).message == (
        "unknown alliance 'nato' — the scenario has no alliances"
    )
    many = {"actor": {f"a{i:02}" for i in range(30)}}
    assert ", …" in _error("readiness('zz')", many).message


def test_ids_of_the_wrong_kind() -> None:
    error = _error("tension('baltic', 'red') > 1")
    assert error.message == "'baltic' is a region, but the 1st argument of tension must be an actor"
    assert error.column == 9
    assert _error("deployed('fleet', 'blue')").column == 19


def test_arguments_must_be_ids_in_quotes() -> None:
    error = _error("tension(blue, red) > 1")
    assert error.message == (
        "the 1st argument of tension must be an actor id in quotes: write 'blue'"
    )
    assert error.column == 9
    assert "id in quotes, e.g. 'blue'" in _error("readiness(1) > 1").message
    assert "id in quotes" in _error("fired(f'storm')").message


def test_a_pair_needs_two_different_actors() -> None:
    error = _error("tension('blue', 'blue') > 1")
    assert error.message == "tension needs two different actors, not 'blue' twice"
    assert error.column == 17


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("tension('blue') > 3", "tension takes 2 arguments (actor, actor), not 1: "
                                "e.g. tension('blue', 'green')"),
        ("fired('storm', 'leak')", "fired takes 1 argument (inject), not 2: e.g. fired('leak')"),
        ("hotline()", "hotline takes 2 arguments (actor, actor), not 0"),
        ("min(1) > 0", "min needs at least 2 numbers, e.g. min(10, 20)"),
        ("abs(1, 2) > 0", "abs takes 1 argument (number), not 2"),
    ],
)
def test_wrong_number_of_arguments(source: str, message: str) -> None:
    error = _error(source)
    assert error.message.startswith(message)
    assert error.column == 1


@pytest.mark.parametrize(
    ("source", "column", "message"),
    [
        ("turn", 1, "a condition must be true or false, but `turn` is a number — compare it, "
                    "e.g. `turn >= 3`"),
        ("(tension('blue', 'red') + 1)", 2, "a condition must be true or false, but "
                                            "`tension('blue', 'red') + 1` is a number"),
        ("tension('blue', 'red') + true > 1", 26, "'+' needs numbers on both sides, but `true` is "
                                                  "true or false, not a number"),
        ("hotline('blue', 'red') > 3", 1, "'>' compares numbers, but `hotline('blue', 'red')` is "
                                          "true or false — use it on its own"),
        ("3 < hotline('blue', 'red')", 5, "'<' compares numbers"),
        ("hotline('blue', 'red') == 1", 27, "'==' needs two numbers or two true/false values"),
        ("turn and true", 1, "'and' joins conditions that are true or false, but `turn` is a "
                             "number"),
        ("true or turns", 9, "'or' joins conditions"),
        ("not turn", 5, "'not' needs a condition that is true or false"),
        ("-fired('storm') < 0", 2, "'-' needs a number, but `fired('storm')` is true or false"),
        ("min(1, fired('storm')) > 0", 8, "min takes numbers"),
        ("abs(true) > 0", 5, "abs takes numbers"),
        ("turn > 1 > true", 12, "'>' compares numbers"),
    ],
)
def test_types_must_fit(source: str, column: int, message: str) -> None:
    error = _error(source)
    assert error.message.startswith(message), error.message
    assert error.column == column


def test_no_unbounded_work() -> None:
    long = "turn >= 1 and " * 36 + "true"
    assert len(long) > MAX_LENGTH
    error = _error(long)
    assert error.column == MAX_LENGTH + 1 and "at most 500 characters" in error.message
    error = _error("1+" * 150 + "1 > 0")
    assert error.column == 1 and "at most 200 parts" in error.message
    assert _error("(" * 201 + "1" + ")" * 201).column <= 201  # the parser's own limit


def test_errors_render_and_pickle() -> None:
    import pickle

    error = _error("tension('blue', 'gren') >= 70")
    assert str(error).endswith("(column 17)")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.column, copy.source, copy.line) == (
        error.message, error.column, error.source, error.line)


# -- properties -------------------------------------------------------------------------------

TOKENS = ["tension", "hotline", "min", "abs", "fired", "(", ")", "'blue'", "'red'", "'gren'",
          "'storm'", ",", "turn", "turns", " and ", " or ", "not ", ">=", "<", "==", "!=", "+",
          "-", "*", "/", "**", "0", "1", "2.5", "true", "false", "[", "]", ".", "lambda", ":",
          " if ", " else ", "\n", " ", "'", "é"]


def _check_outcome(source: str) -> None:
    try:
        condition = compile_condition(source, IDS)
    except ExpressionError as error:
        assert error.message and error.source == source
        assert error.line >= 1 and error.column >= 1
        str(error)
        error.pointer()
    else:
        assert isinstance(condition, Condition)
        assert condition(FakeFacts()) in (True, False)


@given(st.text(max_size=120))
def test_arbitrary_text_compiles_or_raises_an_expression_error(source: str) -> None:
    _check_outcome(source)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_near_miss_text_compiles_or_raises_an_expression_error(source: str) -> None:
    _check_outcome(source)


# A grammar of valid conditions, each paired with a reference evaluation in plain Python.
Gen = tuple[str, Callable[[FakeFacts], Any]]


def _fact(name: str) -> Gen:
    args = _args(name)
    return _call(name, args), lambda f: getattr(f, name)(*args)


def _constant(value: Any) -> Gen:
    return repr(value), lambda f: value


def _variable(name: str) -> Gen:
    return name, lambda f: getattr(f, name)


def _binary(parts: tuple[Gen, str, Gen]) -> Gen:
    (ls, lf), op, (rs, rf) = parts
    ops = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
    return f"({ls} {op} {rs})", lambda f: ops[op](lf(f), rf(f))


def _negate(part: Gen) -> Gen:
    return f"-({part[0]})", lambda f: -part[1](f)


def _builtin(parts: tuple[str, list[Gen]]) -> Gen:
    name, args = parts
    function = {"min": min, "max": max}[name]
    return (f"{name}({', '.join(s for s, _ in args)})",
            lambda f: function(*(g(f) for _, g in args)))


def _absolute(part: Gen) -> Gen:
    return f"abs({part[0]})", lambda f: abs(part[1](f))


numbers = st.recursive(
    st.one_of(
        st.integers(0, 100).map(_constant),
        st.sampled_from([0.5, 2.5, 0.0]).map(_constant),
        st.sampled_from(list(VARIABLES)).map(_variable),
        st.sampled_from([n for n in FACT_FUNCTIONS if FUNCTIONS[n].returns == "number"]).map(_fact),
    ),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from("+-*/"), inner).map(_binary),
        inner.map(_negate),
        inner.map(_absolute),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3))
        .map(_builtin),
    ),
    max_leaves=5,
)


def _compare(parts: tuple[Gen, list[tuple[str, Gen]]]) -> Gen:
    first, rest = parts
    ops = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
           "==": operator.eq, "!=": operator.ne}
    source = first[0] + "".join(f" {op} {s}" for op, (s, _) in rest)

    def reference(f: FakeFacts) -> bool:
        left = first[1](f)
        for op, (_, g) in rest:
            right = g(f)
            if not ops[op](left, right):
                return False
            left = right
        return True

    return f"({source})", reference


def _not(part: Gen) -> Gen:
    return f"not ({part[0]})", lambda f: not part[1](f)


def _join(parts: tuple[str, list[Gen]]) -> Gen:
    word, args = parts
    source = f" {word} ".join(f"({s})" for s, _ in args)
    if word == "and":
        return source, lambda f: all(g(f) for _, g in args)
    return source, lambda f: any(g(f) for _, g in args)


def _same(parts: tuple[Gen, str, Gen]) -> Gen:
    (ls, lf), op, (rs, rf) = parts
    if op == "==":
        return f"({ls}) == ({rs})", lambda f: lf(f) == rf(f)
    return f"({ls}) != ({rs})", lambda f: lf(f) != rf(f)


comparison_ops = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])
conditions = st.recursive(
    st.one_of(
        st.sampled_from([("true", True), ("false", False), ("True", True), ("False", False)])
        .map(lambda p: (p[0], lambda f: p[1])),
        st.sampled_from([n for n in FACT_FUNCTIONS if FUNCTIONS[n].returns == "bool"]).map(_fact),
        st.tuples(numbers, st.lists(st.tuples(comparison_ops, numbers), min_size=1, max_size=2))
        .map(_compare),
    ),
    lambda inner: st.one_of(
        inner.map(_not),
        st.tuples(st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3))
        .map(_join),
        st.tuples(inner, st.sampled_from(["==", "!="]), inner).map(_same),
    ),
    max_leaves=6,
)


@settings(max_examples=400)
@given(conditions, st.integers(1, 20), st.integers(0, 30), st.integers(0, 1000))
def test_generated_conditions_evaluate_like_python(
    generated: Gen, turn: int, turns: int, seed: int
) -> None:
    source, reference = generated
    assume(len(source) <= MAX_LENGTH)
    try:
        condition = compile_condition(source, IDS)
    except ExpressionError as error:
        assert "at most 200 parts" in error.message
        return
    try:
        expected = bool(reference(FakeFacts(turn, turns, seed)))
    except ZeroDivisionError:
        expected = False
    assert condition(FakeFacts(turn, turns, seed)) is expected


@settings(max_examples=400)
@given(conditions, st.integers(0, 500), st.integers(0, 3), st.sampled_from(TOKENS))
def test_edited_conditions_compile_or_raise_an_expression_error(
    generated: Gen, at: int, cut: int, token: str
) -> None:
    source = generated[0]
    at = at % (len(source) + 1)
    _check_outcome(source[:at] + token + source[at + cut :])
    _check_outcome(source[:at] + source[at + cut + 1 :])


# -- the documented table ---------------------------------------------------------------------


def test_the_state_facts_answer_every_engine_function_with_its_arguments() -> None:
    """The engine's own functions are methods of the facts of a state; the ruleset's values and
    functions are answered by name (tests/engine/test_conditions.py)."""
    from detente.engine.conditions import Facts as StateFacts

    for name, signature in ENGINE_FUNCTIONS.items():
        if name in ("min", "max", "abs"):
            continue
        parameters = list(inspect.signature(getattr(StateFacts, name)).parameters.values())[1:]
        positional = [p for p in parameters if p.kind == p.POSITIONAL_ONLY]
        named = [p.name for p in parameters if p.kind == p.KEYWORD_ONLY]
        assert len(positional) == len(signature.params), name
        assert named == [k for k, _ in signature.keywords], name
    assert {"turn", "turns"} == set(VARIABLES)


def test_the_docs_are_one_line_each() -> None:
    for signature in FUNCTIONS.values():
        assert "\n" not in signature.doc and signature.doc.endswith(".")
        assert signature.returns in ("number", "bool")
        assert set(signature.params) <= {*expr._PLURALS, "number"}
    table = reference_table()
    assert "| `tension(actor, actor)` | number |" in table
    assert "| `min(number, number, ...)` | number |" in table
    assert "| `turn` | number |" in table


def test_module_doctests() -> None:
    assert doctest.testmod(expr).failed == 0


# -- cost -------------------------------------------------------------------------------------


class LeanFacts:
    """Facts as cheap as they come, so that the timing measures the condition, not the facts."""

    __slots__ = ("_tension", "turn", "turns")

    def __init__(self) -> None:
        self.turn, self.turns, self._tension = 3, 10, {("blue", "red"): 75}

    def tension(self, a: str, b: str) -> int:
        return self._tension[a, b]


def _best(function: Callable[[Any], Any], facts: Any) -> float:
    return min(timeit.repeat(lambda: function(facts), number=20_000, repeat=7))


def test_evaluation_costs_about_what_a_hand_written_lambda_costs() -> None:
    when = compile_condition("tension('blue', 'red') >= 70 and turn >= 3", IDS)

    def hand(f: Any) -> bool:
        return f.tension("blue", "red") >= 70 and f.turn >= 3

    facts = LeanFacts()
    assert when(facts) is hand(facts) is True
    assert _best(when.evaluate, facts) < 1.5 * _best(hand, facts)
    assert _best(when, facts) < 4 * _best(hand, facts)
