"""Annulling a move's result, an incident or a crisis's turn during the adjudication review.

The facilitator's most common correction in a matrix game is "that did not happen". An
annulment names one resolved move, one incident or one crisis event (a crisis the ruleset
opened, defused or let fail) of the adjudication under review and sets back what it did:

- every ``changed`` event it produced is reversed by an inverse change (the opposite amount,
  kept within the value's range; a hotline or agreement set back) with the cause
  :data:`CAUSE`, stamped as the original was;
- a force it moved goes back where it was, known to whom it was known;
- a marker it set (a crisis a grave incident opened, the victim's right to call on its allies) is
  set back;
- an incident no longer counts in the pair's tally the ruleset keeps of them
  (:attr:`~detente.engine.ruleset.Ruleset.counts`);
- neither counts any longer in what conditions ask about what happened (``made``,
  ``incidents_of``: :attr:`~detente.engine.state.State.tally`); the ``annul`` event repeats the
  annulled move's team, order and result, or the incident's severity and cause, for that.

What later adjudication steps made of it stays (tension drift, a pledge the move broke,
what a detection revealed, a notice given): the facilitator can override those.

Which events a move produced is found by running the adjudication again from the state it
started from, with the same dice: a move's events are those emitted while its resolver ran;
an incident's are its own changes and markers, which follow it before the next roll. So the
log needs no extra bookkeeping, and a replay finds the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from detente.engine.adjudicate import Resolution, resolve_turn
from detente.engine.events import Event, fold
from detente.engine.state import Order, State

if TYPE_CHECKING:
    from detente.engine.session import Session

CAUSE = "annulled by the facilitator"
"""The cause of every change that sets back an annulled move or incident."""


@frozen
class Annullable:
    """A move's result or an incident of the adjudication under review that can be annulled."""

    target: str
    """What :class:`~detente.engine.commands.Annul` names: ``move-N``, ``incident-N`` or
    ``crisis-N`` (the Nth move, incident or crisis event of this adjudication, from 1)."""
    kind: str
    """``move``, ``incident`` or ``crisis`` (a crisis opened, defused or failed: annulling a failed
    one sets back the open conflict it meant)."""
    team: str
    """The team whose move it is; empty for an incident."""
    text: str
    """What happened, in words (the move's result or the incident)."""
    changes: int
    """How many changes of a tracked value it made (what an annulment sets back)."""
    annulled: bool = False
    """Already annulled (it cannot be annulled twice)."""


@frozen
class _Found:
    item: Annullable
    event: Event
    effects: tuple[int, ...]
    """Indexes of the events it produced, in the adjudication's events."""


def _rerun(session: Session) -> tuple[list[Event], list[State], dict[int, tuple[int, int]]] | None:
    """The adjudication under review run again: its events, the state before each event, and
    for each move event's index the range of events its resolver emitted."""
    st = session.state
    if st.phase != "adjudication" or st.before is None:
        return None
    start = fold(st.before, {"kind": "phase", "turn": st.turn, "phase": "adjudication"})
    ranges: list[tuple[int, int]] = []
    r = Resolution(start, session.ruleset, session.dice_key)

    def wrap(resolve: Any) -> Any:
        def run(res: Resolution, team: str, order: Order) -> None:
            first = len(res.events)
            resolve(res, team, order)
            ranges.append((first, len(res.events)))
        return run

    moves = {
        name: attrs.evolve(mt, resolve=wrap(mt.resolve)) if mt.resolve is not None else mt
        for name, mt in session.ruleset.moves.items()
    }
    r.ruleset = attrs.evolve(session.ruleset, moves=moves)
    resolve_turn(r)
    states = [start]
    for e in r.events[:-1]:
        states.append(fold(states[-1], e))
    by_move: dict[int, tuple[int, int]] = {}
    for first, end in ranges:
        for i in range(first, end):
            if r.events[i]["kind"] == "move":
                by_move[i] = (first, end)
    return r.events, states, by_move


def _found(session: Session) -> list[_Found]:
    got = _rerun(session)
    if got is None:
        return []
    events, _, by_move = got
    flags = session.state.flags
    out: list[_Found] = []
    n_move = n_incident = n_crisis = 0
    for i, e in enumerate(events):
        if e["kind"] == "move":
            n_move += 1
            first, end = by_move.get(i, (i, i + 1))
            effects = tuple(j for j in range(first, end) if j != i)
            target, team = f"move-{n_move}", e["team"]
        elif e["kind"] == "incident":
            n_incident += 1
            effects = tuple(_incident_effects(events, i))
            target, team = f"incident-{n_incident}", ""
        elif e["kind"] == "crisis":
            n_crisis += 1
            effects = tuple(_incident_effects(events, i, also=("crisis",)))
            target, team = f"crisis-{n_crisis}", ""
        else:
            continue
        changes = sum(1 for j in effects if events[j]["kind"] == "changed")
        done = f"annulled:{target}" in flags
        item = Annullable(target, e["kind"], team, str(e.get("text", "")), changes, done)
        out.append(_Found(item, e, effects))
    return out


def _incident_effects(events: Sequence[Event], i: int, also: tuple[str, ...] = ()) -> list[int]:
    """What the incident (or crisis) at ``i`` set: the changes it caused and the markers it set,
    up to the next roll, incident or move (or kind in ``also``)."""
    text = str(events[i]["text"])
    out = []
    for j in range(i + 1, len(events)):
        e = events[j]
        if e["kind"] in ("roll", "incident", "move", *also):
            break
        caused = e["kind"] == "changed" and str(e.get("cause", "")).startswith(text)
        # A marker the incident set (a crisis it opened, a victim's right to call on its allies).
        marked = e["kind"] == "mark" and e["value"] is not None
        if caused or marked:
            out.append(j)
    return out


def annullable(session: Session) -> list[Annullable]:
    """Every move's result and incident of the adjudication under review, in the order they
    happened, with what each changed (empty outside the review). For the review screen.

    >>> # during the review: [a.text for a in annullable(session) if not a.annulled]
    """
    return [f.item for f in _found(session)]


def annul(session: Session, target: str, reason: str, public: str) -> Resolution | str:
    """The events that annul ``target`` (see the module's rules), or why it cannot be annulled."""
    st = session.state
    if st.phase != "adjudication":
        return f"results are annulled during the adjudication review (now: {st.phase})"
    found = {f.item.target: f for f in _found(session)}
    f = found.get(target)
    if f is None:
        known = ", ".join(found) or "none"
        return f"nothing to annul called {target!r} in this adjudication (there is: {known})"
    if f.item.annulled:
        return f"{f.item.text or target} is already annulled"
    got = _rerun(session)
    assert got is not None
    events, states, _ = got
    r = Resolution(st, session.ruleset, session.dice_key)
    between = list(f.event.get("between", [])) if f.item.kind == "incident" else []
    # What it annuls, as its event said it, so that the fold can stop counting it (State.tally).
    said = _ANNULLED.get(f.item.kind, ())
    what = {k: f.event[k] for k in said if k in f.event}
    r.emit("annul", f.event.get("vis", "all"), target=target, what=f.item.kind, text=f.item.text,
           between=between, reason=reason, public=public, **what)
    for j in f.effects:
        _set_back(r, events[j], states[j])
    return r


_ANNULLED = {"move": ("team", "order", "result"), "incident": ("severity", "cause")}
"""The fields of the annulled event an ``annul`` repeats: a move's team, order and result; an
incident's severity and (a scripted one's) cause, which only the facilitator reads. Nothing
for a ruleset's other annullable events (a crisis): conditions do not count them."""


def _set_back(r: Resolution, e: Mapping[str, Any], before: State) -> None:
    k = e["kind"]
    if k == "changed":
        if isinstance(e["to"], bool):
            r.change(e["value"], e["of"], to=not e["to"], cause=CAUSE, vis=e["vis"])
        elif e.get("by"):
            r.change(e["value"], e["of"], add=-e["by"], cause=CAUSE, vis=e["vis"])
    elif k == "force":
        held = before.forces[e["force"]]
        now = r.state.forces[e["force"]]
        if (held.region, held.known_to) != (now.region, now.known_to):
            r.emit("force", e["vis"], force=e["force"], region=held.region, known_to=sorted(held.known_to))
    elif k == "mark":
        was = before.marks.get(e["key"])
        if r.state.marks.get(e["key"]) != was:
            r.emit("mark", e["vis"], key=e["key"], value=was)


__all__ = ["CAUSE", "Annullable", "annul", "annullable"]
