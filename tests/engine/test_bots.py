"""Bots: they only issue commands a team could, each policy plays to its character, and a
bot decides from its own team's view alone."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.engine.bots import (
    BOTS,
    BotSpecError,
    Seat,
    bot_command,
    next_command,
    parse_bot_specs,
    tone,
)
from detente.engine.commands import Advance, Command, Propose, Respond, Say, Start, SubmitOrders, actor_of
from detente.engine.events import set_value
from detente.engine.loader import load_scenario
from detente.engine.orders import parse_script
from detente.engine.session import Accepted, Session, new_session
from detente.engine.state import Order
from detente.engine.views import view

ROOT = Path(__file__).resolve().parents[2]
MINI = load_scenario(ROOT / "tests" / "data" / "mini.toml")
STRAIT = load_scenario(ROOT / "scenarios" / "strait_standoff.toml")
FORUM = load_scenario(ROOT / "scenarios" / "regional_forum.toml")
POLICIES = sorted(BOTS)


def play(scenario, bots, seed, script=None, stop=None):  # type: ignore[no-untyped-def]
    """Play to the end (or until ``stop(state)``); returns the session and every command."""
    session = new_session(scenario, seed)
    events: list = []
    commands: list[Command] = []
    while (cmd := next_command(session.state, session.ruleset, bots, seed=seed, events=events,
                               script=script)) is not None:
        if stop is not None and stop(session.state):
            break
        result = session.decide(cmd)
        assert isinstance(result, Accepted), f"{cmd!r} was refused: {result.reason}"
        session.commit(result)
        events += result.events
        commands.append(cmd)
    return session, commands


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scenario=st.sampled_from([MINI, STRAIT, FORUM]),
    policies=st.lists(st.sampled_from(POLICIES), min_size=5, max_size=5),
    seed=st.integers(0, 2**32),
)
def test_bots_only_issue_commands_the_session_accepts(scenario, policies, seed) -> None:  # type: ignore[no-untyped-def]
    bots = {team: BOTS[p] for team, p in zip(scenario.actor_ids, policies, strict=False)}
    session = new_session(scenario, seed)
    events: list = []
    while (cmd := next_command(session.state, session.ruleset, bots, seed=seed, events=events)) is not None:
        # A bot speaks only for a team it plays; the facilitator's part is starting and advancing.
        assert actor_of(cmd) in bots or isinstance(cmd, Start | Advance)
        if session.state.phase == "communications":
            for team in bots:
                seat = Seat(session.state, team, session.ruleset, events)
                assert seat.proposals == view(session.state, team).proposals
        result = session.decide(cmd)
        assert isinstance(result, Accepted), f"{cmd!r} was refused: {result.reason}"
        session.commit(result)
        events += result.events
    assert session.state.ended


def _tally(policy: str, games: int = 8) -> Counter:
    """What red does when it is ``policy`` and the others play at random."""
    c: Counter = Counter()
    for seed in range(games):
        bots = {team: BOTS["random"] for team in STRAIT.actor_ids}
        bots["red"] = BOTS[policy]
        _, commands = play(STRAIT, bots, seed)
        for cmd in commands:
            if isinstance(cmd, SubmitOrders) and cmd.team == "red":
                c["turns"] += 1
                c["escalations"] += sum(o.move in ("deploy", "raise_readiness") for o in cmd.orders)
                c["transparency"] += sum(
                    o.move in ("notify_activity", "invite_observers", "data_exchange") for o in cmd.orders
                )
            elif isinstance(cmd, Respond) and cmd.team == "red":
                c["answered"] += 1
                c["accepted"] += cmd.accept
    return c


def _per_turn(c: Counter) -> float:
    return c["escalations"] / c["turns"]


def test_the_hawk_deploys_and_mobilises_more_and_answers_less_than_the_dove() -> None:
    hawk, dove, rand = _tally("hawk"), _tally("dove"), _tally("random")
    assert _per_turn(hawk) > 1.5 * _per_turn(rand) > 0 == _per_turn(dove)
    assert dove["transparency"] > hawk["transparency"]
    assert dove["answered"] > hawk["answered"]
    assert dove["accepted"] / dove["answered"] > 0.8 > 0.5 > hawk["accepted"] / hawk["answered"]


ESCALATION = parse_script(
    """
[[turn]]
turn = 1
[turn.orders]
red = [ { move = "public_statement", choice = "warn", target = "blue" }, { move = "raise_readiness" } ]
"""
)


@pytest.mark.parametrize("seed", range(5))
def test_tit_for_tat_cooperates_first_and_answers_an_escalation_in_kind(seed: int) -> None:
    bots = {"blue": BOTS["tit-for-tat"]}
    _, commands = play(MINI, bots, seed, ESCALATION, stop=lambda s: s.turn == 2 and s.phase == "debrief")
    blue = [c for c in commands if isinstance(c, SubmitOrders) and c.team == "blue"]
    first, second = blue[0].orders, blue[1].orders
    assert first and all(tone(o, "blue", "red", MINI) >= 0 for o in first)
    assert any(tone(o, "blue", "red", MINI) < 0 for o in second)


def _calm() -> str:
    """Red reassures Azuria, shares data and takes every call and offer on turns 1 and 2."""
    answers = "".join(
        f'[[turn.answers]]\nteam = "red"\nfrom = "blue"\nmove = "{m}"\naccept = true\n'
        for m in ("hotline_call", "request_inspection", "defense_cooperation_agreement",
                  "alliance_commitment")
    )
    orders = (
        '[turn.orders]\nred = [ { move = "public_statement", choice = "reassure", target = "blue" }, '
        '{ move = "data_exchange", target = "blue" } ]\n'
    )
    return "".join(f"[[turn]]\nturn = {t}\n{answers}{orders}" for t in (1, 2))


def test_tit_for_tat_answers_a_cooperative_side_in_kind() -> None:
    calm = parse_script(_calm())
    for seed in range(5):
        _, commands = play(MINI, {"blue": BOTS["tit-for-tat"]}, seed, calm,
                           stop=lambda s: s.turn == 2 and s.phase == "debrief")
        second = [c for c in commands if isinstance(c, SubmitOrders) and c.team == "blue"][1].orders
        assert all(tone(o, "blue", "red", MINI) >= 0 for o in second)


def _at_orders(red_orders: tuple[Order, ...]) -> Session:
    """MINI at turn 1's orders phase with red's orders sealed."""
    session = new_session(MINI, 3)
    for cmd in (Start(), Advance(), Advance()):
        session.apply(cmd)
    assert session.state.phase == "orders"
    assert session.apply(SubmitOrders(team="red", orders=red_orders)).accepted
    return session


@pytest.mark.parametrize("policy", POLICIES)
def test_a_bot_decides_the_same_whatever_another_team_sealed(policy: str) -> None:
    a = _at_orders(())
    b = _at_orders((Order(move="deploy", force="red-fleet", region="strait"), Order(move="raise_readiness")))
    assert a.state.orders != b.state.orders
    assert view(a.state, "blue") == view(b.state, "blue")
    got = [
        bot_command(s.state, "blue", BOTS[policy], s.ruleset, seed=s.seed) for s in (a, b)
    ]
    assert got[0] == got[1]
    assert isinstance(got[0], SubmitOrders) and got[0].team == "blue"


def _on_a_call(seed: int) -> Session:
    """MINI in communications, a hotline between blue and red, and blue answering red's call."""
    session = new_session(MINI, seed)
    for cmd in (Start(), Advance()):
        session.apply(cmd)
    session.state = set_value(session.state, "hotline", ("blue", "red"), True)
    for cmd in (Propose("red", Order("hotline_call", target="blue")), Respond("blue", "1-1", True)):
        assert session.apply(cmd).accepted
    return session


@pytest.mark.parametrize(("policy", "tones"), [("dove", {"reassure"}), ("hawk", {"warn", "demand"}),
                                               ("tit-for-tat", {"reassure"})])
def test_a_bot_speaks_on_a_call_in_a_tone_that_fits_its_policy(policy: str, tones: set[str]) -> None:
    said = set()
    for seed in range(8):
        session = _on_a_call(seed)
        bot = BOTS[policy]
        while (cmd := bot_command(session.state, "blue", bot, session.ruleset, seed=seed)) is not None:
            assert session.apply(cmd).accepted
            if isinstance(cmd, Say):
                said.add(cmd.tone)
                break
    assert said == tones


def test_bot_specs_name_a_team_and_a_policy() -> None:
    bots = parse_bot_specs(["red=hawk", "blue = dove"], MINI)
    assert {t: p.name for t, p in bots.items()} == {"red": "hawk", "blue": "dove"}
    with pytest.raises(BotSpecError, match=r"unknown team 'purple' \(teams: blue, red\)"):
        parse_bot_specs(["purple=hawk"], MINI)
    with pytest.raises(BotSpecError, match=r"unknown policy 'owl' \(policies: .*dove.*tit-for-tat"):
        parse_bot_specs(["red=owl"], MINI)
    with pytest.raises(BotSpecError, match="TEAM=POLICY"):
        parse_bot_specs(["red"], MINI)
    with pytest.raises(BotSpecError, match="already has a bot"):
        parse_bot_specs(["red=hawk", "red=dove"], MINI)
