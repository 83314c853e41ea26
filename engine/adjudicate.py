"""Adjudication: sealed orders in, events out, in the ruleset's fixed order.

:class:`Resolution` is the working context the ruleset's resolvers write to.
Every change goes through it as an event, and each event is folded at once, so a
later step sees what an earlier one did, and the events alone rebuild the result.
Rolls come from :mod:`detente.engine.dice` keyed by (seed, turn, roll id) and are
recorded with their inputs, so a report can say why something happened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from attrs import frozen

from detente.engine import dice
from detente.engine.events import FOLD, Event, tally_move
from detente.engine.ruleset import MoveType, Ruleset
from detente.engine.scenario import Scenario
from detente.engine.state import Order, Reading, State, Working
from detente.engine.tracks import Track
from detente.engine.visibility import HOLDER, value_audience

Vis = str | list[str]


def default_vis(value: str, of: Sequence[str], tracks: Mapping[str, Track] | None = None) -> Vis:
    """The stamp of a change of ``value`` whose cause is public: the holder for a value only its
    holder sees (its track's ``seen_by``, among ``tracks``: the state's declarations), everyone
    otherwise. The stamp says who may read why the value moved; who may see the value itself is
    its declaration, applied when the event is read (:mod:`detente.engine.visibility`), so a
    change of an alliance's value stamped everyone still reaches only the alliance's members
    (the stamp cannot name them: it is made without the scenario)."""
    if value_audience(value, tracks) == HOLDER:
        return [of[0]]
    return "all"


@frozen
class Sink:
    """What the events of a session keep. Play and the log keep everything (:data:`EVERYTHING`);
    a dry run that reads only outcomes and a few figures (``detente simulate``) can leave out what
    it never reads. The state changes the same either way: only the record is thinner."""

    rolls: bool = True
    """Keep each roll's event (its chance, value and inputs)."""
    changes: frozenset[str] | None = None
    """The tracked values whose ``changed`` events are kept; None for all of them."""

    def keeps(self, value: str) -> bool:
        """Whether a change of ``value`` is recorded."""
        return self.changes is None or value in self.changes


EVERYTHING = Sink()
"""The sink of play, replay and every log: nothing is left out."""


class Resolution:
    """The working context of one command: adjudication, an answer in communications, a
    phase change. The rules read :attr:`state` and change it only through :meth:`emit` and
    :meth:`change`, which apply each event to the working state at once, in place, so a later
    step sees what an earlier one did and the events alone rebuild the result."""

    def __init__(self, state: State, ruleset: Ruleset, seed: int | str, *, sink: Sink = EVERYTHING) -> None:
        self.state: Working = state.thaw()
        """The state as this command leaves it so far (a working copy; :meth:`result` freezes it)."""
        self.ruleset = ruleset
        self.seed = seed
        """What the dice are keyed by: the session's seed, with its secret when it has one."""
        self.numbers = state.numbers
        self.events: list[Event] = []
        self.sink = sink
        """What the events keep (:class:`Sink`)."""
        self._rolls = sink.rolls
        self._changes = sink.changes
        self._tracks = state.tracks

    @property
    def turn(self) -> int:
        """The turn being resolved."""
        return self.state.turn

    def result(self) -> State:
        """The state after every event so far, frozen."""
        return self.state.freeze()

    def emit(self, kind: str, vis: Vis = "all", **fields: Any) -> Event:
        """Record an event and apply it to the working state."""
        event: Event = {"kind": kind, **fields, "vis": vis}
        FOLD[kind](self.state, event)
        self.events.append(event)
        return event

    def change(
        self,
        value: str,
        of: Sequence[str],
        *,
        add: float | None = None,
        to: Any = None,
        cause: str,
        vis: Vis | None = None,
    ) -> Any:
        """Add to (or set) a tracked value, kept within its range; emits ``changed`` only if
        the value really changes. Returns the new value."""
        track = self._tracks[value]
        key = track.key(of)
        w = self.state
        # Working.own_values, without the call when the table is already this command's own
        # (and so a dict of its own: the ignore says so to the type checker).
        table: dict[Any, Any] = w.values[value] if value in w._owned else w.own_values(value)  # type: ignore[assignment]
        old = table[key]
        if to is None:
            new = track.clamp(old + add if add else old)
        elif isinstance(to, bool):
            new = to
        else:
            new = track.clamp(to)
        if new == old:
            return old
        # The fold of the ``changed`` event below, done here: the value is already located.
        table[key] = new
        changes = self._changes
        if changes is None or value in changes:
            if isinstance(new, bool):
                by = None
            else:
                by = new - old
                if isinstance(by, float):
                    by = round(by, 3)
            if vis is None:  # default_vis, with the track already found
                vis = [of[0]] if track.seen_by == HOLDER else "all"
            self.events.append({
                "kind": "changed", "value": value, "of": list(of), "to": new, "by": by, "cause": cause,
                "vis": vis,
            })
        return new

    def roll(self, roll_id: str, p: float, *, about: str, inputs: Mapping[str, Any] | None = None) -> bool:
        """A seeded chance: True with probability ``p`` (clamped to 0–1). Logged for the facilitator."""
        p = min(1.0, max(0.0, p))
        value = dice.uniform(self.seed, self.state.turn, roll_id)
        success = value < p
        if not self._rolls:
            return success
        # A roll changes nothing in the state (its fold does nothing): only recorded.
        self.events.append({
            "kind": "roll", "id": roll_id, "p": round(p, 4), "value": round(value, 4), "success": success,
            "inputs": dict(inputs or {}), "about": about, "vis": "fac",
        })
        return success

    def pick(self, roll_id: str, weights: Sequence[float], *, about: str) -> int:
        """A seeded choice among ``len(weights)`` options, each as likely as its weight: the
        index of the one drawn. Logged for the facilitator (``value``: the uniform draw)."""
        value = dice.uniform(self.seed, self.turn, roll_id)
        total, at, chosen = sum(weights), 0.0, len(weights) - 1
        for i, w in enumerate(weights):
            at += w / total
            if value < at:
                chosen = i
                break
        if self._rolls:
            self.emit("roll", "fac", id=roll_id, p=None, value=round(value, 4), success=None,
                      inputs={"weights": list(weights), "drawn": chosen}, about=about)
        return chosen

    def dice(self, roll_id: str, *, n: int = 2, sides: int = 6, about: str,
             inputs: Mapping[str, Any] | None = None) -> int:
        """``n`` seeded dice of ``sides`` sides, summed (a 2d6 table roll by default). Logged."""
        faces = [dice.die(self.seed, self.turn, f"{roll_id}#{i}", sides) for i in range(n)]
        total = sum(faces)
        if not self._rolls:
            return total
        self.emit(
            "roll", "fac", id=roll_id, p=None, value=total, success=None,
            inputs={**(inputs or {}), "dice": f"{n}d{sides}", "faces": faces}, about=about,
        )
        return total

    def move(self, team: str, order: Order, text: str, *, result: str = "done", vis: Vis = "all") -> None:
        """Record that ``team``'s move was resolved, with its result in words."""
        logged = order.to_dict()
        self.events.append({
            "kind": "move", "team": team, "order": logged, "result": result, "text": text, "vis": vis,
        })
        tally_move(self.state, team, logged, result)  # the event's fold, without FOLD's lookup


class LegalMove(NamedTuple):
    """A move a team may make now, with its cost and valid arguments. (A named tuple: a random or
    bot game lists a team's legal moves at nearly every decision.)"""

    move: MoveType
    cost: int
    choices: Mapping[str, tuple[str, ...]]
    """Valid values for each listed argument."""
    barred: str = ""
    """Why the rules bar the move now (:attr:`MoveType.barred`), in words; empty for a move that
    may be made. Only lists asked for with ``barred`` hold barred moves."""


def legal_moves(
    state: State, team: str, ruleset: Ruleset, phase: str | None = None, *, barred: bool = False,
) -> list[LegalMove]:
    """Every move ``team`` may make in the current (or given) phase, affordable with
    what is left of its budget, with valid targets and arguments. With ``barred``, also the
    affordable moves the rules bar now (:attr:`MoveType.barred`), in their place, each with
    its reason and no choices: what a team's screen shows greyed.

    Worked out once per state, team and phase (a state never changes); the list returned is
    the caller's to keep but not to change."""
    phase = phase or state.phase
    memo = state.memo
    key = ("legal", team, phase, ruleset.name, barred)
    found = memo.get(key)
    if found is not None:
        return found
    left = state.left(team)
    costs = state.numbers["costs"]
    out = []
    for mt, name, required, bare, fixed in _team_moves(state, team, ruleset, phase):
        cost = int(costs.get(name, 1))  # MoveType.cost, without a call per move
        if cost > left and mt.free is None:
            continue
        if fixed is not None and mt.free is None:  # its arguments do not depend on the state
            lm = fixed if fixed.cost == cost else fixed._replace(cost=cost)
        else:
            choices = move_choices(state, mt, team)
            if choices is None:
                continue
            if mt.free is not None:
                priced = _free_where(state, team, mt, choices, cost, left)
                if priced is None:
                    continue
                cost, choices = priced
            if required:
                if not all(map(choices.get, required)):
                    continue
            # A move without required arguments (raise readiness) is judged by its check alone.
            elif mt.check(state, team, bare) is not None:
                continue
            lm = LegalMove(mt, cost, choices)
        # Barred only where it could otherwise be made: its reason is then the whole story.
        if mt.barred is not None:
            why = mt.barred(state, team)
            if why is not None:
                if barred:
                    out.append(LegalMove(mt, cost, {}, why))
                continue
        out.append(lm)
    memo[key] = out
    return out


def _free_where(
    state: State, team: str, mt: MoveType, choices: Mapping[str, tuple[str, ...]], cost: int, left: int,
) -> tuple[int, Mapping[str, tuple[str, ...]]] | None:
    """The cost and choices of a move that is free for some orders (:attr:`MoveType.free`): at
    no cost when it is free for every target; when the team cannot afford its cost, at no cost
    for the targets it is free for only (None if there are none); else at its cost."""
    assert mt.free is not None
    if "target" not in choices:
        if mt.free(state, team, Order(mt.name)):
            return 0, choices
        return None if cost > left else (cost, choices)
    targets = choices["target"]
    free = tuple(t for t in targets if mt.free(state, team, Order(mt.name, target=t)))
    if free and len(free) == len(targets):
        return 0, choices
    if cost <= left:
        return cost, choices
    return (0, {**choices, "target": free}) if free else None


def move_choices(state: Reading, mt: MoveType, team: str) -> Mapping[str, tuple[str, ...]] | None:
    """The valid values of each argument of ``mt`` for ``team`` now (:attr:`MoveType.choices`),
    within what the scenario allows (``[rules.moves]``); None when the scenario does not let
    ``team`` make the move at all."""
    choices = mt.choices(state, team)
    rule = state.scenario.rules.moves.get(mt.name)
    if rule is None:
        return choices
    if not rule.allows(team):
        return None
    if not rule.pairs:
        return choices
    # Only the partners the scenario pairs the team with may be aimed at.
    return {arg: tuple(t for t in values if rule.allows(team, t)) if arg in ("target", "targets") else values
            for arg, values in choices.items()}


_TeamMove = tuple[MoveType, str, tuple[str, ...], Order, LegalMove | None]


def _team_moves(state: State, team: str, ruleset: Ruleset, phase: str) -> tuple[_TeamMove, ...]:
    """The move types of ``phase`` for ``team``, each with its name, its required arguments, the
    order of it without arguments and, for a move whose arguments do not depend on the state
    (:attr:`MoveType.fixed_choices`), the legal move itself: what :func:`legal_moves` reads of
    each, worked out once per scenario, numbers, ruleset and team. A move of fixed arguments that
    the team can never make is left out."""
    scenario, numbers = state.scenario, state.numbers
    key = (id(ruleset), id(scenario), id(numbers), team, phase)
    hit = _TEAM_MOVES.get(key)
    if hit is None or hit[0] is not ruleset or hit[1] is not scenario or hit[2] is not numbers:
        if len(_TEAM_MOVES) > 256:
            _TEAM_MOVES.clear()
        costs = numbers["costs"]
        rows: list[_TeamMove] = []
        for mt in ruleset.moves_by_phase.get(phase, ()):
            bare = Order(move=mt.name)
            fixed = None
            if mt.fixed_choices:
                # Within what the scenario allows ([rules.moves]): fixed for the team too.
                limited = move_choices(state, mt, team)
                if limited is None:
                    continue
                choices = limited
                if mt.required:
                    if not all(map(choices.get, mt.required)):
                        continue
                elif mt.check(state, team, bare) is not None:
                    continue
                fixed = LegalMove(mt, int(costs.get(mt.name, 1)), choices)
            rows.append((mt, mt.name, mt.required, bare, fixed))
        hit = _TEAM_MOVES[key] = (ruleset, scenario, numbers, tuple(rows))
    return hit[3]


_TEAM_MOVES: dict[tuple[int, int, int, str, str], tuple[Ruleset, Scenario, Any, tuple[_TeamMove, ...]]] = {}


def check_order(
    state: State, team: str, order: Order, ruleset: Ruleset, phase: str,
    choices: Mapping[str, tuple[str, ...]] | None = None,
) -> str | None:
    """Why ``order`` is not a valid move for ``team`` now, or None if it is.

    ``choices``, if given, are the move's choices for ``team`` in this very ``state``
    (:attr:`LegalMove.choices`), so they need not be worked out again."""
    mt = ruleset.moves.get(order.move)
    if mt is None:
        known = ", ".join(sorted(m for m, t in ruleset.moves.items() if t.phase == phase))
        return f"unknown move {order.move!r} (moves in this phase: {known})"
    if mt.phase != phase:
        return f"{order.move} is made in the {mt.phase} phase, not in {phase}"
    if mt.barred is not None:
        why = mt.barred(state, team)
        if why is not None:
            return why
    if choices is None:
        choices = move_choices(state, mt, team)
        if choices is None:
            return f"this scenario does not let {team} make {order.move} ([rules.moves])"
    for name in mt.unused_fields:
        if getattr(order, name):
            return f"{order.move} takes no {name}"
    for p in mt.params:
        given = getattr(order, p.name)
        if not given:
            if not p.optional:
                return f"{order.move} needs a {p.name} ({p.doc})"
            continue
        if p.name == "text":
            continue
        valid = choices.get(p.name, ())
        values = given if p.name == "targets" else (given,)
        for v in values:
            if v not in valid:
                shown = ", ".join(valid) or "none now"
                return f"{v!r} is not a valid {p.name} for {order.move} (valid: {shown})"
        if p.name == "targets" and len(set(values)) != len(values):
            return f"{order.move} names the same target twice"
    return mt.check(state, team, order)


def adjudicate(state: State, ruleset: Ruleset, seed: int | str) -> list[Event]:
    """Resolve this turn's sealed orders and turn-wide processes; returns the events.

    Pure: the same state, ruleset and seed give the same events, whatever the order in
    which teams submitted."""
    r = Resolution(state, ruleset, seed)
    resolve_turn(r)
    return r.events


def resolve_turn(r: Resolution) -> None:
    """Run the ruleset's adjudication steps, in order, on a working resolution."""
    for step in r.ruleset.steps:
        step.run(r)
