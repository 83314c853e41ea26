"""Orders files (``detente run --orders``) that used to crash: each problem is now one
``FILE:LINE: field: message`` line, with the scenario loader's size limits."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from detente.engine.orders import MAX_TURN, ScriptError, load_script, parse_script
from detente.tui.cli import main

STRAIT = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"


def shown(text: str) -> list[str]:
    with pytest.raises(ScriptError) as info:
        parse_script(text, "o.toml")
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


@pytest.mark.parametrize(("text", "expected"), [
    ("turn = 5\n", ["o.toml:1: turn: expected [[turn]] tables, one for each turn scripted"]),
    ('turn = "1"\n', ["o.toml:1: turn: expected [[turn]] tables, one for each turn scripted"]),
    ("turn = [5]\n", ["o.toml:1: turn[0]: expected a [[turn]] table"]),
    ("x = " + "[" * 1000 + "]" * 1000 + "\n",
     ["o.toml:1:21: <syntax>: lists and inline tables nested more than 16 deep"]),
    ("[[turn]]\nturn = 1" + "0" * 5000 + "\n",
     ["o.toml:2: <syntax>: a whole number of more than 4,300 digits"]),
    ("[[turn]]\nturn = 1" + "0" * 400 + "\n",
     ["o.toml:2: turn[0].turn: a whole number of 401 digits is too large: whole numbers are "
      "-9,223,372,036,854,775,808 to 9,223,372,036,854,775,807"]),
    ("[[turn]]\nturn = 0\n", ["o.toml:2: turn[0].turn: turn must be 1–200, got 0"]),
    ("[[turn]]\nturn = 1\n[[turn.answers]]\nteam = 'a'\nfrom = 'b'\nmove = 'm'\naccept = true\n"
     "pledges = [{ by = 'a', kind = 'k', turns = -1 }]\n",
     ["o.toml:8: turn[0].answers[0].pledges[0].turns: turns must be 1–200, got -1"]),
    ("[[turn]]\nturn = 1\n[turn.orders]\n\"bl\\nue\" = 3\nred = [{ move = 3 }]\n",
     ['o.toml:4: turn[0].orders."bl\\nue": expected a list of orders',
      "o.toml:5: turn[0].orders.red[0].move: expected text in quotes, got the number 3"]),
    ("[[turn]\n", ["o.toml:1:7: <syntax>: the table header is not closed with ]]: write "
                   "[[name]], with nothing but a comment after it"]),
    ("a" + ".b" * 200_000 + " = 1\n",
     ["o.toml:1:1: <syntax>: a dotted key or table name of more than 16 parts"]),
])
def test_damaged_orders_files(text: str, expected: list[str]) -> None:
    assert shown(text) == expected


def test_many_problems_are_found_quickly_and_cut() -> None:
    started = time.perf_counter()
    text = "".join(f"[[turn]]\nturn = {n}\n[turn.orders]\nblue = [{{ mvoe = 1 }}]\n"
                   for n in range(1, 201))
    found = shown(text)
    assert time.perf_counter() - started < 5  # the lines are found once, not once a problem
    assert len(found) == 101 and found[-1] == "o.toml: <orders>: 300 more problems (only the " \
        "first 100 are listed)"
    assert found[0] == "o.toml:4: turn[0].orders.blue[0].mvoe: unknown field 'mvoe' (fields: " \
        "move, target, targets, region, force, choice, text, team)"


def test_the_highest_turn_is_the_longest_scenario() -> None:
    assert parse_script(f"[[turn]]\nturn = {MAX_TURN}\n").for_turn(MAX_TURN).turn == MAX_TURN


def test_an_orders_file_over_the_size_limit_or_not_utf8(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 2_000_001)
    with pytest.raises(ScriptError) as info:
        load_script(big)
    assert info.value.problems == [f"{big}: <file>: the file is larger than 2,000,000 bytes, the "
                                   "most an orders file may be"]
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[[turn]]\nturn = 1 # caf\u00e9\n'.encode("latin-1"))
    with pytest.raises(ScriptError) as info:
        load_script(latin)
    assert info.value.problems == [f"{latin}:2:15: <encoding>: the file is not UTF-8 text (byte "
                                   "0xe9 cannot be read); save it with the UTF-8 encoding"]


def test_run_with_a_damaged_orders_file_exits_1_with_one_line_per_problem(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    orders = tmp_path / "o.toml"
    orders.write_text("turn = 5\n", encoding="utf-8")
    code = main(["run", str(STRAIT), "--orders", str(orders), "--log", str(tmp_path / "x.jsonl")])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err
    assert err.splitlines() == [f"detente: {orders}:1: turn: expected [[turn]] tables, one for "
                                "each turn scripted"]
