"""A scenario's conditions, compiled once, and the facts they are evaluated against.

>>> from detente.engine.loader import EXAMPLE, load_scenario_text, ruleset_numbers
>>> from detente.engine.state import initial_state
>>> s = load_scenario_text(EXAMPLE)
>>> facts = Facts(initial_state(s, ruleset_numbers(s)))
>>> facts.tension("blue", "red"), facts.hotline("red", "blue")
(35, False)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from detente.engine.expr import Condition, choice_kind, compile_condition
from detente.engine.ruleset import Ruleset, find_ruleset, functions_for, merge_numbers, ruleset_ids
from detente.engine.scenario import Scenario
from detente.engine.state import Reading, draw_key, initial_state

__all__ = ["Facts", "compile_scenario", "condition_ids", "move_choices"]


def condition_ids(s: Scenario, ruleset: Ruleset) -> dict[str, frozenset[str]]:
    """Every id a condition of ``s`` may name, by kind: the scenario's (:meth:`Scenario.ids`)
    and its ruleset's (:func:`~detente.engine.ruleset.ruleset_ids`: moves, pledge kinds,
    severities)."""
    return {**s.ids(), **ruleset_ids(ruleset)}


def move_choices(s: Scenario, ruleset: Ruleset) -> dict[str, frozenset[str]]:
    """The choices of each move of the ruleset that takes one and declares its choices fixed
    (:attr:`~detente.engine.ruleset.MoveType.fixed_choices`), as ids under
    :func:`~detente.engine.expr.choice_kind`: what any team of ``s`` may choose; and for a move
    that opens a call, the ruleset's call tones. A condition's ``choice=`` (or ``tone=``) of such
    a move must be one of them.

    >>> from detente.engine.loader import EXAMPLE, load_scenario_text
    >>> s = load_scenario_text(EXAMPLE)
    >>> choices = move_choices(s, find_ruleset(s.rules.name))
    >>> all(kind.startswith("choice:") for kind in choices)
    True
    """
    out: dict[str, frozenset[str]] = {}
    if ruleset.call_tones:  # on a call, the choice is the tone a side spoke in
        for mt in ruleset.moves.values():
            if mt.opens_call:
                out[choice_kind(mt.name)] = frozenset(ruleset.call_tones)
    moves = [mt for mt in ruleset.moves.values()
             if mt.fixed_choices and any(p.name == "choice" for p in mt.params)]
    if not moves:
        return out
    state = initial_state(s, merge_numbers(ruleset.numbers, s.rules.overrides), ruleset)
    for mt in moves:
        found: set[str] = set()
        for actor in s.actor_ids:
            found.update(mt.choices(state, actor).get("choice", ()))
        out[choice_kind(mt.name)] = frozenset(found)
    return out


def compile_scenario(s: Scenario) -> dict[str, Condition]:
    """Every distinct ``when`` of the scenario (injects, their expectations, objectives,
    endings), compiled, by its source. The scenario must have been checked by the loader
    (``ExpressionError`` otherwise).

    >>> from detente.engine.loader import EXAMPLE, load_scenario_text
    >>> compile_scenario(load_scenario_text(EXAMPLE))
    {}
    """
    ruleset = find_ruleset(s.rules.name)
    ids = condition_ids(s, ruleset)
    own = s.own_tracks
    # A scenario's own values are functions of its conditions too: what each is is part of the key.
    known = (tuple(sorted(ids.items())), tuple((t.name, t.scope, t.type) for t in own.values()))
    sources = [i.when for i in s.injects if i.when is not None]
    sources += [o.when for o in s.objectives]
    sources += [e.when for e in s.endings]
    sources += [x.when for i in s.injects for x in i.expect if x.when is not None]
    compiled: dict[str, Condition] = {}
    functions = functions_for(ruleset, own)
    for source in sources:
        if source in compiled:
            continue
        key = (source, known, s.rules.name)
        condition = _COMPILED.get(key)
        if condition is None:
            condition = compile_condition(source, ids, functions)
            if len(_COMPILED) >= _CACHE_SIZE:
                _COMPILED.clear()
            _COMPILED[key] = condition
        compiled[source] = condition
    return compiled


# Compiling a condition takes about a millisecond; a simulation or a replay starts thousands
# of sessions of one scenario. A condition is a pure function of its source and the ids it
# may name, so compiled ones are kept (a cache, not state).
_COMPILED: dict[tuple[str, tuple[Any, ...], str], Condition] = {}
_CACHE_SIZE = 8192


class Facts:
    """What a condition can ask about one state (:class:`detente.engine.expr.Facts`).

    Built once per check point: construction only keeps references, and each question reads
    the state directly. Ids are assumed valid (conditions are checked at load time).
    """

    # A condition asks for the same few functions again and again (``trust``, ``rung``): each
    # is looked up once per Facts and kept in the instance's __dict__, where later lookups find
    # it without __getattr__. What it reads is read from the state when it is called.
    __slots__ = ("__dict__", "_state", "turn", "turns")

    def __init__(self, state: Reading) -> None:
        self._state = state
        self.turn: int = state.turn
        """The current turn, counting from 1 (0 before the start)."""
        self.turns: int = state.scenario.turns.limit
        """The turn limit."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        """The ruleset's own functions (:attr:`Ruleset.functions`), and each tracked value as a
        function of its ids (``tension("red", "blue")``; a scenario's global value takes none:
        ``crew_detained()``)."""
        state = self._state
        own = state.ruleset.functions.get(name)
        if own is not None:
            fn: Callable[..., Any] = partial(own.run, state)
        else:
            track = state.tracks.get(name)
            if track is None:
                raise AttributeError(name)
            key = track.key

            def fn(*of: str) -> Any:
                # The state's tables, as they are when asked (a working state copies a table
                # the first time it changes it).
                return state.values[name][key(of)]

        self.__dict__[name] = fn
        return fn

    # -- forces -------------------------------------------------------------------------
    def deployed(self, force: str, region: str, /) -> bool:
        """Whether the force is in the region now."""
        return self._state.forces[force].region == region

    def forces_in(self, actor: str, region: str, /) -> int:
        """How many of the actor's forces are in the region now."""
        state = self._state
        owner = state.owner
        forces = state.forces.items()
        return sum(1 for fid, fs in forces if fs.region == region and owner(fid) == actor)

    # -- calls and pledges --------------------------------------------------------------
    def called(self, a: str, b: str, /) -> bool:
        """Whether ``a`` has placed a hotline call to ``b``."""
        return (a, b, "called") in self._state.calls

    def answered(self, a: str, b: str, /) -> bool:
        """Whether ``b`` answered a call from ``a``."""
        return (a, b, "answered") in self._state.calls

    def declined(self, a: str, b: str, /) -> bool:
        """Whether ``b`` refused, or left unanswered, a call from ``a``."""
        return (a, b, "declined") in self._state.calls

    def refused(self, a: str, b: str, /) -> bool:
        """Whether ``b`` refused a call from ``a``."""
        return (a, b, "refused") in self._state.calls

    def unanswered(self, a: str, b: str, /) -> bool:
        """Whether ``b`` left a call from ``a`` unanswered until the phase ended."""
        return (a, b, "unanswered") in self._state.calls

    def pledged(self, a: str, b: str, /) -> bool:
        """Whether ``a`` has a pledge to ``b`` in force."""
        return any(
            p.by == a and p.to == b and p.status == "active" for p in self._state.pledges.values()
        )

    def broken(self, actor: str, /) -> int:
        """How many pledges the actor has broken."""
        pledges = self._state.pledges.values()
        return sum(1 for p in pledges if p.by == actor and p.status == "broken")

    def pledges(self, actor: str, /, *, status: str = "made", to: str = "", kind: str = "") -> int:
        """How many pledges the actor has made (``status="made"``), or has in force
        (``active``), has kept or has broken; to one actor only with ``to``, of one kind with
        ``kind``."""
        return sum(
            1 for p in self._state.pledges.values()
            if p.by == actor and (status == "made" or p.status == status)
            and (not to or p.to == to) and (not kind or p.kind == kind)
        )

    # -- what happened: moves made and incidents (State.tally) ----------------------------
    def made(
        self, actor: str, move: str, /, *, target: str = "", region: str = "", force: str = "",
        choice: str = "", tone: str = "",
    ) -> int:
        """How many times ``actor``'s ``move`` was carried out (an order resolved, a call or
        proposal accepted: once per actor who accepted), with that target, region, force or
        choice where given (``tone`` is the choice under another name). For a move that opens a
        call, ``tone`` (or ``choice``) counts the calls on which ``actor`` said a line in that
        call tone, whoever placed the call."""
        choice = choice or tone
        state = self._state
        mt = state.ruleset.moves.get(move)
        if choice and mt is not None and mt.opens_call:
            # A call's tone is what was said on it: the calls on which the actor spoke in it.
            said = ("said", actor, move)
            return sum(count for key, count in state.tally.items()
                       if key[:3] == said and (not target or key[3] == target) and key[4] == choice)
        wanted = ("move", actor, move)
        n = 0
        for key, count in state.tally.items():
            if (key[:3] == wanted and (not target or key[3] == target)
                    and (not region or key[4] == region) and (not force or key[5] == force)
                    and (not choice or key[6] == choice)):
                n += count
        return n

    def incidents_of(
        self, *, actor: str = "", other: str = "", severity: str = "", cause: str = "",
    ) -> int:
        """How many incidents there have been (an annulled one does not count): involving
        ``actor`` (with ``other``, between the two) where given, of one severity, and of one
        cause (``rolled``: the dice made it; ``scripted``: an inject)."""
        n = 0
        for key, count in self._state.tally.items():
            if key[0] != "incident":
                continue
            parties = key[1:3]
            if ((not actor or actor in parties) and (not other or other in parties)
                    and (not severity or key[3] == severity) and (not cause or key[4] == cause)):
                n += count
        return n

    # -- injects and draws ---------------------------------------------------------------
    def fired(self, inject: str, /) -> bool:
        return inject in self._state.fired

    def drew(self, draw: str, option: str, /) -> bool:
        """Whether the draw gave ``option`` (a draw is made when the session starts)."""
        return self._state.marks.get(draw_key(draw)) == option
