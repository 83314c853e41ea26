"""The evaluator's screen (issue 13): at the console's keyboard (v) and over the network (the
evaluator's own code), at 80×24. An observation is bound to a team, an inject, the logged decision
it refers to and a turn; an HSEEP rating comes with the expectations' suggestion chosen; an
expectation is rated for one team of several; all logged as the evaluator's, none changes the game."""

from __future__ import annotations

from pathlib import Path

from test_app import screen_text
from test_join import ServedHost
from textual.widgets import DataTable, Input, OptionList, Select, Static

from detente.engine.commands import Advance, Assess, Note, Propose, Start
from detente.engine.loader import load_scenario_text
from detente.engine.log import read_log
from detente.engine.recorder import RecordedSession
from detente.engine.state import Order
from detente.net.codes import new_codes
from detente.net.remote import join
from detente.tui.app.app import DetenteApp
from detente.tui.app.client import LocalClient
from detente.tui.app.screens.console import ConsoleScreen
from detente.tui.app.screens.debrief import EndScreen
from detente.tui.app.screens.evaluator import EvaluatorScreen, ObserveModal, RateModal
from detente.tui.app.screens.modals import ChooseModal, HelpModal, TextModal

SIZE = (80, 24)

SCENARIO = """
[scenario]
id = "ev"
title = "Evaluated"
learning_objectives = ["Keep a channel open in a crisis", "Explain in public"]

[turns]
limit = 4

[[actors]]
id = "blue"
name = "Azuria"

[[actors]]
id = "red"
name = "Rubria"

[[relations]]
between = ["blue", "red"]
tension = 60
hotline = true

[[injects]]
id = "ship"
turn = 1
title = "A survey ship off the coast"
to = ["blue", "red"]
  [[injects.expect]]
  id = "talk"
  text = "Each side explains its ships to the other"
  objective = 1
  capability = "Operational communications"
"""


def flat(app: DetenteApp) -> str:
    return " ".join(screen_text(app).split())


def logged(log: Path, kind: str) -> list[dict]:
    return [r for r in read_log(log).records if r["kind"] == kind]


def session(tmp_path: Path) -> LocalClient:
    """Turn 1, communications: Azuria has called Rubria (the decision an observation points at)."""
    client = LocalClient.new(load_scenario_text(SCENARIO, "ev.toml"), tmp_path / "s.jsonl")
    for command in (Start(), Advance(),
                    Propose(team="blue", order=Order(move="hotline_call", target="red"))):
        assert client.apply(command).accepted
    return client


async def pick(pilot, option: str) -> None:  # type: ignore[no-untyped-def]
    """Choose the option with id ``option`` in the ChooseModal on top."""
    options = pilot.app.screen.query_one(OptionList)
    options.highlighted = next(i for i in range(options.option_count)
                               if options.get_option_at_index(i).id == option)
    await pilot.press("enter")
    await pilot.pause()


async def test_the_console_key_opens_the_evaluator_who_observes_and_rates_at_80x24(tmp_path: Path) -> None:
    client = session(tmp_path)
    log = tmp_path / "s.jsonl"
    call = logged(log, "proposal")[0]
    lines_before = len(read_log(log).records)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal) and "v" in {k for k, _ in app.screen.keys}
        await pilot.press("escape", "v")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EvaluatorScreen)
        await pilot.pause()
        # Its keys are named: the footer at 80 columns, and F1.
        assert all(word in flat(app) for word in ("o Observe", "r Rate", "x Expectation", "F1"))
        await pilot.press("f1")
        await pilot.pause()
        assert {"o", "r", "x", "F1", "escape"} <= {k for k, _ in app.screen.keys}
        await pilot.press("escape")
        # The expectation is open; the ratings show no suggestion yet.
        text = flat(app)
        assert "open Each side explain" in text and "Obj 1: Keep a ch" in text

        # o: an observation of Azuria, after the inject, on its call, a strength bearing on objective 1.
        await pilot.press("o")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ObserveModal)
        await pilot.press(*"Called within the hour")
        form.query_one("#about", Select).value = "blue"
        await pilot.pause()
        decision = form.query_one("#decision", Select)
        offered = dict((value, str(label)) for label, value in decision._options)
        # The call, in words, by its line in the log: the decision a person picks.
        assert offered[str(call["seq"])].startswith("Turn 1, communications: hotline call to Rubria")
        decision.value = str(call["seq"])
        form.query_one("#inject", Select).value = "ship"
        form.query_one("#finding", Select).value = "strength"
        form.query_one("#bears", Select).value = "o:1"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        (seen,) = logged(log, "observation")
        assert {k: seen[k] for k in ("by", "text", "about", "inject", "decision", "on_turn", "finding",
                                     "objective")} == {
            "by": "evaluator", "text": "Called within the hour", "about": "blue", "inject": "ship",
            "decision": call["seq"], "on_turn": 1, "finding": "strength", "objective": 1}
        assert "Called within the hour" in flat(app)

        # x: the judged expectation, for Azuria alone.
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        await pick(pilot, "talk")
        assert isinstance(app.screen, ChooseModal) and "team" in app.screen.title_text
        await pick(pilot, "blue")
        await pick(pilot, "met")
        assert isinstance(app.screen, TextModal)
        await pilot.press(*"explained at once", "enter")
        await pilot.pause()
        rated = logged(log, "expectation")[-1]
        assert (rated["status"], rated["team"], rated["by"], rated["reason"]) == (
            "met", "blue", "evaluator", "explained at once")

        # r: objective 1 for Azuria; the expectations now suggest P, chosen in the form with its words.
        await pilot.press("r")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RateModal)
        form.query_one("#what", Select).value = "o:1"
        form.query_one("#whom", Select).value = "blue"
        await pilot.pause()
        assert form.query_one("#rating", Select).value == "P"
        assert "P — performed without challenges" in str(form.query_one("#suggestion", Static).render())
        await pilot.press("ctrl+s")  # no reason: refused on the form
        await pilot.pause()
        assert app.screen is form and not logged(log, "evaluation")
        form.query_one("#reason", Input).value = "the channel held"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        (rating,) = logged(log, "evaluation")
        assert {k: rating[k] for k in ("by", "rating", "suggested", "objective", "about", "reason")} == {
            "by": "evaluator", "rating": "P", "suggested": "P", "objective": 1, "about": "blue",
            "reason": "the channel held"}
        table = screen.query_one("#ratings", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["  Obj 1: Keep a …", "Azuria", "P", "P"] in rows
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
    # Each command is the evaluator's in the log, and none changed the game.
    commands = [r["command"] for r in read_log(log).records[lines_before:] if r["kind"] == "command"]
    assert [(c["type"], c["by"]) for c in commands] == [
        ("observe", "evaluator"), ("assess", "evaluator"), ("evaluate", "evaluator")]
    kinds = {r["kind"] for r in read_log(log).records[lines_before:]}
    assert kinds == {"command", "observation", "expectation", "evaluation"}


async def test_after_the_end_the_end_screen_opens_the_evaluator_for_the_hot_wash(tmp_path: Path) -> None:
    client = session(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", *"time is up", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        assert "v Evaluator" in flat(app)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, EvaluatorScreen)
        await pilot.press("o", *"Nobody read the cable aloud")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvaluatorScreen)
    (seen,) = logged(tmp_path / "s.jsonl", "observation")
    assert (seen["text"], "about" in seen) == ("Nobody read the cable aloud", False)


async def test_the_evaluators_code_opens_the_evaluator_screen_over_the_network(tmp_path: Path) -> None:
    codes = new_codes(["blue", "red", "facilitator", "evaluator", "spectator"])
    rec = RecordedSession.create(load_scenario_text(SCENARIO, "ev.toml"), tmp_path / "s.jsonl")
    with ServedHost(rec, codes) as served:
        fac = join(served.url, codes["facilitator"])
        evaluator = join(served.url, codes["evaluator"])
        try:
            assert fac.apply(Start()).accepted and fac.apply(Note(text="A word for me alone")).accepted
            app = DetenteApp(client=evaluator)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, EvaluatorScreen)
                await pilot.pause()
                text = flat(app)
                # Its own seat: no way back to a console it does not have; q leaves.
                assert "q Quit" in text and "Back" not in text
                assert "A word for me alone" not in text
                await pilot.press("o", *"Rubria waited for the cable")
                await pilot.press("ctrl+s")
                await pilot.pause()
                assert isinstance(app.screen, EvaluatorScreen)
            assert [e["text"] for e in logged(tmp_path / "s.jsonl", "observation")] == [
                "Rubria waited for the cable"]
            command = next(r for r in read_log(tmp_path / "s.jsonl").records
                           if r["kind"] == "command" and r["command"]["type"] == "observe")
            assert command["command"]["by"] == "evaluator"
        finally:
            fac.close()
            evaluator.close()
    rec.close()


async def test_enter_on_a_row_shows_an_expectation_in_full_or_rates_that_objective_for_that_team(
    tmp_path: Path,
) -> None:
    client = session(tmp_path)
    for command in (Assess("talk", "met", "explained at once", team="blue", by="evaluator"),
                    Assess("talk", "missed", "said nothing", team="red", by="evaluator")):
        assert client.apply(command).accepted
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EvaluatorScreen)
        await pilot.pause()
        # Rated one team at a time: the expectation's row, then each team's.
        table = screen.query_one("#expectations", DataTable)
        assert [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)] == [
            ["missed", "Each side explain…", "Azuria,…"], ["met", "  for Azuria", ""],
            ["missed", "  for Rubria", ""]]
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        details = app.screen.text
        for words in ("after: A survey ship off the coast", "Azuria met, Rubria missed",
                      "objective 1: Keep a channel open in a crisis", "met (Azuria): explained at once",
                      "missed (Rubria): said nothing", "judged by a person"):
            assert words in details, words
        await pilot.press("escape")
        ratings = screen.query_one("#ratings", DataTable)
        rows = [[str(c) for c in ratings.get_row_at(i)] for i in range(ratings.row_count)]
        row = rows.index(["  Obj 1: Keep a …", "Rubria", "U", "–"])
        ratings.focus()
        ratings.move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RateModal)
        chosen = form.query_one("#what", Select).value, form.query_one("#whom", Select).value
        assert chosen == ("o:1", "red")
        assert form.query_one("#rating", Select).value == "U"
        assert form.focused is form.query_one("#reason", Input)  # the suggestion stands: why is next
        await pilot.press(*"no word to Azuria", "enter")
        await pilot.pause()
        assert app.screen is screen
    (rating,) = logged(tmp_path / "s.jsonl", "evaluation")
    assert (rating["rating"], rating["suggested"], rating["about"], rating["reason"]) == (
        "U", "U", "red", "no word to Azuria")
