"""Plain words on screen (issue 9): every screen a person sees in a played session — the console in
each matrix mode and with its filter, the adjudication review, the debrief of every role, the end
screen, each team's screen, the hand-over and hand-back screens, a call, the evaluator's screen and
its forms, the F1 help of each, and the replay viewer stepping through the turns — names moves,
pledge kinds, pledges, values, regions, forces, actors and objectives by their names: no raw id,
pledge id or unfilled template.

What a screen shows is read from its widgets: every cell of a table, every line of a log, every
option of a list, every label and footer key — not only what fits on screen. Text people wrote
is taken out first, as in test_plain_words.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from plain import STRAIT, forbidden, leaks, play_broken, written
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, RichLog

from detente.engine.commands import FACILITATOR, Command, HangUp
from detente.engine.loader import load_scenario
from detente.engine.orders import load_script, next_command
from detente.engine.recorder import RecordedSession, replay
from detente.engine.state import State
from detente.tui.app.app import DetenteApp
from detente.tui.app.client import LocalClient
from detente.tui.app.screens.console import ConsoleScreen, HandBackScreen
from detente.tui.app.screens.debrief import DebriefScreen, EndScreen, ReviewScreen
from detente.tui.app.screens.evaluator import EvaluatorScreen, ObserveModal, RateModal
from detente.tui.app.screens.modals import ChooseModal
from detente.tui.app.screens.replay import ReplayScreen
from detente.tui.app.screens.team import CallScreen, HandoverScreen, ReturnScreen, TeamScreen

ROOT = Path(__file__).resolve().parents[2]
ORDERS = ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml"
SIZE = (100, 34)


def _plain(x: Any) -> str:
    return str(getattr(x, "plain", x))


def shown(app: DetenteApp, authored: list[str]) -> str:
    """Everything the screen on top shows, read from its widgets: every cell of a table, every
    line of a log, every option. (Not the screenshot: there a briefing is wrapped across lines,
    and what people wrote could no longer be told from what the program says.) A table cell cut
    short ("…") of something people wrote counts as what they wrote."""
    out: list[str] = []

    def cell(x: Any) -> str:
        t = _plain(x)
        if t.endswith("…") and any(a.startswith(t[:-1]) or f"when {a}".startswith(t[:-1]) for a in authored):
            return " "
        return t

    for w in app.screen.query(Widget):
        if isinstance(w, DataTable):
            out += [_plain(c.label) for c in w.columns.values()]
            out += [cell(c) for i in range(w.row_count) for c in w.get_row_at(i)]
        elif isinstance(w, RichLog):
            # Its lines as drawn, wrapped at the log's width: joined again, so that what
            # people wrote reads whole.
            out.append(" ".join("".join(seg.text for seg in line) for line in w.lines))
        elif isinstance(w, OptionList):
            out += [_plain(w.get_option_at_index(i).prompt) for i in range(w.option_count)]
        elif isinstance(w, Input):
            out += [w.placeholder, w.value]
        else:
            with contextlib.suppress(Exception):  # a container renders nothing of its own
                out.append(_plain(w.render()))
    return "\n".join(" ".join(x.split()) for x in out)


def context(text: str, leak: str, authored: list[str]) -> str:
    """Where a leak stands in ``text``: the line it is on."""
    for t in authored:
        text = text.replace(t, " ")
    found = leak.split("'")[1] if "'" in leak else leak
    line = next((x for x in text.splitlines() if found in x), "")
    return f" in {line.strip()[:160]!r}" if line else ""


class Scan:
    """Reads screens and keeps every leak found, with where it was seen."""

    def __init__(self, log: Path) -> None:
        rep = replay(log)
        self.ids = forbidden(rep.session.scenario, rep.session.ruleset)
        self.authored = [" ".join(t.split()) for t in written(rep.session.scenario, rep.events)]
        self.problems: list[str] = []
        self.seen: list[str] = []

    async def __call__(self, pilot: Any, where: str, *, help: bool = True) -> None:
        app = pilot.app
        await pilot.pause()
        self.seen.append(f"{where}: {type(app.screen).__name__}")
        text = shown(app, self.authored)
        self.problems += [f"{where}: {x}{context(text, x, self.authored)}"
                          for x in leaks(text, self.ids, self.authored)]
        if help:
            screen = app.screen
            await pilot.press("f1")
            await pilot.pause()
            if app.screen is not screen:
                found = leaks(shown(app, self.authored), self.ids, self.authored)
                self.problems += [f"{where}, F1 help: {x}" for x in found]
                await pilot.press("escape")
                await pilot.pause()
            assert app.screen is screen, where


async def visit(pilot: Any, scan: Scan, screen: Any, where: str, *, help: bool = True) -> None:
    pilot.app.push_screen(screen)
    await pilot.pause()
    await scan(pilot, where, help=help)
    pilot.app.pop_screen()
    await pilot.pause()


async def choose(pilot: Any, key: str) -> None:
    options = pilot.app.screen.query_one(OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = ids.index(key)
    await pilot.press("enter")
    await pilot.pause()


async def console_screens(
    pilot: Any, scan: Scan, client: LocalClient, name: str, *, end: bool = True
) -> None:
    """The console in each matrix mode and filtered, its debriefs, the team, hand-over and
    hand-back screens of every team."""
    app = pilot.app
    if isinstance(app.screen, EndScreen):
        if end:
            await scan(pilot, f"{name} end screen")
        await pilot.press("escape")
        await pilot.pause()
    assert isinstance(app.screen, ConsoleScreen), name
    for mode in ("tension", "trust", "threat"):
        assert app.screen.matrix_value == mode
        await scan(pilot, f"{name} console, matrix {mode}", help=mode == "tension")
        await pilot.press("m")
    await pilot.pause()
    teams = client.scenario.actor_ids
    await pilot.press("f")
    await pilot.pause()
    await scan(pilot, f"{name} filter: which team", help=False)
    await choose(pilot, teams[-1])
    await scan(pilot, f"{name} filter: which kind", help=False)
    await choose(pilot, "")
    await scan(pilot, f"{name} console filtered", help=False)
    for role in (FACILITATOR, *teams):
        await visit(pilot, scan, DebriefScreen(client, role), f"{name} debrief as {role}")
    for team in teams:
        await visit(pilot, scan, HandoverScreen(client, team), f"{name} hand-over to {team}")
        await visit(pilot, scan, TeamScreen(client, team), f"{name} team screen of {team}")
    await visit(pilot, scan, ReturnScreen(), f"{name} hand-back")
    await visit(pilot, scan, HandBackScreen(client), f"{name} locked hand-back")
    pilot.app.push_screen(EvaluatorScreen(client))
    await scan(pilot, f"{name} evaluator's screen")
    for key, form in (("o", ObserveModal), ("r", RateModal)):
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(pilot.app.screen, form), name
        await scan(pilot, f"{name} evaluator's {form.__name__}")
        await pilot.press("escape")
    pilot.app.pop_screen()
    await pilot.pause()


def strait_log(folder: Path) -> Path:
    log = folder / "played.jsonl"  # not a scenario's id: the end screen shows the path
    script = load_script(ORDERS)
    with RecordedSession.create(load_scenario(STRAIT), log) as rec:
        while (cmd := next_command(rec.state, script)) is not None:
            assert rec.apply(cmd).accepted
    return log


#: Where the broken session is stopped to see each phase's screens: on the call (its line said
#: and its pledges made, before hanging up), in the orders, in the adjudication review, and where
#: its script ends.
STOPS: dict[str, Callable[[State, Command], bool] | None] = {
    "on the call": lambda st, cmd: isinstance(cmd, HangUp),
    "orders": lambda st, cmd: st.phase == "orders" and st.turn == 1 and type(cmd).__name__ == "SubmitOrders",
    "review": lambda st, cmd: st.phase == "adjudication",
    "played": None,
}


@pytest.mark.parametrize("stop", list(STOPS))
async def test_every_screen_of_the_broken_session_names_things(tmp_path: Path, stop: str) -> None:
    log = play_broken(tmp_path / "broken.jsonl", STOPS[stop])
    scan = Scan(log)
    client = LocalClient.resume(log)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        name = f"broken, {stop}"
        if stop == "review":
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            await scan(pilot, f"{name}: review")
            await pilot.press("escape")
            await pilot.pause()
        if stop == "on the call":
            call = next(p for p in client.view("blue").proposals if p.status == "talking")
            assert call.transcript and client.view("blue").pledges
            await visit(pilot, scan, CallScreen(client, "blue", call.id), f"{name}: call screen")
        await console_screens(pilot, scan, client, name)
    assert any("ReviewScreen" in s for s in scan.seen) or stop != "review"
    assert not scan.problems, "\n".join(scan.problems)


async def test_every_screen_of_a_three_team_session_names_things(tmp_path: Path) -> None:
    log = strait_log(tmp_path)
    scan = Scan(log)
    client = LocalClient.resume(log)
    assert len(client.scenario.actor_ids) == 3
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        await console_screens(pilot, scan, client, "strait", end=False)
    assert not scan.problems, "\n".join(scan.problems)


async def test_the_end_screen_of_a_session_at_its_last_turn_names_the_outcome(tmp_path: Path) -> None:
    log = strait_log(tmp_path)
    scan = Scan(log)
    app = DetenteApp(client=LocalClient.resume(log))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        await scan(pilot, "strait end screen")
    assert not scan.problems, "\n".join(scan.problems)


@pytest.mark.parametrize("which", ["broken", "strait"])
async def test_the_replay_viewer_names_things_at_every_turn(tmp_path: Path, which: str) -> None:
    log = play_broken(tmp_path / "broken.jsonl") if which == "broken" else strait_log(tmp_path)
    scan = Scan(log)
    rep = replay(log)
    app = DetenteApp(replay=log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        roles = [FACILITATOR, *rep.session.scenario.actor_ids]
        for role in roles:
            await pilot.press("p")
            await pilot.pause()
            assert isinstance(app.screen, ChooseModal)
            await choose(pilot, role)
            await pilot.press("home")
            await scan(pilot, f"{which} replay as {role}, start", help=role == FACILITATOR)
            for step in range(rep.session.state.turn * 4 + 2):
                await pilot.press("right_square_bracket")
                await scan(pilot, f"{which} replay as {role}, step {step + 1}", help=False)
                if role == FACILITATOR and step % 3 == 0:
                    for _ in range(2):
                        await pilot.press("m")
                        await scan(pilot, f"{which} replay, matrix, step {step + 1}", help=False)
            # Event by event through the first turn: what each event adds to the timeline.
            await pilot.press("home")
            for step in range(40):
                await pilot.press("right")
                await scan(pilot, f"{which} replay as {role}, event {step + 1}", help=False)
    assert not scan.problems, "\n".join(sorted(set(scan.problems)))
