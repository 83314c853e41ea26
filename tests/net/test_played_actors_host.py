"""A workshop host and the actors no team plays (issue 12): no join code for them, the host's bot
plays the background one, and the facilitator — joined with its code — plays its own actor with
that actor's view and moves, its commands logged as the facilitator's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_remote import ServedHost, until

from detente.engine.bots import BOTS
from detente.engine.commands import Advance, Propose, Start, SubmitOrders
from detente.engine.loader import load_scenario
from detente.engine.recorder import RecordedSession
from detente.engine.state import Order
from detente.net.codes import new_codes
from detente.net.host import Host
from detente.net.remote import join

COASTAL = Path(__file__).resolve().parents[1] / "data" / "coastal.toml"


@pytest.fixture
def rec(tmp_path: Path) -> RecordedSession:
    recorded = RecordedSession.create(load_scenario(COASTAL), tmp_path / "s.jsonl")
    yield recorded
    recorded.close()


def test_no_join_code_is_issued_for_an_actor_no_team_plays(rec: RecordedSession) -> None:
    host = Host(rec, {})
    assert host.roles() == ["blue", "red", "facilitator", "evaluator", "spectator"]
    assert set(new_codes(host.roles())) == {"blue", "red", "facilitator", "evaluator", "spectator"}
    assert host.bots == {"fish": BOTS["dove"]} and host.played == {"coast"}
    for actor in ("coast", "fish"):
        with pytest.raises(ValueError, match=f"no team plays {actor}: it has no code"):
            Host(rec, {actor: "1234-5678"})


def test_the_facilitator_plays_its_actor_over_the_network(rec: RecordedSession) -> None:
    codes = new_codes(["blue", "red", "facilitator", "spectator"])
    with ServedHost(rec, codes) as served:
        fac = join(served.url, codes["facilitator"])
        blue = join(served.url, codes["blue"])
        try:
            assert fac.apply(Start()).accepted and fac.apply(Advance()).accepted
            until(lambda: fac.view("coast").phase == "communications")
            # Lirania's own view and moves reach the facilitator: its screen can open.
            mine = fac.view("coast")
            assert mine.role == "coast" and "COAST-SECRET" in mine.private_briefing
            assert {lm.move.name for lm in fac.moves("coast")} >= {"hotline_call", "mil_to_mil_exchange"}
            assert fac.view("facilitator").role == "facilitator"
            # A team may not act for Lirania; the facilitator may, and for no team.
            call = Propose(team="coast", order=Order(move="hotline_call", target="blue"))
            assert not blue.apply(call).accepted
            for_red = Propose(team="red", order=Order(move="hotline_call", target="blue"))
            assert not fac.apply(for_red).accepted
            assert fac.apply(call).accepted
            assert fac.apply(Advance()).accepted
            deploy = Order(move="deploy", force="coast-guard", region="shelf")
            orders = SubmitOrders(team="coast", orders=(deploy,))
            assert fac.apply(orders).accepted
            # The background bot sealed its own orders; the facilitator never had to.
            assert set(fac.waiting_for()) == {"blue", "red"}
            assert blue.view("blue").actors and not blue.view("blue").orders.get("coast")
        finally:
            fac.close()
            blue.close()
    records = [json.loads(line) for line in Path(rec.path).read_text(encoding="utf-8").splitlines()[1:]]
    by = {(r["command"]["type"], r["command"].get("team")): r.get("by")
          for r in records if r["kind"] == "command"}
    assert by[("propose", "coast")] == by[("orders", "coast")] == "facilitator"
    assert by[("orders", "fish")] is None  # the bot's are its actor's own
