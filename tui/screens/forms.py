"""Forms that build engine things: an order from a move's valid choices, an ad-hoc inject,
a facilitator override. Enter in any field or ctrl+s submits; Escape cancels."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from detente.engine.adjudicate import LegalMove
from detente.engine.scenario import VALUE_KINDS, Effect, Scenario
from detente.engine.state import Order

T = TypeVar("T")


class FormModal(ModalScreen[T]):
    """A form: its fields, a problem line, a submit and a cancel button.

    Subclasses compose their fields, end with :meth:`form_end` and implement
    ``action_submit``, which calls :meth:`problem` and returns when a field is wrong."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Submit")]

    scenario: Scenario

    def form_end(self, submit: str) -> Iterator[Widget]:
        yield Static("Enter in a field or ctrl+s submits; Escape cancels", classes="hint")
        yield Static("", id="problem", classes="error")
        with Horizontal(classes="buttons"):
            yield Button(submit, variant="primary", id="ok")
            yield Button("Cancel", id="cancel")

    def problem(self, text: str) -> None:
        """Say what is wrong; the form stays open."""
        self.query_one("#problem", Static).update(text)

    def action_submit(self) -> None:
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)  # type: ignore[arg-type]
        else:
            self.action_submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in any field submits the form (the buttons may be below a small terminal's edge)."""
        self.action_submit()

    def on_select_changed(self, event: Select.Changed) -> None:
        # Forms with a "value" select offer, in "of", whose value it can be.
        if event.select.id == "value" and isinstance(event.value, str):
            options = value_targets(self.scenario, event.value)
            self.query_one("#of", Select).set_options([(label, ",".join(ids)) for label, ids in options])

    def action_cancel(self) -> None:
        self.dismiss(None)  # type: ignore[arg-type]


class OrderModal(FormModal[Order | None]):
    """Fill in a move's arguments from lists of valid choices only."""

    def __init__(self, lm: LegalMove, labels: dict[str, str]) -> None:
        super().__init__()
        self.lm = lm
        self.labels = labels

    def compose(self) -> ComposeResult:
        mt = self.lm.move
        with VerticalScroll(classes="dialog"):
            yield Label(f"{mt.name} — costs {self.lm.cost}", classes="dialog-title")
            yield Static(mt.description, classes="dialog-detail")
            for p in mt.params:
                yield Label(f"{p.name}: {p.doc}" + (" (optional)" if p.optional else ""))
                if p.name == "text":
                    yield Input(placeholder="words (optional)" if p.optional else "words", id="p-text")
                elif p.name == "targets":
                    choices = self.lm.choices.get("targets", ())
                    yield SelectionList[str](*[(self.labels.get(c, c), c) for c in choices], id="p-targets")
                else:
                    choices = self.lm.choices.get(p.name, ())
                    yield Select(
                        [(self.labels.get(c, c), c) for c in choices],
                        prompt=f"choose a {p.name}",
                        allow_blank=True,
                        id=f"p-{p.name}",
                    )
            yield from self.form_end("Add")

    def action_submit(self) -> None:
        args: dict[str, object] = {}
        for p in self.lm.move.params:
            if p.name == "text":
                args["text"] = self.query_one("#p-text", Input).value.strip()
            elif p.name == "targets":
                args["targets"] = tuple(self.query_one("#p-targets", SelectionList).selected)
            else:
                value = self.query_one(f"#p-{p.name}", Select).value
                args[p.name] = "" if value is Select.BLANK or value is None else str(value)
            if not p.optional and not args.get(p.name):
                self.problem(f"choose a {p.name} first")
                return
        self.dismiss(Order(move=self.lm.move.name, **args))  # type: ignore[arg-type]


class InjectModal(FormModal[tuple[str, str, tuple[str, ...], tuple[Effect, ...]] | None]):
    """An ad-hoc inject: title, text, addressees (none ticked: everyone) and one optional effect."""

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label("Ad-hoc inject", classes="dialog-title")
            yield Input(placeholder="headline", id="title")
            yield Input(placeholder="the message", id="text")
            yield Label("Addressed to (none ticked: everyone)")
            yield SelectionList[str](*[(a.name, a.id) for a in self.scenario.actors], id="to")
            yield Label("Effect (optional): a value, whose, and how much to add")
            yield Select([(v, v) for v in _numeric_values(self.scenario)], prompt="no effect", id="value")
            yield Select([], prompt="of whom", id="of")
            yield Input(placeholder="amount to add, e.g. 10 or -0.2", id="add")
            yield from self.form_end("Deliver")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def action_submit(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        if not title:
            self.problem("an inject needs a headline")
            return
        to = tuple(self.query_one("#to", SelectionList).selected)
        effects: tuple[Effect, ...] = ()
        value = self.query_one("#value", Select).value
        if isinstance(value, str):
            of = self.query_one("#of", Select).value
            raw = self.query_one("#add", Input).value.strip()
            try:
                amount = float(raw)
            except ValueError:
                self.problem(f"the effect needs a number to add, not {raw!r}")
                return
            if not isinstance(of, str):
                self.problem("say whose value the effect changes")
                return
            effects = (Effect(value=value, of=tuple(of.split(",")), add=amount),)
        self.dismiss((title, self.query_one("#text", Input).value.strip(), to, effects))


def _numeric_values(scenario: Scenario) -> list[str]:
    return [
        v
        for v, kind in VALUE_KINDS.items()
        if v not in ("hotline", "agreement") and (kind != "alliance" or scenario.alliances)
    ]


def value_targets(scenario: Scenario, value: str) -> list[tuple[str, tuple[str, ...]]]:
    """Every (label, ids) a value can be set for: pairs, directed pairs, actors or alliances."""
    kind = VALUE_KINDS[value]
    ids = scenario.actor_ids
    name = {a.id: a.name for a in scenario.actors}
    if kind == "pair":
        return [(f"{name[a]} – {name[b]}", (a, b)) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    if kind == "directed":
        return [(f"{name[a]} about {name[b]}", (a, b)) for a in ids for b in ids if a != b]
    if kind == "actor":
        return [(name[a], (a,)) for a in ids]
    return [(al.name, (al.id,)) for al in scenario.alliances]


class OverrideModal(FormModal[tuple[str, tuple[str, ...], object, str] | None]):
    """Set a tracked value, with a reason that goes into the log and the report."""

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        values = [v for v in VALUE_KINDS if VALUE_KINDS[v] != "alliance" or self.scenario.alliances]
        with VerticalScroll(classes="dialog"):
            yield Label("Adjust a value (facilitator override)", classes="dialog-title")
            yield Select([(v, v) for v in values], prompt="which value", id="value")
            yield Select([], prompt="of whom", id="of")
            yield Input(placeholder="new value (a number, or true/false)", id="to")
            yield Input(placeholder="reason (required, logged)", id="reason")
            yield from self.form_end("Set")

    def action_submit(self) -> None:
        value = self.query_one("#value", Select).value
        of = self.query_one("#of", Select).value
        raw = self.query_one("#to", Input).value.strip()
        reason = self.query_one("#reason", Input).value.strip()
        if not isinstance(value, str) or not isinstance(of, str):
            self.problem("choose the value and whose it is")
            return
        to: object
        if raw.lower() in ("true", "false"):
            to = raw.lower() == "true"
        else:
            try:
                to = float(raw) if "." in raw else int(raw)
            except ValueError:
                self.problem(f"{raw!r} is not a number (or true/false)")
                return
        if not reason:
            self.problem("give a reason: it goes into the log and the report")
            return
        self.dismiss((value, tuple(of.split(",")), to, reason))


__all__ = ["FormModal", "InjectModal", "OrderModal", "OverrideModal", "value_targets"]
