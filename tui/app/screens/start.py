"""The start screen: bundled scenarios, a scenario file, or a session to resume."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from detente.tui.app.screens.modals import ChooseModal, HelpModal, TextModal, screen_keys

if TYPE_CHECKING:
    from detente.tui.app.app import DetenteApp

SESSIONS = Path("sessions")


def new_log_path(scenario_id: str, folder: Path = SESSIONS) -> Path:
    """``sessions/<id>-<UTC time>.jsonl``, never an existing file."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path, n = folder / f"{scenario_id}-{stamp}.jsonl", 1
    while path.exists():
        n += 1
        path = folder / f"{scenario_id}-{stamp}-{n}.jsonl"
    return path


def recent_logs(folder: Path = SESSIONS) -> list[Path]:
    """Session logs, newest first."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)


def scenario_line(path: Path) -> str:
    """The menu line of a scenario file: title, teams, turns and summary.

    Read with ``tomllib`` alone, so the menu is up in a blink; the full check (with every error's
    file, line and field) runs when the scenario is chosen."""
    try:
        data: dict[str, Any] = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
        head = data["scenario"]
        title, summary = str(head["title"]), str(head.get("summary", "")).strip()
        actors = data.get("actors", [])
        teams = sum(1 for a in actors if a.get("plays", "team") == "team")
        others = len(actors) - teams
        limit = data.get("turns", {}).get("limit", "?")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError):
        return f"{path.stem} (has errors: choose it to see them)"
    # An actor the facilitator or a bot plays has no seat: the room needs to know how many teams sit.
    more = f" and {others} non-playing actor{'s' if others > 1 else ''}" if others else ""
    return f"{title} — {teams} teams{more}, {limit} turns\n  {summary}"


class StartScreen(Screen[None]):
    """Pick a bundled scenario, open a file, or resume a session."""

    BINDINGS = [Binding("f1", "help", "Help"), Binding("q", "app.quit", "Quit")]

    @property
    def detente(self) -> DetenteApp:
        """The app this screen runs in (``self.app`` is typed as any Textual app)."""
        return cast("DetenteApp", self.app)

    def __init__(self, scenarios: list[Path]) -> None:
        super().__init__()
        self.scenarios = scenarios

    def compose(self) -> ComposeResult:
        with Vertical(id="start"):
            yield Static("Détente — crisis exercises", classes="title")
            yield Static("Choose a scenario to start a facilitated session, or resume one.", classes="hint")
            options = [Option(scenario_line(path), id=f"scn:{path}") for path in self.scenarios]
            options.append(Option("Open a scenario file…", id="open"))
            options.append(Option("Resume a session…", id="resume"))
            options.append(Option("Replay a session…", id="replay"))
            options.append(Option("Compare sessions… (the cohort debrief of several syndicates)",
                                  id="compare"))
            yield OptionList(*options, id="menu")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @work
    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id or ""
        if key.startswith("scn:"):
            self.detente.start_session(Path(key[4:]))
        elif key == "open":
            path = await self.app.push_screen_wait(
                TextModal("Scenario file to open", "path/to/scenario.toml")
            )
            if path:
                self.detente.start_session(Path(path))
        elif key == "resume":
            logs = recent_logs(getattr(self.app, "sessions", SESSIONS))
            if not logs:
                self.notify("No sessions in sessions/ yet.", severity="warning")
                return
            chosen = await self.app.push_screen_wait(
                ChooseModal("Resume which session?", [(str(p), p.name) for p in logs])
            )
            if chosen:
                self.detente.resume_session(Path(chosen))
        elif key == "replay":
            logs = recent_logs(getattr(self.app, "sessions", SESSIONS))
            if not logs:
                self.notify("No sessions to replay in sessions/ yet.", severity="warning")
                return
            chosen = await self.app.push_screen_wait(
                ChooseModal("Replay which session?", [(str(p), p.name) for p in logs])
            )
            if chosen:
                self.detente.open_replay(Path(chosen))
        elif key == "compare":
            from detente.tui.app.screens.compare import PickLogsModal

            picked = await self.app.push_screen_wait(
                PickLogsModal(recent_logs(getattr(self.app, "sessions", SESSIONS))))
            if picked:
                self.detente.open_compare(picked)

    def action_help(self) -> None:
        self.app.push_screen(HelpModal("start", screen_keys(self), "Enter chooses; arrows move."))


__all__ = ["StartScreen", "new_log_path", "recent_logs", "scenario_line"]
