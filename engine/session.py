"""The session: commands in, events out, phase by phase.

:class:`Session` holds the current state and nothing else that changes. It does
no I/O: :mod:`detente.engine.recorder` writes each accepted command and its events
to the log before the session moves on.

>>> from detente.engine.commands import Advance, Start
>>> from detente.engine.loader import EXAMPLE, load_scenario_text
>>> s = new_session(load_scenario_text(EXAMPLE))
>>> s.apply(Start()).accepted, s.state.phase
(True, 'briefing')
>>> s.apply(Advance()).accepted, s.state.phase
(True, 'communications')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from attrs import evolve, field, frozen

from detente.engine.adjudicate import (
    EVERYTHING,
    Resolution,
    Sink,
    check_order,
    default_vis,
    legal_moves,
    resolve_turn,
)
from detente.engine.argued import HANDLERS as ARGUED_HANDLERS
from detente.engine.commands import (
    FACILITATOR,
    FINDINGS,
    HSEEP,
    SEES_ALL,
    AddInject,
    Advance,
    Annul,
    Assess,
    Clock,
    Command,
    End,
    Evaluate,
    HangUp,
    MakePledge,
    Note,
    Observe,
    Override,
    Propose,
    RateCall,
    Respond,
    Say,
    Send,
    Start,
    SubmitOrders,
    TeamNote,
    Withdraw,
)
from detente.engine.conditions import Facts, compile_scenario
from detente.engine.events import Event, fold_all
from detente.engine.expr import Condition
from detente.engine.ruleset import RATINGS, Ruleset, find_ruleset
from detente.engine.scenario import PHASES, Channel, Effect, Expectation, Inject, Scenario
from detente.engine.state import (
    LETTER_PREFIX,
    LETTERS,
    OBSERVED,
    PhaseClock,
    Proposal,
    Reading,
    State,
    expectation_key,
    initial_state,
    pair,
)
from detente.engine.tracks import SCOPES

MAX_TEXT = 2000

#: The commands a session takes after its end: notes, ratings and observations (the hot wash).
AFTER_END = (Note, TeamNote, Assess, Observe, Evaluate)
"""Longest message, note or statement accepted, in characters."""


@frozen
class Accepted:
    """The command was accepted; these events happened."""

    events: tuple[Event, ...]
    state: State | None = field(default=None, eq=False, repr=False)
    """The state after the events (the fold of them, computed while deciding)."""
    accepted: ClassVar[Literal[True]] = True


@frozen
class Rejected:
    """The command was refused; nothing changed."""

    reason: str
    accepted: ClassVar[Literal[False]] = False


Result = Accepted | Rejected


class Session:
    """A running exercise: the scenario, its ruleset, the seed and the current state."""

    def __init__(
        self,
        scenario: Scenario,
        ruleset: Ruleset,
        seed: int,
        numbers: Mapping[str, Mapping[str, Any]],
        state: State | None = None,
        secret: str = "",
    ) -> None:
        self.scenario = scenario
        self.ruleset = ruleset
        self.seed = seed
        self.secret = secret
        """Mixed into every roll with the seed (kept in the facilitator's log header only), so a
        seed shown to a team predicts nothing; empty for in-memory dry runs."""
        self.dice_key: int | str = f"{seed}/{secret}" if secret else seed
        self.numbers = numbers
        self.conditions: dict[str, Condition] = compile_scenario(scenario)
        self.sink: Sink = EVERYTHING
        """What this session's events keep (:class:`~detente.engine.adjudicate.Sink`): everything,
        unless a dry run that logs nothing says otherwise."""
        self.state = state if state is not None else _initial(scenario, numbers, ruleset)

    # -- the two halves of applying a command ------------------------------------------
    def decide(self, command: Command) -> Result:
        """What ``command`` would do now, without doing it. Pure."""
        state = self.state
        if state.outcome is not None and not isinstance(command, AFTER_END):
            return Rejected(f"the session has ended ({state.outcome.result})")
        if state.phase == "setup" and not isinstance(command, Start):
            return Rejected("the session has not started yet")
        handler = _HANDLERS[type(command)]
        out = handler(self, command)
        if isinstance(out, str):
            return Rejected(out)
        return Accepted(tuple(out.events), out.result())

    def commit(self, result: Accepted) -> State:
        """Fold an accepted command's events into the state."""
        self.state = result.state if result.state is not None else fold_all(self.state, result.events)
        return self.state

    def apply(self, command: Command) -> Result:
        """Decide and commit in one step (no log: see :mod:`detente.engine.recorder`)."""
        result = self.decide(command)
        if isinstance(result, Accepted):
            self.commit(result)
        return result

    # -- helpers -------------------------------------------------------------------------
    def _resolution(self, state: State | None = None) -> Resolution:
        return Resolution(state or self.state, self.ruleset, self.dice_key, sink=self.sink)

    def _team(self, team: str) -> str | None:
        if team not in self.scenario.actor_names:
            return f"unknown team {team!r} (teams: {', '.join(self.scenario.actor_ids)})"
        return None

    def waiting_for(self) -> tuple[str, ...]:
        """Teams the current phase is still waiting for (the facilitator may move on anyway).
        Never an actor no team plays: a background actor's bot acts at once, and what the
        facilitator does for the actors it plays is up to the facilitator."""
        st = self.state
        teams = self.scenario.team_ids
        if st.phase == "orders":
            return tuple(a for a in teams if a not in st.orders)
        if st.phase == "communications":
            waiting: list[str] = []
            for p in st.proposals.values():
                if p.status == "open":
                    waiting += [t for t in p.to if t not in p.answers]
                elif p.status == "talking":
                    waiting += [p.by, *p.to]
            return tuple(a for a in teams if a in waiting)
        return ()

    # -- injects and end of turn -----------------------------------------------------------
    def _deliver(self, r: Resolution, inject: Inject) -> None:
        to = list(inject.to)
        r.emit("inject", to or "all", id=inject.id, title=inject.title, text=inject.text, to=to)
        for effect in inject.effects:
            _apply_effect(r, effect, f"inject {inject.id}", to or None)
        incident, hazard = inject.incident, self.ruleset.hazard
        if incident is not None and hazard is not None and hazard.happen is not None:
            a, b = incident.between
            hazard.happen(r, a, b, incident.severity, incident.region, f"inject {inject.id}")
        st = r.state
        for x in inject.expect:
            if expectation_key(x.id) in st.marks:  # a repeating inject opens them once
                continue
            who = list(self._expected(inject, x))
            r.emit("expectation", who, id=x.id, inject=inject.id, who=who,
                   due=list(due(st.turn, st.phase, x)), text=x.text, status="open")

    def _expected(self, inject: Inject, x: Expectation) -> tuple[str, ...]:
        """The teams an expectation is about: its own ``who``, else the inject's addressees,
        else every team (every actor when no team plays)."""
        return x.who or inject.to or self.scenario.team_ids or self.scenario.actor_ids

    def _check_expectations(self, r: Resolution, final: bool = False) -> None:
        """Every open expectation with a condition: met when the condition holds now, missed
        when its deadline has come (or the session ends, ``final``) without it."""
        st = r.state
        now = (st.turn, PHASES.index(st.phase))
        facts: Facts | None = None
        for xid, (_, x) in self.scenario.expectations.items():
            if x.when is None:
                continue
            mark = st.marks.get(expectation_key(xid))
            if mark is None or mark["status"] != "open":
                continue
            if facts is None:
                facts = Facts(r.state)
            turn, phase = mark["due"]
            if self.conditions[x.when].evaluate(facts):
                r.emit("expectation", mark["who"], id=xid, status="met", turn=st.turn, phase=st.phase)
            elif final or now >= (turn, PHASES.index(phase)):
                r.emit("expectation", mark["who"], id=xid, status="missed", turn=st.turn, phase=st.phase)

    def _injects_for_phase(self, r: Resolution) -> None:
        st = r.state
        facts: Facts | None = None
        for inj in self.scenario.injects:
            if inj.turn is not None:
                if inj.turn == st.turn and inj.phase == st.phase and inj.id not in st.fired:
                    self._deliver(r, inj)
            elif st.phase == "briefing" and inj.when is not None:
                last = st.fired.get(inj.id)
                if last is not None and (not inj.repeat or last >= st.turn):
                    continue
                if facts is None:  # one for every inject: it reads the working state as it is now
                    facts = Facts(r.state)
                if self.conditions[inj.when].evaluate(facts):
                    self._deliver(r, inj)

    def _deliver_mail(self, r: Resolution) -> None:
        """Every message on a slow channel that is due by the phase that just began arrives
        (in the order sent)."""
        st = r.state
        now = (st.turn, PHASES.index(st.phase))
        due = []
        for key, letter in st.marks.items():
            if key.startswith(LETTER_PREFIX) and "arrived" not in letter:
                turn, phase = letter["due"]
                if (turn, PHASES.index(phase)) <= now:
                    due.append((int(key[len(LETTER_PREFIX):]), letter))
        for n, letter in sorted(due, key=lambda x: x[0]):
            r.emit("arrived", sorted({letter["by"], letter["to"]}), id=str(n), channel=letter["channel"],
                   by=letter["by"], to=letter["to"], text=letter["text"], sent=letter["turn"])

    def _close_communications(self, r: Resolution) -> None:
        for p in list(r.state.proposals.values()):
            if p.status == "open":
                silent = [t for t in p.to if t not in p.answers]
                mt = self.ruleset.moves[p.order.move]
                r.emit("unanswered", _parties(p), id=p.id, by=silent)
                if mt.decline is not None:
                    for t in silent:
                        mt.decline(r, r.state.proposals[p.id], t, True)
            elif p.status == "talking":
                self._end_call(r, p, "facilitator")

    def _end_call(self, r: Resolution, p: Proposal, by: str) -> None:
        """A call ends (``by``: the side that hung up, or ``facilitator`` when communications
        close): what was said on it takes effect, once (a call ends once)."""
        r.emit("hang_up", _parties(p), id=p.id, by=by)
        ended = self.ruleset.moves[p.order.move].ended
        if ended is not None:
            ended(r, r.state.proposals[p.id])

    def _publish(self, r: Resolution) -> None:
        """Results are out: track objectives and check whether the game ends."""
        st = r.state
        facts = Facts(st)
        for obj in self.scenario.objectives:
            if obj.check == "end":
                continue
            now = bool(self.conditions[obj.when].evaluate(facts))
            was = st.met.get(obj.id)
            new = (bool(was) or now) if obj.check == "ever" else ((was is not False) and now)
            if new != was:
                r.emit("objective", [obj.actor], id=obj.id, actor=obj.actor, met=new)
        outcome = self._ending(r, facts)
        if outcome is not None:
            self._finish(r, *outcome)

    def _ending(self, r: Resolution, facts: Facts) -> tuple[str, str] | None:
        """How the session ends now, if it does: the ruleset's endings first, in its order, then
        the scenario's own, then the turn limit. ``facts`` read the working state as it is now."""
        for ending in self.ruleset.endings:
            reason = ending.check(r)
            if reason is not None:
                return ending.outcome, reason
        for scripted in self.scenario.endings:
            if self.conditions[scripted.when].evaluate(facts):
                return scripted.outcome, scripted.reason
        st = r.state
        if st.turn >= self.scenario.turns.limit:
            return "turn-limit", f"the exercise reached its last turn ({st.label()})"
        return None

    def _finish(self, r: Resolution, result: str, reason: str) -> None:
        self._check_expectations(r, final=True)
        facts = Facts(r.state)
        scores = {a: 0 for a in self.scenario.actor_ids}
        for obj in self.scenario.objectives:
            if obj.check == "end":
                met = bool(self.conditions[obj.when].evaluate(facts))
                r.emit("objective", [obj.actor], id=obj.id, actor=obj.actor, met=met)
            else:
                met = bool(r.state.met.get(obj.id))
            if met:
                scores[obj.actor] += obj.points
        # How it ended counts for every team: the ruleset's points per outcome (numbers).
        points = r.numbers.get(self.ruleset.outcome_points, {}).get(result, 0)
        if points:
            scores = {a: s + points for a, s in scores.items()}
        r.emit("outcome", "all", result=result, reason=reason, turn=r.state.turn, scores=scores)


# -- command handlers: each returns the events or a reason for refusing ----------------------


def _start(s: Session, c: Start) -> Resolution | str:
    if s.state.phase != "setup":
        return "the session has already started"
    r = s._resolution()
    r.emit("start", "all", seed=s.seed)
    for d in s.scenario.draws:
        weights = d.weights or (1.0,) * len(d.options)
        option = d.options[r.pick(f"draw:{d.id}", weights, about=f"draw {d.id}")]
        r.emit("draw", list(d.seen_by(s.scenario.actor_ids)) or "fac", id=d.id, title=d.title, option=option)
    r.emit("phase", "all", turn=1, phase="briefing")
    s._injects_for_phase(r)
    s._check_expectations(r)
    return r


def due(turn: int, phase: str, x: Expectation) -> tuple[int, str]:
    """The deadline of an expectation whose inject was delivered in ``turn`` and ``phase``:
    ``(turn, phase)``, the phase at whose start it is checked for the last time.

    >>> due(2, "briefing", Expectation("e", "calls", within=1))
    (3, 'briefing')
    >>> due(2, "orders", Expectation("e", "calls", within=3, unit="phases"))
    (3, 'briefing')
    """
    if x.unit == "turns":
        return turn + x.within, phase
    at = (turn - 1) * len(PHASES) + PHASES.index(phase) + x.within
    return at // len(PHASES) + 1, PHASES[at % len(PHASES)]


def arrival(turn: int, phase: str, channel: Channel) -> tuple[int, str]:
    """When a message sent on ``channel`` in ``turn`` and ``phase`` arrives: ``(turn, phase)``.

    >>> arrival(3, "orders", Channel("cable", "Cable", delay=2))
    (5, 'briefing')
    >>> arrival(3, "orders", Channel("envoy", "Envoy", delay=3, unit="phases"))
    (4, 'briefing')
    """
    if channel.unit == "turns":
        return turn + channel.delay, PHASES[0]
    at = (turn - 1) * len(PHASES) + PHASES.index(phase) + channel.delay
    return at // len(PHASES) + 1, PHASES[at % len(PHASES)]


def _advance(s: Session, c: Advance) -> Resolution | str:
    st = s.state
    r = s._resolution()
    if st.phase == "debrief":
        r.emit("phase", "all", turn=st.turn + 1, phase="briefing")
        s._deliver_mail(r)
        s._injects_for_phase(r)
        s._check_expectations(r)
        return r
    nxt = PHASES[PHASES.index(st.phase) + 1]
    if st.phase == "communications":
        s._close_communications(r)
    r.emit("phase", "all", turn=st.turn, phase=nxt)
    s._deliver_mail(r)
    if nxt == "adjudication":
        resolve_turn(r)
    elif nxt == "debrief":
        s._publish(r)
    else:
        s._injects_for_phase(r)
    if r.state.outcome is None:  # an ending checks them itself (_finish)
        s._check_expectations(r)
    return r


def _propose(s: Session, c: Propose) -> Resolution | str:
    st = s.state
    if (err := s._team(c.team)) is not None:
        return err
    if st.phase != "communications":
        return f"calls and proposals are made in the communications phase (now: {st.phase})"
    reason = check_order(st, c.team, c.order, s.ruleset, "communications",
                         _choices(st, c.team, s.ruleset, "communications", c.order.move))
    if reason:
        return reason
    mt = s.ruleset.moves[c.order.move]
    cost = mt.price(st, c.team, c.order)
    left = st.left(c.team)
    if cost > left:
        return f"{c.order.move} costs {cost} and {c.team} has {left} left this turn"
    to = tuple(c.order.targets) if c.order.targets else (c.order.target,)
    for p in st.proposals.values():
        if p.by == c.team and p.order.move == c.order.move and set(p.to) & set(to):
            again = ", ".join(sorted(set(p.to) & set(to)))
            return f"{c.team} has already made a {c.order.move} to {again} this turn"
    r = s._resolution()
    pid = f"{st.turn}-{st.count + 1}"
    r.emit(
        "proposal", sorted({c.team, *to}), id=pid, by=c.team, to=list(to), order=c.order.to_dict(), cost=cost
    )
    return r


def _proposal_for(s: Session, team: str, pid: str) -> Proposal | str:
    if (err := s._team(team)) is not None:
        return err
    p = s.state.proposals.get(pid)
    if p is None:
        return f"no call or proposal {pid!r} this turn"
    return p


def _respond(s: Session, c: Respond) -> Resolution | str:
    p = _proposal_for(s, c.team, c.proposal)
    if isinstance(p, str):
        return p
    if s.state.phase != "communications":
        return "answers are given in the communications phase"
    if c.team not in p.to:
        return f"{c.team} is not a target of {p.order.move} {p.id}"
    if c.team in p.answers or p.status != "open":
        return f"{c.team} has already answered {p.order.move} {p.id}"
    mt = s.ruleset.moves[p.order.move]
    r = s._resolution()
    r.emit("response", _parties(p), id=p.id, by=c.team, accept=c.accept)
    current = r.state.proposals[p.id]
    if c.accept and mt.accept is not None:
        mt.accept(r, current, c.team)
    elif not c.accept and mt.decline is not None:
        mt.decline(r, current, c.team, False)
    after = r.state.proposals[p.id]
    if after.status == "open" and all(t in after.answers for t in after.to):
        r.emit("settled", _parties(p), id=p.id)
    return r


def _talking(s: Session, team: str, pid: str) -> Proposal | str:
    p = _proposal_for(s, team, pid)
    if isinstance(p, str):
        return p
    if p.status != "talking":
        return f"call {p.id} is not open (it is {p.status})"
    if team != p.by and team not in p.to:
        return f"{team} is not on call {p.id}"
    return p


def _say(s: Session, c: Say) -> Resolution | str:
    p = _talking(s, c.team, c.proposal)
    if isinstance(p, str):
        return p
    text = c.text.strip()
    if (err := _unwritten(text, "message", "say something: the message is empty")) is not None:
        return err
    tones = s.ruleset.call_tones
    if c.tone and c.tone not in tones:
        known = f"tones: {', '.join(tones)}" if tones else "this ruleset's calls carry no tone"
        return f"unknown tone {c.tone!r} ({known})"
    r = s._resolution()
    # The tone only when one is given: a line without one is logged as it always was.
    tone = {"tone": c.tone} if c.tone else {}
    r.emit("message", _parties(p), id=p.id, by=c.team, text=text, **tone)
    return r


def _send(s: Session, c: Send) -> Resolution | str:
    st = s.state
    if (err := s._team(c.team)) is not None:
        return err
    if st.phase == "setup" or st.outcome is not None:
        return "messages are sent while the exercise runs"
    channels = s.scenario.channels
    channel = next((ch for ch in channels if ch.id == c.channel), None)
    if channel is None:
        if not channels:
            return "this scenario has no slow channels (the hotline is its only channel)"
        return f"unknown channel {c.channel!r} (channels: {', '.join(ch.id for ch in channels)})"
    if c.to not in s.scenario.actor_names:
        return f"unknown addressee {c.to!r} (actors: {', '.join(s.scenario.actor_ids)})"
    if not channel.links(c.team, c.to):
        if c.team == c.to:
            return "a message goes to another actor"
        return f"the {channel.name} does not link {_name(st, c.team)} and {_name(st, c.to)}"
    text = c.text.strip()
    if (err := _unwritten(text, "message", "write something: the message is empty")) is not None:
        return err
    turn, phase = arrival(st.turn, st.phase, channel)
    r = s._resolution()
    r.emit("sent", [c.team], id=str(st.marks.get(LETTERS, 0) + 1), channel=channel.id, by=c.team,
           to=c.to, text=text, due=[turn, phase])
    return r


def _pledge(s: Session, c: MakePledge) -> Resolution | str:
    p = _talking(s, c.team, c.proposal)
    if isinstance(p, str):
        return p
    kind = s.ruleset.pledges.get(c.kind)
    if kind is None:
        return f"unknown pledge {c.kind!r} (pledges: {', '.join(s.ruleset.pledges)})"
    regions = s.scenario.ids()["region"]
    if kind.needs_region and c.region not in regions:
        return f"pledge {c.kind} needs a region (one of: {', '.join(sorted(regions))})"
    if not kind.needs_region and c.region:
        return f"pledge {c.kind} takes no region"
    left = s.scenario.turns.limit - s.state.turn + 1
    if not 1 <= c.turns <= left:
        return f"a pledge lasts 1 to {left} turns (the turns left in the exercise)"
    other = p.to[0] if c.team == p.by else p.by
    n = sum(1 for pl in s.state.pledges.values() if pl.id.startswith(f"{p.id}-"))
    r = s._resolution()
    r.emit(
        "pledge",
        _parties(p),
        id=f"{p.id}-{n + 1}",
        call=p.id,
        by=c.team,
        to=other,
        pledge=c.kind,
        region=c.region,
        until=s.state.turn + c.turns - 1,
    )
    return r


def _hang_up(s: Session, c: HangUp) -> Resolution | str:
    p = _talking(s, c.team, c.proposal)
    if isinstance(p, str):
        return p
    r = s._resolution()
    s._end_call(r, p, c.team)
    return r


def _rate_call(s: Session, c: RateCall) -> Resolution | str:
    st = s.state
    p = st.proposals.get(c.proposal)
    mt = s.ruleset.moves.get(p.order.move) if p is not None else None
    if p is None or mt is None or not mt.opens_call:
        return f"no call {c.proposal!r} this turn"
    if mt.rated is None:
        return f"the {s.scenario.rules.name} rules give a rating of a call no effect"
    if st.phase not in ("communications", "orders"):
        return f"a call is rated before adjudication: in communications or orders (now: {st.phase})"
    if p.status not in ("talking", "ended"):
        return f"call {p.id} was not answered: there is nothing to rate"
    if p.rating is not None:
        return f"call {p.id} is already rated {p.rating:+d}"
    if type(c.rating) is not int or c.rating not in RATINGS:
        return f"a call is rated from {RATINGS[0]} to {RATINGS[-1]:+d}, not {c.rating!r}"
    r = s._resolution()
    r.emit("rating", _parties(p), id=p.id, rating=c.rating)
    mt.rated(r, r.state.proposals[p.id], c.rating)
    return r


def _withdraw(s: Session, c: Withdraw) -> Resolution | str:
    p = _proposal_for(s, c.team, c.proposal)
    if isinstance(p, str):
        return p
    st = s.state
    what = "call" if s.ruleset.moves[p.order.move].opens_call else "proposal"
    if p.by != c.team:
        return f"only {_name(st, p.by)}, who placed it, can withdraw this {what}"
    if st.phase != "communications":
        return f"calls and proposals are withdrawn in the communications phase (now: {st.phase})"
    if p.status == "withdrawn":
        return f"this {what} is already withdrawn"
    if p.answers or p.status != "open":
        return f"this {what} has already been answered; it can no longer be withdrawn"
    # The cost comes back: an unanswered call or proposal changed nothing yet.
    cost = s.ruleset.moves[p.order.move].price(st, p.by, p.order)
    r = s._resolution()
    r.emit("withdrawn", _parties(p), id=p.id, by=c.team, cost=cost)
    return r


def _orders(s: Session, c: SubmitOrders) -> Resolution | str:
    st = s.state
    if (err := s._team(c.team)) is not None:
        return err
    if st.phase != "orders":
        return f"orders are submitted in the orders phase (now: {st.phase})"
    if c.team in st.orders:
        return f"{c.team}'s orders are already sealed for this turn"
    cost = 0
    forces: set[str] = set()
    for i, order in enumerate(c.orders, 1):
        reason = check_order(st, c.team, order, s.ruleset, "orders",
                             _choices(st, c.team, s.ruleset, "orders", order.move))
        if reason:
            return f"order {i}: {reason}"
        if order.force:
            if order.force in forces:
                return f"order {i}: {order.force} already has an order this turn"
            forces.add(order.force)
        cost += s.ruleset.moves[order.move].price(st, c.team, order)
    left = st.left(c.team)
    # An inject or override can cut a budget below what was already spent this turn; orders
    # that cost nothing (a pass included) must still go through, or the phase could never end.
    if cost > 0 and cost > left:
        return f"these orders cost {cost} and {c.team} has {left} left this turn"
    r = s._resolution()
    r.emit("orders", [c.team], team=c.team, orders=[o.to_dict() for o in c.orders], cost=cost)
    return r


def _choices(
    st: State, team: str, ruleset: Ruleset, phase: str, move: str,
) -> Mapping[str, tuple[str, ...]] | None:
    """The valid arguments of ``move`` for ``team`` now, from the legal moves (worked out once
    per state), or None when it is not among them (so the check says why)."""
    for lm in legal_moves(st, team, ruleset, phase):
        if lm.move.name == move:
            return lm.choices
    return None


def _check_effect(s: Session, e: Effect) -> str | None:
    tracks = s.state.tracks
    track = tracks.get(e.value)
    if track is None or not track.settable:
        settable = ", ".join(t.name for t in tracks.values() if t.settable)
        return f"unknown value {e.value!r} (values: {settable})"
    ids = s.scenario.ids()
    need = SCOPES[track.scope]
    if not need[1] and e.of:
        return f"{e.value} is one value for the whole exercise: it takes no ids"
    if len(e.of) != need[1] or any(x not in ids[need[0]] for x in e.of) or len(set(e.of)) != len(e.of):
        return f"{e.value} takes {need[1]} {need[0]} id{'s' if need[1] > 1 else ''}"
    if (e.add is None) == (e.set is None):
        return "give either add or set"
    flag = track.type is bool
    if e.set is not None and isinstance(e.set, bool) != flag:
        return f"{e.value} is set to {'true or false' if flag else 'a number'}"
    return None


def _apply_effect(r: Resolution, e: Effect, cause: str, vis: list[str] | None) -> None:
    v = default_vis(e.value, e.of, r.state.tracks) if vis is None else vis
    if e.set is not None:
        r.change(e.value, e.of, to=e.set, cause=cause, vis=v)
    else:
        r.change(e.value, e.of, add=e.add, cause=cause, vis=v)


def _inject(s: Session, c: AddInject) -> Resolution | str:
    if not c.title.strip():
        return "an inject needs a title"
    actors = s.scenario.ids()["actor"]
    for t in c.to:
        if t not in actors:
            return f"unknown team {t!r} in addressees"
    for e in c.effects:
        if (err := _check_effect(s, e)) is not None:
            return f"effect on {e.value}: {err}"
    n = sum(1 for k in s.state.fired if k.startswith("adhoc-")) + 1
    inj = Inject(id=f"adhoc-{n}", title=c.title.strip(), text=c.text, to=c.to, effects=c.effects)
    r = s._resolution()
    s._deliver(r, inj)
    return r


def _override(s: Session, c: Override) -> Resolution | str:
    if not c.reason.strip():
        return "an override needs a reason (it goes in the log and the report)"
    if not isinstance(c.to, bool | int | float):
        return f"{c.value} is set to a number (or true/false), not {str(c.to)[:40]!r}"
    e = Effect(value=c.value, of=c.of, set=c.to)
    if (err := _check_effect(s, e)) is not None:
        return err
    track = s.state.tracks[c.value]
    if not isinstance(c.to, bool) and track.range is not None:
        lo, hi = track.range
        if not lo <= c.to <= hi:
            return f"{c.value} must be between {lo} and {hi}"
    old = s.state.value(c.value, *c.of)
    new = c.to if isinstance(c.to, bool) else track.clamp(c.to)
    if new == old:
        return f"{c.value} is already {old}"
    r = s._resolution()
    public = c.public.strip()
    if len(c.reason.strip()) > MAX_TEXT or len(public) > MAX_TEXT:
        return f"a reason or public text is at most {MAX_TEXT} characters"
    r.emit(
        "override", default_vis(c.value, c.of, s.state.tracks), value=c.value, of=list(c.of), to=new,
        reason=c.reason.strip(),
        public=public,
    )
    return r


def _annul(s: Session, c: Annul) -> Resolution | str:
    from detente.engine.annul import annul

    reason, public = c.reason.strip(), c.public.strip()
    if not reason:
        return "an annulment needs a reason (it goes in the log and the facilitator's report)"
    if len(reason) > MAX_TEXT or len(public) > MAX_TEXT:
        return f"a reason or public text is at most {MAX_TEXT} characters"
    return annul(s, c.target, reason, public)


def _unwritten(text: str, noun: str, empty: str) -> str | None:
    """Why ``text`` (stripped) cannot be taken — ``empty`` when there is none, too long past
    :data:`MAX_TEXT` — or None."""
    if not text:
        return empty
    if len(text) > MAX_TEXT:
        return f"the {noun} is too long ({len(text)} characters; at most {MAX_TEXT})"
    return None


def _note(s: Session, c: Note) -> Resolution | str:
    text = c.text.strip()
    if (err := _unwritten(text, "note", "the note is empty")) is not None:
        return err
    r = s._resolution()
    r.emit("note", "fac", text=text)
    return r


def _team_note(s: Session, c: TeamNote) -> Resolution | str:
    if (err := s._team(c.team)) is not None:
        return err
    text = c.text.strip()
    if (err := _unwritten(text, "note", "the note is empty")) is not None:
        return err
    r = s._resolution()
    r.emit("team_note", [c.team], team=c.team, text=text)
    return r


#: How a person rates an expectation (:class:`~detente.engine.commands.Assess`).
ASSESSMENTS = ("met", "partly", "missed")


def _assess(s: Session, c: Assess) -> Resolution | str:
    if (err := _rater(c.by)) is not None:
        return err
    found = s.scenario.expectations.get(c.expectation)
    if found is None:
        known = ", ".join(s.scenario.expectations) or "none"
        return f"no expectation {c.expectation!r} (expectations: {known})"
    x = found[1]
    if x.when is not None:
        return f"expectation {x.id} is checked from the log ({x.when}); it is not rated by hand"
    mark = s.state.marks.get(expectation_key(x.id))
    if mark is None:
        return f"expectation {x.id} is not open: its inject {found[0].id} has not been delivered"
    if c.status not in ASSESSMENTS:
        return f"an expectation is rated {', '.join(ASSESSMENTS)}, not {c.status!r}"
    if c.team and c.team not in mark["who"]:
        names = ", ".join(mark["who"])
        return f"{c.team!r} is not expected to act on {x.id} (expected: {names})"
    reason = c.reason.strip()
    why = "say why (the reason goes in the log and the report)"
    if (err := _unwritten(reason, "reason", why)) is not None:
        return err
    st = s.state
    r = s._resolution()
    extra: dict[str, Any] = {"team": c.team} if c.team else {}
    if c.by != FACILITATOR:
        extra["by"] = c.by
    r.emit("expectation", [c.team] if c.team else list(mark["who"]), id=x.id, status=c.status,
           turn=st.turn, phase=st.phase, reason=reason, **extra)
    return r


def _rater(by: str) -> str | None:
    """Why ``by`` may not observe or rate (None: it may)."""
    if by not in SEES_ALL:
        return f"observations and ratings are the facilitator's or an evaluator's, not {by!r}'s"
    return None


def _bound(s: Session, about: str, objective: int, capability: str) -> str | None:
    """Why a team, learning objective or capability an observation or rating names is not the
    scenario's (None: each is, or is not given)."""
    if about and (err := s._team(about)) is not None:
        return err
    objectives = s.scenario.scenario.learning_objectives
    if objective and not 1 <= objective <= len(objectives):
        return (f"no learning objective {objective} (the scenario has {len(objectives)})"
                if objectives else "the scenario names no learning objectives")
    if len(capability) > 200:
        return "a capability is named in at most 200 characters"
    return None


def _observe(s: Session, c: Observe) -> Resolution | str:
    if (err := _rater(c.by)) is not None:
        return err
    text = c.text.strip()
    if (err := _unwritten(text, "observation", "the observation is empty")) is not None:
        return err
    if (err := _bound(s, c.about, c.objective, c.capability.strip())) is not None:
        return err
    if c.inject and c.inject not in {i.id for i in s.scenario.injects} | set(s.state.fired):
        return f"no inject {c.inject!r} in this session"
    if c.finding not in FINDINGS:
        return f"an observation is a strength, an improvement or neither, not {c.finding!r}"
    if c.decision < 0:
        return "a decision is named by its line in the log (a positive number)"
    st = s.state
    turn = c.turn or st.turn
    if not 1 <= turn <= max(st.turn, 1):
        return f"turn {c.turn} has not been played (turns so far: 1 to {max(st.turn, 1)})"
    n = int(st.marks.get(OBSERVED, {}).get("n", 0)) + 1
    r = s._resolution()
    fields: dict[str, Any] = {"id": f"o{n}", "by": c.by, "text": text, "on_turn": turn}
    for name, value in (("about", c.about), ("inject", c.inject), ("decision", c.decision),
                        ("finding", c.finding), ("objective", c.objective),
                        ("capability", c.capability.strip())):
        if value:
            fields[name] = value
    r.emit("observation", "fac", **fields)
    return r


def _evaluate(s: Session, c: Evaluate) -> Resolution | str:
    from detente.engine.evaluation import suggested

    if (err := _rater(c.by)) is not None:
        return err
    capability = c.capability.strip()
    if bool(c.objective) == bool(capability):
        return "rate one learning objective or one capability"
    if (err := _bound(s, c.about, c.objective, capability)) is not None:
        return err
    if c.rating not in HSEEP:
        return f"a rating is one of {', '.join(HSEEP)} (HSEEP), not {c.rating!r}"
    reason = c.reason.strip()
    why = "say why (the reason goes in the log and the after-action report)"
    if (err := _unwritten(reason, "reason", why)) is not None:
        return err
    hint = suggested(s.scenario, s.state.marks, c.objective, capability, c.about)
    r = s._resolution()
    fields: dict[str, Any] = {"by": c.by, "rating": c.rating, "suggested": hint or "", "reason": reason}
    if c.objective:
        fields["objective"] = c.objective
    else:
        fields["capability"] = capability
    if c.about:
        fields["about"] = c.about
    r.emit("evaluation", "fac", **fields)
    return r


#: What the facilitator can do with the phase clock (:class:`~detente.engine.commands.Clock`).
CLOCK_ACTIONS = ("set", "start", "pause", "extend", "stop", "auto", "manual")
#: The longest a phase clock runs: ten hours, in seconds.
MAX_CLOCK = 36_000


def _clock(s: Session, c: Clock) -> Resolution | str:
    st = s.state
    a = c.action
    if a not in CLOCK_ACTIONS:
        return f"no clock action {a!r}: one of {', '.join(CLOCK_ACTIONS)}"
    if a in ("set", "extend") and not 1 <= c.seconds <= MAX_CLOCK:
        return f"a clock is set or extended by 1 second to {MAX_CLOCK // 3600} hours, not {c.seconds} seconds"
    clock = _clocked(st.clock, c) if a not in ("set", "auto", "manual") else st.clock
    if isinstance(clock, str):
        return clock
    if a == "set":
        clock = PhaseClock(st.turn, st.phase, c.seconds, c.seconds)
    r = s._resolution()
    r.emit(
        "clock", "all", action=a,
        seconds=clock.seconds if clock else 0, left=clock.left if clock else 0,
        running=bool(clock and clock.running), auto=a == "auto" or (st.clock_auto and a != "manual"),
    )
    return r


def _clocked(clock: PhaseClock | None, c: Clock) -> PhaseClock | str | None:
    """The clock after ``start``, ``pause``, ``extend`` or ``stop``, or why not."""
    if clock is None:
        return "this phase has no clock: set one first"
    if c.left != -1 and not 0 <= c.left <= clock.left:
        return f"{c.left} seconds left is not possible: the clock had {clock.left}"
    if c.action == "start":
        if clock.running:
            return "the clock is already running"
        if clock.left <= 0:
            return "the time is up: extend the clock to run it again"
        return evolve(clock, running=True)
    if c.action == "pause":
        if not clock.running:
            return "the clock is not running"
        if c.left == -1:
            return "say how many seconds are left"
        return evolve(clock, left=c.left, running=False)
    if c.action == "extend":
        if clock.running and c.left == -1:
            return "the clock runs: say how many seconds are left"
        left = c.left if clock.running else clock.left
        return evolve(clock, seconds=clock.seconds + c.seconds, left=left + c.seconds)
    return None  # stop


def _end(s: Session, c: End) -> Resolution | str:
    if not c.reason.strip():
        return "say why the session ends (it goes in the log and the report)"
    r = s._resolution()
    s._finish(r, "ended", c.reason.strip())
    return r


_HANDLERS: dict[type, Any] = {
    Start: _start,
    Advance: _advance,
    Propose: _propose,
    Respond: _respond,
    Say: _say,
    Send: _send,
    MakePledge: _pledge,
    HangUp: _hang_up,
    RateCall: _rate_call,
    Withdraw: _withdraw,
    SubmitOrders: _orders,
    AddInject: _inject,
    Override: _override,
    Annul: _annul,
    Note: _note,
    TeamNote: _team_note,
    Assess: _assess,
    Observe: _observe,
    Evaluate: _evaluate,
    Clock: _clock,
    End: _end,
    **ARGUED_HANDLERS,
}


_INITIAL: dict[tuple[int, int, int], tuple[Scenario, Mapping[str, Any], Ruleset, State]] = {}


def _initial(scenario: Scenario, numbers: Mapping[str, Any], ruleset: Ruleset) -> State:
    """The starting state of a scenario with these numbers and ruleset, made once and shared:
    a state never changes, and a dry run or a benchmark starts thousands of sessions of one
    scenario."""
    key = (id(scenario), id(numbers), id(ruleset))
    hit = _INITIAL.get(key)
    if hit is None or hit[0] is not scenario or hit[1] is not numbers or hit[2] is not ruleset:
        if len(_INITIAL) > 32:
            _INITIAL.clear()
        hit = _INITIAL[key] = (scenario, numbers, ruleset, initial_state(scenario, numbers, ruleset))
    return hit[3]


def _parties(p: Proposal) -> list[str]:
    return sorted({p.by, *p.to})


def _name(state: Reading, actor: str) -> str:
    return state.scenario.actor(actor).name


def new_session(
    scenario: Scenario,
    seed: int | None = None,
    numbers: Mapping[str, Any] | None = None,
    secret: str = "",
) -> Session:
    """A session of ``scenario`` with its ruleset (found by name) and the scenario's seed
    unless ``seed`` is given; ``secret`` is mixed into the dice (see :attr:`Session.secret`)."""
    from detente.engine.loader import ruleset_numbers

    ruleset = find_ruleset(scenario.rules.name)
    nums = numbers if numbers is not None else ruleset_numbers(scenario)
    return Session(scenario, ruleset, scenario.scenario.seed if seed is None else seed, nums, secret=secret)


#: An effect's check and its application, for the commands of other modules that apply effects
#: (an argued action's narrative, :mod:`detente.engine.argued`): the same rules as an inject's.
check_effect = _check_effect
apply_effect = _apply_effect

__all__ = ["Accepted", "Rejected", "Result", "Session", "apply_effect", "check_effect", "new_session", "pair"]
