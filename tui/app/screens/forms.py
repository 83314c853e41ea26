"""Forms that build engine things: an order from a move's valid choices, an ad-hoc inject,
a facilitator override. Enter in any field or ctrl+s submits; Escape cancels."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from detente.engine.adjudicate import LegalMove
from detente.engine.scenario import Effect, Force, Scenario
from detente.engine.state import Order
from detente.engine.tracks import Track
from detente.tui.render.text import Names

T = TypeVar("T")


class FormModal(ModalScreen[T]):
    """A form: its fields, a problem line, a submit and a cancel button.

    Subclasses compose their fields, end with :meth:`form_end` and implement
    ``action_submit``, which calls :meth:`problem` and returns when a field is wrong."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close the form; nothing is sent"),
        Binding("ctrl+s", "submit", "Submit", tooltip="Submit the form (the submit button does the same)"),
        Binding("f1", "help", "Help", tooltip="The keys of this form"),
    ]

    scenario: Scenario

    def on_mount(self) -> None:
        # The first field has the keyboard, so typing or Enter acts on the form at once.
        # (The scrolling dialog itself takes the focus by default, which helps nobody.)
        fields = self.fields()
        if fields and self.focused not in fields:
            fields[0].focus()

    def fields(self) -> list[Widget]:
        """The form's fields, top to bottom (not its buttons)."""
        return [w for w in self.query("Input, Select, SelectionList") if w.focusable]

    def form_end(self, submit: str) -> Iterator[Widget]:
        yield Static(
            "Enter in a field submits (a list: Enter picks and moves on) · ctrl+s submits · "
            "Escape cancels · F1 keys",
            classes="hint",
        )
        yield Static("", id="problem", classes="error")
        with Horizontal(classes="buttons"):
            yield Button(submit, variant="primary", id="ok")
            yield Button("Cancel", id="cancel")

    def problem(self, text: str, field: Widget | None = None) -> None:
        """Say what is wrong; the form stays open, with ``field`` (the one to fix) focused.

        The words also pop up at the top of the screen: on a small terminal the problem
        line may be scrolled out of sight."""
        self.query_one("#problem", Static).update(text)
        self.notify(text, title="Not yet", severity="warning")
        if field is not None:
            field.focus()

    def action_submit(self) -> None:
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.action_submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in any field submits the form (the buttons may be below a small terminal's edge)."""
        self.action_submit()

    def on_select_changed(self, event: Select.Changed) -> None:
        # A choice made with the keyboard moves on to the next field; after the last
        # field, to the submit button, so Enter again submits.
        if isinstance(event.value, str) and self.focused is event.select:
            self.next_field(event.select)
        # Forms with a "value" select offer, in "of", whose value it can be.
        if event.select.id == "value" and isinstance(event.value, str):
            options = value_targets(self.scenario, event.value)
            self.query_one("#of", Select).set_options([(label, ",".join(ids)) for label, ids in options])

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        from detente.tui.app.screens.modals import HelpModal, screen_keys

        keys = [
            *screen_keys(self),
            ("tab", "The next field (shift+tab: the one before)"),
            ("enter", "In a list: open it, pick, move on; in a text field or on the button: submit"),
        ]
        self.app.push_screen(HelpModal("form", keys, "Fields marked required must be filled in first."))

    def next_field(self, field: Widget) -> None:
        """Move the keyboard from ``field`` to the next field, or to the submit button."""
        fields = self.fields()
        later = fields[fields.index(field) + 1 :] if field in fields else []
        (later[0] if later else self.query_one("#ok", Button)).focus()


if TYPE_CHECKING:
    _Screen = ModalScreen[Any]  # what the mixin is mixed into, for the type checker
else:
    _Screen = object


class _ButtonsInSight(_Screen):
    """For the facilitator's forms: the fields scroll, the hint, the problem line and the
    buttons stay in sight at any terminal size (80x24 too). Compose the fields inside
    ``VerticalScroll(classes="form-fields")`` within ``Vertical(classes="dialog form")``."""

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_fields)

    def _fit_fields(self) -> None:
        dialog = self.query_one(".form")
        fields = self.query_one(".form-fields")
        others = sum(w.outer_size.height for w in dialog.children if w is not fields)
        room = max(3, int(self.size.height * 0.9) - dialog.styles.gutter.height - others)
        # max_height is a Scalar (never equal to an int): compare its cells.
        if fields.styles.max_height is None or fields.styles.max_height.cells != room:
            fields.styles.max_height = room


def _words(doc: str) -> str:
    """A field's name in words, from its description: "the activity: deploy or exercise" →
    "the activity"."""
    return doc.split(":")[0].split(" (")[0].strip()


class OrderModal(_ButtonsInSight, FormModal[Order | None]):
    """Fill in a move's arguments from lists of valid choices only."""

    def __init__(
        self, lm: LegalMove, labels: dict[str, str], forces: Mapping[str, Force] | None = None
    ) -> None:
        super().__init__()
        self.lm = lm
        self.labels = labels
        self.forces: Mapping[str, Force] = forces or {}
        """The scenario's forces by id: once a force is chosen, the region list offers only the
        regions it may enter (``[[forces]] regions``)."""

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        mt = self.lm.move
        with Vertical(classes="dialog form"):
            with VerticalScroll(classes="form-fields"):
                yield Label(f"{mt.title or mt.name} — costs {self.lm.cost}", classes="dialog-title")
                yield Static(mt.description, classes="dialog-detail")
                yield from self._params()
            yield from self.form_end("Add")

    def _params(self) -> Iterator[Widget]:
        for p in self.lm.move.params:
            yield Label(p.doc[:1].upper() + p.doc[1:] + (" (optional)" if p.optional else " (required)"))
            if p.name == "text":
                yield Input(placeholder="words (optional)" if p.optional else "words", id="p-text")
            elif p.name == "targets":
                choices = self.lm.choices.get("targets", ())
                yield SelectionList[str](*[(self.labels.get(c, c), c) for c in choices], id="p-targets")
            else:
                choices = self.lm.choices.get(p.name, ())
                yield Select(
                    [(self.labels.get(c, c), c) for c in choices],
                    prompt=f"choose {_words(p.doc)}",
                    allow_blank=True,
                    id=f"p-{p.name}",
                )

    def _region_options(self, force: str) -> list[tuple[str, str]]:
        regions = self.lm.choices.get("region", ())
        f = self.forces.get(force)
        if f is not None:
            regions = tuple(r for r in regions if f.may_enter(r))
        return [(self.labels.get(r, r), r) for r in regions]

    def on_select_changed(self, event: Select.Changed) -> None:
        """A force chosen: offer only the regions it may enter (a chosen region it may not
        enter is cleared, so the form never sends an order the rules refuse)."""
        if event.select.id != "p-force" or not self.query("#p-region"):
            return
        force = event.value if isinstance(event.value, str) else ""
        region = self.query_one("#p-region", Select)
        kept = region.value
        options = self._region_options(force)
        region.set_options(options)
        if isinstance(kept, str) and any(r == kept for _, r in options):
            region.value = kept

    def action_submit(self) -> None:
        args: dict[str, str] = {}
        targets: tuple[str, ...] = ()
        for p in self.lm.move.params:
            field = self.query_one(f"#p-{p.name}")
            if p.name == "text":
                args["text"] = self.query_one("#p-text", Input).value.strip()
            elif p.name == "targets":
                targets = tuple(self.query_one("#p-targets", SelectionList[str]).selected)
            else:
                # An empty Select holds Select.NULL, not a string: never let it become an argument.
                value = self.query_one(f"#p-{p.name}", Select).value
                args[p.name] = value if isinstance(value, str) else ""
            if not p.optional and not (targets if p.name == "targets" else args.get(p.name)):
                self.problem(f"Nothing chosen for “{p.doc}”: choose {_words(p.doc)} first.", field)
                return
        self.dismiss(Order(
            move=self.lm.move.name, target=args.get("target", ""), targets=targets,
            region=args.get("region", ""), force=args.get("force", ""), choice=args.get("choice", ""),
            text=args.get("text", ""),
        ))


class InjectModal(_ButtonsInSight, FormModal[tuple[str, str, tuple[str, ...], tuple[Effect, ...]] | None]):
    """An ad-hoc inject: title, text, addressees (none ticked: everyone) and one optional effect."""

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario
        self.names = Names.of(scenario)

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical(classes="dialog form"):
            with VerticalScroll(classes="form-fields"):
                yield Label("Ad-hoc inject", classes="dialog-title")
                yield Input(placeholder="headline", id="title")
                yield Input(placeholder="the message", id="text")
                yield Label("Addressed to (none ticked: everyone)")
                yield SelectionList[str](*[(a.name, a.id) for a in self.scenario.actors], id="to")
                yield Label("Effect (optional): a value, whose, and how much to add")
                yield Select([(self.names.value_name(v), v) for v in _numeric_values(self.scenario)],
                             prompt="no effect", id="value")
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
            effects = (Effect(value=value, of=_ids(of), add=amount),)
        self.dismiss((title, self.query_one("#text", Input).value.strip(), to, effects))


WHOLE_EXERCISE = "the whole exercise"
"""Whose a global value is, in the "of whom" list (it takes no ids)."""


def _ids(of: str) -> tuple[str, ...]:
    """The ids an "of whom" choice stands for (joined with commas; none for a global value)."""
    return tuple(x for x in of.split(",") if x)


def settable_values(scenario: Scenario) -> dict[str, Track]:
    """The values an effect or an override may change, by the declarations of the scenario's
    ruleset (and the budget) and the scenario's own; alliance values only if the scenario has
    alliances."""
    from detente.engine.checks import settable
    from detente.engine.ruleset import find_ruleset

    return {v: t for v, t in settable(find_ruleset(scenario.rules.name), scenario.own_tracks).items()
            if t.scope != "alliance" or scenario.alliances}


def _numeric_values(scenario: Scenario) -> list[str]:
    return [v for v, t in settable_values(scenario).items() if t.type is not bool]


def value_targets(scenario: Scenario, value: str) -> list[tuple[str, tuple[str, ...]]]:
    """Every (label, ids) a value can be set for: pairs, directed pairs, actors or alliances; the
    whole exercise (no ids) for a global value."""
    kind = settable_values(scenario)[value].scope
    ids = scenario.actor_ids
    name = {a.id: a.name for a in scenario.actors}
    if kind == "global":
        return [(WHOLE_EXERCISE, ())]
    if kind == "pair":
        return [(f"{name[a]} – {name[b]}", (a, b)) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    if kind == "directed":
        return [(f"{name[a]} about {name[b]}", (a, b)) for a in ids for b in ids if a != b]
    if kind == "actor":
        return [(name[a], (a,)) for a in ids]
    return [(al.name, (al.id,)) for al in scenario.alliances]


class OverrideModal(_ButtonsInSight, FormModal[tuple[str, tuple[str, ...], object, str, str] | None]):
    """Set a tracked value, with the facilitator's reason (the log and the facilitator's report
    only) and, optionally, a separate text that the teams who see the value read as its cause."""

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario
        self.names = Names.of(scenario)

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        values = list(settable_values(self.scenario))
        with Vertical(classes="dialog form"):
            with VerticalScroll(classes="form-fields"):
                yield Label("Adjust a value (facilitator override)", classes="dialog-title")
                yield Select([(self.names.value_name(v), v) for v in values], prompt="which value",
                             id="value")
                yield Select([], prompt="of whom", id="of")
                yield Input(placeholder="new value (a number, or true/false)", id="to")
                yield Label("Reason — the facilitator's alone: teams never read it")
                yield Input(placeholder="why (required)", id="reason")
                yield Label("What teams read (empty: “facilitator adjustment”)")
                yield Input(placeholder="public text (optional)", id="public")
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
            self.problem("Nothing written for “reason”: say why (only the facilitator reads it).",
                         self.query_one("#reason", Input))
            return
        public = self.query_one("#public", Input).value.strip()
        self.dismiss((value, _ids(of), to, reason, public))


ButtonsInSight = _ButtonsInSight
"""For other modules' facilitator forms (the argued actions' forms)."""

__all__ = ["ButtonsInSight", "FormModal", "InjectModal", "OrderModal", "OverrideModal", "value_targets"]
