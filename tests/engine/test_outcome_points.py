"""How the exercise ended counts for every team (issue 12, "Scoring reflects the outcome"): the
ruleset's points per outcome are added to each team's objective points, and a scenario may
change them like any number."""

from __future__ import annotations

from detente.engine.commands import Advance, Start
from detente.engine.loader import EXAMPLE, load_scenario_text
from detente.engine.session import new_session

# The conflict rung brought down to where the pair starts: the first results end it in conflict.
AT_WAR = EXAMPLE + "\n[rules.overrides.end]\nconflict_rung = 1\n"


def final_scores(text: str) -> tuple[str, dict[str, int]]:
    s = new_session(load_scenario_text(text))
    s.apply(Start())
    while s.state.outcome is None:
        s.apply(Advance())
    return s.state.outcome.result, dict(s.state.outcome.scores)


def test_open_conflict_costs_every_team() -> None:
    result, scores = final_scores(AT_WAR)
    assert result == "conflict"
    assert scores == {"blue": -5, "red": -5}  # no objectives: only the outcome's points


def test_a_lasting_calm_is_a_shared_success_and_a_scenario_may_change_the_points() -> None:
    assert final_scores(EXAMPLE) == ("de-escalation", {"blue": 2, "red": 2})
    mild = AT_WAR + "\n[rules.overrides.scoring]\nconflict = -1\n"
    assert final_scores(mild) == ("conflict", {"blue": -1, "red": -1})
