"""Every command that takes a scenario takes a bundled scenario's name as well as a file
(``detente validate strait_standoff``), and a file that exists wins over a bundled name."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.tui.app import app as app_module
from detente.tui.cli import main
from detente.tui.cli.common import resolve_scenario

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
MINI = ROOT / "tests" / "data" / "mini.toml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize("name", ["strait_standoff", "strait-standoff", "strait_standoff.toml"])
def test_validate_takes_a_bundled_name(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no such file here: only the bundled one can be meant
    code, out, _ = run(capsys, "validate", name)
    assert (code, out) == (0, f"{name}: ok\n")
    code, out, _ = run(capsys, "validate", "--strict", name)
    assert (code, out) == (0, f"{name}: ok\n")


def test_validate_names_the_bundled_scenarios_for_an_unknown_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "validate", "strait_standof", "strait_standoff")
    assert code == 1
    assert "strait_standof: <file>: cannot read the file" in out
    assert "bundled: border_exercise, incident_at_sea, regional_forum, strait_standoff" in out
    assert out.endswith("strait_standoff: ok\n")


def test_a_file_that_exists_wins_over_a_bundled_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "strait_standoff").write_text("[scenario]\nid = 1\n", encoding="utf-8")
    assert resolve_scenario("strait_standoff") == Path("strait_standoff")
    code, out, _ = run(capsys, "validate", "strait_standoff")
    assert code == 1 and "strait_standoff:2: scenario.id:" in out and ": ok" not in out


def test_run_and_simulate_take_a_bundled_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "run", "strait_standoff", "--bot", "blue=dove", "--bot", "red=hawk",
                       "--bot", "green=dove", "--log", "s.jsonl")
    assert code == 0 and "OUTCOME:" in out
    code, out, _ = run(capsys, "simulate", "border-exercise", "--runs", "2")
    assert code == 0 and out.startswith("Border Exercise: 2 runs")


def test_play_takes_a_bundled_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    monkeypatch.setattr(app_module.DetenteApp, "run", lambda self: seen.append(self.client))
    code, out, _ = run(capsys, "play", "regional_forum", "--sessions", str(tmp_path))
    assert code == 0 and "Log:" in out
    assert seen[0].scenario.scenario.id == "regional-forum"


def test_play_pin_asks_twice_and_keeps_only_a_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`detente play SCENARIO --pin` asks for the PIN (not shown), and the console's hand-back lock
    opens on it; the log holds its salted hash, not the PIN."""
    import getpass

    seen = []
    typed = iter(["4711", "4712", "4711", "4711"])  # a slip, then the same PIN twice
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    monkeypatch.setattr(app_module.DetenteApp, "run", lambda self: seen.append(self.client))
    code, _, err = run(capsys, "play", "strait_standoff", "--pin", "--sessions", str(tmp_path))
    assert code == 0 and "differ" in err
    client = seen[0]
    assert client.pin_matches("4711") and not client.pin_matches("0000")
    (log,) = tmp_path.glob("*.jsonl")
    assert "4711" not in log.read_text()


def test_play_pin_is_refused_with_resume_and_when_nothing_is_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "")
    monkeypatch.setattr(app_module.DetenteApp, "run", lambda self: None)
    code, _, err = run(capsys, "play", "strait_standoff", "--pin", "--sessions", str(tmp_path))
    assert code != 0 and "no PIN typed" in err and "Traceback" not in err
    assert not list(tmp_path.glob("*.jsonl")), "no log is started without the PIN"
    code, _, err = run(capsys, "play", "--resume", str(tmp_path / "x.jsonl"), "--pin")
    assert code != 0 and "keeps the PIN in its log" in err
