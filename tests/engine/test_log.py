"""The session log: what a facilitator, an analyst or a crash would notice."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.engine.log import (
    FORMAT_VERSION,
    LogError,
    LogWriter,
    canonical_sha256,
    iter_groups,
    read_log,
    write_log,
)

HEADER = {
    "format": "detente-log",
    "version": 1,
    "engine": "0.1.0",
    "scenario": {"name": "Straits of Détente", "actors": ["blue", "red"]},
    "scenario_sha256": "0" * 64,
    "seed": 42,
}
NOW = datetime(2026, 11, 25, 14, 3, 11, 123456, tzinfo=UTC)
STAMPED = "2026-11-25T14:03:11.123Z"


def clock() -> datetime:
    return NOW


def group(tag: str, n: int) -> list[dict]:
    """A command and its n events, as the session layer would append them."""
    command = {"kind": "command", "n": n, "command": {"type": "submit", "team": tag}}
    events = [
        {"kind": "changed", "value": "tension", "of": ["blue", "red"], "to": 40 + i, "by": tag}
        for i in range(n)
    ]
    return [command, *events]


GROUPS = [group("blue", 2), group("red", 0), group("blue", 3), group("rouge é", 1)]


def flat(groups: list[list[dict]]) -> list[dict]:
    return [record for g in groups for record in g]


def plain(records: list[dict]) -> list[dict]:
    """Records without what the writer adds (seq, sha256, at)."""
    return [{k: v for k, v in r.items() if k not in ("seq", "sha256", "at")} for r in records]


def write(path: Path, groups: list[list[dict]]) -> Path:
    with LogWriter.create(path, HEADER, clock=clock) as log:
        for g in groups:
            log.append(g)
    return path


def line_starts(data: bytes) -> list[int]:
    """Byte offset of the start of each line, plus the end of the file."""
    return [0] + [i + 1 for i, byte in enumerate(data) if byte == ord("\n")]


def recipe(objects: list[dict]) -> str:
    """The chain as docs/log-format.md describes it, written independently of the module."""
    prev, out = "", []
    for seq, obj in enumerate(objects):
        record = {**obj, "seq": 0} if seq == 0 else {"seq": seq, **obj}
        body = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
        prev = hashlib.sha256((prev + body).encode("utf-8")).hexdigest()
        out.append(body[:-1] + ',"sha256":"' + prev + '"}\n')
    return "".join(out)


def verify_by_hand(path: Path) -> str:
    """The ten-line check from docs/log-format.md."""
    prev = ""
    with open(path, encoding="utf-8", newline="\n") as log:
        for number, line in enumerate(log, 1):
            line = line.rstrip("\n")
            body, stated = line[:-77] + "}", line[-66:-2]
            digest = hashlib.sha256((prev + body).encode("utf-8")).hexdigest()
            if digest != stated or json.loads(body)["seq"] != number - 1:
                raise AssertionError(f"line {number} does not verify")
            prev = digest
    return prev


# --- writing and reading back ---------------------------------------------------------------------


def test_round_trip(tmp_path):
    path = write(tmp_path / "session.jsonl", GROUPS)
    contents = read_log(path)
    assert contents.warnings == []
    assert {k: contents.header[k] for k in HEADER} == HEADER
    assert plain(contents.records) == flat(GROUPS)
    assert [r["seq"] for r in contents.records] == list(range(1, len(flat(GROUPS)) + 1))
    assert contents.next_seq == len(flat(GROUPS)) + 1
    assert contents.good_bytes == path.stat().st_size
    assert contents.last_hash == contents.records[-1]["sha256"] == verify_by_hand(path)
    assert [(c["n"], len(e)) for c, e in iter_groups(contents.records)] == [(2, 2), (0, 0), (3, 3),
                                                                          (1, 1)]


def test_lines_follow_the_documented_recipe(tmp_path):
    path = write(tmp_path / "session.jsonl", GROUPS[:2])
    stamped = [dict(r, at=STAMPED) if r["kind"] == "command" else r for r in flat(GROUPS[:2])]
    text = path.read_text(encoding="utf-8")
    assert text == recipe([HEADER, *stamped])
    assert text.startswith('{"format":"detente-log","version":1,')
    assert "Détente" in text  # UTF-8, not \u escapes
    assert ", " not in text and '": ' not in text


def test_wall_clock_is_stamped_on_commands_only(tmp_path):
    records = read_log(write(tmp_path / "s.jsonl", GROUPS)).records
    assert {r["at"] for r in records if r["kind"] == "command"} == {STAMPED}
    assert all("at" not in r for r in records if r["kind"] != "command")
    assert "at" not in read_log(tmp_path / "s.jsonl").header


def test_first_bytes_identify_a_log_whatever_the_header_order(tmp_path):
    path = tmp_path / "s.jsonl"
    LogWriter.create(path, {"seed": 7, "version": 1, "format": "detente-log"}).close()
    assert path.read_bytes().startswith(b'{"format":"detente-log","version":1,"seed":7,"seq":0,')
    assert read_log(path).header["seed"] == 7

def test_default_clock_stamps_utc_milliseconds(tmp_path):
    path = tmp_path / "s.jsonl"
    with LogWriter.create(path, HEADER) as log:
        log.append(group("blue", 0))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", read_log(path).records[0]["at"])


def test_appended_group_is_readable_by_a_second_reader_before_close(tmp_path):
    path = tmp_path / "s.jsonl"
    with LogWriter.create(path, HEADER, clock=clock) as log:
        log.append(GROUPS[0])
        assert plain(read_log(path).records) == flat(GROUPS[:1])
        log.append(GROUPS[1])
        assert plain(read_log(path).records) == flat(GROUPS[:2])


def test_append_returns_only_after_the_group_is_fsynced(tmp_path, monkeypatch):
    synced_sizes = []
    real_fsync = os.fsync

    def spy(fd):
        real_fsync(fd)
        synced_sizes.append(os.fstat(fd).st_size)

    monkeypatch.setattr(os, "fsync", spy)
    path = tmp_path / "s.jsonl"
    with LogWriter.create(path, HEADER, clock=clock) as log:
        for g in GROUPS:
            log.append(g)
            assert synced_sizes[-1] == path.stat().st_size


def test_append_rejects_a_miscounted_group_and_writes_nothing(tmp_path):
    path = tmp_path / "s.jsonl"
    with LogWriter.create(path, HEADER, clock=clock) as log:
        before = path.read_bytes()
        with pytest.raises(ValueError, match="n=3"):
            log.append([{"kind": "command", "n": 3}, {"kind": "changed"}])
        with pytest.raises(ValueError, match="starts with a command"):
            log.append([{"kind": "changed"}])
        assert path.read_bytes() == before
        log.append(GROUPS[0])
    assert plain(read_log(path).records) == flat(GROUPS[:1])


def test_create_refuses_to_overwrite(tmp_path):
    path = write(tmp_path / "s.jsonl", GROUPS)
    before = path.read_bytes()
    with pytest.raises(LogError, match="already exists") as caught:
        LogWriter.create(path, HEADER)
    assert str(caught.value).startswith(f"{path}: ")
    assert path.read_bytes() == before


def test_create_makes_parent_directories(tmp_path):
    path = write(tmp_path / "sessions" / "2026" / "s.jsonl", GROUPS[:1])
    assert plain(read_log(path).records) == flat(GROUPS[:1])


# --- crashes --------------------------------------------------------------------------------------


def test_cut_short_last_line_is_dropped_with_a_warning(tmp_path):
    path = write(tmp_path / "s.jsonl", GROUPS[:2])  # the last group is a lone command line
    data = path.read_bytes()
    path.write_bytes(data[:-30])
    contents = read_log(path)
    last_line = len(flat(GROUPS[:2])) + 1
    assert contents.warnings == [
        f"line {last_line} was cut short (the session stopped while writing it); it was dropped"
    ]
    assert plain(contents.records) == flat(GROUPS[:1])
    assert contents.good_bytes == line_starts(data)[last_line - 1]


def test_unfinished_group_is_dropped_with_a_warning(tmp_path):
    path = write(tmp_path / "s.jsonl", GROUPS[:3])  # group 3: a command and 3 events
    data = path.read_bytes()
    starts = line_starts(data)
    path.write_bytes(data[: starts[-3]])  # the command and 1 event, both complete lines
    contents = read_log(path)
    assert plain(contents.records) == flat(GROUPS[:2])
    assert len(contents.warnings) == 1
    assert "not all written (1 of 3" in contents.warnings[0]
    assert contents.good_bytes == starts[-5]


def test_resume_after_a_crash_continues_the_chain(tmp_path):
    uninterrupted = write(tmp_path / "whole.jsonl", GROUPS)
    path = write(tmp_path / "s.jsonl", GROUPS[:3])
    path.write_bytes(path.read_bytes()[:-20])  # cut inside the last event of group 3

    log, contents = LogWriter.resume(path, clock=clock)
    with log:
        assert len(contents.warnings) == 2  # the cut line, then its unfinished group
        assert log.next_seq == len(flat(GROUPS[:2])) + 1
        for g in GROUPS[2:]:
            log.append(g)

    resumed = read_log(path)
    assert resumed.warnings == []
    assert resumed.records == read_log(uninterrupted).records
    assert path.read_bytes() == uninterrupted.read_bytes()  # same clock, so byte for byte
    verify_by_hand(path)


def test_every_possible_crash_point_reads_as_whole_groups(tmp_path):
    original = write(tmp_path / "s.jsonl", GROUPS).read_bytes()
    header_end = line_starts(original)[1]
    # byte offset of the end of each group -> how many groups end there or before
    boundaries = {line_starts(original)[len(flat(GROUPS[:k])) + 1]: k for k in range(1, 5)}
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(original)
    for size in range(len(original), header_end - 1, -1):
        os.truncate(cut, size)
        contents = read_log(cut)
        k = max((n for end, n in boundaries.items() if end <= size), default=0)
        assert plain(contents.records) == flat(GROUPS[:k]), size
        assert (contents.warnings == []) == (size in boundaries or size == header_end), size


def test_cut_short_header_is_not_a_log(tmp_path):
    data = write(tmp_path / "s.jsonl", []).read_bytes()
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(data[:-1])
    with pytest.raises(LogError, match="not a Détente log"):
        read_log(cut)


# --- damage ---------------------------------------------------------------------------------------


def damaged_copy(tmp_path, change) -> tuple[Path, list[str]]:
    """A log of GROUPS whose lines (as text, without newlines) were changed by ``change``."""
    lines = write(tmp_path / "s.jsonl", GROUPS).read_text(encoding="utf-8").splitlines()
    change(lines)
    path = tmp_path / "damaged.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path, lines


def test_altered_line_is_reported_with_its_number(tmp_path):
    def alter(lines):
        lines[3] = lines[3].replace('"to":41', '"to":14')

    path, _ = damaged_copy(tmp_path, alter)
    with pytest.raises(LogError) as caught:
        read_log(path)
    assert caught.value.line == 4
    assert caught.value.message == (
        "line 4 has been altered or corrupted: its checksum does not match"
    )
    assert str(caught.value) == f"{path}:4: {caught.value.message}"


def test_flipped_byte_anywhere_in_a_middle_line_names_that_line(tmp_path):
    data = write(tmp_path / "s.jsonl", GROUPS).read_bytes()
    starts = line_starts(data)
    path = tmp_path / "flipped.jsonl"
    for offset in range(starts[4], starts[5] - 1):  # every byte of line 5 but its newline
        flipped = bytearray(data)
        flipped[offset] ^= 0x01
        path.write_bytes(bytes(flipped))
        with pytest.raises(LogError) as caught:
            read_log(path)
        assert caught.value.line == 5, (offset, caught.value)


def test_deleted_line_is_reported_where_the_gap_is(tmp_path):
    path, _ = damaged_copy(tmp_path, lambda lines: lines.pop(4))
    with pytest.raises(LogError, match="line 5 is out of sequence") as caught:
        read_log(path)
    assert caught.value.line == 5
    assert "deleted" in caught.value.message


def test_bad_utf8_is_reported_with_its_line(tmp_path):
    data = write(tmp_path / "s.jsonl", GROUPS).read_bytes()
    start = line_starts(data)[6]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(data[: start + 3] + b"\xff" + data[start + 4 :])
    with pytest.raises(LogError, match=r"line 7 .* not valid UTF-8"):
        read_log(path)
    contents = read_log(path, tolerant=True)  # line 7 is in group 3 (lines 6-9)
    assert plain(contents.records) == flat(GROUPS[:2])
    assert contents.warnings[0].startswith("line 7 has been altered or corrupted")


def test_line_endings_changed_by_an_editor_are_named(tmp_path):
    path = write(tmp_path / "s.jsonl", GROUPS)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    with pytest.raises(LogError, match=r"line 1 .* line endings were changed"):
        read_log(path)


def test_tolerant_reading_stops_at_the_last_good_group(tmp_path):
    def alter(lines):  # line 8 is the second event of group 3 (lines 6-9)
        lines[7] = lines[7].replace('"by":"blue"', '"by":"gold"')

    path, _ = damaged_copy(tmp_path, alter)
    with pytest.raises(LogError, match="line 8 has been altered"):
        read_log(path)

    contents = read_log(path, tolerant=True)
    assert plain(contents.records) == flat(GROUPS[:2])
    assert contents.warnings == [
        "line 8 has been altered or corrupted: its checksum does not match; reading stopped after "
        "line 5, the end of the last complete command before it"
    ]
    assert contents.good_bytes == line_starts(path.read_bytes())[5]
    assert contents.next_seq == 5
    assert contents.last_hash == contents.records[-1]["sha256"]


def test_resume_refuses_a_damaged_log(tmp_path):
    path, _ = damaged_copy(tmp_path, lambda lines: lines.pop(4))
    before = path.read_bytes()
    with pytest.raises(LogError, match="line 5"):
        LogWriter.resume(path)
    assert path.read_bytes() == before


def test_unfinished_group_in_the_middle_is_damage_not_a_crash(tmp_path):
    path = tmp_path / "s.jsonl"
    records = flat(GROUPS[:1])[:-1] + flat(GROUPS[1:])  # group 1 loses its last event
    path.write_text(recipe([HEADER, *records]), encoding="utf-8")
    with pytest.raises(LogError, match="line 4 starts a new command, but the command on line 2"):
        read_log(path)


def test_event_without_a_command_is_reported(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(recipe([HEADER, {"kind": "changed", "to": 3}]), encoding="utf-8")
    with pytest.raises(LogError, match=r"line 2 records an event .* belongs to no command"):
        read_log(path)


# --- not a log, or not this version ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "hello\n", "[1, 2]\n", '{"format": "pgn", "version": 1}\n', "Événement\n\n"],
    ids=["empty", "text", "json-list", "other-format", "prose"],
)
def test_a_file_that_is_not_a_log_is_refused_plainly(tmp_path, text):
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LogError) as caught:
        read_log(path)
    assert caught.value.message.startswith("not a Détente log")
    assert caught.value.line is None
    assert str(caught.value).startswith(f"{path}: not a Détente log")


def test_missing_file_is_reported_plainly(tmp_path):
    with pytest.raises(LogError, match="cannot be read"):
        read_log(tmp_path / "nowhere.jsonl")


def test_unknown_version_names_both_versions(tmp_path):
    path = tmp_path / "future.jsonl"
    path.write_text(recipe([{**HEADER, "version": FORMAT_VERSION + 1}]), encoding="utf-8")
    with pytest.raises(LogError) as caught:
        read_log(path)
    message = caught.value.message
    assert f"version {FORMAT_VERSION + 1}" in message
    assert "only versions 1 and 2" in message
    assert "newer Détente" in message


# --- branching and helpers ------------------------------------------------------------------------


def test_write_log_makes_a_branch_that_keeps_wall_clock_times(tmp_path):
    parent = read_log(write(tmp_path / "s.jsonl", GROUPS))
    cut = len(flat(GROUPS[:2]))
    branch_header = {
        **parent.header,
        "parent": {"path": "s.jsonl", "sha256": parent.records[cut - 1]["sha256"], "at": cut},
    }

    def later():
        return datetime(2030, 1, 1, tzinfo=UTC)

    branch = tmp_path / "branch.jsonl"
    write_log(branch, branch_header, parent.records[:cut], clock=later)
    contents = read_log(branch)
    assert contents.warnings == []
    assert contents.header["parent"]["at"] == cut
    assert plain(contents.records) == flat(GROUPS[:2])
    assert [r.get("at") for r in contents.records] == [r.get("at") for r in parent.records[:cut]]
    verify_by_hand(branch)

    log, _ = LogWriter.resume(branch, clock=later)
    with log:
        log.append(group("green", 1))
    assert read_log(branch).records[-2]["at"] == "2030-01-01T00:00:00.000Z"

    with pytest.raises(LogError, match="already exists"):
        write_log(branch, branch_header, [])
    with pytest.raises(ValueError):
        write_log(tmp_path / "partial.jsonl", HEADER, flat(GROUPS[:3])[:-1])
    assert not (tmp_path / "partial.jsonl").exists()


def test_canonical_sha256_ignores_key_order():
    a = {"name": "Détente", "numbers": {"trust": 50, "tension": [1, 2]}}
    b = {"numbers": {"tension": [1, 2], "trust": 50}, "name": "Détente"}
    assert canonical_sha256(a) == canonical_sha256(b)
    assert canonical_sha256(a) != canonical_sha256({**a, "name": "Detente"})
    text = '{"name":"Détente","numbers":{"tension":[1,2],"trust":50}}'
    assert canonical_sha256(a) == hashlib.sha256(text.encode()).hexdigest()


def test_iter_groups_refuses_records_that_are_not_whole_groups():
    with pytest.raises(ValueError):
        list(iter_groups(flat(GROUPS)[:-1]))
    with pytest.raises(ValueError):
        list(iter_groups(flat(GROUPS)[1:]))


def test_log_error_reads_like_a_compiler_message():
    assert str(LogError("s.jsonl", 12, "line 12 is empty")) == "s.jsonl:12: line 12 is empty"
    assert str(LogError(Path("s.jsonl"), None, "not a Détente log")) == "s.jsonl: not a Détente log"


# --- properties -----------------------------------------------------------------------------------

RESERVED = {"kind", "n", "seq", "sha256", "at", "sig", "signer"}
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
fields = st.dictionaries(
    st.text(min_size=1, max_size=6).filter(lambda key: key not in RESERVED),
    scalars | st.lists(scalars, max_size=3),
    max_size=3,
)
events = st.builds(
    lambda kind, extra: {"kind": kind, **extra},
    st.sampled_from(["changed", "rolled", "phase", "inject", "détente ✓", "order\nsealed"]),
    fields,
)
groups_strategy = st.lists(
    st.builds(
        lambda payload, evs: [{"kind": "command", "n": len(evs), **payload}, *evs],
        fields,
        st.lists(events, max_size=3),
    ),
    max_size=5,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups=groups_strategy, data=st.data())
def test_any_groups_survive_a_crash_at_any_byte(groups, data):
    # fsync is what makes this layout durable and has its own test; here it would only make
    # each example slow.
    with tempfile.TemporaryDirectory() as folder, mock.patch.object(os, "fsync"):
        path = write(Path(folder) / "s.jsonl", groups)
        assert plain(read_log(path).records) == flat(groups)

        original = path.read_bytes()
        header_end = original.index(b"\n") + 1
        size = data.draw(st.integers(header_end, len(original)), label="crash at byte")
        path.write_bytes(original[:size])

        survivors = read_log(path)
        kept = [command for command in survivors.records if command["kind"] == "command"]
        assert plain(survivors.records) == flat(groups[: len(kept)])

        log, _ = LogWriter.resume(path, clock=clock)
        with log:
            for g in groups[len(kept) :]:
                log.append(g)
        assert path.read_bytes() == original

