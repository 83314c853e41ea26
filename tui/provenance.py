"""Who vouches for a log, said to the facilitator by every command that opens one.

``replay``, ``report``, ``branch`` and ``resume`` all say whether a log is signed by this
machine's key, by another key, or not at all, and whether the scenario file it began from has
changed since. A log this machine did not sign is re-adjudicated before a report or a branch is
made from it: its facts are then the engine's, whatever hand wrote the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.engine.log import LogContents, Signatures


def notes(
    path: str, header: Mapping[str, Any], signatures: Signatures, *, label: str | None = None
) -> tuple[str, list[str]]:
    """``(status, lines)``: the signature status (``"this machine"``, ``"another key"``,
    ``"unsigned"``) and the lines to show, each starting with ``label`` (the log's path unless
    given)."""
    from detente.engine.recorder import source_changed
    from detente.engine.signing import describe, machine_key

    try:
        mine = machine_key(create=False)
    except OSError:
        mine = None  # a damaged key file: every log then reads as another key's, which is true
    status, sentence = describe(signatures, mine.public if mine else None)
    label = path if label is None else label
    lines = [f"{label}: {sentence}"]
    changed = source_changed(header)
    if changed:
        lines.append(f"{label}: note: {changed}")
    return status, lines


def vouched(path: str, contents: LogContents, action: str) -> list[str]:
    """The lines to show for a log about to be reported or branched (``action``); raises
    :class:`UserError` with ``FILE:LINE: message`` when this machine did not sign it and it does
    not re-adjudicate to the events it holds."""
    from detente.engine.recorder import verify
    from detente.tui.cli import UserError

    status, lines = notes(path, contents.header, contents.signatures)
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
