"""The console's x key: a person rates an expectation the log cannot check (issue 13)."""

from __future__ import annotations

from pathlib import Path

from test_app import screen_text
from textual.widgets import OptionList

from detente.engine.commands import Start
from detente.engine.loader import load_scenario_text
from detente.engine.recorder import replay
from detente.engine.state import expectation_key
from detente.tui.app.app import DetenteApp
from detente.tui.app.client import LocalClient
from detente.tui.app.screens.modals import ChooseModal, HelpModal, TextModal

SCENARIO = """
[scenario]
id = "x"
title = "X"
learning_objectives = ["Explain in public"]

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

[[injects]]
id = "ship"
turn = 1
title = "A survey ship"
to = ["blue"]
  [[injects.expect]]
  id = "blue-calls"
  text = "Azuria calls Rubria"
  when = "made('blue', 'hotline_call', target='red') >= 1"
  [[injects.expect]]
  id = "blue-explains"
  text = "Azuria explains its survey to the press"
  objective = 1
"""


def flat(app: DetenteApp) -> str:
    return " ".join(screen_text(app).split())


async def test_x_lists_the_judged_expectations_and_rates_one_with_a_reason(tmp_path: Path) -> None:
    client = LocalClient.new(load_scenario_text(SCENARIO, "x.toml"), tmp_path / "s.jsonl")
    client.apply(Start())
    app = DetenteApp(client=client)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        assert "x" in {k for k, _ in app.screen.keys}
        await pilot.press("escape", "x")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        options = app.screen.query_one(OptionList)
        # Only the one a person judges: the other is checked from the log.
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == ["blue-explains"]
        assert "(open) Azuria — Azuria explains its survey to the press" in flat(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        options = app.screen.query_one(OptionList)
        options.highlighted = next(i for i in range(options.option_count)
                                   if options.get_option_at_index(i).id == "partly")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextModal)
        await pilot.press(*"a day late", "enter")
        await pilot.pause()
    mark = replay(tmp_path / "s.jsonl").session.state.marks[expectation_key("blue-explains")]
    assert (mark["status"], mark["reason"]) == ("partly", "a day late")
