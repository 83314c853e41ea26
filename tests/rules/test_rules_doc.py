"""docs/rules.md keeps up with the ruleset: every number, move, pledge and step is described."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from detente.rules import ruleset

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "rules.md").read_text("utf-8")


def test_every_number_is_documented() -> None:
    missing = [
        f"{section}.{key}"
        for section, values in ruleset.numbers.items() if section not in ("ladder", "costs")
        for key in values
        if f"{section}.{key}" not in DOC and f"`{key}`" not in DOC and f"`{key} =" not in DOC
    ]
    assert not missing, missing


def test_every_move_and_pledge_is_documented() -> None:
    for name in (*ruleset.moves, *ruleset.pledges):
        assert f"`{name}`" in DOC, name
    for name, cost in ruleset.numbers["costs"].items():
        assert cost == 1 or f"`costs.{name} = {cost}`" in DOC, name


def test_steps_are_documented_in_order() -> None:
    positions = [DOC.find(f"**{step.name}") for step in ruleset.steps]
    assert -1 not in positions, positions
    assert positions == sorted(positions)


def test_every_move_and_pledge_has_a_title_declared_as_data() -> None:
    from detente.rules import NUMBERS

    declared = NUMBERS["titles"]
    assert set(declared["moves"]) == set(ruleset.moves)
    assert set(declared["pledges"]) == set(ruleset.pledges)
    for name, mt in ruleset.moves.items():
        assert mt.title == declared["moves"][name] and mt.title != name
    for name, pt in ruleset.pledges.items():
        assert pt.title == declared["pledges"][name] and pt.title != name
    # Titles are words, not numbers a scenario could override.
    assert "titles" not in ruleset.numbers
    assert "[titles.moves]" in DOC


def test_rules_modules_cite_grounding_sections_that_exist() -> None:
    """Each move family's docstring cites its grounding in docs/rules.md, by a heading that exists."""
    headings = {line.lstrip("#").strip() for line in DOC.splitlines() if line.startswith("#")}
    for module in ("hotline", "transparency", "deployment", "cooperation", "incidents"):
        doc = ast.get_docstring(ast.parse((ROOT / "rules" / f"{module}.py").read_text("utf-8"))) or ""
        assert "DOMAIN.md" not in doc, module
        cited = re.search(r'Grounding \(docs/rules\.md, "([^"]+)"\)', doc)
        assert cited, module
        assert cited.group(1) in headings, (module, cited.group(1))
