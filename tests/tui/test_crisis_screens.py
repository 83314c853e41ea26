"""Issue 12, a crisis on screen: the two sides' team screens and the facilitator's console say it
plainly, and the call to the other side is offered at no cost."""

from __future__ import annotations

from pathlib import Path

from test_app import screen_text, take_keyboard

from detente.engine.commands import Advance, Start, SubmitOrders
from detente.engine.loader import load_scenario
from detente.engine.state import Order
from detente.tui.app.app import DetenteApp
from detente.tui.app.client import LocalClient

ROOT = Path(__file__).resolve().parents[2]
MINI = (ROOT / "tests" / "data" / "mini.toml").read_text(encoding="utf-8")
# Azuria and Corvania at the crisis line, every close pair sure to have a grave incident.
CRISIS = MINI.replace("tension = 40", "tension = 70") + """
[rules.overrides.incidents]
base = 1.0
cap = 1.0
serious_min = 2
grave_min = 2

[rules.overrides.drift]
rate = 0.0
"""


def flat(app: DetenteApp) -> str:
    return " ".join(screen_text(app).split())


def in_crisis(tmp_path: Path) -> LocalClient:
    """A session on the second day's communications, a crisis open since Corvania's fleet met
    Azuria's in the strait."""
    path = tmp_path / "crisis.toml"
    path.write_text(CRISIS, encoding="utf-8")
    client = LocalClient.new(load_scenario(path), tmp_path / "s.jsonl")
    client.apply(Start())
    while client.view("facilitator").phase != "orders":
        client.apply(Advance())
    client.apply(SubmitOrders("red", (Order("deploy", force="red-fleet", region="strait"),)))
    client.apply(SubmitOrders("blue", ()))
    while client.view("facilitator").label != "Day 2" or client.view("facilitator").phase != "communications":
        client.apply(Advance())
    return client


async def test_the_crisis_is_on_the_console_and_both_team_screens(tmp_path: Path) -> None:
    client = in_crisis(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Crisis between Azuria and Corvania" in flat(app)
        await take_keyboard(pilot, "blue")
        shown = flat(app)
        assert "Crisis with Corvania: the hotline first" in shown
        assert "Hotline call (0)" in shown, "the call to the other side costs nothing"
