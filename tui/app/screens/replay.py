"""The replay viewer: step through a logged session event by event, as one role saw it.

A :class:`Tape` is a log read back: its events and the state at any position, rebuilt by
folding the events from the session's initial state (no re-adjudication). The
:class:`ReplayScreen` renders only ``view(state, role)`` and ``timeline(events, role)``, so a
team's perspective shows that team's view and nothing else, at every position.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, RichLog, Static

from detente.engine.commands import EVALUATOR, FACILITATOR
from detente.engine.entries import (
    Noted,
    ObjectiveChanged,
    OrdersSealed,
    PhaseBegan,
    Rolled,
    Said,
    TimelineEntry,
    read,
)
from detente.engine.events import Event, fold, fold_all
from detente.engine.log import LogError, read_log
from detente.engine.recorder import branch, describe_lineage, session_from_header
from detente.engine.scenario import Scenario
from detente.engine.state import State
from detente.engine.views import PUBLIC, View, timeline, view
from detente.engine.visibility import shown
from detente.tui.app.panels import (
    Panels,
    SteadyFooter,
    next_matrix_value,
    release_heap,
    settle_heap,
)
from detente.tui.app.screens.modals import BriefingModal, ChooseModal, ConfirmModal, HelpModal
from detente.tui.render.provenance import notes
from detente.tui.render.text import Names, notable

if TYPE_CHECKING:
    from detente.tui.app.app import DetenteApp

#: Fold at most this many events to reach any position (a checkpoint every so often).
CHECKPOINT_EVERY = 64

#: Timeline lines rendered at most (the newest); older ones are summarised in one line.
TIMELINE_LINES = 120


def branch_log_path(parent: str | os.PathLike[str], turn: int, phase: str, folder: Path) -> Path:
    """``<folder>/<parent>-whatif-t<turn>-<phase>.jsonl``, never an existing file."""
    stem = Path(parent).stem
    path, n = folder / f"{stem}-whatif-t{turn}-{phase}.jsonl", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-whatif-t{turn}-{phase}-{n}.jsonl"
    return path


class Tape:
    """A session log read back for replay: its events, and the state after any number of them.

    Positions run from 0 (before the first event: the scenario as loaded) to ``len(events)``
    (the end of the log). States are cached at every phase change (and every
    :data:`CHECKPOINT_EVERY` events), so reaching any position folds only a few events.
    """

    def __init__(
        self,
        path: str,
        scenario: Scenario,
        ladder: tuple[str, ...],
        events: Sequence[Event],
        checkpoints: dict[int, State],
        warnings: Sequence[str] = (),
    ) -> None:
        self.path = path
        self.scenario = scenario
        self.ladder = ladder
        self.events: tuple[Event, ...] = tuple(events)
        """Every event of the log (not the command records), in order."""
        self.warnings = list(warnings)
        """What was dropped or where reading stopped, in plain words (each names its line)."""
        self.lineage: list[str] = []
        self.provenance: tuple[str, list[str]] = ("", [])
        """Who vouches for the log, and whether its scenario file changed (see tui/render/provenance.py)."""
        """For a branched log, one line per log it descends from, nearest first."""
        self._checkpoints = checkpoints
        self._marks = sorted(checkpoints)
        self._pos, self._state = 0, checkpoints[0]
        self.turn_starts: dict[int, int] = {0: 0}
        """Turn → the position just after its briefing began (turn 0: the setup, position 0)."""
        for i, e in enumerate(self.events):
            if e["kind"] == "phase" and e["phase"] == "briefing":
                self.turn_starts.setdefault(e["turn"], i + 1)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Tape:
        """Read a log for replay. A damaged or cut-short log is read up to its last good
        command, with a warning naming the line; :class:`LogError` if it cannot be read at all."""
        contents = read_log(path, tolerant=True)
        session = session_from_header(contents.header, os.fspath(path))
        warnings = list(contents.warnings)
        state = session.state
        checkpoints = {0: state}
        events: list[Event] = []
        for record in contents.records:
            if record["kind"] == "command":
                continue
            try:
                state = fold(state, record)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
                warnings.append(
                    f"line {record.get('seq', 0) + 1}: an event does not fit the scenario ({exc!r}); "
                    "the replay stops before it"
                )
                break
            events.append(record)
            if record["kind"] == "phase" or len(events) % CHECKPOINT_EVERY == 0:
                checkpoints[len(events)] = state
        checkpoints[len(events)] = state
        tape = cls(os.fspath(path), session.scenario, session.ruleset.ladder, events, checkpoints, warnings)
        tape.lineage = describe_lineage(contents.header)
        tape.provenance = notes(os.fspath(path), contents, label="Log")
        return tape

    def __len__(self) -> int:
        return len(self.events)

    def state_at(self, pos: int) -> State:
        """The state after the first ``pos`` events."""
        pos = max(0, min(pos, len(self.events)))
        if pos == self._pos:
            return self._state
        if pos > self._pos and pos - self._pos <= CHECKPOINT_EVERY:
            start, state = self._pos, self._state
        else:
            start = max(m for m in self._marks if m <= pos)
            state = self._checkpoints[start]
        state = fold_all(state, self.events[start:pos])
        self._pos, self._state = pos, state
        return state

    def step(self, pos: int, by: int, role: str) -> int:
        """The position ``by`` events (±1) from ``pos``, counting only events ``role`` may see."""
        end = len(self.events)
        p = pos + by
        while 0 < p < end and shown(self.events[p - 1], role, self.scenario) is None:
            p += by
        return max(0, min(p, end))

    def position_of(self, seq: int) -> int | None:
        """The position just after the event whose ``seq`` (its number in the log) is ``seq``,
        where the replay shows it as the last thing that happened; None if no event has it."""
        for i, e in enumerate(self.events):
            if e.get("seq") == seq:
                return i + 1
        return None

    def where_is(self, seq: int) -> str:
        """Why ``seq`` is not one of the events (:meth:`position_of` is None), in words."""
        numbers = [e["seq"] for e in self.events if isinstance(e.get("seq"), int)]
        if not numbers:
            return "the log holds no event"
        if 1 <= seq < numbers[-1]:  # every line from the first to the last event is one or the other
            after = min(n for n in numbers if n > seq)
            return f"{seq} is the number of a command, not of an event (the next event is {after})"
        return f"its events are numbered {numbers[0]} to {numbers[-1]}"

    def next_turn(self, pos: int) -> int:
        """The start of the next turn after ``pos`` (the end of the log after the last)."""
        return min((p for p in self.turn_starts.values() if p > pos), default=len(self.events))

    def previous_turn(self, pos: int) -> int:
        """The start of the turn before ``pos`` (or of this one, if ``pos`` is inside it)."""
        return max((p for p in self.turn_starts.values() if p < pos), default=0)


def role_name(scenario: Scenario, role: str) -> str:
    if role == FACILITATOR:
        return "facilitator"
    if role == PUBLIC:
        return "public"
    if role == EVALUATOR:
        return "evaluator"
    return scenario.actor(role).name


def timeline_lines(
    scenario: Scenario, seen: Sequence[TimelineEntry], names: Names | None = None
) -> list[Text]:
    """One line per entry worth showing, from a role's timeline (:func:`detente.engine.entries.read`)."""
    n = names or Names.of(scenario)
    lines: list[Text] = []
    for e in seen:
        match e:
            case PhaseBegan():
                lines.append(Text(f"— {scenario.turns.name(e.turn)}: {e.phase} —", style="bold"))
            case Noted():
                lines.append(Text(f"note: {e.text}", style="italic"))
            case OrdersSealed():
                shown = "; ".join(n.order_text(o.to_dict()) for o in e.orders) or "pass"
                lines.append(Text(f"sealed orders — {n.actor_name(e.team)}: {shown}", style="cyan"))
            case Rolled():
                drawn = f"drew {e.value}" if e.p is None else (
                    f"{e.value} vs p {e.p} — {'success' if e.success else 'failure'}")
                lines.append(Text(f"roll: {n.roll_text(e.about)}: {drawn}", style="dim"))
            case Said():
                tone = f" ({n.tone_title(e.tone)})" if e.tone else ""
                lines.append(Text(f"{n.actor_name(e.by)} on the call{tone}: {e.text}"))
            case ObjectiveChanged():
                met = "met" if e.met else "not met"
                lines.append(Text(f"{n.actor_name(e.actor)}: objective {met}: {n.objective_name(e.id)}"))
            case _:
                text = notable(scenario, e, names=n)
                if text:
                    lines.append(Text(text))
    return lines


class ReplayScreen(Panels, Screen[None]):
    """A logged session, read-only, at any position and from any role's perspective."""

    # The VCR keys win over the tables' and the timeline's own arrows (those scroll with the mouse).
    EVENT = Binding.Group("Event", compact=True)
    TURN = Binding.Group("Turn", compact=True)
    ENDS = Binding.Group("Start/End")
    BINDINGS = [
        Binding("left", "step(-1)", "Previous event", group=EVENT, priority=True),
        Binding("right", "step(1)", "Next event", group=EVENT, priority=True),
        Binding("left_square_bracket", "turn(-1)", "Previous turn", key_display="[", group=TURN),
        Binding("right_square_bracket", "turn(1)", "Next turn", key_display="]", group=TURN),
        Binding("pageup", "turn(-1)", "Previous turn", show=False, priority=True),
        Binding("pagedown", "turn(1)", "Next turn", show=False, priority=True),
        Binding("home", "start", "Start", group=ENDS, priority=True),
        Binding("end", "end", "End", group=ENDS, priority=True),
        Binding("g", "goto", "Go to"),
        Binding("p", "perspective", "View as"),
        Binding("b", "briefing", "Briefing"),
        Binding("m", "matrix", "Matrix", show=False),  # the matrix's title says so
        Binding("w", "branch", "What-if"),
        Binding("f1", "help", "Help"),
        Binding("escape", "close", "Close", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    HELP_KEYS = [
        ("← / →", "previous / next event (only events the perspective may see)"),
        ("[ / ]", "previous / next turn (also PageUp / PageDown)"),
        ("Home / End", "start / end of the log"),
        ("g", "go to a turn"),
        ("p", "choose the perspective: the facilitator, the public or one team"),
        ("b", "the briefing as the perspective has it (a team: only its own)"),
        ("m", "switch the relations matrix: tension, trust, threat"),
        ("w", "what-if: branch a new session from the start of the phase shown and play it on"),
        ("Escape", "close the replay (back to the start screen)"),
        ("q", "quit"),
        ("F1", "this help"),
    ]

    @property
    def detente(self) -> DetenteApp:
        """The app this screen runs in (``self.app`` is typed as any Textual app)."""
        return cast("DetenteApp", self.app)

    def __init__(self, tape: Tape, role: str = FACILITATOR, at: int = 0) -> None:
        super().__init__()
        self.tape = tape
        self.role = role
        self.names = Names.of(tape.scenario)
        """What the screen calls each thing of the scenario."""
        self.pos = max(0, min(at, len(tape)))
        """How many events have happened at the position shown (``at``: where it opens)."""
        self.opened_at = self.pos
        """Where it opened (0: at the start; else it says so when it opens)."""
        self.matrix_value = ""
        """The value the relations matrix shows (a track's name); empty for the first it can."""
        self.status_line = ""
        """The status line as plain text (tests read it)."""
        self.timeline_plain: list[str] = []
        """The timeline's lines as plain text, before wrapping (tests read it)."""

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="replay"):
            with Vertical(id="left"):
                yield from self.session_panels()
            with Vertical(id="right"):
                yield Static("Timeline", classes="panel-title")
                yield RichLog(id="timeline", wrap=True, markup=False, min_width=20)
        yield SteadyFooter()

    def on_mount(self) -> None:
        for w in self.tape.warnings:
            self.notify(w, title="Log damaged: replay stops early", severity="warning", timeout=15)
        if self.tape.lineage:
            self.notify("\n".join(self.tape.lineage), title="A what-if branch", timeout=10)
        status, lines = self.tape.provenance
        if lines:
            self.notify("\n".join(line.removeprefix("Log: ") for line in lines), title="Log", timeout=10,
                        severity="information" if status == "this machine" else "warning")
        if self.pos and self.pos == self.opened_at:
            seq = self.tape.events[self.pos - 1].get("seq")
            state = self.tape.state_at(self.pos)
            when = f"{self.tape.scenario.turns.name(state.turn)}, {state.phase}"
            self.notify(f"The session just after event #{seq} ({when}).", title="Opened at an event",
                        timeout=8)
        # After the first layout, so the timeline wraps at its real width.
        self.call_after_refresh(self.refresh_view)
        self.call_after_refresh(settle_heap)

    def on_unmount(self) -> None:
        release_heap()

    # -- rendering: view(state, role) and timeline(events, role) only ---------------------------
    def current_view(self) -> View:
        return view(self.tape.state_at(self.pos), self.role, self.tape.ladder)

    def refresh_view(self) -> None:
        v = self.current_view()
        self._status(v)
        self.show_ladder(v)
        self.show_matrix(v)
        self._timeline()

    def _status(self, v: View) -> None:
        line = Text.assemble(
            ("REPLAY", "reverse"),
            "  ",
            (v.title, "bold"),
            "  ·  ",
            (v.label, "bold"),
            "  ·  ",
            (v.phase, "reverse"),
            "  ·  ",
            f"event {self.pos} of {len(self.tape)}",
            "  ·  as ",
            (role_name(self.tape.scenario, self.role), "bold"),
        )
        if v.outcome is not None:
            ended = Names.outcome_name(v.outcome.result)
            line.append(f"\nENDED: {ended} — {v.outcome.reason}", style="bold red")
        elif v.phase == "adjudication" and self.role != FACILITATOR:
            line.append("\nresults reach the teams when the facilitator publishes them", style="italic")
        self.status_line = line.plain
        self.set_text("#status", line)

    def _timeline(self) -> None:
        log = self.query_one("#timeline", RichLog)
        seen = read(timeline(self.tape.events[: self.pos], self.role, self.tape.scenario))
        lines = timeline_lines(self.tape.scenario, seen, self.names)
        plain = [t.plain for t in lines]
        old = self.timeline_plain
        self.timeline_plain = plain
        if plain == old and log.lines:
            return
        if old and log.lines and len(plain) > len(old) and plain[: len(old)] == old:
            # Forward: only the new lines (rewrapping the whole timeline is what costs).
            log.write(Text("\n").join(lines[len(old) :]))
            return
        log.clear()
        if len(lines) > TIMELINE_LINES:
            log.write(
                Text(f"… {len(lines) - TIMELINE_LINES} earlier lines (go back to see them)", style="dim")
            )
            lines = lines[-TIMELINE_LINES:]
        if lines:
            log.write(Text("\n").join(lines))

    # -- moving --------------------------------------------------------------------------------
    def go(self, pos: int) -> None:
        """Show the session after the first ``pos`` events."""
        self.pos = max(0, min(pos, len(self.tape)))
        self.refresh_view()

    def action_step(self, by: int) -> None:
        self.go(self.tape.step(self.pos, by, self.role))

    def action_turn(self, by: int) -> None:
        self.go(self.tape.next_turn(self.pos) if by > 0 else self.tape.previous_turn(self.pos))

    def action_start(self) -> None:
        self.go(0)

    def action_end(self) -> None:
        self.go(len(self.tape))

    @work
    async def action_goto(self) -> None:
        turns = self.tape.scenario.turns
        options = [(str(t), "Setup" if t == 0 else turns.name(t)) for t in sorted(self.tape.turn_starts)]
        chosen = await self.app.push_screen_wait(ChooseModal("Go to which turn?", options))
        if chosen is not None:
            self.go(self.tape.turn_starts[int(chosen)])

    @work
    async def action_perspective(self) -> None:
        options = [(FACILITATOR, "Facilitator (everything)"),
                   (EVALUATOR, "Evaluator (everything but the facilitator's notes)"),
                   (PUBLIC, "Public (what everyone sees)")]
        options += [(a.id, f"{a.name} — only what this team saw") for a in self.tape.scenario.actors]
        chosen = await self.app.push_screen_wait(ChooseModal("Whose perspective?", options))
        if chosen is not None:
            self.role = chosen
            self.refresh_view()

    @work
    async def action_branch(self) -> None:
        state = self.tape.state_at(self.pos)
        if state.turn < 1:
            self.notify("Step into a turn first: a what-if starts at one of its phases.", severity="warning")
            return
        label = self.tape.scenario.turns.name(state.turn)
        path = branch_log_path(self.tape.path, state.turn, state.phase, self.detente.sessions)
        question = f"Start a what-if from {label}, {state.phase}?"
        detail = (
            f"A new log, {path}, will hold this session up to the moment the {state.phase} phase of "
            f"{label} began, and open in the console to be played on. {self.tape.path} is not changed."
        )
        if not await self.app.push_screen_wait(ConfirmModal(question, detail)):
            return
        try:
            branch(self.tape.path, path, state.turn, state.phase)
        except (LogError, OSError) as exc:
            self.notify(str(exc), title="Cannot branch", severity="error", timeout=10)
            return
        self.detente.resume_session(path)

    def action_matrix(self) -> None:
        v = self.current_view()
        self.matrix_value = next_matrix_value(v, self.matrix_value)
        self.show_matrix(v)

    def action_briefing(self) -> None:
        v = self.current_view()
        parts = []
        if v.private_briefing:
            parts.append(("Your private briefing", v.private_briefing))
        for team, briefing in v.briefings.items():
            parts.append((f"Private briefing of {role_name(self.tape.scenario, team)}", briefing))
        parts.append(("Public briefing", v.briefing))
        if v.draws:
            drawn = "\n".join(f"{d.title}: {d.option}" for d in v.draws)
            parts.append(("What was drawn (known to this role)", drawn))
        text = "\n\n".join(f"{head}:\n{body.strip()}" for head, body in parts if body.strip())
        self.app.push_screen(BriefingModal(f"Briefing as {role_name(self.tape.scenario, self.role)}", text))

    def action_help(self) -> None:
        self.app.push_screen(
            HelpModal(
                "replay",
                self.HELP_KEYS,
                " ".join(
                    [
                        f"{self.tape.path}: {len(self.tape)} events. A team's perspective shows only "
                        "what that team saw; results of an adjudication reach it when they were "
                        "published.",
                        *(f"It was {line}." for line in self.tape.lineage),
                    ]
                ),
            )
        )

    def action_close(self) -> None:
        # Opened from the start screen: go back to it; opened from the command line: quit.
        if len(self.app.screen_stack) > 2:
            self.dismiss(None)
        else:
            self.app.exit()

    @on(DataTable.HeaderSelected)
    def _ignore(self) -> None:
        pass


__all__ = ["LogError", "ReplayScreen", "Tape", "timeline_lines"]
