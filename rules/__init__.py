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
from detente.rules.endings import ENDINGS
from detente.rules.functions import FIGURES, FUNCTIONS
from detente.rules.values import TRACKS

NUMBERS = tomllib.loads(files(__name__).joinpath("defense_diplomacy.toml").read_text("utf-8"))

ruleset = Ruleset(
    name="defense-diplomacy",
    numbers=NUMBERS,
    tracks=TRACKS,
    moves={
        mt.name: mt
        for family in (hotline, transparency, deployment, cooperation)
        for mt in family.MOVES
    },
    pledges={pt.name: pt for pt in hotline.PLEDGES},
    call_tones=hotline.CALL_TONES,
    default_tone=hotline.DEFAULT_TONE,
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
    escalation="tension",
    breakdown="conflict",
    hazard=incidents.HAZARD,
    outcome_points="scoring",
    endings=ENDINGS,
    functions=FUNCTIONS,
    figures=FIGURES,
    counts={"incident": "incidents"},
    # What each move and step can change, for the scenario linter (``detente validate
    # --strict``); tests/engine/test_lint.py checks it against many random games.
    changes={
        "hotline_call": ("tension", "trust", "threat", "information", "called", "answered",
                         "declined", "pledged"),
        "propose_hotline": ("hotline", "trust"),
        "notify_activity": ("trust",),
        "invite_observers": ("information", "trust", "threat"),
        "data_exchange": ("information", "trust"),
        "request_inspection": ("information", "trust", "threat"),
        "deploy": ("deployed", "forces_in", "proximity", "trust", "threat"),
        "withdraw": ("deployed", "forces_in", "proximity", "threat"),
        "raise_readiness": ("readiness", "pressure", "threat"),
        "stand_down": ("readiness", "pressure", "threat"),
        "joint_exercise": ("trust", "cohesion", "threat"),
        "mil_to_mil_exchange": ("answer", "trust"),
        "intelligence_sharing": ("information", "trust"),
        "defense_cooperation_agreement": ("trust", "threat"),
        "alliance_commitment": ("cohesion", "trust", "threat"),
        "multilateral_dialogue": ("tension", "trust", "pledged"),
        "public_statement": ("threat", "cohesion"),
        # Steps; those that only resolve orders change what their moves change.
        "pledges": ("trust", "threat", "pledged", "broken"),
        "transparency": (),
        "agreed exercises": ("trust", "cohesion", "threat"),
        "cooperation": (),
        "deployments": (),
        "lasting agreements": ("trust", "cohesion", "information"),
        "collective defence": ("cohesion",),
        "incidents": ("incidents", "tension", "threat", "pressure"),
        "drift": ("tension",),
    },
)
