"""The README's two set-up commands are the ones CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [c.strip() for c in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_readme_shows_exactly_two_setup_commands() -> None:
    main_job, tests = setup_commands()
    assert "pip install" in main_job and "detente " in main_job
    assert "pip install" in tests and "pytest" in tests


def test_ci_runs_the_readme_test_command_and_the_main_job_is_played_in_a_terminal() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    main_job, tests = setup_commands()
    assert tests in ci
    # The main job is interactive; tests/tui/tmux_play.sh plays it in tmux under pytest.
    assert main_job.endswith("detente play")
    assert "play strait_standoff" in (ROOT / "tests" / "tui" / "tmux_play.sh").read_text(encoding="utf-8")


def test_the_layout_section_names_each_front_end_package_and_only_paths_that_exist() -> None:
    """A reader finds where a command, a screen and a renderer live from the README alone."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    paths = re.findall(r"`((?:engine|rules|scenarios|net|tests|tui)/[\w./]*)`", section)
    assert [p for p in paths if not (ROOT / p).exists()] == []
    packages = {f"tui/{p.parent.relative_to(ROOT / 'tui')}/" for p in (ROOT / "tui").glob("*/__init__.py")}
    assert packages <= set(paths), f"the layout section does not name {sorted(packages - set(paths))}"
