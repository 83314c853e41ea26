"""Turn-wide processes: collective defence, incidents, and the drift of tension.

Grounding (docs/rules.md, "Grounding: incidents, collective defence and drift"): incidents come
more often with forces close, readiness high and information poor, and less often under an
incidents-at-sea agreement (INCSEA 1972); escalation runs on threat *perceived* (Kahn), so
tension drifts toward the threat each side feels; an alliance's cohesion is a matter of
consensus (NATO CMX), tested when an ally is attacked.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from typing import TYPE_CHECKING

from detente.engine.ruleset import Hazard, Step
from detente.engine.state import Reading, pair, rung
from detente.rules.common import name, near, proximity, region_name, whole
from detente.rules.cooperation import agreed_exercises

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution

SEVERITIES = ("minor", "serious", "grave")


def pairs(state: Reading) -> Iterator[tuple[str, str]]:
    """Every pair of actors once, as sorted keys, in the scenario's order."""
    ids = state.scenario.actor_ids
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            yield pair(a, b)


def incident_chance(state: Reading, a: str, b: str) -> float:
    """This turn's probability of an incident between ``a`` and ``b`` (0 for allies and for
    pairs whose forces are not close)::

        p = base + proximity·prox + readiness·(readinessₐ + readiness_b)
            + information·(1 − mean information) − agreement·[agreement in force]

    capped at ``cap``, then × ``calm_factor`` if a call between them was answered this turn.
    """
    n = state.numbers["incidents"]
    if state.allied(a, b):
        return 0.0
    prox = proximity(state, a, b)
    if prox < n["min_proximity"]:
        return 0.0
    values = state.values
    information, readiness = values["information"], values["readiness"]
    info = (information[(a, b)] + information[(b, a)]) / 2
    p = (
        n["base"] + n["proximity"] * prox
        + n["readiness"] * (readiness[a] + readiness[b])
        + n["information"] * (1 - info) - n["agreement"] * values["agreement"][pair(a, b)]
    )
    p = min(n["cap"], max(0.0, p))
    x, y = pair(a, b)
    if f"calm:{x}:{y}" in state.flags:
        p *= n["calm_factor"]
    return p


def _severity_modifier(state: Reading, a: str, b: str) -> int:
    n = state.numbers["incidents"]
    mod = 0
    if state.value("agreement", a, b):
        mod -= n["agreement_severity"]  # INCSEA: de-confliction rules contain incidents
    if state.value("readiness", a) + state.value("readiness", b) >= n["readiness_severity_at"]:
        mod += n["readiness_severity"]  # forces on a war footing shoot sooner
    return mod


def severity(state: Reading, total: int) -> str:
    """The severity of an incident whose modified 2d6 total is ``total``."""
    n = state.numbers["incidents"]
    if total >= n["grave_min"]:
        return "grave"
    if total >= n["serious_min"]:
        return "serious"
    return "minor"


def conflict_chance(state: Reading, a: str, b: str) -> float:
    """The probability this turn that ``a`` and ``b`` have a grave incident at high tension
    (one that starts a conflict): for the after-action *risk run*."""
    n = state.numbers["incidents"]
    if state.value("tension", a, b) < n["grave_conflict_tension"]:
        return 0.0
    mod = _severity_modifier(state, a, b)
    faces = product(range(1, 7), repeat=2)
    grave = sum(1 for d1, d2 in faces if severity(state, d1 + d2 + mod) == "grave")
    return incident_chance(state, a, b) * grave / 36


_SEVERITY_NUMBERS = (
    "serious_min", "grave_min", "agreement_severity", "readiness_severity", "readiness_severity_at",
    "minor_tension", "serious_tension", "grave_tension", "grave_conflict_tension",
)


def conflict_share(state: Reading, a: str, b: str) -> float | None:
    """The share of an incident's 2d6 severity outcomes between ``a`` and ``b`` that would start
    open conflict on ``state`` (just before the incident roll): a grave incident at
    ``grave_conflict_tension`` or more, or one whose tension rise alone lifts the pair to the
    conflict rung (ignoring the drift later in the same adjudication). None when the numbers do
    not say how severity works. For the after-action report's *risk run*."""
    n = state.numbers.get("incidents", {})
    if any(k not in n for k in _SEVERITY_NUMBERS):
        return None
    top = int(state.numbers.get("end", {}).get("conflict_rung", 9))
    tension = state.value("tension", a, b)
    mod = _severity_modifier(state, a, b)
    hits = 0
    for d1, d2 in product(range(1, 7), repeat=2):
        sev = severity(state, d1 + d2 + mod)
        grave_conflict = sev == "grave" and tension >= n["grave_conflict_tension"]
        climbs = rung(min(100, tension + n[f"{sev}_tension"])) >= top
        hits += grave_conflict or climbs
    return hits / 36


def conflict_line(state: Reading, sev: str) -> int | None:
    """The tension at or above which an incident of severity ``sev`` starts open conflict
    outright: ``grave_conflict_tension`` for a grave one, None for the others."""
    line = state.numbers.get("incidents", {}).get("grave_conflict_tension")
    return line if sev == "grave" else None


def _where(state: Reading, a: str, b: str) -> str:
    """The first region (scenario order) where one side's forces are near the other."""
    for rg in state.scenario.regions:
        for fid, fs in state.forces.items():
            owner = state.owner(fid)
            close = (owner == a and b in rg.near) or (owner == b and a in rg.near)
            if fs.region == rg.id and close:
                return rg.id
    return ""


def _incident(r: Resolution, a: str, b: str) -> None:
    st = r.state
    mod = _severity_modifier(st, a, b)
    total = r.dice(f"severity:{a}:{b}", about=f"severity of the incident between {a} and {b}",
                   inputs={"modifier": mod}) + mod
    happen(r, a, b, severity(st, total), _where(st, a, b))


def happen(r: Resolution, a: str, b: str, sev: str, where: str, cause: str = "") -> None:
    """An incident of severity ``sev`` between ``a`` and ``b`` in region ``where`` (empty:
    nowhere in particular), with all its consequences: rolled, or scripted by an inject
    (``cause``: ``inject ID``; the event then says where and why)."""
    n = r.numbers["incidents"]
    st = r.state
    level = SEVERITIES.index(sev) + 1
    tension_before = st.value("tension", a, b)
    place = f" in {region_name(st, where)}" if where else ""
    text = f"A {sev} incident between {name(st, a)} and {name(st, b)}{place}"
    scripted = {"region": where, "cause": cause} if cause else {}
    r.emit("incident", "all", between=[a, b], severity=sev, level=level, text=text, **scripted)
    # The forces that met are seen by the other side.
    for fid, fs in st.forces.items():
        owner = st.owner(fid)
        other = b if owner == a else a if owner == b else None
        if other and fs.region == where and other not in fs.known_to:
            r.emit("known", [a, b], force=fid, by=[other])
    r.change("tension", [a, b], add=n[f"{sev}_tension"], cause=text)
    for x, y in ((a, b), (b, a)):
        r.change("threat", [x, y], add=n[f"{sev}_threat"], cause=text)
        r.change("pressure", [x], add=n[f"{sev}_pressure"], cause=text)
    if sev != "grave":
        return
    if tension_before >= n["grave_conflict_tension"]:
        r.emit("mark", "fac", key="conflict",
               value=f"{text} at tension {tension_before}: the crisis turned into open conflict")
    _rally(r, a, b, text)
    _rally(r, b, a, text)


def _rally(r: Resolution, ally: str, opponent: str, text: str) -> None:
    """After a grave incident, ``ally``'s alliances are drawn in against ``opponent``, and
    each member owes ``ally`` a sign of solidarity next turn."""
    n = r.numbers["incidents"]
    for al in r.state.scenario.alliances:
        if ally not in al.members or opponent in al.members:
            continue
        for m in al.members:
            if m != ally:
                r.change("tension", [m, opponent], add=n["solidarity_tension"],
                         cause=f"{text}: {name(r.state, m)} stands with its ally")
        r.emit("mark", "all", key=f"solidarity:{al.id}:{ally}:{opponent}", value=r.turn)


def incidents(r: Resolution) -> None:
    """Adjudication step: roll for an incident between every pair whose forces are close."""
    for a, b in pairs(r.state):
        p = incident_chance(r.state, a, b)
        if p <= 0:
            continue
        if r.roll(f"incident:{a}:{b}", p, about=f"incident between {a} and {b}",
                  inputs={"proximity": proximity(r.state, a, b),
                          "readiness": [r.state.value("readiness", a), r.state.value("readiness", b)],
                          "agreement": r.state.value("agreement", a, b),
                          "calm": f"calm:{a}:{b}" in r.state.flags}):
            _incident(r, a, b)


def stood_by(state: Reading, member: str, ally: str, opponent: str) -> bool:
    """Whether ``member`` stood by ``ally`` this turn: a public statement of support, a joint
    exercise with it, a deployment near it or near ``opponent``, or a commitment reaffirmed
    with it."""
    for o in state.orders.get(member, ()):
        if o.move == "public_statement" and o.target == ally and o.choice == "support":
            return True
    if any({by, partner} == {member, ally} for by, partner, _ in agreed_exercises(state)):
        return True
    for o in state.orders.get(member, ()):
        if o.move == "deploy" and ({ally, opponent} & set(near(state, o.region))):
            return True
    for p in state.proposals.values():
        if p.order.move == "alliance_commitment" and (
            (p.by == member and p.answers.get(ally)) or (p.by == ally and p.answers.get(member))
        ):
            return True
    return False


def collective_defence(r: Resolution) -> None:
    """Adjudication step: a turn after a grave incident, each member of the attacked ally's
    alliance either stood by it (cohesion rises) or did not (cohesion falls)."""
    n = r.numbers["incidents"]
    alliances = {al.id: al for al in r.state.scenario.alliances}
    for key in sorted(k for k in r.state.marks if k.startswith("solidarity:")):
        if r.state.marks[key] >= r.turn:
            continue
        _, al_id, ally, opponent = key.split(":")
        for m in alliances[al_id].members:
            if m == ally:
                continue
            if stood_by(r.state, m, ally, opponent):
                r.change("cohesion", [al_id], add=n["solidarity_kept_cohesion"],
                         cause=f"{name(r.state, m)} stood by {name(r.state, ally)}")
            else:
                r.change("cohesion", [al_id], add=-n["solidarity_cohesion"],
                         cause=f"{name(r.state, m)} did not stand by {name(r.state, ally)}")
        r.emit("mark", "all", key=key, value=None)


def drift(r: Resolution) -> None:
    """Adjudication step (last): each pair's tension moves ``rate`` of the way toward the
    mean threat the two sides perceive from each other."""
    rate = r.numbers["drift"]["rate"]
    st = r.state
    for a, b in pairs(st):
        values = st.values  # read afresh: a change copies the table it changes
        threat = values["threat"]
        felt = (threat[(a, b)] + threat[(b, a)]) / 2
        step = whole(rate * (felt - values["tension"][(a, b)]))
        if step:
            r.change("tension", [a, b], add=step,
                     cause="tension drifts toward the threat each side feels")


COLLECTIVE = (Step("collective defence", collective_defence),)
STEPS = (Step("incidents", incidents), Step("drift", drift))
HAZARD = Hazard("incident", conflict_share, conflict_line, guard="agreement", severities=SEVERITIES,
                happen=happen)
"""What a report needs to weigh the risk of an incident roll (``incident:A:B``)."""
