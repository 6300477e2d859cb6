"""Every clause of the spec's computational sections is named by a `clause` marker of some test.

Tests say which clauses they exercise with `@pytest.mark.clause("WN-LAYER-5", ...)`; this file reads
the test sources (not the collected tests, so it needs no other test to run) and the spec's clause
definitions, and fails for a computational clause no test names, or a marker naming no clause.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SPEC = TESTS.parent / "spec" / "nam-format.md"
DEFINITION = re.compile(r"^\*\*\[([A-Z]+(?:-[A-Z]+)*-\d+)\]", re.MULTILINE)
CLAUSE_ID = re.compile(r"""["']([A-Z]+(?:-[A-Z]+)*-\d+)["']""")
MARKER = "mark.clause("

# The computational sections: every clause of a family (None), or the listed clause numbers.
REQUIRED = {
    "ACT": None, "CONV": None, "WN-FILM": None, "WN-LAYER": None, "WN-FWD": None, "STATE": None,
    "LIN": {5}, "CNN": {5}, "LSTM": {5, 6}, "WN-HEAD": {2, 3}, "WN-SLIM": {5, 6, 7, 8}, "CONT": {6, 7},
    "STREAM": {2, 5, 7}, "SEQ": {5, 6, 7, 8},
}


def spec_clauses() -> list[str]:
    return DEFINITION.findall(SPEC.read_text(encoding="utf-8"))


def required_clauses() -> set[str]:
    required = set()
    for clause in spec_clauses():
        family, number = clause.rsplit("-", 1)
        if family in REQUIRED and (REQUIRED[family] is None or int(number) in REQUIRED[family]):
            required.add(clause)
    return required


def marked_clauses() -> dict[str, set[str]]:
    """Clause id -> the test files whose markers name it."""
    marked: dict[str, set[str]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        if path.resolve() == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        start = text.find(MARKER)
        while start != -1:
            end = text.index(")", start)  # marker arguments are string literals, without parentheses
            for clause in CLAUSE_ID.findall(text[start:end]):
                marked.setdefault(clause, set()).add(path.name)
            start = text.find(MARKER, end)
    return marked


def test_the_spec_has_the_computational_clauses():
    required = required_clauses()
    assert {"ACT-2", "CONV-4", "LIN-5", "CNN-5", "LSTM-5", "LSTM-6", "WN-LAYER-5", "WN-FILM-1", "WN-FWD-6",
            "WN-HEAD-3", "WN-SLIM-7", "CONT-6", "STATE-4", "STREAM-2", "STREAM-5", "STREAM-7"} <= required
    assert "LIN-1" not in required and "STREAM-3" not in required


def test_every_computational_clause_is_exercised():
    missing = sorted(required_clauses() - set(marked_clauses()))
    assert not missing, f"no test is marked with {missing}"


def test_every_marker_names_a_clause_of_the_spec():
    unknown = {clause: sorted(files) for clause, files in marked_clauses().items() if clause not in set(spec_clauses())}
    assert not unknown, f"markers name clauses the spec does not define: {unknown}"
