"""Scenario files: TOML text in, a checked :class:`~detente.engine.scenario.Scenario` out.

This is the public entry: :func:`load_scenario`, :func:`load_scenario_text`, and the way to and
from a log header (:func:`structure_scenario`, :func:`unstructure_scenario`). Facilitators write
scenarios by hand, so every mistake in a file is reported at once, each as
``FILE:LINE: field.path: message``, sorted by line — never just the first, never a traceback:

>>> load_scenario_text('[scenario]\\nid = "x"\\n', "demo.toml")
Traceback (most recent call last):
...
detente.engine.problems.ScenarioError: demo.toml: turns: missing required table [turns]
demo.toml: actors: missing required [[actors]] tables
demo.toml:1: scenario.title: missing required field 'title'

The pipeline, one module for each job a reader may come for:

1. :mod:`detente.engine.tomlfile` — bytes decoded as UTF-8 (a byte-order mark is allowed), size
   limits checked before parsing, then :mod:`tomllib`, syntax errors in words;
2. :mod:`detente.engine.structure` — a strict cattrs converter turns the tables into the models
   (the TOML keys are the models' field names, and nothing is coerced: ``"false"`` is not
   ``false``, ``0.9`` is not a whole number);
3. :mod:`detente.engine.checks` — references, ranges, ruleset overrides and ``when`` conditions,
   checked on the parsed data, so that a type mistake does not hide a bad reference;
4. :mod:`detente.engine.locate` — only if something is wrong, the text is parsed again with
   tomlkit to find the line of each field path; a good file never pays for that.

:mod:`detente.engine.problems` words the results. The names other modules have long imported
from here (the limits, :class:`Problem`, :func:`read_toml` …) are re-exported, so
``from detente.engine.loader import …`` keeps working.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import tomli_w

from detente.engine.checks import (
    CHECKS,
    CLOCK_PHASES,
    COLOURS,
    ID_KINDS,
    INJECT_PHASES,
    LIMITS,
    MAX_CONDITION_LENGTH,
    MAX_EFFECTS,
    POINTS,
    check_condition,
    check_data,
    too_many_tables,
)
from detente.engine.gcpause import paused_gc
from detente.engine.locate import FieldPath, field_lines, line_of_path  # noqa: F401
from detente.engine.problems import (
    ID,
    MAX_PROBLEMS,
    MAX_SHOWN,
    Problem,
    ScenarioError,
    describe,
    format_path,
    one_line,
    problems_at,
)
from detente.engine.ruleset import find_ruleset, merge_numbers
from detente.engine.scenario import Scenario
from detente.engine.structure import converter, plain, structure
from detente.engine.tomlfile import (
    INT_RANGE,
    MAX_COUNTS,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_ITEMS,
    MAX_KEY_PARTS,
    MAX_LINES,
    big_numbers,
    check_size,
    decode,
    os_message,
    read_toml,
    too_big,
)

__all__ = [
    "EXAMPLE",
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

# Re-exported for the modules that import them from here (the schema, tests): the limits,
# the vocabularies, and the problem helpers.
_REEXPORTED = (
    CHECKS, CLOCK_PHASES, COLOURS, ID, ID_KINDS, INJECT_PHASES, INT_RANGE, LIMITS,
    MAX_CONDITION_LENGTH, MAX_COUNTS, MAX_DEPTH, MAX_EFFECTS, MAX_ITEMS, MAX_KEY_PARTS, MAX_LINES,
    MAX_PROBLEMS, MAX_SHOWN, POINTS, check_condition, check_size, describe, format_path,
    merge_numbers, one_line,
)


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and check a scenario file (``ScenarioError`` listing every mistake)."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)  # no more: a larger file is refused unread
    except OSError as e:
        raise ScenarioError(name, [Problem(name, None, "<file>", os_message(e))]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(name, [too_big(name, "scenario")])
    return load_scenario_text(decode(raw, name), name)


def load_scenario_text(text: str, path: str = "<scenario>") -> Scenario:
    """Check a scenario given as TOML text; ``path`` names it in the problems.

    >>> s = load_scenario_text(EXAMPLE)
    >>> s.actor_ids, s.turns.limit
    (('blue', 'red'), 6)
    """
    text = text.removeprefix("\ufeff")
    with paused_gc():  # parsing builds tens of thousands of objects, none of them cyclic garbage
        data = read_toml(text, path, "scenario")
        return _load(data, path, text)


def structure_scenario(data: Mapping[str, Any], path: str = "<log header>") -> Scenario:
    """A scenario from its unstructured form (a log header), with the same checks as a file;
    the problems have no lines."""
    if big := big_numbers(data, ()):
        raise ScenarioError(path, problems_at(big, path, None))
    return _load(data, path, None)


def unstructure_scenario(s: Scenario) -> dict[str, Any]:
    """The scenario as plain dicts and lists, ready for JSON or TOML; None fields are left out.

    >>> unstructure_scenario(load_scenario_text(EXAMPLE))["actors"][0]["id"]
    'blue'
    """
    return plain(converter.unstructure(s))


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


def _load(data: Mapping[str, Any], path: str, text: str | None) -> Scenario:
    """The scenario from parsed ``data``, or a :class:`ScenarioError` with every mistake;
    ``text`` (None for a log header) gives the problems their lines."""
    found = too_many_tables(data)
    if found:
        raise ScenarioError(path, problems_at(found, path, text))
    scenario, found = structure(data)
    found += check_data(data, scenario)
    if not found:
        assert scenario is not None
        return scenario
    raise ScenarioError(path, problems_at(found, path, text))
