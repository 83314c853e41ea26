"""Scenario files: TOML text in, a checked :class:`~detente.engine.scenario.Scenario` out.

Facilitators write scenarios by hand, so every mistake in a file is reported at
once, each as ``FILE:LINE: field.path: message``, sorted by line — never just
the first, never a traceback:

>>> load_scenario_text('[scenario]\\nid = "x"\\n', "demo.toml")
Traceback (most recent call last):
...
detente.engine.loader.ScenarioError: demo.toml: turns: missing required table [turns]
demo.toml: actors: missing required [[actors]] tables
demo.toml:1: scenario.title: missing required field 'title'

The pipeline: bytes are decoded as UTF-8 (a byte-order mark is allowed) and
parsed with :mod:`tomllib`; a strict cattrs converter turns the tables into the
models (the TOML keys are the models' field names, and nothing is coerced:
``"false"`` is not ``false``, ``0.9`` is not a whole number); then the
references, ranges, ruleset overrides and ``when`` conditions are checked on
the parsed data, so that a type mistake does not hide a bad reference. Only if
something is wrong is the text parsed again with tomlkit, to find the line of
each field path (:func:`_lines`); a good file never pays for that.
"""

from __future__ import annotations

import ast
import bisect
import difflib
import json
import math
import os
import re
import tomllib
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from itertools import accumulate
from typing import Any, TypeGuard

import attrs
import cattrs
import tomli_w
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn

from detente.engine import expr
from detente.engine.bulk import paused_gc
from detente.engine.expr import ExpressionError
from detente.engine.ruleset import RulesetNotFound, find_ruleset, merge_numbers
from detente.engine.scenario import VALUE_KINDS, VALUE_RANGES, Scenario

__all__ = [
    "Problem",
    "ScenarioError",
    "dump_scenario",
    "line_of_path",
    "load_scenario",
    "load_scenario_text",
    "ruleset_numbers",
    "structure_scenario",
    "unstructure_scenario",
]

FieldPath = tuple[str | int, ...]
"""A field path: table keys and list indexes (``("actors", 2, "budget")``)."""

ID = re.compile(r"[A-Za-z0-9_-]+")
"""What an id (and a bare TOML key) is made of."""


# -- problems --------------------------------------------------------------------------------


MAX_SHOWN = 60
"""A key, id or text quoted in a message is cut to this many characters."""
_MAX_FIELD = 200
_MAX_MESSAGE = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to ``limit`` characters (ending in "…") with line breaks and other control
    characters escaped, so that a message stays one line however a file is damaged.

    >>> one_line("two\\nlines")
    'two\\\\nlines'
    >>> one_line("x" * 100, 5)
    'xxxx…'
    """
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _one_field(text: str) -> str:
    return one_line(text, _MAX_FIELD)


def _one_message(text: str) -> str:
    return one_line(text, _MAX_MESSAGE)


@attrs.frozen
class Problem:
    """One mistake in a scenario file; the field and message are always one line."""

    path: str = attrs.field(converter=_one_field)
    """The file (or ``"<scenario>"``, ``"<log header>"``)."""
    line: int | None
    """1-based line in the file; None when unknown (a table missing altogether, a log header)."""
    field: str = attrs.field(converter=_one_field)
    """The field path, ``actors[2].budget``; ``<syntax>``, ``<encoding>`` or ``<file>`` when the
    file could not be read as TOML at all or breaks a size limit (:data:`MAX_FILE_BYTES` …)."""
    message: str = attrs.field(converter=_one_message)
    """What is wrong, in words for facilitators."""
    column: int | None = None
    """1-based column, when known (syntax errors)."""

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.field}: {self.message}"


class ScenarioError(Exception):
    """A scenario file with mistakes; ``str()`` lists every problem, one a line."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# -- the public functions --------------------------------------------------------------------


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and check a scenario file (``ScenarioError`` listing every mistake)."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)  # no more: a larger file is refused unread
    except OSError as e:
        raise ScenarioError(name, [Problem(name, None, "<file>", _os_message(e))]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(name, [_too_big(name, "scenario")])
    return load_scenario_text(decode(raw, name), name)


def decode(raw: bytes, path: str) -> str:
    """A file's bytes as text: UTF-8, with or without a byte-order mark (``ScenarioError``
    naming the line and column of the first byte that is not)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        at = e.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)  # the codec skips the BOM
        line = raw.count(b"\n", 0, at) + 1
        start = raw.rfind(b"\n", 0, at) + 1
        column = len(raw[start:at].decode("utf-8", "replace")) + 1
        message = (f"the file is not UTF-8 text (byte 0x{raw[at]:02x} cannot be read); "
                   "save it with the UTF-8 encoding")
        raise ScenarioError(path, [Problem(path, line, "<encoding>", message, column)]) from None


def load_scenario_text(text: str, path: str = "<scenario>") -> Scenario:
    """Check a scenario given as TOML text; ``path`` names it in the problems.

    >>> s = load_scenario_text(EXAMPLE)
    >>> s.actor_ids, s.turns.limit
    (('blue', 'red'), 6)
    """
    text = text.removeprefix("\ufeff")
    data = read_toml(text, path, "scenario")
    with paused_gc():
        return _load(data, path, text)


def structure_scenario(data: Mapping[str, Any], path: str = "<log header>") -> Scenario:
    """A scenario from its unstructured form (a log header), with the same checks as a file;
    the problems have no lines."""
    if big := _big_numbers(data, ()):
        raise ScenarioError(path, _problems(big, path, None))
    return _load(data, path, None)


def unstructure_scenario(s: Scenario) -> dict[str, Any]:
    """The scenario as plain dicts and lists, ready for JSON or TOML; None fields are left out.

    >>> unstructure_scenario(load_scenario_text(EXAMPLE))["actors"][0]["id"]
    'blue'
    """
    return _plain(_converter.unstructure(s))


def dump_scenario(s: Scenario) -> str:
    """The scenario as TOML text that :func:`load_scenario_text` reads back equal."""
    return tomli_w.dumps(unstructure_scenario(s))


def ruleset_numbers(s: Scenario) -> dict[str, dict[str, Any]]:
    """The numbers the session plays with: the ruleset's defaults with the scenario's overrides.

    >>> ruleset_numbers(load_scenario_text(EXAMPLE))["defaults"]["tension"]
    35
    """
    return merge_numbers(find_ruleset(s.rules.name).numbers, s.rules.overrides)


EXAMPLE = """\
[scenario]
id = "example"
title = "An example"

[turns]
limit = 6

[rules.overrides.defaults]
tension = 35

[[actors]]
id = "blue"
name = "Azuria"

[[actors]]
id = "red"
name = "Rubria"
"""
"""A small valid scenario, for examples."""


# -- limits: what a file may hold, checked before the work grows -----------------------------

MAX_FILE_BYTES = 2_000_000
"""A scenario or orders file may be at most this many bytes (2 MB, over a hundred times the
largest bundled scenario); a larger one is refused before it is read."""
MAX_LINES = 20_000
"""… and at most this many lines (the bundled scenarios have about 450)."""
MAX_ITEMS = 20_000
"""… and at most this many keys, table headers and list items (counted as the ``=`` signs, table
headers and commas outside text and comments): parsing, and finding the lines of mistakes, take
time in proportion to them."""
MAX_DEPTH = 16
"""Lists and inline tables nest at most this deep (a scenario needs four:
``injects = [{effects = [{of = ["blue"]}]}]``)."""
MAX_KEY_PARTS = 16
"""A dotted key or table header has at most this many parts (``rules.overrides.defaults.tension``
has four)."""
MAX_COUNTS: dict[str, int] = {
    "actors": 50,
    "alliances": 20,
    "regions": 100,
    "forces": 200,
    "relations": 50 * 49 // 2,  # every pair of 50 actors
    "injects": 500,
    "objectives": 200,
    "endings": 50,
}
"""The most ``[[actors]]``, ``[[injects]]`` … tables a scenario may have. Play slows with the
square of the number of actors and more (two turns of 50 actors take a third of a second, of
200 a minute)."""
MAX_EFFECTS = 20
"""The most effects one inject may have."""
MAX_CONDITION_LENGTH = 2_000
"""A ``when`` condition is at most this many characters (it is checked every turn)."""
INT_RANGE = (-(2**63), 2**63 - 1)
"""Whole numbers are 64-bit, as TOML says they are: a larger one is refused wherever it is."""

# Text and comments, blanked out before counting (strings keep their length and line breaks,
# so positions still give lines). Possessive quantifiers: no backtracking on a damaged string.
_LEXEME = re.compile(
    r'"""(?:[^"\\]++|\\.|"(?!""))*+"{3,5}'
    r"|'''(?:[^']++|'(?!''))*+'{3,5}"
    r'|"(?:[^"\\\n]++|\\[^\n])*+"?'
    r"|'[^'\n]*+'?"
    r"|#[^\n]*+",
    re.DOTALL,
)
_KEY_CHAIN = re.compile(  # a dotted key of more than MAX_KEY_PARTS parts
    r"(?<![^\s\[{,])[^\s.=\[\]{},]++(?:[ \t]*+\.[ \t]*+[^\s.=\[\]{},]++)"
    rf"{{{MAX_KEY_PARTS}}}"
)
_MANY_DOTS = re.compile(rf"^(?:[^.\n]*+\.){{{MAX_KEY_PARTS}}}", re.MULTILINE)
_ITEM = re.compile(r"[=,]|^[ \t]*+\[", re.MULTILINE)
_TABLE_START = re.compile(r"^[ \t]*+\[", re.MULTILINE)
_ARRAY_HEADER = re.compile(r"^[ \t]*+\[\[[ \t]*+([A-Za-z0-9_-]++)[ \t]*+\]\]", re.MULTILINE)
_BRACKET = re.compile(r"[\[\]{}]")
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_LONG_NUMBER = re.compile(r"(?<![\w.])[+-]?(?:[0-9]_?){4300,}")


def _blank(m: re.Match[str]) -> str:
    lexeme = m.group()
    if lexeme[0] == "#":
        return " " * len(lexeme)
    if "\n" in lexeme:
        return re.sub(r"[^\n]", "x", lexeme)
    return "x" * len(lexeme)


def _line_at(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


def _column_at(text: str, at: int) -> int:
    return at - text.rfind("\n", 0, at)


def _nice(n: int) -> str:
    return f"{n:,}"


def _a(what: str) -> str:
    return f"an {what}" if what[0] in "aeiou" else f"a {what}"


def _too_big(path: str, what: str) -> Problem:
    return Problem(path, None, "<file>", f"the file is larger than {_nice(MAX_FILE_BYTES)} bytes, "
                   f"the most {_a(what)} file may be")


def check_size(text: str, path: str, what: str = "scenario") -> list[Problem]:
    """The size limits a TOML ``text`` breaks, each as a problem with its line; checked in quick
    passes over the text, before any parsing, so that no file can make reading it slow. ``what``
    names the kind of file in the messages (``"scenario"``, ``"orders"``).

    >>> [str(p) for p in check_size("x = " + "[" * 20 + "]" * 20, "deep.toml")]
    ['deep.toml:1:21: <syntax>: lists and inline tables nested more than 16 deep']
    """
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        return [_too_big(path, what)]
    if text.count("\n") >= MAX_LINES:
        return [Problem(path, MAX_LINES + 1, "<file>", f"more than {_nice(MAX_LINES)} lines, "
                        f"the most {_a(what)} file may have")]
    skeleton = _LEXEME.sub(_blank, text)
    if skeleton.count("=") + skeleton.count(",") + len(_TABLE_START.findall(skeleton)) > MAX_ITEMS:
        # counted at C speed; walked in Python only to find the line of the one too many
        for n, m in enumerate(_ITEM.finditer(skeleton), 1):
            if n > MAX_ITEMS:
                return [Problem(path, _line_at(skeleton, m.start()), "<file>",
                                f"more than {_nice(MAX_ITEMS)} keys, tables and list items, the "
                                f"most {_a(what)} file may have")]
    problems = []
    steps = map(_DEPTH_STEP.__getitem__, _NOT_BRACKET.sub("", skeleton))
    if max(accumulate(steps), default=0) > MAX_DEPTH:
        depth = 0
        for m in _BRACKET.finditer(skeleton):
            depth += _DEPTH_STEP[m.group()]
            if depth > MAX_DEPTH:
                at = m.start()
                problems.append(Problem(path, _line_at(skeleton, at), "<syntax>",
                                        f"lists and inline tables nested more than {MAX_DEPTH} "
                                        "deep", _column_at(skeleton, at)))
                break
    # The key pattern looks behind at every character; only lines with enough dots can match.
    for line in _MANY_DOTS.finditer(skeleton):
        end = skeleton.find("\n", line.start())
        chain = _KEY_CHAIN.search(skeleton, line.start(), len(skeleton) if end < 0 else end)
        if chain is None:
            continue
        at = chain.start()
        problems.append(Problem(path, _line_at(skeleton, at), "<syntax>",
                                f"a dotted key or table name of more than {MAX_KEY_PARTS} parts",
                                _column_at(skeleton, at)))
        break
    if what == "scenario":
        seen: dict[str, int] = {}
        for m in _ARRAY_HEADER.finditer(skeleton):
            key = m.group(1)
            seen[key] = n = seen.get(key, 0) + 1
            if key in MAX_COUNTS and n == MAX_COUNTS[key] + 1:
                problems.append(Problem(path, _line_at(skeleton, m.start()), f"{key}[{n - 1}]",
                                        _too_many(key)))
    problems.sort(key=lambda p: p.line or 0)
    return problems


def _too_many(key: str) -> str:
    return f"more than {_nice(MAX_COUNTS[key])} [[{key}]] tables, the most a scenario may have"


def read_toml(text: str, path: str, what: str = "scenario") -> dict[str, Any]:
    """``text`` parsed with :mod:`tomllib` after :func:`check_size`, with every way it can fail
    (syntax, size, nesting, numbers too long or too large) as a :class:`ScenarioError`."""
    if problems := check_size(text, path, what):
        raise ScenarioError(path, problems)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(path, [_syntax_problem(e, text, path)]) from None
    except ValueError:  # an integer of more than 4,300 digits (sys.get_int_max_str_digits)
        m = _LONG_NUMBER.search(_LEXEME.sub(_blank, text))
        line = _line_at(text, m.start()) if m else None
        raise ScenarioError(path, [Problem(path, line, "<syntax>", "a whole number of more "
                                           "than 4,300 digits")]) from None
    except RecursionError:  # not expected after check_size; never a traceback all the same
        raise ScenarioError(path, [Problem(path, None, "<syntax>",
                                           "lists or tables nested too deep")]) from None
    if big := _big_numbers(data, ()):
        raise ScenarioError(path, _problems(big, path, text))
    return data


def _big_numbers(data: Any, path: FieldPath) -> list[tuple[FieldPath, str]]:
    """Whole numbers outside :data:`INT_RANGE` (TOML allows 64 bits; tomllib and json read
    any). A walk with its own stack: a log header's data may nest deeper than Python recurses."""
    out = []
    stack = [(path, data)]
    while stack:
        here, value = stack.pop()
        if type(value) is int and not INT_RANGE[0] <= value <= INT_RANGE[1]:
            out.append((here, f"{_describe(value)} is too large: whole numbers are "
                              f"{_nice(INT_RANGE[0])} to {_nice(INT_RANGE[1])}"))
        elif isinstance(value, dict):
            stack.extend(((*here, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*here, i), v) for i, v in reversed(list(enumerate(value))))
    return out


def _counts(data: Any) -> list[tuple[FieldPath, str]]:
    """Tables of a kind beyond :data:`MAX_COUNTS` (written as inline lists, they pass
    :func:`check_size`); found before any other check, which would take long on them."""
    found: list[tuple[FieldPath, str]] = []
    if isinstance(data, Mapping):
        for key, most in MAX_COUNTS.items():
            tables = data.get(key)
            if isinstance(tables, list) and len(tables) > most:
                found.append(((key, most), _too_many(key)))
    return found


# -- strict structuring ----------------------------------------------------------------------


class _WrongType(TypeError):
    """A value of the wrong kind; the message is finished where the field path is known."""

    def __init__(self, expected: str, value: Any, note: str = "") -> None:
        super().__init__(expected, value)
        self.expected = expected
        self.value = value
        self.note = note


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is int and not -(10**18) < value < 10**18:
        digits = len(str(abs(value))) if value.bit_length() < 10_000 else "thousands of"
        return f"a whole number of {digits} digits"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {json.dumps(shown, ensure_ascii=False)}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime | date | time):
        return f"the date/time {value.isoformat()}"
    return f"a {type(value).__name__}"


_BOOL_WORDS = {"true", "false", "yes", "no", "on", "off"}


def _unquote_hint(value: Any, parse: Callable[[str], Any]) -> str:
    """' (remove the quotes)' when a text would be right without its quotes."""
    if isinstance(value, str):
        try:
            parse(value.strip())
        except ValueError:
            return ""
        return " (remove the quotes)"
    return ""


def _structure_int(value: Any, _: Any) -> int:
    if type(value) is int:
        return value
    note = _unquote_hint(value, int)
    if isinstance(value, float) and not note:
        note = f" (write {int(value)})" if value.is_integer() else " (no fractions here)"
    raise _WrongType("a whole number", value, note)


def _structure_float(value: Any, _: Any) -> float:
    if type(value) is float and math.isfinite(value):
        return value
    if type(value) is int:
        return float(value)
    if type(value) is float:
        raise _WrongType("a finite number", value)
    raise _WrongType("a number", value, _unquote_hint(value, float))


def _structure_bool(value: Any, _: Any) -> bool:
    if type(value) is bool:
        return value
    note = ""
    if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
        note = " (write true or false without quotes)"
    raise _WrongType("true or false", value, note)


def _structure_str(value: Any, _: Any) -> str:
    if type(value) is str:
        return value
    raise _WrongType("text in quotes", value)


def _structure_setting(value: Any, _: Any) -> bool | float | None:
    """``Effect.set``: true/false, or a number."""
    if value is None or type(value) is bool:
        return value
    if type(value) in (int, float):
        return _structure_float(value, float)
    raise _WrongType("a number or true/false", value)


def _structure_override(value: Any, _: Any) -> Any:
    """A ruleset number: checked against the ruleset's own value later, so kept as written."""
    if type(value) in (bool, int, str) or (type(value) is float and math.isfinite(value)):
        return value
    if isinstance(value, list):
        return list(value)
    raise _WrongType("a number, text, true/false or a list", value)


def _fail(errors: list[Exception], message: str, t: Any) -> None:
    if errors:
        raise IterableValidationError(message, errors, t)


def _tuple_hook(t: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
    args = typing.get_args(t)
    homogeneous = len(args) == 2 and args[1] is Ellipsis
    kinds = (args[0],) if homogeneous else args
    hooks = [_converter.get_structure_hook(k) for k in kinds]
    of_tables = attrs.has(kinds[0])

    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise _WrongType("[[{key}]] tables" if of_tables else "a list in [ ]", value)
        if not homogeneous and len(value) != len(kinds):
            raise _WrongType(f"a list of {len(kinds)} values", value,
                             f" with {len(value)}")
        if homogeneous:
            try:  # the common case, fast; on any error, again with every error noted
                return tuple([hooks[0](item, kinds[0]) for item in value])
            except Exception:
                pass
        out = []
        errors: list[Exception] = []
        for i, item in enumerate(value):
            k = kinds[0] if homogeneous else kinds[i]
            try:
                out.append(hooks[0 if homogeneous else i](item, k))
            except Exception as e:
                e.add_note(IterableValidationNote(f"Structuring {t} @ index {i}", i, k))
                errors.append(e)
        _fail(errors, f"While structuring {t}", t)
        return tuple(out)

    return structure


def _dict_hook(t: Any) -> Callable[[Any, Any], dict[str, Any]]:
    value_type = typing.get_args(t)[1]
    hook = _converter.get_structure_hook(value_type)

    def structure(value: Any, _: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _WrongType("a table", value)
        out = {}
        errors: list[Exception] = []
        for k, v in value.items():
            try:
                out[k] = hook(v, value_type)
            except Exception as e:
                e.add_note(IterableValidationNote(f"Structuring {t} @ key {k!r}", k, value_type))
                errors.append(e)
        _fail(errors, f"While structuring {t}", t)
        return out

    return structure


def _class_hook(cl: type) -> Callable[[Any, Any], Any]:
    generated: Callable[[Mapping[str, Any], Any], Any] = make_dict_structure_fn(cl, _converter)

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise _WrongType("a table", value)
        return generated(value, cl)

    return structure


def _is_tuple(t: Any) -> bool:
    return typing.get_origin(t) is tuple


def _is_dict(t: Any) -> bool:
    return typing.get_origin(t) is dict


def _make_converter() -> cattrs.Converter:
    c = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    c.register_structure_hook(int, _structure_int)
    c.register_structure_hook(float, _structure_float)
    c.register_structure_hook(bool, _structure_bool)
    c.register_structure_hook(str, _structure_str)
    c.register_structure_hook(bool | float | None, _structure_setting)
    c.register_structure_hook(bool | int | float | str, _structure_override)
    c.register_structure_hook_factory(_is_tuple, _tuple_hook)
    c.register_structure_hook_factory(_is_dict, _dict_hook)
    c.register_structure_hook_factory(attrs.has, _class_hook)
    return c


_converter = _make_converter()


def _plain(value: Any) -> Any:
    """Tuples to lists and None fields dropped, all the way down."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# -- turning cattrs' exception group into problems ------------------------------------------


def _field_names(cl: Any) -> list[str]:
    return [a.name for a in attrs.fields(cl)] if attrs.has(cl) else []


def _missing(name: str, t: Any) -> str:
    if attrs.has(t):
        return f"missing required table [{name}]"
    if _is_tuple(t) and attrs.has(typing.get_args(t)[0]):
        return f"missing required [[{name}]] tables"
    return f"missing required field '{name}'"


def _type_message(e: _WrongType, path: FieldPath) -> str:
    tables = ".".join(p for p in path if isinstance(p, str))
    expected = e.expected.replace("{key}", tables)
    return f"expected {expected}, got {_describe(e.value)}{e.note}"


def _walk(exc: BaseException, path: FieldPath, t: Any, out: list[tuple[FieldPath, str]]) -> None:
    """Every leaf error of a cattrs exception group, with its field path."""
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            _walk(sub, (*path, note.name), note.type, out)
        for sub in without:
            if isinstance(sub, ForbiddenExtraKeysError):
                known = _field_names(sub.cl)
                for key in sorted(sub.extra_fields):
                    out.append(((*path, key), f"unknown field '{one_line(key)}'{_suggest(key, known)}"))
            else:
                _walk(sub, path, None, out)
    elif isinstance(exc, IterableValidationError):
        at_index, unplaced = exc.group_exceptions()
        for sub, item in at_index:
            _walk(sub, (*path, item.index), item.type, out)
        for sub in unplaced:
            _walk(sub, path, None, out)
    elif isinstance(exc, KeyError) and path:
        out.append((path, _missing(str(path[-1]), t)))
    elif isinstance(exc, _WrongType):
        out.append((path, _type_message(exc, path)))
    else:
        out.append((path, f"cannot read this value ({exc})"))


def _suggest(word: str, known: Iterable[str]) -> str:
    if len(word) > MAX_SHOWN:
        return ""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _format_path(path: FieldPath) -> str:
    """``("actors", 2, "budget")`` → ``actors[2].budget``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            part = _cut(part)
            key = part if ID.fullmatch(part) else json.dumps(part, ensure_ascii=False)
            out += f".{key}" if out else key
    return out


# -- the checks ------------------------------------------------------------------------------


def _load(data: Mapping[str, Any], path: str, text: str | None) -> Scenario:
    found = _counts(data)
    if found:
        raise ScenarioError(path, _problems(found, path, text))
    scenario = None
    try:
        scenario = _converter.structure(data, Scenario)
    except Exception as e:
        _walk(e, (), Scenario, found)
    found += _Checks(data).run()
    if not found:
        assert scenario is not None
        return scenario
    raise ScenarioError(path, _problems(found, path, text))


def _problems(found: list[tuple[FieldPath, str]], path: str, text: str | None) -> list[Problem]:
    lines = _lines(text) if text is not None else {}
    seen = set()
    problems = []
    for field_path, message in found:
        if (field_path, message) in seen:
            continue
        seen.add((field_path, message))
        line = next((lines[field_path[:n]] for n in range(len(field_path), 0, -1)
                     if field_path[:n] in lines), None)
        problems.append(Problem(path, line, _format_path(field_path) or "<scenario>", message))
    # Problems without a line are about the file as a whole: they come first.
    problems.sort(key=lambda p: -1 if p.line is None else p.line)
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems[MAX_PROBLEMS:] = [Problem(path, None, "<file>", f"{_nice(more)} more problems "
                                           f"(only the first {MAX_PROBLEMS} are listed)")]
    return problems


MAX_PROBLEMS = 100
"""At most this many problems are listed, then how many more there are."""


ID_KINDS = (
    ("actor", "actors"),
    ("alliance", "alliances"),
    ("region", "regions"),
    ("force", "forces"),
    ("inject", "injects"),
    ("objective", "objectives"),
    ("ending", "endings"),
)
INJECT_PHASES = ("briefing", "communications", "orders")
#: The phases a clock can time (the adjudication is the facilitator's review: it may be timed too).
CLOCK_PHASES = ("briefing", "communications", "orders", "adjudication", "debrief")
CHECKS = ("end", "ever", "always")
ENDING_OUTCOMES = ("conflict", "de-escalation", "fracture", "scenario")
LIMITS: dict[str, tuple[float, float]] = {
    **VALUE_RANGES,
    "budget": (1, 20),
    "proximity": (0, 5),
}
"""Starting values' ranges (a starting budget of 0 would leave a team with no moves)."""
POINTS = (0, 1000)
"""An objective's points."""
_PAIRED = {"pair": 2, "directed": 2, "actor": 1, "alliance": 1}
_COUNT_WORDS = {1: "one", 2: "two"}

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


class _Checks:
    """The checks beyond types, on the parsed data so that every mistake is found in one go.

    Values of the wrong type are skipped here: structuring has reported them already.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data if isinstance(data, Mapping) else {}
        self.found: list[tuple[FieldPath, str]] = []
        self.ids: dict[str, set[str]] = {}
        self.compiled: dict[str, ExpressionError | None] = {}
        turns = self.table("turns")
        limit = turns.get("limit")
        self.limit: int | None = limit if _is_int(limit) and limit >= 1 else None

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
        self.check_meta()
        self.check_actors()
        self.check_alliances()
        self.check_regions_and_forces()
        self.check_relations()
        self.check_injects()
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
                    self.add((key, i, "id"), f"the id {json.dumps(_cut(v), ensure_ascii=False)} may "
                             "contain only letters, digits, '-' and '_'")
                if v in first:
                    self.add((key, i, "id"), f"the {kind} id '{one_line(v)}' is already used by "
                             f"{key}[{first[v]}]")
                else:
                    first[v] = i
            self.ids[kind] = set(first)

    def check_meta(self) -> None:
        v = self.table("scenario").get("id")
        if isinstance(v, str) and not ID.fullmatch(v):
            self.add(("scenario", "id"), f"the id {json.dumps(_cut(v), ensure_ascii=False)} may contain "
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
        for i, t in self.tables("actors"):
            for name in ("budget", "readiness", "pressure"):
                lo, hi = LIMITS[name]
                self.within(("actors", i, name), t.get(name), lo, hi)
            colour = t.get("colour")
            if (isinstance(colour, str) and colour not in COLOURS
                    and not _HEX_COLOUR.fullmatch(colour)):
                hint = _suggest(colour.lower().replace(" ", ""), COLOURS)
                self.add(("actors", i, "colour"), f"unknown colour '{one_line(colour)}'{hint}; use a colour "
                         'name such as "blue" or "#rrggbb"')

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
            self.within(("alliances", i, "cohesion"), t.get("cohesion"), *LIMITS["cohesion"])

    def check_regions_and_forces(self) -> None:
        for i, t in self.tables("regions"):
            near = t.get("near")
            if isinstance(near, list):
                for j, a in enumerate(near):
                    self.ref(("regions", i, "near", j), a, "actor")
        for i, t in self.tables("forces"):
            self.ref(("forces", i, "owner"), t.get("owner"), "actor")
            self.ref(("forces", i, "home"), t.get("home"), "region")

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
            for name in ("tension", "proximity", "trust", "threat", "information", "answer"):
                self.within(("relations", i, name), t.get(name), *LIMITS[name])
            seen_by = t.get("seen_by")
            if isinstance(seen_by, dict):
                for who, view in seen_by.items():
                    if pair and who not in pair:
                        self.add(("relations", i, "seen_by", who),
                                 f"'{one_line(who)}' is not one of the pair; seen_by takes '{pair[0]}' or "
                                 f"'{pair[1]}'")
                    if isinstance(view, dict):
                        for name in ("trust", "threat", "information", "answer"):
                            self.within(("relations", i, "seen_by", who, name), view.get(name),
                                        *LIMITS[name])

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

    def check_effect(self, here: FieldPath, e: Mapping[str, Any]) -> None:
        value = e.get("value")
        kind = VALUE_KINDS.get(value) if isinstance(value, str) else None
        if isinstance(value, str) and kind is None:
            hint = _suggest(value, VALUE_KINDS) or f" (values: {', '.join(VALUE_KINDS)})"
            self.add((*here, "value"), f"unknown value '{one_line(value)}'{hint}")
        add, setting = e.get("add"), e.get("set")
        if add is None and setting is None:
            self.add(here, "an effect needs add = N or set = N")
        elif add is not None and setting is not None:
            self.add((*here, "set"), "an effect has either add or set, not both")
        if kind is not None and isinstance(value, str):  # kind is found only for a str value
            boolean = value in ("hotline", "agreement")
            if boolean and add is not None:
                self.add((*here, "add"), f"{value} is true or false: use set = true or set = false")
            if boolean and setting is not None and type(setting) is not bool:
                self.add((*here, "set"), f"{value} is true or false, got {_describe(setting)}")
            if not boolean and type(setting) is bool:
                self.add((*here, "set"), f"{value} is a number, got {_describe(setting)}")
            if not boolean and value in VALUE_RANGES:
                lo, hi = VALUE_RANGES[value]
                self.within((*here, "set"), setting, lo, hi, what=value)
                if _is_number(add) and math.isfinite(add) and not lo - hi <= add <= hi - lo:
                    hint = f" (did you mean {add / 100:g}?)" if hi - lo == 1 else ""
                    self.add((*here, "add"), f"{value} is {_range_text(lo, hi)}, so add must be "
                             f"between {lo - hi:g} and {hi - lo:g}, got {add:g}{hint}")
            of = e.get("of")
            if isinstance(of, list):
                self.check_of((*here, "of"), value, kind, of)

    def check_of(self, here: FieldPath, value: str, kind: str, of: list[Any]) -> None:
        wanted = _PAIRED[kind]
        id_kind = "alliance" if kind == "alliance" else "actor"
        if len(of) != wanted:
            example = ('["blue", "red"]' if wanted == 2
                       else '["pact"]' if id_kind == "alliance" else '["blue"]')
            held = f"{_COUNT_WORDS[wanted]} {id_kind}{'s' if wanted > 1 else ''}"
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
        for i, t in self.tables("endings"):
            outcome = t.get("outcome")
            if isinstance(outcome, str) and outcome not in ENDING_OUTCOMES:
                self.add(("endings", i, "outcome"), _one_of("outcome", outcome, ENDING_OUTCOMES))
            self.condition(("endings", i, "when"), t.get("when"))

    def condition(self, here: FieldPath, source: Any) -> None:
        if not isinstance(source, str):
            return
        if len(source) > MAX_CONDITION_LENGTH:
            self.add(here, f"a condition of {_nice(len(source))} characters; the most is "
                     f"{_nice(MAX_CONDITION_LENGTH)}")
            return
        if source not in self.compiled:
            try:
                _check_condition(source, self.ids)
                self.compiled[source] = None
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
        overrides = rules.get("overrides")
        if not isinstance(overrides, dict):
            return
        numbers = ruleset.numbers
        for section, values in overrides.items():
            here: FieldPath = ("rules", "overrides", section)
            if section not in numbers:
                hint = _suggest(section, numbers) or f" (sections: {', '.join(numbers)})"
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
                    hint = _suggest(key, defaults)
                    self.add((*here, key), f"the {name} ruleset has no number '{one_line(key)}' in "
                             f"[{section}]{hint}")
                    continue
                if not self.check_override((*here, key), v, default):
                    continue
                # The starting values keep the game's own ranges; every other number has the
                # range its ruleset declares next to it.
                limits = (LIMITS.get(key) if section == "defaults"
                          else ruleset.range_of(section, key))
                if limits is not None:
                    what = (f"{key} is a probability or a share, so it" if limits == (0, 1)
                            and section != "defaults" else key)
                    self.within((*here, key), v, *limits, what=what)

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
                self.add(here, f"expected {wanted} like the ruleset's value, got {_describe(v)}")
                return False
            shown = (json.dumps(default, ensure_ascii=False) if type(default) is str
                     else str(default).lower() if type(default) is bool else repr(default))
            self.add(here, f"expected {wanted} like the ruleset's value ({shown}), "
                     f"got {_describe(v)}")
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


_KIND_WORDS = {str: "texts", int: "whole numbers", float: "numbers", bool: "true/false"}


def _check_condition(source: str, ids: Mapping[str, Any]) -> None:
    """Raise ExpressionError if ``source`` is not a valid condition. Only checks: compiling
    costs twice as much again, and sessions compile (once, cached) when they start."""
    expr.check_condition(source, ids)


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> str:
    return (f"{name} must be one of {', '.join(allowed)}; got '{one_line(value)}'"
            f"{_suggest(value, allowed)}")


# -- reading errors --------------------------------------------------------------------------

_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


# tomllib's messages in words for facilitators: the ones that need no context. The others are
# worded in :func:`_syntax_words`, which looks at the line.
_SYNTAX_WORDS = {
    "Invalid statement": "a line must be key = value, a [table] header or a # comment",
    "Expected newline or end of document after a statement": (
        "something follows the value on this line: each key = value goes on a line of its own "
        "(text in quotes, a comment after #)"),
    "Expected '=' after a key in a key/value pair": (
        'a key with no = after it: write key = value, e.g. name = "Azuria"'),
    "Expected ']' at the end of a table declaration": (
        "the table header is not closed with ]: write [name], with nothing but a comment after it"),
    "Expected ']]' at the end of an array declaration": (
        "the table header is not closed with ]]: write [[name]], with nothing but a comment after it"),
    "Unclosed array": "the list [ … ] is not closed: a ] or a comma between two items is missing",
    "Unclosed inline table": (
        "the { … } is not closed: a } or a comma between two items is missing (it must stay on "
        "one line)"),
    "Invalid initial character for a key part": (
        'a key is missing here: letters, digits, - and _, or text in "quotes" (a { … } may not '
        "end with a comma)"),
    "Unescaped '\\' in a string": (
        'a backslash in "text" starts an escape such as \\n: write \\\\ for a backslash, or use '
        "'single quotes', in which a backslash is plain"),
    "Invalid hex value": "\\u takes 4 hexadecimal digits and \\U 8, e.g. \\u00e9 for é",
    "Escaped character is not a Unicode scalar value": "the \\u or \\U escape is not a character",
    "Invalid date or datetime": "not a valid date or time (e.g. 2024-05-01); put other text in quotes",
}

# Arrays of tables in scenario and orders files: a second [name] of one meant [[name]].
_TABLE_LISTS = frozenset({*MAX_COUNTS, "effects", "turn", "moves", "answers"})

_UNCLOSED_LINE = {f"{what} character {c!r}" for what in ("Illegal", "Found invalid") for c in "\n\r"}


def _syntax_problem(e: tomllib.TOMLDecodeError, text: str, path: str) -> Problem:
    raw = str(e)
    m = _AT.search(raw)
    message = raw[: m.start()] if m else raw
    if m and m.group(1):
        line, column = int(m.group(1)), int(m.group(2))
    else:
        line = text.count("\n") + 1 if text else 1
        column = len(text) - (text.rfind("\n") + 1) + 1
    lines = text.split("\n")
    words, at = _syntax_words(message, lines[line - 1] if line <= len(lines) else "", column, text)
    if at is not None:  # the mistake is where something opens, not where the reader gave up
        line, column = _line_at(text, at), _column_at(text, at)
    return Problem(path, line, "<syntax>", words, column)


def _syntax_words(message: str, row: str, column: int, text: str) -> tuple[str, int | None]:
    """tomllib's ``message`` about ``column`` of ``row`` (a line of ``text``) in words, with
    the offset in ``text`` to point at instead of the reader's, if there is a better one."""
    if message in _SYNTAX_WORDS:
        return _SYNTAX_WORDS[message], None
    if message in _UNCLOSED_LINE:
        return ("the text in quotes on this line is not closed: a quote is missing at its end "
                '(text over several lines goes in """triple quotes""")'), None
    if message in ("Unterminated string", "Expected \"'\"", "Expected \"'''\""):
        # Only an unclosed opening can be the last quote mark of its kind in the file.
        opening = text.rfind("'") if message == "Expected \"'\"" else max(
            text.rfind('"""'), text.rfind("'''"))
        return "the text in quotes that starts here is never closed", max(opening, 0)
    if m := re.fullmatch(r"(?:Illegal|Found invalid) character '(.*)'", message):
        try:
            char = ast.literal_eval(f"'{m.group(1)}'")
        except (ValueError, SyntaxError):
            char = ""
        code = f"{ord(char):04X}" if len(char) == 1 else "0000"
        return (f"a control character (U+{code}) cannot stand as it is here: in text, write it "
                f"as an escape such as \\t or \\u{code}"), None
    if message == "Invalid value":
        here = row[column - 1 :]
        if here[:1] in ("“", "”", "‘", "’"):
            return 'curly quotes are not quotes in TOML: use straight ones, "like this"', None
        if re.match(r"[A-Za-z]", here):
            return ('text must be in quotes, e.g. name = "Azuria" (true and false are written '
                    "in lower case)"), None
        return ('a value is missing or is not one TOML knows: text in "quotes", a number such '
                "as 12 or 0.5, true or false, a [list] or a { table }"), None
    if m := re.fullmatch(r"Duplicate inline table key '(.*)'", message):
        return f"the key {m.group(1)} is given twice in this {{ … }}", None
    if message == "Cannot overwrite a value":
        return _overwrite_words(row), None
    if m := re.fullmatch(r"Cannot declare (\(.*\)) twice", message):
        name = _key_name(m.group(1))
        hint = (f"; did you mean [[{name}]]? (each [[{name}]] adds one more)"
                if name.rsplit(".", 1)[-1] in _TABLE_LISTS else "")
        return f"the table [{name}] is declared twice{hint}", None
    if m := re.fullmatch(r"Cannot redefine namespace (\(.*\))", message):
        return (f"[{_key_name(m.group(1))}] already has a header of its own; a dotted key in "
                "another table cannot add to it"), None
    if m := re.fullmatch(r"Cannot mutate immutable namespace (\(.*\))", message):
        return (f"{_key_name(m.group(1))} was written whole, as {{ … }} or [ … ], so nothing "
                "can be added to it later"), None
    return message, None


def _overwrite_words(row: str) -> str:
    """Words for tomllib's "Cannot overwrite a value", from the line it is about."""
    if header := re.match(r"\s*(\[\[?)\s*([^\]]*?)\s*\]", row):
        name = header.group(2)
        if header.group(1) == "[[":
            return (f"[[{name}]] starts a list of tables, but {name} is already a single table "
                    f"([{name}]) or a value: use one or the other")
        return f"{name} is already a value or a list of tables ([[{name}]]): it cannot be [{name}] too"
    key = row.split("=", 1)[0].strip()
    return (f"the key {key} is given twice (or names a table given elsewhere): keep one" if key
            else "a key is given twice: keep one")


def _key_name(parts: str) -> str:
    """``('injects', 'effects')``, tomllib's way of naming a key, as ``injects.effects``."""
    try:
        return ".".join(ast.literal_eval(parts))
    except (ValueError, SyntaxError, TypeError):
        return parts


def _os_message(e: OSError) -> str:
    return f"cannot read the file: {e.strerror or e}"


# -- lines -----------------------------------------------------------------------------------

_PART = re.compile(r'\[(\d+)\]|"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_-]+)|(\.)')


def line_of_path(text: str, field: str) -> int | None:
    """The line of a field path such as ``actors[2].budget`` in TOML ``text`` (or of the
    nearest table that holds it), for any TOML file; None if the text has no such place.

    >>> line_of_path(EXAMPLE, "actors[1].name")
    17
    """
    path: list[str | int] = []
    for m in _PART.finditer(field):
        index, quoted, bare, _dot = m.groups()
        if index is not None:
            path.append(int(index))
        elif quoted is not None:
            path.append(json.loads(f'"{quoted}"'))
        elif bare is not None:
            path.append(bare)
    lines = _lines(text)
    return next((lines[tuple(path[:n])] for n in range(len(path), 0, -1)
                 if tuple(path[:n]) in lines), None)



def _lines(text: str) -> dict[FieldPath, int]:
    """The line of every key, table header, array-of-tables element and list item, by path.

    A table's line is its ``[header]`` (or, for one that is only implied by a dotted key or a
    deeper header, the first line that implies it). The text has already parsed with tomllib;
    if tomlkit cannot read it or its internals change, lines are left out rather than failing.
    """
    try:
        return _Locator(text).lines
    except Exception:
        return {}


class _Locator:
    """Finds lines with tomlkit: a parser that notes where each key, value and table starts,
    then a walk of the document it builds (which keeps every key, even out-of-order tables)."""

    def __init__(self, text: str) -> None:
        from tomlkit.parser import Parser

        starts: dict[int, int] = {}
        keep: list[Any] = []  # the ids above stay valid while the objects live

        def note(obj: Any, at: int) -> Any:
            starts.setdefault(id(obj), at)
            keep.append(obj)
            return obj

        class Noting(Parser):
            def _parse_bare_key(self) -> Any:
                at = self._idx
                return note(super()._parse_bare_key(), at)

            def _parse_quoted_key(self) -> Any:
                at = self._idx
                return note(super()._parse_quoted_key(), at)

            def _parse_value(self) -> Any:
                at = self._idx
                return note(super()._parse_value(), at)

            def _parse_table(self, parent_name: Any = None, parent: Any = None) -> Any:
                at = self._idx
                key, table = super()._parse_table(parent_name, parent)
                _note_header(table, at, note)
                return key, table

        doc = Noting(text).parse()
        newlines = [m.start() for m in re.finditer("\n", text)]
        self._line = lambda obj: (
            None if id(obj) not in starts else bisect.bisect_left(newlines, starts[id(obj)]) + 1
        )
        self.lines: dict[FieldPath, int] = {}
        self.headers: set[FieldPath] = set()
        self._container(doc, ())

    def _set(self, path: FieldPath, line: int | None, header: bool = False) -> None:
        if line is None:
            return
        if header and path not in self.headers:
            self.lines[path] = line  # an explicit [header] wins over a dotted key implying it
            self.headers.add(path)
        else:
            self.lines.setdefault(path, line)

    def _container(self, container: Any, path: FieldPath) -> None:
        for key, item in container.body:
            if key is None:
                continue
            parts = list(key)
            for n, part in enumerate(parts, 1):
                self._set((*path, *(p.key for p in parts[:n])), self._line(part))
            self._item(item, (*path, *(p.key for p in parts)))

    def _item(self, item: Any, path: FieldPath) -> None:
        from tomlkit.items import AoT, Array, InlineTable, Table

        if isinstance(item, Table):
            if not item.is_super_table():
                self._set(path, self._line(item), header=True)
            self._container(item.value, path)
        elif isinstance(item, InlineTable):
            self._container(item.value, path)
        elif isinstance(item, AoT):
            for i, table in enumerate(item.body):
                self._set((*path, i), self._line(table), header=True)
                self._container(table.value, (*path, i))
        elif isinstance(item, Array):
            for i, element in enumerate(item):
                self._set((*path, i), self._line(element))
                self._item(element, (*path, i))


def _note_header(table: Any, at: int, note: Callable[[Any, int], Any]) -> None:
    """Note the table a ``[header]`` or ``[[header]]`` at ``at`` opened. An array of tables
    comes back whole from its first header; a dotted header's tables are found by their keys."""
    from tomlkit.items import AoT, Table

    if isinstance(table, AoT):
        table = table.body[0]
    if isinstance(table, Table) and not table.is_super_table():
        note(table, at)
