"""The replay viewer: stepping through a logged session by event and by turn, jumping to a
turn, perspectives that show a team only its own view, and damaged or unreadable logs."""

from __future__ import annotations

import html
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, OptionList

from detente.engine.commands import FACILITATOR
from detente.engine.events import fold_all
from detente.engine.loader import load_scenario
from detente.engine.log import iter_groups, read_log
from detente.engine.orders import load_script, next_command
from detente.engine.recorder import RecordedSession, session_from_header
from detente.engine.views import timeline, view
from detente.tui.app.app import DetenteApp
from detente.tui.app.screens.modals import BriefingModal, ChooseModal, HelpModal
from detente.tui.app.screens.replay import ReplayScreen, Tape, timeline_lines
from detente.tui.app.screens.start import StartScreen
from detente.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
ORDERS = ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml"
SIZE = (100, 34)

#: Words from each team's private briefing that no other team may ever see.
SECRETS = {"blue": ("SALTGLASS",), "red": ("OBSIDIAN", "LANTERN"), "green": ("MARIGOLD",)}
NAMES = {"blue": "Republic of Azuria", "red": "Corvanian Federation", "green": "Kingdom of Lysmark"}


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The strait scenario played to its end from the example orders."""
    path = tmp_path_factory.mktemp("replay") / "strait.jsonl"
    script = load_script(ORDERS)
    with RecordedSession.create(load_scenario(STRAIT), path) as rec:
        while (cmd := next_command(rec.state, script)) is not None:
            assert rec.apply(cmd).accepted
    return path


def events_of(path: Path) -> list[dict[str, Any]]:
    return [r for r in read_log(path).records if r["kind"] != "command"]


def phase_positions(events: list[dict[str, Any]]) -> dict[tuple[int, str], int]:
    """(turn, phase) → the position just after that phase began."""
    return {(e["turn"], e["phase"]): i + 1 for i, e in enumerate(events) if e["kind"] == "phase"}


def screen_text(app: DetenteApp) -> str:
    """The words on screen now (from the rendered screenshot)."""
    svg = app.export_screenshot()
    return html.unescape(" ".join(re.findall(r">([^<]*)</text>", svg))).replace("\xa0", " ")


def where(screen: ReplayScreen) -> tuple[str, str, int]:
    """(turn label, phase, position) from the status line."""
    m = re.search(r"·  (.+?)  ·  (\w+)  ·  event (\d+) of \d+", screen.status_line)
    assert m, screen.status_line
    return m[1], m[2], int(m[3])


def recording_notes(app: DetenteApp) -> list[tuple[str, str]]:
    """Record (severity, message) of every notification the app shows."""
    notes: list[tuple[str, str]] = []
    original = app.notify

    def notify(message: str, *args: Any, severity: str = "information", **kw: Any) -> None:
        notes.append((severity, message))
        original(message, *args, severity=severity, **kw)  # type: ignore[arg-type]

    app.notify = notify  # type: ignore[method-assign]
    return notes


async def choose(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    """In the open ChooseModal, pick the option ``key``."""
    modal = pilot.app.screen
    assert isinstance(modal, ChooseModal)
    options = modal.query_one(OptionList)
    options.highlighted = next(
        i for i in range(options.option_count) if options.get_option_at_index(i).id == key
    )
    await pilot.press("enter")
    await pilot.pause()


async def press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    for k in keys:
        await pilot.press(k)
        await pilot.pause()


# -- the tape: states rebuilt by folding ------------------------------------------------------


def test_the_state_at_any_position_is_the_fold_of_the_events_before_it(log: Path) -> None:
    tape = Tape.load(log)
    events = events_of(log)
    assert list(tape.events) == events and not tape.warnings
    initial = session_from_header(read_log(log).header).state
    positions = list(range(len(events) + 1))
    random.Random(7).shuffle(positions)  # back and forth, far and near: the cache must not matter
    for pos in [*positions[:80], len(events), 0, 1, len(events) - 1]:
        want = view(fold_all(initial, events[:pos]), FACILITATOR)
        assert view(tape.state_at(pos), FACILITATOR) == want, pos


# -- the screen --------------------------------------------------------------------------------


async def test_steps_by_event_and_by_turn_and_goes_to_either_end(log: Path) -> None:
    events = events_of(log)
    n = len(events)
    at = phase_positions(events)
    app = DetenteApp(replay=log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        assert where(screen) == ("Setup", "setup", 0)
        assert f"event 0 of {n}" in screen_text(app)

        await press(pilot, "right")
        assert where(screen) == ("Setup", "setup", 1)  # the start event
        await press(pilot, "right")
        assert where(screen) == ("Day 1", "briefing", 2)
        await press(pilot, "left")
        assert where(screen)[2] == 1

        await press(pilot, "right_square_bracket")
        assert where(screen) == ("Day 1", "briefing", at[(1, "briefing")])
        await press(pilot, "right_square_bracket")
        assert where(screen) == ("Day 2", "briefing", at[(2, "briefing")])
        await press(pilot, "pagedown")
        assert where(screen) == ("Day 3", "briefing", at[(3, "briefing")])
        await press(pilot, "pageup")
        assert where(screen) == ("Day 2", "briefing", at[(2, "briefing")])

        # Step to the end of Day 2's orders, then back across the phase change.
        screen.go(at[(2, "adjudication")] - 1)
        await pilot.pause()
        assert where(screen)[:2] == ("Day 2", "orders")
        await press(pilot, "right")
        assert where(screen) == ("Day 2", "adjudication", at[(2, "adjudication")])
        await press(pilot, "left")
        assert where(screen) == ("Day 2", "orders", at[(2, "adjudication")] - 1)
        await press(pilot, "left_square_bracket")
        assert where(screen) == ("Day 2", "briefing", at[(2, "briefing")])

        await press(pilot, "end")
        assert where(screen) == ("Day 8", "debrief", n)
        assert "ENDED" in screen.status_line
        await press(pilot, "right")
        assert where(screen)[2] == n
        await press(pilot, "home")
        assert where(screen) == ("Setup", "setup", 0)
        await press(pilot, "left")
        assert where(screen)[2] == 0


async def test_jump_to_a_turn_and_help_lists_the_keys(log: Path) -> None:
    at = phase_positions(events_of(log))
    app = DetenteApp(replay=log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await press(pilot, "g")
        assert isinstance(app.screen, ChooseModal)
        await choose(pilot, "5")
        assert app.screen is screen
        assert where(screen) == ("Day 5", "briefing", at[(5, "briefing")])
        assert "Day 5" in screen_text(app)

        await press(pilot, "f1")
        assert isinstance(app.screen, HelpModal)
        text = screen_text(app)
        for words in ("previous / next event", "previous / next turn", "go to a turn", "perspective"):
            assert words in text
        await press(pilot, "escape")
        assert app.screen is screen


def test_a_teams_timeline_holds_no_other_teams_orders_at_any_position(log: Path) -> None:
    tape = Tape.load(log)
    for team in SECRETS:
        others = [NAMES[t] for t in SECRETS if t != team]
        for pos in range(len(tape) + 1):
            lines = [t.plain for t in timeline_lines(tape.scenario, timeline(tape.events[:pos], team))]
            assert not any(line.startswith(f"sealed orders — {o}") for o in others for line in lines)
            assert not any(
                word in line for t in SECRETS if t != team for word in SECRETS[t] for line in lines
            )


async def test_a_team_perspective_never_shows_another_teams_secrets(log: Path) -> None:
    events = events_of(log)
    at = phase_positions(events)
    # Day 1's orders and publication, moments inside adjudications when the results are in but
    # not yet published, and the end. (Every position's timeline is checked without the screen
    # above; Day 1's adjudication is walked key by key below.)
    visits = sorted(
        {
            at[(1, "orders")] + 2,
            at[(1, "debrief")],
            *(at[(t, "debrief")] - 1 for t in (1, 4, 8)),
            len(events),
        }
    )
    app = DetenteApp(replay=log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        for team in ("blue", "red", "green"):
            others = [t for t in SECRETS if t != team]
            await press(pilot, "p")
            await choose(pilot, team)
            assert re.search(rf"as {re.escape(NAMES[team])}$", screen.status_line, re.M)

            await press(pilot, "b")
            assert isinstance(app.screen, BriefingModal)
            text = screen_text(app)
            assert SECRETS[team][0] in text
            assert not any(word in text for t in others for word in SECRETS[t])
            await press(pilot, "escape")

            def check(pos: int, team: str = team, others: list[str] = others) -> None:
                text = screen_text(app)
                flat = " ".join(text.split())
                for t in others:
                    for word in SECRETS[t]:
                        assert word not in text, (team, pos, word)
                    assert f"sealed orders — {NAMES[t]}" not in flat, (team, pos, t)
                    assert not any(
                        line.startswith(f"sealed orders — {NAMES[t]}") for line in screen.timeline_plain
                    ), (team, pos, t)

            for pos in visits:
                screen.go(pos)
                await pilot.pause()
                check(pos)

            # Inside the adjudication, the team sees the state and timeline as orders closed.
            screen.go(at[(1, "debrief")] - 1)
            await pilot.pause()
            assert where(screen)[1] == "adjudication"
            assert not any(
                line.startswith(f"{NAMES[team]}:") and "made a statement" in line
                for line in screen.timeline_plain
            )
            closed = view(screen.tape.state_at(at[(1, "adjudication")]), FACILITATOR)
            ladder = screen.query_one("#ladder", DataTable)
            shown = {str(ladder.get_row_at(i)[0]): int(ladder.get_row_at(i)[1]) for i in range(3)}
            assert shown == {
                screen.names.short_pair(p.a, p.b): closed.value("tension", p.a, p.b) for p in closed.pairs
            }
            screen.go(at[(1, "debrief")])
            await pilot.pause()
            assert any(
                line.startswith(f"{NAMES[team]}:") and "made a statement" in line
                for line in screen.timeline_plain
            )

        # Red's Day 1 adjudication, key by key: every event red may see, up to publication.
        screen.go(at[(1, "adjudication")] - 1)
        await pilot.pause()
        while where(screen)[2] < at[(1, "debrief")]:
            await press(pilot, "right")
            check(where(screen)[2])


async def test_the_facilitator_sees_every_teams_sealed_orders(log: Path) -> None:
    at = phase_positions(events_of(log))
    app = DetenteApp(replay=log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        screen.go(at[(1, "adjudication")])
        await pilot.pause()
        for name in NAMES.values():
            assert any(line.startswith(f"sealed orders — {name}") for line in screen.timeline_plain)
        text = " ".join(screen_text(app).split())
        assert "sealed orders" in text
        fleet = "Corvanian Northern Fleet"  # Corvania's sealed deployment, by the force's name
        assert fleet in text and "red-fleet" not in text
        await press(pilot, "p")
        await choose(pilot, "blue")
        assert fleet not in " ".join(screen_text(app).split())
        await press(pilot, "p")
        await choose(pilot, FACILITATOR)
        assert fleet in " ".join(screen_text(app).split())


# -- damaged and unreadable logs --------------------------------------------------------------


async def open_damaged(path: Path) -> tuple[DetenteApp, list[tuple[str, str]], tuple[str, str, int], int]:
    app = DetenteApp(replay=path)
    notes = recording_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await press(pilot, "end")
        return app, notes, where(screen), len(screen.tape)


async def test_a_truncated_log_opens_up_to_its_last_good_line_with_a_warning(
    log: Path, tmp_path: Path
) -> None:
    data = log.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 40  # forty bytes into a line in the middle
    broken = tmp_path / "cut.jsonl"
    broken.write_bytes(data[:cut])
    cut_line = data[:cut].count(b"\n") + 1
    good = read_log(broken)  # the engine drops the cut line and any unfinished command
    want = sum(1 for r in good.records if r["kind"] != "command")
    assert 0 < want < len(events_of(log))

    _, notes, (_, _, pos), total = await open_damaged(broken)
    assert pos == total == want
    warnings = [m for s, m in notes if s == "warning"]
    assert any(f"line {cut_line}" in m for m in warnings), notes


async def test_a_corrupted_middle_line_opens_up_to_the_line_before_with_a_warning(
    log: Path, tmp_path: Path
) -> None:
    lines = log.read_bytes().split(b"\n")
    bad = 151  # 1-based: a line in the middle of the session
    lines[bad - 1] = lines[bad - 1].replace(b'"seq":150', b'"seq":150 ', 1)
    broken = tmp_path / "corrupt.jsonl"
    broken.write_bytes(b"\n".join(lines))
    records = read_log(log).records
    want = sum(len(ev) for cmd, ev in iter_groups(records) if (ev or [cmd])[-1]["seq"] + 1 < bad)

    _, notes, (_, _, pos), total = await open_damaged(broken)
    assert pos == total == want
    warnings = [m for s, m in notes if s == "warning"]
    assert any(f"line {bad} has been altered or corrupted" in m for m in warnings), notes


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


def test_replay_of_a_missing_or_foreign_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], log: Path
) -> None:
    code, said = run(capsys, "play", "--replay", "/nonexistent")
    assert code == 1 and "/nonexistent" in said and len(said.strip().splitlines()) == 1
    code, said = run(capsys, "play", "--replay", str(STRAIT))
    assert code == 1 and "not a Détente log" in said
    future = tmp_path / "future.jsonl"
    future.write_text('{"format":"detente-log","version":99,"seq":0}\n', encoding="utf-8")
    code, said = run(capsys, "play", "--replay", str(future))
    assert code == 1 and "version 99" in said
    code, said = run(capsys, "play", str(STRAIT), "--replay", str(log))
    assert code == 1 and "--replay" in said


async def test_the_start_screen_replays_a_recent_session(log: Path, tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    shutil.copy(log, sessions / "strait.jsonl")
    (sessions / "junk.jsonl").write_text("not a log\n", encoding="utf-8")
    app = DetenteApp(scenarios=[STRAIT], sessions=sessions)
    notes = recording_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)

        async def open_replay_menu() -> None:
            menu = app.screen.query_one("#menu", OptionList)
            menu.highlighted = next(
                i for i in range(menu.option_count) if menu.get_option_at_index(i).id == "replay"
            )
            await press(pilot, "enter")
            assert isinstance(app.screen, ChooseModal)

        await open_replay_menu()
        await choose(pilot, str(sessions / "junk.jsonl"))
        assert isinstance(app.screen, StartScreen)
        assert any(s == "error" and "not a Détente log" in m for s, m in notes), notes

        await open_replay_menu()
        await choose(pilot, str(sessions / "strait.jsonl"))
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await press(pilot, "right_square_bracket")
        assert where(screen)[:2] == ("Day 1", "briefing")
        await press(pilot, "escape")
        assert isinstance(app.screen, StartScreen)


async def test_a_replay_that_cannot_be_read_falls_back_to_the_start_screen(tmp_path: Path) -> None:
    app = DetenteApp(replay=tmp_path / "missing.jsonl")
    notes = recording_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
    assert any(s == "error" and "missing.jsonl" in m for s, m in notes)


def test_snapshot_of_the_replay_at_80x24(snap_compare, log: Path) -> None:  # type: ignore[no-untyped-def]
    """Day 2's orders as the facilitator replays them, at the smallest supported size."""
    keys = ["right_square_bracket", "right_square_bracket", *["right"] * 12]
    assert snap_compare(DetenteApp(replay=log), terminal_size=(80, 24), press=keys)


async def test_w_branches_a_what_if_from_the_phase_shown_and_opens_it_in_the_console(
    log: Path, tmp_path: Path
) -> None:
    from detente.tui.app.screens.console import ConsoleScreen
    from detente.tui.app.screens.modals import ConfirmModal

    before = log.read_bytes()
    app = DetenteApp(replay=log, sessions=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await press(pilot, "right_square_bracket", "right_square_bracket", "right", "right")
        label, phase, _ = where(screen)
        await press(pilot, "w")
        assert isinstance(app.screen, ConfirmModal)
        assert f"{label}, {phase}" in app.screen.question
        await press(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        branched = next(tmp_path.glob("*-whatif-*.jsonl"))
        assert app.client is not None and app.client.log_path == str(branched)
        v = app.client.view(FACILITATOR)
        assert (v.label, v.phase) == (label, phase)
        assert read_log(branched).header["parent"]["path"] == str(log)
    assert log.read_bytes() == before


async def test_the_replay_viewer_says_who_vouches_for_the_log(log: Path) -> None:
    tape = Tape.load(log)
    assert tape.provenance == ("this machine", ["Log: signed by this machine's key"])
    app = DetenteApp(replay=log)
    shown = recording_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert ("information", "signed by this machine's key") in shown
