"""``detente schema``: the JSON Schema of the scenario format, for editors (docs/authoring.md)."""

from __future__ import annotations

import argparse
import json
import sys

_EPILOG = """\
use it in an editor: save it beside your scenarios (detente schema -o scenario.schema.json)
and put this comment on the first line of a scenario file:

    #:schema ./scenario.schema.json

Taplo and Even Better TOML (VS Code) then complete keys, show each field's documentation and
flag unknown keys, wrong types and values out of range as you type. The schema cannot check
everything: run detente validate --strict too. See docs/authoring.md."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` subcommand."""
    p = subparsers.add_parser(
        "schema",
        help="print a JSON Schema of the scenario format, for editors (Taplo, Even Better TOML)",
        description="Print a JSON Schema (draft 2020-12, keeping to what Taplo's draft 4 reads) of "
        "the scenario format, generated from the models the loader uses.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "-o", "--output", metavar="PATH",
        help="write it to PATH instead of printing it (an existing file is replaced; a session log never is)",
    )
    p.add_argument(
        "--ruleset", metavar="NAME",
        help="whose numbers [rules.overrides] may change (default: defense-diplomacy)",
    )
    p.set_defaults(func=cmd_schema)


def cmd_schema(args: argparse.Namespace) -> int:
    """Print (or write) the schema; an unknown ruleset is one line and exit 1."""
    from detente.engine.ruleset import RulesetNotFound
    from detente.engine.schema import scenario_schema
    from detente.tui.errors import UserError
    from detente.tui.render.output import write_output

    try:
        schema = scenario_schema(args.ruleset)
    except RulesetNotFound as exc:
        raise UserError(f"--ruleset {args.ruleset}: {exc}") from None
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if args.output is not None and args.output != "-":
        write_output(args.output, text, overwrite=True)
    else:
        sys.stdout.write(text)
    return 0
