"""Domestic politics and credibility (issue 12): warnings made good and bluffs called, broken
pledges, statements weighed by credibility, audience costs for backing down, and high pressure
narrowing what a government may do — with the team told why."""

from __future__ import annotations

from rules_support import QUIET, N, changed, give, next_turn, of_kind, pledge, put, run, start

from detente.engine.adjudicate import check_order, legal_moves
from detente.engine.state import Order, State
from detente.engine.views import timeline
from detente.rules import ruleset
from detente.rules.common import whole

P = N["politics"]
C = N["cooperation"]
WARN_BLUE = Order("public_statement", choice="warn", target="blue")


def quiet(**more: dict[str, object]) -> dict[str, dict[str, object]]:
    """No misperception, incidents or drift (sizes exact), and pressure that does not ease."""
    return {**QUIET, "politics": {"pressure_ease": 0.0}, **more}


def turns(st: State, *orders: tuple[str, Order]) -> tuple[list, State]:
    """Give each (team, order), adjudicate, and move on to the next turn's orders."""
    by_team: dict[str, list[Order]] = {}
    for team, order in orders:
        by_team.setdefault(team, []).append(order)
    for team, given in by_team.items():
        st = give(st, team, *given)
    events, after = run(st)
    return events, next_turn(after)


def credibility(st: State, holder: str, of: str) -> int:
    return int(st.value("credibility", holder, of))


def test_a_warning_followed_by_raised_readiness_raises_the_warners_credibility() -> None:
    _, st = turns(start(quiet()), ("red", WARN_BLUE))
    events, st = turns(st, ("red", Order("raise_readiness")))
    assert credibility(st, "blue", "red") == 50 + P["made_good_credibility"]
    assert credibility(st, "green", "red") == 50 + P["made_good_seen"], "mobilisation is seen by all"
    (up,) = [e for e in of_kind(events, "changed")
             if e["value"] == "credibility" and e["of"] == ["blue", "red"]]
    assert "made good its warning to Azuria" in up["cause"] and up["vis"] == ["blue"]
    # Made good once: a second action in the window earns nothing more.
    events, st = turns(st, ("red", Order("raise_readiness")))
    assert changed(events, "credibility", ("blue", "red")) == 0


def test_a_deployment_counts_only_if_the_warned_side_saw_it() -> None:
    base = start(quiet())
    _, st = turns(base, ("red", WARN_BLUE))
    unseen = put(put(st, "information", ("blue", "red"), 0.0), "information", ("green", "red"), 0.0)
    events, _ = turns(unseen, ("red", Order("deploy", force="red-fleet", region="strait")))
    assert changed(events, "credibility", ("blue", "red")) == 0, "undetected: no action seen"
    seen = put(st, "information", ("blue", "red"), 1.0)  # detection certain near its own waters
    events, _ = turns(seen, ("red", Order("deploy", force="red-fleet", region="strait")))
    assert changed(events, "credibility", ("blue", "red")) == P["made_good_credibility"]


def test_a_bluff_lowers_the_bluffers_credibility_when_its_window_closes() -> None:
    _, st = turns(start(quiet()), ("red", WARN_BLUE))
    for _ in range(P["warning_turns"] - 1):
        events, st = turns(st)
        assert changed(events, "credibility", ("blue", "red")) == 0, "still inside the window"
    # Repeating the warning buys no time.
    events, st = turns(st, ("red", WARN_BLUE))
    assert changed(events, "credibility", ("blue", "red")) == -P["bluff_credibility"]
    assert changed(events, "credibility", ("green", "red")) == -P["bluff_seen"]
    assert not any(k.startswith("warning:") for k in st.marks)


def test_a_broken_pledge_lowers_the_pledgees_credibility_of_the_pledger_only() -> None:
    st = pledge(start(quiet()), "red", "blue", "no_readiness_increase", until=3)
    events, after = run(give(st, "red", Order("raise_readiness")))
    assert [e["status"] for e in of_kind(events, "pledge_status")] == ["broken"]
    assert credibility(after, "blue", "red") == 50 - P["broken_pledge_credibility"]
    assert credibility(after, "green", "red") == 50, "a pledge is the two parties' business"


def test_a_warnings_threat_and_a_reassurances_relief_scale_with_credibility() -> None:
    def felt(cred: int, stance: str) -> int:
        st = put(start(quiet()), "credibility", ("blue", "red"), cred)
        events, _ = run(give(st, "red", Order("public_statement", choice=stance, target="blue")))
        return int(changed(events, "threat", ("blue", "red")))

    assert felt(50, "warn") == C["statement_warn"]
    assert felt(80, "warn") == whole(C["statement_warn"] * 80 / P["credibility_par"]) > felt(50, "warn")
    assert felt(20, "warn") == whole(C["statement_warn"] * 20 / P["credibility_par"]) < felt(50, "warn")
    assert felt(0, "warn") == 0, "nothing a side says is believed: its threats frighten no one"
    assert felt(100, "reassure") == -2 * C["statement_reassure"]


def test_backing_down_after_a_public_warning_costs_pressure_at_home() -> None:
    _, st = turns(start(quiet()), ("red", WARN_BLUE))
    events, after = turns(st, ("red", Order("stand_down")))
    assert changed(events, "pressure", ("red",), "backed down") == P["audience_cost"]
    own = N["deployment"]["stand_down_pressure"]
    assert changed(events, "pressure", ("red",)) == P["audience_cost"] + own
    # Not made good: the retreat shows the warning was a bluff.
    assert credibility(after, "blue", "red") == 50 - P["bluff_credibility"]
    # Standing down with no warning pending costs only the move's own pressure.
    events, _ = turns(start(quiet()), ("red", Order("stand_down")))
    assert changed(events, "pressure", ("red",), "backed down") == 0


def test_withdrawing_from_the_warned_sides_approaches_or_pledging_restraint_is_backing_down() -> None:
    st = put(start(quiet()), "information", ("blue", "red"), 1.0)
    _, st = turns(st, ("red", Order("deploy", force="red-fleet", region="strait")),
                  ("red", WARN_BLUE))
    events, _ = turns(st, ("red", Order("withdraw", force="red-fleet")))
    assert changed(events, "pressure", ("red",), "backed down") == P["audience_cost"]
    assert changed(events, "credibility", ("blue", "red")) == 0, "made good before: no bluff"
    # A pledge of restraint made on a call after the warning.
    _, st = turns(start(quiet()), ("red", WARN_BLUE))
    events, _ = run(pledge(st, "red", "blue", "no_readiness_increase", until=st.turn + 1))
    assert changed(events, "pressure", ("red",), "backed down") == P["audience_cost"]
    assert changed(events, "credibility", ("green", "red")) == 0, "a pledge on a call is private"


def test_raising_readiness_no_longer_relieves_pressure_and_pressure_eases_slowly() -> None:
    st = put(start(QUIET), "pressure", ("red",), 60)  # 30 above where it started
    events, after = run(give(st, "red", Order("raise_readiness")))
    assert after.value("pressure", "red") == 60 - whole(P["pressure_ease"] * 30)
    assert all("readiness" not in e["cause"] for e in of_kind(events, "changed") if e["value"] == "pressure")
    at_rest = run(start(QUIET))[1]
    assert at_rest.value("pressure", "red") == 30, "never eased below its starting level"


def test_high_pressure_bars_backing_down_and_says_why() -> None:
    st = put(put(start(quiet()), "pressure", ("red",), P["pressure_high"]), "readiness", ("red",), 2)
    names = {m.move.name for m in legal_moves(st, "red", ruleset)}
    assert "stand_down" not in names and "raise_readiness" in names
    shown = {m.move.name: m.barred for m in legal_moves(st, "red", ruleset, barred=True)}
    assert shown["stand_down"].startswith(f"domestic pressure is {P['pressure_high']}")
    assert "cannot be seen to back down" in shown["stand_down"]
    assert shown["raise_readiness"] == ""
    why = check_order(st, "red", Order("stand_down"), ruleset, "orders")
    assert why == shown["stand_down"], "an order for it is refused in the same words"
    deployed = put(st, "pressure", ("red",), 0)
    deployed = run(give(deployed, "red", Order("deploy", force="red-fleet", region="north")))[1]
    deployed = put(next_turn(deployed), "pressure", ("red",), P["pressure_high"] + 10)
    assert "withdraw" not in {m.move.name for m in legal_moves(deployed, "red", ruleset)}
    assert check_order(deployed, "red", Order("withdraw", force="red-fleet"), ruleset, "orders")
    # Below the threshold the moves come back.
    calmer = put(st, "pressure", ("red",), P["pressure_high"] - 1)
    assert "stand_down" in {m.move.name for m in legal_moves(calmer, "red", ruleset)}


def test_high_pressure_costs_an_action_a_turn_until_it_eases_and_the_team_reads_why() -> None:
    high = P["pressure_high"] + 5
    st = put(start(quiet()), "pressure", ("red",), high)
    budget = st.value("budget", "red")
    events, after = run(st)
    assert after.value("budget", "red") == budget - P["pressure_budget"]
    (cut,) = [e for e in of_kind(events, "changed") if e["value"] == "budget"]

    def budget_lines(role: str) -> list[str]:
        return [e["cause"] for e in timeline(events, role, st.scenario)
                if e["kind"] == "changed" and e["value"] == "budget"]

    assert f"domestic pressure {high}" in cut["cause"]
    assert budget_lines("red") == [cut["cause"]], "the team reads why"
    assert budget_lines("blue") == [], "another government's troubles at home are its own"
    events, after = run(next_turn(after))
    assert after.value("budget", "red") == budget - P["pressure_budget"], "cut once, not every turn"
    events, after = run(put(next_turn(after), "pressure", ("red",), P["pressure_high"] - 1))
    assert after.value("budget", "red") == budget, "given back once pressure falls below the line"
    # Never the last action.
    poor = put(put(start(quiet()), "budget", ("red",), 1), "pressure", ("red",), high)
    assert run(poor)[1].value("budget", "red") == 1


def test_a_side_that_did_not_see_the_action_learns_nothing_of_it_from_credibility() -> None:
    st = put(put(start(quiet()), "information", ("blue", "red"), 1.0), "information", ("green", "red"), 0.0)
    _, st = turns(st, ("red", WARN_BLUE))
    events, after = turns(st, ("red", Order("deploy", force="red-fleet", region="strait")))
    assert credibility(after, "blue", "red") == 50 + P["made_good_credibility"]
    assert credibility(after, "green", "red") == 50, "green did not see the fleet move"
    seen = {role: " ".join(str(e.get("cause", "")) for e in timeline(events, role, st.scenario))
            for role in ("blue", "green")}
    assert "the Strait" in seen["blue"] and "the Strait" not in seen["green"]
    # The warning's mark is the two sides' business.
    marks = [e for e in of_kind(events, "mark") if e["key"].startswith("warning:")]
    assert marks and all(e["vis"] == ["blue", "red"] for e in marks)
