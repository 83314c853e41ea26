"""The after-action report in the shape HSEEP gives it, with its improvement plan: Markdown or
one self-contained HTML page.

HSEEP (the US Homeland Security Exercise and Evaluation Program) lays an after-action report
out as an exercise overview, an executive summary, an analysis per objective and capability
(strengths, areas for improvement, a rating on its scale), and an improvement plan. This module
lays a :class:`~detente.engine.aar_model.Report` out that way, from its facts alone — the
findings, ratings, measures and responses :mod:`detente.engine.aar_eval` worked out, each
resting on logged events — so a team's copy holds what the team's report holds and nothing
else. Every finding is followed by the events it rests on ("Day 2, communications: … (event
#57)"); in the HTML each event number links to the Evidence appendix, which lists every event
the report names, and ``detente play --replay LOG --at N`` opens the replay viewer on any of
them. docs/report.md ("After-action report") says how each part is made.

The blocks of :mod:`detente.tui.render.report` are reused, with four more that name logged
events (:class:`Ref`); team-written text is escaped for the format it goes into, as there.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from attrs import frozen

from detente.engine.aar_model import Evidence, Finding, RatingFact, Report
from detente.engine.commands import EVALUATOR, FACILITATOR, HSEEP, SEES_ALL
from detente.engine.views import PUBLIC
from detente.tui.render.plan import Plan, PlanItem, plan_template
from detente.tui.render.report import (
    Block,
    Heading,
    Items,
    NamedReport,
    Para,
    Table,
    html_block,
    html_page,
    markdown_block,
    md_escape,
)
from detente.tui.render.text import Names, player

__all__ = ["AAR_FORMATS", "areas", "document", "render_aar", "render_aar_html", "render_aar_markdown",
           "template"]

AAR_FORMATS = ("aar", "aar-html")
"""The after-action report's ``--format`` names: Markdown and one HTML page."""


# -- blocks that name logged events -----------------------------------------------------------------


@frozen
class Ref:
    """A logged event named in a line: ``event #N`` (its ``seq``); in the HTML, a link to it in
    the Evidence appendix."""

    seq: int


Segment = str | Ref
Line = tuple[Segment, ...]


@frozen
class Lines:
    """A bulleted list whose lines may name logged events."""

    lines: tuple[Line, ...]


@frozen
class Cited:
    """A finding (a rating, an observation) followed by the logged events it rests on."""

    lead: str
    """Said first, in bold (``Area for improvement 2.``)."""
    text: str
    evidence: tuple[Line, ...]


@frozen
class RefTable:
    """A table whose cells may name logged events."""

    head: tuple[str, ...]
    rows: tuple[tuple[Line, ...], ...]


@frozen
class Appendix:
    """Every event the report names: its number in the log and what it was."""

    events: tuple[tuple[int, str], ...]


AarBlock = Block | Lines | Cited | RefTable | Appendix


# -- numbering --------------------------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _capabilities(r: Report) -> list[str]:
    """Every capability the report rates or a finding bears on, rated ones first."""
    found: dict[str, str] = {}
    for q in r.ratings:
        if q.objective_n == 0 and q.objective.strip():
            found.setdefault(_key(q.objective), q.objective.strip())
    for f in r.findings:
        if f.capability.strip():
            found.setdefault(_key(f.capability), f.capability.strip())
    return list(found.values())


def _sections(r: Report) -> list[tuple[str, list[int]]]:
    """The analysis in reading order: ``("objective N" | "capability NAME" | "other", the
    findings under it by their index in the report)``; a finding on an objective and a
    capability is under both."""
    out: list[tuple[str, list[int]]] = []
    for n in range(1, len(r.learning_objectives) + 1):
        out.append((f"objective {n}", [i for i, f in enumerate(r.findings) if f.objective_n == n]))
    for c in _capabilities(r):
        ids = [i for i, f in enumerate(r.findings) if _key(f.capability) == _key(c)]
        out.append((f"capability {c}", ids))
    placed = {i for _, ids in out for i in ids}
    out.append(("other", [i for i in range(len(r.findings)) if i not in placed]))
    return out


def _numbers(r: Report) -> dict[int, int]:
    """Each finding's number (by its index in the report): strengths and areas for improvement
    are numbered apart, in the order they first appear in the analysis."""
    out: dict[int, int] = {}
    count = {"strength": 0, "improvement": 0}
    for _, ids in _sections(r):
        for i in ids:
            if i not in out:
                kind = r.findings[i].kind
                count[kind] = count.get(kind, 0) + 1
                out[i] = count[kind]
    return out


def areas(r: Report) -> tuple[Finding, ...]:
    """The areas for improvement in the order the after-action report numbers them (the first
    is area 1): what a plan's ``finding = N`` names."""
    numbers = _numbers(r)
    found = [(numbers[i], f) for i, f in enumerate(r.findings) if f.kind == "improvement" and i in numbers]
    return tuple(f for _, f in sorted(found, key=lambda x: x[0]))


def _finding_words(r: Report, f: Finding) -> str:
    """A finding as the report says it: an observation with the team it is about."""
    if f.source == "observation" and f.teams:
        return f"{', '.join(r.name(t) for t in f.teams)}: {f.text}"
    return f.text


def template(r: Report) -> str:
    """A plan file to fill in for this report: one item per area for improvement
    (:func:`detente.tui.render.plan.plan_template`)."""
    return plan_template([(_finding_words(r, f), f.objective_n, f.capability) for f in areas(r)], r.title)


# -- the document ----------------------------------------------------------------------------------


def _turn(r: Report, t: int) -> str:
    return r.labels.get(t, f"turn {t}")


def _rater(by: str) -> str:
    return "the evaluator" if by == EVALUATOR else "the facilitator"


def _started(r: Report) -> str:
    """The day the session began, in words (``1 December 2026``); empty when the log has no time."""
    stamp = r.started if isinstance(r, NamedReport) else ""
    try:
        d = date.fromisoformat(stamp[:10])
    except ValueError:
        return ""
    return f"{d.day} {d:%B %Y}"


class _Doc:
    """The document being built, and every logged event it names (for the appendix)."""

    def __init__(self, r: Report, log: str, plan: Plan | None) -> None:
        self.r = r
        self.log = log
        self.plan = plan
        self.cited: dict[int, str] = {}
        self.numbers = _numbers(r)
        self.sees_all = r.role in SEES_ALL

    def cite(self, e: Evidence) -> Line:
        """``words (event #N)``; the event goes in the appendix."""
        self.cited.setdefault(e.seq, e.words)
        return (f"{e.words} (", Ref(e.seq), ")")

    def ref(self, seq: int, words: str, shown: str) -> Line:
        """``shown (event #N)``, the event in the appendix as ``words``."""
        self.cited.setdefault(seq, words)
        return (f"{shown} (", Ref(seq), ")")

    def when(self, turn: int, phase: str) -> str:
        return f"{_turn(self.r, turn)}, {phase}" if phase else _turn(self.r, turn)

    # -- (a) exercise overview --------------------------------------------------------------
    def overview(self) -> list[AarBlock]:
        r = self.r
        out: list[AarBlock] = [Heading(1, f"After-action report: {r.title}"),
                               Para(f"Copy for {self.copy_for()}.")]
        for w in r.warnings:
            out.append(Para(f"Warning: the log was cut short, so this report stops at its last complete "
                            f"entry ({w}).", strong=True))
        out.append(Heading(2, "Exercise overview"))
        facts = [("Scenario", r.title)]
        if day := _started(r):
            facts.append(("Date", day))
        if r.turns:
            facts.append(("Played", f"{_turn(r, 1)} to {_turn(r, r.turns)}" if r.turns > 1 else _turn(r, 1)))
        out.append(Table(("", ""), tuple(facts)))
        if r.summary:
            out.append(Para(r.summary))
        out += [Heading(3, "Participants"), Table(("role", "participant", "played by"), self.participants())]
        out.append(Heading(3, "Learning objectives"))
        if r.learning_objectives:
            out.append(Table(("", "learning objective"),
                             tuple((str(n), text) for n, text in enumerate(r.learning_objectives, 1))))
        else:
            out.append(Para("The scenario names no learning objectives."))
        return out

    def copy_for(self) -> str:
        r = self.r
        if r.role == FACILITATOR:
            return "the facilitator (everything)"
        if r.role == EVALUATOR:
            return "the evaluator (everything but the facilitator's notes and the teams' notepads)"
        if r.role == PUBLIC:
            return "the public (what every team saw)"
        return f"{r.name(r.role)} (only what this team saw, and its own notes)"

    def participants(self) -> tuple[tuple[str, str, str], ...]:
        r = self.r
        rows = [("team" if t.plays == "team" else "actor", t.name, player(t.plays, t.bot)) for t in r.teams]
        rows.append(("facilitator", "the facilitator", "runs the exercise and adjudicates"))
        by = {o.by for o in r.observations} | {q.by for q in r.ratings if q.rating}
        if EVALUATOR in by:
            rows.append(("evaluator", "the evaluator", "observed and rated the exercise"))
        return tuple(rows)

    # -- (b) executive summary ----------------------------------------------------------------
    def summary(self) -> list[AarBlock]:
        r = self.r
        out: list[AarBlock] = [Heading(2, "Executive summary")]
        if r.outcome is None and r.turns == 0:
            out.append(Para("The log ends before the first turn."))
        elif r.outcome is None:
            out.append(Para(f"The log ends at {_turn(r, r.turns)}, before the session ended."))
        else:
            o = r.outcome
            out.append(Para(f"Outcome: {Names.outcome_name(o.result)} on {_turn(r, o.turn)}: {o.reason}",
                            strong=True))
        strengths = sum(1 for f in r.findings if f.kind == "strength")
        improve = sum(1 for f in r.findings if f.kind == "improvement")
        out.append(Para(f"Strengths: {strengths}. Areas for improvement: {improve}."))
        lines = []
        for n, text in enumerate(r.learning_objectives, 1):
            lines.append(f"Learning objective {n} ({_short(text)}): {self.rating_words(self.rating(n, ''))}")
        for c in _capabilities(r):
            lines.append(f"{c}: {self.rating_words(self.rating(0, c))}")
        if lines:
            out += [Para("Ratings (HSEEP: P performed without challenges, S with some challenges, "
                         "M with major challenges, U unable to be performed):"), Items(tuple(lines))]
        return out

    def ratings(self, n: int, capability: str) -> list[RatingFact]:
        """The ratings of learning objective ``n`` (1 is the first) or, for 0, of ``capability``:
        the exercise's first, then each team's."""
        if n:
            return [q for q in self.r.ratings if q.objective_n == n]
        return [q for q in self.r.ratings if q.objective_n == 0 and _key(q.objective) == _key(capability)]

    def rating(self, n: int, capability: str) -> RatingFact | None:
        return next((q for q in self.ratings(n, capability) if not q.about), None)

    def rating_words(self, q: RatingFact | None, reason: bool = True) -> str:
        if q is not None and q.rating:
            said = f"{q.rating} — {HSEEP.get(q.rating, q.rating)}, confirmed by {_rater(q.by)}"
            if reason and q.reason:
                said += f": {q.reason}"
            if q.suggested and q.suggested != q.rating:
                said += f" (the expectations suggested {q.suggested})"
            return said
        if q is not None and q.suggested:
            said = f"suggested {q.suggested} — {HSEEP.get(q.suggested, q.suggested)}"
            if not self.sees_all:
                return (f"{said}, from the expectations this copy holds (the confirmed ratings are "
                        "the facilitator's and the evaluator's)")
            return f"{said}, not confirmed"
        if q is not None:
            return "not rated: none of the expectations serving it has been decided"
        return "not rated: no expectation serves it"

    # -- (c) analysis ---------------------------------------------------------------------------
    def analysis(self) -> list[AarBlock]:
        r = self.r
        out: list[AarBlock] = []
        sections = _sections(r)
        if r.learning_objectives:
            out.append(Heading(2, "Analysis of learning objectives"))
        for name, ids in sections:
            if name.startswith("objective "):
                n = int(name.removeprefix("objective "))
                out.append(Heading(3, f"Learning objective {n}: {r.learning_objectives[n - 1]}"))
                out += self.section(n, "", ids)
        capabilities = [(name.removeprefix("capability "), ids) for name, ids in sections
                        if name.startswith("capability ")]
        if capabilities:
            out.append(Heading(2, "Analysis of capabilities"))
        for c, ids in capabilities:
            out.append(Heading(3, f"Capability: {c}"))
            out += self.section(0, c, ids)
        other = next(ids for name, ids in sections if name == "other")
        if other:
            out += [Heading(2, "Other findings"),
                    Para("Findings that bear on no learning objective or capability.")]
            out += self.findings(other)
        return out

    def section(self, n: int, capability: str, ids: list[int]) -> list[AarBlock]:
        q = self.rating(n, capability)
        out: list[AarBlock] = []
        if q is not None and q.rating and q.seq:
            e = Evidence(q.seq, q.turn, q.phase, f"{self.when(q.turn, q.phase)}: {_rater(q.by)} rated it "
                                                 f"{q.rating}")
            out.append(Cited("Rating:", self.rating_words(q), (self.cite(e),)))
        else:
            out.append(Para(f"Rating: {self.rating_words(q)}."))
        teams = [t for t in self.ratings(n, capability) if t.about]
        if teams:
            rows = []
            for t in teams:
                reason: Line = ()
                if t.rating and t.seq:
                    when = self.when(t.turn, t.phase)
                    words = f"{when}: {_rater(t.by)} rated {self.r.name(t.about)} {t.rating}"
                    reason = self.ref(t.seq, words, t.reason)
                rows.append(((self.r.name(t.about),), (self.rating_words(t, reason=False),), reason))
            out.append(RefTable(("team", "rating", "reason"), tuple(rows)))
        out += self.findings(ids)
        return out

    def findings(self, ids: Sequence[int]) -> list[AarBlock]:
        out: list[AarBlock] = []
        for kind, title in (("strength", "Strengths"), ("improvement", "Areas for improvement")):
            mine = [i for i in ids if self.r.findings[i].kind == kind]
            out.append(Heading(4, title))
            if not mine:
                out.append(Para("None."))
            for i in mine:
                f = self.r.findings[i]
                lead = f"{'Strength' if kind == 'strength' else 'Area for improvement'} {self.numbers[i]}."
                out.append(Cited(lead, _finding_words(self.r, f), tuple(self.cite(e) for e in f.evidence)))
        return out

    # -- (d) decision-timeline measures --------------------------------------------------------
    def measures(self) -> list[AarBlock]:
        r = self.r
        out: list[AarBlock] = [Heading(2, "Decision timeline measures"), Para(
            "Per team and turn, counted from the log (docs/report.md defines each): calls placed, and "
            "of them the ones answered; other proposals made; calls and proposals from others "
            "accepted, and declined or left unanswered; escalation steps (moves that read as "
            "coercive); statements (lines on calls, reassurances, pledges) and actions (other moves).")]
        if not self.sees_all:
            out.append(Para("Counted from what this copy's role saw."))
        own = r.role if r.role not in (*SEES_ALL, PUBLIC) else ""
        shown = [t.id for t in r.teams if (t.id == own if own else
                                          t.plays == "team" or any(m.team == t.id for m in r.measures))]
        by = {(m.team, m.turn): m for m in r.measures}
        head = ("turn", "calls placed", "calls answered", "proposals", "accepted", "declined",
                "escalation steps", "statements", "actions")
        names = ("calls_placed", "calls_answered", "proposals", "answered_others", "declined_others",
                 "escalations", "statements", "actions")
        balance = []
        for team in shown:
            rows = []
            totals = dict.fromkeys(names, 0)
            for t in range(1, r.turns + 1):
                m = by.get((team, t))
                counts = [getattr(m, k) if m is not None else 0 for k in names]
                for k, c in zip(names, counts, strict=True):
                    totals[k] += c
                rows.append((_turn(r, t), *(str(c) for c in counts)))
            rows.append(("total", *(str(totals[k]) for k in names)))
            out += [Heading(3, r.name(team)), Table(head, tuple(rows))]
            balance.append(f"{r.name(team)}: {totals['statements']} statements, {totals['actions']} actions, "
                           f"{totals['escalations']} escalation steps")
        if balance:
            out += [Para("Statements against actions over the exercise:"), Items(tuple(balance))]
        out += [Heading(3, "From an inject to the first response"), Para(
            "For each inject and each team it reached: the team's first act after it was delivered "
            "(a call, an answer, a proposal, a pledge, a message, an argued action or a move's "
            "result), and how many phases later.")]
        rows2 = []
        for x in r.responses:
            if own and x.team != own:
                continue
            d = x.delivered
            when = self.when(d.turn, d.phase)
            delivered = self.ref(d.seq, f"{when}: “{x.inject}” delivered", when)
            first: Line = self.cite(x.first) if x.first is not None else ("none before the log ends",)
            phases = "—" if x.phases is None else str(x.phases)
            rows2.append(((x.inject,), (r.name(x.team),), delivered, first, (phases,)))
        if rows2:
            out.append(RefTable(("inject", "team", "delivered", "first response", "phases later"),
                                tuple(rows2)))
        else:
            out.append(Para("No inject was delivered."))
        return out

    # -- (e) observations ---------------------------------------------------------------------
    def observations(self) -> list[AarBlock]:
        r = self.r
        out: list[AarBlock] = []
        if self.sees_all:
            out.append(Heading(2, "Observations"))
            if not r.observations:
                out.append(Para("None recorded."))
            for o in r.observations:
                who = (_turn(r, o.turn), _rater(o.by), r.name(o.about) if o.about else "")
                lead = " · ".join(x for x in who if x) + "."
                notes = []
                if o.finding:
                    notes.append("a strength" if o.finding == "strength" else "an area for improvement")
                if o.inject:
                    notes.append(f"after “{o.inject}”")
                if o.objective_n:
                    notes.append(f"learning objective {o.objective_n}")
                if o.capability:
                    notes.append(o.capability)
                text = o.text + (f" ({'; '.join(notes)})" if notes else "")
                cites = []
                if o.decision is not None:
                    cites.append(("the decision it refers to: ", *self.cite(o.decision)))
                words = f"{_turn(r, o.turn)}: {_rater(o.by)}'s observation: {o.text}"
                cites.append(self.ref(o.seq, words, "recorded"))
                out.append(Cited(lead, text, tuple(cites)))
        private = [e for e in r.timeline if e.kind == "note"] if r.role == FACILITATOR else []
        if private:
            out += [Heading(3, "The facilitator's notes"),
                    Para("The facilitator's private notes: in the facilitator's copy only."),
                    Lines(tuple(self.ref(e.seq, f"{self.when(e.turn, e.phase)}: the facilitator's note",
                                         f"{self.when(e.turn, e.phase)}: {e.text}") if e.seq
                                else (f"{self.when(e.turn, e.phase)}: {e.text}",) for e in private))]
        if r.notes:
            out += [Heading(2, "Your notes"),
                    Para("What your team wrote in its notepad during the exercise: no one else reads it."),
                    Lines(tuple((f"{self.when(e.turn, e.phase)}: {e.text}",) for e in r.notes))]
        return out

    # -- (f) improvement plan -----------------------------------------------------------------
    def improvement_plan(self) -> list[AarBlock]:
        r = self.r
        found = areas(r)
        out: list[AarBlock] = [Heading(2, "Improvement plan")]
        items: list[PlanItem] = list(self.plan.items) if self.plan is not None else []
        covered = {i.finding for i in items if i.finding}
        by_words = {_key(_finding_words(r, f)): n for n, f in enumerate(found, 1)}
        covered |= {by_words[_key(i.issue)] for i in items if not i.finding and _key(i.issue) in by_words}
        rows = []
        for i in items:
            area = found[i.finding - 1] if i.finding else None
            issue = i.issue or (_finding_words(r, area) if area is not None else "")
            if area is not None:
                issue = f"{issue} (area for improvement {i.finding})"
            rows.append((issue, i.action, self.bears_on(i.objective, i.capability, area), i.owner,
                         i.due.isoformat() if i.due else ""))
        for n, f in enumerate(found, 1):
            if n not in covered:
                rows.append((f"{_finding_words(r, f)} (area for improvement {n})", "",
                             self.bears_on(0, "", f), "", ""))
        if self.plan is not None:
            out.append(Para(f"From the plan written after the hot wash ({len(self.plan.items)} items)"
                            + ("; each area for improvement it does not answer is listed after them."
                               if len(rows) > len(items) else ".")))
        else:
            out.append(Para("Each area for improvement, to be given a corrective action, an owner and a "
                            "due date after the hot wash (detente report LOG --plan-template PLAN.toml "
                            "writes a plan file to fill in; --plan PLAN.toml reads it back)."))
        if rows:
            out.append(Table(("issue", "corrective action", "capability or objective", "owner", "due"),
                             tuple(rows)))
        else:
            out.append(Para("No area for improvement."))
        return out

    def bears_on(self, objective: int, capability: str, area: Finding | None) -> str:
        if not objective and not capability and area is not None:
            objective, capability = area.objective_n, area.capability
        said = [capability] if capability else []
        if objective:
            said.append(f"learning objective {objective}")
        return "; ".join(said)

    # -- (g) evidence -------------------------------------------------------------------------
    def appendix(self) -> list[AarBlock]:
        if not self.cited:
            return [Heading(2, "Evidence"), Para("This report names no logged event.")]
        return [Heading(2, "Evidence"), Para(
            "Every event this report names, by its number in the log. The replay viewer opens on "
            f"any of them: detente play --replay {self.log} --at N"),
            Appendix(tuple(sorted(self.cited.items())))]


def _short(text: str, most: int = 80) -> str:
    """An objective cut at a word for a one-line summary."""
    text = " ".join(text.split())
    if len(text) <= most:
        return text
    return text[:most].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def document(r: Report, log: str = "LOG", plan: Plan | None = None) -> list[AarBlock]:
    """The after-action report as blocks, in reading order; ``log`` is how the replay line
    names the log, ``plan`` fills the improvement plan."""
    d = _Doc(r, log, plan)
    out = d.overview() + d.summary() + d.analysis() + d.measures() + d.observations() + d.improvement_plan()
    return out + d.appendix()


# -- Markdown ----------------------------------------------------------------------------------------


def _md_text(s: str) -> str:
    """A segment escaped, keeping a space at either end (md_escape folds them away)."""
    out = md_escape(s)
    if s[:1].isspace():
        out = " " + out
    if s[-1:].isspace() and out:
        out += " "
    return out


def _md_line(line: Line) -> str:
    return "".join(f"event #{x.seq}" if isinstance(x, Ref) else _md_text(x) for x in line)


def render_aar_markdown(r: Report, log: str = "LOG", plan: Plan | None = None) -> str:
    """The after-action report in Markdown."""
    lines: list[str] = []
    for b in document(r, log, plan):
        if isinstance(b, Lines):
            lines += [*(f"- {_md_line(x)}" for x in b.lines), ""]
        elif isinstance(b, Cited):
            lines.append(f"- **{md_escape(b.lead)}** {md_escape(b.text)}")
            lines += [*(f"  - {_md_line(x)}" for x in b.evidence), ""]
        elif isinstance(b, RefTable):
            lines.append("| " + " | ".join(md_escape(h) for h in b.head) + " |")
            lines.append("|" + "|".join("---" for _ in b.head) + "|")
            lines += ["| " + " | ".join(_md_line(c) for c in row) + " |" for row in b.rows]
            lines.append("")
        elif isinstance(b, Appendix):
            lines += [*(f"- Event #{seq}: {md_escape(words)}" for seq, words in b.events), ""]
        else:
            lines += markdown_block(b)
    return "\n".join(lines).rstrip() + "\n"


# -- HTML --------------------------------------------------------------------------------------------

_CSS = """
.finding { margin: .5rem 0 .7rem; }
.finding p { margin: .1rem 0; }
ul.evidence { margin: .1rem 0 .3rem; font-size: .9rem; color: #38424c; }
ul.appendix { list-style: none; padding-left: 0; font-size: .9rem; }
ul.appendix li { padding: .1rem .3rem; }
ul.appendix li:target { background: #fff4d6; }
a { color: #1a5fb4; }
h4 { font-size: .95rem; margin: .8rem 0 .2rem; }
"""


def _html_line(line: Line) -> str:
    return "".join(f'<a href="#e{x.seq}">event #{x.seq}</a>' if isinstance(x, Ref) else html.escape(x)
                   for x in line)


def _html(b: AarBlock) -> str:
    esc = html.escape
    if isinstance(b, Lines):
        return "<ul>" + "".join(f"<li>{_html_line(x)}</li>" for x in b.lines) + "</ul>"
    if isinstance(b, Cited):
        cites = "".join(f"<li>{_html_line(x)}</li>" for x in b.evidence)
        return (f'<div class="finding"><p><strong>{esc(b.lead)}</strong> {esc(b.text)}</p>'
                f'<ul class="evidence">{cites}</ul></div>')
    if isinstance(b, RefTable):
        head = "".join(f"<th>{esc(h)}</th>" for h in b.head)
        rows = "".join("<tr>" + "".join(f"<td>{_html_line(c)}</td>" for c in row) + "</tr>" for row in b.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(b, Appendix):
        return '<ul class="appendix">' + "".join(
            f'<li id="e{seq}"><strong>Event #{seq}</strong>: {esc(words)}</li>' for seq, words in b.events
        ) + "</ul>"
    return html_block(b)


def render_aar_html(r: Report, log: str = "LOG", plan: Plan | None = None) -> str:
    """The after-action report as one self-contained HTML page (inline CSS, no script, no
    external link): each event number links to the Evidence appendix."""
    return html_page(f"After-action report: {r.title}", (_html(b) for b in document(r, log, plan)), _CSS)


def render_aar(r: Report, fmt: str, log: str = "LOG", plan: Plan | None = None) -> str:
    """The after-action report as text in ``fmt`` (``aar``: Markdown, ``aar-html``: HTML)."""
    if fmt == "aar":
        return render_aar_markdown(r, log, plan)
    if fmt == "aar-html":
        return render_aar_html(r, log, plan)
    raise ValueError(f"unknown after-action report format {fmt!r} (formats: {', '.join(AAR_FORMATS)})")
