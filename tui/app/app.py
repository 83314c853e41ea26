"""The Détente terminal app: a start screen, then the facilitator console of a session."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message

from detente.tui.app.screens.start import StartScreen, new_log_path

if TYPE_CHECKING:
    from detente.engine.bots import Policy
    from detente.tui.app.client import SessionClient
    from detente.tui.app.screens.replay import Tape
    from detente.tui.app.syndicates import Syndicates

# The engine, the console and the replay viewer are imported when first needed, not before the
# start screen's first frame: a trainer waits for that in front of the room.


#: Short names for the themes that read best in a dark and a light room; any Textual theme name works
#: too, and ctrl+p → "Theme" switches while a session runs.
THEMES = {"dark": "textual-dark", "light": "textual-light"}


class SessionChanged(Message):
    """The session changed by someone else's command (posted from a network client's thread)."""


class DetenteApp(App[None]):
    """Runs one facilitated session at a time; every command is logged as it happens."""

    CSS_PATH = "detente.tcss"
    TITLE = "Détente"

    def __init__(
        self,
        *,
        client: SessionClient | None = None,
        scenarios: list[Path] | None = None,
        seed: int | None = None,
        sessions: Path = Path("sessions"),
        replay: str | Path | Tape | None = None,
        replay_at: int = 0,
        bot_specs: Sequence[str] = (),
        theme: str = "dark",
        join_url: str | None = None,
        join_cafile: str | None = None,
        syndicates: Syndicates | None = None,
    ) -> None:
        super().__init__()
        self.syndicates = syndicates
        """Every syndicate of a workshop whose host runs several (``serve --syndicates N``): the
        console shows one (``client``) and switches between them."""
        self._compared = False
        if syndicates is not None:
            client = syndicates.client
        self.client = client
        self.join_url = join_url
        """``detente join`` without a code: the URL to join once the code is typed on screen."""
        self.join_cafile = join_cafile
        """A certificate to trust for a ``wss://`` host (``detente join --cafile``)."""
        self._ringing: set[str] = set()
        self._ended = False
        self.scenarios = scenarios or []
        self.seed = seed
        self.sessions = sessions
        self.replay = replay
        self.replay_at = replay_at
        """Where the replay opens: how many events in (``detente play --replay LOG --at N``)."""
        self.start_theme = THEMES.get(theme, theme)
        self.bot_specs = list(bot_specs)
        """``TEAM=POLICY`` seats for bots in the session the start screen opens."""

    def on_mount(self) -> None:
        self.theme = self.start_theme
        if self.syndicates is not None:
            for m in self.syndicates.members:
                if m.client is not self.client:  # the shown one's is listened to where it opens
                    m.client.on_change(self._changed)
        if self.client is not None and self.client.joined is not None:
            self.open_joined(self.client)
        elif self.join_url is not None:
            self.ask_code(self.join_url)
        elif self.client is not None:
            self._open(self.client)
        elif self.replay is None or not self.open_replay(self.replay, self.replay_at):
            self.push_screen(StartScreen(self.scenarios))

    async def action_quit(self) -> None:
        """Quit, but never from a team's screen (a team may be at the keyboard; the screen says
        ``OFFERS_QUIT = False``), and only after asking while a session is still running."""
        from detente.tui.app.screens.modals import ConfirmModal

        if self.client is not None and self.client.joined is not None:
            # A joined front end: the host keeps the session; this laptop may leave and rejoin.
            def leave(yes: bool | None) -> None:
                if yes:
                    self.exit()

            if not isinstance(self.screen, ConfirmModal):
                self.push_screen(ConfirmModal(
                    "Leave the session?", "The host keeps it running: join again with the same code."
                ), callback=leave)
            return
        if any(getattr(s, "OFFERS_QUIT", True) is False for s in self.screen_stack):
            self.notify(
                "Only the facilitator quits: hand the keyboard back to the console first.",
                title="Not from a team's screen",
                severity="warning",
            )
            return
        running = self.client is not None and self.client.view("facilitator").outcome is None
        if self.syndicates is not None:
            running = not self.syndicates.all_ended()  # any syndicate still playing
        if self.client is not None and running:
            detail = f"Nothing is lost: the log is {self.client.log_path}; detente play --resume reopens it."
            if self.syndicates is not None:
                detail = ("Nothing is lost: every syndicate's log is kept; detente serve --resume "
                          "LOG1 LOG2 … reopens them.")

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
        from detente.tui.app.screens.modals import HelpModal, TextModal

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
        from detente.tui.app.client import LocalClient

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
        from detente.tui.app.client import LocalClient

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

    def _bots(self, scenario: Any) -> dict[str, Policy] | None:
        """The bot seats asked for on the command line, for this scenario; None (and a
        notification) if they do not fit it."""
        from detente.engine.bots import BotSpecError, parse_bot_specs

        try:
            return parse_bot_specs(self.bot_specs, scenario)
        except BotSpecError as exc:
            self.notify(f"--bot {exc}", title="Cannot seat the bots", severity="error", timeout=10)
            return None

    def open_replay(self, log: str | Path | Tape, at: int = 0) -> bool:
        """Open the replay viewer on a log (or a tape already read), ``at`` that many events in
        (:meth:`Tape.position_of`); False if it cannot be read."""
        from detente.engine.log import LogError
        from detente.tui.app.screens.replay import ReplayScreen, Tape

        try:
            tape = log if isinstance(log, Tape) else Tape.load(log)
        except (LogError, OSError) as exc:
            self.notify(str(exc), title="Cannot replay", severity="error", timeout=10)
            return False
        self.push_screen(ReplayScreen(tape, at=at))
        return True

    def open_compare(self, logs: Sequence[str | Path], names: Sequence[str] | None = None) -> bool:
        """Open the cohort debrief on two or more syndicates' logs of one scenario (``names``:
        theirs, in order; default ``Syndicate 1`` …); False, with the reason shown, if they
        cannot be compared (fewer than two, one twice, different scenarios, a damaged log)."""
        from detente.engine.compare import ComparisonError
        from detente.engine.log import LogError
        from detente.tui.app.screens.compare import CompareScreen
        from detente.tui.render.compare import load_comparison

        try:
            comparison = load_comparison(logs, names)
        except (ComparisonError, LogError, OSError) as exc:
            self.notify(str(exc), title="Cannot compare", severity="error", timeout=10)
            return False
        self.push_screen(CompareScreen(comparison, logs))
        return True

    def _open(self, client: SessionClient) -> None:
        from detente.tui.app.screens.console import ConsoleScreen

        if self.client is not None and self.client is not client:
            self.client.close()
        self.client = client
        # A hot-seat session changes by itself only when its clock runs out.
        client.on_change(self._changed)
        self.push_screen(ConsoleScreen(client, self.syndicates))
        self.call_after_refresh(self._compare_when_all_ended)

    # -- several syndicates ---------------------------------------------------------------

    def show_syndicate(self, index: int) -> None:
        """Show syndicate ``index``'s console in place of the one shown (the switcher)."""
        from detente.tui.app.screens.console import ConsoleScreen

        syndicates = self.syndicates
        if syndicates is None or not 0 <= index < len(syndicates) or index == syndicates.shown:
            return
        syndicates.shown = index
        self.client = client = syndicates.client
        self.sub_title = client.status()
        # One that has already ended shows its end screen when asked (e), not at every switch.
        self._ended = client.view(client.joined or "facilitator").outcome is not None
        self.switch_screen(ConsoleScreen(client, syndicates, switched=True))

    def open_syndicates(self, syndicates: Syndicates) -> None:
        """Open a workshop's syndicates joined with a cohort code (the lead facilitator's: the
        console with the switcher; the projector's: every syndicate side by side)."""
        self.syndicates = syndicates
        for m in syndicates.members[1:]:
            m.client.on_change(self._changed)
        self.open_joined(syndicates.client)

    def _compare_when_all_ended(self) -> None:
        """Once every syndicate has ended, the cohort comparison (when its screen is there and
        the logs are on this machine), once."""
        syndicates = self.syndicates
        if syndicates is None or self._compared or not syndicates.all_ended():
            return
        self._compared = True
        paths = syndicates.log_paths()
        if paths is not None and hasattr(self, "open_compare"):
            self.open_compare(paths)

    # -- detente join ---------------------------------------------------------------------

    def ask_code(self, url: str) -> None:
        """Ask for the join code on screen, then join (a wrong code ends the app with 1)."""
        from detente.tui.app.screens.modals import TextModal

        def typed(code: str | None) -> None:
            if not code or not code.strip():
                self.exit(return_code=1, message="No code given: nothing joined.")
                return
            self.notify(f"Joining {url}…", timeout=3)
            self._join(url, code.strip())

        self.push_screen(
            TextModal(f"Join code for {url}", "the code the facilitator gave you", password=True),
            callback=typed,
        )

    def _join(self, url: str, code: str) -> None:
        def connect() -> None:
            from detente.net.remote import HostUnreachable, JoinError, RemoteClient, join_cohort
            from detente.tui.app.syndicates import Syndicate, Syndicates
            from detente.tui.render.text import Names

            try:
                client = RemoteClient(url, code, self.join_cafile, Names.of).join()
                if client.syndicates:  # a code for every syndicate: one connection each
                    members = [Syndicate(name, c) for name, c in join_cohort(client)]
                    self.call_from_thread(self.open_syndicates, Syndicates(members))
                    return
            except JoinError as exc:
                self.call_from_thread(self.exit, return_code=1, message=f"{url}: {exc}")
                return
            except HostUnreachable as exc:
                self.call_from_thread(self.exit, return_code=1, message=str(exc))
                return
            self.call_from_thread(self.open_joined, client)

        self.run_worker(connect, thread=True, exclusive=True)

    def open_joined(self, client: SessionClient) -> None:
        """Open a joined client's home screen: a team's own screen, the facilitator console (no
        hand-overs: teams are on their own laptops), the evaluator's screen, or the projector
        view for spectators."""
        self.client = client
        role = client.joined
        self.sub_title = client.status()
        client.on_change(self._changed)
        if role == "facilitator":
            from detente.tui.app.screens.console import ConsoleScreen

            self.push_screen(ConsoleScreen(client, self.syndicates))
        elif role == "spectator" and self.syndicates is not None and len(self.syndicates) > 1:
            from detente.tui.app.screens.projector import CohortProjectorScreen

            self.push_screen(CohortProjectorScreen(self.syndicates))
            return
        elif role == "evaluator":
            from detente.tui.app.screens.evaluator import EvaluatorScreen

            self.push_screen(EvaluatorScreen(client))
        elif role == "spectator":
            try:
                from detente.tui.app.screens.projector import ProjectorScreen
            except ImportError:
                from detente.tui.app.screens.modals import HelpModal

                self.push_screen(HelpModal("projector", [], "The projector view is not installed."))
                return
            self.push_screen(ProjectorScreen(client))
        else:
            from detente.tui.app.screens.team import TeamScreen

            self._ringing = self._calls_ringing()
            self.push_screen(TeamScreen(client, str(role)))
        if client.view(str(role)).outcome is not None:
            self.call_after_refresh(self._show_end)

    def _calls_ringing(self) -> set[str]:
        client = self.client
        if client is None or client.joined in (None, "facilitator", "evaluator", "spectator"):
            return set()
        team = str(client.joined)
        return {
            p.id for p in client.view(team).proposals
            if p.status == "open" and team in p.to and team not in p.answers
            and p.call
        }

    def _changed(self) -> None:
        """The client's word that the session changed (from any thread): redraw on the app's."""
        self.post_message(SessionChanged())

    def on_session_changed(self, message: SessionChanged) -> None:
        """Someone else's command (or the connection) changed things: every screen that shows the
        session redraws; a new call rings; the end of the session opens the end screen."""
        from textual.css.query import NoMatches

        client = self.client
        if client is None:
            return
        self.sub_title = client.status()
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_view", None)
            if callable(refresh) and screen.is_mounted:
                with contextlib.suppress(NoMatches):
                    refresh()
        for text in client.notices() if self.syndicates is None else self.syndicates.notices():
            self.bell()
            self.notify(text, title="Phase clock" if "Time is up" in text else "Host",
                        severity="warning", timeout=15)
        ringing = self._calls_ringing()
        for pid in sorted(ringing - self._ringing):
            p = next(p for p in client.view(str(client.joined)).proposals if p.id == pid)
            self.bell()
            self.notify(f"{client.scenario.actor(p.by).name} is calling — a answers",
                        title="Hotline", timeout=20)
        self._ringing = ringing
        watching_all = self.syndicates is not None and client.joined == "spectator"
        if client.view(client.joined or "facilitator").outcome is not None and not watching_all:
            self._show_end()
        self._compare_when_all_ended()

    def _show_end(self) -> None:
        from detente.tui.app.screens.debrief import EndScreen

        if self._ended:
            return
        self._ended = True  # once: after Escape the end screen is not pushed again by each update
        if any(isinstance(s, EndScreen) for s in self.screen_stack):
            return
        assert self.client is not None
        self.push_screen(EndScreen(self.client))

    def on_unmount(self) -> None:
        if self.syndicates is not None:
            self.syndicates.close()
        elif self.client is not None:
            self.client.close()
