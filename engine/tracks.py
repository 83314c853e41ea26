"""Tracked values: what a ruleset declares it keeps about actors, pairs and alliances.

The engine stores and shows values it knows only by their declaration: a :class:`Track`
says what a value belongs to (its scope), what it may be (type and range), who may see it
and what it means. The bundled ruleset declares tension, trust and the rest in
``rules/__init__.py``; the engine itself declares only :data:`BUDGET`, because every move of
every ruleset costs actions out of a budget.

A state keeps each value in one table, keyed by :meth:`Track.key`: an actor or alliance id,
the sorted pair of two actors (symmetric values), or ``(holder, other)`` (directed values).

>>> tension = Track("tension", "pair", int, (0, 100))
>>> tension.key(["red", "blue"]), tension.clamp(104.6)
(('blue', 'red'), 100)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import frozen

SCOPES: dict[str, tuple[str, int]] = {
    "pair": ("actor", 2),
    "directed": ("actor", 2),
    "actor": ("actor", 1),
    "alliance": ("alliance", 1),
    "global": ("", 0),
}
"""Each scope: the kind of id its ``of`` names, and how many. A ``pair`` value is symmetric
(``of = [a, b]`` in either order); a ``directed`` value is held by the first actor about the
second; ``actor`` and ``alliance`` values take one id; a ``global`` value is one for the whole
exercise and takes none (a scenario's own value: "crew detained")."""

GLOBAL_KEY = ""
"""Where a ``global`` value is kept in its table (it belongs to no id)."""

EVERYONE = "everyone"
"""Every team and the public."""
HOLDER = "holder"
"""The first id of ``of``: the actor holding a directed value, or the actor an actor value
belongs to."""
MEMBERS = "members"
"""The members of the alliance a value belongs to."""
FACILITATOR_ONLY = "facilitator"
"""Nobody but the facilitator (who sees everything)."""
PARTIES = "parties"
"""Both actors of a pair value (a scenario's pair value written ``audience = "holder"``)."""

#: Who sees a value whose declaration does not say, by its scope.
AUDIENCE_BY_SCOPE: dict[str, str] = {
    "pair": EVERYONE, "directed": HOLDER, "actor": HOLDER, "alliance": MEMBERS, "global": EVERYONE,
}

Audience = str | tuple[str, ...]
"""Who may see a value: one of the words above, or the ids of the only teams that may (besides
the facilitator), as a scenario's own value may say (``audience = ["usa", "ussr"]``)."""

Key = str | tuple[str, str]


@frozen
class Track:
    """One value a ruleset tracks, declared as data."""

    name: str
    """What conditions, effects, overrides and logs call it (``"tension"``)."""
    scope: str
    """What it belongs to: one of :data:`SCOPES`."""
    type: type = int
    """``int``, ``float`` (kept to 3 decimals) or ``bool``."""
    range: tuple[float, float] | None = None
    """Inclusive bounds of a number; every change is kept within them."""
    audience: Audience = ""
    """Who may see it: :data:`EVERYONE`, :data:`HOLDER`, :data:`MEMBERS`, :data:`PARTIES`,
    :data:`FACILITATOR_ONLY` or a tuple of team ids; empty for its scope's default
    (:data:`AUDIENCE_BY_SCOPE`)."""
    doc: str = ""
    """What it means, with its unit, for facilitators (conditions and effects name it)."""
    default: Any = None
    """Its starting value when neither the scenario nor the ruleset's ``[defaults]`` gives one."""
    settable: bool = True
    """Whether an inject's effect or a facilitator's override may change it (a count of
    incidents, say, changes only by what happens)."""
    title: str = ""
    """What people read for it (``"Tension"``); its name in words if empty (:attr:`label`)."""
    headline: bool = False
    """Whether each change of it is an entry in a report's timeline (a change of a value that
    moves often, trust say, is in the report's series instead)."""
    scenario: bool = False
    """Whether the scenario declares it (its ``[[tracks]]``) rather than the ruleset or the
    engine: screens and reports list such values together, as the scenario's own."""

    @property
    def label(self) -> str:
        """What people read for it: its title, or its name in words."""
        if self.title:
            return self.title
        words = self.name.replace("_", " ").replace("-", " ").strip()
        return words[:1].upper() + words[1:]

    def key(self, of: Sequence[str]) -> Key:
        """Where the value of ``of`` is kept in its table."""
        if self.scope == "pair":
            a, b = of[0], of[1]
            return (a, b) if a < b else (b, a)
        if self.scope == "directed":
            return (of[0], of[1])
        if self.scope == "global":
            return GLOBAL_KEY
        return of[0]

    @property
    def seen_by(self) -> Audience:
        """Who may see it (its :attr:`audience`, or its scope's default)."""
        return self.audience or AUDIENCE_BY_SCOPE[self.scope]

    def clamp(self, x: Any) -> Any:
        """``x`` kept within the range; integers stay integers, fractions keep 3 decimals;
        a boolean is returned as it is."""
        if self.type is bool:
            return bool(x)
        rng = self.range
        if self.type is float:
            x = float(x)
            if rng is not None:
                lo, hi = rng
                x = lo if x <= lo else hi if x >= hi else x
            return round(x, 3)
        x = round(x)
        if rng is None:
            return x
        lo, hi = rng
        return int(lo) if x <= lo else int(hi) if x >= hi else x


BUDGET = Track(
    "budget", "actor", int, (0, 20), HOLDER,
    "Actions per turn, 0–20; every move costs at least one.", default=3,
)
"""The one value the engine itself tracks: what a team may spend on moves each turn."""
