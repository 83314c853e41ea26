"""The scenario loader: what a facilitator sees when a file is wrong; round trips otherwise."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import scenarios

from detente.engine.loader import (
    EXAMPLE,
    Problem,
    ScenarioError,
    dump_scenario,
    line_of_path,
    load_scenario,
    load_scenario_text,
    ruleset_numbers,
    structure_scenario,
    unstructure_scenario,
)
from detente.engine.scenario import Scenario

DATA = Path(__file__).parent.parent / "data"
BAD = DATA / "bad"
VALID = DATA / "valid.toml"


def problems(name: str) -> list[tuple[int | None, str, str]]:
    """Every problem of a bad fixture as (line, field, message), checking the file is named."""
    path = BAD / name
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    error = info.value
    assert error.path == str(path)
    assert [p.path for p in error.problems] == [str(path)] * len(error.problems)
    assert str(error) == "\n".join(str(p) for p in error.problems)
    lines = [p.line for p in error.problems]
    assert lines == sorted(lines, key=lambda n: -1 if n is None else n)
    return [(p.line, p.field, p.message) for p in error.problems]


def text_problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "t.toml")
    return [(p.line, p.field, p.message) for p in info.value.problems]


# -- valid files -----------------------------------------------------------------------------


def test_a_full_valid_scenario_loads() -> None:
    s = load_scenario(VALID)
    assert s.scenario.id == "strait-standoff"
    assert s.actor_ids == ("blue", "red", "green")
    assert s.turns.name(1) == "12 May" and s.turns.name(3) == "Day 3"
    assert s.relations[0].between == ("blue", "red")
    assert s.relations[0].seen_by["red"]["threat"] == 60
    assert s.relations[0].values["information"] == 0.5
    assert s.injects[0].effects[0].add == 10.0
    assert isinstance(s.injects[0].effects[0].add, float)
    assert s.injects[1].effects[0].set is True
    assert s.alliances[0].members == ("blue", "green")
    assert s.objectives[0].check == "always"
    assert s.endings[0].outcome == "conflict"
    assert s.rules.overrides == {"defaults": {"tension": 30, "information": 0.4}}


def test_a_file_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.read_bytes())
    assert load_scenario(path) == load_scenario(VALID)


def test_crlf_line_endings_load_and_lines_still_count(tmp_path: Path) -> None:
    path = tmp_path / "crlf.toml"
    path.write_bytes(VALID.read_bytes().replace(b"\n", b"\r\n"))
    assert load_scenario(path) == load_scenario(VALID)
    path.write_bytes((BAD / "types.toml").read_bytes().replace(b"\n", b"\r\n"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.problems[0].line == 5


def test_ruleset_numbers_apply_the_overrides() -> None:
    numbers = ruleset_numbers(load_scenario(VALID))
    assert numbers["defaults"]["tension"] == 30
    assert numbers["defaults"]["information"] == 0.4
    assert numbers["defaults"]["trust"] == 50  # not overridden: the ruleset's own


BUNDLED = DATA.parent.parent / "scenarios"


@pytest.mark.parametrize("name", sorted(p.name for p in BUNDLED.glob("*.toml")))
def test_bundled_scenarios_load_and_round_trip(name: str) -> None:
    s = load_scenario(BUNDLED / name)
    assert load_scenario_text(dump_scenario(s)) == s
    assert structure_scenario(unstructure_scenario(s)) == s


def test_unstructure_gives_plain_json_ready_data_without_none() -> None:
    s = load_scenario(VALID)
    data = unstructure_scenario(s)
    assert data["actors"][0]["id"] == "blue"
    assert data["relations"][0]["between"] == ["blue", "red"]
    assert "proximity" not in data["relations"][0]  # None fields are left out
    assert "turn" not in data["injects"][1]
    assert json.loads(json.dumps(data)) == data
    assert structure_scenario(json.loads(json.dumps(data))) == s


# -- reading the file ------------------------------------------------------------------------


def test_syntax_error_gives_line_and_column() -> None:
    assert problems("syntax.toml") == [
        (3, "<syntax>", 'text must be in quotes, e.g. name = "Azuria" (true and false are written '
                        "in lower case)"),
    ]
    with pytest.raises(ScenarioError) as info:
        load_scenario(BAD / "syntax.toml")
    assert info.value.problems[0].column == 9
    assert str(info.value).startswith(f"{BAD / 'syntax.toml'}:3:9: <syntax>: text must be in quotes")


def test_syntax_error_at_the_end_of_the_document() -> None:
    [problem] = load_error('[scenario]\nid = "x"\nnames = ["a",\n')
    assert (problem.line, problem.column, problem.field) == (4, 1, "<syntax>")


def test_a_table_declared_twice() -> None:
    [problem] = load_error('[scenario]\nid = "x"\n\n[scenario]\ntitle = "y"\n')
    assert (problem.line, problem.message) == (4, "the table [scenario] is declared twice")


# Each common TOML mistake, as (text, LINE:COL, words the message must hold). tomllib's own
# messages ("Illegal character '\\n'", "Cannot overwrite a value" …) name its parser's
# workings; a facilitator needs what is wrong and how to put it right.
SYNTAX_MISTAKES = [
    ('title = "Strait\nx = 1\n', "1:16", ["text in quotes on this line is not closed"]),
    ('id = "x"\nbriefing = """\nNo end.\n', "2:12", ["text in quotes that starts here is never closed"]),
    ("id = 'x\n", "1:6", ["text in quotes that starts here is never closed"]),
    ('[[injects]]\nid = "a"\n[injects.effects]\nadd = 1\n[injects.effects]\nadd = 2\n', "5:17",
     ["the table [injects.effects] is declared twice", "did you mean [[injects.effects]]?"]),
    ('[scenario]\nid = "a"\nid = "b"\n', "3:9", ["the key id is given twice"]),
    ('[scenario]\n[[scenario]]\n', "2:11", ["[[scenario]] starts a list of tables", "[scenario]"]),
    ("name = Azuria\n", "1:8", ['text must be in quotes, e.g. name = "Azuria"']),
    ("limit = \n", "1:9", ["a value is missing"]),
    ("title = “Strait”\n", "1:9", ["curly quotes"]),
    ("limit = 6 turns\n", "1:11", ["something follows the value on this line"]),
    ('name "Azuria"\n', "1:6", ["a key with no = after it"]),
    ('[scenario\nid = "a"\n', "1:10", ["the table header is not closed with ]"]),
    ('[[actors]\nid = "a"\n', "1:9", ["the table header is not closed with ]]"]),
    ('near = ["a", "b"\nx = 1\n', "2:1", ["the list [ … ] is not closed"]),
    ("at = { x = 1\n", "1:13", ["the { … } is not closed"]),
    ("at = { x = 1, x = 2 }\n", "1:20", ["the key x is given twice in this { … }"]),
    ("at = { x = 1, }\n", "1:15", ["a key is missing here", "may not end with a comma"]),
    ('path = "C:\\data"\n', "1:13", ["a backslash", "'single quotes'"]),
    ("= 1\n", "1:1", ["a line must be key = value"]),
]


@pytest.mark.parametrize(("text", "where", "words"), SYNTAX_MISTAKES)
def test_toml_syntax_errors_are_named_in_words(text: str, where: str, words: list[str]) -> None:
    [problem] = load_error(text)
    assert f"{problem.line}:{problem.column}" == where, str(problem)
    assert problem.field == "<syntax>"
    for w in words:
        assert w in problem.message, problem.message
    # None of tomllib's own phrases is left for a facilitator to decode.
    for jargon in ("Illegal character", "Cannot overwrite", "Cannot declare", "Expected",
                   "Invalid", "Unclosed", "Unterminated", "namespace", "declaration"):
        assert jargon not in problem.message, problem.message


def load_error(text: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "t.toml")
    return info.value.problems


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[scenario]\nid = "x"\ntitle = "Caf\u00e9"\n'.encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [problem] = info.value.problems
    assert (problem.line, problem.column, problem.field) == (3, 13, "<encoding>")
    assert "not UTF-8" in problem.message and "0xe9" in problem.message


def test_a_file_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "nope.toml")
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (None, "<file>")
    expected = f"{tmp_path / 'nope.toml'}: <file>: cannot read the file: No such file or directory"
    assert str(problem) == expected


def test_problem_formats() -> None:
    assert str(Problem("a.toml", 3, "actors[0].budget", "bad")) == "a.toml:3: actors[0].budget: bad"
    assert str(Problem("a.toml", 3, "<syntax>", "bad", 7)) == "a.toml:3:7: <syntax>: bad"
    assert str(Problem("a.toml", None, "turns", "missing")) == "a.toml: turns: missing"


# -- types: nothing is coerced ---------------------------------------------------------------


def test_wrong_types_are_all_reported_with_their_lines() -> None:
    assert problems("types.toml") == [
        (5, "scenario.seed", 'expected a whole number, got the text "7" (remove the quotes)'),
        (8, "turns.limit", "expected a whole number, got the number 6.0 (write 6)"),
        (13, "actors[0].budget", 'expected a whole number, got the text "three"'),
        (14, "actors[0].readiness",
         "expected a whole number, got the number 0.9 (no fractions here)"),
        (18, "actors[1].name", "expected text in quotes, got the number 42"),
        (22, "relations[0].hotline",
         'expected true or false, got the text "false" (write true or false without quotes)'),
        (23, "relations[0].agreement", "expected true or false, got the number 1"),
        (24, "relations[0].information",
         'expected a number, got the text "0.3" (remove the quotes)'),
        (25, "relations[0].tension", "expected a whole number, got true"),
        (26, "relations[0].trust",
         "expected a whole number, got the number 50.5 (no fractions here)"),
        (32, "injects[0].repeat",
         'expected true or false, got the text "yes" (write true or false without quotes)'),
        (33, "injects[0].to", 'expected a list in [ ], got the text "blue"'),
    ]


BASE = EXAMPLE + '\n[[relations]]\nbetween = ["blue", "red"]\n'
RELATION_LINE = BASE.count("\n") + 1  # the line a field appended to BASE lands on


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('hotline = "false"', "expected true or false, got the text \"false\""),
        ("hotline = 1", "expected true or false, got the number 1"),
        ("hotline = 0", "expected true or false, got the number 0"),
        ("tension = 0.9", "expected a whole number, got the number 0.9"),
        ("tension = true", "expected a whole number, got true"),
        ('tension = "30"', "expected a whole number, got the text \"30\""),
        ('information = "0.3"', "expected a number, got the text \"0.3\""),
        ("information = false", "expected a number, got false"),
        ("information = nan", "expected a finite number, got the number nan"),
        ("information = [0.3]", "expected a number, got a list"),
        ("seen_by = 3", "expected a table, got the number 3"),
    ],
)
def test_no_silent_coercion(line: str, message: str) -> None:
    [(at, field, said)] = text_problems(BASE + line + "\n")
    assert (at, field) == (RELATION_LINE, f"relations[0].{line.split(' =')[0]}")
    assert said.startswith(message)


def test_a_list_where_two_ids_are_expected() -> None:
    found = text_problems(EXAMPLE + '\n[[relations]]\nbetween = "blue"\n')
    assert found == [(20, "relations[0].between", 'expected a list in [ ], got the text "blue"')]
    found = text_problems(EXAMPLE + '\n[[relations]]\nbetween = ["blue", "red", "blue"]\n')
    assert found == [(20, "relations[0].between", "expected a list of 2 values, got a list with 3")]


def test_whole_numbers_are_accepted_where_fractions_are_expected() -> None:
    s = load_scenario_text(BASE + "information = 1\nanswer = 0\n")
    information = s.relations[0].values["information"]
    assert information == 1.0 and isinstance(information, float)


def test_a_table_where_a_list_of_tables_is_expected_and_the_reverse() -> None:
    found = text_problems(EXAMPLE.replace("[turns]", "[[turns]]"))
    assert found == [(5, "turns", "expected a table, got a list")]
    found = text_problems(EXAMPLE + '\n[alliances]\nid = "x"\n')
    assert found == [(19, "alliances", "expected [[alliances]] tables, got a table")]


# -- unknown and missing fields --------------------------------------------------------------


def test_unknown_fields_are_named_with_a_suggestion() -> None:
    assert problems("unknown_field.toml") == [
        (4, "scenario.autor", "unknown field 'autor' (did you mean 'author'?)"),
        (12, "actors[0].budjet", "unknown field 'budjet' (did you mean 'budget'?)"),
        (18, "actors[1].flavour", "unknown field 'flavour' (did you mean 'colour'?)"),
        (23, "relations[0].seen_by.red.trusts", "unknown field 'trusts' (did you mean 'trust'?)"),
        (25, "actor", "unknown field 'actor' (did you mean 'actors'?)"),
    ]


def test_missing_fields_point_at_their_table() -> None:
    assert problems("missing.toml") == [
        (None, "turns", "missing required table [turns]"),
        (2, "scenario.title", "missing required field 'title'"),  # the [scenario] line
        (9, "actors[1].name", "missing required field 'name'"),  # the second [[actors]]
        (17, "injects[0].effects[0].of", 'tension is held by two actors: give of = ["blue", "red"]'),
    ]


def test_an_empty_file() -> None:
    assert text_problems("") == [
        (None, "scenario", "missing required table [scenario]"),
        (None, "turns", "missing required table [turns]"),
        (None, "actors", "missing required [[actors]] tables"),
    ]


# -- checks beyond types ---------------------------------------------------------------------


def test_duplicate_ids_of_every_kind() -> None:
    assert problems("duplicates.toml") == [
        (17, "actors[2].id", "the actor id 'blue' is already used by actors[0]"),
        (25, "regions[1].id", "the region id 'strait' is already used by regions[0]"),
        (34, "forces[1].id", "the force id 'fleet' is already used by forces[0]"),
        (44, "alliances[1].id", "the alliance id 'pact' is already used by alliances[0]"),
        (54, "injects[1].id", "the inject id 'news' is already used by injects[0]"),
        (65, "objectives[1].id", "the objective id 'calm' is already used by objectives[0]"),
        (76, "endings[1].id", "the ending id 'war' is already used by endings[0]"),
    ]


def test_unknown_references() -> None:
    assert problems("references.toml") == [
        (19, "alliances[0].members[1]", "unknown actor 'gren' (did you mean 'green'?)"),
        (24, "regions[0].near[1]", "unknown actor 'read' (actors: blue, green)"),
        (28, "forces[0].owner", "unknown actor 'bleu' (did you mean 'blue'?)"),
        (29, "forces[0].home", "unknown region 'straight' (did you mean 'strait'?)"),
        (32, "relations[0].between[1]", "unknown actor 'red' (actors: blue, green)"),
        (36, "relations[1].seen_by.red",
         "'red' is not one of the pair; seen_by takes 'blue' or 'green'"),
        (43, "injects[0].to[1]", "unknown actor 'grene' (did you mean 'green'?)"),
        (45, "injects[0].effects[0].of[1]", "unknown actor 'gren' (did you mean 'green'?)"),
        (46, "injects[0].effects[1].of[0]", "unknown alliance 'blue' (alliances: pact)"),
        (51, "objectives[0].actor", "unknown actor 'bleu' (did you mean 'blue'?)"),
    ]


def test_effects() -> None:
    assert problems("effects.toml") == [
        (26, "injects[0].effects[0]", "an effect needs add = N or set = N"),
        (34, "injects[0].effects[1].set", "an effect has either add or set, not both"),
        (39, "injects[0].effects[2].set", "hotline is true or false, got the number 1"),
        (44, "injects[0].effects[3].add",
         "agreement is true or false: use set = true or set = false"),
        (49, "injects[0].effects[4].set", "trust is a number, got true"),
        (53, "injects[0].effects[5].of",
         'readiness is held by one actor: of = ["blue"]; this has 2'),
        (58, "injects[0].effects[6].of",
         "tension is between two different actors, not 'blue' twice"),
        (62, "injects[0].effects[7].value",
         "unknown value 'mood' (values: tension, hotline, agreement, trust, threat, information, "
         "answer, readiness, pressure, budget, cohesion)"),
        (69, "injects[0].effects[8].set", "tension must be 0–100, got 150"),
    ]


def test_out_of_range_values_and_bad_ids() -> None:
    assert problems("ranges.toml") == [
        (2, "scenario.id", "the id \"ranges!\" may contain only letters, digits, '-' and '_'"),
        (7, "turns.labels", "3 labels for 2 turns; give at most one per turn"),
        (10, "actors[0].id", "the id \"blue team\" may contain only letters, digits, '-' and '_'"),
        (12, "actors[0].budget", "budget must be 1–20, got 0"),
        (13, "actors[0].readiness", "readiness must be 0–4, got 5"),
        (14, "actors[0].pressure", "pressure must be 0–100, got 101"),
        (15, "actors[0].colour", "unknown colour 'sky blue' (did you mean 'skyblue'?); use a "
         'colour name such as "blue" or "#rrggbb"'),
        (20, "actors[1].budget", "budget must be 1–20, got 21"),
        (21, "actors[1].colour",
         "unknown colour '#12345'; use a colour name such as \"blue\" or \"#rrggbb\""),
        (26, "alliances[0].members", "an alliance needs at least two members"),
        (27, "alliances[0].cohesion", "cohesion must be 0–100, got 120"),
        (30, "relations[0].between",
         "a relation is between two different actors, not 'red' and itself"),
        (31, "relations[0].proximity", "proximity must be 0–5, got 6"),
        (32, "relations[0].information", "information must be 0–1, got 1.5"),
        (33, "relations[0].tension", "tension must be 0–100, got -1"),
        (40, "objectives[0].points", "points must be 0–1000, got -1"),
        (41, "objectives[0].check", "check must be one of end, ever, always; got 'sometimes'"),
        (47, "endings[0].outcome",
         "outcome must be one of conflict, de-escalation, fracture, scenario; got 'war'"),
    ]


@pytest.mark.parametrize(("limit", "ok"), [(0, False), (1, True), (200, True), (201, False)])
def test_turn_limit(limit: int, ok: bool) -> None:
    text = EXAMPLE.replace("limit = 6", f"limit = {limit}")
    if ok:
        assert load_scenario_text(text).turns.limit == limit
    else:
        assert text_problems(text) == [(6, "turns.limit", f"limit must be 1–200, got {limit}")]


def test_injects_scheduled_or_conditional() -> None:
    assert problems("injects.toml") == [
        (20, "injects[0].when",
         "an inject has either turn (scheduled) or when (conditional), not both"),
        (22, "injects[1]",
         'an inject needs either turn = N (scheduled) or when = "..." (conditional)'),
        (29, "injects[2].turn", "turn must be 1–6 (the turn limit), got 7"),
        (35, "injects[3].phase",
         "phase must be one of briefing, communications, orders; got 'night'"),
        (41, "injects[4].repeat",
         "repeat = true needs a condition (when); a scheduled inject fires once"),
    ]


def test_counts_of_actors_and_members() -> None:
    assert problems("counts.toml") == [
        (8, "actors", "a scenario needs at least two actors (it has 1)"),
        (15, "alliances[0].members[1]", "'blue' is listed twice"),
        (15, "alliances[0].members", "an alliance needs at least two members"),
    ]


def test_a_pair_described_twice() -> None:
    text = BASE + '\n[[relations]]\nbetween = ["red", "blue"]\n'
    assert text_problems(text) == [
        (RELATION_LINE + 2, "relations[1].between",
         "red and blue already have a relation: relations[0]"),
    ]


def test_unknown_ruleset_names_the_installed_ones() -> None:
    assert problems("ruleset.toml") == [
        (9, "rules.name", "unknown ruleset 'defence-diplomacy' (installed rulesets: "
         "defense-diplomacy); did you mean 'defense-diplomacy'?"),
    ]


def test_overrides_unknown_keys_and_wrong_types() -> None:
    assert problems("overrides.toml") == [
        (9, "rules.overrides.defaults.tension",
         "expected a whole number like the ruleset's value (20), got the number 25.5"),
        (10, "rules.overrides.defaults.hotline",
         "expected true or false like the ruleset's value (false), got the number 1"),
        (11, "rules.overrides.defaults.information",
         'expected a number like the ruleset\'s value (0.5), got the text "0.4"'),
        (12, "rules.overrides.defaults.tensoin",
         "the defense-diplomacy ruleset has no number 'tensoin' in [defaults] (did you mean "
         "'tension'?)"),
        (13, "rules.overrides.defaults.trust", "trust must be 0–100, got 150"),
        (16, "rules.overrides.ladder.names",
         'expected a list like the ruleset\'s value, got the text "Peacetime"'),
        (18, "rules.overrides.defualts",
         "the defense-diplomacy ruleset has no section [defualts] (did you mean 'defaults'?)"),
    ]


def test_an_int_override_of_a_float_number_is_fine() -> None:
    s = load_scenario_text(EXAMPLE.replace("tension = 35", "tension = 35\ninformation = 1"))
    assert ruleset_numbers(s)["defaults"]["information"] == 1


def test_condition_errors_give_the_when_line_and_the_column() -> None:
    found = problems("conditions.toml")
    assert [(line, field) for line, field, _ in found] == [
        (19, "injects[0].when"),
        (25, "objectives[0].when"),
        (29, "endings[0].when"),
    ]
    assert found[0][2].startswith("column 17: unknown actor 'gren'")
    assert "did you mean 'green'" in found[0][2]
    assert found[1][2].startswith("column 11: ") and "'and'" in found[1][2]
    assert found[2][2].startswith("column 1: a condition must be true or false")


def test_every_mistake_is_reported_at_once_across_stages() -> None:
    # A type error (structuring), a bad reference and a bad condition (checks) together.
    text = EXAMPLE + (
        '\n[[objectives]]\nid = "o"\nactor = "blu"\ntext = 3\n'
        'when = "tension(\'blue\', \'rd\') > 1"\n'
    )
    assert [(line, field) for line, field, _ in text_problems(text)] == [
        (21, "objectives[0].actor"),
        (22, "objectives[0].text"),
        (23, "objectives[0].when"),
    ]


def test_structure_scenario_has_the_same_checks_without_lines() -> None:
    data = unstructure_scenario(load_scenario(VALID))
    data["actors"][0]["budget"] = "3"
    data["forces"][0]["owner"] = "purple"
    with pytest.raises(ScenarioError) as info:
        structure_scenario(data)
    assert [(p.path, p.line, p.field) for p in info.value.problems] == [
        ("<log header>", None, "actors[0].budget"),
        ("<log header>", None, "forces[0].owner"),
    ]


# -- lines -----------------------------------------------------------------------------------

LAYOUT = """\
top = 1
[a.b]
c = 1
[a]
d = 2
x.y.z = 3
[[list]]
k = 1
[[list]]
k = 2
[list.sub]
q = [
  1,
  { r = 1,
    s = 2 },
]
[[list.more]]
w = 1
[[list.more]]
w = 2
"""


@pytest.mark.parametrize(
    ("field", "line"),
    [
        ("top", 1),
        ("a", 4),  # the explicit [a] header, not [a.b] that implied it first
        ("a.b", 2),
        ("a.b.c", 3),
        ("a.d", 5),
        ("a.x.y.z", 6),
        ("a.x", 6),
        ("list[0]", 7),
        ("list[0].k", 8),
        ("list[1]", 9),
        ("list[1].sub", 11),
        ("list[1].sub.q", 12),
        ("list[1].sub.q[0]", 13),
        ("list[1].sub.q[1]", 14),
        ("list[1].sub.q[1].s", 15),
        ("list[1].more[0]", 17),
        ("list[1].more[1].w", 20),
        ("list[1].more[1].nothing", 19),  # not there: its table
        ("nothing", None),
    ],
)
def test_line_of_path(field: str, line: int | None) -> None:
    assert line_of_path(LAYOUT, field) == line


def test_quoted_keys_have_lines_too() -> None:
    text = '[relations]\n[relations.seen_by."far away"]\ntrust = 3\n'
    assert line_of_path(text, 'relations.seen_by."far away".trust') == 3


# -- never a traceback -----------------------------------------------------------------------

toml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6,
)


def _paths(value: object, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_damage_gives_problems_never_a_traceback(data: st.DataObject) -> None:
    scenario = unstructure_scenario(load_scenario(VALID))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(scenario)[1:]))
        parent = scenario
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = data.draw(toml_values)
    try:
        structure_scenario(scenario)
    except ScenarioError as e:
        assert e.problems
        assert all(p.field and p.message for p in e.problems)


toml_scalars = st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | st.text(max_size=5)
toml_data = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_problem_in_a_damaged_file_has_a_line(data: st.DataObject) -> None:
    scenario = unstructure_scenario(load_scenario(VALID))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(scenario)[1:]))
        parent = scenario
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = data.draw(toml_data)
    text = tomli_w.dumps(scenario)
    try:
        load_scenario_text(text, "damaged.toml")
    except ScenarioError as e:
        assert e.problems
        lines = text.split("\n")  # TOML lines; splitlines() would also split at U+0085
        for p in e.problems:
            assert p.line is not None, f"{p} has no line in:\n{text}"
            # A value of the wrong type is reported on the line of its own key (or header).
            key = re.search(r"\.([A-Za-z0-9_-]+)$", p.field)
            if p.message.startswith("expected ") and key:
                assert re.search(rf"(^|[\s{{.\[,]){key.group(1)}( =|\]|\.)", lines[p.line - 1]), (
                    f"{p}\n{text}"
                )


# -- round trips -----------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_round_trip_through_toml(s: Scenario) -> None:
    assert load_scenario_text(dump_scenario(s)) == s


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_round_trip_through_plain_data_and_json(s: Scenario) -> None:
    assert structure_scenario(unstructure_scenario(s)) == s
    assert structure_scenario(json.loads(json.dumps(unstructure_scenario(s)))) == s
