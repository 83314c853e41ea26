"""A team never sees what it could not know: checked for every team, after every command,
in every bundled scenario played through with its example orders."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from detente.engine.commands import FACILITATOR
from detente.engine.loader import load_scenario
from detente.engine.script import load_script, next_command
from detente.engine.session import Accepted, new_session
from detente.engine.state import State
from detente.engine.views import PUBLIC, View, timeline, view

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


def _text(v: View) -> str:
    return json.dumps(attrs.asdict(v), default=str, ensure_ascii=False)


def check_view(state: State, events: list[dict], role: str) -> None:
    v = view(state, role)
    text = _text(v)
    scenario = state.scenario
    team = role if role in state.actors else None
    for actor in scenario.actors:
        if actor.id != team and actor.briefing:
            assert actor.briefing not in text, f"{role} sees {actor.id}'s private briefing"
    for inj in scenario.injects:
        if inj.to and team not in inj.to and inj.text:
            assert inj.text not in text, f"{role} sees inject {inj.id} addressed to {inj.to}"
    assert set(v.orders) <= ({team} if team else set()), f"{role} sees sealed orders of {set(v.orders)}"
    for f in v.forces:
        fs = state.forces[f.id]
        if f.region is not None and team is not None and f.owner != team:
            seen = state.before.forces[f.id] if (state.phase == "adjudication" and state.before) else fs
            assert team in seen.known_to, f"{role} sees {f.id}, which it has not detected"
    for p in v.proposals:
        assert team in (p.by, *p.to), f"{role} sees a proposal it is not party to"
    assert all(o.holder == team for o in v.outlooks)
    assert v.briefings == {}
    assert v.injects == (), f"{role} sees the facilitator's inject schedule"
    seen_events = timeline(events, role)
    in_review = False
    for e in seen_events:
        assert e["kind"] not in ("roll", "note", "command"), f"{role} sees a {e['kind']}"
        if e["kind"] == "orders":
            assert e["team"] == team, f"{role} sees {e['team']}'s sealed orders"
        vis = e.get("vis", "all")
        assert vis == "all" or (team is not None and team in vis)
        if e["kind"] == "phase":
            in_review = e["phase"] == "adjudication"
        elif in_review:
            pytest.fail(f"{role} sees an adjudication result before it is published: {e}")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_team_view_at_every_step_holds_only_what_it_may_know(path: Path) -> None:
    scenario = load_scenario(path)
    script = load_script(ROOT / "scenarios" / "examples" / f"{path.stem}.orders.toml")
    session = new_session(scenario)
    events: list[dict] = []
    roles = [*scenario.actor_ids, PUBLIC]
    steps = 0
    phases_seen = set()
    while (command := next_command(session.state, script)) is not None:
        result = session.apply(command)
        assert isinstance(result, Accepted), result
        events += result.events
        phases_seen.add(session.state.phase)
        for role in roles:
            check_view(session.state, events, role)
        steps += 1
    assert session.state.ended
    assert phases_seen >= {"briefing", "communications", "orders", "adjudication", "debrief"}
    # The facilitator sees everything: every private briefing and every sealed order.
    full = view(session.state, FACILITATOR)
    assert set(full.briefings) == set(scenario.actor_ids)
    assert len(timeline(events, FACILITATOR)) == len(events)
    fired = {i.id for i in full.injects if i.fired}
    assert fired == set(session.state.fired)
    assert all(not i.armed for i in full.injects), "nothing can fire after the end"
    assert steps > 10


def test_team_sees_results_only_when_published(tmp_path: Path) -> None:
    from detente.engine.commands import Advance, Start, SubmitOrders
    from detente.engine.state import Order

    session = new_session(load_scenario(ROOT / "tests" / "data" / "mini.toml"))
    session.apply(Start())
    session.apply(Advance())
    session.apply(Advance())
    session.apply(SubmitOrders("blue", (Order("raise_readiness"),)))
    before = view(session.state, "red").actors
    session.apply(Advance())  # adjudication: results under review
    assert session.state.actors["blue"].readiness > session.state.before.actors["blue"].readiness  # type: ignore[union-attr]
    assert view(session.state, "red").actors == before
    assert view(session.state, FACILITATOR).actors != before
    session.apply(Advance())  # published
    assert view(session.state, "red").actors != before


def test_public_view_has_no_private_values() -> None:
    session = new_session(load_scenario(ROOT / "tests" / "data" / "mini.toml"))
    v = view(session.state, PUBLIC)
    assert v.outlooks == () and v.cohesion == {} and v.private_briefing == ""
    assert all(a.budget is None and a.pressure is None for a in v.actors)
    with pytest.raises(ValueError):
        view(session.state, "nobody")
