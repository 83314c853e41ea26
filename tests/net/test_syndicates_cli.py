"""``detente serve --syndicates N`` and ``--resume LOG1 LOG2 …`` as a trainer runs them: three
syndicates of a bundled scenario, each with its own bots, played to the end through one host by a
lead facilitator joined with the cohort's code; their logs sort together and resume together."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
import subprocess
import tomllib
from pathlib import Path

from test_serve_cli import CLI, _start
from wire import Client

from detente.engine.commands import Advance, Note, Start
from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.recorder import RecordedSession, replay
from detente.tui.cli.serve import syndicate_bots
from detente.tui.errors import UserError

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
POLICIES = {1: "dove", 2: "hawk", 3: "tit-for-tat"}


async def _lead_plays_every_syndicate_to_the_end(url: str, lead_code: str) -> list[str]:
    """The lead facilitator's code, then each syndicate's facilitator seat: start each and advance
    each until it ends (the bots at the host play every team). The outcome each was told."""
    lead = await Client.join(url, lead_code)
    assert lead.welcome["type"] == "cohort" and lead.welcome["role"] == "facilitator"
    seats = [await Client.join(url, s["code"]) for s in lead.welcome["syndicates"]]
    assert [s.welcome["syndicate"] for s in seats] == ["Syndicate 1", "Syndicate 2", "Syndicate 3"]

    async def play(fac: Client) -> str:
        assert (await fac.command("start", Start()))["accepted"]
        for n in range(200):
            reply = await fac.command(f"advance-{n}", Advance())
            if not reply["accepted"]:
                assert "ended" in reply["reason"], reply
                break
        await fac.drain(0.2)
        last = [m for m in fac.received if m["type"] == "update"][-1]
        return str(last["view"]["outcome"]["result"])

    return list(await asyncio.gather(*(play(fac) for fac in seats)))


def test_three_syndicates_with_different_bots_play_to_the_end_through_one_host(tmp_path: Path) -> None:
    bots = [f"{k}:{team}={policy}" for k, policy in POLICIES.items() for team in ("blue", "red", "green")]
    proc, _ = _start("strait_standoff", "--syndicates", "3", "--headless", "--port", "0", "--log", "runs/",
                       "--codes", "codes.toml", *(x for b in bots for x in ("--bot", b)), cwd=tmp_path)
    try:
        codes = tomllib.loads((tmp_path / "codes.toml").read_text())
        assert stat.S_IMODE(os.stat(tmp_path / "codes.toml").st_mode) == 0o600
        lead = codes["codes"]["facilitator"]
        told = asyncio.run(_lead_plays_every_syndicate_to_the_end(codes["url"], lead))
    finally:
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    logs = sorted((tmp_path / "runs").iterdir())
    assert [p.name[-9:] for p in logs] == ["-s1.jsonl", "-s2.jsonl", "-s3.jsonl"]
    assert len({p.name[:-9] for p in logs}) == 1, "the three logs sort together"
    assert [s["log"] for s in codes["syndicates"]] == [f"runs/{p.name}" for p in logs]
    named = " ".join(f"runs/{p.name}" for p in logs)
    assert f"Resume with: detente serve --resume {named} --headless" in rest
    # Each log holds its own ending, the one its facilitator was told, made by its own bots.
    outcomes = [replay(p).session.state.outcome for p in logs]
    assert all(o is not None for o in outcomes)
    assert [o.result for o in outcomes if o is not None] == told
    commands = []
    for k, log in enumerate(logs, 1):
        header = read_log(log).header
        assert header["seed"] == load_scenario(SCENARIOS / "strait_standoff.toml").scenario.seed  # one seed
        sent = [r["command"] for r in read_log(log).records if r["kind"] == "command"]
        commands.append(sent)
        sealed = [c for c in sent if c["type"] == "orders"]
        assert sealed and {c["team"] for c in sealed} == {"blue", "red", "green"}, k
    assert commands[0] != commands[1] != commands[2] != commands[0], "the same start, different choices"
    text = "".join(p.read_text() for p in logs)
    for s in codes["syndicates"]:
        assert not any(code in text for code in s["codes"].values())  # codes never in a log
    # The cohort debrief: detente compare names the first phase whose choices differ, and each outcome.
    done = subprocess.run([*CLI, "compare", *map(str, logs)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    first = _first_difference(logs)
    assert first is not None
    scenario = load_scenario(SCENARIOS / "strait_standoff.toml")
    where = f"{scenario.turns.name(first[0])}, {first[1]}"
    said = done.stdout.split("## Where the choices diverged", 1)[1].split("\n## ", 1)[0]
    assert where in said, (where, said)
    for k, o in enumerate(outcomes, 1):
        assert o is not None and o.reason in done.stdout, (k, o)


def _first_difference(logs: list[Path]) -> tuple[int, str] | None:
    """The first (turn, phase) in which the teams' commands differ between the logs, read straight
    from the logs: each command in the phase the events had reached when it was given, as a set
    per phase (the order within a phase is not a choice). Only what teams send counts here."""
    per_log = []
    for log in logs:
        phases: dict[tuple[int, str], list[str]] = {}
        at = (0, "setup")
        for r in read_log(log).records:
            if r["kind"] == "phase":
                at = (r["turn"], r["phase"])
            elif r["kind"] == "command" and "team" in r["command"]:
                c = {k: v for k, v in r["command"].items() if k not in ("proposal", "id")}
                phases.setdefault(at, []).append(json.dumps(c, sort_keys=True))
            phases.setdefault(at, [])
        per_log.append(phases)
    common = [p for p in per_log[0] if all(p in other for other in per_log[1:])]
    for p in common:
        if len({tuple(sorted(ph[p])) for ph in per_log}) > 1:
            return p
    return None


def _progress(log: Path, notes: int) -> None:
    with RecordedSession.resume(log) as rec:
        rec.apply(Start())
        for i in range(notes):
            rec.apply(Note(text=f"note {i}"))
        rec.apply(Advance())


def test_serve_resumes_three_logs_as_three_syndicates_and_refuses_another_scenario(tmp_path: Path) -> None:
    strait = load_scenario(SCENARIOS / "strait_standoff.toml")
    logs = [tmp_path / f"w-s{k}.jsonl" for k in (1, 2, 3)]
    for k, log in enumerate(logs, 1):
        RecordedSession.create(strait, log, seed=k).close()
    _progress(logs[1], 2)  # syndicate 2 has moved on; the others have not started
    proc, out = _start("--resume", *map(str, logs), "--headless", "--port", "0", "--codes", "c.toml",
                       cwd=tmp_path)
    try:
        codes = tomllib.loads((tmp_path / "c.toml").read_text())
        assert [(s["name"], s["seed"], Path(s["log"]).name) for s in codes["syndicates"]] == [
            (f"Syndicate {k}", k, f"w-s{k}.jsonl") for k in (1, 2, 3)]
        assert [line.split(" — ")[1] for line in out if line.startswith("Syndicate ")] == [
            "Setup, setup", "Day 1, communications", "Setup, setup"]

        async def phase(code: str) -> str:
            client = await Client.join(codes["url"], code)
            return str(client.welcome["view"]["phase"])

        phases = [asyncio.run(phase(s["codes"]["facilitator"])) for s in codes["syndicates"]]
        assert phases == ["setup", "communications", "setup"]
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert f"--resume {' '.join(map(str, logs))} --headless" in rest
    forum = tmp_path / "forum.jsonl"
    RecordedSession.create(load_scenario(SCENARIOS / "regional_forum.toml"), forum).close()
    refused = subprocess.run([*CLI, "serve", "--resume", str(logs[0]), str(forum), "--headless", "--port",
                              "0"], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "scenario_sha256" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    twice = subprocess.run([*CLI, "serve", "--resume", str(logs[0]), str(logs[1]), f"./{logs[0].name}",
                            "--headless", "--port", "0"], cwd=tmp_path, capture_output=True, text=True,
                           timeout=30)
    assert twice.returncode == 1 and "the same log twice" in twice.stderr, twice.stderr
    assert twice.stderr.count("\n") == 1


def test_seeds_logs_and_bots_per_syndicate(tmp_path: Path) -> None:
    strait = load_scenario(SCENARIOS / "strait_standoff.toml")
    seats = syndicate_bots(["red=hawk", "2:red=dove", "3:blue=random"], 3, strait)
    assert [{t: p.name for t, p in s.items()} for s in seats] == [
        {"red": "hawk"}, {"red": "dove"}, {"red": "hawk", "blue": "random"}]
    for bad in ("4:red=hawk", "x:red=hawk"):
        try:
            syndicate_bots([bad], 3, strait)
        except UserError as exc:
            assert "not a syndicate" in str(exc)
        else:
            raise AssertionError(bad)
    proc, _ = _start("strait_standoff", "--syndicates", "2", "--seeds", "5,6", "--headless", "--port", "0",
                       "--log", "w.jsonl", cwd=tmp_path)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert [read_log(tmp_path / f"w-s{k}.jsonl").header["seed"] for k in (1, 2)] == [5, 6]
    wrong = subprocess.run([*CLI, "serve", "strait_standoff", "--syndicates", "3", "--seeds", "1,2",
                            "--headless"], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert wrong.returncode == 1 and "2 seeds for 3 syndicates" in wrong.stderr
    again = subprocess.run([*CLI, "serve", "strait_standoff", "--syndicates", "2", "--log", "w.jsonl",
                            "--headless"], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert again.returncode == 1 and "w-s1.jsonl exists already" in again.stderr
    assert json.loads((tmp_path / "w-s1.jsonl").read_text().splitlines()[0])["seed"] == 5  # untouched


def test_syndicates_of_one_seed_are_distinct_logs(tmp_path: Path) -> None:
    """Their headers differ by the syndicate's number, so this machine keeps each log's last line
    apart (a report of one never warns that lines were cut off because another is longer)."""
    from detente.tui.render.provenance import notes

    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml")
    logs = [tmp_path / f"s{k}.jsonl" for k in (1, 2)]
    for k, log in enumerate(logs, start=1):
        with RecordedSession.create(scenario, log, seed=5, settings={"syndicate": k}) as rec:
            assert rec.apply(Start()).accepted
            for _ in range(k * 2):  # the second goes further
                assert rec.apply(Advance()).accepted
    headers = [read_log(log).header for log in logs]
    assert headers[0]["sha256"] != headers[1]["sha256"]
    assert [h["settings"]["syndicate"] for h in headers] == [1, 2]
    for log in logs:
        _, lines = notes(str(log), read_log(log))
        assert not any("warning" in line for line in lines), lines
