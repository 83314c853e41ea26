"""The after-action report as a file: Markdown, a self-contained HTML page, or CSV.

The facts come from :func:`detente.engine.aar.build`; this module only lays them out.
Both text formats are rendered from one document (a list of blocks), so the Markdown and
the HTML say the same things; the HTML adds charts as inline SVG drawn by matplotlib
(imported only when an HTML report is written). Team-written text — statements, call
transcripts, notes, override reasons — is escaped for the format it goes into.

The TUI's end screen renders with :func:`render` and writes through :mod:`detente.tui.render.output`.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import attrs
from attrs import field, frozen

from detente.engine.aar import PairTurn, Report, build
from detente.engine.argued import odds_words
from detente.engine.commands import EVALUATOR, FACILITATOR, SEES_ALL
from detente.engine.state import initial_state
from detente.engine.tracks import EVERYONE, Track
from detente.engine.views import PUBLIC
from detente.tui.render.text import Names, played_by, player

if TYPE_CHECKING:
    from detente.engine.recorder import Replayed

FORMATS = ("md", "html", "csv")
"""The report formats, by the ``--format`` names (the after-action report's are
:data:`detente.tui.render.aar.AAR_FORMATS`)."""
SUFFIX = {"md": ".md", "html": ".html", "csv": ".csv", "aar": ".md", "aar-html": ".html"}


# -- from a log ----------------------------------------------------------------------------------


@frozen
class NamedReport(Report):
    """A report with the scenario's names to say it in: what :func:`load_report` gives. A bare
    :class:`Report` renders too, with only the teams' and alliances' names."""

    names: Names = field(factory=Names)
    ending: tuple[str, str] | None = None
    """How the session ended (:func:`detente.engine.simulate.ending_of`): ``("scenario", id)``
    or ``("rules", key)``; None while it has not."""
    ending_name: str = ""
    """That ending as a person reads it."""
    started: str = ""
    """When the session began: its first command's time stamp (UTC, ``2026-03-02T09:15:00.000Z``),
    the one wall-clock time a log holds; empty when it holds none."""


def load_report(log_path: str | os.PathLike[str], role: str = FACILITATOR) -> Report:
    """The report on a logged session for ``role`` (a team id, ``facilitator``, ``evaluator`` or
    ``public``).

    A log cut short (a crash mid-write) reports up to its last complete command, with the
    reader's warning in :attr:`Report.warnings`. Raises :class:`~detente.engine.log.LogError`
    for a missing, damaged or unreadable log and ``ValueError`` for an unknown role.
    """
    from detente.engine.recorder import replay

    return report_of(replay(log_path), role)


def report_of(rep: Replayed, role: str = FACILITATOR) -> NamedReport:
    """The report on a log already read back (:func:`detente.engine.recorder.replay`) for
    ``role``, as :func:`load_report` makes it: what the cohort debrief reads each syndicate's
    figures from. Raises ``ValueError`` for an unknown role."""
    session = rep.session
    if role not in (*SEES_ALL, PUBLIC) and role not in session.scenario.actor_ids:
        roles = ", ".join([FACILITATOR, EVALUATOR, PUBLIC, *session.scenario.actor_ids])
        raise ValueError(f"--as {role}: not a role in this session (roles: {roles})")
    names = Names.of(session.scenario, session.ruleset)
    report = build(
        initial_state(session.scenario, session.numbers),
        rep.events,
        role,
        ladder=session.ruleset.ladder,
        header=rep.contents.header,
        warnings=rep.contents.warnings,
        names=names,
    )
    started = next((str(r.get("at", "")) for r in rep.contents.records if r["kind"] == "command"), "")
    return named(report, names, session.state, started=started)


def named(report: Report, names: Names, final: Any = None, started: str = "") -> NamedReport:
    """``report`` with the names to say it in, (given the final state) how the session ended,
    and when it began (``started``: the first command's time stamp)."""
    from detente.engine.simulate import ending_name, ending_of

    ending: tuple[str, str] | None = None
    said = ""
    if report.outcome is not None and final is not None:
        ending = ending_of(final.scenario, report.outcome, final.marks)
        said = ending_name(final.scenario, *ending)
    fields = {f.name: getattr(report, f.name) for f in attrs.fields(Report)}
    return NamedReport(**fields, names=names, ending=ending, ending_name=said, started=started)


def _names(r: Report) -> Names:
    if isinstance(r, NamedReport):
        return r.names
    return Names(actors={**{al.id: al.name for al in r.alliances}, **{t.id: t.name for t in r.teams}},
                 turn_labels=tuple(r.labels.get(t, "") for t in range(1, r.turns + 1)))


def render(report: Report, fmt: str) -> str:
    """The report as text in ``fmt`` (``md``, ``html`` or ``csv``)."""
    if fmt == "md":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    if fmt == "csv":
        return render_csv(report)
    raise ValueError(f"unknown report format {fmt!r} (formats: {', '.join(FORMATS)})")


def default_path(log_path: str | os.PathLike[str], fmt: str, role: str = FACILITATOR) -> Path:
    """Where a report goes when no path is given: beside the log, ``NAME.report[-ROLE].EXT``
    (the after-action report's formats: ``NAME.aar[-ROLE].EXT``)."""
    log = Path(log_path)
    who = "" if role == FACILITATOR else f"-{role}"
    kind = "aar" if fmt.startswith("aar") else "report"
    return log.with_name(f"{log.stem}.{kind}{who}{SUFFIX[fmt]}")


def write_report(
    log_path: str | os.PathLike[str],
    fmt: str = "html",
    out_path: str | os.PathLike[str] | None = None,
    role: str = FACILITATOR,
) -> Path:
    """Write the report on the session logged at ``log_path`` and return where it went.

    ``fmt`` is ``md``, ``html`` or ``csv``; ``out_path`` defaults to :func:`default_path`
    (beside the log); ``role`` is ``facilitator``, ``public`` or a team id. Raises
    :class:`~detente.engine.log.LogError` (the log), ``ValueError`` (role or format) or
    :class:`~detente.tui.render.output.OutputError` (writing: never over a log, see that module)."""
    from detente.tui.render.output import write_output

    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r} (formats: {', '.join(FORMATS)})")
    text = render(load_report(log_path, role), fmt)
    out = Path(out_path) if out_path is not None else default_path(log_path, fmt, role)
    return write_output(out, text, overwrite=True)


# -- the document both text formats share ----------------------------------------------------------


@frozen
class Heading:
    level: int
    text: str


@frozen
class Para:
    text: str
    strong: bool = False


@frozen
class Table:
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@frozen
class Items:
    items: tuple[str, ...]


@frozen
class Quote:
    lines: tuple[str, ...]


@frozen
class Chart:
    """A chart in the HTML (the Markdown has the same series as a table)."""

    name: str


Block = Heading | Para | Table | Items | Quote | Chart


def _pct(p: float) -> str:
    return f"{p:.1%}"


def _role_words(r: Report) -> str:
    if r.role == FACILITATOR:
        return "the facilitator (everything)"
    if r.role == EVALUATOR:
        return "the evaluator (everything but the facilitator's notes and the teams' notepads)"
    if r.role == PUBLIC:
        return "the public (what every team saw)"
    return f"{r.name(r.role)}: only what this team saw"


def _pair_label(r: Report, a: str, b: str) -> str:
    return _names(r).pair_name(a, b)


def _turn(r: Report, t: int) -> str:
    return r.labels.get(t, f"turn {t}")


def document(r: Report) -> list[Block]:
    """The report as blocks, in reading order."""
    out: list[Block] = [Heading(1, f"After-action report: {r.title}")]
    facts = [f"scenario {r.scenario_id}"]
    if r.source:
        facts.append(f"file {r.source}")
    if r.seed is not None and r.role == FACILITATOR:  # the facts leave it out for the others too
        facts.append(f"seed {r.seed}")
    if r.engine:
        facts.append(f"Détente {r.engine}")
    out.append(Para(" · ".join(facts)))
    out.append(Para(f"Report for {_role_words(r)}."))
    for w in r.warnings:
        out.append(Para(f"Warning: the log was cut short, so this report stops at its last complete "
                        f"entry ({w}).", strong=True))
    if r.lineage:
        out += [Heading(2, "Lineage"), Para("This session was branched from another log."),
                Table(("", ""), tuple((k, v) for k, v in r.lineage))]
    out += _teams(r) + _outcome(r) + _risk(r) + _escalation(r) + _trust(r) + _cohesion(r) + _own_values(r)
    out += _calls(r) + _pledges(r) + _incidents(r) + _near_misses(r) + _gaps(r) + _objectives(r)
    out += _expectations(r) + _arguments(r) + _notes(r)
    out += _timeline(r)
    out.append(Para("Definitions (risk run, near miss, gap between words and deeds): see docs/report.md."))
    return out


def _teams(r: Report) -> list[Block]:
    out: list[Block] = [Heading(2, "Scenario and teams")]
    if r.summary:
        out.append(Para(r.summary))
    if r.learning_objectives:
        out += [Para("What this exercise trains:", strong=True), Items(r.learning_objectives)]
    rows: tuple[tuple[str, ...], ...] = tuple(
        (t.name, ", ".join(r.name(a) for a in t.alliances) or "—") for t in r.teams)
    if any(t.plays != "team" for t in r.teams):  # who plays each, where a team does not
        rows = tuple((*row, player(t.plays, t.bot))
                     for row, t in zip(rows, r.teams, strict=True))
        out.append(Table(("actor", "alliances", "played by"), rows))
    else:
        out.append(Table(("team", "alliances"), rows))
    if r.alliances:
        out.append(Items(tuple(f"{al.name}: {', '.join(r.name(m) for m in al.members)}"
                               for al in r.alliances)))
    return out


def _outcome(r: Report) -> list[Block]:
    out: list[Block] = [Heading(2, "Outcome")]
    if r.outcome is None and r.turns == 0:
        out.append(Para("The log ends before the first turn."))
    elif r.outcome is None:
        out.append(Para(f"The log ends at {_turn(r, r.turns)} before the session ended; points so far."))
    else:
        o = r.outcome
        out.append(Para(f"{Names.outcome_name(o.result).capitalize()} on {_turn(r, o.turn)}: {o.reason}",
                        strong=True))
    out.append(Table(("team", "objective points"), _scored(r)))
    return out


def _scored(r: Report) -> tuple[tuple[str, str], ...]:
    """Each actor's objective points: the teams first, then the actors no team plays, each
    marked with who played it (their points are listed, not ranked with the teams')."""
    plays = {t.id: t for t in r.teams}
    rows = []
    for team_first in (True, False):
        for k, v in r.scores.items():
            t = plays.get(k)
            if (t is None or t.plays == "team") == team_first:
                who = "" if t is None else played_by(t.plays, t.bot)
                rows.append((r.name(k) + (f" ({who})" if who else ""), str(v)))
    return tuple(rows)


def _risk(r: Report) -> list[Block]:
    out: list[Block] = [Heading(2, "The risk that was run")]
    realised = (Names.outcome_name(r.outcome.result) if r.outcome
                else "none yet (the log ends before the session did)")
    how = _how_it_ended(r)
    if r.risk is None:
        out.append(Para(f"Realised outcome: {realised}{how}. The risk run is computed from the dice, which "
                        "only the facilitator sees; it is in the facilitator's report."))
        return out
    k = r.risk
    happened = len(r.hazards)
    out.append(Para(f"Realised outcome: {realised}{how}. Risk of open conflict run: {_pct(k.total)} "
                    f"from incident rolls (1 − Π(1 − p_conflict per turn)).", strong=True))
    out.append(Para(f"Chance of at least one incident: {_pct(k.incident_total)}; expected incidents "
                    f"{k.incidents_expected:.2f}, incidents that happened {happened}."))
    if not k.computable:
        out.append(Para("This ruleset's numbers do not say how incident severity works, so p_conflict "
                        "could not be computed and is shown as 0."))
    rows = []
    for t in k.turns:
        rolls = "; ".join(
            f"{_pair_label(r, *x.between)}: p {x.p_incident:.3f} × {x.p_conflict_if_incident:.0%} "
            f"→ drew {x.value:.3f}{' (incident)' if x.incident else ''}"
            for x in t.rolls
        ) or "no incident roll"
        rows.append((_turn(r, t.turn), _pct(t.p_conflict), _pct(t.p_incident), rolls))
    out.append(Table(("turn", "p_conflict", "p(incident)", "incident rolls: p × share conflict-starting"),
                     tuple(rows)))
    return out


def _how_it_ended(r: Report) -> str:
    """How a conflict came about, so that a risk of 0% from the incident rolls does not read as
    a contradiction of a conflict the scenario or the ladder brought on."""
    o = r.outcome
    if o is None or not r.breakdown or o.result != r.breakdown:
        return ""
    ending = r.ending if isinstance(r, NamedReport) else None
    why = o.reason.rstrip(". ")
    other = (". The risk below counts only the conflict an incident roll could start, a different road"
             if r.risk is not None else "")
    if ending is not None and ending[0] == "scenario":
        return f", through one of the scenario's endings, not an incident roll ({why}){other}"
    if ending is not None and ending[1] == "failed-crisis":
        return f", after a grave incident (an incident roll) opened a crisis that was not contained ({why})"
    if any(i.broke_down for i in r.hazards):
        return f", in the aftermath of an incident (an incident roll): {why}"
    return f", reached on the escalation ladder, not through an incident roll ({why}){other}"


def _series_table(
    r: Report, value: Callable[[PairTurn], str]
) -> Table:
    turns: dict[int, dict[tuple[str, str], PairTurn]] = {}
    for p in (*r.opening, *r.series):
        turns.setdefault(p.turn, {})[(p.a, p.b)] = p
    head = ("turn", *(_pair_label(r, a, b) for a, b in r.pairs))
    rows = tuple(
        (_turn(r, t), *(value(ps[k]) if k in ps else "" for k in r.pairs)) for t, ps in sorted(turns.items())
    )
    return Table(head, rows)


def _cell(x: object) -> str:
    return "" if x is None else str(x)


def _span(track: Track) -> str:
    """A value's range in words (``0–100``); empty without one."""
    return "" if track.range is None else f"{track.range[0]:g}–{track.range[1]:g}"


def _escalation(r: Report) -> list[Block]:
    """The escalation value and the ladder per pair; nothing if the ruleset has no escalation value."""
    track = r.tracks.get(r.escalation)
    if track is None:
        return []
    what = track.label.lower()
    out: list[Block] = [Heading(2, f"Escalation: {what} and ladder rung per pair"), Chart(r.escalation),
                        Chart("rung")]
    out.append(_series_table(r, lambda p: f"{_cell(p.values.get(r.escalation))} (rung {p.rung})"))
    last = {(p.a, p.b): p for p in (*r.opening, *r.series)}
    rows = tuple(
        (_pair_label(r, a, b), _cell(r.peak(a, b)), _cell(last[(a, b)].values.get(r.escalation)),
         f"{last[(a, b)].rung} {last[(a, b)].rung_name}".strip())
        for a, b in r.pairs
    )
    out.append(Table(("pair", f"peak {what}", f"final {what}", "final rung"), rows))
    return out


def _held(r: Report) -> Track | None:
    """The directed value the report follows holder by holder: the ruleset's first (trust in the
    bundled ruleset); None if it has none."""
    return next((t for t in r.tracks.values() if t.scope == "directed"), None)


def _directed(r: Report, track: Track) -> list[tuple[str, str]]:
    return [(c.of[0], c.of[1]) for c in r.changes.get(track.name, ())]  # held by the first about the second


def _held_of(p: PairTurn, name: str, holder: str) -> int | None:
    return p.values.get(f"{name}_ab" if holder == p.a else f"{name}_ba")


def _trust(r: Report) -> list[Block]:
    track = _held(r)
    if track is None:
        return []
    out: list[Block] = [Heading(2, track.label)]
    if not r.changes.get(track.name):
        out.append(Para(f"This role holds no {track.label.lower()} values (they belong to the teams)."))
        return out
    out.append(Chart(track.name))
    turns: dict[int, dict[tuple[str, str], PairTurn]] = {}
    for p in (*r.opening, *r.series):
        turns.setdefault(p.turn, {})[(p.a, p.b)] = p
    directed = _directed(r, track)
    n = _names(r)
    head = ("turn", *(f"{n.actor_name(h)}→{n.actor_name(o)}" for h, o in directed))
    rows = []
    for t, ps in sorted(turns.items()):
        cells = []
        for h, o in directed:
            pair = ps.get((h, o)) or ps.get((o, h))
            v = _held_of(pair, track.name, h) if pair else None
            cells.append("" if v is None else str(v))
        rows.append((_turn(r, t), *cells))
    out.append(Table(head, tuple(rows)))
    changes = tuple((f"{n.actor_name(c.of[0])}→{n.actor_name(c.of[1])}", str(c.start), str(c.end),
                     f"{c.delta:+}") for c in r.changes[track.name])
    out.append(Table(("holder → other", "start", "end", "change"), changes))
    return out


def _cohesion(r: Report) -> list[Block]:
    """A section per alliance value the ruleset tracks (cohesion in the bundled ruleset)."""
    out: list[Block] = []
    for track in (t for t in r.tracks.values() if t.scope == "alliance"):
        out.append(Heading(2, f"Alliance {track.label.lower()}"))
        changes = r.changes.get(track.name, ())
        if not changes:
            none = "No alliance this role belongs to." if r.alliances else "The scenario has no alliance."
            out.append(Para(none))
            continue
        out.append(Chart(track.name))
        names = [c.of[0] for c in changes]
        by_turn: dict[int, dict[str, Any]] = {}
        for x in r.alliance_series:
            if track.name in x.values:
                by_turn.setdefault(x.turn, {})[x.alliance] = x.values[track.name]
        rows = tuple((_turn(r, t), *(str(v.get(a, "")) for a in names)) for t, v in sorted(by_turn.items()))
        out.append(Table(("turn", *(r.name(a) for a in names)), rows))
        out.append(Table(("alliance", "start", "end", "change"),
                         tuple((r.name(c.of[0]), str(c.start), str(c.end), f"{c.delta:+}") for c in changes)))
    return out


def _own_values(r: Report) -> list[Block]:
    """The scenario's own values (its ``[[tracks]]``) the role saw: each from start to end."""
    own = [t for t in r.tracks.values() if t.scenario]
    if not own:
        return []
    rows = []
    for track in own:
        for c in r.changes.get(track.name, ()):
            whose = ("→" if track.scope == "directed" else "–").join(r.name(x) for x in c.of)
            change = "" if track.type is bool or c.delta == 0 else f"{c.delta:+}"
            rows.append((track.label, whose or "—", _setting(c.start), _setting(c.end), change))
    out: list[Block] = [Heading(2, "The scenario's values")]
    if not rows:
        return [*out, Para("None this role saw.")]
    return [*out, Table(("value", "of", "start", "end", "change"), tuple(rows))]


def _setting(x: object) -> str:
    return ("yes" if x else "no") if isinstance(x, bool) else str(x)


def _calls(r: Report) -> list[Block]:
    out: list[Block] = [Heading(2, "Hotline calls")]
    out.append(Para(f"Placed {r.count_calls()}, answered {r.count_calls('answered')}, declined "
                    f"{r.count_calls('declined')}, unanswered {r.count_calls('unanswered')}."))
    if r.role not in SEES_ALL:
        out.append(Para("Only the calls this role was party to are shown."))
    for c in r.calls:
        answers = ", ".join(f"{r.name(t)} {_HOW[how]}" for t, how in c.answers.items()) or "no answer yet"
        out.append(Heading(3, f"{_turn(r, c.turn)}: {r.name(c.by)} called "
                              f"{', '.join(r.name(t) for t in c.to)} — {answers}"))
        if c.transcript:
            out.append(Quote(tuple(f"{r.name(by)}: {text}" for by, text in c.transcript)))
        if any(how == "answered" for how in c.answers.values()):
            n = _names(r)
            tones = "; ".join(f"{r.name(t)}: {n.tone_chosen(c.tones.get(t, ''))}" for t in (c.by, *c.to))
            rated = f" The facilitator rated the call {c.rating:+d}." if c.rating is not None else ""
            out.append(Para(f"Tone: {tones}.{rated}"))
        if c.pledges:
            made = {p.id: p for p in r.pledges}
            said = [_pledge_said(r, made[p]) if p in made else "a pledge" for p in c.pledges]
            out.append(Para(f"Pledges made on this call: {'; '.join(said)}."))
    return out


_HOW = {"answered": "answered", "declined": "declined", "unanswered": "did not answer"}


def _pledge_said(r: Report, p: Any) -> str:
    """``Corvanian Federation to Republic of Azuria: deploy no forces into Velin Strait for 3 turns
    (until Day 5)``."""
    n = _names(r)
    return f"{r.name(p.by)} to {r.name(p.to)}: {n.pledge_text(p.kind, p.region, p.until, p.turn)}"


def _pledges(r: Report) -> list[Block]:
    out: list[Block] = [Heading(2, "Pledges")]
    counts = {s: sum(1 for p in r.pledges if p.status == s) for s in ("kept", "broken", "active")}
    unseen = sum(1 for p in r.pledges if p.unseen)
    also = (f" Breached without its holder detecting it: {unseen} (revealed after the exercise)."
            if unseen else "")
    out.append(Para(f"Made {len(r.pledges)}: kept {counts['kept']}, broken {counts['broken']}, still in "
                    f"force when the log ends {counts['active']}.{also}"))
    if r.pledges:
        n = _names(r)
        out.append(Table(
            ("made", "by", "to", "promise", "status"),
            tuple((_turn(r, p.turn), r.name(p.by), r.name(p.to),
                   n.pledge_text(p.kind, p.region, p.until, p.turn), _pledge_status(r, p))
                  for p in r.pledges)))
    return out


def _pledge_status(r: Report, p: Any) -> str:
    """``kept (Day 4)``; ``kept (Day 4); breached unseen on Day 2`` when its holder missed a breach."""
    status = p.status if p.settled is None else f"{p.status} ({_turn(r, p.settled)})"
    if p.unseen:
        status += f"; breached unseen on {', '.join(_turn(r, t) for t in p.unseen)}"
    return status


def _incidents(r: Report) -> list[Block]:
    out: list[Block] = [Heading(2, "Incidents and how they were contained")]
    if not r.hazards:
        out.append(Para("No incident."))
        return out
    track = r.tracks.get(r.escalation)
    what = track.label.lower() if track is not None else ""
    guard = r.tracks.get(r.guard)

    def n(x: int | None) -> str:
        return "—" if x is None else str(x)

    rows = []
    for i in r.hazards:
        how = []
        if i.guarded and guard is not None:
            how.append(_GUARD_WORDS.get(guard.name, f"{guard.label.lower()} was in force"))
        if i.calls:
            by_id = {c.id: c for c in r.calls}
            how.append("answered " + ", ".join(
                f"call of {_turn(r, by_id[c].turn)} ({r.name(by_id[c].by)} calling)" if c in by_id else "call"
                for c in i.calls))
        verdict = (f"{Names.outcome_name(r.breakdown)} followed" if i.broke_down
                   else "contained" if i.contained else f"{what or 'escalation'} kept rising")
        trace = " → ".join(n(x) for x in (i.escalation_before, i.escalation_after, i.escalation_end,
                                          i.escalation_next))
        rows.append((_turn(r, i.turn), _pair_label(r, *i.between), i.severity, i.text, trace,
                     "; ".join(how) or "—", verdict))
    trace_head = f"{what or 'escalation'}: before → after → turn end → next turn"
    out.append(Table(("turn", "pair", "severity", "what", trace_head, "what helped", "result"), tuple(rows)))
    return out


_GUARD_WORDS = {"agreement": "an incidents agreement was in force"}
"""How the bundled ruleset's guard reads in force; another's reads ``<label> was in force``."""


def _near_misses(r: Report) -> list[Block]:
    out: list[Block] = [Heading(2, "Near misses")]
    if r.near_misses:
        out.append(Items(tuple(f"{_turn(r, m.turn)} ({_NEAR_KINDS.get(m.kind, m.kind)}): {_near_text(r, m)}"
                               for m in r.near_misses)))
    else:
        out.append(Para("None."))
    if r.role not in SEES_ALL:
        out.append(Para("Near misses read from the dice are in the facilitator's report only."))
    return out


_NEAR_KINDS = {"rung": "one rung short", "grave": "grave incident", "dice": "dice", "severity": "severity"}


def _near_text(r: Report, m: Any) -> str:
    # The engine words a rung near miss after the pair's ids; a person reads their names.
    ids = f"{m.between[0]}–{m.between[1]}"
    return _pair_label(r, *m.between) + m.text[len(ids):] if m.text.startswith(ids) else str(m.text)


def _gaps(r: Report) -> list[Block]:
    out: list[Block] = [Heading(2, "Gaps between words and deeds")]
    if not r.gaps:
        out.append(Para("None seen."))
        return out
    out.append(Table(("team", "to", "said", "then did"),
                     tuple((r.name(g.team), r.name(g.to), f"{_turn(r, g.said_turn)}: {_said(r, g)}",
                            f"{_turn(r, g.did_turn)}: {g.did}") for g in r.gaps)))
    return out


def _said(r: Report, g: Any) -> str:
    """What a team said, in names: the engine words a gap's promise after ids."""
    if g.said.startswith("pledge to "):
        p = next((p for p in r.pledges if (p.by, p.to, p.turn) == (g.team, g.to, g.said_turn)
                  and g.said.endswith(f"until turn {p.until}")), None)
        if p is not None:
            return f"pledge to {r.name(p.to)}: {_names(r).pledge_text(p.kind, p.region, p.until, p.turn)}"
    head = g.form.replace("{target}", g.to)
    if g.form and g.said.startswith(head):
        return g.form.replace("{target}", r.name(g.to)) + g.said[len(head):]
    return str(g.said)


def _objectives(r: Report) -> list[Block]:
    out: list[Block] = [Heading(2, "Objectives")]
    if not r.objectives:
        out.append(Para("The teams' objectives are in their own reports."))
        return out
    met = {True: "met", False: "not met", None: "not yet scored"}
    out.append(Table(("team", "objective", "points", "status"),
                     tuple((r.name(o.actor), o.text, str(o.points), met[o.met]) for o in r.objectives)))
    return out


def _expectations(r: Report) -> list[Block]:
    """What each inject's addressees were expected to do and what became of it, with the
    evidence: the logged events that met it, the deadline that passed, a person's reason.
    Nothing when the role saw none (a scenario without expectations; a team during play)."""
    if not r.expectations:
        return []
    rows = []
    for x in r.expectations:
        if x.status == "open":
            status = "not rated" if not x.checked else "open"
            when = f"due {_turn(r, x.due[0])}, {x.due[1]}"
        elif x.checked and x.status == "missed":
            status = "missed"
            when = f"deadline {_turn(r, x.due[0])}, {x.due[1]} passed"
        else:
            status = x.status if x.checked else f"{x.status} (rated)"
            when = f"{_turn(r, x.turn or 0)}, {x.phase}"
        evidence = "; ".join(x.evidence) if x.evidence else x.reason
        serves = " · ".join(s for s in (x.objective, x.capability) if s)
        rows.append((x.inject, ", ".join(r.name(t) for t in x.who), x.text, status, when, evidence, serves))
    return [Heading(2, "Expectations"),
            Para("What each inject's addressees were expected to do: checked from the log where the "
                 "scenario gives a condition, otherwise rated by the facilitator with a reason."),
            Table(("inject", "who", "expected", "status", "when", "evidence or reason", "serves"),
                  tuple(rows))]


def _arguments(r: Report) -> list[Block]:
    """Argued actions: what each team argued and why, the counter-arguments (the facilitator's,
    or a team's own), the odds and the die, what came of it. Nothing when none was argued."""
    if not r.arguments:
        return []
    closed = [a for a in r.arguments if a.closed]
    won = sum(1 for a in closed if a.success)
    lost = sum(1 for a in closed if a.success is False)
    out: list[Block] = [Heading(2, "Argued actions"), Para(
        f"Argued {len(r.arguments)}: succeeded {won}, failed {lost}, closed without a roll "
        f"{len(closed) - won - lost}, still open {len(r.arguments) - len(closed)}.")]
    if r.role not in SEES_ALL:
        out.append(Para("Only what this role saw: its own arguments and counter-arguments, those it "
                        "was asked to counter, and results announced to every team."))
    for a in r.arguments:
        aimed = f" (aimed at {', '.join(r.name(t) for t in a.targets)})" if a.targets else ""
        out.append(Heading(3, f"{_turn(r, a.turn)}: {r.name(a.by)} — “{a.action}”{aimed}"))
        if a.arguments:
            out.append(Quote((f"Arguments: {a.arguments}",)))
        if a.asked:
            out.append(Para(f"Counter-arguments asked of {', '.join(r.name(t) for t in a.asked)}."))
        if a.counters:
            out.append(Quote(tuple(f"{r.name(by)} against: {text}" for by, text in a.counters)))
        if a.odds is not None:
            verdict = "succeeded" if a.success else "failed"
            out.append(Para(f"Odds {odds_words(a.odds)}; the d100 rolled {a.roll}: {verdict}.", strong=True))
        if a.closed:
            told = " (announced to every team)" if a.public else ""
            out.append(Para(f"What came of it{told}: {a.narrative}"))
            if a.changes:
                out.append(Items(a.changes))
        else:
            out.append(Para("Still open: the facilitator had not " +
                            ("narrated the result." if a.odds is not None else "set the odds.")))
    return out


def _notes(r: Report) -> list[Block]:
    """A team's own notepad, read back to it (nothing for anyone else, nor when it wrote none)."""
    if not r.notes:
        return []
    return [Heading(2, "Your notes"),
            Para("What your team wrote in its notepad during the exercise: no one else reads it."),
            Items(tuple(f"{_turn(r, e.turn)}, {e.phase}: {e.text}" for e in r.notes))]


def _timeline(r: Report) -> list[Block]:
    out: list[Block] = [Heading(2, "Timeline")]
    turns: dict[int, list[str]] = {}
    for e in r.timeline:
        turns.setdefault(e.turn, []).append(f"{e.phase} · {e.kind}: {e.text}")
    for t, lines in sorted(turns.items()):
        out += [Heading(3, _turn(r, t)), Items(tuple(lines))]
    return out


# -- Markdown ------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_escape(text: object) -> str:
    """Text safe inside Markdown (and a table cell): markup characters backslash-escaped,
    line breaks folded into spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def render_markdown(r: Report) -> str:
    """The report in Markdown; the charts' series are tables."""
    return markdown(document(r))


def markdown(blocks: Iterable[Block]) -> str:
    """Blocks in Markdown (a chart has no Markdown: its series is a table beside it)."""
    lines: list[str] = []
    for b in blocks:
        lines += markdown_block(b)
    return "\n".join(lines).rstrip() + "\n"


def markdown_block(b: Block) -> list[str]:
    """One block's Markdown lines, with the blank line that ends it; text is escaped."""
    if isinstance(b, Heading):
        return ["#" * b.level + " " + md_escape(b.text), ""]
    if isinstance(b, Para):
        text = md_escape(b.text)
        return [f"**{text}**" if b.strong else text, ""]
    if isinstance(b, Table):
        return ["| " + " | ".join(md_escape(h) for h in b.head) + " |",
                "|" + "|".join("---" for _ in b.head) + "|",
                *("| " + " | ".join(md_escape(c) for c in row) + " |" for row in b.rows), ""]
    if isinstance(b, Items):
        return [*(f"- {md_escape(i)}" for i in b.items), ""]
    if isinstance(b, Quote):
        return [*(f"> {md_escape(x)}  " for x in b.lines), ""]
    return []


# -- HTML ----------------------------------------------------------------------------------------

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d232a;
       max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #1d232a; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #c8ced4; }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #c8ced4; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f4; }
blockquote { border-left: 3px solid #7a8794; margin: .4rem 0 .8rem; padding: .1rem .8rem; color: #38424c; }
.strong { font-weight: 600; }
.warning { background: #fff4d6; border: 1px solid #e0b84c; padding: .5rem .8rem; }
figure { margin: .5rem 0 1rem; }
svg { max-width: 100%; height: auto; }
@media print { h2 { page-break-after: avoid; } }
"""


def render_html(r: Report) -> str:
    """The report as one self-contained HTML page: inline CSS and inline SVG charts, no script,
    no external link — it opens offline."""
    charts = _charts(r)
    return html_page(f"After-action report: {r.title}", (html_block(b, charts) for b in document(r)))


def html_page(title: str, body: Iterable[str], css: str = "") -> str:
    """One self-contained HTML page: ``body`` (HTML, one piece a block) under ``title`` (text),
    with the report's CSS and ``css`` inline."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}{css}</style>\n</head>\n<body>\n"
        + "\n".join(b for b in body if b)
        + "\n</body>\n</html>\n"
    )


def html_block(b: Block, charts: dict[str, str] | None = None) -> str:
    """One block as HTML, text escaped (empty for a chart not among ``charts``)."""
    esc = html.escape
    if isinstance(b, Heading):
        return f"<h{b.level}>{esc(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        cls = ""
        if b.strong:
            cls = ' class="warning"' if b.text.startswith("Warning:") else ' class="strong"'
        return f"<p{cls}>{esc(b.text)}</p>"
    if isinstance(b, Table):
        head = "".join(f"<th>{esc(h)}</th>" for h in b.head)
        rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in b.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(b, Items):
        return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in b.items) + "</ul>"
    if isinstance(b, Quote):
        return "<blockquote>" + "<br>".join(esc(x) for x in b.lines) + "</blockquote>"
    if isinstance(b, Chart) and charts and b.name in charts:
        return f"<figure>{charts[b.name]}</figure>"
    return ""


def _charts(r: Report) -> dict[str, str]:
    """The charts as inline SVG, by name."""
    turns = sorted({p.turn for p in (*r.opening, *r.series)})
    rows = {(p.turn, p.a, p.b): p for p in (*r.opening, *r.series)}
    labels = [_turn(r, t) for t in turns]
    out: dict[str, str] = {}

    def series(get: Callable[[PairTurn], float | None], a: str, b: str) -> list[float | None]:
        return [get(rows[(t, a, b)]) if (t, a, b) in rows else None for t in turns]

    top = r.breakdown_rung
    esc = r.tracks.get(r.escalation)
    if esc is not None:
        out[esc.name] = _svg(
            f"{esc.label} per pair ({_span(esc)})", labels,
            [(_pair_label(r, a, b), series(lambda p: p.values.get(esc.name), a, b)) for a, b in r.pairs],
            ylim=esc.range or (0, 100),
            line=None if top is None else (top * 10, f"open conflict (rung {top})"),
            ylabel=f"{esc.label.lower()} ({_span(esc)})",
        )
        out["rung"] = _svg(
            "Escalation-ladder rung per pair", labels,
            [(_pair_label(r, a, b), series(lambda p: p.rung, a, b)) for a, b in r.pairs],
            ylim=(0, 10), step=True,
            line=None if top is None else (top, _rung_name(r, top) or "open conflict"),
            ylabel="ladder rung (0–10)",
        )
    held = _held(r)
    if held is not None and r.changes.get(held.name):
        lines = []
        for h, o in _directed(r, held):
            a, b = (h, o) if (h, o) in r.pairs else (o, h)
            held_by = partial(_held_of, name=held.name, holder=h)
            lines.append((f"{r.name(h)}→{r.name(o)}", series(held_by, a, b)))
        out[held.name] = _svg(f"{held.label} (holder → other, {_span(held)})", labels, lines,
                              ylim=held.range or (0, 100), ylabel=f"{held.label.lower()} ({_span(held)})")
    for track in (t for t in r.tracks.values() if t.scope == "alliance" and r.changes.get(t.name)):
        by = {(x.turn, x.alliance): x.values.get(track.name) for x in r.alliance_series}
        lines = [(r.name(c.of[0]), [by.get((t, c.of[0])) for t in turns]) for c in r.changes[track.name]]
        out[track.name] = _svg(f"Alliance {track.label.lower()} ({_span(track)})", labels, lines,
                               ylim=track.range or (0, 100), ylabel=f"{track.label.lower()} ({_span(track)})")
    return out


def _rung_name(r: Report, n: int) -> str:
    return r.ladder[n] if 0 <= n < len(r.ladder) else ""


_SVG_CLEAN = (
    re.compile(r"<\?xml.*?\?>\s*", re.S),
    re.compile(r"<!DOCTYPE.*?>\s*", re.S),
    re.compile(r"<!--.*?-->\s*", re.S),
    re.compile(r"<metadata>.*?</metadata>\s*", re.S),
)


def _svg(
    title: str,
    labels: Sequence[str],
    lines: Iterable[tuple[str, Sequence[float | None]]],
    *,
    ylim: tuple[float, float],
    line: tuple[float, str] | None = None,
    step: bool = False,
    ylabel: str = "",
) -> str:
    """One line chart as an ``<svg>`` element: same data, same bytes (fixed hash salt, no date,
    text kept as text rather than glyph paths). The value axis is the value's whole range
    (``ylim``), ticked and labelled, whatever the data: with one turn of data, tension 5 and
    tension 52 are not drawn the same height."""
    import matplotlib
    import matplotlib.ticker
    from cycler import cycler
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    tab20 = matplotlib.colormaps["tab20"]
    assert isinstance(tab20, ListedColormap)  # a table of 20 colours, not a gradient
    # Its colours are RGB tuples; the stubs type them as any array-like.
    colors = cast("Sequence[tuple[float, float, float]]", tab20.colors)
    with matplotlib.rc_context({"svg.hashsalt": "detente-report", "svg.fonttype": "none", "font.size": 9,
                                "axes.prop_cycle": cycler(color=colors)}):
        lines = list(lines)
        ncol = 1 if len(lines) <= 12 else 2
        fig = Figure(figsize=(8 + 1.6 * (ncol - 1), max(3.2, 0.19 * len(lines) / ncol + 0.9)))
        ax = fig.add_subplot()
        xs = list(range(len(labels)))
        for name, ys in lines:
            vals = [float("nan") if y is None else y for y in ys]
            if step:
                ax.step(xs, vals, where="post", label=name, linewidth=1.6)
            else:
                ax.plot(xs, vals, marker="o", markersize=3, label=name, linewidth=1.6)
        if line is not None:
            ax.axhline(line[0], color="#b3261e", linestyle="--", linewidth=1)
            ax.text(0, line[0], f" {line[1]}", color="#b3261e", va="bottom", fontsize=8)
        ax.set_ylim(*ylim)
        lo, hi = ylim
        ax.set_yticks([lo + (hi - lo) * i / 5 for i in range(6)])
        ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        if ylabel:
            ax.set_ylabel(ylabel)
        crowded = len(labels) > 8
        ax.set_xticks(xs, labels, rotation=30 if crowded else 0, ha="right" if crowded else "center")
        ax.set_title(title, loc="left")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False, ncol=ncol)
        fig.subplots_adjust(left=0.09, right=0.78 if ncol == 1 else 0.64, bottom=0.2, top=0.88)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    for pattern in _SVG_CLEAN:
        text = pattern.sub("", text)
    return text.strip()


line_chart = _svg
"""One line chart as an inline ``<svg>``, drawn as the report draws its own (a fixed, labelled
value axis; same data, same bytes): the cohort debrief (:mod:`detente.tui.render.compare`) draws
with it."""


# -- CSV -----------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "turn", "label", "pair", "a", "b", "tension", "rung", "rung_name", "hotline", "agreement", "proximity",
    "incidents", "readiness_a", "readiness_b", "trust_ab", "trust_ba", "threat_ab", "threat_ba",
    "information_ab", "information_ba", "answer_ab", "answer_ba", "credibility_ab", "credibility_ba",
    "pair_name",
)
"""The CSV's columns for the bundled ruleset (:func:`csv_columns` derives any ruleset's from its
declarations): ``_ab`` is held by ``a`` about ``b``; empty where the role may not see it.
``pair``, ``a`` and ``b`` hold ids, for joining with logs and scripts; ``pair_name`` and ``label``
are what people read."""


def csv_columns(r: Report) -> tuple[str, ...]:
    """The CSV's columns for the report's ruleset, from its declarations: every pair value (the
    escalation value followed by the ladder rung and its name), each side's actor values that
    everyone sees (``_a``, ``_b``), every directed value each way (``_ab``, ``_ba``).
    :data:`CSV_COLUMNS` for the bundled ruleset."""
    values: list[str] = []
    for t in r.tracks.values():
        if t.scope == "pair":
            values += [t.name, "rung", "rung_name"] if t.name == r.escalation else [t.name]
    values += [f"{t.name}_{s}" for t in r.tracks.values() if t.scope == "actor" and t.seen_by == EVERYONE
               for s in ("a", "b")]
    values += [f"{t.name}_{s}" for t in r.tracks.values() if t.scope == "directed" for s in ("ab", "ba")]
    if not r.escalation:
        values += ["rung", "rung_name"]
    return ("turn", "label", "pair", "a", "b", *values, "pair_name")


def render_csv(r: Report) -> str:
    """One row per pair per turn (turns 1 to the last), with every value tracked per pair."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    columns = csv_columns(r)
    w.writerow(columns)
    for p in r.series:
        row = {**p.values, "turn": p.turn, "a": p.a, "b": p.b, "rung": p.rung, "rung_name": p.rung_name,
               "label": _turn(r, p.turn), "pair": f"{p.a}–{p.b}", "pair_name": _pair_label(r, p.a, p.b)}
        w.writerow(["" if row.get(k) is None else str(row[k]).lower() if isinstance(row[k], bool) else row[k]
                    for k in columns])
    return buf.getvalue()


__all__ = ["CSV_COLUMNS", "FORMATS", "Block", "Chart", "Heading", "Items", "Para", "Quote", "Table",
           "csv_columns", "default_path", "document", "html_block", "html_page", "line_chart", "load_report",
           "markdown", "markdown_block", "md_escape", "render", "render_csv", "render_html",
           "render_markdown", "report_of", "write_report"]
