"""Dry runs: play a scenario many times in memory with bots, and sum up how it tends to go.

Pure: no files, no clock, no processes. Run ``i`` of a dry run with seed ``S`` plays with the
seed :func:`run_seed` ``(S, i)`` and nothing else, so runs can be shared among processes in
any way and still give the same results, and any single run can be replayed on its own.

>>> results = [play_run(scenario, {"red": BOTS["hawk"]}, seed=7, run=i) for i in range(100)]  # doctest: +SKIP
>>> summarise(scenario, results).outcomes[0]                                               # doctest: +SKIP
Share(outcome='conflict', count=31, share=0.31, low=0.229, high=0.404)
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import field, frozen

from detente.engine.adjudicate import Sink
from detente.engine.bots import BOTS, Policy, next_command, scenario_bots
from detente.engine.ruleset import Ruleset, find_ruleset
from detente.engine.scenario import Scenario
from detente.engine.session import Accepted, Session, new_session
from detente.engine.state import Outcome

ENGINE_ENDINGS: Mapping[str, tuple[str, str]] = {
    "turn-limit": ("turn-limit", "the turn limit"),
    "ended": ("ended", "ended early by the facilitator"),
}
"""The endings every session has whatever its ruleset, by key: (outcome, name)."""


def rule_endings(ruleset: Ruleset) -> dict[str, tuple[str, str]]:
    """The ruleset's own endings and the engine's, by key: (outcome, name). A run ends in one of
    these or in one of the scenario's ``[[endings]]``, so that an author can tell, say, an
    invasion written into the scenario from a spiral of incidents, though both are ``conflict``."""
    return {**{e.name: (e.outcome, e.summary) for e in ruleset.endings}, **ENGINE_ENDINGS}


def main_outcomes(ruleset: Ruleset) -> tuple[str, ...]:
    """Outcomes always listed in a summary, even when no run ended that way: the ruleset's, and
    the turn limit. A scenario's own endings (``scenario``) and a facilitator's early end
    (``ended``) are listed when they occur."""
    return (*ruleset.outcomes, "turn-limit")


MAX_COMMANDS = 100_000
"""A run that has not ended after this many commands is a bug in a policy or a rule."""


@frozen
class RunResult:
    """How one run went."""

    run: int
    """Its index in the dry run, from 0."""
    seed: int
    """The session seed it played with (see :func:`run_seed`)."""
    outcome: str
    """One of :data:`detente.engine.scenario.OUTCOMES`."""
    reason: str
    turn: int
    """The turn it ended on."""
    peak: int
    """The highest escalation value (:attr:`Ruleset.escalation`) of any pair at any moment."""
    injects: tuple[str, ...]
    """Ids of the scripted injects that fired at least once, in the scenario's order."""
    scores: Mapping[str, int]
    """Objective points per team."""
    ending: str = ""
    """The ending it reached: a scenario ending's id, or a key of :func:`rule_endings`."""
    ending_from: str = "rules"
    """``scenario`` (one of its ``[[endings]]``) or ``rules`` (the ruleset's own)."""
    names: RunNames = field(factory=lambda: RunNames())
    """What the ruleset calls the figures (for records people read)."""

    @property
    def breakdown_turn(self) -> int | None:
        """The turn the ruleset's breakdown outcome (:attr:`Ruleset.breakdown`: conflict) broke
        out, or None if the run did not end so."""
        return self.turn if self.names.breakdown and self.outcome == self.names.breakdown else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record; the figures are named after the ruleset's values
        (``conflict_turn``, ``peak_tension`` for the bundled ruleset)."""
        return {
            "run": self.run,
            "seed": self.seed,
            "outcome": self.outcome,
            "ending": self.ending,
            "ending_from": self.ending_from,
            "reason": self.reason,
            "turn": self.turn,
            self.names.breakdown_key: self.breakdown_turn,
            self.names.peak_key: self.peak,
            "scores": dict(self.scores),
            "injects": list(self.injects),
        }


@frozen
class RunNames:
    """What a ruleset calls a dry run's figures: its escalation value and breakdown outcome."""

    escalation: str = ""
    """:attr:`Ruleset.escalation` (``tension``)."""
    breakdown: str = ""
    """:attr:`Ruleset.breakdown` (``conflict``)."""

    @property
    def peak_key(self) -> str:
        """The record's name for the peak (``peak_tension``)."""
        return f"peak_{self.escalation}" if self.escalation else "peak"

    @property
    def breakdown_key(self) -> str:
        """The record's name for the breakdown's turn (``conflict_turn``)."""
        return f"{self.breakdown}_turn" if self.breakdown else "breakdown_turn"

    @classmethod
    def of(cls, ruleset: Ruleset) -> RunNames:
        return cls(ruleset.escalation, ruleset.breakdown)


def ending_of(scenario: Scenario, outcome: Outcome, marks: Mapping[str, Any]) -> tuple[str, str]:
    """Which ending a session reached: ``("scenario", ending id)`` or ``("rules", key of
    rule_endings)``. A scenario ending is known by its outcome and reason (two endings with
    the same outcome and reason count as the first); a ruleset's by its outcome and, where
    several share one, by the marker it leaves in ``marks`` (the final state's).

    >>> ending_of(scenario, Outcome("turn-limit", "last turn", 6), {})  # doctest: +SKIP
    ('rules', 'turn-limit')
    """
    if outcome.result != "ended":
        for e in scenario.endings:
            if e.outcome == outcome.result and e.reason == outcome.reason:
                return "scenario", e.id
    ruleset = find_ruleset(scenario.rules.name)
    for ending in ruleset.endings:
        if ending.outcome == outcome.result and (not ending.mark or marks.get(ending.mark)):
            return "rules", ending.name
    return "rules", outcome.result


def ending_name(scenario: Scenario, ending_from: str, ending: str) -> str:
    """An ending as a person reads it: a scenario ending's title if it has one, else its id
    (which the author typed in the file); a rule ending's name."""
    if ending_from == "scenario":
        e = next((e for e in scenario.endings if e.id == ending), None)
        return str(getattr(e, "title", "") or ending)
    known = rule_endings(find_ruleset(scenario.rules.name))
    return known[ending][1] if ending in known else ending


def run_seed(seed: int, run: int) -> int:
    """The session seed of run ``run`` of a dry run seeded ``seed`` (48 bits of BLAKE2b).

    >>> run_seed(7, 0) == run_seed(7, 0) != run_seed(7, 1)
    True
    """
    digest = hashlib.blake2b(f"{seed}:run:{run}".encode(), digest_size=6).digest()
    return int.from_bytes(digest, "big")


def play_run(
    scenario: Scenario,
    bots: Mapping[str, Policy],
    *,
    seed: int,
    run: int,
    template: Session | None = None,
    full: bool = False,
) -> RunResult:
    """Play run ``run`` to its end in memory: ``bots`` play their teams, the scenario's bots
    the actors no team plays (:func:`~detente.engine.bots.scenario_bots`, the facilitator's
    included: no one is at the console) and ``random`` the others. ``template`` (a session of
    the same scenario) saves looking up its ruleset again.

    The run's events leave out what a dry run never reads (:func:`thin_sink`: rolls and the
    changes of values but the escalation value) unless ``full``; the result is the same."""
    base = template if template is not None else new_session(scenario)
    s = run_seed(seed, run)
    session = Session(scenario, base.ruleset, s, base.numbers)
    if not full:
        session.sink = thin_sink(base.ruleset)
    stand_ins = scenario_bots(scenario, stand_ins=True)
    players = {team: bots.get(team) or stand_ins.get(team) or BOTS["random"] for team in scenario.actor_ids}
    events: list[Any] = []
    ladder = base.ruleset.escalation
    peak = max(session.state.values[ladder].values(), default=0) if ladder else 0
    for _ in range(MAX_COMMANDS):
        cmd = next_command(session.state, session.ruleset, players, seed=s, events=events)
        if cmd is None:
            break
        result = session.decide(cmd)
        if not isinstance(result, Accepted):  # pragma: no cover - a bot only issues legal commands
            raise AssertionError(f"run {run}: a bot issued a refused command {cmd!r}: {result.reason}")
        session.commit(result)
        for e in result.events:
            if e["kind"] == "changed" and e["value"] == ladder and e["to"] > peak:
                peak = e["to"]
        events += result.events
    else:  # pragma: no cover
        raise AssertionError(f"run {run} did not end after {MAX_COMMANDS} commands")
    st = session.state
    assert st.outcome is not None
    ending_from, ending = ending_of(scenario, st.outcome, st.marks)
    return RunResult(
        run=run,
        seed=s,
        outcome=st.outcome.result,
        reason=st.outcome.reason,
        turn=st.outcome.turn,
        peak=int(peak),
        names=RunNames.of(base.ruleset),
        injects=tuple(inj.id for inj in scenario.injects if inj.id in st.fired),
        scores={a: int(st.outcome.scores.get(a, 0)) for a in scenario.actor_ids},
        ending=ending,
        ending_from=ending_from,
    )


def thin_sink(ruleset: Ruleset) -> Sink:
    """What a dry run's events keep: no rolls, and of the changes of values only those of the
    escalation value (for its peak)."""
    return Sink(rolls=False, changes=frozenset({ruleset.escalation} - {""}))


def play_runs(
    scenario: Scenario, bots: Mapping[str, Policy], *, seed: int, runs: Iterable[int]
) -> list[RunResult]:
    """:func:`play_run` for each index in ``runs``."""
    template = new_session(scenario)
    return [play_run(scenario, bots, seed=seed, run=i, template=template) for i in runs]


# -- summing up ----------------------------------------------------------------------------------


@frozen
class Share:
    """How many runs ended one way, with a 95% Wilson score interval for the share."""

    outcome: str
    count: int
    share: float
    """0–1."""
    low: float
    high: float


@frozen
class EndingShare:
    """How many runs reached one ending, with a 95% Wilson score interval for the share."""

    ending_from: str
    """``scenario`` or ``rules``."""
    ending: str
    """A scenario ending's id, or a key of :func:`rule_endings`."""
    name: str
    """As a person reads it (see :func:`ending_name`)."""
    outcome: str
    """The outcome class it counts towards."""
    count: int
    share: float
    """0–1."""
    low: float
    high: float


@frozen
class Spread:
    """Mean, standard deviation (of the sample), least and greatest of some numbers."""

    n: int
    mean: float
    sd: float
    min: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread | None:
        """None for no values."""
        if not values:
            return None
        n = len(values)
        mean = sum(values) / n
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
        return cls(n=n, mean=mean, sd=sd, min=min(values), max=max(values))


@frozen
class Summary:
    """What a dry run shows."""

    runs: int
    outcomes: tuple[Share, ...]
    """The main outcomes first (see :func:`main_outcomes`), then any other that occurred."""
    peak: Spread
    """The escalation value's peak in each run."""
    injects: tuple[tuple[str, str, float], ...]
    """Every scripted inject: (id, title, share of runs in which it fired)."""
    scores: Mapping[str, Spread]
    """Objective points per team."""
    breakdown_turns: Mapping[int, int]
    """Turn → runs in which the breakdown outcome (conflict) broke out then (sorted by turn)."""
    breakdown_turn: Spread | None
    """When it broke out, over the runs that ended so."""
    names: RunNames = field(factory=lambda: RunNames())
    """What the ruleset calls the figures."""
    endings: tuple[EndingShare, ...] = ()
    """Every ending of the scenario (even one no run reached) and each rule ending some run
    reached, the most frequent first (then the scenario's in file order, then the rules')."""


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval for a share of ``k`` out of ``n`` (95% by default).

    >>> [round(x, 3) for x in wilson(0, 10)]
    [0.0, 0.278]
    """
    if n <= 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z / d * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def summarise(scenario: Scenario, results: Sequence[RunResult]) -> Summary:
    """Sum up a dry run's results (at least one)."""
    n = len(results)
    if n == 0:
        raise ValueError("no runs to sum up")
    ruleset = find_ruleset(scenario.rules.name)
    main, known = main_outcomes(ruleset), rule_endings(ruleset)
    counts = Counter(r.outcome for r in results)
    names = [*main, *sorted(o for o in counts if o not in main)]
    outcomes = tuple(Share(o, counts[o], counts[o] / n, *wilson(counts[o], n)) for o in names)
    fired = Counter(i for r in results for i in r.injects)
    reached = Counter((r.ending_from, r.ending) for r in results)
    keys = [("scenario", e.id) for e in scenario.endings]
    keys += [("rules", k) for k in known if ("rules", k) in reached]
    keys += sorted(k for k in reached if k not in keys)
    outcome_of = {("scenario", e.id): e.outcome for e in scenario.endings}
    outcome_of |= {("rules", k): o for k, (o, _) in known.items()}
    endings = sorted(
        (EndingShare(by, key, ending_name(scenario, by, key), outcome_of.get((by, key), ""),
                     reached[by, key], reached[by, key] / n, *wilson(reached[by, key], n))
         for by, key in keys),
        key=lambda e: -e.count,  # stable: ties keep the order of ``keys``
    )
    broke = [r.breakdown_turn for r in results if r.breakdown_turn is not None]
    peak = Spread.of([r.peak for r in results])
    assert peak is not None
    return Summary(
        runs=n,
        outcomes=outcomes,
        peak=peak,
        injects=tuple((inj.id, inj.title, fired[inj.id] / n) for inj in scenario.injects),
        # Spread.of is None only for no values, and every run scores every team.
        scores={a: Spread.of([r.scores.get(a, 0) for r in results]) for a in scenario.actor_ids},  # type: ignore[misc]
        breakdown_turns=dict(sorted(Counter(broke).items())),
        breakdown_turn=Spread.of(broke),
        names=RunNames.of(ruleset),
        endings=tuple(endings),
    )


__all__ = [
    "ENGINE_ENDINGS",
    "EndingShare",
    "RunNames",
    "RunResult",
    "Share",
    "Spread",
    "Summary",
    "ending_name",
    "ending_of",
    "main_outcomes",
    "play_run",
    "play_runs",
    "rule_endings",
    "run_seed",
    "summarise",
    "wilson",
]
