"""The projector: what the room sees on the wall, readable from the back — the scenario's
title, the turn and phase, the phase clock in large digits, the public escalation ladder, the
public events, and the latest inject the facilitator released to everyone, in large type.

It is built from the ``public`` view and timeline only (the spectator role of a network
session), so nothing private can reach it: the same firewall as every other screen."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Digits, Static

from detente.engine.entries import InjectDelivered
from detente.engine.views import PUBLIC, View
from detente.tui.app.panels import RUNG_STYLE, SteadyFooter, ladder_columns, ladder_rows
from detente.tui.render.text import Names, clock_text, clock_words, notable, played_by


def _now() -> float:
    """The monotonic clock the countdown runs on (a test replaces it)."""
    return time.monotonic()


#: How many of the latest public events the projector lists.
EVENTS_SHOWN = 12


class ProjectorScreen(Screen[None]):
    """The public picture, full screen, for a projector (the spectator's screen)."""

    BINDINGS = [
        Binding("f1", "help", "keys", key_display="F1", tooltip="the keys of this screen"),
        Binding("q", "app.quit", "Quit", tooltip="close the projector (the session goes on)"),
    ]

    OFFERS_QUIT = True

    DEFAULT_CSS = """
    ProjectorScreen #proj-top { height: 5; padding: 0 1; }
    ProjectorScreen #proj-title { width: 1fr; padding: 1 0 0 0; }
    ProjectorScreen #proj-clock { width: auto; min-width: 18; text-align: right; color: $text-muted; }
    ProjectorScreen #proj-clock.running { color: $success; }
    ProjectorScreen #proj-clock.running.ending { color: $error; }
    ProjectorScreen #proj-main { height: 1fr; }
    ProjectorScreen #proj-left { width: 1fr; padding: 0 1; }
    ProjectorScreen #proj-right { width: 1fr; padding: 0 1; }
    ProjectorScreen #proj-ladder { height: 1fr; }
    ProjectorScreen #proj-roles { height: auto; color: $text-muted; }
    ProjectorScreen #proj-events { height: 1fr; overflow-y: hidden; }
    ProjectorScreen #proj-inject { height: auto; max-height: 9; border: heavy $accent; padding: 0 2; }
    ProjectorScreen #proj-inject.fresh { border: heavy $warning; background: $warning 15%; }
    """

    def __init__(self, client: Any, role: str = PUBLIC) -> None:
        super().__init__()
        self.client = client
        self.role = role
        self.names = Names.of(client.scenario)
        self._clock_base: tuple[float, float] | None = None
        """(seconds left, monotonic time it was read) while a clock runs."""
        self._inject_shown = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="proj-top"):
            yield Static(id="proj-title")
            yield Digits("--:--", id="proj-clock")
        with Horizontal(id="proj-main"):
            with Vertical(id="proj-left"):
                yield Static(Text("Escalation", style="bold"), classes="proj-heading")
                yield DataTable(id="proj-ladder", cursor_type="none", zebra_stripes=True)
                yield Static(self._roles(), id="proj-roles")
            with Vertical(id="proj-right"):
                yield Static(Text("What the room knows", style="bold"), classes="proj-heading")
                yield Static(id="proj-events")
        yield Static(id="proj-inject")
        yield SteadyFooter()

    def _roles(self) -> Text:
        """The actors no team plays, and who plays them (the room knows who sits where)."""
        return Text("\n".join(f"{a.name}: {played_by(a.plays)}" for a in self.client.scenario.actors
                               if not a.playing))

    def on_mount(self) -> None:
        self.query_one("#proj-roles", Static).display = bool(self._roles())
        v: View = self.client.view(self.role)
        self.query_one("#proj-ladder", DataTable).add_columns(*ladder_columns(v))
        self.refresh_view()
        self.set_interval(1.0, self._tick)

    # -- drawing ---------------------------------------------------------------------------
    def refresh_view(self) -> None:
        v: View = self.client.view(self.role)
        n = self.names
        syndicate = getattr(self.client, "syndicate", "")
        title = Text.assemble((v.title, "bold"), (f"  ·  {syndicate}" if syndicate else "", "bold"), "\n",
                              (f"{v.label}  ·  {v.phase}", "bold reverse"))
        if v.outcome is not None:
            title.append(f"\nOutcome: {n.outcome_name(v.outcome.result)}", style="bold")
        self.query_one("#proj-title", Static).update(title)
        table = self.query_one("#proj-ladder", DataTable)
        table.clear()
        for row in ladder_rows(v, n):
            table.add_row(*row)
        self._events(v)
        self._read_clock(v)
        self._tick()

    def _events(self, v: View) -> None:
        seen = self.client.timeline(self.role)
        scenario, names = self.client.scenario, self.names
        lines = [t for e in seen if (t := notable(scenario, e, names=names))]
        shown = lines[-EVENTS_SHOWN:]
        self.query_one("#proj-events", Static).update(Text("\n".join(shown) or "Nothing yet."))
        injects = [e for e in seen if isinstance(e, InjectDelivered)]
        panel = self.query_one("#proj-inject", Static)
        if not injects:
            panel.display = False
            return
        last = injects[-1]
        panel.display = True
        panel.update(Group(
            Text(last.title.upper(), style="bold", justify="center"),
            Text(last.text, justify="center"),
        ))
        if last.id != self._inject_shown:
            self._inject_shown = last.id
            panel.add_class("fresh")
            self.set_timer(10, lambda: panel.remove_class("fresh"))

    def _read_clock(self, v: View) -> None:
        """Where the countdown starts from: the client's measure of the time left now, when it
        has one (a network client: the host measures), else what the view says was left."""
        if v.clock is None:
            self._clock_base = None
            return
        left = self.client.clock_left()
        self._clock_base = (float(v.clock.left if left is None else left), _now())
        self._clock_running = v.clock.running

    _clock_running = False

    def _tick(self) -> None:
        digits = self.query_one("#proj-clock", Digits)
        if self._clock_base is None:
            digits.update("--:--")
            digits.set_class(False, "running")
            return
        left, since = self._clock_base
        if self._clock_running:
            left -= _now() - since
        digits.update(clock_text(left))
        digits.set_class(self._clock_running, "running")
        digits.set_class(left <= 60, "ending")

    def action_help(self) -> None:
        from detente.tui.app.screens.modals import HelpModal, screen_keys

        self.app.push_screen(HelpModal(
            "projector", screen_keys(self),
            "The projector shows only what every team may see: the public picture, the clock and "
            "the injects released to everyone. It changes as the facilitator runs the session.",
        ))


#: How many of each syndicate's latest public events the side-by-side projector lists.
COHORT_EVENTS_SHOWN = 8


class CohortProjectorScreen(Screen[None]):
    """Every syndicate of a workshop side by side, each as the room may see it: its own
    ``public`` view and timeline (the spectator's seat of that syndicate), never a team's or
    the facilitator's. One column per syndicate, however narrow the wall: each column says its
    turn, phase and clock, the rung of each pair and its latest public events, wrapped to fit."""

    BINDINGS = [
        Binding("f1", "help", "keys", key_display="F1", tooltip="the keys of this screen"),
        Binding("q", "app.quit", "Quit", tooltip="close the projector (the sessions go on)"),
    ]

    OFFERS_QUIT = True

    DEFAULT_CSS = """
    CohortProjectorScreen #cohort-title { height: auto; padding: 0 1; }
    CohortProjectorScreen #cohort { height: 1fr; }
    CohortProjectorScreen .cohort-column { width: 1fr; padding: 0 1; border-left: solid $primary 40%; }
    CohortProjectorScreen .cohort-head { height: auto; }
    CohortProjectorScreen .cohort-events { height: 1fr; overflow-y: hidden; color: $text-muted; }
    """

    def __init__(self, syndicates: Any) -> None:
        """``syndicates``: a :class:`~detente.tui.app.syndicates.Syndicates` whose clients each
        may read their syndicate's ``public`` view."""
        super().__init__()
        self.syndicates = syndicates
        self.names = Names.of(syndicates.members[0].client.scenario)

    def compose(self) -> ComposeResult:
        yield Static(id="cohort-title")
        with Horizontal(id="cohort"):
            for i, _ in enumerate(self.syndicates.members):
                with Vertical(classes="cohort-column"):
                    yield Static(id=f"cohort-head-{i}", classes="cohort-head")
                    yield Static(id=f"cohort-events-{i}", classes="cohort-events")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.refresh_view()
        self.set_interval(1.0, self._tick)

    def refresh_view(self) -> None:
        first: View = self.syndicates.members[0].client.view(PUBLIC)
        self.query_one("#cohort-title", Static).update(Text.assemble(
            (first.title, "bold"), f"  ·  {len(self.syndicates)} syndicates, one scenario"))
        for i, m in enumerate(self.syndicates.members):
            self.query_one(f"#cohort-head-{i}", Static).update(self._head(m))
            seen = m.client.timeline(PUBLIC)
            lines = [t for e in seen if (t := notable(m.client.scenario, e, names=self.names))]
            self.query_one(f"#cohort-events-{i}", Static).update(
                Text("\n".join(lines[-COHORT_EVENTS_SHOWN:]) or "Nothing yet."))

    def _head(self, m: Any) -> Text:
        """A syndicate's name, where it is (or how it ended), its clock, and each pair's rung."""
        v: View = m.client.view(PUBLIC)
        n = self.names
        head = Text(f" {m.name} ", style="bold reverse")
        if v.outcome is not None:
            head.append(f"\nENDED: {n.outcome_name(v.outcome.result)}", style="bold red")
        else:
            head.append(f"\n{v.label if v.turn else 'Setup'} · {v.phase}", style="bold")
            if v.clock is not None:
                head.append(f"\n{clock_words(v, m.client.clock_left())}")
        for p in v.pairs:
            if p.rung is None:
                continue
            rung = v.ladder[p.rung] if p.rung < len(v.ladder) else ""
            head.append(f"\n{n.short_name(p.a)[:3]}–{n.short_name(p.b)[:3]} {p.rung} {rung}",
                        style=RUNG_STYLE[min(p.rung, len(RUNG_STYLE) - 1)])
        head.append("\n")
        return head

    def _tick(self) -> None:
        """A running clock counts down in its column."""
        for i, m in enumerate(self.syndicates.members):
            v = m.client.view(PUBLIC)
            if v.clock is not None and v.clock.running:
                self.query_one(f"#cohort-head-{i}", Static).update(self._head(m))

    def action_help(self) -> None:
        from detente.tui.app.screens.modals import HelpModal, screen_keys

        self.app.push_screen(HelpModal(
            "projector, every syndicate", screen_keys(self),
            "Every syndicate of the workshop side by side, each as every team may see it: its public "
            "picture, its clock and its public events. Nothing of one syndicate reaches another.",
        ))


__all__ = ["CohortProjectorScreen", "ProjectorScreen"]
