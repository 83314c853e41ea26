"""Rows of the escalation and relations panels, built from a view; the console and the
replay viewer both show them."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from detente.engine.views import View
from detente.tui.render.text import Names

#: Colour of each ladder rung, from calm to war.
RUNG_STYLE = ["green"] * 3 + ["yellow"] * 2 + ["dark_orange"] * 2 + ["red"] * 2 + ["bold red"] * 2

MATRIX_VALUES = ("tension", "trust", "threat")

LADDER_COLUMNS = ("pair", "tension", "prox", "rung")


def ladder_rows(v: View, names: Names | None = None) -> list[list[Any]]:
    """One row per pair: its short names (the panel is narrow), tension, proximity, and the rung
    with its name, coloured."""
    n = names or Names.of_view(v)
    rows = []
    for p in v.pairs:
        style = RUNG_STYLE[min(p.rung, len(RUNG_STYLE) - 1)]
        name = v.ladder[p.rung] if p.rung < len(v.ladder) else ""
        rows.append([n.short_pair(p.a, p.b), str(p.tension), str(p.proximity),
                     Text(f"{p.rung} {name}", style=style)])
    return rows


def matrix_columns(v: View, names: Names | None = None) -> tuple[str, ...]:
    """The matrix's headers: each actor by its short name."""
    n = names or Names.of_view(v)
    return ("holder \\ about", *(n.short_name(a.id) for a in v.actors))


def matrix_rows(v: View, value: str, names: Names | None = None) -> list[list[Any]]:
    """Who holds what about whom (tension is the pair's); outlooks the view does not hold show "–".
    Each row starts with its holder's short name."""
    said = names or Names.of_view(v)
    ids = [a.id for a in v.actors]
    outlook = {(o.holder, o.other): o for o in v.outlooks}
    tension = {(p.a, p.b): p.tension for p in v.pairs}
    rows = []
    for a in ids:
        cells: list[Any] = [said.short_name(a)]
        for b in ids:
            if a == b:
                cells.append("·")
                continue
            if value == "tension":
                n = tension.get((a, b), tension.get((b, a), 0))
            elif (a, b) in outlook:
                n = getattr(outlook[(a, b)], value)
            else:  # another team's outlook: not this view's to see
                cells.append(Text("–", style="dim"))
                continue
            style = "red" if n >= 70 else "yellow" if n >= 40 else "green"
            if value == "trust":
                style = "green" if n >= 60 else "yellow" if n >= 30 else "red"
            cells.append(Text(str(n), style=style))
        rows.append(cells)
    return rows


def cohesion_text(v: View, names: Names | None = None) -> str:
    """Each alliance's cohesion, by the alliance's name (give ``names``: a view alone does not
    name alliances)."""
    n = names or Names.of_view(v)
    shown = "  ".join(f"{n.actor_name(k)}: {c}" for k, c in v.cohesion.items())
    return f"Cohesion  {shown}" if shown else ""


class Panels:
    """Screen mixin: update a panel only when what it shows changed.

    A key press on the console or a step of the replay refreshes every panel; repainting an
    unchanged table, or laying the screen out again for an unchanged line, is most of what that
    would cost."""

    query_one: Any  # provided by the Screen this is mixed into

    def _panel_cache(self) -> dict[str, Any]:
        cache: dict[str, Any] | None = self.__dict__.get("_panels_shown")
        if cache is None:
            cache = self.__dict__["_panels_shown"] = {}
        return cache

    def set_text(self, selector: str, text: Text) -> None:
        """Update a Static only if its text changed; lay out again only if its height did."""
        cache = self._panel_cache()
        old = cache.get(selector)
        if old is not None and old.plain == text.plain and old.spans == text.spans:
            return
        cache[selector] = text
        relayout = old is None or old.plain.count("\n") != text.plain.count("\n")
        self.query_one(selector, Static).update(text, layout=relayout)

    def fill_table(self, selector: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Put ``rows`` under ``columns`` in a DataTable, touching it only if something changed.

        Column widths are measured here and given to the table: left to measure them itself
        after the rows arrive, a DataTable can keep drawing the rows it cached at the
        headers' widths until something else makes it redraw."""
        cache = self._panel_cache()
        cells = [[c.markup if isinstance(c, Text) else str(c) for c in r] for r in rows]
        by_column = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
        widths = tuple(
            max([len(label), *(len(c.plain if isinstance(c, Text) else str(c)) for c in column)])
            for label, column in zip(columns, by_column, strict=True)
        )
        shown = (tuple(columns), widths, cells)
        if shown == cache.get(selector):
            return
        table = self.query_one(selector, DataTable)
        old = cache.get(selector)
        if old is None or old[:2] != shown[:2]:
            table.clear(columns=True)
            for label, width in zip(columns, widths, strict=True):
                table.add_column(label, width=width)
        else:
            table.clear()
        table.add_rows(rows)
        cache[selector] = shown


class SteadyFooter(Footer):
    """A footer that redraws its keys only when they changed.

    Textual's footer rebuilds every key each time the focus moves or a dialog opens and
    closes over its screen; on the console that rebuild cost more than the key press itself."""

    _shown: tuple[Any, ...] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        keys = tuple(
            (b.key, b.description, enabled, tooltip)
            for (_, b, enabled, tooltip) in screen.active_bindings.values()
            if b.show
        )
        if keys == self._shown and self.children:
            return
        self._shown = keys
        super().bindings_changed(screen)


def settle_heap() -> None:
    """Move everything alive now (the session, its events, the screens) out of the garbage
    collector's sight.

    A session of a thousand events is a large heap of long-lived objects; left in view, every
    full collection walks all of it, and one landing on a key press stalled the console for
    50 ms or more. They live as long as the session anyway; newer objects are collected as usual."""
    gc.collect()
    gc.freeze()


def release_heap() -> None:
    """Give what :func:`settle_heap` set aside back to the collector (the session was closed)."""
    gc.unfreeze()

