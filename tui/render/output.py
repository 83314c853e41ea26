"""Writing a file the user named: a report, the schema, a starter scenario, a dry run's results.

Every command that writes a file goes through :func:`write_output`, so a path means the same
everywhere:

- a session log is never written over, whatever the command, the format or ``overwrite``;
- a regular file is replaced atomically, and only where the command says it replaces files;
- a device, FIFO or socket (``/dev/null``, ``/dev/stdout``, a pipe) is written through, never
  replaced by a regular file; a symlink is followed and its target written, never the link;
- a write that fails (a full disk) leaves the old file as it was and no temporary file behind;
- an empty path, a folder, or a file in a folder that does not exist is refused.

Each refusal is an :class:`OutputError`: one line naming the path, exit code 1.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from detente.tui.errors import UserError

# A log's first bytes are its header's start (engine/log.py FORMAT); spaces allowed for a log
# rewritten by hand, which read_log still reads.
_LOG_START = re.compile(rb'\s*\{\s*"format"\s*:\s*"detente-log"')


class OutputError(UserError):
    """A path that must not, or cannot, be written; the message names it and says why."""


def is_log(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` (a symlink is followed) is a Détente session log, judged by its content."""
    try:
        # Only a regular file is read: opening a FIFO to look inside would wait for a writer.
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as f:
            return _LOG_START.match(f.read(64)) is not None
    except OSError:
        return False


def check_name(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path, or an :class:`OutputError` if it is empty or names a folder."""
    text = os.fspath(path)
    # Path("") is ".", the current folder: an empty argument is a slip, not a choice.
    if not text:
        raise OutputError("an empty path: give a file name")
    # Path("adir/") drops the slash, so look for it in the text: the user meant a folder.
    if text.endswith(("/", os.sep)) or os.path.isdir(text):
        raise OutputError(f"{text}: is a folder; give a file name")
    return Path(text)


def check_output(path: str | os.PathLike[str], *, overwrite: bool) -> Path:
    """Refuse, as :func:`write_output` would, before any long work; returns the path."""
    p = check_name(path)
    if is_log(p):
        raise OutputError(f"{p}: is a Détente session log; it is never overwritten (nothing was written)")
    # Writing through a dangling link would make a file wherever it points, perhaps far away.
    if os.path.lexists(p) and not os.path.exists(p):
        raise OutputError(f"{p}: is a symlink to nothing; remove it or give another name")
    if not os.path.exists(p):
        # Reports and results are not worth a tree of folders made from a typo.
        if not p.parent.is_dir():
            raise OutputError(f"{p}: there is no folder {p.parent}; create it first (nothing was written)")
    elif stat.S_ISREG(os.stat(p).st_mode) and not overwrite:
        raise OutputError(f"{p}: already exists; choose another name (nothing was written)")
    elif not os.access(p, os.W_OK):
        # Replacing a read-only file would be allowed by its folder, but the user made it so.
        raise OutputError(f"{p}: is read-only (nothing was written)")
    return p


def write_output(path: str | os.PathLike[str], data: str | bytes, *, overwrite: bool) -> Path:
    """Write ``data`` (text is UTF-8) to ``path`` under the rules above; returns the path.

    ``overwrite`` says whether an existing regular file is replaced (atomically) or refused.
    Raises :class:`OutputError`, whose message is one line.
    """
    p = check_output(path, overwrite=overwrite)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if not os.path.exists(p):
            _write_new(p, raw)
        elif stat.S_ISREG(os.stat(p).st_mode):
            # The real file, so a symlink stays a symlink and its target gets the new text.
            _replace(Path(os.path.realpath(p)), raw)
        else:
            # A device or FIFO is opened and written like a terminal would be; renaming a file
            # over it would replace the node itself (as root, /dev/full became a regular file).
            fd = os.open(p, os.O_WRONLY)
            try:
                _write_all(fd, raw)
            finally:
                os.close(fd)
    except OSError as exc:
        raise OutputError(f"{p}: cannot write: {exc.strerror or exc} (nothing was changed)") from None
    return p


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:  # os.write may write less than asked
        view = view[os.write(fd, view) :]


def _write_new(path: Path, data: bytes) -> None:
    """A new file, created exclusively so that a file made meanwhile is not overwritten."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)  # ours, and half-written: a full disk leaves nothing behind
        raise
    os.close(fd)


def _replace(path: Path, data: bytes) -> None:
    """Replace a regular file: the whole new text is on disk under a temporary name in the same
    folder before it takes the old one's place, so a failure at any point leaves the old file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)  # left by a killed process that had our pid
    mode = stat.S_IMODE(os.stat(path).st_mode)
    try:
        _write_new(tmp, data)
        os.chmod(tmp, mode)  # the replaced file keeps its permissions
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


__all__ = ["OutputError", "check_name", "check_output", "is_log", "write_output"]
