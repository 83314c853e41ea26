"""docs/rules.md keeps up with the ruleset: every number, move, pledge and step is described."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from detente.rules import ruleset

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "rules.md").read_text("utf-8")


# Where each number is documented: the part of docs/rules.md a facilitator reads for the rule
# that uses it. A part is a heading's text, or a move's entry (``**`deploy`**`` up to the next
# entry or heading). A ruleset section is documented under one heading, except the four move
# families, whose numbers belong to the move that uses them (found by the key's prefix), and a
# few keys the table below sends elsewhere.
SECTION_HOME = {
    "defaults": "The values in play",
    "perception": "How a move is read: threat, information, misperception",
    "pledges": "Pledges",
    "verification": "Verification: what is seen, declared and found",
    "incidents": "Incidents",
    "crisis": "Crises",
    "drift": "Drift: threat perceived becomes tension",
    "politics": "Domestic politics and credibility",
    "end": "How the exercise ends",
    "scoring": "Scoring",
    "argued": "Argued actions",
}
KEY_HOME = {
    "perception.detect_factor": "deploy",  # detection is part of a deployment
    "perception.detect_near": "deploy",
}
MOVE_PREFIXES = {
    # What a call does when it ends: its base, each side's tone, its pledges, the rating.
    "hotline_call": ("answered_", "declined_", "unanswered_", "reassure_", "apologise_", "inform_",
                     "warn_", "demand_", "pledge_", "rating_"),
    "propose_hotline": ("established_", "refused_"),
    "notify_activity": ("notice_",),
    "invite_observers": ("observers_",),
    "data_exchange": ("exchange_",),
    "request_inspection": ("inspection_",),
    "deploy": ("deploy_", "ally_"),
    "withdraw": ("withdraw_",),
    "raise_readiness": ("readiness_",),
    "stand_down": ("stand_down_",),
    "joint_exercise": ("exercise_",),
    "mil_to_mil_exchange": ("m2m_",),
    "intelligence_sharing": ("sharing_",),
    "defense_cooperation_agreement": ("dca_",),
    "alliance_commitment": ("commitment_",),
    "multilateral_dialogue": ("dialogue_", "forum_"),
    "public_statement": ("statement_",),
    "consultations": ("consultations_",),
    "invoke_collective_defence": ("solidarity_", "restraint_"),
}


def parts(doc: str) -> dict[str, str]:
    """The doc cut into parts: each heading's text, and within it each move's entry."""
    out: dict[str, list[str]] = {}
    current: list[str] = out.setdefault("", [])
    for line in doc.splitlines():
        entry = re.match(r"\*\*`(\w+)`\*\*", line)
        if line.startswith("#"):
            current = out.setdefault(line.lstrip("#").strip(), [])
        elif entry and entry.group(1) in ruleset.moves:
            current = out.setdefault(entry.group(1), [])
        current.append(line)
    return {name: "\n".join(lines) for name, lines in out.items()}


def home(section: str, key: str) -> str:
    """The part of docs/rules.md where ``section.key`` must be documented."""
    if f"{section}.{key}" in KEY_HOME:
        return KEY_HOME[f"{section}.{key}"]
    if section in SECTION_HOME:
        return SECTION_HOME[section]
    movers = [m for m, prefixes in MOVE_PREFIXES.items()
              if ruleset.moves[m].family == section and key.startswith(prefixes)]
    assert len(movers) == 1, f"{section}.{key}: give it one home in MOVE_PREFIXES or KEY_HOME"
    return movers[0]


def shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value)


def documented(text: str, section: str, key: str, value: object) -> bool:
    """Whether ``text`` gives ``section.key`` with ``value``: `` `section.key` (value)``,
    `` `key = value` ``, or in a formula block a line naming the key that ends with its value."""
    name = rf"(?:{section}\.)?{key}"
    v = re.escape(shown(value))
    return bool(
        re.search(rf"`{name}`\s+\({v}\)", text)
        or re.search(rf"`{name} = {v}`", text)
        or re.search(rf"^[^`\n]*\b{section}\.{key}\b[^`\n]*[ =]{v}(?: +\([^)]*\))?$", text, re.M)
        or re.search(rf"^[^`\n]*\b{key} = {v}$", text, re.M)
    )


def misplaced(doc: str) -> list[str]:
    """Each number of the ruleset not documented, with its default, in its own part of ``doc``."""
    cut = parts(doc)
    return [
        f"{section}.{key} = {shown(value)} (in {home(section, key)!r})"
        for section, values in ruleset.numbers.items() if section not in ("ladder", "costs")
        for key, value in values.items()
        if not documented(cut.get(home(section, key), ""), section, key, value)
    ]


def test_every_number_is_documented_in_its_own_part_with_its_default() -> None:
    assert not misplaced(DOC)


def test_a_number_in_the_wrong_part_or_with_the_wrong_value_is_caught() -> None:
    moved = DOC.replace("`hotline.declined_trust` (4)", "(4)").replace(
        "`hotline.refused_trust` (2)", "`hotline.refused_trust` (2), `hotline.declined_trust` (4)")
    assert misplaced(moved) == ["hotline.declined_trust = 4 (in 'hotline_call')"]
    wrong = DOC.replace("`deployment.deploy_threat` (10)", "`deployment.deploy_threat` (12)")
    assert misplaced(wrong) == ["deployment.deploy_threat = 10 (in 'deploy')"]
    elsewhere = DOC.replace("`drift.rate` (0.25)", "a share").replace(
        "## How the exercise ends", "## How the exercise ends\n\n`drift.rate` (0.25)")
    assert misplaced(elsewhere) == ["drift.rate = 0.25 (in 'Drift: threat perceived becomes tension')"]


def test_every_move_states_its_cost_in_its_own_entry() -> None:
    cut = parts(DOC)
    for name, cost in ruleset.numbers["costs"].items():
        assert re.search(rf"\bcost {cost}\b", cut[name]), name


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
    modules = ("hotline", "transparency", "deployment", "cooperation", "incidents", "crisis", "alliances",
               "politics")
    for module in modules:
        doc = ast.get_docstring(ast.parse((ROOT / "rules" / f"{module}.py").read_text("utf-8"))) or ""
        assert "DOMAIN.md" not in doc, module
        cited = re.search(r'Grounding \(docs/rules\.md, "([^"]+)"\)', doc)
        assert cited, module
        assert cited.group(1) in headings, (module, cited.group(1))
