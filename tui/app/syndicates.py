"""The syndicates of one workshop in one console: ``detente serve --syndicates N`` runs N
sessions of a scenario side by side, and the facilitator's console (in the host's terminal, or
joined with the lead facilitator's code) holds one client per syndicate. It shows one syndicate
at a time — the switcher picks which — with a summary strip of them all; the projector joined
with the cohort's code shows every syndicate's public view side by side.

Each syndicate's client is an ordinary :class:`~detente.tui.app.client.SessionClient` of its own
session: nothing here reads two syndicates into one view.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import attrs
from rich.text import Text

from detente.engine.commands import FACILITATOR
from detente.engine.views import View
from detente.tui.app.client import SessionClient
from detente.tui.app.panels import RUNG_STYLE
from detente.tui.render.text import Names


@attrs.frozen
class Syndicate:
    """One syndicate of the workshop."""

    name: str
    """How the syndicate is named on screen (``Syndicate 2``)."""
    client: SessionClient
    """Its session, as the facilitator (or the projector) sees it."""


class Syndicates:
    """Every syndicate of a workshop, and which one the console shows."""

    def __init__(self, members: Sequence[Syndicate]) -> None:
        if not members:
            raise ValueError("no syndicate")
        self.members = list(members)
        self.shown = 0
        """The index of the syndicate the console shows."""

    def __len__(self) -> int:
        return len(self.members)

    def __iter__(self) -> Iterator[Syndicate]:
        return iter(self.members)

    @property
    def client(self) -> SessionClient:
        """The shown syndicate's client."""
        return self.members[self.shown].client

    def name_of(self, client: SessionClient) -> str:
        """The name of the syndicate whose client this is (empty for none of them)."""
        return next((m.name for m in self.members if m.client is client), "")

    def heading(self, client: SessionClient) -> str:
        """``Syndicate 2 of 3``: which syndicate a screen shows, for its title."""
        for number, m in enumerate(self.members, 1):
            if m.client is client:
                return f"{m.name} of {len(self.members)}" if m.name.endswith(str(number)) else m.name
        return ""

    def ended(self, member: Syndicate) -> bool:
        return member.client.view(_role(member.client)).outcome is not None

    def all_ended(self) -> bool:
        """Whether every syndicate's session has ended."""
        return all(self.ended(m) for m in self.members)

    def log_paths(self) -> list[str] | None:
        """Every syndicate's log, when all are on this machine (None when they are on a host
        elsewhere)."""
        if not all(m.client.log_here for m in self.members):
            return None
        return [m.client.log_path for m in self.members]

    def notices(self) -> list[str]:
        """What each syndicate's host told the facilitator since last asked, each said with its
        syndicate's name."""
        out = []
        for m in self.members:
            out += [t if t.startswith(f"{m.name}:") else f"{m.name}: {t}" for t in m.client.notices()]
        return out

    def close(self) -> None:
        for m in self.members:
            m.client.close()


def _role(client: SessionClient) -> str:
    return client.joined or FACILITATOR


def still_to_act(client: SessionClient) -> tuple[str, ...]:
    """The teams the phase waits for that a person plays (a bot acts on its own)."""
    return tuple(t for t in client.waiting_for() if t not in client.bots)


def _short(names: Names, actor: str, width: int = 3) -> str:
    return names.short_name(actor)[:width]


def summary(syndicates: Syndicates, width: int = 80) -> Text:
    """The strip above the console: a header, then one line per syndicate — the shown one marked
    ``▶`` — with its turn, its phase, who a person must still act for, and the escalation rung of
    each pair (as many pairs as fit in ``width``, in the scenario's order, so the columns line
    up). An ended syndicate says how it ended instead of who is to act."""
    rows: list[tuple[str, str, str, str, View]] = []
    names = Names.of(syndicates.members[0].client.scenario)
    for i, m in enumerate(syndicates.members):
        v = m.client.view(_role(m.client))
        mark = "▶" if i == syndicates.shown else " "
        short = m.name.replace("Syndicate ", "S")
        if v.outcome is not None:
            rows.append((f"{mark} {short}", v.label, "ended", Names.outcome_name(v.outcome.result), v))
            continue
        waiting = still_to_act(m.client)
        who = ", ".join(names.short_name(t) for t in waiting) or "—"
        rows.append((f"{mark} {short}", v.label if v.turn else "Setup", v.phase, who, v))
    first = rows[0][4]
    pairs = [(p.a, p.b) for p in first.pairs]
    labels = [f"{_short(names, a)}–{_short(names, b)}" for a, b in pairs]
    w = [max(len(r[0]) for r in rows), max(len(r[1]) for r in rows), max(len(r[2]) for r in rows)]
    fixed = sum(w) + 3
    act = max(len("to act"), *(len(r[3]) for r in rows))
    # Pairs get what is left once "to act" has room for about two names; the rest is cut.
    column = max((len(x) for x in labels), default=0) + 1
    room = max(0, width - fixed - min(act, 18) - 1)
    shown = min(len(pairs), room // column) if column > 1 else 0
    act = max(6, min(act, width - fixed - shown * column - 1))
    cut = len(pairs) - shown

    def cell(text: str, size: int) -> str:
        return (text if len(text) <= size else text[: size - 1] + "…").ljust(size)

    header = Text(" ".join((cell("", w[0]), cell("turn", w[1]), cell("phase", w[2]), cell("to act", act))),
                  style="dim")
    for label in labels[:shown]:
        header.append(label.rjust(column), style="dim")
    if cut:
        header.append(f" +{cut}", style="dim")
    out = Text()
    out.append_text(header)
    for mark, label, phase, who, v in rows:
        line = Text("\n")
        style = "bold" if mark.startswith("▶") else ""
        line.append(cell(mark, w[0]) + " " + cell(label, w[1]) + " ", style=style)
        line.append(cell(phase, w[2]), style="reverse" if style and v.outcome is None else style)
        line.append(" " + cell(who, act), style="bold red" if v.outcome is not None else "")
        rungs = {(p.a, p.b): p.rung for p in v.pairs}
        for a, b in pairs[:shown]:
            rung = rungs.get((a, b))
            text = "?" if rung is None else str(rung)
            line.append(text.rjust(column),
                        style="" if rung is None else RUNG_STYLE[min(rung, len(RUNG_STYLE) - 1)])
        out.append_text(line)
    return out


__all__ = ["Syndicate", "Syndicates", "still_to_act", "summary"]
