"""Rows of the escalation and relations panels, built from a view; the console and the
replay viewer both show them."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from typing import Any

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Static

from detente.engine.views import View
from detente.tui.render.text import Names, own_value_lines

#: Colour of each ladder rung, from calm to war.
RUNG_STYLE = ["green"] * 3 + ["yellow"] * 2 + ["dark_orange"] * 2 + ["red"] * 2 + ["bold red"] * 2

#: Values a matrix colours green when high (the rest are red when high): a presentation hint
#: for the bundled ruleset's trust; any other value is coloured as a danger.
HIGH_IS_GOOD = ("trust",)


def _word(v: View, name: str) -> str:
    track = v.tracks.get(name)
    return track.label.lower() if track is not None else name


def ladder_columns(v: View) -> tuple[str, ...]:
    """The ladder's headers: the pair, the escalation value by its name, the pair's first figure
    (the bundled ruleset's force proximity, as "prox"), the rung."""
    figure = next((name for p in v.pairs for name in p.figures), "")
    return ("pair", _word(v, v.escalation) if v.escalation else "", figure[:4], "rung")


def ladder_rows(v: View, names: Names | None = None) -> list[list[Any]]:
    """One row per pair: its short names (the panel is narrow), its escalation value (tension),
    proximity, and the rung with its name, coloured."""
    n = names or Names.of_view(v)
    rows = []
    for p in v.pairs:
        level = v.escalation_of(p.a, p.b)
        figure = next(iter(p.figures.values()), None)
        prox = "" if figure is None else str(figure)
        if p.rung is None:
            rows.append([n.short_pair(p.a, p.b), "" if level is None else str(level), prox, Text("")])
            continue
        style = RUNG_STYLE[min(p.rung, len(RUNG_STYLE) - 1)]
        name = v.ladder[p.rung] if p.rung < len(v.ladder) else ""
        rows.append([n.short_pair(p.a, p.b), str(level), prox, Text(f"{p.rung} {name}", style=style)])
    return rows


def matrix_values(v: View) -> tuple[str, ...]:
    """What the relations matrix can show, in the order ``m`` steps through them: the
    escalation value, then each one-way value of whole numbers (trust, threat)."""
    directed = tuple(t.name for t in v.tracks.values() if t.scope == "directed" and t.type is int)
    return (*((v.escalation,) if v.escalation else ()), *directed)


def next_matrix_value(v: View, current: str) -> str:
    """The value after ``current`` in :func:`matrix_values` (the first if ``current`` is none)."""
    values = matrix_values(v)
    if not values:
        return ""
    if current not in values:
        return values[0]
    return values[(values.index(current) + 1) % len(values)]


def matrix_title(v: View, value: str) -> str:
    """The matrix's title line."""
    return f"Relations: {_word(v, value)} (m switches)"


def matrix_columns(v: View, names: Names | None = None) -> tuple[str, ...]:
    """The matrix's headers: each actor by its short name."""
    n = names or Names.of_view(v)
    return ("holder \\ about", *(n.short_name(a.id) for a in v.actors))


def matrix_rows(v: View, value: str, names: Names | None = None) -> list[list[Any]]:
    """Who holds what about whom (a pair value is the pair's, either way round); values the
    view does not hold (another team's outlook) show "–". Each row starts with its holder's
    short name. A value is coloured by where it sits in its range."""
    said = names or Names.of_view(v)
    ids = [a.id for a in v.actors]
    track = v.tracks.get(value)
    lo, hi = track.range if track is not None and track.range is not None else (0, 100)
    good_high = value in HIGH_IS_GOOD
    rows = []
    for a in ids:
        cells: list[Any] = [said.short_name(a)]
        for b in ids:
            if a == b:
                cells.append("·")
                continue
            n = v.value(value, a, b)
            if n is None:  # another team's outlook: not this view's to see
                cells.append(Text("–", style="dim"))
                continue
            share = (n - lo) / (hi - lo) if hi > lo else 0
            if good_high:
                style = "green" if share >= 0.6 else "yellow" if share >= 0.3 else "red"
            else:
                style = "red" if share >= 0.7 else "yellow" if share >= 0.4 else "green"
            cells.append(Text(str(n), style=style))
        rows.append(cells)
    return rows


def cohesion_text(v: View, names: Names | None = None) -> str:
    """Each alliance value the view holds (cohesion), by the alliance's name (give ``names``: a
    view alone does not name alliances); empty if none."""
    n = names or Names.of_view(v)
    lines = []
    for t in v.scoped("alliance"):
        shown = "  ".join(f"{n.actor_name(k)}: {c}" for k, c in v.table(t.name).items() if isinstance(k, str))
        lines.append(f"{t.label}  {shown}")
    return "\n".join(lines)


def values_text(v: View, names: Names | None = None) -> str:
    """The line under the matrix: each alliance value (:func:`cohesion_text`), then the
    scenario's own values the view holds, by title (:func:`own_value_lines`)."""
    return "\n".join(x for x in (cohesion_text(v, names), *own_value_lines(v, names)) if x)


class Panels:
    """Screen mixin: update a panel only when what it shows changed.

    A key press on the console or a step of the replay refreshes every panel; repainting an
    unchanged table, or laying the screen out again for an unchanged line, is most of what that
    would cost."""

    query_one: Any  # provided by the Screen this is mixed into
    names: Names
    """How the screen names things (set by the screen)."""
    matrix_value: str
    """The value the relations matrix shows now (set by the screen; ``m`` steps through them)."""

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

    def session_panels(self) -> Iterator[Widget]:
        """The ladder, the matrix and the alliances' and scenario's values, as the console and the
        replay show them (yield them inside the screen's left column)."""
        yield Static("Escalation", classes="panel-title")
        yield DataTable(id="ladder", cursor_type="none", zebra_stripes=True)
        yield Static("", id="matrix-title", classes="panel-title")
        yield DataTable(id="matrix", cursor_type="none")
        yield Static("", id="cohesion")

    def show_ladder(self, v: View) -> None:
        """The escalation ladder panel (``#ladder``)."""
        self.fill_table("#ladder", ladder_columns(v), ladder_rows(v, self.names))

    def show_matrix(self, v: View) -> None:
        """The relations matrix (``#matrix``, its title), the alliances' line and the scenario's
        own values (``#cohesion``)."""
        if not self.matrix_value:
            self.matrix_value = next_matrix_value(v, "")
        self.set_text("#matrix-title", Text(matrix_title(v, self.matrix_value)))
        rows = matrix_rows(v, self.matrix_value, self.names)
        self.fill_table("#matrix", matrix_columns(v, self.names), rows)
        self.set_text("#cohesion", Text(values_text(v, self.names)))


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

