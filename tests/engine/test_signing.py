"""Signed logs: an edit with a recomputed chain is refused, and every reader can say who vouches
for a log — this machine's key, another key, or nobody."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from detente.engine import dice
from detente.engine.loader import load_scenario
from detente.engine.log import LogError, read_log, write_log
from detente.engine.orders import load_script, next_command
from detente.engine.recorder import RecordedSession, branch, replay, source_changed, verify
from detente.engine.signing import Key, describe, dice_secret, key_dir, machine_key

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
STRAIT_ORDERS = ROOT / "scenarios" / "examples" / "strait_standoff.orders.toml"


def played(
    path: Path, *, key: Key | object | None = None, seed: int | None = None, commands: int | None = None
) -> Path:
    script = load_script(STRAIT_ORDERS)
    kwargs = {} if key is None else {"key": key}
    with RecordedSession.create(load_scenario(STRAIT), path, seed=seed, source=str(STRAIT), **kwargs) as rec:
        done = 0
        while (cmd := next_command(rec.state, script)) is not None and done != commands:
            assert rec.apply(cmd).accepted
            done += 1
    return path


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return played(tmp_path_factory.mktemp("signed") / "s.jsonl")


def records_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def rechain(records: list[dict], out: Path) -> Path:
    """What a forger without the key can do: rewrite the lines and recompute the whole chain,
    keeping the signatures that were there (the chain leaves them out, as the writer does)."""
    prev, lines = "", []
    for record in records:
        record = dict(record)
        record.pop("sha256", None)
        sig = record.pop("sig", None)
        body = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(f"{prev}{body}".encode()).hexdigest()
        signature = f',"sig":"{sig}"' if sig is not None else ""
        lines.append(f'{body[:-1]}{signature},"sha256":"{digest}"}}\n')
        prev = digest
    out.write_text("".join(lines), encoding="utf-8")
    return out


def first(records: list[dict], kind: str, start: int = 1) -> int:
    return next(i for i, r in enumerate(records) if i >= start and r.get("kind") == kind)


def _transcript(records: list[dict]) -> None:
    """Rewrite a line said on a call, in both the command and the event."""
    i = first(records, "message")
    old = records[i]["text"]
    records[i]["text"] = "We will strike first."
    for r in records:
        if r.get("kind") == "command" and r["command"].get("text") == old:
            r["command"]["text"] = "We will strike first."


def _briefing(records: list[dict]) -> None:
    records[0]["scenario"]["actors"][0]["briefing"] = "Your orders are to provoke."
    from detente.engine.log import canonical_sha256

    records[0]["scenario_sha256"] = canonical_sha256(records[0]["scenario"])


def _title(records: list[dict]) -> None:
    records[0]["scenario"]["scenario"]["title"] = "Another exercise"
    from detente.engine.log import canonical_sha256

    records[0]["scenario_sha256"] = canonical_sha256(records[0]["scenario"])


def _at(records: list[dict]) -> None:
    records[first(records, "command")]["at"] = "2020-01-01T00:00:00.000Z"


def _change(records: list[dict]) -> None:
    i = first(records, "changed")
    records[i]["to"] = 99


EDITS: dict[str, Callable[[list[dict]], None]] = {
    "a call transcript rewritten in command and event": _transcript,
    "a private briefing edited in the header": _briefing,
    "the title edited in the header": _title,
    "the source changed": lambda r: r[0].__setitem__("source", "other.toml"),
    "the engine version changed": lambda r: r[0].__setitem__("engine", "9.9.9"),
    "a command's time changed": _at,
    "a value changed": _change,
    "the seed changed": lambda r: r[0].__setitem__("seed", 12345),
}


@pytest.mark.parametrize("edit", EDITS)
def test_an_edit_with_a_recomputed_chain_is_refused_by_every_reader(
    signed: Path, tmp_path: Path, edit: str
) -> None:
    records = records_of(signed)
    EDITS[edit](records)
    forged = rechain(records, tmp_path / "forged.jsonl")
    for read in (
        read_log,
        replay,
        verify,
        RecordedSession.resume,
        lambda p: branch(p, tmp_path / "b.jsonl", 1),
    ):
        with pytest.raises(LogError, match="signature does not match"):
            read(forged)
    assert not (tmp_path / "b.jsonl").exists()


def test_an_untouched_log_verifies_and_is_signed_by_this_machine(signed: Path) -> None:
    assert verify(signed) == []
    status, words = describe(read_log(signed).signatures, machine_key().public)  # type: ignore[union-attr]
    assert status == "this machine"
    assert "this machine's key" in words


def test_a_log_signed_elsewhere_reads_as_another_key(tmp_path: Path) -> None:
    other = Key.generate()
    path = played(tmp_path / "s.jsonl", key=other, commands=12)
    status, words = describe(read_log(path).signatures, machine_key().public)  # type: ignore[union-attr]
    assert status == "another key"
    assert "another key" in words
    assert verify(path) == []  # it holds together; it is only not vouched for by this machine


def test_a_forger_who_signs_again_with_their_own_key_is_named_as_another_key(
    signed: Path, tmp_path: Path
) -> None:
    contents = read_log(signed)
    records = [dict(r) for r in contents.records]
    records[first(records, "changed", 0)]["to"] = 99
    forged = tmp_path / "forged.jsonl"
    write_log(forged, contents.header, records, key=Key.generate())
    status, _ = describe(read_log(forged).signatures, machine_key().public)  # type: ignore[union-attr]
    assert status == "another key"


def test_signatures_stripped_leave_an_unsigned_log_or_a_refusal(signed: Path, tmp_path: Path) -> None:
    records = records_of(signed)
    for r in records:
        r.pop("sig", None)
    with pytest.raises(LogError, match="carries no signature"):
        read_log(rechain(records, tmp_path / "a.jsonl"))  # the header still names the key
    del records[0]["signer"]
    stripped = rechain(records, tmp_path / "b.jsonl")
    status, words = describe(read_log(stripped).signatures, machine_key().public)  # type: ignore[union-attr]
    assert status == "unsigned"
    assert "nothing vouches" in words


def test_a_signature_moved_onto_an_event_or_changed_is_refused(signed: Path, tmp_path: Path) -> None:
    records = records_of(signed)
    last = max(i for i, r in enumerate(records) if r.get("kind") == "command")
    records[last]["sig"] = "0" * 128
    with pytest.raises(LogError, match=f":{last + 1}: the signature does not match"):
        read_log(rechain(records, tmp_path / "a.jsonl"))
    records = records_of(signed)
    records[2]["sig"] = records[1]["sig"]
    with pytest.raises(LogError):
        read_log(rechain(records, tmp_path / "b.jsonl"))


def test_verify_checks_every_groups_signature_not_only_the_last(signed: Path, tmp_path: Path) -> None:
    records = records_of(signed)
    records[1]["sig"] = "0" * 128  # outside the chain; the last signature still vouches
    forged = rechain(records, tmp_path / "f.jsonl")
    read_log(forged)
    assert verify(forged)[0].startswith("line 2: the signature does not match")


def test_a_branch_is_signed_here_and_its_forged_parent_is_caught(signed: Path, tmp_path: Path) -> None:
    out = branch(signed, tmp_path / "b.jsonl", 2).path
    assert read_log(out).signatures.last == machine_key().public  # type: ignore[union-attr]
    assert verify(out) == []
    records = records_of(Path(out))
    records[0]["parent"]["sha256"] = "f" * 64
    records[0].pop("signer")
    for r in records:
        r.pop("sig", None)
    forged = rechain(records, tmp_path / "forged.jsonl")
    problems = verify(forged)
    assert problems and "parent" in problems[0]


def test_a_parent_edited_after_the_branch_is_caught(signed: Path, tmp_path: Path) -> None:
    parent = tmp_path / "p.jsonl"
    parent.write_bytes(signed.read_bytes())
    out = branch(parent, tmp_path / "b.jsonl", 2).path
    records = records_of(parent)
    records[first(records, "changed")]["to"] = 99
    for r in records:
        r.pop("sig", None)
    records[0].pop("signer")
    rechain(records, parent)
    assert "parent" in verify(out)[0]


def test_the_seed_alone_does_not_predict_the_dice(signed: Path) -> None:
    contents = read_log(signed)
    header = contents.header
    assert header["secret"] == dice_secret(machine_key(), header["seed"])
    rolls, turn = [], 0  # (turn, roll) for every probability roll
    for r in contents.records:
        turn = r["turn"] if r["kind"] == "phase" else turn
        if r["kind"] == "roll" and r["p"] is not None:
            rolls.append((turn, r))
    assert len(rolls) > 5
    from_seed = [round(dice.uniform(header["seed"], t, r["id"]), 4) for t, r in rolls]
    keyed = f"{header['seed']}/{header['secret']}"
    from_both = [round(dice.uniform(keyed, t, r["id"]), 4) for t, r in rolls]
    logged = [r["value"] for _, r in rolls]
    assert from_both == logged
    assert sum(a == b for a, b in zip(from_seed, logged, strict=True)) <= 1


def test_same_machine_seed_and_orders_give_the_same_events(tmp_path: Path) -> None:
    def plain(p: Path) -> list[dict]:
        return [{k: v for k, v in r.items() if k not in ("at", "sha256", "sig")} for r in read_log(p).records]

    assert plain(played(tmp_path / "a.jsonl", seed=5)) == plain(played(tmp_path / "b.jsonl", seed=5))


def test_the_key_is_made_once_outside_sessions_and_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DETENTE_CONFIG_DIR", str(tmp_path / "detente"))
    assert "sessions" not in key_dir().parts
    assert machine_key(create=False) is None
    first_key = machine_key()
    assert first_key is not None and machine_key().public == first_key.public  # type: ignore[union-attr]
    mode = (key_dir() / "signing-key.pem").stat().st_mode & 0o777
    assert mode == 0o600
    assert not [p for p in key_dir().iterdir() if p.name != "signing-key.pem"]  # no temp file left


def test_a_damaged_key_file_is_refused_not_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETENTE_CONFIG_DIR", str(tmp_path))
    (tmp_path / "signing-key.pem").write_text("not a key")
    with pytest.raises(OSError, match="not a Détente signing key"):
        machine_key()
    assert (tmp_path / "signing-key.pem").read_text() == "not a key"


def test_no_writable_key_folder_writes_an_unsigned_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("DETENTE_CONFIG_DIR", str(blocker / "detente"))  # a folder under a file
    assert machine_key() is None
    with RecordedSession.create(load_scenario(STRAIT), tmp_path / "u.jsonl") as rec:
        assert rec.session.secret == ""
    assert read_log(tmp_path / "u.jsonl").signatures.last is None


def test_resume_and_replay_say_when_the_scenario_file_changed_or_went(tmp_path: Path) -> None:
    source = tmp_path / "mine.toml"
    source.write_bytes(STRAIT.read_bytes())
    with RecordedSession.create(load_scenario(source), tmp_path / "s.jsonl", source=str(source)):
        pass
    header = read_log(tmp_path / "s.jsonl").header
    assert source_changed(header) is None
    source.write_bytes(STRAIT.read_bytes() + b"\n# edited\n")
    assert "has changed since the session began" in str(source_changed(header))
    os.remove(source)
    assert "is gone" in str(source_changed(header))


def test_a_version_1_log_reads_resumes_unsigned_and_branches_into_version_2(
    signed: Path, tmp_path: Path
) -> None:
    contents = read_log(signed)
    old = tmp_path / "old.jsonl"
    header = {**contents.header, "version": 1}
    cut = next(i for i, r in enumerate(contents.records) if r["kind"] == "command" and i > 20)
    write_log(old, header, contents.records[:cut], key=machine_key())  # as Détente 0.1 wrote them
    assert read_log(old).header["version"] == 1
    assert '"sig"' not in old.read_text(encoding="utf-8")  # no line is signed
    script = load_script(STRAIT_ORDERS)
    with RecordedSession.resume(old) as rec:
        rec.apply(next_command(rec.state, script))  # type: ignore[arg-type]
    assert '"sig"' not in old.read_text(encoding="utf-8")  # a version 1 reader can still read it
    assert describe(read_log(old).signatures, machine_key().public)[0] == "unsigned"  # type: ignore[union-attr]
    out = branch(old, tmp_path / "b.jsonl", 1).path
    assert read_log(out).header["version"] == 2
    assert read_log(out).signatures.last == machine_key().public  # type: ignore[union-attr]
    assert verify(out) == []
