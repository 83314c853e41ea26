"""The ``detente`` command: one entry point, a subcommand per job.

Each subcommand is a module here, ``detente.tui.cli.<command>``, with a ``register(subparsers)``
that adds its arguments and a ``cmd_<command>(args)`` that does the job; what several share
(printing, exit codes, finding and loading a scenario, ``--log``, ``--bot``) is in
:mod:`~detente.tui.cli.common`. This package itself only parses the arguments and dispatches.

Imports run one way: the commands may import the app (:mod:`detente.tui.app`), the renderer
(:mod:`detente.tui.render`) and the engine; nothing there imports the command line. Each command
imports the heavy parts it needs when it runs, so `detente play` shows its first frame without
waiting for the rest, and `detente --help` is instant (no Textual).

Every user error ends with a one-line message naming the file and the place, and a
non-zero exit code — never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

from detente import engine
from detente.tui.cli.common import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, err
from detente.tui.errors import UserError

#: The subcommands, in the order ``detente --help`` lists them: each is the module of that name.
COMMANDS = (
    "play", "validate", "run", "replay", "branch", "join", "new", "report", "compare", "schema", "serve",
    "simulate",
    "msel",
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="detente",
        description="Détente: run, check and replay defence-diplomacy crisis exercises.",
    )
    p.add_argument("--version", action="version", version=f"detente {engine.__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        import_module(f"{__name__}.{name}").register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except UserError as exc:
        err(str(exc))
    except BrokenPipeError:
        # The reader went away (``detente replay LOG | head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        err(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    except KeyboardInterrupt:
        err("stopped")
        return EXIT_INTERRUPTED
    except Exception as exc:
        from detente.engine.log import LogError  # a damaged or missing log: the user's to fix

        if not isinstance(exc, LogError):
            raise
        err(str(exc))
    return EXIT_ERROR


__all__ = ["COMMANDS", "build_parser", "main"]
