"""Argued actions on screen, at 80x24 (issue 12): a team argues with g (named in its footer), the
facilitator asks another team for a counter-argument, that team answers with o, the facilitator
sets the odds and narrates with effects from a form; each team's screen says where it stands.
The same screens over the network: a joined team argues and the facilitator's console hears it."""

from __future__ import annotations

from pathlib import Path

from test_app import client_for, give_back, screen_text, take_keyboard
from test_join import clients, joined, served, until  # noqa: F401  (clients, served: fixtures)
from textual.widgets import Input, OptionList, Select, SelectionList

from detente.engine.commands import Advance, Judge, Start
from detente.engine.recorder import verify
from detente.tui.app.app import DetenteApp
from detente.tui.app.screens.argued import (
    ArgueModal,
    ArgumentsScreen,
    AskCountersModal,
    CounterModal,
    NarrateModal,
)
from detente.tui.app.screens.console import ConsoleScreen
from detente.tui.app.screens.modals import ChooseModal
from detente.tui.app.screens.team import TeamScreen

SMALL = (80, 24)
ACTION = "Our ambassador briefs Lysmark's press"
ARGUMENTS = "Lysmark's papers trust her; the survey ship is unpopular there"
COUNTER = "Lysmark's press is owned by Corvanian money"


def panel(app: DetenteApp, selector: str = "#briefing") -> str:
    """A panel's words, unwrapped (the team screen's left panel by default)."""
    return str(app.screen.query_one(selector).render())


def footer(app: DetenteApp) -> str:
    return " ".join(b.binding.description for b in app.screen.active_bindings.values()
                    if b.binding.show and b.enabled)


async def test_an_argued_action_from_the_team_screen_to_the_narrative_in_the_hot_seat(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        assert "argued actions waiting" not in screen_text(app)
        await pilot.press("n")  # communications
        await pilot.pause()

        # Blue argues, from the key its footer names.
        await take_keyboard(pilot, "blue")
        assert "Argue" in footer(app)
        await pilot.press("g")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ArgueModal)
        await pilot.press("ctrl+s")  # nothing written yet: the form says so and stays
        await pilot.pause()
        assert isinstance(app.screen, ArgueModal) and "say what your team does" in screen_text(app)
        form.query_one("#action", Input).value = ACTION
        form.query_one("#arguments", Input).value = ARGUMENTS
        form.query_one("#targets", SelectionList).select("green")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        shown = panel(app)
        assert f"Yours: “{ACTION}”" in shown and "waiting for the facilitator's odds" in shown
        assert "Argue" not in footer(app)  # one a turn
        assert "calls spent 1 of 3" in panel(app, "#team-status")  # it cost an action
        await give_back(pilot)

        # The console's status line names the key, and how many wait.
        assert "argued actions waiting: 1 (a)" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ArgumentsScreen)
        assert ARGUMENTS in panel(app, "#argued-detail")
        await pilot.press("a")  # ask for counter-arguments: those it is aimed at are ticked
        await pilot.pause()
        ask = app.screen
        assert isinstance(ask, AskCountersModal)
        assert ask.query_one("#teams", SelectionList).selected == ["green"]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ArgumentsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)

        # Red was not asked: its screen shows nothing of it. Green was: o answers.
        await take_keyboard(pilot, "red")
        assert "ambassador" not in screen_text(app) and not panel(app).startswith("Argued")
        await give_back(pilot)
        await take_keyboard(pilot, "green")
        asked = f"Republic of Azuria argues “{ACTION}” — you are asked for a counter-argument (o)"
        assert asked in panel(app)
        await pilot.press("o")
        await pilot.pause()
        counter = app.screen
        assert isinstance(counter, CounterModal)
        assert ARGUMENTS in str(counter.query_one(".dialog-detail").render())
        counter.query_one("#counter", Input).value = COUNTER
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        assert "asked for a counter-argument" not in panel(app)
        await give_back(pilot)

        # The facilitator reads the counter, sets the odds, narrates with an effect.
        await pilot.press("a")
        await pilot.pause()
        assert f"Kingdom of Lysmark: {COUNTER}" in panel(app, "#argued-detail")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("70")
        await pilot.press("enter")
        await pilot.pause()
        [a] = client.view("facilitator").arguments
        assert (a.status, a.odds) == ("judged", 70) and a.roll is not None
        await pilot.press("n")
        await pilot.pause()
        narrate = app.screen
        assert isinstance(narrate, NarrateModal)
        value = narrate.query_one("#value-1", Select)
        value.value = "tension"
        await pilot.pause()
        of = narrate.query_one("#of-1", Select)
        offered = [v for _, v in of._options if isinstance(v, str)]
        assert offered == ["blue,red", "blue,green"]  # only the pairs Azuria is part of
        of.value = "blue,green"
        narrate.query_one("#add-1", Input).value = "-5"
        narrate.query_one("#narrative", Input).value = "Lysmark's editorials turn against the survey."
        tension = client.view("facilitator").value("tension", "blue", "green")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ArgumentsScreen)
        assert client.view("facilitator").value("tension", "blue", "green") == max(0, tension - 5)
        assert client.view("facilitator").arguments[0].status == "narrated"
        await pilot.press("escape")
        await pilot.pause()
        assert "argued actions waiting" not in screen_text(app)

        # Blue reads what came of it.
        await take_keyboard(pilot, "blue")
        shown = panel(app)
        assert "Lysmark's editorials turn against the survey." in shown
        assert (f"succeeded: rolled {a.roll} against likely (70%)" in shown) is bool(a.success)
        assert (f"failed: rolled {a.roll} against likely (70%)" in shown) is (not a.success)
        await give_back(pilot)
    assert verify(client.log_path) == []


async def test_a_joined_team_argues_over_the_network_and_the_facilitator_is_told(
        served, clients) -> None:  # noqa: F811  (pytest fixtures, imported from test_join)
    fac = joined(clients, served, "facilitator")
    assert fac.apply(Start()).accepted and fac.apply(Advance()).accepted  # communications
    blue_app = DetenteApp(client=joined(clients, served, "blue"))
    fac_app = DetenteApp(client=fac)
    async with blue_app.run_test(size=SMALL) as blue, fac_app.run_test(size=SMALL) as console:
        await blue.pause()
        await console.pause()
        assert isinstance(blue_app.screen, TeamScreen) and "Argue" in footer(blue_app)
        await blue.press("g")
        await blue.pause()
        form = blue_app.screen
        assert isinstance(form, ArgueModal)
        form.query_one("#action", Input).value = ACTION
        form.query_one("#arguments", Input).value = ARGUMENTS
        await blue.press("ctrl+s")
        await until(lambda: [a.action for a in fac.view("facilitator").arguments] == [ACTION])
        # The console, over the network too, says one waits.
        await until(lambda: "argued actions waiting: 1" in str(fac_app.screen.query_one("#status").render()))
        # A team cannot send the facilitator's commands.
        refused = blue_app.client.apply(Judge("1", 90))
        assert not refused.accepted and "only the facilitator" in refused.reason  # type: ignore[union-attr]
        # The facilitator's odds reach the team's screen while it looks at it.
        assert fac.apply(Judge("1", 90)).accepted
        await until(lambda: any("rolled" in str(n.message) and "against very likely (90%)" in str(n.message)
                                for n in blue_app._notifications))
        await until(lambda: "against very likely (90%)" in panel(blue_app))



async def test_a_team_that_cannot_afford_it_is_told_before_it_writes(tmp_path: Path) -> None:
    from test_app import STRAIT

    dear = tmp_path / "dear.toml"
    dear.write_text(STRAIT.read_text(encoding="utf-8") + "\n[rules.overrides.argued]\ncost = 3\n",
                    encoding="utf-8")
    app = DetenteApp(client=client_for(tmp_path, dear))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await take_keyboard(pilot, "green")  # 2 actions a day
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        assert "An argued action costs 3; you have 2 left this turn." in [
            str(n.message) for n in app._notifications]
