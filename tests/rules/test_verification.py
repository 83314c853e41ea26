"""Verification is imperfect (issue 12): a breached pledge is detected on a roll that rises with the
victim's information and the transparency in force, and an unseen breach is the facilitator's until
the debrief; what a data exchange declares may be false, and observers or an inspection may expose it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from rules_support import (
    QUIET,
    N,
    answer,
    changed,
    give,
    next_turn,
    of_kind,
    pledge,
    propose,
    put,
    run,
    start,
)

from detente.engine.aar import build
from detente.engine.bots import BOTS
from detente.engine.commands import (
    FACILITATOR,
    Advance,
    HangUp,
    MakePledge,
    Propose,
    Respond,
    Start,
    SubmitOrders,
)
from detente.engine.events import fold
from detente.engine.loader import load_scenario, ruleset_numbers
from detente.engine.ruleset import merge_numbers
from detente.engine.seat import Seat
from detente.engine.session import Accepted, Session, new_session
from detente.engine.state import Order, State, initial_state
from detente.engine.views import PUBLIC, timeline, view
from detente.engine.visibility import shown
from detente.rules import ruleset
from detente.rules.verification import detection_chance

V = N["verification"]
P = N["pledges"]
T = N["transparency"]
MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"

SEEN = {**QUIET, "verification": {"detect_base": 1.0, "detect_cap": 1.0}}
"""Every hidden breach is detected."""
UNSEEN = {**QUIET, "verification": {"detect_base": 0.0, "detect_information": 0.0, "detect_observers": 0.0,
                                    "detect_exchange": 0.0, "detect_inspection": 0.0}}
"""No hidden breach is detected."""
EXPOSED = {**QUIET, "verification": {"expose_base": 1.0, "expose_cap": 1.0}}
"""Every false declaration verified is exposed."""
MISSED = {**QUIET, "verification": {"expose_base": 0.0, "expose_information": 0.0, "expose_inspection": 0.0,
                                    "expose_observers": 0.0}}
"""No false declaration is exposed."""


def deployed(state: State, force: str, region: str) -> State:
    """``force`` already in ``region``, known to its owner alone."""
    owner = state.owner(force)
    return fold(state, {"kind": "force", "force": force, "region": region, "known_to": [owner],
                        "vis": [owner]})


# -- breaches ------------------------------------------------------------------------------------


def test_a_breach_with_full_information_and_observers_on_the_ground_is_detected() -> None:
    st = put(start({**QUIET, "verification": {"detect_cap": 1.0}}), "information", ("red", "blue"), 1.0)
    st = pledge(st, "blue", "red", "no_deployment", region="strait", until=3)
    st = give(st, "blue", Order("invite_observers", target="red"),
              Order("deploy", force="blue-fleet", region="strait"))
    events, after = run(st)
    (roll,) = [e for e in of_kind(events, "roll") if e["id"] == "breach:blue:red"]
    assert roll["p"] == 1.0 and roll["inputs"]["observers"] is True and roll["success"]
    (status,) = of_kind(events, "pledge_status")
    assert status["status"] == "broken" and status["vis"] == ["blue", "red"]
    assert not of_kind(events, "breach")
    assert changed(events, "trust", ("red", "blue"), "was broken") == -P["broken_trust"]
    assert changed(events, "threat", ("red", "blue"), "was broken") == P["broken_threat"]
    # It detected the breach: it sees the deployment that made it.
    assert "red" in after.forces["blue-fleet"].known_to


def test_the_chance_of_detecting_a_breach_rises_with_information_and_transparency() -> None:
    st = start()
    info = st.value("information", "red", "blue")
    base = V["detect_base"] + V["detect_information"] * info
    assert detection_chance(st, "blue", "red")[0] == pytest.approx(base)
    st = put(st, "information", ("red", "blue"), 0.0)
    assert detection_chance(st, "blue", "red")[0] == pytest.approx(V["detect_base"])
    # Data exchanged and an inspection accepted last turn still count; two turns ago, no longer.
    st = fold(st, {"kind": "mark", "key": "verify:inspection:blue:red", "value": 1, "vis": "fac"})
    st = fold(st, {"kind": "mark", "key": "verify:declared:blue:red", "value": {"turn": 1, "hidden": {}},
                   "vis": "fac"})
    later = next_turn(st)
    p, inputs = detection_chance(later, "blue", "red")
    assert p == pytest.approx(V["detect_base"] + V["detect_exchange"] + V["detect_inspection"])
    assert inputs == {"information": 0.0, "observers": False, "exchange": True, "inspection": True}
    assert detection_chance(next_turn(later), "blue", "red")[0] == pytest.approx(V["detect_base"])
    # Observers the maker hosts this turn count before they are resolved (pledges come first).
    hosting = give(next_turn(later), "blue", Order("invite_observers", target="red"))
    want = V["detect_base"] + V["detect_observers"]
    assert detection_chance(hosting, "blue", "red")[0] == pytest.approx(want)
    # Never certain.
    full = put(hosting, "information", ("red", "blue"), 1.0)
    assert detection_chance(full, "blue", "red")[0] == V["detect_cap"] < 1


def test_an_undetected_breach_leaves_the_pledge_in_force_and_the_deployment_unseen() -> None:
    st = pledge(start(UNSEEN), "blue", "red", "no_deployment", region="strait", until=2)
    st = give(st, "blue", Order("invite_observers", target="red"),
              Order("deploy", force="blue-fleet", region="strait"))
    trust = st.value("trust", "red", "blue")
    events, after = run(st)
    (breach,) = of_kind(events, "breach")
    assert (breach["by"], breach["to"], breach["pledge"]) == ("blue", "red", "no_deployment")
    assert breach["happened"] == 1
    assert breach["vis"] == ["blue", "red"] and "was breached" in breach["text"]
    assert not of_kind(events, "pledge_status")
    assert after.pledges["1-1-1"].status == "active"
    # Red missed it: not even its observers saw the fleet go (they were kept away from it).
    assert "red" not in after.forces["blue-fleet"].known_to
    assert not changed(events, "threat", ("red", "blue"), "pledge")
    assert after.value("trust", "red", "blue") == trust + T["observers_trust"]
    # The pledge runs out unbroken in Red's eyes: kept, and Red trusts Blue the more for it.
    events, after = run(next_turn(after))
    assert of_kind(events, "pledge_status")[0]["status"] == "kept"
    assert changed(events, "trust", ("red", "blue")) == P["kept_trust"]


def test_a_breach_in_public_view_is_always_seen() -> None:
    """Readiness is public: raising it against a pledge is seen without a roll, whatever the odds."""
    st = pledge(start(UNSEEN), "red", "blue", "no_readiness_increase")
    events, _ = run(give(st, "red", Order("raise_readiness")))
    assert of_kind(events, "pledge_status")[0]["status"] == "broken"
    assert not [e for e in of_kind(events, "roll") if e["id"].startswith("breach:")]


# -- declared against actual ---------------------------------------------------------------------


def declare(overrides: Mapping[str, Any], choice: str) -> State:
    """Blue's fleet in the strait, Blue declares its forces to Red (``choice``), and the next
    turn's communications open."""
    st = deployed(start(overrides), "blue-fleet", "strait")
    _, st = run(give(st, "blue", Order("data_exchange", target="red", choice=choice)))
    return next_turn(st, "communications")


def inspect(st: State) -> tuple[list[dict[str, Any]], State]:
    st, p = propose(st, "red", Order("request_inspection", target="blue"))
    return answer(st, p.id, "blue", True)


def test_a_declaration_records_what_was_declared_against_what_was_there() -> None:
    st = deployed(start(QUIET), "blue-fleet", "strait")
    events, after = run(give(st, "blue", Order("data_exchange", target="red", choice="understated")))
    (d,) = of_kind(events, "declaration")
    assert d["vis"] == ["blue", "red"] and d["declaration"] == "understated"
    assert d["declared"]["blue-fleet"] == "bay" and d["actual"]["blue-fleet"] == "strait"
    assert d["hidden"] == ["blue-fleet"] and d["truthful"] is False
    # The receiver reads that data came, not what was chosen: the move it sees has no choice.
    (move,) = of_kind(events, "move")
    assert move["order"] == {"move": "data_exchange", "target": "red"}
    assert changed(events, "information", ("red", "blue")) == T["exchange_information"]
    # Nothing away from home: an understated declaration is still true.
    events, _ = run(give(start(QUIET), "blue", Order("data_exchange", target="red", choice="understated")))
    (d,) = of_kind(events, "declaration")
    assert d["declaration"] == "understated" and d["truthful"] is True and d["hidden"] == []
    # No choice given: a full declaration.
    events, _ = run(give(after, "blue", Order("data_exchange", target="red")))
    (d,) = of_kind(events, "declaration")
    assert d["declaration"] == "full" and d["truthful"] is True and d["declared"] == d["actual"]


def test_a_false_declaration_exposed_by_an_accepted_inspection_costs_trust() -> None:
    st = declare(EXPOSED, "understated")
    trust, threat = st.value("trust", "red", "blue"), st.value("threat", "red", "blue")
    events, after = inspect(st)
    (v,) = of_kind(events, "verification")
    assert (v["by"], v["to"], v["how"], v["result"]) == ("blue", "red", "inspection", "exposed")
    assert v["hidden"] == ["blue-fleet"] and v["declared_on"] == 1 and v["vis"] == ["blue", "red"]
    assert "exposed a false declaration" in v["text"]
    assert after.value("trust", "red", "blue") == trust - V["exposed_trust"] + T["inspection_trust"]
    assert after.value("threat", "red", "blue") == threat + V["exposed_threat"]
    # Exposed once: a second look finds nothing new to expose.
    assert "verify:declared:blue:red" not in after.marks


def test_a_true_declaration_confirmed_by_an_inspection_gains_a_little_trust() -> None:
    st = declare(EXPOSED, "full")
    trust = st.value("trust", "red", "blue")
    events, after = inspect(st)
    (v,) = of_kind(events, "verification")
    assert v["result"] == "confirmed" and v["missed"] is False
    assert changed(events, "trust", ("red", "blue"), "confirmed") == V["confirmed_trust"]
    assert after.value("trust", "red", "blue") == trust + V["confirmed_trust"] + T["inspection_trust"]
    assert not [e for e in of_kind(events, "roll") if e["id"].startswith("expose:")]


def test_a_false_declaration_the_inspectors_miss_reads_to_both_sides_as_a_confirmation() -> None:
    missed, _ = inspect(declare(MISSED, "understated"))
    confirmed, _ = inspect(declare(MISSED, "full"))
    (m,), (c,) = of_kind(missed, "verification"), of_kind(confirmed, "verification")
    assert m["missed"] is True and m["result"] == "confirmed" and c["missed"] is False
    for role in ("blue", "red"):
        assert shown(m, role) == shown(c, role)
        assert "missed" not in shown(m, role)  # type: ignore[operator]
    assert shown(m, FACILITATOR)["missed"] is True  # type: ignore[index]
    assert changed(missed, "trust", ("red", "blue")) == changed(confirmed, "trust", ("red", "blue"))


def test_observers_a_liar_invites_may_expose_its_declaration() -> None:
    st = next_turn(declare(EXPOSED, "understated"))
    trust = st.value("trust", "red", "blue")
    events, after = run(give(st, "blue", Order("invite_observers", target="red")))
    (v,) = of_kind(events, "verification")
    assert (v["how"], v["result"]) == ("observers", "exposed")
    assert after.value("trust", "red", "blue") == trust - V["exposed_trust"] + T["observers_trust"]


def test_with_nothing_declared_an_inspection_compares_nothing() -> None:
    st = deployed(start(EXPOSED, phase="communications"), "blue-fleet", "strait")
    events, _ = inspect(st)
    assert not of_kind(events, "verification")
    assert changed(events, "trust", ("red", "blue")) == T["inspection_trust"]


def test_doves_declare_fully_and_hawks_understate_to_rivals_only() -> None:
    """Blue and Green are allies; Red is their rival. An honest bot leaves the choice empty (a
    full declaration); a hawk names the false one to a rival, never to an ally."""
    seat = Seat(start(), "blue", ruleset)
    dove, hawk = BOTS["dove"], BOTS["hawk"]

    def liking(policy: Any, target: str, choice: str) -> float:
        return float(policy.weight(seat, Order("data_exchange", target=target, choice=choice)))

    assert liking(dove, "red", "") > 0
    assert liking(dove, "red", "understated") == 0 == liking(dove, "red", "full")
    assert liking(hawk, "red", "understated") > 0
    assert liking(hawk, "red", "") == 0 == liking(hawk, "red", "full")
    assert liking(hawk, "green", "") > 0 and liking(hawk, "green", "understated") == 0


# -- who learns what, when -------------------------------------------------------------------------


def ok(session: Session, command: Any, events: list[dict[str, Any]]) -> Accepted:
    result = session.apply(command)
    assert isinstance(result, Accepted), getattr(result, "reason", result)
    events += json.loads(json.dumps(result.events))
    return result


@pytest.fixture(scope="module")
def played() -> tuple[Session, State, list[dict[str, Any]], list[int]]:
    """The mini scenario (three days): on Day 1 Azuria pledges Corvania no deployment into the
    strait and deploys there, unseen; on Day 2 it declares its forces to Corvania, understated; on
    Day 3 Corvania inspects and exposes the lie. Returns the session, its starting state, its
    events and where each command's events end."""
    scenario = load_scenario(MINI)
    numbers = merge_numbers(ruleset_numbers(scenario), {
        "verification": {**UNSEEN["verification"], "expose_base": 1.0, "expose_cap": 1.0},
        "incidents": {"cap": 0.0},
    })
    session = new_session(scenario, numbers=numbers)
    initial = session.state
    events: list[dict[str, Any]] = []
    ends: list[int] = []

    def do(command: Any) -> Accepted:
        result = ok(session, command, events)
        ends.append(len(events))
        return result

    def to(phase: str) -> None:
        while session.state.phase != phase:
            do(Advance())

    do(Start())
    to("communications")
    call = do(Propose("blue", Order("hotline_call", target="red"))).events[0]["id"]
    do(Respond("red", call, True))
    do(MakePledge("blue", call, "no_deployment", region="strait", turns=2))
    do(HangUp("blue", call))
    to("orders")
    do(SubmitOrders("blue", (Order("deploy", force="blue-fleet", region="strait"),)))
    do(SubmitOrders("red", ()))
    to("briefing")
    to("orders")
    do(SubmitOrders("blue", (Order("data_exchange", target="red", choice="understated"),)))
    do(SubmitOrders("red", ()))
    to("briefing")
    to("communications")
    request = do(Propose("red", Order("request_inspection", target="blue"))).events[0]["id"]
    do(Respond("blue", request, True))
    while not session.state.ended:
        if session.state.phase == "orders":
            for team in ("blue", "red"):
                if team not in session.state.orders:
                    do(SubmitOrders(team, ()))
        do(Advance())
    return session, initial, events, ends


def test_the_session_breached_unseen_lied_and_was_exposed(played: Any) -> None:
    session, _, events, _ = played
    kinds = [e["kind"] for e in events]
    assert kinds.count("breach") == 1 and kinds.count("declaration") == 1
    # Corvania never knew: in its eyes the pledge was kept.
    assert [e["status"] for e in events if e["kind"] == "pledge_status"] == ["kept"]
    (v,) = [e for e in events if e["kind"] == "verification"]
    assert v["result"] == "exposed"
    assert session.state.outcome is not None


@pytest.mark.parametrize("role", ["blue", "red", PUBLIC])
def test_no_team_learns_an_unseen_breach_or_a_declaration_before_the_end(played: Any, role: str) -> None:
    session, _, events, ends = played
    secrets = [e["text"] for e in events if e["kind"] in ("breach", "declaration")]
    outcome = next(i for i, e in enumerate(events) if e["kind"] == "outcome")
    for end, state in zip(ends, _states(played), strict=True):
        v = view(state, role)
        # The pledge reads as in force (then kept) in both parties' views: never broken.
        assert all(p.status != "broken" for p in v.pledges)
        seen = timeline(events[:end], role, session.scenario)
        text = json.dumps([dict(e) for e in seen]) + json.dumps(str(v))
        if end <= outcome:
            assert not [e for e in seen if e["kind"] in ("breach", "declaration")], role
            assert not any(s in text for s in secrets), role
        assert all("missed" not in e for e in seen if e["kind"] == "verification")
    # After the end, the two parties read both, marked as revealed, after the outcome; the
    # public never does.
    seen = timeline(events, role, session.scenario)
    late = [e for e in seen if e["kind"] in ("breach", "declaration")]
    if role == PUBLIC:
        assert late == []
    else:
        assert [e["kind"] for e in late] == ["breach", "declaration"] and all(e["revealed"] for e in late)
        kinds = [e["kind"] for e in seen]
        assert kinds.index("outcome") < kinds.index("breach")


def _states(played: Any) -> list[State]:
    _, initial, events, ends = played
    out, st, done = [], initial, 0
    for end in ends:
        for e in events[done:end]:
            st = fold(st, e)
        done = end
        out.append(st)
    return out


def test_the_report_and_the_team_debrief_reveal_the_unseen_breach(played: Any) -> None:
    session, _, events, _ = played
    initial = initial_state(session.scenario, session.numbers)
    fac = build(initial, events, FACILITATOR)
    (p,) = fac.pledges
    assert (p.status, p.unseen) == ("kept", (1,))
    texts = [e.text for e in fac.timeline]
    assert any("was breached unseen" in t for t in texts)
    assert any("(a false declaration)" in t for t in texts)
    for team in ("red", "blue"):
        r = build(initial, events, team)
        lines = [e.text for e in r.timeline]
        revealed = [t for t in lines if t.startswith("revealed after the exercise")]
        assert len(revealed) == 2, (team, lines)
        assert "did not detect it" in revealed[0] and "Day 1" in revealed[0]
        assert r.pledges[0].unseen == (1,)
    public = build(initial, events, PUBLIC)
    assert not [e for e in public.timeline if "revealed" in e.text]
