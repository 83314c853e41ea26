"""What each role may see: one function for every screen, report and network message.

``view(state, role)`` is the only way a front end reads a state, and
``timeline(events, role, scenario)`` the only way it reads events. A team sees its
own briefing, orders, outlooks and the injects addressed to it; public facts
(tension, notifications, readiness, where forces are known to be); and nothing
else: not another team's sealed orders, private briefing or addressed injects,
not an undetected deployment, not a roll. The facilitator sees everything; the
``public`` role sees only what everyone sees. Who may see each tracked value and
each event kind is the table in :mod:`detente.engine.visibility`; both functions
apply it.

During adjudication, teams still see the state as it was when orders closed:
results reach them when the facilitator publishes (the debrief).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from attrs import frozen

from detente.engine.commands import FACILITATOR
from detente.engine.scenario import Scenario
from detente.engine.state import Delivery, Order, Outcome, Proposal, State, rung
from detente.engine.visibility import may_see, shown

PUBLIC = "public"

#: The values an :class:`OutlookView` holds: a role sees an outlook only if it may see all four.
OUTLOOK_VALUES = ("trust", "threat", "information", "answer")


@frozen
class PairView:
    """A pair of actors as the role sees it."""

    a: str
    b: str
    tension: int
    """0–100 (public)."""
    rung: int
    """0–10."""
    hotline: bool
    agreement: bool
    proximity: int
    """0–5, counting only the forces the role knows about."""
    incidents: int


@frozen
class OutlookView:
    """What ``holder`` holds about ``other`` (a team sees only its own)."""

    holder: str
    other: str
    trust: int
    threat: int
    information: float
    answer: float


@frozen
class ActorView:
    """An actor as the role sees it."""

    id: str
    name: str
    colour: str
    readiness: int
    """Public: mobilisation is observable."""
    budget: int | None
    """Own team and facilitator only."""
    spent: int | None
    pressure: int | None
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
    order: Mapping[str, Any]
    answers: Mapping[str, bool]
    status: str
    transcript: tuple[tuple[str, str], ...]


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
    outlooks: tuple[OutlookView, ...]
    cohesion: Mapping[str, int]
    """Alliances the role belongs to (all for the facilitator)."""
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


def proposal_view(p: Proposal) -> ProposalView:
    """A call or proposal as its parties see it."""
    return ProposalView(
        id=p.id,
        by=p.by,
        to=p.to,
        order=p.order.to_dict(),
        answers=dict(p.answers),
        status=p.status,
        transcript=tuple((m.by, m.text) for m in p.transcript),
    )


def view(state: State, role: str, ladder: tuple[str, ...] = ()) -> View:
    """The state as ``role`` sees it: a team id, ``"facilitator"`` or ``"public"``."""
    scenario = state.scenario
    fac = role == FACILITATOR
    team = role if role in scenario.actor_names else None
    if not fac and team is None and role != PUBLIC:
        raise ValueError(f"unknown role {role!r}")
    st = state
    if not fac and state.phase == "adjudication" and state.before is not None:
        # Results are not out yet: teams see the state as it stood when orders closed.
        st = state.before.replace(phase="adjudication")

    def sees(value: str, *of: str) -> bool:
        return fac or may_see(role, value, of, scenario)

    actors = []
    held_by = st.actors
    for a in scenario.actors:
        held = held_by[a.id]
        budget = sees("budget", a.id)
        actors.append(
            ActorView(
                id=a.id,
                name=a.name,
                colour=a.colour,
                readiness=held.readiness,  # everyone's (visibility.VALUES); a test holds the two together
                budget=held.budget if budget else None,
                # What was spent tells the budget left: it goes with the budget.
                spent=st.spent.get(a.id, 0) if budget else None,
                pressure=held.pressure if sees("pressure", a.id) else None,
                submitted=a.id in st.orders,
            )
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
    pairs = tuple(
        PairView(
            a=a,
            b=b,
            tension=ps.tension,
            rung=rung(ps.tension),
            hotline=ps.hotline,
            agreement=ps.agreement,
            proximity=st.proximity(a, b, None if fac else (team or PUBLIC)),
            incidents=ps.incidents,
        )
        for (a, b), ps in st.pairs.items()
    )
    outlooks = tuple(
        OutlookView(
            holder=h, other=o, trust=ol.trust, threat=ol.threat, information=ol.information, answer=ol.answer
        )
        for (h, o), ol in st.outlooks.items()
        if all(sees(value, h, o) for value in OUTLOOK_VALUES)
    )
    cohesion = {k: v for k, v in st.values["cohesion"].items() if sees("cohesion", k)}
    proposals = tuple(
        proposal_view(p)
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
        actors=tuple(actors),
        pairs=pairs,
        outlooks=outlooks,
        cohesion=cohesion,
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
    )


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
    Results of an adjudication reach teams only once the facilitator publishes them.

    ``scenario`` says who belongs to each alliance; without it a team sees no alliance value
    in the timeline (its members are unknown)."""
    return Timeline(role, scenario).feed(events)


class Timeline:
    """:func:`timeline` read a piece at a time: each :meth:`feed` gives what the new events
    show ``role``, holding back adjudication results until they are published, as one call of
    :func:`timeline` over all the events would. A bot keeps one and feeds it what is new."""

    __slots__ = ("_held", "_in_review", "role", "scenario")

    def __init__(self, role: str, scenario: Scenario | None = None) -> None:
        self.role = role
        self.scenario = scenario
        self._held: list[Mapping[str, Any]] = []
        self._in_review = False

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
                continue
            if kind == "phase":
                if e["phase"] == "adjudication":
                    in_review = role != FACILITATOR
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
