"""``detente join``: this terminal as one role's screen in a workshop — a team's own screen,
the facilitator console, the evaluator's screen or the projector view — talking to a ``detente
serve`` host over the network (see docs/protocol.md). Without ``--code`` the code is asked for on
screen."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from detente.tui.app.client import SessionClient


def join_url(text: str) -> str:
    """The WebSocket URL for what was typed: ``HOST:PORT`` gets ``ws://`` in front.

    >>> join_url("127.0.0.1:8765")
    'ws://127.0.0.1:8765'
    >>> join_url("wss://room.example:8765")
    'wss://room.example:8765'
    """
    text = text.strip()
    return text if text.startswith(("ws://", "wss://")) else f"ws://{text}"


def cmd_join(args: argparse.Namespace) -> int:
    from textual.theme import BUILTIN_THEMES

    from detente.tui.app.app import THEMES, DetenteApp
    from detente.tui.errors import UserError

    if THEMES.get(args.theme, args.theme) not in BUILTIN_THEMES:
        raise UserError(
            f"--theme {args.theme}: not a theme (dark, light, or one of {', '.join(BUILTIN_THEMES)})"
        )
    url = join_url(args.url)
    client: SessionClient | None = None
    syndicates = None
    if args.code:
        from detente.net.remote import HostUnreachable, JoinError, RemoteClient, join_cohort
        from detente.tui.app.syndicates import Syndicate, Syndicates
        from detente.tui.render.text import Names

        try:
            client = RemoteClient(url, args.code, args.cafile, Names.of).join()
            if client.syndicates:  # a code for every syndicate (lead facilitator, projector)
                syndicates = Syndicates([Syndicate(name, c) for name, c in join_cohort(client)])
                client = syndicates.client
        except JoinError as exc:
            raise UserError(f"{url}: {exc}") from None
        except HostUnreachable as exc:
            raise UserError(str(exc)) from None
    app = DetenteApp(client=client, join_url=None if client else url, join_cafile=args.cafile,
                     theme=args.theme, syndicates=syndicates)
    try:
        app.run()
    finally:
        if app.syndicates is not None:
            app.syndicates.close()
        elif app.client is not None:
            app.client.close()
    # A wrong code typed on screen: the app said so on its way out and ends with 1.
    return int(app.return_code or 0)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser(
        "join",
        help="join a hosted session from this terminal: a team, the facilitator, the evaluator or the "
        "projector",
        description="Join a session that `detente serve` hosts, with the code it printed for your role: "
        "a team's code opens that team's screen, the facilitator's the console, the evaluator's the "
        "evaluator's screen (observations and HSEEP ratings), the spectators' the projector view; of a "
        "host with several syndicates, the lead facilitator's code opens the console of every syndicate "
        "and the projector's code every syndicate side by side. "
        "Without --code the code is asked for on screen. A dropped connection is mended by itself.",
    )
    s.add_argument("url", metavar="URL", help="the host's address, as serve printed it: ws://HOST:PORT")
    s.add_argument("--code", help="your role's join code (asked for on screen when left out)")
    s.add_argument("--cafile", metavar="PEM",
                   help="for a wss:// host with its own certificate: that certificate, to trust it")
    s.add_argument("--theme", default="dark",
                   help="dark (default) or light, for a bright room or a projector; or any Textual theme")
    s.set_defaults(func=cmd_join)


__all__ = ["cmd_join", "join_url", "register"]
