"""Every bundled scenario played to its end through a real host, each command sent by the
connection of the role that issues it, with a spectator, an evaluator and a second laptop per
team watching: what each connection was told is exactly what replay shows its role, and never a
word of what it may not see."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from wire import Client

from detente.engine.commands import EVALUATOR, FACILITATOR, SEES_ALL, Note, actor_of, command_to_dict
from detente.engine.loader import load_scenario
from detente.engine.log import read_log
from detente.engine.orders import load_script, next_command
from detente.engine.recorder import RecordedSession
from detente.engine.views import timeline
from detente.net.codes import new_codes
from detente.net.host import Host

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


def _forbidden(scenario, role: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Text the role must never receive: others' private briefings and objectives, every
    inject addressed to others, the facilitator's note."""
    found = ["A NOTE FOR THE FACILITATOR ALONE"]
    for a in scenario.actors:
        if a.id != role:
            found += [s.strip() for s in re.split(r"[.\n]", a.briefing) if len(s.strip()) > 25]
    found += [o.text for o in scenario.objectives if o.actor != role]
    found += [i.text for i in scenario.injects if i.to and role not in i.to and len(i.text) > 10]
    public = json.dumps([scenario.scenario.briefing, [i.text for i in scenario.injects if not i.to]])
    return [f for f in found if f not in public]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
async def test_a_whole_session_over_the_network_tells_each_role_only_its_own(
    path: Path, tmp_path: Path
) -> None:
    scenario = load_scenario(path)
    script = load_script(ROOT / "scenarios" / "examples" / f"{path.stem}.orders.toml")
    teams = scenario.team_ids  # an actor the facilitator plays has no seat: its orders come from the console
    codes = new_codes([*teams, FACILITATOR, EVALUATOR, "spectator"])
    with RecordedSession.create(scenario, tmp_path / "s.jsonl") as rec:
        async with Host(rec, codes).serving() as url:
            seats = {role: await Client.join(url, code) for role, code in codes.items()}
            watchers = {t: await Client.join(url, codes[t]) for t in teams}  # a team's second laptop
            n = 0
            while (command := next_command(rec.state, script)) is not None:
                n += 1
                seat = seats.get(actor_of(command), seats[FACILITATOR])
                ack = await seat.command(f"c{n}", command)
                while ack.get("error") == "slow-down":  # the facilitator also sends its actor's commands
                    await asyncio.sleep(0.5)
                    ack = await seat.command(f"c{n}", command)
                assert ack["accepted"], (command_to_dict(command), ack)
                if n == 3:
                    assert (await seats[FACILITATOR].command("note", Note(text="A NOTE FOR THE FACILITATOR "
                                                                           "ALONE")))["accepted"]
            assert rec.state.ended
            for client in [*seats.values(), *watchers.values()]:
                await client.drain(0.2)
        events = [{k: v for k, v in r.items() if k != "sha256"}
                  for r in read_log(rec.path).records if r["kind"] != "command"]
    for role, client in [*seats.items(), *watchers.items()]:
        as_role = "public" if role == "spectator" else role
        # Only the roles that see every line are told each event's line in the log.
        told = events if role in SEES_ALL else [{k: v for k, v in e.items() if k != "seq"} for e in events]
        assert client.timeline() == json.loads(json.dumps(timeline(told, as_role, scenario))), role
        text = json.dumps([client.welcome, *client.received], ensure_ascii=False)
        if role == EVALUATOR:  # sees the game as the facilitator does, not the facilitator's notes
            assert "A NOTE FOR THE FACILITATOR ALONE" not in text
        if role in SEES_ALL:
            continue
        for secret in _forbidden(scenario, role):
            assert secret not in text, (role, secret[:60])
        assert '"kind":"roll"' not in text.replace(" ", "")
