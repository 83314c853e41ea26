"""Actors no team plays (issue 12): ``plays = "facilitator"`` and ``plays = "background"``.

tests/data/coastal.toml has two teams (Azuria, Corvania), a coastal state the facilitator plays
(Lirania) and a fishing nation a dove bot plays in the background (Pescaria)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from detente.engine.bots import BOTS, parse_bot_specs, play_bots, scenario_bots
from detente.engine.commands import Advance, Command, Propose, Respond, Start, SubmitOrders
from detente.engine.lint import lint_scenario
from detente.engine.loader import (
    EXAMPLE,
    ScenarioError,
    load_scenario,
    load_scenario_text,
    unstructure_scenario,
)
from detente.engine.recorder import RecordedSession, author, verify
from detente.engine.session import Session, new_session
from detente.engine.state import Order

COASTAL = Path(__file__).resolve().parents[1] / "data" / "coastal.toml"


def _text() -> str:
    return COASTAL.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# -- the scenario format -------------------------------------------------------------------------


def test_who_plays_each_actor_is_read_from_the_file() -> None:
    s = load_scenario(COASTAL)
    assert s.team_ids == ("blue", "red")
    assert s.facilitator_played == ("coast",)
    assert s.background == ("fish",)
    assert s.actor("fish").bot == "dove" and s.actor("coast").stand_in == "tit-for-tat"
    # Still full actors: an alliance, a force, relations and an objective name them.
    assert s.allies["coast"] == {"coast", "fish"} and s.forces_of["coast"] == ("coast-guard",)


def test_a_scenario_that_does_not_say_writes_nothing_new_in_a_log_header() -> None:
    s = load_scenario_text(EXAMPLE)
    assert all(a.plays == "team" for a in s.actors)
    assert all("plays" not in a and "bot" not in a for a in unstructure_scenario(s)["actors"])
    kept = unstructure_scenario(load_scenario(COASTAL))["actors"]
    assert [a.get("plays") for a in kept] == [None, None, "facilitator", "background"]


def test_a_wrong_plays_or_bot_is_reported_at_its_line() -> None:
    text = _text().replace('plays = "facilitator"', 'plays = "facilitatr"')
    text = text.replace('bot = "dove"', 'bot = "owl"')
    with pytest.raises(ScenarioError) as got:
        load_scenario_text(text, "coastal.toml")
    said = str(got.value)
    assert (f"coastal.toml:{_line_of(text, 'facilitatr')}: actors[2].plays: plays must be one of team, "
            "facilitator, background; got 'facilitatr' (did you mean 'facilitator'?)") in said
    owl = _line_of(text, "owl")
    assert f"coastal.toml:{owl}: actors[3].bot: bot must be one of random, dove, hawk" in said


def test_a_scenario_no_team_plays_is_refused() -> None:
    text = (_text().replace('name = "Azuria"', 'name = "Azuria"\nplays = "background"')
            .replace('name = "Corvania"', 'name = "Corvania"\nplays = "facilitator"'))
    with pytest.raises(ScenarioError, match=r"actors: no actor is played by a team"):
        load_scenario_text(text, "coastal.toml")


def test_lint_asks_objectives_only_of_teams_and_flags_a_bot_no_one_uses() -> None:
    text = _text().replace('name = "Corvania"', 'name = "Corvania"\nbot = "hawk"')
    warnings = lint_scenario(load_scenario_text(text), text, "coastal.toml")
    said = [(w.field, w.rule) for w in warnings]
    # Corvania (a team) has none: warned; Pescaria (background) has none: not.
    assert ("actors[1]", "no-objectives") in said
    assert not any(field == "actors[3]" for field, _ in said)
    assert ("actors[1].bot", "idle-bot") in said


# -- playing -------------------------------------------------------------------------------------


class Table:
    """A session played the way the front ends do: each command, then the bots."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.bots = parse_bot_specs([], session.scenario)
        self.events: list[dict[str, Any]] = []
        self.problems: list[str] = []

    def _apply(self, command: Command) -> Any:
        result = self.session.apply(command)
        if result.accepted:
            self.events += result.events
        return result

    def send(self, command: Command) -> None:
        result = self._apply(command)
        assert result.accepted, getattr(result, "reason", "")
        play_bots(self.session, self.bots, self._apply, self.events, self.problems)
        assert not self.problems

    def to_phase(self, phase: str) -> None:
        while self.session.state.phase != phase:
            self.send(Start() if self.session.state.phase == "setup" else Advance())


def test_a_background_actor_is_seated_with_its_bot_without_being_asked() -> None:
    s = load_scenario(COASTAL)
    assert parse_bot_specs([], s) == {"fish": BOTS["dove"]}
    assert parse_bot_specs(["fish=hawk"], s) == {"fish": BOTS["hawk"]}
    assert scenario_bots(s, stand_ins=True) == {"coast": BOTS["tit-for-tat"], "fish": BOTS["dove"]}


def test_the_turn_waits_only_for_the_teams() -> None:
    t = Table(new_session(load_scenario(COASTAL)))
    t.to_phase("orders")
    st = t.session.state
    # The background bot sealed its orders at once; the facilitator's actor is not waited for.
    assert "fish" in st.orders and "coast" not in st.orders
    assert t.session.waiting_for() == ("blue", "red")
    t.send(SubmitOrders(team="blue", orders=()))
    t.send(SubmitOrders(team="red", orders=()))
    assert t.session.waiting_for() == ()
    t.to_phase("debrief")  # adjudicated without orders from Lirania: a pass
    assert t.session.state.turn == 1 and not t.session.state.ended


def test_a_proposal_to_a_background_actor_is_answered_by_its_bot() -> None:
    t = Table(new_session(load_scenario(COASTAL)))
    t.to_phase("communications")
    t.send(Propose(team="blue", order=Order(move="mil_to_mil_exchange", target="fish")))
    pid = next(e["id"] for e in t.events if e["kind"] == "proposal" and e["by"] == "blue")
    assert [e["by"] for e in t.events if e["kind"] == "response" and e["id"] == pid] == ["fish"]
    assert "fish" not in t.session.waiting_for()


def test_a_proposal_to_the_facilitators_actor_waits_for_the_facilitator_not_the_turn() -> None:
    t = Table(new_session(load_scenario(COASTAL)))
    t.to_phase("communications")
    t.send(Propose(team="blue", order=Order(move="hotline_call", target="coast")))
    t.send(Propose(team="red", order=Order(move="hotline_call", target="coast")))
    calls = [e["id"] for e in t.events if e["kind"] == "proposal" and e["to"] == ["coast"]]
    p_blue, p_red = calls
    # No bot answers for Lirania, and the phase does not wait for it.
    assert t.session.state.proposals[p_blue].status == "open"
    assert "coast" not in t.session.waiting_for()
    t.send(Respond(team="coast", proposal=p_blue, accept=True))  # the facilitator answers one call
    assert t.session.state.proposals[p_blue].status == "talking"
    t.send(Advance())  # and leaves the other unanswered
    assert any(e["kind"] == "unanswered" and e["id"] == p_red and e["by"] == ["coast"] for e in t.events)


def test_the_facilitators_orders_for_its_actor_resolve_log_and_replay(tmp_path: Path) -> None:
    scenario = load_scenario(COASTAL)
    log = tmp_path / "coastal.jsonl"
    bots = parse_bot_specs([], scenario)
    orders = SubmitOrders(team="coast", orders=(Order(move="deploy", force="coast-guard", region="shelf"),))
    with RecordedSession.create(scenario, log, key=None) as rec:
        events: list[dict[str, Any]] = []

        def apply(command: Command, by: str = "") -> Any:
            result = rec.apply(command, by=by)
            assert result.accepted, getattr(result, "reason", "")
            events.extend(result.events)
            play_bots(rec.session, bots, rec.apply, events, [])
            return result

        for c in (Start(), Advance(), Advance()):
            apply(c)
        assert author(scenario, orders) == "facilitator"
        assert author(scenario, SubmitOrders(team="blue", orders=())) == ""
        apply(orders, by=author(scenario, orders))
        apply(Advance())  # adjudication: Lirania's coast guard goes to the shelf
        assert rec.state.forces["coast-guard"].region == "shelf"
    assert verify(log) == []
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()[1:]]
    given = [r for r in records if r["kind"] == "command" and r["command"]["type"] == "orders"]
    by_team = {r["command"]["team"]: r.get("by") for r in given}
    # The facilitator's orders are Lirania's, given by the facilitator; the bot's are its own.
    assert by_team == {"coast": "facilitator", "fish": None}
    assert any(r["kind"] == "orders" and r["team"] == "coast" for r in records)
