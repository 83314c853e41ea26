"""A mistake in a file, as a facilitator reads it: ``FILE:LINE: field.path: message``.

The words every file reader shares: :class:`Problem` (one mistake, always one line),
:class:`ScenarioError` (all of a file's mistakes), and the helpers that word them — a value
described (:func:`describe`), a near name suggested (:func:`suggest`), a field path written
(:func:`format_path`), and a list of ``(field path, message)`` turned into problems with lines
(:func:`problems_at`). Used by the scenario loader (:mod:`detente.engine.loader` and the modules
it is made of), the orders-file reader (:mod:`detente.engine.orders`) and the linter
(:mod:`detente.engine.lint`). Light: no cattrs, no tomlkit until a line must be found.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

import attrs

from detente.engine.locate import FieldPath, field_lines, nearest_line

ID = re.compile(r"[A-Za-z0-9_-]+")
"""What an id (and a bare TOML key) is made of."""
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


def cut(text: str) -> str:
    """``text`` cut to :data:`MAX_SHOWN` characters, ending in "…" (nothing escaped)."""
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
    file could not be read as TOML at all or breaks a size limit
    (:data:`~detente.engine.tomlfile.MAX_FILE_BYTES` …)."""
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


def nice(n: int) -> str:
    """A whole number with thousands separated: ``nice(20000)`` is ``'20,000'``."""
    return f"{n:,}"


def describe(value: Any) -> str:
    """A parsed value in words, for "expected …, got …" messages.

    >>> describe("false"), describe(0.9), describe([1])
    ('the text "false"', 'the number 0.9', 'a list')
    """
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


def suggest(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the name in ``known`` closest to a mistyped ``word``, or "".

    >>> suggest("budgett", ["budget", "name"])
    " (did you mean 'budget'?)"
    """
    if len(word) > MAX_SHOWN:
        return ""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def format_path(path: FieldPath) -> str:
    """``("actors", 2, "budget")`` → ``actors[2].budget``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            part = cut(part)
            key = part if ID.fullmatch(part) else json.dumps(part, ensure_ascii=False)
            out += f".{key}" if out else key
    return out


def problems_at(found: list[tuple[FieldPath, str]], path: str, text: str | None) -> list[Problem]:
    """The problems for ``(field path, message)`` pairs found in the file ``path``: duplicates
    dropped, each with the line of its field (or of the nearest table holding it) in ``text``
    (no lines when ``text`` is None, as for a log header), those without a line first, then by
    line; at most :data:`MAX_PROBLEMS`, then one saying how many more."""
    lines = field_lines(text) if text is not None else {}
    seen = set()
    problems = []
    for field_path, message in found:
        if (field_path, message) in seen:
            continue
        seen.add((field_path, message))
        line = nearest_line(lines, field_path)
        problems.append(Problem(path, line, format_path(field_path) or "<scenario>", message))
    # Problems without a line are about the file as a whole: they come first.
    problems.sort(key=lambda p: -1 if p.line is None else p.line)
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems[MAX_PROBLEMS:] = [Problem(path, None, "<file>", f"{nice(more)} more problems "
                                           f"(only the first {MAX_PROBLEMS} are listed)")]
    return problems


MAX_PROBLEMS = 100
"""At most this many problems are listed, then how many more there are."""
