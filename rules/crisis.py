"""Crises: the hours after a grave incident at high tension, when the hotline and de-escalation
come first and open conflict follows only from what the two sides decide.

Grounding (docs/rules.md, "Grounding: incidents, crises and alliances"): the hours after an
incident decide whether it escalates (the EP-3 collision, April 2001, was contained by talks
and a letter of regret, after calls first went unanswered); INCSEA (1972), CUES (2014) and the
US–China MMCA (1998) exist to keep an unsafe encounter from becoming a war; war follows from
decisions, not from a single roll.

A grave incident at ``crisis.tension`` or more opens a crisis for the pair (a mark
``crisis:A:B``, ids sorted, holding the turn it is decided in and who was blamed). That turn is a
crisis turn for the two: their screens say so, a hotline call between them costs nothing, and at
its adjudication the crisis is *defused* if the two spoke (an answered call between them) or
either stepped back (stood down, withdrew a force from a region bordering the other, or
reassured the other in public), and neither escalated toward the other (deployed into a region
bordering it, raised readiness); otherwise it *fails*: open conflict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from detente.engine.commands import FACILITATOR
from detente.engine.ruleset import COOPERATIVE, Step
from detente.engine.state import Order, Reading, pair
from detente.rules.common import force_name, name, near, region_name

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution

CRISIS = "crisis:"
"""The prefix of the mark of an open crisis (``crisis:A:B``, ids sorted)."""
ATTACKED = "attacked:"
"""The prefix of the mark that lets the victim of a grave incident invoke collective defence
(``attacked:VICTIM:OTHER``, whose value is the turn it may do so in)."""
CONFLICT = "conflict"
"""The mark of a crisis that turned into open conflict (its value: why, in words)."""


def crisis_key(a: str, b: str) -> str:
    """The mark of a crisis between ``a`` and ``b``."""
    x, y = pair(a, b)
    return f"{CRISIS}{x}:{y}"


def attacked_key(victim: str, other: str) -> str:
    """The mark that lets ``victim`` invoke collective defence against ``other``."""
    return f"{ATTACKED}{victim}:{other}"


def window(state: Reading) -> int:
    """The turn whose communications are the first hours after an incident happening now: this
    turn's while they are still to come or under way (an inject at the briefing), else the next's."""
    return state.turn if state.phase in ("setup", "briefing", "communications") else state.turn + 1


def crises(state: Reading) -> dict[tuple[str, str], dict[str, Any]]:
    """Every open crisis, by its sorted pair: ``{"turn": the turn it is decided in, "blame": the
    actor blamed for the incident or ""}``."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for key, v in state.marks.items():
        if key.startswith(CRISIS) and isinstance(v, dict):
            _, a, b = key.split(":")
            out[(a, b)] = v
    return out


def in_crisis(state: Reading, a: str, b: str) -> bool:
    """Whether a crisis between ``a`` and ``b`` is open (from the incident to its decision)."""
    return crisis_key(a, b) in state.marks


def crisis_turn(state: Reading, a: str, b: str) -> bool:
    """Whether this turn is a crisis turn for ``a`` and ``b``: the one that decides their crisis."""
    v = state.marks.get(crisis_key(a, b))
    return isinstance(v, dict) and v.get("turn") == state.turn


def free_call(state: Reading, team: str, order: Order) -> bool:
    """A call costs nothing between the two sides of a crisis, on its crisis turn: the hotline
    comes first."""
    return bool(order.target) and crisis_turn(state, team, order.target)


def open_crisis(r: Resolution, a: str, b: str, blame: str, where: str = "") -> None:
    """A grave incident (in region ``where``, if any) at high tension opens a crisis between ``a``
    and ``b``, decided at the adjudication of :func:`window`'s turn."""
    st = r.state
    parties = sorted((a, b))
    turn = window(st)
    when = "this turn" if turn == st.turn else st.scenario.turns.name(turn)
    place = f" in {region_name(st, where)}" if where else ""
    text = (f"A crisis between {name(st, a)} and {name(st, b)} after the grave incident{place}: the "
            f"hotline first. {when[:1].upper() + when[1:]}, open conflict follows unless they talk "
            "or one steps back, and neither escalates")
    r.emit("crisis", parties, between=parties, status="opened", resolves=turn, text=text)
    # After its event, so that annulling the crisis (not the incident) sets back only the crisis.
    r.emit("mark", parties, key=crisis_key(a, b), value={"turn": turn, "blame": blame})


# -- deciding a crisis -------------------------------------------------------------------------

def spoke(state: Reading, a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` spoke this turn: a call between them that was answered."""
    for p in state.proposals.values():
        mt = state.ruleset.moves.get(p.order.move)
        if mt is None or not mt.opens_call or {p.by, *p.to} != {a, b}:
            continue
        if any(p.answers.get(t) for t in p.to):
            return True
    return False


def _where_before(state: Reading, force: str) -> str:
    """Where a force was when this turn's orders were sealed (adjudication may have moved it)."""
    before = state.before if state.before is not None else state
    return before.forces[force].region


def stepped_back(state: Reading, team: str, other: str) -> list[str]:
    """How ``team`` stepped back from ``other`` this turn, in words (empty: it did not): it stood
    down, withdrew a force from a region bordering ``other``, or reassured ``other`` in public."""
    out = []
    for o in state.orders.get(team, ()):
        mt = state.ruleset.moves.get(o.move)
        if o.move == "stand_down":
            out.append(f"{name(state, team)} stood down")
        elif o.move == "withdraw" and other in near(state, _where_before(state, o.force)):
            out.append(f"{name(state, team)} withdrew {force_name(state, o.force)}")
        elif mt is not None and o.target == other and mt.choice_tones.get(o.choice) == COOPERATIVE:
            out.append(f"{name(state, team)} reassured {name(state, other)} in public")
    return out


def escalated(state: Reading, team: str, other: str) -> list[str]:
    """How ``team`` escalated toward ``other`` this turn, in words (empty: it did not): it
    deployed a force into a region bordering ``other``, or raised readiness."""
    out = []
    for o in state.orders.get(team, ()):
        if o.move == "deploy" and other in near(state, o.region):
            out.append(f"{name(state, team)} deployed {force_name(state, o.force)} to "
                       f"{region_name(state, o.region)}")
        elif o.move == "raise_readiness":
            out.append(f"{name(state, team)} raised readiness")
    return out


def decide(r: Resolution) -> None:
    """Adjudication step: each crisis whose turn this is is defused or fails; the victims'
    chance to invoke collective defence closes with the communications it was open in."""
    n = r.numbers["crisis"]
    for (a, b), v in sorted(crises(r.state).items()):
        if v.get("turn", r.turn) > r.turn:
            continue
        st = r.state
        parties = [a, b]
        both = f"{name(st, a)} and {name(st, b)}"
        talked = [f"{both} spoke on the hotline"] if spoke(st, a, b) else []
        back = stepped_back(st, a, b) + stepped_back(st, b, a)
        worse = escalated(st, a, b) + escalated(st, b, a)
        r.emit("mark", parties, key=crisis_key(a, b), value=None)
        if (talked or back) and not worse:
            text = f"The crisis between {both} was defused: {'; '.join(talked + back)}"
            r.emit("crisis", parties, between=parties, status="defused", resolves=r.turn, text=text)
            r.change("tension", parties, add=-n["defused_tension"], cause=text, vis=parties)
            continue
        why = "; ".join(worse) if worse else "neither side spoke or stepped back"
        text = f"The crisis between {both} was not contained: {why}"
        r.emit("crisis", parties, between=parties, status="failed", resolves=r.turn, text=text)
        if CONFLICT not in r.state.marks:
            r.emit("mark", "fac", key=CONFLICT, value=text)
    for key in sorted(k for k, v in r.state.marks.items() if k.startswith(ATTACKED) and v <= r.turn):
        r.emit("mark", [key.split(":")[1]], key=key, value=None)


# -- what the two sides are told ---------------------------------------------------------------

def alerts(state: Reading, role: str) -> tuple[str, ...]:
    """The crisis banner: the two sides of each open crisis and the facilitator are told, plainly,
    what the crisis turn asks of them; nobody else is."""
    out = []
    for (a, b), v in sorted(crises(state).items()):
        turn = int(v.get("turn", state.turn))
        now = turn == state.turn
        when = "this turn" if now else f"on {state.scenario.turns.name(turn)}"
        if role == FACILITATOR:
            out.append(f"Crisis between {name(state, a)} and {name(state, b)}, decided {when}: defused "
                       "if they talk or one steps back and neither escalates")
            continue
        if role not in (a, b):
            continue
        other = name(state, b if role == a else a)
        if not state.value("hotline", a, b):
            out.append(f"Crisis with {other} ({when}): no hotline — step back (stand down, withdraw, "
                       "reassure) and do not escalate, or it means open conflict")
        else:
            out.append(f"Crisis with {other}: the hotline first (free {when}); talk or step back, "
                       "do not escalate, or it means open conflict")
    return tuple(out)


STEPS = (Step("crises", decide),)
