"""A session that writes every accepted command and its events to the log before it
moves on — the edge between the pure session and the disk.

The order matters: the session *decides* (pure), the log *appends and fsyncs*, and
only then does the session *commit*. If the write fails, the session stays where it
was; if the process dies mid-write, the reader drops the partial group, and the
command counts as never made (it was never acknowledged).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from attrs import frozen

from detente import engine
from detente.engine.bulk import paused_gc
from detente.engine.commands import Command, command_from_dict, command_to_dict
from detente.engine.events import Event, fold_all
from detente.engine.loader import ScenarioError, structure_scenario, unstructure_scenario
from detente.engine.log import (
    FORMAT,
    FORMAT_VERSION,
    LogContents,
    LogError,
    LogWriter,
    canonical_sha256,
    read_log,
    write_log,
)
from detente.engine.ruleset import RulesetNotFound, find_ruleset
from detente.engine.scenario import Scenario
from detente.engine.session import Accepted, Result, Session, new_session
from detente.engine.state import State, initial_state


def make_header(
    session: Session, source: str = "", parent: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The log header of a new session: the scenario and ruleset numbers as loaded, their
    SHA-256, the seed, and for a branch its parent."""
    scenario = unstructure_scenario(session.scenario)
    numbers = {k: dict(v) for k, v in session.numbers.items()}
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "engine": engine.__version__,
        "source": os.path.basename(source),
        "scenario": scenario,
        "scenario_sha256": canonical_sha256(scenario),
        "ruleset": {"name": session.ruleset.name, "numbers": numbers},
        "ruleset_sha256": canonical_sha256(numbers),
        "seed": session.seed,
    }
    if parent is not None:
        header["parent"] = dict(parent)
    return header


def session_from_header(header: Mapping[str, Any], path: str = "<log>") -> Session:
    """A fresh session (before its first command) of the scenario, numbers and seed a log holds."""
    try:
        scenario = structure_scenario(header["scenario"], path=f"{path} (header)")
        ruleset = find_ruleset(header["ruleset"]["name"])
        numbers = header["ruleset"]["numbers"]
        seed = int(header["seed"])
    except LogError:
        raise
    except ScenarioError as exc:
        raise LogError(path, 1, f"the scenario in the header does not load: {exc.problems[0]}") from None
    except RulesetNotFound as exc:
        raise LogError(path, 1, f"the log was written with {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise LogError(path, 1, f"the header is incomplete or damaged ({exc})") from None
    if canonical_sha256(header["scenario"]) != header.get("scenario_sha256"):
        raise LogError(path, 1, "the scenario in the header does not match its SHA-256")
    return Session(scenario, ruleset, seed, numbers)


@frozen
class Replayed:
    """A log read back: the session rebuilt from it, with its commands and events."""

    contents: LogContents
    session: Session
    """At the end of the log (or at the requested point)."""
    events: tuple[Event, ...]
    """Every event (not the command records), in order."""


def replay(path: str | os.PathLike[str], *, tolerant: bool = False) -> Replayed:
    """Rebuild a session from its log by folding the logged events (no re-adjudication)."""
    contents = read_log(path, tolerant=tolerant)
    session = session_from_header(contents.header, str(path))
    events = tuple(r for r in contents.records if r["kind"] != "command")
    try:
        with paused_gc():
            session.state = fold_all(session.state, events)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise LogError(path, None, f"an event in the log does not fit the scenario ({exc!r})") from None
    return Replayed(contents=contents, session=session, events=events)


def states_by_turn(session: Session, events: Sequence[Event]) -> dict[int, State]:
    """The state at the end of each turn (after its debrief began), from the events."""
    state = initial_state(session.scenario, session.numbers)
    out: dict[int, State] = {}
    for e in events:
        if e["kind"] == "phase" and e["phase"] == "briefing" and state.turn >= 1:
            out[state.turn] = state
        state = fold_all(state, (e,))
    out[state.turn] = state
    return out


def verify(path: str | os.PathLike[str]) -> list[str]:
    """Re-run every logged command through a fresh session and compare the events it gives
    with the logged ones. Returns the differences (empty when the log verifies)."""
    contents = read_log(path)
    session = session_from_header(contents.header, str(path))
    records = contents.records
    i = 0
    while i < len(records):
        rec = records[i]
        n = rec["n"]
        logged = records[i + 1 : i + 1 + n]
        command = command_from_dict(rec["command"])
        result = session.decide(command)
        line = rec["seq"] + 1
        if not isinstance(result, Accepted):
            return [f"line {line}: the command {rec['command']['type']} is now refused: {result.reason}"]
        got = [dict(e) for e in result.events]
        for j, (want, have) in enumerate(zip(logged, got, strict=False)):
            want = {k: v for k, v in want.items() if k not in ("seq", "sha256")}
            have = _jsonish(have)
            if want != have:
                return [
                    f"line {line + 1 + j}: logged {_short(want)} but re-adjudication gives {_short(have)}"
                ]
        if len(got) != len(logged):
            return [
                f"line {line}: the log holds {len(logged)} events for this command, "
                f"re-adjudication gives {len(got)}"
            ]
        session.commit(result)
        i += 1 + n
    return []


@frozen
class Branch:
    """A branch written by :func:`branch`: where it was cut and what it holds."""

    path: str
    """The new log."""
    turn: int
    """The turn of the branch point."""
    phase: str
    """The phase of the branch point: the branch holds the session just after it began."""
    groups: int
    """How many of the parent's commands (with their events) the branch holds."""
    state: State
    """The session's state at the branch point, where the branch continues."""


def branch_cut(records: Sequence[Mapping[str, Any]], turn: int, phase: str) -> int | None:
    """How many of ``records`` (whole groups) hold the session up to the moment ``phase`` of
    ``turn`` began, or None if the log never reached it.

    >>> records = [{"kind": "command", "n": 1}, {"kind": "phase", "turn": 1, "phase": "briefing"},
    ...            {"kind": "command", "n": 1}, {"kind": "phase", "turn": 1, "phase": "orders"}]
    >>> [branch_cut(records, 1, p) for p in ("briefing", "orders", "debrief")]
    [2, 4, None]
    """
    i = 0
    while i < len(records):
        end = i + 1 + records[i]["n"]
        for e in records[i + 1 : end]:
            if e["kind"] == "phase" and e["turn"] == turn and e["phase"] == phase:
                return end
        i = end
    return None


def branch(
    parent: str | os.PathLike[str], out: str | os.PathLike[str], turn: int, phase: str = "briefing"
) -> Branch:
    """Write a new log holding the session of ``parent`` up to the moment ``phase`` of ``turn``
    began, with a header that names its parent, the SHA-256 of the parent's last line it keeps and
    the branch point. The new log then continues with :meth:`RecordedSession.resume`.

    Raises :class:`LogError` if the parent does not read, never reached that point, or ``out``
    exists."""
    contents = read_log(parent)
    records = contents.records
    cut = branch_cut(records, turn, phase)
    if cut is None:
        phases = [r for r in records if r["kind"] == "phase"]
        last = phases[-1] if phases else None
        reached = f"it ends at turn {last['turn']}, {last['phase']}" if last else "it never started"
        raise LogError(parent, None, f"the session never reached turn {turn}, {phase} ({reached})")
    header = {k: v for k, v in contents.header.items() if k not in ("seq", "sha256")}
    last = records[cut - 1]
    lineage: dict[str, Any] = {
        "path": str(parent),
        "sha256": last["sha256"],
        "seq": last["seq"],
        "at": {"turn": turn, "phase": phase},
    }
    if "parent" in contents.header:
        lineage["parent"] = contents.header["parent"]
    header["parent"] = lineage
    session = session_from_header(contents.header, str(parent))
    events = [r for r in records[:cut] if r["kind"] != "command"]
    with paused_gc():
        state = fold_all(session.state, events)
    if os.path.exists(out):
        raise LogError(out, None, "already exists; a branch never overwrites a log")
    write_log(out, header, records[:cut])
    groups = sum(1 for r in records[:cut] if r["kind"] == "command")
    return Branch(path=str(out), turn=turn, phase=phase, groups=groups, state=state)


def lineage(header: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The logs a branched log descends from, nearest first (empty for an original session).

    >>> lineage({"parent": {"path": "b.jsonl", "at": {"turn": 3}, "parent": {"path": "a.jsonl"}}})[1]["path"]
    'a.jsonl'
    """
    out: list[Mapping[str, Any]] = []
    node = header.get("parent")
    while isinstance(node, Mapping):
        out.append(node)
        node = node.get("parent")
    return out


def describe_lineage(header: Mapping[str, Any]) -> list[str]:
    """One line per ancestor, for reports and the replay viewer."""
    lines = []
    for p in lineage(header):
        at = p.get("at", {})
        where = f"turn {at.get('turn', '?')}, {at.get('phase', '?')}"
        lines.append(f"branched from {p.get('path', '?')} at {where} (line {p.get('seq', '?')}, "
                     f"sha256 {str(p.get('sha256', '?'))[:12]}…)")
    return lines


def _jsonish(e: Mapping[str, Any]) -> Any:
    import json

    return json.loads(json.dumps(e))


def _short(e: Mapping[str, Any]) -> str:
    import json

    text = json.dumps(e, ensure_ascii=False, sort_keys=True)
    return text if len(text) < 300 else text[:297] + "..."


class RecordedSession:
    """A session whose every accepted command is on disk before it is acknowledged."""

    def __init__(self, session: Session, writer: LogWriter, warnings: Sequence[str] = ()) -> None:
        self.session = session
        self.writer = writer
        self.warnings = list(warnings)

    @property
    def path(self) -> str:
        return str(self.writer.path)

    @property
    def state(self) -> State:
        return self.session.state

    @classmethod
    def create(
        cls,
        scenario: Scenario,
        log_path: str | os.PathLike[str],
        *,
        seed: int | None = None,
        source: str = "",
    ) -> RecordedSession:
        """Start a new session and its log (which must not exist yet)."""
        session = new_session(scenario, seed)
        writer = LogWriter.create(log_path, make_header(session, source))
        return cls(session, writer)

    @classmethod
    def resume(cls, log_path: str | os.PathLike[str]) -> RecordedSession:
        """Re-open a session from its log, exactly where it stopped (a cut-short tail is
        dropped with a warning and the file is truncated to its last good group)."""
        writer, contents = LogWriter.resume(log_path)
        try:
            session = session_from_header(contents.header, str(log_path))
            events = [r for r in contents.records if r["kind"] != "command"]
            session.state = fold_all(session.state, events)
        except BaseException:
            writer.close()
            raise
        return cls(session, writer, contents.warnings)

    def apply(self, command: Command) -> Result:
        """Decide, log (fsync), then commit. A rejected command is not logged."""
        result = self.session.decide(command)
        if isinstance(result, Accepted):
            record = {"kind": "command", "n": len(result.events), "command": command_to_dict(command)}
            self.writer.append([record, *result.events])
            self.session.commit(result)
        return result

    def close(self) -> None:
        self.writer.close()

    def __enter__(self) -> RecordedSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
