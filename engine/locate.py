"""Line location: where in a TOML text a field path such as ``actors[2].budget`` is.

Called only when something is wrong, to put a line number on each problem: by
:func:`detente.engine.problems.problems_at` (the loader's and the orders reader's problems) and
by the linter's warnings. It parses the text again with tomlkit, which remembers where each key,
value and table starts (tomllib does not); tomlkit is imported only here and only then, so a
good file never pays for it.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

FieldPath: TypeAlias = tuple[str | int, ...]
"""A field path: table keys and list indexes (``("actors", 2, "budget")``)."""

_PART = re.compile(r'\[(\d+)\]|"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_-]+)|(\.)')


def line_of_path(text: str, field: str) -> int | None:
    """The line of a field path such as ``actors[2].budget`` in TOML ``text`` (or of the
    nearest table that holds it), for any TOML file; None if the text has no such place.

    >>> line_of_path('[[actors]]\\nid = "blue"\\n\\n[[actors]]\\nid = "red"\\nname = "Rubria"\\n',
    ...              "actors[1].name")
    6
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
    return nearest_line(field_lines(text), tuple(path))


def nearest_line(lines: Mapping[FieldPath, int], path: FieldPath) -> int | None:
    """The line of ``path`` in ``lines`` (from :func:`field_lines`), or of the nearest table
    that holds it (a missing field is reported at its table); None if none of them has one.

    >>> nearest_line({("actors", 1): 4}, ("actors", 1, "budget"))
    4
    """
    return next((lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in lines), None)


def field_lines(text: str) -> dict[FieldPath, int]:
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
