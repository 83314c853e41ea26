"""Small dialogs shared by the screens: confirm, choose, ask for text, help.

They know nothing of the engine, so the start screen can show them before the engine is
imported; the forms that build orders, injects and overrides are in :mod:`.forms`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option


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
            yield Static("↑↓ choose · Enter picks · Escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextModal(ModalScreen[str | None]):
    """Ask for one line of text (a note, a reason, a message)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, placeholder: str = "", value: str = "", password: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.password = password

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="text", password=self.password)
            yield Static("Enter to confirm, Escape to cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NotepadModal(ModalScreen[str | None]):
    """A team's private notepad: the notes written so far (the last few), and a line to add one."""

    BINDINGS = [Binding("escape", "cancel", "Close")]
    SHOWN = 8
    """How many of the latest notes fit above the line (80×24)."""

    def __init__(self, notes: list[str]) -> None:
        super().__init__()
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Your notepad — only your team reads it", classes="dialog-title")
            if self.notes:
                earlier = len(self.notes) - self.SHOWN
                lines = ([f"({earlier} earlier)"] if earlier > 0 else []) + [
                    f"• {n}" for n in self.notes[-self.SHOWN:]]
                yield Static("\n".join(lines), id="notes", markup=False)
            else:
                yield Static("No notes yet.", id="notes")
            yield Input(placeholder="a new note", id="text")
            yield Static("Enter to add, Escape to close", classes="hint")

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
    """The keys a screen binds and offers now, for its help: (key, description). A key the
    screen turns off for now (``check_action`` False) is left out."""
    out = []
    check = getattr(screen, "check_action", None)
    for b in getattr(screen, "BINDINGS", []):
        if not (isinstance(b, Binding) and b.description):
            continue
        if check is not None and check(b.action, ()) is False:
            continue
        out.append((b.key_display or b.key.replace("_", " "), b.tooltip or b.description))
    return out




class BriefingModal(ModalScreen[None]):
    """Briefings as one perspective has them, scrollable."""

    BINDINGS = [Binding("escape,b,q", "close", "Close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="briefing"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.text, markup=False)
            yield Static("Escape closes; arrows scroll", classes="hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["BriefingModal", "ChooseModal", "ConfirmModal", "HelpModal", "TextModal", "screen_keys"]
