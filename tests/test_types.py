"""The code type-checks: mypy, configured by ``[tool.mypy]`` in pyproject.toml, reports nothing
on ``detente.engine``, ``detente.rules`` and ``detente.tui`` (``detente.net`` is read for the types
tui uses, not yet checked).

Run ``python tests/test_types.py`` to see mypy's own report.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The folders that are imported as ``detente.<name>``: every one mypy reads.
CHECKED = ("engine", "rules", "tui", "net")


def link_packages(tree: Path) -> None:
    """Put ``tree/detente/engine``, ``tree/detente/rules``… as links to the real folders.

    The editable install maps ``detente.engine`` to ``engine/`` with an import hook, which mypy
    cannot follow; with ``tree`` on mypy's search path it finds the packages by their names.
    """
    package = tree / "detente"
    package.mkdir(parents=True, exist_ok=True)
    for name in CHECKED:
        link = package / name
        if not link.exists():
            link.symlink_to(ROOT / name, target_is_directory=True)


def run_mypy(tree: Path) -> tuple[int, str]:
    """mypy's exit code and report for the packages ``[tool.mypy]`` lists, found through the
    links in ``tree`` (see :func:`link_packages`); the report names files as in the repository."""
    package = tree / "detente"
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(tree / ".mypy_cache")],
        cwd=ROOT,
        env={**os.environ, "MYPYPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = (proc.stdout + proc.stderr).replace(f"{package}{os.sep}", "")
    return proc.returncode, report


def test_engine_rules_and_tui_type_check(tmp_path: Path) -> None:
    try:
        link_packages(tmp_path)
    except OSError as exc:  # pragma: no cover - a system that cannot make links
        pytest.skip(f"cannot link the packages for mypy: {exc}")
    code, report = run_mypy(tmp_path)
    assert code == 0, f"mypy reports problems in engine/, rules/ or tui/:\n{report}"
    assert "Success: no issues found" in report, report


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        link_packages(Path(tmp))
        code, report = run_mypy(Path(tmp))
    print(report, end="")
    sys.exit(code)
