"""Seeded rolls: every random draw is a pure function of (seed, turn, roll id).

A logged session's "seed" here is its seed joined with the session secret
(``"7/5f3a…"``, see :func:`detente.engine.session.Session.dice_key`), so that a
team that learns the seed still cannot recompute the facilitator's dice.

A roll does not depend on how many rolls came before it, so the order in which
moves are resolved never changes a result, and a replay or a branch draws exactly
the same numbers. ``blake2b`` of the key costs about a microsecond; seeding a
``random.Random`` per roll costs five.
"""

from __future__ import annotations

from hashlib import blake2b

_SCALE = float(1 << 64)


def uniform(seed: int | str, turn: int, roll_id: str) -> float:
    """A number in [0, 1) drawn for ``roll_id`` on ``turn`` of a session seeded ``seed``.

    >>> uniform(7, 1, "incident:blue:red") == uniform(7, 1, "incident:blue:red")
    True
    >>> 0.0 <= uniform(7, 1, "x") < 1.0
    True
    """
    digest = blake2b(f"{seed}:{turn}:{roll_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / _SCALE


def die(seed: int | str, turn: int, roll_id: str, sides: int = 6) -> int:
    """One die, 1..sides, drawn for ``roll_id``."""
    return 1 + int(uniform(seed, turn, roll_id) * sides)


def derive_seed(seed: int, index: int) -> int:
    """The seed of the ``index``-th run derived from ``seed`` (for batches of simulations)."""
    digest = blake2b(f"{seed}/run/{index}".encode(), digest_size=6).digest()
    return int.from_bytes(digest, "big")
