"""``detente branch``: cut a what-if from a logged session at a turn and phase."""

from __future__ import annotations

import argparse
import os

#: Phases a branch can start at (the engine's PHASES, written out so ``detente --help`` need not
#: import the engine). At ``adjudication`` the rolls are made but not yet published, so a
#: facilitator can try another override.
BRANCH_PHASES = ("briefing", "communications", "orders", "adjudication", "debrief")


def parse_at(text: str) -> tuple[int, str]:
    """``3`` → (3, "briefing"); ``3:orders`` → (3, "orders"); a phase may be shortened (``3:comm``).

    >>> parse_at("2:comm")
    (2, 'communications')
    """
    from detente.tui.errors import UserError

    turn_text, _, phase_text = text.partition(":")
    try:
        turn = int(turn_text)
    except ValueError:
        raise UserError(
            f"--at {text}: give a turn number, optionally with a phase (e.g. 3 or 3:orders)"
        ) from None
    if turn < 1:
        raise UserError(f"--at {text}: turns are numbered from 1")
    if not phase_text:
        return turn, "briefing"
    matches = [p for p in BRANCH_PHASES if p.startswith(phase_text.lower())]
    if len(matches) != 1:
        raise UserError(f"--at {text}: the phase must be one of {', '.join(BRANCH_PHASES)}")
    return turn, matches[0]


def cmd_branch(args: argparse.Namespace) -> int:
    from detente.engine.log import read_log
    from detente.engine.recorder import branch
    from detente.tui.cli.common import say
    from detente.tui.errors import UserError
    from detente.tui.render.output import check_name, check_output
    from detente.tui.render.provenance import vouched

    turn, phase = parse_at(args.at)
    check_name(args.output)  # not empty, not a folder
    # A branch never overwrites anything, not even /dev/null: the new log is made with O_EXCL.
    if os.path.lexists(args.output):
        raise UserError(f"{args.output}: already exists; a branch is always a new file (nothing was written)")
    check_output(args.output, overwrite=False)  # and the folder it goes in must exist
    provenance = vouched(args.log, read_log(args.log), "branch")
    b = branch(args.log, args.output, turn, phase)
    say(
        *provenance,
        f"Branched {args.log} at turn {turn}, {phase} ({b.groups} commands kept) into {b.path}.",
        "Continue it with:",
        f"  detente play --resume {b.path}",
        f"  detente run --resume {b.path} --orders FILE",
    )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = sub.add_parser(
        "branch",
        help="start a what-if: a new log holding a session up to a turn and phase",
        description="Write a new log holding the session in LOG up to the moment the given phase of "
        "the given turn began. Its header names the parent log, the SHA-256 of the parent's last "
        "line it keeps and the branch point. Continue it with detente play --resume or detente run "
        "--resume.",
    )
    b.add_argument("log", metavar="LOG")
    b.add_argument(
        "--at", required=True, metavar="TURN[:PHASE]",
        help=f"where to cut: a turn, optionally with a phase ({', '.join(BRANCH_PHASES)}; default briefing)",
    )
    b.add_argument("-o", "--output", required=True, metavar="NEW_LOG", help="the new log (must not exist)")
    b.set_defaults(func=cmd_branch)
