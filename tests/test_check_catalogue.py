"""The catalogue of checks (conformance/checks.py) declares every test of the suite once, with clauses
the spec defines, and the README's table of checks names the same checks."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
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
        names += [node.name for node in tree.body
                  if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
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


def test_a_saved_case_naming_no_check_is_a_usage_error(tmp_path):
    """--rerun-case on a folder whose case.json names a check the suite does not have stops the run
    with one line naming the file and the key, not a failure of the implementation."""
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "model.nam").write_bytes((ROOT / "fixtures" / "cases" / "hand.linear" / "model.nam").read_bytes())
    (folder / "case.json").write_text(json.dumps({"id": "saved.x", "check": "agreemnt"}))
    done = subprocess.run([sys.executable, "-m", "pytest", "conformance", "--impl=reference", "-q", "-p",
                           "no:cacheprovider", "--rerun-case", str(folder)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 4, done.stdout[-2000:]
    assert f"{folder / 'case.json'}: $.check: 'agreemnt' is not a check of the suite" in done.stdout + done.stderr
