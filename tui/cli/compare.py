"""``detente compare LOG1 LOG2 …``: the cohort debrief — syndicates' sessions of one scenario
compared (docs/compare.md)."""

from __future__ import annotations

import argparse
import sys

_EPILOG = """\
output: Markdown goes to standard output unless -o PATH is given; HTML goes to a file beside the
first log (its name + .compare.html) unless -o PATH is given. -o - writes either to standard
output. -o PATH replaces an existing file, but never a session log.

The logs must be sessions of one scenario (the same scenario in their headers); a warning says
when their seeds differ, since the dice then differ too. Every figure is the one in that
syndicate's own report (detente report LOG). How each figure is counted, and how the divergence
point is found: docs/compare.md"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``compare`` subcommand."""
    p = subparsers.add_parser(
        "compare",
        help="compare syndicates' sessions of one scenario: the cohort debrief (Markdown or HTML)",
        description="The cohort debrief: sessions of one scenario compared side by side — outcome and\n"
        "why, the first turn and phase where the syndicates' choices diverged and what each\n"
        "chose there, tension per pair, calls, pledges, incidents and near misses, the risk\n"
        "run beside what happened, expectations and ratings.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("logs", metavar="LOG", nargs="+", help="the syndicates' logs, two or more")
    p.add_argument("--format", dest="fmt", metavar="FORMAT", default="md",
                   help="md (default): Markdown; html: one self-contained page with a chart per pair")
    p.add_argument("-o", "--output", metavar="PATH", help="where to write it (- for standard output)")
    p.add_argument("--names", metavar="A,B,C",
                   help="the syndicates' names, one per log in order (default: Syndicate 1, Syndicate 2 …)")
    p.add_argument("--as", dest="as_role", metavar="ROLE", default="facilitator",
                   help="facilitator (default: everything) or public: the copy for the whole room, from "
                   "each syndicate's public report (no sealed orders, private calls, dice, seeds or ratings)")
    p.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    """Write the comparison; a user's mistake is one line and exit 1 (via UserError or LogError)."""
    from detente.engine.compare import ComparisonError, same_scenario
    from detente.engine.log import read_log
    from detente.tui.errors import UserError
    from detente.tui.render.compare import (
        FORMATS,
        check_logs,
        default_path,
        load_comparison,
        render,
        syndicate_names,
    )
    from detente.tui.render.output import check_output, write_output
    from detente.tui.render.provenance import vouched

    if args.fmt not in FORMATS:
        raise UserError(f"--format {args.fmt}: not a comparison format (formats: {', '.join(FORMATS)})")
    names = args.names.split(",") if args.names is not None else None
    out = args.output
    try:
        check_logs(args.logs)
        syndicate_names(len(args.logs), names)
        if out not in (None, "-"):
            check_output(out, overwrite=True)  # refused before the work (never over a log)
        contents = [read_log(p) for p in args.logs]
        same_scenario((p, c.header) for p, c in zip(args.logs, contents, strict=True))
        provenance = [line for p, c in zip(args.logs, contents, strict=True)
                      for line in vouched(p, c, "comparison")]
        comparison = load_comparison(args.logs, names, args.as_role)
    except ComparisonError as exc:
        raise UserError(str(exc)) from None
    for w in comparison.warnings:
        print(f"detente: warning: {w}", file=sys.stderr, flush=True)
    text = render(comparison, args.fmt)
    if out is None and args.fmt == "html":
        out = str(default_path(args.logs[0], "html", args.as_role))
    if out is None or out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        path = write_output(out, text, overwrite=True)
        print(f"Comparison: {path}", flush=True)
    for line in provenance:
        print(f"detente: {line}", file=sys.stderr, flush=True)
    return 0
