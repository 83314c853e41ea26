"""The report reads the ruleset's declarations, not the bundled ruleset's names: a ruleset that
words a proposal differently, holds other moves to a promise of restraint, opens no call, or
weighs its hazard otherwise changes what the report says accordingly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from attrs import evolve
from test_aar import play

from detente.engine.aar import Report, build
from detente.engine.recorder import Replayed, replay
from detente.engine.ruleset import Ruleset
from detente.engine.state import initial_state

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def border(tmp_path_factory: pytest.TempPathFactory) -> Replayed:
    """The border exercise's example session: a reassuring statement, then a deployment near the
    party reassured and a rise in readiness (two gaps), and offers of a hotline."""
    log = tmp_path_factory.mktemp("declared") / "border.jsonl"
    play(ROOT / "scenarios" / "border_exercise.toml", None, log,
         orders=ROOT / "scenarios" / "examples" / "border_exercise.orders.toml")
    return replay(log)


@pytest.fixture(scope="module")
def strait(tmp_path_factory: pytest.TempPathFactory) -> Replayed:
    """The strait standoff's example session: hotline calls and incident rolls."""
    log = tmp_path_factory.mktemp("declared") / "strait.jsonl"
    play(ROOT / "scenarios" / "strait_standoff.toml", None, log,
         orders=ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml")
    return replay(log)


def report_under(rep: Replayed, ruleset: Ruleset) -> Report:
    s = rep.session
    return build(initial_state(s.scenario, s.numbers, ruleset), rep.events, ladder=ruleset.ladder)


def with_moves(ruleset: Ruleset, **changes: dict[str, Any]) -> Ruleset:
    return evolve(ruleset, moves={k: evolve(mt, **changes.get(k, {})) for k, mt in ruleset.moves.items()})


def test_a_proposal_is_called_by_its_declared_noun(strait: Replayed) -> None:
    rs = strait.session.ruleset
    before = [e.text for e in report_under(strait, rs).timeline if e.kind == "call"]
    assert before and all("made a hotline call to" in t for t in before)
    renamed = report_under(strait, with_moves(rs, hotline_call={"noun": "red telephone ring"}))
    texts = [e.text for e in renamed.timeline if e.kind == "call"]
    assert texts == [t.replace("a hotline call", "a red telephone ring") for t in before]


def test_only_a_move_that_opens_a_call_makes_a_call(strait: Replayed) -> None:
    rs = strait.session.ruleset
    assert report_under(strait, rs).calls
    closed = report_under(strait, with_moves(rs, hotline_call={"opens_call": False}))
    assert closed.calls == ()
    assert not [e for e in closed.timeline if e.kind == "call"]
    assert [e for e in closed.timeline if e.kind == "proposal" and "hotline call" in e.text]


def test_gaps_follow_the_moves_that_break_restraint(border: Replayed) -> None:
    rs = border.session.ruleset
    gaps = report_under(border, rs).gaps
    did = {g.did.split(" ", 2)[2].split(" ")[0] for g in gaps}
    assert {"deployed", "raised"} <= did, gaps
    # Readiness no longer counts against a promise; a deployment counts wherever it goes.
    calmer = report_under(border, with_moves(rs, raise_readiness={"breaks_restraint": ""}))
    assert [g for g in gaps if "raised readiness" not in g.did] == list(calmer.gaps)
    # Nothing breaks restraint: no gap at all.
    none = with_moves(rs, **{k: {"breaks_restraint": ""} for k in rs.moves})
    assert report_under(border, none).gaps == ()


def test_words_of_restraint_are_the_declared_assurances(border: Replayed) -> None:
    rs = border.session.ruleset
    said = [g for g in report_under(border, rs).gaps if g.said.startswith("public statement reassuring")]
    assert said
    vowed = report_under(border, with_moves(rs, public_statement={"assurance": "solemn vow to {target}"}))
    assert [g.said for g in vowed.gaps if g.said.startswith("solemn vow to ")] == [
        g.said.replace("public statement reassuring", "solemn vow to") for g in said
    ]
    silent = report_under(border, with_moves(rs, public_statement={"assurance": ""}))
    assert not [g for g in silent.gaps if g.said.startswith("public statement")]


def test_pledges_of_restraint_are_those_the_ruleset_marks(strait: Replayed) -> None:
    # Every move breaks restraint: each pledge of restraint made on a call is followed by a gap.
    base = strait.session.ruleset
    rs = with_moves(base, **{k: {"breaks_restraint": "always"} for k in base.moves})
    pledged = [g for g in report_under(strait, rs).gaps if g.said.startswith("pledge to ")]
    assert pledged
    unmarked = evolve(rs, pledges={k: evolve(pt, restraint=0) for k, pt in rs.pledges.items()})
    assert not [g for g in report_under(strait, unmarked).gaps if g.said.startswith("pledge to ")]


def test_the_risk_run_is_the_hazards_share(strait: Replayed) -> None:
    rs = strait.session.ruleset
    assert rs.hazard is not None
    risk = report_under(strait, rs).risk
    assert risk is not None and risk.turns and risk.total < risk.incident_total
    # A hazard every outcome of which starts the breakdown: the risk run is the risk of an incident.
    certain = report_under(strait, evolve(rs, hazard=evolve(rs.hazard, share=lambda s, a, b: 1.0))).risk
    assert certain is not None and certain.computable
    assert certain.total == pytest.approx(risk.incident_total)
    # Rolls of another prefix are not the hazard's: nothing is weighed.
    other = report_under(strait, evolve(rs, hazard=evolve(rs.hazard, roll="mishap"))).risk
    assert other is not None and other.total == 0 and all(not t.rolls for t in other.turns)


def test_the_report_follows_the_declared_values(strait: Replayed) -> None:
    """Issue 11: a value the ruleset adds is in each pair's row and the CSV; a value it relabels
    is named so; without an escalation value there is no escalation section."""
    from detente.engine.tracks import Track
    from detente.tui.render.report import csv_columns, render_csv, render_markdown

    rs = strait.session.ruleset
    regard = Track("regard", "directed", int, (0, 10), default=7)
    trust = evolve(rs.tracks["trust"], title="Confidence")
    tracks = {**rs.tracks, "trust": trust, "regard": regard}
    r = report_under(strait, evolve(rs, tracks=tracks))
    assert all(p.values["regard_ab"] == p.values["regard_ba"] == 7 for p in r.series)
    assert csv_columns(r)[-3:] == ("regard_ab", "regard_ba", "pair_name")
    assert render_csv(r).splitlines()[1].endswith(",7,7," + render_csv(r).splitlines()[1].rsplit(",", 1)[1])
    assert {c.of for c in r.changes["regard"]} == set(strait.session.state.values["trust"])
    md = render_markdown(r)
    assert "## Confidence" in md and "## Trust" not in md
    calm = report_under(strait, evolve(rs, escalation=""))
    assert calm.escalation == "" and calm.peak("blue", "red") is None
    assert "Escalation:" not in render_markdown(calm)
