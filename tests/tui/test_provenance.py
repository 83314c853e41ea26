"""Every command that opens a log says who vouches for it; a log this machine did not sign is
re-adjudicated before a report or a branch is made from it; two writers never share a log."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from detente.engine.entries import Overridden
from detente.engine.loader import load_scenario
from detente.engine.log import read_log, write_log
from detente.engine.recorder import RecordedSession, verify
from detente.engine.signing import Key
from detente.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
ORDERS = ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml"


def run(log: Path, scenario: Path = STRAIT) -> Path:
    assert main(["run", str(scenario), "--orders", str(ORDERS), "--log", str(log)]) == 0
    return log


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(tmp_path_factory.mktemp("ours") / "s.jsonl")


def resigned(log: Path, out: Path, edit: bool = False) -> Path:
    """The log as another machine's key signs it, edited first if ``edit``."""
    contents = read_log(log)
    records = [dict(r) for r in contents.records]
    if edit:
        i = next(i for i, r in enumerate(records) if r["kind"] == "changed" and r["value"] == "tension")
        records[i]["to"] = 97
    write_log(out, contents.header, records, key=Key.generate())
    return out


def test_replay_says_a_log_is_signed_by_this_machine(ours: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(ours)]) == 0
    assert capsys.readouterr().out.startswith("Log: signed by this machine's key\n")


def test_a_log_from_another_machine_is_named_and_reported_once_it_re_adjudicates(
    ours: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    theirs = resigned(ours, tmp_path / "theirs.jsonl")
    capsys.readouterr()
    assert main(["report", str(theirs), "-o", str(tmp_path / "r.md")]) == 0
    assert "signed by another key, SHA256:" in capsys.readouterr().err
    assert (tmp_path / "r.md").exists()


def test_a_forgery_signed_with_another_key_makes_no_report_and_no_branch(
    ours: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = resigned(ours, tmp_path / "forged.jsonl", edit=True)
    capsys.readouterr()
    assert main(["report", str(forged), "-o", str(tmp_path / "r.md")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(f"detente: {forged}:") and "does not re-adjudicate" in err[-1]
    assert not (tmp_path / "r.md").exists()
    assert main(["branch", str(forged), "--at", "2", "-o", str(tmp_path / "b.jsonl")]) == 1
    assert not (tmp_path / "b.jsonl").exists()
    assert main(["replay", str(forged), "--verify"]) == 1
    assert capsys.readouterr().err.splitlines()[-1].startswith(f"detente: {forged}:")


def test_resume_notes_a_scenario_file_that_changed_since(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "mine.toml"
    scenario.write_bytes(STRAIT.read_bytes())
    log = tmp_path / "s.jsonl"
    with RecordedSession.create(load_scenario(scenario), log, source=str(scenario)):
        pass
    scenario.write_text(scenario.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["run", "--resume", str(log), "--orders", str(ORDERS)]) == 0
    err = capsys.readouterr().err
    assert f"the scenario file {scenario} has changed since the session began" in err
    assert main(["replay", str(log)]) == 0
    assert "has changed since" in capsys.readouterr().out


HOLD = """
import sys, time
from detente.engine.recorder import RecordedSession
rec = RecordedSession.resume(sys.argv[1])
print("holding", flush=True)
time.sleep(60)
"""


def test_run_resume_is_refused_while_another_process_writes_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "s.jsonl"
    with RecordedSession.create(load_scenario(STRAIT), log):
        pass
    before = log.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(log)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        assert main(["run", "--resume", str(log), "--orders", str(ORDERS)]) == 1
        err = capsys.readouterr().err
        assert f"is being written by another Détente (pid {holder.pid} on " in err
    finally:
        holder.kill()
        holder.wait(10)
    assert log.read_bytes() == before


def test_two_run_resumes_at_once_never_corrupt_the_log(tmp_path: Path) -> None:
    detente = [sys.executable, "-c", "import sys; from detente.tui.cli import main; sys.exit(main())"]
    for trial in range(4):
        log = tmp_path / f"c{trial}.jsonl"
        with RecordedSession.create(load_scenario(STRAIT), log):
            pass
        both = [
            subprocess.Popen(
                [*detente, "run", "--resume", str(log), "--orders", str(ORDERS)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for p in both:
            _, err = p.communicate(timeout=120)
            assert p.returncode == 0 or "is being written by another Détente" in err, err
        assert verify(log) == []


def test_the_client_timeline_shows_alliance_values_to_members_only(tmp_path: Path) -> None:
    from detente.engine.commands import Advance, Override, Start
    from detente.tui.app.client import LocalClient

    client = LocalClient.new(load_scenario(ROOT / "scenarios" / "border_exercise.toml"), tmp_path / "s.jsonl")
    try:
        assert client.apply(Start()).accepted
        assert client.apply(Advance()).accepted
        assert client.apply(Override("cohesion", ("pact",), 40, "the pact wavers")).accepted
        seen = {
            role: [e for e in client.timeline(role) if isinstance(e, Overridden)]
            for role in ("blue", "yellow", "red", "public")
        }
    finally:
        client.close()
    assert seen["blue"] and seen["yellow"]  # members of the pact
    assert not seen["red"] and not seen["public"]


def test_lines_cut_off_the_end_are_noticed_on_the_machine_that_wrote_them(
    ours: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "s.jsonl"
    log.write_bytes(ours.read_bytes())
    assert main(["replay", str(log)]) == 0
    assert "cut off" not in capsys.readouterr().out
    contents = read_log(log)
    last_group = max(i for i, r in enumerate(contents.records) if r["kind"] == "command")
    data = log.read_bytes()  # whole groups dropped at the end: every check it holds still passes
    log.write_bytes(data[: data.index(b'{"seq":%d,' % contents.records[last_group]["seq"])])
    assert verify(log) == []
    assert main(["replay", str(log)]) == 0
    out = capsys.readouterr().out
    assert f"this machine wrote this log up to line {contents.next_seq}" in out
    assert "lines were cut off its end" in out
