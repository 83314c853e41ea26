"""Direct channels: hotline calls, proposing a hotline, and the pledges made on calls.

Grounding (docs/rules.md, "Grounding: hotline"): the 1963 Moscow–Washington hotline speeds
messages but does not make them friendly; answering is a choice, and an unanswered call is
itself a signal (the EP-3 collision, April 2001; the refused calls of February 2023). What a
call does depends on what was said on it: the tone each side chose (the Kennedy–Khrushchev
letters of October 1962 carried reassurance, warnings and demands), the pledges made, and the
facilitator's rating of it; a call that only trades demands raises tension.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from detente.engine.ruleset import (
    COERCIVE,
    COOPERATIVE,
    TRANSPARENT,
    CallTone,
    MoveType,
    Param,
    PledgeType,
    Step,
)
from detente.engine.state import Order, Pledge, Proposal, Reading, pair
from detente.rules import verification
from detente.rules.common import both_ways, name, not_proposed, notified, others, region_name
from detente.rules.cooperation import agreed_exercises
from detente.rules.values import READINESS

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution

LOWEST_READINESS = READINESS.range[0] if READINESS.range else 0


# -- hotline_call ------------------------------------------------------------------------------

def _call_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    # One call to each counterpart a turn: a second call the same day adds nothing.
    hotline = state.values["hotline"]
    linked = tuple(o for o in others(state, team) if hotline[pair(team, o)])
    return {"target": not_proposed(state, team, "hotline_call", linked)}


def _call_accept(r: Resolution, p: Proposal, responder: str) -> None:
    # The pair talks: calmer for the rest of the turn (fewer incidents). What the call does to
    # tension, trust and threat waits for what is said on it (_call_ended).
    a, b = pair(p.by, responder)
    r.emit("flag", "fac", flag=f"calm:{a}:{b}")


#: The tones a side of an answered call can choose (the call screen offers them in this order).
CALL_TONES = (
    CallTone("reassure", COOPERATIVE, "say you mean no harm: lowers tension and their threat felt"),
    CallTone("apologise", COOPERATIVE, "regret what happened: lowers tension, raises their trust"),
    CallTone("inform", TRANSPARENT, "explain what you are doing: they know more of you"),
    CallTone("warn", COERCIVE, "say where your line is: they feel more threat, and know more"),
    CallTone("demand", COERCIVE, "insist on what you want: raises tension, lowers their trust"),
)
DEFAULT_TONE = "inform"
"""What a side that chose no tone counts as: it talked, and the other learned something."""

_SAID = {"reassure": "reassured", "apologise": "apologised", "inform": "informed",
         "warn": "warned", "demand": "made demands"}

# The sign each tone gives each of its numbers (``hotline.<tone>_<value>``, all given as sizes):
# the pair's tension, and the listener's threat perceived from, trust in and information on
# the speaker.
_TONE_SIGNS: dict[str, dict[str, int]] = {
    "reassure": {"tension": -1, "threat": -1},
    "apologise": {"tension": -1, "trust": 1},
    "inform": {"information": 1},
    "warn": {"threat": 1, "information": 1},
    "demand": {"tension": 1, "trust": -1},
}


def _tone_effect(n: Mapping[str, float], tone: str, value: str) -> float:
    sign = _TONE_SIGNS.get(tone, {}).get(value, 0)
    return sign * n[f"{tone}_{value}"] if sign else 0


def _on_call(r: Resolution, p: Proposal) -> list[Pledge]:
    """The pledges made on call ``p`` (their ids are the call's, then a number)."""
    return [pl for pid, pl in sorted(r.state.pledges.items()) if pid.startswith(f"{p.id}-")]


def _call_ended(r: Resolution, p: Proposal) -> None:
    n = r.numbers["hotline"]
    st = r.state
    caller, callee = p.by, p.to[0]
    parties = [caller, callee]
    tones = {side: p.tone_of(side) or DEFAULT_TONE for side in parties}
    pledges = _on_call(r, p)
    said = [f"{name(st, side)} {_SAID[tones[side]]}" + ("" if p.tone_of(side) else " (no tone chosen)")
            for side in parties]
    made = f"; {len(pledges)} pledge{'s' if len(pledges) != 1 else ''} made" if pledges else ""
    cause = f"hotline call between {name(st, caller)} and {name(st, callee)}: {', '.join(said)}{made}"
    tension = -n["answered_tension"] - n["pledge_tension"] * len(pledges)
    tension += sum(_tone_effect(n, tones[side], "tension") for side in parties)
    # The call is private: third parties see the tension move but not why.
    r.change("tension", parties, add=tension, cause=cause, vis=parties)
    for speaker, listener in ((caller, callee), (callee, caller)):
        tone = tones[speaker]
        given = sum(1 for pl in pledges if pl.by == speaker)
        threat = _tone_effect(n, tone, "threat") - n["pledge_threat"] * given
        trust = n["answered_trust"] + _tone_effect(n, tone, "trust")
        for value, add in (("threat", threat), ("trust", trust),
                           ("information", _tone_effect(n, tone, "information"))):
            if add:
                r.change(value, [listener, speaker], add=add, cause=cause)


def _call_rated(r: Resolution, p: Proposal, rating: int) -> None:
    n = r.numbers["hotline"]
    caller, callee = p.by, p.to[0]
    parties = [caller, callee]
    verdict = "helped" if rating > 0 else "made things worse" if rating < 0 else "changed nothing"
    cause = (f"the facilitator rated the call between {name(r.state, caller)} and "
             f"{name(r.state, callee)} {rating:+d}: it {verdict}")
    if rating:
        r.change("tension", parties, add=-rating * n["rating_tension"], cause=cause, vis=parties)
        both_ways(r, "trust", caller, callee, rating * n["rating_trust"], cause)


def _call_decline(r: Resolution, p: Proposal, responder: str, unanswered: bool) -> None:
    n = r.numbers["hotline"]
    how = "unanswered" if unanswered else "declined"
    did = "left the call unanswered" if unanswered else "refused the call"
    cause = f"{name(r.state, responder)} {did}"
    r.change("threat", [p.by, responder], add=n[f"{how}_threat"], cause=cause)
    r.change("trust", [p.by, responder], add=-n[f"{how}_trust"], cause=cause)


hotline_call = MoveType(
    name="hotline_call",
    noun="hotline call",
    tone=COOPERATIVE,
    family="hotline",
    phase="communications",
    description="Call a counterpart on the hotline; if answered, talk and perhaps pledge",
    params=(Param("target", "whom to call (an actor you share a hotline with)"),),
    choices=_call_choices,
    consent=True,
    accept=_call_accept,
    decline=_call_decline,
    opens_call=True,
    ended=_call_ended,
    rated=_call_rated,
)


# -- propose_hotline ---------------------------------------------------------------------------

def _propose_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    hotline = state.values["hotline"]
    unlinked = tuple(o for o in others(state, team) if not hotline[pair(team, o)])
    return {"target": not_proposed(state, team, "propose_hotline", unlinked)}


def _propose_accept(r: Resolution, p: Proposal, responder: str) -> None:
    n = r.numbers["hotline"]
    cause = f"{name(r.state, p.by)} and {name(r.state, responder)} agreed to set up a hotline"
    # Like the 1963 memorandum, a new channel is announced.
    r.change("hotline", [p.by, responder], to=True, cause=cause, vis="all")
    both_ways(r, "trust", p.by, responder, n["established_trust"], cause)


def _propose_decline(r: Resolution, p: Proposal, responder: str, unanswered: bool) -> None:
    n = r.numbers["hotline"]
    did = "ignored" if unanswered else "turned down"
    cause = f"{name(r.state, responder)} {did} the offer of a hotline"
    r.change("trust", [p.by, responder], add=-n["refused_trust"], cause=cause)


propose_hotline = MoveType(
    name="propose_hotline",
    noun="offer of a hotline",
    tone=COOPERATIVE,
    family="hotline",
    phase="communications",
    description="Offer to set up a hotline with an actor you have no channel with",
    params=(Param("target", "whom to offer a hotline (no channel yet)"),),
    choices=_propose_choices,
    consent=True,
    accept=_propose_accept,
    decline=_propose_decline,
)

MOVES = (hotline_call, propose_hotline)


# -- pledges -----------------------------------------------------------------------------------

def _in_force(state: Reading, p: Pledge) -> bool:
    return p.made <= state.turn <= p.until


def _no_deployment(state: Reading, p: Pledge, orders: tuple[Order, ...]) -> bool:
    return _in_force(state, p) and any(o.move == "deploy" and o.region == p.region for o in orders)


def _no_readiness_increase(state: Reading, p: Pledge, orders: tuple[Order, ...]) -> bool:
    return _in_force(state, p) and any(o.move == "raise_readiness" for o in orders)


def _stand_down(state: Reading, p: Pledge, orders: tuple[Order, ...]) -> bool:
    # A promise to stand down is kept by ordering it each turn it is in force; a team
    # already at peacetime readiness has nothing left to stand down from.
    if not _in_force(state, p) or state.value("readiness", p.by) <= LOWEST_READINESS:
        return False
    return not any(o.move == "stand_down" for o in orders)


def _notify_activities(state: Reading, p: Pledge, orders: tuple[Order, ...]) -> bool:
    if not _in_force(state, p):
        return False
    for o in orders:
        if o.move == "deploy" and not notified(state, p.by, "deploy", o.region):
            return True
    # An exercise the team proposed, and its partner agreed to, this turn.
    return any(by == p.by and not notified(state, p.by, "exercise", region)
               for by, _, region in agreed_exercises(state))


PLEDGES = (
    PledgeType("no_deployment", "deploy no forces into {region} for {turns}", True, _no_deployment,
               restraint=2),
    PledgeType("no_readiness_increase", "raise readiness no further for {turns}", False,
               _no_readiness_increase, restraint=1),
    PledgeType("stand_down", "stand down one level of readiness each turn for {turns}", False,
               _stand_down, restraint=3),
    PledgeType("notify_activities",
               "give a turn's notice of every deployment and exercise for {turns}", False,
               _notify_activities, restraint=4),
)


def _covering(state: Reading, team: str, region: str, seen: str) -> frozenset[str]:
    """Holders of a pledge from ``team`` in force that covers deployments into ``region``, whose
    breach this turn was ``seen`` or ``unseen`` (the flag :func:`check_pledges` set)."""
    return frozenset(
        p.to for p in state.pledges.values()
        if p.by == team and _in_force(state, p) and f"breach:{p.id}:{seen}" in state.flags
        and (p.kind == "notify_activities" or (p.kind == "no_deployment" and p.region == region))
    )


def watching(state: Reading, team: str, region: str) -> frozenset[str]:
    """Teams that detected this turn's breach of a pledge from ``team`` covering deployments into
    ``region``: they see the deployment that breaks it."""
    return _covering(state, team, region, "seen")


def unaware(state: Reading, team: str, region: str) -> frozenset[str]:
    """Teams whose pledge from ``team`` covering deployments into ``region`` was breached this
    turn without their detecting it: the deployment that breaks it goes unseen by them (observers
    they have on ``team``'s ground were kept away from it)."""
    return _covering(state, team, region, "unseen")


def _hidden(state: Reading, p: Pledge, orders: tuple[Order, ...]) -> bool:
    """Whether this turn's breach of ``p`` lies only in what its holder does not see as a matter
    of course: deployments not notified ahead. Readiness is public and so are exercises, so a
    breach by them is always seen (rules/verification.py rolls for the rest)."""
    if p.kind == "no_deployment":
        return not any(o.move == "deploy" and o.region == p.region
                       and notified(state, p.by, "deploy", o.region) for o in orders)
    if p.kind == "notify_activities":
        return not any(by == p.by and not notified(state, p.by, "exercise", region)
                       for by, _, region in agreed_exercises(state))
    return False


def _describe(state: Reading, p: Pledge) -> str:
    what = {
        "no_deployment": f"no deployment into {region_name(state, p.region)}",
        "no_readiness_increase": "no increase of readiness",
        "stand_down": "standing down",
        "notify_activities": "notice of every activity",
    }.get(p.kind, p.kind)
    return f"{name(state, p.by)}'s pledge to {name(state, p.to)} ({what})"


def _detected(r: Resolution, p: Pledge, orders: tuple[Order, ...]) -> bool:
    """Whether the holder of ``p`` detects this turn's breach of it: always when the breach shows
    in what it sees anyway, else on a roll (:func:`detente.rules.verification.breach_seen`). A
    breach it misses is the facilitator's (a ``breach`` event), revealed to both parties in the
    debrief: the holder does not know, and the maker knows what it ordered but not whether it
    was seen. The flag tells the deployment step who sees the deployment that breaks it."""
    seen = not _hidden(r.state, p, orders) or verification.breach_seen(r, p)
    r.emit("flag", "fac", flag=f"breach:{p.id}:{'seen' if seen else 'unseen'}")
    if not seen:
        r.emit("breach", sorted({p.by, p.to}), id=p.id, by=p.by, to=p.to, pledge=p.kind, region=p.region,
               happened=r.turn, text=f"{_describe(r.state, p)} was breached")
    return seen


def check_pledges(r: Resolution) -> None:
    """Adjudication step: break or keep each pledge in force, against this turn's orders. A
    breach its holder does not detect leaves the pledge in force as the holder knows it: kept,
    if it runs out unbroken in its holder's eyes."""
    n = r.numbers["pledges"]
    st = r.state
    for pid in sorted(st.pledges):
        p = st.pledges[pid]
        kind = r.ruleset.pledges.get(p.kind)
        if p.status != "active" or kind is None:
            continue
        parties = sorted({p.by, p.to})
        orders = r.state.orders.get(p.by, ())
        if kind.broken(r.state, p, orders) and _detected(r, p, orders):
            # A breach detected: the one place a pledge is broken.
            cause = f"{_describe(r.state, p)} was broken"
            r.emit("pledge_status", parties, id=p.id, status="broken")
            r.change("trust", [p.to, p.by], add=-n["broken_trust"], cause=cause)
            r.change("threat", [p.to, p.by], add=n["broken_threat"], cause=cause)
        elif p.until <= r.turn:
            cause = f"{_describe(r.state, p)} was kept"
            r.emit("pledge_status", parties, id=p.id, status="kept")
            r.change("trust", [p.to, p.by], add=n["kept_trust"], cause=cause)


STEPS = (Step("pledges", check_pledges),)
