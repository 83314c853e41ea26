"""Bots: policies that play a team's seat through the same commands a human team uses.

A bot decides from what its team may see and nothing else: the team's
:func:`~detente.engine.views.view`, the events on the team's
:func:`~detente.engine.views.timeline`, and what the rules let it do now
(:func:`~detente.engine.adjudicate.legal_moves`, :func:`~detente.engine.adjudicate.check_order`).
It never reads another team's sealed orders, briefing or addressed injects, and its commands
go through :meth:`Session.decide` like anyone's, so a bot can do only what a team could.

Every decision draws from its own generator, seeded by the session seed, the team, the turn,
the policy and the decision (``"7:red:3:hawk:orders"``), so the same visible situation gives
the same command whatever the other seats did meanwhile, and a resumed run carries on with
the commands it would have issued.

The policies (:data:`BOTS`):

- ``random``: any legal move, as :mod:`detente.engine.randomplay` plays.
- ``dove``: transparency measures and other cooperative moves, never an escalation; answers
  and accepts calls and proposals, places calls where tension is highest, pledges restraint
  and keeps its pledges.
- ``hawk``: deployments near non-allies, readiness raises, warnings and shows of alliance;
  often leaves calls unanswered or declines them; pledges nothing.
- ``tit-for-tat``: cooperative on turn 1; then toward each other team it mirrors what that
  team visibly did toward it since the start of the previous turn (moves, answers to its
  calls, broken pledges): cooperative if that was cooperative, escalatory if the
  escalations were at least as many as the cooperative gestures.

>>> bots = parse_bot_specs(["red=hawk", "blue=dove"], session.scenario)   # doctest: +SKIP
>>> next_command(session.state, session.ruleset, bots, seed=7, events=events)  # doctest: +SKIP
SubmitOrders(team='blue', orders=(...))
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from attrs import evolve, frozen

from detente.engine.adjudicate import LegalMove, check_order, legal_moves
from detente.engine.commands import Command, HangUp, MakePledge, Propose, Respond, Say, SubmitOrders
from detente.engine.randomplay import random_orders, random_proposal
from detente.engine.ruleset import Ruleset
from detente.engine.scenario import Scenario
from detente.engine.script import Script
from detente.engine.script import next_command as script_command
from detente.engine.state import Order, State
from detente.engine.views import ProposalView, View, proposal_view, timeline, view

Event = Mapping[str, Any]

MAX_PROPOSALS = 2
"""Most calls and proposals a bot places in one communications phase."""
MAX_ORDERS = 4
"""Most sealed orders a bot gives in one turn."""

COOPERATIVE, ESCALATORY = "cooperative", "escalatory"

# -- how a move reads to another team -----------------------------------------------------------

_AIMED_COOPERATIVE = frozenset({
    "hotline_call", "propose_hotline", "invite_observers", "data_exchange", "request_inspection",
    "mil_to_mil_exchange", "intelligence_sharing", "defense_cooperation_agreement",
    "multilateral_dialogue",
})
_TRANSPARENCY = frozenset({"notify_activity", "invite_observers", "data_exchange", "request_inspection"})


_TABLES: dict[int, tuple[Scenario, Mapping[str, tuple[str, ...]], frozenset[tuple[str, str]]]] = {}


def _tables(scenario: Scenario) -> tuple[Mapping[str, tuple[str, ...]], frozenset[tuple[str, str]]]:
    """The regions' neighbours and the allied pairs, derived once per scenario object."""
    hit = _TABLES.get(id(scenario))
    if hit is None or hit[0] is not scenario:
        near = {rg.id: tuple(rg.near) for rg in scenario.regions}
        allied = frozenset((a, b) for al in scenario.alliances for a in al.members for b in al.members)
        if len(_TABLES) > 64:
            _TABLES.clear()
        hit = _TABLES[id(scenario)] = (scenario, near, allied)
    return hit[1], hit[2]


def _allied(scenario: Scenario, a: str, b: str) -> bool:
    return (a, b) in _tables(scenario)[1]


def _near(scenario: Scenario, region: str) -> tuple[str, ...]:
    return _tables(scenario)[0].get(region, ())


def tone(order: Order, by: str, toward: str, scenario: Scenario) -> int:
    """How ``toward`` reads ``by``'s move: 1 cooperative, -1 escalatory, 0 neither.

    A deployment is escalatory to the actors its region borders; a readiness raise to every
    non-ally; a joint exercise or alliance commitment is cooperative to the partner and
    escalatory to outsiders; a warning escalatory and a reassurance cooperative to its target;
    standing down, withdrawing and notifying are cooperative to all; calls, transparency
    measures and cooperation offers are cooperative to those they are aimed at."""
    m = order.move
    aimed = toward == order.target or toward in order.targets
    if m == "deploy":
        return -1 if toward in _near(scenario, order.region) else 0
    if m == "raise_readiness":
        return 0 if _allied(scenario, by, toward) else -1
    if m in ("stand_down", "withdraw", "notify_activity"):
        return 1
    if m == "public_statement":
        return {"warn": -1, "reassure": 1}.get(order.choice, 0) if aimed else 0
    if m in ("joint_exercise", "alliance_commitment"):
        if aimed:
            return 1
        return 0 if _allied(scenario, by, toward) else -1
    return 1 if aimed and m in _AIMED_COOPERATIVE else 0


# -- what a bot sees ---------------------------------------------------------------------------


class Seat:
    """What a bot may look at when it decides for its team: the team's view, the events the
    team may see, and what the rules allow it now. The state itself stays private to the
    rules' own checks (legal moves, order checks, the team's own pledges)."""

    __slots__ = ("_events", "_legal", "_ruleset", "_stances", "_state", "_view", "team")

    def __init__(self, state: State, team: str, ruleset: Ruleset, events: Sequence[Event] = ()) -> None:
        self.team = team
        self._view: View | None = None
        self._state = state
        self._ruleset = ruleset
        self._events = events
        self._legal: dict[str, list[LegalMove]] = {}
        self._stances: dict[str, str] | None = None

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
        return tuple(
            proposal_view(p) for p in self._state.proposals.values() if team == p.by or team in p.to
        )

    @property
    def pledges(self) -> tuple[tuple[str, str, str, str], ...]:
        """Pledges the team made or was given: (id, by, to, status), as its view shows them."""
        return tuple(
            (p.id, p.by, p.to, p.status) for p in self._state.pledges.values() if self.team in (p.by, p.to)
        )

    @property
    def scenario(self) -> Scenario:
        """The scenario (public: every team has it)."""
        return self._state.scenario

    @property
    def turn(self) -> int:
        """The current turn (public)."""
        return self._state.turn

    @property
    def others(self) -> tuple[str, ...]:
        return tuple(a for a in self.scenario.actor_ids if a != self.team)

    # The team's own budget and the pairs' tension are in its view; they are read straight
    # from the state because a full view costs more than the rest of a decision.
    @property
    def left(self) -> int:
        """Budget left this turn."""
        return self._state.actors[self.team].budget - self._state.spent.get(self.team, 0)

    def allied(self, other: str) -> bool:
        return _allied(self.scenario, self.team, other)

    def tension(self, other: str) -> int:
        return self._state.tension(self.team, other)

    def legal(self, phase: str) -> list[LegalMove]:
        """The moves the team may make in ``phase`` now, affordable, with valid arguments."""
        if phase not in self._legal:
            self._legal[phase] = legal_moves(self._state, self.team, self._ruleset, phase)
        return self._legal[phase]

    def check(self, order: Order, phase: str) -> str | None:
        """Why ``order`` would be refused, or None."""
        return check_order(self._state, self.team, order, self._ruleset, phase)

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
        enumerated; at most ``cap`` per move, drawn at random where there are more)."""
        out: list[tuple[Order, int]] = []
        for lm in self.legal(phase):
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
            text = next((p for p in lm.move.params if p.name == "text"), None)
            for c in combos:
                kw = {k: v for k, v in c.items() if v}
                if text is not None and not text.optional:
                    kw["text"] = "A statement."
                out.append((Order(move=lm.move.name, **kw), lm.cost))
        return out


def _stances(seat: Seat) -> dict[str, str]:
    me, turn = seat.team, seat.turn
    coop = dict.fromkeys(seat.others, 0)
    esc = dict.fromkeys(seat.others, 0)
    events = seat._events
    start = None
    if turn > 1:
        for i in range(len(events) - 1, -1, -1):
            e = events[i]
            if e["kind"] == "phase" and e.get("phase") == "briefing" and e.get("turn") == turn - 1:
                start = i
                break
    if start is not None:
        proposer: dict[str, str] = {}
        pledges = {pid: (by, to) for pid, by, to, _ in seat.pledges}
        for e in timeline(events[start:], me):
            k = e["kind"]
            if k == "proposal":
                proposer[e["id"]] = e["by"]
                if e["by"] != me and me in e["to"]:
                    coop[e["by"]] += 1
            elif k == "response" and e["by"] != me and proposer.get(e["id"]) == me:
                (coop if e["accept"] else esc)[e["by"]] += 1
            elif k == "unanswered" and proposer.get(e["id"]) == me:
                for b in e["by"]:
                    esc[b] += 1
            elif k == "move" and e["team"] != me and e["team"] in coop:
                t = tone(Order.from_dict(e["order"]), e["team"], me, seat.scenario)
                if t > 0:
                    coop[e["team"]] += 1
                elif t < 0:
                    esc[e["team"]] += 1
            elif k == "pledge":
                pledges[e["id"]] = (e["by"], e["to"])
            elif k == "pledge_status" and e.get("status") == "broken":
                by, to = pledges.get(e["id"], ("", ""))
                if to == me and by in esc:
                    esc[by] += 1
    return {o: ESCALATORY if esc[o] and esc[o] >= coop[o] else COOPERATIVE for o in seat.others}


# -- policies ----------------------------------------------------------------------------------


def _pick(rng: random.Random, pool: list[tuple[Order, int]], weights: list[float]) -> int | None:
    idx = [i for i, w in enumerate(weights) if w > 0]
    if not idx:
        return None
    return rng.choices(idx, weights=[weights[i] for i in idx])[0]


def _key(o: Order) -> tuple[str, str, tuple[str, ...]]:
    return (o.move, o.target, o.targets)


@frozen
class Policy:
    """How a bot plays: which moves it prefers, how it answers, what it says and pledges.

    Subclasses set the numbers and override :meth:`weight` (and any decision)."""

    name: str
    description: str
    stop: float = 0.25
    """Chance of stopping after each sealed order."""
    talk: tuple[float, ...] = (0.5, 0.2)
    """Chance of placing a first, second … call or proposal in a phase."""
    honours_pledges: bool = True
    lines: tuple[str, ...] = ("We hear you.",)

    def weight(self, seat: Seat, order: Order) -> float:
        """How much the policy likes ``order`` (0: never)."""
        return 1.0

    def orders(self, seat: Seat, rng: random.Random) -> tuple[Order, ...]:
        """The team's sealed orders for the turn."""
        pool = seat.candidates("orders", rng)
        weights = [self.weight(seat, o) for o, _ in pool]
        left = seat.left
        chosen: list[Order] = []
        forces: set[str] = set()
        keys: set[tuple[str, str, tuple[str, ...]]] = set()
        while len(chosen) < MAX_ORDERS:
            for i, (o, cost) in enumerate(pool):
                if cost > left or _key(o) in keys or (o.force and o.force in forces):
                    weights[i] = 0
            picked = _pick(rng, pool, weights)
            if picked is None:
                break
            o, cost = pool[picked]
            weights[picked] = 0
            if seat.check(o, "orders") is not None:
                continue
            if self.honours_pledges and seat.breaks_pledge((*chosen, o)):
                continue
            chosen.append(o)
            left -= cost
            keys.add(_key(o))
            if o.force:
                forces.add(o.force)
            if rng.random() < self.stop:
                break
        return tuple(chosen)

    def answer_rate(self, seat: Seat, p: ProposalView) -> float:
        """Chance of answering a call or proposal at all (silence is a signal too)."""
        return 1.0

    def accept(self, seat: Seat, p: ProposalView, rng: random.Random) -> bool:
        """Whether to accept (answer the call) or decline."""
        return rng.random() < 0.6

    def propose(self, seat: Seat, made: int, rng: random.Random) -> Order | None:
        """A call or proposal to place (``made`` so far this phase), or None."""
        if made >= len(self.talk) or rng.random() >= self.talk[made] or not self.willing(seat):
            return None
        mine = {(p.order["move"], t) for p in seat.proposals if p.by == seat.team for t in p.to}
        pool = [
            (o, c) for o, c in seat.candidates("communications", rng)
            if not any((o.move, t) in mine for t in (o.targets or (o.target,)))
        ]
        # Talk first where tension is highest.
        weights = [self.weight(seat, o) * _urgency(seat, o) for o, _ in pool]
        while (i := _pick(rng, pool, weights)) is not None:
            weights[i] = 0
            if seat.check(pool[i][0], "communications") is None:
                return pool[i][0]
        return None

    def willing(self, seat: Seat) -> bool:
        """Whether the team wants to place any call or proposal now."""
        return True

    def pledge(self, seat: Seat, call: ProposalView, rng: random.Random) -> tuple[str, str, int] | None:
        """A pledge to make on an answered call: (kind, region, turns), or None."""
        return None

    def line(self, seat: Seat, call: ProposalView, rng: random.Random) -> str:
        """What to say on an answered call."""
        return rng.choice(self.lines)

    def restraint(self, seat: Seat, call: ProposalView, turns: int) -> tuple[str, str, int] | None:
        """A pledge the policy can keep: no readiness increase, else no deployment near the other side."""
        left = seat.scenario.turns.limit - seat.turn + 1
        turns = max(1, min(turns, left))
        kinds = seat.pledge_kinds
        if "no_readiness_increase" in kinds:
            return ("no_readiness_increase", "", turns)
        other = call.by if call.by != seat.team else call.to[0]
        region = next((rg.id for rg in seat.scenario.regions if other in rg.near), "")
        if region and kinds.get("no_deployment"):
            return ("no_deployment", region, turns)
        return None


def _urgency(seat: Seat, order: Order) -> float:
    return 1 + seat.tension(order.target) / 25 if order.target else 1.0


def _tones(seat: Seat, order: Order) -> list[tuple[str, int]]:
    return [(o, t) for o in seat.others if (t := tone(order, seat.team, o, seat.scenario))]


@frozen
class RandomPolicy(Policy):
    """Any legal move, answers at random, sometimes pledges (and does not mind breaking it)."""

    def orders(self, seat: Seat, rng: random.Random) -> tuple[Order, ...]:
        return seat.random_orders(rng)

    def answer_rate(self, seat: Seat, p: ProposalView) -> float:
        return 0.8

    def propose(self, seat: Seat, made: int, rng: random.Random) -> Order | None:
        if made or rng.random() < 0.5:
            return None
        return seat.random_proposal(rng)

    def pledge(self, seat: Seat, call: ProposalView, rng: random.Random) -> tuple[str, str, int] | None:
        kinds = sorted(seat.pledge_kinds.items())
        if not kinds or rng.random() >= 0.3:
            return None
        kind, needs_region = rng.choice(kinds)
        region = rng.choice([rg.id for rg in seat.scenario.regions]) if needs_region else ""
        left = seat.scenario.turns.limit - seat.turn + 1
        return (kind, region, rng.randint(1, min(2, left)))


@frozen
class Dove(Policy):
    """Transparency and cooperation; never escalates; answers and accepts; pledges restraint."""

    def weight(self, seat: Seat, order: Order) -> float:
        tones = _tones(seat, order)
        if any(t < 0 for _, t in tones):
            return 0.0
        if order.move in _TRANSPARENCY:
            return 6.0
        return 3.0 if tones else 0.5

    def accept(self, seat: Seat, p: ProposalView, rng: random.Random) -> bool:
        return rng.random() < 0.95

    def pledge(self, seat: Seat, call: ProposalView, rng: random.Random) -> tuple[str, str, int] | None:
        return self.restraint(seat, call, 2)


@frozen
class Hawk(Policy):
    """Deployments, readiness and warnings toward non-allies; stands by allies; declines calls."""

    def weight(self, seat: Seat, order: Order) -> float:
        tones = _tones(seat, order)
        if any(t < 0 and not seat.allied(o) for o, t in tones):
            return 6.0
        if order.move == "public_statement" and order.choice == "support":
            return 2.0
        if any(t > 0 and not seat.allied(o) for o, t in tones):
            return 0.15
        return 2.0 if tones else 0.7

    def answer_rate(self, seat: Seat, p: ProposalView) -> float:
        return 0.9 if seat.allied(p.by) else 0.6

    def accept(self, seat: Seat, p: ProposalView, rng: random.Random) -> bool:
        return rng.random() < (0.8 if seat.allied(p.by) else 0.25)


@frozen
class TitForTat(Policy):
    """Cooperates with those who cooperated, retaliates against those who escalated."""

    def weight(self, seat: Seat, order: Order) -> float:
        score = sum(t if seat.stance(o) == COOPERATIVE else -t for o, t in _tones(seat, order))
        if score < 0:
            return 0.0
        if score == 0:
            return 0.5
        bonus = 2.0 if order.move in _TRANSPARENCY else 0.0
        return 1.0 + 2.0 * score + bonus

    def accept(self, seat: Seat, p: ProposalView, rng: random.Random) -> bool:
        return seat.stance(p.by) == COOPERATIVE

    def willing(self, seat: Seat) -> bool:
        return any(seat.stance(o) == COOPERATIVE for o in seat.others)

    def pledge(self, seat: Seat, call: ProposalView, rng: random.Random) -> tuple[str, str, int] | None:
        other = call.by if call.by != seat.team else call.to[0]
        return self.restraint(seat, call, 1) if seat.stance(other) == COOPERATIVE else None

    def line(self, seat: Seat, call: ProposalView, rng: random.Random) -> str:
        other = call.by if call.by != seat.team else call.to[0]
        if seat.stance(other) == COOPERATIVE:
            return "We will match restraint with restraint."
        return "Every move against us will be answered in kind."


BOTS: Mapping[str, Policy] = {
    p.name: p
    for p in (
        RandomPolicy("random", "any legal move; answers at random", talk=(0.5,),
                     lines=("Noted.", "We will consider it.", "Let us keep this line open.")),
        Dove("dove", "transparency and cooperation; answers and accepts calls; pledges restraint",
             stop=0.2, talk=(0.85, 0.4),
             lines=("We want to keep this calm. Let us keep talking.",
                    "Nobody wants an accident out there. What can we do together?")),
        Hawk("hawk", "deployments, readiness and warnings; declines calls more often",
             stop=0.15, talk=(0.3,), honours_pledges=False,
             lines=("We will defend our interests. Do not test us.",
                    "Our forces go where our security requires.")),
        TitForTat("tit-for-tat", "cooperates first, then mirrors what each side did to it last turn",
                  stop=0.25, talk=(0.6, 0.2)),
    )
}
"""Every bot policy, by name."""


class BotSpecError(ValueError):
    """A ``TEAM=POLICY`` that does not name a team of the scenario and a known policy."""


def parse_bot_specs(specs: Iterable[str], scenario: Scenario) -> dict[str, Policy]:
    """``["red=hawk", "blue=dove"]`` as ``{team: policy}``. ``BotSpecError`` says what is
    wrong in one line and lists the valid teams or policies."""
    teams = scenario.actor_ids
    out: dict[str, Policy] = {}
    for spec in specs:
        team, sep, name = (x.strip() for x in spec.partition("="))
        if not sep or not team or not name:
            raise BotSpecError(f"{spec!r}: expected TEAM=POLICY, like red=hawk")
        if team not in teams:
            raise BotSpecError(f"{spec}: unknown team {team!r} (teams: {', '.join(teams)})")
        policy = BOTS.get(name)
        if policy is None:
            raise BotSpecError(f"{spec}: unknown policy {name!r} (policies: {', '.join(BOTS)})")
        if team in out and out[team] is not policy:
            raise BotSpecError(f"{spec}: {team} already has a bot ({out[team].name})")
        out[team] = policy
    return out


# -- the next command --------------------------------------------------------------------------


def _rng(seed: int | str, team: str, turn: int, policy: Policy, what: str) -> random.Random:
    return random.Random(f"{seed}:{team}:{turn}:{policy.name}:{what}")


def bot_command(
    state: State,
    team: str,
    policy: Policy,
    ruleset: Ruleset,
    *,
    seed: int | str,
    events: Sequence[Event] = (),
    bot_teams: Collection[str] = (),
    rng: random.Random | None = None,
) -> Command | None:
    """What ``policy`` does next for ``team`` in the current phase, or None when it has
    nothing (more) to do in it.

    In the orders phase it seals the team's orders. In communications it answers the calls and
    proposals made to the team (or, by its nature, leaves some unanswered), pledges and speaks
    once on an answered call, and may place calls and proposals of its own. It hangs up a call
    only when every other party is in ``bot_teams`` and has spoken: a person on the line hangs
    up themselves, or the facilitator's Advance ends the call. ``events`` are the session's
    events so far (the bot reads only those ``team`` may see); tit-for-tat needs them. With
    ``rng``, decisions draw from it instead of their own seeded generators."""
    if state.ended or team not in state.actors or state.phase not in ("orders", "communications"):
        return None

    def draw(what: str) -> random.Random:
        return rng if rng is not None else _rng(seed, team, state.turn, policy, what)

    if state.phase == "orders":
        if team in state.orders:
            return None
        seat = Seat(state, team, ruleset, events)
        return SubmitOrders(team=team, orders=policy.orders(seat, draw("orders")))
    seat = Seat(state, team, ruleset, events)
    mine = seat.proposals
    for p in mine:
        if p.status == "open" and team in p.to and team not in p.answers:
            r = draw(f"answer:{p.id}")
            if r.random() < policy.answer_rate(seat, p):
                return Respond(team=team, proposal=p.id, accept=policy.accept(seat, p, r))
    for p in mine:
        if p.status != "talking":
            continue
        spoke = {by for by, _ in p.transcript}
        if team not in spoke:
            r = draw(f"call:{p.id}")
            pledge = policy.pledge(seat, p, r)
            pledged = any(pid.startswith(f"{p.id}-") and by == team for pid, by, _, _ in seat.pledges)
            if pledge is not None and not pledged:
                kind, region, turns = pledge
                return MakePledge(team=team, proposal=p.id, kind=kind, region=region, turns=turns)
            return Say(team=team, proposal=p.id, text=policy.line(seat, p, r))
        if all(t in bot_teams and t in spoke for t in (p.by, *p.to) if t != team):
            return HangUp(team=team, proposal=p.id)
    made = sum(1 for p in mine if p.by == team)
    if made < MAX_PROPOSALS:
        order = policy.propose(seat, made, draw(f"propose:{made}"))
        if order is not None:
            return Propose(team=team, order=order)
    return None


#: The most commands bots make in a row before a person acts again: a guard against a policy
#: and a rule that keep answering each other.
MAX_BOT_COMMANDS = 1000


def next_bot_command(
    state: State,
    ruleset: Ruleset,
    bots: Mapping[str, Policy],
    *,
    seed: int | str,
    events: Sequence[Event] = (),
) -> Command | None:
    """The next command of any team a bot plays, teams in the scenario's order, or None when
    every bot is done with the current phase (the facilitator may then advance)."""
    for team in state.scenario.actor_ids:
        policy = bots.get(team)
        if policy is not None:
            cmd = bot_command(state, team, policy, ruleset, seed=seed, events=events, bot_teams=bots)
            if cmd is not None:
                return cmd
    return None


def play_bots(
    session: Any,
    bots: Mapping[str, Policy],
    apply: Callable[[Command], Any],
    events: Sequence[Event],
    problems: list[str],
) -> int:
    """Let the bots of ``session`` act until none has anything left to do now, each command sent
    through ``apply`` (which logs it and adds its events to ``events``); how many they made. A
    command the session refuses is said in ``problems`` and stops the bots until the next command."""
    for made in range(MAX_BOT_COMMANDS):
        if session.state.ended:
            return made
        command = next_bot_command(session.state, session.ruleset, bots, seed=session.seed, events=events)
        if command is None:
            return made
        result = apply(command)
        if not result.accepted:
            team = getattr(command, "team", "?")
            problems.append(f"the {bots[team].name} bot for {team}: {getattr(result, 'reason', 'refused')}")
            return made
    return MAX_BOT_COMMANDS


def next_command(
    state: State,
    ruleset: Ruleset,
    bots: Mapping[str, Policy],
    *,
    seed: int | str,
    events: Sequence[Event] = (),
    script: Script | None = None,
) -> Command | None:
    """The next command of a headless run, or None when the session is over.

    Bots play their teams first; the orders file (``script``, already stripped of the bot
    teams with :func:`without_teams`) plays the others; teams with neither pass (no moves,
    no answers). When nobody has anything left to do in a phase, the facilitator advances."""
    if state.ended:
        return None
    cmd = next_bot_command(state, ruleset, bots, seed=seed, events=events)
    if cmd is not None:
        return cmd
    return script_command(state, script if script is not None else _NO_SCRIPT)


_NO_SCRIPT = Script(turns={})


def without_teams(script: Script, teams: Collection[str]) -> Script:
    """``script`` with everything it says for ``teams`` left out (their moves, answers,
    orders, lines and pledges): in a run, bots play those teams."""
    turns = {}
    for n, ts in script.turns.items():
        answers = tuple(
            evolve(
                a,
                transcript=tuple(line for line in a.transcript if line[0] not in teams),
                pledges=tuple(p for p in a.pledges if p[0] not in teams),
            )
            for a in ts.answers
            if a.team not in teams
        )
        turns[n] = evolve(
            ts,
            moves=tuple(m for m in ts.moves if m[0] not in teams),
            answers=answers,
            orders={t: o for t, o in ts.orders.items() if t not in teams},
        )
    return Script(turns=turns, path=script.path)


__all__ = [
    "BOTS",
    "COOPERATIVE",
    "ESCALATORY",
    "MAX_ORDERS",
    "MAX_PROPOSALS",
    "BotSpecError",
    "Policy",
    "Seat",
    "bot_command",
    "next_bot_command",
    "next_command",
    "parse_bot_specs",
    "tone",
    "without_teams",
]
