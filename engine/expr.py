"""Safe condition expressions for scenario files.

A facilitator writes conditions in a scenario, for example::

    when = "tension('blue', 'red') >= 70 and turn >= 3"

:func:`compile_condition` reads such a condition once, when the scenario is loaded: it parses it,
checks it against a strict whitelist and the scenario's ids, and compiles it to a Python function.
Evaluating the :class:`Condition` then costs about what a hand-written lambda costs.

>>> ids = {"actor": {"blue", "red"}}
>>> when = compile_condition("tension('blue', 'red') >= 70 and turn >= 3", ids)
>>> sorted(when.names)
[('tension', ('blue', 'red'))]
>>> compile_condition("tension('blue', 'gren') >= 70", ids)
Traceback (most recent call last):
...
detente.engine.expr.ExpressionError: unknown actor 'gren' — known actors: blue, red (column 17)

A condition may contain ``and``, ``or``, ``not``; comparisons ``< <= > >= == !=`` (chained, as in
``3 <= turn <= 5``); ``+ - * /`` on numbers; numbers; ``true`` and ``false``; parentheses; the
variables in :data:`VARIABLES`; and calls of the ruleset's functions (one per value it tracks, its
own, and :data:`ENGINE_FUNCTIONS`), with ids in quotes.
Anything else is rejected with an :class:`ExpressionError` that says where and why.

A division by zero (or a number too large to handle) while a condition is evaluated makes the
condition false, and makes a numeric expression 0; it never stops the game.
"""

from __future__ import annotations

import ast
import bisect
import difflib
import re
import warnings
from collections.abc import Callable, Collection, Mapping
from typing import Any, Literal, NoReturn, Protocol, cast

import attrs

MAX_LENGTH = 500
"""The longest condition accepted, in characters."""
MAX_NODES = 200
"""The most expression nodes (numbers, names, calls, operators…) a condition may have."""

Result = Literal["number", "bool"]


@attrs.frozen
class Signature:
    """A function that conditions may call."""

    name: str
    """What the facilitator writes, e.g. ``"tension"``."""
    params: tuple[str, ...]
    """The kind of each argument: an id kind ("actor", "alliance", "region", "force", "inject"),
    or "number" for a numeric expression."""
    returns: Result
    """"number", or "bool" for a question answered true or false."""
    doc: str
    """One line for facilitators, with the unit and range."""
    variadic: bool = False
    """True if the last argument may be repeated (``min``, ``max``)."""

    @property
    def usage(self) -> str:
        """How to call it, e.g. ``tension(actor, actor)`` or ``min(number, number, ...)``."""
        return f"{self.name}({', '.join(self.params + (('...',) if self.variadic else ()))})"


_PAIR = ("actor", "actor")

ENGINE_FUNCTIONS: dict[str, Signature] = {
    s.name: s
    for s in (
        Signature("deployed", ("force", "region"), "bool",
                  "True if the force is in the region now."),
        Signature("forces_in", ("actor", "region"), "number",
                  "Number of the actor's forces in the region now (0 or more)."),
        Signature("called", _PAIR, "bool",
                  "True if the first actor has placed a hotline call to the second this session."),
        Signature("answered", _PAIR, "bool",
                  "True if the second actor has answered a hotline call from the first."),
        Signature("declined", _PAIR, "bool",
                  "True if the second actor declined, or left unanswered, "
                  "a hotline call from the first."),
        Signature("pledged", _PAIR, "bool",
                  "True if the first actor has made a pledge to the second that is still "
                  "in force."),
        Signature("broken", ("actor",), "number",
                  "Number of pledges the actor has broken so far (0 or more)."),
        Signature("fired", ("inject",), "bool",
                  "True if the inject has fired."),
        Signature("drew", ("draw", "option"), "bool",
                  "True if the draw (made when the session started) gave this option."),
        Signature("min", ("number", "number"), "number",
                  "The smallest of two or more numbers: min(forces_in('blue', 'strait'), 2).",
                  variadic=True),
        Signature("max", ("number", "number"), "number",
                  "The largest of two or more numbers: max(broken('blue'), 1).",
                  variadic=True),
        Signature("abs", ("number",), "number",
                  "A number without its sign: abs(-3) is 3."),
    )
}
"""The functions every ruleset's conditions may call, by name: about forces, calls, pledges,
injects, and arithmetic. A ruleset adds one per value it tracks and any of its own
(:func:`detente.engine.ruleset.functions_of`)."""

Functions = Mapping[str, Signature]


def default_functions() -> Functions:
    """The functions of the default ruleset's conditions (a scenario without ``[rules]``)."""
    global _DEFAULT
    if _DEFAULT is None:
        from detente.engine.ruleset import find_ruleset, functions_of
        from detente.engine.scenario import Rules

        _DEFAULT = functions_of(find_ruleset(Rules().name))
    return _DEFAULT


_DEFAULT: Functions | None = None


VARIABLES: dict[str, str] = {
    "turn": "The current turn, counting from 1.",
    "turns": "The scenario's number of turns (the turn limit).",
}
"""The numbers a condition may use by name."""

_BOOLEANS = {"true": True, "false": False}
_BUILTINS = {"min": min, "max": max, "abs": abs}  # the only callables not asked of the facts
_PLURALS = {"actor": "actors", "alliance": "alliances", "region": "regions", "force": "forces",
            "inject": "injects", "draw": "draws", "option": "draws' options"}


def reference_table(functions: Functions | None = None) -> str:
    """The variables and functions (of the default ruleset unless given) as a Markdown table,
    for docs/authoring.md."""
    rows = ["| write | gives | meaning |", "|---|---|---|"]
    rows += [f"| `{name}` | number | {doc} |" for name, doc in VARIABLES.items()]
    for s in (functions or default_functions()).values():
        rows.append(f"| `{s.usage}` | {'true/false' if s.returns == 'bool' else 'number'} | "
                    f"{s.doc} |")
    return "\n".join(rows)


class Facts(Protocol):
    """What a condition can ask about the game: the variables, and each function of its table
    by name (``facts.tension("blue", "red")``). :class:`detente.engine.conditions.Facts`
    implements it for a state."""

    @property
    def turn(self) -> int: ...
    @property
    def turns(self) -> int: ...
    def __getattr__(self, name: str) -> Callable[..., Any]: ...


class ExpressionError(Exception):
    """A condition that cannot be used, with the place in its source that is wrong."""

    def __init__(self, message: str, column: int, source: str, line: int = 1) -> None:
        super().__init__(message, column, source, line)
        self.message = message
        """What is wrong, and usually how to fix it, in words for facilitators."""
        self.column = column
        """1-based column in ``source`` (on ``line``, for a condition written over several)."""
        self.source = source
        """The condition as written."""
        self.line = line
        """1-based line within ``source``; 1 unless the condition spans several lines."""

    def __str__(self) -> str:
        where = f"column {self.column}"
        if self.line > 1:
            where = f"line {self.line}, {where}"
        return f"{self.message} ({where})"

    def pointer(self) -> str:
        """The offending line of the source with a caret under the column."""
        lines = _NEWLINE.split(self.source)
        text = lines[min(self.line, len(lines)) - 1]
        return f"{text}\n{' ' * (self.column - 1)}^"


@attrs.frozen
class Condition:
    """A checked, compiled condition; call it with the game's facts to get true or false."""

    source: str
    """The condition as written in the scenario."""
    names: frozenset[tuple[str, tuple[str, ...]]]
    """The calls it makes, as (function, ids), e.g. ``("tension", ("blue", "red"))``."""
    evaluate: Callable[[Facts], bool] = attrs.field(eq=False, repr=False)
    """The compiled function. ``condition.evaluate(facts)`` is ``condition(facts)`` without the
    cost of calling an object (about 2x for a short condition); use it in hot loops."""

    def __call__(self, facts: Facts) -> bool:
        """True if the condition holds. A division by zero makes it false."""
        return self.evaluate(facts)


@attrs.frozen
class Expression:
    """A checked, compiled numeric expression (an effect's amount, say); call it with facts."""

    source: str
    """The expression as written in the scenario."""
    names: frozenset[tuple[str, tuple[str, ...]]]
    """The calls it makes, as (function, ids)."""
    evaluate: Callable[[Facts], float] = attrs.field(eq=False, repr=False)
    """The compiled function; ``expression.evaluate(facts)`` is a faster ``expression(facts)``."""

    def __call__(self, facts: Facts) -> float:
        """The value. A division by zero makes it 0."""
        return self.evaluate(facts)


def compile_condition(
    source: str, ids: Mapping[str, Collection[str]], functions: Functions | None = None,
) -> Condition:
    """Check and compile a condition that must come out true or false.

    ``ids`` maps each id kind to the scenario's ids of that kind, e.g.
    ``{"actor": {"blue", "red"}, "region": {"baltic"}, ...}``; a kind left out has no ids.
    ``functions`` are those the scenario's ruleset lets conditions call
    (:func:`detente.engine.ruleset.functions_of`; the default ruleset's if not given).
    Raises :class:`ExpressionError` for anything that is not a valid condition.

    >>> when = compile_condition("hotline('blue', 'red') and turn >= 3", {"actor": {"blue", "red"}})
    >>> compile_condition("turn", {})
    Traceback (most recent call last):
    ...
    detente.engine.expr.ExpressionError: a condition must be true or false, but `turn` is \
a number — compare it, e.g. `turn >= 3` (column 1)
    """
    body, calls = _check(source, ids, "bool", functions)
    return Condition(source, calls, _build(body, _CONDITION))


def check_condition(
    source: str, ids: Mapping[str, Collection[str]], functions: Functions | None = None,
) -> frozenset[tuple[str, tuple[str, ...]]]:
    """Check a condition without compiling it; returns the calls it makes.

    Same errors as :func:`compile_condition` at about a third of the cost: the loader checks
    every condition of a file, and sessions compile them once, cached, when they start.

    >>> sorted(check_condition("tension('blue', 'red') > 50", {"actor": {"blue", "red"}}))
    [('tension', ('blue', 'red'))]
    """
    return _check(source, ids, "bool", functions)[1]


def compile_expression(
    source: str, ids: Mapping[str, Collection[str]], functions: Functions | None = None,
) -> Expression:
    """Check and compile an expression that must come out a number, e.g. ``tension('a', 'b') / 10``.

    Same rules and errors as :func:`compile_condition`.
    """
    body, calls = _check(source, ids, "number", functions)
    return Expression(source, calls, _build(body, _EXPRESSION))


# -- checking ---------------------------------------------------------------------------------

_ARITHMETIC = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_OPERATORS_NOT_ALLOWED = {
    ast.Pow: ("**", "'**' (power) is not allowed; multiply with '*' instead"),
    ast.FloorDiv: ("//", "'//' is not allowed; divide with '/' instead"),
    ast.Mod: ("%", "'%' (remainder) is not allowed"),
    ast.BitAnd: ("&", "'&' is not allowed; use 'and'"),
    ast.BitOr: ("|", "'|' is not allowed; use 'or'"),
    ast.BitXor: ("^", "'^' is not allowed"),
    ast.LShift: ("<<", "'<<' is not allowed"),
    ast.RShift: (">>", "'>>' is not allowed"),
    ast.MatMult: ("@", "'@' is not allowed"),
}
_ORDERINGS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_EQUALITIES = {ast.Eq: "==", ast.NotEq: "!="}
_COMPARISONS_NOT_ALLOWED = {ast.Is: "is", ast.IsNot: "is", ast.In: "in", ast.NotIn: "not"}
_CONSTRUCTS_NOT_ALLOWED: dict[type[ast.AST], str] = {
    ast.Lambda: "'lambda' is not allowed",
    ast.ListComp: "comprehensions ('for' inside brackets) are not allowed",
    ast.SetComp: "comprehensions ('for' inside brackets) are not allowed",
    ast.DictComp: "comprehensions ('for' inside brackets) are not allowed",
    ast.GeneratorExp: "comprehensions ('for' inside brackets) are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.List: "lists [...] are not allowed",
    ast.Tuple: "a comma outside a function call makes a tuple, which is not allowed",
    ast.Set: "sets {...} are not allowed",
    ast.Dict: "dictionaries {...} are not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
}
_NEWLINE = re.compile(r"\r\n|\r|\n")  # line ends as Python's tokenizer sees them
_UNREADABLE = re.compile("[\x00\ud800-\udfff]")  # Python's parser cannot take these
_LINES_HINT = "a condition written over several lines must be wrapped in parentheses"
# Hints for syntax errors, first match wins: the mistakes people who don't write Python make.
_SYNTAX_HINTS = [
    (re.compile(r"^\s*(import|from)\b"), "imports are not allowed"),
    (re.compile(r"&&"), "use 'and' instead of '&&'"),
    (re.compile(r"\|\|"), "use 'or' instead of '||'"),
    (re.compile(r"=>|=<"), "write '>=' and '<=' with the '=' last"),
    (re.compile(r"≥|≤|≠"), "write '>=', '<=' and '!=' with plain characters"),
    (re.compile(r"<>"), "use '!=' for 'not equal'"),
    (re.compile(r"(?<![=!<>:])=(?!=)"), "use '==' to compare; a single '=' is not a comparison"),
    (re.compile(r"!(?!=)"), "use 'not' instead of '!'"),
    (re.compile(r"\b(AND|OR|NOT|And|Or|Not)\b"), "write 'and', 'or' and 'not' in lower case"),
    (re.compile(r"[\r\n]"), _LINES_HINT),
]


class _Source:
    """A condition's text, turning the AST's byte offsets into lines and columns of the source."""

    def __init__(self, source: str) -> None:
        self.source = source
        # Leading blanks (common in TOML multi-line strings) would be an "unexpected indent".
        self.body = source.lstrip()
        lead = _NEWLINE.split(source[: len(source) - len(self.body)])
        self._line_shift = len(lead) - 1
        self._column_shift = len(lead[-1])
        self._bytes = self.body.encode("utf-8", "surrogatepass")
        self._line_starts = [0] + [m.end() for m in re.finditer(rb"\r\n|\r|\n", self._bytes)]

    def offset(self, lineno: int | None, col_offset: int | None) -> int:
        """A byte offset into the body from an AST (line, byte column) position."""
        lineno = min(max(lineno or 1, 1), len(self._line_starts))
        return self._line_starts[lineno - 1] + (col_offset or 0)

    def find(self, token: str, start: int, end: int) -> int:
        """The byte offset of ``token`` between two offsets, or ``start`` if it is not there."""
        found = self._bytes.find(token.encode(), start, end)
        return start if found < 0 else found

    def error(self, message: str, offset: int) -> ExpressionError:
        index = bisect.bisect_right(self._line_starts, offset) - 1
        text = self._bytes[self._line_starts[index] : offset].decode("utf-8", "ignore")
        return self.error_at(message, index + 1, len(text) + 1)

    def error_at_index(self, message: str, index: int) -> ExpressionError:
        """An error at a character index into the body."""
        lines = _NEWLINE.split(self.body[:index])
        return self.error_at(message, len(lines), len(lines[-1]) + 1)

    def error_at(self, message: str, lineno: int, column: int) -> ExpressionError:
        """An error at a 1-based (line, character column) of the body."""
        if lineno == 1:
            column += self._column_shift
        return ExpressionError(message, column, self.source, lineno + self._line_shift)


def _segment(text: _Source, node: ast.AST) -> str:
    segment = ast.get_source_segment(text.body, node) or "?"
    segment = " ".join(segment.split())
    return segment if len(segment) <= 40 else segment[:39] + "…"


def _check(
    source: str, ids: Mapping[str, Collection[str]], wanted: Result, functions: Functions | None,
) -> tuple[ast.expr, frozenset[tuple[str, tuple[str, ...]]]]:
    """Parse and check ``source``; return its (unrewritten) AST and the calls it makes."""
    text = _Source(source)
    what = "a condition" if wanted == "bool" else "an expression"
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"{what} can be at most {MAX_LENGTH} characters long (this one has {len(source)}); "
            "split it into simpler ones",
            MAX_LENGTH + 1,
            source,
        )
    if not text.body.strip():
        raise ExpressionError(f"{what} is empty", 1, source)
    try:
        with warnings.catch_warnings():  # e.g. invalid escapes in quotes; the checker decides
            warnings.simplefilter("ignore")
            tree = ast.parse(text.body, mode="eval")
    except (SyntaxError, ValueError) as error:  # ValueError: surrogates; null bytes before 3.11.4
        raise _syntax_error(text, error) from None
    if sum(isinstance(node, ast.expr) for node in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError(
            f"{what} can have at most {MAX_NODES} parts (numbers, names, calls, operators); "
            "split it into simpler ones",
            1,
            source,
        )
    checker = _Checker(text, ids, functions if functions is not None else default_functions())
    got = checker.check(tree.body)
    if got != wanted:
        segment = _segment(text, tree.body)
        if wanted == "bool":
            message = (f"a condition must be true or false, but `{segment}` is a number — "
                       f"compare it, e.g. `{segment} >= 3`")
        else:
            message = f"an expression must be a number, but `{segment}` is true or false"
        raise text.error(message, text.offset(tree.body.lineno, tree.body.col_offset))
    return tree.body, frozenset(checker.calls)


def _syntax_error(text: _Source, error: SyntaxError | ValueError) -> ExpressionError:
    bad = _UNREADABLE.search(text.body)
    if bad or not isinstance(error, SyntaxError):
        at = bad.start() if bad else 0
        return text.error_at_index(f"the character {text.body[at]!r} is not allowed", at)
    message = f"cannot read this: {error.msg}"
    for pattern, hint in _SYNTAX_HINTS:
        found = pattern.search(text.body)
        if found:
            message += f" — {hint}"
            if hint != _LINES_HINT:  # point at the mistake, not where Python gave up
                return text.error_at_index(message, found.start())
            break
    # SyntaxError.offset counts characters from 1, unlike the AST's byte offsets.
    return text.error_at(message, error.lineno or 1, max(error.offset or 1, 1))


class _Checker:
    """Walks a parsed condition, allowing only the whitelist and working out each part's type."""

    def __init__(self, text: _Source, ids: Mapping[str, Collection[str]], functions: Functions) -> None:
        self.text = text
        self.ids = ids
        self.functions = functions
        self.calls: set[tuple[str, tuple[str, ...]]] = set()

    def fail(self, message: str, node: ast.AST, offset: int | None = None) -> NoReturn:
        if offset is None:
            offset = self.text.offset(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))
        raise self.text.error(message, offset)

    def between(
        self, token: str, before: ast.expr, after: ast.expr, *, inside: bool = False
    ) -> int:
        """The offset of ``token`` written after ``before`` ends and before ``after`` starts
        (or, ``inside``, before ``after`` ends)."""
        start = self.text.offset(before.end_lineno, before.end_col_offset)
        if inside:
            end = self.text.offset(after.end_lineno, after.end_col_offset)
        else:
            end = self.text.offset(after.lineno, after.col_offset)
        return self.text.find(token, start, end)

    def check(self, node: ast.expr) -> Result:
        method: Callable[[ast.expr], Result] | None = getattr(self, f"check_{type(node).__name__}",
                                                            None)
        if method is None:
            self.fail(_CONSTRUCTS_NOT_ALLOWED.get(type(node), "this is not allowed in a condition"),
                      node)
        return method(node)

    def expect(self, node: ast.expr, wanted: Result, context: str) -> None:
        got = self.check(node)
        if got == wanted:
            return
        segment = _segment(self.text, node)
        if got == "number":
            self.fail(f"{context}, but `{segment}` is a number — compare it, "
                      f"e.g. `{segment} >= 3`", node)
        hint = (f" — use it on its own, e.g. `{segment}` or `not {segment}`"
                if isinstance(node, ast.Call) else "")
        self.fail(f"{context}, but `{segment}` is true or false, not a number{hint}", node)

    def check_Constant(self, node: ast.Constant) -> Result:
        value = node.value
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int | float):
            return "number"
        if isinstance(value, str):
            self.fail("text in quotes can only be an id given to a function, "
                      "e.g. tension('blue', 'red')", node)
        if value is None:
            self.fail("None is not allowed; use true or false", node)
        if isinstance(value, complex):
            self.fail("imaginary numbers are not allowed", node)
        self.fail(f"{_segment(self.text, node)} is not allowed", node)

    def check_Name(self, node: ast.Name) -> Result:
        name = node.id
        if name in VARIABLES:
            return "number"
        if name in _BOOLEANS:
            return "bool"
        if name in self.functions:
            self.fail(f"{name} is a function; call it, e.g. {self.example(self.functions[name])}", node)
        kind = next((k for k, known in self.ids.items() if name in known), None)
        if kind is not None:
            self.fail(f"'{name}' is {_article(kind)} {kind} id; ids go in quotes inside a "
                      "function call, e.g. tension('blue', 'red')", node)
        names = [*VARIABLES, *_BOOLEANS]
        self.fail(f"unknown name '{name}'{_did_you_mean(name, [*names, *self.functions])}; the names "
                  f"you can use are {', '.join(names)}", node)

    def check_BoolOp(self, node: ast.BoolOp) -> Result:
        word = "and" if isinstance(node.op, ast.And) else "or"
        for value in node.values:
            self.expect(value, "bool", f"'{word}' joins conditions that are true or false")
        return "bool"

    def check_UnaryOp(self, node: ast.UnaryOp) -> Result:
        if isinstance(node.op, ast.Not):
            self.expect(node.operand, "bool", "'not' needs a condition that is true or false")
            return "bool"
        if isinstance(node.op, ast.Invert):
            self.fail("'~' is not allowed; use 'not'", node)
        sign = "-" if isinstance(node.op, ast.USub) else "+"
        self.expect(node.operand, "number", f"'{sign}' needs a number")
        return "number"

    def check_BinOp(self, node: ast.BinOp) -> Result:
        symbol = _ARITHMETIC.get(type(node.op))
        context = f"'{symbol}' needs numbers on both sides"
        self.expect(node.left, "number", context)
        if symbol is None:
            token, message = _OPERATORS_NOT_ALLOWED[type(node.op)]
            self.fail(message, node, self.between(token, node.left, node.right))
        self.expect(node.right, "number", context)
        return "number"

    def check_Compare(self, node: ast.Compare) -> Result:
        left, left_type = node.left, self.check(node.left)
        for op, right in zip(node.ops, node.comparators, strict=True):
            if type(op) in _COMPARISONS_NOT_ALLOWED:
                token = _COMPARISONS_NOT_ALLOWED[type(op)]
                self.fail(f"'{_OP_WORDS[type(op)]}' is not allowed; compare numbers with "
                          "<, <=, >, >=, == or !=", node,
                          self.between(token, left, right))
            right_type = self.check(right)
            symbol = _ORDERINGS.get(type(op)) or _EQUALITIES[type(op)]
            if symbol in _ORDERINGS.values():
                for side, side_type in ((left, left_type), (right, right_type)):
                    if side_type == "bool":
                        segment = _segment(self.text, side)
                        self.fail(f"'{symbol}' compares numbers, but `{segment}` is true or "
                                  f"false — use it on its own, e.g. `{segment}` or "
                                  f"`not {segment}`", side)
            elif left_type != right_type:
                self.fail(f"'{symbol}' needs two numbers or two true/false values, but "
                          f"`{_segment(self.text, left)}` is {_TYPE_WORDS[left_type]} and "
                          f"`{_segment(self.text, right)}` is {_TYPE_WORDS[right_type]}",
                          right)
            left, left_type = right, right_type
        return "bool"

    def check_Attribute(self, node: ast.Attribute) -> Result:
        if isinstance(node.value, ast.Attribute | ast.Subscript):
            self.check(node.value)  # report the leftmost of a.b.c first
        self.fail(f"'.{node.attr}' is not allowed: conditions cannot look inside things, "
                  "only call the documented functions", node,
                  self.between(".", node.value, node, inside=True))

    def check_Subscript(self, node: ast.Subscript) -> Result:
        if isinstance(node.value, ast.Attribute | ast.Subscript):
            self.check(node.value)
        self.fail("indexing with [...] is not allowed", node,
                  self.between("[", node.value, node, inside=True))

    def check_IfExp(self, node: ast.IfExp) -> Result:
        self.fail("'... if ... else ...' is not allowed; write separate conditions, or combine "
                  "them with 'and' and 'or'", node,
                  self.between("if", node.body, node.test))

    def check_NamedExpr(self, node: ast.NamedExpr) -> Result:
        self.fail("':=' is not allowed", node, self.between(":=", node.target, node.value))

    def check_Call(self, node: ast.Call) -> Result:
        func = node.func
        if not isinstance(func, ast.Name):
            if type(func) in (ast.Attribute, ast.Subscript, ast.Lambda, ast.Call):
                self.check(func)
            self.fail("only the documented functions can be called, by name", node)
        name = func.id
        signature = self.functions.get(name)
        if signature is None:
            if name in VARIABLES:
                self.fail(f"{name} is a number, not a function; write it without brackets", node)
            suggestion = _did_you_mean(name, [*self.functions])
            self.fail(f"unknown function '{name}'" + (suggestion or
                      f"; the functions are {', '.join(self.functions)}"), node)
        for keyword in node.keywords:
            self.fail(f"give the arguments without names, e.g. {self.example(signature)}"
                      if keyword.arg else "'**' unpacking is not allowed", keyword)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                self.fail("'*' unpacking is not allowed", arg)
        count, wanted = len(node.args), len(signature.params)
        if count < wanted or (count > wanted and not signature.variadic):
            if signature.variadic:
                self.fail(f"{name} needs at least {wanted} numbers, e.g. {self.example(signature)}",
                          node)
            if not wanted:
                self.fail(f"{name} takes no arguments, not {count}: write {name}()", node)
            self.fail(f"{name} takes {_count(wanted, 'argument')} ({', '.join(signature.params)}), "
                      f"not {count}: e.g. {self.example(signature)}", node)
        kinds = signature.params + signature.params[-1:] * (count - wanted)
        values: list[str] = []
        for place, (arg, kind) in enumerate(zip(node.args, kinds, strict=True), 1):
            if kind == "number":
                self.expect(arg, "number", f"{name} takes numbers")
            else:
                values.append(self.check_id(name, place, arg, kind))
        if values or not signature.params:  # a value of no ids (a scenario's global one) is read too
            if len(values) == 2 and kinds == _PAIR and values[0] == values[1]:
                self.fail(f"{name} needs two different actors, not '{values[0]}' twice",
                          node.args[1])
            self.calls.add((name, tuple(values)))
        return signature.returns

    def check_id(self, function: str, place: int, arg: ast.expr, kind: str) -> str:
        ordinal = {1: "1st", 2: "2nd"}.get(place, f"{place}th")
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            hint = f": write '{arg.id}'" if isinstance(arg, ast.Name) else ", e.g. 'blue'"
            self.fail(f"the {ordinal} argument of {function} must be {_article(kind)} {kind} id "
                      f"in quotes{hint}", arg)
        value = arg.value
        known = self.ids.get(kind, ())
        if value in known:
            return value
        other = next((k for k, ids in self.ids.items() if value in ids), None)
        if other is not None:
            self.fail(f"'{value}' is {_article(other)} {other}, but the {ordinal} argument of "
                      f"{function} must be {_article(kind)} {kind}", arg)
        plural = _PLURALS.get(kind, kind + "s")
        listed = sorted(known)
        shown = ", ".join(listed[:20]) + (", …" if len(listed) > 20 else "")
        known_part = f"known {plural}: {shown}" if listed else f"the scenario has no {plural}"
        suggestion = difflib.get_close_matches(value, listed, n=1)
        if suggestion:
            self.fail(f"unknown {kind} '{value}' — did you mean '{suggestion[0]}'? "
                      f"({known_part})", arg)
        self.fail(f"unknown {kind} '{value}' — {known_part}", arg)

    def example(self, signature: Signature) -> str:
        """A call of ``signature`` with ids from this scenario where there are any."""
        used: dict[str, int] = {}
        args: list[str] = []
        for kind in signature.params:
            if kind == "number":
                args.append(str(10 * (len(args) + 1)))
                continue
            known = sorted(self.ids.get(kind, ()))
            index = used[kind] = used.get(kind, -1) + 1
            args.append(repr(known[index] if index < len(known) else f"{kind}{index + 1}"))
        return f"{signature.name}({', '.join(args)})"


_TYPE_WORDS = {"number": "a number", "bool": "true or false"}
_OP_WORDS = {ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _did_you_mean(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1) or difflib.get_close_matches(
        name.lower(), candidates, n=1
    )
    return f" — did you mean '{close[0]}'?" if close else ""


# -- compiling --------------------------------------------------------------------------------

# The checked condition replaces _BODY. The try costs nothing until a division by zero happens.
_CONDITION = """
def _compiled(_f):
    try:
        return True if _BODY else False
    except ArithmeticError:
        return False
"""
_EXPRESSION = """
def _compiled(_f):
    try:
        return _BODY
    except ArithmeticError:
        return 0
"""


class _Rewrite(ast.NodeTransformer):
    """Points the checked AST at the facts object ``_f`` and puts it into a template."""

    def __init__(self, body: ast.expr) -> None:
        self.body = body

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id == "_BODY":  # only in the template: the checker rejects unknown names
            return self.visit(self.body)
        if node.id in VARIABLES:
            return ast.copy_location(_facts(node.id), node)
        if node.id in _BOOLEANS:
            return ast.copy_location(ast.Constant(_BOOLEANS[node.id]), node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id not in _BUILTINS:
            node.func = ast.copy_location(_facts(node.func.id), node.func)
        return node


def _facts(attribute: str) -> ast.Attribute:
    return ast.Attribute(ast.Name("_f", ast.Load()), attribute, ast.Load())


def _build(body: ast.expr, template: str) -> Callable[[Facts], Any]:
    tree = ast.fix_missing_locations(_Rewrite(body).visit(ast.parse(template)))
    code = compile(tree, "<condition>", "exec")
    namespace: dict[str, object] = {"__builtins__": {}, "ArithmeticError": ArithmeticError,
                                    **_BUILTINS}
    exec(code, namespace)  # defines _compiled; runs nothing from the condition
    return cast(Callable[[Facts], Any], namespace["_compiled"])
