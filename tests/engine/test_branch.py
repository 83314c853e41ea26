"""What-if branches: a branched log is its parent up to the branch point, then its own session."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from detente.engine.commands import FACILITATOR
from detente.engine.loader import load_scenario
from detente.engine.log import LogError, read_log
from detente.engine.orders import load_script, next_command
from detente.engine.randomplay import random_commands
from detente.engine.recorder import RecordedSession, branch, lineage, replay, verify
from detente.engine.views import view
from detente.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
STRAIT_ORDERS = ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml"


@pytest.fixture(scope="module")
def parent(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("parent") / "parent.jsonl"
    script = load_script(STRAIT_ORDERS)
    with RecordedSession.create(load_scenario(STRAIT), path) as rec:
        while (cmd := next_command(rec.state, script)) is not None:
            assert rec.apply(cmd).accepted
    return path


def bodies(path: Path) -> list[dict]:
    """Records without the chain hash (the header differs, so every hash does)."""
    return [{k: v for k, v in r.items() if k not in ("sha256", "sig")} for r in read_log(path).records]


def test_a_branch_holds_the_parent_up_to_the_branch_point_and_verifies(parent: Path, tmp_path: Path) -> None:
    out = tmp_path / "what-if.jsonl"
    b = branch(parent, out, 3, "orders")
    mine, theirs = bodies(out), bodies(parent)
    assert mine == theirs[: len(mine)]
    assert len(mine) < len(theirs)
    # It stops exactly as turn 3's orders phase began: the state is there, nothing of it played yet.
    assert (b.state.turn, b.state.phase) == (3, "orders")
    assert view(replay(out).session.state, FACILITATOR) == view(b.state, FACILITATOR)
    assert not b.state.orders
    assert verify(out) == []


def test_the_header_names_the_parent_and_the_hash_of_its_last_kept_line(parent: Path, tmp_path: Path) -> None:
    out = tmp_path / "what-if.jsonl"
    branch(parent, out, 2)
    header = read_log(out).header
    kept = read_log(parent).records[len(read_log(out).records) - 1]
    assert header["parent"] == {
        "path": str(parent), "sha256": kept["sha256"], "seq": kept["seq"],
        "at": {"turn": 2, "phase": "briefing"},
    }
    assert header["scenario_sha256"] == read_log(parent).header["scenario_sha256"]


def test_a_continued_branch_diverges_only_after_the_branch_point(parent: Path, tmp_path: Path) -> None:
    out = tmp_path / "what-if.jsonl"
    kept = len(read_log(branch(parent, out, 2, "communications").path).records)
    with RecordedSession.resume(out) as rec:
        for cmd in random_commands(rec.session, random.Random(7)):
            assert rec.apply(cmd).accepted
        assert rec.state.ended
    mine, theirs = bodies(out), bodies(parent)
    assert mine[:kept] == theirs[:kept]
    assert mine[kept:] != theirs[kept : len(mine)]
    assert verify(out) == []


def test_a_branch_of_a_branch_keeps_the_whole_lineage(parent: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    branch(parent, first, 4)
    branch(first, second, 2, "debrief")
    paths = [p["path"] for p in lineage(read_log(second).header)]
    assert paths == [str(first), str(parent)]


def test_a_branch_point_the_session_never_reached_is_refused(parent: Path, tmp_path: Path) -> None:
    with pytest.raises(LogError, match="never reached turn 40"):
        branch(parent, tmp_path / "x.jsonl", 40)
    assert not (tmp_path / "x.jsonl").exists()


def test_cli_branch_then_resume_and_replay_shows_lineage(
    parent: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "b.jsonl"
    assert main(["branch", str(parent), "--at", "3:orders", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"detente play --resume {out}" in said
    assert main(["branch", str(parent), "--at", "3:orders", "-o", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["branch", str(parent), "--at", "three", "-o", str(tmp_path / "c.jsonl")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("detente: --at three:") and "Traceback" not in err
    assert main(["branch", str(parent), "--at", "3:x", "-o", str(tmp_path / "c.jsonl")]) == 1
    assert "briefing, communications, orders, adjudication, debrief" in capsys.readouterr().err
    assert main(["replay", str(out)]) == 0
    assert f"branched from {parent} at turn 3, orders" in capsys.readouterr().out
    header = json.loads(out.read_text().splitlines()[0])
    assert header["parent"]["at"] == {"turn": 3, "phase": "orders"}
