"""What the defense-diplomacy ruleset lets conditions ask beyond its tracked values: a pair's
rung on the escalation ladder, how close the two sides' forces are now, whether a crisis
between them is open, and how many incidents one was blamed for."""

from __future__ import annotations

from detente.engine.expr import Signature
from detente.engine.ruleset import Figure, Function
from detente.engine.state import Reading, pair, rung
from detente.rules.common import proximity
from detente.rules.crisis import in_crisis
from detente.rules.incidents import blamed_count

_PAIR = ("actor", "actor")


def _rung(state: Reading, a: str, b: str) -> int:
    return rung(state.values["tension"][pair(a, b)])


def _proximity(state: Reading, a: str, b: str) -> int:
    return proximity(state, a, b)


def _proximity_span(state: Reading, ids: tuple[str, ...]) -> tuple[float, float]:
    """From the starting proximity to that plus every force of either side that can reach a
    region bordering the other (at most 5)."""
    a, b = ids
    base = state.values["proximity"][pair(a, b)]
    scenario = state.scenario
    reach = sum(len(scenario.forces_of.get(x, ())) for x, y in ((a, b), (b, a))
                if any(y in r.near for r in scenario.regions))
    return (min(5, base), min(5, base + reach))


FUNCTIONS = {
    f.signature.name: f
    for f in (
        Function(Signature("rung", _PAIR, "number",
                           "The pair's rung on the escalation ladder, 0–10 "
                           "(tension divided by 10, rounded down)."),
                 _rung, symmetric=True, steps_of="tension", step=10),
        Function(Signature("proximity", _PAIR, "number",
                           "How close the two actors' forces are, 0 (far apart) to 5 (in contact)."),
                 _proximity, symmetric=True, span=_proximity_span),
        Function(Signature("crisis", _PAIR, "bool",
                           "True while a crisis between the two actors is open: from a grave "
                           "incident at high tension until the turn that decides it."),
                 in_crisis, symmetric=True),
        Function(Signature("blamed", _PAIR, "number",
                           "How many incidents with the second actor the first was blamed for so far "
                           "(0 or more): its forces came closer, were more ready or gave no notice."),
                 blamed_count),
    )
}


FIGURES = {
    "proximity": Figure("proximity", proximity,
                        "How close the two sides' forces are, 0–5, counting only the forces the role "
                        "knows of."),
}
"""What a view shows for each pair, as its role sees it."""
