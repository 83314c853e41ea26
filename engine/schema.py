"""A JSON Schema of the scenario format, generated from the models the loader uses.

Editors that understand JSON Schema for TOML (Taplo, and the Even Better TOML extension for VS
Code built on it) use it to complete keys, show each field's documentation and flag mistakes
while a facilitator types. ``detente schema`` prints it; docs/authoring.md shows how to use it.

The schema is built by walking the attrs classes of :mod:`detente.engine.scenario` — their
fields, type hints, defaults and the docstring under each field — with the constraints the
loader enforces (ids, ranges, the words a field may be, unknown keys refused) and, from the
declarations of a ruleset: the values an actor, alliance or relation may start with
(:mod:`detente.engine.tracks`), those an effect may change, the outcomes an ending may give, and
for ``[rules.overrides]`` its sections and numbers. It says less than the loader:
references between ids, a turn within the turn limit or a condition's syntax need the loader
(``detente validate``).

It declares draft 2020-12 but keeps to the keywords that mean the same since draft 4 (types,
``properties``, ``items``, ``enum``, ``pattern``, ``minimum``…, no ``$ref``), because Taplo
implements draft 4.

>>> schema = scenario_schema()
>>> schema["properties"]["turns"]["properties"]["limit"]["maximum"]
200
>>> schema["properties"]["scenario"]["additionalProperties"]
False
>>> schema["properties"]["actors"]["items"]["additionalProperties"]["type"]  # the scenario's own values
['integer', 'boolean']
>>> schema["properties"]["actors"]["items"]["properties"]["readiness"]["maximum"]
4
"""

from __future__ import annotations

import ast
import inspect
import math
import re
import types
import typing
from itertools import pairwise
from typing import Any

import attrs

from detente.engine import scenario as models
from detente.engine.checks import MAX_DELAY, bot_names, ending_outcomes, settable, start_range
from detente.engine.loader import (
    CHECKS,
    COLOURS,
    ID,
    INJECT_PHASES,
    LIMITS,
    MAX_CONDITION_LENGTH,
    MAX_COUNTS,
    MAX_EFFECTS,
    POINTS,
)
from detente.engine.ruleset import Ruleset, available_rulesets, find_ruleset
from detente.engine.scenario import CHANNEL_UNITS, Scenario
from detente.engine.tracks import Track

__all__ = ["DRAFT", "scenario_schema"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect the schema declares."""

_ID = {"type": "string", "pattern": f"^{ID.pattern}$"}
_HEX = "^#[0-9a-fA-F]{6}$"

# Constraints the loader checks beyond types, by (class, field).
_CONSTRAINTS: dict[tuple[str, str], dict[str, Any]] = {
    ("Turns", "limit"): {"minimum": 1, "maximum": 200},
    ("Actor", "colour"): {"anyOf": [{"enum": sorted(COLOURS)}, {"pattern": _HEX}]},
    ("Actor", "plays"): {"enum": list(models.PLAYS)},
    ("Alliance", "members"): {"minItems": 2, "uniqueItems": True, "items": _ID},
    ("Region", "near"): {"items": _ID},
    ("Force", "owner"): _ID,
    ("Force", "home"): _ID,
    ("ScriptedIncident", "between"): {"minItems": 2, "maxItems": 2, "items": _ID},
    ("ScriptedIncident", "region"): _ID,
    ("Force", "start"): _ID,
    ("Force", "regions"): {"minItems": 1, "uniqueItems": True, "items": _ID},
    ("Relation", "between"): {"items": _ID},
    ("Channel", "delay"): {"minimum": 1, "maximum": MAX_DELAY},
    ("Channel", "unit"): {"enum": list(CHANNEL_UNITS)},
    ("Channel", "pairs"): {"minItems": 1, "items": {"minItems": 2, "maxItems": 2, "items": _ID}},
    ("Effect", "of"): {"maxItems": 2, "items": _ID},
    ("ScenarioTrack", "scope"): {"enum": list(models.TRACK_SCOPES)},
    ("ScenarioTrack", "type"): {"enum": list(models.TRACK_TYPES)},
    ("Inject", "turn"): {"minimum": 1},
    ("Inject", "phase"): {"enum": list(INJECT_PHASES)},
    ("Inject", "to"): {"items": _ID},
    ("Objective", "actor"): _ID,
    ("Objective", "check"): {"enum": list(CHECKS)},
    ("Objective", "points"): {"minimum": POINTS[0], "maximum": POINTS[1]},
    ("Objective", "when"): {"maxLength": MAX_CONDITION_LENGTH},
    ("Ending", "when"): {"maxLength": MAX_CONDITION_LENGTH},
    ("Inject", "when"): {"maxLength": MAX_CONDITION_LENGTH},
    ("Inject", "effects"): {"maxItems": MAX_EFFECTS},
    ("Expectation", "who"): {"items": _ID},
    ("Expectation", "when"): {"maxLength": MAX_CONDITION_LENGTH},
    ("Expectation", "within"): {"minimum": 1, "maximum": models.MAX_WITHIN},
    ("Expectation", "unit"): {"enum": list(models.EXPECT_UNITS)},
    ("Expectation", "objective"): {"minimum": 1},
    ("Scenario", "actors"): {"minItems": 2, "maxItems": MAX_COUNTS["actors"]},
    **{("Scenario", kind): {"maxItems": most} for kind, most in MAX_COUNTS.items()
       if kind != "actors"},
}
_TRACK_ID = {"type": "string", "pattern": f"^{models.TRACK_ID.pattern}$"}
# Fields whose schema is written here rather than worked out from their type.
_WRITTEN: dict[tuple[str, str], dict[str, Any]] = {
    ("ScenarioTrack", "audience"): {"anyOf": [
        {"type": "string", "enum": list(models.TRACK_AUDIENCES)},
        {"type": "array", "items": _ID, "minItems": 1, "uniqueItems": True},
    ]},
    ("ScenarioTrack", "id"): _TRACK_ID,
}
_OWN_VALUE = {"type": ["integer", "boolean"],
              "description": "The starting value of one of the scenario's own values ([[tracks]])."}
"""A key of an actor's, alliance's or relation's table that is none of its fields and none of
the ruleset's values: the starting value of one of the scenario's own, which the schema cannot
know (the loader checks it, and refuses a misspelt key)."""

#: The tables that hold tracked values, and the scopes of those they hold.
_HOLDERS: dict[str, tuple[str, ...]] = {
    "Actor": ("actor",), "Alliance": ("alliance",), "Relation": ("pair", "directed"),
}
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number"}


def scenario_schema(ruleset: str | None = None) -> dict[str, Any]:
    """The JSON Schema of a scenario file for ``ruleset`` (by default the scenario default,
    ``defense-diplomacy``): the values it tracks, its outcomes and ``[rules.overrides]``."""
    found = find_ruleset(ruleset or models.Rules().name)
    schema = _object(Scenario, _docs(), found)
    rules = schema["properties"]["rules"]
    rules["properties"]["name"]["enum"] = available_rulesets()
    rules["properties"]["overrides"] = _overrides(found)
    rules["properties"]["moves"] = _moves(found)
    schema["description"] = ("A scenario for Détente, the defence-diplomacy crisis-exercise "
                             "engine (docs/authoring.md). Generated by `detente schema`.")
    return {"$schema": DRAFT, "title": "Détente scenario", **schema}


# -- from the models ---------------------------------------------------------------------------

def _object(cl: type, docs: dict[str, dict[str, str]], ruleset: Ruleset) -> dict[str, Any]:
    hints = typing.get_type_hints(cl)
    properties: dict[str, Any] = {}
    required = []
    holds = _HOLDERS.get(cl.__name__)
    for f in attrs.fields(cl):
        if holds is not None and f.name == "values":  # the values are keys of the table itself
            properties.update(_tracked(ruleset, holds))
            continue
        prop: dict[str, Any]
        if holds is not None and f.name == "seen_by":
            prop = {"type": "object", "additionalProperties": {
                "type": "object", "properties": _tracked(ruleset, ("directed",)),
                "additionalProperties": _OWN_VALUE}}
        elif (cl.__name__, f.name) in _WRITTEN:
            prop = dict(_WRITTEN[cl.__name__, f.name])
        else:
            prop = _type(hints[f.name], docs, ruleset)
        prop.update(_CONSTRAINTS.get((cl.__name__, f.name), {}))
        if (cl.__name__, f.name) == ("Effect", "value"):
            # One of the ruleset's values, or one of the scenario's own (which the schema cannot know).
            prop = {k: v for k, v in prop.items() if k != "type"}
            prop["anyOf"] = [{"type": "string", "enum": list(settable(ruleset))}, _TRACK_ID]
        if (cl.__name__, f.name) == ("Actor", "bot"):
            prop["enum"] = list(bot_names())
        if (cl.__name__, f.name) == ("Ending", "outcome"):
            prop["enum"] = list(ending_outcomes(ruleset))
        if (cl.__name__, f.name) == ("ScriptedIncident", "severity") and ruleset.hazard is not None:
            prop["enum"] = list(ruleset.hazard.severities)
        if f.name == "id" and (cl.__name__, f.name) not in _WRITTEN:
            prop.update(_ID)
        if holds is not None and f.name in LIMITS and prop.get("type") in ("integer", "number"):
            prop["minimum"], prop["maximum"] = LIMITS[f.name]
        doc = docs.get(cl.__name__, {}).get(f.name) or prop.get("description")
        if doc:
            prop["description"] = doc
        if f.default is attrs.NOTHING:
            required.append(f.name)
        elif (default := _default(f.default)) is not None:
            prop["default"] = default
        properties[f.name] = prop
    out: dict[str, Any] = {"type": "object"}
    if cl.__doc__:  # its examples (doctests) are for developers
        out["description"] = _clean(inspect.cleandoc(cl.__doc__).split(">>>")[0])
    out["properties"] = properties
    if required:  # draft 4 wants a non-empty list or none
        out["required"] = required
    # A table of values may give the scenario's own too, which the schema cannot name.
    out["additionalProperties"] = _OWN_VALUE if holds is not None else False
    return out


def _tracked(ruleset: Ruleset, scopes: tuple[str, ...]) -> dict[str, Any]:
    """The properties of the values of ``scopes`` the ruleset tracks, from its declarations."""
    defaults = ruleset.numbers.get("defaults", {})
    out: dict[str, Any] = {}
    for name, track in ruleset.tracks.items():
        if track.scope in scopes:
            out[name] = _track(track, defaults.get(name, track.default))
    return out


def _track(track: Track, default: Any) -> dict[str, Any]:
    prop: dict[str, Any] = {"type": _JSON_TYPES[track.type]}
    if (rng := start_range(track)) is not None and track.type is not bool:
        for word, end in zip(("minimum", "maximum"), rng, strict=True):
            if math.isfinite(end):  # JSON has no infinity: an open end is left out
                prop[word] = end
    if track.doc:
        prop["description"] = _clean(track.doc)
    if default is not None:
        prop["default"] = default
    return prop


def _type(t: Any, docs: dict[str, dict[str, str]], ruleset: Ruleset) -> dict[str, Any]:
    if t is str:
        return {"type": "string"}
    if t is bool:
        return {"type": "boolean"}
    if t is int:
        return {"type": "integer"}
    if t is float:
        return {"type": "number"}
    if attrs.has(t):
        return _object(t, docs, ruleset)
    origin, args = typing.get_origin(t), typing.get_args(t)
    if origin in (typing.Union, types.UnionType):
        kinds = [_type(a, docs, ruleset) for a in args if a is not type(None)]
        if len(kinds) == 1:
            return kinds[0]
        names = [k["type"] for k in kinds]
        return {"type": [n for n in ("boolean", "integer", "number", "string") if n in names]}
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _type(args[0], docs, ruleset)}
        return {"type": "array", "items": _type(args[0], docs, ruleset), "minItems": len(args),
                "maxItems": len(args)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type(args[1], docs, ruleset)}
    raise TypeError(f"no JSON Schema for {t!r}")  # a new kind of field: teach this module


def _default(value: Any) -> Any:
    if isinstance(value, attrs.Factory):  # type: ignore[arg-type]  # attrs types Factory as a function
        made = value.factory()
        return made if isinstance(made, dict) and not made else None
    if isinstance(value, tuple):
        return list(value)
    return value


def _docs() -> dict[str, dict[str, str]]:
    """The docstring under each field of each class in :mod:`detente.engine.scenario`, read
    from its source (attrs keeps no field docstrings at run time); empty if there is no source."""
    try:
        tree = ast.parse(inspect.getsource(models))
    except (OSError, TypeError):
        return {}
    out: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields: dict[str, str] = {}
        for here, after in pairwise(node.body):
            if (isinstance(here, ast.AnnAssign) and isinstance(here.target, ast.Name)
                    and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)):
                fields[here.target.id] = _clean(inspect.cleandoc(after.value.value))
        out[node.name] = fields
    return out


def _clean(doc: str) -> str:
    """reStructuredText to the Markdown editors show: ``x`` and :role:`x` become `x`."""
    doc = re.sub(r":\w+:`~?(?:[\w.]+\.)?([^`]+)`", r"`\1`", doc)
    doc = doc.replace("``", "`")
    return re.sub(r"\s*\n\s*", " ", doc).strip()


# -- from the ruleset --------------------------------------------------------------------------

def _overrides(ruleset: Ruleset) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for section, values in ruleset.numbers.items():
        props = {key: _number(v) for key, v in values.items()}
        if section == "costs":  # any move may be given a cost; unlisted ones cost 1
            props.update({m: {"type": "integer", "default": 1} for m in ruleset.moves
                          if m not in props})
        for key, prop in props.items():
            track = ruleset.tracks.get(key)
            limits = ((track.range if track is not None else None) if section == "defaults"
                      else ruleset.range_of(section, key))
            if limits is not None and prop.get("type") in ("integer", "number"):
                prop.update(minimum=limits[0], maximum=limits[1])
            if prop.get("type") == "array":  # as long as the ruleset's, with items of its kinds
                default = values[key]
                prop.update(minItems=len(default), maxItems=len(default))
                kinds = sorted({_number(x).get("type", "") for x in default} - {""})
                if kinds:
                    prop["items"] = {"type": kinds[0] if len(kinds) == 1 else kinds}
        sections[section] = {"type": "object", "properties": props, "additionalProperties": False}
    return {
        "type": "object",
        "description": f"Numbers of the {ruleset.name} ruleset that this scenario changes, "
                       "by section (rules/*.toml, docs/rules.md); each keeps the ruleset's type.",
        "properties": sections,
        "additionalProperties": False,
    }


def _moves(ruleset: Ruleset) -> dict[str, Any]:
    actors = {"type": "array", "items": {"type": "string"}, "minItems": 1}
    rule = {
        "description": "false: no one may make this move here; or who may make it.",
        "oneOf": [
            {"type": "boolean"},
            {"type": "object", "additionalProperties": False, "properties": {
                "enabled": {"type": "boolean", "default": True},
                "actors": {**actors, "description": "only these actors may make it"},
                "pairs": {"type": "array", "minItems": 1, "description": "only between these actors",
                          "items": {**actors, "minItems": 2, "maxItems": 2}},
            }},
        ],
    }
    return {
        "type": "object",
        "description": f"Moves of the {ruleset.name} ruleset that this scenario turns off or limits "
                       "to some actors or pairs (docs/authoring.md); the others exist everywhere.",
        "properties": {m: rule for m in ruleset.moves},
        "additionalProperties": False,
    }


def _number(default: Any) -> dict[str, Any]:
    if isinstance(default, bool):
        kind: dict[str, Any] = {"type": "boolean"}
    elif isinstance(default, int):
        kind = {"type": "integer"}
    elif isinstance(default, float):
        kind = {"type": "number"}
    elif isinstance(default, str):
        kind = {"type": "string"}
    elif isinstance(default, list):
        kind = {"type": "array"}
    else:
        kind = {}
    return {**kind, "default": default}
