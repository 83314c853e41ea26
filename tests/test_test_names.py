"""The test folders are not packages, so pytest imports each test module by its file name: two
files with one name in different folders stop the whole run at collection."""

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_two_test_modules_share_a_name() -> None:
    names = Counter(p.name for p in TESTS.rglob("*.py") if p.name not in ("__init__.py", "conftest.py"))
    assert not [n for n, count in names.items() if count > 1]
