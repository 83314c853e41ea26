"""Adjudication works on a mutable working copy of the state, and a dry run's events can be
thinner; neither may change what happens.

- For random games, folding a command's events into the state before it gives exactly the
  state the session produced while deciding (one fold path: the working copy's).
- A frozen state never changes, whatever a working copy thawed from it does.
- ``detente simulate`` with its thin sink gives the same summary as with every event kept.
"""

from __future__ import annotations

import random
from importlib.resources import files

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from detente.engine.adjudicate import legal_moves
from detente.engine.bots import parse_bot_specs
from detente.engine.commands import FACILITATOR
from detente.engine.events import fold_all
from detente.engine.loader import load_scenario
from detente.engine.randomplay import random_commands
from detente.engine.session import Accepted, new_session
from detente.engine.simulate import play_run, summarise
from detente.engine.views import view

FORUM = load_scenario(files("detente.scenarios").joinpath("regional_forum.toml"))  # type: ignore[arg-type]


def _snapshot(state: object) -> tuple[object, ...]:
    """Everything a state holds, as plain values (the facilitator's view and the raw tables)."""
    st = state
    return (
        view(st, FACILITATOR),  # type: ignore[arg-type]
        {k: dict(v) for k, v in st.values.items()},  # type: ignore[attr-defined]
        dict(st.marks), st.flags, st.calls, dict(st.met), st.count, st.phase, st.turn,  # type: ignore[attr-defined]
        dict(st.fired), st.notices, st.inbox, dict(st.spent), dict(st.pledges), dict(st.tally),  # type: ignore[attr-defined]
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(game=hs.integers(0, 10_000))
def test_the_events_fold_to_the_state_the_session_decided(game: int) -> None:
    session = new_session(FORUM, seed=game)
    for command in random_commands(session, random.Random(game)):
        before = session.state
        kept = _snapshot(before)
        result = session.decide(command)
        assert isinstance(result, Accepted), result
        after = session.commit(result)
        assert _snapshot(fold_all(before, result.events)) == _snapshot(after)
        # Deciding changed nothing the earlier state holds (copy on write).
        assert _snapshot(before) == kept


def test_a_working_copy_never_reaches_the_state_it_came_from() -> None:
    st = new_session(FORUM).state
    tension = dict(st.values["tension"])
    w = st.thaw()
    w.set("tension", ("red", "blue"), 99)
    frozen = w.freeze()
    w.set("tension", ("red", "blue"), 7)
    assert st.values["tension"] == tension
    assert frozen.value("tension", "blue", "red") == 99
    assert w.value("tension", "red", "blue") == 7


def test_legal_moves_are_worked_out_once_per_state_and_team() -> None:
    session = new_session(FORUM)
    from detente.engine.commands import Advance, Start

    session.apply(Start())
    session.apply(Advance())
    st = session.state
    first = legal_moves(st, "red", session.ruleset)
    assert legal_moves(st, "red", session.ruleset) is first
    assert legal_moves(st, "blue", session.ruleset) is not first
    session.apply(Advance())
    assert session.state.phase == "orders"
    assert {lm.move.phase for lm in legal_moves(session.state, "red", session.ruleset)} == {"orders"}


@pytest.mark.parametrize("seed", [1, 7])
def test_a_dry_run_with_the_thin_sink_says_what_it_says_with_every_event(seed: int) -> None:
    bots = parse_bot_specs(["red=hawk", "blue=dove", "green=tit-for-tat"], FORUM)
    template = new_session(FORUM)
    thin = [play_run(FORUM, bots, seed=seed, run=i, template=template) for i in range(12)]
    full = [play_run(FORUM, bots, seed=seed, run=i, template=template, full=True) for i in range(12)]
    assert thin == full
    assert summarise(FORUM, thin) == summarise(FORUM, full)
