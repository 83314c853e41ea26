"""A plain `pip install .` (not editable) must ship every package and data file: the folders map
into `detente.*` only through the lists in pyproject.toml, so a new sub-package or data file that
is not listed would be missing from a real install while every editable-install test passes."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {folder: f"detente.{folder}" for folder in ("engine", "rules", "tui", "net", "scenarios")}


def test_every_package_folder_is_listed() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    found = set()
    for folder, package in FOLDERS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([package, *rel.parts]))
    assert found - listed == set(), "add these to [tool.setuptools] packages"


def test_every_data_file_is_covered_by_package_data() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    data = setuptools["package-data"]
    missing = []
    for folder, package in FOLDERS.items():
        for path in (ROOT / folder).rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            # A file belongs to the innermost package (folder with __init__.py) holding it, and
            # package-data patterns are relative to that package: tui/app/x.tcss is detente.tui.app's.
            home = path.parent
            while home != ROOT / folder and not (home / "__init__.py").exists():
                home = home.parent
            owner = ".".join([package, *home.relative_to(ROOT / folder).parts])
            rel = path.relative_to(home)
            if not any(rel.match(pattern) for pattern in data.get(owner, [])):
                missing.append(f"{folder}/{path.relative_to(ROOT / folder)}")
    assert missing == [], "add these to [tool.setuptools.package-data]"
