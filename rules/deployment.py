"""Deployments and readiness: moving forces, mobilising and standing down.

Grounding (docs/rules.md, "Grounding: deployment and readiness"): the security dilemma (Jervis
1978) — what one state does for its security lowers another's, the more so the harder it is to
tell apart from preparation for attack; misperception (Able Archer 83); Kahn's point that
escalation runs on threat *perceived*. A deployment is seen only by those who detect it; an
undetected one still brings forces closer (proximity) and so raises the risk of an incident.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from detente.engine.ruleset import COERCIVE, COOPERATIVE, EVERYONE, NEAR, NON_ALLIES, MoveType, Param
from detente.engine.state import Order, Reading
from detente.rules.common import (
    force_name,
    index_of,
    name,
    near,
    notified,
    order_step,
    others,
    perceived,
    region_name,
)
from detente.rules.hotline import unaware, watching
from detente.rules.values import READINESS

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution


def _own_forces(state: Reading, team: str) -> tuple[str, ...]:
    return state.scenario.forces_of.get(team, ())


# -- deploy ------------------------------------------------------------------------------------

def _deploy_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {"force": _own_forces(state, team), "region": state.scenario.region_ids}


def _deploy_check(state: Reading, team: str, order: Order) -> str | None:
    if state.forces[order.force].region == order.region:
        return f"{force_name(state, order.force)} is already in {region_name(state, order.region)}"
    force = state.scenario.force_by_id[order.force]
    if not force.may_enter(order.region):
        allowed = ", ".join(region_name(state, r) for r in (force.home, *(force.regions or ())))
        return (f"{force_name(state, order.force)} cannot go to {region_name(state, order.region)} in "
                f"this scenario (only {allowed})")
    return None


def _detected_by(r: Resolution, team: str, force: str, region: str) -> set[str]:
    """Who learns of the deployment: roll per observer, information × detect factor
    (more where the region borders the observer: it watches its own approaches). A team whose
    pledge it breaches sees it if, and only if, it detected the breach (the pledges step rolled)."""
    n = r.numbers["perception"]
    st = r.state
    watchers = watching(st, team, region)
    certain = watchers | {o for o in others(st, team) if f"observers:{team}:{o}" in st.flags}
    missed = unaware(st, team, region) - watchers
    borders = near(st, region)
    seen = set()
    for o in others(st, team):
        if o in missed:
            continue
        if o in certain:
            seen.add(o)
            continue
        info = st.value("information", o, team)
        p = info * n["detect_factor"] * (n["detect_near"] if o in borders else 1.0)
        if r.roll(f"detect:{force}:{o}", p, about=f"{o} detects {force} moving to {region}",
                  inputs={"information": info, "near": o in borders}):
            seen.add(o)
    return seen


def _deploy(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["deployment"]
    st = r.state
    force, region = order.force, order.region
    if st.forces[force].region == region:
        r.move(team, order, f"{force_name(st, force)} was already there", result="void", vis=[team])
        return
    ahead = notified(st, team, "deploy", region)
    everyone = set(st.scenario.actor_ids)
    seen = (everyone - {team}) if ahead else _detected_by(r, team, force, region)
    known = sorted(seen | {team})
    vis = "all" if ahead else known
    r.emit("force", vis, force=force, region=region, known_to=known)
    text = f"{name(st, team)} deployed {force_name(st, force)} to {region_name(st, region)}"
    r.move(team, order, text + (" (notified ahead)" if ahead else ""), vis=vis)
    borders = near(st, region)
    for o in others(r.state, team):
        if o not in seen:
            continue  # undetected: no threat felt, but proximity (and incident risk) rises
        if r.state.allied(o, team):
            r.change("trust", [o, team], add=n["ally_trust"], cause=f"an ally's forces: {text}")
        elif o in borders:
            add = perceived(r, o, team, n["deploy_threat"], f"deploy:{force}", ahead=ahead)
            r.change("threat", [o, team], add=add, cause=text)


deploy = MoveType(
    name="deploy",
    fixed_choices=True,
    breaks_restraint="near",
    tone=COERCIVE, read_by=NEAR,
    family="deployment",
    phase="orders",
    description="Move one of your forces to a region; seen only by those who detect it",
    params=(Param("force", "the force to deploy"), Param("region", "where to")),
    choices=_deploy_choices,
    check=_deploy_check,
    resolve=_deploy,
)


# -- withdraw ----------------------------------------------------------------------------------

def _withdraw_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    home = state.scenario.force_home
    away = tuple(f for f in _own_forces(state, team) if state.forces[f].region != home[f])
    return {"force": away}


def _withdraw(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["deployment"]
    st = r.state
    force = order.force
    home = st.scenario.force_home[force]
    left = st.forces[force].region
    if left == home:
        r.move(team, order, f"{force_name(st, force)} was already home", result="void", vis=[team])
        return
    knew = st.forces[force].known_to
    # A force at home is public knowledge; where it came back from is told only to
    # those who knew where it was.
    r.emit("force", "all", force=force, region=home, known_to=list(st.scenario.actor_ids))
    text = f"{name(st, team)} withdrew {force_name(st, force)} to {region_name(st, home)}"
    r.move(team, order, text)
    for o in near(st, left):
        if o != team and o in knew and not r.state.allied(o, team):
            r.change("threat", [o, team], add=-n["withdraw_threat"],
                     cause=f"{text} from {region_name(st, left)}")


withdraw = MoveType(
    name="withdraw",
    tone=COOPERATIVE, read_by=EVERYONE,
    family="deployment",
    phase="orders",
    description="Bring a deployed force home; those it was near feel less threatened",
    params=(Param("force", "the force to bring home"),),
    choices=_withdraw_choices,
    resolve=_withdraw,
)


# -- raise_readiness / stand_down --------------------------------------------------------------

LOWEST, HIGHEST = map(int, READINESS.range or (0, 4))


def _raise_check(state: Reading, team: str, order: Order) -> str | None:
    if state.values["readiness"][team] >= HIGHEST:
        return f"readiness is already at its highest ({HIGHEST})"
    return None


def _raise(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["deployment"]
    before = r.state.value("readiness", team)
    text = f"{name(r.state, team)} raised readiness"
    # Mobilisation is observable: everyone sees the new level.
    level = r.change("readiness", [team], add=1, cause=text, vis="all")
    if level == before:
        r.move(team, order, "readiness was already at its highest", result="void", vis=[team])
        return
    r.move(team, order, f"{text} to {level}")
    # A government seen to act relieves some domestic pressure.
    r.change("pressure", [team], add=-n["readiness_pressure"], cause=text)
    what = f"readiness:{index_of(r.state, team, order)}"
    for o in others(r.state, team):
        if not r.state.allied(o, team):
            add = perceived(r, o, team, n["readiness_threat"], what)
            r.change("threat", [o, team], add=add, cause=text)


raise_readiness = MoveType(
    name="raise_readiness",
    breaks_restraint="always",
    tone=COERCIVE, read_by=NON_ALLIES,
    family="deployment",
    phase="orders",
    description="Raise military readiness one level (public); non-allies feel threatened",
    check=_raise_check,
    resolve=_raise,
)


def _stand_down_check(state: Reading, team: str, order: Order) -> str | None:
    if state.values["readiness"][team] <= LOWEST:
        return f"readiness is already at peacetime ({LOWEST})"
    return None


def _stand_down(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["deployment"]
    before = r.state.value("readiness", team)
    text = f"{name(r.state, team)} stood down"
    level = r.change("readiness", [team], add=-1, cause=text, vis="all")
    if level == before:
        r.move(team, order, "readiness was already at peacetime", result="void", vis=[team])
        return
    r.move(team, order, f"{text} to readiness {level}")
    # Hawks at home read restraint as weakness.
    r.change("pressure", [team], add=n["stand_down_pressure"], cause=text)
    for o in others(r.state, team):
        r.change("threat", [o, team], add=-n["stand_down_threat"], cause=text)


stand_down = MoveType(
    name="stand_down",
    tone=COOPERATIVE, read_by=EVERYONE,
    family="deployment",
    phase="orders",
    description="Lower military readiness one level (public); others feel less threatened",
    check=_stand_down_check,
    resolve=_stand_down,
)

MOVES = (deploy, withdraw, raise_readiness, stand_down)

STEPS = (order_step(
    "deployments",
    ("deploy", "withdraw", "raise_readiness", "stand_down"),
    # A force moves once a turn, whichever order comes first.
    once={"deploy": lambda t, o: ("force", o.force), "withdraw": lambda t, o: ("force", o.force)},
),)
