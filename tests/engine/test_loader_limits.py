"""Inputs that used to crash or stall the loader: each is now one clean ``FILE:LINE: field:
message`` per problem, found quickly, and ``detente validate`` exits 1 without a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from detente.engine.loader import (
    EXAMPLE,
    MAX_COUNTS,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_ITEMS,
    MAX_KEY_PARTS,
    MAX_LINES,
    MAX_PROBLEMS,
    Problem,
    ScenarioError,
    load_scenario,
    load_scenario_text,
    structure_scenario,
    unstructure_scenario,
)
from detente.tui.cli import main

LAST = EXAMPLE.count("\n")  # EXAMPLE's last line; a line appended to it is LAST + 1


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "t.toml")
    assert str(info.value) == "\n".join(str(p) for p in info.value.problems)
    return info.value.problems


def shown(text: str) -> list[str]:
    return [str(p) for p in problems_of(text)]


def validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | bytes,
             *extra: str) -> list[str]:
    """Run ``detente validate`` on ``text``: it exits 1 and prints one line per problem."""
    path = tmp_path / "s.toml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    assert main(["validate", *extra, str(path)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = out.splitlines()
    assert all(line.startswith(f"{path}") for line in lines), out
    return [line.removeprefix(str(path)) for line in lines]


# -- crashes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("opening", ["[", "{a = "])
def test_nesting_a_thousand_deep_is_one_problem_with_its_line(opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    text = EXAMPLE + "x = " + opening * 1000 + "1" * (opening != "[") + closing * 1000 + "\n"
    [p] = problems_of(text)
    assert (p.line, p.field) == (LAST + 1, "<syntax>")
    assert p.message == f"lists and inline tables nested more than {MAX_DEPTH} deep"
    assert p.column == 5 + MAX_DEPTH * len(opening)


def test_nesting_within_the_limit_keeps_every_problems_line() -> None:
    # Deep (but allowed) nesting in one place used to make the line finder give up everywhere.
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    text = EXAMPLE.replace('name = "Rubria"', 'name = "Rubria"\nbudget = 0') + f"x = {deep}\n"
    found = [(p.line, p.field) for p in problems_of(text)]
    assert found == [(LAST + 1, "actors[1].budget"), (LAST + 2, "actors[1].x")]


def test_an_integer_of_more_than_4300_digits() -> None:
    text = EXAMPLE.replace("tension = 35", "tension = 1" + "0" * 5000)
    assert shown(text) == ["t.toml:9: <syntax>: a whole number of more than 4,300 digits"]


@pytest.mark.parametrize("where", ["tension = 35", 'name = "Azuria"'])
def test_a_whole_number_beyond_64_bits_names_its_field(where: str) -> None:
    big = "1" + "0" * 400
    text = EXAMPLE.replace(where, f"{where}\nbudget = {big}" if "name" in where
                           else f"tension = {big}")
    [p] = problems_of(text)
    field = "rules.overrides.defaults.tension" if "tension" in where else "actors[0].budget"
    assert p.field == field
    assert p.line == text.split("\n").index(next(x for x in text.split("\n") if big in x)) + 1
    assert p.message.startswith("a whole number of 401 digits is too large: whole numbers are "
                                "-9,223,372,036,854,775,808 to 9,223,372,036,854,775,807")


def test_a_hexadecimal_number_of_a_million_digits() -> None:
    text = EXAMPLE.replace("tension = 35", "tension = 0x" + "f" * 1_000_000)
    [p] = problems_of(text)
    assert (p.line, p.field) == (9, "rules.overrides.defaults.tension")
    assert p.message.startswith("a whole number of thousands of digits is too large")


def test_a_64_bit_seed_is_fine() -> None:
    text = EXAMPLE.replace('title = "An example"', 'title = "An example"\nseed = -9223372036854775808')
    assert load_scenario_text(text).scenario.seed == -(2**63)


# -- size limits ---------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(EXAMPLE + "# " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (f"{path}: <file>: the file is larger than 2,000,000 bytes, the "
                               "most a scenario file may be")
    assert [str(p).removeprefix(str(path)) for p in info.value.problems] == [
        ": <file>: the file is larger than 2,000,000 bytes, the most a scenario file may be"]


def test_a_long_briefing_within_the_size_limit_loads() -> None:
    text = EXAMPLE.replace('title = "An example"',
                           'title = "An example"\nbriefing = """\n' + "Word. " * 300_000 + '\n"""')
    assert len(load_scenario_text(text).scenario.briefing) > 1_000_000


def test_too_many_lines() -> None:
    text = EXAMPLE + "\n" * MAX_LINES
    assert shown(text) == [f"t.toml:{MAX_LINES + 1}: <file>: more than 20,000 lines, the most a "
                           "scenario file may have"]


def test_too_many_list_items_on_one_line() -> None:
    started = time.perf_counter()
    text = EXAMPLE + "x = [" + "1," * 500_000 + "]\n"
    assert shown(text) == [f"t.toml:{LAST + 1}: <file>: more than 20,000 keys, tables and list "
                           "items, the most a scenario file may have"]
    assert time.perf_counter() - started < 2


def test_items_within_the_limit_are_read() -> None:
    text = EXAMPLE + "x = [" + "1," * (MAX_ITEMS - 200) + "]\n"
    assert [p.field for p in problems_of(text)] == ["actors[1].x"]


def test_a_dotted_key_of_200000_parts_is_refused_at_once() -> None:
    started = time.perf_counter()
    text = EXAMPLE + "a" + ".b" * 200_000 + " = 1\n"
    assert shown(text) == [f"t.toml:{LAST + 1}:1: <syntax>: a dotted key or table name of more "
                           f"than {MAX_KEY_PARTS} parts"]
    assert time.perf_counter() - started < 2


def test_dotted_keys_within_the_limit_and_dots_in_text_are_fine() -> None:
    parts = ".".join(["a"] * MAX_KEY_PARTS)
    text = EXAMPLE.replace("An example", "An example. " + ".".join("x" * 40)) + f"{parts} = 1\n"
    assert [p.field for p in problems_of(text)] == ["actors[1].a"]
    header = EXAMPLE + "[" + " . ".join(['"q"'] * (MAX_KEY_PARTS + 1)) + "]\n"
    assert shown(header) == [f"t.toml:{LAST + 1}:2: <syntax>: a dotted key or table name of more "
                             f"than {MAX_KEY_PARTS} parts"]


def test_too_many_actors_as_headers_is_refused_before_parsing() -> None:
    started = time.perf_counter()
    text = EXAMPLE + "[[actors]]\n" * 9_000
    actors = MAX_COUNTS["actors"]
    assert shown(text) == [f"t.toml:{LAST + actors - 1}: actors[{actors}]: more than {actors} "
                           "[[actors]] tables, the most a scenario may have"]
    assert time.perf_counter() - started < 1


def test_too_many_actors_as_an_inline_list() -> None:
    text = "actors = [" + '{ id = "a", name = "A" },' * 60 + "]\n" + EXAMPLE.split("[[actors]]")[0]
    assert shown(text) == ["t.toml:1: actors[50]: more than 50 [[actors]] tables, the most a "
                           "scenario may have"]


@pytest.mark.parametrize("kind", sorted(MAX_COUNTS))
def test_every_kind_has_a_limit(kind: str) -> None:
    most = MAX_COUNTS[kind]
    data = unstructure_scenario(load_scenario_text(EXAMPLE))
    data[kind] = [{}] * (most + 1)
    with pytest.raises(ScenarioError) as info:
        structure_scenario(data)
    [p] = info.value.problems
    assert str(p) == (f"<log header>: {kind}[{most}]: more than {most:,} [[{kind}]] tables, the "
                      "most a scenario may have")


def test_1500_actors_are_refused_quickly() -> None:
    started = time.perf_counter()
    text = EXAMPLE + "".join(f'[[actors]]\nid = "a{i}"\nname = "A"\n' for i in range(1500))
    assert [p.field for p in problems_of(text)] == ["actors[50]"]
    assert time.perf_counter() - started < 1


def test_many_problems_are_cut_to_a_list_of_the_first() -> None:
    text = EXAMPLE + "".join(f"k{i} = 1\n" for i in range(300))
    found = problems_of(text)
    assert len(found) == MAX_PROBLEMS + 1
    assert str(found[-1]) == f"t.toml: <file>: 200 more problems (only the first {MAX_PROBLEMS} " \
        "are listed)"


# -- one line per problem ----------------------------------------------------------------------


def test_a_newline_in_a_key_or_value_is_escaped() -> None:
    text = EXAMPLE.replace('id = "blue"', 'id = "bl\\nue"\ncolour = "sky\\u2028blue"\n"a\\nb" = 1')
    assert shown(text) == [
        "t.toml:12: actors[0].id: the id \"bl\\nue\" may contain only letters, digits, '-' and '_'",
        "t.toml:13: actors[0].colour: unknown colour 'sky\\u2028blue' (did you mean 'skyblue'?); "
        "use a colour name such as "
        '"blue" or "#rrggbb"',
        "t.toml:14: actors[0].\"a\\nb\": unknown field 'a\\nb'",
    ]


def test_a_20_mb_key_is_cut() -> None:
    data = unstructure_scenario(load_scenario_text(EXAMPLE))
    data["k" * 20_000_000] = 1
    with pytest.raises(ScenarioError) as info:
        structure_scenario(data)
    k59 = "k" * 59
    assert str(info.value) == f"<log header>: \"{k59}…\": unknown field '{k59}…'"


def test_a_damaged_header_names_its_line() -> None:
    for header, problem in [
        ("[[actors]", ":9: <syntax>: the table header is not closed with ]]: write [[name]], "
                      "with nothing but a comment after it"),
        ("[[scenario]]", ":11: <syntax>: [[scenario]] starts a list of tables, but scenario is "
                         "already a single table ([scenario]) or a value: use one or the other"),
        ("[[ actors . x ]]", ": actors[1].x: unknown field 'x'"),
        ("[[relations.seen_by]]", ": relations: expected [[relations]] tables, got a table"),
    ]:
        text = EXAMPLE + header + '\nid = "x"\n'
        assert shown(text) == [f"t.toml:{LAST + 1}{problem}"]


# -- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (EXAMPLE + "x = " + "[" * 1000 + "]" * 1000 + "\n",
     [f":{LAST + 1}:21: <syntax>: lists and inline tables nested more than 16 deep"]),
    (EXAMPLE.replace("tension = 35", "tension = 1" + "0" * 5000),
     [":9: <syntax>: a whole number of more than 4,300 digits"]),
    (EXAMPLE.replace("tension = 35", "tension = 1" + "0" * 400),
     [":9: rules.overrides.defaults.tension: a whole number of 401 digits is too large: whole "
      "numbers are -9,223,372,036,854,775,808 to 9,223,372,036,854,775,807"]),
    (EXAMPLE + "a" + ".b" * 200_000 + " = 1\n",
     [f":{LAST + 1}:1: <syntax>: a dotted key or table name of more than 16 parts"]),
    (EXAMPLE.replace('id = "blue"', 'id = "bl\\nue"'),
     [":12: actors[0].id: the id \"bl\\nue\" may contain only letters, digits, '-' and '_'"]),
])
def test_validate_prints_one_line_per_problem_and_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: list[str]) -> None:
    assert validate(tmp_path, capsys, text) == expected
    assert validate(tmp_path, capsys, text, "--strict") == expected


def test_validate_refuses_a_file_over_the_size_limit(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    text = EXAMPLE + "[[actors]]\n" * (MAX_FILE_BYTES // 11 + 1)
    assert validate(tmp_path, capsys, text) == [
        ": <file>: the file is larger than 2,000,000 bytes, the most a scenario file may be"]


def test_a_log_header_with_a_huge_or_deeply_nested_number() -> None:
    data = unstructure_scenario(load_scenario_text(EXAMPLE))
    data["actors"][0]["budget"] = 10**400
    deep: list[object] = [1]
    for _ in range(5000):
        deep = [deep]
    data["extra"] = deep
    with pytest.raises(ScenarioError) as info:
        structure_scenario(data)
    assert [str(p) for p in info.value.problems] == [
        "<log header>: actors[0].budget: a whole number of 401 digits is too large: whole numbers "
        "are -9,223,372,036,854,775,808 to 9,223,372,036,854,775,807"]
    data["actors"][0]["budget"] = 3
    with pytest.raises(ScenarioError) as info:
        structure_scenario(data)
    assert [str(p) for p in info.value.problems] == ["<log header>: extra: unknown field 'extra'"]
