"""The terminal UI driven through Textual's pilot: the facilitator console, hand-over,
team screens, orders, calls, and that no team's screen shows another team's secrets."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual.widgets import OptionList, Select
from textual.widgets.select import InvalidSelectValueError

from detente.engine.loader import load_scenario
from detente.tui.app.app import DetenteApp
from detente.tui.app.client import LocalClient
from detente.tui.app.screens.console import ConsoleScreen
from detente.tui.app.screens.forms import OrderModal
from detente.tui.app.screens.modals import ChooseModal
from detente.tui.app.screens.team import CallScreen, HandoverScreen, ReturnScreen, TeamScreen

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
SIZE = (100, 34)


def client_for(tmp_path: Path, scenario: Path = STRAIT) -> LocalClient:
    return LocalClient.new(load_scenario(scenario), tmp_path / "s.jsonl")


def screen_text(app: DetenteApp) -> str:
    """The words on screen now (from the rendered screenshot)."""
    svg = app.export_screenshot()
    return html.unescape(" ".join(re.findall(r">([^<]*)</text>", svg))).replace("\xa0", " ")


async def take_keyboard(pilot, team: str) -> TeamScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("t")
    await pilot.pause()
    assert isinstance(app.screen, ChooseModal)
    options = app.screen.query_one(OptionList)
    index = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == team)
    options.highlighted = index
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, HandoverScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, TeamScreen)
    return app.screen


async def choose_action(pilot, prefix: str) -> None:  # type: ignore[no-untyped-def]
    actions = pilot.app.screen.query_one("#actions", OptionList)
    ids = [actions.get_option_at_index(i).id or "" for i in range(actions.option_count)]
    index = next(i for i, key in enumerate(ids) if key.startswith(prefix))
    actions.highlighted = index
    actions.focus()
    await pilot.press("enter")
    await pilot.pause()


async def fill_order(pilot, **values: str) -> None:  # type: ignore[no-untyped-def]
    modal = pilot.app.screen
    assert isinstance(modal, OrderModal)
    for name, value in values.items():
        modal.query_one(f"#p-{name}", Select).value = value
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()


async def give_back(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReturnScreen)
    assert "SALTGLASS" not in screen_text(pilot.app)
    # The hand-back screen is locked: the facilitator's key opens the console (no PIN was set).
    await pilot.press("ctrl+f")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConsoleScreen)


async def test_console_starts_the_session_and_moves_through_phases(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        assert client.view("facilitator").phase == "briefing"
        assert "Day 1" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert client.view("facilitator").phase == "communications"
        await pilot.press("n")
        await pilot.pause()
        # Nobody waits in communications here: no confirmation needed.
        assert client.view("facilitator").phase == "orders"
        await pilot.press("n")  # teams have not sealed: confirm
        await pilot.pause()
        assert "Still to act" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert client.view("facilitator").phase == "adjudication"


async def test_a_call_placed_answered_talked_pledged_and_hung_up_through_the_ui(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await take_keyboard(pilot, "blue")
        await choose_action(pilot, "mv:hotline_call")
        await fill_order(pilot, target="red")
        assert [p.order.move for p in client.view("blue").proposals] == ["hotline_call"]
        await give_back(pilot)

        await take_keyboard(pilot, "red")
        assert re.search(r"hotline[_ ]call", screen_text(app), re.IGNORECASE)  # the incoming call
        await choose_action(pilot, "in:")
        assert isinstance(app.screen, ChooseModal)
        await pilot.press("enter")  # Accept / answer
        await pilot.pause()
        (call,) = client.view("red").proposals
        assert call.status == "talking"
        await choose_action(pilot, "call:")
        assert isinstance(app.screen, CallScreen)
        await pilot.press(*"We mean no harm", "enter")
        await pilot.pause()
        (call,) = client.view("red").proposals
        assert call.transcript == (("red", "We mean no harm"),)
        await pilot.press("f3")  # hang up
        await pilot.pause()
        (call,) = client.view("red").proposals
        assert call.status == "ended"
        await give_back(pilot)


async def test_orders_are_composed_from_valid_choices_and_sealed(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", "n")
        await pilot.pause()
        assert client.view("facilitator").phase == "orders"
        await take_keyboard(pilot, "red")
        await choose_action(pilot, "mv:deploy")
        modal = app.screen
        assert isinstance(modal, OrderModal)
        forces = modal.lm.choices["force"]
        assert forces and all(f.startswith("red") for f in forces), "only red's own forces are offered"
        await fill_order(pilot, force=forces[0], region="strait")
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")  # confirm sealing
        await pilot.pause()
        assert client.view("red").orders["red"][0].move == "deploy"
        assert client.view("blue").orders == {}
        await give_back(pilot)
        assert "red" not in client.waiting_for()


@pytest.mark.parametrize("phase_presses", [0, 1, 2])
async def test_no_team_screen_shows_another_teams_secrets(tmp_path: Path, phase_presses: int) -> None:
    scenario = load_scenario(STRAIT)
    secrets = {a.id: re.findall(r"\b[A-Z]{5,}(?:-\d+)?\b", a.briefing) for a in scenario.actors}
    assert all(secrets.values()), "each private briefing carries a codeword"
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(phase_presses):
            await pilot.press("n")
            await pilot.pause()
        for team in scenario.actor_ids:
            await take_keyboard(pilot, team)
            text = screen_text(app)
            assert any(w in text for w in secrets[team]), "the team's own briefing is on its screen"
            for other, words in secrets.items():
                for w in words:
                    if other != team:
                        assert w not in text, f"{team}'s screen shows {other}'s secret {w}"
            await give_back(pilot)


async def test_quit_and_resume_continues_at_the_same_phase(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", "n")
        await pilot.pause()
        await pilot.press("q", "enter")  # quit asks first mid-session
        await pilot.pause()
    resumed = LocalClient.resume(tmp_path / "s.jsonl")
    assert resumed.view("facilitator").phase == "orders"
    assert resumed.view("facilitator").label == "Day 1"
    app2 = DetenteApp(client=resumed)
    async with app2.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app2.screen, ConsoleScreen)
        assert "orders" in screen_text(app2)


async def test_every_facilitator_action_is_in_the_command_palette(tmp_path: Path) -> None:
    from textual.command import CommandPalette

    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"next phase")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert client.view("facilitator").phase == "communications"


def test_every_screen_has_a_help_key() -> None:
    from textual.binding import Binding
    from textual.screen import ModalScreen, Screen

    import detente.tui.app.screens.console as console
    import detente.tui.app.screens.debrief as debrief
    import detente.tui.app.screens.start as start
    import detente.tui.app.screens.team as team

    screens = [
        obj for module in (console, debrief, start, team) for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Screen) and not issubclass(obj, ModalScreen)
        and obj.__module__ == module.__name__
    ]
    assert len(screens) >= 7
    for screen in screens:
        keys = {b.key for b in screen.BINDINGS if isinstance(b, Binding)}
        assert "f1" in keys, f"{screen.__name__} has no F1 help"


async def test_a_scenario_with_errors_shows_them_on_screen(tmp_path: Path) -> None:
    from detente.tui.app.screens.modals import HelpModal

    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nid = "bad"\ntitle = "Bad"\n\n[turns]\nlimit = "eight"\n', encoding="utf-8")
    app = DetenteApp(scenarios=[bad], sessions=tmp_path / "sessions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        text = screen_text(app)
        flat = re.sub(r"[^\w:.]", "", text)
        assert "bad.toml:6:turns.limit" in flat, text
        assert not (tmp_path / "sessions").exists(), "no log is started for a scenario that does not load"


async def test_bots_fill_seats_answer_a_call_and_seal_orders_while_a_team_plays_by_hand(
    tmp_path: Path,
) -> None:
    from detente.engine.bots import parse_bot_specs
    from detente.engine.recorder import verify

    scenario = load_scenario(STRAIT)
    bots = parse_bot_specs(["red=dove", "green=hawk"], scenario)
    client = LocalClient.new(scenario, tmp_path / "s.jsonl", bots=bots)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert "bots: Corvanian Federation (dove), Kingdom of Lysmark (hawk)" in shown
        await pilot.press("n")
        await pilot.pause()
        assert client.view("facilitator").phase == "communications"
        await take_keyboard(pilot, "blue")
        await choose_action(pilot, "mv:hotline_call")
        await fill_order(pilot, target="red")
        # The dove answered at once: the call is open when blue is still at the keyboard.
        (call,) = [p for p in client.view("blue").proposals if p.order.move == "hotline_call"]
        assert call.status == "talking"
        # On the call, blue keeps the keyboard: the bot speaks for red.
        await choose_action(pilot, "call:")
        assert isinstance(app.screen, CallScreen)
        await pilot.press(*"Stand down your fleet", "enter")
        await pilot.pause()
        assert app.screen.speaker == "blue"
        (call,) = [p for p in client.view("blue").proposals if p.id == call.id]
        assert ("blue", "Stand down your fleet") in call.transcript
        assert "red" in {by for by, _ in call.transcript}
        await pilot.press("escape")
        await pilot.pause()
        await give_back(pilot)
        await pilot.press("n")  # blue's call is still open: confirm hanging up by moving on
        await pilot.pause()
        if not isinstance(app.screen, ConsoleScreen):
            await pilot.press("enter")
            await pilot.pause()
        assert client.view("facilitator").phase == "orders"
        # Both bots sealed their orders as the phase began; only blue is waited for.
        assert client.waiting_for() == ("blue",)
        submitted = {a.id: a.submitted for a in client.view("facilitator").actors}
        assert submitted == {"blue": False, "red": True, "green": True}
    client.close()
    assert verify(tmp_path / "s.jsonl") == []


def test_play_with_a_bot_for_an_unknown_team_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    from detente.tui.cli import main

    assert main(["play", "strait_standoff", "--bot", "purple=hawk"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("detente: --bot purple=hawk: unknown team 'purple'") and "Traceback" not in err


async def test_enter_on_an_inject_shows_its_whole_condition(tmp_path: Path) -> None:
    from textual.widgets import DataTable

    from detente.tui.app.screens.modals import HelpModal

    app = DetenteApp(client=client_for(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#injects", DataTable)
        table.focus()
        # "Close encounter at sea": a long condition, cut short in the table.
        titles = [str(table.get_row_at(r)[0]) for r in range(table.row_count)]
        table.move_cursor(row=next(r for r, t in enumerate(titles) if t.startswith("Close encounter")))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        assert "when proximity('blue', 'red')" in app.screen.text
        assert "…" not in app.screen.text


async def test_the_team_screen_offers_only_the_moves_the_scenario_allows(tmp_path: Path) -> None:
    """[rules.moves]: a move turned off, or not the team's, is not on its screen at all (not
    even greyed, as an unaffordable one is), and a call lists only the partners allowed."""
    text = STRAIT.read_text(encoding="utf-8").replace(
        "[[actors]]", '[rules.moves]\nhotline_call = { pairs = [["blue", "red"]] }\n'
                      'joint_exercise = false\n\n[[actors]]', 1)
    (tmp_path / "limited.toml").write_text(text, encoding="utf-8")
    client = client_for(tmp_path, tmp_path / "limited.toml")
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await take_keyboard(pilot, "green")
        actions = app.screen.query_one("#actions", OptionList)
        ids = {actions.get_option_at_index(i).id or "" for i in range(actions.option_count)}
        assert "mv:hotline_call" not in ids and "no:hotline_call" not in ids
        assert any(i.startswith("mv:") for i in ids)  # the other calls and requests are still there
        await give_back(pilot)
        await take_keyboard(pilot, "blue")
        await choose_action(pilot, "mv:hotline_call")
        modal = app.screen
        assert isinstance(modal, OrderModal)
        target = modal.query_one("#p-target", Select)
        target.value = "red"
        with pytest.raises(InvalidSelectValueError):
            target.value = "green"


async def test_the_console_shows_what_the_exercise_trains(tmp_path: Path) -> None:
    from detente.tui.app.screens.modals import BriefingModal

    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, BriefingModal)
        text = app.screen.text
        scenario = client.scenario
        assert text.startswith("What this exercise trains:")
        for goal in scenario.scenario.learning_objectives:
            assert goal in text
        for actor in scenario.actors:
            assert f"Private briefing of {actor.name}" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)


def test_every_bundled_scenario_says_what_it_trains() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        goals = load_scenario(path).scenario.learning_objectives
        assert len(goals) >= 3, path.name


async def test_a_deployment_offers_only_the_regions_the_chosen_force_may_enter(tmp_path: Path) -> None:
    """``[[forces]] regions``: once the team picks a force, the region list holds only where that
    force may go, and a region chosen before that the force may not enter is cleared."""
    text = STRAIT.read_text(encoding="utf-8")
    fleet = 'name = "Azurian Eastern Squadron"\n'
    assert fleet in text
    (tmp_path / "limited.toml").write_text(
        text.replace(fleet, fleet + 'regions = ["strait"]\n', 1), encoding="utf-8")
    client = client_for(tmp_path, tmp_path / "limited.toml")
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", "n")
        await pilot.pause()
        await take_keyboard(pilot, "blue")
        await choose_action(pilot, "mv:deploy")
        modal = app.screen
        assert isinstance(modal, OrderModal)
        region = modal.query_one("#p-region", Select)
        everywhere = set(modal.lm.choices["region"])
        other = next(r for r in sorted(everywhere) if r not in ("strait", "azurian-waters"))
        region.value = other
        modal.query_one("#p-force", Select).value = "blue-fleet"
        await pilot.pause()
        offered = {value for _, value in region._options if isinstance(value, str)}
        assert offered == {"strait", "azurian-waters"} & everywhere
        assert region.value != other  # cleared: the fleet may not go there
        # Another force of blue's, with no limit, may again go anywhere.
        modal.query_one("#p-force", Select).value = "blue-air"
        await pilot.pause()
        assert {value for _, value in region._options if isinstance(value, str)} == everywhere


async def test_a_team_writes_a_message_on_a_slow_channel_and_reads_the_reply_when_it_arrives(
    tmp_path: Path,
) -> None:
    """``[[channels]]``: ``w`` on the team screen (named in the footer at 80x24) sends a message;
    the sender's screen shows it on its way, the addressee's only once it has arrived."""
    from textual.widgets import Input

    text = STRAIT.read_text(encoding="utf-8") + (
        '\n[[channels]]\nid = "cable"\nname = "Diplomatic cable"\ndelay = 1\n')
    (tmp_path / "cable.toml").write_text(text, encoding="utf-8")
    client = client_for(tmp_path, tmp_path / "cable.toml")
    app = DetenteApp(client=client)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await take_keyboard(pilot, "blue")
        assert "Write" in screen_text(app)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)  # to whom (one channel: no need to ask which)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "blue" not in ids
        options.highlighted = ids.index("red")
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one(Input).value = "We mean no harm."
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        assert "(on its way, due" in screen_text(app) and "We mean no harm." in screen_text(app)
        assert [m.text for m in client.view("red").letters] == []
        await give_back(pilot)
        from detente.engine.commands import Advance

        while client.view("red").phase != "briefing":
            assert client.apply(Advance()).accepted
        await pilot.pause()
        await take_keyboard(pilot, "red")
        shown = screen_text(app)
        assert "We mean no harm." in shown
        assert "from Republic of Azuria by" in shown and "Diplomatic cable" in shown


async def test_the_console_shows_an_injects_controller_notes_and_no_team_view_holds_them(
    tmp_path: Path,
) -> None:
    """``[[injects]] notes`` (an MSEL's controller notes) are the facilitator's: Enter on the inject
    in the console shows them; no team's view carries them."""
    import json

    from textual.widgets import DataTable

    from detente.net.protocol import view_to_dict
    from detente.tui.app.screens.modals import HelpModal

    text = STRAIT.read_text(encoding="utf-8").replace(
        'id = "survey-ship"\n', 'id = "survey-ship"\nnotes = "Play it loud: ZEBRA-NOTE"\n', 1)
    assert "ZEBRA-NOTE" in text
    (tmp_path / "noted.toml").write_text(text, encoding="utf-8")
    client = client_for(tmp_path, tmp_path / "noted.toml")
    app = DetenteApp(client=client)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#injects", DataTable)
        table.focus()
        titles = [str(table.get_row_at(r)[0]) for r in range(table.row_count)]
        table.move_cursor(row=next(r for r, t in enumerate(titles) if t.startswith("Survey vessel")))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        assert "your notes: Play it loud: ZEBRA-NOTE" in app.screen.text
    for team in client.scenario.actor_ids:
        assert "ZEBRA-NOTE" not in json.dumps(view_to_dict(client.view(team)))
