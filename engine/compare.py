"""The cohort debrief: sessions of one scenario (syndicates) compared side by side.

Workshops split participants into syndicates that play the same scenario at the same time and
then debrief together: near-identical starts led to different outcomes, and why.
:func:`compare` lays the syndicates side by side. It is pure (no files, no clock): the caller
reads each log and builds each syndicate's own after-action report
(:func:`detente.engine.aar.build`), and every figure here is read off that report
(:func:`figures`), so a figure in the comparison is, by construction, the figure in that
syndicate's report.

What the comparison adds is the **divergence point**: the first turn and phase in which the
syndicates' choices differ, and what each chose there (:func:`divergence`). The choices are
the logged commands (never the wall-clock ``at`` or a network ``cid``) of the teams — and of
the facilitator where a command changes the game: an inject, an override, an annulment, a
call rated, an argued action judged or narrated, the session ended early. Starting, advancing
the phase, the phase clock, notes, a team's notepad, observations and ratings are not choices
in the game and are left out. Each command counts in the phase in which it was given (the
phase the log's events had reached); within a phase an actor's choices are compared as a set
(the same moves given in another order are the same choices), and an id that only names an
earlier thing (the call an answer is to, the argued action a counter-argument is about) is
compared as the thing it names.

With one seed (and one dice secret: logs written on one machine), the same choices give the
same dice and the same events, so everything before the divergence point is identical and
every difference after it follows from the choices. With different seeds the dice may differ
before any choice does: :attr:`Comparison.dice` says where they first differ.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import frozen

from detente.engine.aar import ScenarioWords, Wording, proposal_noun, tone_title
from detente.engine.aar_model import ExpectationFact, RatingFact, Report
from detente.engine.argued import odds_words
from detente.engine.commands import FACILITATOR
from detente.engine.ruleset import Ruleset
from detente.engine.scenario import Scenario
from detente.engine.state import Outcome

SETUP = (0, "setup")
"""Where the commands and rolls before the first phase stand (the session's start)."""

NOT_CHOICES = frozenset({"start", "advance", "clock", "note", "team_note", "observe", "evaluate", "assess"})
"""Command types that are not choices in the game (see the module's docstring)."""


class ComparisonError(ValueError):
    """Sessions that cannot be compared; the message names the files."""


# -- the inputs ---------------------------------------------------------------------------------


@frozen
class Played:
    """One syndicate's session as :func:`compare` reads it."""

    name: str
    """What the debrief calls it (``Syndicate 1``)."""
    file: str
    """Its log's file name."""
    header: Mapping[str, Any]
    """The log header."""
    records: Sequence[Mapping[str, Any]]
    """Every record after the header, in order: command records and events."""
    report: Report
    """Its own after-action report, the facilitator's (:func:`detente.engine.aar.build`)."""
    ending: str = ""
    """The ending it reached as its report names it (a scenario ending's title); empty while it
    has not ended."""


# -- the figures --------------------------------------------------------------------------------


@frozen
class PairLine:
    """One pair's escalation value over the session, as the syndicate's report has it."""

    a: str
    b: str
    values: Mapping[int, Any]
    """Turn (0: the start) → the escalation value at its end (None where the report has none)."""
    rungs: Mapping[int, int]
    """Turn → the ladder rung."""
    peak: int | None
    """:meth:`Report.peak <detente.engine.aar_model.Report.peak>`."""
    final: Any
    """The value at the end of the last turn the log reaches (at the start if none)."""
    final_rung: int
    final_rung_name: str


@frozen
class Figures:
    """One syndicate's figures, every one read off its own report."""

    outcome: Outcome | None
    """How the session ended (:attr:`Report.outcome`); None if its log stops first."""
    ending: str
    """The ending it reached, named as in its report."""
    turns: int
    """The last turn its log reaches."""
    scores: Mapping[str, int]
    """Objective points per actor (:attr:`Report.scores`)."""
    pairs: tuple[PairLine, ...]
    """Each pair's escalation value per turn, in the scenario's pair order."""
    calls_placed: int
    """:meth:`Report.count_calls` (), and of the answers each callee gave:"""
    calls_answered: int
    calls_declined: int
    calls_unanswered: int
    pledges_made: int
    pledges_kept: int
    pledges_broken: int
    pledges_active: int
    """Still in force when the log ends."""
    incidents_happened: int
    """Incidents that happened (:attr:`Report.hazards`)."""
    incidents_contained: int
    """Of those, the ones contained (:attr:`IncidentFact.contained
    <detente.engine.aar_model.IncidentFact.contained>`)."""
    near_misses: int
    gaps: int
    """Gaps between words and deeds."""
    risk: float | None
    """The risk of the breakdown run, 0–1 (:attr:`Risk.total <detente.engine.aar_model.Risk.total>`);
    None without the dice (a report that is not the facilitator's)."""
    incident_chance: float | None
    """The chance of at least one incident, 0–1 (:attr:`Risk.incident_total`)."""
    incidents_expected: float | None
    """The expected number of incidents (:attr:`Risk.incidents_expected`)."""
    expectations: tuple[ExpectationFact, ...]
    """The injects' expectations and what became of each (:attr:`Report.expectations`)."""
    ratings: tuple[RatingFact, ...]
    """The HSEEP ratings, suggested and confirmed (:attr:`Report.ratings`)."""

    def expected(self, status: str) -> int:
        """How many expectations ended ``status`` (``met``, ``partly``, ``missed``, ``open``)."""
        return sum(1 for x in self.expectations if x.status == status)


def figures(report: Report, ending: str = "") -> Figures:
    """The figures of one syndicate, read off its own report (``ending``: the ending's name as
    the report says it)."""
    rows = {(p.turn, p.a, p.b): p for p in (*report.opening, *report.series)}
    turns = sorted({t for t, _, _ in rows})
    lines = []
    for a, b in report.pairs:
        mine = [rows[(t, a, b)] for t in turns if (t, a, b) in rows]
        last = mine[-1] if mine else None
        lines.append(PairLine(
            a=a, b=b,
            values={p.turn: p.values.get(report.escalation) for p in mine},
            rungs={p.turn: p.rung for p in mine},
            peak=report.peak(a, b),
            final=last.values.get(report.escalation) if last is not None else None,
            final_rung=last.rung if last is not None else 0,
            final_rung_name=last.rung_name if last is not None else "",
        ))
    risk = report.risk
    return Figures(
        outcome=report.outcome,
        ending=ending,
        turns=report.turns,
        scores=dict(report.scores),
        pairs=tuple(lines),
        calls_placed=report.count_calls(),
        calls_answered=report.count_calls("answered"),
        calls_declined=report.count_calls("declined"),
        calls_unanswered=report.count_calls("unanswered"),
        pledges_made=len(report.pledges),
        pledges_kept=sum(1 for p in report.pledges if p.status == "kept"),
        pledges_broken=sum(1 for p in report.pledges if p.status == "broken"),
        pledges_active=sum(1 for p in report.pledges if p.status == "active"),
        incidents_happened=len(report.hazards),
        incidents_contained=sum(1 for i in report.hazards if i.contained),
        near_misses=len(report.near_misses),
        gaps=len(report.gaps),
        risk=risk.total if risk is not None else None,
        incident_chance=risk.incident_total if risk is not None else None,
        incidents_expected=risk.incidents_expected if risk is not None else None,
        expectations=report.expectations,
        ratings=report.ratings,
    )


# -- the divergence point -----------------------------------------------------------------------


@frozen
class Choice:
    """What one actor chose, in words."""

    actor: str
    """The actor's id, or ``facilitator``."""
    words: str
    """What it chose, without the actor (``made a hotline call to Corvanian Federation``)."""
    seq: int = 0
    """The command's line in the log (0: it did nothing there)."""


@frozen
class Divergence:
    """The first turn and phase in which the syndicates' choices differ."""

    turn: int
    phase: str
    actors: tuple[str, ...]
    """Whose choices differ there (ids, the scenario's order; ``facilitator`` last)."""
    chose: tuple[tuple[Choice, ...], ...]
    """Per syndicate, in order: what those actors chose there (an actor that gave no command
    there: one :class:`Choice` saying so)."""


@frozen
class Phase:
    """One phase of one log: the choices made in it and the dice rolled in it."""

    turn: int
    phase: str
    choices: Mapping[str, tuple[tuple[str, Choice], ...]]
    """Actor → its choices there, each as (what is compared, the choice in words)."""
    dice: tuple[tuple[str, Any], ...]
    """(roll id, draw) of every roll, in order."""

    def compared(self, actor: str) -> tuple[str, ...]:
        """The actor's choices as compared: a set (a sorted tuple)."""
        return tuple(sorted(k for k, _ in self.choices.get(actor, ())))


class ChoiceWords:
    """A command in words (:meth:`say`): the scenario's names (``names``, its
    :class:`~detente.engine.aar.ScenarioWords` without them), and what the log says of the calls
    and argued actions a command names."""

    def __init__(self, scenario: Scenario, ruleset: Ruleset, names: Wording | None = None) -> None:
        self.scenario, self.ruleset = scenario, ruleset
        self.n: Wording = names if names is not None else ScenarioWords(scenario, ruleset)
        self.channels = {c.id: c.name for c in scenario.channels}
        self.forces = dict(scenario.force_names)

    def _a(self, noun: str) -> str:
        return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun

    def _details(self, o: Mapping[str, Any]) -> str:
        """What an order says beyond its move and target: its choice, force, region, words."""
        out = [self.n.choice_name(str(o["choice"]))] if o.get("choice") else []
        out += [self.forces.get(o["force"], o["force"])] if o.get("force") else []
        out += [f"in {self.n.region_name(o['region'])}"] if o.get("region") else []
        out += [f"“{o['text']}”"] if o.get("text") else []
        return f" ({', '.join(out)})" if out else ""

    def proposal(self, p: Mapping[str, Any] | None) -> str:
        """``Republic of Azuria's hotline call``."""
        if p is None:
            return "a call or proposal"
        return f"{self.n.actor_name(p['by'])}'s {proposal_noun(self.ruleset, p['order']['move'])}"

    def argument(self, a: Mapping[str, Any] | None) -> str:
        if a is None:
            return "an argued action"
        return f"{self.n.actor_name(a['by'])}'s argued action “{a['action']}”"

    def say(self, c: Mapping[str, Any], proposals: Mapping[str, Any], arguments: Mapping[str, Any],
            events: Sequence[Mapping[str, Any]], turn: int) -> str:
        """The command ``c`` in words, without who gave it."""
        n, kind = self.n, c["type"]
        p = proposals.get(str(c.get("proposal", "")))
        a = arguments.get(str(c.get("argument", "")))
        team = str(c.get("team", ""))
        other = "" if p is None else (n.actors_names(p["to"]) if p["by"] == team else n.actor_name(p["by"]))
        if kind == "propose":
            o = c["order"]
            to = n.actors_names([o["target"]]) if o.get("target") else n.actors_names(o.get("targets", ()))
            what = proposal_noun(self.ruleset, o["move"])
            return f"made {self._a(what)}" + (f" to {to}" if to else "") + self._details(o)
        if kind == "respond":
            return f"{'accepted' if c['accept'] else 'declined'} {self.proposal(p)}"
        if kind == "say":
            tone = f" ({tone_title(self.ruleset, c['tone'])})" if c.get("tone") else ""
            return f"said on the call with {other}{tone}: “{c['text']}”"
        if kind == "pledge":
            to = other or "the other side"
            turns = int(c.get("turns", 1))
            promise = n.pledge_text(c["kind"], c.get("region") or None, turn + turns - 1, turn)
            return f"pledged to {to}: {promise}"
        if kind == "hang_up":
            return f"ended the call with {other}" if other else "ended a call"
        if kind == "withdraw":
            if p is None:
                return "withdrew a proposal"
            return f"withdrew its {proposal_noun(self.ruleset, p['order']['move'])}"
        if kind == "send":
            channel = self.channels.get(c["channel"], c["channel"])
            return f"sent {n.actor_name(c['to'])} a message by {channel}: “{c['text']}”"
        if kind == "orders":
            orders = [n.order_text(o) for o in c.get("orders", ())]
            return f"sealed its orders: {'; '.join(orders)}" if orders else "sealed no orders (passed)"
        if kind == "argue":
            aimed = f" (aimed at {n.actors_names(c['targets'])})" if c.get("targets") else ""
            return f"argued an action{aimed}: “{c['action']}”"
        if kind == "counter":
            return f"argued against {self.argument(a)}: “{c['text']}”"
        if kind == "inject":
            to = f" (to {n.actors_names(c['to'])})" if c.get("to") else ""
            return f"delivered an inject of its own{to}: “{c['title']}”"
        if kind == "override":
            of = f" of {n.of_text(c['of'])}" if c.get("of") else ""
            return f"set {n.value_name(c['value'])}{of} to {n.value_text(c['to'])}"
        if kind == "annul":
            what = next((str(e.get("text", "")) for e in events if e.get("kind") == "annul"), "")
            return f"annulled a result: {n.machine_words(what)}" if what else "annulled a result"
        if kind == "rate_call":
            between = (f"the call between {n.actor_name(p['by'])} and {n.actors_names(p['to'])}"
                       if p is not None else "a call")
            return f"rated {between} {int(c['rating']):+d}"
        if kind == "end":
            return f"ended the session early: {c.get('reason', '')}".rstrip(": ")
        if kind == "ask_counters":
            return f"asked {n.actors_names(c.get('teams', ()))} to argue against {self.argument(a)}"
        if kind == "judge":
            return f"gave {self.argument(a)} {odds_words(int(c['odds']))} odds"
        if kind == "narrate":
            return f"said what came of {self.argument(a)}"
        return f"gave a {kind.replace('_', ' ')} command"


def _compared(c: Mapping[str, Any], proposals: Mapping[str, Any], arguments: Mapping[str, Any],
              events: Sequence[Mapping[str, Any]]) -> str:
    """What is compared of a command: the command with the ids that name an earlier thing
    replaced by that thing, and a set of orders in a fixed order."""
    d: dict[str, Any] = dict(c)
    if "proposal" in d:
        p = proposals.get(str(d["proposal"]))
        if p is not None:
            d["proposal"] = {"by": p["by"], "to": sorted(p["to"]), "order": p["order"]}
    if "argument" in d:
        a = arguments.get(str(d["argument"]))
        if a is not None:
            d["argument"] = {"by": a["by"], "action": a["action"]}
    if d.get("type") == "orders":
        d["orders"] = sorted(json.dumps(o, sort_keys=True) for o in d.get("orders", ()))
    if d.get("type") == "annul":
        # ``move-N`` counts the adjudication's results: the result itself is what was annulled.
        d["target"] = [str(e.get("text", "")) for e in events if e.get("kind") == "annul"]
    return json.dumps(d, sort_keys=True, ensure_ascii=False)


def phases(records: Sequence[Mapping[str, Any]], words: ChoiceWords) -> list[Phase]:
    """The log's phases in order, each with the choices made and the dice rolled in it (the
    records before the first phase stand in :data:`SETUP`)."""
    proposals: dict[str, Mapping[str, Any]] = {}
    arguments: dict[str, Mapping[str, Any]] = {}
    for r in records:
        if r["kind"] == "proposal":
            proposals[str(r["id"])] = r
        elif r["kind"] == "argued":
            arguments[str(r["id"])] = r
    out: list[tuple[int, str, dict[str, list[tuple[str, Choice]]], list[tuple[str, Any]]]] = [
        (*SETUP, {}, [])]
    for i, r in enumerate(records):
        kind = r["kind"]
        if kind == "phase":
            out.append((int(r["turn"]), str(r["phase"]), {}, []))
        elif kind == "roll":
            out[-1][3].append((str(r["id"]), r.get("value")))
        elif kind == "command":
            c = r.get("command") or {}
            if c.get("type") in NOT_CHOICES:
                continue
            events = [e for e in records[i + 1:i + 1 + int(r.get("n", 0))] if e["kind"] != "command"]
            actor = str(c.get("team") or FACILITATOR)
            turn = out[-1][0]
            said = words.say(c, proposals, arguments, events, turn)
            out[-1][2].setdefault(actor, []).append(
                (_compared(c, proposals, arguments, events), Choice(actor, said, int(r.get("seq", 0)))))
    return [Phase(t, ph, {k: tuple(v) for k, v in ch.items()}, tuple(d)) for t, ph, ch, d in out]


def _common(logs: Sequence[Sequence[Phase]]) -> list[list[Phase]]:
    """The phases every log reached, in order: one list per phase, a :class:`Phase` per log.
    Stops at the first phase one log lacks (its session ended, or its log stops, there)."""
    out = []
    for i, first in enumerate(logs[0]):
        row = [ps[i] for ps in logs if i < len(ps) and (ps[i].turn, ps[i].phase) == (first.turn, first.phase)]
        if len(row) < len(logs):
            break
        out.append(row)
    return out


def divergence(
    logs: Sequence[Sequence[Phase]], order: Sequence[str]
) -> tuple[Divergence | None, Phase | None]:
    """The first phase in which the logs' choices differ, or ``(None, the last phase they all
    reached)``. ``order``: the actors in the order to name them."""
    rank = {a: i for i, a in enumerate(order)}
    last = None
    for row in _common(logs):
        actors = sorted({a for ph in row for a in ph.choices},
                        key=lambda a: (a == FACILITATOR, rank.get(a, len(rank)), a))
        differ = tuple(a for a in actors if len({ph.compared(a) for ph in row}) > 1)
        if differ:
            head = row[0]
            idle = {a: (Choice(a, "did nothing in this phase"),) for a in differ}
            chose = tuple(
                tuple(c for a in differ
                      for c in (tuple(x for _, x in ph.choices[a]) if ph.choices.get(a) else idle[a]))
                for ph in row
            )
            return Divergence(head.turn, head.phase, differ, chose), None
        last = row[0]
    return None, last


def dice_differ(logs: Sequence[Sequence[Phase]], until: tuple[int, str] | None = None) -> Phase | None:
    """The first phase (up to ``until``, if given) whose rolls differ between the logs: the
    rolls made there, or what they drew."""
    for row in _common(logs):
        if len({ph.dice for ph in row}) > 1:
            return row[0]
        if until is not None and (row[0].turn, row[0].phase) == until:
            break
    return None


# -- the comparison -----------------------------------------------------------------------------


@frozen
class Syndicate:
    """One syndicate of the comparison."""

    name: str
    file: str
    seed: int | None
    report: Report
    """Its own report, which every figure is read from."""
    figures: Figures


@frozen
class Comparison:
    """Sessions of one scenario side by side (:func:`compare`)."""

    title: str
    scenario_id: str
    syndicates: tuple[Syndicate, ...]
    pairs: tuple[tuple[str, str], ...]
    """Every pair, in the scenario's order."""
    labels: Mapping[int, str]
    """Turn → its name (``Day 3``; 0 is ``Start``), as far as the longest log reaches."""
    escalation: str
    """The pair value compared turn by turn (the ruleset's escalation value); empty if none."""
    divergence: Divergence | None
    """Where the choices first differ; None if they never do in the phases every log reached."""
    alike_until: tuple[int, str] | None
    """Without a divergence: the last phase every log reached (the choices were the same up to it)."""
    same_dice: bool
    """One seed and one dice secret: the same choices gave the same dice."""
    dice: tuple[int, str] | None
    """Where the dice first differ, when they do no later than the divergence point (or, without
    one, in the phases every log reached); None when they agree that far."""
    warnings: tuple[str, ...] = ()
    """What the debrief should know before it reads the figures (seeds that differ, a log cut
    short)."""
    public: bool = False
    """The copy for the whole room: public reports, the divergence the public saw, no seeds or dice."""

    def label(self, turn: int) -> str:
        """A turn's name (``Day 3``)."""
        return self.labels.get(turn, f"Turn {turn}")


def same_scenario(played: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
    """Raise :class:`ComparisonError` unless every log (``(file, header)``) holds the same
    scenario (by its header's ``scenario_sha256``); the message names two files that differ."""
    items = list(played)
    first_file, first = items[0]
    for file, header in items[1:]:
        if header.get("scenario_sha256") != first.get("scenario_sha256"):
            raise ComparisonError(
                f"{first_file} and {file}: sessions of different scenarios ({_title(first)} and "
                f"{_title(header)}); only sessions of one scenario are compared")


def _title(header: Mapping[str, Any]) -> str:
    scenario = header.get("scenario")
    head = scenario.get("scenario") if isinstance(scenario, Mapping) else None
    title = head.get("title") if isinstance(head, Mapping) else None
    return f"“{title}”" if title else "a scenario without a title"


def public_divergence(reports: Sequence[Report]) -> tuple[Divergence | None, Phase | None]:
    """The divergence point as the room saw it, for the public copy of a comparison: the first
    turn and phase every session reached whose timeline, as the public read it (each public
    report's :attr:`~detente.engine.aar_model.Report.timeline`), differs between them — the
    lines of that phase compared as a set — with each syndicate's lines there that not every
    syndicate has (its choices as their results were announced). Nothing here comes from a
    command, a sealed order or a private call: only from what the public was shown.
    ``(None, the last phase they all reached)`` when they never differ."""
    from detente.engine.scenario import PHASES

    per: list[dict[tuple[int, str], list[Any]]] = []
    for r in reports:
        by_phase: dict[tuple[int, str], list[Any]] = {}
        for e in r.timeline:
            by_phase.setdefault((e.turn, e.phase), []).append(e)
        per.append(by_phase)
    reached = min(r.turns for r in reports)  # a phase with nothing public in it has no lines

    def rank(key: tuple[int, str]) -> tuple[int, int]:
        return key[0], PHASES.index(key[1]) if key[1] in PHASES else -1

    keys = sorted({k for p in per for k in p if k[0] <= reached}, key=rank)
    last = None
    for key in keys:
        texts = [sorted(e.text for e in p.get(key, ())) for p in per]
        if any(t != texts[0] for t in texts[1:]):
            common = set.intersection(*(set(t) for t in texts))
            chose = tuple(
                tuple(Choice("", e.text, e.seq) for e in p.get(key, ()) if e.text not in common)
                or (Choice("", "nothing the others did not"),)
                for p in per)
            return Divergence(key[0], key[1], (), chose), None
        last = Phase(key[0], key[1], {}, ())
    return None, last


def compare(
    played: Sequence[Played], scenario: Scenario, ruleset: Ruleset, names: Wording | None = None,
    *, public: bool = False,
) -> Comparison:
    """The syndicates of ``played`` (two or more sessions of ``scenario``) side by side.

    Raises :class:`ComparisonError` for fewer than two sessions or sessions of different
    scenarios. ``names`` say the choices in words (:class:`~detente.engine.aar.ScenarioWords`
    without them). ``public``: the copy for the whole room (the cohort debrief on the projector):
    the reports in ``played`` must be the public's, the divergence point is the one the public
    saw (:func:`public_divergence`), and neither a seed nor where the dice differ is told."""
    if len(played) < 2:
        raise ComparisonError("a comparison needs two or more sessions")
    same_scenario((p.file, p.header) for p in played)
    words = ChoiceWords(scenario, ruleset, names)
    logs = [phases(p.records, words) for p in played]
    if public:
        point, last = public_divergence([p.report for p in played])
    else:
        point, last = divergence(logs, scenario.actor_ids)
    seeds = [p.header.get("seed") for p in played]
    keys = {(p.header.get("seed"), p.header.get("secret", "")) for p in played}
    until = (point.turn, point.phase) if point is not None else None
    dice = None if public else dice_differ(logs, until)
    warnings = []
    if len(set(seeds)) > 1 and public:
        warnings.append("The syndicates played with different dice: the differences may come from the "
                        "dice as well as from the choices.")
    elif len(set(seeds)) > 1:
        said = ", ".join(f"{p.name} {s}" for p, s in zip(played, seeds, strict=True))
        warnings.append(f"The seeds differ ({said}): the dice differ, so the differences may come from the "
                        "dice as well as from the choices.")
    elif len(keys) > 1:
        warnings.append("The logs were written on different machines: the same seed gives other dice on "
                        "each, so the differences may come from the dice as well as from the choices.")
    if len({p.header.get("ruleset_sha256") for p in played}) > 1:
        warnings.append("The ruleset's numbers differ between the logs (written by different versions "
                        "of Détente): the same choices may have had other effects.")
    for p in played:
        warnings += [f"{p.name} ({p.file}): the log was cut short: {w}" for w in p.report.warnings]
    longest = max((p.report for p in played), key=lambda r: r.turns)
    return Comparison(
        title=played[0].report.title,
        scenario_id=played[0].report.scenario_id,
        syndicates=tuple(
            Syndicate(p.name, p.file,
                      p.header.get("seed") if isinstance(p.header.get("seed"), int) and not public else None,
                      p.report, figures(p.report, p.ending))
            for p in played),
        pairs=tuple(longest.pairs),
        labels=dict(longest.labels),
        escalation=longest.escalation,
        divergence=point,
        alike_until=(last.turn, last.phase) if point is None and last is not None else None,
        same_dice=len(keys) == 1,
        dice=(dice.turn, dice.phase) if dice is not None else None,
        warnings=tuple(warnings),
        public=public,
    )


__all__ = [
    "NOT_CHOICES",
    "SETUP",
    "Choice",
    "ChoiceWords",
    "Comparison",
    "ComparisonError",
    "Divergence",
    "Figures",
    "PairLine",
    "Phase",
    "Played",
    "Syndicate",
    "compare",
    "dice_differ",
    "divergence",
    "figures",
    "phases",
    "public_divergence",
    "same_scenario",
]
