"""Nothing in engine/ names a move, a tracked value, a pledge or an ending of the bundled
ruleset: the engine knows them only by the ruleset's declarations (its tracks, move types,
endings, tones, functions), so a ruleset of other values and moves plays through it
(tests/engine/test_toy_ruleset.py).

Every engine module is parsed; a string literal (docstrings and examples in them aside), a
name, an attribute or a function that is one of the bundled ruleset's words is a finding.
"""

from __future__ import annotations

import ast
from pathlib import Path

from detente.engine.ruleset import find_ruleset

ROOT = Path(__file__).resolve().parents[1]

#: Words the bundled ruleset uses that are also the engine's own, with what they mean there.
ENGINE_WORDS = {
    "withdraw": "the engine's command that takes back an unanswered call or proposal",
    "answer": "a team's answer to a call or proposal (orders files' answers)",
}


def vocabulary() -> set[str]:
    rs = find_ruleset("defense-diplomacy")
    words = {*rs.moves, *rs.tracks, *rs.pledges, *rs.call_tones, *rs.outcomes, *(e.name for e in rs.endings)}
    return words - set(ENGINE_WORDS)


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(
                node.value.value, str):
            out.add(id(node.value))
    return out


def findings(path: Path, words: set[str], root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        hit = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            hit = node.value if node.value in words else None
        elif isinstance(node, ast.Attribute):
            hit = node.attr if node.attr in words else None
        elif isinstance(node, ast.Name):
            hit = node.id if node.id in words else None
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.arg)):
            name = node.arg if isinstance(node, ast.arg) else node.name
            hit = name if name in words else None
        elif isinstance(node, ast.keyword) and node.arg in words:
            hit = node.arg
        if hit:
            out.append(f"{path.relative_to(root)}:{getattr(node, 'lineno', '?')}: {hit}")
    return out


def test_the_engine_names_nothing_of_the_bundled_ruleset() -> None:
    words = vocabulary()
    assert {"tension", "hotline_call", "deploy", "no_deployment", "conflict", "calm"} <= words
    found = [f for p in sorted((ROOT / "engine").glob("*.py")) for f in findings(p, words)]
    assert found == [], "\n".join(found)


def test_the_finder_finds_a_name(tmp_path: Path) -> None:
    """The check itself: a module that reads a value by name is caught, its docstring is not."""
    module = tmp_path / "probe.py"
    module.write_text(
        '"""About tension."""\n\ndef f(state):\n    return state.value("tension", "a", "b")\n'
        '\n\ndef g(r):\n    r.change("cohesion", ["pact"], add=1, cause="x")\n', encoding="utf-8")
    assert findings(module, vocabulary(), tmp_path) == ["probe.py:4: tension", "probe.py:8: cohesion"]
