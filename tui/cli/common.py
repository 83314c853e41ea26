"""What several commands share: how they speak (one line to stdout or stderr), their exit
codes, and how they find a scenario, load it, choose a log's path and read ``--bot``.

Light on purpose: every command module imports it while ``detente --help`` is built, so the
engine's heavy parts are imported inside the functions, when a command runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from detente.tui.errors import UserError

if TYPE_CHECKING:
    from detente.engine.bots import Policy
    from detente.engine.scenario import Scenario

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def say(*lines: str) -> None:
    """Lines to stdout, shown at once."""
    print(*lines, sep="\n", flush=True)


def err(message: str) -> None:
    """One line to stderr, ``detente: message``."""
    print(f"detente: {message}", file=sys.stderr, flush=True)


# -- scenarios ---------------------------------------------------------------------------------


def bundled_scenarios() -> list[Path]:
    """The scenario files shipped with Détente."""
    root = files("detente.scenarios")
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".toml"))


def resolve_scenario(name: str) -> Path:
    """A scenario path, or the id / file stem of a bundled scenario (``strait_standoff``,
    ``strait-standoff``); a file that exists wins over a bundled scenario of the same name."""
    p = Path(name)
    if p.exists():
        return p
    for b in bundled_scenarios():
        if name in (b.stem, b.stem.replace("_", "-"), b.name):
            return b
    raise UserError(
        f"{name}: no such scenario file (bundled: {', '.join(b.stem for b in bundled_scenarios())})"
    )


def load(path: Path) -> Scenario:
    """The scenario at ``path``; a file with a mistake is a :class:`UserError`."""
    from detente.engine.loader import ScenarioError, load_scenario

    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise UserError(str(exc)) from None


def parse_bots(specs: Sequence[str], scenario: Scenario) -> dict[str, Policy]:
    """``--bot TEAM=POLICY`` options as team → policy; a bad one is a :class:`UserError`."""
    from detente.engine.bots import BotSpecError, parse_bot_specs

    try:
        return parse_bot_specs(specs, scenario)
    except BotSpecError as exc:
        raise UserError(f"--bot {exc}") from None


# -- logs -------------------------------------------------------------------------------------


def _default_log(scenario_id: str, folder: Path = Path("sessions")) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    base = folder / f"{scenario_id}-{stamp}"
    path, n = base.with_suffix(".jsonl"), 1
    while path.exists():
        n += 1
        path = Path(f"{base}-{n}.jsonl")
    return path


def log_path_for(given: str | None, scenario_id: str) -> Path:
    """Where ``--log`` writes: a file, or the default name in a folder (``--log runs/``)."""
    if given is None:
        return _default_log(scenario_id)
    if not given:
        raise UserError("--log '': give a file name, or a folder ending in /")
    # A folder, existing or named with a trailing slash, gets a new log with the default name
    # inside it; it is made if missing, as sessions/ is.
    if given.endswith(("/", os.sep)) or Path(given).is_dir():
        if Path(given).exists() and not Path(given).is_dir():
            raise UserError(f"--log {given}: {Path(given)} is a file, not a folder")
        return _default_log(scenario_id, Path(given))
    # A log file, though, is not worth a tree of folders made from a typo.
    if not Path(given).parent.is_dir():
        raise UserError(
            f"--log {given}: there is no folder {Path(given).parent}; create it first, "
            "or give a folder ending in / to have it made"
        )
    return Path(given)


__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "bundled_scenarios",
    "err",
    "load",
    "log_path_for",
    "parse_bots",
    "resolve_scenario",
    "say",
]
