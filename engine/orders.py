"""Scripted play: an orders file says what each team does each turn, and
:func:`next_command` turns it into the next command for the current state.

Because the next command depends only on the state and the script, a run that
was stopped at any moment and resumed from its log carries on with exactly the
commands it would have issued: nothing is skipped and nothing is done twice.

The orders file format is documented in docs/authoring.md::

    [[turn]]
    turn = 1
      [[turn.moves]]                 # communications moves, in order
      team = "blue"
      move = "hotline_call"
      target = "red"
      [[turn.answers]]               # answers to this turn's proposals
      team = "red"
      from = "blue"
      move = "hotline_call"
      accept = true
      transcript = [ { by = "blue", text = "...", tone = "..." } ]   # tone: optional
      pledges = [ { by = "blue", kind = "no_deployment", region = "strait", turns = 2 } ]
      [turn.orders]                  # sealed orders per team
      blue = [ { move = "deploy", force = "blue-fleet", region = "strait" } ]
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from attrs import frozen

from detente.engine.commands import (
    Advance,
    Command,
    HangUp,
    MakePledge,
    Propose,
    Respond,
    Say,
    Send,
    Start,
    SubmitOrders,
)
from detente.engine.locate import field_lines
from detente.engine.problems import MAX_PROBLEMS, Problem, ScenarioError, describe, format_path, one_line
from detente.engine.state import LETTER_PREFIX, Order, State
from detente.engine.tomlfile import MAX_FILE_BYTES, decode, read_toml, too_big

_ORDER_KEYS = ("move", "target", "targets", "region", "force", "choice", "text")


@frozen
class Answer:
    """How a target answers a proposal, and for a call what is said and pledged."""

    team: str
    by: str
    """The proposer (``from`` in the file)."""
    move: str
    accept: bool
    transcript: tuple[tuple[str, str, str], ...] = ()
    """(by, text, tone): tone empty where the line gives none."""
    pledges: tuple[tuple[str, str, str, int], ...] = ()
    """(by, kind, region, turns)."""


@frozen
class TurnScript:
    turn: int
    moves: tuple[tuple[str, Order], ...] = ()
    answers: tuple[Answer, ...] = ()
    orders: Mapping[str, tuple[Order, ...]] = {}
    messages: tuple[tuple[str, str, str, str], ...] = ()
    """Messages on slow channels sent at the start of communications: (team, channel, to, text)."""


@frozen
class Script:
    """A whole orders file."""

    turns: Mapping[int, TurnScript]
    path: str = ""

    def for_turn(self, turn: int) -> TurnScript:
        return self.turns.get(turn) or TurnScript(turn=turn)


class ScriptError(Exception):
    """An orders file that cannot be read; ``str()`` names the file, line and field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


FieldPath = tuple[str | int, ...]

MAX_TURN = 200
"""The highest turn an orders file may script, and the most turns a pledge may last (the
longest a scenario may be: ``[turns] limit`` is 1–200)."""


class _Checker:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.problems: list[str] = []
        self._lines: dict[FieldPath, int] | None = None

    def line(self, where: FieldPath) -> int | None:
        if self._lines is None:  # once, on the first problem: the line finder reads the file
            self._lines = field_lines(self.text)
        return next((self._lines[where[:n]] for n in range(len(where), 0, -1)
                     if where[:n] in self._lines), None)

    def fail(self, where: FieldPath, message: str) -> None:
        field = format_path(where) or "<orders>"
        self.problems.append(str(Problem(self.path, self.line(where), field, message)))

    def get(
        self,
        table: Mapping[str, Any],
        where: FieldPath,
        key: str,
        kind: type,
        default: Any = None,
        required: bool = False,
    ) -> Any:
        if key not in table:
            if required:
                self.fail(where, f"missing required field '{key}'")
            return default
        v = table[key]
        ok = isinstance(v, kind) and not (kind is int and isinstance(v, bool))
        if not ok:
            names = {str: "text in quotes", int: "a whole number", bool: "true or false",
                     list: "a list", dict: "a table"}
            self.fail((*where, key), f"expected {names.get(kind, kind.__name__)}, "
                      f"got {describe(v)}")
            return default
        return v

    def turns(self, table: Mapping[str, Any], where: FieldPath, key: str, default: Any = None,
              required: bool = False) -> Any:
        """A turn number or a number of turns: 1–:data:`MAX_TURN`."""
        v = self.get(table, where, key, int, default, required)
        if v is not None and v is not default and not 1 <= v <= MAX_TURN:
            self.fail((*where, key), f"{key} must be 1–{MAX_TURN}, got {v}")
            return default
        return v

    def unknown(self, table: Mapping[str, Any], where: FieldPath, allowed: tuple[str, ...]) -> None:
        for k in table:
            if k not in allowed:
                self.fail((*where, k), f"unknown field '{one_line(k)}' (fields: {', '.join(allowed)})")

    def order(self, d: Any, where: FieldPath) -> Order | None:
        if not isinstance(d, dict):
            self.fail(where, 'expected a table like { move = "deploy", force = "..." }')
            return None
        self.unknown(d, where, (*_ORDER_KEYS, "team"))
        move = self.get(d, where, "move", str, required=True)
        targets = self.get(d, where, "targets", list, ())
        if any(not isinstance(t, str) for t in targets):
            self.fail((*where, "targets"), "expected a list of team ids")
            targets = ()
        if move is None:
            return None
        return Order(
            move=move,
            target=self.get(d, where, "target", str, ""),
            targets=tuple(targets),
            region=self.get(d, where, "region", str, ""),
            force=self.get(d, where, "force", str, ""),
            choice=self.get(d, where, "choice", str, ""),
            text=self.get(d, where, "text", str, ""),
        )


def parse_script(text: str, path: str = "<orders>") -> Script:
    """An orders file's text as a :class:`Script`; ``ScriptError`` lists every problem, each as
    ``FILE:LINE: field: message`` (the size limits of scenario files apply)."""
    text = text.removeprefix("\ufeff")
    try:
        data = read_toml(text, path, "orders")
    except ScenarioError as exc:
        raise ScriptError([str(p) for p in exc.problems]) from None
    c = _Checker(path, text)
    c.unknown(data, (), ("turn",))
    turns: dict[int, TurnScript] = {}
    listed = data.get("turn", [])
    if not isinstance(listed, list):
        c.fail(("turn",), "expected [[turn]] tables, one for each turn scripted")
        listed = []
    for i, t in enumerate(listed):
        w: FieldPath = ("turn", i)
        if not isinstance(t, dict):
            c.fail(w, "expected a [[turn]] table")
            continue
        c.unknown(t, w, ("turn", "moves", "answers", "orders", "messages"))
        number = c.turns(t, w, "turn", required=True)
        moves = []
        for j, m in enumerate(c.get(t, w, "moves", list, [])):
            wm = (*w, "moves", j)
            team = c.get(m, wm, "team", str, required=True) if isinstance(m, dict) else None
            o = c.order(m, wm)
            if o is not None and team is not None:
                moves.append((team, o))
        answers = []
        for j, a in enumerate(c.get(t, w, "answers", list, [])):
            wa = (*w, "answers", j)
            if not isinstance(a, dict):
                c.fail(wa, "expected a table")
                continue
            c.unknown(a, wa, ("team", "from", "move", "accept", "transcript", "pledges"))
            lines = []
            for k, line in enumerate(c.get(a, wa, "transcript", list, [])):
                wl = (*wa, "transcript", k)
                if isinstance(line, dict):
                    c.unknown(line, wl, ("by", "text", "tone"))
                    by, said = (
                        c.get(line, wl, "by", str, required=True),
                        c.get(line, wl, "text", str, required=True),
                    )
                    if by and said:
                        lines.append((by, said, c.get(line, wl, "tone", str, "")))
                else:
                    c.fail(wl, 'expected { by = "team", text = "..." }')
            pledges = []
            for k, p in enumerate(c.get(a, wa, "pledges", list, [])):
                wp = (*wa, "pledges", k)
                if isinstance(p, dict):
                    c.unknown(p, wp, ("by", "kind", "region", "turns"))
                    by, kind = (
                        c.get(p, wp, "by", str, required=True),
                        c.get(p, wp, "kind", str, required=True),
                    )
                    if by and kind:
                        pledges.append(
                            (by, kind, c.get(p, wp, "region", str, ""), c.turns(p, wp, "turns", 1))
                        )
                else:
                    c.fail(wp, 'expected { by = "team", kind = "..." }')
            answerer, proposer, move, accept = (
                c.get(a, wa, k, typ, required=True)
                for k, typ in (("team", str), ("from", str), ("move", str), ("accept", bool))
            )
            if None not in (answerer, proposer, move, accept):
                answers.append(
                    Answer(answerer, proposer, move, accept, transcript=tuple(lines),
                           pledges=tuple(pledges))
                )
        messages = []
        for j, m in enumerate(c.get(t, w, "messages", list, [])):
            wm = (*w, "messages", j)
            if not isinstance(m, dict):
                c.fail(wm, 'expected { team = "...", channel = "...", to = "...", text = "..." }')
                continue
            c.unknown(m, wm, ("team", "channel", "to", "text"))
            team, channel, to, said = (c.get(m, wm, k, str, required=True)
                                       for k in ("team", "channel", "to", "text"))
            if team and channel and to and said:
                messages.append((team, channel, to, said))
        orders: dict[str, tuple[Order, ...]] = {}
        raw = c.get(t, w, "orders", dict, {})
        for team, lst in raw.items():
            if not isinstance(lst, list):
                c.fail((*w, "orders", team), "expected a list of orders")
                continue
            got = [c.order(o, (*w, "orders", team, k)) for k, o in enumerate(lst)]
            orders[team] = tuple(o for o in got if o is not None)
        if number is not None:
            if number in turns:
                c.fail((*w, "turn"), f"turn {number} is scripted twice")
            turns[number] = TurnScript(turn=number, moves=tuple(moves), answers=tuple(answers), orders=orders,
                                       messages=tuple(messages))
    if c.problems:
        shown = c.problems[:MAX_PROBLEMS]
        if len(c.problems) > MAX_PROBLEMS:
            shown.append(f"{path}: <orders>: {len(c.problems) - MAX_PROBLEMS:,} more problems "
                         f"(only the first {MAX_PROBLEMS} are listed)")
        raise ScriptError(shown)
    return Script(turns=turns, path=path)


def load_script(path: str | os.PathLike[str]) -> Script:
    """Read an orders file (``ScriptError`` if it cannot be read or is malformed)."""
    p = str(path)
    try:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # no more: a larger file is refused unread
    except OSError as exc:
        raise ScriptError([f"{p}: cannot read the orders file ({exc.strerror})"]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScriptError([str(too_big(p, "orders"))])
    try:
        text = decode(raw, p)
    except ScenarioError as exc:
        raise ScriptError([str(q) for q in exc.problems]) from None
    return parse_script(text, p)


def next_command(state: State, script: Script) -> Command | None:
    """The command a scripted run issues next, or None when the session is over."""
    if state.ended:
        return None
    if state.phase == "setup":
        return Start()
    ts = script.for_turn(state.turn)
    if state.phase == "communications":
        for team, channel, to, text in ts.messages:
            if not _written(state, team, channel, to, text):
                return Send(team=team, channel=channel, to=to, text=text)
        for team, order in ts.moves:
            if not _placed(state, team, order):
                return Propose(team=team, order=order)
        for p in state.proposals.values():
            answer = _answer_for(ts, p.by, p.order.move)
            if p.status == "open":
                for target in p.to:
                    a = _answer_for(ts, p.by, p.order.move, target)
                    if a is not None and target not in p.answers:
                        return Respond(team=target, proposal=p.id, accept=a.accept)
            elif p.status == "talking":
                a = answer or _answer_for(ts, p.by, p.order.move, p.to[0])
                said = len(p.transcript)
                if a is not None and said < len(a.transcript):
                    by, text, tone = a.transcript[said]
                    return Say(team=by, proposal=p.id, text=text, tone=tone)
                made = sum(1 for pl in state.pledges.values() if pl.id.startswith(f"{p.id}-"))
                if a is not None and made < len(a.pledges):
                    by, kind, region, turns = a.pledges[made]
                    return MakePledge(team=by, proposal=p.id, kind=kind, region=region, turns=turns)
                return HangUp(team=p.to[0], proposal=p.id)
        return Advance()
    if state.phase == "orders":
        for team in state.scenario.actor_ids:
            if team not in state.orders:
                return SubmitOrders(team=team, orders=tuple(ts.orders.get(team, ())))
        return Advance()
    return Advance()


def _written(state: State, team: str, channel: str, to: str, text: str) -> bool:
    """Whether ``team`` sent this message this turn (a scripted one is sent once)."""
    return any(
        k.startswith(LETTER_PREFIX) and m["by"] == team and m["channel"] == channel and m["to"] == to
        and m["text"] == text.strip() and m["turn"] == state.turn
        for k, m in state.marks.items()
    )


def _placed(state: State, team: str, order: Order) -> bool:
    return any(p.by == team and p.order == order for p in state.proposals.values())


def _answer_for(ts: TurnScript, by: str, move: str, target: str | None = None) -> Answer | None:
    for a in ts.answers:
        if a.by == by and a.move == move and (target is None or a.team == target):
            return a
    return None
