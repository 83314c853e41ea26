"""The cohort debrief as a file: syndicates' sessions of one scenario compared, in Markdown or
one self-contained HTML page (docs/compare.md).

:func:`load_comparison` reads the logs, builds each syndicate's own report exactly as
``detente report`` does (:func:`~detente.tui.render.report.report_of`) and hands them to
:func:`detente.engine.compare.compare`; this module lays the comparison out with the report's
blocks, Markdown and HTML writers, CSS and chart, so a figure reads here as it reads in the
syndicate's own report. The TUI's compare screen says the same things with
:func:`outcome_words`, :func:`divergence_words` and :func:`figure_rows`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.engine.commands import FACILITATOR
from detente.engine.compare import Comparison, ComparisonError, Figures, Played, Syndicate, compare
from detente.engine.ruleset import default_title
from detente.engine.views import PUBLIC
from detente.tui.render.report import (
    Block,
    Chart,
    Heading,
    Items,
    NamedReport,
    Para,
    Table,
    html_block,
    html_page,
    line_chart,
    markdown,
)
from detente.tui.render.text import Names

if TYPE_CHECKING:
    from detente.engine.aar_model import ExpectationFact, RatingFact

FORMATS = ("md", "html")
"""The comparison's ``--format`` names."""
SUFFIX = {"md": ".md", "html": ".html"}


# -- from logs -----------------------------------------------------------------------------------


def syndicate_names(count: int, given: Sequence[str] | None = None) -> list[str]:
    """``Syndicate 1`` … ``Syndicate N``, or the names given (as many as the logs, none empty or
    twice); ``ComparisonError`` otherwise."""
    if not given:
        return [f"Syndicate {i}" for i in range(1, count + 1)]
    names = [n.strip() for n in given]
    if len(names) != count:
        raise ComparisonError(f"--names: {len(names)} name{'s' if len(names) != 1 else ''} for {count} logs; "
                              "give one name per log, in the order of the logs")
    if any(not n for n in names):
        raise ComparisonError("--names: a name is empty")
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice is not None:
        raise ComparisonError(f"--names: {twice!r} is given twice; each syndicate needs a name of its own")
    return names


def check_logs(paths: Sequence[str | os.PathLike[str]]) -> None:
    """Refuse fewer than two logs, a log that is not there, and one log given twice (by any
    path), before anything is read."""
    if len(paths) < 2:
        raise ComparisonError("a comparison needs two or more logs (one per syndicate)")
    seen: dict[tuple[int, int], str] = {}
    for p in paths:
        if not Path(p).is_file():
            raise ComparisonError(f"{os.fspath(p)}: no such log file")
        st = os.stat(p)
        key = (st.st_dev, st.st_ino)
        if key in seen:
            raise ComparisonError(f"{seen[key]} and {os.fspath(p)}: the same log twice; give each "
                                  "syndicate's own log")
        seen[key] = os.fspath(p)


def load_comparison(
    paths: Sequence[str | os.PathLike[str]], names: Sequence[str] | None = None, role: str = FACILITATOR,
) -> Comparison:
    """The comparison of the sessions logged at ``paths`` (one per syndicate), named ``names``
    (default ``Syndicate 1`` …). Each syndicate's figures come from its own facilitator's report.

    Raises :class:`~detente.engine.compare.ComparisonError` (fewer than two logs, one twice, logs
    of different scenarios, names that do not fit) and :class:`~detente.engine.log.LogError` (a
    missing or damaged log). ``role``: ``facilitator`` (everything) or ``public`` (the copy for the
    whole room: each syndicate's public report, the divergence the public saw, no seed, no dice)."""
    from detente.engine.compare import same_scenario

    if role not in (FACILITATOR, PUBLIC):
        raise ComparisonError(f"--as {role}: a comparison is the facilitator's or the public's")
    from detente.engine.recorder import replay
    from detente.tui.render.report import report_of

    check_logs(paths)
    called = syndicate_names(len(paths), names)
    replays = [replay(p) for p in paths]
    same_scenario((os.fspath(p), r.contents.header) for p, r in zip(paths, replays, strict=True))
    played = []
    for name, p, rep in zip(called, paths, replays, strict=True):
        report = report_of(rep, role)
        played.append(Played(name=name, file=Path(p).name, header=rep.contents.header,
                             records=rep.contents.records, report=report, ending=report.ending_name))
    session = replays[0].session
    return compare(played, session.scenario, session.ruleset, Names.of(session.scenario, session.ruleset),
                   public=role == PUBLIC)


def default_path(first_log: str | os.PathLike[str], fmt: str, role: str = FACILITATOR) -> Path:
    """Where the comparison goes when no path is given: beside the first log,
    ``NAME.compare.EXT`` (the public copy: ``NAME.compare-public.EXT``)."""
    log = Path(first_log)
    tail = "" if role == FACILITATOR else f"-{role}"
    return log.with_name(f"{log.stem}.compare{tail}{SUFFIX[fmt]}")


# -- words ---------------------------------------------------------------------------------------


def names_of(c: Comparison) -> Names:
    """The names the comparison is said in (its first syndicate's report's)."""
    r = c.syndicates[0].report
    if isinstance(r, NamedReport):
        return r.names
    return Names(actors={**{al.id: al.name for al in r.alliances}, **{t.id: t.name for t in r.teams}})


def where(c: Comparison, turn: int, phase: str) -> str:
    """``Day 2, communications``; ``the start`` before the first turn."""
    return "the start" if turn == 0 else f"{c.label(turn)}, {phase}"


def outcome_words(c: Comparison, s: Syndicate) -> tuple[str, str, str]:
    """How a syndicate's session ended: (outcome, on which turn, why), as its report says it."""
    o = s.figures.outcome
    if o is None:
        last = c.label(s.figures.turns) if s.figures.turns else "the start"
        return "not ended", f"the log stops at {last}", ""
    return Names.outcome_name(o.result), c.label(o.turn), o.reason


def ending_words(s: Syndicate) -> str:
    """The ending a syndicate reached, in words: a rule ending's name (``the turn limit``), or
    one of the scenario's own endings, which the file names only by its id (``Agreement holds``)."""
    r = s.report
    if isinstance(r, NamedReport) and r.ending is not None and r.ending[0] == "scenario":
        return f"the scenario's ending “{default_title(s.figures.ending)}”"
    return s.figures.ending or "—"


def who(c: Comparison, actor: str) -> str:
    if not actor:  # the public copy: the line says who
        return ""
    return "the facilitator" if actor == FACILITATOR else names_of(c).actor_name(actor)


def divergence_words(c: Comparison) -> tuple[str, list[tuple[str, list[str]]], str]:
    """The divergence point in words: (the sentence, per syndicate its name and what it chose
    there, one line per choice, and what to make of the dice)."""
    d = c.divergence
    if d is None:
        until = where(c, *c.alike_until) if c.alike_until is not None else "the start"
        head = (f"The syndicates made the same choices in every phase all of them reached (up to {until}): "
                "no divergence.")
        rows: list[tuple[str, list[str]]] = []
    else:
        head = (f"The choices first differ on {where(c, d.turn, d.phase)}; before it every syndicate "
                "chose the same.")
        rows = [(s.name, [f"{who(c, x.actor)} {x.words}".strip() for x in chose])
                for s, chose in zip(c.syndicates, d.chose, strict=True)]
    if c.dice is not None:
        at = where(c, *c.dice)
        same = d is not None and (d.turn, d.phase) == c.dice
        dice = (f"The dice differ from {at}, " + ("the phase the choices first differ in" if same
                                                  else "before any choice differed")
                + ": differences from there on may come from the dice, not only from the choices.")
    elif c.same_dice:
        dice = ("Every syndicate played with the same dice" + ("" if c.public else " (one seed, one machine)")
                + ": up to this point everything happened alike, and what differs after it follows from "
                "the choices.")
    else:
        dice = "The dice drew the same up to this point, though the seeds differ: later draws may differ."
    return head, rows, dice


def _pct(p: float | None) -> str:
    return "—" if p is None else f"{p:.1%}"


def figure_rows(c: Comparison) -> list[tuple[str, ...]]:
    """Calls, pledges, incidents and near misses: one row per figure, a column per syndicate."""
    rows: list[tuple[str, Any]] = [
        ("hotline calls placed", lambda f: f.calls_placed),
        ("answered", lambda f: f.calls_answered),
        ("declined", lambda f: f.calls_declined),
        ("unanswered", lambda f: f.calls_unanswered),
        ("pledges made", lambda f: f.pledges_made),
        ("kept", lambda f: f.pledges_kept),
        ("broken", lambda f: f.pledges_broken),
        ("still in force", lambda f: f.pledges_active),
        ("incidents", lambda f: f.incidents_happened),
        ("contained", lambda f: f.incidents_contained),
        ("near misses", lambda f: f.near_misses),
        ("gaps between words and deeds", lambda f: f.gaps),
    ]
    return [(label, *(str(get(s.figures)) for s in c.syndicates)) for label, get in rows]


def risk_rows(c: Comparison) -> list[tuple[str, ...]]:
    """The risk each syndicate ran beside what happened: one row per syndicate."""
    out: list[tuple[str, ...]] = []
    for s in c.syndicates:
        f: Figures = s.figures
        expected = "—" if f.incidents_expected is None else f"{f.incidents_expected:.2f}"
        outcome, when, _ = outcome_words(c, s)
        out.append((s.name, _pct(f.risk), _pct(f.incident_chance), expected, str(f.incidents_happened),
                    f"{outcome} ({when})"))
    return out


def tension_cell(f: Figures, a: str, b: str, turn: int) -> str:
    """``55 (rung 5)``; empty where that syndicate's log does not reach the turn."""
    line = next((p for p in f.pairs if (p.a, p.b) == (a, b)), None)
    if line is None or turn not in line.values:
        return ""
    v = line.values[turn]
    return f"{'' if v is None else v} (rung {line.rungs[turn]})".strip()


def _status(x: ExpectationFact) -> str:
    """An expectation's status as the report's Expectations section says it."""
    if x.status == "open":
        return "open" if x.checked else "not rated"
    return x.status if x.checked else f"{x.status} (rated)"


def expectation_rows(c: Comparison) -> list[tuple[str, ...]]:
    """Each expectation any syndicate reached, with its status per syndicate ("—": not reached)."""
    order: dict[str, ExpectationFact] = {}
    for s in c.syndicates:
        for x in s.figures.expectations:
            order.setdefault(x.id, x)
    rows = []
    for key, x in order.items():
        cells = []
        for s in c.syndicates:
            mine = next((y for y in s.figures.expectations if y.id == key), None)
            cells.append("—" if mine is None else _status(mine))
        rows.append((x.inject, x.text, *cells))
    return rows


def _rated(q: RatingFact | None) -> str:
    if q is None:
        return "—"
    if q.rating:
        return f"{q.rating} (rated)"
    return f"{q.suggested} (suggested)" if q.suggested else "—"


def rating_rows(c: Comparison) -> list[tuple[str, ...]]:
    """The HSEEP ratings: the exercise's for each learning objective and capability, and a team's
    where a syndicate rated one; a rating a person gave, else the one the expectations suggest."""
    n = names_of(c)
    keys: dict[tuple[int, str, str], str] = {}
    for s in c.syndicates:
        for q in s.figures.ratings:
            if not q.about or q.rating:
                label = f"learning objective {q.objective_n}" if q.objective_n else q.objective
                keys.setdefault((q.objective_n, q.objective.casefold(), q.about), label)
    rows = []
    for (num, text, about), label in keys.items():
        cells = []
        for s in c.syndicates:
            mine = next((x for x in s.figures.ratings
                         if (x.objective_n, x.objective.casefold(), x.about) == (num, text, about)), None)
            cells.append(_rated(mine))
        rows.append((label, n.actor_name(about) if about else "the exercise", *cells))
    return rows


# -- the document --------------------------------------------------------------------------------


def document(c: Comparison) -> list[Block]:
    """The comparison as the report's blocks, in reading order."""
    heads = tuple(s.name for s in c.syndicates)
    out: list[Block] = [
        Heading(1, f"Cohort debrief: {c.title}"),
        Para(f"scenario {c.scenario_id} · {len(c.syndicates)} syndicates · "
             + ("for the whole room: what the public saw in each syndicate (no sealed orders, private "
                "calls, dice or ratings)" if c.public else "for the facilitator")),
    ]
    out += [Para(f"Warning: {w}", strong=True) for w in c.warnings]
    if c.public:
        out.append(Table(("syndicate", "log", "turns played"), tuple(
            (s.name, s.file, str(s.figures.turns)) for s in c.syndicates)))
    else:
        out.append(Table(("syndicate", "log", "seed", "turns played"), tuple(
            (s.name, s.file, "" if s.seed is None else str(s.seed), str(s.figures.turns))
            for s in c.syndicates)))

    out.append(Heading(2, "Outcomes"))
    rows = []
    for s in c.syndicates:
        outcome, when, why = outcome_words(c, s)
        rows.append((s.name, outcome, ending_words(s), when, why or "—"))
    out.append(Table(("syndicate", "outcome", "ending", "on", "why"), tuple(rows)))
    n = names_of(c)
    scorers = list(dict.fromkeys(k for s in c.syndicates for k in s.figures.scores))
    out.append(Table(("objective points", *heads), tuple(
        (n.actor_name(k), *(str(s.figures.scores.get(k, "—")) for s in c.syndicates)) for k in scorers)))

    out.append(Heading(2, "Where the choices diverged"))
    head, chose, dice = divergence_words(c)
    out.append(Para(head, strong=True))
    for name, lines in chose:
        out += [Heading(3, name), Items(tuple(lines))]
    out.append(Para(dice))

    out += _tension(c)

    out.append(Heading(2, "Calls, pledges, incidents and near misses"))
    out.append(Table(("", *heads), tuple(figure_rows(c))))

    out.append(Heading(2, "The risk that was run, beside what happened"))
    out.append(Para("The risk of open conflict each syndicate ran, from its incident rolls "
                    "(1 − Π(1 − p_conflict per turn)), beside the incidents that happened and how its "
                    "session ended: a syndicate is judged on its decisions, not on its dice."))
    out.append(Table(("syndicate", "risk of open conflict run", "chance of at least one incident",
                      "expected incidents", "incidents that happened", "outcome"), tuple(risk_rows(c))))

    expected = expectation_rows(c)
    if expected:
        out.append(Heading(2, "Expectations"))
        counts = tuple(", ".join(f"{k} {s.figures.expected(k)}" for k in ("met", "partly", "missed", "open"))
                       for s in c.syndicates)
        out.append(Table(("inject", "expected", *heads), (*expected, ("", "in all", *counts))))
    rated = rating_rows(c)
    if rated:
        out.append(Heading(2, "Ratings (HSEEP)"))
        objectives = c.syndicates[0].report.learning_objectives
        if objectives:
            out.append(Items(tuple(f"learning objective {i}: {t}" for i, t in enumerate(objectives, 1))))
        out.append(Para("P performed without challenges, S with some challenges, M with major challenges, "
                        "U unable to be performed: a rating a person gave, or else the one the expectations "
                        "suggest."))
        out.append(Table(("rated", "for", *heads), tuple(rated)))
    out.append(Para("How each figure is counted and how the divergence point is found: see docs/compare.md; "
                    "each figure is the one in that syndicate's own report (detente report LOG)."))
    return out


def _tension(c: Comparison) -> list[Block]:
    """The escalation value per pair, one chart and one table per pair, a column per syndicate."""
    r = c.syndicates[0].report
    track = r.tracks.get(c.escalation)
    if track is None:
        return []
    what = track.label.lower()
    n = names_of(c)
    out: list[Block] = [Heading(2, f"{track.label} per pair"),
                        Para(f"Each syndicate's {what} (and ladder rung) at the end of each turn.")]
    turns = sorted(c.labels)
    for a, b in c.pairs:
        out.append(Heading(3, n.pair_name(a, b)))
        out.append(Chart(f"pair:{a}:{b}"))
        rows = [(c.label(t), *(tension_cell(s.figures, a, b, t) for s in c.syndicates)) for t in turns]
        peaks = ("peak", *("" if (p := _line(s, a, b)) is None or p.peak is None else str(p.peak)
                          for s in c.syndicates))
        out.append(Table(("turn", *(s.name for s in c.syndicates)), (*rows, peaks)))
    return out


def _line(s: Syndicate, a: str, b: str) -> Any:
    return next((p for p in s.figures.pairs if (p.a, p.b) == (a, b)), None)


def charts(c: Comparison) -> dict[str, str]:
    """One chart per pair: every syndicate's escalation value overlaid, on the value's whole range."""
    r = c.syndicates[0].report
    track = r.tracks.get(c.escalation)
    if track is None:
        return {}
    turns = sorted(c.labels)
    labels = [c.label(t) for t in turns]
    span = "" if track.range is None else f"{track.range[0]:g}–{track.range[1]:g}"
    top = r.breakdown_rung
    n = names_of(c)
    out = {}
    for a, b in c.pairs:
        lines = []
        for s in c.syndicates:
            line = _line(s, a, b)
            values = line.values if line is not None else {}
            lines.append((s.name, [values.get(t) for t in turns]))
        out[f"pair:{a}:{b}"] = line_chart(
            f"{track.label}: {n.pair_name(a, b)} ({span})", labels, lines,
            ylim=track.range or (0, 100),
            line=None if top is None else (top * 10, f"open conflict (rung {top})"),
            ylabel=f"{track.label.lower()} ({span})",
        )
    return out


def render(c: Comparison, fmt: str) -> str:
    """The comparison as text in ``fmt`` (``md`` or ``html``)."""
    if fmt == "md":
        return markdown(document(c))
    if fmt == "html":
        drawn = charts(c)
        return html_page(f"Cohort debrief: {c.title}", (html_block(b, drawn) for b in document(c)))
    raise ValueError(f"unknown comparison format {fmt!r} (formats: {', '.join(FORMATS)})")


__all__ = [
    "FORMATS",
    "charts",
    "check_logs",
    "default_path",
    "divergence_words",
    "document",
    "ending_words",
    "expectation_rows",
    "figure_rows",
    "load_comparison",
    "names_of",
    "outcome_words",
    "rating_rows",
    "render",
    "risk_rows",
    "syndicate_names",
    "tension_cell",
    "where",
    "who",
]
