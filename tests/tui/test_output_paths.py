"""Paths the user names for output (issue 8): no command writes over a session log, a device or
FIFO is written through and never replaced, a failed write leaves the old file and no *.tmp,
and empty paths and folders are refused — each with one line and exit 1, never a traceback."""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_app import SIZE
from textual.app import App

from detente.tui.app.client import LocalClient
from detente.tui.app.screens.debrief import EndScreen
from detente.tui.app.screens.modals import ChooseModal
from detente.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
ORDERS = ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml"
MINI = ROOT / "tests" / "data" / "mini.toml"

# Each command that writes a file, as (the suffix its file must have, its arguments given the
# session log and where to write). `new` adds .toml itself, so it is given the name without.
Command = Callable[[Path, str], list[str]]
COMMANDS: dict[str, tuple[str, Command]] = {
    "report": (".md", lambda log, out: ["report", str(log), "-o", out]),
    "report-html": (".html", lambda log, out: ["report", str(log), "--format", "html", "-o", out]),
    "report-csv": (".csv", lambda log, out: ["report", str(log), "--format", "csv", "-o", out]),
    "schema": (".json", lambda log, out: ["schema", "-o", out]),
    "simulate": (".csv", lambda log, out: ["simulate", str(MINI), "--runs", "2", "--out", out]),
    "new": (".toml", lambda log, out: ["new", out]),
    "branch": (".jsonl", lambda log, out: ["branch", str(log), "--at", "2", "-o", out]),
}
# The commands that write through a device or FIFO (`new` adds .toml, so /dev/null is not one of
# its names; `simulate` wants .csv or .json; a branch is always a new file).
WRITE_THROUGH = ["report", "report-html", "report-csv", "schema"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def refused(capsys: pytest.CaptureFixture[str], args: list[str], *, said: bool = False) -> str:
    """Run a command that must refuse: exit 1, one line on stderr, nothing on stdout (unless
    ``said``: simulate prints its summary before it writes its file)."""
    code, out, err = run(capsys, *args)
    assert code == 1 and (said or out == ""), err
    assert err.startswith("detente: ") and err.count("\n") == 1, err
    return err


@pytest.fixture(scope="module")
def log_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    log = tmp_path_factory.mktemp("made") / "s.jsonl"
    assert main(["run", str(STRAIT), "--orders", str(ORDERS), "--log", str(log)]) == 0
    return log.read_bytes()


@pytest.fixture
def log(tmp_path: Path, log_bytes: bytes, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # `new` and the default paths write in the current folder
    path = tmp_path / "s.jsonl"
    path.write_bytes(log_bytes)
    return path


# -- a session log is never written over -------------------------------------------------------------


@pytest.mark.parametrize("name", COMMANDS)
def test_no_command_writes_over_a_log_or_a_link_to_one(
    name: str, log: Path, log_bytes: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    suffix, args = COMMANDS[name]
    other = log.with_name(f"other{suffix}")  # another log, named as this command's files are
    other.write_bytes(log_bytes)
    link = log.with_name(f"link{suffix}")
    link.symlink_to(log)
    # Its own log is given to every command but `new`, whose files end in .toml.
    for target in (other, link) if name == "new" else (log, other, link):
        given = str(target.with_suffix("")) if name == "new" else str(target)
        err = refused(capsys, args(log, given))
        assert "already exists" in err if name == "branch" else "is a Détente session log" in err
    assert log.read_bytes() == other.read_bytes() == log_bytes
    assert link.is_symlink() and os.readlink(link) == str(log)
    assert not list(log.parent.glob("*.tmp")) and not list(log.parent.glob(".*.tmp"))


def test_report_onto_its_own_log_in_every_format(
    log: Path, log_bytes: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("md", "html", "csv"):
        err = refused(capsys, ["report", str(log), "--format", fmt, "-o", str(log)])
        assert err == (
            f"detente: {log}: is a Détente session log; it is never overwritten (nothing was written)\n"
        )
    assert log.read_bytes() == log_bytes


# -- devices and FIFOs are written through, never replaced --------------------------------------------


@pytest.fixture
def fifo() -> Iterator[Callable[[Path], list[bytes]]]:
    """Makes a FIFO with a reader in a thread; what it read is in the list once it is written."""
    made: list[tuple[Path, threading.Thread]] = []

    def make(path: Path) -> list[bytes]:
        os.mkfifo(path)
        got: list[bytes] = []

        def read() -> None:
            with open(path, "rb") as f:
                got.append(f.read())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        made.append((path, reader))
        return got

    yield make
    for path, reader in made:
        # Nothing opened it for writing: let the reader see an end. The reader may not have
        # opened its end yet (ENXIO): try again until it has, or has finished.
        for _ in range(100):
            reader.join(0.05)
            if not reader.is_alive():
                break
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError as exc:
                if exc.errno != errno.ENXIO:
                    raise
        reader.join(5)


@pytest.mark.parametrize("name", [*WRITE_THROUGH, "simulate", "new"])
def test_a_fifo_is_written_through(
    name: str, log: Path, fifo: Callable[[Path], list[bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    suffix, args = COMMANDS[name]
    path = log.with_name(f"pipe{suffix}")
    got = fifo(path)
    code, _, err = run(capsys, *args(log, "pipe" if name == "new" else str(path)))
    assert code == 0, err
    for _ in range(100):  # the reader has it once the writer closes; give its thread a moment
        if got:
            break
        threading.Event().wait(0.05)
    assert got and len(got[0]) > 100
    assert stat.S_ISFIFO(path.lstat().st_mode)
    assert sorted(p.name for p in log.parent.iterdir()) == sorted(["s.jsonl", path.name])


def test_branch_refuses_a_fifo_or_device(
    log: Path, log_bytes: bytes, fifo: Callable[[Path], list[bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    path = log.with_name("pipe.jsonl")
    fifo(path)
    for target in (str(path), os.devnull):
        assert "already exists" in refused(capsys, ["branch", str(log), "--at", "2", "-o", target])
    assert stat.S_ISFIFO(path.lstat().st_mode) and log.read_bytes() == log_bytes


@pytest.mark.parametrize("name", WRITE_THROUGH)
def test_dev_null_is_written_through(name: str, log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *COMMANDS[name][1](log, os.devnull))
    assert code == 0, err
    assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("name", WRITE_THROUGH)
def test_a_full_disk_is_one_line_and_dev_full_stays_a_device(
    name: str, log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(capsys, COMMANDS[name][1](log, "/dev/full"))
    assert err == "detente: /dev/full: cannot write: No space left on device (nothing was changed)\n"
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)
    assert not list(Path("/dev").glob("*.tmp")) and not list(Path("/dev").glob(".full*"))


# -- a failed write leaves the old file and no temporary file -------------------------------------------


def full_disk_after(monkeypatch: pytest.MonkeyPatch, name: str, calls: int) -> None:
    """``os.NAME`` works ``calls`` times, then fails as a full disk does."""
    real = getattr(os, name)
    left = [calls]

    def fail(*args: object) -> object:
        if left[0] == 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        left[0] -= 1
        # A short write, so that a file really is half-written when the disk fills up.
        return real(args[0], args[1][: max(1, len(args[1]) // 2)]) if name == "write" else real(*args)

    monkeypatch.setattr(os, name, fail)


@pytest.mark.parametrize("name", ["report", "report-html", "schema", "simulate"])
@pytest.mark.parametrize(("failing", "calls"), [("write", 1), ("fsync", 0)])
@pytest.mark.parametrize("existing", [True, False])
def test_a_full_disk_leaves_the_old_file_and_no_tmp(
    name: str, failing: str, calls: int, existing: bool, log: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    suffix, args = COMMANDS[name]
    out = log.with_name(f"out{suffix}")
    if existing:
        out.write_text("my old work\n", encoding="utf-8")
    full_disk_after(monkeypatch, failing, calls)
    err = refused(capsys, args(log, str(out)), said=name == "simulate")
    monkeypatch.undo()
    assert err == f"detente: {out}: cannot write: No space left on device (nothing was changed)\n"
    if existing:
        assert out.read_text(encoding="utf-8") == "my old work\n"
    else:
        assert not out.exists()
    assert sorted(p.name for p in log.parent.iterdir()) == sorted(["s.jsonl", *[out.name] * existing])


def test_new_on_a_full_disk_leaves_no_half_scenario(
    log: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    full_disk_after(monkeypatch, "write", 1)
    refused(capsys, ["new", "crisis"])
    monkeypatch.undo()
    assert sorted(p.name for p in log.parent.iterdir()) == ["s.jsonl"]


# -- replacing a regular file, where the command says it does ---------------------------------------------


@pytest.mark.parametrize("name", ["report", "report-html", "report-csv", "schema", "simulate"])
def test_an_existing_file_is_replaced_and_keeps_its_mode(
    name: str, log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suffix, args = COMMANDS[name]
    out = log.with_name(f"out{suffix}")
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o640)
    code, _, err = run(capsys, *args(log, str(out)))
    assert code == 0, err
    assert out.read_text(encoding="utf-8") != "old\n" and stat.S_IMODE(out.stat().st_mode) == 0o640
    assert sorted(p.name for p in log.parent.iterdir()) == sorted(["s.jsonl", out.name])


def test_a_link_to_a_file_is_followed_and_stays_a_link(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = log.with_name("real.md")
    real.write_text("old\n", encoding="utf-8")
    link = log.with_name("link.md")
    link.symlink_to(real.name)
    assert run(capsys, "report", str(log), "-o", str(link))[0] == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("# After-action report")


def test_the_help_says_which_commands_replace_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("report", "schema", "simulate"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "replaced" in text or "replaces" in text, command
        assert "never a session log" in text or "a session log never is" in text, command
    with pytest.raises(SystemExit):
        main(["new", "--help"])
    assert "never overwrites" in capsys.readouterr().out


# -- empty paths, folders, missing folders ---------------------------------------------------------------


@pytest.mark.parametrize("name", COMMANDS)
def test_empty_paths_and_folders_are_refused(
    name: str, log: Path, log_bytes: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    args = COMMANDS[name][1]
    (log.parent / "adir").mkdir()
    refused(capsys, args(log, ""))
    for folder in ("adir", "adir/", "newdir/", str(log.parent)):
        if name == "new" and not folder.endswith("/"):
            continue  # `new adir` writes adir.toml beside the folder, as documented
        assert "is a folder; give a file name" in refused(capsys, args(log, folder))
    assert "there is no folder nodir" in refused(capsys, args(log, "nodir/out.csv"))
    assert sorted(p.name for p in log.parent.iterdir()) == ["adir", "s.jsonl"]
    assert not any((log.parent / "adir").iterdir()) and log.read_bytes() == log_bytes


def test_new_names_the_mistake(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert refused(capsys, ["new", "adir/"]) == (
        "detente: adir/ is a folder; give a file name, such as adir/harbour_dispute\n"
    )
    assert "give the scenario a name" in refused(capsys, ["new", ""])
    assert "give the scenario a name" in refused(capsys, ["new", ".toml"])
    assert not Path(".toml").exists() and not Path("adir").exists()


# -- the session log of `detente run` -------------------------------------------------------------------


def test_run_log_into_a_folder_writes_the_default_name_there(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["run", str(STRAIT), "--orders", str(ORDERS), "--log"]
    assert run(capsys, *base, "newdir/")[0] == 0
    (made,) = Path("newdir").iterdir()
    assert made.name.startswith("strait-standoff-") and made.suffix == ".jsonl"
    assert run(capsys, *base, "newdir")[0] == 0  # an existing folder, without the slash
    assert len(list(Path("newdir").iterdir())) == 2
    assert not Path("newdir").is_file() and not Path("sessions").exists()


def test_run_log_mistakes_are_one_line(
    log: Path, log_bytes: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["run", str(STRAIT), "--orders", str(ORDERS), "--log"]
    assert refused(capsys, [*base, ""]) == "detente: --log '': give a file name, or a folder ending in /\n"
    assert "there is no folder nodir" in refused(capsys, [*base, "nodir/s.jsonl"])
    assert "already exists" in refused(capsys, [*base, str(log)])
    assert "s.jsonl is a file, not a folder" in refused(capsys, [*base, "s.jsonl/"])
    assert sorted(p.name for p in log.parent.iterdir()) == ["s.jsonl"] and log.read_bytes() == log_bytes


def test_play_sessions_must_be_a_folder(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "--sessions ''" in refused(capsys, ["play", str(STRAIT), "--sessions", ""])
    assert "is a file, not a folder" in refused(capsys, ["play", str(STRAIT), "--sessions", str(log)])


# -- the end screen's `w` ----------------------------------------------------------------------------------


class EndOnly(App[None]):
    def __init__(self, client: LocalClient) -> None:
        super().__init__()
        self.client = client

    def on_mount(self) -> None:
        self.push_screen(EndScreen(self.client))


async def test_the_end_screen_will_not_write_a_report_over_a_log(log: Path, log_bytes: bytes) -> None:
    # Where the facilitator's HTML report goes is, here, a link to a log.
    link = log.with_name("s.report.html")
    link.symlink_to(log.name)
    client = LocalClient.resume(log)
    app = EndOnly(client)
    notes: list[str] = []
    shown = app.notify

    def notify(message: str, **kw: Any) -> None:
        notes.append(message)
        shown(message, **kw)

    app.notify = notify  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        await pilot.press("enter")  # HTML, the facilitator's
        await pilot.pause()
        end = app.screen
        assert isinstance(end, EndScreen) and end.report_paths == []
        assert notes == [f"{link}: is a Détente session log; it is never overwritten (nothing was written)"]
        link.unlink()  # now it can be written
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert end.report_paths == [str(link)] and notes[-1] == str(link)
    client.close()
    assert log.read_bytes() == log_bytes
    assert link.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
