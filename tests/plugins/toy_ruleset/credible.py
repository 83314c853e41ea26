"""The bundled ruleset with one value added, as its authors would add it in rules/: each state's
credibility (0–100, its own to see), which a public statement's warning spends and a kept pledge
earns. Nothing in the engine changes for it; the tests check it is stored, shown only to its
holder, readable in conditions, settable by an inject and reported.
"""

from __future__ import annotations

from attrs import evolve

from detente.engine.adjudicate import Resolution
from detente.engine.ruleset import Step
from detente.engine.tracks import HOLDER, Track
from detente.rules import ruleset as bundled

CREDIBILITY = Track("credibility", "actor", int, (0, 100), HOLDER,
                    "How far the state's word is believed, 0–100.", default=50, headline=True)


def _credibility(r: Resolution) -> None:
    """A warning spends credibility; a pledge kept this turn earns it."""
    for team in r.state.scenario.actor_ids:
        for order in r.state.orders.get(team, ()):
            if order.move == "public_statement" and order.choice == "warn":
                r.change("credibility", [team], add=-5, cause="a warning it may not back")
    for p in r.state.pledges.values():
        if p.status == "kept" and p.until == r.turn:
            r.change("credibility", [p.by], add=5, cause="a pledge kept")


ruleset = evolve(
    bundled,
    name="defense-diplomacy-credibility",
    tracks={**bundled.tracks, "credibility": CREDIBILITY},
    steps=(*bundled.steps, Step("credibility", _credibility)),
    changes=None,
)
