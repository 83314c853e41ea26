"""Snapshots of every main screen at 80x24 (pytest-textual-snapshot). After an intended
change of look, run `pytest tests/tui/test_snapshots.py --snapshot-update` and review."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.engine.loader import load_scenario
from detente.tui.app.app import DetenteApp
from detente.tui.app.client import LocalClient
from detente.tui.cli.common import bundled_scenarios

ROOT = Path(__file__).resolve().parents[2]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
SIZE = (80, 24)


@pytest.fixture
def app(tmp_path: Path) -> DetenteApp:
    return DetenteApp(client=LocalClient.new(load_scenario(STRAIT), tmp_path / "s.jsonl"))


class TestScreens:
    def test_start(self, snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(DetenteApp(scenarios=bundled_scenarios(), sessions=tmp_path), terminal_size=SIZE)

    def test_console(self, snap_compare, app: DetenteApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, press=["n"])

    def test_handover(self, snap_compare, app: DetenteApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, press=["n", "t", "enter"])

    def test_team(self, snap_compare, app: DetenteApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, press=["n", "t", "enter", "enter"])

    def test_review(self, snap_compare, app: DetenteApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, press=["n", "n", "n", "enter"])

    def test_debrief(self, snap_compare, app: DetenteApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, press=["n", "n", "n", "enter", "p"])

    def test_help(self, snap_compare, app: DetenteApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, press=["f1"])

    def test_evaluator(self, snap_compare, app: DetenteApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, press=["n", "v"])


class TestThemesAndSizes:
    """The console in the light theme (a bright room, a projector) and on a large terminal."""

    def test_console_light(self, snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        client = LocalClient.new(load_scenario(STRAIT), tmp_path / "s.jsonl")
        assert snap_compare(DetenteApp(client=client, theme="light"), terminal_size=SIZE, press=["n"])

    def test_console_large(self, snap_compare, app: DetenteApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=(160, 48), press=["n"])
