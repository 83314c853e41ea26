"""The facilitator console: the home screen of a running session.

It shows the facilitator's view (everything) and sends facilitator commands. Teams
take the keyboard through a hand-over screen that shows no team's information.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, RichLog, Static

from detente.engine.commands import AddInject, Advance, Command, End, Note, Override, RateCall, Start
from detente.engine.entries import Expected, Noted, PhaseBegan, TimelineEntry
from detente.engine.views import View
from detente.tui.app.client import FACILITATOR, SessionClient
from detente.tui.app.panels import (
    Panels,
    SteadyFooter,
    next_matrix_value,
    release_heap,
    settle_heap,
)
from detente.tui.app.screens.argued import ArgumentsScreen, open_count
from detente.tui.app.screens.debrief import DebriefScreen, EndScreen, ReviewScreen
from detente.tui.app.screens.evaluator import EvaluatorScreen, ask_assessment
from detente.tui.app.screens.forms import InjectModal, OverrideModal
from detente.tui.app.screens.modals import (
    BriefingModal,
    ChooseModal,
    ConfirmModal,
    HelpModal,
    TextModal,
    screen_keys,
)
from detente.tui.app.screens.team import HandoverScreen, PlayedScreen, ReturnScreen, TeamScreen
from detente.tui.render.text import Names, clock_words, facilitator_briefing, notable

if TYPE_CHECKING:
    from detente.tui.app.syndicates import Syndicates

PHASE_HINT = {
    "briefing": "teams read their briefings; press n to move on to communications",
    "communications": "teams place calls and proposals and answer them (press t to hand over)",
    "orders": "teams seal their orders (press t to hand over)",
    "adjudication": "press r to review the results (and override them), then publish them there",
    "debrief": "results are out; press d for the debrief, n starts the next turn",
}

ENDED_HINT = (
    "the session has ended: press e for the outcome, the scores and the report; "
    "notes (press b), ratings (x) and the evaluator's observations (v) can still be added"
)


KINDS: tuple[tuple[str, str], ...] = (
    ("", "all kinds"),
    ("injects", "injects"),
    ("calls", "calls, proposals and pledges"),
    ("moves", "moves and their results"),
    ("incidents", "incidents"),
    ("changes", "value changes and overrides"),
    ("notes", "facilitator notes"),
    ("argued", "argued actions"),
)

_KIND_GROUPS = {
    "injects": {"inject"},
    "calls": {
        "proposal",
        "response",
        "unanswered",
        "settled",
        "message",
        "pledge",
        "pledge_status",
        "breach",
        "hang_up",
        "rating",
    },
    "moves": {"move", "orders", "notice", "force", "known", "declaration", "verification"},
    "incidents": {"incident", "crisis"},
    "changes": {"changed", "override"},
    "notes": {"note", "expectation"},
    "argued": {"argued", "counters_asked", "countered", "judged", "narrated"},
}


def _matches(e: TimelineEntry, team: str, kind: str) -> bool:
    """Whether an entry passes the timeline filter (team "" and kind "" pass everything)."""
    if kind and e.kind not in _KIND_GROUPS[kind]:
        return False
    return not team or e.involves(team)


class FacilitatorCommands(Provider):
    """Every facilitator action of the console, in the command palette (ctrl+p)."""

    def _actions(self) -> list[tuple[str, str, str]]:
        screen = self.screen
        # The footer's word and what it does, so "phase" or "advance" find "Next" too.
        return [
            (f"{b.description}: {b.tooltip}" if b.tooltip else b.description, b.action, f"key {b.key}")
            for b in screen.BINDINGS
            if isinstance(b, Binding) and b.description and b.action not in ("app.quit", "help")
            and not (b.action == "next_syndicate" and screen.check_action(b.action, ()) is False)
        ]

    async def discover(self) -> Hits:
        for name, action, help_text in self._actions():
            yield DiscoveryHit(name, partial(self.screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(self.screen.run_action, action), help=help_text
                )


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


class HandBackScreen(ReturnScreen):
    """'Hand the keyboard back to the facilitator', locked: Enter alone does not open the
    console (the team still at the keyboard would see everything). The facilitator types the
    PIN chosen at the start, or, when none was, presses the facilitator key."""

    inherit_bindings = False
    BINDINGS = [
        Binding("ctrl+f", "unlock", "facilitator", show=False,
                tooltip="the facilitator's key: opens the console (only when no PIN was set)"),
        Binding("enter", "enter", "", show=False),
        Binding("f1", "help", "keys", key_display="F1"),
    ]

    def __init__(self, client: SessionClient) -> None:
        super().__init__()
        self.client = client

    def compose(self) -> ComposeResult:
        with Vertical(classes="handover"):
            yield Static("Hand the keyboard back to the facilitator", classes="handover-title")
            if self.client.has_pin:
                yield Static("Facilitator: type the PIN and press Enter to open the console.")
                yield Input(password=True, placeholder="facilitator PIN", id="pin", max_length=32)
            else:
                yield Static("Facilitator: press your key (F1 names it) to open the console.")
            yield Static("", id="lock-problem", classes="error")
        yield SteadyFooter()

    def on_mount(self) -> None:
        if self.client.has_pin:
            self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _pin(self, event: Input.Submitted) -> None:
        event.stop()
        if self.client.pin_matches(event.value):
            self.dismiss(None)
            return
        event.input.value = ""
        self.query_one("#lock-problem", Static).update("That is not the facilitator's PIN.")

    def action_enter(self) -> None:
        self.query_one("#lock-problem", Static).update(
            "Only the facilitator opens the console: type the PIN."
            if self.client.has_pin
            else "Only the facilitator opens the console, with the facilitator's key."
        )

    def action_unlock(self) -> None:
        if self.client.has_pin:
            self.action_enter()
            return
        self.dismiss(None)

    def action_done(self) -> None:
        self.action_enter()

    def action_help(self) -> None:
        text = (
            "The team's screen has been cleared. The facilitator types the PIN chosen at the start."
            if self.client.has_pin
            else "The team's screen has been cleared. The facilitator's key opens the console; "
            "choose a PIN when starting a session to lock this screen with it."
        )
        keys = [k for k in screen_keys(self) if not (self.client.has_pin and k[0] == "ctrl+f")]
        self.app.push_screen(HelpModal("hand back", keys, text))


class LockedHandover(HandoverScreen):
    """The hand-over screen whose team hands the keyboard back through :class:`HandBackScreen`."""

    @work
    async def action_ready(self) -> None:
        await self.app.push_screen_wait(TeamScreen(self.client, self.team))
        # The team's screen is gone; nothing of it may show while the keyboard goes back.
        await self.app.push_screen_wait(HandBackScreen(self.client))
        self.dismiss(None)


class ConsoleScreen(Panels, Screen[None]):
    """Escalation, relations, timeline and the facilitator's controls."""

    COMMANDS = {FacilitatorCommands}

    BINDINGS = [
        # The footer shows the keys of every turn (it must fit 80 columns with "F1 keys"); the rest
        # are in the help (F1) and the command palette, with their tooltips.
        Binding("n", "advance", "Next", tooltip="advance to the next phase (asks if a team has not acted)"),
        Binding("t", "team", "Team", tooltip="hand the keyboard to a team (a hand-over screen first)"),
        Binding("a", "arguments", "Argued", show=False, tooltip="argued actions: ask for "
                "counter-arguments, set the odds, say what came of them (the status line says when "
                "one waits)"),
        Binding("p", "play", "Play",
                tooltip="play an actor no team plays: its calls, answers and orders, on its own screen"),
        Binding("i", "inject", "Inject", tooltip="an ad-hoc inject: text, addressees and an effect",
                show=False),
        Binding("o", "override", "Override", tooltip="set a value, with a reason that is logged",
                show=False),
        Binding("b", "note", "Note", tooltip="an observation for the debrief and the report", show=False),
        Binding("x", "assess", "Expectations", show=False,
                tooltip="rate an expectation a person judges (met, partly, missed) with a reason; "
                "also after the end"),
        Binding("v", "evaluator", "Evaluator", show=False,
                tooltip="the evaluator's screen: the person at the keyboard observes and rates (HSEEP) "
                "as the evaluator; changes nothing in the game; also after the end"),
        Binding("c", "rate_call", "Rate call", show=False,
                tooltip="rate an answered call of this turn, -2 to +2: how much what was said helped"),
        Binding("g", "briefings", "Briefings", show=False,
                tooltip="what the exercise trains, the public and every private briefing, the draws"),
        Binding("k", "clock", "Clock",
                tooltip="the phase clock: set, start, pause, extend, stop, advance by itself", show=False),
        Binding("m", "matrix", "Matrix", tooltip="switch the relations matrix: tension, trust, threat",
                show=False),
        Binding("f", "filter", "Filter", tooltip="show the timeline's events of one team, then of one kind",
                show=False),
        Binding(
            "r", "review", "Review", tooltip="the adjudication review: results, rolls, overrides, publish"
        ),
        Binding("d", "debrief", "Debrief",
                tooltip="what changed this turn (the facilitator's view, everything); tension charts"),
        Binding("e", "end", "End", tooltip="end the session now (asks why); once ended, the end screen"),
        Binding("s", "next_syndicate", "Syndicate",
                tooltip="show the next syndicate (keys 1–9 show that one; the strip above shows them all)"),
        *(Binding(str(k), f"show_syndicate({k - 1})", "", show=False) for k in range(1, 10)),
        Binding("f1", "help", "keys", key_display="F1", tooltip="this help: every key of the console"),
        Binding("q", "app.quit", "Quit", tooltip="quit (asks first while the session runs)"),
    ]

    #: Actions that make no sense once the session has ended (hidden from the footer then).
    PLAY_ACTIONS = frozenset(
        {"advance", "team", "play", "inject", "override", "review", "clock", "rate_call", "arguments"})

    def __init__(self, client: SessionClient, syndicates: Syndicates | None = None,
                 switched: bool = False) -> None:
        """``syndicates``: every syndicate of the workshop when the host runs several (the strip
        and the switcher); ``switched``: opened by the switcher (an ended syndicate's end screen
        then waits for e)."""
        super().__init__()
        self.client = client
        self.syndicates = syndicates if syndicates is not None and len(syndicates) > 1 else None
        self.switched = switched
        self.names = Names.of(client.scenario)
        self.matrix_value = ""
        """The value the relations matrix shows (a track's name); empty for the first it can."""
        self.filter: tuple[str, str] = ("", "")
        """Timeline filter: (team id or "" for all, kind group or "" for all)."""
        self._shown_filter: tuple[str, str] | None = None
        self._shown_count = 0
        self._inject_details: list[str] = []
        self._argued_open = 0
        """How many argued actions waited for the facilitator when the console was last drawn."""

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        if self.syndicates is not None:
            yield Static(id="syndicates")
        with Horizontal(id="console"):
            with Vertical(id="left"):
                yield from self.session_panels()
                yield Static("Injects (Enter: details)", classes="panel-title")
                yield DataTable(id="injects", cursor_type="row", zebra_stripes=True)
            with Vertical(id="right"):
                yield Static("Timeline", id="timeline-title", classes="panel-title")
                yield RichLog(id="timeline", wrap=True, markup=False, min_width=20)
        yield SteadyFooter()

    def on_mount(self) -> None:
        # Opening the console begins the session (every syndicate's, when the host runs several).
        for client in [m.client for m in self.syndicates] if self.syndicates is not None else [self.client]:
            if client.view(FACILITATOR).phase == "setup":
                client.apply(Start())
        # After the first layout, so the timeline wraps at its real width.
        self.call_after_refresh(self.refresh_view)
        self.call_after_refresh(settle_heap)
        self.set_interval(1.0, self._tick)
        if self.ended and not self.switched:
            # A resumed log that had ended opens on its end screen, as any ending does.
            self.call_after_refresh(self.show_end)

    @property
    def ended(self) -> bool:
        return self.client.view(FACILITATOR).outcome is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "team" and (self.client.joined is not None or self.syndicates is not None):
            # Teams are on their own laptops (every syndicate's are, when the host runs several):
            # no keyboard to hand over.
            return False
        if action == "play" and not self.played:
            return False  # no actor the facilitator plays: the key is not offered at all
        if action == "evaluator" and self.client.joined is not None:
            return False  # over the network the evaluator has a seat (and a code) of its own
        if action in ("next_syndicate", "show_syndicate"):
            return self.syndicates is not None  # one session: no syndicate to switch to
        return not (action in self.PLAY_ACTIONS and self.ended)

    def show_end(self) -> None:
        """The end screen: outcome, scores, and w for the report (every ending leads here)."""
        self.refresh_bindings()
        if not isinstance(self.app.screen, EndScreen):
            self.app.push_screen(EndScreen(self.client), callback=lambda _: self.refresh_view())

    def _tick(self) -> None:
        """A running phase clock counts down on the status line."""
        v = self.client.view(FACILITATOR)
        if v.clock is not None and v.clock.running and self.is_mounted:
            self._status(v)

    @property
    def played(self) -> tuple[str, ...]:
        """The actors the facilitator plays from this console (those a ``--bot`` plays aside)."""
        return tuple(a for a in self.client.scenario.facilitator_played if a not in self.client.bots)

    def humans_waiting(self) -> tuple[str, ...]:
        """The teams the phase waits for that a person plays (a bot acts on its own)."""
        return tuple(t for t in self.client.waiting_for() if t not in self.client.bots)

    def on_unmount(self) -> None:
        release_heap()

    # -- rendering, from the facilitator's view only ------------------------------------
    def refresh_view(self) -> None:
        while self.client.bot_problems:
            self.notify(self.client.bot_problems.pop(0), title="A bot's move was refused", severity="warning")
        v = self.client.view(FACILITATOR)
        self._arguments_changed(v)
        self._status(v)
        self._summary()
        self.show_ladder(v)
        self.show_matrix(v)
        self._timeline()
        self._injects(v)

    def team_names(self, ids: Any) -> str:
        name = {a.id: a.name for a in self.client.scenario.actors}
        return ", ".join(name.get(i, i) for i in ids)

    def _status(self, v: View) -> None:
        waiting = self.humans_waiting()
        hint = PHASE_HINT.get(v.phase, "")
        if self.client.joined is not None or self.syndicates is not None:
            hint = hint.replace(" (press t to hand over)", "")
        wait = f"waiting for: {self.team_names(waiting)}" if waiting else hint
        line = Text.assemble(
            (v.title, "bold"), "  ·  ", (v.label, "bold"), "  ·  ", (v.phase, "reverse"), "  ", wait
        )
        heading = self.syndicates.heading(self.client) if self.syndicates is not None else ""
        if heading:
            line = Text.assemble((f" {heading} ", "bold reverse"), "  ", line)
        if self.played and v.outcome is None:
            line.append(f"  ·  you play {self._yours(v)} (p)", style="bold")
        clock = clock_words(v, self.client.clock_left())
        if clock:
            line.append(f"  ·  {clock}" + ("  ·  runs out: advances by itself" if v.clock and v.clock.auto
                                           else ""), style="bold")
        if self.client.bots:
            line.append(
                "  ·  bots: "
                + ", ".join(f"{self.team_names([t])} ({p.name})" for t, p in self.client.bots.items())
            )
        for alert in v.alerts:  # what the rules say the facilitator must see first (a crisis)
            line.append(f"\n{alert}", style="bold red")
        if v.outcome is not None:
            line = Text.assemble(
                (v.title, "bold"),
                "  ·  ",
                ("ENDED: ", "bold red"),
                f"{Names.outcome_name(v.outcome.result)} — {v.outcome.reason}  ·  e: outcome, scores, report",
            )
            if heading:
                line = Text.assemble((f" {heading} ", "bold reverse"), "  ", line)
        waiting_argued = open_count(v)
        if waiting_argued and v.outcome is None:
            line.append(f"  ·  argued actions waiting: {waiting_argued} (a)", style="bold")
        if self.client.status():
            line.append(f"\n{self.client.status()}", style="dim")
        lineage = self.client.lineage()
        if lineage:
            line.append("\n")
            line.append("What-if branch: ", "bold yellow")
            line.append(lineage[0])
        self.set_text("#status", line)

    def _summary(self) -> None:
        """The strip of every syndicate (turn, phase, who is still to act, each pair's rung)."""
        if self.syndicates is None:
            return
        from detente.tui.app.syndicates import summary

        self.set_text("#syndicates", summary(self.syndicates, max(40, self.app.size.width - 2)))

    def action_next_syndicate(self) -> None:
        if self.syndicates is not None:
            self.action_show_syndicate((self.syndicates.shown + 1) % len(self.syndicates))

    def action_show_syndicate(self, index: int) -> None:
        """Show another syndicate: its own console, in place of this one."""
        show = getattr(self.app, "show_syndicate", None)
        if self.syndicates is not None and callable(show) and 0 <= index < len(self.syndicates):
            show(index)

    def _arguments_changed(self, v: View) -> None:
        """A new argued action waits for the facilitator: say so, once."""
        waiting = open_count(v)
        if waiting > self._argued_open and v.outcome is None:
            self.notify("A team argued an action: press a to see it and set the odds.",
                        title="Argued action")
        self._argued_open = waiting

    def _yours(self, v: View) -> str:
        """The actors the facilitator plays, each with what it has left to do now."""
        return ", ".join(self.team_names([a]) + (f": {todo}" if (todo := self._todo(v, a)) else "")
                         for a in self.played)

    @staticmethod
    def _todo(v: View, actor: str) -> str:
        """What an actor the facilitator plays has left to do now, in words: calls and proposals
        to answer, orders to give (the turn never waits for them)."""
        if v.phase == "communications":
            n = sum(1 for p in v.proposals if p.status == "open" and actor in p.to and actor not in p.answers)
            return f"{n} to answer" if n else ""
        if v.phase == "orders" and actor not in v.orders:
            return "orders not given"
        return ""

    def _timeline(self) -> None:
        """Append the events not shown yet; start again only when the filter changed."""
        log = self.query_one("#timeline", RichLog)
        team, kind = self.filter
        events = self.client.timeline(FACILITATOR)
        if self._shown_filter != self.filter or self._shown_count > len(events):
            log.clear()
            self._shown_count = 0
            self._shown_filter = self.filter
            who = self.names.actor_name(team) if team else "all teams"
            shown = f"{who}, {kind or 'all kinds'}" if team or kind else "everything"
            self.query_one("#timeline-title", Static).update(f"Timeline: {shown} (f filters)")
        new, self._shown_count = events[self._shown_count :], len(events)
        for e in new:
            if isinstance(e, PhaseBegan):
                log.write(Text(f"— {self.client.scenario.turns.name(e.turn)}: {e.phase} —", style="bold"))
                continue
            if not _matches(e, team, kind):
                continue
            if isinstance(e, Noted):
                log.write(Text(f"note: {e.text}", style="italic"))
                continue
            if isinstance(e, Expected):
                log.write(Text(self._expected_words(e), style="italic"))
                continue
            text = notable(self.client.scenario, e, names=self.names)
            if text:
                log.write(text)

    def _injects(self, v: View) -> None:
        rows = []
        self._inject_details = []
        for i in v.injects:
            status = f"fired {self.client.scenario.turns.name(i.fired)}" if i.fired else ""
            status = (status + ("; armed" if status else "armed")) if i.armed else (status or "not reached")
            style = "bold" if i.armed else "dim"
            to = self.names.actors_names(i.to) or "all"
            short = ", ".join(self.names.short_name(t) for t in i.to) or "all"
            # A condition can be a line long: the table shows its start, Enter shows it all.
            rows.append([Text(_clip(i.title, 30), style=style), _clip(i.schedule, 22), status, short])
            # The schedule says "Day 3, briefing" or "when <condition>": it reads as it stands.
            notes = f"\n\nyour notes: {i.notes}" if i.notes else ""
            self._inject_details.append(f"{i.title}\n\n{i.schedule}\nto: {to}\nstatus: {status}{notes}")
        self.fill_table("#injects", ("inject", "when", "status", "to"), rows)

    @on(DataTable.RowSelected, "#injects")
    def _inject_chosen(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self._inject_details):
            self.app.push_screen(HelpModal("inject", [], self._inject_details[event.cursor_row]))

    # -- actions ---------------------------------------------------------------------------
    @work
    async def action_filter(self) -> None:
        teams = [("", "all teams"), *[(a.id, a.name) for a in self.client.scenario.actors]]
        team = await self.app.push_screen_wait(ChooseModal("Show events involving…", teams))
        if team is None:
            return
        kind = await self.app.push_screen_wait(
            ChooseModal("Show which kind?", [(k, label) for k, label in KINDS])
        )
        if kind is None:
            return
        self.filter = (team, kind)
        self._timeline()

    def _expected_words(self, e: Expected) -> str:
        """An expectation's line in the timeline, in words: what was expected of whom, by when;
        then whether it was met, with the person's reason for a rating."""
        found = self.client.scenario.expectations.get(e.id)
        what = e.text or (found[1].text if found is not None else e.id)
        if e.status == "open":
            whom = self.names.actors_names(e.who) or "every team"
            due = f", by {self.names.due_text(e.due)}" if e.due else ""
            return f"expected of {whom}: {what}{due}"
        why = f": {e.reason}" if e.reason else ""
        return f"expectation {e.status}: {what}{why}"

    def _send(self, command: Command) -> bool:
        result = self.client.apply(command)
        if not result.accepted:
            self.notify(result.reason, title="Refused", severity="error")
        self.refresh_view()
        return result.accepted

    async def _which(self, what: str) -> str | None:
        """With several syndicates: ``this`` or ``all`` (None: cancelled); else ``this``."""
        if self.syndicates is None:
            return "this"
        name = self.syndicates.name_of(self.client)
        return await self.app.push_screen_wait(ChooseModal(f"{what}: which syndicates?", [
            ("this", f"this syndicate ({name})"),
            ("all", f"all syndicates ({len(self.syndicates)}), each from where it is, each in its own log"),
        ]))

    async def _to_all(self, command: Command, what: str) -> bool:
        """Apply the same command to every syndicate that has not ended (each logs it in its own
        log) and say what became of it in each; whether the shown syndicate took it."""
        assert self.syndicates is not None
        said, shown = [], False
        for m in self.syndicates:
            v = m.client.view(FACILITATOR)
            if v.outcome is not None:
                said.append(f"{m.name}: has ended")
                continue
            result = m.client.apply(command)
            if result.accepted:
                after = m.client.view(FACILITATOR)
                said.append(f"{m.name}: {what} — now {after.label}, {after.phase}")
                shown = shown or m.client is self.client
            else:
                said.append(f"{m.name}: refused — {result.reason}")
        refused = any(": refused" in line for line in said)
        self.notify("\n".join(said), title=f"{what.capitalize()}: every syndicate",
                    severity="warning" if refused else "information", timeout=12)
        self.refresh_view()
        return shown

    @work
    async def action_advance(self) -> None:
        v = self.client.view(FACILITATOR)
        which = await self._which("Advance")
        if which is None:
            return
        if which == "all":
            await self._advance_all()
            return
        if v.outcome is not None:
            self.notify("The session has ended.", severity="warning")
            return
        # A bot's pending answer or orders are given before anyone is asked to move on.
        if self.client.play_bots():
            self.refresh_view()
        waiting = self.humans_waiting()
        if waiting:
            detail = "Still to act: " + self.team_names(waiting) + ". Teams that have not acted pass; "
            detail += "unanswered calls and requests count as unanswered."
            if not await self.app.push_screen_wait(ConfirmModal(f"Leave {v.phase} and move on?", detail)):
                return
        if self._send(Advance()):
            await self._follow_phase()

    async def _advance_all(self) -> None:
        """Advance every syndicate that has not ended, once each, after asking when a person
        is still to act in any of them; then open what the shown syndicate's new phase needs."""
        from detente.tui.app.syndicates import still_to_act

        assert self.syndicates is not None
        waiting = []
        for m in self.syndicates:
            m.client.play_bots()
            if m.client.view(FACILITATOR).outcome is None and (who := still_to_act(m.client)):
                waiting.append(f"{m.name}: {self.team_names(who)}")
        if waiting:
            detail = ("Still to act — " + "; ".join(waiting) + ". Teams that have not acted pass; "
                      "unanswered calls and requests count as unanswered.")
            if not await self.app.push_screen_wait(ConfirmModal("Move every syndicate on?", detail)):
                return
        if await self._to_all(Advance(), "advanced"):
            await self._follow_phase()

    async def _follow_phase(self) -> None:
        """Open what the new phase needs: the review after adjudication, the debrief after
        publishing, the end screen when the session is over."""
        v = self.client.view(FACILITATOR)
        if v.phase == "adjudication":
            await self.app.push_screen_wait(ReviewScreen(self.client))
            v = self.client.view(FACILITATOR)
            if v.phase == "debrief":
                await self.app.push_screen_wait(DebriefScreen(self.client))
        elif v.phase == "debrief":
            await self.app.push_screen_wait(DebriefScreen(self.client))
        self.refresh_view()
        if self.ended:
            self.show_end()

    def action_review(self) -> None:
        if self.client.view(FACILITATOR).phase != "adjudication":
            self.notify("The review is open during adjudication.", severity="warning")
            return
        self._push_then_follow()

    @work
    async def _push_then_follow(self) -> None:
        await self._follow_phase()

    def action_debrief(self) -> None:
        self.app.push_screen(DebriefScreen(self.client), callback=lambda _: self.refresh_view())

    def action_briefings(self) -> None:
        """The facilitator's briefing: what the exercise trains, then every briefing and draw."""
        self.app.push_screen(BriefingModal("The facilitator's briefing", facilitator_briefing(
            self.client.scenario, self.client.view(FACILITATOR), self.names)))

    @work
    async def action_team(self) -> None:
        if self.client.joined is not None or self.syndicates is not None:
            self.notify("The teams are on their own screens: there is no keyboard to hand over.")
            return
        v = self.client.view(FACILITATOR)
        if v.outcome is not None or v.phase in ("adjudication",):
            self.notify("No team acts in this phase.", severity="warning")
            return
        waiting = set(self.client.waiting_for())
        bots = self.client.bots
        seated = self.client.scenario.team_ids  # an actor no team plays has no seat to hand over
        options = [
            (
                a.id,
                f"{a.name}{'  (waiting)' if a.id in waiting else ''}"
                f"{f'  (played by the {bots[a.id].name} bot)' if a.id in bots else ''}",
            )
            for a in v.actors
            if a.id in seated
        ]
        team = await self.app.push_screen_wait(ChooseModal("Which team takes the keyboard?", options))
        if team:
            await self.app.push_screen_wait(LockedHandover(self.client, team))
            self.refresh_view()

    def action_arguments(self) -> None:
        self.app.push_screen(ArgumentsScreen(self.client), callback=lambda _: self.refresh_view())

    @work
    async def action_play(self) -> None:
        """The screen of an actor the facilitator plays: the team screen, for that actor, with
        no hand-over (the facilitator sees everything anyway)."""
        played = self.played
        v = self.client.view(FACILITATOR)
        if not played or v.outcome is not None:
            self.notify("No actor of this scenario is played by the facilitator (plays = \"facilitator\")."
                        if not played else "The session has ended.", severity="warning")
            return
        actor: str | None = played[0]
        if len(played) > 1:
            options = [(a, self.team_names([a]) + (f"  ({todo})" if (todo := self._todo(v, a)) else ""))
                       for a in played]
            actor = await self.app.push_screen_wait(ChooseModal("Play which actor?", options))
        if actor:
            await self.app.push_screen_wait(PlayedScreen(self.client, actor))
            self.refresh_view()

    @work
    async def action_inject(self) -> None:
        got = await self.app.push_screen_wait(InjectModal(self.client.scenario))
        if got is not None:
            title, text, to, effects = got
            if self._send(AddInject(title=title, text=text, to=to, effects=effects)) and self.ended:
                self.show_end()

    @work
    async def action_override(self) -> None:
        got = await self.app.push_screen_wait(OverrideModal(self.client.scenario))
        # got: (value, of, to, reason[, what teams read])
        if got is not None and self._send(Override(*got)) and self.ended:
                self.show_end()

    @work
    async def action_clock(self) -> None:
        """The phase clock: what can be done with it now, then how many minutes if that needs them.
        Pausing or extending a running clock leaves the time left to whoever runs it (the host)."""
        from detente.engine.commands import Clock

        v = self.client.view(FACILITATOR)
        c = v.clock
        options = [("set", "Set a clock for this phase (minutes; it waits for start)")]
        if c is not None:
            options = [
                ("pause", "Pause") if c.running else ("start", "Start"),
                ("extend", "Extend by some minutes"),
                ("set", "Set it again (minutes)"),
                ("stop", "Take the clock away"),
                ("manual", "When it runs out: wait for the facilitator") if c.auto
                else ("auto", "When it runs out: advance by itself"),
            ]
        action = await self.app.push_screen_wait(ChooseModal("Phase clock", options))
        if not action:
            return
        which = await self._which("Phase clock") if self.syndicates is not None else "this"
        if which is None:
            return
        seconds = 0
        if action in ("set", "extend"):
            typed = await self.app.push_screen_wait(TextModal("How many minutes?", value="10"))
            if not typed:
                return
            try:
                seconds = round(float(typed.replace(",", ".")) * 60)
            except ValueError:
                self.notify(f"{typed!r} is not a number of minutes", severity="error")
                return
        if which == "all":
            await self._to_all(Clock(action, seconds=seconds), f"clock {action}")
            return
        self._send(Clock(action, seconds=seconds))

    @work
    async def action_rate_call(self) -> None:
        """Rate an answered call of this turn, in progress or ended: the rules add its effect."""
        v = self.client.view(FACILITATOR)
        calls = [p for p in v.proposals if p.call and p.status in ("talking", "ended") and p.rating is None]
        if v.phase not in ("communications", "orders") or not calls:
            self.notify("No answered call of this turn waits for a rating (calls are rated during "
                        "communications and orders).", severity="warning")
            return
        n = self.names

        def said(p: Any) -> str:
            sides = (p.by, p.to[0])
            return "; ".join(f"{n.short_name(side)}: {n.tone_chosen(p.tone_of(side))}" for side in sides)

        options = [(p.id, f"{n.actor_name(p.by)} ↔ {n.actor_name(p.to[0])} "
                          f"({'in progress' if p.status == 'talking' else 'ended'}) — {said(p)}")
                   for p in calls]
        pid = await self.app.push_screen_wait(ChooseModal("Rate which call?", options))
        if not pid:
            return
        rating = await self.app.push_screen_wait(ChooseModal("How much did what was said help?", [
            ("2", "+2  it helped a great deal"), ("1", "+1  it helped"), ("0", " 0  it changed nothing"),
            ("-1", "-1  it made things worse"), ("-2", "-2  it made things much worse"),
        ]))
        if rating:
            self._send(RateCall(proposal=pid, rating=int(rating)))

    @work
    async def action_assess(self) -> None:
        """Rate an expectation without a condition, once its inject is out: the open ones first;
        for one team of several, or all of them."""
        command = await ask_assessment(self.app, self.client, FACILITATOR, FACILITATOR)
        if command is not None:
            self._send(command)

    def action_evaluator(self) -> None:
        """Hot-seat: the evaluator's screen, for the person at the keyboard (commands by the evaluator)."""
        self.app.push_screen(EvaluatorScreen(self.client), callback=lambda _: self.refresh_view())

    @work
    async def action_note(self) -> None:
        text = await self.app.push_screen_wait(TextModal("Observation for the debrief"))
        if text:
            self._send(Note(text=text))

    @work
    async def action_end(self) -> None:
        if self.ended:
            self.show_end()
            return
        reason = await self.app.push_screen_wait(TextModal("End the session now? Say why (logged)"))
        if reason and self._send(End(reason=reason)):
            self.show_end()

    def action_matrix(self) -> None:
        v = self.client.view(FACILITATOR)
        self.matrix_value = next_matrix_value(v, self.matrix_value)
        self.show_matrix(v)

    def action_help(self) -> None:
        self.app.push_screen(
            HelpModal(
                "facilitator console",
                screen_keys(self),
                ENDED_HINT if self.ended else PHASE_HINT.get(self.client.view(FACILITATOR).phase, ""),
            )
        )

    @on(DataTable.HeaderSelected)
    def _ignore(self) -> None:
        pass
