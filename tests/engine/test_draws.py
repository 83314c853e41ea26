"""Hidden draws (issue 12): a scenario's ``[[draws]]`` are made once when the session starts,
from its seed; conditions read them; the facilitator and the teams they are not hidden from
learn the result, and a team it is hidden from learns nothing of it — not in its view, its
timeline, its scenario, its report or anything the network sends it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from detente.engine.aar import build
from detente.engine.commands import Advance, Start
from detente.engine.entries import Drawn, read
from detente.engine.loader import ScenarioError, load_scenario_text
from detente.engine.recorder import RecordedSession, verify
from detente.engine.session import Session, new_session
from detente.engine.state import initial_state
from detente.engine.views import timeline, view
from detente.engine.visibility import scenario_for
from detente.net.protocol import scenario_to_dict, view_to_dict

ROOT = Path(__file__).resolve().parents[2]
WEATHER = '''
[[draws]]
id = "weather"
title = "Whether a storm closes the strait"
options = ["calm", "storm"]
'''
STRAIT = (ROOT / "scenarios" / "strait_standoff.toml").read_text(encoding="utf-8")
DRAW = '''
[[draws]]
id = "misread"
title = "How Corvania reads the Azurian exercise"
options = ["routine", "rehearsal"]
weights = [1, 1]
hidden_from = ["blue"]

[[injects]]
id = "alarm"
title = "Corvanian staff brief the cabinet"
to = ["red"]
when = "drew('misread', 'rehearsal')"
'''
TEXT = STRAIT.replace("[[injects]]", DRAW + WEATHER + "\n[[injects]]", 1)
SCENARIO = load_scenario_text(TEXT)


def started(seed: int) -> tuple[Session, list[dict]]:
    s = new_session(SCENARIO, seed=seed)
    events = list(s.apply(Start()).events)  # type: ignore[union-attr]
    return s, events


def drawn(s: Session) -> str:
    return str(s.state.marks["draw:misread"])


def test_a_draw_is_made_once_from_the_seed_and_logged_as_a_roll() -> None:
    results = Counter(drawn(started(seed)[0]) for seed in range(40))
    assert set(results) == {"routine", "rehearsal"}  # both happen, over seeds
    for seed in (1, 2, 3):
        a, events = started(seed)
        assert drawn(a) == drawn(started(seed)[0])  # the same seed draws the same
        (roll,) = [e for e in events if e["kind"] == "roll" and e["id"] == "draw:misread"]
        assert roll["id"] == "draw:misread" and roll["vis"] == "fac"
        while a.state.turn < 3:
            a.apply(Advance())
        assert drawn(a) == drawn(started(seed)[0])  # made once: later turns keep it


def test_weights_make_an_option_likelier() -> None:
    text = TEXT.replace("weights = [1, 1]", "weights = [9, 1]")
    s = load_scenario_text(text)
    got: Counter[str] = Counter()
    for seed in range(200):
        ses = new_session(s, seed=seed)
        ses.apply(Start())
        got[ses.state.marks["draw:misread"]] += 1
    assert got["routine"] > 3 * got["rehearsal"] > 0


def test_conditions_read_the_draw() -> None:
    for seed in range(12):
        s, _ = started(seed)
        assert ("alarm" in s.state.fired) == (drawn(s) == "rehearsal"), seed


def test_only_the_facilitator_and_the_teams_not_hidden_from_learn_it() -> None:
    s, events = started(4)
    option = drawn(s)
    for role in ("red", "green"):  # not hidden from them; the weather is hidden from every team
        (seen,) = [e for e in read(timeline(events, role, SCENARIO)) if isinstance(e, Drawn)]
        assert seen.option == option
        assert [(d.title, d.option) for d in view(s.state, role).draws] == [
            ("How Corvania reads the Azurian exercise", option)]
    fac = [d.id for d in view(s.state, "facilitator").draws]
    assert fac == ["misread", "weather"]
    for role in ("blue", "public"):
        assert not [e for e in read(timeline(events, role, SCENARIO)) if isinstance(e, Drawn)]
        v = view(s.state, role)
        sent = json.dumps([view_to_dict(v), scenario_to_dict(scenario_for(SCENARIO, role)),
                           [e.fields for e in read(timeline(events, role, SCENARIO))]])
        for secret in ("misread", "rehearsal", "How Corvania reads", "weather", "Whether a storm"):
            assert secret not in sent, (role, secret)
    start = initial_state(SCENARIO, s.numbers)
    assert "How Corvania reads" in json.dumps([f.text for f in build(start, events, "red").timeline])
    assert "How Corvania reads" not in json.dumps([f.text for f in build(start, events, "blue").timeline])


def test_a_logged_session_with_a_draw_replays_and_verifies(tmp_path: Path) -> None:
    log = tmp_path / "s.jsonl"
    with RecordedSession.create(SCENARIO, log, seed=5) as rec:
        rec.apply(Start())
        rec.apply(Advance())
        option = rec.state.marks["draw:misread"]
    assert verify(log) == []
    from detente.engine.recorder import replay

    assert replay(log).session.state.marks["draw:misread"] == option


@pytest.mark.parametrize(("change", "where", "says"), [
    (('options = ["routine", "rehearsal"]', 'options = ["routine"]'), "draws[0].options", "at least two"),
    (('options = ["routine", "rehearsal"]', 'options = ["routine", "routine"]'), "draws[0].options[1]",
     "given twice"),
    (("weights = [1, 1]", "weights = [1]"), "draws[0].weights", "one weight per option"),
    (("weights = [1, 1]", "weights = [1, 0]"), "draws[0].weights[1]", "more than 0"),
    (('hidden_from = ["blue"]', 'hidden_from = ["bleu"]'), "draws[0].hidden_from[0]", "did you mean 'blue'?"),
    (("drew('misread', 'rehearsal')", "drew('misread', 'rehersal')"), "injects[0].when",
     "did you mean 'rehearsal'?"),
    (("drew('misread', 'rehearsal')", "drew('misred', 'rehearsal')"), "injects[0].when",
     "did you mean 'misread'?"),
    # An option of another draw: the draw named has no such option.
    (("drew('misread', 'rehearsal')", "drew('misread', 'storm')"), "injects[0].when",
     "column 17: the draw 'misread' has no option 'storm' (its options: routine, rehearsal)"),
])
def test_a_mistake_names_file_line_and_field(change: tuple[str, str], where: str, says: str) -> None:
    old, new = change
    text = TEXT.replace(old, new, 1)
    line = next(i for i, x in enumerate(text.splitlines(), 1) if new in x)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, path="s.toml")
    message = str(caught.value)
    assert f"s.toml:{line}: {where}: " in message and says in message, message
