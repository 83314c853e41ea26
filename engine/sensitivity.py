"""Whether each team's choices matter: a scenario's sensitivity to how each team plays.

``detente simulate SCENARIO --sensitivity`` plays, for each team, runs with that team a dove and
the same runs (the same seeds) with it a hawk, every other team the random bot (an actor no
team plays keeps its scenario bot, and is not tried itself), and compares
them: the change in each outcome's share and in the team's mean objective score, each with a
95% interval. A team whose play moves no outcome by :data:`SHARE_MATTERS` and its own score by
less than :data:`SCORE_MATTERS` is flagged: in this scenario its choices change nothing a
trainer could point to, which is a scenario (or rules) problem, not a team's.

Pure: it sums up results (:class:`~detente.engine.simulate.RunResult`) the caller played.

>>> round(newcombe(30, 100, 20, 100)[0], 3), [round(x, 3) for x in newcombe(30, 100, 20, 100)[1:]]
(0.1, [-0.02, 0.217])
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from attrs import frozen

from detente.engine.simulate import RunResult, wilson

SHARE_MATTERS = 0.10
"""A change of at least this share (10 percentage points) in some outcome means the team's
choices matter."""
SCORE_MATTERS = 1.0
"""So does a change of at least this much in the team's mean objective score."""
Z95 = 1.959964
DOVE, HAWK = "dove", "hawk"
"""The two ways each team is played, against random bots."""


def newcombe(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    """The difference of two shares, ``k1/n1 - k2/n2``, with its 95% interval (Newcombe's
    hybrid score interval, built from each share's Wilson interval): (difference, low, high)."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    d = p1 - p2
    return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def mean_difference(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float]:
    """``mean(a) - mean(b)`` with a 95% interval (normal, unequal variances): (difference, low,
    high)."""
    def moments(xs: Sequence[float]) -> tuple[float, float]:
        m = sum(xs) / len(xs)
        var = sum((x - m) ** 2 for x in xs) / (len(xs) - 1) if len(xs) > 1 else 0.0
        return m, var

    (ma, va), (mb, vb) = moments(a), moments(b)
    half = Z95 * math.sqrt(va / len(a) + vb / len(b))
    return ma - mb, ma - mb - half, ma - mb + half


@frozen
class Change:
    """How one figure moved when the team played hawk instead of dove."""

    what: str
    """An outcome, or ``score`` for the team's mean objective score."""
    dove: float
    """Its value with the team a dove (a share 0–1, or a mean score)."""
    hawk: float
    """With the team a hawk."""
    change: float
    """``hawk - dove``."""
    low: float
    high: float
    """The 95% interval of the change."""


@frozen
class TeamSensitivity:
    """What one team's choices change."""

    team: str
    runs: int
    """Runs of each of the two plays."""
    outcomes: tuple[Change, ...]
    """Each outcome's share, the ruleset's main outcomes first."""
    score: Change
    """The team's own mean objective score."""

    @property
    def matters(self) -> bool:
        """Whether its play moves some outcome by :data:`SHARE_MATTERS` or its score by
        :data:`SCORE_MATTERS`."""
        return (any(abs(c.change) >= SHARE_MATTERS for c in self.outcomes)
                or abs(self.score.change) >= SCORE_MATTERS)


def team_sensitivity(
    team: str, doves: Sequence[RunResult], hawks: Sequence[RunResult], outcomes: Sequence[str] = ()
) -> TeamSensitivity:
    """Compare the runs with ``team`` a dove (``doves``) and a hawk (``hawks``); ``outcomes``
    (the ruleset's main ones) come first, then any other either play reached."""
    if not doves or not hawks:
        raise ValueError("no runs to compare")
    n1, n2 = len(hawks), len(doves)
    k_hawk, k_dove = Counter(r.outcome for r in hawks), Counter(r.outcome for r in doves)
    names = [*outcomes, *sorted((set(k_hawk) | set(k_dove)) - set(outcomes))]
    changes = []
    for o in names:
        d, lo, hi = newcombe(k_hawk[o], n1, k_dove[o], n2)
        changes.append(Change(o, k_dove[o] / n2, k_hawk[o] / n1, d, lo, hi))
    a = [float(r.scores.get(team, 0)) for r in hawks]
    b = [float(r.scores.get(team, 0)) for r in doves]
    d, lo, hi = mean_difference(a, b)
    score = Change("score", sum(b) / len(b), sum(a) / len(a), d, lo, hi)
    return TeamSensitivity(team, min(n1, n2), tuple(changes), score)


def plays(teams: Sequence[str], team: str, policy: str) -> Mapping[str, str]:
    """The bots of one play: ``team`` with ``policy``, every other team random."""
    return {t: policy if t == team else "random" for t in teams}


__all__ = [
    "DOVE",
    "HAWK",
    "SCORE_MATTERS",
    "SHARE_MATTERS",
    "Change",
    "TeamSensitivity",
    "mean_difference",
    "newcombe",
    "plays",
    "team_sensitivity",
]
