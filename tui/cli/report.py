"""``detente report LOG``: the after-action report of a logged session (docs/report.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

_EPILOG = """\
output: Markdown, CSV and the after-action report in Markdown (aar) go to standard output unless
-o PATH is given; HTML goes to a file beside the log (LOG's name + .report.html, or
.report-ROLE.html for --as ROLE; aar-html: .aar.html, .aar-ROLE.html) unless -o PATH is given.
-o - writes any format to standard output. -o PATH replaces an existing file, but never a
session log; a device or FIFO (/dev/stdout, a named pipe) is written through.

after-action report (--format aar or aar-html): the HSEEP shape (overview, executive summary,
analysis per learning objective and capability with the evidence of each finding, measures,
observations, improvement plan); --plan PLAN.toml fills the improvement plan, --plan-template
PLAN.toml writes a plan file to fill in (never over an existing file). Any event it names opens
in the replay viewer: detente play --replay LOG --at N.

definitions (risk run, near miss, gap between words and deeds, findings, ratings, measures,
the plan file): docs/report.md"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` subcommand."""
    p = subparsers.add_parser(
        "report",
        help="write the after-action report of a logged session (Markdown, HTML, CSV, or the HSEEP-shaped "
        "after-action report and improvement plan)",
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
        "per turn with every tracked value; aar, aar-html: the after-action report in the HSEEP shape, "
        "with its improvement plan (Markdown, or one HTML page whose event numbers link to the evidence)",
    )
    p.add_argument("--plan", metavar="PLAN.toml",
                   help="fill the after-action report's improvement plan from this file (with --format aar "
                   "or aar-html)")
    p.add_argument("--plan-template", metavar="PLAN.toml",
                   help="write a plan file to fill in (one [[item]] per area for improvement) and nothing "
                   "else; never over an existing file")
    p.add_argument("-o", "--output", metavar="PATH", help="where to write it (- for standard output)")
    p.add_argument(
        "--as", dest="as_role", metavar="ROLE", default="facilitator",
        help="facilitator (default: everything), evaluator (everything but the facilitator's notes), "
        "public, or a team id: that team's view only",
    )
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    """Write the report; a user's mistake is one line and exit 1 (via UserError or LogError)."""
    from detente.engine.log import read_log
    from detente.tui.errors import UserError
    from detente.tui.render.aar import AAR_FORMATS, areas, render_aar, template
    from detente.tui.render.output import check_output, write_output
    from detente.tui.render.plan import load_plan
    from detente.tui.render.provenance import vouched
    from detente.tui.render.report import FORMATS, default_path, load_report, render

    formats = (*FORMATS, *AAR_FORMATS)
    if args.fmt not in formats:
        raise UserError(f"--format {args.fmt}: not a report format (formats: {', '.join(formats)})")
    if args.plan is not None and args.fmt not in AAR_FORMATS:
        raise UserError(f"--plan {args.plan}: a plan goes in the after-action report: add --format aar or "
                        "--format aar-html")
    if args.plan_template is not None and (args.plan is not None or args.output is not None):
        raise UserError(f"--plan-template {args.plan_template}: writes the plan file and nothing else "
                        "(leave out --plan and -o)")
    if not Path(args.log).is_file():
        raise UserError(f"{args.log}: no such log file")
    out = args.output
    if args.plan_template is not None:
        check_output(args.plan_template, overwrite=False)  # never over a file, least of all a log
    elif out not in (None, "-"):
        check_output(out, overwrite=True)  # refused before the work, and before any warning
    provenance = vouched(args.log, read_log(args.log), "report")
    try:
        report = load_report(args.log, args.as_role)
    except ValueError as exc:
        raise UserError(f"{args.log}: {exc}") from None
    for w in report.warnings:
        print(f"detente: warning: {args.log}: {w}", file=sys.stderr, flush=True)
    if args.plan_template is not None:
        path = write_output(args.plan_template, template(report), overwrite=False)
        n = len(areas(report))
        print(f"Plan template: {path} ({n} area{'' if n == 1 else 's'} for improvement); fill it in, then: "
              f"detente report {args.log} --format aar --plan {path}", flush=True)
        for line in provenance:
            print(f"detente: {line}", file=sys.stderr, flush=True)
        return 0
    if args.fmt in AAR_FORMATS:
        plan = None
        if args.plan is not None:
            plan = load_plan(args.plan, len(areas(report)), len(report.learning_objectives))
        text = render_aar(report, args.fmt, log=args.log, plan=plan)
    else:
        text = render(report, args.fmt)
    if out is None and args.fmt in ("html", "aar-html"):
        out = str(default_path(args.log, args.fmt, args.as_role))
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
