"""The spec's clause ids are unique, and everything that cites a clause cites one that exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "nam-format.md"
DEFINITION = re.compile(r"^\*\*\[([A-Z]+(?:-[A-Z]+)*-\d+)\]", re.MULTILINE)
CITATION = re.compile(r"\[((?:GEN|JSON|ENV|VER|SR|META|W|ACT|CONV|LIN|CNN|LSTM|WN|CONT|STATE|STREAM|LOUD|NUM|LIM|DIV|APPROX|DIALECT)"
                      r"(?:-[A-Z]+)*-\d+)\]")
QUOTED = re.compile(r"[\"']((?:GEN|JSON|ENV|VER|SR|META|W|ACT|CONV|LIN|CNN|LSTM|WN|CONT|STATE|STREAM|LOUD|NUM|LIM|DIV|APPROX|DIALECT)"
                    r"(?:-[A-Z]+)*-\d+)[\"']")


def defined() -> list[str]:
    return DEFINITION.findall(SPEC.read_text(encoding="utf-8"))


def test_clause_ids_are_unique_and_numbered_in_order():
    ids = defined()
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    by_section: dict[str, list[int]] = {}
    for clause in ids:
        section, _, number = clause.rpartition("-")
        by_section.setdefault(section, []).append(int(number))
    for section, numbers in by_section.items():
        assert numbers == list(range(1, len(numbers) + 1)), f"{section}: {numbers}"


def _sources():
    for folder in ("spec", "nam_reference", "conformance", "generators", "fixtures", "tests", "benchmarks", "docs"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".md", ".json", ".txt", ".toml") and path.is_file() and "invalid" not in path.parts:
                yield path
    yield ROOT / "README.md"


def test_every_cited_clause_exists():
    known = set(defined())
    missing = {}
    for path in _sources():
        text = path.read_text(encoding="utf-8", errors="replace")
        cited = set(CITATION.findall(text)) | (set(QUOTED.findall(text)) if path.suffix == ".py" else set())
        if path.suffix == ".json" and path.name.endswith("schema.json"):
            cited |= {v for v in re.findall(r'"x-(?:required-)?clause":\s*"([^"]+)"', text)}
        unknown = cited - known
        if unknown:
            missing[str(path.relative_to(ROOT))] = sorted(unknown)
    assert not missing, missing


@pytest.mark.parametrize("name", ["nam.schema.json", "adapter-protocol.schema.json"])
def test_schemas_are_valid_2020_12(name):
    schema = json.loads((ROOT / "spec" / name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema" and schema["$id"]


def test_the_divergences_section_covers_the_decisions():
    """Every divergence clause says what each side does and what the spec requires."""
    text = SPEC.read_text(encoding="utf-8")
    section = text[text.index("## 20. Divergences"):text.index("## Appendix A")]
    clauses = re.split(r"\n(?=\*\*\[DIV-)", section)[1:]
    assert len(clauses) >= 30
    for clause in clauses:
        assert "Spec:" in clause, clause[:80]
