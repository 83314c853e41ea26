"""Plain-text rendering of views and turn summaries, and the words people read for ids.

Everything here is built from a :class:`~detente.engine.views.View` or from events
a role may see — never from the raw state — and holds nothing that differs between
two runs with the same seed (no paths, no clock).

:class:`Names` is the one place an id becomes what a person reads: a move's or pledge
kind's title (declared by the ruleset), an actor's, region's or force's name (from the
scenario), an objective's text, a pledge as its filled-in promise. Screens, the debrief and
the reports all say things through it; ids stay for what a person types (CLI flags, orders
files) and for logs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import field, frozen

from detente.engine import entries
from detente.engine.aar import proposal_noun
from detente.engine.argued import odds_words
from detente.engine.entries import TimelineEntry
from detente.engine.ruleset import Ruleset, RulesetNotFound, default_title, find_ruleset
from detente.engine.scenario import Scenario
from detente.engine.tracks import BUDGET, EVERYONE
from detente.engine.views import View

_VALUE_WORDS = {
    "answer": "chance of answering",
    "agreement": "incidents agreement",
    "information": "information",
    "proximity": "force proximity",
}

_CHOICE_WORDS = {"deploy": "deployment"}

_OUTCOME_WORDS = {
    "de-escalation": "de-escalation",  # the word has its hyphen
    "turn-limit": "the last turn was reached",
    "ended": "ended early by the facilitator",
    "scenario": "a scenario ending",
}


def in_sentence(title: str) -> str:
    """A title as it reads inside a sentence: its first letter in lower case, unless its first
    word is an acronym or a name written in capitals.

    >>> in_sentence("Ships at the quarantine line"), in_sentence("USA face")
    ('ships at the quarantine line', 'USA face')
    """
    first = title.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return title
    return title[:1].lower() + title[1:]


@frozen
class Names:
    """Id → what a person reads, for one scenario and its ruleset.

    >>> n = Names(actors={"red": "Corvanian Federation"}, moves={"hotline_call": "Hotline call"})
    >>> n.move_title("hotline_call"), n.actor_name("red"), n.move_title("stand_down")
    ('Hotline call', 'Corvanian Federation', 'Stand down')
    """

    actors: Mapping[str, str] = field(factory=dict)
    """Actor and alliance id → name."""
    regions: Mapping[str, str] = field(factory=dict)
    forces: Mapping[str, str] = field(factory=dict)
    moves: Mapping[str, str] = field(factory=dict)
    """Move id → title (the ruleset's ``[titles.moves]``)."""
    pledges: Mapping[str, tuple[str, str]] = field(factory=dict)
    """Pledge kind → (title, promise template with ``{region}`` and ``{turns}``)."""
    objectives: Mapping[str, str] = field(factory=dict)
    """Objective id → its text."""
    injects: Mapping[str, str] = field(factory=dict)
    """Inject id → its title."""
    turn_label: str = "Turn {turn}"
    turn_labels: tuple[str, ...] = ()
    channels: Mapping[str, str] = field(factory=dict)
    """Slow channel id → its name (``[[channels]]``)."""
    nouns: Mapping[str, str] = field(factory=dict)
    """Move id → what a call or proposal of it is (:func:`~detente.engine.aar.proposal_noun`)."""
    values: Mapping[str, str] = field(factory=dict)
    """The scenario's own values (``[[tracks]]``): id → title, as a sentence says it."""
    tones: Mapping[str, tuple[str, str]] = field(factory=dict)
    """Call tone → (title, what saying it does), in the ruleset's order (``[titles.tones]``)."""
    default_tone: str = ""
    """The call tone a side that chose none counts as (the ruleset's); empty if none."""

    @classmethod
    def of(cls, scenario: Scenario | None, ruleset: Ruleset | None = None) -> Names:
        """The names of ``scenario`` and its ruleset (found by name when not given; a ruleset
        that is not installed leaves moves and pledges as their ids in words)."""
        if scenario is None:
            return cls()
        if ruleset is None:
            try:
                ruleset = find_ruleset(scenario.rules.name)
            except RulesetNotFound:
                ruleset = None
        return cls(
            actors={**{al.id: al.name for al in scenario.alliances},
                    **{a.id: a.name for a in scenario.actors}},
            regions=dict(scenario.region_names),
            forces=dict(scenario.force_names),
            moves={k: mt.title for k, mt in ruleset.moves.items()} if ruleset else {},
            pledges={k: (pt.title, pt.description) for k, pt in ruleset.pledges.items()} if ruleset else {},
            objectives={o.id: o.text for o in scenario.objectives},
            injects={i.id: i.title for i in scenario.injects},
            turn_label=scenario.turns.label,
            turn_labels=tuple(scenario.turns.labels),
            channels={c.id: c.name for c in scenario.channels},
            nouns={k: proposal_noun(ruleset, k) for k in ruleset.moves} if ruleset else {},
            values={k: in_sentence(t.label) for k, t in scenario.own_tracks.items()},
            tones={k: (t.title, t.description) for k, t in ruleset.call_tones.items()} if ruleset else {},
            default_tone=ruleset.default_tone if ruleset else "",
        )

    @classmethod
    def of_view(cls, v: View, scenario: Scenario | None = None) -> Names:
        """The scenario's names, or what a view alone knows (actors and forces) without it."""
        if scenario is not None:
            return cls.of(scenario)
        return cls(actors={a.id: a.name for a in v.actors}, forces={f.id: f.name or f.id for f in v.forces})

    # -- one id ----------------------------------------------------------------------------
    def actor_name(self, actor: str) -> str:
        """An actor's (or alliance's) name."""
        return self.actors.get(actor, actor)

    def short_name(self, actor: str) -> str:
        """An actor's name cut to its telling word, for a narrow table: what follows the last
        "of" (``Republic of Azuria`` → ``Azuria``), else the first word (``Corvanian
        Federation`` → ``Corvanian``); the whole name where two would read the same.

        >>> n = Names(actors={"a": "Republic of Azuria", "b": "Corvanian Federation", "c": "Esterland"})
        >>> n.short_name("a"), n.short_name("b"), n.short_name("c"), n.short_name("x")
        ('Azuria', 'Corvanian', 'Esterland', 'x')
        """
        def cut(name: str) -> str:
            return name.rsplit(" of ", 1)[1] if " of " in name else name.split(" ", 1)[0]

        if actor not in self.actors:
            return actor
        mine = cut(self.actors[actor])
        clash = sum(1 for k, name in self.actors.items() if cut(name) == mine) > 1
        return self.actors[actor] if clash else mine

    def short_pair(self, a: str, b: str) -> str:
        """A pair in short names (``Azuria–Corvanian``), for a narrow table."""
        return f"{self.short_name(a)}–{self.short_name(b)}"

    def actors_names(self, actors: Iterable[str]) -> str:
        """Several actors' names, joined with commas."""
        return ", ".join(self.actor_name(a) for a in actors)

    def pair_name(self, a: str, b: str) -> str:
        """A pair, ``Republic of Azuria–Corvanian Federation``."""
        return f"{self.actor_name(a)}–{self.actor_name(b)}"

    def of_text(self, of: Sequence[str]) -> str:
        """What a value belongs to: a pair (``Republic of Azuria–Corvanian Federation``), a
        holder and the other, or an alliance."""
        return "–".join(self.actor_name(x) for x in of)

    def region_name(self, region: str | None) -> str:
        return "" if not region else self.regions.get(region, region)

    def channel_name(self, channel: str) -> str:
        """A slow channel's name (``Diplomatic cable``)."""
        return self.channels.get(channel, channel)

    def due_text(self, due: tuple[int, str]) -> str:
        """When a message arrives, in words: ``Turn 3`` (at its briefing), or ``Turn 2, orders``."""
        turn, phase = due
        label = self.turn_name(turn)
        return label if phase == "briefing" else f"{label}, {phase}"

    def force_name(self, force: str | None) -> str:
        return "" if not force else self.forces.get(force, force)

    def move_title(self, move: str) -> str:
        """A move's title (``Hotline call``)."""
        return self.moves.get(move) or default_title(move)

    def pledge_title(self, kind: str) -> str:
        """A pledge kind's title (``No deployment``)."""
        return self.pledges[kind][0] if kind in self.pledges else default_title(kind)

    def tone_title(self, tone: str) -> str:
        """A call tone's title (``Reassure``); empty for no tone."""
        return (self.tones[tone][0] if tone in self.tones else default_title(tone)) if tone else ""

    def tone_chosen(self, tone: str) -> str:
        """A side's tone on a call, as a person reads it: its title, or for a side that chose
        none what that counts as (``no tone chosen (counts as Inform)``).

        >>> n = Names(tones={"inform": ("Inform", "")}, default_tone="inform")
        >>> n.tone_chosen("warn"), n.tone_chosen("")
        ('Warn', 'no tone chosen (counts as Inform)')
        """
        if tone:
            return self.tone_title(tone)
        if self.default_tone:
            return f"no tone chosen (counts as {self.tone_title(self.default_tone)})"
        return "no tone chosen"

    def value_name(self, value: str) -> str:
        """A tracked value in words (``answer`` → ``chance of answering``; a scenario's own by
        its title: ``ships at the quarantine line``)."""
        return self.values.get(value) or _VALUE_WORDS.get(value, value.replace("_", " "))

    @staticmethod
    def outcome_name(result: str) -> str:
        """How a session ended, in words (``turn-limit`` → ``the last turn was reached``)."""
        return _OUTCOME_WORDS.get(result, result.replace("-", " ").replace("_", " "))

    def choice_name(self, choice: str) -> str:
        return _CHOICE_WORDS.get(choice, choice.replace("_", " "))

    def objective_name(self, objective: str) -> str:
        """An objective as its text."""
        return self.objectives.get(objective, default_title(objective))

    def inject_title(self, inject: str) -> str:
        return self.injects.get(inject, inject)

    def turn_name(self, turn: int) -> str:
        """A turn's label (``Day 3``)."""
        if 1 <= turn <= len(self.turn_labels):
            return self.turn_labels[turn - 1]
        return self.turn_label.format(turn=turn) if turn >= 1 else "Start"

    # -- composed --------------------------------------------------------------------------
    def pledge_text(self, kind: str, region: str | None = None, until: int | None = None,
                    made: int | None = None) -> str:
        """What the pledging team promised, filled in: ``deploy no forces into Velin Strait
        until Day 5``. With ``made`` the length is counted (``for 3 turns, until Day 5``)."""
        if until is None:
            turns = "the turns agreed"
        elif made is not None and until >= made:
            k = until - made + 1
            turns = f"{k} turn{'s' if k != 1 else ''} (until {self.turn_name(until)})"
        else:
            turns = ""
        template = self.pledges[kind][1] if kind in self.pledges else ""
        if not template:
            where = " in {region}" if region else ""
            template = f"{self.pledge_title(kind).lower()}{where} for {{turns}}"
        if not turns:  # only the last turn is known: "… until Day 5"
            template = template.replace("for {turns}", "{turns}")
            turns = f"until {self.turn_name(until or 0)}"
        where = self.region_name(region) or "the region"
        return template.replace("{region}", where).replace("{turns}", turns)

    def order_text(self, o: Mapping[str, Any]) -> str:
        """An order as people read it: ``Deploy a force: Corvanian Northern Fleet task group to
        Velin Strait``; a statement's words in quotes."""
        args: list[str] = []
        if o.get("choice"):
            args.append(self.choice_name(str(o["choice"])))
        if o.get("force"):
            args.append(self.force_name(o["force"]))
        if o.get("target"):
            args.append(("to " if o.get("force") or o.get("choice") else "") + self.actor_name(o["target"]))
        if o.get("targets"):
            args.append(self.actors_names(o["targets"]))
        if o.get("region"):
            args.append(("to " if o.get("force") else "in ") + self.region_name(o["region"]))
        text = self.move_title(str(o["move"])) + (f": {' '.join(args)}" if args else "")
        if o.get("text"):
            text += f' "{o["text"]}"'
        return text

    def pledge_choice(self, kind: str) -> str:
        """A pledge kind offered for choosing: ``No deployment — deploy no forces into a region
        you name for the turns you give``."""
        template = self.pledges[kind][1] if kind in self.pledges else ""
        said = (template.replace("{region}", "a region you name").replace("{turns}", "the turns you give")
                if template else "")
        return f"{self.pledge_title(kind)} — {said}" if said else self.pledge_title(kind)

    def proposal_words(self, move: str) -> str:
        """What a proposal of ``move`` is, as a noun phrase (``offer of a hotline``)."""
        return proposal_words(self, move)

    def cause_text(self, cause: str) -> str:
        """A change's cause as people read it: an inject's effects name it by id (``inject
        survey-ship``); people read its title."""
        if cause.startswith("inject ") and cause[7:] in self.injects:
            return f'inject "{self.inject_title(cause[7:])}"'
        # Not machine_words: a cause may quote a team's words (a statement).
        return cause

    @staticmethod
    def value_text(v: object) -> str:
        """A value's setting: ``yes``/``no`` for a flag, the number otherwise."""
        return ("yes" if v else "no") if isinstance(v, bool) else str(v)

    def roll_text(self, about: str) -> str:
        """What a roll was about (its ``about``, engine-made), in names."""
        return self.machine_words(about)

    _TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

    def machine_words(self, text: str) -> str:
        """Engine-made text that names things by id (a roll's ``about``: ``blue detects
        red-fleet moving to strait``) with each actor, force and region id replaced by its name.
        Never for text a person wrote."""
        def swap(m: re.Match[str]) -> str:
            w = m.group(0)
            return self.actors.get(w) or self.forces.get(w) or self.regions.get(w) or w
        return self._TOKEN.sub(swap, text)


def clock_words(v: View, left: float | None) -> str:
    """The phase clock on a status line: ``clock 12:35``, ``(paused)`` when it is; empty with
    no clock. ``left``: the client's measure of the seconds left now."""
    if v.clock is None:
        return ""
    return f"clock {clock_text(v.clock.left if left is None else left)}" + (
        "" if v.clock.running else " (paused)")


def clock_text(seconds: float | None) -> str:
    """``MM:SS`` (``H:MM:SS`` past an hour) for the clock's digits; ``--:--`` with no clock.

    >>> clock_text(754.2), clock_text(0), clock_text(3725), clock_text(None)
    ('12:35', '00:00', '1:02:05', '--:--')
    """
    if seconds is None:
        return "--:--"
    s = max(0, int(seconds + 0.999))  # 0.2 s left still shows 00:01: the time is not up yet
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def value_text(x: object) -> str:
    """A tracked value in words: a fraction to two decimals, a whole number as it is, a flag as
    yes or no, a hidden value as "–"."""
    if x is None:
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.2f}"
    return str(x)


def own_value_lines(v: View, names: Names | None = None,
                    scopes: Sequence[str] = ("global", "actor", "pair", "directed")) -> list[str]:
    """The scenario's own values (its ``[[tracks]]``) of ``scopes`` that the view holds, one line
    each, by title: ``Crew detained: yes``, ``Face: Azuria 4, Rubria 1``, ``Talks:
    Azuria–Rubria 2``. Empty when the scenario has none or the role sees none of them."""
    n = names or Names.of_view(v)
    lines = []
    for t in v.tracks.values():
        table = v.table(t.name) if t.scenario and t.scope in scopes else {}
        if not table:
            continue
        if t.scope == "global":
            lines.append(f"{t.label}: {value_text(next(iter(table.values())))}")
            continue
        said = []
        for k, x in table.items():
            ids = k if isinstance(k, tuple) else (k,)
            whose = (" → " if t.scope == "directed" else "–").join(n.actor_name(i) for i in ids)
            said.append(f"{whose} {value_text(x)}")
        lines.append(f"{t.label}: {', '.join(said)}")
    return lines


def _rung_name(ladder: Sequence[str], r: int) -> str:
    return ladder[r] if 0 <= r < len(ladder) else ""


def render_view(v: View, scenario: Scenario | None = None, names: Names | None = None) -> str:
    """A view as readable text, section by section, in the scenario's names (give ``scenario``
    or ``names``; without either, regions show as their ids)."""
    n = names or Names.of_view(v, scenario)
    out: list[str] = []
    out.append(f"{v.title} — {v.label}, {v.phase} (as {n.actor_name(v.role)})")
    if v.outcome is not None:
        out.append(f"Outcome: {n.outcome_name(v.outcome.result)} — {v.outcome.reason}")
        scores = ", ".join(f"{n.actor_name(k)} {s}" for k, s in v.outcome.scores.items())
        out.append(f"Scores: {scores}")
    out.append("")
    out.append("Escalation")
    escalation = v.tracks.get(v.escalation)
    pair_tracks = v.scoped("pair")
    for p in v.pairs:
        said = []
        level = v.escalation_of(p.a, p.b)
        if escalation is not None and level is not None:
            said.append(f"{escalation.label.lower()} {value_text(level):>3}")
        if p.rung is not None:
            said.append(f"rung {p.rung} ({_rung_name(v.ladder, p.rung)})")
        said += [f"{name} {value_text(x)}" for name, x in p.figures.items() if x is not None]
        flags = []
        for t in pair_tracks:
            x = v.value(t.name, p.a, p.b)
            if t.name == v.escalation or t.name in p.figures or x is None:
                continue  # said above (a figure worked out for the role replaces a starting value)
            if t.type is bool:
                if x:
                    flags.append(t.label.lower())
            else:
                said.append(f"{t.label.lower()} {value_text(x)}")
        extra = f" [{', '.join(flags)}]" if flags else ""
        out.append(f"  {n.pair_name(p.a, p.b)}: {', '.join(said)}{extra}")
    out.append("Actors")
    # What everyone sees first (readiness), then what only some do (budget, pressure).
    actor_tracks = sorted(v.scoped("actor"), key=lambda t: t.seen_by != EVERYONE)
    for a in v.actors:
        said = []
        for t in actor_tracks:
            x = v.value(t.name, a.id)
            if x is None:
                continue
            spent = f" (spent {a.spent})" if t.name == BUDGET.name and a.spent is not None else ""
            said.append(f"{t.label.lower()} {value_text(x)}{spent}")
        out.append(f"  {a.name}: {', '.join(said)}")
    directed = v.scoped("directed")
    if directed:
        out.append(f"Outlooks (holder → other: {', '.join(t.label.lower() for t in directed)})")
        keys = dict.fromkeys(k for t in directed for k in v.table(t.name))
        for k in keys:
            holder, other = k if isinstance(k, tuple) else (k, "")
            line = ", ".join(value_text(v.value(t.name, holder, other)) for t in directed)
            out.append(f"  {n.actor_name(holder)} → {n.actor_name(other)}: {line}")
    alliance_tracks = v.scoped("alliance")
    if alliance_tracks:
        out.append("Alliances")
        keys = dict.fromkeys(k for t in alliance_tracks for k in v.table(t.name))
        for k in keys:
            line = ", ".join(f"{t.label.lower()} {value_text(v.value(t.name, str(k)))}"
                             for t in alliance_tracks if v.value(t.name, str(k)) is not None)
            out.append(f"  {n.actor_name(str(k))}: {line}")
    own = own_value_lines(v, n, scopes=("global",))  # the others are said with what they belong to
    if own:
        out.append("The scenario's values")
        out += [f"  {line}" for line in own]
    out.append("Forces")
    for f in v.forces:
        where = n.region_name(f.region) if f.region is not None else "unknown"
        out.append(f"  {f.name or n.force_name(f.id)} ({n.actor_name(f.owner)}, {f.kind}): {where}")
    if v.pledges:
        out.append("Pledges")
        for pl in v.pledges:
            out.append(f"  {n.actor_name(pl.by)} to {n.actor_name(pl.to)}: "
                       f"{n.pledge_text(pl.kind, pl.region, pl.until)} — {pl.status}")
    if v.orders:
        out.append("Sealed orders")
        for team, orders in v.orders.items():
            shown = "; ".join(n.order_text(o.to_dict()) for o in orders) or "pass"
            out.append(f"  {n.actor_name(team)}: {shown}")
    if v.inbox:
        out.append("Injects received")
        for d in v.inbox:
            out.append(f"  {n.turn_name(d.turn)}: {d.title}")
    return "\n".join(out)


def _order_text(o: Mapping[str, Any], names: Names | None = None) -> str:
    """An order in words: :meth:`Names.order_text` with ``names``. Without them, the old
    id form (``deploy red-fleet strait``) for the screens not yet given names — do not use
    it for anything new."""
    if names is not None:
        return names.order_text(o)
    args = [str(o[k]) for k in ("force", "target", "region", "choice") if o.get(k)]
    if o.get("targets"):
        args.append("+".join(o["targets"]))
    return str(o["move"]) + (f" {' '.join(args)}" if args else "")


def player(plays: str, bot: str = "") -> str:
    """Who plays an actor, as a table's ``played by`` column says it.

    >>> player("team"), player("facilitator"), player("background"), player("background", "dove")
    ('a team', 'the facilitator', 'a bot (background)', 'the dove bot (background)')
    """
    if plays == "facilitator":
        return "the facilitator"
    if plays == "background":
        return f"the {bot} bot (background)" if bot else "a bot (background)"
    return "a team"


def played_by(plays: str, bot: str = "") -> str:
    """Who plays an actor, in words (empty for a team: that goes without saying); ``bot``, the
    name of a background actor's bot, only where the reader may know it (the facilitator).

    >>> played_by("team"), played_by("facilitator"), played_by("background"), played_by("background", "dove")
    ('', 'played by the facilitator', 'background', 'background: the dove bot')
    """
    if plays == "facilitator":
        return "played by the facilitator"
    if plays == "background":
        return f"background: the {bot} bot" if bot else "background"
    return ""


def facilitator_briefing(scenario: Scenario, v: View, names: Names | None = None) -> str:
    """The facilitator's briefing as text: what the exercise trains, the public briefing, each
    team's private briefing, and what the draws gave (``v``: the facilitator's view)."""
    n = names or Names.of(scenario)
    parts: list[tuple[str, str]] = []
    goals = scenario.scenario.learning_objectives
    if goals:
        parts.append(("What this exercise trains", "\n".join(f"- {g}" for g in goals)))
    parts.append(("Public briefing", scenario.scenario.briefing))
    for a in scenario.actors:
        role = played_by(a.plays, a.stand_in if a.plays == "background" else "")
        head = f"Private briefing of {n.actor_name(a.id)}" + (f" ({role})" if role else "")
        parts.append((head, a.briefing))
    if v.draws:
        parts.append(("What was drawn", "\n".join(f"{d.title}: {d.option}" for d in v.draws)))
    return "\n\n".join(f"{head}:\n{body.strip()}" for head, body in parts if body.strip())


def turn_summary(
    scenario: Scenario, v: View, seen: Iterable[TimelineEntry], before: Mapping[tuple[str, str], int]
) -> list[str]:
    """A few lines on a turn that has just been published: each pair's rung (with its change)
    and the notable entries among ``seen`` (this turn's, as the view's role may see them)."""
    n = Names.of(scenario)
    lines = [f"{v.label}:"]
    for p in v.pairs:
        if p.rung is None:
            continue
        was = before.get((p.a, p.b))
        delta = "" if was is None or was == p.rung else (" ▲" if p.rung > was else " ▼") + f" from {was}"
        lines.append(f"  {n.pair_name(p.a, p.b)}: rung {p.rung} ({_rung_name(v.ladder, p.rung)}){delta}")
    for e in seen:
        text = notable(scenario, e, names=n)
        if text:
            lines.append(f"  - {text}")
    return lines


def proposal_words(names: Names, move: str) -> str:
    """What a proposal of ``move`` is, as a noun phrase (``offer of a hotline``)."""
    return names.nouns.get(move) or names.move_title(move).lower()


#: Moves whose plain result ("done") is still worth a line in a summary.
_NOTABLE_MOVES = frozenset(("deploy", "raise_readiness", "joint_exercise", "public_statement"))


def notable(scenario: Scenario | None, e: TimelineEntry, *, names: Names | None = None) -> str | None:
    """One line for an entry worth calling out in a summary, or None. An answer names what it
    answers, and a broken pledge says what was promised, when the role saw them (the entry
    carries them: :mod:`detente.engine.entries`)."""
    nm = names or Names.of(scenario)
    n = nm.actor_name

    def what(p: entries.Proposed | None) -> str:
        return "a proposal" if p is None else f"{n(p.by)}'s {proposal_words(nm, p.order.move)}"

    match e:
        case entries.Drawn():
            return f"drawn: {e.title}: {e.option}"
        case entries.InjectDelivered():
            return f"inject: {e.title}" + (f" (to {nm.actors_names(e.to)})" if e.to else "")
        case entries.Proposed():
            return f"{n(e.by)}: {proposal_words(nm, e.order.move)} to {nm.actors_names(e.to)}"
        case entries.Answered():
            return f"{n(e.by)} {'accepted' if e.accept else 'declined'} {what(e.about)}"
        case entries.LeftUnanswered():
            return f"{nm.actors_names(e.by)} left {what(e.about)} unanswered"
        case entries.Sent():
            return (f"{n(e.by)} sent {n(e.to)} a message by {nm.channel_name(e.channel)}, due "
                    f"{nm.due_text(e.due)}: “{e.text}”")
        case entries.Arrived():
            return f"message from {n(e.by)} to {n(e.to)} by {nm.channel_name(e.channel)} arrived: “{e.text}”"
        case entries.Pledged():
            return f"pledge: {n(e.by)} to {n(e.to)}: {nm.pledge_text(e.pledge, e.region, e.until)}"
        case entries.CallRated():
            call = e.about
            between = f"the call between {n(call.by)} and {nm.actors_names(call.to)}" if call else "a call"
            return f"the facilitator rated {between} {e.rating:+d}"
        case entries.PledgeSettled(status="broken"):
            p = e.pledge
            if p is None:
                return "a pledge was broken"
            return f"{n(p.by)} broke its pledge to {n(p.to)} ({nm.pledge_text(p.pledge, p.region, p.until)})"
        case entries.Breached():
            said = f"{e.text}; {n(e.to)} did not detect it"
            return f"revealed after the exercise: {said}" if e.revealed else f"unseen breach: {said}"
        case entries.Verified(result="exposed"):
            return e.text
        case entries.IncidentHappened() | entries.CrisisChanged():
            return e.text
        case entries.MoveResolved() if e.result not in ("", "done") or e.order.move in _NOTABLE_MOVES:
            return f"{n(e.team)}: {e.text}"
        case entries.Overridden():
            of = f" of {'/'.join(nm.actor_name(x) for x in e.of)}" if e.of else ""  # none: a global value
            return f"facilitator set {nm.value_name(e.value)}{of} to {e.to}: {e.reason}"
        case entries.Ended():
            return f"OUTCOME: {nm.outcome_name(e.result)} — {e.reason}"
        case entries.Argued() | entries.CountersAsked() | entries.Countered() | entries.Judged() \
                | entries.Narrated():
            return argued_line(e, nm)
        case entries.Observed() | entries.Evaluated():
            return evaluation_line(scenario, e, nm)
    return None


_FINDING_WORDS = {"strength": "a strength", "improvement": "an area for improvement"}


def evaluation_line(scenario: Scenario | None, e: entries.Observed | entries.Evaluated, nm: Names) -> str:
    """An observation or an HSEEP rating in words (the facilitator's and the evaluator's lines)."""
    from detente.engine.commands import EVALUATOR, HSEEP

    rater = "evaluator" if e.by == EVALUATOR else "facilitator"
    whom = f" {nm.actor_name(e.about)}" if e.about else ""
    if isinstance(e, entries.Observed):
        finding = f" ({_FINDING_WORDS[e.finding]})" if e.finding in _FINDING_WORDS else ""
        of = f", {scenario.turns.name(e.on_turn)}" if scenario is not None and e.on_turn != e.turn else ""
        return f"{rater} observed{whom}{of}{finding}: {e.text}"
    what = f"objective {e.objective}" if e.objective else e.capability
    hint = f" (suggested {e.suggested})" if e.suggested and e.suggested != e.rating else ""
    return (f"{rater} rated {what}{' for' + whom if whom else ''}: {e.rating} — "
            f"{HSEEP.get(e.rating, '')}{hint}: {e.reason}")


def argued_line(e: entries.TimelineEntry, nm: Names) -> str | None:
    """An argued action's entry in a line (a summary, the console's timeline, a debrief)."""
    n = nm.actor_name
    match e:
        case entries.Argued():
            return f"{n(e.by)} argued an action: “{e.action}”"
        case entries.CountersAsked():
            return f"counter-arguments asked of {nm.actors_names(e.to)} on {n(e.by)}'s “{e.action}”"
        case entries.Countered():
            return f"{n(e.by)} argued against argued action {e.id}: “{e.text}”"
        case entries.Judged():
            verdict = "it succeeds" if e.success else "it fails"
            return f"odds for {n(e.by)}'s “{e.action}”: {odds_words(e.odds)}, rolled {e.roll}: {verdict}"
        case entries.Narrated():
            how = "closed" if e.success is None else "succeeded" if e.success else "failed"
            return f"{n(e.by)}'s “{e.action}” {how}: {e.narrative}"
    return None
