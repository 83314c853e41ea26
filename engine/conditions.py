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

from detente.engine.expr import Condition, compile_condition
from detente.engine.ruleset import find_ruleset, functions_for
from detente.engine.scenario import Scenario
from detente.engine.state import Reading, draw_key

__all__ = ["Facts", "compile_scenario"]


def compile_scenario(s: Scenario) -> dict[str, Condition]:
    """Every distinct ``when`` of the scenario (injects, objectives, endings), compiled, by its
    source. The scenario must have been checked by the loader (``ExpressionError`` otherwise).

    >>> from detente.engine.loader import EXAMPLE, load_scenario_text
    >>> compile_scenario(load_scenario_text(EXAMPLE))
    {}
    """
    ids = s.ids()
    own = s.own_tracks
    # A scenario's own values are functions of its conditions too: what each is is part of the key.
    known = (tuple(sorted(ids.items())), tuple((t.name, t.scope, t.type) for t in own.values()))
    sources = [i.when for i in s.injects if i.when is not None]
    sources += [o.when for o in s.objectives]
    sources += [e.when for e in s.endings]
    compiled: dict[str, Condition] = {}
    functions = functions_for(find_ruleset(s.rules.name), own)
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
        """Whether ``b`` declined (or left unanswered) a call from ``a``."""
        return (a, b, "declined") in self._state.calls

    def pledged(self, a: str, b: str, /) -> bool:
        """Whether ``a`` has a pledge to ``b`` in force."""
        return any(
            p.by == a and p.to == b and p.status == "active" for p in self._state.pledges.values()
        )

    def broken(self, actor: str, /) -> int:
        """How many pledges the actor has broken."""
        pledges = self._state.pledges.values()
        return sum(1 for p in pledges if p.by == actor and p.status == "broken")

    # -- injects and draws ---------------------------------------------------------------
    def fired(self, inject: str, /) -> bool:
        return inject in self._state.fired

    def drew(self, draw: str, option: str, /) -> bool:
        """Whether the draw gave ``option`` (a draw is made when the session starts)."""
        return self._state.marks.get(draw_key(draw)) == option
