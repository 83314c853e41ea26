"""A team declares its forces in a data exchange from the order form: full or understated, its own
choice, sealed with its orders and never shown to the target (issue 12, "Declared versus actual")."""

from __future__ import annotations

from pathlib import Path

from test_app import SIZE, choose_action, client_for, screen_text, take_keyboard
from textual.widgets import Select

from detente.tui.app.app import DetenteApp
from detente.tui.app.screens.forms import OrderModal


async def test_the_order_form_offers_a_full_or_understated_declaration(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", "n")
        await pilot.pause()
        await take_keyboard(pilot, "red")
        await choose_action(pilot, "mv:data_exchange")
        modal = app.screen
        assert isinstance(modal, OrderModal)
        assert modal.lm.choices["choice"] == ("full", "understated")
        assert "What you declare: full or understated (optional)" in screen_text(app)
        modal.query_one("#p-target", Select).value = "blue"
        modal.query_one("#p-choice", Select).value = "understated"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Exchange military data: understated to" in screen_text(app)  # the orders so far
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")  # confirm sealing
        await pilot.pause()
        (order,) = client.view("red").orders["red"]
        assert (order.move, order.target, order.choice) == ("data_exchange", "blue", "understated")
