"""Several syndicates of one scenario behind one listener (``detente serve --syndicates N``).

A workshop splits its participants into syndicates that play the same scenario at the same
time, then debriefs them together. Each syndicate here is a :class:`~detente.net.host.Host` of
its own — its own session and log, its own codes per role, its own phase clock, bots and
publisher — and nothing crosses between them: the cohort only routes a connection, by the code
it says, to the one host whose code it is, and from then on that host alone talks to it. Every
code is unique across the cohort, so a code alone says which syndicate and role it opens.

Two codes are the cohort's own: the lead facilitator's (``facilitator``) and the projector's
(``spectator``). Either is answered with one ``cohort`` message that holds each syndicate's code
for that role, and the connection is closed; the client then joins each syndicate with its
code — one connection per syndicate, each hearing only its syndicate
(:func:`detente.net.remote.join_cohort`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import ssl
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from detente.engine.commands import FACILITATOR
from detente.engine.log import canonical_sha256
from detente.net import protocol
from detente.net.codes import new_codes, normalise, role_for
from detente.net.host import SPECTATOR, Attend, Door, Host, listening

COHORT_ROLES = (FACILITATOR, SPECTATOR)
"""The roles a cohort code opens in every syndicate at once: the lead facilitator (the console
with every syndicate) and the projector (every syndicate's public view)."""


def syndicate_name(number: int) -> str:
    """How syndicate ``number`` (from 1) is named on screens and in the list of codes.

    >>> syndicate_name(2)
    'Syndicate 2'
    """
    return f"Syndicate {number}"


class CohortHost:
    """The syndicates of one workshop served on one port (see the module's docstring)."""

    def __init__(self, hosts: Sequence[Host], codes: Mapping[str, str] | None = None) -> None:
        """``hosts``: one per syndicate, all of one scenario, in order (each is named
        :func:`syndicate_name` unless it has a name). ``codes``: the cohort's own codes, role →
        code, for roles of :data:`COHORT_ROLES`. Raises ValueError for hosts of different
        scenarios, an unknown cohort role, or a code that two places share."""
        from detente.engine.loader import unstructure_scenario

        if not hosts:
            raise ValueError("a cohort needs at least one syndicate")
        first = canonical_sha256(unstructure_scenario(hosts[0].recorded.session.scenario))
        for host in hosts[1:]:
            if canonical_sha256(unstructure_scenario(host.recorded.session.scenario)) != first:
                raise ValueError(f"{host.recorded.path}: another scenario than {hosts[0].recorded.path}: "
                                 "the syndicates of a cohort play one scenario")
        self.hosts = list(hosts)
        for number, host in enumerate(self.hosts, 1):
            host.syndicate = host.syndicate or syndicate_name(number)
        self.codes = dict(codes or {})
        if unknown := sorted(set(self.codes) - set(COHORT_ROLES)):
            raise ValueError(f"no cohort code for {', '.join(unknown)}: only {', '.join(COHORT_ROLES)}")
        self.port: int | None = None
        """The port the cohort listens on, once :meth:`serving` has bound it."""
        self._door = Door(self._route)
        self.check_codes()

    def check_codes(self) -> None:
        """Raise ValueError unless every code of every syndicate and of the cohort is unique."""
        seen: dict[str, str] = {}
        places = [(f"cohort {role}", code) for role, code in self.codes.items()]
        places += [(f"{h.syndicate} {role}", code) for h in self.hosts for role, code in h.codes.items()]
        for place, code in places:
            key = normalise(code)
            if key in seen:
                raise ValueError(f"{place} has the code of {seen[key]}: every code opens one place")
            seen[key] = place

    def deal_codes(self, left_out: Collection[str] = ()) -> None:
        """A fresh code for every role of every syndicate (:meth:`Host.roles`) and for the
        cohort's roles, all different; none for the roles ``left_out`` (the facilitator, when the
        console runs in the host's terminal). A cohort role is dealt only where every syndicate
        has a code for it."""
        keys = [f"{n}:{role}" for n, host in enumerate(self.hosts)
                for role in host.roles() if role not in left_out]
        keys += [f"cohort:{role}" for role in COHORT_ROLES if role not in left_out]
        dealt = new_codes(keys)

        def of(place: str) -> dict[str, str]:
            split = ([*key.split(":", 1), code] for key, code in dealt.items())
            return {role: code for at, role, code in split if at == place}

        for n, host in enumerate(self.hosts):
            host.codes = of(str(n))
        self.codes = of("cohort")
        self.check_codes()

    # -- routing -----------------------------------------------------------------------------

    def _route(self, code: str) -> Attend | None:
        """The seat a code opens: in the one syndicate whose code it is, or (a cohort code) the
        answer with every syndicate's code for its role. Every syndicate's codes are compared,
        each in constant time, whatever matched earlier."""
        found: Attend | None = None
        for host in self.hosts:
            attend = host._route(code)
            if found is None:
                found = attend
        role = role_for(self.codes, code)
        if found is None and role is not None:
            found = functools.partial(self._answer, role=role)
        return found

    def syndicates(self, role: str) -> list[dict[str, Any]]:
        """What a cohort code for ``role`` opens: each syndicate's name, its code for ``role``
        and its log's file name (only syndicates with a code for the role)."""
        return [{"name": h.syndicate, "code": h.codes[role], "log": os.path.basename(h.recorded.path)}
                for h in self.hosts if role in h.codes]

    async def _answer(self, ws: ServerConnection, role: str) -> None:
        """A cohort code: every syndicate's code for its role, then the connection is closed (the
        client joins each syndicate on a connection of its own)."""
        with contextlib.suppress(ConnectionClosed):
            await ws.send(protocol.encode(protocol.cohort(role, self.syndicates(role))))
            await ws.close(1000, "join each syndicate with its code")

    # -- serving -------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def serving(
        self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> AsyncIterator[str]:
        """Listen on ``host``:``port`` for every syndicate while the block runs (each host at
        work: :meth:`Host.running`); yields the URL clients join. Leaving the block closes every
        connection."""
        async with listening(self._door.handle, host, port, tls) as (url, self.port), \
                contextlib.AsyncExitStack() as stack:
            for h in self.hosts:
                h.port = self.port
                await stack.enter_async_context(h.running())
            yield url

    def role_name(self, role: str) -> str:
        """How a cohort role is named in the list of codes."""
        return {FACILITATOR: "Lead facilitator (every syndicate)",
                SPECTATOR: "Projector (every syndicate)"}.get(role, role)


__all__ = ["COHORT_ROLES", "CohortHost", "syndicate_name"]
