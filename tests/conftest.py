"""Shared test helpers: where the shared example models and oracle outputs are."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NAM_SHARED_DIR", ROOT.parent / "shared"))
SHARED_MODELS = sorted((SHARED / "models").glob("*.nam")) if SHARED.is_dir() else []


def shared_path(*parts: str) -> Path:
    """A file under ../shared; the test is skipped (with the reason) when ../shared is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"the shared example models are not beside the checkout ({SHARED} is absent)")
    return SHARED.joinpath(*parts)


def pytest_terminal_summary(terminalreporter):
    """The kill table of tests/test_mutants.py and the measurements of tests/test_hostile.py, when they
    ran (rows come from every xdist worker)."""
    rows = _property_rows(terminalreporter, "mutant_kill")
    if rows:
        from test_mutants import kill_table

        terminalreporter.write_sep("=", "mutant kill table")
        for line in kill_table(rows):
            terminalreporter.write_line(line)
    runs = _property_rows(terminalreporter, "hostile_run")
    if runs:
        from test_hostile import hostile_table

        terminalreporter.write_sep("=", "the suite against hostile adapters")
        for line in hostile_table(runs):
            terminalreporter.write_line(line)


def _property_rows(terminalreporter, name: str) -> list:
    """The values the tests recorded under `name` with record_property (from every xdist worker)."""
    return [json.loads(value) for reports in terminalreporter.stats.values() for report in reports
            if getattr(report, "when", None) == "call"
            for key, value in report.user_properties if key == name]
