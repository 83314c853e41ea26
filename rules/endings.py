"""How the defense-diplomacy rules end a session, checked in this order when results are
published (docs/rules.md, "How the exercise ends"): a crisis that was not contained, a pair at
the conflict rung, an alliance whose cohesion fell below its floor, or every pair calm for some
turns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.engine.ruleset import Ending
from detente.engine.state import rung
from detente.rules.common import name, proximity
from detente.rules.crisis import CONFLICT

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution


def _failed_crisis(r: Resolution) -> str | None:
    conflict = r.state.marks.get(CONFLICT)
    return str(conflict) if conflict else None


def _conflict_rung(r: Resolution) -> str | None:
    st = r.state
    top = st.numbers.get("end", {}).get("conflict_rung", 9)
    ladder = r.ruleset.ladder
    for (a, b), t in st.values["tension"].items():
        if rung(t) >= top:
            words = ladder[rung(t)] if ladder else ""
            return f"{name(st, a)} and {name(st, b)} reached rung {rung(t)} ({words})"
    return None


def _fracture(r: Resolution) -> str | None:
    st = r.state
    floor = st.numbers.get("end", {}).get("fracture_floor", 30)
    cohesion = st.values["cohesion"]
    for al in st.scenario.alliances:
        if cohesion[al.id] < floor:
            return f"{al.name} fractured: cohesion fell to {cohesion[al.id]} (floor {floor})"
    return None


def _calm(r: Resolution) -> str | None:
    st = r.state
    end = st.numbers.get("end", {})
    calm = all(
        rung(t) <= end.get("deescalation_rung", 2)
        and proximity(st, a, b) <= end.get("deescalation_proximity", 1)
        for (a, b), t in st.values["tension"].items()
    )
    calm_turns = (int(st.marks.get("calm_turns", 0)) + 1) if calm else 0
    if calm_turns != st.marks.get("calm_turns", 0):
        r.emit("mark", "fac", key="calm_turns", value=calm_turns)
    if calm_turns >= end.get("deescalation_turns", 2):
        return f"every pair stayed low and forces apart for {calm_turns} turns"
    return None


ENDINGS = (
    Ending("failed-crisis", "conflict", "a crisis not contained", _failed_crisis, mark=CONFLICT),
    Ending("conflict-rung", "conflict", "tension reached the conflict rung", _conflict_rung),
    Ending("fracture", "fracture", "an alliance fractured", _fracture),
    Ending("calm", "de-escalation", "lasting calm", _calm),
)
