"""Issue 12, what is said on a call: the call screen lets each side choose the tone of its lines
(F4, named in the footer), and the console lets the facilitator rate an answered call (c)."""

from __future__ import annotations

from pathlib import Path

from test_app import client_for, take_keyboard
from test_team_issue9 import highlight, to_phase
from textual.widgets import OptionList

from detente.engine.commands import Propose, Respond
from detente.engine.state import Order
from detente.tui.app.app import DetenteApp
from detente.tui.app.screens.console import ConsoleScreen
from detente.tui.app.screens.modals import ChooseModal
from detente.tui.app.screens.team import CallScreen

SMALL = (80, 24)


async def choose(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    """Pick the option ``key`` of the open ChooseModal."""
    modal = pilot.app.screen
    assert isinstance(modal, ChooseModal)
    options = modal.query_one(OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = ids.index(key)
    await pilot.press("enter")
    await pilot.pause()


def header(app: DetenteApp) -> str:
    return " ".join(str(app.screen.query_one("#call-status").render()).split())


def footer_keys(app: DetenteApp) -> dict[str, str]:
    shown = [b.binding for b in app.screen.active_bindings.values() if b.binding.show]
    return {b.key: b.description for b in shown}


async def test_each_side_of_a_call_chooses_the_tone_of_its_lines_with_f4(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    to_phase(client, "communications")
    assert client.apply(Propose(team="blue", order=Order(move="hotline_call", target="red"))).accepted
    assert client.apply(Respond(team="red", proposal="1-1", accept=True)).accepted
    tension = client.view("blue").value("tension", "blue", "red")
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await take_keyboard(pilot, "blue")
        await highlight(pilot, "call:1-1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        assert footer_keys(app).get("f4") == "Tone", "the footer names the tone key"
        assert "Republic of Azuria: no tone chosen (counts as Inform)" in header(app)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal) and "Republic of Azuria" in app.screen.title_text
        await choose(pilot, "reassure")
        assert isinstance(app.screen, CallScreen)
        assert "Republic of Azuria: Reassure" in header(app)
        await pilot.press(*"We mean no harm", "enter")
        await pilot.pause()
        # The keyboard passes to the other side, which chooses its own tone.
        await pilot.press("f4")
        await pilot.pause()
        assert "Corvanian Federation" in app.screen.title_text
        await choose(pilot, "demand")
        await pilot.press(*"Leave the strait", "enter")
        await pilot.pause()
        call = next(p for p in client.view("blue").proposals if p.id == "1-1")
        assert (call.tone_of("blue"), call.tone_of("red")) == ("reassure", "demand")
        assert "[Reassure]" in " ".join(app.screen.query_one("#transcript").lines[0].text.split())
        await pilot.press("f3")
        await pilot.pause()
    # Reassurance met with a demand: the call ends where the tones put it.
    n = client._rec.session.numbers["hotline"]
    want = n["demand_tension"] - n["answered_tension"] - n["reassure_tension"]
    assert client.view("blue").value("tension", "blue", "red") == tension + want


async def test_the_console_rates_an_answered_call(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    to_phase(client, "communications")
    assert client.apply(Propose(team="blue", order=Order(move="hotline_call", target="red"))).accepted
    assert client.apply(Respond(team="red", proposal="1-1", accept=True)).accepted
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal) and app.screen.title_text == "Rate which call?"
        (label,) = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert "in progress" in label and "no tone chosen" in label
        await choose(pilot, "1-1")
        await choose(pilot, "2")
        assert isinstance(app.screen, ConsoleScreen)
        call = next(p for p in client.view("facilitator").proposals if p.id == "1-1")
        assert call.rating == 2
        await pilot.press("c")  # rated once: nothing is left to rate
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
