"""Incidents and the drift of tension (who causes an incident, crises and collective defence:
test_crisis.py)."""

from __future__ import annotations

import pytest
from rules_support import (
    QUIET,
    N,
    changed,
    of_kind,
    put,
    run,
    start,
)

from detente.engine.events import fold
from detente.engine.state import ForceState, State
from detente.rules.common import proximity
from detente.rules.incidents import conflict_chance, incident_chance

INC = N["incidents"]


def close(state: State) -> State:
    """Red's fleet in the strait, near blue: proximity 1, seen by everyone."""
    everyone = frozenset({"blue", "red", "green"})
    forces = {**state.forces, "red-fleet": ForceState("strait", everyone)}
    return state.replace(forces=forces)


def sure(**more: int | float) -> dict[str, dict[str, int | float]]:
    """Numbers under which every close pair has an incident."""
    return {**QUIET, "incidents": {"base": 1.0, "cap": 1.0, **more}}


def test_incident_chance_follows_the_formula() -> None:
    st = close(start())
    assert proximity(st, "blue", "red") == 1
    ready = st.actors["blue"].readiness + st.actors["red"].readiness
    info = N["defaults"]["information"]
    p = INC["base"] + INC["proximity"] * 1 + INC["readiness"] * ready + INC["information"] * (1 - info)
    assert incident_chance(st, "blue", "red") == pytest.approx(min(INC["cap"], p))
    agreed = put(st, "agreement", ("blue", "red"), True)
    assert incident_chance(agreed, "blue", "red") == pytest.approx(p - INC["agreement"])
    calm = fold(st, {"kind": "flag", "flag": "calm:blue:red", "vis": "fac"})
    assert incident_chance(calm, "blue", "red") == pytest.approx(p * INC["calm_factor"])


def test_no_incidents_far_apart_or_between_allies() -> None:
    st = start()
    assert incident_chance(st, "blue", "red") == 0.0
    forces = {**st.forces, "green-fleet": ForceState("bay", frozenset({"blue", "red", "green"}))}
    st = st.replace(forces=forces)
    assert proximity(st, "blue", "green") == 1
    assert incident_chance(st, "blue", "green") == 0.0


def facing(state: State) -> State:
    """Both fleets in the strait, neither notified, readiness alike: an incident nobody is
    clearly to blame for."""
    everyone = frozenset({"blue", "red", "green"})
    forces = {**state.forces, "red-fleet": ForceState("strait", everyone),
              "blue-fleet": ForceState("strait", everyone)}
    return state.replace(forces=forces)


def test_an_incident_raises_tension_threat_and_pressure_by_its_severity() -> None:
    st = facing(start(sure()))
    events, after = run(st, seed=5)
    (inc,) = of_kind(events, "incident")
    assert inc["vis"] == "all" and inc["between"] == ["blue", "red"] and inc["blame"] == ""
    sev = inc["severity"]
    assert inc["level"] == ("minor", "serious", "grave").index(sev) + 1
    assert changed(events, "tension", ("blue", "red"), "incident") == INC[f"{sev}_tension"]
    for a, b in (("blue", "red"), ("red", "blue")):
        assert changed(events, "threat", (a, b)) == INC[f"{sev}_threat"]
        assert changed(events, "pressure", (a,)) == INC[f"{sev}_pressure"]
    assert after.pairs[("blue", "red")].incidents == 1
    rolls = {e["id"] for e in of_kind(events, "roll")}
    assert rolls == {"incident:blue:red", "severity:blue:red"}


@pytest.mark.parametrize(("total", "severity"), [(2, "minor"), (8, "serious"), (12, "grave")])
def test_severity_table(total: int, severity: str) -> None:
    from detente.rules.incidents import severity as table
    assert table(start(), total) == severity
    assert table(start(), INC["serious_min"] - 1) == "minor"
    assert table(start(), INC["grave_min"]) == "grave"


def grave_at(tension: int) -> State:
    st = close(start(sure(serious_min=2, grave_min=2)))
    return put(st, "tension", ("blue", "red"), tension)


def test_conflict_chance_only_at_high_tension() -> None:
    line = N["crisis"]["tension"]
    assert conflict_chance(grave_at(line - 1), "blue", "red") == 0
    assert conflict_chance(grave_at(line), "blue", "red") == pytest.approx(1.0)


def test_tension_drifts_toward_perceived_threat() -> None:
    st = start({**QUIET, "drift": {"rate": N["drift"]["rate"]}})
    st = put(put(st, "threat", ("blue", "red"), 60), "threat", ("red", "blue"), 40)
    events, _ = run(st)
    tension = N["defaults"]["tension"]
    expected = round(N["drift"]["rate"] * (50 - tension))
    assert expected > 0
    assert changed(events, "tension", ("blue", "red")) == expected
    # And down again when the threat felt is low.
    st = put(put(st, "threat", ("blue", "red"), 0), "threat", ("red", "blue"), 0)
    events, _ = run(st)
    assert changed(events, "tension", ("blue", "red")) == round(-N["drift"]["rate"] * tension)
