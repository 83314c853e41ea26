"""The Détente terminal app: a start screen, then the facilitator console of a session."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App

from detente.tui.screens.start import StartScreen, new_log_path

if TYPE_CHECKING:
    from detente.tui.client import LocalClient
    from detente.tui.screens.replay import Tape

# The engine, the console and the replay viewer are imported when first needed, not before the
# start screen's first frame: a trainer waits for that in front of the room.


#: Short names for the themes that read best in a dark and a light room; any Textual theme name works
#: too, and ctrl+p → "Theme" switches while a session runs.
THEMES = {"dark": "textual-dark", "light": "textual-light"}


class DetenteApp(App[None]):
    """Runs one facilitated session at a time; every command is logged as it happens."""

    CSS_PATH = "detente.tcss"
    TITLE = "Détente"

    def __init__(
        self,
        *,
        client: LocalClient | None = None,
        scenarios: list[Path] | None = None,
        seed: int | None = None,
        sessions: Path = Path("sessions"),
        replay: str | Path | Tape | None = None,
        bot_specs: Sequence[str] = (),
        theme: str = "dark",
    ) -> None:
        super().__init__()
        self.client = client
        self.scenarios = scenarios or []
        self.seed = seed
        self.sessions = sessions
        self.replay = replay
        self.start_theme = THEMES.get(theme, theme)
        self.bot_specs = list(bot_specs)
        """``TEAM=POLICY`` seats for bots in the session the start screen opens."""

    def on_mount(self) -> None:
        self.theme = self.start_theme
        if self.client is not None:
            from detente.tui.screens.console import ConsoleScreen

            self.push_screen(ConsoleScreen(self.client))
        elif self.replay is None or not self.open_replay(self.replay):
            self.push_screen(StartScreen(self.scenarios))

    async def action_quit(self) -> None:
        """Quit, but never from a team's screen (a team may be at the keyboard; the screen says
        ``OFFERS_QUIT = False``), and only after asking while a session is still running."""
        from detente.tui.screens.modals import ConfirmModal

        if any(getattr(s, "OFFERS_QUIT", True) is False for s in self.screen_stack):
            self.notify(
                "Only the facilitator quits: hand the keyboard back to the console first.",
                title="Not from a team's screen",
                severity="warning",
            )
            return
        if self.client is not None and self.client.view("facilitator").outcome is None:
            detail = f"Nothing is lost: the log is {self.client.log_path}; detente play --resume reopens it."

            def answered(yes: bool | None) -> None:
                if yes:
                    self.exit()

            if not isinstance(self.screen, ConfirmModal):
                self.push_screen(ConfirmModal("Quit the session now?", detail), callback=answered)
            return
        self.exit()

    def start_session(self, scenario_path: Path, pin: str | None = None) -> None:
        """Load a scenario (errors shown on screen), ask for a facilitator PIN (optional: it
        locks the hand-back screen; the log keeps only its salted hash) unless ``pin`` is given,
        and open its console."""
        from detente.engine.loader import ScenarioError, load_scenario
        from detente.tui.screens.modals import HelpModal, TextModal

        try:
            scenario = load_scenario(scenario_path)
        except ScenarioError as exc:
            self.push_screen(HelpModal("scenario errors", [], str(exc)))
            return
        bots = self._bots(scenario)
        if bots is None:
            return
        if pin is not None:
            self._begin(scenario, scenario_path, bots, pin)
            return

        def chosen(got: str | None) -> None:
            if got is not None:
                self._begin(scenario, scenario_path, bots, got.strip())

        self.push_screen(
            TextModal(
                "Facilitator PIN (optional): locks the hand-back screen after each team's turn",
                "a short PIN, or Enter for none (the facilitator's key ctrl+f then opens it)",
                password=True,
            ),
            callback=chosen,
        )

    def _begin(self, scenario: Any, scenario_path: Path, bots: Mapping[str, Any], pin: str) -> None:
        from detente.engine.log import LogError
        from detente.tui.client import LocalClient

        try:
            log = new_log_path(scenario.scenario.id, self.sessions)
            client = LocalClient.new(
                scenario, log, seed=self.seed, source=str(scenario_path), bots=bots, pin=pin
            )
        except (LogError, OSError) as exc:
            self.notify(str(exc), title="Cannot start", severity="error")
            return
        self._open(client)

    def resume_session(self, log_path: Path) -> None:
        """Re-open a logged session exactly where it stopped."""
        from detente.engine.log import LogError
        from detente.tui.client import LocalClient

        try:
            client = LocalClient.resume(log_path)
        except (LogError, OSError) as exc:
            self.notify(str(exc), title="Cannot resume", severity="error")
            return
        for w in client.warnings:
            self.notify(w, title="Log repaired", severity="warning", timeout=10)
        status, lines = client.provenance
        for line in lines:
            # Who vouches for the log: a quiet word when it is this machine, a warning otherwise.
            self.notify(line.split(": ", 1)[1], title="Log", timeout=10,
                        severity="information" if status == "this machine" else "warning")
        bots = self._bots(client.scenario)
        if bots is None:
            client.close()
            return
        client.bots = bots
        client.play_bots()
        self._open(client)

    def _bots(self, scenario: Any) -> Mapping[str, Any] | None:
        """The bot seats asked for on the command line, for this scenario; None (and a
        notification) if they do not fit it."""
        from detente.engine.bots import BotSpecError, parse_bot_specs

        try:
            return parse_bot_specs(self.bot_specs, scenario)
        except BotSpecError as exc:
            self.notify(f"--bot {exc}", title="Cannot seat the bots", severity="error", timeout=10)
            return None

    def open_replay(self, log: str | Path | Tape) -> bool:
        """Open the replay viewer on a log (or a tape already read); False if it cannot be read."""
        from detente.engine.log import LogError
        from detente.tui.screens.replay import ReplayScreen, Tape

        try:
            tape = log if isinstance(log, Tape) else Tape.load(log)
        except (LogError, OSError) as exc:
            self.notify(str(exc), title="Cannot replay", severity="error", timeout=10)
            return False
        self.push_screen(ReplayScreen(tape))
        return True

    def _open(self, client: LocalClient) -> None:
        from detente.tui.screens.console import ConsoleScreen

        if self.client is not None:
            self.client.close()
        self.client = client
        self.push_screen(ConsoleScreen(client))

    def on_unmount(self) -> None:
        if self.client is not None:
            self.client.close()
