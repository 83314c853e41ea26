"""``detente msel import`` and ``export``: a facilitator's MSEL spreadsheet in and out (issue 13).

The sheet is a 32-row MSEL with headings no one agreed on, saved by a European Excel (semicolon
delimiter, a byte-order mark). Tests that write expectations (``[[injects.expect]]``) need the
engine to know them and are skipped until it does.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from detente.engine.loader import load_scenario
from detente.engine.scenario import Inject
from detente.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
EXAMPLE_ORDERS = ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml"
KNOWS_EXPECT = "expect" in {a.name for a in Inject.__attrs_attrs__}
needs_expect = pytest.mark.skipif(not KNOWS_EXPECT, reason="the engine does not know [[injects.expect]] yet")

SECRET = "Zanzibar-codeword"
"""In every row's controller notes: must reach no team."""

HEADINGS = ["Serial No.", "Game Clock", "Stage", "Originator", "Addressed To", "Delivery Means",
            "Event Narrative", "Desired Outcome", "Target Objective", "Core Capability",
            "Remarks for Controllers"]
MAP = ["Game Clock=turn", "Stage=phase", "Addressed To=to", "Delivery Means=method",
       "Event Narrative=text", "Desired Outcome=expected", "Target Objective=objective",
       "Remarks for Controllers=notes"]
TEAMS = ["Republic of Azuria", "red", "Kingdom of Lysmark", "blue, red", "All", ""]
METHODS = ["phone call", "press release", "", "email"]


def msel_rows(n: int = 32, *, expectations: bool = True) -> list[list[str]]:
    rows = [HEADINGS]
    for k in range(1, n + 1):
        rows.append([
            f"{k:03d}",
            ["Day 1", "T+2", "3", "Turn 4", "day 5", "Day 6"][k % 6],
            ["", "Briefing", "communications", "Orders"][k % 4],
            ["Harbour master", "", "Corvanian MFA", "Azurian press"][k % 4],
            TEAMS[k % len(TEAMS)],
            METHODS[k % len(METHODS)],
            f"Event {k}: a fishing boat reports a grey hull near buoy {k}. Nobody has claimed it.",
            f"The addressees call the other side about event {k}" if expectations else "",
            ["1", "Handle the press without raising tension", "", "LO 2"][k % 4] if expectations else "",
            "Operational communications" if expectations and k % 2 else "",
            f"{SECRET} {k}: have the photo ready" if k % 3 else "",
        ])
    return rows


def write_sheet(path: Path, rows: list[list[str]], delimiter: str = ";") -> Path:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8", newline="")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    return Path(shutil.copy(STRAIT, tmp_path / "strait.toml"))


def map_args() -> list[str]:
    return [a for m in MAP for a in ("--map", m)]


@pytest.mark.parametrize("expectations", [False, pytest.param(True, marks=needs_expect)])
def test_a_32_row_msel_with_unusual_headings_imports_through_a_map(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str], expectations: bool,
) -> None:
    sheet = write_sheet(tmp_path / "msel.csv", msel_rows(expectations=expectations))
    before = scenario.read_text(encoding="utf-8")

    code, out, _ = run(capsys, "msel", "import", str(sheet), "--into", str(scenario), "--dry-run",
                       *map_args())
    assert code == 0, out
    assert scenario.read_text(encoding="utf-8") == before  # a dry run writes nothing
    assert out.count("\nrow ") + out.startswith("row ") == 32
    assert ("row 2: msel-001 “Event 1: a fishing boat reports a grey hull near buoy 1.” · Day 2, "
            "briefing · to Corvanian Federation") in out
    assert "nothing was written" in out

    code, out, _ = run(capsys, "msel", "import", str(sheet), "--into", str(scenario), *map_args())
    assert code == 0, out
    after = scenario.read_text(encoding="utf-8")
    # The file's own text and comments are kept (a new learning objective may be added to its
    # [scenario] table, so compare its comments and its first lines).
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert [line for line in after.splitlines() if line in comments][:len(comments)] == comments
    assert after.startswith(before[: before.index("learning_objectives")])
    assert "# from msel.csv row 33" in after
    loaded = load_scenario(scenario)
    added = {i.id: i for i in loaded.injects if i.id.startswith("msel-")}
    assert len(added) == 32
    seven = added["msel-007"]
    assert (seven.turn, seven.phase, seven.to) == (2, "orders", ("red",))  # "T+2", "Orders", "red"
    assert added["msel-003"].to == ("blue", "red")
    assert seven.text.startswith("From: Azurian press\nVia: email\n\nEvent 7:")
    assert added["msel-005"].to == ()  # "All"
    assert added["msel-004"].turn == 5 and added["msel-003"].turn == 4  # "day 5", "Turn 4"
    assert SECRET in added["msel-001"].notes and added["msel-003"].notes == ""
    assert code == main(["validate", str(scenario)])
    if expectations:
        e = added["msel-001"].expect[0]
        objectives = loaded.scenario.learning_objectives
        assert (e.text, e.capability, e.objective) == (
            "The addressees call the other side about event 1", "Operational communications", 5)
        # A new objective is appended once, however many rows name it.
        assert added["msel-003"].expect[0].objective == 2  # "LO 2"
        assert objectives[4] == "Handle the press without raising tension"
        assert objectives.count("Handle the press without raising tension") == 1


def test_a_broken_row_is_reported_by_row_and_column_and_nothing_is_written(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    rows = msel_rows(expectations=False)
    rows[4][4] = "Zedland"       # sheet row 5: an unknown team
    rows[7][1] = "Day 12"        # sheet row 8: past the turn limit (8)
    rows[9][6] = ""              # sheet row 10: no inject text
    sheet = write_sheet(tmp_path / "msel.csv", rows)
    before = scenario.read_text(encoding="utf-8")

    code, out, _ = run(capsys, "msel", "import", str(sheet), "--into", str(scenario), *map_args())
    assert code == 1
    assert f"{sheet}:5: Addressed To: 'Zedland': not a team of this scenario" in out
    assert (f"{sheet}:8: Game Clock: 'Day 12' is not a turn of this scenario (Day 1 to Day 8, "
            "or 1 to 8)") in out
    assert f"{sheet}:10: Event Narrative: empty: every inject needs its text" in out
    assert "29 injects read, 3 rows could not be; nothing was written" in out
    assert scenario.read_text(encoding="utf-8") == before

    code, out, _ = run(capsys, "msel", "import", str(sheet), "--into", str(scenario), "--dry-run",
                       *map_args())
    assert code == 1 and f"{sheet}:5: Addressed To:" in out and "row 2: msel-001" in out
    assert scenario.read_text(encoding="utf-8") == before

    code, out, _ = run(capsys, "msel", "import", str(sheet), "--into", str(scenario), "--skip-bad",
                       *map_args())
    assert code == 0
    ids = {i.id for i in load_scenario(scenario).injects}
    assert "msel-001" in ids and "msel-004" not in ids and "msel-007" not in ids and "msel-009" not in ids


def test_mistakes_in_the_command_or_the_headings_are_one_line(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    sheet = write_sheet(tmp_path / "msel.csv", msel_rows(3, expectations=False))
    code, _, err = run(capsys, "msel", "import", str(sheet), "--into", str(scenario), "--map", "Stage=colour")
    assert code == 1 and "--map Stage=colour: 'colour' is not a field" in err
    # Without the map, the narrative column is not known as the inject's text.
    code, out, _ = run(capsys, "msel", "import", str(sheet), "--into", str(scenario))
    assert code == 1 and f"{sheet}:1: (headings): no column of inject text" in out
    code, out, _ = run(capsys, "msel", "import", str(sheet), "--into", str(scenario), *map_args(),
                       "--map", "Umpire=notes")
    assert code == 1 and f"{sheet}:1: umpire: --map names a heading the sheet does not have" in out
    code, _, err = run(capsys, "msel", "import", str(tmp_path / "none.csv"), "--into", str(scenario))
    assert code == 1 and "none.csv" in err


def test_an_inject_id_already_in_the_scenario_is_refused(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    rows = [["ID", "Time", "Recipient", "Inject"], ["survey-ship", "1", "", "Again."],
            ["fresh", "Day 2", "", "New."], ["fresh", "Day 3", "", "Twice."]]
    sheet = write_sheet(tmp_path / "msel.csv", rows, delimiter=",")
    code, out, _ = run(capsys, "msel", "import", str(sheet), "--into", str(scenario))
    assert code == 1
    assert f"{sheet}:2: ID: an inject 'survey-ship' is already in the scenario" in out
    assert f"{sheet}:4: ID: an inject 'fresh' is already in row 3" in out


def test_a_condition_the_scenario_check_refuses_is_told_by_its_row(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    rows = [["Serial", "Trigger", "Time", "Message"], ["1", "", "Day 1", "Fine."],
            ["2", "tension('blue', 'red') >", "", "Broken."], ["3", "turn >= 2", "", "Fine too."]]
    sheet = write_sheet(tmp_path / "msel.csv", rows, delimiter=",")
    code, out, _ = run(capsys, "msel", "import", str(sheet), "--into", str(scenario), "--dry-run")
    assert code == 1 and f"{sheet}:3: Trigger: " in out
    assert "row 2: msel-1" in out and "row 4: msel-3 “Fine too.” · when turn >= 2" in out
    assert "2 injects read, 1 row could not be" in out


def test_a_session_log_is_never_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "s.jsonl"
    log.write_text('{"format": "detente-log"}\n', encoding="utf-8")
    sheet = write_sheet(tmp_path / "msel.csv", msel_rows(2, expectations=False))
    code, _, err = run(capsys, "msel", "import", str(sheet), "--into", str(log), *map_args())
    assert code == 1 and "never overwritten" in err


def _roundtrip(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str], *, expectations: bool,
) -> None:
    sheet = write_sheet(tmp_path / "msel.csv", msel_rows(expectations=expectations))
    base = tmp_path / "base.toml"
    shutil.copy(scenario, base)
    assert run(capsys, "msel", "import", str(sheet), "--into", str(scenario), *map_args())[0] == 0
    code, first, _ = run(capsys, "msel", "export", str(scenario))
    assert code == 0
    lines = first.splitlines(keepends=True)
    assert lines[0].startswith("Sequence,ID,Turn,Phase,Condition,From,To,Method,Title,Inject,")
    # The exported MSEL's own rows, imported into a copy of the scenario without them.
    own = [line for line in lines[1:] if ",msel-" in line]
    assert len(own) == 32
    again = tmp_path / "again.csv"
    again.write_text(lines[0] + "".join(own), encoding="utf-8", newline="")
    assert run(capsys, "msel", "import", str(again), "--into", str(base))[0] == 0
    code, second, _ = run(capsys, "msel", "export", str(base))
    assert second == first
    assert load_scenario(base).injects == load_scenario(scenario).injects


def test_export_then_import_gives_the_same_injects(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    _roundtrip(tmp_path, scenario, capsys, expectations=False)


@needs_expect
def test_export_then_import_gives_the_same_injects_and_expectations(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    _roundtrip(tmp_path, scenario, capsys, expectations=True)


def test_export_writes_a_file_excel_reads_and_says_what_it_cannot_carry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "msel.csv"
    code, _, err = run(capsys, "msel", "export", "strait_standoff", "-o", str(out))
    assert code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfSequence,ID,")
    assert "not in the MSEL: survey-ship: its 2 effect(s)" in err


def write_workbook(path: Path, rows: list[list[str]]) -> Path:
    """``rows`` as Excel saves them: numbers as numbers, an empty cell as nothing."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([int(c) if c.isdigit() and not c.startswith("0") else (c or None) for c in row])
    book.save(path)
    return path


def test_an_excel_workbook_imports_as_its_csv_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    rows = msel_rows(expectations=False)
    by_csv, by_book = (Path(shutil.copy(STRAIT, tmp_path / f"{n}.toml")) for n in ("csv", "book"))
    sheet = write_sheet(tmp_path / "msel.csv", rows)
    book = write_workbook(tmp_path / "msel.xlsx", rows)
    assert run(capsys, "msel", "import", str(sheet), "--into", str(by_csv), *map_args())[0] == 0
    code, out, _ = run(capsys, "msel", "import", str(book), "--into", str(by_book), *map_args())
    assert code == 0, out
    assert load_scenario(by_book).injects == load_scenario(by_csv).injects
    # A broken cell in a workbook is told by its row and column as in a CSV.
    rows[5][1] = "someday"
    fresh = Path(shutil.copy(STRAIT, tmp_path / "fresh.toml"))
    code, out, err = run(capsys, "msel", "import", str(write_workbook(tmp_path / "bad.xlsx", rows)),
                         "--into", str(fresh), *map_args())
    assert code == 1 and "bad.xlsx:6: " in out + err, out + err


def test_an_export_to_xlsx_is_a_workbook_that_imports_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "msel.xlsx"
    assert run(capsys, "msel", "export", "strait_standoff", "-o", str(book))[0] == 0
    sheet = load_workbook(book).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["Sequence", "ID", "Turn"]
    code, csv_text, _ = run(capsys, "msel", "export", "strait_standoff")
    assert sheet.max_row == len(list(csv.reader(io.StringIO(csv_text))))
    # Its rows, imported into the scenario without its injects, give the same injects back.
    bare = tmp_path / "bare.toml"
    text = STRAIT.read_text(encoding="utf-8")
    bare.write_text(text[: text.index("[[injects]]")], encoding="utf-8")
    code, out, err = run(capsys, "msel", "import", str(book), "--into", str(bare))
    assert code == 0, out + err
    assert [i.id for i in load_scenario(bare).injects] == [i.id for i in load_scenario(STRAIT).injects]


def test_a_file_that_is_not_a_workbook_is_one_line(tmp_path: Path, scenario: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "msel.xlsx"
    fake.write_text("Sequence,Inject\n1,x\n", encoding="utf-8")
    code, _, err = run(capsys, "msel", "import", str(fake), "--into", str(scenario))
    assert code == 1 and "not an Excel workbook" in err and len(err.strip().splitlines()) == 1


def test_controller_notes_reach_no_team(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    sheet = write_sheet(tmp_path / "msel.csv", msel_rows(12, expectations=False))
    assert run(capsys, "msel", "import", str(sheet), "--into", str(scenario), *map_args())[0] == 0
    assert any(SECRET in i.notes for i in load_scenario(scenario).injects)  # the control
    log = tmp_path / "s.jsonl"
    code, out, err = run(capsys, "run", str(scenario), "--orders", str(EXAMPLE_ORDERS), "--log", str(log))
    assert code == 0, out + err
    for role in ("blue", "red", "green", "public"):
        code, text, _ = run(capsys, "replay", str(log), "--as", role)
        assert code == 0 and "Event 5:" in text  # an inject to everyone was delivered
        assert SECRET not in text
        for fmt in ("md", "html"):
            report = tmp_path / f"{role}.{fmt}"
            assert run(capsys, "report", str(log), "--as", role, "--format", fmt, "-o", str(report))[0] == 0
            assert SECRET not in report.read_text(encoding="utf-8")
