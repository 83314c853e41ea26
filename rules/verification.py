"""Verification: whether a breached pledge is seen, and what an actor declares against what it has.

Grounding (docs/rules.md, "Grounding: verification"): arms control and confidence-building
measures work by comparing what a state declares with what others can observe, and the chance of
catching a gap rises with access and information — the Vienna Document's annual information
exchange, inspections and evaluation visits (2011, chapters I and IX), Open Skies flights (1992),
the on-site inspections of the INF Treaty (1987: "trust but verify"). Verification is never
perfect: a breach may go unseen, and a false declaration may stand until observers or inspectors
find the gap; being caught costs trust for years.

Two rules live here, for the pledges (``rules/hotline.py``) and the transparency measures
(``rules/transparency.py``) to call:

- :func:`breach_seen` rolls whether the holder of a pledge detects a breach it would not see as a
  matter of course, with a chance that rises with its information on the maker and the
  transparency measures in force between them (:func:`in_force`);
- :func:`declare` records what a data exchange declares against what is there, and :func:`verify`
  has observers or an inspection compare the latest declaration with what they find.

What it keeps across turns are marks (facilitator-only), ``verify:<what>:<host>:<guest>``: the
turn observers from ``guest`` were hosted by ``host``, the turn ``guest`` inspected ``host``, and
``host``'s latest declaration to ``guest``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from detente.engine.state import Pledge, Reading
from detente.rules.common import force_name, name, region_name

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution

FULL, UNDERSTATED = "full", "understated"
#: What a data exchange may declare of the declarer's forces: where each one is (``full``), or
#: every one at home (``understated``, false when any is away). Empty in an order means ``full``.
DECLARATIONS = (FULL, UNDERSTATED)

OBSERVERS, INSPECTION = "observers", "inspection"
#: The means of verification, and the word for each in a sentence.
MEANS = {OBSERVERS: "observers", INSPECTION: "inspection"}


def _key(what: str, host: str, guest: str) -> str:
    return f"verify:{what}:{host}:{guest}"


def _recent(state: Reading, key: str) -> bool:
    """Whether the mark ``key`` was set this turn or within ``verification.recent_turns`` before."""
    v = state.marks.get(key)
    turn = v.get("turn") if isinstance(v, Mapping) else v
    return isinstance(turn, int) and state.turn - turn <= state.numbers["verification"]["recent_turns"]


def _ordered(state: Reading, team: str, move: str, target: str) -> bool:
    return any(o.move == move and o.target == target for o in state.orders.get(team, ()))


def in_force(state: Reading, host: str, guest: str) -> dict[str, bool]:
    """The transparency measures that let ``guest`` see into what ``host`` does, this turn or
    recently: observers from ``guest`` hosted by ``host`` (ordered this turn, or hosted recently),
    data ``host`` declared to ``guest`` (ordered this turn, or declared recently), an inspection of
    ``host`` by ``guest`` accepted recently (this turn's came in the communications phase)."""
    return {
        "observers": _ordered(state, host, "invite_observers", guest)
        or _recent(state, _key(OBSERVERS, host, guest)),
        "exchange": _ordered(state, host, "data_exchange", guest)
        or _recent(state, _key("declared", host, guest)),
        "inspection": _recent(state, _key(INSPECTION, host, guest)),
    }


def detection_chance(state: Reading, maker: str, holder: str) -> tuple[float, dict[str, Any]]:
    """The chance that ``holder`` detects a hidden breach of a pledge ``maker`` made it, and what
    went into it::

        p = detect_base + detect_information × information(holder on maker)
            + detect_observers + detect_exchange + detect_inspection   (each if in force)

    capped at ``detect_cap``."""
    n = state.numbers["verification"]
    info = state.values["information"][(holder, maker)]
    measures = in_force(state, maker, holder)
    p = n["detect_base"] + n["detect_information"] * info
    p += sum(n[f"detect_{m}"] for m, on in measures.items() if on)
    return min(n["detect_cap"], max(0.0, p)), {"information": info, **measures}


def breach_seen(r: Resolution, p: Pledge) -> bool:
    """Roll whether the holder of ``p`` detects this turn's hidden breach of it. The roll is the
    holder's sight of what the maker did this turn (``breach:<maker>:<holder>``), so two pledges
    the same deployment breaches are both seen or both missed."""
    chance, inputs = detection_chance(r.state, p.by, p.to)
    return r.roll(f"breach:{p.by}:{p.to}", chance, about=f"{p.to} detects {p.by}'s breach of a pledge",
                  inputs=inputs)


# -- declared against actual ---------------------------------------------------------------------


def holdings(state: Reading, team: str) -> dict[str, str]:
    """Where each of ``team``'s forces is now: force id → region id."""
    return {f: state.forces[f].region for f in state.scenario.forces_of.get(team, ())}


def _where(state: Reading, forces: Mapping[str, str]) -> str:
    if not forces:
        return "no forces"
    home = state.scenario.force_home
    away = [f"{force_name(state, f)} in {region_name(state, rg)}"
            for f, rg in forces.items() if rg != home[f]]
    if not away:
        return "all its forces at home"
    return ", ".join(away) + (", the rest at home" if len(away) < len(forces) else "")


def declare(r: Resolution, team: str, target: str, declaration: str) -> None:
    """``team`` declares its forces to ``target`` in a data exchange: ``full`` (where each one
    is) or ``understated`` (every one at home). The ``declaration`` event keeps what was declared
    against what is there (the facilitator's, and the parties' in the debrief); a mark keeps the
    declaration for observers and inspections to verify. A later declaration replaces it."""
    st = r.state
    actual = holdings(st, team)
    home = st.scenario.force_home
    declared = {f: home[f] for f in actual} if declaration == UNDERSTATED else dict(actual)
    hidden = {f: actual[f] for f in actual if declared[f] != actual[f]}
    who, to = name(st, team), name(st, target)
    if hidden:
        truth = ", ".join(f"{force_name(st, f)} was in {region_name(st, rg)}" for f, rg in hidden.items())
        text = f"{who} declared to {to} {_where(st, declared)}; in fact {truth}"
    else:
        text = f"{who} declared to {to} truthfully: {_where(st, declared)}"
    r.emit("declaration", sorted({team, target}), by=team, to=target, declaration=declaration,
           declared=declared, actual=actual, hidden=sorted(hidden), truthful=not hidden,
           happened=r.turn, text=text)
    r.emit("mark", "fac", key=_key("declared", team, target), value={"turn": r.turn, "hidden": hidden})


def hosted(r: Resolution, host: str, guest: str, how: str) -> None:
    """Remember that ``guest``'s observers were on ``host``'s ground, or that ``guest`` inspected
    ``host``, this turn (:func:`in_force`)."""
    r.emit("mark", "fac", key=_key(how, host, guest), value=r.turn)


def verify(r: Resolution, host: str, verifier: str, how: str) -> None:
    """``verifier``'s observers or inspectors (``how``) on ``host``'s ground hold ``host``'s latest
    declaration to ``verifier`` against what they find. Nothing declared: nothing to compare. A
    true declaration is confirmed (the verifier's trust rises by ``confirmed_trust``); a false one
    is exposed on a roll (``expose:<means>:<host>:<verifier>``)::

        p = expose_base + expose_information × information(verifier on host)
            + expose_inspection or expose_observers                 capped at expose_cap

    and when the roll fails it reads to both parties as a confirmation: only the facilitator
    knows it was missed."""
    st = r.state
    d = st.marks.get(_key("declared", host, verifier))
    if not isinstance(d, Mapping):
        return
    n = st.numbers["verification"]
    on = int(d["turn"])
    hidden: Mapping[str, str] = d.get("hidden") or {}
    if hidden:
        info = st.values["information"][(verifier, host)]
        p = min(n["expose_cap"], n["expose_base"] + n["expose_information"] * info + n[f"expose_{how}"])
        if r.roll(f"expose:{how}:{host}:{verifier}", p,
                  about=f"{verifier}'s {MEANS[how]} expose {host}'s false declaration of turn {on}",
                  inputs={"information": info, "means": how, "hidden": sorted(hidden)}):
            _exposed(r, host, verifier, how, on, hidden)
            return
    # Word for word what a missed false declaration reads: the parties cannot tell them apart.
    text = (f"{name(st, verifier)}'s {MEANS[how]} confirmed the data {name(st, host)} declared on "
            f"{st.scenario.turns.name(on)}")
    r.emit("verification", sorted({host, verifier}), by=host, to=verifier, how=how, result="confirmed",
           declared_on=on, hidden=[], text=text, missed=bool(hidden))
    r.change("trust", [verifier, host], add=n["confirmed_trust"], cause=text)


def _exposed(r: Resolution, host: str, verifier: str, how: str, on: int, hidden: Mapping[str, str]) -> None:
    """The one place a false declaration is exposed: what it costs the declarer."""
    n = r.numbers["verification"]
    st = r.state
    found = ", ".join(f"{force_name(st, f)} in {region_name(st, rg)}" for f, rg in hidden.items())
    text = (f"{name(st, verifier)}'s {MEANS[how]} exposed a false declaration by {name(st, host)} "
            f"({st.scenario.turns.name(on)}): {found}, declared at home")
    r.emit("verification", sorted({host, verifier}), by=host, to=verifier, how=how, result="exposed",
           declared_on=on, hidden=sorted(hidden), text=text, missed=False)
    r.change("trust", [verifier, host], add=-n["exposed_trust"], cause=text)
    r.change("threat", [verifier, host], add=n["exposed_threat"], cause=text)
    # The gap is known: the declaration no longer stands to be exposed again.
    r.emit("mark", "fac", key=_key("declared", host, verifier), value=None)
