"""The replay viewer from the evaluator's perspective (issue 13): the facilitator's game with the
observations and ratings in words, never the facilitator's notes; a team's perspective never
shows an observation or a rating."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from detente.engine.commands import EVALUATOR, Advance, Evaluate, Note, Observe, Start
from detente.engine.loader import load_scenario
from detente.engine.recorder import RecordedSession
from detente.tui.app.app import DetenteApp
from detente.tui.app.screens.modals import ChooseModal
from detente.tui.app.screens.replay import ReplayScreen

ROOT = Path(__file__).resolve().parents[2]
FAC_NOTE = "Only mine: I will push the storm inject early"
SEEN = "Azuria's watch officer called within minutes"
WHY = "Calls placed at once, answered late"


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("replay-eval") / "s.jsonl"
    with RecordedSession.create(load_scenario(ROOT / "scenarios" / "strait_standoff.toml"), path) as rec:
        assert rec.apply(Start()).accepted
        assert rec.apply(Note(FAC_NOTE)).accepted
        assert rec.apply(Advance()).accepted
        assert rec.apply(Observe(SEEN, about="blue", finding="strength", objective=1)).accepted
        assert rec.apply(Evaluate("S", WHY, objective=1, about="blue")).accepted
    return path


async def choose(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    modal = pilot.app.screen
    assert isinstance(modal, ChooseModal)
    options = modal.query_one(OptionList)
    options.highlighted = next(i for i in range(options.option_count)
                               if options.get_option_at_index(i).id == key)
    await pilot.press("enter")
    await pilot.pause()


async def test_the_evaluator_replays_observations_and_ratings_not_the_facilitators_notes(log: Path) -> None:
    app = DetenteApp(replay=log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await pilot.press("end")
        await pilot.pause()
        lines = "\n".join(screen.timeline_plain)
        assert FAC_NOTE in lines and SEEN in lines  # the facilitator: everything
        await pilot.press("p")
        await pilot.pause()
        await choose(pilot, EVALUATOR)
        lines = "\n".join(screen.timeline_plain)
        assert FAC_NOTE not in lines
        assert f"evaluator observed Republic of Azuria (a strength): {SEEN}" in lines
        rated = "evaluator rated objective 1 for Republic of Azuria: S — performed with some challenges"
        assert rated in lines
        assert "as evaluator" in screen.status_line
        for team in ("blue", "red"):
            await pilot.press("p")
            await pilot.pause()
            await choose(pilot, team)
            lines = "\n".join(screen.timeline_plain)
            assert SEEN not in lines and WHY not in lines and FAC_NOTE not in lines
