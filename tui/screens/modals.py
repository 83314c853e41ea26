"""Small dialogs shared by the screens: confirm, choose, ask for text, help, forms."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import Option

from detente.engine.adjudicate import LegalMove
from detente.engine.scenario import VALUE_KINDS, Effect, Scenario
from detente.engine.state import Order


class ConfirmModal(ModalScreen[bool]):
    """Ask a yes/no question; Enter confirms, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("enter", "confirm", "Confirm", show=False)]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            if self.detail:
                yield Static(self.detail, classes="dialog-detail")
            with Horizontal(classes="buttons"):
                yield Button("Yes", variant="primary", id="yes")
                yield Button("No", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class ChooseModal(ModalScreen[str | None]):
    """Pick one of several options (returns its id), or Escape for none."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, options: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(text, id=key) for key, text in self.options], id="choices")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextModal(ModalScreen[str | None]):
    """Ask for one line of text (a note, a reason, a message)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="text")
            yield Static("Enter to confirm, Escape to cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpModal(ModalScreen[None]):
    """The keys of the screen underneath (F1)."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, title: str, keys: Iterable[tuple[str, str]], text: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.keys = list(keys)
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Label(f"Help — {self.title_text}", classes="dialog-title")
            if self.text:
                yield Static(self.text, classes="dialog-detail")
            lines = "\n".join(f"[b]{k:>10}[/b]  {what}" for k, what in self.keys)
            yield Static(lines, id="keys")
            yield Static("Escape or F1 closes this help", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


def screen_keys(screen: object) -> list[tuple[str, str]]:
    """The keys a screen binds, for its help: (key, description)."""
    out = []
    for b in getattr(screen, "BINDINGS", []):
        if isinstance(b, Binding) and b.description:
            out.append((b.key.replace("_", " "), b.description))
    return out


class OrderModal(ModalScreen[Order | None]):
    """Fill in a move's arguments from lists of valid choices only."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Submit")]

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
            yield Static("Enter in a field or ctrl+s submits; Escape cancels", classes="hint")
            yield Static("", id="problem", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Add", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.action_submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in any field submits the form (the buttons may be below a small terminal's edge)."""
        self.action_submit()

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
                self.query_one("#problem", Static).update(f"choose a {p.name} first")
                return
        self.dismiss(Order(move=self.lm.move.name, **args))  # type: ignore[arg-type]

    def action_cancel(self) -> None:
        self.dismiss(None)


class InjectModal(ModalScreen[tuple[str, str, tuple[str, ...], tuple[Effect, ...]] | None]):
    """An ad-hoc inject: title, text, addressees (none ticked: everyone) and one optional effect."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Submit")]

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
            yield Static("Enter in a field or ctrl+s submits; Escape cancels", classes="hint")
            yield Static("", id="problem", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Deliver", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.action_submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in any field submits the form (the buttons may be below a small terminal's edge)."""
        self.action_submit()

    def action_submit(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        if not title:
            self.query_one("#problem", Static).update("an inject needs a headline")
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
                self.query_one("#problem", Static).update(f"the effect needs a number to add, not {raw!r}")
                return
            if not isinstance(of, str):
                self.query_one("#problem", Static).update("say whose value the effect changes")
                return
            effects = (Effect(value=value, of=tuple(of.split(",")), add=amount),)
        self.dismiss((title, self.query_one("#text", Input).value.strip(), to, effects))

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "value" and isinstance(event.value, str):
            options = value_targets(self.scenario, event.value)
            self.query_one("#of", Select).set_options([(label, ",".join(ids)) for label, ids in options])

    def action_cancel(self) -> None:
        self.dismiss(None)


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


class OverrideModal(ModalScreen[tuple[str, tuple[str, ...], object, str] | None]):
    """Set a tracked value, with a reason that goes into the log and the report."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Submit")]

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
            yield Static("Enter in a field or ctrl+s submits; Escape cancels", classes="hint")
            yield Static("", id="problem", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Set", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "value" and isinstance(event.value, str):
            options = value_targets(self.scenario, event.value)
            self.query_one("#of", Select).set_options([(label, ",".join(ids)) for label, ids in options])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.action_submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in any field submits the form (the buttons may be below a small terminal's edge)."""
        self.action_submit()

    def action_submit(self) -> None:
        problem = self.query_one("#problem", Static)
        value = self.query_one("#value", Select).value
        of = self.query_one("#of", Select).value
        raw = self.query_one("#to", Input).value.strip()
        reason = self.query_one("#reason", Input).value.strip()
        if not isinstance(value, str) or not isinstance(of, str):
            problem.update("choose the value and whose it is")
            return
        to: object
        if raw.lower() in ("true", "false"):
            to = raw.lower() == "true"
        else:
            try:
                to = float(raw) if "." in raw else int(raw)
            except ValueError:
                problem.update(f"{raw!r} is not a number (or true/false)")
                return
        if not reason:
            problem.update("give a reason: it goes into the log and the report")
            return
        self.dismiss((value, tuple(of.split(",")), to, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = [
    "ChooseModal",
    "ConfirmModal",
    "HelpModal",
    "InjectModal",
    "OrderModal",
    "OverrideModal",
    "TextModal",
    "screen_keys",
]
