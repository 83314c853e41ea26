"""The cohort debrief on screen: syndicates' sessions of one scenario side by side.

The same comparison as ``detente compare`` (:mod:`detente.tui.render.compare`), said in the
same words: the outcomes first, then where the choices diverged and what each syndicate chose
there, then the figures. Reached from the start screen ("Compare sessions…", with
:class:`PickLogsModal`) or opened with a list of logs (:meth:`DetenteApp.open_compare
<detente.tui.app.app.DetenteApp.open_compare>`), after the last syndicate ends.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Label, SelectionList, Static

from detente.engine.compare import Comparison
from detente.tui.app.panels import SteadyFooter
from detente.tui.app.screens.modals import BriefingModal, ChooseModal, HelpModal, screen_keys
from detente.tui.render.compare import (
    divergence_words,
    ending_words,
    expectation_rows,
    figure_rows,
    names_of,
    outcome_words,
    rating_rows,
    risk_rows,
    tension_cell,
    who,
)


class CompareScreen(Screen[None]):
    """Two or more syndicates' sessions of one scenario compared (read-only)."""

    BINDINGS = [
        Binding("w", "write", "Write comparison",
                tooltip="the comparison as one HTML page with a chart per pair, or Markdown, beside the "
                "first log"),
        Binding("d", "divergence", "Divergence in full",
                tooltip="every choice each syndicate made in the phase where the choices first differ"),
        Binding("r", "room", "Room copy",
                tooltip="the copy for the whole room (the projector): what the public saw in each "
                "syndicate, without sealed orders, private calls, dice or ratings"),
        Binding("escape", "back", "Back"),
        Binding("f1", "help", "keys", key_display="F1"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, comparison: Comparison, logs: Sequence[str | Path]) -> None:
        super().__init__()
        self.comparison = comparison
        self.logs = [Path(p) for p in logs]
        self.written: list[Path] = []
        """The files written from this screen (tests read it)."""

    def compose(self) -> ComposeResult:
        c = self.comparison
        heads = [s.name for s in c.syndicates]
        with VerticalScroll(id="compare"):
            whose = " — the room's copy (what the public saw)" if c.public else ""
            yield Static(Text(f"Cohort debrief: {c.title} — {len(c.syndicates)} syndicates{whose}",
                              style="bold"), classes="title")
            for w in c.warnings:
                yield Static(Text(f"⚠ {w}"), classes="error")
            yield Label("Outcomes", classes="panel-title")
            outcomes: DataTable[str] = DataTable(id="outcomes", cursor_type="none", zebra_stripes=True)
            outcomes.add_columns("syndicate", "outcome", "on", "log")
            for s in c.syndicates:
                outcome, when, _ = outcome_words(c, s)
                outcomes.add_row(s.name, outcome, when, s.file)
            yield outcomes
            yield Label("Where the choices diverged", classes="panel-title")
            head, _, dice = divergence_words(c)
            yield Static(Text(head, style="bold"), id="divergence")
            if c.divergence is not None:
                yield Static(self._choices(), id="choices")
            yield Static(Text(dice), id="dice", classes="hint")
            yield Label("Why each ended", classes="panel-title")
            why = Text()
            for s in c.syndicates:
                outcome, when, reason = outcome_words(c, s)
                why.append(f"{s.name}: ", style="bold")
                said = f": {reason}" if reason else ""
                ending = f" ({ending_words(s)})" if s.figures.ending else ""
                why.append(f"{outcome}{ending}, {when}{said}\n")
            why.rstrip()
            yield Static(why, id="why")
            yield from self._tension(heads)
            yield Label("Calls, pledges, incidents and near misses", classes="panel-title")
            yield self._table("figures", ("", *heads), figure_rows(c))
            yield Label("The risk that was run, beside what happened", classes="panel-title")
            yield self._table("risk", ("syndicate", "risk run", "≥1 incident", "expected", "happened",
                                       "outcome"), risk_rows(c))
            expected = expectation_rows(c)
            if expected:
                yield Label("Expectations", classes="panel-title")
                yield self._table("expectations", ("expected", *heads), [row[1:] for row in expected])
            rated = rating_rows(c)
            if rated:
                yield Label("Ratings (HSEEP: P, S, M, U)", classes="panel-title")
                yield self._table("ratings", ("rated", "for", *heads), rated)
            yield Static("Each figure is the one in that syndicate's own report (detente report LOG); "
                         "docs/compare.md says how each is counted.", classes="hint")
        yield SteadyFooter()

    SHOWN = 2
    """Choices shown per syndicate at the divergence point; d shows them all."""

    def _choices(self) -> Text:
        """What each syndicate chose at the divergence point: the first actor whose choices differ,
        a line or two each (80×24 shows the outcomes and this together); d shows every choice."""
        c, d = self.comparison, self.comparison.divergence
        assert d is not None
        out = Text()
        for s, chose in zip(c.syndicates, d.chose, strict=True):
            # The room's copy names no actor: its lines (what the public read) say who.
            first = [x for x in chose if x.actor == d.actors[0]] if d.actors else list(chose)
            out.append(f"{s.name}: ", style="bold")
            out.append("; ".join(f"{who(c, x.actor)} {x.words}".strip() for x in first[:self.SHOWN]))
            more = len(chose) - min(len(first), self.SHOWN)
            if more:
                out.append(f" (+{more} more: d)", style="dim")
            out.append("\n")
        out.rstrip()
        return out

    def _tension(self, heads: Sequence[str]) -> list[Label | DataTable[str]]:
        """Per pair the escalation value at the start, its peak and at the end, per syndicate."""
        c = self.comparison
        track = c.syndicates[0].report.tracks.get(c.escalation)
        if track is None:
            return []
        n = names_of(c)
        rows = []
        for a, b in c.pairs:
            cells = []
            for s in c.syndicates:
                line = next((p for p in s.figures.pairs if (p.a, p.b) == (a, b)), None)
                peak = "" if line is None or line.peak is None else line.peak
                final = tension_cell(s.figures, a, b, s.figures.turns) if line is not None else ""
                cells.append(f"peak {peak}, end {final}")
            rows.append((n.short_pair(a, b), *cells))
        title = Label(f"{track.label} per pair (chart: w writes the HTML page)", classes="panel-title")
        return [title, self._table("tension", ("pair", *heads), rows)]

    @staticmethod
    def _table(key: str, head: Sequence[str], rows: Sequence[Sequence[str]]) -> DataTable[str]:
        table: DataTable[str] = DataTable(id=key, cursor_type="none", zebra_stripes=True)
        table.add_columns(*head)
        for row in rows:
            table.add_row(*row)
        return table

    def on_mount(self) -> None:
        self.query_one("#compare", VerticalScroll).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "room":
            return not self.comparison.public
        return action != "divergence" or self.comparison.divergence is not None

    def action_room(self) -> None:
        from detente.engine.compare import ComparisonError
        from detente.engine.log import LogError
        from detente.engine.views import PUBLIC
        from detente.tui.render.compare import load_comparison

        try:
            public = load_comparison(self.logs, [s.name for s in self.comparison.syndicates], PUBLIC)
        except (ComparisonError, LogError, OSError) as exc:
            self.notify(str(exc), title="Cannot compare", severity="error", timeout=10)
            return
        self.app.push_screen(CompareScreen(public, self.logs))

    def action_divergence(self) -> None:
        head, chose, dice = divergence_words(self.comparison)
        text = "\n\n".join([head, *(f"{name}:\n" + "\n".join(f"  • {x}" for x in lines)
                                     for name, lines in chose), dice])
        self.app.push_screen(BriefingModal("Where the choices diverged", text))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(HelpModal(
            "cohort debrief", screen_keys(self),
            "Arrows, PgUp and PgDn scroll. Every figure is the one in that syndicate's own report."))

    @work
    async def action_write(self) -> None:
        from detente.tui.render.compare import default_path, render
        from detente.tui.render.output import OutputError, write_output

        chosen = await self.app.push_screen_wait(ChooseModal("Write the comparison as", [
            ("html", "HTML: one page with a chart per pair, opens in any browser"),
            ("md", "Markdown"),
        ]))
        if chosen is None:
            return
        path = default_path(self.logs[0], chosen, "public" if self.comparison.public else "facilitator")
        try:
            written = write_output(path, render(self.comparison, chosen), overwrite=True)
        except (OutputError, OSError) as exc:
            self.notify(str(exc), title="Not written", severity="error", timeout=10)
            return
        self.written.append(written)
        self.notify(str(written), title="Comparison written", timeout=10)


class PickLogsModal(ModalScreen[list[str] | None]):
    """Choose the sessions to compare: mark two or more recent logs, or type their paths."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("c", "compare", "Compare the marked")]

    def __init__(self, logs: Sequence[Path]) -> None:
        super().__init__()
        self.logs = list(logs)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Compare which sessions? (one log per syndicate)", classes="dialog-title")
            if self.logs:
                yield SelectionList[str](*[(p.name, str(p)) for p in self.logs], id="logs")
                yield Static("Space marks a session · c compares the marked", classes="hint")
            yield Input(placeholder="or type two or more log paths, then Enter", id="paths")
            yield Static("Escape cancels", classes="hint")

    def on_mount(self) -> None:
        if self.logs:
            self.query_one(SelectionList).focus()
        else:
            self.query_one(Input).focus()

    def action_compare(self) -> None:
        marked = [str(x) for x in self.query_one(SelectionList).selected] if self.logs else []
        if len(marked) < 2:
            self.notify("Mark two or more sessions (Space), or type their paths.", severity="warning")
            return
        self.dismiss(marked)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            typed = shlex.split(event.value)
        except ValueError as exc:
            self.notify(f"{event.value}: {exc}", severity="warning")
            return
        marked = [str(x) for x in self.query_one(SelectionList).selected] if self.logs else []
        chosen = [*marked, *typed]
        if len(chosen) < 2:
            self.notify("Give two or more logs (one per syndicate).", severity="warning")
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["CompareScreen", "PickLogsModal"]
