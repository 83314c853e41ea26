"""``detente report LOG --format aar|aar-html``: the after-action report in the HSEEP shape, its
improvement plan, and ``detente play --replay LOG --at N``.

For every bundled scenario a session is played from its example orders, then an evaluator
observes one team (a strength and an area for improvement, bound to the team, an inject and a
decision), confirms a rating, rates one team, and rates that team on an expectation a person
judges; each team writes in its notepad and the facilitator writes a note. The report's every
finding must name events that are in the log and are what the finding rests on; every learning
objective has its section; the plan table is there; each copy holds only what its role may read.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from plain import EXAMPLES, ROOT, forbidden, leaks, written

from detente.engine.commands import FACILITATOR, Assess, Evaluate, Note, Observe, TeamNote
from detente.engine.entries import Proposed, read
from detente.engine.log import read_log
from detente.engine.recorder import RecordedSession, replay
from detente.engine.views import PUBLIC, timeline
from detente.tui.app.app import DetenteApp
from detente.tui.app.screens.replay import ReplayScreen, Tape
from detente.tui.cli import main
from detente.tui.render.aar import areas, render_aar
from detente.tui.render.report import load_report, md_escape

#: Per scenario: an expectation a person judges, and the team the evaluator rates on it.
JUDGED = {
    "strait_standoff": ("strait-isa-talks", "blue"),
    "border_exercise": ("border-checked", "blue"),
    "incident_at_sea": ("sea-first-word", "red"),
    "regional_forum": ("forum-clash-talks", "red"),
}
STRENGTH = "STRENGTHWORD the watch officer took the call at once"
IMPROVE = "IMPROVEWORD the ally was briefed <b>a day</b> | *late*"  # markup stays text
RATING = "RATINGWORD the channel worked, the answers came late"
TEAM_RATING = "TEAMRATINGWORD the team's own calls were slow"
ASSESS = "ASSESSWORD took up the offer, but only in part"
FAC_NOTE = "FACNOTEWORD remember to ask about the press line"
FINDING = re.compile(r"^- \*\*(Strength|Area for improvement) (\d+)\.\*\* (.*)$")
EVIDENCE = re.compile(r"^  - (.*) \(event #(\d+)\)$")


def note_of(team: str) -> str:
    return f"NOTEWORD{team.upper()} our own line"


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each scenario played, observed and rated; what was scripted into it, by name."""
    folder = tmp_path_factory.mktemp("aar")
    out = {}
    for name in EXAMPLES:
        log = folder / f"{name}.jsonl"
        assert main(["run", str(ROOT / "scenarios" / f"{name}.toml"), "--orders",
                     str(ROOT / "scenarios" / "examples" / f"{name}.orders.toml"), "--log", str(log)]) == 0
        rep = replay(log)
        scenario = rep.session.scenario
        xid, team = JUDGED[name]
        inject = next(i for i in scenario.injects if any(x.id == xid for x in i.expect))
        decision = next(e for e in read(timeline(rep.events, FACILITATOR, scenario))
                        if isinstance(e, Proposed) and e.by == team)
        other = next(t for t in scenario.team_ids if t != team)
        with RecordedSession.resume(log) as rec:
            for c in (
                TeamNote(team=team, text=note_of(team)),
                TeamNote(team=other, text=note_of(other)),
                Note(text=FAC_NOTE),
                Observe(text=STRENGTH, about=team, inject=inject.id, decision=decision.seq,
                        turn=decision.turn, finding="strength", objective=1),
                Observe(text=IMPROVE, about=team, inject=inject.id, decision=decision.seq,
                        turn=decision.turn, finding="improvement", objective=1),
                Evaluate(rating="S", reason=RATING, objective=1),
                Evaluate(rating="M", reason=TEAM_RATING, objective=1, about=team),
                Assess(expectation=xid, status="partly", reason=ASSESS, team=team, by="evaluator"),
            ):
                assert rec.apply(c).accepted, c
        records = read_log(log).records
        out[name] = {
            "log": log, "team": team, "other": other, "xid": xid, "decision": decision.seq,
            "events": {r["seq"]: r for r in records if r["kind"] != "command"},
            "commands": {r["seq"] for r in records if r["kind"] == "command"},
            "objectives": scenario.scenario.learning_objectives,
        }
    return out


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def aar(played: Mapping[str, Any], role: str = FACILITATOR, fmt: str = "aar") -> str:
    return render_aar(load_report(played["log"], role), fmt, log=str(played["log"]))


def findings_of(md: str) -> list[tuple[str, int, str, list[int]]]:
    """(kind, number, text, cited event numbers) of each finding, as the Markdown lists them."""
    out: list[tuple[str, int, str, list[int]]] = []
    current: list[int] | None = None
    for line in md.splitlines():
        if m := FINDING.match(line):
            out.append((m[1], int(m[2]), m[3], current := []))
        elif (m := EVIDENCE.match(line)) and current is not None:
            current.append(int(m[2]))
        elif line.strip():
            current = None
    return out


def fits(finding: Any, event: Mapping[str, Any], p: Mapping[str, Any]) -> bool:
    """Whether ``event`` is what ``finding`` may rest on: the logged decision an observation
    names or the observation itself; the decision that met an expectation or the event that
    decided it; a gap's words or its deed."""
    kind = event["kind"]
    if finding.source == "observation":
        return event["seq"] == p["decision"] or (
            kind == "observation" and event["text"] == finding.text and event["about"] == p["team"])
    if finding.source == "expectation":
        if kind == "expectation":
            return event["status"] in ("met", "partly", "missed") and event["id"] in finding_ids(p, finding)
        return kind in ("proposal", "response", "pledge", "move", "message")
    return kind in ("move", "pledge")


def finding_ids(p: Mapping[str, Any], finding: Any) -> set[str]:
    """The ids of the expectations whose words ``finding`` carries."""
    opened = [e for e in p["events"].values() if e["kind"] == "expectation" and e.get("status") == "open"]
    return {e["id"] for e in opened if e["text"] in finding.text}


# -- the facilitator's after-action report of every scenario ----------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_finding_names_its_evidence_in_markdown(played: dict[str, Any], name: str) -> None:
    p = played[name]
    report = load_report(p["log"])
    md = render_aar(report, "aar", log=str(p["log"]))
    listed = findings_of(md)
    kinds = {f.kind for f in report.findings}
    assert {"strength", "improvement"} <= kinds  # the evaluator's two at least
    for f in report.findings:
        # Said with each event it rests on, in order (two gaps may read alike, with other events).
        said = [x for x in listed if x[2].endswith(md_escape(f.text)) and x[3] == [e.seq for e in f.evidence]]
        assert said, f"not in the report with its evidence: {f.text}"
        for e in f.evidence:
            assert e.seq in p["events"], f"event #{e.seq} is not an event of the log"
            assert fits(f, p["events"][e.seq], p), (f.text, p["events"][e.seq])
            assert f"{md_escape(e.words)} (event #{e.seq})" in md
    for kind, _, text, cited in listed:
        assert cited and all(n in p["events"] for n in cited), (kind, text)
    # The scripted observations rest on the decision they name and on themselves.
    strength = next(f for f in report.findings if f.text == STRENGTH)
    assert strength.evidence[0].seq == p["decision"]
    assert p["events"][strength.evidence[1].seq]["kind"] == "observation"
    # The per-team rating of a judged expectation is an area for improvement resting on it.
    rated = next(f for f in report.findings if ASSESS in f.text)
    assert rated.kind == "improvement" and rated.teams == (p["team"],)
    event = p["events"][rated.evidence[0].seq]
    assert (event["kind"], event["id"], event.get("team"), event["reason"]) == (
        "expectation", p["xid"], p["team"], ASSESS)


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_report_has_the_hseep_shape(played: dict[str, Any], name: str) -> None:
    p = played[name]
    md = aar(p)
    heads = [line for line in md.splitlines() if line.startswith("## ")]
    assert heads[:2] == ["## Exercise overview", "## Executive summary"]
    assert heads[-2:] == ["## Improvement plan", "## Evidence"]
    assert "## Analysis of learning objectives" in heads and "## Decision timeline measures" in heads
    assert p["objectives"]
    for n, text in enumerate(p["objectives"], 1):
        assert f"### Learning objective {n}: {md_escape(text)}\n" in md
    # Participants by role, the evaluator among them; the confirmed rating with its reason and rater.
    assert "| evaluator | the evaluator |" in md and "| facilitator | the facilitator |" in md
    assert f"S — performed with some challenges, confirmed by the evaluator: {md_escape(RATING)}" in md
    assert re.search(r"\| M — performed with major challenges, confirmed by the evaluator"
                     r"( \(the expectations suggested [PSMU]\))? "
                     rf"\| {re.escape(md_escape(TEAM_RATING))} \(event #\d+\) \|", md)
    # The plan table: every area for improvement, numbered as in the analysis, cells to fill in.
    plan = md[md.index("## Improvement plan"):md.index("## Evidence")]
    assert "| issue | corrective action | capability or objective | owner | due |" in plan
    report = load_report(p["log"])
    for n in range(1, len(areas(report)) + 1):
        assert f"(area for improvement {n}) |  |" in plan
        assert f"- **Area for improvement {n}.** " in md
    assert f"detente play --replay {md_escape(str(p['log']))} --at N" in md
    # No id a person does not know: the scenario's, the observations' (o1), the roles'.
    assert not re.search(r"\bo\d+\b", md)


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_html_links_every_event_it_names_to_the_evidence_appendix(
    played: dict[str, Any], name: str
) -> None:
    p = played[name]
    page = aar(p, fmt="aar-html")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page
    links = set(re.findall(r'href="#e(\d+)"', page))
    anchors = re.findall(r'id="e(\d+)"', page)
    assert links and links == set(anchors) and len(anchors) == len(set(anchors))
    assert all(int(n) in p["events"] for n in anchors)
    for block in re.findall(r'<div class="finding"><p><strong>(?:Strength|Area for improvement) \d+\.'
                            r"</strong>.*?</div>", page):
        assert re.search(r'\(<a href="#e\d+">event #\d+</a>\)</li>', block), block
    report = load_report(p["log"])
    for f in report.findings:
        assert html.escape(f.text) in page
    assert "<b>" not in page and "&lt;b&gt;a day&lt;/b&gt; | *late*" in page
    for n in range(1, len(p["objectives"]) + 1):
        assert f"<h3>Learning objective {n}: " in page
    assert "<th>corrective action</th>" in page


def test_every_copy_of_the_report_says_things_by_their_names(played: dict[str, Any]) -> None:
    problems = []
    for name, p in played.items():
        rep = replay(p["log"])
        s = rep.session
        ids, authored = forbidden(s.scenario, s.ruleset), written(s.scenario, rep.events)
        for role in (FACILITATOR, "evaluator", PUBLIC, *s.scenario.team_ids):
            text = re.sub(r"\\(.)", r"\1", aar(p, role))
            problems += [f"{name} {role}: {leak}" for leak in leaks(text, ids, authored)]
    assert not problems, "\n".join(problems)


# -- who reads what ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_teams_copy_holds_its_own_notes_and_no_evaluation_of_others(
    played: dict[str, Any], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    p = played[name]
    for team in (p["team"], p["other"]):
        code, md, _ = run(capsys, "report", str(p["log"]), "--format", "aar", "--as", team)
        assert code == 0
        assert md_escape(note_of(team)) in md and "## Your notes" in md
        other = p["other"] if team == p["team"] else p["team"]
        for secret in (note_of(other), STRENGTH, IMPROVE, RATING, TEAM_RATING, FAC_NOTE):
            assert md_escape(secret) not in md, (team, secret)
        assert "## Observations" not in md and "| evaluator |" not in md
        # The team rated on a judged expectation reads that rating after the end; no other team does.
        assert (md_escape(ASSESS) in md) == (team == p["team"])
        for seq in map(int, re.findall(r"event #(\d+)", md)):
            assert seq in p["events"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_evaluators_copy_holds_everything_but_the_facilitators_notes(
    played: dict[str, Any], name: str
) -> None:
    p = played[name]
    fac, ev = aar(p), aar(p, "evaluator")
    assert md_escape(FAC_NOTE) in fac and md_escape(FAC_NOTE) not in ev
    for text in (STRENGTH, IMPROVE, RATING, TEAM_RATING, ASSESS):
        assert md_escape(text) in ev
    assert "Copy for the evaluator" in ev
    for team in (p["team"], p["other"]):
        assert md_escape(note_of(team)) not in fac + ev


def test_default_paths_sit_beside_the_log_and_never_replace_it(
    played: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = played["strait_standoff"]
    log = tmp_path / "s.jsonl"
    shutil.copy(p["log"], log)
    assert run(capsys, "report", str(log), "--format", "aar-html")[0] == 0
    assert run(capsys, "report", str(log), "--format", "aar-html", "--as", "red")[0] == 0
    assert (tmp_path / "s.aar.html").read_text().startswith("<!DOCTYPE html>")
    assert "Copy for Corvanian Federation" in (tmp_path / "s.aar-red.html").read_text()
    code, md, _ = run(capsys, "report", str(log), "--format", "aar")
    assert code == 0 and md.startswith("# After-action report: Strait Standoff")
    before = log.read_bytes()
    code, _, err = run(capsys, "report", str(log), "--format", "aar", "-o", str(log))
    assert code == 1 and "never overwritten" in err and log.read_bytes() == before


# -- the improvement plan ------------------------------------------------------------------------------


GOOD_PLAN = """\
[[item]]
finding = {n}
action = "Drill the duty officers | on <answering> at once"
owner = "Joint Staff J3"
due = 2027-03-01

[[item]]
issue = "Nobody owned the press line"
action = "Name a spokesperson"
owner = "MoD press office"
due = "2027-04-15"
capability = "Public information and warning"
"""


def test_a_plan_file_fills_the_plan_table(
    played: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = played["strait_standoff"]
    found = areas(load_report(p["log"]))
    n = len(found)
    plan = tmp_path / "plan.toml"
    plan.write_text(GOOD_PLAN.format(n=n))
    code, md, _ = run(capsys, "report", str(p["log"]), "--format", "aar", "--plan", str(plan))
    assert code == 0
    table = md[md.index("## Improvement plan"):md.index("## Evidence")]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    # The item answering area N: its issue in the area's words, the action escaped, what it bears on.
    assert rows[0].startswith(f"| {md_escape(found[-1].text)}")
    action = md_escape("Drill the duty officers | on <answering> at once")
    assert f"(area for improvement {n}) | {action} | {found[-1].capability}" in rows[0]
    assert rows[0].endswith("| Joint Staff J3 | 2027-03-01 |")
    assert rows[1] == ("| Nobody owned the press line | Name a spokesperson | Public information and "
                       "warning | MoD press office | 2027-04-15 |")
    # The areas the plan does not answer follow, their cells empty, so none is lost.
    assert len(rows) == 2 + n - 1 and all(r.endswith("|  |  |") for r in rows[2:])
    code, page, _ = run(capsys, "report", str(p["log"]), "--format", "aar-html", "--plan", str(plan),
                        "-o", "-")
    assert code == 0 and "<td>Drill the duty officers | on &lt;answering&gt; at once</td>" in page


def test_the_plan_template_has_an_item_per_area_and_never_replaces_a_file(
    played: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = played["strait_standoff"]
    found = areas(load_report(p["log"]))
    out = tmp_path / "plan.toml"
    code, said, _ = run(capsys, "report", str(p["log"]), "--plan-template", str(out))
    assert code == 0 and str(out) in said
    import tomllib

    items = tomllib.loads(out.read_text())["item"]
    assert [i["finding"] for i in items] == list(range(1, len(found) + 1))
    assert all(i["issue"].endswith(f.text) for i, f in zip(items, found, strict=True))
    assert all((i["action"], i["owner"], i["due"]) == ("", "", "") for i in items)
    # Read back as it stands, it gives the plan with its cells empty.
    code, md, _ = run(capsys, "report", str(p["log"]), "--format", "aar", "--plan", str(out))
    assert code == 0 and f"(area for improvement {len(found)}) |  |" in md
    before = out.read_bytes()
    code, _, err = run(capsys, "report", str(p["log"]), "--plan-template", str(out))
    assert code == 1 and "already exists" in err and out.read_bytes() == before
    code, _, err = run(capsys, "report", str(p["log"]), "--plan-template", str(p["log"]))
    assert code == 1 and "never overwritten" in err


@pytest.mark.parametrize(("text", "line", "field", "words"), [
    ('[[item]\nissue = "x"\n', 1, "<syntax>", "not closed"),
    ('[[item]]\nissue = "x"\nowner = "y"\nwho = "z"\n', 4, "item[0].who", "unknown field 'who'"),
    ('[[item]]\nissue = "x"\n\n[[item]]\nfinding = 99\n', 5, "item[1].finding", "no area for improvement 99"),
    ('[[item]]\nissue = "x"\ndue = "2027-02-30"\n', 3, "item[0].due", "is not a date"),
    ('[[item]]\nissue = "x"\ndue = "next week"\n', 3, "item[0].due", "is not a date"),
    ('[[item]]\nissue = "x"\ndue = 2027-02-01T10:00:00\n', 3, "item[0].due", "without a time"),
    ('[[item]]\naction = "x"\n', 1, "item[0]", "say what the issue is"),
    ('[[item]]\nissue = "x"\nobjective = 40\n', 3, "item[0].objective", "no learning objective 40"),
])
def test_a_bad_plan_is_named_by_file_line_and_field(
    played: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    text: str, line: int, field: str, words: str,
) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(text)
    code, out, err = run(capsys, "report", str(played["strait_standoff"]["log"]), "--format", "aar",
                         "--plan", str(plan))
    assert code == 1 and out == ""
    first = err.splitlines()[0]
    assert re.match(rf"detente: {re.escape(str(plan))}:{line}(:\d+)?: {re.escape(field)}: ", first), err
    assert words in first, err


def test_a_plan_goes_with_the_after_action_report_only(
    played: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text('[[item]]\nissue = "x"\n')
    code, _, err = run(capsys, "report", str(played["strait_standoff"]["log"]), "--plan", str(plan))
    assert code == 1 and "--format aar" in err and len(err.splitlines()) == 1


# -- opening the replay at an event --------------------------------------------------------------------


def test_at_refuses_a_number_that_is_not_an_event(
    played: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    p = played["strait_standoff"]
    command = min(p["commands"])
    for n, words in ((command, "is the number of a command"), (10**6, "its events are numbered"),
                     (0, "its events are numbered")):
        code, _, err = run(capsys, "play", "--replay", str(p["log"]), "--at", str(n))
        assert code == 1 and len(err.splitlines()) == 1 and words in err, err
    code, _, err = run(capsys, "play", "--at", "5")
    assert code == 1 and "--replay" in err


def test_at_hands_the_position_of_the_event_to_the_app(
    played: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    p = played["strait_standoff"]
    opened: list[tuple[Any, int]] = []
    monkeypatch.setattr(DetenteApp, "run", lambda self: opened.append((self.replay, self.replay_at)))
    assert run(capsys, "play", "--replay", str(p["log"]), "--at", str(p["decision"]))[0] == 0
    tape, at = opened[0]
    assert isinstance(tape, Tape) and tape.events[at - 1]["seq"] == p["decision"]


async def test_the_replay_opens_at_the_event_a_finding_cites(played: dict[str, Any]) -> None:
    p = played["strait_standoff"]
    report = load_report(p["log"])
    cited = next(f for f in report.findings if f.text == STRENGTH).evidence[0]
    tape = Tape.load(p["log"])
    at = tape.position_of(cited.seq)
    assert at is not None
    app = DetenteApp(replay=tape, replay_at=at)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        assert screen.pos == at and tape.events[screen.pos - 1]["seq"] == cited.seq
        assert f"event {at} of {len(tape)}" in screen.status_line
        label = report.labels[cited.turn]
        assert f"{label}  ·  {cited.phase}" in screen.status_line
        # The decision is the last thing the timeline shows: Azuria's hotline call.
        last = screen.timeline_plain[-1]
        assert "hotline" in last.lower() and "Republic of Azuria" in last
        await pilot.press("right")
        await pilot.pause()
        assert screen.pos > at  # and it steps on from there


def test_any_plan_file_is_read_or_refused_in_lines_that_name_it() -> None:
    """Fuzz: whatever a facilitator writes in a plan file (TOML or not), it is read as a plan or
    refused with lines that start with the file's name: never another error."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from detente.tui.render.plan import PlanError, parse_plan

    value = st.one_of(st.text(max_size=30), st.integers(-5, 12), st.booleans(),
                      st.dates().map(lambda d: d.isoformat()), st.just("2027-02-30"))
    item = st.dictionaries(st.sampled_from(["issue", "finding", "action", "owner", "due", "objective",
                                            "capability", "other"]), value, max_size=6)

    def toml(items: list[dict[str, object]]) -> str:
        out = []
        for it in items:
            out.append("[[item]]")
            for k, v in it.items():
                out.append(f"{k} = {v!r}".replace("True", "true").replace("False", "false")
                           if not isinstance(v, str) else f'{k} = "{v}"')
        return "\n".join(out) + "\n"

    @settings(max_examples=300, deadline=None)
    @given(st.one_of(st.lists(item, max_size=4).map(toml), st.text(max_size=80)))
    def check(text: str) -> None:
        try:
            plan = parse_plan(text, "plan.toml", areas=3, objectives=2)
        except PlanError as exc:
            assert exc.problems and all(str(p).startswith("plan.toml") for p in exc.problems), exc.problems
        else:
            assert all(0 <= i.finding <= 3 and 0 <= i.objective <= 2 for i in plan.items)

    check()
