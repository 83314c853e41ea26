"""No role's output holds what it may not see (issue 8, "Leaks").

Every bundled scenario is played with its example orders, plus a few facilitator commands that
reach the corners (a private inject whose effects touch values of every kind, overrides of a
cohesion and a pressure, a note; an evaluator's observation and rating). Then for every role —
each team, the public, the evaluator, and the facilitator as a control — every output is walked:
the view after every command, the timeline after every command, the replay at the end of every
turn (views, timelines, ``detente replay --as``), and the report in every format. Each value and
event shown is checked against who may see it, written out here from the issue rather than read
from the engine's table:

- tension, hotline, agreement, proximity, incidents and readiness: everyone; trust, threat,
  information, answer and credibility: their holder; pressure and budget: their actor; cohesion: the
  alliance's members;
- no seed, no roll, no flag, no facilitator note, no other team's sealed orders;
- a team's notepad only to that team: not to another team, the public, nor the facilitator (issue 13);
- the evaluator sees what the facilitator sees but the facilitator's notes and the seed; its
  observations and ratings reach no team and not the public (issue 13);
- a breach of a pledge its holder did not detect, and what a data exchange declared against what was
  there, only to their two parties and only after the session's outcome (issue 12); that a
  verification missed a false declaration, to no team;
- an inject's text and the why of its effects only to its addressees;
- the why of what a call or proposal changed (a dialogue's attendance, a call answered) only to
  its parties: a third party may see a public value move, never why;
- an argued action only to its team until the facilitator asks others for counter-arguments, then
  to those asked too; a counter-argument only to its author; the odds, the roll, the narrative and
  the why of what it changed only to those who saw the argument, unless the result is announced.

Structured data (views, timeline events, report facts) is compared against those rules; the
rendered text (Markdown, HTML, CSV, the replay text) is searched for forbidden words computed
from the facilitator's data.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from detente.engine.aar import Report, build
from detente.engine.annul import annullable
from detente.engine.commands import (
    EVALUATOR,
    FACILITATOR,
    SEES_ALL,
    AddInject,
    Annul,
    Argue,
    AskCounters,
    Command,
    Counter,
    Evaluate,
    Judge,
    Narrate,
    Note,
    Observe,
    Override,
    TeamNote,
)
from detente.engine.loader import load_scenario
from detente.engine.orders import load_script, next_command
from detente.engine.recorder import RecordedSession, replay, states_by_turn
from detente.engine.ruleset import find_ruleset
from detente.engine.scenario import Effect, Scenario
from detente.engine.state import State, initial_state
from detente.engine.views import PUBLIC, View, timeline, view
from detente.tui.render.report import md_escape, render_csv, render_html, render_markdown

ROOT = Path(__file__).resolve().parents[1]
STEMS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))

MARK = "Leakcheck"
PUBLIC_TEXT = "Leakcheck public text of an override"
"""What the facilitator chose to tell the teams about the tension override."""
NEUTRAL = "facilitator adjustment"
"""What teams read as the cause of an override the facilitator gave no public text for."""
PUBLIC_VALUES = ("tension", "hotline", "agreement", "readiness", "proximity", "incidents")
ONE_WAY = ("trust", "threat", "information", "answer", "credibility")
"""Values each actor holds about another, seen by the holder alone."""
HIDDEN_KINDS = ("roll", "flag", "note", "command")
PROPOSAL_KINDS = (
    "proposal", "response", "unanswered", "settled", "message", "pledge", "hang_up", "rating", "withdrawn",
)
ARGUED_KINDS = ("argued", "counters_asked", "countered", "judged", "narrated")


# -- the rules, as the issue states them ----------------------------------------------------------


def members(scenario: Scenario, alliance: str) -> tuple[str, ...]:
    return next(tuple(al.members) for al in scenario.alliances if al.id == alliance)


def may_see_value(scenario: Scenario, role: str, value: str, of: Sequence[str]) -> bool:
    """Whether ``role`` may see ``value`` of ``of``."""
    if role in SEES_ALL or value in PUBLIC_VALUES:
        return True
    kind = "actor" if value == "budget" else find_ruleset(scenario.rules.name).tracks[value].scope
    if kind in ("directed", "actor"):
        return role == of[0]
    assert kind == "alliance", value
    return role in members(scenario, of[0])


# -- one played session ---------------------------------------------------------------------------


@attrs.define
class Played:
    scenario: Scenario
    log: Path
    seed: int
    groups: list[list[dict[str, Any]]]
    """The events of each accepted command, in order (the facilitator's data)."""
    states: list[State]
    """The state after each command."""

    @property
    def events(self) -> list[dict[str, Any]]:
        return [e for g in self.groups for e in g]


def corner_commands(
    scenario: Scenario,
) -> dict[tuple[int, str], list[Command | Callable[[RecordedSession], Command]]]:
    """A private inject to an outsider of the first alliance and one of its members, touching a
    value of every kind; overrides of that alliance's cohesion and of the member's pressure; a note;
    an argued action of the outsider (a budget override first pays for it), countered by the member
    when asked, judged and narrated privately; and one the next turn whose result is announced."""
    al = scenario.alliances[0] if scenario.alliances else None
    # Without an alliance (Incident at Sea), two actors stand in for its members.
    member, other = al.members[:2] if al is not None else scenario.actor_ids[:2]
    outsider = next(a for a in scenario.actor_ids if a not in (al.members if al else (member, other)))
    inject = AddInject(
        title=f"{MARK} private cable",
        text=f"{MARK} cable text for {outsider} and {member} only",
        to=(outsider, member),
        effects=(
            *((Effect("cohesion", (al.id,), add=1),) if al is not None else ()),
            Effect("pressure", (member,), add=1),
            Effect("trust", (outsider, member), add=1),
            Effect("threat", (other, outsider), add=1),
            Effect("tension", (outsider, member), add=1),
        ),
    )
    def tension(rec: RecordedSession) -> Command:
        # A public value, moved by one point (an override must change something), with a text for teams.
        now = rec.state.value("tension", outsider, member)
        return Override("tension", (outsider, member), now + 1 if now < 50 else now - 1,
                        f"{MARK} tension override reason", public=PUBLIC_TEXT)

    def budget(rec: RecordedSession) -> Command:
        return Override("budget", (outsider,), rec.state.value("budget", outsider) + 1,
                        f"{MARK} budget override reason")

    private_effects = (Effect("tension", (member, outsider), add=-1),
                       Effect("trust", (member, outsider), add=1), Effect("pressure", (outsider,), add=1))
    return {
        (1, "briefing"): [budget],
        (1, "communications"): [
            Argue(outsider, f"{MARK} argued action of {outsider}", f"{MARK} arguments of {outsider}",
                  (member,)),
            AskCounters("1", (member,)),
            Counter(member, "1", f"{MARK} counter-argument of {member}"),
            TeamNote(member, f"{MARK} notepad of {member}"),
        ],
        (2, "communications"): [
            Argue(outsider, f"{MARK} announced action of {outsider}", f"{MARK} secret reasons of {outsider}"),
            Judge("2", 50),
            Narrate("2", f"{MARK} announced narrative", (Effect("tension", (member, outsider), add=1),),
                    public=True),
        ],
        (1, "orders"): [
            Judge("1", 70),
            Narrate("1", f"{MARK} private narrative", private_effects),
            inject,
            *([Override("cohesion", (al.id,), 33, f"{MARK} cohesion override reason")] if al else []),
            Override("pressure", (member,), 44, f"{MARK} pressure override reason"),
            tension,
            Note(f"{MARK} facilitator note"),
            TeamNote(outsider, f"{MARK} notepad of {outsider}"),
            Observe(f"{MARK} evaluator observation of {member}", about=member, finding="improvement"),
            Evaluate("M", f"{MARK} evaluator rating reason", capability=f"{MARK} capability"),
        ],
        # The first result of the first adjudication is annulled, with a reason only the facilitator reads.
        (1, "adjudication"): [
            lambda rec: Annul(annullable(rec.session)[0].target, f"{MARK} annulment reason"),
        ],
    }


def play(stem: str, log: Path) -> Played:
    scenario = load_scenario(ROOT / "scenarios" / f"{stem}.toml")
    script = load_script(ROOT / "scenarios" / "examples" / f"{stem}.orders.toml")
    extra = corner_commands(scenario)
    groups: list[list[dict[str, Any]]] = []
    states: list[State] = []
    with RecordedSession.create(scenario, log) as rec:
        seed = rec.session.seed
        while True:
            commands: list[Any] = extra.pop((rec.state.turn, rec.state.phase), [])
            cmd = next_command(rec.state, script) if not commands else None
            if cmd is not None:
                commands = [cmd]
            if not commands:
                break
            for c in commands:
                if callable(c):
                    c = c(rec)
                result = rec.apply(c)
                assert result.accepted, result.reason  # type: ignore[union-attr]
                groups.append(json.loads(json.dumps(list(result.events))))
                states.append(rec.state)
    assert not extra, "the session ended before the corner commands were given"
    return Played(scenario, log, seed, groups, states)


@pytest.fixture(scope="module", params=STEMS)
def played(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Played:
    return play(request.param, tmp_path_factory.mktemp("leaks") / f"{request.param}.jsonl")


# -- what the facilitator's data says each role may not read -----------------------------------------


def parties_by_proposal(events: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    return {e["id"]: {e["by"], *e["to"]} for e in events if e["kind"] == "proposal"}


def private_causes(p: Played) -> dict[str, set[str]]:
    """Cause text → who may read it, for causes that are not everyone's: the effects of a private
    inject (its addressees) and of an answer to a call or proposal (its parties), unless the same
    words are public anyway (a move everyone sees, like a signed agreement)."""
    parties = parties_by_proposal(p.events)
    public_words = {str(e.get("text")) for e in p.events if e["kind"] in ("move", "incident")
                    and e["vis"] == "all"}
    # A new hotline is announced, as the 1963 memorandum was (rules/hotline.py).
    public_words |= {e["cause"] for e in p.events if e["kind"] == "changed" and e["value"] == "hotline"}
    out: dict[str, set[str]] = {}
    for group in p.groups:
        audience: set[str] | None = None
        for e in group:
            if e["kind"] == "phase":
                audience = None
            elif e["kind"] == "inject":
                audience = set(e["to"]) or None
            elif e["kind"] in ("response", "unanswered", "hang_up", "rating"):
                # An answer, and what was said on a call when it ends or is rated: its parties'.
                audience = parties[e["id"]]
            elif e["kind"] == "narrated":
                audience = None if e["public"] else argued_audience(p.events)[e["id"]]
            elif e["kind"] == "changed" and audience is not None and e["cause"] not in public_words:
                out[e["cause"]] = out.get(e["cause"], audience) & audience
    return out


def argued_audience(events: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    """Argued action id → the teams that may read it: its team and every team asked to counter it."""
    out: dict[str, set[str]] = {}
    for e in events:
        if e["kind"] == "argued":
            out[e["id"]] = {e["by"]}
        elif e["kind"] == "counters_asked":
            out[e["id"]] |= set(e["to"])
    return out


def forbidden_words(p: Played, role: str) -> set[str]:
    """Words that must appear in none of ``role``'s outputs."""
    # A team's notepad is its own (issue 13): no other role reads it, the facilitator included.
    notes = {str(e["text"]) for e in p.events if e["kind"] == "team_note" and e["team"] != role}
    if role == FACILITATOR:
        return notes
    if role == EVALUATOR:  # all the facilitator sees but the facilitator's own notes
        return notes | {str(e["text"]) for e in p.events if e["kind"] == "note"}
    sc = p.scenario
    # The facilitator's words are the facilitator's (issue 9): every note and override reason.
    words = {f"{MARK} facilitator note"} | notes
    words |= {str(e["reason"]) for e in p.events if e["kind"] in ("override", "annul")}
    words |= {str(e["text"]) for e in p.events if e["kind"] == "note"}
    # What the evaluator records is the facilitator's and the evaluator's (issue 13).
    words |= {str(e["text"]) for e in p.events if e["kind"] == "observation"}
    words |= {str(e["reason"]) for e in p.events if e["kind"] == "evaluation"}
    for e in p.events:
        if e["kind"] == "inject" and e["to"] and role not in e["to"]:
            words |= {e["title"], f"inject {e['id']}"} | ({e["text"]} if e["text"] else set())
    words |= {cause for cause, who in private_causes(p).items() if role not in who}
    # Argued actions: the argument to its audience, a counter to its author, the narrative and the
    # action to the audience unless announced (then the action and narrative are everyone's).
    audience = argued_audience(p.events)
    announced = {e["id"] for e in p.events if e["kind"] == "narrated" and e["public"]}
    for e in p.events:
        if e["kind"] == "argued" and role not in audience[e["id"]]:
            words.add(e["arguments"])
            if e["id"] not in announced:
                words.add(e["action"])
        elif e["kind"] == "countered" and e["by"] != role:
            words.add(e["text"])
        elif e["kind"] == "narrated" and not e["public"] and role not in audience[e["id"]]:
            words.add(e["narrative"])
    for a in sc.actors:
        if a.id != role and a.briefing:
            words.add(a.briefing.strip().splitlines()[0])
    for inj in sc.injects:
        if inj.to and role not in inj.to and inj.text:
            words.add(inj.text.strip().splitlines()[0])
    return {w for w in words if len(w) >= 8}


def assert_clean(text: str, p: Played, role: str, where: str, escape: Any = str) -> None:
    for w in forbidden_words(p, role):
        assert escape(w) not in text, f"{role}'s {where} holds {w!r}"
    seed = re.search(rf"\bseed\b\W{{0,3}}{p.seed}\b", text)
    if role != FACILITATOR:
        assert seed is None, f"{role}'s {where} shows the seed: {seed.group(0)!r}"


# -- structured checks -------------------------------------------------------------------------------


def check_view(p: Played, v: View, role: str) -> None:
    sc = p.scenario
    if role in SEES_ALL:
        return
    for a in v.actors:
        if a.id != role:
            assert a.spent is None, f"{role} sees what {a.id} spent"
    # Every entry of every table the view holds is one the role may see, by the rules.
    for name, table in v.values.items():
        for key in table:
            of = key if isinstance(key, tuple) else (key,)
            assert may_see_value(sc, role, name, of), f"{role} sees {name} of {of}"
    # And by the declarations: a value its holder alone sees is held of no other holder, and an
    # alliance's value of no alliance the role is outside of.
    for name, track in v.tracks.items():
        if track.seen_by == "holder":
            assert all((k[0] if isinstance(k, tuple) else k) == role for k in v.table(name)), (role, name)
        elif track.seen_by == "members":
            assert all(role in members(sc, str(k)) for k in v.table(name)), (role, name)
        elif track.seen_by == "facilitator":
            assert not v.table(name), (role, name)
    assert set(v.orders) <= {role}, f"{role} sees the sealed orders of {set(v.orders) - {role}}"
    for d in v.inbox:
        assert not d.to or role in d.to, f"{role} holds inject {d.id} addressed to {d.to}"
    for pv in v.proposals:
        assert role in (pv.by, *pv.to), f"{role} sees proposal {pv.id}"
    audience = argued_audience(p.events)
    for a in v.arguments:
        assert all(by == role for by, _ in a.counters), f"{role} reads another team's counter to {a.id}"
        if role not in audience[a.id]:
            assert a.public and a.status == "narrated", f"{role} sees argued action {a.id}"
            assert a.arguments == "" and a.asked == (), f"{role} reads the arguments of {a.id}"
    assert v.briefings == {} and v.injects == ()


def check_timeline(p: Played, seen: Sequence[Mapping[str, Any]], role: str) -> None:
    sc = p.scenario
    for e in seen:
        if e["kind"] == "team_note":
            assert e["team"] == role, f"{role} reads {e['team']}'s notepad"
    if role == EVALUATOR:
        for e in seen:
            assert e["kind"] not in ("note", "command") and "seed" not in e, f"the evaluator reads {e}"
    if role in SEES_ALL:
        return
    parties = parties_by_proposal(p.events)
    causes = private_causes(p)
    in_review = False
    asked: dict[str, set[str]] = {}  # argued action → its team and the teams asked, as the role saw
    ended = False
    for e in seen:
        k = e["kind"]
        assert k not in HIDDEN_KINDS, f"{role} sees a {k}: {e}"
        if k in ARGUED_KINDS:
            known = asked.setdefault(e["id"], {e["by"]})
            if k == "counters_asked":
                known |= set(e["to"])
            if k in ("argued", "countered"):
                assert e["by"] == role, f"{role} reads {k} {e['id']} of {e['by']}"
            elif not (k == "narrated" and e["public"]):
                assert role in known, f"{role} sees {k} of argued action {e['id']} before it was shared"
        assert "seed" not in e, f"{role} sees the seed in {e}"
        if k == "orders":
            assert e["team"] == role, f"{role} sees {e['team']}'s sealed orders"
        elif k == "inject":
            assert not e["to"] or role in e["to"], f"{role} sees inject {e['id']} addressed to {e['to']}"
        elif k in ("changed", "override"):
            assert may_see_value(sc, role, e["value"], e["of"]), f"{role} sees {e['value']} of {e['of']}"
            cause = e.get("cause")
            if cause in causes:
                assert role in causes[cause], f"{role} reads why {e['value']} of {e['of']} moved: {cause!r}"
            if k == "override":
                # Teams read the facilitator's public text, or a neutral cause: never the reason.
                assert "public" not in e, f"{role} reads the override's fields as the facilitator: {e}"
                want = PUBLIC_TEXT if e["value"] == "tension" else NEUTRAL
                assert e["reason"] == want, f"{role} reads {e['reason']!r} as an override's cause"
        elif k in PROPOSAL_KINDS:
            pid = e["call"] if k == "pledge" else e["id"]
            assert role in parties[pid], f"{role} sees {k} of {pid}, a proposal it is not party to"
        elif k == "objective":
            assert e["actor"] == role, f"{role} sees {e['actor']}'s objective"
        elif k in ("breach", "declaration"):
            assert ended and e.get("revealed"), f"{role} learns of a {k} during play: {e}"
            assert role in (e["by"], e["to"]), f"{role} reads a {k} between {e['by']} and {e['to']}"
        elif k == "verification":
            assert role in (e["by"], e["to"]) and "missed" not in e, f"{role} reads {e}"
        elif k == "outcome":
            ended = True
        elif k == "crisis":
            assert role in e["between"], f"{role} sees a crisis between {e['between']}"
        if k == "phase":
            in_review = e["phase"] == "adjudication"
        elif in_review:
            pytest.fail(f"{role} sees an adjudication result before it is published: {e}")


_CHANGE = re.compile(r"^(?:the facilitator set )?(\w+) of (\S+) to ")


def check_report(p: Played, r: Report, role: str) -> None:
    sc = p.scenario
    own = [str(e["text"]) for e in p.events if e["kind"] == "team_note" and e["team"] == role]
    assert [n.text for n in r.notes] == own, f"{role}'s report: notes {r.notes}"
    assert [e.text for e in r.timeline if e.kind == "your note"] == own
    if role == FACILITATOR:
        assert r.seed == p.seed
        return
    assert r.seed is None, f"{role}'s report holds the seed"
    if role == EVALUATOR:
        return
    assert r.risk is None
    for c in r.changes.get("cohesion", ()):
        assert may_see_value(sc, role, "cohesion", c.of), f"{role}'s report holds the cohesion of {c.of}"
    for x in r.alliance_series:
        assert may_see_value(sc, role, "cohesion", (x.alliance,)), f"{role}'s report: {x.alliance}"
    for c in r.changes.get("trust", ()):
        assert may_see_value(sc, role, "trust", c.of)
    for row in r.series:
        for value in ONE_WAY:
            for holder, other, got in ((row.a, row.b, row.values[f"{value}_ab"]),
                                       (row.b, row.a, row.values[f"{value}_ba"])):
                assert got is None or may_see_value(sc, role, value, (holder, other))
    for entry in r.timeline:
        assert entry.kind not in ("roll", "note"), f"{role}'s report holds a {entry.kind}: {entry.text}"
        m = _CHANGE.match(entry.text)
        if entry.kind in ("change", "override") and m:
            value, of = m.group(1), tuple(m.group(2).split("–"))
            assert may_see_value(sc, role, value, of), f"{role}'s report: {entry.text}"
    for o in r.objectives:
        assert o.actor == role
    audience = argued_audience(p.events)
    for a in r.arguments:
        assert all(by == role for by, _ in a.counters), f"{role}'s report: a counter to {a.id}"
        assert role in audience[a.id] or (a.public and not a.arguments), f"{role}'s report: {a.id}"


def check_csv(p: Played, text: str, role: str) -> None:
    for row in csv.DictReader(io.StringIO(text)):
        for value in ONE_WAY:
            ab, ba = (row["a"], row["b"], f"{value}_ab"), (row["b"], row["a"], f"{value}_ba")
            for holder, other, col in (ab, ba):
                if row[col] != "":
                    assert may_see_value(p.scenario, role, value, (holder, other)), f"{role}'s CSV: {col}"


# -- the walk ----------------------------------------------------------------------------------------


def roles(p: Played) -> list[str]:
    return [*p.scenario.actor_ids, PUBLIC, EVALUATOR, FACILITATOR]


def _plain(x: Any) -> Any:
    # A view's tables are keyed by pairs of ids, which JSON cannot key by: join them.
    if isinstance(x, dict):
        return {"–".join(k) if isinstance(k, tuple) else k: _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    return x


def _json(x: Any) -> str:
    return json.dumps(_plain(x), default=str, ensure_ascii=False)


def seen_by(p: Played, events: Sequence[Mapping[str, Any]], role: str) -> list[Mapping[str, Any]]:
    return timeline(events, role, p.scenario)


def test_every_view_and_timeline_after_every_command(played: Played) -> None:
    p = played
    for role in roles(p):
        done = 0
        for group, state in zip(p.groups, p.states, strict=True):
            done += len(group)
            v = view(state, role)
            check_view(p, v, role)
            assert_clean(_json(attrs.asdict(v)), p, role, "view")
            seen = seen_by(p, p.events[:done], role)
            check_timeline(p, seen, role)
        assert_clean(_json(seen), p, role, "timeline")
        check_entries(p, seen, role)
        assert_clean("\n".join(debrief_lines(p, seen)), p, role, "debrief")
        if role not in SEES_ALL:
            # The tension override's public text is what every team and the public read.
            assert PUBLIC_TEXT in "\n".join(debrief_lines(p, seen)), f"{role}'s debrief lacks the public text"


def check_entries(p: Played, seen: Sequence[Mapping[str, Any]], role: str) -> None:
    """The typed entries a screen reads hold the role's events and nothing more: each keeps the
    very event the role saw, and what an entry is about (the call an answer answers, the pledge
    a broken pledge broke) is an entry of the same timeline, never something the role missed."""
    from detente.engine.entries import read

    entries = read(seen)
    assert [e.fields for e in entries] == list(seen), f"{role}: an entry is not the event it came from"
    mine = {id(e) for e in entries}
    for e in entries:
        linked = getattr(e, "about", None), getattr(e, "pledge", None)
        for x in linked:
            if x is not None and not isinstance(x, str):
                assert id(x) in mine, f"{role}: {e.kind} {e.fields.get('id')} is about what {role} never saw"
        assert_clean(_json(attrs.asdict(e, recurse=False, filter=lambda a, v: a.name != "fields")), p, role,
                     "timeline entry")


def debrief_lines(p: Played, seen: Sequence[Mapping[str, Any]]) -> list[str]:
    """What the debrief and the turn summary say of ``seen`` (detente.tui.render.text.notable)."""
    from detente.engine.entries import read
    from detente.tui.render.text import notable

    out = []
    for e in read(seen):
        line = notable(p.scenario, e)
        if line:
            out.append(line)
    return out


def test_replay_at_every_turn(played: Played, capsys: pytest.CaptureFixture[str]) -> None:
    from detente.tui.cli import main

    p = played
    rep = replay(p.log)
    by_turn = states_by_turn(rep.session, rep.events)
    cuts = [i for i, e in enumerate(rep.events) if e["kind"] == "phase" and e["phase"] == "briefing"]
    for role in roles(p):
        for turn, state in by_turn.items():
            v = view(state, role)
            check_view(p, v, role)
            assert_clean(_json(attrs.asdict(v)), p, role, f"replay view of turn {turn}")
        for cut in [*cuts, len(rep.events)]:
            seen = seen_by(p, rep.events[:cut], role)
            check_timeline(p, seen, role)
            assert_clean(_json(seen), p, role, "replayed timeline")
        for turn in (min(by_turn), max(by_turn)):
            capsys.readouterr()
            assert main(["replay", str(p.log), "--as", role, "--turn", str(turn)]) == 0
            assert_clean(capsys.readouterr().out, p, role, f"`detente replay --as {role} --turn {turn}`")


def test_report_in_every_format(played: Played) -> None:
    p = played
    rep = replay(p.log)
    s = rep.session
    for role in roles(p):
        r = build(initial_state(s.scenario, s.numbers), rep.events, role, ladder=s.ruleset.ladder,
                  header=rep.contents.header)
        check_report(p, r, role)
        assert_clean(render_markdown(r), p, role, "Markdown report", md_escape)
        overrides = [e.text for e in r.timeline if e.kind == "override"]
        assert any(PUBLIC_TEXT in t for t in overrides), f"{role}'s report lacks the override's public text"
        if role == FACILITATOR:
            assert any(f"{MARK} tension override reason" in t for t in overrides)
        assert_clean(render_html(r), p, role, "HTML report", html.escape)
        text = render_csv(r)
        check_csv(p, text, role)
        assert_clean(text, p, role, "CSV report")


def test_the_corners_are_reached(played: Played) -> None:
    """The checks above have something to catch: private causes, private injects, cohesion."""
    p = played
    causes = private_causes(p)
    assert any(c.startswith("inject adhoc-") for c in causes)
    if p.scenario.alliances:
        assert any(e["kind"] == "changed" and e["value"] == "cohesion" for e in p.events)
    assert any(e["kind"] == "start" for e in p.events)
    assert any(e["kind"] == "annul" for e in p.events)
    assert {"argued", "counters_asked", "countered", "judged", "narrated"} <= {e["kind"] for e in p.events}
    assert any(c.startswith("argued action 1 ") for c in causes)
    # And those who may read an argued action do: the member asked to counter reads the private
    # narrative (the checks above are not passing because nothing is shown).
    member = next(e["to"][0] for e in p.events if e["kind"] == "counters_asked")
    narratives = [e["narrative"] for e in seen_by(p, p.events, member) if e["kind"] == "narrated"]
    assert narratives == [f"{MARK} private narrative", f"{MARK} announced narrative"]
    # Each team that wrote in its notepad reads its own note back (and the checks above show no
    # one else does).
    for e in p.events:
        if e["kind"] == "team_note":
            assert e in seen_by(p, p.events, e["team"]), e
    # The evaluator reads what it recorded, and what the facilitator reads but the notes.
    kinds = {e["kind"] for e in seen_by(p, p.events, EVALUATOR)}
    assert {"observation", "evaluation", "roll", "override", "annul"} <= kinds and "note" not in kinds


def test_a_third_team_never_learns_the_tones_or_the_rating_of_a_call(tmp_path: Path) -> None:
    """Issue 12: each side's tone on a call, and the facilitator's rating of it, are seen by the
    two parties and the facilitator only; a third team sees the tension move, never why."""
    from detente.engine.commands import Advance, HangUp, Propose, RateCall, Respond, Say, Start
    from detente.engine.state import Order
    from detente.tui.render.report import load_report

    scenario = load_scenario(ROOT / "scenarios" / "strait_standoff.toml")
    words = (f"{MARK} we mean no harm", f"{MARK} leave the strait")
    with RecordedSession.create(scenario, tmp_path / "call.jsonl") as rec:
        for c in (Start(), Advance()):
            assert rec.apply(c).accepted
        caller, callee = next((a, b) for a in scenario.actor_ids for b in scenario.actor_ids
                              if a < b and rec.state.value("hotline", a, b))
        for c in (Propose(caller, Order("hotline_call", target=callee)), Respond(callee, "1-1", True),
                  Say(caller, "1-1", words[0], tone="reassure"), Say(callee, "1-1", words[1], tone="demand"),
                  RateCall("1-1", -1), HangUp(caller, "1-1"), Advance()):
            result = rec.apply(c)
            assert result.accepted, getattr(result, "reason", "")
        events = list(replay(rec.path).events)
        state = rec.state
    parties = {caller, callee}
    tones = {"reassure", "demand"}
    causes = {e["cause"] for e in events if e["kind"] == "changed" and "call between" in e["cause"]}
    assert any("reassured" in c and "made demands" in c for c in causes), causes
    assert any("rated the call" in c for c in causes), causes
    for role in [*scenario.actor_ids, PUBLIC, FACILITATOR]:
        seen = timeline(events, role, scenario)
        said = [e.get("tone") for e in seen if e["kind"] == "message"]
        rated = [e["rating"] for e in seen if e["kind"] == "rating"]
        calls = [p for p in view(state, role).proposals if p.id == "1-1"]
        report = load_report(tmp_path / "call.jsonl", role)
        text = render_markdown(report)
        if role in parties or role == FACILITATOR:
            assert said == ["reassure", "demand"] and rated == [-1], role
            assert {calls[0].tone_of(caller), calls[0].tone_of(callee)} == tones and calls[0].rating == -1
            assert "Tone: " in text and "rated the call" in text and "Reassure" in text, role
            continue
        assert not said and not rated and not calls, f"{role} sees the call"
        assert not any(e.get("cause") in causes for e in seen), f"{role} reads why tension moved"
        assert any(e["kind"] == "changed" and e["value"] == "tension" and set(e["of"]) == parties
                   for e in seen), f"{role} sees the tension of the pair move"
        for forbidden in (*words, *causes, "reassure", "Reassure", "made demands", "rated the call"):
            assert forbidden not in text, f"{role}'s report holds {forbidden!r}"
            assert forbidden not in _json(seen), f"{role}'s timeline holds {forbidden!r}"



# -- a crisis and a call for collective defence (issue 12) -------------------------------------------

CRISIS_WORLD = """
[scenario]
id = "crisis-leaks"
title = "Crisis leaks"

[turns]
limit = 4

[[actors]]
id = "blue"
name = "Azuria"

[[actors]]
id = "red"
name = "Corvania"

[[actors]]
id = "green"
name = "Cardia"

[[alliances]]
id = "pact"
name = "Pact"
members = ["blue", "green"]

[[regions]]
id = "strait"
name = "The Strait"
near = ["blue", "red"]

[[regions]]
id = "red-port"
name = "Port Corv"
near = ["red"]

[[forces]]
id = "red-fleet"
name = "Red Fleet"
owner = "red"
home = "red-port"

[[relations]]
between = ["blue", "red"]
tension = 70
hotline = true

[rules.overrides.incidents]
base = 1.0
cap = 1.0
serious_min = 2
grave_min = 2
calm_factor = 0.0

[rules.overrides.drift]
rate = 0.0
"""


def test_a_crisis_is_told_to_its_two_sides_and_allies_answers_to_the_alliance() -> None:
    """The crisis banner and the crisis's events reach the two sides and the facilitator only (not
    the victim's ally, not the public); how an ally answered a call for collective defence reaches
    the alliance's members, not the other side."""
    from detente.engine.commands import Advance, Propose, Respond, Start, SubmitOrders
    from detente.engine.loader import load_scenario_text
    from detente.engine.session import new_session
    from detente.engine.state import Order

    s = new_session(load_scenario_text(CRISIS_WORLD))
    events: list[dict[str, Any]] = []

    def do(*commands: Command) -> None:
        for c in commands:
            result = s.apply(c)
            assert result.accepted, result
            events.extend(result.events)  # type: ignore[union-attr]

    def to(phase: str) -> None:
        while s.state.phase != phase:
            do(Advance())

    do(Start())
    to("orders")
    do(SubmitOrders("red", (Order("deploy", force="red-fleet", region="strait"),)),
       SubmitOrders("blue", ()), SubmitOrders("green", ()))
    to("debrief")
    assert "crisis:blue:red" in s.state.marks
    to("communications")
    do(Propose("blue", Order("invoke_collective_defence", targets=("green",))),
       Respond("green", f"{s.state.turn}-1", True))
    sc = s.scenario
    for role in ("blue", "red", FACILITATOR):
        assert view(s.state, role).alerts, f"{role} is not told of its crisis"
        assert any(e["kind"] == "crisis" for e in timeline(events, role, sc)), role
    for role in ("green", PUBLIC):
        assert view(s.state, role).alerts == (), f"{role} is told of a crisis it is not party to"
        assert not any(e["kind"] == "crisis" for e in timeline(events, role, sc)), role
    solidarity = [e for e in events if e["kind"] == "move" and e.get("result") == "solidarity"]
    assert solidarity, "the ally's answer was not recorded"
    for role in ("blue", "green", FACILITATOR):
        assert any(e.get("result") == "solidarity" for e in timeline(events, role, sc)), role
    for role in ("red", PUBLIC):
        assert not any(e.get("result") == "solidarity" for e in timeline(events, role, sc)), role
