"""What each role may see: one function for every screen, report and network message.

``view(state, role)`` is the only way a front end reads a state, and
``timeline(events, role, scenario)`` the only way it reads events. A team sees its
own briefing, orders, the values it holds and the injects addressed to it; public facts
(the public values, notifications, where forces are known to be); and nothing
else: not another team's sealed orders, private briefing or addressed injects,
not an undetected deployment, not a roll. The facilitator sees everything; the
``public`` role sees only what everyone sees. Who may see each tracked value is its
declaration (:class:`~detente.engine.tracks.Track`, ``seen_by``) and who may see each event
kind is the table in :mod:`detente.engine.visibility`; both functions apply them.

A view knows the tracked values only by their declarations: :attr:`View.values` holds, for
each track, the entries the role may see, and :attr:`View.tracks` says what each is, so a
screen can name and scale any ruleset's values.

During adjudication, teams still see the state as it was when orders closed:
results reach them when the facilitator publishes (the debrief). What a team did not know during
play (an event kind the table reveals in the debrief: a breach it did not detect) reaches its
timeline right after the session's outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from detente.engine.argued import ArgumentView, argue_cost, arguments_for
from detente.engine.commands import SEES_ALL
from detente.engine.scenario import Scenario
from detente.engine.state import (
    LETTER_PREFIX,
    Delivery,
    Order,
    Outcome,
    Proposal,
    State,
    draw_key,
    pair,
    rung,
)
from detente.engine.tracks import BUDGET, EVERYONE, FACILITATOR_ONLY, Key, Track
from detente.engine.visibility import in_audience, may_see_draw, revealed, shown

if TYPE_CHECKING:
    from detente.engine.ruleset import Ruleset

PUBLIC = "public"


@frozen
class PairView:
    """A pair of actors, with what the role may know of the pair as a whole (each of the
    pair's tracked values is in :attr:`View.values`)."""

    a: str
    b: str
    rung: int | None
    """The escalation-ladder rung of the pair's escalation value (value ÷ 10, 0–10); None if
    the ruleset has no escalation value (:attr:`View.escalation`) or the role may not see it."""
    figures: Mapping[str, Any] = field(factory=dict)
    """What the ruleset works out for the pair as the role sees it (:attr:`Ruleset.figures`;
    the bundled ruleset's force proximity counts only the forces the role knows of)."""


@frozen
class ActorView:
    """An actor as the role sees it (its tracked values are in :attr:`View.values`)."""

    id: str
    name: str
    colour: str
    spent: int | None
    """Actions spent this turn: what was spent tells the budget left, so only who may see the
    actor's budget (its own team, the facilitator) reads it."""
    submitted: bool
    """Whether its orders are sealed this turn (public: everyone sees who is still deciding)."""


@frozen
class ForceView:
    """A force; ``region`` is None where the role does not know where it is."""

    id: str
    name: str
    owner: str
    kind: str
    home: str
    region: str | None


@frozen
class ProposalView:
    """A call or proposal the role is party to (the facilitator sees all)."""

    id: str
    by: str
    to: tuple[str, ...]
    order: Order
    """The move and its arguments."""
    answers: Mapping[str, bool]
    status: str
    transcript: tuple[tuple[str, str], ...]
    call: bool = False
    """Whether answering it opens a call where the two sides talk (the ruleset's
    :attr:`~detente.engine.ruleset.MoveType.opens_call`)."""
    tones: tuple[str, ...] = ()
    """The call tone of each line of :attr:`transcript`, in order (empty where none was given)."""
    rating: int | None = None
    """For an answered call: the facilitator's rating (-2 to +2), None while unrated."""

    def tone_of(self, team: str) -> str:
        """The call tone ``team`` chose on this call: that of its last line that gave one;
        empty if none did."""
        said = zip(self.transcript, self.tones, strict=False)
        return next((tone for (by, _), tone in reversed(list(said)) if by == team and tone), "")


@frozen
class PledgeView:
    id: str
    by: str
    to: str
    kind: str
    region: str
    until: int
    status: str


@frozen
class InjectView:
    """A scripted inject as the facilitator tracks it (the facilitator's view only)."""

    id: str
    title: str
    schedule: str
    """``turn 3, briefing`` for a scheduled inject, or the condition of a conditional one."""
    to: tuple[str, ...]
    """Addressees; empty for everyone."""
    fired: int | None
    """The turn it last fired, or None."""
    armed: bool
    """Whether it can still fire."""
    notes: str = ""
    """The facilitator's own notes on it (an MSEL's controller notes)."""


@frozen
class DrawView:
    """The result of a scenario's draw, for a role that may know it."""

    id: str
    title: str
    """What was drawn, in words."""
    option: str
    """What it gave."""


@frozen
class LetterView:
    """A message on a slow channel (``[[channels]]``), for its sender, its addressee once it
    has arrived, and the facilitator."""

    id: str
    channel: str
    """The channel's id (:attr:`detente.engine.scenario.Channel.id`)."""
    by: str
    to: str
    text: str
    sent: int
    """The turn it was sent in."""
    due: tuple[int, str]
    """The turn and phase it arrives (or arrived) in."""
    arrived: bool = False


@frozen
class ClockView:
    """The phase clock, as everyone sees it. ``left`` is what was left at the last clock command:
    while it runs, a front end subtracts the time since (the engine reads no clock)."""

    seconds: int
    left: int
    running: bool
    auto: bool
    """The phase advances by itself when the time runs out."""


@frozen
class View:
    """Everything one role may see at one moment."""

    role: str
    title: str
    turn: int
    label: str
    phase: str
    briefing: str
    """The public briefing."""
    private_briefing: str
    """The team's own briefing (empty for the public; the facilitator's view has none: see ``briefings``)."""
    briefings: Mapping[str, str]
    """Every team's private briefing: facilitator only."""
    inbox: tuple[Delivery, ...]
    actors: tuple[ActorView, ...]
    pairs: tuple[PairView, ...]
    """Every pair of actors, in the scenario's order."""
    values: Mapping[str, Mapping[Key, Any]]
    """The tracked values the role may see: track name → key (:meth:`Track.key`: an actor or
    alliance id, a sorted pair, or ``(holder, other)``) → value. A track the role sees none of is
    absent; a table holds only the keys the role may see (a team's own outlooks, the alliances it
    belongs to); the facilitator's holds everything. Read one with :meth:`value`."""
    forces: tuple[ForceView, ...]
    orders: Mapping[str, tuple[Order, ...]]
    """Sealed orders the role may see: its own (all for the facilitator)."""
    proposals: tuple[ProposalView, ...]
    pledges: tuple[PledgeView, ...]
    notices: tuple[tuple[str, str, str, int], ...]
    """Public notifications: (by, activity, region, turn)."""
    outcome: Outcome | None
    ladder: tuple[str, ...]
    injects: tuple[InjectView, ...] = ()
    """The scenario's injects and whether each can still fire: facilitator only."""
    clock: ClockView | None = None
    """The phase clock, if the phase has one: everyone sees it."""
    escalation: str = ""
    """The pair value the escalation ladder reads (:attr:`Ruleset.escalation`); empty if none."""
    draws: tuple[DrawView, ...] = ()
    """The results of the scenario's draws the role may know
    (:func:`~detente.engine.visibility.may_see_draw`)."""
    letters: tuple[LetterView, ...] = ()
    """Messages on slow channels the role sent, those that reached it, and (the facilitator)
    every one, in the order sent."""
    alerts: tuple[str, ...] = ()
    """What the ruleset says the role must be told plainly now, one line each (a crisis: "Crisis
    with Corvania: the hotline first"); screens show them above everything else
    (:attr:`~detente.engine.ruleset.Ruleset.alerts`)."""
    arguments: tuple[ArgumentView, ...] = ()
    """Argued actions the role may know of, in the order argued
    (:func:`~detente.engine.argued.arguments_for`)."""
    argue_cost: int = 1
    """What arguing an action costs a team (:func:`~detente.engine.argued.argue_cost`)."""
    tracks: Mapping[str, Track] = field(factory=dict)
    """Every tracked value's declaration, by name (the engine's budget and the ruleset's), in
    the ruleset's order: what each value is called, means and may be. Declarations are no
    secret; the values are (:attr:`values`)."""

    def value(self, name: str, *ids: str) -> Any:
        """One tracked value (``view.value("budget", "blue")``), or None where the role may not
        see it (or nothing tracks it)."""
        track = self.tracks.get(name)
        table = self.values.get(name)
        if track is None or table is None:
            return None
        return table.get(track.key(ids))

    def table(self, name: str) -> Mapping[Key, Any]:
        """Every entry of one track the role may see, by key; empty if none."""
        return self.values.get(name, {})

    def shows(self, name: str, *ids: str) -> bool:
        """Whether the role sees that value."""
        return self.value(name, *ids) is not None

    def scoped(self, scope: str) -> tuple[Track, ...]:
        """The declarations of one scope (``pair``, ``directed``, ``actor``, ``alliance``) whose
        values the role sees at least one of, in declaration order."""
        return tuple(t for t in self.tracks.values() if t.scope == scope and self.values.get(t.name))

    def escalation_of(self, a: str, b: str) -> Any:
        """The pair's escalation value, or None (no escalation value, or hidden)."""
        return self.value(self.escalation, a, b) if self.escalation else None


def proposal_view(p: Proposal, ruleset: Ruleset | None = None) -> ProposalView:
    """A call or proposal as its parties see it (``ruleset`` says whether it opens a call)."""
    mt = ruleset.moves.get(p.order.move) if ruleset is not None else None
    return ProposalView(
        id=p.id,
        by=p.by,
        to=p.to,
        order=p.order,
        answers=dict(p.answers),
        status=p.status,
        transcript=tuple((m.by, m.text) for m in p.transcript),
        call=mt is not None and mt.opens_call,
        tones=tuple(m.tone for m in p.transcript),
        rating=p.rating,
    )


def view(state: State, role: str, ladder: tuple[str, ...] = (), escalation: str | None = None) -> View:
    """The state as ``role`` sees it: a team id, ``"facilitator"`` or ``"public"``.

    ``ladder`` names the escalation rungs; ``escalation`` is the pair value they read (by
    default the scenario's ruleset's, :attr:`Ruleset.escalation`)."""
    scenario = state.scenario
    fac = role in SEES_ALL
    team = role if role in scenario.actor_names else None
    if not fac and team is None and role != PUBLIC:
        raise ValueError(f"unknown role {role!r}")
    st = state
    if not fac and state.phase == "adjudication" and state.before is not None:
        # Results are not out yet: teams see the state as it stood when orders closed.
        st = state.before.replace(phase="adjudication")
    if escalation is None:
        escalation = state.ruleset.escalation
    tracks = st.tracks
    values = _values(st, role)
    budget = values.get(BUDGET.name, {})  # what was spent goes with the budget

    actors = tuple(
        ActorView(
            id=a.id,
            name=a.name,
            colour=a.colour,
            spent=st.spent.get(a.id, 0) if a.id in budget else None,
            submitted=a.id in st.orders,
        )
        for a in scenario.actors
    )
    forces = []
    for f in scenario.forces:
        fs = st.forces[f.id]
        known = fac or (team is not None and (team in fs.known_to or f.owner == team))
        forces.append(
            ForceView(
                id=f.id,
                name=f.name or f.id,
                owner=f.owner,
                kind=f.kind,
                home=f.home,
                region=fs.region if known else None,
            )
        )
    ladder_of = values.get(escalation, {}) if escalation else {}
    figures = st.ruleset.figures
    seen_by = None if fac else (team or PUBLIC)
    ids = scenario.actor_ids
    pairs = []
    for i, x in enumerate(ids):
        for y in ids[i + 1:]:
            a, b = pair(x, y)
            level = ladder_of.get((a, b))
            pairs.append(PairView(a=a, b=b, rung=None if level is None else rung(level),
                                  figures={k: f.run(st, a, b, seen_by) for k, f in figures.items()}))
    proposals = tuple(
        proposal_view(p, st.ruleset)
        for p in st.proposals.values()
        if fac or (team is not None and (team == p.by or team in p.to))
    )
    pledges = tuple(
        PledgeView(id=p.id, by=p.by, to=p.to, kind=p.kind, region=p.region, until=p.until, status=p.status)
        for p in st.pledges.values()
        if fac or team in (p.by, p.to)
    )
    inbox = tuple(d for d in st.inbox if not d.to or fac or (team is not None and team in d.to))
    return View(
        role=role,
        title=scenario.scenario.title,
        turn=st.turn,
        label=st.label() if st.turn else "Setup",
        phase=st.phase,
        briefing=scenario.scenario.briefing,
        private_briefing=scenario.actor(team).briefing if team else "",
        briefings={a.id: a.briefing for a in scenario.actors} if fac else {},
        inbox=inbox,
        actors=actors,
        pairs=tuple(pairs),
        values=values,
        forces=tuple(forces),
        orders={k: v for k, v in st.orders.items() if fac or k == team},
        proposals=proposals,
        pledges=pledges,
        notices=tuple((n.by, n.activity, n.region, n.turn) for n in st.notices),
        outcome=st.outcome,
        ladder=ladder,
        injects=_injects(st) if fac else (),
        clock=ClockView(seconds=st.clock.seconds, left=st.clock.left, running=st.clock.running,
                        auto=st.clock_auto) if st.clock is not None else None,
        escalation=escalation if escalation in tracks else "",
        draws=tuple(DrawView(d.id, d.title, st.marks[draw_key(d.id)]) for d in scenario.draws
                    if draw_key(d.id) in st.marks and may_see_draw(role, d, scenario)),
        letters=_letters(st, role),
        alerts=tuple(st.ruleset.alerts(st, role)) if st.ruleset.alerts is not None else (),
        arguments=arguments_for(st, role),
        argue_cost=argue_cost(st.numbers),
        tracks=tracks,
    )


def _letters(st: State, role: str) -> tuple[LetterView, ...]:
    """The messages on slow channels ``role`` may know of: every one for the facilitator; for a
    team, those it sent and those that reached it (not one still on its way to it)."""
    out = []
    for key, m in st.marks.items():
        if not key.startswith(LETTER_PREFIX):
            continue
        arrived = "arrived" in m
        if role in SEES_ALL or m["by"] == role or (m["to"] == role and arrived):
            turn, phase = m["due"]
            out.append(LetterView(id=key[len(LETTER_PREFIX):], channel=m["channel"], by=m["by"],
                                  to=m["to"], text=m["text"], sent=m["turn"], due=(turn, phase),
                                  arrived=arrived))
    return tuple(sorted(out, key=lambda x: int(x.id)))


def _values(st: State, role: str) -> dict[str, Mapping[Key, Any]]:
    """Each track's entries ``role`` may see (:func:`~detente.engine.visibility.in_audience`
    of the track's ``seen_by``); tracks it sees none of are left out."""
    if role in SEES_ALL:
        return dict(st.values)  # a state's tables never change (a working copy copies on write)
    scenario = st.scenario
    out: dict[str, Mapping[Key, Any]] = {}
    for name, track in st.tracks.items():
        audience = track.seen_by
        if audience == FACILITATOR_ONLY:
            continue
        table: Mapping[Key, Any] = st.values.get(name, {})
        if audience == EVERYONE:
            shown_ = table
        else:
            shown_ = {k: v for k, v in table.items()
                      if in_audience(audience, role, k if isinstance(k, tuple) else (k,), scenario)}
        if shown_:
            out[name] = shown_
    return out


def _injects(st: State) -> tuple[InjectView, ...]:
    out = []
    for inj in st.scenario.injects:
        fired = st.fired.get(inj.id)
        if inj.turn is not None:
            schedule = f"{st.scenario.turns.name(inj.turn)}, {inj.phase}"
            armed = fired is None and (inj.turn, _PHASE_ORDER[inj.phase]) >= (
                st.turn,
                _PHASE_ORDER.get(st.phase, 0),
            )
        else:
            schedule = f"when {inj.when}" + (" (repeats)" if inj.repeat else "")
            armed = fired is None or inj.repeat
        out.append(
            InjectView(
                id=inj.id,
                title=inj.title,
                schedule=schedule,
                to=tuple(inj.to),
                fired=fired,
                armed=armed and st.outcome is None,
                notes=inj.notes,
            )
        )
    return tuple(out)


_PHASE_ORDER = {"setup": -1, "briefing": 0, "communications": 1, "orders": 2, "adjudication": 3, "debrief": 4}


def timeline(
    events: Iterable[Mapping[str, Any]], role: str, scenario: Scenario | None = None
) -> list[Mapping[str, Any]]:
    """The events ``role`` may see, in order, each as the role may see it
    (:func:`detente.engine.visibility.shown`: a change whose why is private reaches third
    parties without its cause; the seed, rolls and notes stay with the facilitator).
    Results of an adjudication reach teams only once the facilitator publishes them, and what
    the table keeps for the debrief (:func:`detente.engine.visibility.revealed`) only after
    the session's ``outcome``, in the order it happened.

    ``scenario`` says who belongs to each alliance; without it a team sees no alliance value
    in the timeline (its members are unknown)."""
    return Timeline(role, scenario).feed(events)


class Timeline:
    """:func:`timeline` read a piece at a time: each :meth:`feed` gives what the new events
    show ``role``, holding back adjudication results until they are published, and what is
    revealed in the debrief until the session's outcome, as one call of :func:`timeline` over
    all the events would. A bot keeps one and feeds it what is new."""

    __slots__ = ("_ended", "_held", "_in_review", "_later", "role", "scenario")

    def __init__(self, role: str, scenario: Scenario | None = None) -> None:
        self.role = role
        self.scenario = scenario
        self._held: list[Mapping[str, Any]] = []
        self._in_review = False
        self._later: list[Mapping[str, Any]] = []
        """What the role reads only once the session has ended, in order."""
        self._ended = False

    def feed(self, events: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """What ``events`` (the next events of the session) show the role."""
        role, scenario = self.role, self.scenario
        out: list[Mapping[str, Any]] = []
        held = self._held
        in_review = self._in_review
        for event in events:
            kind = event["kind"]
            if kind == "command":
                continue
            e = shown(event, role, scenario)
            if e is None:
                late = revealed(event, role, scenario) if role not in SEES_ALL else None
                if late is None:
                    continue
                if not self._ended:
                    self._later.append(late)
                    continue
                e = late
            elif kind == "outcome" and not self._ended:
                # What the role did not know comes out right after the end.
                self._ended = True
                (held if in_review else out).extend((e, *self._later))
                self._later = []
                continue
            if kind == "phase":
                if e["phase"] == "adjudication":
                    in_review = role not in SEES_ALL
                    if in_review:
                        out.append(e)
                        continue
                elif in_review:
                    # Published: the results follow the phase change that released them.
                    out.append(e)
                    out.extend(held)
                    held = []
                    in_review = False
                    continue
            if in_review:
                held.append(e)
            else:
                out.append(e)
        self._held, self._in_review = held, in_review
        return out
