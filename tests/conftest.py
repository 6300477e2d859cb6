"""Shared test helpers: where the shared example models and oracle outputs are."""

from __future__ import annotations

import json
import os
import threading
import time
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


QUIET_SECONDS = 30  # a run silent for this long says which tests it is waiting for


class _Heartbeat:
    """Progress while long tests run: the nested suite runs of the mutant and hostile-adapter tests
    take minutes, during which pytest's own progress line does not move. Every QUIET_SECONDS without
    a finished test, one line names the tests still running and for how long. It runs in the xdist
    controller, which hears when each worker starts and finishes a test (a test run in the main
    process would have the line captured with its own output)."""

    def __init__(self):
        self.reporter = None
        self.running: dict[str, float] = {}
        self.last_news = time.monotonic()
        self.lock = threading.Lock()
        self.done = threading.Event()

    def pytest_sessionstart(self, session):
        self.reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if self.reporter is not None:  # none with -p no:terminal
            threading.Thread(target=self._beat, name="heartbeat", daemon=True).start()

    def pytest_runtest_logstart(self, nodeid):
        with self.lock:
            self.running[nodeid] = time.monotonic()

    def pytest_runtest_logfinish(self, nodeid):
        with self.lock:
            self.running.pop(nodeid, None)
            self.last_news = time.monotonic()

    def pytest_unconfigure(self):
        self.done.set()

    def _beat(self):
        while not self.done.wait(5):
            now = time.monotonic()
            with self.lock:
                if now - self.last_news < QUIET_SECONDS or not self.running:
                    continue
                self.last_news = now
                waiting = sorted(self.running.items(), key=lambda item: item[1])
            names = ", ".join(f"{nodeid} ({now - start:.0f} s)" for nodeid, start in waiting[:3])
            more = f" and {len(waiting) - 3} more" if len(waiting) > 3 else ""
            self.reporter.write("\n")  # the progress dots do not end their line
            self.reporter.write_line(f"still running: {names}{more}")


def pytest_configure(config):
    if config.getoption("numprocesses", None) and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Heartbeat(), "heartbeat")


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
