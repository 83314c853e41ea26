"""The command line: clear one-line errors, exit codes, and output that is the same
for two runs with the same seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
ORDERS = ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_validate_reports_ok_and_errors_with_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nid = "x"\ntitle = "X"\n\n[turns]\nlimit = "eight"\n', encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(STRAIT))
    assert code == 0 and out.strip() == f"{STRAIT}: ok"
    code, out, _ = run(capsys, "validate", str(STRAIT), str(bad))
    assert code == 1
    assert f"{STRAIT}: ok" in out
    assert f"{bad}:6: turns.limit:" in out


def test_validate_every_bundled_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    paths = sorted(str(p) for p in (ROOT / "scenarios").glob("*.toml"))
    code, out, _ = run(capsys, "validate", *paths)
    assert code == 0, out
    assert out.count(": ok") == len(paths) == 4


def test_validate_missing_file_is_an_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", "/nonexistent/scenario.toml")
    assert code == 1 and "/nonexistent/scenario.toml" in out + err


def test_run_prints_turns_outcome_and_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "s.jsonl"
    code, out, _ = run(capsys, "run", str(STRAIT), "--orders", str(ORDERS), "--log", str(log))
    assert code == 0
    assert "Day 1:" in out and "rung" in out
    assert "OUTCOME:" in out
    assert f"Log: {log}" in out
    assert log.exists()


def test_run_refuses_to_overwrite_a_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "s.jsonl"
    log.write_text("precious\n", encoding="utf-8")
    code, _, err = run(capsys, "run", str(STRAIT), "--orders", str(ORDERS), "--log", str(log))
    assert code == 1 and "exists" in err
    assert log.read_text(encoding="utf-8") == "precious\n"


def test_run_with_a_bad_orders_file_names_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = tmp_path / "o.toml"
    orders.write_text('[[turn]]\nturn = 1\n[turn.orders]\nblue = [ { mvoe = "deploy" } ]\n', encoding="utf-8")
    code, _, err = run(
        capsys, "run", str(STRAIT), "--orders", str(orders), "--log", str(tmp_path / "x.jsonl")
    )
    assert code == 1
    assert str(orders) in err and "mvoe" in err


def test_run_with_an_illegal_order_stops_and_says_how_to_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = tmp_path / "o.toml"
    orders.write_text(
        '[[turn]]\nturn = 1\n[turn.orders]\n'
        'blue = [ { move = "deploy", force = "no-such-force", region = "x" } ]\n',
        encoding="utf-8",
    )
    log = tmp_path / "x.jsonl"
    code, _, err = run(capsys, "run", str(STRAIT), "--orders", str(orders), "--log", str(log))
    assert code == 1
    assert "refused" in err and "--resume" in err
    assert log.exists()


def test_replay_output_is_the_same_for_two_runs_with_the_same_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outs = []
    for name in ("a", "b"):
        log = tmp_path / f"{name}.jsonl"
        assert (
            run(capsys, "run", str(STRAIT), "--orders", str(ORDERS), "--log", str(log), "--seed", "5")[0] == 0
        )
        for args in ([], ["--turn", "2"], ["--as", "red"], ["--as", "public"], ["--verify"]):
            code, out, _ = run(capsys, "replay", str(log), *args)
            assert code == 0
            outs.append((tuple(args), out))
    half = len(outs) // 2
    assert outs[:half] == outs[half:]
    assert str(tmp_path) not in "".join(o for _, o in outs)


def test_replay_as_a_team_hides_other_briefings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "s.jsonl"
    run(capsys, "run", str(STRAIT), "--orders", str(ORDERS), "--log", str(log))
    code, out, _ = run(capsys, "replay", str(log), "--as", "nobody")
    assert code == 1
    code, out, _ = run(capsys, "replay", str(log), "--as", "public")
    assert code == 0 and "Outlooks" not in out


def test_replay_of_a_corrupted_log_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "s.jsonl"
    run(capsys, "run", str(STRAIT), "--orders", str(ORDERS), "--log", str(log))
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace('"kind"', '"kind" ', 1)
    log.write_text("".join(lines), encoding="utf-8")
    code, _, err = run(capsys, "replay", str(log))
    assert code == 1 and ":6:" in err


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
    )
    assert code == 2 and "validate" in out
