"""The cohort debrief's copy for the whole room (`detente compare --as public`, issue 14): built
from each syndicate's public report only, so it can go on the projector. It holds no seed, no
dice, no risk run, no sealed order, no private call, no facilitator's note, observation or
rating — and its divergence point is the first phase whose public timeline differs."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.engine.commands import EVALUATOR, Evaluate, Note, Observe
from detente.engine.recorder import RecordedSession
from detente.engine.views import PUBLIC
from detente.tui.cli import main
from detente.tui.render.compare import load_comparison, render
from detente.tui.render.report import load_report

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
NOTE = "Facilitator only: syndicate two is dragging its feet"
SEEN = "Evaluator only: Azuria's cabinet never briefed the press"
WHY = "Evaluator only: the hotline was used late"


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("public-compare")
    out = []
    for k, policy in enumerate(("dove", "hawk", "tit-for-tat"), 1):
        log = folder / f"s{k}.jsonl"
        args = ["run", str(STRAIT), "--seed", "5", "--log", str(log)]
        for team in ("blue", "red", "green"):
            args += ["--bot", f"{team}={policy}"]
        assert main(args) == 0
        with RecordedSession.resume(log) as rec:  # the hot wash, after the end
            assert rec.apply(Note(NOTE)).accepted
            assert rec.apply(Observe(SEEN, about="blue", by=EVALUATOR)).accepted
            assert rec.apply(Evaluate("M", WHY, objective=1)).accepted
        out.append(log)
    return out


def test_the_public_copy_holds_nothing_the_public_did_not_see(logs: list[Path]) -> None:
    public = load_comparison(logs, role=PUBLIC)
    facilitator = load_comparison(logs)
    for fmt in ("md", "html"):
        text = render(public, fmt)
        for secret in (NOTE, SEEN, WHY, "seed"):
            assert secret not in text, (fmt, secret)
        assert "for the whole room" in text
        assert "seed" in render(facilitator, fmt)  # the facilitator's copy does: the test can fail
    assert all(s.seed == 5 and s.figures.risk is not None for s in facilitator.syndicates)
    assert all(any(x.rating == "M" for x in s.figures.ratings) for s in facilitator.syndicates)
    assert all(s.seed is None and s.figures.risk is None for s in public.syndicates)
    assert all(not s.figures.ratings and not s.figures.expectations for s in public.syndicates)
    assert public.dice is None


def test_each_public_figure_is_the_one_in_that_syndicates_public_report(logs: list[Path]) -> None:
    public = load_comparison(logs, role=PUBLIC)
    for s, log in zip(public.syndicates, logs, strict=True):
        own = load_report(log, PUBLIC)
        assert s.figures.outcome == own.outcome
        assert s.figures.calls_placed == own.count_calls()
        assert s.figures.near_misses == len(own.near_misses)


def test_the_public_divergence_is_the_first_phase_the_room_saw_differ(logs: list[Path]) -> None:
    public = load_comparison(logs, role=PUBLIC)
    d = public.divergence
    assert d is not None
    reports = [load_report(log, PUBLIC) for log in logs]

    def lines(r: object, key: tuple[int, str]) -> list[str]:
        return sorted(e.text for e in r.timeline if (e.turn, e.phase) == key)  # type: ignore[attr-defined]

    at = (d.turn, d.phase)
    assert len({tuple(lines(r, at)) for r in reports}) > 1
    earlier = {(e.turn, e.phase) for r in reports for e in r.timeline if (e.turn, e.phase) != at}
    from detente.engine.scenario import PHASES

    for key in earlier:
        if (key[0], PHASES.index(key[1])) < (d.turn, PHASES.index(d.phase)):
            assert len({tuple(lines(r, key)) for r in reports}) == 1, key
    # What each chose there is its own lines of that phase, as the public read them.
    for chose, r in zip(d.chose, reports, strict=True):
        mine = set(lines(r, at))
        assert all(c.words in mine or c.words == "nothing the others did not" for c in chose)


def test_a_team_copy_of_a_comparison_is_refused(logs: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", *map(str, logs), "--as", "blue"]) == 1
    err = capsys.readouterr().err
    assert "facilitator's or the public's" in err and "Traceback" not in err


async def test_the_screen_opens_the_rooms_copy_with_r(logs: list[Path]) -> None:
    from detente.tui.app.app import DetenteApp
    from detente.tui.app.screens.compare import CompareScreen

    app = DetenteApp(scenarios=[])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.open_compare(logs)
        await pilot.pause()
        facilitators = app.screen
        assert isinstance(facilitators, CompareScreen) and not facilitators.comparison.public
        await pilot.press("r")
        await pilot.pause()
        room = app.screen
        assert isinstance(room, CompareScreen) and room.comparison.public
        assert all(s.seed is None and s.figures.risk is None for s in room.comparison.syndicates)
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        written = room.written[0]
        assert written.name.endswith(".compare-public.html")
        page = written.read_text(encoding="utf-8")
        assert "for the whole room" in page and NOTE not in page and WHY not in page
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is facilitators
