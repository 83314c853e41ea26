"""A team never sees what it could not know: checked for every team, after every command,
in every bundled scenario played through with its example orders."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from detente.engine.commands import FACILITATOR
from detente.engine.loader import load_scenario
from detente.engine.orders import load_script, next_command
from detente.engine.session import Accepted, new_session
from detente.engine.state import State
from detente.engine.views import PUBLIC, View, timeline, view
from detente.engine.visibility import PUBLIC_CAUSE

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


def _plain(x: object) -> object:
    """A view's data with its pair keys joined (JSON has no tuple keys)."""
    if isinstance(x, dict):
        return {"|".join(k) if isinstance(k, tuple) else k: _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    return x


def _text(v: View) -> str:
    return json.dumps(_plain(attrs.asdict(v)), default=str, ensure_ascii=False)


def held_only_by_whom_they_may_be(v: View, role: str) -> None:
    """Every value in the view is one its declaration lets ``role`` see: the holder's own, an
    alliance's members', or everyone's."""
    from detente.engine.tracks import EVERYONE, HOLDER, MEMBERS

    scenario_alliances = None
    for name, table in v.values.items():
        track = v.tracks[name]
        if role == FACILITATOR or track.seen_by == EVERYONE:
            continue
        assert track.seen_by in (HOLDER, MEMBERS), f"{role} sees {name}, which is the facilitator's"
        for key in table:
            first = key[0] if isinstance(key, tuple) else key
            if track.seen_by == HOLDER:
                assert first == role, f"{role} sees {name} of {key}"
            else:
                scenario_alliances = scenario_alliances or _alliances_of(role)
                assert first in scenario_alliances, f"{role} sees {name} of {key}"


def _alliances_of(role: str) -> set[str]:
    out = set()
    for path in SCENARIOS:
        for al in load_scenario(path).alliances:
            if role in al.members:
                out.add(al.id)
    return out


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
    held_only_by_whom_they_may_be(v, role)
    for a in v.actors:
        assert a.spent is None or a.id == team, f"{role} sees what {a.id} spent"
    assert v.briefings == {}
    assert v.injects == (), f"{role} sees the facilitator's inject schedule"
    seen_events = timeline(events, role, scenario)
    in_review = False
    for e in seen_events:
        assert e["kind"] not in ("roll", "note", "command"), f"{role} sees a {e['kind']}"
        assert "seed" not in e, f"{role} sees the seed"
        if e["kind"] == "orders":
            assert e["team"] == team, f"{role} sees {e['team']}'s sealed orders"
        vis = e.get("vis", "all")
        if not (vis == "all" or (team is not None and team in vis)):
            # Outside the stamp: a value the role may see, moved for a reason it may not read.
            assert e["kind"] in ("changed", "override") and "cause" not in e, e
            assert e.get("reason") in (None, PUBLIC_CAUSE) and "public" not in e, e
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
    before = view(session.state, "red").table("readiness")
    session.apply(Advance())  # adjudication: results under review
    assert session.state.actors["blue"].readiness > session.state.before.actors["blue"].readiness  # type: ignore[union-attr]
    assert view(session.state, "red").table("readiness") == before
    assert view(session.state, FACILITATOR).table("readiness") != before
    session.apply(Advance())  # published
    assert view(session.state, "red").table("readiness") != before


def test_public_view_has_no_private_values() -> None:
    session = new_session(load_scenario(ROOT / "tests" / "data" / "mini.toml"))
    v = view(session.state, PUBLIC)
    assert v.private_briefing == ""
    seen = {v.tracks[name].seen_by for name in v.values}
    assert seen == {"everyone"}, f"the public sees values only some may: {set(v.values)}"
    assert v.value("budget", "blue") is None and all(a.spent is None for a in v.actors)
    with pytest.raises(ValueError):
        view(session.state, "nobody")


# -- the visibility table, applied when events are read (issue 8) --------------------------------------

OLD_LOG = [  # as engines before the table stamped them
    {"kind": "start", "seed": 1990, "vis": "all"},
    {"kind": "phase", "turn": 1, "phase": "briefing", "vis": "all"},
    {"kind": "inject", "id": "council", "title": "Council", "text": "for blue and green",
     "to": ["blue", "green"], "vis": ["blue", "green"]},
    {"kind": "changed", "value": "pressure", "of": ["blue"], "to": 40, "by": 5, "cause": "inject council",
     "vis": ["blue", "green"]},
    {"kind": "changed", "value": "cohesion", "of": ["compact"], "to": 65, "by": 5, "cause": "inject council",
     "vis": ["blue", "green"]},
    {"kind": "changed", "value": "cohesion", "of": ["compact"], "to": 70, "by": 5, "cause": "a statement",
     "vis": "all"},
    {"kind": "changed", "value": "tension", "of": ["blue", "red"], "to": 30, "by": -5,
     "cause": "hotline call between blue and red answered", "vis": ["blue", "red"]},
    {"kind": "override", "value": "cohesion", "of": ["compact"], "to": 50, "reason": "a judgement",
     "vis": "all"},
]


def _strait():
    return load_scenario(ROOT / "scenarios" / "strait_standoff.toml")


def test_an_old_log_is_read_under_todays_table() -> None:
    scenario = _strait()  # compact: blue and green; red is outside
    red = timeline(OLD_LOG, "red", scenario)
    assert red[0] == {"kind": "start", "vis": "all"}, "the seed stays with the facilitator"
    assert [e["kind"] for e in red] == ["start", "phase", "changed"]
    # red was on the call: it reads why.
    assert red[2]["cause"] == "hotline call between blue and red answered"
    green = timeline(OLD_LOG, "green", scenario)
    kinds = [(e["kind"], e.get("value")) for e in green]
    assert ("changed", "pressure") not in kinds, "blue's pressure is blue's, whoever the inject went to"
    assert kinds.count(("changed", "cohesion")) == 2 and ("override", "cohesion") in kinds
    # An old override has no public text: the team reads the neutral cause, not the reason.
    (override,) = [e for e in green if e["kind"] == "override"]
    assert override["reason"] == PUBLIC_CAUSE and override["to"] == 50
    # A third party sees the public tension move, not why.
    tension = next(e for e in green if e.get("value") == "tension")
    assert tension["to"] == 30 and "cause" not in tension
    public = timeline(OLD_LOG, PUBLIC, scenario)
    shown = [(e["kind"], e.get("value")) for e in public]
    assert shown == [("start", None), ("phase", None), ("changed", "tension")]
    assert timeline(OLD_LOG, FACILITATOR, scenario) == OLD_LOG


def test_without_the_scenario_alliance_values_stay_with_the_facilitator() -> None:
    blue = timeline(OLD_LOG, "blue")
    assert all(e.get("value") != "cohesion" for e in blue)
    assert any(e.get("value") == "cohesion" for e in timeline(OLD_LOG, "blue", _strait()))


def test_a_private_inject_reaches_its_addressees_and_no_one_else() -> None:
    """An inject to blue and red: red, outside the compact, gets neither the compact's cohesion
    nor blue's pressure; green, a member but no addressee, sees cohesion move without the
    inject named; the public sees the tension move, not why."""
    from detente.engine.commands import AddInject, Advance, Start
    from detente.engine.scenario import Effect

    scenario = _strait()
    session = new_session(scenario)
    events: list[dict] = []
    for c in (Start(), Advance(), AddInject(title="Cable", text="secret", to=("blue", "red"), effects=(
        Effect("pressure", ("blue",), add=5), Effect("cohesion", ("compact",), add=5),
        Effect("tension", ("blue", "red"), add=5),
    ))):
        result = session.apply(c)
        assert isinstance(result, Accepted), result
        events += result.events
    changed = {
        role: {e["value"]: e.get("cause") for e in timeline(events, role, scenario) if e["kind"] == "changed"}
        for role in ("blue", "red", "green", PUBLIC)
    }
    assert changed["blue"] == dict.fromkeys(("pressure", "cohesion", "tension"), "inject adhoc-1")
    assert changed["red"] == {"tension": "inject adhoc-1"}, "red is outside the compact and blue's pressure"
    assert changed["green"] == {"cohesion": None, "tension": None}
    assert changed[PUBLIC] == {"tension": None}


def test_the_view_holds_what_the_declarations_allow() -> None:
    """Who sees a value is its track's ``seen_by``: the view holds a team's own one-way values,
    its own actor's private values and its own alliances' values, every public value, and
    nothing of a value nobody declared."""
    from detente.engine.visibility import may_see, tracks_of

    scenario = _strait()
    tracks = tracks_of(scenario.rules.name)
    assert not may_see("blue", "morale", ["blue"], scenario), "an undeclared value is the facilitator's"
    assert may_see(FACILITATOR, "morale", ["blue"])
    assert not may_see("blue", "budget", ["blue"]), "without the scenario, nobody but the facilitator"
    session = new_session(scenario)
    for role in ("red", "green", PUBLIC, FACILITATOR):
        v = view(session.state, role)
        for name in tracks:
            for key, value in session.state.values[name].items():
                of = key if isinstance(key, tuple) else (key,)
                want = may_see(role, name, of, scenario)
                got = v.value(name, *of)
                assert (got == value) if want else got is None, (role, name, key)
    red, green = view(session.state, "red"), view(session.state, "green")
    assert red.table("cohesion") == {} and {k[0] for k in red.table("trust")} == {"red"}
    assert set(green.table("cohesion")) == {"compact"}
    assert red.value("tension", "red", "blue") == session.state.value("tension", "blue", "red")
    assert red.value("trust", "blue", "red") is None and red.value("pressure", "blue") is None


def test_a_ruleset_of_other_values_is_shown_by_its_declarations() -> None:
    """Nothing in the view is the bundled ruleset's: a ruleset that tracks a "morale" seen by
    its holder and a public "rivalry" as its escalation value gets a view of exactly those."""
    from attrs import evolve

    from detente.engine.tracks import BUDGET, EVERYONE, HOLDER, Track

    st = new_session(_strait()).state
    morale = Track("morale", "actor", int, (0, 10), HOLDER)
    rivalry = Track("rivalry", "pair", int, (0, 100), EVERYONE)
    ids = st.scenario.actor_ids
    pairs = {tuple(sorted((a, b))): 57 for a in ids for b in ids if a < b}
    st = evolve(st, ruleset=evolve(st.ruleset, figures={}),
                tracks={"budget": BUDGET, "morale": morale, "rivalry": rivalry},
                values={"budget": st.values["budget"], "morale": dict.fromkeys(ids, 4), "rivalry": pairs})
    v = view(st, "red", escalation="rivalry")
    assert set(v.values) == {"budget", "morale", "rivalry"} and v.table("morale") == {"red": 4}
    assert all(p.rung == 5 and p.figures == {} for p in v.pairs)
    assert view(st, PUBLIC, escalation="").values.keys() == {"rivalry"}
    assert all(p.rung is None for p in view(st, PUBLIC, escalation="").pairs)


def test_the_table_covers_every_event_kind_and_value_and_the_docs_list_them() -> None:
    from detente.engine.events import KINDS
    from detente.engine.tracks import EVERYONE, HOLDER, MEMBERS
    from detente.engine.visibility import EVENTS, tracks_of

    assert set(KINDS) <= set(EVENTS)
    doc = (ROOT / "docs" / "log-format.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Who sees what"):]
    section = section[: section.index("\n## ", 3)]
    for name in KINDS:
        assert f"`{name}`" in section, f"docs/log-format.md, Who sees what: {name} is missing"
    # Each declared value is in the doc's table, in a row that says its scope and its audience.
    words = {EVERYONE: "everyone", MEMBERS: "the alliance's members"}
    for name, track in tracks_of(_strait().rules.name).items():
        rows = [line for line in section.splitlines() if line.startswith("|") and f"`{name}`" in line]
        row = rows[0] if rows else None
        assert row is not None, f"docs/log-format.md, Who sees what: the value {name} is missing"
        want = words.get(track.seen_by) or ("the holder" if track.scope == "directed" else "the actor")
        assert track.seen_by in (EVERYONE, HOLDER, MEMBERS)
        assert f"| {track.scope} |" in row and want in row, f"docs/log-format.md says {row!r} of {name}"


def test_a_timeline_entry_carries_what_it_is_about() -> None:
    """One reader for every screen, summary and report (engine.entries.Reader): an answer, a
    line said and a withdrawal carry the call they are about, a broken pledge the promise and
    the turn it was made; each entry knows its turn and phase, and keeps the event it came from."""
    from detente.engine import entries

    events = [
        {"kind": "phase", "turn": 2, "phase": "communications"},
        {"kind": "proposal", "id": "2-1", "by": "blue", "to": ["red"], "order": {"move": "hotline_call"}},
        {"kind": "response", "id": "2-1", "by": "red", "accept": True},
        {"kind": "message", "id": "2-1", "by": "red", "text": "we hear you"},
        {"kind": "pledge", "id": "2-1-1", "call": "2-1", "by": "red", "to": "blue", "pledge": "x",
         "region": "", "until": 3},
        {"kind": "phase", "turn": 3, "phase": "adjudication"},
        {"kind": "pledge_status", "id": "2-1-1", "status": "broken"},
        {"kind": "withdrawn", "id": "9-9", "by": "blue", "cost": 1},
        {"kind": "from_a_newer_engine", "x": 1},
    ]
    before = [dict(e) for e in events]
    _, call, answer, said, promise, _, broken, withdrawn, unknown = entries.read(events)
    assert events == before  # reading changes no event
    assert isinstance(call, entries.Proposed) and call.order.move == "hotline_call" and call.to == ("red",)
    assert isinstance(answer, entries.Answered) and answer.about is call and answer.accept
    assert isinstance(said, entries.Said) and said.about is call and said.text == "we hear you"
    assert isinstance(broken, entries.PledgeSettled) and broken.pledge is promise
    assert isinstance(promise, entries.Pledged) and promise.turn == 2 and promise.by == "red"
    assert (broken.turn, broken.phase) == (3, "adjudication")
    assert isinstance(withdrawn, entries.Withdrawn) and withdrawn.about is None  # never seen
    assert isinstance(unknown, entries.Other) and unknown.fields["x"] == 1
    assert answer.involves("red") and answer.involves("blue") is False and call.involves("red")


def test_an_entry_holds_only_what_the_role_saw() -> None:
    """A field the visibility table took away reads as its default: a third party's copy of a
    change has no cause, a team's override reads the public text as its reason and has no
    public field of the facilitator's."""
    from detente.engine import entries
    from detente.engine.loader import EXAMPLE, load_scenario_text
    from detente.engine.views import timeline

    s = load_scenario_text(EXAMPLE)
    events = [
        {"kind": "phase", "turn": 1, "phase": "communications", "vis": "all"},
        {"kind": "override", "value": "tension", "of": ["blue", "red"], "to": 40, "reason": "mine",
         "public": "the talks failed", "vis": "all"},
    ]
    (_, fac), (_, team) = (entries.read(timeline(events, r, s)) for r in ("facilitator", "blue"))
    assert isinstance(fac, entries.Overridden) and (fac.reason, fac.public) == ("mine", "the talks failed")
    assert isinstance(team, entries.Overridden) and (team.reason, team.public) == ("the talks failed", "")
