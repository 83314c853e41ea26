"""What each role's screens need beside its view, on every welcome and update (docs/protocol.md,
"Beside the view"): a team its own legal moves and prices, the facilitator the teams the phase
waits for and the results it may annul, everyone the clock as measured now — and no role
another's."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from wire import Client

from detente.engine.adjudicate import legal_moves
from detente.engine.annul import annullable
from detente.engine.commands import Advance, Start, SubmitOrders
from detente.engine.loader import load_scenario
from detente.engine.randomplay import random_orders
from detente.engine.recorder import RecordedSession
from detente.net.codes import new_codes
from detente.net.host import Host
from detente.net.protocol import EXTRAS, legal_to_dict

STRAIT = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"
TEAMS = ("blue", "red", "green")
ROLES = (*TEAMS, "facilitator", "spectator")


@pytest.fixture
async def table(tmp_path: Path) -> AsyncIterator[tuple[RecordedSession, dict[str, Client]]]:
    codes = new_codes(ROLES)
    with RecordedSession.create(load_scenario(STRAIT), tmp_path / "s.jsonl") as rec:
        async with Host(rec, codes).serving() as url:
            yield rec, {role: await Client.join(url, codes[role]) for role in ROLES}


async def latest(clients: dict[str, Client]) -> dict[str, dict]:
    """Each client's last update, after reading everything sent so far."""
    for c in clients.values():
        await c.drain(0.15)
    return {r: [m for m in c.received if m["type"] == "update"][-1] for r, c in clients.items()}


def moves_now(rec: RecordedSession, team: str, phase: str | None = None, whole_budget: bool = False) -> list:
    st = rec.state
    if whole_budget:
        st = st.replace(spent={**st.spent, team: 0})
    return legal_to_dict(legal_moves(st, team, rec.session.ruleset, phase, barred=whole_budget))


async def test_welcome_carries_every_extra_and_the_logs_name(table) -> None:
    _, clients = table
    for role, c in clients.items():
        assert set(EXTRAS) | {"bots", "log"} <= set(c.welcome), role
        assert c.welcome["log"] == "s.jsonl" and c.welcome["bots"] == []


async def test_a_team_gets_its_own_legal_moves_and_no_one_elses(table) -> None:
    rec, clients = table
    fac = clients["facilitator"]
    assert (await fac.command("f1", Start()))["accepted"]
    assert (await fac.command("f2", Advance()))["accepted"]  # communications
    assert rec.state.phase == "communications"
    got = await latest(clients)
    for team in TEAMS:
        assert got[team]["moves"] == moves_now(rec, team) != []
        assert got[team]["priced"] == {"communications": moves_now(rec, team, whole_budget=True),
                                       "orders": moves_now(rec, team, "orders", whole_budget=True)}
    # Targets differ by team: each team's list is its own, not a shared one.
    assert len({str(got[t]["moves"]) for t in TEAMS}) > 1
    for role in ("facilitator", "spectator"):
        assert (got[role]["moves"], got[role]["priced"]) == ([], {}), role


async def test_the_facilitator_alone_sees_who_is_awaited_and_what_it_may_annul(table) -> None:
    rec, clients = table
    fac = clients["facilitator"]
    for i, command in enumerate((Start(), Advance(), Advance()), 1):  # to the orders phase
        assert (await fac.command(f"f{i}", command))["accepted"]
    assert rec.state.phase == "orders"
    got = await latest(clients)
    assert got["facilitator"]["waiting"] == list(rec.session.waiting_for()) == list(TEAMS)
    assert got["facilitator"]["annullable"] == []
    for i, team in enumerate(TEAMS):
        orders = random_orders(rec.state, team, rec.session.ruleset, random.Random(i))
        assert (await clients[team].command("o", SubmitOrders(team=team, orders=tuple(orders))))["accepted"]
    got = await latest(clients)
    assert got["facilitator"]["waiting"] == []
    assert (await fac.command("f9", Advance()))["accepted"]
    assert rec.state.phase == "adjudication"
    got = await latest(clients)
    review = got["facilitator"]["annullable"]
    assert review and review == [
        {"target": a.target, "kind": a.kind, "team": a.team, "text": a.text, "changes": a.changes,
         "annulled": a.annulled} for a in annullable(rec.session)]
    for role in (*TEAMS, "spectator"):
        assert (got[role]["waiting"], got[role]["annullable"]) == ([], []), role
