"""Who vouches for a log, said to the facilitator by every command that opens one.

``replay``, ``report``, ``branch`` and ``resume`` all say whether a log is signed by this
machine's key, by another key, or not at all, and whether the scenario file it began from has
changed since. A log this machine did not sign is re-adjudicated before a report or a branch is
made from it: its facts are then the engine's, whatever hand wrote the file.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from detente.engine.log import LogContents


def notes(path: str, contents: LogContents, *, label: str | None = None) -> tuple[str, list[str]]:
    """``(status, lines)``: the signature status (``"this machine"``, ``"another key"``,
    ``"unsigned"``) and the lines to show, each starting with ``label`` (the log's path unless
    given): who vouches for the log, whether lines this machine wrote have been cut off its end,
    and whether the scenario file it began from has changed since."""
    from detente.engine.recorder import source_changed
    from detente.engine.signing import describe, machine_key, remembered_head

    try:
        mine = machine_key(create=False)
    except OSError:
        mine = None  # a damaged key file: every log then reads as another key's, which is true
    status, sentence = describe(contents.signatures, mine.public if mine else None)
    label = path if label is None else label
    lines = [f"{label}: {sentence}"]
    head = remembered_head(contents.header["sha256"])
    if head is not None:
        seq, digest = head  # records[i] holds seq i + 1
        if seq >= contents.next_seq:
            lines.append(f"{label}: warning: this machine wrote this log up to line {seq + 1}; it now "
                         f"ends at line {contents.next_seq}: lines were cut off its end")
        elif seq >= 1 and contents.records[seq - 1]["sha256"] != digest:
            lines.append(f"{label}: warning: line {seq + 1} is not the line this machine wrote there")
    changed = source_changed(contents.header)
    if changed:
        lines.append(f"{label}: note: {changed}")
    return status, lines


def vouched(path: str, contents: LogContents, action: str) -> list[str]:
    """The lines to show for a log about to be reported or branched (``action``); raises
    :class:`UserError` with ``FILE:LINE: message`` when this machine did not sign it and it does
    not re-adjudicate to the events it holds."""
    from detente.engine.recorder import verify
    from detente.tui.errors import UserError

    status, lines = notes(path, contents)
    if status != "this machine":
        problems = verify(path)
        if problems:
            raise UserError(f"{located(path, problems[0])} (this machine did not sign the log, and it "
                            f"does not re-adjudicate; no {action} was made)")
    return lines


def located(path: str, problem: str) -> str:
    """``line 12: message`` from :func:`detente.engine.recorder.verify` as ``PATH:12: message``."""
    match = re.match(r"line (\d+): ", problem)
    return f"{path}:{match[1]}: {problem[match.end():]}" if match else f"{path}: {problem}"
