"""Structuring: parsed TOML tables in, :class:`~detente.engine.scenario.Scenario` models out.

A strict cattrs converter (:data:`converter`): the TOML keys are the models' field names, an
unknown key is refused, and nothing is coerced (``"false"`` is not ``false``, ``0.9`` is not a
whole number). :func:`structure` gives the scenario, or every structuring mistake as a
``(field path, message)`` worded for facilitators; :func:`plain` is the way back to dicts.

The tracked values an actor, an alliance or a relation starts with are keys of its table
(``readiness = 2``, ``tension = 45``, ``[relations.seen_by.red] trust = 30``): the ruleset the
file names declares which (:mod:`detente.engine.tracks`), of what type, and structuring takes
exactly those of the table's scope into the model's ``values`` (and gives them back as keys).
Called by the loader (:mod:`detente.engine.loader`), which adds the checks
(:mod:`detente.engine.checks`) and the lines (:mod:`detente.engine.locate`). Heavy: imports cattrs.
"""

from __future__ import annotations

import contextvars
import math
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from detente.engine.locate import FieldPath
from detente.engine.problems import describe, one_line, suggest
from detente.engine.ruleset import RulesetNotFound, find_ruleset
from detente.engine.scenario import (
    Actor,
    Alliance,
    MoveRule,
    Relation,
    Rules,
    Scenario,
    declared_tracks,
)
from detente.engine.tracks import Track


class _WrongType(TypeError):
    """A value of the wrong kind; the message is finished where the field path is known."""

    def __init__(self, expected: str, value: Any, note: str = "") -> None:
        super().__init__(expected, value)
        self.expected = expected
        self.value = value
        self.note = note


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


def _structure_start(value: Any, _: Any) -> bool | int | None:
    """``[[tracks]] start``: a whole number, or true/false (the checks hold it to its type)."""
    if value is None or type(value) in (bool, int):
        return typing.cast(bool | int | None, value)
    if isinstance(value, float):
        _structure_int(value, int)  # says how to write it as a whole number
    note = _unquote_hint(value, int) or (" (write true or false without quotes)"
                                         if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS
                                         else "")
    raise _WrongType("a whole number or true/false", value, note)


def _structure_audience(value: Any, _: Any) -> str | tuple[str, ...] | None:
    """``[[tracks]] audience``: a word, or a list of team ids."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, list):
        return converter.structure(value, tuple[str, ...])
    raise _WrongType('"everyone", "holder", "facilitator" or a list of team ids', value)


def _structure_override(value: Any, _: Any) -> Any:
    """A ruleset number: checked against the ruleset's own value later, so kept as written."""
    if type(value) in (bool, int, str) or (type(value) is float and math.isfinite(value)):
        return value
    if isinstance(value, list):
        return list(value)
    raise _WrongType("a number, text, true/false or a list", value)


def _structure_value(value: Any, _: Any) -> bool | int | float:
    """A tracked value of a ruleset that is not known (the scenario is refused for that)."""
    if type(value) in (bool, int) or (type(value) is float and math.isfinite(value)):
        return typing.cast(bool | int | float, value)
    raise _WrongType("a number or true/false", value)


class _UnknownKeys(Exception):
    """Keys a table may not have; ``known`` are those it may."""

    def __init__(self, keys: list[str], known: list[str], notes: Mapping[str, str] | None = None) -> None:
        super().__init__(keys)
        self.keys = keys
        self.known = known
        self.notes = notes or {}
        """What some keys are instead (a scenario's own value of another scope), by key."""


_TRACKS: contextvars.ContextVar[Mapping[str, Track] | None] = contextvars.ContextVar(
    "tracks", default=None)
"""The tracks of the ruleset being structured for (None: a ruleset not known, whose values
are taken as written)."""

#: The scopes of the values each table holds.
_SCOPES: dict[type, tuple[str, ...]] = {
    Actor: ("actor",), Alliance: ("alliance",), Relation: ("pair", "directed"),
}
_VALUE_HOOKS: dict[type, Callable[[Any, Any], Any]] = {
    int: _structure_int, float: _structure_float, bool: _structure_bool,
}


def _value_hook(track: Track | None) -> Callable[[Any, Any], Any]:
    return _structure_value if track is None else _VALUE_HOOKS[track.type]


def _scoped(tracks: Mapping[str, Track], scopes: tuple[str, ...]) -> list[str]:
    """The names of the tracks of ``scopes``, in the declared order (worked out once per table of
    declarations: a big scenario has thousands of tables)."""
    key = (id(tracks), scopes)
    hit = _SCOPED.get(key)
    if hit is None or hit[0] is not tracks:
        if len(_SCOPED) > 64:
            _SCOPED.clear()
        hit = _SCOPED[key] = (tracks, [n for n, t in tracks.items() if t.scope in scopes])
    return hit[1]


_SCOPED: dict[tuple[int, tuple[str, ...]], tuple[Mapping[str, Track], list[str]]] = {}


def _values(table: Mapping[str, Any], tracks: Mapping[str, Track] | None, scopes: tuple[str, ...],
            engine: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The tracked values of ``table`` (its keys not in ``engine``), in the declared order;
    raises every mistake at once (keys no track of ``scopes`` has, values of the wrong type)."""
    given = [k for k in table if k not in engine]
    mine: list[str] = []
    if tracks is None:
        order, unknown = given, []
    else:
        mine = _scoped(tracks, scopes)
        order = [n for n in mine if n in table and n not in engine]
        unknown = [k for k in given if k not in order] if len(order) != len(given) else []
    out: dict[str, Any] = {}
    errors: list[Exception] = []
    if unknown:
        notes = {k: _elsewhere(tracks[k]) for k in unknown
                 if tracks is not None and k in tracks and tracks[k].scenario}
        errors.append(_UnknownKeys(unknown, [*sorted(engine), *mine], notes))
    for name in order:
        track = None if tracks is None else tracks[name]
        try:
            out[name] = _value_hook(track)(table[name], None)
        except Exception as e:
            e.add_note(AttributeValidationNote(f"Structuring value {name!r}", name, Any))
            errors.append(e)
    if errors:
        raise ClassValidationError("While structuring values", errors, dict)
    return out


def _elsewhere(track: Track) -> str:
    """Where the starting value of a scenario's own value goes, when written in another table."""
    if track.scope == "global":
        return f"{track.name} is one value for the whole exercise: give it start = … in its [[tracks]]"
    each, where = {"actor": ("actor", "[[actors]]"), "pair": ("pair", "[[relations]]"),
                   "directed": ("one-way pair", "[[relations]] (or its seen_by)")}[track.scope]
    return f"{track.name} is a value of each {each}: give it in {where}"


def _seen_by(value: Any, tracks: Mapping[str, Track] | None) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise _WrongType("a table", value)
    out: dict[str, dict[str, Any]] = {}
    errors: list[Exception] = []
    for who, view in value.items():
        try:
            if not isinstance(view, dict):
                raise _WrongType("a table", view)
            out[who] = _values(view, tracks, ("directed",))
        except Exception as e:
            e.add_note(IterableValidationNote(f"Structuring seen_by @ key {who!r}", who, Any))
            errors.append(e)
    _fail(errors, "While structuring seen_by", dict)
    return out


def _as_given(value: Any, _: Any) -> Any:
    return value


def _holder_hook(cl: type) -> Callable[[Any, Any], Any]:
    """Structuring of a table that holds tracked values as keys of its own."""
    relation = cl is Relation
    # The values (and a relation's seen_by) are structured here, by the ruleset's tracks.
    given = override(struct_hook=_as_given)  # structured below, by the tracks
    generated: Callable[[Mapping[str, Any], Any], Any] = (
        make_dict_structure_fn(cl, converter, values=given, seen_by=given) if relation
        else make_dict_structure_fn(cl, converter, values=given))
    engine = frozenset(a.name for a in attrs.fields(cl)) - {"values", "seen_by"}
    not_values = engine | ({"seen_by"} if relation else set())
    scopes = _SCOPES[cl]

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise _WrongType("a table", value)
        tracks = _TRACKS.get()
        errors: list[Exception] = []
        made: Any = None
        values: dict[str, Any] = {}
        seen_by: dict[str, dict[str, Any]] = {}
        try:
            values = _values(value, tracks, scopes, not_values)
        except ClassValidationError as e:
            errors += e.exceptions
        if relation and "seen_by" in value:
            try:
                seen_by = _seen_by(value["seen_by"], tracks)
            except Exception as e:
                e.add_note(AttributeValidationNote("Structuring seen_by", "seen_by", dict))
                errors.append(e)
        fields = {k: v for k, v in value.items() if k in engine}
        fields["values"] = values
        if relation:
            fields["seen_by"] = seen_by
        try:
            made = generated(fields, cl)
        except ClassValidationError as e:
            errors = [*e.exceptions, *errors]
        if errors:
            raise ClassValidationError(f"While structuring {cl.__name__}", errors, cl)
        return made

    return structure


def _holder_unstructure(cl: type) -> Callable[[Any], dict[str, Any]]:
    """The way back: the ``values`` of the table as keys of its own, where its fields were."""
    # An actor a team plays says nothing of it: a log header of a scenario that does not use
    # ``plays`` stays as it was before the field existed (and so do its hashes).
    generated: Callable[[Any], dict[str, Any]] = (
        make_dict_unstructure_fn(cl, converter, plays=override(omit_if_default=True)) if cl is Actor
        else make_dict_unstructure_fn(cl, converter))

    def unstructure(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in generated(obj).items():
            if k == "values":
                out.update(v)
            else:
                out[k] = v
        return out

    return unstructure


def tracks_for(data: Mapping[str, Any]) -> Mapping[str, Track] | None:
    """The tracks of the ruleset ``data`` names (by default the bundled one) and the scenario's
    own (:func:`~detente.engine.scenario.declared_tracks`); None if the name is not one (the
    checks report that)."""
    rules = data.get("rules") if isinstance(data, Mapping) else None
    name = rules.get("name", Rules().name) if isinstance(rules, Mapping) else Rules().name
    if not isinstance(name, str):
        return None
    try:
        declared = find_ruleset(name).tracks
    except RulesetNotFound:
        return None
    own = declared_tracks(data)
    if not own:
        return declared
    return {**declared, **{k: t for k, t in own.items() if k not in declared}}


def _fail(errors: list[Exception], message: str, t: Any) -> None:
    if errors:
        raise IterableValidationError(message, errors, t)


def _tuple_hook(t: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
    args = typing.get_args(t)
    homogeneous = len(args) == 2 and args[1] is Ellipsis
    kinds = (args[0],) if homogeneous else args
    hooks = [converter.get_structure_hook(k) for k in kinds]
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
    hook = converter.get_structure_hook(value_type)

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
    generated: Callable[[Mapping[str, Any], Any], Any] = make_dict_structure_fn(cl, converter)

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
    c.register_structure_hook(bool | int | None, _structure_start)
    c.register_structure_hook(str | tuple[str, ...] | None, _structure_audience)
    c.register_structure_hook_factory(_is_tuple, _tuple_hook)
    c.register_structure_hook_factory(_is_dict, _dict_hook)
    c.register_structure_hook_factory(attrs.has, _class_hook)
    return c


def _move_rule_hook() -> Callable[[Any, Any], MoveRule]:
    """``[rules.moves]``: ``move = true/false``, or a table of who may make it."""
    table = _class_hook(MoveRule)

    def structure(value: Any, _: Any) -> MoveRule:
        if type(value) is bool:
            return MoveRule(enabled=value)
        if not isinstance(value, dict):
            raise _WrongType("true/false or a table such as { actors = [\"red\"] }", value)
        return typing.cast(MoveRule, table(value, MoveRule))

    return structure


def _move_rule_unstructure(rule: MoveRule) -> Any:
    if not rule.enabled or not (rule.actors or rule.pairs):
        return rule.enabled
    out: dict[str, Any] = {}
    if rule.actors:
        out["actors"] = list(rule.actors)
    if rule.pairs:
        out["pairs"] = [list(p) for p in rule.pairs]
    return out


converter = _make_converter()
converter.register_structure_hook(MoveRule, _move_rule_hook())
converter.register_unstructure_hook(MoveRule, _move_rule_unstructure)
for _holder in _SCOPES:
    converter.register_structure_hook(_holder, _holder_hook(_holder))
    converter.register_unstructure_hook(_holder, _holder_unstructure(_holder))


def plain(value: Any) -> Any:
    """Tuples to lists and None fields dropped, all the way down."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


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
    return f"expected {expected}, got {describe(e.value)}{e.note}"


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
                    out.append(((*path, key), f"unknown field '{one_line(key)}'{suggest(key, known)}"))
            else:
                _walk(sub, path, None, out)
    elif isinstance(exc, _UnknownKeys):
        for key in sorted(exc.keys):
            instead = exc.notes.get(key)
            out.append(((*path, key), instead if instead is not None else
                        f"unknown field '{one_line(key)}'{suggest(key, exc.known)}"))
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


def structure(data: Mapping[str, Any]) -> tuple[Scenario | None, list[tuple[FieldPath, str]]]:
    """The scenario made from its parsed tables, or None and every structuring mistake, each as
    ``(field path, message)`` (the loader adds the other checks' and the lines). The values
    each table may hold are those of the ruleset the data names."""
    token = _TRACKS.set(tracks_for(data))
    try:
        return converter.structure(data, Scenario), []
    except Exception as e:
        found: list[tuple[FieldPath, str]] = []
        _walk(e, (), Scenario, found)
        return None, found
    finally:
        _TRACKS.reset(token)
