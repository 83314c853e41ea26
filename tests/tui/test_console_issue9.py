"""Issue 9, the facilitator's side: every ending leads to the end screen, the hand-back screen is
locked, quitting asks, the review keeps its tables, the debrief's charts have a scale, the help
names only keys that exist, and the console's screens fit 80x24."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_app import STRAIT, client_for, screen_text, take_keyboard
from textual.widgets import Button, DataTable, Input, Static

from detente.engine.bots import parse_bot_specs
from detente.engine.commands import End
from detente.engine.entries import Annulled, Overridden
from detente.engine.loader import load_scenario
from detente.tui.app.app import DetenteApp
from detente.tui.app.client import FACILITATOR, LocalClient
from detente.tui.app.screens.console import ConsoleScreen, HandBackScreen
from detente.tui.app.screens.debrief import DebriefScreen, EndScreen, ReviewScreen
from detente.tui.app.screens.modals import ChooseModal, ConfirmModal, HelpModal, TextModal
from detente.tui.app.screens.team import TeamScreen

SMALL = (80, 24)


def flat(app: DetenteApp) -> str:
    return " ".join(screen_text(app).split())


# -- 1. ending early -------------------------------------------------------------------------------
async def test_ending_with_e_opens_the_end_screen_with_the_outcome_scores_and_w(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("n", "e")
        await pilot.pause()
        assert isinstance(app.screen, TextModal)
        await pilot.press(*"time is up", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        text = flat(app)
        assert "Outcome:" in text and "Scores:" in text and "time is up" in text
        assert "w Write report" in text
        # Back on the console, nothing of play is offered; e brings the end screen again.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        assert "n Next" not in flat(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)


async def test_resuming_an_ended_log_opens_its_end_screen(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    client.apply(__import__("detente.engine.commands", fromlist=["Start"]).Start())
    client.apply(End(reason="stopped early"))
    client.close()
    app = DetenteApp(client=LocalClient.resume(tmp_path / "s.jsonl"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        assert "stopped early" in flat(app)


async def test_the_end_screen_scores_objectives_met_and_points_earned(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e", *"stop", "enter")
        await pilot.pause()
        table = app.screen.query_one("#scores", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels == ["team", "met", "points earned", "objective"]
        # At 80 columns the long objectives are cut, never whether they were met.
        assert "points earned" in screen_text(app) and "not met" in screen_text(app)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        names = {a.name for a in client.scenario.actors}
        for team, met, points, _ in rows:
            assert team in names
            assert met in ("met", "not met")
            if met == "not met":
                assert points == "0"


# -- 2. the hand-back lock, quitting -----------------------------------------------------------------
async def test_enter_on_the_hand_back_screen_does_not_open_the_console(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await take_keyboard(pilot, "blue")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HandBackScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HandBackScreen), "a team's Enter must not open the console"
        await pilot.press("ctrl+f")  # the facilitator's key
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)


async def test_a_pin_chosen_at_the_start_locks_the_hand_back_and_is_kept_hashed(tmp_path: Path) -> None:
    app = DetenteApp(scenarios=[STRAIT], sessions=tmp_path / "sessions")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextModal)
        await pilot.press(*"4711", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        await take_keyboard(pilot, "blue")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HandBackScreen)
        await pilot.press("ctrl+f")  # with a PIN, the key alone does not open it
        await pilot.pause()
        assert isinstance(app.screen, HandBackScreen)
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HandBackScreen)
        assert app.screen.query_one("#pin", Input).value == ""
        await pilot.press(*"4711", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        log = Path(app.client.log_path)  # type: ignore[union-attr]
    header = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
    pin = header["settings"]["pin"]
    assert pin["salt"] and pin["sha256"] and "4711" not in json.dumps(header)
    resumed = LocalClient.resume(log)
    assert resumed.has_pin and resumed.pin_matches("4711") and not resumed.pin_matches("1234")
    resumed.close()


async def test_q_on_the_console_asks_and_no_team_screen_quits_the_app(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        await take_keyboard(pilot, "blue")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen), "a team cannot quit the facilitator's session"
        assert app.is_running


# -- 7. bots and branches --------------------------------------------------------------------------
async def test_the_status_line_names_only_human_teams_and_bots_answer_first(tmp_path: Path) -> None:
    scenario = load_scenario(STRAIT)
    bots = parse_bot_specs(["red=hawk"], scenario)
    client = LocalClient.new(scenario, tmp_path / "s.jsonl", bots=bots)
    app = DetenteApp(client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("n", "n")  # communications → orders
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        text = flat(app)
        assert "Still to act:" in text
        still = text.split("Still to act:")[1].split(".")[0]
        assert "Kingdom of Lysmark" in still and "green" not in still  # names, not ids
        assert "Corvanian Federation" not in still  # the bot has acted on its own


async def test_a_branch_console_says_it_is_a_branch_of_which_log_and_turn(tmp_path: Path) -> None:
    from detente.engine.recorder import branch

    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("n", "n", "n", "enter")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
    client.close()
    out = tmp_path / "b.jsonl"
    branch(tmp_path / "s.jsonl", out, turn=1, phase="orders")
    app = DetenteApp(client=LocalClient.resume(out))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        text = flat(app)
        assert "What-if branch" in text and "s.jsonl" in text and "turn 1" in text


# -- 3. the review after an override; annul --------------------------------------------------------
def table_rows(app: DetenteApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def table_widths(app: DetenteApp, selector: str) -> list[int]:
    return [c.width for c in app.screen.query_one(selector, DataTable).columns.values()]


async def test_the_review_keeps_its_tables_after_an_override(tmp_path: Path) -> None:
    from detente.engine.commands import Advance, SubmitOrders
    from detente.engine.state import Order

    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        client.apply(Advance())
        client.apply(Advance())  # orders
        client.apply(SubmitOrders(team="red", orders=(Order(move="notify_activity", choice="exercise",
                                                             region="strait"),)))
        client.apply(SubmitOrders(team="blue", orders=(Order(move="deploy", force="blue-fleet",
                                                              region="strait"),)))
        await pilot.press("n", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        before = {s: (table_rows(app, s), table_widths(app, s)) for s in ("#moves", "#rolls")}
        assert before["#moves"][0], "the review lists the moves"
        assert any("0." in r[1] for r in before["#rolls"][0]), "probabilities read 0.xx"
        assert "Republic of Azuria" in {r[0] for r in before["#moves"][0]}
        await pilot.press("o")
        await pilot.pause()
        modal = app.screen
        from textual.widgets import Select

        modal.query_one("#value", Select).value = "tension"
        await pilot.pause()
        modal.query_one("#of", Select).value = "blue,red"
        modal.query_one("#to", Input).value = "40"
        reason = "Warship in the strait would inflame Azurian press and the parliament before the vote"
        modal.query_one("#reason", Input).value = reason
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        after = {s: (table_rows(app, s), table_widths(app, s)) for s in ("#moves", "#rolls")}
        assert after == before, "an override leaves the moves and rolls tables as they were"
        (override,) = [r for r in table_rows(app, "#changes") if r[0] == "tension" and r[3] == "40"]
        assert override[2] == "set by the facilitator"
        # The reason is cut in the table; Enter on its row shows it in full.
        changes = app.screen.query_one("#changes", DataTable)
        changes.focus()
        changes.move_cursor(row=table_rows(app, "#changes").index(override))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        assert reason in app.screen.text  # type: ignore[attr-defined]


async def test_the_override_form_asks_for_the_reason_and_the_text_teams_read(tmp_path: Path) -> None:
    """The form has two texts and says which one teams see; the reason stays the facilitator's
    and the team's debrief reads the public text."""
    from textual.widgets import Label, Select

    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        modal = app.screen
        labels = " ".join(str(w.render()) for w in modal.query(Label))
        assert "facilitator's alone" in labels and "What teams read" in labels
        values = dict((str(label), v) for label, v in modal.query_one("#value", Select)._options)
        assert values["chance of answering"] == "answer", "values are offered by their names"
        assert not [label for label in values if "_" in label], "no value id with underscores shows"
        modal.query_one("#value", Select).value = "tension"
        await pilot.pause()
        modal.query_one("#of", Select).value = "blue,red"
        modal.query_one("#to", Input).value = "40"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "reason" in str(modal.query_one("#problem", Static).render()).lower()
        modal.query_one("#reason", Input).value = "Azurian parliament votes tomorrow"
        modal.query_one("#public", Input).value = "Tensions eased after back-channel talks"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
    (ov,) = [e for e in client.timeline(FACILITATOR) if isinstance(e, Overridden)]
    assert ov.reason == "Azurian parliament votes tomorrow"
    blue = json.dumps([e.fields for e in client.timeline("blue")])
    assert "Tensions eased after back-channel talks" in blue
    assert "Azurian parliament" not in blue


async def test_the_review_annuls_a_result_with_a_reason(tmp_path: Path) -> None:
    from detente.engine.commands import Advance, SubmitOrders
    from detente.engine.state import Order

    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        client.apply(Advance())
        client.apply(Advance())
        client.apply(SubmitOrders(team="blue", orders=(Order(move="deploy", force="blue-fleet",
                                                              region="strait"),)))
        await pilot.press("n", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"wrong force", "enter")
        await pilot.pause()
        await pilot.press("enter")  # no public text
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert any(isinstance(r, Annulled) for r in client.timeline(FACILITATOR))
        assert any("(annulled)" in r[2] for r in table_rows(app, "#moves"))


# -- 4. the debrief: the report's facts, charts with a scale ----------------------------------------
async def test_the_debrief_lists_every_result_the_review_listed(tmp_path: Path) -> None:
    from detente.engine.commands import Advance, SubmitOrders
    from detente.engine.state import Order

    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        client.apply(Advance())
        client.apply(Advance())
        client.apply(SubmitOrders(team="red", orders=(Order(move="notify_activity", choice="exercise",
                                                             region="strait"),)))
        client.apply(SubmitOrders(team="blue", orders=(Order(move="deploy", force="blue-fleet",
                                                              region="strait"),)))
        await pilot.press("n", "enter")
        await pilot.pause()
        results = [r[3] for r in table_rows(app, "#moves")]
        assert len(results) == 2
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        shown = str(app.screen.query_one("#changes", Static).content)
        for text in results:
            assert text.rstrip("…") in shown, f"the debrief leaves out {text!r}"


def test_a_chart_has_a_fixed_scale_so_5_and_52_differ() -> None:
    from detente.tui.app.screens.debrief import tension_chart

    low, high = (tension_chart([v], ["Day 1"]) for v in (5, 52))
    assert low.count("█") < high.count("█") < 20
    assert "0" in low.splitlines()[-1] and "100" in low.splitlines()[-1]


async def test_the_debrief_charts_say_their_scale(tmp_path: Path) -> None:
    app = DetenteApp(client=client_for(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("n", "n", "n", "enter")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        text = flat(app)
        assert "scale 0–100" in text and "0 50 100" in text


# -- 5 and 6. keys: the footer or F1 at 80x24 and 120x36; help names only real keys; forms fit ----------
def check_keys(app: DetenteApp) -> None:
    """Each key of the screen is in its visible footer or in its F1 help; F1 is in the footer."""
    from detente.tui.app.screens.modals import screen_keys

    screen = app.screen
    footer = " ".join(screen_text(app).splitlines()[-1].split())
    assert "F1 keys" in footer, f"{type(screen).__name__}: no 'F1 keys' in {footer!r}"
    in_help = {k for k, _ in screen_keys(screen)}
    for b in screen.BINDINGS:
        if not b.description or screen.check_action(b.action, ()) is False:
            continue
        shown = f"{app.get_key_display(b)} {b.description}"
        if b.show:
            assert shown in footer, f"{type(screen).__name__}: {shown!r} cut from the footer {footer!r}"
        else:
            assert (b.key_display or b.key) in in_help, f"{type(screen).__name__}: {b.key} in neither"


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_every_facilitator_screen_shows_its_keys_or_has_them_in_f1(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        check_keys(app)
        await take_keyboard(pilot, "blue")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HandBackScreen)
        check_keys(app)
        await pilot.press("ctrl+f", "n", "n", "n", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        check_keys(app)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        check_keys(app)
        await pilot.press("escape", "e", *"done", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        check_keys(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        check_keys(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
@pytest.mark.parametrize("key", ["i", "o"])
async def test_the_inject_and_override_forms_keep_their_buttons_on_screen(
    tmp_path: Path, size: tuple[int, int], key: str
) -> None:
    app = DetenteApp(client=client_for(tmp_path))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        await pilot.pause()
        for button in app.screen.query(Button):
            r = button.region
            assert r.height and r.y >= 0 and r.bottom <= size[1], f"{button.label} is off screen: {r}"


async def test_every_key_the_console_help_names_exists_on_the_console(tmp_path: Path) -> None:
    from detente.tui.app.screens import console

    keys = {b.key for b in ConsoleScreen.BINDINGS}
    for text in [*console.PHASE_HINT.values(), console.ENDED_HINT]:
        for key in re.findall(r"\bpress (\S+?)\b", text):
            assert key in keys, f"the help names {key!r}: {text!r}"
    tooltips = " ".join(b.tooltip for b in ConsoleScreen.BINDINGS)
    assert "each team" not in tooltips, "the debrief has no team switch"
    # f: by team, then by kind — both are offered.
    app = DetenteApp(client=client_for(tmp_path))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("f", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal) and "kind" in app.screen.title_text
        await pilot.press("escape", "e", *"stop", "enter", "escape", "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        assert "read their briefings" not in app.screen.text
        assert "n" not in {k for k, _ in app.screen.keys}, "ended: Next is not offered"


async def test_a_list_to_choose_from_names_its_keys_at_80x24(tmp_path: Path) -> None:
    """The team chooser has no footer: it says its keys itself, inside the screen."""
    app = DetenteApp(client=client_for(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        text = screen_text(app)
        assert "Enter picks" in text and "Escape cancels" in text
