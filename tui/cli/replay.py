"""``detente replay``: rebuild a session from its log and print the state, or a role's view."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from detente.tui.cli.common import EXIT_ERROR, EXIT_OK, err, say
from detente.tui.errors import UserError

if TYPE_CHECKING:
    from detente.engine.state import State


def cmd_replay(args: argparse.Namespace) -> int:
    from detente.engine.commands import FACILITATOR, SEES_ALL
    from detente.engine.recorder import describe_lineage, replay, states_by_turn, verify
    from detente.engine.views import PUBLIC, view
    from detente.tui.render.provenance import located, notes
    from detente.tui.render.text import render_view

    rep = replay(args.log)
    for w in rep.contents.warnings:
        err(f"warning: {args.log}: {w}")
    # Who vouches for the log heads what is shown of it (stdout: a mistake stays one line).
    say(*notes(args.log, rep.contents, label="Log")[1])
    for line in describe_lineage(rep.contents.header):
        say(line)
    session = rep.session
    role = args.as_role or FACILITATOR
    if role not in (*SEES_ALL, PUBLIC) and role not in session.state.actors:
        raise UserError(
            f"--as {role}: not a role in this session "
            f"(roles: facilitator, evaluator, public, {', '.join(session.scenario.actor_ids)})"
        )
    state: State = session.state
    if args.turn is not None:
        by_turn = states_by_turn(session, rep.events)
        if args.turn not in by_turn:
            raise UserError(f"--turn {args.turn}: the log holds turns {min(by_turn)} to {max(by_turn)}")
        state = by_turn[args.turn]
    if args.verify:
        problems = verify(args.log)
        if problems:
            for problem in problems:
                err(located(args.log, problem))
            return EXIT_ERROR
    say(render_view(view(state, role, session.ruleset.ladder), session.scenario))
    if args.verify:
        say("", "Verified: re-adjudicating every logged command gives the logged events.")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rp = sub.add_parser("replay", help="rebuild a session from its log and print the state or a view")
    rp.add_argument("log", metavar="LOG")
    rp.add_argument("--turn", type=int, help="show the state at the end of this turn")
    rp.add_argument("--as", dest="as_role", metavar="ROLE",
                    help="a team id, facilitator (default), evaluator or public")
    rp.add_argument("--verify", action="store_true", help="re-adjudicate every command and compare")
    rp.set_defaults(func=cmd_replay)
