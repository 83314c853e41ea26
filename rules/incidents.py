"""Turn-wide processes: incidents, who caused them, and the drift of tension.

Grounding (docs/rules.md, "Grounding: incidents, crises and alliances"): incidents come more
often with forces close, readiness high and information poor, and less often under an
incidents-at-sea agreement (INCSEA 1972); an unsafe encounter is attributed — who came too
close, who was on a war footing, who gave no notice (INCSEA, CUES 2014, the US–China MMCA
1998) — and a grave one at high tension opens a crisis (:mod:`detente.rules.crisis`) rather
than a war; escalation runs on threat *perceived* (Kahn), so tension drifts toward the threat
each side feels.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from typing import TYPE_CHECKING

from detente.engine.ruleset import Hazard, Step
from detente.engine.state import Reading, pair, rung
from detente.rules.common import force_name, name, notified, proximity, region_name, whole
from detente.rules.crisis import attacked_key, open_crisis, window

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
    """The probability this turn that ``a`` and ``b`` have a grave incident at high tension (one
    that opens a crisis, which ends in open conflict unless contained): for the after-action
    *risk run*."""
    if state.value("tension", a, b) < state.numbers["crisis"]["tension"]:
        return 0.0
    mod = _severity_modifier(state, a, b)
    faces = product(range(1, 7), repeat=2)
    grave = sum(1 for d1, d2 in faces if severity(state, d1 + d2 + mod) == "grave")
    return incident_chance(state, a, b) * grave / 36


_SEVERITY_NUMBERS = (
    "serious_min", "grave_min", "agreement_severity", "readiness_severity", "readiness_severity_at",
    "minor_tension", "serious_tension", "grave_tension",
)


def conflict_share(state: Reading, a: str, b: str) -> float | None:
    """The share of an incident's 2d6 severity outcomes between ``a`` and ``b`` that would start
    open conflict, or a crisis that ends in it unless the two contain it, on ``state`` (just before
    the incident roll): a grave incident at ``crisis.tension`` or more, or one whose tension rise
    alone lifts the pair to the conflict rung (ignoring the drift later in the same adjudication).
    None when the numbers do not say how severity works. For the after-action report's *risk
    run*."""
    n = state.numbers.get("incidents", {})
    line = state.numbers.get("crisis", {}).get("tension")
    if any(k not in n for k in _SEVERITY_NUMBERS) or line is None:
        return None
    top = int(state.numbers.get("end", {}).get("conflict_rung", 9))
    tension = state.value("tension", a, b)
    mod = _severity_modifier(state, a, b)
    hits = 0
    for d1, d2 in product(range(1, 7), repeat=2):
        sev = severity(state, d1 + d2 + mod)
        crisis = sev == "grave" and tension >= line
        climbs = rung(min(100, tension + n[f"{sev}_tension"])) >= top
        hits += crisis or climbs
    return hits / 36


def conflict_line(state: Reading, sev: str) -> int | None:
    """The tension at or above which an incident of severity ``sev`` opens a crisis (open
    conflict unless the two contain it): ``crisis.tension`` for a grave one, None for the others."""
    line = state.numbers.get("crisis", {}).get("tension")
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


def blamed_key(blamed: str, other: str) -> str:
    """The mark counting the incidents with ``other`` that ``blamed`` was blamed for."""
    return f"blamed:{blamed}:{other}"


def blamed_count(state: Reading, blamed: str, other: str) -> int:
    """How many incidents with ``other`` ``blamed`` was blamed for so far."""
    return int(state.marks.get(blamed_key(blamed, other), 0))


def _near(state: Reading, side: str, other: str) -> list[str]:
    """The forces of ``side`` in a region that borders ``other``, in the scenario's order."""
    region_near = state.scenario.region_near
    return [f for f in state.scenario.forces_of.get(side, ())
            if other in region_near.get(state.forces[f].region, ())]


def blame(state: Reading, a: str, b: str, where: str = "") -> tuple[str, str]:
    """Who caused an incident between ``a`` and ``b`` (in region ``where``), and why in words
    (``"Corvania's frigate came closer and gave no notice"``); ``("", "")`` when it is unclear.

    Each of three findings counts against one side, as an incidents-at-sea review would weigh
    them: its forces came **closer** (more of its forces in regions bordering the other), it was
    **more ready** (higher readiness), it gave **no notice** (a force of its deployed near the
    other without a notice given a turn ahead, while the other's were all notified or at home).
    The side with more findings against it is to blame; with as many against each (none
    included), it is unclear.
    """
    found: dict[str, list[str]] = {a: [], b: []}
    near = {a: _near(state, a, b), b: _near(state, b, a)}
    closer = ""
    if len(near[a]) != len(near[b]):
        x = a if len(near[a]) > len(near[b]) else b
        closer = next((f for f in near[x] if state.forces[f].region == where), near[x][0])
        found[x].append("came closer")
    ready = {x: state.value("readiness", x) for x in (a, b)}
    if ready[a] != ready[b]:
        found[a if ready[a] > ready[b] else b].append("was on higher alert")
    home = state.scenario.force_home
    silent = {x: [f for f in near[x] if state.forces[f].region != home[f]
                  and not notified(state, x, "deploy", state.forces[f].region)] for x in (a, b)}
    if bool(silent[a]) != bool(silent[b]):
        found[a if silent[a] else b].append("gave no notice")
    if len(found[a]) == len(found[b]):
        return "", ""
    x = a if len(found[a]) > len(found[b]) else b
    said = found[x]
    who = f"{name(state, x)}'s {force_name(state, closer)}" if said[0] == "came closer" else name(state, x)
    return x, f"{who} {', '.join(said[:-1])} and {said[-1]}" if len(said) > 1 else f"{who} {said[0]}"


def _incident(r: Resolution, a: str, b: str) -> None:
    st = r.state
    mod = _severity_modifier(st, a, b)
    total = r.dice(f"severity:{a}:{b}", about=f"severity of the incident between {a} and {b}",
                   inputs={"modifier": mod}) + mod
    happen(r, a, b, severity(st, total), _where(st, a, b))


def happen(r: Resolution, a: str, b: str, sev: str, where: str, cause: str = "") -> None:
    """An incident of severity ``sev`` between ``a`` and ``b`` in region ``where`` (empty:
    nowhere in particular), with all its consequences: rolled, or scripted by an inject
    (``cause``: ``inject ID``; the event then says where and why). It is attributed
    (:func:`blame`); a grave one lets its victims call on their allies, and at
    ``crisis.tension`` or more opens a crisis (:mod:`detente.rules.crisis`)."""
    n = r.numbers["incidents"]
    st = r.state
    level = SEVERITIES.index(sev) + 1
    tension_before = st.value("tension", a, b)
    place = f" in {region_name(st, where)}" if where else ""
    blamed, why = blame(st, a, b, where)
    fault = why or "who caused it is unclear"
    text = f"A {sev} incident between {name(st, a)} and {name(st, b)}{place} ({fault})"
    scripted = {"region": where, "cause": cause} if cause else {}
    r.emit("incident", "all", between=[a, b], severity=sev, level=level, text=text, blame=blamed,
           **scripted)
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
    if blamed:
        victim = b if blamed == a else a
        r.change("threat", [victim, blamed], add=n["blame_threat"], cause=text)
        r.change("trust", [victim, blamed], add=-n["blame_trust"], cause=text)
        key = blamed_key(blamed, victim)
        r.emit("mark", "all", key=key, value=int(st.marks.get(key, 0)) + 1)
    if sev != "grave":
        return
    for victim, other in ((a, b), (b, a)):
        if victim != blamed and any(not r.state.allied(m, other) and m != other
                                    for m in r.state.scenario.allies.get(victim, ())):
            r.emit("mark", [victim], key=attacked_key(victim, other), value=window(r.state))
    if tension_before >= r.numbers["crisis"]["tension"]:
        open_crisis(r, a, b, blamed, where)


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


STEPS = (Step("incidents", incidents), Step("drift", drift))
HAZARD = Hazard("incident", conflict_share, conflict_line, guard="agreement", severities=SEVERITIES,
                happen=happen, starts="a crisis that can end in open conflict")
"""What a report needs to weigh the risk of an incident roll (``incident:A:B``)."""
