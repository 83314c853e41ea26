"""The session log: an append-only JSON Lines file, hash-chained and fsynced.

The log is the product's memory and a public, versioned artefact, as PGN is for chess: everything
a session did can be replayed, branched and reported from it. This module knows nothing about game
rules; records are plain dicts. The format is described in ``docs/log-format.md``.

Layout, one JSON object per line, compact, UTF-8, each line ending in ``"\\n"``::

    {"format":"detente-log","version":1,...,"seq":0,"sha256":"…"}       header
    {"seq":1,"kind":"command","n":2,...,"at":"2026-11-25T14:03:11.123Z","sha256":"…"}
    {"seq":2,"kind":"…",...,"sha256":"…"}                                 event 1 of 2
    {"seq":3,"kind":"…",...,"sha256":"…"}                                 event 2 of 2

``sha256`` is always the last key: the hex SHA-256 of the previous line's ``sha256`` followed by
this line's text without the ``sha256`` key (the header chains from the empty string).

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "session.jsonl"
>>> with LogWriter.create(path, {"format": "detente-log", "version": 1}) as log:
...     log.append([{"kind": "command", "n": 1, "command": "advance"},
...                 {"kind": "phase", "to": "orders"}])
>>> contents = read_log(path)
>>> [record["kind"] for record in contents.records]
['command', 'phase']
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from detente.engine.gcpause import paused_gc

if TYPE_CHECKING:
    from detente.engine.signing import Key

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "VERSIONS",
    "LogContents",
    "LogError",
    "LogWriter",
    "Signatures",
    "canonical_sha256",
    "iter_groups",
    "read_log",
    "write_log",
]

FORMAT = "detente-log"
"""The value of the header's ``format`` key."""

FORMAT_VERSION = 2
"""The log format version this module writes: 2 may carry signatures (see docs/log-format.md)."""

VERSIONS = (1, 2)
"""The versions this module reads (and appends to). Version 1 logs are never signed: a version 1
reader would take a signature for damage, so one is never added to them."""

Record = dict[str, Any]
Clock = Callable[[], datetime]

# The end of every line: ',"sha256":"' (11 characters), 64 hex digits, '"}' (2 characters).
_TAIL = 77
_TAG = ',"sha256":"'
# A signed command line has ',"sig":"', 128 hex digits and '"' just before that tail. The
# signature is left out of the line's own hash (it signs the chain head after the group's last
# line, which depends on this line), so the chain is computed as if it were not there.
_SIG_TAG = ',"sig":"'
_SIG = 137
_SIGNED_TAIL = _TAIL + _SIG


class LogError(Exception):
    """A log cannot be read or written; the message is meant for the facilitator.

    ``str(error)`` reads ``"PATH:LINE: message"``, or ``"PATH: message"`` when no one line is at
    fault.
    """

    def __init__(self, path: str | os.PathLike[str], line: int | None, message: str) -> None:
        super().__init__(path, line, message)
        self.path = os.fspath(path)
        """The log file."""
        self.line = line
        """The 1-based line at fault, or ``None`` when the fault is the whole file."""
        self.message = message
        """What is wrong, in plain words."""

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


@attrs.frozen
class LogContents:
    """What :func:`read_log` found: the header and every record of the complete command groups."""

    path: Path
    """The log file."""
    header: Record
    """Line 1, as written by the session, including the ``seq`` and ``sha256`` the writer added."""
    records: list[Record]
    """Every good record after the header, in order: command records and their events. Each keeps
    its ``seq`` and ``sha256``; command records keep their wall-clock ``at``."""
    warnings: list[str]
    """Plain-language notes on what was dropped (a cut-short line, an unfinished command) or, in
    tolerant mode, where reading stopped."""
    good_bytes: int
    """Byte offset of the end of the last complete group: where appending continues."""
    last_hash: str
    """The ``sha256`` of the last good line; the next line chains from it."""
    next_seq: int
    """The ``seq`` the next line will carry."""
    signatures: Signatures = attrs.field(factory=lambda: Signatures(None, None, 0, ()))
    """Who signed the complete groups; the last group's signature has been checked."""


@attrs.frozen
class Signatures:
    """Who vouches for a log: the keys that signed its command groups (public keys, hex).

    Each signature covers the chain head after its group, and the chain covers every line before
    it, so the last group's signature (checked by :func:`read_log`) vouches for the whole log.
    """

    header: str | None
    """The key the header names (the machine that began the session), or None: unsigned."""
    last: str | None
    """The key that signed the last complete group, or None if it is unsigned."""
    unsigned: int
    """How many command groups carry no signature."""
    keys: tuple[str, ...]
    """Every key that signed a group, in the order of first use."""


def canonical_sha256(obj: Any) -> str:
    """Return the hex SHA-256 of ``obj`` as canonical JSON (sorted keys, compact, UTF-8).

    The session uses it for the scenario and ruleset hashes in the header, so that the same data
    gives the same hash however its keys were ordered.

    >>> canonical_sha256({"b": 1, "a": "é"}) == canonical_sha256({"a": "é", "b": 1})
    True
    """
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iter_groups(records: Sequence[Mapping[str, Any]]) -> Iterator[tuple[Any, list[Any]]]:
    """Yield ``(command, events)`` for each command record and the ``n`` events that follow it.

    Raises :class:`ValueError` if the records are not whole groups; records from :func:`read_log`
    always are.

    >>> records = [{"kind": "command", "n": 1}, {"kind": "phase"}, {"kind": "command", "n": 0}]
    >>> [(command["n"], len(events)) for command, events in iter_groups(records)]
    [(1, 1), (0, 0)]
    """
    i, total = 0, len(records)
    while i < total:
        command = records[i]
        if command.get("kind") != "command":
            raise ValueError(f"record {i} is not a command but {command.get('kind')!r}")
        n = command.get("n")
        if type(n) is not int or n < 0:
            raise ValueError(f"command record {i} has no valid event count 'n': {n!r}")
        end = i + 1 + n
        if end > total:
            raise ValueError(f"command record {i} announces {n} events; {total - i - 1} follow")
        yield command, list(records[i + 1 : end])
        i = end


# --- reading --------------------------------------------------------------------------------------


def read_log(path: str | os.PathLike[str], *, tolerant: bool = False) -> LogContents:
    """Read and verify a log: every line's sequence number, checksum and chain, and the grouping.

    A last line cut short (the session stopped while writing it) is dropped, and so is a last
    command whose events were not all written; each drop is noted in :attr:`LogContents.warnings`.
    Any other damage raises :class:`LogError` naming the line. With ``tolerant=True`` (for the
    replay viewer), reading instead stops at the last complete group before the damaged line, with
    a warning.

    Raises :class:`LogError` if the file is missing, is not a Détente log, or has a format version
    this module does not read.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LogError(path, None, f"cannot be read: {error.strerror or error}") from None

    end = data.rfind(b"\n") + 1  # everything after `end` is a line whose write never finished
    if end == 0:
        why = "the file is empty" if not data else "its first line is incomplete"
        raise LogError(path, None, f"not a Détente log ({why})")
    line_count = data.count(b"\n", 0, end)

    text, bad_utf8 = _decode(data, end)
    lines = text.split("\n")
    lines.pop()  # the empty string after the last "\n"
    if not lines:  # the header itself is not UTF-8
        raise LogError(path, None, "not a Détente log")
    header = _read_header(path, lines[0])

    with paused_gc():
        scan = _scan(lines, header["sha256"])
    records = scan.records
    warnings: list[str] = []
    bad: tuple[int, str] | None = None  # the first damaged line and what is wrong with it
    if scan.bad_seq is not None:
        line = lines[scan.bad_seq]
        bad = scan.bad_seq + 1, _explain(line, scan.bad_seq, scan.prev, scan.remaining,
                                         scan.group_start + 1)
    elif bad_utf8 is not None:
        bad = bad_utf8 + 1, (f"line {bad_utf8 + 1} has been altered or corrupted: it is not "
                             "valid UTF-8 text")
    if bad is not None:
        if not tolerant:
            raise LogError(path, *bad)
        stop = f"line {scan.complete + 1}" if scan.complete else "the header"
        warnings.append(f"{bad[1]}; reading stopped after {stop}, "
                        "the end of the last complete command before it")
    else:
        if end < len(data):
            warnings.append(f"line {line_count + 1} was cut short (the session stopped while "
                            "writing it); it was dropped")
        if scan.remaining:
            first, last = scan.group_start + 1, len(lines)
            n = records[scan.group_start - 1]["n"]
            where = f"lines {first}–{last} hold" if last > first else f"line {first} holds"
            warnings.append(f"{where} a command whose events were not all written ({last - first} "
                            f"of {n}; the session stopped while writing them); it was dropped")
    del records[scan.complete :]

    return LogContents(
        path=path,
        header=header,
        records=records,
        warnings=warnings,
        good_bytes=_end_of_line(data, end, line_count, scan.complete),
        last_hash=records[-1]["sha256"] if records else header["sha256"],
        next_seq=scan.complete + 1,
        signatures=_check_signatures(path, header, records),
    )


def _check_signatures(path: Path, header: Record, records: list[Record]) -> Signatures:
    """Check the last group's signature (it vouches for everything before it, through the chain)
    and that a log whose header names a key has a signature on every group."""
    signer = header.get("signer")
    if signer is not None and (type(signer) is not str or len(signer) != 64 or header["version"] < 2):
        raise LogError(path, 1, "the header's signing key is damaged")
    keys: list[str] = []
    unsigned = 0
    last_command: Record | None = None
    last_line = 0
    for i, record in enumerate(records):
        if record["kind"] != "command":
            continue
        last_command, last_line = record, i + 2
        key = record.get("signer", signer)
        if "sig" in record and header["version"] < 2:
            raise LogError(path, last_line, "this command carries a signature, which a version 1 "
                           "log never does")
        if "sig" not in record:
            if signer is not None:
                raise LogError(path, last_line, "this command carries no signature, though the log "
                               "is signed: a signature was removed or the line was forged")
            unsigned += 1
        elif type(key) is not str:
            raise LogError(path, last_line, "this command carries a signature but names no key")
        elif key not in keys:
            keys.append(key)
    last = None
    if last_command is not None and "sig" in last_command:
        from detente.engine.signing import check

        last = str(last_command.get("signer", signer))
        if not check(last, records[-1]["sha256"], str(last_command["sig"])):
            raise LogError(path, last_line, "the signature does not match the log: it was changed "
                           "after it was signed")
    return Signatures(header=signer, last=last, unsigned=unsigned, keys=tuple(keys))


def _decode(data: bytes, end: int) -> tuple[str, int | None]:
    """Decode the complete lines; on bad UTF-8, return the lines before it and the damaged index."""
    try:
        return str(memoryview(data)[:end], "utf-8"), None
    except UnicodeDecodeError as error:
        start = data.rfind(b"\n", 0, error.start) + 1
        return str(memoryview(data)[:start], "utf-8"), data.count(b"\n", 0, start)


def _read_header(path: Path, line: str) -> Record:
    try:
        header = json.loads(line)
    except (ValueError, RecursionError):
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise LogError(path, None, "not a Détente log")
    version = header.get("version")
    if type(version) is not int or version not in VERSIONS:
        message = (f"this log is in format version {version!r}, but this version of Détente reads "
                   f"only versions {' and '.join(map(str, VERSIONS))}")
        if type(version) is int and version > FORMAT_VERSION:
            message += "; it was written by a newer Détente, so upgrade to open it"
        raise LogError(path, None, message)
    if header.get("seq") != 0 or _checksum("", line) != line[-_TAIL:]:
        raise LogError(path, 1, _explain(line, 0, "", 0, 0))
    return header


def _checksum(prev: str, line: str) -> str:
    """The tail ``line`` must end with if it chains from ``prev``."""
    signed = line[-_SIGNED_TAIL : -_SIGNED_TAIL + len(_SIG_TAG)] == _SIG_TAG
    body = line[:-_SIGNED_TAIL] if signed else line[:-_TAIL]
    digest = hashlib.sha256(f"{prev}{body}}}".encode()).hexdigest()
    return f'{_TAG}{digest}"}}'


@attrs.frozen
class _Scan:
    records: list[Record]
    complete: int  # seq of the last line of the last complete group (0: the header)
    bad_seq: int | None  # seq (0-based line index) of the first bad line, if any
    prev: str  # sha256 of the line before bad_seq, or of the last line read
    remaining: int  # events still owed to the open command
    group_start: int  # seq of the open command


def _scan(lines: list[str], prev: str) -> _Scan:
    """Verify and parse lines[1:]. This is the hot loop: per line one slice, one SHA-256, one parse.

    Any surprise stops the scan; :func:`_explain` then looks at the line again, slowly, to say why.
    """
    records: list[Record] = []
    append = records.append
    sha256 = hashlib.sha256
    decode = json.JSONDecoder().raw_decode  # json.loads minus its whitespace regex and checks
    remaining = complete = start = 0
    bad = None
    seq = 0
    try:
        # Literals rather than _TAIL and _TAG: a global lookup per line costs measurable time.
        for seq, line in enumerate(lines[1:], 1):
            signed = line[-214:-206] == ',"sig":"'  # _SIG_TAG, where a signed command has it
            digest = sha256(f"{prev}{line[:-214] if signed else line[:-77]}}}".encode()).hexdigest()
            if line[-77:] != f',"sha256":"{digest}"}}':
                bad = seq
                break
            record, stop = decode(line)
            if stop != len(line) or record["seq"] != seq or signed != ("sig" in record):
                bad = seq
                break
            if remaining:
                if record["kind"] == "command" or signed:
                    bad = seq
                    break
                remaining -= 1
                if not remaining:
                    complete = seq
            else:
                n = record["n"] if record["kind"] == "command" else None
                if type(n) is not int or n < 0:
                    bad = seq
                    break
                start = seq
                if n:
                    remaining = n
                else:
                    complete = seq
            append(record)
            prev = digest
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        bad = seq
    return _Scan(records, complete, bad, prev, remaining, start)


def _explain(line: str, seq: int, prev: str, remaining: int, group_line: int) -> str:
    """Say in plain words what is wrong with ``line``, which failed the checks in :func:`_scan`."""
    where = f"line {seq + 1}"
    damaged = f"{where} has been altered or corrupted"
    if not line.strip():
        return f"{where} is empty (the file was edited)"
    if line.endswith("\r"):
        return f"{damaged}: its line endings were changed (perhaps by a text editor)"
    try:
        record = json.loads(line)
    except RecursionError:
        return f"{damaged}: it nests too deeply to be a log line"
    except ValueError as error:
        return f"{damaged}: it is not valid JSON ({getattr(error, 'msg', error)})"
    if not isinstance(record, dict):
        return f"{damaged}: it is not a JSON object"
    if record.get("seq") != seq:
        return (f"{where} is out of sequence: its number is {record.get('seq')!r} where {seq} was "
                "expected (a line before it may have been deleted, or lines moved)")
    if len(line) < _TAIL or not line.endswith('"}') or line[-_TAIL : -_TAIL + len(_TAG)] != _TAG:
        return f"{damaged}: its checksum is missing"
    if "sig" in record and record.get("kind") != "command":
        return f"{damaged}: an event carries a signature"
    if _checksum(prev, line) != line[-_TAIL:]:
        return f"{damaged}: its checksum does not match"
    if seq == 0:
        return damaged
    kind = record.get("kind")
    if kind is None:
        return f"{damaged}: it has no 'kind'"
    if remaining:
        if kind == "command":
            return (f"{where} starts a new command, but the command on line {group_line} still "
                    f"lacks {remaining} of its events")
    elif kind != "command":
        return f"{where} records an event ({kind!r}) that belongs to no command"
    else:
        return f"{where} is a command without a valid event count ('n' must be 0 or more)"
    return damaged


def _end_of_line(data: bytes, end: int, line_count: int, seq: int) -> int:
    """Byte offset just after the line holding ``seq``, walking back from ``end`` (usually near)."""
    pos = end - 1
    for _ in range(line_count - 1 - seq):
        pos = data.rfind(b"\n", 0, pos)
    return pos + 1


# --- writing --------------------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds and a ``Z``: ``2026-11-25T14:03:11.123Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"


def _check_header(header: Mapping[str, Any]) -> None:
    if not isinstance(header, Mapping):
        raise TypeError(f"the header must be a dict, not {type(header).__name__}")
    version = header.get("version")
    if header.get("format") != FORMAT or type(version) is not int or version not in VERSIONS:
        raise ValueError(
            f"the header must have format {FORMAT!r} and a version in {VERSIONS}; got "
            f"{header.get('format')!r} and {header.get('version')!r}"
        )


def _check_group(group: Sequence[Mapping[str, Any]]) -> None:
    if not group or group[0].get("kind") != "command":
        raise ValueError("a group starts with a command record ({'kind': 'command', 'n': ...})")
    n = group[0].get("n")
    if type(n) is not int or n != len(group) - 1:
        raise ValueError(f"the command announces n={n!r} events but {len(group) - 1} follow it")
    for event in group[1:]:
        if event.get("kind") == "command":
            raise ValueError("an event record cannot have kind 'command'")


def _line(record: Mapping[str, Any], prev: str) -> tuple[str, str]:
    """One line for ``record`` chained from ``prev``, and its hash."""
    body = json.dumps(record, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    digest = hashlib.sha256(f"{prev}{body}".encode()).hexdigest()
    return f'{body[:-1]}{_TAG}{digest}"}}\n', digest


def _encode_header(header: Mapping[str, Any]) -> tuple[str, str]:
    """Line 1. It starts ``{"format":"detente-log","version":1,`` so the first bytes identify a
    log; ``seq`` goes at the end."""
    record = {"format": header["format"], "version": header["version"], **header}
    record.pop("sha256", None)
    record.pop("seq", None)
    record["seq"] = 0
    return _line(record, "")


def _encode(
    records: Sequence[Mapping[str, Any]],
    seq: int,
    prev: str,
    at: str,
    keep_at: bool,
    key: Key | None = None,
    signer: str | None = None,
) -> tuple[str, int, str]:
    """Lines for whole groups ``records``, numbered from ``seq`` and chained from ``prev``; returns
    the text, the next seq and the last hash. Command records get ``at``, unless ``keep_at`` and
    they have one. With ``key`` each group is signed: its command line gets ``sig`` over the chain
    head after the group, and ``signer`` when the key is not the header's ``signer``. Signatures
    and signers already in ``records`` (a branch copies its parent's lines) are dropped."""
    lines: list[str] = []
    command_at = -1
    for source in records:
        record = {"seq": seq, **source}
        record["seq"] = seq
        record.pop("sha256", None)
        if record.get("kind") == "command":
            _sign_group(lines, command_at, prev, key)
            command_at = len(lines)
            record.pop("sig", None)
            record.pop("signer", None)
            if key is not None and key.public != signer:
                record["signer"] = key.public
            if not (keep_at and "at" in record):
                record["at"] = at
        line, prev = _line(record, prev)
        lines.append(line)
        seq += 1
    _sign_group(lines, command_at, prev, key)
    return "".join(lines), seq, prev


def _sign_group(lines: list[str], command_at: int, head: str, key: Key | None) -> None:
    """Put the signature of chain head ``head`` into the command line ``lines[command_at]``,
    just before its checksum (which does not cover it)."""
    if key is None or command_at < 0:
        return
    line = lines[command_at]
    cut = len(line) - _TAIL - 1  # the tail and the newline
    lines[command_at] = f'{line[:cut]}{_SIG_TAG}{key.sign(head)}"{line[cut:]}'


def _open_new(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_BINARY", 0)
        return os.open(path, flags, 0o644)
    except FileExistsError:
        raise LogError(path, None, "already exists; choose another name, or resume it") from None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:  # os.write may write less than asked (a full disk, a signal)
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def _sync_directory(path: Path) -> None:
    """Make a new file's name durable too; not possible (nor needed) on every platform."""
    try:
        fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class LogWriter:
    """Appends command groups to a log; each :meth:`append` is on disk before it returns.

    Make one with :meth:`create` or :meth:`resume`, not directly. The writer is the edge that reads
    the wall clock: it stamps ``at`` on command records. It holds an exclusive lock on the log
    for its life (see :class:`_Lock`), and signs each group when it has a key.
    """

    def __init__(
        self,
        path: Path,
        fd: int,
        next_seq: int,
        last_hash: str,
        clock: Clock,
        key: Key | None = None,
        signer: str | None = None,
        lock: _Lock | None = None,
    ) -> None:
        self.path = path
        """The log file."""
        self._fd: int | None = fd
        self._seq = next_seq
        self._prev = last_hash
        self._clock = clock
        self._key = key
        self._signer = signer
        self._lock = lock
        self._log_id = ""
        """The header's ``sha256``: the name under which this machine notes the log's head."""

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        header: Mapping[str, Any],
        *,
        clock: Clock = _utc_now,
        key: Key | None = None,
        holder: str = "",
    ) -> LogWriter:
        """Start a new log at ``path`` with ``header`` as line 1, creating parent directories.

        ``header`` must carry ``"format": "detente-log"`` and a ``version`` in :data:`VERSIONS`
        (a version 1 log is written unsigned, whatever ``key``); the writer adds
        ``seq`` and ``sha256``, and with ``key`` the ``signer`` (its public key). ``clock`` returns
        the time stamped on command records (UTC); ``holder`` says who writes, for the message
        another writer gets (default: this command line).
        Raises :class:`LogError` if the file already exists: a log is never overwritten.
        """
        _check_header(header)
        path = Path(path)
        header = dict(header)
        header.pop("signer", None)
        if header["version"] < 2:
            key = None  # a version 1 log is never signed
        if key is not None:
            header["signer"] = key.public
        text, prev = _encode_header(header)
        if path.exists():
            raise LogError(path, None, "already exists; choose another name, or resume it")
        # The header is written and fsync'd under a temporary name, locked, then linked into
        # place, so a crash at any moment leaves either no log or a log with its whole header,
        # and no other writer can slip in between the link and the lock.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        fd = _open_new(tmp)
        lock = None
        try:
            _write_all(fd, text.encode("utf-8"))
            lock = _Lock.take(path, fd, holder)
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise LogError(path, None, "already exists; choose another name, or resume it") from None
            lock.announce()
        except BaseException:
            if lock is not None:
                lock.release()
            os.close(fd)
            raise
        finally:
            tmp.unlink(missing_ok=True)
        _sync_directory(path)
        writer = cls(path, fd, 1, prev, clock, key, header.get("signer"), lock)
        writer._log_id = prev
        return writer

    @classmethod
    def resume(
        cls,
        path: str | os.PathLike[str],
        *,
        clock: Clock = _utc_now,
        key: Key | None = None,
        holder: str = "",
    ) -> tuple[LogWriter, LogContents]:
        """Reopen an existing log for appending, after reading it with :func:`read_log`.

        Another writer still holding the log is refused at once (:class:`LogError` naming it). A
        dropped tail (a cut-short line, an unfinished command) is cut off the file, so the next
        group continues the sequence and the chain from the last complete one. Raises
        :class:`LogError` if the log is damaged anywhere else or its signature does not match.
        """
        path = Path(path)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0))
        except OSError as error:
            raise LogError(path, None, f"cannot be opened for writing: {error.strerror or error}") from None
        lock = None
        try:
            # Lock first, then read: what is read is then what this writer continues.
            lock = _Lock.take(path, fd, holder)
            contents = read_log(path)
            if os.fstat(fd).st_size != contents.good_bytes:
                os.ftruncate(fd, contents.good_bytes)
                os.fsync(fd)
            lock.announce()
        except BaseException:
            if lock is not None:
                lock.release()
            os.close(fd)
            raise
        signer = contents.header.get("signer")
        if contents.header["version"] < 2:
            key = None  # what it adds stays readable by a version 1 reader
        writer = cls(contents.path, fd, contents.next_seq, contents.last_hash, clock, key, signer, lock)
        writer._log_id = contents.header["sha256"]
        return writer, contents

    @property
    def next_seq(self) -> int:
        """The ``seq`` the next line will carry."""
        return self._seq

    @property
    def last_hash(self) -> str:
        """The ``sha256`` of the last line written."""
        return self._prev

    @property
    def signing_key(self) -> str | None:
        """The public key this writer signs with, or None: what it writes is unsigned."""
        return self._key.public if self._key is not None else None

    def append(self, group: Sequence[Mapping[str, Any]]) -> None:
        """Write one command record and its events, then flush them to disk (fsync).

        ``group[0]`` is ``{"kind": "command", "n": K, ...}`` and exactly K event records follow it;
        otherwise :class:`ValueError` is raised and nothing is written. The writer adds ``seq`` and
        ``sha256`` to every record, ``at`` (now, UTC) to the command, and its signature when it has
        a key. The group goes to the file in one write, so a crash leaves at most a partial group
        at the end, which :func:`read_log` drops.
        """
        if self._fd is None:
            raise ValueError("this log writer is closed")
        _check_group(group)
        at = _stamp(self._clock())
        text, seq, prev = _encode(group, self._seq, self._prev, at, False, self._key, self._signer)
        data = text.encode("utf-8")
        size = os.lseek(self._fd, 0, os.SEEK_END)
        try:
            _write_all(self._fd, data)
        except BaseException:
            # Leave the file as it was, so that this writer (or a resume) stays consistent; if
            # even that fails, stop writing: a resume will drop the partial group.
            try:
                os.ftruncate(self._fd, size)
            except OSError:
                self.close()
            raise
        self._seq, self._prev = seq, prev
        if self._key is not None:
            from detente.engine.signing import remember_head

            remember_head(self._log_id, seq - 1, prev)

    def close(self) -> None:
        """Close the file and give up the lock. Closing twice is harmless."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            if self._lock is not None:
                self._lock.release()
            os.close(fd)

    def __enter__(self) -> LogWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Lock:
    """One writer per log: an exclusive ``flock`` on the log's own file, held while the writer
    lives, and a note beside it (``.NAME.lock``: pid, host, command, since) so a second writer
    can be told who holds it. The kernel drops the lock when its process dies, so a killed
    session never blocks the next one; its leftover note is simply replaced."""

    def __init__(self, path: Path, note: Path, holder: str) -> None:
        self.path = path
        self.note = note
        self.holder = holder

    @classmethod
    def take(cls, path: Path, fd: int, holder: str) -> _Lock:
        note = path.with_name(f".{path.name}.lock")
        try:
            import fcntl
        except ImportError:  # not a POSIX system: no lock, as before
            return cls(path, note, holder)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LogError(path, None, f"is being written by another Détente ({_holder(note)}); "
                           "close that one first, or open the log read-only (replay, report)") from None
        except OSError:
            pass  # a file system without locks (some network mounts): carry on as before
        return cls(path, note, holder or " ".join([os.path.basename(sys.argv[0]), *sys.argv[1:]]))

    def announce(self) -> None:
        """Write the note that names this writer (best effort: the lock itself is what counts)."""
        note = {"pid": os.getpid(), "host": socket.gethostname(), "command": self.holder,
                "since": _stamp(_utc_now())}
        tmp = self.note.with_name(f"{self.note.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.note)
        except OSError:
            tmp.unlink(missing_ok=True)

    def release(self) -> None:
        """Remove the note if it is still this writer's (the kernel drops the lock on close)."""
        try:
            if json.loads(self.note.read_text(encoding="utf-8")).get("pid") == os.getpid():
                self.note.unlink()
        except (OSError, ValueError, AttributeError):
            pass


def _holder(note: Path) -> str:
    """Who holds a log, from its lock note, in words."""
    try:
        info = json.loads(note.read_text(encoding="utf-8"))
        who = f"pid {int(info['pid'])} on {info['host']}"
        command = str(info.get("command", ""))[:120]
        since = str(info.get("since", ""))
        return who + (f", `{command}`" if command else "") + (f", since {since}" if since else "")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return "another process; it left no note of who it is"


def write_log(
    path: str | os.PathLike[str],
    header: Mapping[str, Any],
    records: Sequence[Mapping[str, Any]],
    *,
    clock: Clock = _utc_now,
    key: Key | None = None,
) -> None:
    """Write a whole new log at once, for example a branch cut from another log.

    ``records`` must be whole groups, such as a prefix of :attr:`LogContents.records`. Sequence
    numbers and checksums are rewritten, and the groups are signed anew with ``key`` (or left
    unsigned without one); the ``at`` of each command record is kept (commands without one get
    the current time). Raises :class:`LogError` if ``path`` exists.
    """
    _check_header(header)
    for command, events in iter_groups(records):
        _check_group([command, *events])
    path = Path(path)
    header = dict(header)
    header.pop("signer", None)
    if header["version"] < 2:
        key = None
    if key is not None:
        header["signer"] = key.public
    head, prev = _encode_header(header)
    body, seq, last = _encode(records, 1, prev, _stamp(clock()), True, key, header.get("signer"))
    fd = _open_new(path)
    try:
        _write_all(fd, (head + body).encode("utf-8"))
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)
    _sync_directory(path)
    if key is not None and records:
        from detente.engine.signing import remember_head

        remember_head(prev, seq - 1, last)
