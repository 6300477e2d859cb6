"""The invalid-file corpus (fixtures/invalid/): every file breaks one clause, and the validator, the JSON
Schema and the `nam-ref validate` command all reject it for that reason.

The corpus is written by fixtures/build_invalid.py from the fixed files of the invalid-kind catalogue
(generators/invalid.py), made from the base models of generators/invalid_bases.py, with weight counts
worked out from the spec's formulas, not by the reference.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import tracemalloc

import jsonschema
import pytest

import nam_reference
from conftest import ROOT
from generators import invalid_bases
from nam_reference.problems import ERROR_CLASSES

INVALID = ROOT / "fixtures" / "invalid"
INDEX = json.loads((INVALID / "INDEX.json").read_text(encoding="utf-8"))
IDS = [e["id"] for e in INDEX]
SCHEMA = json.loads((ROOT / "spec" / "nam.schema.json").read_text(encoding="utf-8"))
SPEC_CLAUSES = set(re.findall(r"\*\*\[([A-Z]+(?:-[A-Z]+)*-\d+)\]", (ROOT / "spec" / "nam-format.md").read_text("utf-8")))
# fixtures/invalid/a.nam: /config/bias: error [LIN-1] (schema): expected boolean, got an integer
LINE = re.compile(r"^(?P<file>.+?\.nam): (?P<path>/\S*): (?P<severity>error|warning) \[(?P<clause>[A-Z0-9-]+)\]"
                  r"(?: \((?P<error_class>[a-z_]+)\))?: (?P<message>.+)$")


def _builder():
    spec = importlib.util.spec_from_file_location("build_invalid", ROOT / "fixtures" / "build_invalid.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parsed(entry):
    return json.loads((INVALID / entry["file"]).read_bytes())


# The corpus and its index.

def test_the_committed_corpus_is_what_the_builder_writes(tmp_path):
    _builder().build(tmp_path)
    written = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_bytes() for p in INVALID.iterdir()}
    assert sorted(written) == sorted(committed)
    changed = [name for name in written if written[name] != committed[name]]
    assert not changed, f"run `python fixtures/build_invalid.py`: {changed[:5]} differ"


def test_the_base_models_are_valid_without_warnings():
    """Each invalid file is one defect away from one of these."""
    for name in invalid_bases.BASES:
        report = nam_reference.validate(invalid_bases.base(name), name=name)
        assert report.ok and not report.warnings, [p.line() for p in report.problems]


def test_the_index_lists_every_file_once_with_well_formed_entries():
    assert len(INDEX) >= 150
    assert len(set(IDS)) == len(IDS)
    assert {e["file"] for e in INDEX} == {p.name for p in INVALID.glob("*.nam")}
    for e in INDEX:
        assert set(e) == {"file", "id", "clause", "error_class", "reject_level", "description"}, e
        assert re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", e["id"]), e["id"]
        assert e["file"] == e["id"] + ".nam"
        assert e["error_class"] in ERROR_CLASSES, e
        assert e["reject_level"] in ("MUST", "SHOULD"), e
        assert e["description"], e


def test_every_indexed_clause_is_a_clause_of_the_spec():
    assert len(SPEC_CLAUSES) > 150  # the markers were found
    assert {e["clause"] for e in INDEX} <= SPEC_CLAUSES


def test_the_corpus_covers_every_clause_a_file_can_break():
    """The clauses below are those whose violation lies in a file (the others describe computation; a
    defect under [META-1] is a warning)."""
    breakable = {
        "JSON-1", "JSON-2", "JSON-3", "JSON-4", "ENV-1", "ENV-2", "ENV-3", "VER-1", "VER-2", "SR-1", "SR-4",
        "META-2", "SEQ-1", "SEQ-2", "SEQ-4", "SEQ-10", "W-1", "W-2", "W-3", "ACT-1", "ACT-2", "ACT-3", "ACT-4", "LIN-1", "LIN-2", "CNN-1",
        "CNN-2", "CNN-4", "LSTM-1", "LSTM-2", "WN-1", "WN-3", "WN-ARR-1", "WN-ARR-3", "WN-ARR-4", "WN-ARR-5",
        "WN-ARR-6", "WN-ARR-7", "WN-ARR-8", "WN-ARR-9", "WN-ARR-10", "WN-ARR-11", "WN-ARR-12", "WN-ARR-13",
        "WN-ARR-15", "WN-ARR-16", "WN-ARR-17", "WN-ARR-18", "WN-ARR-19", "WN-ARR-20", "WN-ARR-21", "WN-HEAD-1",
        "WN-HEAD-3", "WN-COND-1", "WN-COND-3", "WN-SLIM-1", "WN-SLIM-2", "WN-SLIM-3", "WN-SLIM-4", "CONT-1",
        "CONT-2", "CONT-3", "CONT-4", "LIM-1", "LIM-2", "LIM-3"}
    assert breakable <= SPEC_CLAUSES
    assert breakable - {e["clause"] for e in INDEX} == set()


def test_every_clause_the_validator_can_cite_is_in_the_spec():
    prefixes = {c.split("-")[0] for c in SPEC_CLAUSES}
    cited = set()
    for source in sorted((ROOT / "nam_reference").rglob("*.py")):
        for clause in re.findall(r"[\"']([A-Z]+(?:-[A-Z]+)*-\d+)[\"']", source.read_text(encoding="utf-8")):
            if clause.split("-")[0] in prefixes:
                cited.add(clause)
    schema_text = (ROOT / "spec" / "nam.schema.json").read_text(encoding="utf-8")
    cited |= set(re.findall(r'"x-(?:required-)?clause": "([^"]+)"', schema_text))
    assert len(cited) > 40  # the search found the validator's clause strings
    assert cited - SPEC_CLAUSES == set()


# The reference validator.

@pytest.mark.parametrize("entry", INDEX, ids=IDS)
def test_the_validator_rejects_the_file_citing_its_clause(entry):
    report = nam_reference.validate(INVALID / entry["file"])
    assert not report.ok
    lines = [p.line() for p in report.errors]
    assert all(p.clause == entry["clause"] for p in report.errors), lines  # one defect, one clause
    cited = [p for p in report.errors if p.error_class == entry["error_class"]]
    assert cited, lines
    assert {p.reject_level for p in cited} == {entry["reject_level"]}, lines
    with pytest.raises(nam_reference.InvalidModelError):
        nam_reference.load(INVALID / entry["file"])


HUGE = [e for e in INDEX if e["id"].endswith(".huge")]


def test_huge_declared_sizes_are_rejected_without_allocating_them():
    """[W-5]: the count and the limits are checked before anything of a declared size is allocated."""
    assert len(HUGE) >= 8
    nam_reference.validate(INVALID / HUGE[0]["file"])  # the schema is compiled once, outside the measurement
    for entry in HUGE:
        tracemalloc.start()
        try:
            report = nam_reference.validate(INVALID / entry["file"])
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert [p.clause for p in report.errors] == [entry["clause"]]
        assert peak < 2_000_000, f"{entry['id']}: validating allocated {peak} bytes at the peak"


# The JSON Schema on its own.

def test_the_schema_is_a_valid_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


STRUCTURAL = [e for e in INDEX if e["error_class"] in ("schema", "version")]
CROSS_FIELD = [e for e in INDEX if e["error_class"] in ("consistency", "weight_count")]


@pytest.mark.parametrize("entry", STRUCTURAL, ids=[e["id"] for e in STRUCTURAL])
def test_the_schema_alone_rejects_structural_defects(entry):
    assert not jsonschema.Draft202012Validator(SCHEMA).is_valid(_parsed(entry))


@pytest.mark.parametrize("entry", CROSS_FIELD, ids=[e["id"] for e in CROSS_FIELD])
def test_cross_field_defects_are_beyond_the_schema(entry):
    """These files are structurally valid, so their class is not `schema` ([Appendix A])."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    assert validator.is_valid(_parsed(entry)), next(validator.iter_errors(_parsed(entry))).message


# The command line.

def _nam_ref(*args):
    return subprocess.run([sys.executable, "-m", "nam_reference.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def cli_text():
    return _nam_ref("validate", *[f"fixtures/invalid/{e['file']}" for e in INDEX])


def test_nam_ref_validate_prints_one_clause_cited_line_per_problem(cli_text):
    assert cli_text.returncode == 1
    assert "Traceback" not in cli_text.stderr and "internal error" not in cli_text.stderr, cli_text.stderr[-2000:]
    found = {}
    for line in cli_text.stdout.splitlines():
        match = LINE.match(line)
        assert match, line
        found.setdefault(match["file"], []).append(match)
    for e in INDEX:
        problems = nam_reference.validate(INVALID / e["file"]).problems
        lines = found.get(f"fixtures/invalid/{e['file']}", [])
        assert len(lines) == len(problems), e["id"]
        assert any(m["severity"] == "error" and m["clause"] == e["clause"] and m["error_class"] == e["error_class"]
                   for m in lines), e["id"]


def test_nam_ref_validate_json_matches_the_validator():
    result = _nam_ref("validate", "--json", *[f"fixtures/invalid/{e['file']}" for e in INDEX])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    document = json.loads(result.stdout)
    assert [r["file"] for r in document["results"]] == [f"fixtures/invalid/{e['file']}" for e in INDEX]
    for e, r in zip(INDEX, document["results"]):
        assert r["valid"] is False
        assert r["problems"] == nam_reference.validate(INVALID / e["file"]).as_json()["problems"], e["id"]
