"""The documentation sends a reader to files that exist and to the module that defines a name,
so a module moved or split (the loader into tomlfile/checks/…, script.py into orders.py) takes
its documentation with it."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: A path into the code as the docs write it: `engine/checks.py`, tests/engine/test_views.py …
#: (not scenarios/: the docs' examples write new scenarios there).
PATH = re.compile(r"(?<![\w/.-])((?:engine|rules|net|tui|tests|benchmarks)/[\w/.-]*\w)")
#: "`MAX_EFFECTS` and `MAX_CONDITION_LENGTH` in `engine/checks.py`": names, then their module.
DEFINED_IN = re.compile(
    r"((?:`[A-Z][A-Z0-9_]+`(?:,|\s+and)?\s+)+)in\s+`((?:engine|rules|net|tui)/[\w/]+\.py)`"
)


def test_every_path_the_docs_name_exists() -> None:
    missing = [
        f"{doc.name}: {p}"
        for doc in DOCS
        for p in PATH.findall(doc.read_text(encoding="utf-8"))
        if not (ROOT / p).exists()
    ]
    assert missing == []


def _top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def test_a_constant_the_docs_place_in_a_module_is_defined_there() -> None:
    """Defined, not re-exported: the reader who opens the file finds the number."""
    checked, wrong = 0, []
    for doc in DOCS:
        for names, module in DEFINED_IN.findall(doc.read_text(encoding="utf-8")):
            defined = _top_level_names(ROOT / module)
            for name in re.findall(r"`(\w+)`", names):
                checked += 1
                if name not in defined:
                    wrong.append(f"{doc.name}: {name} is not defined in {module}")
    assert wrong == []
    assert checked >= 9  # docs/authoring.md's size limits, at least
