"""Argued actions (issue 12): a team argues for any action in words, the facilitator may ask others
for counter-arguments, sets the odds, a logged roll decides, and the facilitator narrates what
came of it, with effects only on values the arguing team could change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.engine import dice
from detente.engine.aar import build
from detente.engine.argued import ODDS, argue_cost, band_of, odds_words
from detente.engine.commands import (
    Advance,
    Argue,
    AskCounters,
    Command,
    Counter,
    Judge,
    Narrate,
    Start,
    command_from_dict,
    command_to_dict,
)
from detente.engine.entries import read
from detente.engine.loader import load_scenario_text
from detente.engine.recorder import RecordedSession, replay, verify
from detente.engine.scenario import Effect
from detente.engine.session import Session, new_session
from detente.engine.state import initial_state
from detente.engine.views import timeline, view
from detente.net.host import may_send
from detente.net.protocol import command_from_wire, view_from_dict, view_to_dict

ROOT = Path(__file__).resolve().parents[2]
STRAIT = (ROOT / "scenarios" / "strait_standoff.toml").read_text(encoding="utf-8")
SCENARIO = load_scenario_text(STRAIT)
ROLES = ("blue", "red", "green", "facilitator", "public")
ENVOY = Argue("blue", "A former minister goes to Lysmark as an envoy",
              "Lysmark wants calm in the strait and owes the minister a favour", ("green",))


def running(scenario=SCENARIO, seed: int = 3) -> tuple[Session, list[dict]]:
    """A session in the communications phase of the first turn, and its events."""
    s = new_session(scenario, seed=seed)
    events: list[dict] = []
    do(s, events, Start(), Advance())
    return s, events


def do(s: Session, events: list[dict], *commands: Command) -> None:
    for c in commands:
        result = s.apply(c)
        assert result.accepted, result
        events += result.events  # type: ignore[union-attr]


def refused(s: Session, c: Command) -> str:
    result = s.apply(c)
    assert not result.accepted, result
    return result.reason  # type: ignore[union-attr]


def kinds(events: list[dict], role: str) -> list[str]:
    return [e["kind"] for e in timeline(events, role, SCENARIO)]


# -- arguing -------------------------------------------------------------------------------------------


def test_arguing_costs_an_action_and_waits_for_the_facilitator() -> None:
    s, events = running()
    left = s.state.left("blue")
    do(s, events, ENVOY)
    assert s.state.left("blue") == left - argue_cost(s.numbers) == left - 1
    [a] = view(s.state, "blue").arguments
    assert (a.id, a.by, a.action, a.status, a.odds) == ("1", "blue", ENVOY.action, "open", None)
    assert a.targets == ("green",) and a.arguments == ENVOY.arguments
    assert view(s.state, "blue").argue_cost == 1


def test_one_argued_action_a_team_a_turn_in_communications_or_orders() -> None:
    s, events = running()
    do(s, events, ENVOY)
    assert "already argued an action this turn" in refused(s, Argue("blue", "Another", "Because"))
    do(s, events, Argue("red", "A trade mission", "Money talks"))  # another team may
    do(s, events, Advance())  # orders
    assert "already argued" in refused(s, Argue("blue", "Another", "Because"))
    do(s, events, Advance())  # adjudication
    assert "communications or orders phase (now: adjudication)" in refused(s, Argue("green", "x", "y"))
    while s.state.phase != "communications":
        do(s, events, Advance())
    do(s, events, Argue("blue", "Another envoy", "The first one was late"))  # a new turn
    assert [a.id for a in view(s.state, "blue").arguments] == ["1", "3"]


def test_an_argued_action_the_team_cannot_afford_is_refused_and_the_cost_is_a_number() -> None:
    dear = load_scenario_text(STRAIT + "\n[rules.overrides.argued]\ncost = 3\n")
    s, events = running(dear)
    assert "an argued action costs 3 and Kingdom of Lysmark has 2 left" in refused(
        s, Argue("green", "x", "y"))
    do(s, events, Argue("blue", "x", "y"))
    assert s.state.left("blue") == 0
    free = load_scenario_text(STRAIT + "\n[rules.overrides.argued]\ncost = 0\n")
    s, events = running(free)
    do(s, events, Argue("green", "x", "y"))
    assert s.state.left("green") == 2


@pytest.mark.parametrize(("command", "says"), [
    (Argue("blue", "  ", "why"), "say what the action is"),
    (Argue("blue", "x" * 201, "why"), "the action is too long (201 characters; at most 200)"),
    (Argue("blue", "x", ""), "give the arguments"),
    (Argue("blue", "x", "y" * 1001), "the arguments are too long"),
    (Argue("blue", "x", "y", ("blue",)), "leave out your own team"),
    (Argue("blue", "x", "y", ("mars",)), "unknown target 'mars'"),
    (Argue("blue", "x", "y", ("red", "red")), "a target is named twice"),
    (Argue("mars", "x", "y"), "unknown team 'mars'"),
])
def test_an_argument_that_cannot_be_made_is_refused_with_the_reason(command: Argue, says: str) -> None:
    s, _ = running()
    assert says in refused(s, command)
    assert view(s.state, "facilitator").arguments == ()


def test_not_in_the_briefing() -> None:
    s = new_session(SCENARIO, seed=3)
    s.apply(Start())
    assert "communications or orders phase (now: briefing)" in refused(s, ENVOY)


# -- counter-arguments ---------------------------------------------------------------------------------


def test_only_the_teams_asked_may_counter_and_only_until_the_odds_are_set() -> None:
    s, events = running()
    do(s, events, ENVOY)
    assert "Corvanian Federation was not asked" in refused(s, Counter("red", "1", "No."))
    assert "Republic of Azuria argued it: ask the other teams" in refused(s, AskCounters("1", ("blue",)))
    assert "no argued action '9'" in refused(s, AskCounters("9", ("red",)))
    do(s, events, AskCounters("1", ("red",)))
    assert "already been asked" in refused(s, AskCounters("1", ("red",)))
    do(s, events, Counter("red", "1", "Lysmark fears Corvania more than it likes Azuria."))
    assert "already given its counter-argument" in refused(s, Counter("red", "1", "And another."))
    do(s, events, AskCounters("1", ("green",)), Judge("1", 50))
    assert "too late for counter-arguments" in refused(s, Counter("green", "1", "Late."))
    assert "too late for counter-arguments" in refused(s, AskCounters("1", ("red", "green")))
    fac = view(s.state, "facilitator").arguments[0]
    assert fac.asked == ("green", "red") and [by for by, _ in fac.counters] == ["red"]


# -- the odds and the roll -------------------------------------------------------------------------------


def test_the_odds_bands_name_the_usual_percentages() -> None:
    assert [p for _, p in ODDS] == [10, 30, 50, 70, 90]
    assert band_of(70) == "likely" and band_of(65) == ""
    assert odds_words(90) == "very likely (90%)" and odds_words(0) == "0%"


@pytest.mark.parametrize("odds", [-1, 101, True])
def test_odds_outside_0_to_100_are_refused(odds: int) -> None:
    s, events = running()
    do(s, events, ENVOY)
    assert "a whole percentage from 0 to 100" in refused(s, Judge("1", odds))


def test_the_roll_is_a_logged_d100_against_the_odds_the_same_on_every_replay() -> None:
    s, events = running(seed=11)
    do(s, events, ENVOY, Judge("1", 60))
    roll, judged = events[-2:]
    assert roll["kind"] == "roll" and roll["id"] == "argued:1" and roll["vis"] == "fac"
    assert roll["inputs"]["odds"] == 60 and roll["inputs"]["dice"] == "1d100"
    expected = dice.die(s.dice_key, 1, "argued:1#0", 100)
    assert judged["roll"] == roll["value"] == expected
    assert judged["success"] is (expected <= 60)
    a = view(s.state, "blue").arguments[0]
    assert (a.status, a.odds, a.roll, a.success) == ("judged", 60, expected, expected <= 60)
    assert "already set" in refused(s, Judge("1", 60))
    # Another session of the same seed rolls the same; the odds decide, not the die.
    for odds, success in ((0, False), (100, True)):
        again, ev = running(seed=11)
        do(again, ev, ENVOY, Judge("1", odds))
        assert (ev[-1]["roll"], ev[-1]["success"]) == (expected, success)


# -- what came of it -----------------------------------------------------------------------------------


def test_effects_are_limited_to_what_the_arguing_team_could_change() -> None:
    s, events = running()
    do(s, events, ENVOY)
    assert "set the odds first" in refused(
        s, Narrate("1", "Heard.", (Effect("tension", ("blue", "green"), add=-5),)))
    do(s, events, Judge("1", 70))
    reason = refused(s, Narrate("1", "Heard.", (Effect("tension", ("red", "green"), add=-5),)))
    assert reason.startswith("effect on tension of Corvanian Federation/Kingdom of Lysmark: an argued "
                             "action of Republic of Azuria changes only values Republic of Azuria is part of")
    for value, of, says in (("cohesion", ("compact",), "changes only values"),
                            ("pressure", ("red",), "changes only values"),
                            ("mood", ("blue",), "unknown value 'mood'")):
        assert says in refused(s, Narrate("1", "Heard.", (Effect(value, of, add=5),)))
    assert "the narrative is what the teams read" in refused(s, Narrate("1", "  "))
    tension, trust = s.state.value("tension", "blue", "green"), s.state.value("trust", "green", "blue")
    do(s, events, Narrate("1", "Lysmark listens.", (
        Effect("tension", ("green", "blue"), add=-3),  # its pair, either way round
        Effect("trust", ("green", "blue"), add=4),     # another's view of it
        Effect("pressure", ("blue",), add=-2),          # its own value
    )))
    assert s.state.value("tension", "blue", "green") == max(0, tension - 3)
    assert s.state.value("trust", "green", "blue") == trust + 4
    assert events[-1]["cause"] == 'argued action 1 by Republic of Azuria: “A former minister goes to ' \
                                  'Lysmark as an envoy”'
    a = view(s.state, "facilitator").arguments[0]
    assert (a.status, a.narrative) == ("narrated", "Lysmark listens.")
    assert "already closed" in refused(s, Narrate("1", "Again."))


def test_an_argument_can_be_closed_without_a_roll_and_without_effects() -> None:
    s, events = running()
    do(s, events, ENVOY, Narrate("1", "The minister is ill: nobody goes."))
    assert events[-1]["kind"] == "narrated" and events[-1]["success"] is None
    assert not any(e["kind"] == "roll" for e in events)
    assert refused(s, Judge("1", 50)) == "argued action 1 is closed"
    assert "too late for counter-arguments" in refused(s, AskCounters("1", ("red",)))


# -- who sees what -------------------------------------------------------------------------------------


def test_an_argument_is_the_arguers_until_shared_and_a_counter_only_its_authors() -> None:
    s, events = running()
    do(s, events, ENVOY)
    secret_counter = "Corvania will pay Lysmark more than Azuria ever could"
    for role in ("red", "green", "public"):
        assert ENVOY.arguments not in json.dumps([timeline(events, role, SCENARIO),
                                                  view_to_dict(view(s.state, role))]), role
    do(s, events, AskCounters("1", ("red",)), Counter("red", "1", secret_counter))
    assert kinds(events, "red")[-2:] == ["counters_asked", "countered"]
    assert ENVOY.arguments in json.dumps(view_to_dict(view(s.state, "red")))
    for role in ("blue", "green", "public"):
        seen = json.dumps([timeline(events, role, SCENARIO), view_to_dict(view(s.state, role))])
        assert secret_counter not in seen, role
    assert ENVOY.action not in json.dumps(timeline(events, "green", SCENARIO))
    do(s, events, Judge("1", 50), Narrate("1", "The envoy is received politely.",
                                          (Effect("tension", ("blue", "green"), add=-2),)))
    # Green sees its tension with Azuria move, but not why, and nothing of the argument.
    green = timeline(events, "green", SCENARIO)
    assert [e for e in green if e["kind"] == "changed"][-1].get("cause") is None
    assert not {"argued", "counters_asked", "countered", "judged", "narrated"} & {e["kind"] for e in green}
    assert view(s.state, "green").arguments == ()
    for role in ("blue", "red"):
        assert kinds(events, role)[-3:-1] == ["judged", "narrated"], role
    # The views cross the network whole.
    for role in ROLES:
        v = view(s.state, role)
        assert view_from_dict(json.loads(json.dumps(view_to_dict(v))), v.tracks).arguments == v.arguments


def test_an_announced_result_reaches_every_team_without_the_arguments() -> None:
    s, events = running()
    talks = (Effect("tension", ("blue", "green"), add=-2),)
    said = "Lysmark and Azuria announce talks."
    do(s, events, ENVOY, Judge("1", 90), Narrate("1", said, talks, public=True))
    for role in ("red", "public"):
        [a] = view(s.state, role).arguments
        assert (a.action, a.narrative, a.arguments, a.public) == (ENVOY.action, said, "", True)
        seen = timeline(events, role, SCENARIO)
        assert ENVOY.arguments not in json.dumps(seen)
        assert [e["cause"] for e in seen if e["kind"] == "changed"][-1].startswith("argued action 1")


def test_every_role_reads_in_its_report_what_it_saw_of_the_argued_actions() -> None:
    s, events = running()
    do(s, events, ENVOY, AskCounters("1", ("red",)), Counter("red", "1", "No chance."), Judge("1", 30),
       Narrate("1", "Nothing comes of it.", (Effect("tension", ("blue", "green"), add=1),)))
    start = initial_state(SCENARIO, s.numbers)
    reports = {role: build(start, events, role) for role in ("facilitator", "blue", "red", "green")}
    fac = reports["facilitator"].arguments[0]
    assert fac.counters == (("red", "No chance."),) and fac.odds == 30 and fac.closed
    assert fac.changes and fac.changes[0].startswith("tension of blue–green")
    assert reports["blue"].arguments[0].counters == ()  # a counter is its author's
    assert reports["red"].arguments[0].counters == (("red", "No chance."),)
    assert reports["green"].arguments == ()
    text = [f.text for f in reports["facilitator"].timeline if f.kind == "argued"]
    assert any("odds; the die rolled" in t for t in text) and any("Nothing comes of it." in t for t in text)
    assert any(f.kind == "roll" and "argued action 1" in f.text for f in reports["facilitator"].timeline)


# -- replay, verify, network ---------------------------------------------------------------------------


def test_a_logged_session_with_argued_actions_replays_and_verifies(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from detente.tui.cli import main

    log = tmp_path / "s.jsonl"
    with RecordedSession.create(SCENARIO, log, seed=5) as rec:
        for c in (Start(), Advance(), ENVOY, AskCounters("1", ("red",)), Counter("red", "1", "No."),
                  Advance(), Argue("green", "A quiet word", "Old friends", ()), Judge("1", 70),
                  Narrate("1", "Heard.", (Effect("trust", ("green", "blue"), add=2),), public=True),
                  Narrate("2", "Closed: not now.")):
            assert rec.apply(c).accepted, c
        state = rec.state
    assert verify(log) == []
    assert main(["replay", str(log), "--verify"]) == 0, capsys.readouterr()
    again = replay(log).session.state
    for role in ROLES:
        assert view(again, role).arguments == view(state, role).arguments
    entries = read(timeline(replay(log).events, "blue", SCENARIO))
    assert [e.kind for e in entries if e.kind in ("argued", "judged", "narrated")] == [
        "argued", "judged", "narrated"]


@pytest.mark.parametrize("command", [
    ENVOY, AskCounters("1", ("red", "green")), Counter("red", "1", "No."), Judge("1", 70),
    Narrate("1", "Heard.", (Effect("tension", ("blue", "green"), add=-2),), public=True),
])
def test_the_commands_cross_the_network_and_each_role_sends_only_its_own(command: Command) -> None:
    wire = json.loads(json.dumps(command_to_dict(command)))
    assert command_from_wire(wire) == command == command_from_dict(wire)
    team = getattr(command, "team", None)
    if team is None:
        assert may_send("facilitator", command) is None
        assert may_send("blue", command) == f"only the facilitator may {command.type.replace('_', ' ')}"
    else:
        assert may_send(team, command) is None
        assert may_send("green", command) is not None and may_send("facilitator", command) is not None


def test_the_modules_examples_hold() -> None:
    import doctest

    from detente.engine import argued

    assert doctest.testmod(argued).failed == 0
