"""``detente report``: for every bundled example session the report states that session's facts
(numbers checked against the events and the replayed state), the HTML is self-contained, the CSV
is one row per pair per turn, and a team's report holds nothing outside its view."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from detente.engine.commands import Note, Override, Start
from detente.engine.events import fold, visible_to
from detente.engine.loader import load_scenario
from detente.engine.log import LogWriter
from detente.engine.orders import next_command, parse_script
from detente.engine.recorder import RecordedSession, Replayed, make_header, replay, states_by_turn
from detente.engine.session import new_session
from detente.engine.state import initial_state
from detente.rules.common import proximity
from detente.rules.incidents import conflict_chance
from detente.tui.cli import main
from detente.tui.render.report import CSV_COLUMNS, default_path, md_escape, write_report
from detente.tui.render.text import Names

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
CODEWORD = re.compile(r"\b[A-Z][A-Z0-9-]{4,}\b")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("logs")
    out = {}
    for name in EXAMPLES:
        log = folder / f"{name}.jsonl"
        code = main(["run", str(ROOT / "scenarios" / f"{name}.toml"), "--orders",
                     str(ROOT / "scenarios" / "examples" / f"{name}.orders.toml"), "--log", str(log)])
        assert code == 0
        out[name] = log
    return out


def risk_of(rep: Replayed) -> float:
    """The risk run, computed independently with the ruleset's own conflict_chance."""
    s = rep.session
    state = initial_state(s.scenario, s.numbers)
    miss = 1.0
    for e in rep.events:
        if e["kind"] == "roll" and e["id"].startswith("incident:"):
            _, a, b = e["id"].split(":")
            miss *= 1 - conflict_chance(state, a, b)
        state = fold(state, e)
    return 1 - miss


# -- the facilitator's report of every example session ------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_markdown_states_the_facts_of_the_session(
    logs: dict[str, Path], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, md, err = run(capsys, "report", str(logs[name]))
    assert code == 0 and err == f"detente: {logs[name]}: signed by this machine's key\n"
    rep = replay(logs[name])
    ev = rep.events
    outcome = next(e for e in ev if e["kind"] == "outcome")
    said = Names.outcome_name(outcome["result"])
    assert md_escape(said.capitalize()) in md and md_escape(outcome["reason"]) in md
    assert "What this exercise trains" in md
    for goal in replay(logs[name]).session.scenario.scenario.learning_objectives:
        assert md_escape(goal) in md  # the debrief's yardstick opens the report
    calls = {e["id"] for e in ev if e["kind"] == "proposal" and e["order"]["move"] == "hotline_call"}
    answered = sum(1 for e in ev if e["kind"] == "response" and e["id"] in calls and e["accept"])
    declined = sum(1 for e in ev if e["kind"] == "response" and e["id"] in calls and not e["accept"])
    silent = sum(len(e["by"]) for e in ev if e["kind"] == "unanswered" and e["id"] in calls)
    assert (f"Placed {len(calls)}, answered {answered}, declined {declined}, unanswered {silent}.") in md
    status = {e["id"]: e["status"] for e in ev if e["kind"] == "pledge_status"}
    pledges = [e for e in ev if e["kind"] == "pledge"]
    assert pledges
    name = rep.session.scenario.actor_names
    for p in pledges:
        # A pledge is its promise in words, not its id (issue 9).
        rows = [line for line in md.splitlines()
                if f"| {md_escape(name[p['by']])} | {md_escape(name[p['to']])} |" in line]
        assert any(f"| {status.get(p['id'], 'active')}" in row for row in rows)
        assert p["id"] not in md
    by_turn = states_by_turn(rep.session, ev)
    start = initial_state(rep.session.scenario, rep.session.numbers)
    for (a, b), ps in rep.session.state.pairs.items():
        peak = max(s.value("tension", a, b) for s in [start, *by_turn.values()])
        assert f"| {md_escape(name[a])}–{md_escape(name[b])} | {peak} | {ps.tension} |" in md
    assert f"Risk of open conflict run: {risk_of(rep):.1%}" in md
    for e in ev:
        if e["kind"] == "message":
            assert md_escape(e["text"]) in md


@pytest.mark.parametrize("name", EXAMPLES)
def test_csv_is_one_row_per_pair_per_turn_with_the_state_values(
    logs: dict[str, Path], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", str(logs[name]), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    rep = replay(logs[name])
    by_turn = states_by_turn(rep.session, rep.events)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(rep.session.state.pairs) * len(by_turn)
    for row in rows:
        st = by_turn[int(row["turn"])]
        a, b = row["a"], row["b"]
        assert int(row["tension"]) == st.value("tension", a, b)
        assert int(row["rung"]) == st.value("tension", a, b) // 10
        assert int(row["trust_ab"]) == st.outlook(a, b).trust
        assert int(row["trust_ba"]) == st.outlook(b, a).trust
        assert int(row["threat_ab"]) == st.outlook(a, b).threat
        assert float(row["information_ba"]) == st.outlook(b, a).information
        assert row["hotline"] == str(st.pairs[(a, b)].hotline).lower()
        assert int(row["proximity"]) == proximity(st, a, b)


@pytest.mark.parametrize("name", EXAMPLES)
def test_html_is_self_contained_and_has_charts(
    logs: dict[str, Path], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", str(logs[name]), "--format", "html")
    assert code == 0
    path = default_path(logs[name], "html")
    assert path.parent == logs[name].parent and f"Report: {path}" in out
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") >= 3
    assert "<script" not in page.lower()
    without_namespaces = re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", page)
    assert "http://" not in without_namespaces and "https://" not in without_namespaces
    assert re.search(r"""(src|href)\s*=\s*["'](?!#)""", page) is None
    rep = replay(logs[name])
    outcome = next(e for e in rep.events if e["kind"] == "outcome")
    assert Names.outcome_name(outcome["result"]).capitalize() in page
    # Same log, same bytes: charts carry no date and fixed ids.
    again = tmp = path.with_name("again.html")
    assert main(["report", str(logs[name]), "--format", "html", "-o", str(tmp)]) == 0
    capsys.readouterr()
    assert again.read_text(encoding="utf-8") == page


# -- a team's report ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_team_report_holds_nothing_outside_its_view(
    logs: dict[str, Path], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rep = replay(logs[name])
    scenario = rep.session.scenario
    words = {a.id: set(CODEWORD.findall(a.briefing)) for a in scenario.actors}
    assert any(words.values()), "the bundled private briefings carry codewords"
    for team in scenario.actor_ids:
        texts = [scenario.scenario.briefing, scenario.actor(team).briefing] + [
            str(e.get("text", "")) for e in rep.events if visible_to(e, team)
        ]
        seen = " ".join(texts)
        code, md, _ = run(capsys, "report", str(logs[name]), "--as", team)
        assert code == 0
        code, page, _ = run(capsys, "report", str(logs[name]), "--as", team, "--format", "html", "-o", "-")
        assert code == 0
        for other, codewords in words.items():
            for w in codewords:
                if other != team and w not in seen:
                    assert w not in md and w not in page, f"{team}'s report holds {other}'s {w}"
        for other in scenario.actors:
            if other.id != team:
                assert f"{other.name} sealed its orders" not in md
        assert "· roll:" not in md and "· note:" not in md
        assert "Risk of open conflict run" not in md
        hidden = {str(e["text"]) for e in rep.events
                  if e["kind"] in ("move", "inject", "message") and not visible_to(e, team)}
        for text in hidden:
            if text not in seen:
                assert md_escape(text) not in md, f"{team} sees {text!r}"
        code, out, _ = run(capsys, "report", str(logs[name]), "--as", team, "--format", "csv")
        for row in csv.DictReader(io.StringIO(out)):
            if team not in (row["a"], row["b"]):
                assert row["trust_ab"] == row["trust_ba"] == row["threat_ab"] == ""


def test_public_report(logs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, md, _ = run(capsys, "report", str(logs["strait_standoff"]), "--as", "public")
    assert code == 0
    assert "Report for the public" in md and "sealed its orders" not in md and "SALTGLASS" not in md


def test_outsiders_get_neither_cohesion_nor_the_seed(
    logs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 8: red, outside the pact, read "cohesion of pact to 65 (+5)" under "No alliance this
    role belongs to", and every team and public report printed the seed."""
    log = str(logs["border_exercise"])
    seed = replay(logs["border_exercise"]).session.seed
    for role, fmt in (("red", "md"), ("red", "html"), ("public", "md")):
        code, text, _ = run(capsys, "report", log, "--as", role, "--format", fmt, "-o", "-")
        assert code == 0
        assert "No alliance this role belongs to" in text
        assert "cohesion of pact" not in text and "cohesion of Northern Pact" not in text
        assert f"seed {seed}" not in text
    code, text, _ = run(capsys, "report", log, "--as", "blue")
    assert "cohesion of Northern Pact to" in text and f"seed {seed}" not in text
    code, text, _ = run(capsys, "report", log)
    assert f"seed {seed}" in text


# -- a session with overrides, notes and team-written markup ------------------------------------------

RICH = """
[[turn]]
turn = 1
  [[turn.moves]]
  team = "blue"
  move = "hotline_call"
  target = "red"
  [[turn.answers]]
  team = "red"
  from = "blue"
  move = "hotline_call"
  accept = true
  transcript = [ { by = "blue", text = "Keep out | please <b>now</b>." } ]
  pledges = [ { by = "red", kind = "no_deployment", region = "strait", turns = 2 } ]
  [turn.orders]
  red = [ { move = "deploy", force = "red-fleet", region = "strait" } ]
"""
REASON = "Training: the leak raises the stakes"
NOTE = "Red argued deterrence; blue did not probe the pledge."


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log = tmp_path_factory.mktemp("rich") / "rich.jsonl"
    script = parse_script(RICH, "rich")
    extra = {(1, "orders"): [Override("tension", ("blue", "red"), 70, REASON)], (1, "debrief"): [Note(NOTE)]}
    with RecordedSession.create(load_scenario(ROOT / "scenarios" / "strait_standoff.toml"), log) as rec:
        while True:
            for c in extra.pop((rec.state.turn, rec.state.phase), []):
                assert rec.apply(c).accepted
            cmd = next_command(rec.state, script)
            if cmd is None:
                break
            assert rec.apply(cmd).accepted
    return log


def test_notes_overrides_and_escaping(rich: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, fac, _ = run(capsys, "report", str(rich))
    _, blue, _ = run(capsys, "report", str(rich), "--as", "blue")
    _, green, _ = run(capsys, "report", str(rich), "--as", "green")
    assert md_escape(NOTE) in fac and NOTE not in blue and md_escape(NOTE) not in blue
    # The override's reason is the facilitator's (issue 9): blue reads the neutral cause.
    assert md_escape(REASON) in fac and REASON not in blue and md_escape(REASON) not in blue
    assert "facilitator adjustment" in blue
    assert "Keep out \\| please \\<b\\>now\\</b\\>." in fac and "Keep out" not in green
    assert "| broken (Day 1) |" in fac
    _, page, _ = run(capsys, "report", str(rich), "--format", "html", "-o", "-")
    assert "Keep out | please &lt;b&gt;now&lt;/b&gt;." in page and "<b>now" not in page


def test_write_report_for_the_end_screen(rich: Path) -> None:
    path = write_report(rich, "md")
    assert path == rich.with_name("rich.report.md")
    assert "## Outcome" in path.read_text(encoding="utf-8")
    team = write_report(rich, "csv", role="red")
    assert team.name == "rich.report-red.csv"
    out = write_report(rich, "html", rich.with_name("x.html"), role="public")
    assert out.read_text(encoding="utf-8").count("<svg") >= 2
    with pytest.raises(ValueError):
        write_report(rich, "pdf")
    with pytest.raises(ValueError):
        write_report(rich, "md", role="nobody")


def test_output_paths(rich: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.md"
    code, out, _ = run(capsys, "report", str(rich), "-o", str(target))
    assert code == 0 and out.strip() == f"Report: {target}"
    assert target.read_text(encoding="utf-8").startswith("# After-action report: Strait Standoff")


# -- damaged logs and mistakes ----------------------------------------------------------------------


def test_a_log_cut_short_still_reports_with_a_warning(
    logs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = logs["strait_standoff"].read_bytes()
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(data[: len(data) // 2 + 17])
    code, md, err = run(capsys, "report", str(cut))
    assert code == 0
    assert "warning" in err and "cut short" in err
    assert "Warning: the log was cut short" in md
    assert "The log ends at Day" in md
    code, page, _ = run(capsys, "report", str(cut), "--format", "html", "-o", "-")
    assert code == 0 and 'class="warning"' in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "purple"], "not a role in this session"),
        (["--format", "pdf"], "not a report format"),
    ],
)
def test_mistakes_are_one_line_and_exit_1(
    logs: dict[str, Path], args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "report", str(logs["strait_standoff"]), *args)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err


def test_missing_and_corrupt_logs_exit_1(tmp_path: Path, logs: dict[str, Path],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", str(tmp_path / "nothing.jsonl"))
    assert code == 1 and "no such log file" in err and err.count("\n") == 1
    lines = logs["strait_standoff"].read_text(encoding="utf-8").splitlines(keepends=True)
    lines[40] = lines[40].replace('"vis"', '"vus"', 1)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(lines), encoding="utf-8")
    code, out, err = run(capsys, "report", str(bad))
    assert code == 1 and out == "" and "line 41" in err and err.count("\n") == 1


def test_a_branched_log_shows_its_lineage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = new_session(load_scenario(ROOT / "scenarios" / "strait_standoff.toml"))
    parent = {"path": "parent.jsonl", "sha256": "c0ffee" * 10 + "abcd", "at": {"turn": 3, "phase": "orders"}}
    log = tmp_path / "branch.jsonl"
    with RecordedSession(session, LogWriter.create(log, make_header(session, "s.toml", parent))) as rec:
        assert rec.apply(Start()).accepted
    code, md, _ = run(capsys, "report", str(log))
    assert code == 0
    assert "## Lineage" in md and "parent.jsonl" in md and parent["sha256"] in md
    assert "turn 3, phase orders" in md


def test_write_report_never_replaces_a_log(rich: Path, tmp_path: Path) -> None:
    from detente.tui.render.output import OutputError

    before = rich.read_bytes()
    with pytest.raises(OutputError):
        write_report(rich, "md", rich)
    assert rich.read_bytes() == before
    assert not list(rich.parent.glob("*.tmp"))


# -- how a conflict came about, and charts with scales (issue 9) ---------------------------------------


def test_a_conflict_through_a_scenario_ending_is_not_a_contradiction_of_the_risk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """"Risk of open conflict run: 0.0%" stood beside "Realised outcome: conflict" when a scenario
    ending (not an incident roll) brought the conflict: the report says which road it took."""
    script = parse_script("".join(f"""
[[turn]]
turn = {t}
  [turn.orders]
  blue = [ {{ move = "raise_readiness" }} ]
  red = [ {{ move = "raise_readiness" }} ]
""" for t in range(1, 6)), "mobilise")
    log = tmp_path / "mobilise.jsonl"
    with RecordedSession.create(load_scenario(ROOT / "scenarios" / "border_exercise.toml"), log) as rec:
        while (cmd := next_command(rec.state, script)) is not None:
            assert rec.apply(cmd).accepted
        assert rec.state.outcome is not None and rec.state.outcome.result == "conflict"
    _, md, _ = run(capsys, "report", str(log))
    md = md.replace("\\", "")
    assert ("Realised outcome: conflict, through one of the scenario's endings, not an incident roll "
            "(Both armies are on war footing") in md
    assert "counts only the conflict an incident roll could start" in md
    assert "Risk of open conflict run: 0.0% from incident rolls" in md
    assert "mobilisation-spiral" not in md  # the ending's id is the author's, not the reader's
    _, team, _ = run(capsys, "report", str(log), "--as", "red")
    assert "through one of the scenario's endings, not an incident roll" in team.replace("\\", "")


def test_every_chart_has_a_fixed_labelled_scale(rich: Path) -> None:
    """With one turn of data, tension 5 and tension 52 both drew as full bars: every chart's value
    axis is the value's whole range, ticked and labelled, whatever the data."""
    from detente.tui.render.report import _charts, load_report

    charts = _charts(load_report(rich))
    for name, label, ticks in (("tension", "tension (0–100)", ("0", "20", "40", "60", "80", "100")),
                               ("rung", "ladder rung (0–10)", ("0", "2", "4", "6", "8", "10")),
                               ("trust", "trust (0–100)", ("0", "100")),
                               ("cohesion", "cohesion (0–100)", ("0", "100"))):
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", charts[name])
        assert label in texts, name
        assert all(t in texts for t in ticks), (name, texts)
