"""Plain words (issue 9): what a person reads names moves, pledge kinds, pledges, values, regions,
forces, actors and objectives by their display names — never by the ids typed in orders files and
kept in logs.

Every report format (md, html, csv) of a played session of every bundled scenario, for every role,
and tui/render/text.py's renderers (render_view, turn_summary, notable) are scanned for a raw id. The
forbidden ids come from the scenario and the ruleset, and only where the id differs from what is
shown (an id that is its own display text is fine). Text a person wrote — briefings, injects,
objectives, transcripts, statements, notes — is taken out before the scan: an author may write "the
strait" in a briefing.
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest
from plain import EXAMPLES, ROOT, forbidden, leaks, play_broken, written

from detente.engine.commands import FACILITATOR
from detente.engine.entries import read
from detente.engine.loader import load_scenario
from detente.engine.recorder import replay, states_by_turn
from detente.engine.scenario import Scenario
from detente.engine.views import PUBLIC, timeline, view
from detente.tui.cli import main
from detente.tui.render.report import CSV_COLUMNS, FORMATS, load_report, render
from detente.tui.render.text import Names, notable, render_view, turn_summary


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plain")
    out = {}
    for name in EXAMPLES:
        log = folder / f"{name}.jsonl"
        code = main(["run", str(ROOT / "scenarios" / f"{name}.toml"), "--orders",
                     str(ROOT / "scenarios" / "examples" / f"{name}.orders.toml"), "--log", str(log)])
        assert code == 0
        out[name] = log
    out["broken"] = play_broken(folder / "broken.jsonl")
    return out


def readable(text: str, fmt: str) -> str:
    """What a person reads of a rendered report."""
    if fmt == "md":
        return re.sub(r"\\(.)", r"\1", text)
    if fmt == "html":
        text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
        return html.unescape(re.sub(r"<[^>]+>", " ", text))
    # CSV: pair, a and b hold ids for machines (docs/report.md); the rest is for people.
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and set(rows[0]) == set(CSV_COLUMNS)
    return "\n".join(" ".join(v for k, v in row.items() if k not in ("pair", "a", "b")) for row in rows)


def roles(scenario: Scenario) -> list[str]:
    return [FACILITATOR, PUBLIC, *scenario.actor_ids]


@pytest.mark.parametrize("name", [*EXAMPLES, "broken"])
def test_every_report_of_every_role_names_things_by_their_names(logs: dict[str, Path], name: str) -> None:
    rep = replay(logs[name])
    s = rep.session
    ids = forbidden(s.scenario, s.ruleset)
    authored = written(s.scenario, rep.events)
    problems = []
    for role in roles(s.scenario):
        report = load_report(logs[name], role)
        for fmt in FORMATS:
            for leak in leaks(readable(render(report, fmt), fmt), ids, authored):
                problems.append(f"{role} {fmt}: {leak}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", [*EXAMPLES, "broken"])
def test_text_renderers_name_things_by_their_names(logs: dict[str, Path], name: str) -> None:
    rep = replay(logs[name])
    s = rep.session
    ids = forbidden(s.scenario, s.ruleset)
    authored = written(s.scenario, rep.events)
    by_turn = states_by_turn(s, rep.events)
    problems = []
    for role in roles(s.scenario):
        seen = read(timeline(rep.events, role, s.scenario))
        out = [render_view(view(st, role, s.ruleset.ladder), s.scenario) for st in by_turn.values()]
        out.append(render_view(view(s.state, role, s.ruleset.ladder), s.scenario))
        for e in seen:
            out.append(notable(s.scenario, e) or "")
        out += turn_summary(s.scenario, view(s.state, role, s.ruleset.ladder), seen, {})
        for leak in leaks("\n".join(out), ids, authored):
            problems.append(f"{role}: {leak}")
    assert not problems, "\n".join(problems)


def test_pledges_read_as_their_promise(logs: dict[str, Path]) -> None:
    """``pledge 1-1-2 was broken`` and ``Pledges made on this call: 5-2-1, 5-2-2`` say nothing to a
    facilitator: each pledge reads as the promise made, filled in."""
    md = render(load_report(logs["broken"], FACILITATOR), "md").replace("\\", "")
    assert ("Pledges made on this call: Corvanian Federation to Republic of Azuria: deploy no forces "
            "into Velin Strait for 2 turns (until Day 2)") in md
    assert ("Corvanian Federation's pledge to Republic of Azuria was broken (deploy no forces into Velin "
            "Strait for 2 turns (until Day 2))") in md
    assert "| Day 1 | Republic of Azuria | Corvanian Federation | raise readiness no further for 2" in md
    assert "Deploy a force: Corvanian Northern Fleet task group to Velin Strait" in md
    n = Names.of(load_scenario(ROOT / "scenarios" / "strait_standoff.toml"))
    assert n.pledge_text("no_readiness_increase", None, 3) == "raise readiness no further until Day 3"
    assert n.move_title("hotline_call") == "Hotline call"
    assert n.objective_name("blue-pledge").startswith("At some point")


def test_the_words_a_screen_needs_have_no_ids_or_templates_left() -> None:
    """The pledge form offered ``no_readiness_increase — raise readiness no further for {turns}``;
    a change read ``hotline of green–red to True: inject survey-ship``."""
    from detente.rules import ruleset

    n = Names.of(load_scenario(ROOT / "scenarios" / "strait_standoff.toml"))
    for kind in ruleset.pledges:
        offered = n.pledge_choice(kind)
        assert kind not in offered and "{" not in offered, offered
    assert n.pledge_choice("no_deployment") == ("No deployment — deploy no forces into a region you name "
                                                "for the turns you give")
    assert n.cause_text("inject survey-ship") == 'inject "Survey vessel inside the inner channel"'
    assert n.value_text(True) == "yes" and n.value_name("answer") == "chance of answering"
    assert n.roll_text("blue detects red-fleet moving to strait") == (
        "Republic of Azuria detects Corvanian Northern Fleet task group moving to Velin Strait")
    assert n.order_text({"move": "public_statement", "target": "red", "choice": "warn", "text": "Go."}) == (
        'Public statement: warn to Corvanian Federation "Go."')


@pytest.mark.parametrize("name", ["strait_standoff", "broken"])
def test_the_debrief_says_each_fact_as_the_report_does(logs: dict[str, Path], name: str) -> None:
    """The debrief's "This turn" read ``tension of blue–red to 55`` and ``objective blue-pledge
    met`` while the report said the same facts in names: one function words both."""
    from detente.tui.app.client import LocalClient

    client = LocalClient.resume(logs[name])
    try:
        s = replay(logs[name]).session
        for role in (FACILITATOR, *s.scenario.actor_ids):
            report = load_report(logs[name], role)
            for turn in range(report.turns + 1):
                assert client.turn_facts(role, turn) == tuple(e for e in report.timeline if e.turn == turn)
        changes = [f.text for f in client.turn_facts(FACILITATOR, 1) if f.kind == "change"]
        pair = "tension of Republic of Azuria–Corvanian Federation"
        assert any(t.startswith(pair) for t in changes), changes
    finally:
        client.close()
