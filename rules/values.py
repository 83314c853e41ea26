"""The values the defense-diplomacy ruleset tracks, declared for the engine (see
:mod:`detente.engine.tracks`): what each belongs to, its range, who sees it and what it means.
docs/rules.md says how the moves change them; docs/log-format.md ("Who sees what") is the
privacy table they make.
"""

from __future__ import annotations

import math

from detente.engine.tracks import EVERYONE, HOLDER, MEMBERS, Track

#: The values this ruleset tracks (the engine adds each team's budget).
TRACKS = (
    Track("tension", "pair", int, (0, 100), EVERYONE,
          "Tension between the two actors, 0–100 (100 is open conflict); the same either way round.",
          headline=True),
    Track("hotline", "pair", bool, None, EVERYONE,
          "True if a hotline channel exists between the two actors.", headline=True),
    Track("agreement", "pair", bool, None, EVERYONE,
          "True if an incidents-at-sea style agreement between the two actors is in force.",
          headline=True),
    Track("proximity", "pair", int, (0, 5), EVERYONE,
          "How close the two sides' forces already were at the start, 0–5.", settable=False),
    Track("incidents", "pair", int, (0, math.inf), EVERYONE,
          "Number of incidents between the two actors so far (0 or more).", default=0, settable=False),
    Track("trust", "directed", int, (0, 100), HOLDER,
          "How far the first actor trusts the second, 0–100 (one-way)."),
    Track("threat", "directed", int, (0, 100), HOLDER,
          "The threat the first actor perceives from the second, 0–100 (one-way)."),
    Track("information", "directed", float, (0.0, 1.0), HOLDER,
          "Quality of the first actor's information on the second, 0 (none) to 1 (complete)."),
    Track("answer", "directed", float, (0.0, 1.0), HOLDER,
          "Probability that the second actor answers a hotline call from the first, 0–1."),
    # One-way and held privately, like trust: credibility is a reputation in the eyes of each
    # beholder, built from what it saw (a broken pledge is known to the two parties alone).
    Track("credibility", "directed", int, (0, 100), HOLDER,
          "How far the first actor believes the second's public warnings and assurances, 0–100 "
          "(one-way; 50 is taking words at face value).", default=50, headline=True),
    Track("readiness", "actor", int, (0, 4), EVERYONE,
          "The actor's force readiness, 0 (routine) to 4 (highest alert).", default=1,
          headline=True),
    Track("pressure", "actor", int, (0, 100), HOLDER,
          "Domestic pressure on the actor's government, 0–100.", default=30),
    Track("cohesion", "alliance", int, (0, 100), MEMBERS,
          "Cohesion of the alliance, 0–100 (100 is fully united).", default=70,
          headline=True),
)


READINESS = next(t for t in TRACKS if t.name == "readiness")
"""Readiness, whose lowest and highest rungs the readiness moves check."""
