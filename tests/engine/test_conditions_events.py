"""Conditions see what happened (issue 12): statements by whom, to whom and in what tone,
notifications, observers invited, calls refused and calls unanswered, pledges made, kept and
broken, incidents by severity and by cause, any move an actor made — each answered after turns
really played through the session, and a wrong keyword, move or choice refused when the
scenario is loaded, with its file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.engine.commands import (
    Advance,
    Annul,
    HangUp,
    MakePledge,
    Propose,
    Respond,
    Say,
    Start,
    SubmitOrders,
)
from detente.engine.conditions import Facts, compile_scenario
from detente.engine.events import fold_all
from detente.engine.loader import ScenarioError, load_scenario_text
from detente.engine.session import Accepted, Session, new_session
from detente.engine.state import Order
from detente.engine.views import timeline, view
from detente.engine.visibility import shown

ROOT = Path(__file__).resolve().parents[2]
STRAIT = (ROOT / "scenarios" / "strait_standoff.toml").read_text(encoding="utf-8")


def ok(session: Session, command, log: list[dict] | None = None) -> Accepted:  # type: ignore[no-untyped-def]
    result = session.apply(command)
    assert isinstance(result, Accepted), getattr(result, "reason", result)
    if log is not None:
        log += result.events
    return result


def to_phase(session: Session, phase: str, log: list[dict] | None = None) -> None:
    if session.state.phase == "setup":
        ok(session, Start(), log)
    while session.state.phase != phase:
        ok(session, Advance(), log)


def objective(when: str, n: int = 1) -> str:
    return f'''
[[objectives]]
id = "probe-{n}"
actor = "blue"
text = "A probe"
when = "{when}"
'''


def strait(extra: str = "", overrides: str = "") -> str:
    text = STRAIT.replace("[[objectives]]", extra + "\n[[objectives]]", 1)
    return text + overrides


def session_of(extra: str = "", overrides: str = "") -> Session:
    return new_session(load_scenario_text(strait(extra, overrides)), 1)


def facts(session: Session) -> Facts:
    return Facts(session.state)


def play_orders(session: Session, log: list[dict] | None = None, **orders: tuple[Order, ...]) -> None:
    """From wherever the session is, on to this turn's (or the next turn's) orders, submit
    ``orders`` (by team), and publish the results (the debrief)."""
    if session.state.phase in ("adjudication", "debrief"):
        to_phase(session, "briefing", log)
    to_phase(session, "orders", log)
    for team, given in orders.items():
        ok(session, SubmitOrders(team, given), log)
    ok(session, Advance(), log)
    ok(session, Advance(), log)


# -- moves made: statements, notifications, observers ---------------------------------------


def test_statements_count_by_whom_to_whom_and_tone() -> None:
    s = session_of()
    play_orders(s, blue=(Order("public_statement", choice="warn", target="red", text="Stay out."),),
                red=(Order("public_statement", choice="reassure", target="blue"),))
    play_orders(s, blue=(Order("public_statement", choice="warn", target="red"),))
    f = facts(s)
    assert f.made("blue", "public_statement") == 2
    assert f.made("blue", "public_statement", tone="warn") == 2
    assert f.made("blue", "public_statement", choice="warn", target="red") == 2
    assert f.made("blue", "public_statement", tone="reassure") == 0
    assert f.made("blue", "public_statement", target="green") == 0
    assert f.made("red", "public_statement", tone="reassure", target="blue") == 1
    assert f.made("green", "public_statement") == 0


def test_a_statement_condition_fires_an_inject_on_the_next_briefing() -> None:
    inject = '''
[[injects]]
id = "press-reacts"
title = "The press reacts to Azuria's warning"
when = "made('blue', 'public_statement', tone='warn', target='red') >= 1"
'''
    s = session_of(inject)
    play_orders(s, blue=(Order("public_statement", choice="warn", target="red"),))
    assert "press-reacts" not in s.state.fired
    to_phase(s, "briefing")
    assert "press-reacts" in s.state.fired


def test_notifications_and_observers_are_moves_made() -> None:
    s = session_of()
    play_orders(s, red=(Order("notify_activity", choice="exercise", region="strait"),
                        Order("invite_observers", target="blue")))
    f = facts(s)
    assert f.made("red", "notify_activity") == 1
    assert f.made("red", "notify_activity", choice="exercise", region="strait") == 1
    assert f.made("red", "notify_activity", choice="deploy") == 0
    assert f.made("red", "notify_activity", region="corvanian-gulf") == 0
    assert f.made("red", "invite_observers", target="blue") == 1
    assert f.made("red", "invite_observers", target="green") == 0


def test_a_move_with_no_effect_was_not_made() -> None:
    s = session_of()
    twice = (Order("public_statement", choice="warn", target="red"),
             Order("public_statement", choice="reassure", target="red"))
    play_orders(s, blue=twice)  # one statement a turn: the second is void
    f = facts(s)
    assert f.made("blue", "public_statement") == 1
    assert f.made("blue", "public_statement", tone="warn") == 1
    assert f.made("blue", "public_statement", tone="reassure") == 0


def test_a_proposal_is_made_when_accepted_and_once_per_actor_who_accepts() -> None:
    s = session_of()
    to_phase(s, "communications")
    m2m = ok(s, Propose("blue", Order("mil_to_mil_exchange", target="red"))).events[0]["id"]
    assert facts(s).made("blue", "mil_to_mil_exchange") == 0  # proposed, not yet made
    ok(s, Respond("red", m2m, True))
    dialogue = ok(s, Propose("red", Order("multilateral_dialogue", targets=("blue", "green"))))
    pid = dialogue.events[0]["id"]
    ok(s, Respond("blue", pid, True))
    ok(s, Respond("green", pid, False))
    f = facts(s)
    assert f.made("blue", "mil_to_mil_exchange", target="red") == 1
    assert f.made("red", "multilateral_dialogue") == 1
    assert f.made("red", "multilateral_dialogue", target="blue") == 1
    assert f.made("red", "multilateral_dialogue", target="green") == 0
    # The exercise agreed in communications happens at adjudication: still made once.
    play_orders(s)
    assert facts(s).made("blue", "mil_to_mil_exchange") == 1


def test_an_annulled_move_no_longer_counts() -> None:
    s = session_of()
    to_phase(s, "orders")
    ok(s, SubmitOrders("blue", (Order("public_statement", choice="warn", target="red"),)))
    ok(s, Advance())
    assert facts(s).made("blue", "public_statement") == 1
    ok(s, Annul("move-1", "the statement was never given"))
    assert facts(s).made("blue", "public_statement") == 0


# -- calls refused and unanswered ---------------------------------------------------------


def test_refused_and_unanswered_calls_are_told_apart_and_declined_means_either() -> None:
    s = session_of()
    to_phase(s, "communications")
    refused = ok(s, Propose("blue", Order("hotline_call", target="red"))).events[0]["id"]
    ok(s, Respond("red", refused, False))
    ok(s, Propose("red", Order("hotline_call", target="blue")))
    f = facts(s)
    assert f.refused("blue", "red") and not f.unanswered("blue", "red") and f.declined("blue", "red")
    assert not f.refused("red", "blue") and not f.unanswered("red", "blue")
    ok(s, Advance())  # the phase ends: blue never answered red
    f = facts(s)
    assert f.unanswered("red", "blue") and not f.refused("red", "blue") and f.declined("red", "blue")
    assert f.called("red", "blue") and not f.answered("red", "blue")
    assert f.made("blue", "hotline_call") == 0 == f.made("red", "hotline_call")  # never accepted


def test_the_bundled_hotline_silence_inject_still_fires_on_an_unanswered_call() -> None:
    s = session_of()
    to_phase(s, "communications")
    ok(s, Propose("blue", Order("hotline_call", target="red")))
    play_orders(s)
    to_phase(s, "briefing")
    assert "hotline-silence" in s.state.fired


# -- pledges made, kept and broken --------------------------------------------------------


def pledge_on_a_call(s: Session, by: str, to: str, kind: str, region: str = "", turns: int = 1) -> None:
    to_phase(s, "communications")
    pid = ok(s, Propose(to, Order("hotline_call", target=by))).events[0]["id"]
    ok(s, Respond(by, pid, True))
    ok(s, MakePledge(by, pid, kind, region, turns))
    ok(s, HangUp(by, pid))


def test_what_a_side_said_on_a_call_counts_by_its_tone() -> None:
    """``made(a, 'hotline_call', tone=…)``: the calls on which ``a`` spoke in that tone, once a
    call however many lines, whoever placed it."""
    s = session_of()
    to_phase(s, "communications")
    pid = ok(s, Propose("red", Order("hotline_call", target="blue"))).events[0]["id"]
    ok(s, Respond("blue", pid, True))
    ok(s, Say("blue", pid, "We regret the loss of your sailors.", tone="apologise"))
    ok(s, Say("blue", pid, "Again, we are sorry.", tone="apologise"))
    ok(s, Say("red", pid, "Withdraw your ships.", tone="demand"))
    ok(s, HangUp("red", pid))
    f = facts(s)
    assert f.made("blue", "hotline_call", tone="apologise") == 1
    assert f.made("blue", "hotline_call", tone="apologise", target="red") == 1
    assert f.made("blue", "hotline_call", tone="apologise", target="green") == 0
    assert f.made("red", "hotline_call", tone="demand") == 1
    assert f.made("red", "hotline_call", tone="apologise") == 0
    assert f.made("red", "hotline_call") == 1  # the call itself: placed by red, answered by blue


def test_pledges_made_kept_and_broken() -> None:
    s = session_of()
    pledge_on_a_call(s, "red", "blue", "no_deployment", "strait", turns=1)
    f = facts(s)
    assert f.pledges("red") == 1 and f.pledges("red", status="active", to="blue") == 1
    assert f.pledges("red", status="kept") == 0 and f.pledges("red", to="green") == 0
    play_orders(s)  # red kept its word for the turn
    f = facts(s)
    assert f.pledges("red", status="kept") == 1 and f.pledges("red", status="active") == 0
    assert f.pledges("red", status="made", kind="no_deployment") == 1
    # Raising readiness is public: its holder sees the breach for certain (a hidden one it may miss).
    pledge_on_a_call(s, "red", "blue", "no_readiness_increase", turns=2)
    play_orders(s, red=(Order("raise_readiness"),))
    f = facts(s)
    assert f.pledges("red") == 2
    assert f.pledges("red", status="broken", to="blue") == 1 == f.broken("red")
    assert f.pledges("red", status="kept") == 1
    assert f.pledges("red", kind="no_readiness_increase") == 1
    assert f.pledges("red", kind="stand_down") == 0
    assert f.pledges("blue") == 0


# -- incidents by severity and cause --------------------------------------------------------

SCRIPTED = '''
[[injects]]
id = "collision"
turn = 1
phase = "communications"
title = "A frigate and a trawler collide"
incident = { between = ["blue", "red"], severity = "serious", region = "strait" }
'''
# Every pair whose forces come near has an incident every turn.
CERTAIN = '''
[rules.overrides.incidents]
min_proximity = 0
base = 1.0
cap = 1.0
'''


def test_scripted_incidents_count_by_severity_and_cause() -> None:
    s = session_of(SCRIPTED)
    to_phase(s, "communications")
    f = facts(s)
    assert f.incidents_of() == 1
    assert f.incidents_of(severity="serious", cause="scripted") == 1
    assert f.incidents_of(cause="rolled") == 0 and f.incidents_of(severity="grave") == 0
    assert f.incidents_of(actor="red") == 1 == f.incidents_of(actor="blue", other="red")
    assert f.incidents_of(actor="green") == 0 and f.incidents_of(actor="blue", other="green") == 0
    assert f.incidents_of(actor="blue", other="red") == f.incidents("blue", "red")


def test_rolled_incidents_count_apart_from_scripted_ones_and_annulled_ones_do_not() -> None:
    s = session_of(SCRIPTED, CERTAIN)
    to_phase(s, "orders")
    ok(s, SubmitOrders("red", (Order("deploy", force="red-fleet", region="strait"),)))
    events = ok(s, Advance()).events  # the adjudication, under review
    rolled = [e for e in events if e["kind"] == "incident"]
    assert rolled and all("cause" not in e for e in rolled)
    f = facts(s)
    assert f.incidents_of(cause="rolled") == len(rolled)
    assert f.incidents_of(cause="scripted") == 1
    assert f.incidents_of() == len(rolled) + 1
    severity = rolled[0]["severity"]
    count = f.incidents_of(severity=severity, cause="rolled")
    ok(s, Annul("incident-1", "the radar picture was wrong"))
    f = facts(s)
    assert f.incidents_of(cause="rolled") == len(rolled) - 1
    assert f.incidents_of(severity=severity, cause="rolled") == count - 1
    between = rolled[0]["between"]
    assert f.incidents_of(actor=between[0], other=between[1]) == f.incidents(*between)


# -- the tally is the fold of the events ----------------------------------------------------


def test_a_replay_of_the_events_gives_the_same_answers() -> None:
    s = session_of(SCRIPTED, CERTAIN)
    start, log = s.state, []  # type: ignore[var-annotated]
    to_phase(s, "communications", log)
    pid = ok(s, Propose("blue", Order("hotline_call", target="red")), log).events[0]["id"]
    ok(s, Respond("red", pid, False), log)
    play_orders(s, log, blue=(Order("public_statement", choice="neutral"),),
                red=(Order("deploy", force="red-fleet", region="strait"),))
    folded = fold_all(start, log)
    assert folded.tally and dict(folded.tally) == dict(s.state.tally)
    assert folded.calls == s.state.calls
    assert Facts(folded).incidents_of() == Facts(s.state).incidents_of() >= 2


# -- what teams see -------------------------------------------------------------------------


def test_nothing_of_the_tally_reaches_a_team() -> None:
    """Conditions are the facilitator's: what they count is in no team's view, and an annulment
    tells a team no more of what it annuls than the team was shown of it."""
    s = session_of(SCRIPTED, CERTAIN)
    log: list[dict] = []
    to_phase(s, "orders", log)
    ok(s, SubmitOrders("red", (Order("deploy", force="red-fleet", region="strait"),)), log)
    ok(s, Advance(), log)
    ok(s, Annul("incident-1", "it never happened", "A reported incident is withdrawn."), log)
    ok(s, Advance(), log)  # published
    assert s.state.tally
    for role in ("blue", "red", "green", "public"):
        assert view(s.state, role) == view(s.state.replace(tally={}), role)
        seen = [dict(e) for e in timeline(log, role, s.scenario)]
        incidents = [e for e in seen if e["kind"] == "incident"]
        for annul in (e for e in seen if e["kind"] == "annul"):
            assert "cause" not in annul
            assert annul["severity"] in {e["severity"] for e in incidents}
        assert "inject collision" not in json.dumps(seen)
    # The cause of a scripted incident is the facilitator's, in its annulment as in itself.
    scripted = {"kind": "annul", "target": "incident-1", "what": "incident", "text": "x",
                "between": ["blue", "red"], "reason": "r", "public": "", "severity": "minor",
                "cause": "inject collision", "vis": "all"}
    assert "cause" not in shown(scripted, "blue", s.scenario)  # type: ignore[operator]
    assert shown(scripted, "facilitator")["cause"] == "inject collision"  # type: ignore[index]


# -- checked when the scenario is loaded ----------------------------------------------------


def problems(when: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(strait(objective(when)), "probe.toml")
    return str(caught.value)


def test_conditions_on_what_happened_load() -> None:
    conditions = [
        "made('red', 'public_statement', tone='warn', target='blue') >= 1",
        "made('blue', 'notify_activity', choice='exercise', region='strait') > 0",
        "made('blue', 'invite_observers', target='red') >= 1",
        "made('red', 'deploy', force='red-fleet', region='strait') == 0",
        "made('blue', 'hotline_call', tone='apologise') >= 1",  # a move of no fixed choices
        "refused('blue', 'red') or unanswered('blue', 'red')",
        "pledges('red', status='broken', to='blue', kind='no_deployment') >= 1",
        "incidents_of(severity='grave', cause='rolled') == 0",
        "incidents_of(actor='blue', other='red', cause='scripted') > 0",
    ]
    extra = "".join(objective(w, i) for i, w in enumerate(conditions))
    s = load_scenario_text(strait(extra), "probe.toml")
    compiled = compile_scenario(s)
    assert set(conditions) <= set(compiled)


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("made('red', 'public_statement', mood='warn') >= 1",
         "column 33: made has no keyword 'mood'; its keywords are target, region, force, choice, tone"),
        ("made('red', 'public_statment') >= 1",
         "column 13: unknown move 'public_statment' — did you mean 'public_statement'?"),
        ("made('red', 'public_statement', tone='apologise') >= 1",
         "column 38: tone='apologise' is not a choice of public_statement (its choices: neutral, "
         "reassure, support, warn)"),
        ("made('red', 'hotline_call', tone='shout') >= 1",
         "column 34: tone='shout' is not a choice of hotline_call (its choices: apologise, demand, inform, "
         "reassure, warn)"),
        ("made('red', 'public_statement', tone='warn', choice='warn') >= 1",
         "column 46: made takes one choice: give tone= or choice=, not both"),
        ("made('red', 'public_statement', target='strait') >= 1",
         "column 40: 'strait' is a region, but target= of made must be an actor"),
        ("made('red', 'public_statement', tone=warn) >= 1",
         "column 38: tone= of made must be one of the move's choices in quotes, e.g. tone='neutral'"),
        ("pledges('red', status='promised') >= 1",
         "column 23: status= of pledges must be one of made, active, kept, broken, not 'promised'"),
        ("pledges('red', kind='no_deploy') >= 1",
         "column 21: unknown pledge 'no_deploy' in kind= — did you mean 'no_deployment'?"),
        ("incidents_of(severity='grav') >= 1",
         "column 23: unknown severity 'grav' in severity= — did you mean 'grave'?"),
        ("incidents_of(cause='dice') >= 1",
         "column 20: cause= of incidents_of must be one of rolled, scripted"),
        ("incidents_of('blue') >= 1",
         "column 1: incidents_of takes its arguments by name (actor, other, severity, cause)"),
        ("tension('blue', 'red', tone='warn') > 1",
         "column 24: give the arguments without names, e.g. tension('blue', 'green')"),
    ],
)
def test_a_bad_keyword_move_or_choice_is_a_load_error_with_file_line_and_field(
    when: str, message: str,
) -> None:
    found = problems(when)
    lines = strait(objective(when)).splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text == f'when = "{when}"')
    assert f"probe.toml:{line}: objectives[0].when: {message}" in found, found


def test_the_linter_takes_what_happened_as_able_to_change() -> None:
    """Two counts of one move with different tones are two values, neither fixed at its start;
    a count below zero can never be."""
    from detente.engine.lint import lint_scenario

    conditions = [
        "made('red', 'public_statement', tone='warn') >= 1 "
        "and made('red', 'public_statement', tone='reassure') == 0",
        "refused('blue', 'red') and pledges('red', status='kept') >= 1",
        "incidents_of(severity='grave', cause='rolled') >= 1",
        "made('blue', 'deploy') < 0",
    ]
    s = load_scenario_text(strait("".join(objective(w, i) for i, w in enumerate(conditions))))
    mine = {f"objectives[{i}].when" for i in range(len(conditions))}
    found = {w.field: w for w in lint_scenario(s) if w.field in mine}
    assert set(found) == {"objectives[3].when"}
    assert found["objectives[3].when"].rule == "never-true"
    assert "made('blue', 'deploy') is 0 or more" in found["objectives[3].when"].message
