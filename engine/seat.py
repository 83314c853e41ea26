"""What a bot sees when it decides for its team, and what it remembers.

A bot decides from what its team may see and nothing else: the team's
:func:`~detente.engine.views.view`, the events on the team's
:func:`~detente.engine.views.timeline`, and what the rules let it do now
(:func:`~detente.engine.adjudicate.legal_moves`, :func:`~detente.engine.adjudicate.check_order`).
:class:`Seat` is that window; :class:`Tones` is how each team reads each move, from the
ruleset's declarations; :class:`Memory` is what a team's bot has seen so far, read once as the
events come. The policies that decide are in :mod:`detente.engine.bots`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from detente.engine.adjudicate import LegalMove, check_order, legal_moves
from detente.engine.randomplay import random_orders, random_proposal
from detente.engine.ruleset import (
    EVERYONE,
    NEAR,
    NEUTRAL,
    NON_ALLIES,
    TONES,
    TRANSPARENT,
    Ruleset,
    find_ruleset,
)
from detente.engine.scenario import Scenario
from detente.engine.state import Order, Proposal, State
from detente.engine.views import ProposalView, Timeline, View, proposal_view, view

if TYPE_CHECKING:
    from detente.engine.bots import Policy

Event = Mapping[str, Any]

COOPERATIVE, ESCALATORY = "cooperative", "escalatory"

# -- how a move reads to another team -----------------------------------------------------------


class Tones:
    """How each team reads each move, from the ruleset's declarations (:attr:`MoveType.tone`,
    :attr:`MoveType.read_by` …), worked out once per order and kept: a bot weighs dozens of
    candidate orders at every decision, and the same orders come back turn after turn."""

    __slots__ = ("_allied", "_cache", "_near", "candidates", "fixed_candidates", "group_weights",
                 "proposal_views", "ruleset", "scenario", "weights")

    def __init__(self, scenario: Scenario, ruleset: Ruleset) -> None:
        self.scenario = scenario
        self.ruleset = ruleset
        self._near = {rg.id: frozenset(rg.near) for rg in scenario.regions}
        self._allied = frozenset((a, b) for al in scenario.alliances for a in al.members for b in al.members)
        self._cache: dict[tuple[Order, str], tuple[tuple[str, int], ...]] = {}
        self.candidates: dict[Any, tuple[Order, ...]] = {}
        """Concrete orders for a move and its valid arguments (:meth:`Seat.candidates`)."""
        self.weights: dict[tuple[str, str, Order], float] = {}
        """What a policy whose liking depends on the order alone makes of an order by a team."""
        self.fixed_candidates: dict[int, tuple[LegalMove, tuple[Order, ...], Any]] = {}
        """The candidates of a legal move of fixed choices (the same object on every state), by the
        identity of the legal move, which the entry keeps: (legal move, orders, key)."""
        self.group_weights: dict[Any, tuple[float, ...]] = {}
        """What a policy makes of each order of a legal move's kept candidates (:meth:`Seat.weighed`),
        by policy, team, what else the liking reads (:meth:`Policy.weight_context`) and move."""
        self.proposal_views: dict[int, tuple[Proposal, ProposalView]] = {}
        """Each call or proposal as its parties see it, by the identity of the (never changed)
        proposal: an unchanged proposal is the same object from one state to the next, and a bot
        looks at the proposals after every command of the communications phase."""

    def allied(self, a: str, b: str) -> bool:
        return (a, b) in self._allied

    def tone(self, order: Order, by: str, toward: str) -> int:
        """How ``toward`` reads ``by``'s move: 1 cooperative, -1 escalatory, 0 neither."""
        mt = self.ruleset.moves.get(order.move)
        if mt is None:
            return 0
        sign = TONES.get(self.kind(order), 0)
        reader = mt.read_by
        if reader == EVERYONE:
            return sign
        if reader == NEAR:
            return sign if toward in self._near.get(order.region, ()) else 0
        if reader == NON_ALLIES:
            return 0 if self.allied(by, toward) else sign
        if toward == order.target or toward in order.targets:
            return sign
        if self.allied(by, toward):
            return 0
        return TONES.get(mt.outsiders, 0)

    def toward_others(self, order: Order, by: str) -> tuple[tuple[str, int], ...]:
        """``(team, tone)`` for every other team that reads ``by``'s move as anything but neutral."""
        key = (order, by)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = tuple(
                (o, t) for o in self.scenario.others[by] if (t := self.tone(order, by, o))
            )
        return hit

    def kind(self, order: Order) -> str:
        """The move's tone (:data:`~detente.engine.ruleset.TONES`), its choice's where that decides."""
        mt = self.ruleset.moves.get(order.move)
        if mt is None:
            return NEUTRAL
        return mt.choice_tones.get(order.choice, mt.tone) if mt.choice_tones else mt.tone

    def transparent(self, order: Order) -> bool:
        """Whether the move is a transparency measure."""
        mt = self.ruleset.moves.get(order.move)
        return mt is not None and mt.tone == TRANSPARENT


_TONES: dict[tuple[int, int], Tones] = {}


def tones_for(scenario: Scenario, ruleset: Ruleset) -> Tones:
    """The :class:`Tones` of a scenario and ruleset, made once per pair of objects."""
    key = (id(scenario), id(ruleset))
    hit = _TONES.get(key)
    if hit is None or hit.scenario is not scenario or hit.ruleset is not ruleset:
        if len(_TONES) > 64:
            _TONES.clear()
        hit = _TONES[key] = Tones(scenario, ruleset)
    return hit


def tone(order: Order, by: str, toward: str, scenario: Scenario, ruleset: Ruleset | None = None) -> int:
    """How ``toward`` reads ``by``'s move: 1 cooperative, -1 escalatory, 0 neither, as the
    ruleset (the scenario's, by default) declares it: a deployment worries the actors its region
    borders, a readiness raise every non-ally, a joint exercise reassures the partner and worries
    outsiders, a warning worries its target, calls and transparency measures reassure those
    they are aimed at."""
    if ruleset is None:
        ruleset = find_ruleset(scenario.rules.name)
    return tones_for(scenario, ruleset).tone(order, by, toward)


# -- what a bot sees ---------------------------------------------------------------------------


class Seat:
    """What a bot may look at when it decides for its team: the team's view, the events the
    team may see, and what the rules allow it now. The state itself stays private to the
    rules' own checks (legal moves, order checks, the team's own pledges)."""

    __slots__ = ("_events", "_legal", "_ruleset", "_stances", "_state", "_view", "others", "scenario",
                 "team", "tones")

    def __init__(self, state: State, team: str, ruleset: Ruleset, events: Sequence[Event] = ()) -> None:
        self.team = team
        self._view: View | None = None
        self._state = state
        self._ruleset = ruleset
        self._events = events
        self._legal: dict[str, list[LegalMove]] = {}
        self._stances: dict[str, str] | None = None
        self.scenario: Scenario = state.scenario
        """The scenario (public: every team has it)."""
        self.others: tuple[str, ...] = state.scenario.others[team]
        """Every other team, in the scenario's order."""
        self.tones = tones_for(state.scenario, ruleset)
        """How each team reads each move."""

    @property
    def view(self) -> View:
        """The team's view (computed when first asked: most decisions need only part of it)."""
        if self._view is None:
            self._view = view(self._state, self.team, self._ruleset.ladder)
        return self._view

    @property
    def proposals(self) -> tuple[ProposalView, ...]:
        """This turn's calls and proposals the team is party to, as its view shows them."""
        if self._view is not None:
            return self._view.proposals
        team = self.team
        kept = self.tones.proposal_views
        out = []
        for p in self._state.proposals.values():
            if team == p.by or team in p.to:
                hit = kept.get(id(p))
                if hit is None or hit[0] is not p:
                    if len(kept) > 4096:
                        kept.clear()
                    hit = kept[id(p)] = (p, proposal_view(p, self._ruleset))
                out.append(hit[1])
        return tuple(out)

    @property
    def pledges(self) -> tuple[tuple[str, str, str, str], ...]:
        """Pledges the team made or was given: (id, by, to, status), as its view shows them."""
        return tuple(
            (p.id, p.by, p.to, p.status) for p in self._state.pledges.values() if self.team in (p.by, p.to)
        )

    @property
    def turn(self) -> int:
        """The current turn (public)."""
        return self._state.turn

    # The team's own budget and the pairs' tension are in its view; they are read straight
    # from the state because a full view costs more than the rest of a decision.
    @property
    def left(self) -> int:
        """Budget left this turn."""
        return self._state.left(self.team)

    def allied(self, other: str) -> bool:
        return self.tones.allied(self.team, other)

    def escalation(self, other: str) -> int:
        """How far the team and ``other`` have escalated: the ruleset's escalation value of the
        pair (public), 0 if the ruleset has none."""
        track = self._ruleset.escalation
        return self._state.value(track, self.team, other) if track else 0

    def legal(self, phase: str) -> list[LegalMove]:
        """The moves the team may make in ``phase`` now, affordable, with valid arguments."""
        if phase not in self._legal:
            self._legal[phase] = legal_moves(self._state, self.team, self._ruleset, phase)
        return self._legal[phase]

    def check(self, order: Order, phase: str) -> str | None:
        """Why ``order`` would be refused, or None."""
        # The move's valid arguments are those its legal move lists (the same state and team),
        # when it is legal: not worked out again.
        choices = next((lm.choices for lm in self.legal(phase) if lm.move.name == order.move), None)
        return check_order(self._state, self.team, order, self._ruleset, phase, choices)

    def breaks_pledge(self, orders: tuple[Order, ...]) -> bool:
        """Whether these orders would break one of the team's own pledges in force."""
        for pl in self._state.pledges.values():
            kind = self._ruleset.pledges.get(pl.kind)
            if (
                pl.by == self.team
                and pl.status == "active"
                and kind is not None
                and kind.broken(self._state, pl, orders)
            ):
                return True
        return False

    @property
    def pledge_kinds(self) -> Mapping[str, bool]:
        """The ruleset's pledge kinds: name → whether it names a region."""
        return {k: p.needs_region for k, p in self._ruleset.pledges.items()}

    def call_tones(self, reads: str) -> list[str]:
        """The ruleset's call tones the other side reads as ``reads`` (``cooperative``,
        ``coercive`` …), in the ruleset's order."""
        return [k for k, t in self._ruleset.call_tones.items() if t.reads == reads]

    @property
    def any_call_tone(self) -> list[str]:
        """Every call tone of the ruleset, in its order."""
        return list(self._ruleset.call_tones)

    @property
    def restraints(self) -> list[tuple[str, bool]]:
        """The pledges of restraint a bot may offer, the ruleset's first choice first: (kind,
        whether it names a region)."""
        kinds = sorted((p.restraint, k) for k, p in self._ruleset.pledges.items() if p.restraint > 0)
        return [(k, self._ruleset.pledges[k].needs_region) for _, k in kinds]

    def random_orders(self, rng: random.Random) -> tuple[Order, ...]:
        return random_orders(self._state, self.team, self._ruleset, rng)

    def random_proposal(self, rng: random.Random) -> Order | None:
        return random_proposal(self._state, self.team, self._ruleset, rng)

    def stance(self, other: str) -> str:
        """``cooperative`` or ``escalatory``: how ``other`` visibly behaved toward this team
        since the start of the previous turn (cooperative on turn 1 or without events)."""
        if self._stances is None:
            self._stances = _stances(self)
        return self._stances[other]

    def candidates(self, phase: str, rng: random.Random, cap: int = 48) -> list[tuple[Order, int]]:
        """Concrete orders for the legal moves of ``phase``, with their cost (arguments
        enumerated; at most ``cap`` per move, drawn at random where there are more).

        The orders of a move with the same valid arguments are the same every time, so they
        are kept (unless some were drawn at random: then they are drawn again, as before)."""
        out: list[tuple[Order, int]] = []
        for orders, cost, _ in self._groups(phase, rng, cap):
            out += [(o, cost) for o in orders]
        return out

    def _groups(self, phase: str, rng: random.Random, cap: int) -> list[tuple[tuple[Order, ...], int, Any]]:
        """:meth:`candidates` by legal move: (orders, cost, key), the key under which the orders
        are kept, or None for orders drawn at random."""
        out: list[tuple[tuple[Order, ...], int, Any]] = []
        kept = self.tones.candidates
        fixed = self.tones.fixed_candidates
        for lm in self.legal(phase):
            # A move of fixed choices is the same legal move from one state to the next: its
            # orders are found by the object, without a key made and hashed.
            hit = fixed.get(id(lm))
            if hit is not None and hit[0] is lm:
                out.append((hit[1], lm.cost, hit[2]))
                continue
            key: Any = (lm.move.name, tuple(lm.choices.items()))
            try:
                orders = kept.get(key)
            except TypeError:  # choices given as lists: kept by their values as tuples
                key = (lm.move.name, tuple((k, tuple(v)) for k, v in lm.choices.items()))
                orders = kept.get(key)
            if orders is None:
                orders, drawn = _orders_of(lm, rng, cap)
                if drawn:
                    out.append((orders, lm.cost, None))
                    continue
                if len(kept) > 4096:
                    kept.clear()
                kept[key] = orders
            if lm.move.fixed_choices:
                if len(fixed) > 4096:
                    fixed.clear()
                fixed[id(lm)] = (lm, orders, key)
            out.append((orders, lm.cost, key))
        return out

    def weighed(
        self, policy: Policy, phase: str, rng: random.Random, cap: int = 48,
    ) -> tuple[list[tuple[Order, int]], list[float]]:
        """:meth:`candidates` and ``policy``'s liking for each (:meth:`weights`).

        A policy's liking of a move's orders is kept, move by move, when it depends on the team,
        the order and its :meth:`~detente.engine.bots.Policy.weight_context` alone: a bot weighs
        some hundred orders at every decision, mostly the same ones turn after turn."""
        context = policy.weight_context(self)
        kept = self.tones.group_weights
        pool: list[tuple[Order, int]] = []
        weights: list[float] = []
        for orders, cost, key in self._groups(phase, rng, cap):
            if key is None or context is None:
                weights += [policy.weight(self, o) for o in orders]
            else:
                wkey = (policy.name, self.team, context, key)
                liking = kept.get(wkey)
                if liking is None:
                    if len(kept) > 16384:
                        kept.clear()
                    liking = kept[wkey] = tuple(policy.weight(self, o) for o in orders)
                weights += liking
            pool += [(o, cost) for o in orders]
        return pool, weights

    def weights(self, policy: Policy, pool: list[tuple[Order, int]]) -> list[float]:
        """``policy``'s liking for each order of ``pool`` (kept when it depends on the order alone)."""
        if not policy.stable_weights:
            return [policy.weight(self, o) for o, _ in pool]
        kept = self.tones.weights
        team, name = self.team, policy.name
        out = []
        for o, _ in pool:
            key = (name, team, o)
            w = kept.get(key)
            if w is None:
                w = kept[key] = policy.weight(self, o)
            out.append(w)
        return out


def _orders_of(lm: LegalMove, rng: random.Random, cap: int) -> tuple[tuple[Order, ...], bool]:
    """Every order of a legal move (at most ``cap``), and whether some were drawn at random."""
    drawn = False
    combos: list[dict[str, Any]] = [{}]
    for p in lm.move.params:
        if p.name == "text":
            continue
        opts = lm.choices.get(p.name, ())
        vals: list[Any] = [tuple(sorted(opts))] if p.name == "targets" else list(opts)
        if p.optional or not vals:
            vals = ["", *vals]
        combos = [{**c, p.name: v} for c in combos for v in vals]
        if len(combos) > cap:
            combos = rng.sample(combos, cap)
            drawn = True
    text = next((p for p in lm.move.params if p.name == "text"), None)
    orders = []
    for c in combos:
        kw = {k: v for k, v in c.items() if v}
        if text is not None and not text.optional:
            kw["text"] = "A statement."
        orders.append(Order(move=lm.move.name, **kw))
    return tuple(orders), drawn


class Memory:
    """What one team's bot has seen of the session so far, kept as the events come in rather
    than read again at every decision: turn by turn, how each other team behaved toward it (its
    moves' tones, its answers to this team's calls and proposals, the pledges to this team it
    broke). Fed from the team's own timeline only."""

    __slots__ = ("_coop", "_esc", "_last", "_pledges", "_proposer", "_reader", "_tallied", "_turn", "events",
                 "seen", "team", "tones")

    def __init__(self, events: Sequence[Event], team: str, tones: Tones) -> None:
        self.events = events
        self.seen = 0
        self.team = team
        self.tones = tones
        self._reader = Timeline(team)
        self._turn = 0
        self._coop: dict[int, dict[str, int]] = {}
        self._esc: dict[int, dict[str, int]] = {}
        self._proposer: dict[str, str] = {}
        self._pledges: dict[str, tuple[str, str]] = {}
        self._tallied = 0
        """How many times a tally changed."""
        self._last: tuple[tuple[int, int, tuple[str, ...]], dict[str, str]] | None = None
        """The stances last worked out, with the turn, the tallies' changes and the teams asked about."""

    def catch_up(self, pledges: Iterable[tuple[str, str, str, str]] = ()) -> None:
        """Read the events that came since last time. ``pledges`` are the team's pledges as its
        view shows them, for a broken pledge made before the first event read."""
        events = self.events
        if self.seen >= len(events):
            return
        new = events[self.seen:]
        self.seen = len(events)
        me = self.team
        for pid, by, to, _ in pledges:
            self._pledges.setdefault(pid, (by, to))
        for e in self._reader.feed(new):
            k = e["kind"]
            if k == "phase":
                self._turn = e["turn"]
            elif k == "proposal":
                self._proposer[e["id"]] = e["by"]
                if e["by"] != me and me in e["to"]:
                    self._add(self._coop, e["by"])
            elif k == "response" and e["by"] != me and self._proposer.get(e["id"]) == me:
                self._add(self._coop if e["accept"] else self._esc, e["by"])
            elif k == "unanswered" and self._proposer.get(e["id"]) == me:
                for b in e["by"]:
                    self._add(self._esc, b)
            elif k == "move" and e["team"] != me:
                t = self.tones.tone(Order.from_dict(e["order"]), e["team"], me)
                if t:
                    self._add(self._coop if t > 0 else self._esc, e["team"])
            elif k == "pledge":
                self._pledges[e["id"]] = (e["by"], e["to"])
            elif k == "pledge_status" and e.get("status") == "broken":
                by, to = self._pledges.get(e["id"], ("", ""))
                if to == me and by:
                    self._add(self._esc, by)

    def _add(self, tally: dict[int, dict[str, int]], other: str) -> None:
        self._tallied += 1
        by_team = tally.setdefault(self._turn, {})
        by_team[other] = by_team.get(other, 0) + 1

    def stances(self, turn: int, others: Iterable[str]) -> dict[str, str]:
        """``cooperative`` or ``escalatory`` for each of ``others``: how it visibly behaved
        toward this team since the start of the previous turn (cooperative on turn 1)."""
        if turn <= 1:
            return dict.fromkeys(others, COOPERATIVE)
        # The same until a tally changes: a bot asks at every decision, after every command.
        others = tuple(others)
        key = (turn, self._tallied, others)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        out = {}
        for o in others:
            coop = sum(self._coop.get(t, {}).get(o, 0) for t in (turn - 1, turn))
            esc = sum(self._esc.get(t, {}).get(o, 0) for t in (turn - 1, turn))
            out[o] = ESCALATORY if esc and esc >= coop else COOPERATIVE
        self._last = (key, out)
        return out


_MEMORIES: dict[tuple[int, str], Memory] = {}


def memory_of(events: Sequence[Event], team: str, tones: Tones) -> Memory:
    """The :class:`Memory` of ``team``'s bot over ``events`` (the session's events list, which
    only grows), caught up. Kept per list, so each decision reads only what is new."""
    key = (id(events), team)
    mem = _MEMORIES.get(key)
    if mem is None or mem.events is not events or mem.seen > len(events) or mem.tones is not tones:
        if len(_MEMORIES) > 32:  # a few sessions of a few teams: each holds its events list
            _MEMORIES.clear()
        mem = _MEMORIES[key] = Memory(events, team, tones)
    return mem


def _stances(seat: Seat) -> dict[str, str]:
    mem = memory_of(seat._events, seat.team, seat.tones)
    if mem.seen < len(seat._events):  # the team's pledges are read only when there is news
        mem.catch_up(seat.pledges)
    return mem.stances(seat.turn, seat.others)
