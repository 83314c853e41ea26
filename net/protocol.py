"""The messages between a workshop host and its clients: JSON text frames, version 2.

Every message is an object with ``"v": 2`` and a ``"type"``. docs/protocol.md describes each
one with an example exchange; this module is the one place that builds and checks them, so
the host and (later) the remote client cannot disagree.

Client → host: ``hello {code}``, ``command {id, command}``, ``ping``.
Host → client: ``welcome {role, name, scenario, view, timeline, bots, log, syndicate, …extras}``,
``ack {id, accepted, reason?}``, ``update {view, events, …extras}``, ``error {error, detail}``,
``notice {text}`` (to the facilitator), ``pong``, and ``cohort {role, syndicates}`` (the answer to
a code for every syndicate of a host that runs several). The extras (:data:`EXTRAS`: ``moves``, ``priced``,
``waiting``, ``annullable``, ``clock_left``, ``played``) are what a role's screens need that its view does
not hold; each is always present, empty where the role gets none.

Everything a client sends is checked strictly (:func:`parse_client`): an unknown type, a
missing or extra field, a value of the wrong type, a command the engine does not know or whose
fields are not what it takes — each is a :class:`ProtocolError` naming the problem, before
anything reaches the session.

>>> parse_client('{"v": 2, "type": "ping"}')
{'v': 2, 'type': 'ping'}
>>> parse_client('{"v": 2, "type": "hello"}')
Traceback (most recent call last):
...
detente.net.protocol.ProtocolError: missing-field: hello needs 'code'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import cattrs

from detente.engine.adjudicate import LegalMove
from detente.engine.commands import COMMAND_TYPES, Command, command_from_dict
from detente.engine.scenario import Scenario
from detente.engine.tracks import Key, Track
from detente.engine.views import View

VERSION = 2
"""The protocol version every message carries as ``v``. Version 2: a view's tracked values are
in its ``values`` tables (version 1 named the bundled ruleset's values as fields)."""

MAX_FRAME = 64 * 1024
"""The largest frame a host accepts (bytes); a larger one closes the connection."""

MAX_ID = 64
"""The longest command id (characters)."""

MAX_TEXT = 8000
"""The longest string a command may hold (a statement, a note): well inside a frame."""

MAX_CODE = 200


class ProtocolError(Exception):
    """A message that is not one the protocol allows: ``error`` is a short slug (``extra-field``),
    ``detail`` says in words what was wrong."""

    def __init__(self, error: str, detail: str) -> None:
        super().__init__(f"{error}: {detail}")
        self.error = error
        self.detail = detail


# -- what a client may send --------------------------------------------------------------------


def _is_str(limit: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and 1 <= len(v) <= limit


CLIENT_MESSAGES: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "hello": {"code": (_is_str(MAX_CODE), f"a string of 1–{MAX_CODE} characters")},
    "command": {
        "id": (_is_str(MAX_ID), f"a string of 1–{MAX_ID} characters"),
        "command": (lambda v: isinstance(v, dict), "an object (a command as the log holds it)"),
    },
    "ping": {},
}
"""Each message type a client may send: its fields, how each is checked and what it must be."""

HOST_MESSAGES = ("welcome", "ack", "update", "error", "notice", "pong", "cohort")


def parse_client(text: str | bytes) -> dict[str, Any]:
    """A client's frame as a checked message dict; raises :class:`ProtocolError`."""
    if isinstance(text, bytes):
        raise ProtocolError("binary-frame", "messages are JSON text frames, not binary")
    try:
        msg = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("bad-json", "the frame is not valid JSON") from None
    if not isinstance(msg, dict):
        raise ProtocolError("not-an-object", "a message is a JSON object")
    if msg.get("v") != VERSION or type(msg.get("v")) is not int:
        raise ProtocolError("version", f"this host speaks protocol version {VERSION} (\"v\": {VERSION})")
    kind = msg.get("type")
    if not isinstance(kind, str) or kind not in CLIENT_MESSAGES:
        raise ProtocolError(
            "unknown-type", f"unknown message type {kind!r} (one of: {', '.join(CLIENT_MESSAGES)})"
        )
    spec = CLIENT_MESSAGES[kind]
    for name, (ok, wanted) in spec.items():
        if name not in msg:
            raise ProtocolError("missing-field", f"{kind} needs {name!r}")
        if not ok(msg[name]):
            raise ProtocolError("wrong-type", f"{kind}: {name!r} must be {wanted}")
    extra = sorted(set(msg) - set(spec) - {"v", "type"})
    if extra:
        raise ProtocolError("extra-field", f"{kind} has no field {extra[0]!r}")
    return msg


# -- commands, checked field by field before the engine sees them --------------------------------

_ORDER_FIELDS = {"move", "target", "targets", "region", "force", "choice", "text"}
_EFFECT_FIELDS = {"value", "of", "add", "set"}


def _text(v: Any) -> bool:
    return isinstance(v, str) and len(v) <= MAX_TEXT


def _texts(v: Any) -> bool:
    return isinstance(v, list) and len(v) <= 64 and all(_text(x) for x in v)


def _number(v: Any) -> bool:
    return type(v) in (int, float)


def _scalar(v: Any) -> bool:
    # An override's value: every tracked value is a number or true/false.
    return type(v) in (bool, int, float)


def _order(v: Any) -> bool:
    if not isinstance(v, dict) or not set(v) <= _ORDER_FIELDS or not _text(v.get("move")):
        return False
    return all(_texts(x) if k == "targets" else _text(x) for k, x in v.items())


def _effect(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and set(v) <= _EFFECT_FIELDS
        and _text(v.get("value"))
        and _texts(v.get("of"))
        and (v.get("add") is None or _number(v["add"]))
        and (v.get("set") is None or type(v["set"]) in (bool, int, float))
    )


def _int(v: Any) -> bool:
    return type(v) is int and -(10**9) < v < 10**9


#: How a command field is checked, by its declared type (engine/commands.py), and what it must be.
_TYPE_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "str": (_text, f"a string of at most {MAX_TEXT} characters"),
    "bool": (lambda v: type(v) is bool, "true or false"),
    "int": (_int, "a whole number"),
    "tuple[str, ...]": (_texts, "a list of ids"),
    "Order": (_order, "an order: {\"move\": ..., \"target\": ...}"),
    "tuple[Order, ...]": (lambda v: isinstance(v, list) and len(v) <= 64 and all(_order(o) for o in v),
                          "a list of orders"),
    "tuple[Effect, ...]": (lambda v: isinstance(v, list) and len(v) <= 64 and all(_effect(e) for e in v),
                           "a list of effects"),
    "Any": (_scalar, "a number or true/false"),
}


def command_from_wire(data: Mapping[str, Any]) -> Command:
    """The engine command a ``command`` message carries, checked as strictly as the message:
    a known ``type``, every field the command needs and no other, each of the right type.

    >>> command_from_wire({"type": "advance"})
    Advance()
    >>> command_from_wire({"type": "respond", "team": "red", "proposal": "1-1", "accept": "yes"})
    Traceback (most recent call last):
    ...
    detente.net.protocol.ProtocolError: bad-command: respond: 'accept' must be true or false
    """
    kind = data.get("type")
    cls = COMMAND_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        known = ", ".join(COMMAND_TYPES)
        raise ProtocolError("bad-command", f"unknown command type {kind!r} (one of: {known})")
    fields = {f.name: f for f in attrs.fields(cls)}
    extra = sorted(set(data) - set(fields) - {"type"})
    if extra:
        raise ProtocolError("bad-command", f"{kind} has no field {extra[0]!r}")
    for name, f in fields.items():
        if name not in data:
            if f.default is attrs.NOTHING:
                raise ProtocolError("bad-command", f"{kind} needs {name!r}")
            continue
        declared = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", repr(f.type))
        if declared not in _TYPE_CHECKS:  # pragma: no cover - a command type added without a check
            raise ProtocolError("bad-command", f"{kind} cannot be sent over the network yet")
        ok, wanted = _TYPE_CHECKS[declared]
        if not ok(data[name]):
            raise ProtocolError("bad-command", f"{kind}: {name!r} must be {wanted}")
    try:
        return command_from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:  # pragma: no cover - the checks above come first
        raise ProtocolError("bad-command", f"{kind}: {exc}") from None


# -- what the host sends -------------------------------------------------------------------------

_converter = cattrs.Converter()
# A view's values and declarations are read by view_from_dict itself (rows of ids, the ruleset's
# tracks): the converter passes them through.
_converter.register_structure_hook_func(
    lambda t: t in (Mapping[str, Mapping[Key, Any]], Mapping[str, Track]), lambda v, _: dict(v))


def view_to_dict(view: View) -> dict[str, Any]:
    """A :class:`~detente.engine.views.View` as JSON-ready dicts and lists. Each tracked value
    is ``[*ids, value]`` (``["blue", "red", 45]``: JSON has no pair keys) in its track's list;
    the declarations are left out: the client has the ruleset, as it has its moves."""
    values = view.values
    out: dict[str, Any] = _converter.unstructure(attrs.evolve(view, values={}, tracks={}))
    del out["tracks"]
    out["values"] = {
        name: [[*(k if isinstance(k, tuple) else (k,)), v] for k, v in table.items()]
        for name, table in values.items()
    }
    return out


def view_from_dict(data: Mapping[str, Any], tracks: Mapping[str, Track]) -> View:
    """The inverse of :func:`view_to_dict` (after a trip through JSON), with the declarations
    of the values (:func:`detente.engine.visibility.scenario_tracks` of the scenario)."""
    rest = {k: v for k, v in data.items() if k != "values"}
    view: View = _converter.structure({**rest, "values": {}}, View)
    values = {
        name: {(tuple(row[:-1]) if len(row) > 2 else row[0]): row[-1] for row in rows}
        for name, rows in data.get("values", {}).items()
    }
    return attrs.evolve(view, values=values, tracks=dict(tracks))


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """A scenario as JSON-ready dicts (the loader's own form, as in a log header)."""
    from detente.engine.loader import unstructure_scenario

    return unstructure_scenario(scenario)


def scenario_from_dict(data: Mapping[str, Any]) -> Scenario:
    """The inverse of :func:`scenario_to_dict`, with the loader's checks."""
    from detente.engine.loader import structure_scenario

    return structure_scenario(data, path="<welcome>")


def message(kind: str, **fields: Any) -> dict[str, Any]:
    """A message of ``kind`` with ``v`` and ``type`` set."""
    return {"v": VERSION, "type": kind, **fields}


EXTRAS = ("moves", "priced", "waiting", "annullable", "clock_left", "played")
"""The fields every ``welcome`` and ``update`` carries beside the view (docs/protocol.md)."""


def legal_to_dict(moves: Iterable[LegalMove]) -> list[dict[str, Any]]:
    """Legal moves (:func:`detente.engine.adjudicate.legal_moves`) as the wire carries them:
    ``{"move": name, "cost": int, "choices": {param: [ids…]}}``, and ``"barred": why`` for a
    move the rules bar now (only in ``priced``)."""
    return [{"move": lm.move.name, "cost": lm.cost, "choices": {k: list(v) for k, v in lm.choices.items()},
             **({"barred": lm.barred} if lm.barred else {})}
            for lm in moves]


def extras(
    moves: Sequence[Mapping[str, Any]] = (),
    priced: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    waiting: Sequence[str] = (),
    annullable: Sequence[Mapping[str, Any]] = (),
    clock_left: float | None = None,
    played: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The :data:`EXTRAS` of a welcome or an update, each present (empty when not given).
    ``played``: the facilitator's, for each actor it plays, that actor's ``view``, ``moves``
    and ``priced``.

    >>> extras()
    {'moves': [], 'priced': {}, 'waiting': [], 'annullable': [], 'clock_left': None, 'played': {}}
    """
    return {"moves": list(moves), "priced": {k: list(v) for k, v in (priced or {}).items()},
            "waiting": list(waiting), "annullable": list(annullable), "clock_left": clock_left,
            "played": dict(played or {})}


def welcome(role: str, name: str, scenario: Mapping[str, Any], view: Mapping[str, Any],
            timeline: Sequence[Mapping[str, Any]], more: Mapping[str, Any] | None = None, *,
            bots: Sequence[str] = (), log: str = "", syndicate: str = "") -> dict[str, Any]:
    """``more``: the :data:`EXTRAS` (:func:`extras`); ``bots``: the teams bots play; ``log``:
    the log file's name (not its folder); ``syndicate``: the name of the syndicate the code
    opened, when the host runs several (empty when it runs one session)."""
    return message("welcome", role=role, name=name, scenario=scenario, view=view, timeline=list(timeline),
                   bots=list(bots), log=log, syndicate=syndicate,
                   **(dict(more) if more is not None else extras()))


def ack(command_id: str, accepted: bool, reason: str | None = None) -> dict[str, Any]:
    msg = message("ack", id=command_id, accepted=accepted)
    if reason is not None:
        msg["reason"] = reason
    return msg


def update(view: Mapping[str, Any], events: Sequence[Mapping[str, Any]],
           more: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``more``: the :data:`EXTRAS` (:func:`extras`)."""
    return message("update", view=view, events=list(events), **(dict(more) if more is not None else extras()))


def notice(text: str) -> dict[str, Any]:
    """Something the facilitator should know now, in words (the phase clock ran out)."""
    return message("notice", text=text)


def error(slug: str, detail: str) -> dict[str, Any]:
    return message("error", error=slug, detail=detail)


def cohort(role: str, syndicates: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """The answer to a code for every syndicate of a host that runs several (the lead
    facilitator's, the projector's): each syndicate's ``name``, ``code`` for ``role`` and ``log``
    (its file's name). The client joins each with its code; the host closes this connection."""
    return message("cohort", role=role, syndicates=[dict(s) for s in syndicates])


def encode(msg: Mapping[str, Any]) -> str:
    """A message as one JSON text frame."""
    return json.dumps(msg, ensure_ascii=False, separators=(",", ":"))


__all__ = [
    "CLIENT_MESSAGES", "EXTRAS", "HOST_MESSAGES", "MAX_FRAME", "MAX_ID", "VERSION", "ProtocolError", "ack",
    "cohort", "command_from_wire", "encode", "error", "extras", "legal_to_dict", "message", "notice",
    "parse_client", "scenario_from_dict", "scenario_to_dict", "update", "view_from_dict", "view_to_dict",
    "welcome",
]
