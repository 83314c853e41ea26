"""Bots: policies that play a team's seat through the same commands a human team uses.

A bot decides from what its team may see and nothing else: its :class:`~detente.engine.seat.Seat`
(the team's view, the events on its timeline, what the rules let it do now, and how each
team reads each move, as :mod:`detente.engine.seat` keeps them). It never reads another
team's sealed orders, briefing or addressed injects, and its commands
go through :meth:`Session.decide` like anyone's, so a bot can do only what a team could.

Every decision draws from its own generator, seeded by the session seed, the team, the turn,
the policy and the decision (``"7:red:3:hawk:orders"``), so the same visible situation gives
the same command whatever the other seats did meanwhile, and a resumed run carries on with
the commands it would have issued.

The policies (:data:`BOTS`):

- ``random``: any legal move, as :mod:`detente.engine.randomplay` plays.
- ``dove``: transparency measures and other cooperative moves, never an escalation; answers
  and accepts calls and proposals, places calls where tension is highest, pledges restraint
  and keeps its pledges; never deceives (a data exchange declares the truth).
- ``hawk``: deployments near non-allies, readiness raises, warnings and shows of alliance;
  often leaves calls unanswered or declines them; pledges nothing; deceives non-allies
  whenever a move lets it (its data exchanges with them understate), never allies.
- ``tit-for-tat``: cooperative on turn 1; then toward each other team it mirrors what that
  team visibly did toward it since the start of the previous turn (moves, answers to its
  calls, broken pledges): cooperative if that was cooperative, escalatory if the
  escalations were at least as many as the cooperative gestures; never deceives.

An actor nobody sits at (``plays = "background"`` in the scenario) is always played by its bot
(:func:`scenario_bots`; :data:`BACKGROUND` unless its table names one), wherever the session
runs; in a dry run so is one the facilitator plays.

>>> bots = parse_bot_specs(["red=hawk", "blue=dove"], session.scenario)   # doctest: +SKIP
>>> next_command(session.state, session.ruleset, bots, seed=7, events=events)  # doctest: +SKIP
SubmitOrders(team='blue', orders=(...))
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, cast

from attrs import evolve, frozen

from detente.engine.commands import Command, HangUp, MakePledge, Propose, Respond, Say, SubmitOrders
from detente.engine.orders import Script
from detente.engine.orders import next_command as script_command
from detente.engine.ruleset import (
    COERCIVE,
    SOLIDARITY,
    Ruleset,
)
from detente.engine.ruleset import COOPERATIVE as READS_COOPERATIVE
from detente.engine.scenario import DEFAULT_BOT, Actor, Scenario
from detente.engine.seat import COOPERATIVE, ESCALATORY, Seat, tone
from detente.engine.state import Order, State
from detente.engine.views import ProposalView

Event = Mapping[str, Any]

MAX_PROPOSALS = 2
"""Most calls and proposals a bot places in one communications phase."""
MAX_ORDERS = 4
"""Most sealed orders a bot gives in one turn."""

# -- policies ----------------------------------------------------------------------------------


def _pick(rng: random.Random, weights: list[float]) -> int:
    """The index of an entry drawn by ``weights``, every one of them above 0 (the lists a policy
    draws from leave out what it would never pick, rather than weigh it 0: the same draw)."""
    return rng.choices(range(len(weights)), weights=weights)[0]


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
    stable_weights: ClassVar[bool] = False
    """Whether :meth:`weight` depends on the team and the order alone (not on what happened),
    so each order's weight can be kept."""

    def weight(self, seat: Seat, order: Order) -> float:
        """How much the policy likes ``order`` (0: never)."""
        return 1.0

    def weight_context(self, seat: Seat) -> Hashable | None:
        """What :meth:`weight` reads besides the team and the order, so that its results can be
        kept (:meth:`Seat.weighed`): nothing, ``()``, when :attr:`stable_weights`; None when it
        cannot be said (every order is weighed afresh)."""
        return () if self.stable_weights else None

    def orders(self, seat: Seat, rng: random.Random) -> tuple[Order, ...]:
        """The team's sealed orders for the turn."""
        candidates, liking = seat.weighed(self, "orders", rng)
        left = seat.left
        # What is still open to pick, and how much the policy likes each: an order it does not
        # like (weight 0) is never picked, nor one the budget or an order chosen rules out.
        pool: list[tuple[Order, int]] = []
        weights: list[float] = []
        for (o, cost), w in zip(candidates, liking, strict=True):
            if w > 0 and cost <= left:
                pool.append((o, cost))
                weights.append(w)
        chosen: list[Order] = []
        while len(chosen) < MAX_ORDERS and pool:
            picked = _pick(rng, weights)
            o, cost = pool.pop(picked)
            del weights[picked]
            if seat.check(o, "orders") is not None:
                continue
            if self.honours_pledges and seat.breaks_pledge((*chosen, o)):
                continue
            chosen.append(o)
            left -= cost
            # Ruled out now: what costs more than is left, and what has this order's move and
            # target, or its force.
            kept = [
                i for i, (p, c) in enumerate(pool)
                if not (c > left or (o.force and p.force == o.force)
                        or (p.move == o.move and p.target == o.target and p.targets == o.targets))
            ]
            if len(kept) < len(pool):
                pool = [pool[i] for i in kept]
                weights = [weights[i] for i in kept]
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
        mine = {(p.order.move, t) for p in seat.proposals if p.by == seat.team for t in p.to}
        candidates, liking = seat.weighed(self, "communications", rng)
        pool: list[tuple[Order, int]] = []
        weights: list[float] = []
        urgency: dict[str, float] = {}  # by target
        for (o, c), w in zip(candidates, liking, strict=True):
            if not w > 0:
                continue  # never picked (urgency only multiplies)
            if mine and (
                any((o.move, t) in mine for t in o.targets) if o.targets else (o.move, o.target) in mine
            ):
                continue  # made to one of its targets already
            pool.append((o, c))
            # Talk first where tension is highest.
            u = urgency.get(o.target)
            if u is None:
                u = urgency[o.target] = _urgency(seat, o)
            weights.append(w * u)
        while pool:
            i = _pick(rng, weights)
            o, _ = pool.pop(i)
            del weights[i]
            if seat.check(o, "communications") is None:
                return o
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

    def tone(self, seat: Seat, call: ProposalView, rng: random.Random) -> str:
        """The call tone to say it in (one of the ruleset's), or empty for none."""
        return ""

    def restraint(self, seat: Seat, call: ProposalView, turns: int) -> tuple[str, str, int] | None:
        """A pledge of restraint the policy can keep, the ruleset's first choice that applies
        (:attr:`PledgeType.restraint`): one that names a region names one bordering the other side."""
        left = seat.scenario.turns.limit - seat.turn + 1
        turns = max(1, min(turns, left))
        other = call.by if call.by != seat.team else call.to[0]
        for kind, needs_region in seat.restraints:
            if not needs_region:
                return (kind, "", turns)
            region = next((rg.id for rg in seat.scenario.regions if other in rg.near), "")
            if region:
                return (kind, region, turns)
        return None


def _urgency(seat: Seat, order: Order) -> float:
    return 1 + seat.escalation(order.target) / 25 if order.target else 1.0


def _tones(seat: Seat, order: Order) -> tuple[tuple[str, int], ...]:
    return seat.tones.toward_others(order, seat.team)


def _gives(seat: Seat, order: Order, deceive: bool) -> bool:
    """Whether a policy that deceives (``deceive``) or does not would give ``order``, as far as its
    choice goes. For a move with deceptive choices (:attr:`MoveType.deceptive`, a false
    declaration) a deceiver names one, and an honest policy leaves the choice empty (the move's
    honest default: an honest choice named is the same order, weighed once); any other order, yes."""
    mt = seat.tones.ruleset.moves.get(order.move)
    if mt is None or not mt.deceptive:
        return True
    return order.choice in mt.deceptive if deceive else not order.choice


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

    def tone(self, seat: Seat, call: ProposalView, rng: random.Random) -> str:
        return rng.choice(["", *seat.any_call_tone])


@frozen
class Dove(Policy):
    """Transparency and cooperation; never escalates; answers and accepts; pledges restraint."""

    stable_weights: ClassVar[bool] = True

    def weight(self, seat: Seat, order: Order) -> float:
        if not _gives(seat, order, deceive=False):
            return 0.0
        tones = _tones(seat, order)
        if any(t < 0 for _, t in tones):
            return 0.0
        if seat.tones.transparent(order):
            return 6.0
        return 3.0 if tones else 0.5

    def accept(self, seat: Seat, p: ProposalView, rng: random.Random) -> bool:
        return rng.random() < 0.95

    def pledge(self, seat: Seat, call: ProposalView, rng: random.Random) -> tuple[str, str, int] | None:
        return self.restraint(seat, call, 2)

    def tone(self, seat: Seat, call: ProposalView, rng: random.Random) -> str:
        return next(iter(seat.call_tones(READS_COOPERATIVE)), "")


@frozen
class Hawk(Policy):
    """Deployments, readiness and warnings toward non-allies; stands by allies; declines calls."""

    stable_weights: ClassVar[bool] = True

    def weight(self, seat: Seat, order: Order) -> float:
        # It hides from rivals what it declares, never from allies.
        if not _gives(seat, order, deceive=bool(order.target) and not seat.allied(order.target)):
            return 0.0
        tones = _tones(seat, order)
        if any(t < 0 and not seat.allied(o) for o, t in tones):
            return 6.0
        if seat.tones.kind(order) == SOLIDARITY:
            return 2.0
        if any(t > 0 and not seat.allied(o) for o, t in tones):
            return 0.15
        return 2.0 if tones else 0.7

    def answer_rate(self, seat: Seat, p: ProposalView) -> float:
        return 0.9 if seat.allied(p.by) else 0.6

    def accept(self, seat: Seat, p: ProposalView, rng: random.Random) -> bool:
        return rng.random() < (0.8 if seat.allied(p.by) else 0.25)

    def tone(self, seat: Seat, call: ProposalView, rng: random.Random) -> str:
        # Warnings and demands for a rival; an ally hears what a dove would say.
        other = call.by if call.by != seat.team else call.to[0]
        if seat.allied(other):
            return next(iter(seat.call_tones(READS_COOPERATIVE)), "")
        coercive = seat.call_tones(COERCIVE)
        return rng.choice(coercive) if coercive else ""


@frozen
class TitForTat(Policy):
    """Cooperates with those who cooperated, retaliates against those who escalated."""

    def weight_context(self, seat: Seat) -> Hashable | None:
        # Its liking of an order reads how each other team behaved toward it, and nothing else.
        return tuple(seat.stance(o) for o in seat.others)

    def weight(self, seat: Seat, order: Order) -> float:
        if not _gives(seat, order, deceive=False):
            return 0.0
        score = sum(t if seat.stance(o) == COOPERATIVE else -t for o, t in _tones(seat, order))
        if score < 0:
            return 0.0
        if score == 0:
            return 0.5
        bonus = 2.0 if seat.tones.transparent(order) else 0.0
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

    def tone(self, seat: Seat, call: ProposalView, rng: random.Random) -> str:
        other = call.by if call.by != seat.team else call.to[0]
        reads = READS_COOPERATIVE if seat.stance(other) == COOPERATIVE else COERCIVE
        return next(iter(seat.call_tones(reads)), "")


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


BACKGROUND = DEFAULT_BOT
"""The bot of an actor nobody sits at whose table names none (``bot``): a state that is
cooperative first and then answers in kind is the plainest stand-in for a government the
exercise does not train, and it reacts to what the teams do to it (a dove would let them do
anything, a hawk or a random bot would drive the scenario by itself)."""


def actor_bot(actor: Actor) -> Policy:
    """The bot that plays ``actor`` when no person does: its ``bot``, or :data:`BACKGROUND`."""
    return BOTS[actor.stand_in]


def scenario_bots(scenario: Scenario, *, stand_ins: bool = False) -> dict[str, Policy]:
    """The bots the scenario seats itself: each background actor's (:func:`actor_bot`); with
    ``stand_ins``, those of the actors the facilitator plays too — a dry run has no facilitator
    at the console, so the bot stands in."""
    return {a.id: actor_bot(a) for a in scenario.actors
            if a.plays == "background" or (stand_ins and a.plays == "facilitator")}


def seated(scenario: Scenario, bots: Mapping[str, Policy]) -> dict[str, Policy]:
    """``bots`` with the scenario's own (:func:`scenario_bots`) for the actors they leave out:
    a background actor is always played, and a ``--bot`` for it wins over its ``bot``."""
    return {**scenario_bots(scenario), **bots}


class BotSpecError(ValueError):
    """A ``TEAM=POLICY`` that does not name a team of the scenario and a known policy."""


def parse_bot_specs(specs: Iterable[str], scenario: Scenario) -> dict[str, Policy]:
    """``["red=hawk", "blue=dove"]`` as ``{team: policy}``, with the scenario's background
    actors' bots (:func:`seated`). ``BotSpecError`` says what is wrong in one line and lists the
    valid teams or policies."""
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
    return seated(scenario, out)


# -- the next command --------------------------------------------------------------------------


def _rng(seed: int | str, team: str, turn: int, policy: Policy, what: str) -> random.Random:
    return cast(random.Random, Draws(f"{seed}:{team}:{turn}:{policy.name}:{what}"))


class Draws:
    """A generator seeded by a decision's key, made only when more than its first number is
    drawn. A team's bot is asked for its next command after every command of the session, and
    most decisions end at the first draw (no call to place this time), which is the same for
    the same key every time: it is kept, and the generator (seeding it costs more than the
    rest of the decision) is made only for a decision that goes on. The numbers drawn are
    exactly those of ``random.Random(key)``."""

    __slots__ = ("_key", "_real", "_used")

    def __init__(self, key: str) -> None:
        self._key = key
        self._real: Random | None = None
        self._used = False

    def random(self) -> float:
        if self._real is None and not self._used:
            self._used = True
            first = _FIRST.get(self._key)
            if first is None:
                if len(_FIRST) > 100_000:
                    _FIRST.clear()
                self._real = random.Random(self._key)
                first = _FIRST[self._key] = self._real.random()
            return first
        return self.real().random()

    def real(self) -> Random:
        """The generator itself, at the same point of its sequence."""
        if self._real is None:
            self._real = random.Random(self._key)
            if self._used:
                self._real.random()
        return self._real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


_FIRST: dict[str, float] = {}
Random = random.Random  # for the annotations in Draws, whose random() hides the module


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
    if state.ended or state.phase not in ("orders", "communications"):
        return None
    if team not in state.scenario.actor_names:
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
            line = policy.line(seat, p, r)
            return Say(team=team, proposal=p.id, text=line, tone=policy.tone(seat, p, r))
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
    # What bot_command would say without deciding anything: nothing to do in this phase, or
    # the team's orders are already sealed. Asked after every command, so said here once.
    if state.ended or state.phase not in ("orders", "communications"):
        return None
    sealed = state.orders if state.phase == "orders" else {}
    for team in state.scenario.actor_ids:
        policy = bots.get(team)
        if policy is not None and team not in sealed:
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
    "BACKGROUND",
    "BOTS",
    "COOPERATIVE",
    "ESCALATORY",
    "MAX_ORDERS",
    "MAX_PROPOSALS",
    "BotSpecError",
    "Policy",
    "Seat",
    "actor_bot",
    "bot_command",
    "next_bot_command",
    "next_command",
    "parse_bot_specs",
    "scenario_bots",
    "seated",
    "tone",
    "without_teams",
]
