"""``detente report LOG``: the after-action report of a logged session (docs/report.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

_EPILOG = """\
output: Markdown and CSV go to standard output unless -o PATH is given; HTML goes to a file
beside the log (LOG's name + .report.html, or .report-ROLE.html for --as ROLE) unless -o PATH
is given. -o - writes any format to standard output. -o PATH replaces an existing file, but
never a session log; a device or FIFO (/dev/stdout, a named pipe) is written through.

definitions (risk run, near miss, gap between words and deeds): docs/report.md"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` subcommand."""
    p = subparsers.add_parser(
        "report",
        help="write the after-action report of a logged session (Markdown, HTML or CSV)",
        description="The after-action report of a logged session: outcome and the risk that was run,\n"
        "calls, pledges, incidents, near misses, gaps between words and deeds, trust and\n"
        "cohesion, objectives, and a turn-by-turn timeline.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("log", metavar="LOG", help="the session's log")
    p.add_argument(
        "--format", dest="fmt", metavar="FORMAT", default="md",
        help="md (default): Markdown; html: one self-contained page with charts; csv: one row per pair "
        "per turn with every tracked value",
    )
    p.add_argument("-o", "--output", metavar="PATH", help="where to write it (- for standard output)")
    p.add_argument(
        "--as", dest="as_role", metavar="ROLE", default="facilitator",
        help="facilitator (default: everything), public, or a team id: that team's view only",
    )
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    """Write the report; a user's mistake is one line and exit 1 (via UserError or LogError)."""
    from detente.engine.log import read_log
    from detente.tui.errors import UserError
    from detente.tui.render.output import check_output, write_output
    from detente.tui.render.provenance import vouched
    from detente.tui.render.report import FORMATS, default_path, load_report, render

    if args.fmt not in FORMATS:
        raise UserError(f"--format {args.fmt}: not a report format (formats: {', '.join(FORMATS)})")
    if not Path(args.log).is_file():
        raise UserError(f"{args.log}: no such log file")
    out = args.output
    if out not in (None, "-"):
        check_output(out, overwrite=True)  # refused before the work, and before any warning
    provenance = vouched(args.log, read_log(args.log), "report")
    try:
        report = load_report(args.log, args.as_role)
    except ValueError as exc:
        raise UserError(f"{args.log}: {exc}") from None
    for w in report.warnings:
        print(f"detente: warning: {args.log}: {w}", file=sys.stderr, flush=True)
    text = render(report, args.fmt)
    if out is None and args.fmt == "html":
        out = str(default_path(args.log, "html", args.as_role))
    if out is None or out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        path = write_output(out, text, overwrite=True)
        print(f"Report: {path}", flush=True)
    # Said once the report is out, so that a mistake before it stays one line.
    for line in provenance:
        print(f"detente: {line}", file=sys.stderr, flush=True)
    return 0
