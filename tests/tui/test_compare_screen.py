"""The cohort debrief a facilitator reads: ``detente compare`` (Markdown, self-contained HTML,
refusals in one line) and the compare screen at 80×24 (outcomes and the divergence in words, no
raw ids), reached from the start screen or opened with a list of logs."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from cohort import FORUM, POLICIES, STRAIT, play, syndicates
from plain import forbidden, leaks, written
from textual.containers import VerticalScroll
from textual.widgets import Input

from detente.engine.log import read_log
from detente.engine.recorder import replay
from detente.tui.app.app import DetenteApp
from detente.tui.app.screens.compare import CompareScreen, PickLogsModal
from detente.tui.app.screens.modals import BriefingModal, HelpModal
from detente.tui.app.screens.start import StartScreen
from detente.tui.cli import main
from detente.tui.render.compare import default_path, load_comparison
from detente.tui.render.text import Names

ROOT = Path(__file__).resolve().parents[2]
SIZE = (80, 24)
@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return syndicates(tmp_path_factory.mktemp("sessions"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """A comparison refused: exit 1, one line on stderr, nothing on stdout."""
    code, out, err = run(capsys, *args)
    assert code == 1 and out == "", err
    assert err.startswith("detente: ") and err.count("\n") == 1, err
    return err


def ids_and_words(logs: list[Path]) -> tuple[dict[str, str], list[str]]:
    """The ids a person must not read, and the text people wrote (which may hold anything)."""
    rep = replay(logs[0])
    events = [e for p in logs for e in replay(p).events]
    return forbidden(rep.session.scenario, rep.session.ruleset), written(rep.session.scenario, events)


# -- the command ----------------------------------------------------------------------------------


def test_markdown_names_each_outcome_and_the_divergence_in_words(
    logs: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, md, err = run(capsys, "compare", *map(str, logs))
    assert code == 0 and "seeds differ" not in err
    assert f"detente: {logs[0]}: signed by this machine's key" in err
    c = load_comparison(logs)
    d = c.divergence
    assert d is not None
    assert f"The choices first differ on {c.label(d.turn)}, {d.phase}" in md
    for log, s in zip(logs, c.syndicates, strict=True):
        ended = next(r for r in read_log(log).records if r["kind"] == "outcome")
        said = Names.outcome_name(ended["result"])
        row = next(line for line in md.splitlines() if line.startswith(f"| {s.name} | {said} |"))
        assert log.name in md and c.label(ended["turn"]) in row
        assert f"### {s.name}" in md
    assert "Republic of Azuria" in md and "Every syndicate played with the same dice" in md
    ids, authored = ids_and_words(logs)
    assert leaks(md, ids, authored) == []


def test_names_are_given_in_order_and_must_fit_the_logs(
    logs: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, md, _ = run(capsys, "compare", *map(str, logs), "--names", "Alpha,Bravo,Charlie")
    assert code == 0 and "### Alpha" in md and "### Charlie" in md and "Syndicate 1" not in md
    assert "3 logs" in refused(capsys, "compare", *map(str, logs), "--names", "Alpha,Bravo")
    assert "twice" in refused(capsys, "compare", *map(str, logs), "--names", "A,A,B")


def test_html_is_one_self_contained_page_with_a_chart_per_pair_beside_the_first_log(
    logs: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "compare", *map(str, logs), "--format", "html")
    path = default_path(logs[0], "html")
    assert code == 0 and f"Comparison: {path}" in out and path.parent == logs[0].parent
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page.lower()
    pairs = len(load_comparison(logs).pairs)
    assert page.count("<svg") == pairs == 3
    without_namespaces = re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", page)
    assert "http://" not in without_namespaces and "https://" not in without_namespaces
    assert re.search(r"""(src|href)\s*=\s*["'](?!#)""", page) is None
    # Every syndicate is a line of each chart, on the value's whole labelled scale.
    for name in ("Syndicate 1", "Syndicate 2", "Syndicate 3"):
        assert page.count(f">{name}<") >= pairs
    assert "tension (0–100)" in page
    code, again, _ = run(capsys, "compare", *map(str, logs), "--format", "html", "-o", "-")
    assert code == 0 and again == page


def test_never_writes_over_a_log(logs: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    before = logs[2].read_bytes()
    assert "never overwritten" in refused(capsys, "compare", str(logs[0]), str(logs[1]), "-o", str(logs[2]))
    assert logs[2].read_bytes() == before


def test_refusals_are_one_line(logs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = play(FORUM, tmp_path / "forum.jsonl", ("red=dove",))
    capsys.readouterr()
    err = refused(capsys, "compare", str(logs[0]), str(other))
    assert f"{logs[0]} and {other}: sessions of different scenarios" in err
    assert "two or more" in refused(capsys, "compare", str(logs[0]))
    assert "the same log twice" in refused(capsys, "compare", str(logs[0]), str(logs[0]))
    assert "no such log file" in refused(capsys, "compare", str(logs[0]), str(tmp_path / "none.jsonl"))
    assert "not a comparison format" in refused(capsys, "compare", *map(str, logs[:2]), "--format", "csv")
    damaged = tmp_path / "damaged.jsonl"
    lines = logs[1].read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace('"kind"', '"kynd"')
    damaged.write_text("".join(lines), encoding="utf-8")
    assert f"{damaged}:6:" in refused(capsys, "compare", str(logs[0]), str(damaged))


def test_different_seeds_are_compared_with_a_warning(
    logs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = play(STRAIT, tmp_path / "seed-6.jsonl", POLICIES[0], seed=6)
    capsys.readouterr()
    code, md, err = run(capsys, "compare", str(logs[0]), str(other))
    assert code == 0
    assert "detente: warning: The seeds differ (Syndicate 1 5, Syndicate 2 6)" in err
    assert "Warning: The seeds differ" in md and "may come from the dice" in md


# -- the screen -----------------------------------------------------------------------------------


def screen_text(app: DetenteApp) -> str:
    """The words on screen now (from the rendered screenshot)."""
    svg = app.export_screenshot()
    return html.unescape(" ".join(re.findall(r">([^<]*)</text>", svg))).replace("\xa0", " ")


def squeeze(text: str) -> str:
    return " ".join(text.split())


async def test_the_screen_shows_the_outcomes_and_the_divergence_in_words_at_80x24(logs: list[Path]) -> None:
    c = load_comparison(logs)
    d = c.divergence
    assert d is not None
    ids, authored = ids_and_words(logs)
    names = Names.of(replay(logs[0]).session.scenario)
    app = DetenteApp(scenarios=[])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.open_compare(logs)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        shown = squeeze(screen_text(app))
        for s in c.syndicates:
            o = s.figures.outcome
            assert o is not None
            assert squeeze(f"{s.name} {Names.outcome_name(o.result)} {c.label(o.turn)} {s.file}") in shown
            first = next(x for x in d.chose[c.syndicates.index(s)] if x.actor == d.actors[0])
            assert squeeze(f"{s.name}: {names.actor_name(first.actor)}") in shown
            assert squeeze(first.words)[:30] in shown
        assert f"The choices first differ on {c.label(d.turn)}, {d.phase}" in shown
        assert "Write comparison" in shown and "Divergence in full" in shown and "F1" in shown
        assert leaks(shown, ids, authored) == []
        # Everything below, scrolled through, names no id either.
        page = screen.query_one("#compare", VerticalScroll)
        while page.scroll_y < page.max_scroll_y:
            await pilot.press("pagedown")
            await pilot.pause()
            assert leaks(screen_text(app), ids, authored) == []
        assert "Ratings (HSEEP" in screen_text(app)

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, BriefingModal)
        every = squeeze(app.screen.text)
        assert all(squeeze(x.words) in every for chose in d.chose for x in chose)
        assert leaks(every, ids, authored) == []
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        assert {"w", "d", "escape"} <= {k for k, _ in app.screen.keys}
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")  # HTML, the first choice
        await pilot.pause()
        assert screen.written == [default_path(logs[0], "html")]
        assert screen.written[0].read_text(encoding="utf-8").count("<svg") == len(c.pairs)


async def test_open_compare_refuses_with_the_reason(logs: list[Path], tmp_path: Path) -> None:
    other = play(FORUM, tmp_path / "forum.jsonl", ("red=dove",))
    app = DetenteApp(scenarios=[])
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.notify = lambda message, *a, **k: seen.append(str(message))  # type: ignore[method-assign]
        assert not app.open_compare([logs[0], other])
        assert not app.open_compare([logs[0]])
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
    assert "sessions of different scenarios" in seen[0] and "two or more" in seen[1]


async def test_the_start_screen_compares_marked_recent_sessions(logs: list[Path], tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    for p in logs[:2]:
        shutil.copy(p, sessions / p.name)
    app = DetenteApp(scenarios=[], sessions=sessions)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        menu = app.screen.query_one("#menu")
        menu.highlighted = next(i for i in range(menu.option_count)  # type: ignore[attr-defined]
                                if menu.get_option_at_index(i).id == "compare")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickLogsModal)
        await pilot.press("c")  # nothing marked yet: it says so and stays
        await pilot.pause()
        assert isinstance(app.screen, PickLogsModal)
        await pilot.press("space", "down", "space", "c")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        assert {s.file for s in app.screen.comparison.syndicates} == {p.name for p in logs[:2]}
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        # Or paths typed in.
        await pilot.press("enter")
        await pilot.pause()
        typed = app.screen.query_one("#paths", Input)
        typed.focus()
        typed.value = f"{logs[0]} {logs[2]}"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        assert [s.file for s in app.screen.comparison.syndicates] == [logs[0].name, logs[2].name]
