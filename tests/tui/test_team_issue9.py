"""Issue 9, the team's screens: empty forms refused, what a team can afford, its own calls and
proposals (withdrawn with r), focus, the call screen's speaker, no Quit, keys at 80×24."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app import client_for, give_back, screen_text, take_keyboard
from textual.widgets import Button, OptionList, Select

from detente.engine.commands import Advance, Propose, Respond, Say, Start
from detente.engine.state import Order
from detente.tui.app.app import DetenteApp
from detente.tui.app.screens.forms import OrderModal
from detente.tui.app.screens.modals import ChooseModal, HelpModal
from detente.tui.app.screens.team import CallScreen, TeamScreen

SMALL = (80, 24)


def flat(app: DetenteApp) -> str:
    """The words on screen, with line breaks and runs of spaces as one space."""
    return " ".join(screen_text(app).split())


def notes(app: DetenteApp) -> list[str]:
    """The notifications shown so far (the toasts at the top right)."""
    return [n.message for n in app._notifications]


def option_ids(screen: TeamScreen) -> list[str]:
    actions = screen.query_one("#actions", OptionList)
    return [actions.get_option_at_index(i).id or "" for i in range(actions.option_count)]


def option_text(screen: TeamScreen, key: str) -> str:
    actions = screen.query_one("#actions", OptionList)
    option = actions.get_option(key)
    return str(option.prompt)


async def highlight(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    actions = screen.query_one("#actions", OptionList)
    actions.highlighted = option_ids(screen).index(key)
    actions.focus()
    await pilot.pause()


def to_phase(client, phase: str) -> None:  # type: ignore[no-untyped-def]
    while client.view("facilitator").phase != phase:
        client.apply(Start() if client.view("facilitator").phase == "setup" else Advance())


async def test_an_empty_move_form_is_not_submitted_and_names_the_empty_field(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("n", "n")  # orders
        await pilot.pause()
        screen = await take_keyboard(pilot, "blue")
        await highlight(pilot, "mv:notify_activity")
        await pilot.press("enter")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, OrderModal)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is modal, "a form with a required field empty is not submitted"
        problem = str(modal.query_one("#problem").render())
        assert "the activity" in problem and "Select.NULL" not in problem
        assert any("the activity" in n for n in notes(app)), "the words also show above the fold"
        assert app.focused is modal.query_one("#p-choice"), "the empty field has the keyboard"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.draft == [], "nothing was drafted, no action spent"
        assert "orders 0 · 3 left" in flat(app)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert client.view("blue").orders["blue"] == (), "sealing (a pass) is not refused"
        assert "actions spent 0 of 3" in flat(app)


async def test_moves_a_team_cannot_afford_stay_listed_greyed_with_the_reason(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    to_phase(client, "communications")
    assert client.apply(Propose(team="blue", order=Order(move="hotline_call", target="red"))).accepted
    assert client.apply(Propose(team="blue", order=Order(move="request_inspection", target="green"))).accepted
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        screen = await take_keyboard(pilot, "blue")
        text = screen_text(app)
        assert "calls spent 2 of 3" in text
        ahead = str(screen.query_one("#draft").render())
        assert "(2)" in ahead and "the others (1)" in ahead, "orders to come, with their costs"
        await give_back(pilot)
        to_phase(client, "orders")
        screen = await take_keyboard(pilot, "blue")
        ids = option_ids(screen)
        assert "no:deploy" in ids and "mv:deploy" not in ids
        assert "costs 2, 1 action left" in option_text(screen, "no:deploy")
        assert "calls spent 2 of 3 · orders 0 · 1 left" in flat(app)
        await highlight(pilot, "no:deploy")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen), "no form opens for a move the team cannot afford"
        assert any("costs 2, 1 action left" in n for n in notes(app))


async def test_own_calls_and_proposals_are_listed_and_an_unanswered_one_withdrawn(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    to_phase(client, "communications")
    assert client.apply(Propose(team="blue", order=Order(move="hotline_call", target="red"))).accepted
    assert client.apply(Propose(team="blue", order=Order(move="request_inspection", target="red"))).accepted
    third = Order(move="alliance_commitment", target="green")
    assert client.apply(Propose(team="blue", order=third)).accepted
    assert client.apply(Respond(team="red", proposal="1-1", accept=True)).accepted
    assert client.apply(Respond(team="red", proposal="1-2", accept=False)).accepted
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        screen = await take_keyboard(pilot, "blue")
        ids = option_ids(screen)
        assert "call:1-1" in ids, "the answered call is listed (and opens)"
        assert "declined" in option_text(screen, "own:1-2")
        assert "waiting for an answer" in option_text(screen, "own:1-3")
        assert "calls spent 3 of 3" in flat(app)
        await highlight(pilot, "own:1-2")
        await pilot.press("r")
        await pilot.pause()
        assert client.view("blue").proposals[1].status != "withdrawn", "an answered proposal stays"
        await highlight(pilot, "own:1-3")
        await pilot.press("r")
        await pilot.pause()
        assert [p.status for p in client.view("blue").proposals if p.id == "1-3"] == ["withdrawn"]
        assert "withdrawn" in option_text(screen, "own:1-3")
        assert "calls spent 2 of 3" in flat(app), "what it cost comes back"
        await pilot.press("r")
        await pilot.pause()
        assert any(n.startswith("Nothing to withdraw") for n in notes(app)), "r with nothing to do says so"


async def test_a_ringing_call_is_listed_as_ringing(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    to_phase(client, "communications")
    assert client.apply(Propose(team="blue", order=Order(move="hotline_call", target="red"))).accepted
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        screen = await take_keyboard(pilot, "blue")
        assert "ringing" in option_text(screen, "own:1-1")
        assert "Corvanian Federation" in option_text(screen, "own:1-1")


async def test_r_in_orders_with_nothing_drafted_says_so(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    to_phase(client, "orders")
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await take_keyboard(pilot, "green")
        await pilot.press("r")
        await pilot.pause()
        assert any(n.startswith("Nothing to remove") for n in notes(app))


async def test_lists_open_highlighted_forms_focused_and_enter_after_the_last_field_submits(
    tmp_path: Path,
) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("n")  # communications
        await pilot.pause()
        screen = await take_keyboard(pilot, "blue")
        actions = screen.query_one("#actions", OptionList)
        assert actions.highlighted == 0 and app.focused is actions
        assert option_ids(screen)[0] == "mv:hotline_call"
        await pilot.press("enter")  # the first item opens at once
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, OrderModal)
        assert app.focused is modal.query_one("#p-target", Select), "the first field has the keyboard"
        await pilot.press("enter", "down", "enter")  # open the list, pick the first partner
        await pilot.pause()
        assert app.focused is modal.query_one("#ok", Button), "after the last field, Enter submits"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        assert [p.order.target for p in client.view("blue").proposals] == ["red"]


async def test_the_call_screen_names_who_speaks_now_and_next_and_f2_pledges_for_the_typist(
    tmp_path: Path,
) -> None:
    client = client_for(tmp_path)
    to_phase(client, "communications")
    assert client.apply(Propose(team="blue", order=Order(move="hotline_call", target="red"))).accepted
    assert client.apply(Respond(team="red", proposal="1-1", accept=True)).accepted
    assert client.apply(Say(team="blue", proposal="1-1", text="Hello")).accepted
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await take_keyboard(pilot, "red")
        await highlight(pilot, "call:1-1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        header = str(app.screen.query_one("#call-status").render())
        assert "Speaking now: Corvanian Federation" in header and "next: Republic of Azuria" in header
        await pilot.press(*"We hear you", "enter")
        await pilot.pause()
        header = str(app.screen.query_one("#call-status").render())
        assert "Speaking now: Republic of Azuria" in header and "next: Corvanian Federation" in header
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        assert "Republic of Azuria" in app.screen.title_text, "F2 pledges for the side typing now"
        await pilot.press("escape")
        await pilot.pause()


async def test_team_screens_offer_no_quit_and_the_footer_keeps_help_and_done(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        for _ in ("communications", "orders"):
            await pilot.press("n")
            await pilot.pause()
            screen = await take_keyboard(pilot, "blue")
            assert screen.OFFERS_QUIT is False
            assert {"f1", "escape"} <= visible_footer_keys(app), "the footer shows Help and Done"
            bindings = screen.active_bindings.values()
            assert not any(b.binding.action in ("quit", "app.quit") and b.binding.show for b in bindings)
            await pilot.press("ctrl+q")  # the app's quit key does nothing here (app.py reads OFFERS_QUIT)
            await pilot.pause()
            assert app.is_running and app.screen is screen
            await give_back(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_every_key_is_in_the_footer_or_f1_and_form_buttons_are_reachable(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("n")  # communications
        await pilot.pause()
        assert client.apply(Propose(team="red", order=Order(move="hotline_call", target="blue"))).accepted
        screen = await take_keyboard(pilot, "blue")
        await check_keys(pilot, size, "team screen (communications)")
        assert client.apply(Respond(team="blue", proposal="1-1", accept=True)).accepted
        screen.refresh_view()
        for key in option_ids(screen):
            if key.startswith("mv:"):
                await check_form(pilot, size, key)
        await highlight(pilot, "call:1-1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        await check_keys(pilot, size, "call screen")
        await pilot.press("escape")
        await pilot.pause()
        await give_back(pilot)
        to_phase(client, "orders")
        screen = await take_keyboard(pilot, "blue")
        await check_keys(pilot, size, "team screen (orders)")
        for key in option_ids(screen):
            if key.startswith("mv:"):
                await check_form(pilot, size, key)


def visible_footer_keys(app: DetenteApp) -> set[str]:
    from textual.widgets._footer import FooterKey

    width, height = app.size
    return {
        k.key
        for k in app.screen.query(FooterKey)
        if k.region.width and k.region.right <= width and k.region.bottom <= height
    }


async def help_keys(pilot) -> set[str]:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    await pilot.press("f1")
    await pilot.pause()
    help_ = pilot.app.screen
    assert isinstance(help_, HelpModal), f"F1 opens help on {screen}"
    keys = {k for k, _ in help_.keys}
    await pilot.press("escape")
    await pilot.pause()
    assert pilot.app.screen is screen
    return keys


async def check_keys(pilot, size: tuple[int, int], what: str) -> None:  # type: ignore[no-untyped-def]
    """Each binding of the screen is in its visible footer or in its F1 help; F1 itself shows."""
    app = pilot.app
    screen = app.screen
    footer = visible_footer_keys(app)
    helped = await help_keys(pilot)
    for b in screen.BINDINGS:
        if screen.check_action(b.action, ()) is False:
            continue  # the key does nothing now (another phase's key): neither shown nor offered
        assert b.key in footer or b.key in helped, f"{what} at {size}: {b.key} is neither shown nor in F1"
    if footer or screen.query("Footer"):
        assert "f1" in footer, f"{what} at {size}: the footer does not show F1"


async def check_form(pilot, size: tuple[int, int], key: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await highlight(pilot, key)
    await pilot.press("enter")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, OrderModal), key
    await check_keys(pilot, size, f"form {key}")
    ok = form.query_one("#ok", Button)
    await pilot.pause()
    width, height = app.size
    # The buttons are in sight as the form opens, whatever its length: only its fields scroll.
    region = ok.region
    assert region.height and region.bottom <= height and region.right <= width, (
        f"form {key} at {size}: its submit button {region} is outside the screen"
    )
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, TeamScreen)


async def test_help_names_only_keys_the_screen_has(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        screen = await take_keyboard(pilot, "blue")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        named = {k for k, _ in app.screen.keys}
        bound = {b.key for b in screen.BINDINGS if screen.check_action(b.action, ()) is not False}
        assert named == bound
        words = app.screen.text
        for key in ("s seals", "r removes", "a accepts", "d declines", "c opens"):
            assert key in words
            assert any(b.key == key[0] for b in screen.BINDINGS), f"help names {key[0]}, a key the screen has"
        await pilot.press("escape")
        await pilot.pause()
        assert client.apply(Propose(team="blue", order=Order(move="hotline_call", target="red"))).accepted
        assert client.apply(Respond(team="red", proposal="1-1", accept=True)).accepted
        screen.refresh_view()
        await highlight(pilot, "call:1-1")
        await pilot.press("enter")
        await pilot.pause()
        call = app.screen
        assert isinstance(call, CallScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        assert {k for k, _ in app.screen.keys} == {b.key for b in call.BINDINGS}
        assert "F2" in app.screen.text and any(b.key == "f2" for b in call.BINDINGS)


async def test_team_and_call_screens_name_moves_pledges_forces_and_regions_in_words(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    to_phase(client, "communications")
    assert client.apply(Propose(team="blue", order=Order(move="hotline_call", target="red"))).accepted
    assert client.apply(Respond(team="red", proposal="1-1", accept=True)).accepted
    kinds = list(client.pledge_kinds())
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await take_keyboard(pilot, "red")
        await highlight(pilot, "call:1-1")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        menu = " ".join(text for _, text in app.screen.options)
        assert "{" not in menu, "pledges read as their promise, not a template"
        assert not [k for k in kinds if "_" in k and k in menu], "no pledge kind id"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await give_back(pilot)
        to_phase(client, "orders")
        screen = await take_keyboard(pilot, "red")
        await highlight(pilot, "mv:deploy")
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OrderModal)
        force = form.lm.choices["force"][0]
        form.query_one("#p-force", Select).value = force
        form.query_one("#p-region", Select).value = "strait"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        drafted = str(screen.query_one("#draft").render())
        assert force not in drafted and "strait" not in drafted and "deploy " not in drafted
        assert client.scenario.force_names[force] in drafted


async def test_sealed_orders_leave_no_seal_or_remove_key_in_the_footer(tmp_path: Path) -> None:
    from detente.tui.app.screens.modals import ConfirmModal

    client = client_for(tmp_path)
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        to_phase(client, "orders")
        await take_keyboard(pilot, "blue")
        assert {"s", "r"} <= visible_footer_keys(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")
        await pilot.pause()
        assert "blue" in client.view("blue").orders
        footer = visible_footer_keys(app)
        assert "s" not in footer and "r" not in footer, f"sealed, yet the footer offers {footer}"
        assert "escape" in footer
