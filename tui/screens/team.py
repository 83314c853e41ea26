"""Hot-seat: the hand-over screen, a team's own screen, and the call screen.

A team's screen is built from that team's view only. Before it opens, and after it
closes, a hand-over screen that shows no team's information stands in between, so
the next person at the keyboard never glimpses the last team's picture.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, OptionList, RichLog, Static
from textual.widgets.option_list import Option

from detente.engine.commands import HangUp, MakePledge, Propose, Respond, Say, SubmitOrders
from detente.engine.state import Order
from detente.engine.views import ProposalView, View
from detente.tui.client import LocalClient
from detente.tui.panels import SteadyFooter
from detente.tui.screens.debrief import this_turn
from detente.tui.screens.forms import OrderModal
from detente.tui.screens.modals import ChooseModal, ConfirmModal, HelpModal, TextModal, screen_keys
from detente.tui.text import _order_text, notable


class HandoverScreen(Screen[None]):
    """'Pass the keyboard to …': shows no team's information."""

    BINDINGS = [
        Binding("enter", "ready", "Ready"),
        Binding("escape", "cancel", "Back"),
        Binding("f1", "help", "Help"),
    ]

    def __init__(self, client: LocalClient, team: str) -> None:
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


class TeamScreen(Screen[None]):
    """One team's view: briefing, injects, picture, and the moves it may make now."""

    BINDINGS = [
        Binding("s", "submit", "Seal orders"),
        Binding("r", "remove", "Remove order"),
        Binding("a", "accept", "Accept / answer"),
        Binding("d", "decline", "Decline"),
        Binding("c", "call", "Open call"),
        Binding("f1", "help", "Help"),
        Binding("escape", "finish", "Done"),
    ]

    def __init__(self, client: LocalClient, team: str) -> None:
        super().__init__()
        self.client = client
        self.team = team
        self.draft: list[Order] = []

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

    # -- rendering -------------------------------------------------------------------------
    def refresh_view(self) -> None:
        v = self.client.view(self.team)
        me = next(a for a in v.actors if a.id == self.team)
        left = (me.budget or 0) - (me.spent or 0) - self._draft_cost()
        status = Text.assemble(
            (me.name, "bold"),
            "  ·  ",
            v.label,
            "  ·  ",
            (v.phase, "reverse"),
            f"  ·  actions left: {left} of {me.budget}",
        )
        self.query_one("#team-status", Static).update(status)
        self.query_one("#briefing", Static).update(self._briefing(v))
        self.query_one("#picture", Static).update(self._picture(v))
        self._actions(v)

    def _briefing(self, v: View) -> Text:
        t = Text()
        t.append("Your briefing\n", style="bold underline")
        t.append(v.private_briefing.strip() + "\n\n")
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
        for p in v.pairs:
            if self.team in (p.a, p.b):
                other = p.b if p.a == self.team else p.a
                name = v.ladder[p.rung] if p.rung < len(v.ladder) else ""
                extra = ", hotline" if p.hotline else ""
                t.append(f"with {names[other]}: rung {p.rung} ({name}), tension {p.tension}{extra}\n")
        for o in v.outlooks:
            t.append(
                f"you → {names[o.other]}: trust {o.trust}, threat {o.threat}, "
                f"information {o.information:.2f}\n"
            )
        known = [f for f in v.forces if f.region is not None and f.owner != self.team]
        mine = [f for f in v.forces if f.owner == self.team]
        for f in mine:
            t.append(f"your {f.name}: {f.region}\n")
        for f in known:
            t.append(f"{names[f.owner]}'s {f.name}: {f.region}\n", style="dim")
        for pl in v.pledges:
            region = f" {pl.region}" if pl.region else ""
            t.append(f"pledge {pl.by} → {pl.to}: {pl.kind}{region} until turn {pl.until} ({pl.status})\n")
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
                actions.add_option(Option(f"⇢ {names[p.by]}: {p.order['move']}", id=f"in:{p.id}"))
            for p in v.proposals:
                if p.status == "talking" and self.team in (p.by, *p.to):
                    actions.add_option(Option(f"☎ call {p.id} is open", id=f"call:{p.id}"))
            for lm in self.client.moves(self.team):
                actions.add_option(
                    Option(f"{lm.move.name} ({lm.cost}) — {lm.move.description}", id=f"mv:{lm.move.name}")
                )
        elif v.phase == "orders" and not sealed:
            title.update("Moves (Enter adds) · r removes the last · s seals")
            left = self._left(v)
            for lm in self.client.moves(self.team):
                if lm.cost <= left:
                    actions.add_option(
                        Option(f"{lm.move.name} ({lm.cost}) — {lm.move.description}", id=f"mv:{lm.move.name}")
                    )
            lines = (
                "\n".join(f"{i}. {_order_text(o.to_dict())}" for i, o in enumerate(self.draft, 1))
                or "none yet"
            )
            draft.update(f"Orders so far:\n{lines}")
        elif v.phase == "orders":
            title.update("Your orders are sealed")
            draft.update("\n".join(_order_text(o.to_dict()) for o in v.orders.get(self.team, ())) or "pass")
        elif v.phase == "debrief":
            title.update("Debrief: what changed this turn, as you saw it")
            proposals: dict[str, object] = {}
            lines = []
            for e in this_turn(self.client.timeline(self.team)):
                if e["kind"] == "proposal":
                    proposals[e["id"]] = e
                text = notable(self.client.scenario, e, proposals)  # type: ignore[arg-type]
                if text:
                    lines.append(f"• {text}")
            draft.update("\n".join(lines) or "Nothing notable.")
        else:
            title.update(f"Nothing to do in the {v.phase} phase")

    def _draft_cost(self) -> int:
        costs = {lm.move.name: lm.cost for lm in self.client.moves(self.team)}
        return sum(costs.get(o.move, 1) for o in self.draft)

    def _left(self, v: View) -> int:
        me = next(a for a in v.actors if a.id == self.team)
        return (me.budget or 0) - (me.spent or 0) - self._draft_cost()

    def _send(self, command: object) -> bool:
        result = self.client.apply(command)  # type: ignore[arg-type]
        if not result.accepted:
            self.notify(result.reason, title="Refused", severity="error")  # type: ignore[union-attr]
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
        if not key.startswith("mv:"):
            return
        lm = next((m for m in self.client.moves(self.team) if m.move.name == key[3:]), None)
        if lm is None:
            return
        order = await self.app.push_screen_wait(OrderModal(lm, self._labels()))
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

    def action_remove(self) -> None:
        if self.draft:
            self.draft.pop()
            self.refresh_view()

    @work
    async def action_submit(self) -> None:
        v = self.client.view(self.team)
        if v.phase != "orders" or self.team in v.orders:
            self.notify("There are no orders to seal now.", severity="warning")
            return
        shown = "\n".join(_order_text(o.to_dict()) for o in self.draft) or "no orders: pass this turn"
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
        self.app.push_screen(HelpModal("team screen", screen_keys(self)))


class CallScreen(Screen[None]):
    """An answered hotline call: the two sides type in turn, may pledge, then hang up."""

    BINDINGS = [
        Binding("f2", "pledge", "Pledge"),
        Binding("f3", "hang_up", "Hang up"),
        Binding("f1", "help", "Help"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, client: LocalClient, team: str, call: str) -> None:
        super().__init__()
        self.client = client
        self.team = team
        self.call = call

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

    def refresh_view(self) -> None:
        p = self._proposal()
        if p is None:
            return
        names = {a.id: a.name for a in self.client.scenario.actors}
        other = p.to[0] if self.team == p.by else p.by
        self.query_one("#call-status", Static).update(
            Text.assemble(
                ("Hotline: ", "bold"),
                f"{names[p.by]} ↔ {names[p.to[0]]}  ·  {p.status}  ·  ",
                ("speaking: ", "bold"),
                names[self.speaker],
                f"  (the {self.client.bots[other].name} bot speaks for {names[other]})"
                if other in self.client.bots
                else f"  (after each line the keyboard passes to {names[other]})",
            )
        )
        log = self.query_one("#transcript", RichLog)
        log.clear()
        for by, text in p.transcript:
            log.write(Text.assemble((f"{names[by]}: ", "bold"), text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        p = self._proposal()
        if p is None or not event.value.strip():
            return
        result = self.client.apply(Say(team=self.speaker, proposal=self.call, text=event.value))
        if not result.accepted:
            self.notify(result.reason, severity="error")  # type: ignore[union-attr]
            return
        event.input.value = ""
        # Hot-seat: the facilitator hands the keyboard across after each line, unless a bot
        # holds the other end (it has answered already, through the client).
        other = p.to[0] if self.speaker == p.by else p.by
        if other not in self.client.bots:
            self.speaker = other
        self.refresh_view()

    @work
    async def action_pledge(self) -> None:
        kinds = self.client.pledge_kinds()
        kind = await self.app.push_screen_wait(
            ChooseModal(f"{self.speaker} pledges…", [(k, f"{k} — {d}") for k, (d, _) in kinds.items()])
        )
        if not kind:
            return
        region = ""
        if kinds[kind][1]:
            regions = [(r.id, r.name) for r in self.client.scenario.regions]
            region = await self.app.push_screen_wait(ChooseModal("Which region?", regions)) or ""
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
        result = self.client.apply(
            MakePledge(team=self.speaker, proposal=self.call, kind=kind, region=region, turns=n)
        )
        if not result.accepted:
            self.notify(result.reason, severity="error")  # type: ignore[union-attr]
        else:
            self.notify(f"Pledge recorded: {kind}")

    def action_hang_up(self) -> None:
        result = self.client.apply(HangUp(team=self.team, proposal=self.call))
        if not result.accepted:
            self.notify(result.reason, severity="error")  # type: ignore[union-attr]
        self.dismiss(None)

    def action_leave(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(
            HelpModal(
                "hotline call",
                screen_keys(self),
                "Each side types in turn; the facilitator hands the keyboard across.",
            )
        )
