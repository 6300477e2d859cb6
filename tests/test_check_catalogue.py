"""The catalogue of checks (conformance/checks.py) declares every test of the suite once, with clauses
the spec defines, and the README's table of checks names the same checks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conformance import checks
from tests.test_clause_coverage import spec_clauses

ROOT = Path(__file__).resolve().parent.parent
RERUN = "test_saved_case"  # runs again whichever check a saved case names


def suite_tests() -> list[str]:
    """The test functions of conformance/test_*.py, read from the sources."""
    names = []
    for path in sorted((ROOT / "conformance").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names += [node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
    return names


def test_every_test_of_the_suite_is_declared_once():
    declared = [test for check in checks.CHECKS for test in check.tests]
    assert len(declared) == len(set(declared)), "a test is declared in two checks"
    tests = suite_tests()
    assert len(tests) == len(set(tests)), "two test functions of the suite have one name"
    assert sorted(declared) == sorted(t for t in tests if t != RERUN)
    assert len({check.name for check in checks.CHECKS}) == len(checks.CHECKS)


def test_every_declared_clause_is_a_clause_of_the_spec():
    defined = set(spec_clauses())
    unknown = {test: [c for c in clauses if c not in defined]
               for check in checks.CHECKS for test, clauses in check.tests.items()}
    assert not {test: found for test, found in unknown.items() if found}
    assert all(clauses for check in checks.CHECKS for clauses in check.tests.values())


def test_the_readme_table_names_the_checks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| check (test file) |"):].split("\n\n")[0]
    rows = table.splitlines()[2:]
    named = {name for row in rows for name in re.split(r",\s*", row.split("|")[1].strip())}
    assert named == set(checks.BY_NAME)
