"""The evaluator's seat at a workshop host (issue 13): its own code; it observes and rates and
changes nothing in the game (anything else is refused with the reason, and nothing is logged);
what it is told is what replay shows the evaluator — never the facilitator's notes nor the seed —
and its observations and ratings reach no team and no spectator."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from wire import Client

from detente.engine.commands import (
    Advance,
    Assess,
    Clock,
    End,
    Evaluate,
    Note,
    Observe,
    Override,
    Start,
    SubmitOrders,
    TeamNote,
)
from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.recorder import RecordedSession
from detente.engine.views import timeline
from detente.net.codes import new_codes
from detente.net.host import Host

STRAIT = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"
ROLES = ("blue", "red", "green", "facilitator", "evaluator", "spectator")
SEED = 730_214_977
"""A seed no other number in the session looks like."""
NOTE = "FACILITATOR-NOTE-NOT-FOR-THE-EVALUATOR"
OBSERVED = "EVALUATOR-OBSERVATION-FOR-THE-REPORT"
RATED = "EVALUATOR-RATING-REASON"


@pytest.fixture
def rec(tmp_path: Path) -> RecordedSession:
    recorded = RecordedSession.create(load_scenario(STRAIT), tmp_path / "s.jsonl", seed=SEED)
    yield recorded
    recorded.close()


@pytest.fixture
async def served(rec: RecordedSession) -> AsyncIterator[tuple[str, dict[str, str]]]:
    codes = new_codes(ROLES)
    async with Host(rec, codes).serving("127.0.0.1", 0) as url:
        yield url, codes


def lines(rec: RecordedSession) -> int:
    return len(read_log(rec.path).records)


async def test_the_evaluator_may_observe_and_rate_and_nothing_else(served, rec: RecordedSession) -> None:
    url, codes = served
    evaluator = await Client.join(url, codes["evaluator"])
    assert (evaluator.welcome["role"], evaluator.welcome["name"]) == ("evaluator", "Evaluator")
    fac = await Client.join(url, codes["facilitator"])
    assert (await fac.command("f1", Start()))["accepted"]
    assert (await fac.command("f2", Advance()))["accepted"]
    assert (await fac.command("f3", Advance()))["accepted"]  # orders
    before = lines(rec)
    refused = [
        (Advance(), "changes nothing in the game: no “advance” command"),
        (Override(value="tension", of=("blue", "red"), to=0, reason="r"), "no “override” command"),
        (SubmitOrders(team="blue", orders=()), "no “orders” command"),
        (End(reason="enough"), "no “end” command"),
        (Note(text="mine"), "no “note” command"),
        (Clock("set", seconds=60), "no “clock” command"),
        (TeamNote(team="blue", text="theirs"), "no “team note” command"),
        (Observe(text="as the facilitator", by="facilitator"),
         "records as the evaluator, not as facilitator"),
    ]
    for i, (command, reason) in enumerate(refused):
        ack = await evaluator.command(f"r{i}", command)
        assert ack["type"] == "ack" and ack["accepted"] is False, command
        assert reason in ack["reason"], (command, ack)
    assert lines(rec) == before
    assert rec.state.phase == "orders" and rec.state.orders == {} and rec.state.outcome is None
    # What it may do, it does (and the engine's own refusals come back in its words).
    assert (await evaluator.command("o1", Observe(text="Azuria waited", about="blue")))["accepted"]
    rating = Evaluate(rating="S", reason="slow but sure", capability="Operational communications")
    assert (await evaluator.command("e1", rating))["accepted"]
    ack = await evaluator.command("e2", Evaluate(rating="A", reason="?", capability="x"))
    assert ack["accepted"] is False and "HSEEP" in ack["reason"]
    nowhere = Assess(expectation="nowhere", status="met", reason="r", by="evaluator")
    ack = await evaluator.command("a1", nowhere)
    assert ack["accepted"] is False and "no expectation" in ack["reason"]
    # The facilitator's seat does not record as the evaluator.
    ack = await fac.command("f4", Observe(text="as the evaluator"))
    assert ack["accepted"] is False and "evaluator's seat" in ack["reason"]
    kinds = [r["kind"] for r in read_log(rec.path).records[before:]]
    assert kinds == ["command", "observation", "command", "evaluation"]


async def test_the_evaluator_reads_what_replay_shows_it_and_its_records_reach_no_team(
    served, rec: RecordedSession
) -> None:
    url, codes = served
    clients = {role: await Client.join(url, codes[role]) for role in ROLES}
    fac, evaluator = clients["facilitator"], clients["evaluator"]
    assert (await fac.command("f1", Start()))["accepted"]
    assert (await fac.command("f2", Note(text=NOTE)))["accepted"]
    assert (await fac.command("f3", Advance()))["accepted"]
    observed = Observe(text=OBSERVED, about="red", finding="improvement")
    assert (await evaluator.command("o1", observed))["accepted"]
    assert (await evaluator.command("e1", Evaluate(rating="M", reason=RATED, objective=1)))["accepted"]
    assert (await fac.command("f4", End(reason="time")))["accepted"]
    # After the end, the hot wash: still the evaluator's.
    assert (await evaluator.command("o2", Observe(text=OBSERVED + " after the end")))["accepted"]
    for client in clients.values():
        await client.drain()

    records = read_log(rec.path).records
    events = [{k: v for k, v in r.items() if k != "sha256"} for r in records if r["kind"] != "command"]
    scenario = load_scenario(STRAIT)
    # The evaluator is told exactly what replay shows it, each event with its line in the log.
    told = evaluator.timeline()
    assert told == json.loads(json.dumps(timeline(events, "evaluator", scenario)))
    assert {e["kind"] for e in told} >= {"observation", "evaluation", "outcome"}
    assert all(e["seq"] > 0 for e in told)
    text = json.dumps([evaluator.welcome, *evaluator.received], ensure_ascii=False)
    assert NOTE not in text
    assert str(SEED) not in text
    assert told[0]["kind"] == "start" and "seed" not in told[0]
    assert OBSERVED in text and RATED in text
    # The facilitator reads them too; no team and no spectator does, nor a line number.
    assert OBSERVED in json.dumps(fac.received, ensure_ascii=False)
    for role in ("blue", "red", "green", "spectator"):
        seen = json.dumps([clients[role].welcome, *clients[role].received], ensure_ascii=False)
        assert OBSERVED not in seen and RATED not in seen, role
        assert all("seq" not in e for e in clients[role].timeline()), role
