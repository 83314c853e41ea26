"""The evaluator's screen: the game as the facilitator sees it, read-only, and what the
evaluator records for the after-action report — observations bound to a turn, a team, an inject
and the logged decision they refer to, HSEEP ratings (P, S, M, U) of each learning objective and
capability, suggested from the expectations and confirmed with a reason, and ratings of the
expectations a person judges.

One screen for hot-seat (the console's ``v``, the end screen's ``v``: the person at the keyboard
acts as the evaluator) and for an evaluator's own seat over the network (``detente join`` with
the evaluator's code): it talks to a :class:`~detente.tui.app.client.SessionClient` and sends
nothing but :class:`~detente.engine.commands.Observe`, :class:`~detente.engine.commands.Evaluate`
and :class:`~detente.engine.commands.Assess`, each ``by="evaluator"``: no key changes the game.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, RichLog, Select, Static

from detente.engine.commands import EVALUATOR, HSEEP, Assess, Command, Evaluate, Observe
from detente.engine.entries import (
    Answered,
    Argued,
    Countered,
    Declared,
    Evaluated,
    Expected,
    HungUp,
    InjectDelivered,
    MoveResolved,
    Observed,
    OrdersSealed,
    PhaseBegan,
    Pledged,
    Proposed,
    Said,
    Sent,
    TimelineEntry,
    Withdrawn,
)
from detente.engine.evaluation import decided_for, marks_from, suggested
from detente.engine.scenario import Scenario
from detente.engine.state import expectation_key
from detente.engine.views import View
from detente.tui.app.client import SessionClient
from detente.tui.app.panels import Panels, SteadyFooter, next_matrix_value
from detente.tui.app.screens.forms import ButtonsInSight, FormModal
from detente.tui.app.screens.modals import BriefingModal, ChooseModal, HelpModal, TextModal, screen_keys
from detente.tui.render.text import Names, clock_words, facilitator_briefing, notable

NONE = "-"
"""A list's "none" (or "the exercise as a whole"): Select values are never empty."""

EXERCISE = "the exercise as a whole"

#: What an observation records, for a person: (value, words).
FINDING_WORDS = (
    (NONE, "neither: a plain observation"),
    ("strength", "a strength"),
    ("improvement", "an area for improvement"),
)

#: The entries that are a team's decision, the kinds an observation can point at.
DECISIONS = (OrdersSealed, Proposed, Answered, Said, Sent, Pledged, HungUp, Withdrawn, MoveResolved,
             Declared, Argued, Countered)

#: How many of a team's latest decisions the observation form offers.
DECISIONS_OFFERED = 25


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def decider(e: TimelineEntry) -> str:
    """The team whose decision an entry is (empty: none's)."""
    who = getattr(e, "team", "") or getattr(e, "by", "")
    return who if isinstance(who, str) else ""


def decision_words(e: TimelineEntry, scenario: Scenario, names: Names) -> str:
    """A team's decision in a line, for a person choosing which one an observation is about."""
    n = names.actor_name
    line = notable(scenario, e, names=names)
    if line:
        return line
    match e:
        case OrdersSealed():
            moves = ", ".join(names.move_title(o.move) for o in e.orders) or "no moves"
            return f"{n(e.team)} sealed its orders: {moves}"
        case MoveResolved():
            return f"{n(e.team)}: {e.text or names.move_title(e.order.move)}"
        case Said():
            return f"{n(e.by)} on the call: “{e.text}”"
        case HungUp():
            return f"{n(e.by)} hung up"
        case Withdrawn():
            return f"{n(e.by)} withdrew a proposal"
        case Declared():
            return e.text or f"{n(e.by)} declared data to {n(e.to)}"
    return f"{n(decider(e))}: {e.kind}"


# -- what is rated: each learning objective and each capability the expectations name ----------


def capabilities(scenario: Scenario) -> list[str]:
    """The capabilities the scenario's expectations name, each once, in the order they come."""
    seen: dict[str, str] = {}
    for _inject, x in scenario.expectations.values():
        name = x.capability.strip()
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def rated_things(scenario: Scenario) -> list[tuple[str, str]]:
    """Everything an evaluator rates: ``(key, words)``, the key ``o:N`` for learning objective N,
    ``c:NAME`` for a capability."""
    out = [(f"o:{i}", f"objective {i}: {text}")
           for i, text in enumerate(scenario.scenario.learning_objectives, 1)]
    return out + [(f"c:{name}", f"capability: {name}") for name in capabilities(scenario)]


def _what(key: str) -> tuple[int, str]:
    """A rated thing's key as Evaluate's (objective, capability)."""
    kind, _, rest = key.partition(":")
    return (int(rest), "") if kind == "o" else (0, rest)


def _key_of(objective: int, capability: str) -> str:
    return f"o:{objective}" if objective else f"c:{capability}"


def _short(words: str) -> str:
    """A rated thing's words for a narrow table: ``Obj 1: …``, ``Cap: …``."""
    return words.replace("objective ", "Obj ", 1).replace("capability: ", "Cap: ", 1)


def hseep_words(rating: str | None) -> str:
    """A rating in words: ``S — performed with some challenges``."""
    return f"{rating} — {HSEEP[rating]}" if rating in HSEEP else "none yet"


# -- the observation form -------------------------------------------------------------------------


class ObserveModal(ButtonsInSight, FormModal[Observe | None]):
    """An observation: what was seen; the team observed (or the exercise); the inject it follows;
    the logged decision it refers to (the team's latest, in words); the turn; a strength, an area
    for improvement or neither; the objective or capability it bears on."""

    def __init__(
        self,
        scenario: Scenario,
        names: Names,
        turn: int,
        injects: Sequence[tuple[str, str]],
        decisions: Mapping[str, Sequence[tuple[int, str]]],
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.names = names
        self.turn = max(turn, 1)
        self.injects = injects
        """Delivered injects, latest first: (id, title)."""
        self.decisions = decisions
        """Each team's decisions, latest first: (seq, words); ``NONE``: every team's."""

    def compose(self) -> ComposeResult:
        n = self.names
        teams = [(EXERCISE, NONE), *[(n.actor_name(t), t) for t in self.scenario.team_ids]]
        bears = [("neither", NONE), *[(w, k) for k, w in rated_things(self.scenario)]]
        with Vertical(classes="dialog form"):
            with VerticalScroll(classes="form-fields"):
                yield Label("Observation — for the report; no team reads it", classes="dialog-title")
                yield Label("What you saw (required)")
                yield Input(placeholder="what was seen", id="text")
                yield Label("The team observed")
                yield Select(teams, value=NONE, allow_blank=False, id="about")
                yield Label("The inject it follows")
                yield Select([("none", NONE), *[(_clip(t, 52), i) for i, t in self.injects]],
                             value=NONE, allow_blank=False, id="inject")
                yield Label("The decision it refers to (from the log)")
                yield Select(self._decisions(NONE), value=NONE, allow_blank=False, id="decision")
                yield Label("The turn")
                yield Select([(n.turn_name(t), str(t)) for t in range(self.turn, 0, -1)],
                             value=str(self.turn), allow_blank=False, id="turn")
                yield Label("A strength, an area for improvement, or neither")
                yield Select([(w, v) for v, w in FINDING_WORDS], value=NONE, allow_blank=False, id="finding")
                yield Label("The objective or capability it bears on")
                yield Select([(_clip(w, 52), k) for w, k in bears], value=NONE, allow_blank=False, id="bears")
            yield from self.form_end("Record")

    def _decisions(self, team: str) -> list[tuple[str, str]]:
        return [("none", NONE), *[(_clip(w, 52), str(seq)) for seq, w in self.decisions.get(team, ())]]

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        super().on_select_changed(event)
        if event.select.id == "about" and isinstance(event.value, str):
            self.query_one("#decision", Select).set_options(self._decisions(event.value))

    def _value(self, field: str) -> str:
        value = self.query_one(f"#{field}", Select).value
        return value if isinstance(value, str) and value != NONE else ""

    def action_submit(self) -> None:
        text = self.query_one("#text", Input).value.strip()
        if not text:
            self.problem("Nothing written: say what you saw.", self.query_one("#text", Input))
            return
        objective, capability = _what(self._value("bears")) if self._value("bears") else (0, "")
        self.dismiss(Observe(
            text=text, about=self._value("about"), inject=self._value("inject"),
            decision=int(self._value("decision") or 0), turn=int(self._value("turn") or 0),
            finding=self._value("finding"), objective=objective, capability=capability, by=EVALUATOR,
        ))


# -- the rating form ------------------------------------------------------------------------------


class RateModal(ButtonsInSight, FormModal[Evaluate | None]):
    """An HSEEP rating of a learning objective or a capability, for a team or the exercise: the
    rating the expectations suggest is chosen at first, with its words; a reason is required."""

    def __init__(
        self,
        scenario: Scenario,
        names: Names,
        suggest: Callable[[str, str], str | None],
        confirmed: Mapping[tuple[str, str], Evaluated],
        what: str = "",
        whom: str = NONE,
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.names = names
        self.suggest = suggest
        """(what, whom) → the rating the expectations suggest, or None."""
        self.confirmed = confirmed
        """(what, whom) → the latest rating given."""
        self.things = rated_things(scenario)
        self.chosen = bool(what)
        """Whether what is rated (and for whom) came chosen."""
        self.what = what or (self.things[0][0] if self.things else "")
        self.whom = whom

    def compose(self) -> ComposeResult:
        n = self.names
        teams = [(EXERCISE, NONE), *[(n.actor_name(t), t) for t in self.scenario.team_ids]]
        hint = self.suggest(self.what, self.whom)
        with Vertical(classes="dialog form"):
            with VerticalScroll(classes="form-fields"):
                yield Label("HSEEP rating — for the report; no team reads it", classes="dialog-title")
                yield Label("Rate")
                yield Select([(_clip(w, 52), k) for k, w in self.things], value=self.what,
                             allow_blank=False, id="what")
                yield Label("For")
                yield Select(teams, value=self.whom, allow_blank=False, id="whom")
                yield Static(self._said(), id="suggestion")
                yield Label("Rating (the suggestion is chosen; change it if you judge otherwise)")
                yield Select([(hseep_words(k), k) for k in HSEEP], prompt="choose a rating",
                             value=hint if hint else Select.NULL, id="rating")
                yield Label("Why (required: it goes in the after-action report)")
                yield Input(placeholder="the reason", id="reason")
            yield from self.form_end("Rate")

    def _said(self) -> Text:
        """The suggestion in words, and the rating given so far."""
        hint = self.suggest(self.what, self.whom)
        out = Text()
        if hint:
            out.append("The expectations suggest ", style="bold")
            out.append(hseep_words(hint), style="bold")
        else:
            out.append("No suggestion yet: no expectation serving it has been decided.", style="italic")
        given = self.confirmed.get((self.what, self.whom))
        if given is not None:
            out.append(f"\nRated so far: {hseep_words(given.rating)} — “{given.reason}”")
        return out

    def on_mount(self) -> None:
        # After the form's own first focus (its first field), which this one overrides.
        self.call_after_refresh(self._first_focus)

    def _first_focus(self) -> None:
        # Opened on a row of the ratings table, what and for whom are chosen: the rating next,
        # or the reason when the suggestion stands in for it.
        if not self.chosen:
            self.query_one("#what", Select).focus()
        elif self.suggest(self.what, self.whom):
            self.query_one("#reason", Input).focus()
        else:
            self.query_one("#rating", Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        super().on_select_changed(event)
        if event.select.id not in ("what", "whom") or not isinstance(event.value, str):
            return
        if event.select.id == "what":
            self.what = event.value
        else:
            self.whom = event.value
        self.query_one("#suggestion", Static).update(self._said())
        hint = self.suggest(self.what, self.whom)
        rating = self.query_one("#rating", Select)
        if hint:
            rating.value = hint
        else:
            rating.clear()

    def action_submit(self) -> None:
        rating = self.query_one("#rating", Select).value
        reason = self.query_one("#reason", Input).value.strip()
        if not self.what:
            self.problem("The scenario names no learning objective and no capability to rate.")
            return
        if not isinstance(rating, str):
            self.problem("Choose a rating: P, S, M or U.", self.query_one("#rating", Select))
            return
        if not reason:
            self.problem("Nothing written for “why”: a rating goes in the report with its reason.",
                         self.query_one("#reason", Input))
            return
        objective, capability = _what(self.what)
        self.dismiss(Evaluate(rating=rating, reason=reason, objective=objective, capability=capability,
                              about="" if self.whom == NONE else self.whom, by=EVALUATOR))


# -- rating an expectation a person judges (the console's x too) ----------------------------------


async def ask_assessment(app: App[Any], client: SessionClient, role: str, by: str) -> Assess | None:
    """Ask which expectation without a condition to rate (the open ones first), for which team
    when several are expected to act, how (met, partly, missed) and why; the command to send, or
    None when the person cancelled or none waits. ``role`` reads the timeline; ``by`` rates."""
    scenario = client.scenario
    marks = marks_from(client.timeline(role))
    judged = [(xid, marks[expectation_key(xid)]) for xid, (_, x) in scenario.expectations.items()
              if x.when is None and expectation_key(xid) in marks]
    if not judged:
        app.notify("No expectation waits for a person's rating (those with a condition are checked "
                   "from the log; the others open when their inject is delivered).", severity="warning")
        return None
    n = Names.of(scenario)
    judged.sort(key=lambda x: decided_for(x[1]) != "open")
    options = []
    for xid, mark in judged:
        _, x = scenario.expectations[xid]
        whom = n.actors_names(mark.get("who", ())) or "all"
        options.append((xid, f"({decided_for(mark)}) {whom} — {x.text}"))
    chosen = await app.push_screen_wait(ChooseModal("Rate which expectation?", options))
    if not chosen:
        return None
    mark = marks[expectation_key(chosen)]
    who = tuple(mark.get("who", ()))
    team = ""
    if len(who) > 1:
        picked = await app.push_screen_wait(ChooseModal("For which team?", [
            (NONE, f"every team expected to act ({n.actors_names(who)})"),
            *[(t, f"{n.actor_name(t)} ({decided_for(mark, t)})") for t in who],
        ]))
        if not picked:
            return None
        team = "" if picked == NONE else picked
    rating = await app.push_screen_wait(ChooseModal("Was it done?", [
        ("met", "met: done as expected"), ("partly", "partly: done in part, or late"),
        ("missed", "missed: not done"),
    ]))
    if not rating:
        return None
    reason = await app.push_screen_wait(TextModal(f"Why {rating}? (logged, in the report)"))
    if not reason:
        return None
    return Assess(expectation=chosen, status=rating, reason=reason, team=team, by=by)


# -- the screen -----------------------------------------------------------------------------------


class EvaluatorScreen(Panels, Screen[None]):
    """Escalation, relations and expectations on the left; the ratings (suggested beside
    confirmed) and the timeline with the observations and ratings on the right."""

    BINDINGS = [
        Binding("o", "observe", "Observe", tooltip="record an observation: a team, an inject, the decision "
                "it refers to, a strength or an area for improvement"),
        Binding("r", "rate", "Rate", tooltip="rate a learning objective or capability on the HSEEP scale "
                "(P, S, M, U): the expectations' suggestion first; a reason is required"),
        Binding("x", "assess", "Expectation", tooltip="rate an expectation a person judges (met, partly, "
                "missed), for one team or all of them, with a reason"),
        Binding("f", "filter", "Filter", show=False,
                tooltip="the timeline: everything, or only the observations and ratings"),
        Binding("m", "matrix", "Matrix", show=False,
                tooltip="switch the relations matrix: tension, trust, threat"),
        Binding("g", "briefings", "Briefings", show=False,
                tooltip="what the exercise trains, the public and every private briefing, the draws"),
        Binding("f1", "help", "keys", key_display="F1", tooltip="this help: every key of this screen"),
        Binding("escape", "back", "Back", tooltip="back to the screen you came from"),
        Binding("q", "leave", "Quit", tooltip="leave the session (the host keeps it; join again)"),
    ]

    OFFERS_QUIT = True

    def __init__(self, client: SessionClient) -> None:
        super().__init__()
        self.client = client
        self.names = Names.of(client.scenario)
        self.matrix_value = ""
        self.recorded_only = False
        """The timeline shows only what the evaluators recorded (f)."""
        self._shown: tuple[bool, int] = (False, -1)
        self._expectations: list[str] = []
        """The expectations table's rows, for Enter: each one's details."""
        self._rows: list[tuple[str, str]] = []
        """The ratings table's rows, for Enter: (what, whom)."""

    @property
    def home(self) -> bool:
        """Whether this is the seat's own screen (an evaluator over the network), not one opened
        from the console."""
        return self.client.joined == EVALUATOR

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="console"):
            with Vertical(id="left"):
                yield from self.session_panels()
                yield Static("Expectations (Enter: details)", classes="panel-title")
                yield DataTable(id="expectations", cursor_type="row", zebra_stripes=True)
            with Vertical(id="right"):
                yield Static("HSEEP ratings (Enter: rate)", classes="panel-title")
                yield DataTable(id="ratings", cursor_type="row", zebra_stripes=True)
                yield Static("Timeline", id="timeline-title", classes="panel-title")
                yield RichLog(id="timeline", wrap=True, markup=False, min_width=20)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.call_after_refresh(self.refresh_view)
        self.set_interval(1.0, self._tick)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return not self.home
        if action == "leave":
            return self.home  # at the console's keyboard, the console quits
        return True

    def _tick(self) -> None:
        v = self.client.view(EVALUATOR)
        if v.clock is not None and v.clock.running and self.is_mounted:
            self._status(v)

    # -- what the evaluator reads -----------------------------------------------------------------
    def _seen(self) -> list[TimelineEntry]:
        return self.client.timeline(EVALUATOR)

    def confirmed(self, seen: Sequence[TimelineEntry]) -> dict[tuple[str, str], Evaluated]:
        """The latest rating of each (what, whom) so far (a later one replaces an earlier)."""
        # A capability is one whatever its case (as the engine reads it): keyed as the scenario spells it.
        spelled = {c.casefold(): c for c in capabilities(self.client.scenario)}
        out: dict[tuple[str, str], Evaluated] = {}
        for e in seen:
            if isinstance(e, Evaluated):
                capability = spelled.get(e.capability.casefold(), e.capability)
                out[(_key_of(e.objective, capability), e.about or NONE)] = e
        return out

    def suggester(self, seen: Sequence[TimelineEntry]) -> Callable[[str, str], str | None]:
        """(what, whom) → the rating the expectations suggest now (engine.evaluation.suggested)."""
        marks = marks_from(seen)
        scenario = self.client.scenario

        def suggest(what: str, whom: str) -> str | None:
            if not what:
                return None
            objective, capability = _what(what)
            return suggested(scenario, marks, objective, capability, "" if whom == NONE else whom)

        return suggest

    # -- drawing ------------------------------------------------------------------------------
    def refresh_view(self) -> None:
        v = self.client.view(EVALUATOR)
        seen = self._seen()
        self._status(v, seen)
        self.show_ladder(v)
        self.show_matrix(v)
        self._expectation_rows(seen)
        self._rating_rows(seen)
        self._timeline(seen)

    def _status(self, v: View, seen: Sequence[TimelineEntry] | None = None) -> None:
        seen = self._seen() if seen is None else seen
        observed = sum(1 for e in seen if isinstance(e, Observed))
        rated = len(self.confirmed(seen))
        line = Text.assemble(("Evaluator", "bold reverse"), " ", (v.title, "bold"), " · ",
                             (v.label, "bold"), " · ", (v.phase, "reverse"))
        if v.outcome is not None:
            line.append(f" · ENDED: {Names.outcome_name(v.outcome.result)}", style="bold red")
        clock = clock_words(v, self.client.clock_left())
        if clock:
            line.append(f" · {clock}", style="bold")
        line.append(f" · {observed} observed, {rated} rated")
        if self.client.status():
            line.append(f"\n{self.client.status()}", style="dim")
        self.set_text("#status", line)

    def _expectation_rows(self, seen: Sequence[TimelineEntry]) -> None:
        """Each expectation's status (the open and decided ones first), with a row for each team
        a person rated one by one; those whose inject is not out yet last, dimmed."""
        scenario, n = self.client.scenario, self.names
        marks = marks_from(seen)
        reasons: dict[str, list[str]] = {}
        for e in seen:
            if isinstance(e, Expected) and e.status != "open" and e.reason:
                whose = f" ({n.actor_name(e.team)})" if e.team else ""
                reasons.setdefault(e.id, []).append(f"{e.status}{whose}: {e.reason}")
        opened: list[tuple[list[Any], str]] = []
        later: list[tuple[list[Any], str]] = []
        for xid, (inject, x) in scenario.expectations.items():
            mark = marks.get(expectation_key(xid))
            if mark is None:
                who = x.who or inject.to
                row = [Text("not out", style="dim"), Text(_clip(x.text, 18), style="dim"),
                       Text(self._short_names(who, 8), style="dim")]
                later.append((row, self._details(inject.title, x, who, "its inject is not out yet", [])))
                continue
            who = tuple(mark.get("who", ()))
            status = decided_for(mark)
            details = self._details(inject.title, x, who, self._status_words(mark, who), reasons.get(xid, []))
            opened.append(([Text(status, style=_style(status)), _clip(x.text, 18), self._short_names(who, 8)],
                           details))
            if len(who) > 1 and mark.get("teams"):
                for t in who:  # rated one team at a time: each team's own status
                    mine = decided_for(mark, t)
                    for_team = Text(f"  for {_clip(n.short_name(t), 12)}", style="dim")
                    opened.append(([Text(mine, style=_style(mine)), for_team, ""], details))
        self._expectations = [d for _, d in opened + later]
        self.fill_table("#expectations", ("status", "expected", "of"), [r for r, _ in opened + later])

    def _short_names(self, who: Sequence[str], width: int) -> str:
        return _clip(", ".join(self.names.short_name(t) for t in who) or "all", width)

    def _status_words(self, mark: Mapping[str, Any], who: Sequence[str]) -> str:
        """An expectation's status; per team where a person rated teams one by one."""
        if not mark.get("teams") or len(who) < 2:
            return decided_for(mark)
        return ", ".join(f"{self.names.actor_name(t)} {decided_for(mark, t)}" for t in who)

    def _details(self, inject: str, x: Any, who: Sequence[str], status: str, reasons: list[str]) -> str:
        n = self.names
        serves = []
        if x.objective:
            goals = self.client.scenario.scenario.learning_objectives
            if 1 <= x.objective <= len(goals):
                serves.append(f"objective {x.objective}: {goals[x.objective - 1]}")
        if x.capability:
            serves.append(f"capability: {x.capability}")
        how = f"checked from the log ({x.when})" if x.when else "judged by a person (x)"
        lines = [x.text, "", f"after: {inject}", f"of: {n.actors_names(who) or 'every team'}",
                 f"within {x.within} {x.unit}; {how}", *serves, f"status: {status}", *reasons]
        return "\n".join(lines)

    def _rating_rows(self, seen: Sequence[TimelineEntry]) -> None:
        scenario, n = self.client.scenario, self.names
        suggest = self.suggester(seen)
        given = self.confirmed(seen)
        rows: list[list[Any]] = []
        self._rows = []
        for what, words in rated_things(scenario):
            for whom in (NONE, *scenario.team_ids):
                hint = suggest(what, whom)
                done = given.get((what, whom))
                if whom != NONE and hint is None and done is None:
                    continue  # a team row once there is something to say about that team
                name = _clip(_short(words), 17) if whom == NONE else Text("  " + _clip(_short(words), 15),
                                                                           style="dim")
                rows.append([
                    name,
                    "exercise" if whom == NONE else _clip(n.short_name(whom), 8),
                    hint or "–",
                    Text(done.rating, style="bold") if done is not None else Text("–", style="dim"),
                ])
                self._rows.append((what, whom))
        # sug: what the expectations suggest; now: the rating given (the latest).
        self.fill_table("#ratings", ("what", "for", "sug", "now"), rows)

    def _timeline(self, seen: Sequence[TimelineEntry]) -> None:
        """Append what is not shown yet; start again when the filter changed."""
        log = self.query_one("#timeline", RichLog)
        shown_filter, count = self._shown
        if shown_filter != self.recorded_only or count > len(seen) or count < 0:
            log.clear()
            count = 0
            title = "What was recorded (f: everything)" if self.recorded_only \
                else "Timeline (f: only what was recorded)"
            self.query_one("#timeline-title", Static).update(title)
        for e in seen[count:]:
            line = self._line(e)
            if line is not None:
                log.write(line)
        self._shown = (self.recorded_only, len(seen))

    def _line(self, e: TimelineEntry) -> Text | None:
        n = self.names
        if isinstance(e, Observed):
            about = n.actor_name(e.about) if e.about else "the exercise"
            finding = {"strength": ", strength", "improvement": ", area for improvement"}.get(e.finding, "")
            by = "" if e.by == EVALUATOR else f" by the {e.by}"
            when = n.turn_name(e.on_turn)
            return Text(f"◆ observed{by} ({about}{finding}, {when}): {e.text}", style="italic")
        if isinstance(e, Evaluated):
            words = dict(rated_things(self.client.scenario)).get(_key_of(e.objective, e.capability),
                                                                 e.capability or f"objective {e.objective}")
            whom = n.actor_name(e.about) if e.about else "the exercise"
            hint = f" (suggested {e.suggested})" if e.suggested else ""
            by = "" if e.by == EVALUATOR else f" by the {e.by}"
            return Text(f"★ rated{by} {words} for {whom}: {e.rating}{hint} — {e.reason}", style="bold")
        if self.recorded_only:
            if isinstance(e, Expected) and e.by == EVALUATOR:
                return Text(self._expected_words(e), style="italic")
            return None
        if isinstance(e, PhaseBegan):
            return Text(f"— {self.client.scenario.turns.name(e.turn)}: {e.phase} —", style="bold")
        if isinstance(e, Expected):
            return Text(self._expected_words(e), style="italic")
        line = notable(self.client.scenario, e, names=n)
        return Text(line) if line else None

    def _expected_words(self, e: Expected) -> str:
        found = self.client.scenario.expectations.get(e.id)
        what = e.text or (found[1].text if found is not None else e.id)
        n = self.names
        if e.status == "open":
            due = f", by {n.due_text(e.due)}" if e.due else ""
            return f"expected of {n.actors_names(e.who) or 'every team'}: {what}{due}"
        whose = f" for {n.actor_name(e.team)}" if e.team else ""
        by = f", rated by the {e.by}" if e.by else ""
        why = f" — {e.reason}" if e.reason else ""
        return f"expectation {e.status}{whose}{by}: {what}{why}"

    # -- choices for the forms -------------------------------------------------------------------
    def _injects(self, seen: Sequence[TimelineEntry]) -> list[tuple[str, str]]:
        """The injects delivered so far, latest first, each once: (id, title)."""
        out: dict[str, str] = {}
        for e in reversed(seen):
            if isinstance(e, InjectDelivered) and e.id not in out:
                out[e.id] = e.title or self.names.inject_title(e.id)
        return list(out.items())

    def _decisions(self, seen: Sequence[TimelineEntry]) -> dict[str, list[tuple[int, str]]]:
        """Each team's logged decisions, latest first (``NONE``: every team's), as (seq, words)."""
        scenario, n = self.client.scenario, self.names
        out: dict[str, list[tuple[int, str]]] = {NONE: []}
        for e in reversed(seen):
            if not isinstance(e, DECISIONS) or not e.seq:
                continue
            team = decider(e)
            if team not in scenario.actor_names:
                continue
            line = decision_words(e, scenario, n)
            # In the chosen team's list its full name is room lost: said short, or not at all.
            name = n.actor_name(team)
            mine_only = line.removeprefix(f"{name}: ")
            if mine_only.startswith(f"{name} "):
                mine_only = n.short_name(team) + mine_only[len(name):]
            for key, said in ((team, mine_only), (NONE, line)):
                mine = out.setdefault(key, [])
                if len(mine) < DECISIONS_OFFERED:
                    mine.append((e.seq, f"{n.turn_name(e.turn)}, {e.phase}: {said}"))
        return out

    # -- actions -----------------------------------------------------------------------------------
    def _send(self, command: Command) -> bool:
        result = self.client.apply(command)
        if not result.accepted:
            self.notify(getattr(result, "reason", "refused"), title="Refused", severity="error")
        else:
            self.notify("Recorded.", timeout=2)
        self.refresh_view()
        return result.accepted

    @work
    async def action_observe(self) -> None:
        seen = self._seen()
        v = self.client.view(EVALUATOR)
        got = await self.app.push_screen_wait(ObserveModal(
            self.client.scenario, self.names, v.turn, self._injects(seen), self._decisions(seen)))
        if got is not None:
            self._send(got)

    @work
    async def action_rate(self, what: str = "", whom: str = NONE) -> None:
        scenario = self.client.scenario
        if not rated_things(scenario):
            self.notify("The scenario names no learning objective and no capability to rate.",
                        severity="warning")
            return
        seen = self._seen()
        got = await self.app.push_screen_wait(RateModal(
            scenario, self.names, self.suggester(seen), self.confirmed(seen), what, whom))
        if got is not None:
            self._send(got)

    @work
    async def action_assess(self) -> None:
        command = await ask_assessment(self.app, self.client, EVALUATOR, EVALUATOR)
        if command is not None:
            self._send(command)

    @on(DataTable.RowSelected, "#ratings")
    def _rating_chosen(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self._rows):
            what, whom = self._rows[event.cursor_row]
            self.action_rate(what, whom)

    @on(DataTable.RowSelected, "#expectations")
    def _expectation_chosen(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self._expectations):
            self.app.push_screen(HelpModal("expectation", [], self._expectations[event.cursor_row]))

    def action_filter(self) -> None:
        self.recorded_only = not self.recorded_only
        self._timeline(self._seen())

    def action_matrix(self) -> None:
        v = self.client.view(EVALUATOR)
        self.matrix_value = next_matrix_value(v, self.matrix_value)
        self.show_matrix(v)

    def action_briefings(self) -> None:
        self.app.push_screen(BriefingModal("The exercise, as the facilitator has it", facilitator_briefing(
            self.client.scenario, self.client.view(EVALUATOR), self.names)))

    async def action_leave(self) -> None:
        await self.app.action_quit()

    def action_back(self) -> None:
        if not self.home:
            self.dismiss(None)

    def action_help(self) -> None:
        where = ("Your seat at the workshop: you see the game as the facilitator does (not the "
                 "facilitator's notes) and change nothing in it.") if self.home else (
                 "Hot-seat: the person at the keyboard acts as the evaluator; what you record is logged "
                 "as the evaluator's. Escape goes back.")
        self.app.push_screen(HelpModal(
            "evaluator", screen_keys(self),
            f"{where} Observations and ratings go in the after-action report; no team reads them. "
            "HSEEP: P performed without challenges, S with some challenges, M with major "
            "challenges, U unable to be performed.",
        ))


def _style(status: str) -> str:
    """An expectation's status, coloured: met green, partly yellow, missed red."""
    if status in ("met", "partly", "missed"):
        return {"met": "green", "partly": "yellow", "missed": "red"}[status]
    return "bold" if status == "open" else ""


__all__ = ["EvaluatorScreen", "ObserveModal", "RateModal", "ask_assessment", "decision_words", "rated_things"]
