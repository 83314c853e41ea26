"""``detente serve``: host a session for a workshop — teams on their own terminals (``detente
join``) or browsers (``--web PORT``) join over the network with their codes, over TLS with
``--cert/--key`` (see docs/protocol.md). For now only ``--headless``: the facilitator joins like
anyone else."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import socket
import stat

HEADLESS_ONLY = (
    "the console in this terminal comes in a later version: use --headless and join as the facilitator"
)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    from detente.engine.log import LogError
    from detente.engine.recorder import RecordedSession
    from detente.tui.cli import UserError, _err, _load, _log_path, _say, resolve_scenario
    from detente.tui.output import check_output

    if not args.headless:
        raise UserError(HEADLESS_ONLY)
    if not 0 <= args.port <= 65535:
        raise UserError(f"--port {args.port}: a port is 0–65535 (0: any free port)")
    if args.web is not None and not 0 <= args.web <= 65535:
        raise UserError(f"--web {args.web}: a port is 0–65535 (0: any free port)")
    if args.codes:
        check_output(args.codes, overwrite=True)  # before a log is made: never over a log
    if bool(args.cert) != bool(args.key):
        raise UserError("TLS needs both --cert PEM and --key PEM")
    tls = None
    if args.cert:
        import ssl

        from detente.net.host import tls_context

        try:
            tls = tls_context(args.cert, args.key)
        except (OSError, ssl.SSLError) as exc:
            raise UserError(f"--cert {args.cert} --key {args.key}: cannot use them for TLS: "
                            f"{getattr(exc, 'strerror', None) or exc}") from None
    if args.resume:
        if args.scenario or args.seed is not None or args.log is not None:
            raise UserError("--resume takes the scenario, seed and log from the log: give only --resume LOG")
        rec = RecordedSession.resume(args.resume)
        for w in rec.warnings:
            _err(f"warning: {args.resume}: {w}")
    else:
        if not args.scenario:
            raise UserError("name a scenario (or --resume LOG)")
        path = resolve_scenario(args.scenario)
        scenario = _load(path)
        try:
            rec = RecordedSession.create(scenario, _log_path(args.log, scenario.scenario.id), seed=args.seed,
                                         source=str(path))
        except LogError as exc:
            raise UserError(str(exc)) from None
    with rec:
        from detente.tui.cli import _bots

        bots = _bots(args.bot, rec.session.scenario)
        if not _loopback(args.host) and tls is None:
            _err(f"warning: --host {args.host}: anyone who can reach this machine can connect, and the "
                 "traffic is not encrypted (give --cert PEM --key PEM for TLS): hand out codes only in "
                 "the room")
        import asyncio

        try:
            asyncio.run(_serve(rec, args, tls, bots))
        except OSError as exc:
            raise UserError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    _say(f"Stopped. Log: {rec.path}", f"Resume with: detente serve --resume {rec.path} --headless")
    return 0


async def _serve(rec, args: argparse.Namespace, tls, bots) -> None:  # type: ignore[no-untyped-def]
    import asyncio
    import signal

    from detente.net.codes import new_codes
    from detente.net.host import Host
    from detente.tui.cli import _say

    host = Host(rec, {}, bots=bots)
    host.codes = new_codes(host.roles())
    host.play_bots()  # a bot's seat acts as soon as the phase lets it
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with contextlib.AsyncExitStack() as stack:
        url = await stack.enter_async_context(host.serving(args.host, args.port, tls))
        bound = url
        if args.host in ("0.0.0.0", "::"):  # what clients type is this machine's name, not "any"
            url = f"{url.split(':', 1)[0]}://{socket.gethostname()}:{host.port}"
        page = None
        if args.web is not None:
            from detente.net.web import local_url, serving_web

            page = await stack.enter_async_context(serving_web(
                local_url(bound, args.host), args.host, args.web,
                title=rec.session.scenario.scenario.title, tls=tls))
            if args.host in ("0.0.0.0", "::"):
                page = f"{page.split(':', 1)[0]}://{socket.gethostname()}:{page.rsplit(':', 1)[1]}"
        if args.codes:
            _write_codes(args.codes, url, host.codes)
        state = rec.state
        where = f"{state.label() if state.turn else 'Setup'}, {state.phase}"
        _say(
            f"{rec.session.scenario.scenario.title} — {where}",
            f"Log: {rec.path}",
            "Join codes (one per role; never written to the log):",
            *(f"  {role:<12} {host.role_name(role):<28} {host.codes[role]}" for role in host.roles()),
            *(f"  {team:<12} {host.role_name(team):<28} played by the {policy.name} bot"
              for team, policy in bots.items()),
            f"URL: {url}",
            *([f"Browsers: {page} (each tab asks for a code)"] if page else []),
            *([f"Codes written to {args.codes}"] if args.codes else []),
            "Serving. Press Ctrl+C to stop (the log is kept; resume it with --resume).",
        )
        await stop.wait()


def _write_codes(path: str, url: str, codes: dict[str, str]) -> None:
    """``url`` and a ``[codes]`` table, readable by this user alone (0600)."""
    import tomli_w

    from detente.tui.output import write_output

    if os.path.isfile(path):
        os.chmod(path, 0o600)  # a replaced file keeps its mode: make it private before it holds codes
    old = os.umask(0o077)  # a new file is made 0600 (0666 less this mask)
    try:
        written = write_output(path, tomli_w.dumps({"url": url, "codes": codes}), overwrite=True)
    finally:
        os.umask(old)
    if stat.S_ISREG(os.stat(written).st_mode):
        os.chmod(written, 0o600)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser(
        "serve",
        help="host a session for teams on their own terminals (network play)",
        description="Host a session: teams, the facilitator and spectators join over the network with "
        "the codes it prints, with detente join or (--web) a browser (see docs/protocol.md). The host "
        "keeps the log; only what each role may see reaches it. "
        + HEADLESS_ONLY[0].upper() + HEADLESS_ONLY[1:] + ".",
    )
    s.add_argument("scenario", nargs="?", help="a scenario file, or the name of a bundled one")
    s.add_argument("--resume", metavar="LOG", help="host a session from its log, where it stopped")
    s.add_argument("--headless", action="store_true",
                   help="no console in this terminal: the facilitator joins with the facilitator code")
    s.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=int, default=8765, help="the port (default 8765; 0: any free port)")
    s.add_argument("--web", metavar="PORT", type=int,
                   help="also serve the join screens to browsers on this port (each tab asks for a code; "
                   "nothing is loaded from the internet)")
    s.add_argument("--codes", metavar="PATH", help="also write the URL and the codes as TOML, mode 0600")
    s.add_argument("--log", metavar="PATH",
                   help="where the log goes: a new file, or a folder ending in / (default sessions/)")
    s.add_argument("--seed", type=int, help="seed of the dice (default: the scenario's)")
    s.add_argument("--bot", action="append", default=[], metavar="TEAM=POLICY",
                   help="a bot plays TEAM at the host: random, dove, hawk or tit-for-tat (repeatable; "
                   "no code is printed for it; give the same again with --resume)")
    s.add_argument("--cert", metavar="PEM", help="TLS certificate (chain), PEM: clients join with wss://")
    s.add_argument("--key", metavar="PEM", help="the certificate's private key, PEM")
    s.set_defaults(func=cmd_serve)


__all__ = ["cmd_serve", "register"]
