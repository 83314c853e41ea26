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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ssl

    from detente.engine.bots import Policy
    from detente.engine.recorder import RecordedSession
    from detente.engine.scenario import Scenario
    from detente.net.cohort import CohortHost
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
    if args.syndicates is not None and not 1 <= args.syndicates <= MAX_SYNDICATES:
        raise UserError(f"--syndicates {args.syndicates}: 1–{MAX_SYNDICATES} syndicates")
    if args.seeds is not None and args.syndicates is None:
        raise UserError("--seeds S1,S2,… gives each syndicate its seed: it goes with --syndicates N")
    if len(args.resume or ()) > 1 or (args.syndicates or 1) > 1:
        return _cmd_cohort(args, tls)
    if args.resume:
        if args.scenario or args.seed is not None or args.log is not None or args.syndicates is not None:
            raise UserError("--resume takes the scenario, seed and log from the log: give only --resume LOG")
        rec = RecordedSession.resume(args.resume[0])
        for w in rec.warnings:
            err(f"warning: {args.resume[0]}: {w}")
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
        (bots,) = syndicate_bots(args.bot, 1, rec.session.scenario)
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


# -- several syndicates under one host -----------------------------------------------------------


def _cmd_cohort(args: argparse.Namespace, tls: ssl.SSLContext | None) -> int:
    """``serve --syndicates N`` or ``serve --resume LOG1 LOG2 …``: N sessions of one scenario
    behind one port (:class:`detente.net.cohort.CohortHost`), each with its own log and codes."""
    import asyncio

    from detente.engine.log import LogError
    from detente.engine.recorder import RecordedSession
    from detente.tui.cli.common import err, load, resolve_scenario, say
    from detente.tui.errors import UserError

    with contextlib.ExitStack() as stack:
        if args.resume:
            if args.scenario or args.seed is not None or args.seeds is not None or args.log is not None or (
                    args.syndicates is not None and args.syndicates != len(args.resume)):
                raise UserError("--resume LOG1 LOG2 … takes the scenario, the seeds and the logs from the "
                                "logs (one syndicate each): give only --resume and the logs")
            same_scenario(args.resume)
            recs = []
            for log in args.resume:
                rec = stack.enter_context(RecordedSession.resume(log))
                recs.append(rec)
                for w in rec.warnings:
                    err(f"warning: {log}: {w}")
        else:
            if not args.scenario:
                raise UserError("name a scenario (or --resume LOG1 LOG2 …)")
            n = args.syndicates
            seeds = parse_seeds(args.seeds, n) if args.seeds is not None else [args.seed] * n
            if args.seeds is not None and args.seed is not None:
                raise UserError("--seed and --seeds: give one (--seeds S1,S2,… for each syndicate its own)")
            path = resolve_scenario(args.scenario)
            scenario = load(path)
            logs = cohort_logs(args.log, scenario.scenario.id, n)
            try:
                # Each header names its syndicate: with one seed the headers would be the same,
                # and this machine would take the logs for one (engine.signing.remember_head).
                recs = [stack.enter_context(RecordedSession.create(scenario, log, seed=seed,
                                                                   source=str(path),
                                                                   settings={"syndicate": k}))
                        for k, (log, seed) in enumerate(zip(logs, seeds, strict=True), start=1)]
            except LogError as exc:
                raise UserError(str(exc)) from None
        cohort = _cohort(recs, args)
        if not _loopback(args.host) and tls is None:
            err(f"warning: --host {args.host}: anyone who can reach this machine can connect, and the "
                 "traffic is not encrypted (give --cert PEM --key PEM for TLS): hand out codes only in "
                 "the room")
        try:
            if args.headless:
                asyncio.run(_serve_cohort(cohort, args, tls))
            else:
                _console_cohort(cohort, args, tls)
        except OSError as exc:
            raise UserError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    paths = " ".join(rec.path for rec in recs)
    again = (" --headless" if args.headless else "") + "".join(f" --bot {b}" for b in args.bot)
    say(f"Stopped. Logs: {paths}", f"Resume with: detente serve --resume {paths}{again}")
    return 0


def same_scenario(logs: Sequence[str]) -> None:
    """A :class:`UserError` (one line) unless every log's header holds the same scenario (by its
    ``scenario_sha256``): the syndicates of a cohort play one scenario."""
    import json
    import os

    from detente.tui.errors import UserError

    first: tuple[str, str] | None = None
    seen: dict[str, str] = {}
    for log in logs:
        real = os.path.realpath(log)
        if real in seen:
            raise UserError(f"{seen[real]} and {log}: the same log twice; each syndicate has its own log")
        seen[real] = log
        try:
            with open(log, encoding="utf-8") as f:
                header = json.loads(f.readline())
            sha, title = str(header["scenario_sha256"]), str(header["scenario"]["scenario"]["title"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UserError(f"{log}: not a session log ({getattr(exc, 'strerror', None) or exc})") from None
        if first is None:
            first = (log, sha)
        elif sha != first[1]:
            raise UserError(f"{log}: another scenario ({title}) than {first[0]}, or another version of it "
                            "(scenario_sha256 differs): the syndicates of one host play one scenario")


def parse_seeds(text: str, n: int) -> list[int | None]:
    """``--seeds 7,8,9``: one whole number per syndicate (``-`` or an empty place: the
    scenario's seed)."""
    from detente.tui.errors import UserError

    parts = [p.strip() for p in text.split(",")]
    if len(parts) != n:
        raise UserError(f"--seeds {text}: {len(parts)} seeds for {n} syndicates (one each, comma-separated)")
    try:
        return [None if p in ("", "-") else int(p) for p in parts]
    except ValueError:
        raise UserError(f"--seeds {text}: seeds are whole numbers, like --seeds 7,8,9") from None


def cohort_logs(given: str | None, scenario_id: str, n: int) -> list[Path]:
    """Where ``n`` syndicates' logs go: ``ID-TIME-s1.jsonl`` … in sessions/ (or the ``--log``
    folder), or ``NAME-s1.jsonl`` … beside a ``--log NAME.jsonl``: they sort together. None may
    exist yet."""
    from detente.tui.cli.common import log_path_for
    from detente.tui.errors import UserError

    first = str(log_path_for(given, scenario_id))
    base = first[: -len(".jsonl")] if first.endswith(".jsonl") else first
    logs = [Path(f"{base}-s{k}.jsonl") for k in range(1, n + 1)]
    if there := [str(p) for p in logs if p.exists()]:
        raise UserError(f"--log {given}: {there[0]} exists already: a log is never written over")
    return logs


def _cohort(recs: Sequence[RecordedSession], args: argparse.Namespace) -> CohortHost:
    """The syndicates' hosts behind one listener, with their bots seated and every code dealt (no
    facilitator code when the console runs in this terminal)."""
    from detente.net.cohort import CohortHost
    from detente.net.host import Host

    bots = syndicate_bots(args.bot, len(recs), recs[0].session.scenario)
    cohort = CohortHost([Host(rec, {}, bots=b) for rec, b in zip(recs, bots, strict=True)])
    cohort.deal_codes(left_out=() if args.headless else ("facilitator",))
    for host in cohort.hosts:
        host.play_bots()  # a bot's seat acts as soon as the phase lets it
    return cohort


async def _serve_cohort(cohort: CohortHost, args: argparse.Namespace, tls: ssl.SSLContext | None) -> None:
    import asyncio
    import signal

    from detente.tui.cli.common import say

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with contextlib.AsyncExitStack() as stack:
        url = await stack.enter_async_context(cohort.serving(args.host, args.port, tls))
        bound = url
        if args.host in ("0.0.0.0", "::"):
            url = f"{url.split(':', 1)[0]}://{socket.gethostname()}:{cohort.port}"
        page = None
        if args.web is not None:
            from detente.net.web import local_url, serving_web

            page = await stack.enter_async_context(serving_web(
                local_url(bound, args.host), args.host, args.web,
                title=cohort.hosts[0].recorded.session.scenario.scenario.title, tls=tls, cafile=args.cert))
            if args.host in ("0.0.0.0", "::"):
                page = f"{page.split(':', 1)[0]}://{socket.gethostname()}:{page.rsplit(':', 1)[1]}"
        _announce_cohort(cohort, args, url, page)
        say("Serving. Press Ctrl+C to stop (the logs are kept; resume them with --resume).")
        await stop.wait()


def _console_cohort(cohort: CohortHost, args: argparse.Namespace, tls: ssl.SSLContext | None) -> None:
    """Serve every syndicate from a thread of its own and run the facilitator console, with its
    syndicate switcher, in this terminal."""
    import sys

    from detente.net.web import local_url
    from detente.tui.app.app import DetenteApp
    from detente.tui.app.hosted import HostedClient, HostThread
    from detente.tui.app.syndicates import Syndicate, Syndicates

    served = HostThread(cohort, args.host, args.port, tls, args.web,
                        web_url=lambda url: local_url(url, args.host), cafile=args.cert)
    url = served.start()
    if args.host in ("0.0.0.0", "::"):
        url = f"{url.split(':', 1)[0]}://{socket.gethostname()}:{cohort.port}"
    _announce_cohort(cohort, args, url, served.page or None)
    if sys.stdin.isatty():
        input("Hand out the codes, then press Enter to open the console (they stay above it when it "
              "closes; --codes keeps them in a file). ")
    syndicates = Syndicates([Syndicate(h.syndicate, HostedClient(served, h)) for h in cohort.hosts])
    try:
        DetenteApp(client=syndicates.client, syndicates=syndicates, theme=args.theme).run()
    finally:
        served.stop()


def _announce_cohort(cohort: CohortHost, args: argparse.Namespace, url: str, page: str | None) -> None:
    """Print each syndicate's codes, the cohort's own and where to join (and write them with
    --codes)."""
    from detente.tui.cli.common import say

    if args.codes:
        _write_cohort_codes(args.codes, url, cohort)
    first = cohort.hosts[0].recorded
    lines = [f"{first.session.scenario.scenario.title} — {len(cohort.hosts)} syndicates, one host"]
    for host in cohort.hosts:
        state = host.recorded.state
        where = f"{state.label() if state.turn else 'Setup'}, {state.phase}"
        lines += [
            f"{host.syndicate} — {where} — seed {host.recorded.session.seed} — log {host.recorded.path}",
            *(f"  {role:<12} {host.role_name(role):<28} {host.codes[role]}" for role in host.roles()
              if role in host.codes),
            *(f"  {actor:<12} {host.role_name(actor):<28} {_seatless(host, actor)}"
              for actor in host.recorded.session.scenario.actor_ids
              if actor in host.bots or actor in host.played),
        ]
    if cohort.codes:
        lines += ["Every syndicate at once:",
                  *(f"  {role:<12} {cohort.role_name(role):<36} {code}"
                    for role, code in cohort.codes.items())]
    say(
        *lines,
        "Each code opens one syndicate's seat (or, above, every syndicate's); codes are never written "
        "to the logs.",
        f"URL: {url}",
        *([f"Browsers: {page} (each tab asks for a code)"] if page else []),
        *([f"Codes written to {args.codes}"] if args.codes else []),
    )


def _write_cohort_codes(path: str, url: str, cohort: CohortHost) -> None:
    """``url``, the cohort's ``[codes]`` and one ``[[syndicates]]`` table each (name, log, seed,
    codes), readable by this user alone (0600)."""
    _write_codes(path, url, cohort.codes, syndicates=[
        {"name": h.syndicate, "log": h.recorded.path, "seed": h.recorded.session.seed, "codes": h.codes}
        for h in cohort.hosts])


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


MAX_SYNDICATES = 9
"""The most syndicates one host runs (workshops split into two to four; the console's keys 1–9
show each)."""


def syndicate_bots(specs: Sequence[str], n: int, scenario: Scenario) -> list[dict[str, Policy]]:
    """``--bot`` options for ``n`` syndicates: each syndicate's team → policy. ``TEAM=POLICY``
    seats the bot in every syndicate; ``K:TEAM=POLICY`` in syndicate K only (1–n), and wins there
    over an every-syndicate bot for the same team. A bad one is a :class:`UserError`."""
    from detente.tui.cli.common import parse_bots
    from detente.tui.errors import UserError

    every: list[str] = []
    own: dict[int, list[str]] = {k: [] for k in range(1, n + 1)}
    for spec in specs:
        head, sep, rest = spec.partition(":")
        if not sep or "=" in head:
            every.append(spec)
            continue
        if not head.strip().isdigit() or not 1 <= int(head) <= n:
            raise UserError(f"--bot {spec}: {head.strip()!r} is not a syndicate "
                            f"({'1' if n == 1 else f'1–{n}'}; or give TEAM=POLICY for every syndicate)")
        own[int(head)].append(rest)
    parse_bots(every, scenario)  # each list is checked as it was given, duplicates and all
    out = []
    for k in range(1, n + 1):
        parse_bots(own[k], scenario)
        chosen = {spec.partition("=")[0].strip(): spec for spec in [*every, *own[k]]}
        out.append(parse_bots(list(chosen.values()), scenario))
    return out


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


def _write_codes(
    path: str, url: str, codes: dict[str, str], syndicates: Sequence[Mapping[str, Any]] = ()
) -> None:
    """``url`` and a ``[codes]`` table (and a ``[[syndicates]]`` table each), readable by this user
    alone (0600)."""
    import tomli_w

    from detente.tui.render.output import write_output

    if os.path.isfile(path):
        os.chmod(path, 0o600)  # a replaced file keeps its mode: make it private before it holds codes
    old = os.umask(0o077)  # a new file is made 0600 (0666 less this mask)
    data: dict[str, Any] = {"url": url, "codes": codes}
    if syndicates:
        data["syndicates"] = [dict(s) for s in syndicates]
    try:
        written = write_output(path, tomli_w.dumps(data), overwrite=True)
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
    s.add_argument("--resume", metavar="LOG", nargs="+",
                   help="host a session from its log, where it stopped; several logs of one scenario: "
                   "one syndicate each, in the order given")
    s.add_argument("--syndicates", metavar="N", type=int,
                   help="run N independent sessions of the scenario behind this one port (a workshop's "
                   "syndicates): each its own log (…-s1.jsonl …), codes, clock and bots; the same seed "
                   "unless --seeds")
    s.add_argument("--seeds", metavar="S1,S2,…",
                   help="with --syndicates: each syndicate's seed, comma-separated (default: one seed for "
                   "all, so the syndicates differ only by their choices)")
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
    s.add_argument("--bot", action="append", default=[], metavar="[K:]TEAM=POLICY",
                   help="a bot plays TEAM at the host: random, dove, hawk or tit-for-tat (repeatable; "
                   "no code is printed for it; give the same again with --resume); with --syndicates, in "
                   "every syndicate, or with K: in syndicate K only (2:red=hawk)")
    s.add_argument("--cert", metavar="PEM", help="TLS certificate (chain), PEM: clients join with wss://")
    s.add_argument("--key", metavar="PEM", help="the certificate's private key, PEM")
    s.set_defaults(func=cmd_serve)


__all__ = ["cmd_serve", "register"]
