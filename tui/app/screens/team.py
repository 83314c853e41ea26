"""Hot-seat: the hand-over screen, a team's own screen, and the call screen.

A team's screen is built from that team's view only. Before it opens, and after it
closes, a hand-over screen that shows no team's information stands in between, so
the next person at the keyboard never glimpses the last team's picture.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, OptionList, RichLog, Static
from textual.widgets.option_list import Option

from detente.engine.adjudicate import LegalMove
from detente.engine.commands import (
    Command,
    HangUp,
    MakePledge,
    Propose,
    Respond,
    Say,
    Send,
    SubmitOrders,
    TeamNote,
    Withdraw,
)
from detente.engine.entries import LeftUnanswered, TeamNoted
from detente.engine.scenario import Channel
from detente.engine.state import Order
from detente.engine.tracks import BUDGET
from detente.engine.views import ProposalView, View
from detente.tui.app.client import SessionClient
from detente.tui.app.panels import SteadyFooter
from detente.tui.app.screens.argued import ArguingTeam
from detente.tui.app.screens.debrief import this_turn
from detente.tui.app.screens.forms import OrderModal
from detente.tui.app.screens.modals import (
    ChooseModal,
    ConfirmModal,
    HelpModal,
    NotepadModal,
    TextModal,
    screen_keys,
)
from detente.tui.render.text import Names, _order_text, clock_words, notable, own_value_lines, value_text


class HandoverScreen(Screen[None]):
    """'Pass the keyboard to …': shows no team's information."""

    BINDINGS = [
        Binding("enter", "ready", "Ready"),
        Binding("escape", "cancel", "Back"),
        Binding("f1", "help", "Help"),
    ]

    OFFERS_QUIT = False
    """The next team may be at the keyboard: nothing here quits the whole app."""

    def __init__(self, client: SessionClient, team: str) -> None:
        super().__init__()
        self.client = client
        self.team = team

    def compose(self) -> ComposeResult:
        name = self.client.scenario.actor(self.team).name
        with Vertical(classes="handover"):
            yield Static(f"Pass the keyboard to {name}", classes="handover-title")
            yield Static(f"Press Enter when {name} is ready.  Escape goes back to the console.")
        yield SteadyFooter()

    @work
    async def action_ready(self) -> None:
        await self.app.push_screen_wait(TeamScreen(self.client, self.team))
        # The team's screen is gone; nothing of it may show while the keyboard goes back.
        await self.app.push_screen_wait(ReturnScreen())
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(
            HelpModal(
                "hand-over", screen_keys(self), "Nothing of any team is shown here: the next team may look."
            )
        )


class ReturnScreen(Screen[None]):
    """'Hand the keyboard back to the facilitator': blank, no information."""

    BINDINGS = [Binding("enter", "done", "Facilitator is ready"), Binding("f1", "help", "Help")]

    OFFERS_QUIT = False
    """The team may still be at the keyboard: nothing here quits the whole app."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="handover"):
            yield Static("Hand the keyboard back to the facilitator", classes="handover-title")
            yield Static("Press Enter when the facilitator is at the keyboard.")
        yield SteadyFooter()

    def action_done(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(
            HelpModal(
                "hand back", screen_keys(self), "The team's screen has been cleared; the console opens next."
            )
        )


MOVE_WORDS = {"accept": "Accept", "decline": "Decline"}


def move_title(move: object) -> str:
    """A move as a person reads it: its title in the ruleset if it has one."""
    if isinstance(move, str):
        return NAMELESS.move_title(move)
    return str(getattr(move, "title", "") or getattr(move, "name", move))


NAMELESS = Names()
"""Names without a scenario: a move id in words (``hotline_call`` → ``Hotline call``)."""


def actions_word(n: int) -> str:
    return f"{n} action" + ("" if n == 1 else "s")


class TeamScreen(ArguingTeam, Screen[None]):
    """One team's view: briefing, injects, picture, and the moves it may make now."""

    # Short words, Help and Done first: at 80 columns the footer shows every key of the phase.
    # Keys that do nothing in the phase are hidden (check_action); F1 help's text names them all.
    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="The keys of this screen"),
        Binding("escape", "finish", "Done", tooltip="Done: hand the keyboard back to the facilitator"),
        Binding("a", "accept", "Accept", tooltip="Accept (answer) the highlighted incoming proposal or call"),
        Binding("d", "decline", "Decline", tooltip="Decline the highlighted incoming proposal or call"),
        Binding("c", "call", "Call", tooltip="Open your answered hotline call"),
        Binding("s", "submit", "Seal", tooltip="Seal your orders for this turn (they cannot be changed)"),
        Binding(
            "r",
            "remove",
            "Remove",
            tooltip="Remove the last order drafted, or withdraw the highlighted unanswered proposal",
        ),
        Binding("w", "write", "Write", tooltip="Write a message on a slow channel: it arrives later"),
        # Not in the footer (it would not fit at 80 columns): F1 help names it.
        Binding("k", "notepad", "Notes", show=False,
                tooltip="Your team's private notepad: read it, add a line (no one else reads it)"),
        *ArguingTeam.BINDINGS_ARGUED,
    ]

    OFFERS_QUIT = False
    """A team is at the keyboard: nothing here quits the whole app."""

    PHASE_KEYS = {"communications": {"accept", "decline", "call", "remove"}, "orders": {"submit", "remove"}}
    """The keys each phase uses (others are hidden from the footer, still in F1 help)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "finish":
            # Joined over the network the team has its own laptop: nothing to hand back.
            return self.client.joined is None
        if action == "help":
            return True
        if action == "argue":
            return self._may_argue
        if action == "counter":
            return self._to_counter > 0
        if action == "write":
            # Only where the scenario has slow channels, while the exercise runs.
            return bool(self._channels()) and (self._phase or "setup") != "setup" and not self._ended
        if action in {k for keys in self.PHASE_KEYS.values() for k in keys}:
            # The phase as last drawn: the footer asks often, and a view is not free.
            phase = self._phase or self.client.view(self.team).phase
            if phase == "orders" and self._sealed:
                return False  # sealed orders: nothing left to seal or remove
            return action in self.PHASE_KEYS.get(phase, set())
        return True

    _phase = ""
    """The phase when the screen was last drawn."""
    _sealed = False
    """Whether this team's orders were sealed when the screen was last drawn."""
    _ended = False
    """Whether the exercise had ended when the screen was last drawn."""
    _may_argue = False
    """Whether the team could argue an action when the screen was last drawn."""
    _to_counter = 0
    """How many argued actions the team was asked to counter when the screen was last drawn."""

    def __init__(self, client: SessionClient, team: str) -> None:
        super().__init__()
        self.client = client
        self.team = team
        self.draft: list[Order] = []
        self.names = Names.of(client.scenario)
        """Display names of everything shown (ids appear only in logs and CLI flags)."""

    def compose(self) -> ComposeResult:
        yield Static(id="team-status")
        with Horizontal(id="team"):
            with VerticalScroll(id="team-left"):
                yield Static(id="briefing")
                yield Static(id="picture")
            with Vertical(id="team-right"):
                yield Static("", id="actions-title", classes="panel-title")
                yield OptionList(id="actions")
                yield Static("", id="draft")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.refresh_view()
        self.query_one("#actions", OptionList).focus()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        """A running phase clock counts down on the status line."""
        v = self.client.view(self.team)
        if v.clock is not None and v.clock.running:
            self._status(v)

    # -- rendering -------------------------------------------------------------------------
    def _who(self, name: str) -> str:
        """The team as the status line names it."""
        return name

    def _status(self, v: View) -> None:
        me = next(a for a in v.actors if a.id == self.team)
        status = Text.assemble(
            (self._who(me.name), "bold"), " · ", v.label, " · ", (v.phase, "reverse"), " · ", self._plan(v)
        )
        clock = clock_words(v, self.client.clock_left())
        if clock:
            status.append(f" · {clock}", style="bold")
        for alert in v.alerts:  # what the rules say this team must see first (a crisis)
            status.append(f"\n{alert}", style="bold red")
        if self.client.status():
            status.append(f"\n{self.client.status()}", style="dim")
        self.query_one("#team-status", Static).update(status)

    def refresh_view(self) -> None:
        v = self.client.view(self.team)
        self._phase = v.phase
        self._sealed = self.team in v.orders
        self._ended = v.outcome is not None
        self._may_argue = self.may_argue(v)
        self.argued_news(v)
        asked = len(self.to_counter(v))
        if asked > self._to_counter:
            self.notify("The facilitator asks for your counter-argument: press o.", title="Argued action")
        self._to_counter = asked
        self._status(v)
        self.query_one("#briefing", Static).update(self._briefing(v))
        self.query_one("#picture", Static).update(self._picture(v))
        actions = self.query_one("#actions", OptionList)
        was = actions.highlighted
        self._actions(v)
        # Every list opens with its first item highlighted (Enter acts at once) and keeps
        # its place when it is redrawn.
        if actions.option_count:
            actions.highlighted = min(was or 0, actions.option_count - 1)
        self.refresh_bindings()

    def _plan(self, v: View) -> str:
        """The turn's budget as a plan: what calls and proposals spent, what orders take, what is left.

        Calls and orders draw on the same actions, so the words say so in either phase."""
        me = next(a for a in v.actors if a.id == self.team)
        budget, spent, drafted = v.value(BUDGET.name, self.team) or 0, me.spent or 0, self._draft_cost()
        left = budget - spent - drafted
        if v.phase == "orders" and self.team not in v.orders:
            return f"calls spent {spent} of {budget} · orders {drafted} · {left} left"
        if v.phase == "communications":
            return f"calls spent {spent} of {budget} · {left} left"
        if v.phase in ("setup", "briefing"):
            return f"{actions_word(budget)} this turn, for calls and orders"
        # Sealed, or a later phase: what was spent includes the orders.
        return f"actions spent {spent} of {budget}"

    def _briefing(self, v: View) -> Text:
        t = self.argued_text(v, self.names)
        # Messages first: they change, the briefing does not.
        if v.letters:
            t.append("Messages (w writes one)\n" if self._channels() else "Messages\n",
                     style="bold underline")
            n = self.names
            for m in v.letters:
                how = n.channel_name(m.channel)
                if m.to == self.team:
                    t.append(f"{n.turn_name(m.due[0])}, from {n.actor_name(m.by)} by {how}:\n",
                             style="bold")
                else:
                    when = (f"arrived {n.due_text(m.due)}" if m.arrived
                            else f"on its way, due {n.due_text(m.due)}")
                    t.append(f"{n.turn_name(m.sent)}, to {n.actor_name(m.to)} by {how} ({when}):\n",
                             style="bold")
                t.append(m.text + "\n")
            t.append("\n")
        t.append("Your briefing\n", style="bold underline")
        t.append(v.private_briefing.strip() + "\n\n")
        if v.draws:
            t.append("What you know\n", style="bold underline")
            for known in v.draws:
                t.append(f"{known.title}: {known.option}\n")
            t.append("\n")
        if v.inbox:
            t.append("Injects\n", style="bold underline")
            for d in v.inbox:
                private = " (to you)" if d.to else ""
                t.append(f"{self.client.scenario.turns.name(d.turn)}: {d.title}{private}\n", style="bold")
                if d.text:
                    t.append(d.text.strip() + "\n")
        return t

    def _picture(self, v: View) -> Text:
        names = {a.id: a.name for a in v.actors}
        t = Text("\nThe picture\n", style="bold underline")
        escalation = v.tracks.get(v.escalation)
        flags = [t for t in v.scoped("pair") if t.type is bool]  # a hotline, an agreement in force
        for p in v.pairs:
            if self.team in (p.a, p.b) and p.rung is not None and escalation is not None:
                other = p.b if p.a == self.team else p.a
                name = v.ladder[p.rung] if p.rung < len(v.ladder) else ""
                extra = "".join(f", {f.label.lower()}" for f in flags if v.value(f.name, p.a, p.b))
                t.append(f"with {names[other]}: rung {p.rung} ({name}), "
                         f"{escalation.label.lower()} {v.escalation_of(p.a, p.b)}{extra}\n")
        # The team's own values but its budget (on the status line): readiness, and the pressure
        # at home that can narrow what it may do.
        own = [(tr, v.value(tr.name, self.team)) for tr in v.scoped("actor") if tr.name != BUDGET.name]
        if any(x is not None for _, x in own):
            t.append("you: " + ", ".join(f"{tr.label.lower()} {value_text(x)}" for tr, x in own
                                         if x is not None) + "\n")
        # What the team holds about each other actor: its one-way values, as the picture has
        # room for (the first three: trust, threat, information).
        held = v.scoped("directed")[:3]
        for other in (a.id for a in v.actors if a.id != self.team):
            shown = [(t, v.value(t.name, self.team, other)) for t in held]
            if any(x is not None for _, x in shown):
                said = ", ".join(f"{t.label.lower()} {value_text(x)}" for t, x in shown if x is not None)
                t.append(f"you → {names[other]}: {said}\n")
        n = self.names
        # The scenario's own values the team sees (crew detained, ships at the line …).
        for line in own_value_lines(v, n):
            t.append(f"{line}\n")
        known = [f for f in v.forces if f.region is not None and f.owner != self.team]
        mine = [f for f in v.forces if f.owner == self.team]
        for f in mine:
            t.append(f"your {f.name}: {n.region_name(f.region) or 'at home'}\n")
        for f in known:
            t.append(f"{names[f.owner]}'s {f.name}: {n.region_name(f.region)}\n", style="dim")
        for pl in v.pledges:
            promise = n.pledge_text(pl.kind, pl.region, pl.until)
            t.append(f"{n.actor_name(pl.by)} to {n.actor_name(pl.to)}: {promise} ({pl.status})\n")
        return t

    def _incoming(self, v: View) -> list[ProposalView]:
        return [
            p for p in v.proposals if p.status == "open" and self.team in p.to and self.team not in p.answers
        ]

    def _actions(self, v: View) -> None:
        actions = self.query_one("#actions", OptionList)
        actions.clear_options()
        title = self.query_one("#actions-title", Static)
        names = {a.id: a.name for a in v.actors}
        draft = self.query_one("#draft", Static)
        draft.update("")
        sealed = self.team in v.orders
        if v.phase == "communications":
            title.update("Incoming (a accepts, d declines) · calls (c opens) · moves (Enter)")
            for p in self._incoming(v):
                what = self.names.move_title(p.order.move)
                actions.add_option(Option(f"⇢ {names[p.by]}: {what}", id=f"in:{p.id}"))
            for p in v.proposals:
                if p.status == "talking" and self.team in (p.by, *p.to):
                    other = p.to[0] if p.by == self.team else p.by
                    actions.add_option(Option(f"☎ call with {names[other]} is open", id=f"call:{p.id}"))
            for p, status in self._own(v):
                if p.status != "talking":
                    actions.add_option(Option(self._own_line(p, status, names), id=f"own:{p.id}"))
            self._add_moves(actions, v)
            draft.update(self._orders_ahead(v))
        elif v.phase == "orders" and not sealed:
            title.update("Moves (Enter adds) · r removes the last · s seals")
            self._add_moves(actions, v)
            drafted = (
                "\n".join(f"{i}. {_order_text(o.to_dict(), self.names)}" for i, o in enumerate(self.draft, 1))
                or "none yet"
            )
            draft.update(f"Orders so far:\n{drafted}")
        elif v.phase == "orders":
            title.update("Your orders are sealed")
            draft.update(
                "\n".join(_order_text(o.to_dict(), self.names) for o in v.orders.get(self.team, ())) or "pass"
            )
        elif v.phase == "debrief":
            title.update("Debrief: what changed this turn, as you saw it")
            lines = []
            for e in this_turn(self.client.timeline(self.team)):
                text = notable(self.client.scenario, e, names=self.names)
                if text:
                    lines.append(f"• {text}")
            draft.update("\n".join(lines) or "Nothing notable.")
        else:
            title.update(f"Nothing to do in the {v.phase} phase")

    def _priced(self, phase: str | None = None) -> list[LegalMove]:
        """Every move of the phase the team could make with its whole turn's budget.

        ``client.moves`` leaves out what the team cannot afford now; a team planning its
        turn needs to see those too (greyed, with the reason)."""
        return self.client.priced_moves(self.team, phase)

    def _add_moves(self, actions: OptionList, v: View) -> None:
        """The phase's moves in the ruleset's order; those the team cannot afford now, or that
        the rules bar now, stay in their place, greyed, with why not (a move that vanished
        looked like a bug)."""
        left = self._left(v)
        for lm in self._priced():
            line = f"{move_title(lm.move)} ({lm.cost}) — {lm.move.description}"
            if lm.barred:
                line = f"{move_title(lm.move)} [not now: {lm.barred}]"
                actions.add_option(Option(Text(line, style="dim"), id=f"no:{lm.move.name}"))
            elif lm.cost <= left:
                actions.add_option(Option(line, id=f"mv:{lm.move.name}"))
            else:
                # The reason first: a long description must not push it out of sight.
                why = f"[costs {lm.cost}, {actions_word(left)} left]"
                line = f"{move_title(lm.move)} {why} — {lm.move.description}"
                actions.add_option(Option(Text(line, style="dim"), id=f"no:{lm.move.name}"))

    def _orders_ahead(self, v: View) -> str:
        """In communications: what the orders to come will cost, so calls leave room for them."""
        later = sorted((m for m in self._priced("orders") if not m.barred),
                       key=lambda m: (-m.cost, move_title(m.move)))
        if not later:
            return ""
        costly = [f"{move_title(m.move)} ({m.cost})" for m in later if m.cost > 1]
        rest = "the others (1)" if len(costly) < len(later) else ""
        return f"Orders come next and share these actions: {', '.join([*costly, rest] if rest else costly)}."

    def _own(self, v: View) -> list[tuple[ProposalView, str]]:
        """This team's own calls and proposals placed this turn, each with its state in words."""
        unanswered = {
            (e.id, t)
            for e in this_turn(self.client.timeline(self.team))
            if isinstance(e, LeftUnanswered)
            for t in e.by
        }
        out = []
        for p in v.proposals:
            if p.by != self.team or not p.id.startswith(f"{v.turn}-"):
                continue
            out.append((p, self.own_status(p, unanswered)))
        return out

    @staticmethod
    def own_status(p: ProposalView, unanswered: AbstractSet[tuple[str, str]] = frozenset()) -> str:
        """A team's own call or proposal in words: ringing, waiting for an answer, answered,
        accepted, declined, unanswered (``unanswered``: the (proposal, target) pairs the phase
        closed on without an answer) or withdrawn."""
        call = p.call
        if p.status == "withdrawn":
            return "withdrawn"
        if p.status == "talking":
            return "answered, call open"
        if p.status == "ended":
            return "answered, call ended"
        if p.status == "open" and not p.answers:
            return "ringing" if call else "waiting for an answer"
        words = []
        for t in p.to:
            if t not in p.answers:
                words.append("ringing" if call else "waiting")
            elif (p.id, t) in unanswered:
                words.append("unanswered")
            elif p.answers[t]:
                words.append("answered" if call else "accepted")
            else:
                words.append("declined")
        return words[0] if len(set(words)) == 1 else ", ".join(words)

    def _own_line(self, p: ProposalView, status: str, names: dict[str, str]) -> Text:
        to = ", ".join(names.get(t, t) for t in p.to)
        hint = "  (r withdraws)" if self._withdrawable(p) else ""
        what = self.names.move_title(p.order.move)
        return Text.assemble("⇠ you → ", to, ": ", what, " · ", (status, "bold"), hint)

    @staticmethod
    def _withdrawable(p: ProposalView) -> bool:
        return p.status == "open" and not p.answers

    def _draft_cost(self) -> int:
        costs = {lm.move.name: lm.cost for lm in self.client.moves(self.team)}
        return sum(costs.get(o.move, 1) for o in self.draft)

    def _left(self, v: View) -> int:
        me = next(a for a in v.actors if a.id == self.team)
        return (v.value(BUDGET.name, self.team) or 0) - (me.spent or 0) - self._draft_cost()

    def _channels(self) -> list[Channel]:
        """The slow channels this team can send on (to someone)."""
        s = self.client.scenario
        return [c for c in s.channels if any(c.links(self.team, o) for o in s.actor_ids)]

    @work
    async def action_write(self) -> None:
        """Write a message on a slow channel: which channel (if several), to whom, the words."""
        channels = self._channels()
        if not channels:
            return
        channel: str | None = channels[0].id
        if len(channels) > 1:
            channel = await self.app.push_screen_wait(ChooseModal(
                "Send by which channel?",
                [(c.id, f"{c.name} (takes {c.delay} {c.unit[:-1] if c.delay == 1 else c.unit})")
                 for c in channels]))
        chosen = next((c for c in channels if c.id == channel), None)
        if chosen is None:
            return
        s = self.client.scenario
        to = await self.app.push_screen_wait(ChooseModal(
            f"To whom? ({chosen.name})",
            [(a.id, a.name) for a in s.actors if chosen.links(self.team, a.id)]))
        if not to:
            return
        text = await self.app.push_screen_wait(TextModal(
            f"Message to {s.actor(to).name} by {chosen.name}", placeholder="the words"))
        if text and self._send(Send(team=self.team, channel=chosen.id, to=to, text=text)):
            v = self.client.view(self.team)
            mine = [m for m in v.letters if m.by == self.team]
            if mine:
                self.notify(f"Sent. It arrives {self.names.due_text(mine[-1].due)}.")

    @work
    async def action_notepad(self) -> None:
        """The team's private notepad: its notes so far, and a line to add one."""
        notes = [e.text for e in self.client.timeline(self.team) if isinstance(e, TeamNoted)]
        text = await self.app.push_screen_wait(NotepadModal(notes))
        if text and text.strip() and self._send(TeamNote(team=self.team, text=text)):
            self.notify("Noted in your notepad (only your team reads it).")

    def _send(self, command: Command) -> bool:
        result = self.client.apply(command)
        if not result.accepted:
            self.notify(result.reason, title="Refused", severity="error")
        self.refresh_view()
        return result.accepted

    def _labels(self) -> dict[str, str]:
        s = self.client.scenario
        labels = {a.id: a.name for a in s.actors}
        labels.update({r.id: r.name for r in s.regions})
        labels.update({f.id: f.name or f.id for f in s.forces})
        return labels

    # -- actions ---------------------------------------------------------------------------
    @work
    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id or ""
        if key.startswith("call:"):
            await self.app.push_screen_wait(CallScreen(self.client, self.team, key[5:]))
            self.refresh_view()
            return
        if key.startswith("in:"):
            choice = await self.app.push_screen_wait(
                ChooseModal("Answer", [("accept", "Accept / answer"), ("decline", "Decline")])
            )
            if choice:
                self._send(Respond(team=self.team, proposal=key[3:], accept=choice == "accept"))
            return
        if key.startswith("no:"):
            self._why_not(key[3:])
            return
        if key.startswith("own:"):
            p = self._own_proposal(key[4:])
            if p is not None:
                more = " Press r to withdraw it." if self._withdrawable(p) else ""
                self.notify(f"{self.names.move_title(p.order.move)}: {self.own_status(p)}.{more}")
            return
        if not key.startswith("mv:"):
            return
        lm = next((m for m in self.client.moves(self.team) if m.move.name == key[3:]), None)
        if lm is None:
            return
        forces = self.client.scenario.force_by_id
        order = await self.app.push_screen_wait(OrderModal(lm, self._labels(), forces))
        if order is None:
            return
        if lm.move.phase == "communications":
            self._send(Propose(team=self.team, order=order))
        else:
            self.draft.append(order)
            self.refresh_view()

    def _selected_incoming(self) -> str | None:
        actions = self.query_one("#actions", OptionList)
        if actions.highlighted is None:
            return None
        key = actions.get_option_at_index(actions.highlighted).id or ""
        return key[3:] if key.startswith("in:") else None

    def action_accept(self) -> None:
        pid = self._selected_incoming()
        if pid:
            self._send(Respond(team=self.team, proposal=pid, accept=True))

    def action_decline(self) -> None:
        pid = self._selected_incoming()
        if pid:
            self._send(Respond(team=self.team, proposal=pid, accept=False))

    @work
    async def action_call(self) -> None:
        v = self.client.view(self.team)
        calls = [p for p in v.proposals if p.status == "talking" and self.team in (p.by, *p.to)]
        if calls:
            await self.app.push_screen_wait(CallScreen(self.client, self.team, calls[0].id))
            self.refresh_view()

    def _why_not(self, move: str) -> None:
        v = self.client.view(self.team)
        lm = next((m for m in self._priced() if m.move.name == move), None)
        if lm is not None and lm.barred:
            self.notify(f"{move_title(lm.move)}: {lm.barred}.", title="Not now", severity="warning")
        elif lm is not None:
            left = self._left(v)
            self.notify(
                f"{move_title(lm.move)} costs {lm.cost}, {actions_word(left)} left this turn.",
                title="Cannot afford it now",
                severity="warning",
            )

    def _own_proposal(self, pid: str) -> ProposalView | None:
        return next((p for p in self.client.view(self.team).proposals if p.id == pid), None)

    def action_remove(self) -> None:
        """Orders: drop the last drafted order. Communications: withdraw the highlighted
        unanswered proposal. Either way, say so when there is nothing to remove."""
        v = self.client.view(self.team)
        if v.phase == "orders":
            if self.team in v.orders:
                self.notify("Your orders are sealed: nothing can be removed.", severity="warning")
            elif self.draft:
                removed = self.draft.pop()
                self.notify(f"Removed: {_order_text(removed.to_dict(), self.names)}")
                self.refresh_view()
            else:
                self.notify("Nothing to remove: no orders drafted yet.", severity="warning")
            return
        if v.phase != "communications":
            self.notify(f"Nothing to remove in the {v.phase} phase.", severity="warning")
            return
        open_ = [p for p, _ in self._own(v) if self._withdrawable(p)]
        actions = self.query_one("#actions", OptionList)
        key = ""
        if actions.highlighted is not None:
            key = actions.get_option_at_index(actions.highlighted).id or ""
        chosen = next((p for p in open_ if key == f"own:{p.id}"), None)
        if chosen is None and len(open_) == 1:
            chosen = open_[0]
        if chosen is None:
            self.notify(
                "Highlight the proposal to withdraw (⇠ lines), then press r."
                if open_
                else "Nothing to withdraw: you have no unanswered call or proposal this turn.",
                severity="warning",
            )
            return
        self._withdraw(chosen)

    def _withdraw(self, p: ProposalView) -> None:
        if self._send(Withdraw(team=self.team, proposal=p.id)):
            self.notify(f"Withdrawn: {self.names.move_title(p.order.move)}")

    @work
    async def action_submit(self) -> None:
        v = self.client.view(self.team)
        if v.phase != "orders" or self.team in v.orders:
            self.notify("There are no orders to seal now.", severity="warning")
            return
        shown = "\n".join(_order_text(o.to_dict(), self.names) for o in self.draft)
        shown = shown or "no orders: pass this turn"
        question = ConfirmModal("Seal these orders? They cannot be changed.", shown)
        sealed = await self.app.push_screen_wait(question)
        if sealed and self._send(SubmitOrders(team=self.team, orders=tuple(self.draft))):
            self.draft = []
            self.refresh_view()

    @work
    async def action_finish(self) -> None:
        if self.draft:
            ok = await self.app.push_screen_wait(
                ConfirmModal("Leave without sealing?", "Your draft orders will be lost.")
            )
            if not ok:
                return
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(
            HelpModal(
                "team screen",
                screen_keys(self),
                "Enter on a move opens its form. Communications: a accepts, d declines, c opens "
                "a call, r withdraws your unanswered call or proposal. Orders: r removes the last "
                "order, s seals. Calls and orders share the turn's actions (top line); moves you "
                "cannot afford now are greyed, with what they cost. g argues for an action no move "
                "covers (once a turn, in communications or orders); o answers the facilitator's "
                "request for a counter-argument.",
            )
        )


class PlayedScreen(TeamScreen):
    """The screen of an actor the facilitator plays (``plays = "facilitator"``), opened from the
    console: the team screen for that actor — its view, its moves, its answers and orders —
    with no hand-over, since the facilitator sees everything anyway. Its orders are optional:
    the turn goes on without them."""

    BINDINGS = [
        Binding("escape", "finish", "Console",
                tooltip="Back to the console (what was sent stays; unsealed draft orders are lost)")
        if b.action == "finish" else b
        for b in TeamScreen.BINDINGS
        if isinstance(b, Binding)
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "finish":
            return True  # the facilitator's own console is always there to go back to
        return super().check_action(action, parameters)

    def _who(self, name: str) -> str:
        return f"{name} (you play it)"


class CallScreen(Screen[None]):
    """An answered hotline call: the two sides type in turn, may pledge, then hang up."""

    BINDINGS = [
        Binding("f2", "pledge", "Pledge", tooltip="Pledge something, as the side speaking now"),
        Binding("f4", "tone", "Tone",
                tooltip="Choose the tone (reassure, warn …) the side speaking now says its lines in"),
        Binding("f3", "hang_up", "Hang up", tooltip="End the call for both sides"),
        Binding("f1", "help", "Help", tooltip="The keys of this screen"),
        Binding("escape", "leave", "Back", tooltip="Back to the team's screen (the call stays open)"),
    ]

    OFFERS_QUIT = False
    """A team is at the keyboard: nothing here quits the whole app."""

    def __init__(self, client: SessionClient, team: str, call: str) -> None:
        super().__init__()
        self.client = client
        self.team = team
        self.call = call
        self.tones: dict[str, str] = {}
        """The tone each side chose here for its next lines (F4)."""
        self.words = Names.of(client.scenario)

    def compose(self) -> ComposeResult:
        yield Static(id="call-status")
        yield RichLog(id="transcript", wrap=True, markup=False, min_width=20)
        yield Input(placeholder="type a line and press Enter (as the speaker shown above)", id="say")
        yield SteadyFooter()

    def _proposal(self) -> ProposalView | None:
        return next((p for p in self.client.view(self.team).proposals if p.id == self.call), None)

    def on_mount(self) -> None:
        self.speaker = self.team
        self.refresh_view()
        self.query_one(Input).focus()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        """A running phase clock counts down in the header."""
        clock = self.client.view(self.team).clock
        if clock is not None and clock.running and self.is_mounted:
            p = self._proposal()
            if p is not None:
                self._header(p)

    @property
    def two_keyboards(self) -> bool:
        """Joined over the network: each side types on its own screen (no keyboard to pass)."""
        return self.client.joined is not None

    def refresh_view(self) -> None:
        p = self._proposal()
        if p is None:
            return
        self._header(p)
        names = {a.id: a.name for a in self.client.scenario.actors}
        words = self.words
        tone = self._tone(p, self.speaker)
        said_in = f" ({words.tone_title(tone)})" if tone else ""
        self.query_one("#say", Input).placeholder = (
            f"{names[self.speaker]}{said_in}: type a line and press Enter")
        log = self.query_one("#transcript", RichLog)
        log.clear()
        for (by, text), line_tone in zip(p.transcript, p.tones or ("",) * len(p.transcript), strict=True):
            shown = f" [{words.tone_title(line_tone)}]" if line_tone else ""
            log.write(Text.assemble((f"{names[by]}{shown}: ", "bold"), text))

    def _tone(self, p: ProposalView, side: str) -> str:
        """The tone ``side``'s next line is said in: the one chosen here (F4), else its last."""
        return self.tones.get(side) or p.tone_of(side)

    def _header(self, p: ProposalView) -> None:
        names = {a.id: a.name for a in self.client.scenario.actors}
        # The one typing now is the speaker; after a line the keyboard passes to the other side.
        listener = p.to[0] if self.speaker == p.by else p.by
        state = "call open" if p.status == "talking" else p.status
        if self.two_keyboards:
            turn = Text.assemble(
                ("You are ", "bold"), (names[self.speaker], "reverse"), "  ·  ",
                f"{names[listener]} types on its own screen; its lines appear here as they are said",
            )
        else:
            turn = Text.assemble(
                ("Speaking now: ", "bold"),
                (names[self.speaker], "reverse"),
                "  ·  ",
                f"the {self.client.bots[listener].name} bot answers for {names[listener]}"
                if listener in self.client.bots
                else Text.assemble(("next: ", "bold"), names[listener], " (keyboard passes after a line)"),
            )
        clock = clock_words(self.client.view(self.team), self.client.clock_left())
        words = self.words
        tones = Text.assemble(("Tone: ", "bold"), "  ·  ".join(
            f"{names[side]}: {words.tone_chosen(self._tone(p, side))}" for side in (p.by, p.to[0])),
            f"  ·  facilitator's rating {p.rating:+d}" if p.rating is not None else "")
        self.query_one("#call-status", Static).update(
            Text.assemble(("Hotline: ", "bold"), f"{names[p.by]} ↔ {names[p.to[0]]}  ·  {state}",
                          f"  ·  {clock}" if clock else "", "\n", turn, "\n", tones)
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        p = self._proposal()
        if p is None or not event.value.strip():
            return
        tone = self._tone(p, self.speaker)
        result = self.client.apply(Say(team=self.speaker, proposal=self.call, text=event.value, tone=tone))
        if not result.accepted:
            self.notify(result.reason, severity="error")
            return
        event.input.value = ""
        # Hot-seat: the facilitator hands the keyboard across after each line, unless a bot
        # holds the other end (it has answered already, through the client).
        other = p.to[0] if self.speaker == p.by else p.by
        if other not in self.client.bots and not self.two_keyboards:
            self.speaker = other
        self.refresh_view()

    @work
    async def action_pledge(self) -> None:
        kinds = self.client.pledge_kinds()
        # The pledge is made by the side typing now (named in the header and in this title).
        by = self.speaker
        name = self.client.scenario.actor(by).name
        names = Names.of(self.client.scenario)
        kind = await self.app.push_screen_wait(
            ChooseModal(
                f"{name} pledges…",
                [(k, f"{names.pledge_title(k)} — {names.pledge_text(k)}") for k in kinds],
            )
        )
        if not kind:
            return
        region = ""
        if kinds[kind][1]:
            regions = [(r.id, r.name) for r in self.client.scenario.regions]
            chosen = await self.app.push_screen_wait(ChooseModal("Which region?", regions))
            region = chosen or ""
            if not region:
                return
        turns = await self.app.push_screen_wait(TextModal("For how many turns?", value="2"))
        if not turns:
            return
        try:
            n = int(turns)
        except ValueError:
            self.notify(f"{turns!r} is not a whole number", severity="error")
            return
        result = self.client.apply(MakePledge(team=by, proposal=self.call, kind=kind, region=region, turns=n))
        if not result.accepted:
            self.notify(result.reason, severity="error")
        else:
            self.notify(f"Pledge recorded: {names.pledge_text(kind, region or None)}")

    @work
    async def action_tone(self) -> None:
        # The tone is chosen by the side typing now (named in the header and in this title);
        # it goes with each line that side says from now on.
        by = self.speaker
        words = self.words
        if not words.tones:
            self.notify("These rules give a call no tone: what is said is all there is.")
            return
        name = self.client.scenario.actor(by).name
        tone = await self.app.push_screen_wait(
            ChooseModal(f"{name} speaks in which tone?",
                        [(k, f"{title} — {does}") for k, (title, does) in words.tones.items()])
        )
        if tone:
            self.tones[by] = tone
            self.refresh_view()
            self.notify(f"{name} now speaks in the tone: {words.tone_title(tone)}")

    def action_hang_up(self) -> None:
        result = self.client.apply(HangUp(team=self.team, proposal=self.call))
        if not result.accepted:
            self.notify(result.reason, severity="error")
        self.dismiss(None)

    def action_leave(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(
            HelpModal(
                "hotline call",
                screen_keys(self),
                "Each side types in turn: the header names who is speaking now and who is next. "
                "F2 makes a pledge for the side speaking now; F4 chooses the tone its lines carry "
                "(reassure, apologise, inform, warn, demand …), which decides, with the pledges, "
                "what the call does when it ends. A side that chooses none counts as informing.",
            )
        )
