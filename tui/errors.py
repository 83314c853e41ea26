"""The one exception every part of the front end raises for a mistake the user can fix.

The command line (:mod:`detente.tui.cli`) prints it as one line, ``detente: MESSAGE``, and exits
with status 1 — never a traceback. It lives here, below the three packages, because the renderer
(:mod:`detente.tui.render`: a refused output path, a log that does not re-adjudicate) raises it
too, and the renderer never imports the command line.
"""

from __future__ import annotations


class UserError(Exception):
    """A mistake the user can fix; printed as one message, exit code 1."""


__all__ = ["UserError"]
