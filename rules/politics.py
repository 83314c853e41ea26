"""Domestic politics and credibility: what a public warning commits a government to, what its
people make it pay for backing down, and how far others believe its words.

Grounding (docs/rules.md, "Grounding: domestic politics and credibility"): audience costs
(Fearon 1994) — a government that threatens in public and then backs down pays at home, which
is what makes its threats informative; two-level games (Putnam 1988) — the more pressure at
home, the narrower what a government can concede abroad; credibility (Schelling, *Arms and
Influence*, 1966) — a warning followed by action makes the next one count, a bluff or a broken
pledge makes later words cheap.

A public warning is kept as a mark, ``warning:<warner>:<target>``, whose value is the turn it
was given and whether it was made good; the moves and steps that follow read and settle it,
so the whole story replays from the log.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from detente.engine.ruleset import Step
from detente.engine.state import Reading
from detente.engine.tracks import BUDGET
from detente.rules.common import name, others, whole

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution

WARNING = "warning:"
"""The prefix of a pending warning's mark: ``warning:<warner>:<target>``."""
NARROWED = "narrowed:"
"""The prefix of the mark of a government whose budget high pressure has cut:
``narrowed:<actor>``, whose value is the actions cut."""


def warning_key(warner: str, target: str) -> str:
    """The mark of ``warner``'s pending public warning to ``target``."""
    return f"{WARNING}{warner}:{target}"


def pending(state: Reading, warner: str, target: str) -> dict[str, Any] | None:
    """``warner``'s warning to ``target`` still inside its window (``turn``: when it was given,
    ``made_good``: whether action has followed), or None."""
    v = state.marks.get(warning_key(warner, target))
    return v if isinstance(v, dict) else None


def weight(state: Reading, holder: str, speaker: str) -> float:
    """How much ``speaker``'s public words count for ``holder``: ``holder``'s credibility of
    ``speaker`` ÷ ``politics.credibility_par`` (1 at face value, 0 when nothing it says is
    believed, 2 at full credibility with the default numbers).

    A statement's threat, reassurance or show of support is its base size × this weight."""
    return state.value("credibility", holder, speaker) / state.numbers["politics"]["credibility_par"]


def _credibility(r: Resolution, holder: str, of: str, add: int, cause: str) -> None:
    r.change("credibility", [holder, of], add=add, cause=cause)


# -- hooks the moves call ----------------------------------------------------------------------

def warned(r: Resolution, warner: str, target: str) -> None:
    """``warner`` warned ``target`` in public: the warning is pending for the turn it is given
    and ``politics.warning_turns`` more. Repeating a warning not yet made good buys no time."""
    was = pending(r.state, warner, target)
    if was is not None and not was["made_good"]:
        return
    r.emit("mark", sorted({warner, target}), key=warning_key(warner, target),
           value={"turn": r.turn, "made_good": False})


def acted(r: Resolution, actor: str, against: Iterable[str], seen: Collection[str], what: str) -> None:
    """``actor`` took action ``what`` (in words) against each of ``against``, seen by ``seen``:
    a warning to one of them that is pending and that the target saw acted on is made good.
    The target's credibility of the warner rises by ``politics.made_good_credibility``; every
    other actor that saw it, by ``politics.made_good_seen``."""
    n = r.numbers["politics"]
    for target in against:
        w = pending(r.state, actor, target)
        if w is None or w["made_good"] or target not in seen:
            continue
        r.emit("mark", sorted({actor, target}), key=warning_key(actor, target),
               value={**w, "made_good": True})
        cause = f"{name(r.state, actor)} made good its warning to {name(r.state, target)}: {what}"
        _credibility(r, target, actor, n["made_good_credibility"], cause)
        for o in others(r.state, actor):
            if o != target and o in seen:
                _credibility(r, o, actor, n["made_good_seen"], cause)


def backed_down(r: Resolution, actor: str, toward: Iterable[str], seen: Collection[str], what: str) -> None:
    """``actor`` backed down (``what``, in words) toward each of ``toward`` whom it warned in
    public within the window: the warning is over, the government pays
    ``politics.audience_cost`` in domestic pressure (Fearon), and a warning never made good is
    a bluff called (:func:`_bluff`) in the eyes of ``seen``."""
    n = r.numbers["politics"]
    for target in toward:
        w = pending(r.state, actor, target)
        if w is None:
            continue
        r.emit("mark", sorted({actor, target}), key=warning_key(actor, target), value=None)
        cause = (f"{name(r.state, actor)} backed down after warning {name(r.state, target)} "
                 f"in public: {what}")
        r.change("pressure", [actor], add=n["audience_cost"], cause=cause)
        if not w["made_good"]:
            _bluff(r, actor, target, seen, cause)


def pledge_broken(r: Resolution, pledger: str, pledgee: str) -> None:
    """``pledger`` broke a pledge to ``pledgee``: the pledgee's credibility of it falls by
    ``politics.broken_pledge_credibility`` (only the two parties know of the pledge)."""
    n = r.numbers["politics"]
    _credibility(r, pledgee, pledger, -n["broken_pledge_credibility"],
                 f"{name(r.state, pledger)} broke its word to {name(r.state, pledgee)}")


def _bluff(r: Resolution, warner: str, target: str, seen: Collection[str], cause: str) -> None:
    """A warning shown to be a bluff: the target's credibility of the warner falls by
    ``politics.bluff_credibility``, that of every other actor in ``seen`` by ``politics.bluff_seen``."""
    n = r.numbers["politics"]
    _credibility(r, target, warner, -n["bluff_credibility"], cause)
    for o in others(r.state, warner):
        if o != target and o in seen:
            _credibility(r, o, warner, -n["bluff_seen"], cause)


# -- the step ----------------------------------------------------------------------------------

def barred(state: Reading, team: str) -> str | None:
    """Why ``team``'s government cannot back down now (stand down, withdraw), or None: its
    domestic pressure is at ``politics.pressure_high`` or more (Putnam: pressure at home
    shrinks what a government can concede abroad)."""
    n = state.numbers["politics"]
    level = state.value("pressure", team)
    if level < n["pressure_high"]:
        return None
    return (f"domestic pressure is {level} ({n['pressure_high']} or more): your government cannot "
            "be seen to back down")


def _resting(state: Reading, actor: str) -> int:
    """The actor's pressure at the start of the exercise: where easing stops."""
    given = state.scenario.actor(actor).values.get("pressure")
    if given is None:
        given = state.numbers["defaults"].get("pressure", state.tracks["pressure"].default)
    return int(given)


def domestic_politics(r: Resolution) -> None:
    """Adjudication step: pledges of restraint after a warning cost at home; warnings whose
    window closed without action are bluffs; pressure eases; and high pressure cuts the budget
    of the turns to come (or, eased, gives it back)."""
    n = r.numbers["politics"]
    st = r.state
    # A pledge of restraint made on a call to the side one warned before this turn.
    for pid in sorted(st.pledges):
        p = st.pledges[pid]
        kind = r.ruleset.pledges.get(p.kind)
        w = pending(r.state, p.by, p.to)
        if p.made == r.turn and kind is not None and kind.restraint and w is not None and w["turn"] < r.turn:
            backed_down(r, p.by, [p.to], {p.to}, f"a pledge of restraint to {name(st, p.to)}")
    # Windows that closed: a warning never made good is a bluff, seen by everyone (it was public).
    for key in sorted(k for k in r.state.marks if k.startswith(WARNING)):
        w = r.state.marks[key]
        if not isinstance(w, dict) or r.turn < w["turn"] + n["warning_turns"]:
            continue
        _, warner, target = key.split(":")
        r.emit("mark", sorted({warner, target}), key=key, value=None)
        if not w["made_good"]:
            _bluff(r, warner, target, set(st.scenario.actor_ids),
                   f"{name(st, warner)} did not act on its warning to {name(st, target)}")
    for actor in st.scenario.actor_ids:
        level, rest = r.state.value("pressure", actor), _resting(r.state, actor)
        if level > rest:  # easing stops at the starting level: no relief below it
            level = r.change("pressure", [actor], add=-whole(n["pressure_ease"] * (level - rest)),
                             cause="the public's attention moves on")
        _narrow(r, actor, level)


def _narrow(r: Resolution, actor: str, level: int) -> None:
    """At ``politics.pressure_high`` or more, the government loses ``politics.pressure_budget``
    actions a turn (never its last one) until pressure falls below it again."""
    n = r.numbers["politics"]
    key = f"{NARROWED}{actor}"
    cut = r.state.marks.get(key)
    high = level >= n["pressure_high"]
    if high and cut is None:
        budget = r.state.value(BUDGET.name, actor)
        new = r.change(BUDGET.name, [actor], add=-min(n["pressure_budget"], max(0, budget - 1)),
                       cause=f"domestic pressure {level} ({n['pressure_high']} or more): the "
                             "government's time goes on politics at home")
        r.emit("mark", [actor], key=key, value=budget - new)
    elif not high and cut is not None:
        if cut:
            r.change(BUDGET.name, [actor], add=cut,
                     cause=f"domestic pressure eased below {n['pressure_high']}: the government "
                           "has its hands free again")
        r.emit("mark", [actor], key=key, value=None)


STEPS = (Step("domestic politics", domestic_politics),)
