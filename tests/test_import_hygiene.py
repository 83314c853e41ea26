"""The engine and the rules are reachable without the terminal UI or the network:
importing them must not import textual or websockets (checked in a clean interpreter)."""

import subprocess
import sys

import pytest

MODULES = [
    "detente.engine.scenario", "detente.engine.loader", "detente.engine.expr",
    "detente.engine.conditions", "detente.engine.state", "detente.engine.events",
    "detente.engine.adjudicate", "detente.engine.session", "detente.engine.views",
    "detente.engine.log", "detente.engine.recorder", "detente.engine.script",
    "detente.engine.ruleset", "detente.rules",
]


@pytest.mark.parametrize("module", MODULES)
def test_engine_imports_no_ui_or_network(module: str) -> None:
    code = (
        "import sys, importlib\n"
        f"importlib.import_module({module!r})\n"
        "from detente.engine.ruleset import find_ruleset\n"
        "find_ruleset('defense-diplomacy')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'websockets'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} pulled in {out.stdout.strip()}"


def test_engine_never_imports_rules_or_tui() -> None:
    """Arrows run one way: rules and tui import the engine, never the reverse."""
    import re
    from pathlib import Path

    pattern = re.compile(r"^\s*(from|import)\s+detente\.(rules|tui)\b", re.MULTILINE)
    root = Path(__file__).resolve().parents[1] / "engine"
    offenders = []
    for path in root.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if pattern.search(text):
            offenders.append(path.name)
    assert offenders == []
