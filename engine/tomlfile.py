"""A TOML file read safely: bytes decoded, size limits checked, syntax errors in words.

Facilitators write scenario and orders files by hand, and a file may also come from anyone:
before parsing, :func:`check_size` refuses in quick passes over the text what would make
reading slow (:data:`MAX_FILE_BYTES`, :data:`MAX_LINES`, :data:`MAX_ITEMS`, nesting, dotted
keys, :data:`MAX_COUNTS` tables); :func:`read_toml` then parses with :mod:`tomllib` and turns
every way that can fail into a :class:`~detente.engine.problems.ScenarioError` worded for a
facilitator, with its line and column. Used by the scenario loader (:mod:`detente.engine.loader`)
and the orders-file reader (:mod:`detente.engine.orders`).
"""

from __future__ import annotations

import ast
import re
import tomllib
from itertools import accumulate
from typing import Any

from detente.engine.locate import FieldPath
from detente.engine.problems import Problem, ScenarioError, describe, nice, problems_at


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
    "draws": 50,
    "channels": 20,
    "tracks": 50,
}
"""The most ``[[actors]]``, ``[[injects]]`` … tables a scenario may have. Play slows with the
square of the number of actors and more (two turns of 50 actors take a third of a second, of
200 a minute)."""
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


def _a(what: str) -> str:
    return f"an {what}" if what[0] in "aeiou" else f"a {what}"


def too_big(path: str, what: str) -> Problem:
    """The problem of a file over :data:`MAX_FILE_BYTES`; ``what`` names the kind of file."""
    return Problem(path, None, "<file>", f"the file is larger than {nice(MAX_FILE_BYTES)} bytes, "
                   f"the most {_a(what)} file may be")


def check_size(text: str, path: str, what: str = "scenario") -> list[Problem]:
    """The size limits a TOML ``text`` breaks, each as a problem with its line; checked in quick
    passes over the text, before any parsing, so that no file can make reading it slow. ``what``
    names the kind of file in the messages (``"scenario"``, ``"orders"``).

    >>> [str(p) for p in check_size("x = " + "[" * 20 + "]" * 20, "deep.toml")]
    ['deep.toml:1:21: <syntax>: lists and inline tables nested more than 16 deep']
    """
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        return [too_big(path, what)]
    if text.count("\n") >= MAX_LINES:
        return [Problem(path, MAX_LINES + 1, "<file>", f"more than {nice(MAX_LINES)} lines, "
                        f"the most {_a(what)} file may have")]
    skeleton = _LEXEME.sub(_blank, text)
    if skeleton.count("=") + skeleton.count(",") + len(_TABLE_START.findall(skeleton)) > MAX_ITEMS:
        # counted at C speed; walked in Python only to find the line of the one too many
        for n, m in enumerate(_ITEM.finditer(skeleton), 1):
            if n > MAX_ITEMS:
                return [Problem(path, _line_at(skeleton, m.start()), "<file>",
                                f"more than {nice(MAX_ITEMS)} keys, tables and list items, the "
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
                                        too_many(key)))
    problems.sort(key=lambda p: p.line or 0)
    return problems


def too_many(key: str) -> str:
    """The message for more ``[[key]]`` tables than :data:`MAX_COUNTS` allows."""
    return f"more than {nice(MAX_COUNTS[key])} [[{key}]] tables, the most a scenario may have"


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
    if big := big_numbers(data, ()):
        raise ScenarioError(path, problems_at(big, path, text))
    return data


def big_numbers(data: Any, path: FieldPath) -> list[tuple[FieldPath, str]]:
    """Whole numbers outside :data:`INT_RANGE` (TOML allows 64 bits; tomllib and json read
    any). A walk with its own stack: a log header's data may nest deeper than Python recurses.
    A first walk looks at the values alone; only a file that has one walks again for the places."""
    if not _any_big(data):
        return []
    out = []
    stack = [(path, data)]
    while stack:
        here, value = stack.pop()
        if type(value) is int and not INT_RANGE[0] <= value <= INT_RANGE[1]:
            out.append((here, f"{describe(value)} is too large: whole numbers are "
                              f"{nice(INT_RANGE[0])} to {nice(INT_RANGE[1])}"))
        elif isinstance(value, dict):
            stack.extend(((*here, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*here, i), v) for i, v in reversed(list(enumerate(value))))
    return out


def _any_big(data: Any) -> bool:
    lo, hi = INT_RANGE
    stack = [data]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is int:
            if not lo <= value <= hi:
                return True
        elif kind is dict:
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


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


def os_message(e: OSError) -> str:
    """Why a file could not be opened or read, in words."""
    return f"cannot read the file: {e.strerror or e}"
