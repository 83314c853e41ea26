"""A session that writes every accepted command and its events to the log before it
moves on — the edge between the pure session and the disk.

The order matters: the session *decides* (pure), the log *appends and fsyncs*, and
only then does the session *commit*. If the write fails, the session stays where it
was; if the process dies mid-write, the reader drops the partial group, and the
command counts as never made (it was never acknowledged).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen

from detente import engine
from detente.engine.commands import (
    FACILITATOR,
    Command,
    Observe,
    actor_of,
    command_from_dict,
    command_to_dict,
)
from detente.engine.events import Event, fold_all
from detente.engine.gcpause import paused_gc
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
from detente.engine.session import Accepted, Rejected, Result, Session, new_session
from detente.engine.state import State, initial_state

if TYPE_CHECKING:
    from detente.engine.signing import Key


MACHINE_KEY: Any = object()
"""The default of the ``key`` arguments: this machine's signing key, created on first use."""


def _key(key: Key | object | None) -> Key | None:
    from detente.engine.signing import Key, machine_key

    if key is MACHINE_KEY:
        return machine_key()
    return key if isinstance(key, Key) else None


def make_header(
    session: Session,
    source: str = "",
    parent: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The log header of a new session: the scenario and ruleset numbers as loaded, their
    SHA-256, the seed and the dice secret, where the scenario file was (and its SHA-256, so a
    resume can say it has changed since), for a branch its parent, and the front end's
    ``settings`` (such as the facilitator PIN's salted hash) when it gives any."""
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
    if session.secret:
        header["secret"] = session.secret
    if source:
        header.update(source_fingerprint(source))
    if parent is not None:
        header["parent"] = dict(parent)
    if settings:
        header["settings"] = dict(settings)
    return header


def source_fingerprint(source: str | os.PathLike[str]) -> dict[str, str]:
    """``source_path`` (absolute) and ``source_sha256`` (of the file's bytes) for a header; empty
    when the file cannot be read (a scenario that never was a file)."""
    try:
        data = Path(source).read_bytes()
    except OSError:
        return {}
    return {"source_path": os.path.abspath(source), "source_sha256": hashlib.sha256(data).hexdigest()}


def source_changed(header: Mapping[str, Any]) -> str | None:
    """A note when the scenario file the session began from has changed or gone since; None when
    it is as it was (or the log does not say). The log holds the scenario as loaded, so nothing
    is lost either way; the note tells a facilitator who edited the file why play differs."""
    path, digest = header.get("source_path"), header.get("source_sha256")
    if not isinstance(path, str) or not isinstance(digest, str):
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        return (f"the scenario file {path} is gone since the session began; the session goes on "
                "with the scenario as the log holds it")
    if hashlib.sha256(data).hexdigest() != digest:
        return (f"the scenario file {path} has changed since the session began; the session goes "
                "on with the scenario as the log holds it (start a new session to use the new file)")
    return None


def session_from_header(header: Mapping[str, Any], path: str = "<log>") -> Session:
    """A fresh session (before its first command) of the scenario, numbers, seed and dice secret
    a log holds. Raises :class:`LogError` (line 1) for any header that does not hold together:
    a field missing or of the wrong type, or a scenario or numbers that do not match their hash."""
    try:
        if canonical_sha256(header["scenario"]) != header.get("scenario_sha256"):
            raise LogError(path, 1, "the scenario in the header does not match its SHA-256")
        numbers = header["ruleset"]["numbers"]
        if canonical_sha256(numbers) != header.get("ruleset_sha256"):
            raise LogError(path, 1, "the ruleset numbers in the header do not match their SHA-256")
        if not isinstance(numbers, dict) or not all(isinstance(v, dict) for v in numbers.values()):
            raise LogError(path, 1, "the ruleset numbers in the header are damaged")
        seed, secret = header["seed"], header.get("secret", "")
        if type(seed) is not int or type(secret) is not str:
            raise LogError(path, 1, "the header's seed or dice secret is damaged")
        scenario = structure_scenario(header["scenario"], path=f"{path} (header)")
        ruleset = find_ruleset(header["ruleset"]["name"])
        return Session(scenario, ruleset, seed, numbers, secret=secret)
    except LogError:
        raise
    except ScenarioError as exc:
        raise LogError(path, 1, f"the scenario in the header does not load: {exc.problems[0]}") from None
    except RulesetNotFound as exc:
        raise LogError(path, 1, f"the log was written with {exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise LogError(path, 1, f"the header is incomplete or damaged ({_one_line(exc)})") from None


def _one_line(exc: BaseException) -> str:
    text = " ".join(repr(exc).split())
    return text if len(text) <= 200 else text[:197] + "..."


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
    with paused_gc():
        session.state = _fold_logged(session.state, contents.records, str(path))
    return Replayed(contents=contents, session=session, events=events)


def _fold_logged(state: State, records: Sequence[Mapping[str, Any]], path: str) -> State:
    """Fold the events among ``records``; an event that does not fit raises :class:`LogError`
    naming its line (looked for only when the fast fold fails)."""
    events = [r for r in records if r["kind"] != "command"]
    try:
        return fold_all(state, events)
    except _UNFIT:
        pass
    for record in events:
        try:
            state = fold_all(state, (record,))
        except _UNFIT as exc:
            raise LogError(path, record["seq"] + 1, f"this {record['kind']!r} event does not fit the "
                           f"scenario or the state before it ({_one_line(exc)})") from None
    return state  # pragma: no cover - the fast fold failed, so one event above raised


# What folding a malformed event can raise: the log's checksums were right, so the line was
# written so (by a forger, or a bug) — a message, never a traceback.
_UNFIT = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)


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
    """Check a log as far as it can be checked, and return the problems (empty when it
    verifies), each ``line N: message``; never raises for a damaged log's content.

    Beyond what every read checks (the chain and the last signature), this re-checks every
    group's signature, the header (scenario and ruleset numbers against their hashes, and the
    numbers against what the scenario and its ruleset give, the engine version, the time
    stamps), the lineage of a branch against its parent when the parent is at hand, and then
    re-runs every logged command through a fresh session and compares the events it gives with
    the logged ones. Raises :class:`LogError` only when the file does not read as a log at all.
    """
    contents = read_log(path)
    where = str(path)
    problems = _check_header_against_engine(contents.header)
    problems += _check_all_signatures(contents)
    problems += _check_lineage(contents, where)
    try:
        session = session_from_header(contents.header, where)
    except LogError as exc:
        return [*problems, f"line 1: {exc.message}"]
    if problems:
        return problems
    return _readjudicate(session, contents.records)


def _check_header_against_engine(header: Mapping[str, Any]) -> list[str]:
    from detente.engine.loader import merge_numbers

    problems = []
    if header.get("engine") != engine.__version__:
        problems.append(f"line 1: the log was written by engine {header.get('engine')!r}, this is "
                        f"{engine.__version__}; re-adjudication may differ")
    if not isinstance(header.get("source", ""), str) or "/" in str(header.get("source", "")):
        problems.append("line 1: the header's source is not a file name")
    try:
        scenario = structure_scenario(header["scenario"], path="header")
        expected = merge_numbers(find_ruleset(scenario.rules.name).numbers, scenario.rules.overrides)
        if header.get("ruleset", {}).get("name") != scenario.rules.name:
            problems.append("line 1: the header's ruleset is not the one the scenario names")
        elif _jsonish(expected) != header["ruleset"].get("numbers"):
            problems.append("line 1: the ruleset numbers in the header are not those the scenario "
                            f"and the {scenario.rules.name} ruleset give")
    except (ScenarioError, RulesetNotFound, KeyError, TypeError, ValueError, AttributeError,
            RecursionError):
        pass  # session_from_header names what is wrong with the header
    return problems


def _check_all_signatures(contents: LogContents) -> list[str]:
    from detente.engine.signing import check

    signer = contents.header.get("signer")
    records = contents.records
    for i, record in enumerate(records):
        if record["kind"] != "command" or "sig" not in record:
            continue
        end = i + record["n"]  # the group's last line (records hold whole groups)
        if not check(str(record.get("signer", signer)), records[end]["sha256"], str(record["sig"])):
            return [f"line {record['seq'] + 1}: the signature does not match the log: it was "
                    "changed after it was signed"]
    problems = []
    stamps = [r.get("at") for r in records if r["kind"] == "command"]
    for record, at in zip((r for r in records if r["kind"] == "command"), stamps, strict=True):
        if not (isinstance(at, str) and _STAMP.fullmatch(at)):
            problems.append(f"line {record['seq'] + 1}: the time stamp {at!r} is not a UTC time")
            break
    return problems


_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _check_lineage(contents: LogContents, where: str) -> list[str]:
    """A branch's parent, when it is at hand: its line at ``seq`` must carry ``sha256``, and the
    branch's lines up to there must hold what the parent's hold."""
    parent = contents.header.get("parent")
    if parent is None:
        return []
    if not isinstance(parent, Mapping) or not isinstance(parent.get("path"), str):
        return ["line 1: the header's parent is damaged"]
    seq, digest = parent.get("seq"), parent.get("sha256")
    candidates = [Path(parent["path"]), Path(where).parent / Path(parent["path"]).name]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        return []  # the parent is not here: the report says the lineage could not be checked
    try:
        mine = read_log(found).records
    except LogError as exc:
        return [f"line 1: the parent log {found} does not read ({exc.message})"]
    if type(seq) is not int or not 0 < seq <= len(mine) or mine[seq - 1]["sha256"] != digest:
        return [f"line 1: the parent named in the header is not {found} as it is now: its line "
                f"{seq!r} does not carry the SHA-256 the branch names"]
    ours = contents.records[:seq]
    skip = ("sha256", "sig", "signer")
    for theirs, own in zip(mine[:seq], ours, strict=False):
        if {k: v for k, v in theirs.items() if k not in skip} != {
            k: v for k, v in own.items() if k not in skip
        }:
            return [f"line {own['seq'] + 1}: differs from line {theirs['seq'] + 1} of the parent "
                    f"{found}, though the branch says it holds the parent's session up to there"]
    if len(ours) < seq:
        return [f"line 1: the branch holds {len(ours)} of the parent's {seq} lines"]
    return []


def _readjudicate(session: Session, records: Sequence[Mapping[str, Any]]) -> list[str]:
    i = 0
    while i < len(records):
        rec = records[i]
        n = rec["n"]
        logged = records[i + 1 : i + 1 + n]
        line = rec["seq"] + 1
        try:
            command = command_from_dict(rec["command"])
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            return [f"line {line}: the command is not one this engine knows ({_one_line(exc)})"]
        try:
            result = session.decide(command)
        except _UNFIT as exc:
            return [f"line {line}: the command cannot be re-adjudicated ({_one_line(exc)})"]
        if not isinstance(result, Accepted):
            return [f"line {line}: the command {_kind(rec)} is now refused: {result.reason}"]
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


def logged_ids(records: Sequence[Mapping[str, Any]]) -> frozenset[tuple[str, str]]:
    """``(who issued it, cid)`` of each command record that carries a client's id (``cid``).

    >>> sorted(logged_ids([
    ...     {"kind": "command", "n": 0, "command": {"type": "advance"}, "cid": "a1"},
    ...     {"kind": "command", "n": 0, "command": {"type": "orders", "team": "red"}, "cid": "a1"}]))
    [('facilitator', 'a1'), ('red', 'a1')]
    """
    found = set()
    for r in records:
        cid = r.get("cid") if r["kind"] == "command" else None
        command = r.get("command")
        if isinstance(cid, str) and cid and isinstance(command, Mapping):
            who = command.get("team", FACILITATOR)
            found.add((who if isinstance(who, str) else FACILITATOR, cid))
    return frozenset(found)


def _kind(record: Mapping[str, Any]) -> str:
    command = record.get("command")
    return str(command.get("type", "?")) if isinstance(command, Mapping) else "?"


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
    parent: str | os.PathLike[str],
    out: str | os.PathLike[str],
    turn: int,
    phase: str = "briefing",
    *,
    key: Key | object | None = MACHINE_KEY,
) -> Branch:
    """Write a new log holding the session of ``parent`` up to the moment ``phase`` of ``turn``
    began, with a header that names its parent, the SHA-256 of the parent's last line it keeps and
    the branch point. The new log then continues with :meth:`RecordedSession.resume`. It is
    signed with ``key`` (this machine's, by default); it keeps the parent's dice secret, so the
    kept part verifies and a replayed continuation draws the same dice.

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
    header["version"] = FORMAT_VERSION  # a new log, in the format this engine writes
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
    with paused_gc():
        state = _fold_logged(session.state, records[:cut], str(parent))
    if os.path.exists(out):
        raise LogError(out, None, "already exists; a branch never overwrites a log")
    write_log(out, header, records[:cut], key=_key(key))
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


def numbered(events: Sequence[Event], next_seq: int) -> list[Event]:
    """The events of a command just logged, each with its line in the log (``seq``), as a
    resumed log's events have theirs; ``next_seq`` is the log's next line
    (:attr:`LogWriter.next_seq`). A front end that keeps a live session's events keeps them so,
    and an evaluator's observation can name the decision it refers to.

    >>> numbered([{"kind": "phase"}, {"kind": "inject"}], 12)
    [{'kind': 'phase', 'seq': 10}, {'kind': 'inject', 'seq': 11}]
    """
    first = next_seq - len(events)
    return [{**e, "seq": first + i} for i, e in enumerate(events)]


def author(scenario: Scenario, command: Command) -> str:
    """Who gives ``command`` when a person at the console or a seat sends it: ``facilitator``
    for a command made for an actor the facilitator plays, else nobody but its actor (empty).
    A bot's commands are its actor's own, whoever plays it otherwise."""
    actor = actor_of(command)
    return FACILITATOR if actor != FACILITATOR and actor in scenario.facilitator_played else ""


class RecordedSession:
    """A session whose every accepted command is on disk before it is acknowledged."""

    def __init__(self, session: Session, writer: LogWriter, warnings: Sequence[str] = ()) -> None:
        self.session = session
        self.writer = writer
        self.warnings = list(warnings)
        self.contents: LogContents | None = None
        """The log as read on resume (its signatures, its header); None for a new session."""

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
        key: Key | object | None = MACHINE_KEY,
        settings: Mapping[str, Any] | None = None,
    ) -> RecordedSession:
        """Start a new session and its log (which must not exist yet), signed with ``key``
        (this machine's by default; None writes an unsigned log). The dice secret is derived
        from the key and the seed (see :func:`detente.engine.signing.dice_secret`).
        ``settings`` go in the header (:func:`make_header`): a syndicate's number, so that
        syndicates of one scenario and seed are told apart (their headers would be the same)."""
        from detente.engine.signing import dice_secret

        signing = _key(key)
        seed = scenario.scenario.seed if seed is None else seed
        session = new_session(scenario, seed, secret=dice_secret(signing, seed))
        writer = LogWriter.create(log_path, make_header(session, source, settings=settings), key=signing)
        return cls(session, writer)

    @classmethod
    def resume(
        cls, log_path: str | os.PathLike[str], *, key: Key | object | None = MACHINE_KEY
    ) -> RecordedSession:
        """Re-open a session from its log, exactly where it stopped (a cut-short tail is
        dropped with a warning and the file is truncated to its last good group). What it adds
        is signed with ``key`` (this machine's by default). Refused while another writer holds
        the log, and for a log whose signature does not match."""
        writer, contents = LogWriter.resume(log_path, key=_key(key))
        try:
            session = session_from_header(contents.header, str(log_path))
            session.state = _fold_logged(session.state, contents.records, str(log_path))
        except BaseException:
            writer.close()
            raise
        rec = cls(session, writer, contents.warnings)
        rec.contents = contents
        rec._cids = logged_ids(contents.records)
        return rec

    _cids: frozenset[tuple[str, str]] = frozenset()

    def apply(self, command: Command, cid: str = "", by: str = "") -> Result:
        """Decide, log (fsync), then commit. A rejected command is not logged.

        ``cid`` is the id a network client chose for the command; it is logged with it, so a
        host restarted on this log still knows the command was applied (:meth:`applied_ids`).
        ``by`` is who gave a command made for an actor by someone else: ``facilitator`` for an
        actor the facilitator plays (:func:`author`); logged as the record's ``by``.
        An observation's ``decision`` must be a line the log already holds."""
        if isinstance(command, Observe) and command.decision >= self.writer.next_seq:
            return Rejected(f"the log has no event #{command.decision} yet "
                            f"(its last line is #{self.writer.next_seq - 1})")
        result = self.session.decide(command)
        if isinstance(result, Accepted):
            record: dict[str, Any] = {
                "kind": "command", "n": len(result.events), "command": command_to_dict(command)
            }
            if by:
                record["by"] = by
            if cid:
                record["cid"] = cid
            self.writer.append([record, *result.events])
            self.session.commit(result)
            if cid:
                self._cids = self._cids | {(actor_of(command), cid)}
        return result

    def applied_ids(self) -> frozenset[tuple[str, str]]:
        """``(who issued it, cid)`` of every command in the log that came with a client's id:
        the team id, or ``facilitator``. Ids are the clients' own, so only the pair is unique."""
        return self._cids

    def close(self) -> None:
        self.writer.close()

    def __enter__(self) -> RecordedSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
