"""The conformance suite against hostile adapters (tests/hostile/ and the adapter mutants of
tests/mutants/): whatever the adapter does, the run ends with one clear line or a verdict, never an
INTERNALERROR; a hang or a crash is found and the implementation declared dead, so the run ends
quickly; the suite's memory stays bounded; no process outlives the run and no temporary folder
is left behind.

Each run is measured (wall time, peak RSS of the suite and its workers); tests/conftest.py prints
the measurements at the end of the run.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conformance.adapters.vitals import STRIKES

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
MUTANTS = ROOT / "tests" / "mutants"
MEASURE_PROPERTY = "hostile_run"  # the user property tests/conftest.py builds the table from
RSS_CEILING_MB = 1024  # issue 19: under 1 GB whatever the adapter does (a flood drove it to 6 GB)
PYTHON = sys.executable


@dataclasses.dataclass
class Run:
    code: int
    output: str  # stdout and stderr
    seconds: float
    peak_rss_mb: float  # the largest resident set of the suite's processes (wait4)
    report: dict | None
    leftovers: list[str]  # entries left in the run's temporary directory
    survivors: list[int]  # processes the adapters started that are still alive

    @property
    def last_line(self) -> str:
        lines = [line for line in self.output.splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def statuses(self) -> dict[str, int]:
        return (self.report or {}).get("counts", {})


def run_suite(tmp_path: Path, impl: str, *arguments: str, interrupt_after: float | None = None) -> Run:
    """The suite in a subprocess as a user runs it, in its own temporary directory."""
    temporary, pids, report = tmp_path / "tmp", tmp_path / "pids", tmp_path / "report.json"
    temporary.mkdir()
    pids.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary), "NAM_HOSTILE_PIDS": str(pids), "HYPOTHESIS_PROFILE": "ci",
           "HYPOTHESIS_STORAGE_DIRECTORY": str(tmp_path / "hypothesis")}
    command = [PYTHON, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider", "--hypothesis-seed=0",
               "--impl", impl, "--report-json", str(report), *arguments]
    with open(tmp_path / "output.txt", "w+b") as output:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        guard = threading.Timer(300, proc.kill)  # a suite that never ends fails here, not the test run
        guard.start()
        if interrupt_after is not None:
            threading.Timer(interrupt_after, proc.send_signal, (signal.SIGINT,)).start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        guard.cancel()
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    return Run(proc.returncode, text, seconds, usage.ru_maxrss / 1024,
               json.loads(report.read_text()) if report.is_file() else None,
               sorted(p.name for p in temporary.iterdir() if p.name.startswith("nam-conformance")),
               _alive(pids / "pids"))


def _alive(pid_file: Path) -> list[int]:
    """The noted processes still running after a short grace (a killed process may take a moment)."""
    pids = [int(p) for p in pid_file.read_text().split()] if pid_file.is_file() else []
    for _ in range(20):
        alive = [p for p in pids if _running(p)]
        if not alive:
            return []
        time.sleep(0.1)
    return alive


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie is dead, only not yet reaped


def measured(record_property, name: str, run: Run) -> None:
    record_property(MEASURE_PROPERTY, json.dumps({"adapter": name, "seconds": round(run.seconds, 1),
                                                  "peak_rss_mb": round(run.peak_rss_mb), "exit": run.code,
                                                  "last_line": run.last_line[:90]}))


def assert_clean(run: Run) -> None:
    assert "INTERNALERROR" not in run.output, run.output[-3000:]
    assert not run.leftovers, f"temporary folders left behind: {run.leftovers}"
    assert not run.survivors, f"processes outlived the run: {run.survivors}"
    assert run.peak_rss_mb < RSS_CEILING_MB, f"peak RSS {run.peak_rss_mb:.0f} MB"


# A failed handshake: one line, the usage exit code, with or without xdist.

HANDSHAKES = {
    "garbage_hello": (f"{PYTHON} {HOSTILE / 'garbage_hello.py'}", "not a JSON object"),
    "other_protocol": (f"{PYTHON} {HOSTILE / 'other_protocol.py'}", "speaks protocol 2"),
    "no_such_program": (str(HOSTILE / "no-such-engine"), "cannot start"),
    "broken_plugin": (str(HOSTILE / "broken_plugin.py"), "libmy_engine.so"),
}


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one process", "xdist"])
@pytest.mark.parametrize("name", sorted(HANDSHAKES))
def test_a_failed_handshake_stops_the_run_with_one_line(tmp_path, record_property, name, workers):
    impl, cause = HANDSHAKES[name]
    run = run_suite(tmp_path, impl, "-k", "hand.linear", *workers)
    measured(record_property, f"{name} {' '.join(workers)}".strip(), run)
    assert run.code == pytest.ExitCode.USAGE_ERROR, run.output[-2000:]
    assert run.last_line.startswith("ERROR: the implementation did not start:") and cause in run.last_line, run.output
    assert run.report is None  # no verdict for a run that never started
    assert "Traceback" not in run.output, run.output[-3000:]
    assert_clean(run)


# A dead implementation: a few timeouts or crashes, then the rest is not run.

DEAD_SELECTION = ["-k", "test_agreement or test_generated_agreement or test_block_invariance"]


@pytest.mark.parametrize("name, impl, arguments, error", [
    ("hang_from_start (JSON lines, -n 2)", f"{PYTHON} {HOSTILE / 'hang_from_start.py'}", ["-n", "2"], "CallTimeout"),
    ("l_plugin_hang (plugin)", str(MUTANTS / "l_plugin_hang.py"), [], "CallTimeout"),
    ("l_plugin_kills_its_process (plugin, -n 2)", str(MUTANTS / "l_plugin_kills_its_process.py"), ["-n", "2"],
     "AdapterCrashed"),
])
def test_a_dead_implementation_ends_the_run(tmp_path, record_property, name, impl, arguments, error):
    """At the default call timeout: three timeouts or crashes (a round of them on each worker), then
    every other check, the generated ones included, is not run, and the verdict says so."""
    run = run_suite(tmp_path, impl, *DEAD_SELECTION, *arguments)
    measured(record_property, name, run)
    assert run.code == pytest.ExitCode.TESTS_FAILED, run.output[-2000:]
    counts = run.statuses()
    errors = [r for r in run.report["results"] if r["status"] == "ERROR"]
    assert STRIKES <= len(errors) <= STRIKES + 1, counts  # with two workers, one may be in its call
    assert all(r.get("error_kind") == error for r in errors), [r["message"] for r in errors]
    assert counts.get("DEAD", 0) > 50 and set(counts) <= {"ERROR", "DEAD", "NOT APPLICABLE"}, counts
    generated = [r for r in run.report["results"] if "generated" in r["id"]]
    assert generated and all(r["status"] == "DEAD" for r in generated)  # no Hypothesis retries
    assert not run.report["verdict"].startswith("VERDICT: CONFORMANT"), run.report["verdict"]
    assert "the implementation is dead" in run.report["verdict"] and run.report["verdict"] in run.output
    assert_clean(run)


def test_an_interrupted_run_leaves_nothing_behind(tmp_path, record_property):
    """Ctrl-C while the adapter hangs: no INTERNALERROR, no process left, no temporary folder left."""
    run = run_suite(tmp_path, f"{PYTHON} {HOSTILE / 'hang_from_start.py'}", "-k", "hand.linear", "-n", "2",
                    interrupt_after=20)
    measured(record_property, "hang_from_start, Ctrl-C after 20 s", run)
    assert run.code != pytest.ExitCode.OK
    assert "INTERNALERROR" not in run.output, run.output[-3000:]
    assert not run.leftovers and not run.survivors, (run.leftovers, run.survivors)


# Floods: memory stays bounded, and a correct engine is still conformant.

@pytest.mark.parametrize("name, impl", [
    ("stderr_flood (JSON lines)", f"{PYTHON} {HOSTILE / 'stderr_flood.py'}"),
    ("plugin_stderr_flood (plugin)", str(HOSTILE / "plugin_stderr_flood.py")),
])
def test_a_flooding_adapter_keeps_the_suite_bounded(tmp_path, record_property, name, impl):
    run = run_suite(tmp_path, impl, "-k", "test_agreement and hand.linear")
    measured(record_property, name, run)
    assert run.code == pytest.ExitCode.OK, run.output[-2000:]
    assert run.report["verdict"].startswith("VERDICT: CONFORMANT"), run.report["verdict"]
    assert_clean(run)


def test_temporary_files_are_kept_only_when_asked(tmp_path):
    kept = tmp_path / "kept"
    run = run_suite(tmp_path, "reference", "-k", "test_agreement and hand.linear", "--keep-temp", str(kept))
    assert run.code == pytest.ExitCode.OK and not run.leftovers, run.output[-2000:]
    folders = list(kept.glob("nam-conformance-*"))
    assert len(folders) == 1 and list(folders[0].glob("nam-conformance-cases-*")), folders  # the checks' files
    assert run.report["header"]["kept_temporary_files"] == str(folders[0])
    assert f"Temporary files kept in {folders[0]}" in run.output


def hostile_table(rows: list[dict]) -> list[str]:
    """The lines of the measurements table (printed by tests/conftest.py at the end of a run)."""
    width = max(len(r["adapter"]) for r in rows)
    lines = [f"{'adapter':{width}}  {'time':>6}  {'peak RSS':>8}  exit  last line"]
    for r in sorted(rows, key=lambda r: r["adapter"]):
        lines.append(f"{r['adapter']:{width}}  {r['seconds']:5.1f}s  {r['peak_rss_mb']:5d} MB  {r['exit']:4}  "
                     f"{r['last_line']}")
    return lines
