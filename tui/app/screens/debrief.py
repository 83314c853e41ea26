"""Adjudication review (facilitator only), the debrief, and the end of the session.

All three read a role's timeline and view through the client. The review shows the
facilitator every resolved move, roll and change before anything reaches the teams;
publishing is the facilitator's next-phase command.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from detente.engine.commands import Advance, Override
from detente.engine.entries import (
    Annulled,
    MoveResolved,
    ObjectiveChanged,
    Overridden,
    PhaseBegan,
    Rolled,
    TimelineEntry,
    ValueChanged,
)
from detente.engine.state import rung
from detente.engine.views import View
from detente.tui.app.client import FACILITATOR, SessionClient
from detente.tui.app.panels import Panels, SteadyFooter
from detente.tui.app.screens.forms import OverrideModal
from detente.tui.app.screens.modals import ChooseModal, HelpModal, TextModal, screen_keys
from detente.tui.render.text import Names, clock_words, played_by


def since_last(seen: Sequence[TimelineEntry], phase: str) -> list[TimelineEntry]:
    """The entries after the last ``phase`` began (this turn's adjudication, say)."""
    for i in range(len(seen) - 1, -1, -1):
        e = seen[i]
        if isinstance(e, PhaseBegan) and e.phase == phase:
            return list(seen[i + 1 :])
    return []


def this_turn(seen: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    """The entries of the current turn, from its briefing on."""
    return since_last(seen, "briefing")


#: Widest a review column's cell is drawn; longer text is cut with "…" and Enter on the row
#: shows all of it.
REVIEW_CELL = 44

MOVE_COLUMNS = ("team", "move", "result", "what happened")
ROLL_COLUMNS = ("roll", "p", "drawn", "result", "about")
CHANGE_COLUMNS = ("value", "of", "change", "now", "why")


class ReviewScreen(Panels, Screen[None]):
    """What adjudication did, with the rolls and their probabilities: facilitator only.

    Each table keeps its columns, widths and values after an override or an annulment: the
    tables are filled with widths measured from their rows (see :meth:`Panels.fill_table`)."""

    BINDINGS = [
        Binding("o", "override", "Override", tooltip="set a value, with a reason that is logged"),
        Binding("a", "annul", "Annul",
                tooltip="annul a move's result or an incident, with a reason: what it changed is set back"),
        Binding("p", "publish", "Publish results", tooltip="publish the results to the teams (the debrief)"),
        Binding("enter", "details", "Details", show=False,
                tooltip="the chosen row in full (long text is cut in the table)"),
        Binding("f1", "help", "keys", key_display="F1"),
        Binding("escape", "back", "Back", tooltip="back to the console (nothing is published)"),
    ]

    def __init__(self, client: SessionClient) -> None:
        super().__init__()
        self.client = client
        self.names = Names.of(client.scenario)
        self._full: dict[str, list[str]] = {}
        """Each table's rows in full, for Enter."""

    def compose(self) -> ComposeResult:
        yield Static(id="review-status")
        with VerticalScroll():
            yield Label("Moves and results (Enter: in full)", classes="panel-title")
            yield DataTable(id="moves", cursor_type="row", zebra_stripes=True)
            yield Label("Rolls", classes="panel-title")
            yield DataTable(id="rolls", cursor_type="row", zebra_stripes=True)
            yield Label("Changes", classes="panel-title")
            yield DataTable(id="changes", cursor_type="row", zebra_stripes=True)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.refresh_view()
        self.query_one("#moves", DataTable).focus()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        """A running phase clock counts down on the status line."""
        v = self.client.view(FACILITATOR)
        if v.clock is not None and v.clock.running and self.is_mounted:
            self._status(v)

    def _status(self, v: View) -> None:
        clock = clock_words(v, self.client.clock_left())
        self.query_one("#review-status", Static).update(
            Text.assemble(
                ("Adjudication review", "bold"),
                f"  ·  {v.label}" + (f"  ·  {clock}" if clock else ""),
                "  ·  teams see nothing of this until you publish (p)",
            )
        )

    def actor_name(self, actor: str) -> str:
        return self.names.actor_name(actor)

    def move_title(self, move: str) -> str:
        return self.names.move_title(move)

    def _of(self, actors: Sequence[str]) -> str:
        return " – ".join(self.actor_name(a) for a in actors)

    def refresh_view(self) -> None:
        v = self.client.view(FACILITATOR)
        n = self.names
        events = since_last(self.client.timeline(FACILITATOR), "adjudication")
        self._status(v)
        annulled = {e.text for e in events if isinstance(e, Annulled)}
        moves: list[list[str]] = []
        rolls: list[list[str]] = []
        changes: list[list[str]] = []
        for e in events:
            match e:
                case MoveResolved():
                    result = e.result + (" (annulled)" if e.text in annulled else "")
                    moves.append([self.actor_name(e.team), self.move_title(e.order.move), result, e.text])
                case Rolled():
                    p = "table" if e.p is None else f"{e.p:.2f}"
                    result = "" if e.success is None else ("yes" if e.success else "no")
                    rolls.append([roll_kind(e.id), p, f"{e.value}", result, n.roll_text(e.about)])
                case Overridden():
                    why = f"override: {e.reason}" + (f" (teams read: {e.public})" if e.public else "")
                    changes.append([n.value_name(e.value), self._of(e.of), "set by the facilitator",
                                    n.value_text(e.to), why])
                case ValueChanged():
                    d = e.by
                    by = f"{d:+g}" if isinstance(d, int | float) and not isinstance(d, bool) else str(d or "")
                    changes.append([n.value_name(e.value), self._of(e.of), by, n.value_text(e.to),
                                    n.cause_text(e.cause)])
                case Annulled():
                    why = f"annulled {e.text}: {e.reason}"
                    what = {"move": "a move's result", "incident": "an incident"}.get(e.what, "")
                    changes.append(["(result)", what, "facilitator", "annulled", why])
        for selector, columns, rows in (
            ("#moves", MOVE_COLUMNS, moves),
            ("#rolls", ROLL_COLUMNS, rolls),
            ("#changes", CHANGE_COLUMNS, changes),
        ):
            self._full[selector] = [
                "\n".join(f"{c}: {x}" for c, x in zip(columns, r, strict=True)) for r in rows
            ]
            self.fill_table(selector, columns, [[_clip(x, REVIEW_CELL) for x in r] for r in rows])

    def action_details(self) -> None:
        table = self.focused
        if not isinstance(table, DataTable) or table.id is None:
            return
        rows = self._full.get(f"#{table.id}", [])
        if 0 <= table.cursor_row < len(rows):
            self.app.push_screen(HelpModal("in full", [], rows[table.cursor_row]))

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_details()

    @work
    async def action_override(self) -> None:
        got = await self.app.push_screen_wait(OverrideModal(self.client.scenario))
        if got is not None:
            result = self.client.apply(Override(*got))
            if not result.accepted:
                self.notify(result.reason, title="Refused", severity="error")
            self.refresh_view()

    @work
    async def action_annul(self) -> None:
        from detente.engine.commands import Annul

        items = [a for a in self.client.annullable() if not a.annulled]
        if not items:
            self.notify("Nothing in this adjudication can be annulled.", severity="warning")
            return
        options = [
            (a.target, f"{self.actor_name(a.team) + ': ' if a.team else ''}{a.text}"
             + (f"  ({a.changes} change{'s' if a.changes != 1 else ''} set back)" if a.changes else ""))
            for a in items
        ]
        target = await self.app.push_screen_wait(ChooseModal("Annul which result or incident?", options))
        if target is None:
            return
        reason = await self.app.push_screen_wait(
            TextModal("Why annul it? (the facilitator's: no team reads it)")
        )
        if not reason:
            return
        public = await self.app.push_screen_wait(
            TextModal("What teams read (Enter for none: 'facilitator adjustment')")
        )
        if public is None:
            return
        result = self.client.apply(Annul(target=target, reason=reason, public=public))
        if not result.accepted:
            self.notify(result.reason, title="Refused", severity="error")
        self.refresh_view()

    def action_publish(self) -> None:
        result = self.client.apply(Advance())
        if not result.accepted:
            self.notify(result.reason, title="Refused", severity="error")
            return
        self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(
            HelpModal(
                "adjudication review", screen_keys(self), "Nothing here reaches the teams until you publish."
            )
        )


#: What a roll decided, by the first part of its id (``detect:red-fleet:green``).
ROLL_KINDS = {"misperceive": "misperception", "detect": "detection", "incident": "incident",
              "severity": "incident severity"}


def roll_kind(roll_id: str) -> str:
    """A roll's kind in words, from its id (the rest of the id names things by id: the roll's
    ``about`` says them in names)."""
    kind = roll_id.split(":", 1)[0]
    return ROLL_KINDS.get(kind, kind.replace("_", " ").replace("-", " "))


def _clip(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


#: Width of a chart's bar at 100 (the top of the tension scale).
CHART_WIDTH = 20


def tension_chart(values: Sequence[int], labels: Sequence[str], top: int = 100) -> str:
    """One bar per turn on a fixed scale 0–``top`` with the scale written under it, so one turn
    at 5 and another at 52 never both draw full.

    >>> print(tension_chart([5, 52], ["Day 1", "Day 2"]))
    Day 1 █░░░░░░░░░░░░░░░░░░░   5
    Day 2 ██████████░░░░░░░░░░  52
          0        50       100
    """
    pad = max((len(x) for x in labels), default=0)
    lines = []
    for label, value in zip(labels, values, strict=True):
        filled = max(0, min(CHART_WIDTH, round(value * CHART_WIDTH / top)))
        if value > 0 and filled == 0:
            filled = 1  # a tension above nothing shows
        lines.append(f"{label:<{pad}} {'█' * filled}{'░' * (CHART_WIDTH - filled)} {value:>3}")
    middle = str(top // 2)
    scale = "0".ljust(CHART_WIDTH // 2 - len(middle) // 2) + middle
    scale = scale.ljust(CHART_WIDTH + 1 - len(str(top))) + str(top)
    lines.append(" " * (pad + 1) + scale)
    return "\n".join(lines)


#: Fact kinds the debrief's "This turn" leaves to the report: each roll, and each line said on a call.
DEBRIEF_LEAVES_OUT = frozenset({"roll", "said"})


def _worth_discussing(kind: str, text: str) -> bool:
    """A fact the debrief calls out: incidents, annulments, broken pledges and breaches that went
    unseen, false declarations exposed, calls declined or left unanswered."""
    if kind in ("incident", "annulled"):
        return True
    if kind == "pledge":
        return " was broken" in text or " was breached" in text
    if kind == "verification":
        return " exposed " in text
    return kind == "answer" and (" declined " in text or " unanswered" in text)


class DebriefScreen(Screen[None]):
    """What changed this turn as ``role`` may see it, the tension charts, and what to discuss."""

    BINDINGS = [
        Binding("f1", "help", "keys", key_display="F1"),
        Binding("escape", "back", "Back", tooltip="back to the console"),
    ]

    def __init__(self, client: SessionClient, role: str = FACILITATOR) -> None:
        super().__init__()
        self.client = client
        self.role = role

    def compose(self) -> ComposeResult:
        yield Static(id="debrief-status")
        with Horizontal():
            with VerticalScroll(id="debrief-left"):
                yield Label("This turn", classes="panel-title")
                yield Static(id="changes")
                yield Label("To discuss", classes="panel-title")
                yield Static(id="callouts")
            with VerticalScroll(id="debrief-right"):
                yield Static("Tension per pair (scale 0–100)", classes="panel-title")
                yield Vertical(id="charts")
        yield SteadyFooter()

    _who = ""

    def _tick(self) -> None:
        """A running phase clock counts down on the status line."""
        v = self.client.view(self.role)
        if v.clock is not None and v.clock.running and self.is_mounted:
            self._status(v)

    def _status(self, v: View) -> None:
        clock = clock_words(v, self.client.clock_left())
        self.query_one("#debrief-status", Static).update(
            Text.assemble(("Debrief", "bold"), f"  ·  {v.label}" + (f"  ·  {clock}" if clock else ""),
                          f"  ·  as seen by {self._who}")
        )

    def on_mount(self) -> None:
        v = self.client.view(self.role)
        who = (
            "facilitator (everything)"
            if self.role == FACILITATOR
            else self.client.scenario.actor(self.role).name
        )
        self._who = who
        self._status(v)
        self.set_interval(1.0, self._tick)
        # The same facts, in the same words, as the report's timeline of this turn.
        facts = self.client.turn_facts(self.role, v.turn)
        lines = [f"• {f.text}" for f in facts if f.kind not in DEBRIEF_LEAVES_OUT]
        self.query_one("#changes", Static).update(Text("\n".join(lines) or "Nothing notable."))
        callouts = [f"⚠ {f.text}" for f in facts if _worth_discussing(f.kind, f.text)]
        self.query_one("#callouts", Static).update(Text("\n".join(callouts) or "Nothing."))
        charts = self.query_one("#charts", Vertical)
        names = {a.id: a.name for a in v.actors}
        turns = self.client.scenario.turns
        track = v.tracks.get(v.escalation)
        word = track.label.lower() if track is not None else ""
        for (a, b), values in self.client.escalation_history().items():
            last = values[-1]
            charts.mount(Static(f"{names[a]} – {names[b]}: {word} {last}, rung {rung(last)}"))
            charts.mount(Static(tension_chart(values, [turns.name(t + 1) for t in range(len(values))]),
                                classes="chart"))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(HelpModal("debrief", screen_keys(self)))


class EndScreen(Screen[None]):
    """The outcome, its reason, objectives scored per team, and where the log is."""

    BINDINGS = [
        Binding("w", "report", "Write report",
                tooltip="the after-action report: HTML, Markdown, CSV, or one HTML per team"),
        Binding("v", "evaluator", "Evaluator",
                tooltip="the hot wash: the evaluator's screen, to observe and rate (HSEEP) before the "
                "report"),
        Binding("escape", "back", "Back", tooltip="back to the console, where notes can still be added"),
        Binding("f1", "help", "keys", key_display="F1"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, client: SessionClient) -> None:
        super().__init__()
        self.client = client
        self.report_paths: list[str] = []
        """The reports written from this screen (tests read it)."""

    def compose(self) -> ComposeResult:
        v = self.client.view(FACILITATOR)
        outcome = v.outcome
        with VerticalScroll(id="end"):
            yield Label("The exercise has ended", classes="title")
            if outcome is not None:
                yield Static(
                    Text.assemble(
                        ("Outcome: ", "bold"),
                        Names.outcome_name(outcome.result),
                        "\n",
                        ("Why: ", "bold"),
                        outcome.reason,
                        "\n",
                        f"Ended on {self.client.scenario.turns.name(outcome.turn)}",
                    )
                )
                table: DataTable[str] = DataTable(id="scores", cursor_type="none")
                # The objective's words last: at 80 columns they are cut, not met and points.
                table.add_columns("team", "met", "points earned", "objective")
                met = {
                    e.id: e.met for e in self.client.timeline(FACILITATOR) if isinstance(e, ObjectiveChanged)
                }
                # An actor no team plays is named with who played it, and listed after the teams.
                names = {a.id: a.name + (f" ({who})" if (who := played_by(a.plays)) else "")
                         for a in self.client.scenario.actors}
                for obj in self.client.scenario.objectives:
                    done = bool(met.get(obj.id))
                    table.add_row(
                        names.get(obj.actor, obj.actor),
                        "met" if done else "not met",
                        str(obj.points if done else 0),
                        obj.text,
                    )
                yield table
                teams = self.client.scenario.team_ids
                ranked = sorted(outcome.scores.items(), key=lambda kv: kv[0] not in teams)
                scores = ", ".join(f"{names.get(k, k)}: {s}" for k, s in ranked)
                yield Static(Text.assemble(("Scores: ", "bold"), scores))
            if self.client.log_here:
                yield Static(
                    Text.assemble(
                        ("Log: ", "bold"),
                        self.client.log_path,
                        "\n",
                        f"Step through it with: detente play --replay {self.client.log_path}",
                        "\n",
                        ("w", "bold"),
                        " writes the after-action report (HTML, Markdown, CSV, or one per team)",
                    )
                )
            else:
                yield Static(
                    Text.assemble(
                        ("Log: ", "bold"),
                        f"{self.client.log_path}, on the host",
                        "\n",
                        f"The report is written on the host with: detente report {self.client.log_path}",
                    )
                )
        yield SteadyFooter()

    def action_back(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "evaluator":
            # Hot-seat only: over the network the evaluator has a seat of its own.
            return self.client.joined is None
        # The log is on the host: the report is written there.
        return self.client.log_here or action != "report"

    def action_evaluator(self) -> None:
        from detente.tui.app.screens.evaluator import EvaluatorScreen

        self.app.push_screen(EvaluatorScreen(self.client))

    @work
    async def action_report(self) -> None:
        from detente.engine.log import LogError
        from detente.tui.render.aar import AAR_FORMATS, render_aar
        from detente.tui.render.output import OutputError, write_output
        from detente.tui.render.report import default_path, load_report, render

        options = [
            ("html", "HTML, the facilitator's: one page with charts, opens in any browser"),
            ("md", "Markdown, the facilitator's"),
            ("csv", "CSV: every tracked value per pair per turn, for a spreadsheet"),
            ("teams", "HTML for each team, from its own view only (to hand out)"),
            ("aar-html", "After-action report (HSEEP), HTML: findings with their evidence, ratings, plan"),
            ("aar", "After-action report (HSEEP), Markdown"),
        ]
        chosen = await self.app.push_screen_wait(ChooseModal("Write which report?", options))
        if chosen is None:
            return
        jobs = (
            [("html", a) for a in self.client.scenario.team_ids]  # no one to hand the others to
            if chosen == "teams"
            else [(chosen, FACILITATOR)]
        )
        written = []
        try:
            for fmt, role in jobs:
                # The same rules as `detente report -o`: never over a log, atomic, no *.tmp left.
                report = load_report(self.client.log_path, role)
                text = (render_aar(report, fmt, log=self.client.log_path) if fmt in AAR_FORMATS
                        else render(report, fmt))
                out = write_output(default_path(self.client.log_path, fmt, role), text, overwrite=True)
                written.append(str(out))
        except (LogError, OSError, ValueError, OutputError) as exc:
            self.notify(str(exc), title="Cannot write the report", severity="error", timeout=10)
            return
        self.report_paths += written
        self.notify("\n".join(written), title="Report written", timeout=15)

    def action_help(self) -> None:
        self.app.push_screen(
            HelpModal(
                "end of the session",
                screen_keys(self),
                "Escape goes back to the console, where notes can still be added.",
            )
        )
