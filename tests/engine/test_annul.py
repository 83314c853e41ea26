"""The facilitator annuls a move's result or an incident in the review (issue 9, "Override beyond values")."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from detente.engine.aar import build
from detente.engine.annul import CAUSE, annullable
from detente.engine.commands import (
    FACILITATOR,
    Advance,
    Annul,
    Start,
    SubmitOrders,
    command_from_dict,
    command_to_dict,
)
from detente.engine.loader import load_scenario
from detente.engine.randomplay import random_commands
from detente.engine.recorder import RecordedSession, replay, verify
from detente.engine.session import Accepted, Rejected, Session, new_session
from detente.engine.state import Order, initial_state, pair
from detente.engine.views import timeline

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
REASON = "Annulcheck: the fleet never sailed, the model got it wrong"
PUBLIC = "The reported deployment did not take place."
DEPLOY = (Order("deploy", force="red-fleet", region="strait"), Order("raise_readiness"))


def ok(session: Session, command) -> Accepted:  # type: ignore[no-untyped-def]
    result = session.apply(command)
    assert isinstance(result, Accepted), getattr(result, "reason", result)
    return result


def refused(session: Session, command) -> str:  # type: ignore[no-untyped-def]
    before = session.state
    result = session.apply(command)
    assert isinstance(result, Rejected), f"{command!r} was accepted"
    assert session.state is before
    return result.reason


def to_review(session: Session, orders: tuple[Order, ...] = DEPLOY) -> None:
    ok(session, Start())
    while session.state.phase != "orders":
        ok(session, Advance())
    ok(session, SubmitOrders("red", orders))
    ok(session, Advance())
    assert session.state.phase == "adjudication"


@pytest.fixture
def session() -> Session:
    return new_session(load_scenario(STRAIT), 1)


def test_the_review_lists_each_move_and_incident_with_its_text(session: Session) -> None:
    assert annullable(session) == []  # nothing outside the review
    to_review(session)
    items = annullable(session)
    got = [(a.target, a.kind, a.team) for a in items]
    assert got == [("move-1", "move", "red"), ("move-2", "move", "red")]
    assert "deployed" in items[0].text and "readiness" in items[1].text
    assert items[1].changes >= 1 and not any(a.annulled for a in items)


def test_annulling_a_deployment_sets_back_what_it_did(session: Session) -> None:
    to_review(session)
    before = session.state.before
    assert before is not None
    home = before.forces["red-fleet"].region
    assert session.state.forces["red-fleet"].region != home
    threat = {k: o.threat for k, o in session.state.outlooks.items()}
    result = ok(session, Annul("move-1", REASON, PUBLIC))
    assert result.events[0]["kind"] == "annul"
    assert session.state.forces["red-fleet"].region == home
    assert session.state.forces["red-fleet"].known_to == before.forces["red-fleet"].known_to
    changed = [e for e in result.events if e["kind"] == "changed"]
    assert changed and all(e["cause"] == CAUSE for e in changed)
    for e in changed:
        key = (e["of"][0], e["of"][1])
        if e["value"] == "threat":
            assert session.state.outlooks[key].threat == threat[key] + e["by"]
    assert [a.annulled for a in annullable(session)] == [True, False]
    assert "already annulled" in refused(session, Annul("move-1", REASON))


def test_annulling_raised_readiness_sets_every_change_back(session: Session) -> None:
    to_review(session)
    before = session.state.before
    assert before is not None
    ok(session, Annul("move-2", REASON))
    assert session.state.actors["red"].readiness == before.actors["red"].readiness
    assert session.state.actors["red"].pressure == before.actors["red"].pressure


def test_annulling_is_refused_with_a_reason(session: Session) -> None:
    to_review(session)
    assert "needs a reason" in refused(session, Annul("move-1", "  "))
    assert "move-1, move-2" in refused(session, Annul("move-9", REASON))
    ok(session, Advance())  # published
    assert "adjudication review" in refused(session, Annul("move-1", REASON))


def test_the_command_round_trips_as_logged() -> None:
    c = Annul("incident-1", "why", "what teams read")
    assert command_from_dict(command_to_dict(c)) == c


def _incident_session() -> Session:
    """Seed 1 of random play on the strait meets an incident at turn 2's adjudication."""
    s = new_session(load_scenario(STRAIT), 1)
    for cmd in random_commands(s, random.Random(1)):
        ok(s, cmd)
        if s.state.phase == "adjudication" and any(a.kind == "incident" for a in annullable(s)):
            return s
    raise AssertionError("no incident")


def test_annulling_an_incident_takes_it_out_of_the_tally_and_sets_back_its_changes() -> None:
    s = _incident_session()
    (item,) = [a for a in annullable(s) if a.kind == "incident"]
    st = s.state
    assert st.before is not None
    key = next(k for k, ps in st.pairs.items() if ps.incidents == st.before.pairs[k].incidents + 1)
    result = ok(s, Annul(item.target, REASON))
    assert s.state.pairs[key].incidents == st.before.pairs[key].incidents
    changed = [e for e in result.events if e["kind"] == "changed"]
    assert len(changed) == item.changes > 0 and all(e["cause"] == CAUSE for e in changed)
    # The incident's own tension rise is among what is set back.
    assert any(e["value"] == "tension" and pair(*e["of"]) == key and e["by"] < 0 for e in changed)
    assert [a.annulled for a in annullable(s) if a.kind == "incident"] == [True]


def test_a_log_holding_an_annulment_replays_verifies_and_reports(tmp_path: Path) -> None:
    log = tmp_path / "annul.jsonl"
    with RecordedSession.create(load_scenario(STRAIT), log, seed=1) as rec:
        annulled = False
        for cmd in random_commands(rec.session, random.Random(1)):
            assert rec.apply(cmd).accepted
            if rec.state.phase == "adjudication" and not annulled:
                target = annullable(rec.session)[0].target
                assert rec.apply(Annul(target, REASON, PUBLIC)).accepted
                annulled = True
        assert rec.state.ended and annulled
    assert verify(log) == []
    rep = replay(log)
    s = rep.session
    start = initial_state(s.scenario, s.numbers)
    fac = build(start, rep.events, FACILITATOR, header=rep.contents.header)
    (entry,) = [e for e in fac.timeline if e.kind == "annulled"]
    assert REASON in entry.text and PUBLIC in entry.text
    assert any(e.text.endswith("[annulled]") for e in fac.timeline if e.kind in ("result", "incident"))
    annul = next(e for e in rep.events if e["kind"] == "annul")
    for role in s.scenario.actor_ids:
        seen = timeline(rep.events, role, s.scenario)
        assert REASON not in repr(seen)
        team = build(start, rep.events, role, header=rep.contents.header)
        assert REASON not in " ".join(e.text for e in team.timeline)
        if role in annul["vis"] or annul["vis"] == "all":
            assert any(e.kind == "annulled" and PUBLIC in e.text for e in team.timeline)
