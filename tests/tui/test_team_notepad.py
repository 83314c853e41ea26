"""Issue 13: a team's notepad on its screen (k): the notes so far and a line to add one, at 80×24;
the note is logged for that team alone."""

from __future__ import annotations

from pathlib import Path

from test_app import client_for, screen_text, take_keyboard

from detente.engine.commands import Start
from detente.tui.app.app import DetenteApp
from detente.tui.app.screens.modals import HelpModal, NotepadModal

SMALL = (80, 24)


async def test_k_opens_the_notepad_adds_a_note_and_lists_it_next_time(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    assert client.apply(Start()).accepted
    app = DetenteApp(client=client)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await take_keyboard(pilot, "blue")
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, NotepadModal)
        assert "No notes yet" in screen_text(app)
        for ch in "watch the strait":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, NotepadModal)
        await pilot.press("k")
        await pilot.pause()
        assert "watch the strait" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        # F1 names the key (the footer has no room for it at 80 columns).
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal) and "notepad" in screen_text(app)
    kinds = [(e.kind, getattr(e, "text", "")) for e in client.timeline("blue") if e.kind == "team_note"]
    assert kinds == [("team_note", "watch the strait")]
    assert not [e for e in client.timeline("red") if e.kind == "team_note"]
    assert not [e for e in client.timeline("facilitator") if e.kind == "team_note"]
