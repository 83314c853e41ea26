"""The ``detente`` command: one entry point, a subcommand per job.

Every user error ends with a one-line message naming the file and the place, and a
non-zero exit code — never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from detente import engine

if TYPE_CHECKING:
    from detente.engine.events import Event
    from detente.engine.state import State

# Each command imports the parts of the engine it needs when it runs, so `detente play` shows its
# first frame without waiting for the rest (and `detente --help` is instant).

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UserError(Exception):
    """A mistake the user can fix; printed as one message, exit code 1."""


def _say(*lines: str) -> None:
    print(*lines, sep="\n", flush=True)


def _err(message: str) -> None:
    print(f"detente: {message}", file=sys.stderr, flush=True)


# -- scenarios ---------------------------------------------------------------------------------


def bundled_scenarios() -> list[Path]:
    """The scenario files shipped with Détente."""
    root = files("detente.scenarios")
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".toml"))


def resolve_scenario(name: str) -> Path:
    """A scenario path, or the id / file stem of a bundled scenario (``strait_standoff``,
    ``strait-standoff``); a file that exists wins over a bundled scenario of the same name."""
    p = Path(name)
    if p.exists():
        return p
    for b in bundled_scenarios():
        if name in (b.stem, b.stem.replace("_", "-"), b.name):
            return b
    raise UserError(
        f"{name}: no such scenario file (bundled: {', '.join(b.stem for b in bundled_scenarios())})"
    )


def _load(path: Path):  # -> Scenario
    from detente.engine.loader import ScenarioError, load_scenario

    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise UserError(str(exc)) from None


# -- validate ---------------------------------------------------------------------------------


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
            _say(str(exc))
            if missing and not Path(name).suffix and os.sep not in name and "/" not in name:
                _say(missing)  # a mistyped bundled name: list the names there are
            code = EXIT_ERROR
            continue
        lint = []
        if args.strict:
            from detente.engine.lint import lint_scenario

            # It just loaded, so it reads and decodes.
            text = Path(path).read_text(encoding="utf-8-sig")
            lint = lint_scenario(scenario, text, path)
        if lint:
            _say(*(str(w) for w in lint))
            _say(f"{name}: {len(lint)} warning{'s' if len(lint) > 1 else ''}")
            code = EXIT_ERROR
        else:
            _say(f"{name}: ok")
    return code


# -- run --------------------------------------------------------------------------------------


def _default_log(scenario_id: str, folder: Path = Path("sessions")) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    base = folder / f"{scenario_id}-{stamp}"
    path, n = base.with_suffix(".jsonl"), 1
    while path.exists():
        n += 1
        path = Path(f"{base}-{n}.jsonl")
    return path


def _log_path(given: str | None, scenario_id: str) -> Path:
    """Where ``run --log`` writes: a file, or the default name in a folder (``--log runs/``)."""
    if given is None:
        return _default_log(scenario_id)
    if not given:
        raise UserError("--log '': give a file name, or a folder ending in /")
    # A folder, existing or named with a trailing slash, gets a new log with the default name
    # inside it; it is made if missing, as sessions/ is.
    if given.endswith(("/", os.sep)) or Path(given).is_dir():
        if Path(given).exists() and not Path(given).is_dir():
            raise UserError(f"--log {given}: {Path(given)} is a file, not a folder")
        return _default_log(scenario_id, Path(given))
    # A log file, though, is not worth a tree of folders made from a typo.
    if not Path(given).parent.is_dir():
        raise UserError(
            f"--log {given}: there is no folder {Path(given).parent}; create it first, "
            "or give a folder ending in / to have it made"
        )
    return Path(given)


def cmd_run(args: argparse.Namespace) -> int:
    from detente.engine.bots import BotSpecError, parse_bot_specs, without_teams
    from detente.engine.log import LogError
    from detente.engine.recorder import RecordedSession
    from detente.engine.script import Script, ScriptError, load_script
    from detente.engine.signing import key_dir
    from detente.tui.provenance import notes

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
            _err(line)
    else:
        if not args.scenario:
            raise UserError("name a scenario (or --resume LOG)")
        path = resolve_scenario(args.scenario)
        scenario = _load(path)
    try:
        bots = parse_bot_specs(args.bot, scenario)
    except BotSpecError as exc:
        if args.resume:
            rec.close()
        raise UserError(f"--bot {exc}") from None
    if args.resume:
        for w in rec.warnings:
            _err(f"warning: {args.resume}: {w}")
        _say(f"Resuming {scenario.scenario.title} at {rec.state.label()}, {rec.state.phase}")
    else:
        log_path = _log_path(args.log, scenario.scenario.id)
        try:
            rec = RecordedSession.create(scenario, log_path, seed=args.seed, source=str(path))
        except LogError as exc:
            raise UserError(str(exc)) from None
        _say(f"{scenario.scenario.title} — seed {rec.session.seed}, {scenario.turns.limit} turns")
        if rec.writer.signing_key is None:
            _err(f"warning: {rec.path}: written unsigned (no signing key could be kept in {key_dir()})")
    if bots:
        _say("Bots: " + ", ".join(f"{t}={p.name}" for t, p in bots.items()))
    again = f"detente run --resume {rec.path}" + (f" --orders {args.orders}" if args.orders else "")
    again += "".join(f" --bot {t}={p.name}" for t, p in bots.items())
    with rec:
        return _drive(rec, without_teams(script, bots), bots, events, again)


def _drive(rec, script, bots, events: list[Event], again: str) -> int:  # type: ignore[no-untyped-def]
    from detente.engine.commands import FACILITATOR
    from detente.engine.state import rung
    from detente.engine.views import timeline, view
    """Play on to the end: bots for their teams, the orders file for the others (the rest pass)."""
    from detente.engine.bots import next_command
    from detente.engine.commands import command_to_dict

    session = rec.session
    ladder = session.ruleset.ladder
    turn_events: list[Event] = []
    rungs = {k: rung(p.tension) for k, p in session.state.pairs.items()}
    try:
        while (
            command := next_command(
                session.state, session.ruleset, bots, seed=session.seed, events=events, script=script
            )
        ) is not None:
            before_phase = session.state.phase
            result = rec.apply(command)
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
                shown = [e for e in timeline(turn_events, FACILITATOR) if e["kind"] != "roll"]
                _say(*_summary(session.scenario, v, shown, rungs))
                rungs = {k: rung(p.tension) for k, p in session.state.pairs.items()}
                turn_events = []
    except KeyboardInterrupt:
        _err(f"stopped. Nothing is lost: continue with {again}")
        return EXIT_INTERRUPTED
    state = session.state
    if state.outcome is None:
        _say(f"Stopped at {state.label()}, {state.phase}.")
    _say(f"Log: {rec.path}")
    return EXIT_OK


def _summary(scenario, v, events, rungs) -> list[str]:  # type: ignore[no-untyped-def]
    from detente.tui.text import turn_summary

    return turn_summary(scenario, v, events, {k: r for k, r in rungs.items()})


# -- replay -----------------------------------------------------------------------------------


def cmd_replay(args: argparse.Namespace) -> int:
    from detente.engine.commands import FACILITATOR
    from detente.engine.recorder import describe_lineage, replay, states_by_turn, verify
    from detente.engine.views import PUBLIC, view
    from detente.tui.provenance import located, notes
    from detente.tui.text import render_view

    rep = replay(args.log)
    for w in rep.contents.warnings:
        _err(f"warning: {args.log}: {w}")
    # Who vouches for the log heads what is shown of it (stdout: a mistake stays one line).
    _say(*notes(args.log, rep.contents, label="Log")[1])
    for line in describe_lineage(rep.contents.header):
        _say(line)
    session = rep.session
    role = args.as_role or FACILITATOR
    if role not in (FACILITATOR, PUBLIC) and role not in session.state.actors:
        raise UserError(
            f"--as {role}: not a role in this session "
            f"(roles: facilitator, public, {', '.join(session.scenario.actor_ids)})"
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
                _err(located(args.log, problem))
            return EXIT_ERROR
    _say(render_view(view(state, role, session.ruleset.ladder), session.scenario))
    if args.verify:
        _say("", "Verified: re-adjudicating every logged command gives the logged events.")
    return EXIT_OK


# -- play -------------------------------------------------------------------------------------


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
            _err("The two PINs differ; again.")
    except (EOFError, KeyboardInterrupt):
        raise UserError("--pin: no PIN typed") from None
    raise UserError("--pin: the two PINs differed three times")


def cmd_play(args: argparse.Namespace) -> int:
    """The facilitated session in the terminal (Textual), hot-seat."""
    from textual.theme import BUILTIN_THEMES

    from detente.tui.app import THEMES, DetenteApp

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
    # Only what the chosen start needs is imported before the first frame.
    if args.replay:
        if args.scenario or args.resume:
            raise UserError("--replay takes everything from the log: give only --replay LOG")
        from detente.tui.screens.replay import Tape

        tape = Tape.load(args.replay)  # a log that cannot be read at all is a LogError: one line, exit 1
        if args.bot:
            raise UserError("--replay shows a logged session: bots (--bot) have nothing to play")
    elif args.resume:
        from detente.tui.client import LocalClient

        if args.scenario:
            raise UserError("--resume takes the scenario from the log: give only --resume LOG")
        client = LocalClient.resume(args.resume)
        for w in client.warnings:
            _err(f"warning: {args.resume}: {w}")
        client.bots = _bots(args.bot, client.scenario)
        client.play_bots()
    elif args.scenario:
        from detente.engine.log import LogError
        from detente.tui.client import LocalClient
        from detente.tui.screens.start import new_log_path

        path = resolve_scenario(args.scenario)
        scenario = _load(path)
        bots = _bots(args.bot, scenario)
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
        bot_specs=args.bot,
        theme=args.theme,
    )
    app.run()
    if app.client is not None:
        from detente.engine.commands import FACILITATOR

        log = app.client.log_path
        _say(f"Log: {log}")
        if app.client.view(FACILITATOR).outcome is not None:  # ended: nothing to resume
            _say(f"Step through it with: detente play --replay {log}")
            _say(f"Write the report with: detente report {log}")
        else:
            seats = "".join(f" --bot {t}={p.name}" for t, p in app.client.bots.items())
            _say(f"Resume with: detente play --resume {log}{seats}")
    return EXIT_OK


def _bots(specs: Sequence[str], scenario):  # type: ignore[no-untyped-def]  # -> dict[str, Policy]
    from detente.engine.bots import BotSpecError, parse_bot_specs

    try:
        return parse_bot_specs(specs, scenario)
    except BotSpecError as exc:
        raise UserError(f"--bot {exc}") from None


# -- entry point ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="detente",
        description="Détente: run, check and replay defence-diplomacy crisis exercises.",
    )
    p.add_argument("--version", action="version", version=f"detente {engine.__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    pl = sub.add_parser("play", help="run a facilitated session in the terminal (hot-seat)")
    pl.add_argument("scenario", nargs="?", help="a scenario file or bundled name (default: choose on screen)")
    pl.add_argument("--resume", metavar="LOG", help="continue a session from its log")
    pl.add_argument(
        "--replay", metavar="LOG", help="step through a logged session, as the facilitator or one team"
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

    rp = sub.add_parser("replay", help="rebuild a session from its log and print the state or a view")
    rp.add_argument("log", metavar="LOG")
    rp.add_argument("--turn", type=int, help="show the state at the end of this turn")
    rp.add_argument("--as", dest="as_role", metavar="ROLE", help="a team id, facilitator (default) or public")
    rp.add_argument("--verify", action="store_true", help="re-adjudicate every command and compare")
    rp.set_defaults(func=cmd_replay)

    # Further jobs live in their own modules, ``detente.tui.cmd_<job>``, each with a
    # ``register(subparsers)`` that adds its subcommand; they import their heavy parts lazily.
    import pkgutil
    from importlib import import_module

    from detente import tui

    for info in sorted(pkgutil.iter_modules(tui.__path__), key=lambda i: i.name):
        if info.name.startswith("cmd_"):
            import_module(f"detente.tui.{info.name}").register(sub)
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
        _err(str(exc))
    except BrokenPipeError:
        # The reader went away (``detente replay LOG | head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        _err(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    except KeyboardInterrupt:
        _err("stopped")
        return EXIT_INTERRUPTED
    except Exception as exc:
        from detente.engine.log import LogError  # a damaged or missing log: the user's to fix

        if not isinstance(exc, LogError):
            raise
        _err(str(exc))
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    # Run as ``python -m detente.tui.cli`` (browser tabs and tests do): use the module the
    # commands import, so that their UserError is the one main() catches.
    from detente.tui import cli as _cli

    sys.exit(_cli.main())


__all__ = ["build_parser", "bundled_scenarios", "main", "resolve_scenario"]
