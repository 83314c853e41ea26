"""Transparency measures: prior notification, observers, data exchange, inspection.

Grounding (docs/rules.md, "Grounding: transparency"): the Vienna Document's prior notification,
observers, annual information exchange and inspections; Open Skies' observation flights. What a
data exchange declares may be false, and observers and inspections may expose the gap
(``rules/verification.py``).
Transparency makes a move easier to tell apart from preparation for attack (Jervis), so it
lowers the threat the same move causes; refusing a request is itself a signal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from detente.engine.ruleset import EVERYONE, TRANSPARENT, MoveType, Param
from detente.engine.state import Order, Proposal, Reading
from detente.rules import verification
from detente.rules.common import (
    each_order,
    name,
    not_proposed,
    order_step,
    others,
    region_name,
)

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution

ACTIVITIES = ("deploy", "exercise")


def _reveal_forces(r: Resolution, owner: str, to: str, parties: list[str]) -> None:
    """``to`` learns where ``owner``'s forces are now."""
    for fid, fs in r.state.forces.items():
        if r.state.owner(fid) == owner and to not in fs.known_to:
            r.emit("known", parties, force=fid, by=[to])


def _targets(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {"target": others(state, team)}


# -- notify_activity ---------------------------------------------------------------------------

def _notify_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {"choice": ACTIVITIES, "region": state.scenario.region_ids}


def _notify(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["transparency"]
    what = "a deployment" if order.choice == "deploy" else "an exercise"
    where = region_name(r.state, order.region)
    r.emit("notice", "all", by=team, activity=order.choice, region=order.region)
    r.move(team, order, f"{name(r.state, team)} gave notice of {what} in {where}")
    cause = f"{name(r.state, team)} gave notice of {what} in {where}"
    for o in others(r.state, team):
        r.change("trust", [o, team], add=n["notice_trust"], cause=cause)


notify_activity = MoveType(
    name="notify_activity",
    fixed_choices=True,
    tone=TRANSPARENT, read_by=EVERYONE,
    family="transparency",
    phase="orders",
    description="Give public notice of a deployment or exercise you plan for a later turn",
    params=(Param("choice", "the activity: deploy or exercise"), Param("region", "where")),
    choices=_notify_choices,
    resolve=_notify,
)


# -- invite_observers --------------------------------------------------------------------------

def _observers(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["transparency"]
    t = order.target
    parties = sorted({team, t})
    cause = f"{name(r.state, t)} observers were invited by {name(r.state, team)}"
    text = f"{name(r.state, team)} hosted observers from {name(r.state, t)}"
    r.move(team, order, text, vis=parties)
    # On the host's ground, the observers may find a gap in what it declared to their side.
    verification.verify(r, team, t, verification.OBSERVERS)
    r.change("information", [t, team], add=n["observers_information"], cause=cause)
    r.change("trust", [t, team], add=n["observers_trust"], cause=cause)
    _reveal_forces(r, team, t, parties)
    # The observers are on the ground this turn: they see this turn's deployments too.
    r.emit("flag", "fac", flag=f"observers:{team}:{t}")
    verification.hosted(r, team, t, verification.OBSERVERS)


invite_observers = MoveType(
    name="invite_observers",
    fixed_choices=True,
    tone=TRANSPARENT,
    family="transparency",
    phase="orders",
    description="Invite another actor's observers: they learn where your forces are",
    params=(Param("target", "whose observers to invite"),),
    choices=_targets,
    resolve=_observers,
)


# -- data_exchange -----------------------------------------------------------------------------

def _exchange_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {"target": others(state, team), "choice": verification.DECLARATIONS}


def _exchange(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["transparency"]
    t = order.target
    mutual = any(tm == t and o.target == team for tm, o in each_order(r.state, ("data_exchange",)))
    how = "exchanged data with" if mutual else "shared its data with"
    # What it chose to declare is its own: the target reads that data came, not whether it is true.
    r.move(team, Order(order.move, target=t), f"{name(r.state, team)} {how} {name(r.state, t)}",
           vis=sorted({team, t}))
    verification.declare(r, team, t, order.choice or verification.FULL)
    cause = f"{name(r.state, team)} shared military data"
    # One direction per order: a mutual exchange is two orders, so both ways, each once.
    r.change("information", [t, team], add=n["exchange_information"], cause=cause)
    r.change("trust", [t, team], add=n["exchange_trust"], cause=cause)


data_exchange = MoveType(
    name="data_exchange",
    fixed_choices=True,
    tone=TRANSPARENT,
    family="transparency",
    phase="orders",
    description="Declare your forces to an actor, in full or understated: it learns more about you "
                "(both ways if mutual); observers and inspections may later expose a false declaration",
    params=(
        Param("target", "with whom"),
        # Short: the order form shows it on one line. Empty means full (docs/rules.md).
        Param("choice", "what you declare: full or understated", optional=True),
    ),
    choices=_exchange_choices,
    deceptive=(verification.UNDERSTATED,),
    resolve=_exchange,
)


# -- request_inspection ------------------------------------------------------------------------

def _request_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {"target": not_proposed(state, team, "request_inspection", others(state, team))}


def _inspection_accept(r: Resolution, p: Proposal, responder: str) -> None:
    n = r.numbers["transparency"]
    parties = sorted({p.by, responder})
    cause = f"{name(r.state, responder)} accepted an inspection"
    # The inspectors hold what the host declared to their side against what they find.
    verification.verify(r, responder, p.by, verification.INSPECTION)
    r.change("information", [p.by, responder], add=n["inspection_information"], cause=cause)
    r.change("trust", [p.by, responder], add=n["inspection_trust"], cause=cause)
    _reveal_forces(r, responder, p.by, parties)
    verification.hosted(r, responder, p.by, verification.INSPECTION)


def _inspection_decline(r: Resolution, p: Proposal, responder: str, unanswered: bool) -> None:
    n = r.numbers["transparency"]
    how = "left the request for inspection unanswered" if unanswered else "refused an inspection"
    cause = f"{name(r.state, responder)} {how}"
    r.change("threat", [p.by, responder], add=n["inspection_refused_threat"], cause=cause)
    r.change("trust", [p.by, responder], add=-n["inspection_refused_trust"], cause=cause)


request_inspection = MoveType(
    name="request_inspection",
    noun="request for an inspection",
    tone=TRANSPARENT,
    family="transparency",
    phase="communications",
    description="Ask to inspect another actor's forces; a refusal is a signal",
    params=(Param("target", "whom to inspect"),),
    choices=_request_choices,
    consent=True,
    accept=_inspection_accept,
    decline=_inspection_decline,
)

MOVES = (notify_activity, invite_observers, data_exchange, request_inspection)

STEPS = (order_step(
    "transparency",
    ("notify_activity", "invite_observers", "data_exchange"),
    once={
        "notify_activity": lambda team, o: ("notice", team, o.choice, o.region),
        "invite_observers": lambda team, o: ("observers", team, o.target),
        "data_exchange": lambda team, o: ("exchange", team, o.target),
    },
),)
