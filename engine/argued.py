"""Argued actions: what no move covers, argued in words, weighed by the facilitator, decided by a die.

Much of diplomacy is not a fixed move. As in a matrix game (Chris Engle's, as professional
wargaming uses it: Tom Mouat's matrix-game handbooks, the UK MOD wargaming handbook), a team
says what it does and why it should work (:class:`~detente.engine.commands.Argue`); the
facilitator may show it to other teams and ask for counter-arguments
(:class:`~detente.engine.commands.AskCounters`, :class:`~detente.engine.commands.Counter`), then
sets the odds (:class:`~detente.engine.commands.Judge`, a band of :data:`ODDS` or any percentage),
and a logged roll decides at once. The facilitator then says what came of it and closes it
(:class:`~detente.engine.commands.Narrate`): a narrative, and effects on the values the arguing
team could change — its own, and those of the pairs it is part of — or none. docs/rules.md
("Argued actions") explains it for facilitators.

Who sees what (the visibility table, :data:`detente.engine.visibility.EVENTS`): the argument is
the arguing team's and the facilitator's until the facilitator asks others for counter-arguments;
then the teams asked read it too. A counter-argument is its author's and the facilitator's. The
odds, the roll and the narrative reach whoever saw the argument, or every team when the
facilitator announces the result; a change it made reaches whoever may see the value, with its
cause only where the narrative goes (a third party sees a public value move, not why).

Each argued action lives in the state's marks (:func:`argued_key`), so views, replays and
branches carry it like any other fact; its events are folded here (:data:`FOLD`).

>>> odds_words(70), odds_words(65), band_of(10)
('likely (70%)', '65%', 'very unlikely')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from attrs import frozen

from detente.engine.aar_model import ArgumentFact
from detente.engine.commands import SEES_ALL, Argue, AskCounters, Counter, Judge, Narrate
from detente.engine.entries import (
    Argued,
    Countered,
    CountersAsked,
    Judged,
    Narrated,
    TimelineEntry,
    ValueChanged,
)
from detente.engine.state import Reading, Working

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution
    from detente.engine.session import Session

MAX_ACTION = 200
"""The longest action, in characters: a line; the reasons go in the arguments."""
MAX_ARGUMENTS = 1000
"""The longest arguments (and counter-argument), in characters."""
MAX_NARRATIVE = 2000
"""The longest narrative, in characters."""
PHASES = ("communications", "orders")
"""The phases in which a team may argue an action."""
COST = 1
"""What an argued action costs when the ruleset's numbers do not say (``[argued] cost``)."""

ODDS: tuple[tuple[str, int], ...] = (
    ("very unlikely", 10),
    ("unlikely", 30),
    ("even", 50),
    ("likely", 70),
    ("very likely", 90),
)
"""The usual bands of a facilitator's odds, in words and percent (words of estimative
probability, as matrix games use them); any whole percentage 0–100 may be given."""

ARGUED = "argued"
"""The mark counting the argued actions so far (the next one's id is one more)."""
ARGUED_PREFIX = "argued:"
"""Marks under this prefix and the argued action's id hold each one (:func:`argued_key`)."""

#: Status of an argued action: waiting for the odds, decided by the roll, closed.
OPEN, JUDGED, NARRATED = "open", "judged", "narrated"


def argued_key(argument: str) -> str:
    """The mark an argued action is kept under (:attr:`~detente.engine.state.State.marks`): its
    team, turn, action, arguments, targets, cost, the teams asked for counter-arguments and their
    counters, the odds, the roll, success, the status, the narrative and whether it was announced."""
    return f"{ARGUED_PREFIX}{argument}"


def argue_cost(numbers: Mapping[str, Mapping[str, Any]]) -> int:
    """What an argued action costs against the team's budget: the ruleset's ``[argued] cost``,
    or :data:`COST`.

    >>> argue_cost({"argued": {"cost": 2}}), argue_cost({})
    (2, 1)
    """
    return int(numbers.get(ARGUED, {}).get("cost", COST))


def band_of(odds: int) -> str:
    """The band of :data:`ODDS` a percentage is exactly, or ``""``."""
    return next((word for word, p in ODDS if p == odds), "")


def odds_words(odds: int) -> str:
    """The odds as people read them: ``likely (70%)``, or ``65%`` outside the bands."""
    band = band_of(odds)
    return f"{band} ({odds}%)" if band else f"{odds}%"


def cause_of(argument: str, by_name: str, action: str) -> str:
    """The cause of a change an argued action made, as logged: its number, its team (by name)
    and the action in its team's words.

    >>> cause_of("3", "Azuria", "An envoy to the coastal state")
    'argued action 3 by Azuria: “An envoy to the coastal state”'
    """
    return f"argued action {argument} by {by_name}: “{action}”"


def could_change(team: str, of: Iterable[str]) -> bool:
    """Whether an argued action of ``team`` may change a value of ``of``: the team is one of
    them (its own values, a pair or a one-way value it is part of)."""
    return team in tuple(of)


@frozen
class ArgumentView:
    """An argued action as a role may see it (:attr:`detente.engine.views.View.arguments`)."""

    id: str
    by: str
    """The team that argued it."""
    turn: int
    """The turn it was argued in."""
    action: str
    arguments: str
    """The team's reasons; empty for a role that reads only the announced result."""
    targets: tuple[str, ...]
    asked: tuple[str, ...]
    """The teams asked for counter-arguments (empty for a role that reads only the result)."""
    counters: tuple[tuple[str, str], ...]
    """``(team, text)`` of each counter-argument the role may read: every one for the
    facilitator, a team's own for a team."""
    status: str
    """``open`` (waiting for the odds), ``judged`` (the die has spoken) or ``narrated`` (closed)."""
    odds: int | None = None
    """The chance it was given, in percent; None before the odds are set."""
    roll: int | None = None
    """The d100 rolled (it succeeds at the odds or under); None before."""
    success: bool | None = None
    narrative: str = ""
    public: bool = False
    """Whether the facilitator announced the result to every team."""


def arguments_for(state: Reading, role: str) -> tuple[ArgumentView, ...]:
    """The argued actions ``role`` may know of, in the order argued: every one for the
    facilitator; for a team, those it argued, those it was asked to counter, and those whose
    result was announced (an announced one without its arguments or counters for a team that
    did not see it argued)."""
    fac = role in SEES_ALL
    out = []
    for key, m in state.marks.items():
        if not key.startswith(ARGUED_PREFIX):
            continue
        saw = fac or role == m["by"] or role in m["asked"]
        if not saw and not (m["status"] == NARRATED and m["public"]):
            continue
        out.append(ArgumentView(
            id=key[len(ARGUED_PREFIX):], by=m["by"], turn=m["turn"], action=m["action"],
            arguments=m["arguments"] if saw else "", targets=tuple(m["targets"]),
            asked=tuple(m["asked"]) if saw else (),
            counters=tuple((b, t) for b, t in m["counters"] if fac or b == role),
            status=m["status"], odds=m["odds"], roll=m["roll"], success=m["success"],
            narrative=m["narrative"], public=m["public"],
        ))
    return tuple(sorted(out, key=lambda a: int(a.id)))


def audience(mark: Mapping[str, Any]) -> list[str]:
    """Who saw an argued action: its team and the teams asked for counter-arguments (the stamp
    of its odds and, unless announced, its narrative)."""
    return sorted({mark["by"], *mark["asked"]})


# -- the session's commands: each gives the events, or why not -------------------------------------


def _name(state: Reading, actor: str) -> str:
    return state.scenario.actor(actor).name


def _argument(s: Session, argument: str) -> Mapping[str, Any] | str:
    m = s.state.marks.get(argued_key(argument))
    if m is None:
        n = int(s.state.marks.get(ARGUED, 0))
        known = f" (argued actions so far: 1 to {n})" if n else " (none has been argued yet)"
        return f"no argued action {argument!r}{known}"
    return m


def _too_long(what: str, text: str, most: int) -> str | None:
    if len(text) > most:
        verb = "are" if what.endswith("s") else "is"
        return f"the {what} {verb} too long ({len(text)} characters; at most {most})"
    return None


def argue(s: Session, c: Argue) -> Resolution | str:
    """A team argues an action (see the module's docstring)."""
    st = s.state
    if (err := s._team(c.team)) is not None:
        return err
    if st.phase not in PHASES:
        return f"an action is argued in the communications or orders phase (now: {st.phase})"
    action = " ".join(c.action.split())
    arguments = c.arguments.strip()
    if not action:
        return "say what the action is: it is empty"
    if (err := _too_long("action", action, MAX_ACTION)) is not None:
        return err + ": say it in a line, and the rest in the arguments"
    if not arguments:
        return "give the arguments: why should it work?"
    if (err := _too_long("arguments", arguments, MAX_ARGUMENTS)) is not None:
        return err
    actors = st.scenario.actor_names
    for t in c.targets:
        if t not in actors:
            return f"unknown target {t!r} (actors: {', '.join(st.scenario.actor_ids)})"
        if t == c.team:
            return "an action is aimed at others: leave out your own team"
    if len(set(c.targets)) != len(c.targets):
        return "a target is named twice"
    for key, m in st.marks.items():
        if key.startswith(ARGUED_PREFIX) and m["by"] == c.team and m["turn"] == st.turn:
            return (f"{_name(st, c.team)} has already argued an action this turn "
                    f"(argued action {key[len(ARGUED_PREFIX):]}): one a turn")
    cost, left = argue_cost(st.numbers), st.left(c.team)
    if cost > left:
        return f"an argued action costs {cost} and {_name(st, c.team)} has {left} left this turn"
    r = s._resolution()
    r.emit("argued", [c.team], id=str(int(st.marks.get(ARGUED, 0)) + 1), by=c.team, action=action,
           arguments=arguments, targets=list(c.targets), cost=cost)
    return r


def ask_counters(s: Session, c: AskCounters) -> Resolution | str:
    """The facilitator shows an open argued action to teams and asks them for counter-arguments."""
    m = _argument(s, c.argument)
    if isinstance(m, str):
        return m
    st = s.state
    if m["status"] != OPEN:
        return f"the odds of argued action {c.argument} are set: it is too late for counter-arguments"
    if not c.teams:
        return "say which teams are asked for counter-arguments"
    for t in c.teams:
        if t not in st.scenario.actor_names:
            return f"unknown team {t!r} (teams: {', '.join(st.scenario.actor_ids)})"
        if t == m["by"]:
            return f"{_name(st, t)} argued it: ask the other teams"
    new = sorted(set(c.teams) - set(m["asked"]))
    if not new:
        return "these teams have already been asked"
    r = s._resolution()
    r.emit("counters_asked", sorted({m["by"], *m["asked"], *new}), id=c.argument, by=m["by"],
           action=m["action"], arguments=m["arguments"], targets=list(m["targets"]), to=new)
    return r


def counter(s: Session, c: Counter) -> Resolution | str:
    """A team asked for counter-arguments gives one (one a team)."""
    st = s.state
    if (err := s._team(c.team)) is not None:
        return err
    m = _argument(s, c.argument)
    if isinstance(m, str):
        return m
    if c.team not in m["asked"]:
        return f"{_name(st, c.team)} was not asked for counter-arguments to argued action {c.argument}"
    if m["status"] != OPEN:
        return f"the odds of argued action {c.argument} are set: it is too late for counter-arguments"
    if any(by == c.team for by, _ in m["counters"]):
        return f"{_name(st, c.team)} has already given its counter-argument"
    text = c.text.strip()
    if not text:
        return "write the counter-argument: it is empty"
    if (err := _too_long("counter-argument", text, MAX_ARGUMENTS)) is not None:
        return err
    r = s._resolution()
    r.emit("countered", [c.team], id=c.argument, by=c.team, text=text)
    return r


def judge(s: Session, c: Judge) -> Resolution | str:
    """The facilitator sets the odds; a d100 decides at once (it succeeds at the odds or under)."""
    m = _argument(s, c.argument)
    if isinstance(m, str):
        return m
    if m["status"] == NARRATED:
        return f"argued action {c.argument} is closed"
    if m["status"] != OPEN:
        return f"the odds of argued action {c.argument} are already set"
    if isinstance(c.odds, bool) or not isinstance(c.odds, int) or not 0 <= c.odds <= 100:
        bands = ", ".join(f"{w} {p}" for w, p in ODDS)
        return f"the odds are a whole percentage from 0 to 100 ({bands}), not {c.odds!r}"
    r = s._resolution()
    rolled = r.dice(f"argued:{c.argument}", n=1, sides=100, about=f"argued action {c.argument} by {m['by']}",
                    inputs={"odds": c.odds})
    r.emit("judged", audience(m), id=c.argument, by=m["by"], action=m["action"], odds=c.odds, roll=rolled,
           success=rolled <= c.odds)
    return r


def narrate(s: Session, c: Narrate) -> Resolution | str:
    """The facilitator says what came of an argued action, applies its effects and closes it."""
    from detente.engine.session import apply_effect, check_effect

    m = _argument(s, c.argument)
    if isinstance(m, str):
        return m
    st = s.state
    if m["status"] == NARRATED:
        return f"argued action {c.argument} is already closed"
    narrative = c.narrative.strip()
    if not narrative:
        return "say what came of it: the narrative is what the teams read"
    if (err := _too_long("narrative", narrative, MAX_NARRATIVE)) is not None:
        return err
    by = m["by"]
    if c.effects and m["status"] == OPEN:
        return "set the odds first: an argued action closed without a roll has no effects"
    for e in c.effects:
        if (err := check_effect(s, e)) is not None:
            return f"effect on {e.value}: {err}"
        if not could_change(by, e.of):
            whose = "/".join(_name(st, x) if x in st.scenario.actor_names else x for x in e.of)
            return (f"effect on {e.value} of {whose}: an argued action of {_name(st, by)} changes only "
                    f"values {_name(st, by)} is part of (its own, its pairs, its views of others and "
                    f"theirs of it)")
    r = s._resolution()
    seen = audience(m)
    r.emit("narrated", "all" if c.public else seen, id=c.argument, by=by, action=m["action"],
           success=m["success"], odds=m["odds"], roll=m["roll"], narrative=narrative, public=c.public)
    cause = cause_of(c.argument, _name(st, by), m["action"])
    for e in c.effects:
        apply_effect(r, e, cause, None if c.public else seen)
    return r


HANDLERS: dict[type, Callable[[Session, Any], Resolution | str]] = {
    Argue: argue,
    AskCounters: ask_counters,
    Counter: counter,
    Judge: judge,
    Narrate: narrate,
}
"""The session's handler of each command of this module."""


# -- the fold: each event changes the argued action's mark -------------------------------------------

Read = Mapping[str, Any]


def _update(w: Working, argument: str, **changes: Any) -> None:
    marks = w.own("marks")
    key = argued_key(argument)
    marks[key] = {**marks[key], **changes}  # a new dict: an earlier state keeps its own


def _argued(w: Working, e: Read) -> None:
    marks = w.own("marks")
    marks[ARGUED] = int(e["id"])
    marks[argued_key(e["id"])] = {
        "by": e["by"], "turn": w.turn, "phase": w.phase, "action": e["action"],
        "arguments": e["arguments"], "targets": list(e["targets"]), "cost": e["cost"], "asked": [],
        "counters": [], "odds": None, "roll": None, "success": None, "status": OPEN, "narrative": "",
        "public": False,
    }
    spent = w.own("spent")
    spent[e["by"]] = spent.get(e["by"], 0) + e["cost"]


def _counters_asked(w: Working, e: Read) -> None:
    m = w.marks[argued_key(e["id"])]
    _update(w, e["id"], asked=sorted({*m["asked"], *e["to"]}))


def _countered(w: Working, e: Read) -> None:
    m = w.marks[argued_key(e["id"])]
    _update(w, e["id"], counters=[*m["counters"], [e["by"], e["text"]]])


def _judged(w: Working, e: Read) -> None:
    _update(w, e["id"], odds=e["odds"], roll=e["roll"], success=e["success"], status=JUDGED)


def _narrated(w: Working, e: Read) -> None:
    _update(w, e["id"], narrative=e["narrative"], public=e["public"], status=NARRATED)


FOLD: dict[str, Callable[[Working, Read], None]] = {
    "argued": _argued,
    "counters_asked": _counters_asked,
    "countered": _countered,
    "judged": _judged,
    "narrated": _narrated,
}
"""How each event of an argued action changes a working state (merged into
:data:`detente.engine.events.FOLD`)."""

KINDS: dict[str, tuple[str, str]] = {
    "argued": ("id, by, action, arguments, targets, cost",
               "a team argued an action in words (cost: actions it took from the budget)"),
    "counters_asked": ("id, by, action, arguments, targets, to",
                       "the facilitator showed an argued action to teams (to) and asked them for "
                       "counter-arguments"),
    "countered": ("id, by, text", "a team asked for counter-arguments gave one"),
    "judged": ("id, by, action, odds, roll, success",
               "the facilitator set the odds (percent) and a d100 decided: success when roll ≤ odds"),
    "narrated": ("id, by, action, success, odds, roll, narrative, public",
                 "the facilitator said what came of an argued action and closed it (its effects follow "
                 "as `changed` events; public: announced to every team)"),
}
"""The events of argued actions, with their fields and meaning (merged into
:data:`detente.engine.events.KINDS`)."""


# -- in the report ----------------------------------------------------------------------------------


def argument_facts(seen: Iterable[TimelineEntry], say_change: Callable[[ValueChanged], str] = str,
                   ) -> tuple[ArgumentFact, ...]:
    """The argued actions of a role's timeline (read as entries), each as far as the role saw
    it, with the changes it made (said by ``say_change``) where the role read their cause."""
    found: dict[str, dict[str, Any]] = {}

    def fact(e: Any) -> dict[str, Any]:
        return found.setdefault(e.id, {"id": e.id, "turn": e.turn, "by": e.by, "action": e.action,
                                       "changes": []})

    for e in seen:
        match e:
            case Argued():
                fact(e).update(arguments=e.arguments, targets=e.targets)
            case CountersAsked():
                f = fact(e)
                f.update(arguments=e.arguments, targets=e.targets,
                         asked=tuple(sorted({*f.get("asked", ()), *e.to})))
            case Countered() if e.id in found:
                f = found[e.id]
                f["counters"] = (*f.get("counters", ()), (e.by, e.text))
            case Judged():
                fact(e).update(odds=e.odds, roll=e.roll, success=e.success)
            case Narrated():
                fact(e).update(odds=e.odds, roll=e.roll, success=e.success, narrative=e.narrative,
                               public=e.public, closed=True)
            case ValueChanged() if e.cause.startswith("argued action "):
                number = e.cause[len("argued action "):].split(" ", 1)[0]
                if number in found:
                    found[number]["changes"].append(say_change(e))
    return tuple(ArgumentFact(**{**f, "changes": tuple(f["changes"])})
                 for f in sorted(found.values(), key=lambda f: int(f["id"])))


__all__ = [
    "ARGUED",
    "ARGUED_PREFIX",
    "COST",
    "FOLD",
    "HANDLERS",
    "KINDS",
    "MAX_ACTION",
    "MAX_ARGUMENTS",
    "MAX_NARRATIVE",
    "ODDS",
    "PHASES",
    "ArgumentView",
    "argue_cost",
    "argued_key",
    "argument_facts",
    "arguments_for",
    "audience",
    "band_of",
    "cause_of",
    "could_change",
    "odds_words",
]
