"""``detente validate``: check scenario files, every problem with its file and line."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from detente.tui.cli.common import EXIT_ERROR, EXIT_OK, resolve_scenario, say
from detente.tui.errors import UserError


def cmd_validate(args: argparse.Namespace) -> int:
    """Load each file as a session would; with ``--strict`` also lint it, and count a warning
    as a failure (like a compiler's -Werror), so that CI can insist on clean scenarios. A name
    that is not a file may be a bundled scenario's, as everywhere else a scenario is taken."""
    from detente.engine.loader import ScenarioError, load_scenario

    code = EXIT_OK
    for name in args.paths:
        # A file keeps the spelling it was given, so that messages name it the same way.
        try:
            path = name if Path(name).exists() else str(resolve_scenario(name))
        except UserError as exc:
            path, missing = name, str(exc)
        else:
            missing = ""
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            say(str(exc))
            if missing and not Path(name).suffix and os.sep not in name and "/" not in name:
                say(missing)  # a mistyped bundled name: list the names there are
            code = EXIT_ERROR
            continue
        lint = []
        if args.strict:
            from detente.engine.lint import lint_scenario

            # It just loaded, so it reads and decodes.
            text = Path(path).read_text(encoding="utf-8-sig")
            lint = lint_scenario(scenario, text, path)
        if lint:
            say(*(str(w) for w in lint))
            say(f"{name}: {len(lint)} warning{'s' if len(lint) > 1 else ''}")
            code = EXIT_ERROR
        else:
            say(f"{name}: ok")
    return code


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    v = sub.add_parser(
        "validate",
        help="check scenario files and report every problem with file and line",
        description="Check scenario files and report every problem with file and line. Exit "
        "status: 0 if every file is fine, 1 if any has an error (or, with --strict, a warning).",
    )
    v.add_argument(
        "paths", nargs="+", metavar="SCENARIO",
        help="a scenario file, or the name of a bundled one (strait_standoff)",
    )
    v.add_argument(
        "--strict",
        action="store_true",
        help="also lint: warn of what is legal but probably a mistake (an inject that can never "
        "fire, an objective no move affects, an unused region, an override that changes nothing "
        "...); any warning makes the exit status 1, as errors do (see docs/authoring.md)",
    )
    v.set_defaults(func=cmd_validate)
