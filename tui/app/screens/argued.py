"""Argued actions on screen: a team argues and counters; the facilitator asks for counter-arguments,
sets the odds and narrates (:mod:`detente.engine.argued` says how they work).

Everything goes through the client (:class:`~detente.tui.app.client.SessionClient`), so it works
the same hot-seat and over the network. The team screen mixes in :class:`ArguingTeam` (the ``g``
and ``o`` keys, the "Argued actions" part of its left panel); the console opens
:class:`ArgumentsScreen` with ``a``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, SelectionList, Static

from detente.engine.argued import (
    JUDGED,
    MAX_ACTION,
    MAX_ARGUMENTS,
    MAX_NARRATIVE,
    NARRATED,
    ODDS,
    OPEN,
    PHASES,
    ArgumentView,
    could_change,
    odds_words,
)
from detente.engine.commands import Argue, AskCounters, Command, Counter, Judge, Narrate
from detente.engine.scenario import Effect, Scenario
from detente.engine.tracks import BUDGET
from detente.engine.views import View
from detente.tui.app.client import FACILITATOR, SessionClient
from detente.tui.app.panels import Panels, SteadyFooter
from detente.tui.app.screens.forms import ButtonsInSight, FormModal, settable_values, value_targets
from detente.tui.app.screens.modals import ChooseModal, HelpModal, TextModal, screen_keys
from detente.tui.render.text import Names

#: Effects the narrative form offers at once (more: narrate, then override).
EFFECT_ROWS = 3


def state_words(a: ArgumentView) -> str:
    """Where an argued action stands, in words: waiting for the odds, open for counter-arguments,
    succeeded or failed (and whether the facilitator has said what came of it), closed."""
    if a.status == OPEN:
        return "open for counter-arguments" if a.asked else "waiting for the facilitator's odds"
    verdict = ("succeeded" if a.success else "failed") if a.success is not None else "closed without a roll"
    rolled = f": rolled {a.roll} against {odds_words(a.odds)}" if a.odds is not None else ""
    if a.status == JUDGED:
        return f"{verdict}{rolled} — waiting for the facilitator's narrative"
    return verdict + rolled


def argument_text(a: ArgumentView, names: Names, role: str) -> Text:
    """An argued action in full, as ``role`` may read it (the view already holds only that)."""
    n = names.actor_name
    t = Text()
    t.append(f"{n(a.by)}, {names.turn_name(a.turn)}: ", style="bold")
    t.append(f"“{a.action}”\n", style="bold")
    if a.targets:
        t.append(f"Aimed at {names.actors_names(a.targets)}\n")
    if a.arguments:
        t.append("Arguments: ", style="bold")
        t.append(a.arguments + "\n")
    if a.asked:
        t.append(f"Counter-arguments asked of {names.actors_names(a.asked)}\n", style="bold")
    for by, text in a.counters:
        t.append(f"  {n(by)}: ", style="bold")
        t.append(text + "\n")
    if role == FACILITATOR:
        waiting = [x for x in a.asked if x not in {by for by, _ in a.counters}]
        if waiting and a.status == OPEN:
            t.append(f"  no counter yet from {names.actors_names(waiting)}\n", style="dim")
    t.append("State: ", style="bold")
    t.append(state_words(a) + "\n")
    if a.status == NARRATED:
        told = " (announced to every team)" if a.public else ""
        t.append(f"What came of it{told}: ", style="bold")
        t.append(a.narrative + "\n")
    return t


# -- the team's side -------------------------------------------------------------------------------


class ArgueModal(ButtonsInSight, FormModal[tuple[str, str, tuple[str, ...]] | None]):
    """Argue for an action: what the team does (a line), why it should work, and whom it is aimed at."""

    def __init__(self, scenario: Scenario, team: str, cost: int) -> None:
        super().__init__()
        self.scenario = scenario
        self.team = team
        self.cost = cost

    def compose(self) -> ComposeResult:
        others = [(a.name, a.id) for a in self.scenario.actors if a.id != self.team]
        with Vertical(classes="dialog form"):
            with VerticalScroll(classes="form-fields"):
                yield Label(f"Argue for an action — costs {self.cost}", classes="dialog-title")
                yield Static("Anything no move covers: say what your team does and why it should work. "
                             "The facilitator may ask others to argue against it, sets the odds, and "
                             "a die decides. One a turn.", classes="dialog-detail")
                yield Label(f"The action, in a line (required, at most {MAX_ACTION} characters)")
                yield Input(placeholder="what your team does", id="action", max_length=MAX_ACTION)
                yield Label(f"Your arguments (required, at most {MAX_ARGUMENTS} characters)")
                yield Input(placeholder="why it should work: your reasons", id="arguments",
                            max_length=MAX_ARGUMENTS)
                yield Label("Aimed at (optional)")
                yield SelectionList[str](*others, id="targets")
            yield from self.form_end("Argue")

    def action_submit(self) -> None:
        action = self.query_one("#action", Input)
        arguments = self.query_one("#arguments", Input)
        if not action.value.strip():
            self.problem("Nothing written for “the action”: say what your team does.", action)
            return
        if not arguments.value.strip():
            self.problem("Nothing written for “arguments”: say why it should work.", arguments)
            return
        targets = tuple(self.query_one("#targets", SelectionList).selected)
        self.dismiss((action.value.strip(), arguments.value.strip(), targets))


class CounterModal(ButtonsInSight, FormModal[str | None]):
    """Argue against another team's argued action, as the facilitator asked."""

    def __init__(self, scenario: Scenario, argument: ArgumentView, team: str) -> None:
        super().__init__()
        self.scenario = scenario
        self.argument = argument
        self.team = team

    def compose(self) -> ComposeResult:
        names = Names.of(self.scenario)
        with Vertical(classes="dialog form"):
            with VerticalScroll(classes="form-fields"):
                yield Label(f"Argue against {names.actor_name(self.argument.by)}'s action",
                            classes="dialog-title")
                yield Static(argument_text(self.argument, names, self.team), classes="dialog-detail")
                yield Label(f"Why it should fail, or how (at most {MAX_ARGUMENTS} characters; only the "
                            "facilitator reads it)")
                yield Input(placeholder="your counter-argument", id="counter", max_length=MAX_ARGUMENTS)
            yield from self.form_end("Send")

    def action_submit(self) -> None:
        field = self.query_one("#counter", Input)
        if not field.value.strip():
            self.problem("Nothing written: say why it should fail.", field)
            return
        self.dismiss(field.value.strip())


if TYPE_CHECKING:
    _Screen = Screen[Any]  # what the mixin is mixed into, for the type checker
else:
    _Screen = object


class ArguingTeam(_Screen):
    """The team screen's argued actions (mixed into
    :class:`~detente.tui.app.screens.team.TeamScreen`): ``g`` argues, ``o`` answers a request for
    a counter-argument, and the left panel says where the team's argued actions stand."""

    client: SessionClient
    team: str
    _send: Callable[[Command], bool]

    #: The keys, for the screen's BINDINGS.
    BINDINGS_ARGUED = (
        Binding("g", "argue", "Argue", tooltip="Argue for an action no move covers: the facilitator "
                "sets the odds and a die decides (one a turn; costs like a move)"),
        # Not in the footer (it has no room left at 80 columns): the notice, the left panel and
        # F1 name it when the facilitator asks.
        Binding("o", "counter", "Counter", show=False, tooltip="Argue against another team's action, "
                "as the facilitator asked"),
    )

    _argued_seen: dict[str, str] | None = None
    """Each of the team's argued actions and its status when the screen was last drawn (None
    before the first drawing, which tells nothing new)."""

    def argued_news(self, v: View) -> None:
        """Tell the team when the facilitator has set the odds of its argued action or said what
        came of it (over the network this happens while the team looks at its screen)."""
        now = {a.id: a.status for a in v.arguments if a.by == self.team}
        seen, self._argued_seen = self._argued_seen, now
        if seen is None:
            return
        for a in v.arguments:
            if a.by != self.team or seen.get(a.id) == a.status:
                continue
            if a.status == JUDGED:
                self.notify(f"“{_clip(a.action, 40)}”: {state_words(a)}.", title="Argued action")
            elif a.status == NARRATED:
                self.notify(f"“{_clip(a.action, 40)}” {state_words(a)}: {a.narrative}", title="Argued action",
                            timeout=15)

    def may_argue(self, v: View) -> bool:
        """Whether the team may argue an action now (the phase, and none argued this turn)."""
        return (v.phase in PHASES and v.outcome is None
                and not any(a.by == self.team and a.turn == v.turn for a in v.arguments))

    def to_counter(self, v: View) -> list[ArgumentView]:
        """The argued actions the facilitator asked this team to counter, not yet countered."""
        return [a for a in v.arguments if self.team in a.asked and a.status == OPEN
                and not any(by == self.team for by, _ in a.counters)]

    def argued_text(self, v: View, names: Names) -> Text:
        """The left panel's "Argued actions": the team's own, and those it was asked to counter."""
        t = Text()
        if not v.arguments:
            return t
        t.append("Argued actions" + (" (o: counter)" if self.to_counter(v) else "") + "\n",
                 style="bold underline")
        for a in v.arguments:
            mine = a.by == self.team
            if mine and a.status == NARRATED and a.turn < v.turn:
                continue  # closed in an earlier turn: the debrief and the report keep it
            if not mine and a.status == NARRATED:
                t.append(f"{names.actor_name(a.by)}'s “{a.action}”: {state_words(a)}. {a.narrative}\n")
                continue
            if not mine:
                asked = " — you are asked for a counter-argument (o)" if a in self.to_counter(v) else ""
                t.append(f"{names.actor_name(a.by)} argues “{a.action}”{asked}\n", style="bold")
                continue
            t.append(f"Yours: “{a.action}”\n", style="bold")
            t.append(f"{state_words(a)}\n")
            if a.status == NARRATED:
                t.append(f"{a.narrative}\n")
        return t.append("\n")

    @work
    async def action_argue(self) -> None:
        v = self.client.view(self.team)
        if not self.may_argue(v):
            self.notify("You have argued an action this turn already, or this is not the time "
                        "(communications or orders).", severity="warning")
            return
        me = next(a for a in v.actors if a.id == self.team)
        left = (v.value(BUDGET.name, self.team) or 0) - (me.spent or 0)
        if v.argue_cost > left:
            self.notify(f"An argued action costs {v.argue_cost}; you have {left} left this turn.",
                        title="Cannot afford it now", severity="warning")
            return
        got = await self.app.push_screen_wait(ArgueModal(self.client.scenario, self.team, v.argue_cost))
        if got is not None and self._send(Argue(self.team, *got)):
            self.notify("Argued. The facilitator sets the odds; you will see the result here.")

    @work
    async def action_counter(self) -> None:
        v = self.client.view(self.team)
        waiting = self.to_counter(v)
        if not waiting:
            self.notify("No one asked you for a counter-argument.", severity="warning")
            return
        chosen: ArgumentView | None = waiting[0]
        if len(waiting) > 1:
            names = Names.of(self.client.scenario)
            key = await self.app.push_screen_wait(ChooseModal(
                "Argue against which action?",
                [(a.id, f"{names.actor_name(a.by)}: “{a.action}”") for a in waiting]))
            chosen = next((a for a in waiting if a.id == key), None)
        if chosen is None:
            return
        text = await self.app.push_screen_wait(CounterModal(self.client.scenario, chosen, self.team))
        if text and self._send(Counter(self.team, chosen.id, text)):
            self.notify("Sent to the facilitator.")


# -- the facilitator's side --------------------------------------------------------------------------


class AskCountersModal(ButtonsInSight, FormModal[tuple[str, ...] | None]):
    """Which teams to ask for counter-arguments (those the action is aimed at are ticked)."""

    def __init__(self, scenario: Scenario, argument: ArgumentView) -> None:
        super().__init__()
        self.scenario = scenario
        self.argument = argument

    def compose(self) -> ComposeResult:
        a = self.argument
        others = [(x.name, x.id, x.id in a.targets) for x in self.scenario.actors
                  if x.id != a.by and x.id not in a.asked]
        with Vertical(classes="dialog form"):
            with VerticalScroll(classes="form-fields"):
                yield Label(f"Ask for counter-arguments to “{a.action}”", classes="dialog-title")
                yield Static("The teams ticked read the action and its arguments, and may each answer "
                             "once, until you set the odds.", classes="dialog-detail")
                yield SelectionList[str](*others, id="teams")
            yield from self.form_end("Ask")

    def action_submit(self) -> None:
        teams = tuple(self.query_one("#teams", SelectionList).selected)
        if not teams:
            self.problem("Tick at least one team.", self.query_one("#teams", SelectionList))
            return
        self.dismiss(teams)


class NarrateModal(ButtonsInSight, FormModal[tuple[str, tuple[Effect, ...], bool] | None]):
    """What came of an argued action: the narrative, who reads it, and effects on values the
    arguing team could change (a value, whose, the change)."""

    def __init__(self, scenario: Scenario, argument: ArgumentView) -> None:
        super().__init__()
        self.scenario = scenario
        self.argument = argument
        self.names = Names.of(scenario)
        # Only values an actor is part of: an alliance's or the whole exercise's are no team's.
        self.values = {v: t for v, t in settable_values(scenario).items()
                       if t.scope in ("actor", "pair", "directed")}

    def _whose(self, value: str) -> list[tuple[str, str]]:
        """The entries of ``value`` the arguing team is part of, as Select options."""
        return [(label, ",".join(ids)) for label, ids in value_targets(self.scenario, value)
                if could_change(self.argument.by, ids)]

    def compose(self) -> ComposeResult:
        a = self.argument
        n = self.names
        judged = a.status == JUDGED
        with Vertical(classes="dialog form"):
            with VerticalScroll(classes="form-fields"):
                yield Label(f"What came of “{a.action}”", classes="dialog-title")
                yield Static(f"{n.actor_name(a.by)}: {state_words(a)}.", classes="dialog-detail")
                yield Label(f"The narrative (required, at most {MAX_NARRATIVE} characters)")
                yield Input(placeholder="what happens now", id="narrative", max_length=MAX_NARRATIVE)
                yield Select([("those who saw the argument", "seen"), ("every team: announce it", "all")],
                             value="seen", allow_blank=False, id="public")
                if judged:
                    yield Label(f"Effects (optional): values {n.actor_name(a.by)} is part of — a value, "
                                "whose, the change (+10, -5; true/false for a flag)")
                    for i in range(1, EFFECT_ROWS + 1):
                        with Horizontal(classes="effect-row"):
                            yield Select([(n.value_name(v), v) for v in self.values], prompt="value",
                                         id=f"value-{i}")
                            yield Select([], prompt="whose", id=f"of-{i}")
                            yield Input(placeholder="change", id=f"add-{i}", max_length=12)
                else:
                    yield Static("No odds set: closing it now has no effects.", classes="hint")
            yield from self.form_end("Close it")

    def on_select_changed(self, event: Select.Changed) -> None:
        sid = event.select.id or ""
        if sid.startswith("value-") and isinstance(event.value, str):
            of = self.query_one(f"#of-{sid[6:]}", Select)
            of.set_options(self._whose(event.value))

    def _effects(self) -> tuple[Effect, ...] | None:
        """The effect rows filled in, or None after saying what is wrong."""
        out = []
        for i in range(1, EFFECT_ROWS + 1) if self.argument.status == JUDGED else ():
            value = self.query_one(f"#value-{i}", Select).value
            if not isinstance(value, str):
                continue
            of = self.query_one(f"#of-{i}", Select).value
            field = self.query_one(f"#add-{i}", Input)
            raw = field.value.strip().lower()
            if not isinstance(of, str):
                self.problem(f"Effect {i}: say whose {self.names.value_name(value)} changes.",
                             self.query_one(f"#of-{i}", Select))
                return None
            ids = tuple(of.split(","))
            if self.values[value].type is bool:
                if raw not in ("true", "false"):
                    self.problem(f"Effect {i}: {self.names.value_name(value)} is set to true or false.",
                                 field)
                    return None
                out.append(Effect(value=value, of=ids, set=raw == "true"))
                continue
            try:
                amount = float(raw) if "." in raw else int(raw)
            except ValueError:
                self.problem(f"Effect {i}: the change is a number (+10, -5), not {raw!r}.", field)
                return None
            out.append(Effect(value=value, of=ids, add=amount))
        return tuple(out)

    def action_submit(self) -> None:
        narrative = self.query_one("#narrative", Input)
        if not narrative.value.strip():
            self.problem("Nothing written for “the narrative”: say what came of it.", narrative)
            return
        effects = self._effects()
        if effects is None:
            return
        public = self.query_one("#public", Select).value == "all"
        self.dismiss((narrative.value.strip(), effects, public))


class ArgumentsScreen(Panels, Screen[None]):
    """The facilitator's argued actions: each one, with its arguments and counter-arguments, and the
    keys to ask for counter-arguments, set the odds and narrate."""

    BINDINGS = [
        Binding("a", "ask", "Ask counters", tooltip="show the highlighted action to teams and ask them "
                "for counter-arguments"),
        Binding("o", "odds", "Odds", tooltip="set the odds of the highlighted action: a die decides at once"),
        Binding("n", "narrate", "Narrate", tooltip="say what came of it, apply its effects, close it"),
        Binding("f1", "help", "keys", key_display="F1"),
        Binding("escape", "back", "Back", tooltip="back to the console"),
    ]

    def __init__(self, client: SessionClient) -> None:
        super().__init__()
        self.client = client
        self.names = Names.of(client.scenario)
        self._shown: tuple[ArgumentView, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(id="argued-status")
        with Horizontal(id="argued"):
            yield DataTable(id="argued-list", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="argued-detail-box"):
                yield Static(id="argued-detail")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.refresh_view()
        table = self.query_one("#argued-list", DataTable)
        # The first still waiting for the facilitator, else the latest.
        waiting = [i for i, a in enumerate(self._shown) if a.status != NARRATED]
        if self._shown:
            table.move_cursor(row=waiting[0] if waiting else len(self._shown) - 1)
        table.focus()

    def refresh_view(self) -> None:
        v = self.client.view(FACILITATOR)
        self._shown = v.arguments
        waiting = sum(1 for a in v.arguments if a.status != NARRATED)
        self.set_text("#argued-status", Text.assemble(
            ("Argued actions", "bold"), f"  ·  {v.label}  ·  {v.phase}  ·  ",
            f"{waiting} waiting for you" if waiting else "none waiting"))
        n = self.names
        rows = [[a.id, n.short_name(a.by), _clip(a.action, 14), _short_state(a)] for a in v.arguments]
        self.fill_table("#argued-list", ("#", "team", "action", "state"), rows)
        self._detail()

    def _current(self) -> ArgumentView | None:
        table = self.query_one("#argued-list", DataTable)
        row = table.cursor_row
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def _detail(self) -> None:
        a = self._current()
        if a is None:
            text = Text("No argued action yet. A team argues one with g on its screen.")
        else:
            text = argument_text(a, self.names, FACILITATOR)
            text.append("\n" + _next_step(a), style="dim")
        self.set_text("#argued-detail", text)

    @on(DataTable.RowHighlighted, "#argued-list")
    def _highlighted(self) -> None:
        self._detail()

    def _send(self, command: Command) -> bool:
        result = self.client.apply(command)
        if not result.accepted:
            self.notify(result.reason, title="Refused", severity="error")
        self.refresh_view()
        return result.accepted

    def _open(self, what: str) -> ArgumentView | None:
        a = self._current()
        if a is None:
            self.notify("No argued action to " + what + ".", severity="warning")
        elif a.status == NARRATED:
            self.notify("It is closed.", severity="warning")
            return None
        return a

    @work
    async def action_ask(self) -> None:
        a = self._open("ask about")
        if a is None:
            return
        if a.status != OPEN:
            self.notify("The odds are set: it is too late for counter-arguments.", severity="warning")
            return
        teams = await self.app.push_screen_wait(AskCountersModal(self.client.scenario, a))
        if teams and self._send(AskCounters(a.id, teams)) and self.client.joined is None:
            who = self.names.actors_names(teams)
            self.notify(f"Hand the keyboard to {who} (t on the console): o answers on their screen.")

    @work
    async def action_odds(self) -> None:
        a = self._open("set the odds of")
        if a is None:
            return
        if a.status != OPEN:
            self.notify("The odds are set already.", severity="warning")
            return
        options = [(str(p), f"{word.capitalize()} ({p}%)") for word, p in ODDS]
        picked = await self.app.push_screen_wait(ChooseModal(
            f"Odds for “{_clip(a.action, 40)}” (a d100 decides at once)",
            [*options, ("other", "Another percentage (0–100)…")]))
        if picked == "other":
            picked = await self.app.push_screen_wait(TextModal("The chance it works, in percent (0–100)"))
        if not picked:
            return
        try:
            odds = int(picked.strip().rstrip("%"))
        except ValueError:
            self.notify(f"{picked!r} is not a whole percentage", severity="error")
            return
        if self._send(Judge(a.id, odds)):
            after = next((x for x in self.client.view(FACILITATOR).arguments if x.id == a.id), a)
            self.notify(f"Rolled {after.roll} against {odds_words(odds)}: "
                        f"{'it succeeds' if after.success else 'it fails'}. n narrates what came of it.")

    @work
    async def action_narrate(self) -> None:
        a = self._open("narrate")
        if a is None:
            return
        got = await self.app.push_screen_wait(NarrateModal(self.client.scenario, a))
        if got is not None:
            narrative, effects, public = got
            self._send(Narrate(a.id, narrative, effects, public))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(HelpModal(
            "argued actions", screen_keys(self),
            "A team argues for an action in words (g on its screen). You may ask other teams for "
            "counter-arguments (a), then set the odds (o): a d100 is rolled at once and logged. Then say "
            "what came of it (n), with effects on values the arguing team is part of, to those who saw "
            "the argument or to every team. Closing before the odds has no roll and no effects."))


def _next_step(a: ArgumentView) -> str:
    if a.status == OPEN:
        return "Next: a asks for counter-arguments · o sets the odds · n closes it without a roll"
    if a.status == JUDGED:
        return "Next: n says what came of it"
    return "Closed."


def _short_state(a: ArgumentView) -> str:
    """The list's state column: short enough for 80 columns."""
    if a.status == OPEN:
        return "countering" if a.asked else "needs odds"
    verdict = "closed" if a.success is None else "won" if a.success else "lost"
    return f"{verdict}: narrate" if a.status == JUDGED else verdict


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def open_count(v: View) -> int:
    """How many argued actions wait for the facilitator (the odds or the narrative)."""
    return sum(1 for a in v.arguments if a.status != NARRATED)


__all__ = [
    "ArgueModal", "ArguingTeam", "ArgumentsScreen", "AskCountersModal", "CounterModal", "NarrateModal",
    "argument_text", "open_count", "state_words",
]
