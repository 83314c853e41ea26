"""``detente serve``: host a session for a workshop — teams on their own terminals (``detente
join``) or browsers (``--web PORT``) join over the network with their codes, over TLS with
``--cert/--key`` (see docs/protocol.md). The facilitator console runs in this terminal
(:mod:`detente.tui.app.hosted`), or with ``--headless`` the facilitator joins like anyone else."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import socket
import stat
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl

    from detente.engine.bots import Policy
    from detente.engine.recorder import RecordedSession
    from detente.net.host import Host


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
    from detente.tui.cli.common import err, load, log_path_for, resolve_scenario, say
    from detente.tui.errors import UserError
    from detente.tui.render.output import check_output

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
            err(f"warning: {args.resume}: {w}")
    else:
        if not args.scenario:
            raise UserError("name a scenario (or --resume LOG)")
        path = resolve_scenario(args.scenario)
        scenario = load(path)
        try:
            rec = RecordedSession.create(
                scenario, log_path_for(args.log, scenario.scenario.id), seed=args.seed, source=str(path)
            )
        except LogError as exc:
            raise UserError(str(exc)) from None
    with rec:
        from detente.tui.cli.common import parse_bots

        bots = parse_bots(args.bot, rec.session.scenario)
        if not _loopback(args.host) and tls is None:
            err(f"warning: --host {args.host}: anyone who can reach this machine can connect, and the "
                 "traffic is not encrypted (give --cert PEM --key PEM for TLS): hand out codes only in "
                 "the room")
        import asyncio

        try:
            if args.headless:
                asyncio.run(_serve(rec, args, tls, bots))
            else:
                _console(rec, args, tls, bots)
        except OSError as exc:
            raise UserError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    again = " --headless" if args.headless else ""
    say(f"Stopped. Log: {rec.path}", f"Resume with: detente serve --resume {rec.path}{again}")
    return 0


async def _serve(
    rec: RecordedSession, args: argparse.Namespace, tls: ssl.SSLContext | None, bots: Mapping[str, Policy]
) -> None:
    import asyncio
    import signal

    from detente.net.codes import new_codes
    from detente.net.host import Host
    from detente.tui.cli.common import say

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
                title=rec.session.scenario.scenario.title, tls=tls, cafile=args.cert))
            if args.host in ("0.0.0.0", "::"):
                page = f"{page.split(':', 1)[0]}://{socket.gethostname()}:{page.rsplit(':', 1)[1]}"
        _announce(host, rec, args, url, page)
        say("Serving. Press Ctrl+C to stop (the log is kept; resume it with --resume).")
        await stop.wait()


def _announce(host: Host, rec: RecordedSession, args: argparse.Namespace, url: str, page: str | None) -> None:
    """Print the join codes and where to join (and write them with --codes)."""
    from detente.tui.cli.common import say

    if args.codes:
        _write_codes(args.codes, url, host.codes)
    state = rec.state
    where = f"{state.label() if state.turn else 'Setup'}, {state.phase}"
    say(
        f"{rec.session.scenario.scenario.title} — {where}",
        f"Log: {rec.path}",
        "Join codes (one per role; never written to the log):",
        *(f"  {role:<12} {host.role_name(role):<28} {host.codes[role]}" for role in host.roles()
          if role in host.codes),
        *(f"  {actor:<12} {host.role_name(actor):<28} {_seatless(host, actor)}"
          for actor in rec.session.scenario.actor_ids if actor in host.bots or actor in host.played),
        f"URL: {url}",
        *([f"Browsers: {page} (each tab asks for a code)"] if page else []),
        *([f"Codes written to {args.codes}"] if args.codes else []),
    )


def _seatless(host: Host, actor: str) -> str:
    """Who plays an actor that has no code, for the list of codes."""
    policy = host.bots.get(actor)
    if policy is None:
        return "played by the facilitator (no code)"
    background = actor in host.recorded.session.scenario.background
    return f"{'background, ' if background else ''}played by the {policy.name} bot"


def _console(
    rec: RecordedSession, args: argparse.Namespace, tls: ssl.SSLContext | None, bots: Mapping[str, Policy]
) -> None:
    """Serve from a thread of its own and run the facilitator console in this terminal."""
    import sys

    from detente.net.codes import new_codes
    from detente.net.host import Host
    from detente.net.web import local_url
    from detente.tui.app.app import DetenteApp
    from detente.tui.app.hosted import HostedClient, HostThread

    host = Host(rec, {}, bots=bots)
    host.codes = new_codes([r for r in host.roles() if r != "facilitator"])  # the console is here
    host.play_bots()
    served = HostThread(host, args.host, args.port, tls, args.web,
                        web_url=lambda url: local_url(url, args.host), cafile=args.cert)
    url = served.start()
    if args.host in ("0.0.0.0", "::"):
        url = f"{url.split(':', 1)[0]}://{socket.gethostname()}:{host.port}"
    _announce(host, rec, args, url, served.page or None)
    if sys.stdin.isatty():
        input("Hand out the codes, then press Enter to open the console (they stay above it when it "
              "closes; --codes keeps them in a file). ")
    client = HostedClient(served)
    try:
        DetenteApp(client=client, theme=args.theme).run()
    finally:
        served.stop()


def _write_codes(path: str, url: str, codes: dict[str, str]) -> None:
    """``url`` and a ``[codes]`` table, readable by this user alone (0600)."""
    import tomli_w

    from detente.tui.render.output import write_output

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
        description="Host a session: teams, the facilitator, an evaluator and spectators join over the "
        "network with "
        "the codes it prints, with detente join or (--web) a browser (see docs/protocol.md). The host "
        "keeps the log; only what each role may see reaches it. The facilitator console runs in this "
        "terminal, unless --headless (then the facilitator joins like anyone else).",
    )
    s.add_argument("scenario", nargs="?", help="a scenario file, or the name of a bundled one")
    s.add_argument("--resume", metavar="LOG", help="host a session from its log, where it stopped")
    s.add_argument("--headless", action="store_true",
                   help="no console in this terminal: the facilitator joins with the facilitator code "
                   "(without it, the facilitator console runs here and no facilitator code is printed)")
    s.add_argument("--theme", default="dark", metavar="NAME",
                   help="the console's theme: dark (default) or light, or any Textual theme name")
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
