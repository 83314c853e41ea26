"""The bundled ``defense-diplomacy`` ruleset (registered under ``detente.rulesets``).

Adjudication runs in a fixed order (docs/rules.md explains why): pledges → transparency →
cooperation and statements → deployments and readiness → lasting agreements → crises →
incidents → drift → domestic politics. Within a step, teams go in the scenario's actor order,
and each team's orders in the order it gave them.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files

from detente.engine.ruleset import Ruleset
from detente.rules import (
    alliances,
    cooperation,
    crisis,
    deployment,
    hotline,
    incidents,
    politics,
    transparency,
)
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
        for family in (hotline, transparency, deployment, cooperation, alliances)
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
        *crisis.STEPS,
        *incidents.STEPS,
        *politics.STEPS,
    ),
    ladder=tuple(NUMBERS["ladder"]["names"]),
    escalation="tension",
    breakdown="conflict",
    hazard=incidents.HAZARD,
    outcome_points="scoring",
    endings=ENDINGS,
    functions=FUNCTIONS,
    figures=FIGURES,
    alerts=crisis.alerts,
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
        "deploy": ("deployed", "forces_in", "proximity", "trust", "threat", "credibility"),
        "withdraw": ("deployed", "forces_in", "proximity", "threat", "pressure", "credibility"),
        "raise_readiness": ("readiness", "threat", "credibility"),
        "stand_down": ("readiness", "pressure", "threat", "credibility"),
        "joint_exercise": ("trust", "cohesion", "threat"),
        "mil_to_mil_exchange": ("answer", "trust"),
        "intelligence_sharing": ("information", "trust"),
        "defense_cooperation_agreement": ("trust", "threat"),
        "alliance_commitment": ("cohesion", "trust", "threat"),
        "multilateral_dialogue": ("tension", "trust", "pledged"),
        "public_statement": ("threat", "cohesion"),
        "consultations": ("cohesion", "threat"),
        "invoke_collective_defence": ("cohesion", "threat", "tension"),
        # Steps; those that only resolve orders change what their moves change.
        "pledges": ("trust", "threat", "pledged", "broken", "credibility"),
        "transparency": (),
        "agreed exercises": ("trust", "cohesion", "threat"),
        "cooperation": (),
        "deployments": (),
        "lasting agreements": ("trust", "cohesion", "information"),
        "crises": ("tension", "crisis"),
        "incidents": ("incidents", "tension", "threat", "pressure", "trust", "crisis", "blamed"),
        "drift": ("tension",),
        "domestic politics": ("pressure", "credibility", "budget"),
    },
)
