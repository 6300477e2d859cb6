"""The conformance suite against deliberately wrong implementations (tests/mutants/).

Each mutant injects one bug of the catalogue that tests/mutants/README.md maps, and names in its
docstring the checks that must catch it and the part of the suite that does:

    Catalogue: 13 (gated activations right only for 1-sample blocks)
    Caught by: block_invariance
    Run: test_blocks.py -k "hand.wavenet_gated"

Each mutant runs the suite as a user would (a subprocess, --report-json) on its `Run` selection;
the test passes when every named check fails (or errors, for `Status: ERROR`), and the reference
passes every selection. The kill table and the kill rate are printed at the end of the run.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conformance import checks

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "tests" / "mutants"
FIELDS = ("Catalogue", "Caught by", "Run", "Status", "Explained")  # the last two are optional
KILL_PROPERTY = "mutant_kill"  # the user property tests/conftest.py builds the kill table from


@dataclasses.dataclass(frozen=True)
class Mutant:
    path: Path
    catalogue: str  # the entry of the catalogue, with its title
    checks: tuple[str, ...]  # the checks that must catch it
    files: tuple[str, ...]  # test files under conformance/
    keyword: str | None  # the -k expression
    options: tuple[str, ...]  # other suite options (e.g. a short --call-timeout)
    status: str  # "FAIL" (a wrong result) or "ERROR" (a crash, a hang, garbage)
    explained: str | None  # the DIV clause whose dialect the mutant computes ([DIALECT-4])

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def impl(self) -> str:
        source = self.path.read_text(encoding="utf-8")
        if "def create_adapter" in source:
            return str(self.path.relative_to(ROOT))  # a Python plugin
        return f"{shlex.quote(sys.executable)} {self.path.relative_to(ROOT)}"  # a JSON-lines program

    def selection(self) -> list[str]:
        return [f"conformance/{f}" for f in self.files] + (["-k", self.keyword] if self.keyword else [])


def parse(path: Path) -> Mutant:
    """Read a mutant's docstring fields (`Field: value` lines)."""
    source = path.read_text(encoding="utf-8")
    docstring = re.search(r'"""(.*?)"""', source, re.S).group(1)
    fields = dict(re.findall(rf"^({'|'.join(FIELDS)}): (.+)$", docstring, re.M))
    missing = [f for f in FIELDS[:3] if f not in fields]
    if missing:
        raise ValueError(f"{path.name}: the docstring lacks {', '.join(missing)}")
    words = shlex.split(fields["Run"])
    files = tuple(w for w in words if w.endswith(".py"))
    rest = [w for w in words if not w.endswith(".py")]
    keyword = None
    if "-k" in rest:
        i = rest.index("-k")
        keyword = rest[i + 1]
        del rest[i:i + 2]
    return Mutant(path, fields["Catalogue"], tuple(c.strip() for c in fields["Caught by"].split(",")), files,
                  keyword, tuple(rest), fields.get("Status", "FAIL"), fields.get("Explained"))


def all_mutants() -> list[Mutant]:
    return [parse(p) for p in sorted(MUTANTS.glob("*.py")) if not p.name.startswith("_")]


def run_suite(impl: str, arguments: list[str], report: Path) -> dict:
    """Run the conformance suite in a subprocess, as a user would, and return its JSON report."""
    command = [sys.executable, "-m", "pytest", "--impl", impl, "--report-json", str(report), "-q",
               "-p", "no:cacheprovider", "--hypothesis-seed=0", *arguments]  # the same kill table on every run
    env = {**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": str(report.parent / "hypothesis")}  # no shared examples
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    if not report.is_file():
        pytest.fail(f"the suite wrote no report (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(report.read_text())


MUTANT_LIST = all_mutants()


def test_every_mutant_is_well_formed():
    """Every mutant names a catalogue entry, known checks and a selection of existing test files."""
    known = set(checks.BY_NAME)
    assert len(MUTANT_LIST) >= 30
    for mutant in MUTANT_LIST:
        assert re.fullmatch(r"(\d+|L) \(.+\)", mutant.catalogue), f"{mutant.name}: catalogue {mutant.catalogue!r}"
        assert set(mutant.checks) <= known, f"{mutant.name}: unknown checks {set(mutant.checks) - known}"
        assert mutant.files and all((ROOT / "conformance" / f).is_file() for f in mutant.files), mutant.name
        assert mutant.status in ("FAIL", "ERROR"), mutant.name


def test_readme_maps_every_catalogue_entry():
    """tests/mutants/README.md maps each catalogue entry (1 to 36, and L) to its mutants, or gives the
    reason no black-box test can observe it."""
    readme = (MUTANTS / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and re.fullmatch(r"\d+|L", cells[0]):
            rows[cells[0]] = re.findall(r"`(\w+)`", cells[2])
    assert set(rows) == {str(i) for i in range(1, 37)} | {"L"}
    listed = {name: entry for entry, names in rows.items() for name in names}
    assert sorted(listed) == sorted(m.name for m in MUTANT_LIST)
    for mutant in MUTANT_LIST:
        assert listed[mutant.name] == mutant.catalogue.split()[0], mutant.name
    for entry in (e for e, names in rows.items() if not names):
        assert f"- **{entry}, " in readme, f"entry {entry} has neither a mutant nor a reason"


@pytest.mark.parametrize("mutant", MUTANT_LIST, ids=[m.name for m in MUTANT_LIST])
def test_mutant_is_caught(mutant, tmp_path, record_property):
    start = time.perf_counter()
    report = run_suite(mutant.impl, [*mutant.options, *mutant.selection()], tmp_path / "report.json")
    seconds = time.perf_counter() - start
    failed = [r for r in report["results"] if r["status"] in ("FAIL", "ERROR")]
    caught = sorted({r["check"] for r in failed if r["status"] == mutant.status})
    record_property(KILL_PROPERTY, json.dumps({
        "mutant": mutant.name, "catalogue": mutant.catalogue.split()[0], "expected": ", ".join(mutant.checks),
        "caught": ", ".join(caught) or "-", "killed": set(mutant.checks) <= set(caught), "seconds": seconds}))
    messages = "\n".join(f"  {r['status']} {r['id']}: {r.get('message', '')[:200]}" for r in failed[:10])
    assert failed, f"{mutant.name} survived: {report['verdict']}"
    missed = [c for c in mutant.checks if c not in caught]
    assert not missed, f"{mutant.name} was not caught by {missed} (status {mutant.status}):\n{messages}"
    if mutant.status == "FAIL":  # a mutant that only ever crashes does not test what it claims
        errors = [r for r in failed if r["status"] == "ERROR"]
        assert not errors, f"{mutant.name} errored instead of computing a wrong result:\n{messages}"
    # A mutant computing a dialect is reported as explained by its clause, and still fails; no other is.
    explained = {r["id"]: r.get("explained_by") for r in failed if r.get("explained_by")}
    if mutant.explained:
        numerical = [r for r in failed if r.get("metrics")]
        assert numerical and all(r.get("explained_by") == [mutant.explained] for r in numerical), (
            f"{mutant.name} computes [{mutant.explained}]'s reading but was reported as:\n"
            + "\n".join(f"  {r['id']}: {r.get('explained_by')} {r.get('message', '')[:160]}" for r in numerical))
        assert all(f"matches [{mutant.explained}]" in r["message"] for r in numerical), messages
    else:
        assert not explained, f"{mutant.name} is not a dialect but was explained: {explained}"


def test_reference_passes_every_selection(tmp_path):
    """The reference passes every test the mutants are judged on (one run over their union)."""
    files = sorted({f for m in MUTANT_LIST for f in m.files})
    terms = [f"(({' or '.join(m.files)}) and ({m.keyword or 'test_'}))" for m in MUTANT_LIST]
    report = run_suite("reference", [f"conformance/{f}" for f in files] + ["-k", " or ".join(terms)],
                       tmp_path / "report.json")
    bad = [f"{r['status']} {r['id']}: {r.get('message', '')[:200]}" for r in report["results"]
           if r["status"] not in ("PASS", "NOT APPLICABLE", "NOT SUPPORTED")]
    assert not bad, "\n".join(bad)
    assert report["counts"].get("PASS", 0) >= len(MUTANT_LIST)


def kill_table(rows: list[dict]) -> list[str]:
    """The lines of the kill table (printed by tests/conftest.py at the end of a run)."""
    rows = sorted(rows, key=lambda r: r["mutant"])
    width = max(len(r["mutant"]) for r in rows)
    lines = [f"{'mutant':{width}}  entry  {'expected check':24}  {'caught by':32}  time",
             f"{'-' * width}  -----  {'-' * 24}  {'-' * 32}  ------"]
    for r in rows:
        mark = "" if r["killed"] else "  SURVIVED"
        lines.append(f"{r['mutant']:{width}}  {r['catalogue']:5}  {r['expected']:24}  {r['caught']:32}  "
                     f"{r['seconds']:5.1f}s{mark}")
    killed = sum(r["killed"] for r in rows)
    lines.append(f"kill rate: {killed}/{len(rows)} mutants caught by the checks they name "
                 f"({100 * killed / len(rows):.0f}%)")
    return lines
