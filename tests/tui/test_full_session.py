"""A whole bundled scenario played through the UI alone, to its end: an answered call with
a pledge, a declined call, a deployment, a transparency measure, an ad-hoc inject, an
override, quitting and resuming, the review, the debrief and the end screen."""

from __future__ import annotations

import html
from pathlib import Path

from test_app import SIZE, choose_action, client_for, fill_order, give_back, screen_text, take_keyboard
from textual.widgets import Input, OptionList, Select, SelectionList

from detente.engine.log import read_log
from detente.tui.app.app import DetenteApp
from detente.tui.app.client import FACILITATOR, LocalClient
from detente.tui.app.screens.console import ConsoleScreen
from detente.tui.app.screens.debrief import DebriefScreen, EndScreen, ReviewScreen
from detente.tui.app.screens.forms import InjectModal, OverrideModal
from detente.tui.app.screens.modals import ChooseModal, ConfirmModal, TextModal
from detente.tui.app.screens.team import CallScreen


async def pick(pilot, option_id: str) -> None:  # type: ignore[no-untyped-def]
    options = pilot.app.screen.query_one(OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = ids.index(option_id)
    await pilot.press("enter")
    await pilot.pause()


async def type_into(pilot, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(selector, Input).value = text
    await pilot.pause()


async def first_turn(pilot, client: LocalClient) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    # An ad-hoc inject, addressed to red only.
    await pilot.press("i")
    await pilot.pause()
    assert isinstance(app.screen, InjectModal)
    await type_into(pilot, "#title", "Storm warning")
    await type_into(pilot, "#text", "A storm closes the strait tomorrow.")
    app.screen.query_one("#to", SelectionList).select("red")
    app.screen.query_one("#value", Select).value = "pressure"
    await pilot.pause()
    app.screen.query_one("#of", Select).value = "red"
    await type_into(pilot, "#add", "10")
    pressure = client.view(FACILITATOR).value("pressure", client.view(FACILITATOR).actors[1].id)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert client.view(FACILITATOR).value("pressure", "red") == (pressure or 0) + 10
    assert any(d.title == "Storm warning" for d in client.view("red").inbox)
    assert not any(d.title == "Storm warning" for d in client.view("blue").inbox)

    await pilot.press("n")  # communications
    await pilot.pause()
    await take_keyboard(pilot, "blue")
    await choose_action(pilot, "mv:hotline_call")
    await fill_order(pilot, target="red")
    await give_back(pilot)

    await take_keyboard(pilot, "red")
    await choose_action(pilot, "in:")
    await pick(pilot, "accept")
    await choose_action(pilot, "call:")
    assert isinstance(app.screen, CallScreen)
    await pilot.press(*"Our survey ship is routine", "enter")
    await pilot.pause()
    await pilot.press(*"Then keep warships out", "enter")  # the keyboard passed to blue
    await pilot.pause()
    await pilot.press("f2")  # pledge, by red (the speaker again)
    await pilot.pause()
    await pick(pilot, "no_deployment")
    await pick(pilot, "strait")
    assert isinstance(app.screen, TextModal)
    await pilot.press("enter")  # 2 turns
    await pilot.pause()
    await pilot.press("f3")
    await pilot.pause()
    # A call red places to blue, which blue will decline.
    await choose_action(pilot, "mv:hotline_call")
    await fill_order(pilot, target="blue")
    await give_back(pilot)

    await take_keyboard(pilot, "blue")
    await choose_action(pilot, "in:")
    await pick(pilot, "decline")
    await give_back(pilot)
    calls = {(p.by, p.status) for p in client.view(FACILITATOR).proposals}
    assert calls == {("blue", "ended"), ("red", "settled")}
    assert [p.kind for p in client.view(FACILITATOR).pledges] == ["no_deployment"]

    await pilot.press("n")  # orders
    await pilot.pause()
    await take_keyboard(pilot, "blue")
    await choose_action(pilot, "mv:deploy")
    await fill_order(pilot, force="blue-fleet", region="strait")
    await pilot.press("s")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await give_back(pilot)
    await take_keyboard(pilot, "red")
    await choose_action(pilot, "mv:notify_activity")
    await fill_order(pilot, choice="exercise", region="strait")
    await pilot.press("s")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await give_back(pilot)

    await pilot.press("n")  # green has not acted: confirm, then the review opens
    await pilot.pause()
    assert isinstance(app.screen, ConfirmModal)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    assert "deploy" in screen_text(app)
    await pilot.press("o")
    await pilot.pause()
    assert isinstance(app.screen, OverrideModal)
    modal = app.screen
    modal.query_one("#value", Select).value = "tension"
    await pilot.pause()
    modal.query_one("#of", Select).value = "blue,red"
    await type_into(pilot, "#to", "55")
    await type_into(pilot, "#reason", "the fleets are closer than the model thinks")
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert client.view(FACILITATOR).value("tension", "red", "blue") == 55
    assert client.view("red").phase == "adjudication"
    await pilot.press("p")  # publish
    await pilot.pause()
    assert isinstance(app.screen, DebriefScreen)
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, ConsoleScreen)


async def test_a_whole_scenario_through_the_ui_with_a_quit_and_resume(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await first_turn(pilot, client)
        await pilot.press("q", "enter")  # quit asks first mid-session
        await pilot.pause()

    resumed = LocalClient.resume(tmp_path / "s.jsonl")
    assert resumed.view(FACILITATOR).label == "Day 1" and resumed.view(FACILITATOR).phase == "debrief"
    app = DetenteApp(client=resumed)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(200):
            if isinstance(app.screen, EndScreen):
                break
            if isinstance(app.screen, ConfirmModal):
                await pilot.press("enter")
            elif isinstance(app.screen, ReviewScreen):
                await pilot.press("p")
            elif isinstance(app.screen, (DebriefScreen, ChooseModal)):
                await pilot.press("escape")
            else:
                await pilot.press("n")
            await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        text = screen_text(app)
        assert "Outcome:" in text and "Scores:" in text
        assert str(tmp_path / "s.jsonl") in text
        # The end screen writes the after-action report: the facilitator's, then one per team.
        end = app.screen
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        await pilot.press("enter")  # HTML, the facilitator's
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # HTML for each team
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("end", "up", "enter")  # the after-action report (HSEEP), HTML
        await pilot.pause()
        *written, aar = (Path(p) for p in end.report_paths)
        assert aar.name.endswith(".aar.html") and "Improvement plan" in aar.read_text()
        facilitators, *teams = written
        assert len(teams) == len(resumed.scenario.actors)
        outcome_text = resumed.view(FACILITATOR).outcome.reason  # type: ignore[union-attr]
        assert html.escape(outcome_text, quote=False) in facilitators.read_text()
        assert "red" in teams[1].name and "SALTGLASS" not in teams[1].read_text()
    outcome = resumed.view(FACILITATOR).outcome
    assert outcome is not None
    records = read_log(tmp_path / "s.jsonl").records
    kinds = {r["kind"] for r in records}
    assert {"pledge", "message", "override", "inject", "outcome"} <= kinds
    assert any(r["kind"] == "response" and not r["accept"] for r in records)
