"""``detente run``: play a scenario headless to its end from an orders file and/or bots,
writing the log and printing each turn's summary."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from detente.tui.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    err,
    load,
    log_path_for,
    resolve_scenario,
    say,
)
from detente.tui.errors import UserError

if TYPE_CHECKING:
    from detente.engine.bots import Policy
    from detente.engine.events import Event
    from detente.engine.orders import Script
    from detente.engine.recorder import RecordedSession


def cmd_run(args: argparse.Namespace) -> int:
    from detente.engine.bots import BotSpecError, parse_bot_specs, scenario_bots, without_teams
    from detente.engine.log import LogError
    from detente.engine.orders import Script, ScriptError, load_script
    from detente.engine.recorder import RecordedSession
    from detente.engine.signing import key_dir
    from detente.tui.render.provenance import notes

    if not args.orders and not args.bot:
        raise UserError("say who plays: an orders file (--orders FILE), bots (--bot TEAM=POLICY), or both")
    script = Script(turns={})
    if args.orders:
        try:
            script = load_script(args.orders)
        except ScriptError as exc:
            raise UserError(str(exc)) from None
    events: list[Event] = []
    if args.resume:
        if args.scenario or args.seed is not None or args.log is not None:
            raise UserError(
                "--resume takes the scenario, seed and log from the log itself: "
                "give only --resume LOG with --orders FILE and/or --bot TEAM=POLICY"
            )
        rec = RecordedSession.resume(args.resume)
        scenario = rec.session.scenario
        assert rec.contents is not None
        events = [r for r in rec.contents.records if r["kind"] != "command"]
        for line in notes(args.resume, rec.contents)[1]:
            err(line)
    else:
        if not args.scenario:
            raise UserError("name a scenario (or --resume LOG)")
        path = resolve_scenario(args.scenario)
        scenario = load(path)
    try:
        bots = parse_bot_specs(args.bot, scenario)
    except BotSpecError as exc:
        if args.resume:
            rec.close()
        raise UserError(f"--bot {exc}") from None
    if args.resume:
        for w in rec.warnings:
            err(f"warning: {args.resume}: {w}")
        say(f"Resuming {scenario.scenario.title} at {rec.state.label()}, {rec.state.phase}")
    else:
        log_path = log_path_for(args.log, scenario.scenario.id)
        try:
            rec = RecordedSession.create(scenario, log_path, seed=args.seed, source=str(path))
        except LogError as exc:
            raise UserError(str(exc)) from None
        say(f"{scenario.scenario.title} — seed {rec.session.seed}, {scenario.turns.limit} turns")
        if rec.writer.signing_key is None:
            err(f"warning: {rec.path}: written unsigned (no signing key could be kept in {key_dir()})")
    if bots:
        say("Bots: " + ", ".join(f"{t}={p.name}" for t, p in bots.items()))
    again = f"detente run --resume {rec.path}" + (f" --orders {args.orders}" if args.orders else "")
    own = scenario_bots(scenario)  # the scenario seats these again itself
    again += "".join(f" --bot {t}={p.name}" for t, p in bots.items() if own.get(t) is not p)
    with rec:
        return _drive(rec, without_teams(script, bots), bots, events, again)


def _drive(
    rec: RecordedSession, script: Script, bots: Mapping[str, Policy], events: list[Event], again: str
) -> int:
    """Play on to the end: bots for their teams, the orders file for the others (the rest pass)."""
    from detente.engine.bots import next_command
    from detente.engine.commands import FACILITATOR, command_to_dict
    from detente.engine.entries import Reader
    from detente.engine.recorder import author
    from detente.engine.state import rung
    from detente.engine.views import timeline, view
    from detente.tui.render.text import turn_summary

    session = rec.session
    ladder = session.ruleset.ladder
    turn_events: list[Event] = []
    escalation = session.ruleset.escalation

    def rungs_now() -> dict[Any, int]:
        """Each pair's rung on the escalation ladder (none if the ruleset has no ladder)."""
        return {k: rung(t) for k, t in session.state.values[escalation].items()} if escalation else {}

    rungs = rungs_now()
    # One reader for the whole run, so that a pledge broken turns after it was made says what
    # was promised (a resumed log's earlier events are read first).
    reader = Reader()
    reader.read(timeline(events, FACILITATOR, session.scenario))
    try:
        while (
            command := next_command(
                session.state, session.ruleset, bots, seed=session.seed, events=events, script=script
            )
        ) is not None:
            before_phase = session.state.phase
            # The orders file speaks for the facilitator where it plays an actor (a bot, for itself).
            by = "" if getattr(command, "team", None) in bots else author(session.scenario, command)
            result = rec.apply(command, by=by)
            if not result.accepted:
                who = getattr(command, "team", FACILITATOR)
                where = f"turn {session.state.turn}"
                if script.path:
                    where = f"{script.path}: {where}"
                by = f"the {bots[who].name} bot for {who}" if who in bots else who
                raise UserError(
                    f"{where}: {command_to_dict(command)['type']} by {by} was refused: {result.reason}. "
                    f"The log holds everything up to here; fix the orders file and continue with {again}"
                )
            events += result.events
            turn_events += result.events
            if before_phase == "adjudication":
                v = view(session.state, FACILITATOR, ladder)
                seen = reader.read(timeline(turn_events, FACILITATOR, session.scenario))
                shown = [e for e in seen if e.kind != "roll"]
                say(*turn_summary(session.scenario, v, shown, rungs))
                rungs = rungs_now()
                turn_events = []
    except KeyboardInterrupt:
        err(f"stopped. Nothing is lost: continue with {again}")
        return EXIT_INTERRUPTED
    state = session.state
    if state.outcome is None:
        say(f"Stopped at {state.label()}, {state.phase}.")
    say(f"Log: {rec.path}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    r = sub.add_parser(
        "run",
        help="play a scenario headless from an orders file and/or bots, writing the log",
        description="Play a scenario headless to its end, writing the log. Bots (--bot) play their "
        "teams; the orders file (--orders) plays the others, and what it says for a team that has "
        "a bot is ignored. A team with neither passes every turn (no moves, no answers). Give "
        "--orders, --bot, or both.",
    )
    r.add_argument("scenario", nargs="?", help="a scenario file, or the name of a bundled one")
    r.add_argument("--orders", metavar="FILE", help="the orders file (see docs/authoring.md)")
    r.add_argument(
        "--bot",
        action="append",
        default=[],
        metavar="TEAM=POLICY",
        help="a bot plays TEAM: random, dove, hawk or tit-for-tat (repeatable)",
    )
    r.add_argument("--seed", type=int, help="seed of the dice (default: the scenario's)")
    r.add_argument(
        "--log", metavar="PATH",
        help="where to write the log: a new file, or a folder ending in / for ID-TIME.jsonl in it "
        "(default: sessions/ID-TIME.jsonl)",
    )
    r.add_argument(
        "--resume", metavar="LOG", help="continue a log from exactly where it stopped (give the same --bot)"
    )
    r.set_defaults(func=cmd_run)
