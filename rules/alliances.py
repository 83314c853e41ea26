"""Alliances decide: consultations (Article 4) and collective defence (Article 5), each a request
the allies answer.

Grounding (docs/rules.md, "Grounding: incidents, crises and alliances"): NATO's Article 4 lets
any member call consultations when it feels threatened (invoked by Turkey in 2003 and 2012,
by Poland and the Baltic states in 2014, by eight allies in 2022); Article 5 is invoked by
decision — once, after 11 September 2001 — and each ally decides what assistance it gives.
Cohesion is tested by who shows solidarity and who counsels restraint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from detente.engine.ruleset import COERCIVE, COOPERATIVE, SOLIDARITY, MoveType, Param
from detente.engine.state import Order, Proposal, Reading
from detente.rules.common import name, shared_alliances
from detente.rules.crisis import ATTACKED

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution


def allies(state: Reading, team: str) -> tuple[str, ...]:
    """The actors sharing an alliance with ``team``, in the scenario's order."""
    mine = state.scenario.allies.get(team, ())
    return tuple(a for a in state.scenario.actor_ids if a in mine and a != team)


def _members(state: Reading, a: str, b: str) -> list[str]:
    """Every member of the alliances ``a`` and ``b`` share: who hears how an ally answered."""
    alliances = {al.id: al for al in state.scenario.alliances}
    return sorted({m for al in shared_alliances(state, a, b) for m in alliances[al].members})


def _cohesion(r: Resolution, a: str, b: str, add: int, cause: str) -> None:
    for al in shared_alliances(r.state, a, b):
        r.change("cohesion", [al], add=add, cause=cause)


def _once(state: Reading, team: str, move: str) -> str | None:
    if any(p.by == team and p.order.move == move for p in state.proposals.values()):
        return "you already made this request this turn"
    return None


# -- consultations -----------------------------------------------------------------------------

def _consult_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {"targets": allies(state, team)}


def _consult_check(state: Reading, team: str, order: Order) -> str | None:
    if not order.targets:
        return "consultations need at least one ally"
    return _once(state, team, "consultations")


def _consult_accept(r: Resolution, p: Proposal, responder: str) -> None:
    n = r.numbers["alliances"]
    st = r.state
    cause = f"{name(st, responder)} joined the consultations {name(st, p.by)} asked for"
    _cohesion(r, p.by, responder, n["consultations_cohesion"], cause)
    # Allies at the table: the requester feels a little less alone against those outside.
    for o in st.scenario.actor_ids:
        if o != p.by and not st.allied(o, p.by):
            r.change("threat", [p.by, o], add=-n["consultations_threat"], cause=cause)


def _consult_decline(r: Resolution, p: Proposal, responder: str, unanswered: bool) -> None:
    n = r.numbers["alliances"]
    did = "did not answer" if unanswered else "turned down"
    cause = f"{name(r.state, responder)} {did} {name(r.state, p.by)}'s request for consultations"
    _cohesion(r, p.by, responder, -n["consultations_declined_cohesion"], cause)


consultations = MoveType(
    name="consultations",
    fixed_choices=True,
    noun="request for consultations",
    tone=COOPERATIVE,
    family="alliances",
    phase="communications",
    description="Ask your allies to consult (Article 4): each who joins holds the alliance together "
                "and eases your sense of threat",
    params=(Param("targets", "the allies to consult"),),
    choices=_consult_choices,
    check=_consult_check,
    consent=True,
    accept=_consult_accept,
    decline=_consult_decline,
)


# -- invoke_collective_defence -----------------------------------------------------------------

def adversaries(state: Reading, team: str) -> tuple[str, ...]:
    """Those ``team`` may invoke collective defence against now: the other side of a grave
    incident this turn's communications follow, where ``team`` was not to blame."""
    prefix = f"{ATTACKED}{team}:"
    return tuple(sorted(k[len(prefix):] for k, v in state.marks.items()
                        if k.startswith(prefix) and v == state.turn))


def _defence_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    against = adversaries(state, team)
    if not against or _once(state, team, "invoke_collective_defence"):
        return {"targets": ()}
    return {"targets": tuple(a for a in allies(state, team)
                             if a not in against and not any(state.allied(a, o) for o in against))}


def _defence_check(state: Reading, team: str, order: Order) -> str | None:
    if not order.targets:
        return "collective defence is invoked before at least one ally"
    return _once(state, team, "invoke_collective_defence")


def _against(state: Reading, p: Proposal) -> tuple[str, ...]:
    return adversaries(state, p.by)


def _defence_accept(r: Resolution, p: Proposal, responder: str) -> None:
    """Solidarity: the alliance holds, and the adversary reads the ally as standing against it."""
    n = r.numbers["alliances"]
    st = r.state
    against = _against(st, p)
    whom = " and ".join(name(st, o) for o in against) or "its adversary"
    text = f"{name(st, responder)} stood with {name(st, p.by)} against {whom} (solidarity)"
    r.emit("move", _members(st, p.by, responder), team=p.by, order=p.order.to_dict(),
           result="solidarity", text=text)
    _cohesion(r, p.by, responder, n["solidarity_cohesion"], text)
    for o in against:
        r.change("threat", [o, responder], add=n["solidarity_threat"], cause=text)
        r.change("tension", [responder, o], add=n["solidarity_tension"], cause=text)


def _defence_decline(r: Resolution, p: Proposal, responder: str, unanswered: bool) -> None:
    """Restraint: the alliance pays a little; counsel of restraint cools the crisis itself."""
    n = r.numbers["alliances"]
    st = r.state
    against = _against(st, p)
    if unanswered:
        text = f"{name(st, responder)} left {name(st, p.by)}'s call for collective defence unanswered"
    else:
        text = f"{name(st, responder)} counselled {name(st, p.by)} to restraint (restraint)"
    members = _members(st, p.by, responder)
    r.emit("move", members, team=p.by, order=p.order.to_dict(),
           result="unanswered" if unanswered else "restraint", text=text)
    _cohesion(r, p.by, responder, -n["restraint_cohesion"], text)
    if unanswered:
        return  # silence counsels nothing
    for o in against:
        # Why it eased is the alliance's business: others see tension fall, not why.
        r.change("tension", [p.by, o], add=-n["restraint_tension"], cause=text, vis=members)


invoke_collective_defence = MoveType(
    name="invoke_collective_defence",
    noun="call for collective defence",
    tone=SOLIDARITY, outsiders=COERCIVE,
    family="alliances",
    phase="communications",
    description="After a grave incident you did not cause, call on your allies (Article 5): each "
                "answers with solidarity or counsels restraint",
    params=(Param("targets", "the allies to call on"),),
    choices=_defence_choices,
    check=_defence_check,
    consent=True,
    accept=_defence_accept,
    decline=_defence_decline,
)

MOVES = (consultations, invoke_collective_defence)
