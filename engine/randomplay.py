"""Random legal play, for property tests and benchmarks.

Every command it issues is built from :func:`~detente.engine.adjudicate.legal_moves`
and goes through the same :meth:`Session.decide` a human team's does. The random
generator is the caller's, so the same generator seed gives the same game.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from detente.engine.adjudicate import LegalMove, check_order, legal_moves
from detente.engine.commands import (
    Advance,
    Command,
    HangUp,
    Propose,
    Respond,
    Start,
    SubmitOrders,
    Withdraw,
)
from detente.engine.ruleset import Ruleset
from detente.engine.session import Session
from detente.engine.state import Order, State


def random_order(state: State, team: str, lm: LegalMove, rng: random.Random) -> Order:
    """An order for ``lm`` with arguments drawn from its valid choices."""
    kw: dict[str, object] = {}
    for p in lm.move.params:
        if p.name == "text":
            kw["text"] = "" if p.optional else "A statement."
            continue
        options = lm.choices.get(p.name, ())
        if not options or (p.optional and rng.random() < 0.3):
            continue
        if p.name == "targets":
            k = min(len(options), rng.randint(2, 3)) if len(options) >= 2 else len(options)
            kw["targets"] = tuple(sorted(rng.sample(list(options), k)))
        else:
            kw[p.name] = rng.choice(options)
    return Order(move=lm.move.name, **kw)  # type: ignore[arg-type]  # kw: the move's own arguments


def random_commands(
    session: Session, rng: random.Random, *, max_commands: int = 10_000, withdraw: float = 0.0
) -> Iterator[Command]:
    """The next commands of a random legal game, one at a time, until it ends.

    The caller applies each command (directly or through a recorder) before asking for
    the next; the generator reads ``session.state`` afresh every time. ``withdraw`` is the
    chance that a proposer takes back a proposal nobody has answered yet (0 by default, so
    a generator seed plays the same game it always did)."""
    for _ in range(max_commands):
        st = session.state
        if st.ended:
            return
        if st.phase == "setup":
            yield Start()
            continue
        if st.phase == "communications":
            cmd = _communications(session, st, rng, withdraw)
            yield cmd if cmd is not None else Advance()
            continue
        if st.phase == "orders":
            team = next((a for a in st.scenario.actor_ids if a not in st.orders), None)
            if team is None:
                yield Advance()
                continue
            yield SubmitOrders(team=team, orders=random_orders(st, team, session.ruleset, rng))
            continue
        yield Advance()


def _communications(session: Session, st: State, rng: random.Random, withdraw: float = 0.0) -> Command | None:
    for p in st.proposals.values():
        if p.status == "open" and withdraw and not p.answers and rng.random() < withdraw:
            return Withdraw(team=p.by, proposal=p.id)
        if p.status == "open":
            for t in p.to:
                if t not in p.answers and rng.random() < 0.8:
                    return Respond(team=t, proposal=p.id, accept=rng.random() < 0.6)
        elif p.status == "talking":
            return HangUp(team=p.by, proposal=p.id)
    proposed = {p.by for p in st.proposals.values()}
    for team in st.scenario.actor_ids:
        if team in proposed or rng.random() < 0.5:
            continue
        order = random_proposal(st, team, session.ruleset, rng)
        if order is not None:
            return Propose(team=team, order=order)
    return None


def random_proposal(state: State, team: str, ruleset: Ruleset, rng: random.Random) -> Order | None:
    """A random legal communications move for ``team`` (a call, a request, an offer), or
    None if the one drawn does not pass :func:`check_order`."""
    options = legal_moves(state, team, ruleset, "communications")
    if not options:
        return None
    lm = rng.choice(options)
    order = random_order(state, team, lm, rng)
    if check_order(state, team, order, ruleset, "communications", lm.choices) is not None:
        return None
    return order


def random_orders(state: State, team: str, ruleset: Ruleset, rng: random.Random) -> tuple[Order, ...]:
    """Up to four random legal sealed orders for ``team`` within its budget (often fewer:
    after each order there is a 30% chance to stop), never two for the same force."""
    left = state.left(team)
    orders: list[Order] = []
    forces: set[str] = set()
    legal = legal_moves(state, team, ruleset, "orders")  # the state does not change meanwhile
    for _ in range(4):
        options = [lm for lm in legal if lm.cost <= left]
        if not options:
            break
        lm = rng.choice(options)
        order = random_order(state, team, lm, rng)
        if order.force and order.force in forces:
            continue
        if check_order(state, team, order, ruleset, "orders", lm.choices) is not None:
            continue
        orders.append(order)
        if order.force:
            forces.add(order.force)
        left -= lm.cost
        if rng.random() < 0.3:
            break
    return tuple(orders)


def play_random_game(session: Session, rng: random.Random, *, withdraw: float = 0.0) -> int:
    """Play ``session`` to its end with random legal commands; returns the number of events."""
    n = 0
    for cmd in random_commands(session, rng, withdraw=withdraw):
        result = session.apply(cmd)
        if not result.accepted:  # pragma: no cover - a bug: random play only issues legal commands
            raise AssertionError(f"random play issued a refused command {cmd!r}: {result.reason}")
        n += len(result.events)
    return n
