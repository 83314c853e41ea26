"""A team's private notepad (issue 13): a logged command, replayed, verified, kept on resume and
in a branch, read back to that team alone — not another team, not the public, not the facilitator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from detente.engine.aar import build
from detente.engine.commands import FACILITATOR, Advance, End, Note, Start, TeamNote
from detente.engine.loader import load_scenario
from detente.engine.recorder import RecordedSession, branch, replay, verify
from detente.engine.session import MAX_TEXT
from detente.engine.state import initial_state
from detente.engine.views import PUBLIC, timeline
from detente.tui.render.report import render_markdown

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
SECRET = "Notepad: they blinked first, press on the hotline"


def notes_of(events: Any, role: str, scenario: Any) -> list[str]:
    return [e["text"] for e in timeline(events, role, scenario) if e["kind"] == "team_note"]


@pytest.fixture
def played(tmp_path: Path) -> tuple[Path, str, str]:
    scenario = load_scenario(STRAIT)
    writer, other = scenario.team_ids[:2]
    log = tmp_path / "notes.jsonl"
    with RecordedSession.create(scenario, log) as rec:
        assert rec.apply(Start()).accepted
        assert rec.apply(TeamNote(writer, f"  {SECRET}  ")).accepted  # briefing
        assert rec.apply(Advance()).accepted
        assert rec.apply(TeamNote(writer, "second thought")).accepted  # communications
        assert rec.apply(Note("the facilitator's own")).accepted
    return log, writer, other


def test_a_note_is_logged_and_read_back_to_its_team_alone(played: tuple[Path, str, str]) -> None:
    log, writer, other = played
    rep = replay(log)
    sc = rep.session.scenario
    assert notes_of(rep.events, writer, sc) == [SECRET, "second thought"]
    assert notes_of(rep.events, other, sc) == []
    assert notes_of(rep.events, PUBLIC, sc) == []
    assert notes_of(rep.events, FACILITATOR, sc) == []
    # The facilitator's own note stays the facilitator's.
    assert "the facilitator's own" not in str(timeline(rep.events, writer, sc))
    assert verify(log) == []


def test_the_report_reads_a_teams_notes_back_to_it_only(played: tuple[Path, str, str]) -> None:
    log, writer, other = played
    rep = replay(log)
    s = rep.session
    for role in (writer, other, FACILITATOR, PUBLIC):
        r = build(initial_state(s.scenario, s.numbers), rep.events, role, ladder=s.ruleset.ladder,
                  header=rep.contents.header)
        md = render_markdown(r)
        if role == writer:
            assert [n.text for n in r.notes] == [SECRET, "second thought"]
            assert "## Your notes" in md and "second thought" in md
        else:
            assert r.notes == () and "Your notes" not in md and "second thought" not in md


def test_resume_and_branch_keep_the_notes(played: tuple[Path, str, str], tmp_path: Path) -> None:
    log, writer, _ = played
    with RecordedSession.resume(log) as rec:
        assert rec.apply(TeamNote(writer, "after the resume")).accepted
    rep = replay(log)
    want = [SECRET, "second thought", "after the resume"]
    assert notes_of(rep.events, writer, rep.session.scenario) == want
    assert verify(log) == []
    out = tmp_path / "what-if.jsonl"
    branch(log, out, 1, "communications")
    with RecordedSession.resume(out) as rec:
        assert rec.apply(TeamNote(writer, "in the branch")).accepted
    b = replay(out)
    # The branch holds the session just as communications began: the briefing note, then its own.
    assert notes_of(b.events, writer, b.session.scenario) == [SECRET, "in the branch"]
    assert verify(out) == []


def test_what_a_note_may_be(tmp_path: Path) -> None:
    scenario = load_scenario(STRAIT)
    writer = scenario.team_ids[0]
    with RecordedSession.create(scenario, tmp_path / "n.jsonl") as rec:
        assert not rec.apply(TeamNote(writer, "before the start")).accepted
        assert rec.apply(Start()).accepted
        for bad, why in ((TeamNote(writer, "   "), "empty"),
                         (TeamNote(writer, "x" * (MAX_TEXT + 1)), "too long"),
                         (TeamNote("nobody", "hi"), "unknown team")):
            result = rec.apply(bad)
            assert not result.accepted and why in result.reason  # type: ignore[union-attr]
        assert rec.apply(End("enough")).accepted
        # The hot wash: a team may still write after the end.
        assert rec.apply(TeamNote(writer, "for the hot wash")).accepted
