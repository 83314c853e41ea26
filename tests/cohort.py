"""Syndicates' logs for the cohort-debrief tests: one scenario played by bots under different
policies, with one seed, so that only the choices differ (``detente run … --bot … --seed``)."""

from __future__ import annotations

from pathlib import Path

from detente.tui.cli import main

ROOT = Path(__file__).resolve().parents[1]
STRAIT = ROOT / "scenarios" / "strait_standoff.toml"
FORUM = ROOT / "scenarios" / "regional_forum.toml"
POLICIES = (
    ("blue=dove", "red=dove", "green=dove"),
    ("blue=hawk", "red=dove", "green=dove"),
    ("blue=tit-for-tat", "red=hawk", "green=dove"),
)


def play(scenario: Path, log: Path, bots: tuple[str, ...], seed: int = 5) -> Path:
    """``detente run SCENARIO --bot … --seed S --log LOG``."""
    args = ["run", str(scenario), "--seed", str(seed), "--log", str(log)]
    for b in bots:
        args += ["--bot", b]
    assert main(args) == 0
    return log


def syndicates(folder: Path) -> list[Path]:
    """Three syndicates of Strait Standoff, one per :data:`POLICIES`, in ``folder``."""
    return [play(STRAIT, folder / f"syndicate-{i}.jsonl", bots) for i, bots in enumerate(POLICIES, 1)]
