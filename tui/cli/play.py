"""``detente play``: the facilitated session in this terminal (the Textual app), hot-seat — a
new session, a resumed one, or a logged one stepped through."""

from __future__ import annotations

import argparse
from pathlib import Path

from detente.tui.cli.common import EXIT_OK, bundled_scenarios, err, load, parse_bots, resolve_scenario, say
from detente.tui.errors import UserError


def _ask_pin() -> str:
    """The facilitator's PIN, typed twice and never shown (nor kept in the shell's history)."""
    import getpass

    try:
        for _ in range(3):
            pin = getpass.getpass("Facilitator PIN (locks the hand-back screen): ").strip()
            if not pin:
                raise UserError(
                    "--pin: no PIN typed (without --pin, the facilitator's key ctrl+f opens the console)"
                )
            if getpass.getpass("The same PIN again: ").strip() == pin:
                return pin
            err("The two PINs differ; again.")
    except (EOFError, KeyboardInterrupt):
        raise UserError("--pin: no PIN typed") from None
    raise UserError("--pin: the two PINs differed three times")


def cmd_play(args: argparse.Namespace) -> int:
    """The facilitated session in the terminal (Textual), hot-seat."""
    from textual.theme import BUILTIN_THEMES

    from detente.tui.app.app import THEMES, DetenteApp

    if THEMES.get(args.theme, args.theme) not in BUILTIN_THEMES:
        raise UserError(
            f"--theme {args.theme}: not a theme (dark, light, or one of {', '.join(BUILTIN_THEMES)})"
        )
    if not args.sessions:  # Path("") would be the current folder
        raise UserError("--sessions '': give a folder, such as sessions")
    sessions = Path(args.sessions)
    if sessions.exists() and not sessions.is_dir():
        raise UserError(f"--sessions {args.sessions}: is a file, not a folder")
    if args.pin and (args.resume or args.replay):
        raise UserError("--pin is chosen when a session starts; a resumed session keeps the PIN in its log")
    client = None
    tape = None
    at = 0
    # Only what the chosen start needs is imported before the first frame.
    if args.replay:
        if args.scenario or args.resume:
            raise UserError("--replay takes everything from the log: give only --replay LOG")
        from detente.tui.app.screens.replay import Tape

        tape = Tape.load(args.replay)  # a log that cannot be read at all is a LogError: one line, exit 1
        if args.bot:
            raise UserError("--replay shows a logged session: bots (--bot) have nothing to play")
        if args.at is not None:
            pos = tape.position_of(args.at)
            if pos is None:
                why = tape.where_is(args.at)
                raise UserError(f"--at {args.at}: {args.replay} has no event {args.at}: {why}")
            at = pos
    elif args.at is not None:
        raise UserError(f"--at {args.at} opens a logged session at one of its events: give --replay LOG too")
    elif args.resume:
        from detente.tui.app.client import LocalClient

        if args.scenario:
            raise UserError("--resume takes the scenario from the log: give only --resume LOG")
        client = LocalClient.resume(args.resume)
        for w in client.warnings:
            err(f"warning: {args.resume}: {w}")
        client.bots = parse_bots(args.bot, client.scenario)
        client.play_bots()
    elif args.scenario:
        from detente.engine.log import LogError
        from detente.tui.app.client import LocalClient
        from detente.tui.app.screens.start import new_log_path

        path = resolve_scenario(args.scenario)
        scenario = load(path)
        bots = parse_bots(args.bot, scenario)
        pin = _ask_pin() if args.pin else ""
        try:
            client = LocalClient.new(
                scenario,
                new_log_path(scenario.scenario.id, sessions),
                seed=args.seed,
                source=str(path),
                bots=bots,
                pin=pin,
            )
        except LogError as exc:
            raise UserError(str(exc)) from None
    app = DetenteApp(
        client=client,
        scenarios=bundled_scenarios(),
        seed=args.seed,
        sessions=sessions,
        replay=tape,
        replay_at=at,
        bot_specs=args.bot,
        theme=args.theme,
    )
    app.run()
    if app.client is not None:
        from detente.engine.commands import FACILITATOR

        log = app.client.log_path
        say(f"Log: {log}")
        if app.client.view(FACILITATOR).outcome is not None:  # ended: nothing to resume
            say(f"Step through it with: detente play --replay {log}")
            say(f"Write the report with: detente report {log}")
        else:
            from detente.engine.bots import scenario_bots

            own = scenario_bots(app.client.scenario)  # the scenario seats these again itself
            seats = "".join(f" --bot {t}={p.name}" for t, p in app.client.bots.items() if own.get(t) is not p)
            say(f"Resume with: detente play --resume {log}{seats}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pl = sub.add_parser("play", help="run a facilitated session in the terminal (hot-seat)")
    pl.add_argument("scenario", nargs="?", help="a scenario file or bundled name (default: choose on screen)")
    pl.add_argument("--resume", metavar="LOG", help="continue a session from its log")
    pl.add_argument(
        "--replay", metavar="LOG", help="step through a logged session, as the facilitator or one team"
    )
    pl.add_argument(
        "--at", type=int, metavar="N",
        help="with --replay: open at event N, its number in the log (the after-action report names "
        "its evidence so: event #N)",
    )
    pl.add_argument("--seed", type=int, help="seed of the dice (default: the scenario's)")
    pl.add_argument(
        "--pin",
        action="store_true",
        help="ask for a facilitator PIN (typed, not shown) that locks the hand-back screen; without it "
        "the facilitator's key ctrl+f opens it (a scenario chosen on screen asks there)",
    )
    pl.add_argument(
        "--sessions", default="sessions", metavar="DIR", help="where new logs go (default: sessions/)"
    )
    pl.add_argument(
        "--theme",
        default="dark",
        metavar="NAME",
        help="dark (default) or light, for a bright room or a projector; or any Textual theme name",
    )
    pl.add_argument(
        "--bot",
        action="append",
        default=[],
        metavar="TEAM=POLICY",
        help="a bot plays TEAM: random, dove, hawk or tit-for-tat (repeatable; give the same "
        "again with --resume)",
    )
    pl.set_defaults(func=cmd_play)
