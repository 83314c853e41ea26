"""The bundled ``defense-diplomacy`` ruleset (registered under ``detente.rulesets``).

Adjudication runs in a fixed order (docs/rules.md explains why): pledges → transparency →
cooperation and statements → deployments and readiness → lasting agreements → collective
defence → incidents → drift. Within a step, teams go in the scenario's actor order, and each
team's orders in the order it gave them.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files

from detente.engine.ruleset import Ruleset
from detente.rules import cooperation, deployment, hotline, incidents, transparency

NUMBERS = tomllib.loads(files(__name__).joinpath("defense_diplomacy.toml").read_text("utf-8"))

ruleset = Ruleset(
    name="defense-diplomacy",
    numbers=NUMBERS,
    moves={
        mt.name: mt
        for family in (hotline, transparency, deployment, cooperation)
        for mt in family.MOVES
    },
    pledges={pt.name: pt for pt in hotline.PLEDGES},
    steps=(
        *hotline.STEPS,
        *transparency.STEPS,
        *cooperation.STEPS,
        *deployment.STEPS,
        *cooperation.AGREEMENTS,
        *incidents.COLLECTIVE,
        *incidents.STEPS,
    ),
    ladder=tuple(NUMBERS["ladder"]["names"]),
)
