"""A network client's command id (``cid``) goes into the log with its command, so a host restarted
on the log still applies a retried command once; every reader of the log keeps or ignores it."""

from __future__ import annotations

import doctest
from pathlib import Path

from detente.engine import recorder
from detente.engine.commands import Advance, Note, Start, SubmitOrders
from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.recorder import RecordedSession, branch, replay, verify

STRAIT = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"


def _play(path: Path) -> None:
    with RecordedSession.create(load_scenario(STRAIT), path) as rec:
        assert rec.apply(Start(), cid="f-1").accepted
        assert rec.apply(Advance()).accepted  # a command from a hot-seat front end has none
        assert rec.apply(Note(text="n"), cid="f-2").accepted
        assert rec.apply(Advance(), cid="f-3").accepted
        assert rec.state.phase == "orders"
        assert rec.apply(SubmitOrders(team="blue", orders=()), cid="f-1").accepted  # blue's own f-1
        assert not rec.apply(SubmitOrders(team="blue", orders=()), cid="x").accepted  # sealed already
        assert rec.applied_ids() == {
            ("facilitator", "f-1"), ("facilitator", "f-2"), ("facilitator", "f-3"),
            ("blue", "f-1"),
        }


def test_the_cid_is_logged_with_its_command_and_known_again_on_resume(tmp_path: Path) -> None:
    log = tmp_path / "s.jsonl"
    _play(log)
    commands = [r for r in read_log(log).records if r["kind"] == "command"]
    assert [r.get("cid") for r in commands] == ["f-1", None, "f-2", "f-3", "f-1"]
    assert read_log(log).header["version"] == 2
    with RecordedSession.resume(log) as rec:
        assert ("blue", "f-1") in rec.applied_ids() and ("facilitator", "f-3") in rec.applied_ids()
        assert ("red", "f-1") not in rec.applied_ids()
        assert rec.apply(SubmitOrders(team="red", orders=()), cid="r-1").accepted
        assert ("red", "r-1") in rec.applied_ids()
    assert ("red", "r-1") in RecordedSession.resume(log).applied_ids()


def test_a_log_with_cids_verifies_replays_and_branches_keeping_them(tmp_path: Path) -> None:
    log = tmp_path / "s.jsonl"
    _play(log)
    assert verify(log) == []
    assert replay(log).session.state.phase == "orders"
    b = branch(log, tmp_path / "b.jsonl", 1, "orders")
    kept = [r.get("cid") for r in read_log(b.path).records if r["kind"] == "command"]
    assert kept == ["f-1", None, "f-2", "f-3"]
    assert verify(b.path) == []


def test_module_doctests() -> None:
    assert doctest.testmod(recorder).failed == 0
