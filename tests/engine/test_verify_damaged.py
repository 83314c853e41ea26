"""`replay --verify` never crashes: a well-chained log whose content no Détente wrote gives
``FILE:LINE: message`` and exit 1."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from detente.engine.loader import load_scenario
from detente.engine.orders import load_script, next_command
from detente.engine.recorder import RecordedSession
from detente.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
STRAIT_ORDERS = ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml"


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """An unsigned log's lines (a forger's starting point; signatures have their own tests)."""
    path = tmp_path_factory.mktemp("log") / "s.jsonl"
    script = load_script(STRAIT_ORDERS)
    with RecordedSession.create(load_scenario(STRAIT), path, key=None) as rec:
        for _ in range(30):
            assert rec.apply(next_command(rec.state, script)).accepted  # type: ignore[arg-type]
    return path.read_text(encoding="utf-8").splitlines()


def chained(bodies: list[str], out: Path) -> Path:
    """Lines from JSON bodies (without their checksums), chained as the writer chains them."""
    prev, text = "", []
    for body in bodies:
        digest = hashlib.sha256(f"{prev}{body}".encode()).hexdigest()
        text.append(f'{body[:-1]},"sha256":"{digest}"}}\n')
        prev = digest
    out.write_text("".join(text), encoding="utf-8")
    return out


def bodies_of(lines: list[str]) -> list[dict]:
    out = []
    for line in lines:
        record = json.loads(line)
        del record["sha256"]
        out.append(record)
    return out


def dumped(records: list[dict]) -> list[str]:
    return [json.dumps(r, separators=(",", ":"), ensure_ascii=False) for r in records]


def at(records: list[dict], kind: str, start: int = 1) -> int:
    return next(i for i, r in enumerate(records) if i >= start and r.get("kind") == kind)


def _unknown_command(r: list[dict]) -> None:
    r[at(r, "command", 3)]["command"]["type"] = "launch_missiles"


def _extra_field(r: list[dict]) -> None:
    r[at(r, "command", 3)]["command"]["colour"] = "red"


def _wrong_typed_seed(r: list[dict]) -> None:
    r[0]["seed"] = "seven"


def _wrong_typed_numbers(r: list[dict]) -> None:
    from detente.engine.log import canonical_sha256

    r[0]["ruleset"]["numbers"] = ["not", "a", "table"]
    r[0]["ruleset_sha256"] = canonical_sha256(r[0]["ruleset"]["numbers"])


def _empty_list(r: list[dict]) -> None:
    i = at(r, "changed")
    r[i]["of"] = []


def _empty_known(r: list[dict]) -> None:
    r[at(r, "phase")]["turn"] = []


def _wrong_kind(r: list[dict]) -> None:
    r[at(r, "changed")]["kind"] = "teleport"


def _command_not_a_dict(r: list[dict]) -> None:
    r[at(r, "command", 3)]["command"] = ["start"]


DAMAGE: dict[str, Callable[[list[dict]], None]] = {
    "an unknown command type": _unknown_command,
    "an extra field in a command": _extra_field,
    "a wrong-typed header value": _wrong_typed_seed,
    "wrong-typed ruleset numbers": _wrong_typed_numbers,
    "an event with an empty list": _empty_list,
    "a phase whose turn is a list": _empty_known,
    "an event of no known kind": _wrong_kind,
    "a command that is not a table": _command_not_a_dict,
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_verify_names_file_and_line_and_exits_1(
    lines: list[str], tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    records = bodies_of(lines)
    DAMAGE[damage](records)
    log = chained(dumped(records), tmp_path / "d.jsonl")
    for args in (
        ["replay", str(log), "--verify"],
        ["report", str(log), "-o", "-"],
        ["branch", str(log), "--at", "1", "-o", str(tmp_path / "b.jsonl")],
    ):
        code = main(args)
        err = capsys.readouterr().err
        if args[0] == "replay" or code != 0:
            assert code == 1, (args, err)
            *said, error = err.splitlines()
            assert re.match(rf"detente: {re.escape(str(log))}:\d+: \S", error), err
            assert "Traceback" not in err
            assert all("unsigned: nothing vouches" in line for line in said)  # report and branch


def test_a_line_nested_100000_deep_is_named_not_a_crash(
    lines: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bodies = dumped(bodies_of(lines))
    deep = '{"seq":5,"kind":"changed","x":' + "[" * 100_000 + "]" * 100_000 + "}"
    log = chained([*bodies[:5], deep, *bodies[6:]], tmp_path / "deep.jsonl")
    assert main(["replay", str(log), "--verify"]) == 1
    err = capsys.readouterr().err
    assert (
        err.splitlines()[-1]
        == f"detente: {log}:6: line 6 has been altered or corrupted: it nests too deeply to be a log line"
    )


def test_a_header_nested_100000_deep_is_not_a_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = chained(
        ['{"format":"detente-log","version":1,"x":' + "[" * 100_000 + "]" * 100_000 + ',"seq":0}'],
        tmp_path / "deep.jsonl",
    )
    assert main(["replay", str(log), "--verify"]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_groups_dropped_at_the_end_still_verify_but_the_session_is_shorter(
    lines: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Whole groups cut off the end leave a log that is true as far as it goes: what it holds
    # verifies. (A signed log vouches for what it holds; it cannot vouch for what is missing.)
    records = bodies_of(lines)
    last_command = max(i for i, r in enumerate(records) if r.get("kind") == "command")
    log = chained(dumped(records[:last_command]), tmp_path / "cut.jsonl")
    assert main(["replay", str(log), "--verify"]) == 0
    assert "Verified" in capsys.readouterr().out
